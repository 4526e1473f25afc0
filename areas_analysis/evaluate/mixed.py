"""Patient-partner effect accounting for sessions: mixed model, or session means when too few sessions.

The patient partner is present or absent for a whole session, so the unit that
receives the "treatment" is the session, not the student. A linear mixed model
with a random intercept per session (Laird & Ware 1982, *Biometrics*
38:963-974; statsmodels ``MixedLM``) separates the between-session variability
from the arm effect — but only when there are enough sessions in each arm to
estimate that variability. With few sessions (fewer than 5 per arm by default),
a failed fit or a between-session variance estimated at zero (singular fit),
the model's interval would be misleadingly narrow: this module then says so in
French and falls back to the honest cluster-level analysis, an ordinary least
squares comparison of the session means (each session counts once; Donner &
Klar 2000, *Design and Analysis of Cluster Randomization Trials*, ch. 6).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from ..config import DEFAULT_SEED
from ..errors import AreasError
from ..tables import as_list, check_confidence, fr_num, plural, require_columns, set_note
from ._common import (
    ARM_WITH,
    ARM_WITHOUT,
    CORRECTION_LABELS,
    Correction,
    add_adjusted_p,
    adjust_pvalues,
    arm_values,
    check_choice,
    conclusion,
    outcome_label,
)

__all__ = ["ANALYSIS_FALLBACK", "ANALYSIS_MIXED", "ANALYSIS_NONE", "MAX_ENUMERATED_ASSIGNMENTS",
           "MIN_SESSIONS_PER_ARM", "arm_effect", "session_randomisation_test"]

#: Fewer sessions than this in an arm → no mixed model (variance between sessions not estimable).
MIN_SESSIONS_PER_ARM = 5
#: A random-intercept variance below this share of the total variance (ICC) is treated as zero
#: (singular fit); statsmodels' own boundary warning (variance < 0.01) counts too.
SINGULAR_ICC = 0.01

ANALYSIS_MIXED = "modèle mixte (intercept aléatoire par séance)"
ANALYSIS_FALLBACK = "repli : comparaison des moyennes par séance"
ANALYSIS_NONE = "non estimable"


def _fit_mixed(g: pd.DataFrame, adjust: list[str], confidence: float) -> dict[str, object]:
    """Fit ``y ~ pp + adjust`` with a random intercept per session; describe any failure in French."""
    formula = "_y ~ _pp" + "".join(f" + {a}" for a in adjust)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = smf.mixedlm(formula, g, groups=g["_session"]).fit(reml=True)
        except (np.linalg.LinAlgError, ValueError) as exc:
            return {"ok": False, "why": f"l'ajustement du modèle mixte a échoué ({type(exc).__name__})"}
    var_re = float(np.asarray(res.cov_re)[0, 0])
    scale = float(res.scale)
    icc = var_re / (var_re + scale) if var_re + scale > 0 else math.nan
    boundary = any("boundary" in str(w.message).lower() for w in caught)
    if not res.converged:
        return {"ok": False, "why": "le modèle mixte n'a pas convergé", "var": var_re, "icc": icc}
    if not math.isfinite(var_re) or not icc >= SINGULAR_ICC or boundary:
        return {"ok": False, "why": "la variance entre séances est estimée à (presque) zéro (modèle singulier, "
                                    f"corrélation intra-séance {fr_num(100 * icc, 1)} %) : l'intervalle du modèle "
                                    "ignorerait l'incertitude due aux séances",
                "var": var_re, "icc": icc}
    # small-sample inference: t with "between-within" degrees of freedom (sessions - 2), since the arm
    # is a session-level variable; the Wald z of statsmodels is too liberal with a dozen sessions
    df = int(g["_session"].nunique()) - 2
    b, se = float(res.params["_pp"]), float(res.bse["_pp"])
    if not (math.isfinite(se) and se > 0) or df < 1:
        return {"ok": False, "why": "l'erreur type de l'effet n'est pas calculable", "var": var_re, "icc": icc}
    q = float(stats.t.ppf(1 - (1 - confidence) / 2, df))
    return {"ok": True, "effet": b, "ic_bas": b - q * se, "ic_haut": b + q * se, "se": se, "df": df,
            "p": float(2 * stats.t.sf(abs(b / se), df)), "var": var_re, "icc": icc}


def _fit_session_means(g: pd.DataFrame, adjust: list[str], confidence: float) -> dict[str, object]:
    """OLS of session means on the arm (+ session means of the adjusters); t-based CI."""
    agg = g.groupby("_session").agg(_y=("_y", "mean"), _pp=("_pp", "first"),
                                    **{a: (a, "mean") for a in adjust})
    n_sess = len(agg)
    n_with = int(agg["_pp"].sum())
    n_param = 2 + len(adjust)
    if n_with == 0 or n_with == n_sess:
        return {"ok": False, "why": "un des deux bras n'a aucune séance"}
    if n_sess <= n_param:
        return {"ok": False, "why": f"{n_sess} séances ne suffisent pas à estimer {n_param} paramètres"}
    X = sm.add_constant(agg[["_pp", *adjust]].astype(float), has_constant="add")
    res = sm.OLS(agg["_y"].astype(float), X).fit()
    if not np.isfinite(res.bse["_pp"]) or res.df_resid < 1:
        return {"ok": False, "why": "pas assez de séances pour estimer la dispersion entre séances"}
    if res.ssr <= 1e-12 * max(1.0, float(np.sum((agg["_y"] - agg["_y"].mean()) ** 2))):
        return {"ok": False, "why": "les moyennes des séances d'un même bras sont identiques (dispersion nulle) : "
                                    "aucun intervalle ne peut être calculé"}
    ci = res.conf_int(alpha=1 - confidence).loc["_pp"]
    return {"ok": True, "effet": float(res.params["_pp"]), "ic_bas": float(ci.iloc[0]),
            "ic_haut": float(ci.iloc[1]), "p": float(res.pvalues["_pp"]), "df": float(res.df_resid)}


#: Enumerate every assignment of sessions to arms up to this many; beyond, draw them at random.
MAX_ENUMERATED_ASSIGNMENTS = 100_000
#: Random assignments drawn when there are too many to enumerate (p = (1 + hits) / (1 + draws)).
N_RANDOM_ASSIGNMENTS = 9_999


def _assignments(n_sessions: int, n_with: int, seed: int) -> tuple[np.ndarray, bool]:
    """0/1 matrix of assignments (one row each, ``n_with`` ones): all of them, or seeded random draws."""
    total = math.comb(n_sessions, n_with)
    if total <= MAX_ENUMERATED_ASSIGNMENTS:
        rows = np.zeros((total, n_sessions))
        for i, idx in enumerate(itertools.combinations(range(n_sessions), n_with)):
            rows[i, list(idx)] = 1.0
        return rows, True
    rng = np.random.default_rng(seed)
    rows = np.zeros((N_RANDOM_ASSIGNMENTS, n_sessions))
    for i in range(N_RANDOM_ASSIGNMENTS):
        rows[i, rng.choice(n_sessions, n_with, replace=False)] = 1.0
    return rows, False


def session_randomisation_test(
    session_values: Sequence[float] | np.ndarray,
    session_arm: Sequence[bool] | np.ndarray,
    covariates: np.ndarray | None = None,
    *,
    seed: int = DEFAULT_SEED,
) -> dict[str, float]:
    """Exact randomisation test of the arm effect over the assignments of sessions to arms.

    The patient partner is present for whole sessions, so the honest null
    distribution re-deals *which sessions* had a partner, keeping each
    session's students together (Fisher's randomisation test at cluster
    level; Gail et al. 1996, *Stat. Med.* 15:1069-1092). Statistic: the
    coefficient of the arm in a least-squares regression of the session
    values on the arm (+ ``covariates``) — the difference of the arms' mean
    session values without covariates. Two-sided
    ``p = #{assignments with |T| >= |T_obs|} / #assignments``, every
    ``C(S, S_avec)`` assignment enumerated (seeded random draws beyond
    :data:`MAX_ENUMERATED_ASSIGNMENTS`, ``p = (1 + hits) / (1 + draws)``).

    The design caps what it can show: the smallest reachable p is the share
    of assignments as extreme as the most extreme one — ``2 / C(S, S_avec)``
    when both arms have the same number of sessions (swapping the arms gives
    the same ``|T|``), e.g. 2/20 = 0.10 two-sided (1/20 one-sided) for 3
    versus 3 sessions: such a design can never give p < 0.05.

    Args:
        session_values: One value per session (e.g. its students' mean change).
        session_arm: True for the sessions with a patient partner.
        covariates: Optional ``(sessions, k)`` matrix of session-level covariates.
        seed: Seed of the random draws (used only beyond the enumeration limit).

    Returns:
        ``{"effet", "p", "p_min", "n_assignations", "exact"}``; NaN p when an
        arm has no session or there are not enough sessions for the covariates.
    """
    y = np.asarray(session_values, dtype=float)
    arm = np.asarray(session_arm, dtype=bool)
    s, k = y.size, int(arm.sum())
    nan = float("nan")
    Z = np.ones((s, 1)) if covariates is None else np.column_stack([np.ones(s), np.asarray(covariates, float)])
    if k == 0 or k == s or s <= Z.shape[1] + 1:
        return {"effet": nan, "p": nan, "p_min": nan, "n_assignations": 0.0, "exact": 1.0}
    A, exact = _assignments(s, k, seed)
    # coefficient of x in OLS of y on [Z, x] = <x~, y~> / <x~, x~>, x~ and y~ residualised on Z (Frisch-Waugh)
    H = Z @ np.linalg.pinv(Z)
    yr = y - H @ y
    Ar = A - A @ H.T
    denom = np.einsum("ij,ij->i", Ar, Ar)
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = np.where(denom > 1e-12, (Ar @ yr) / np.where(denom > 1e-12, denom, 1.0), np.nan)
    xr = arm.astype(float) - H @ arm.astype(float)
    obs = float(xr @ yr / (xr @ xr))
    tol = 1e-9 * max(1.0, float(np.nanmax(np.abs(stat))))
    a = np.abs(stat[~np.isnan(stat)])
    hits = int(np.sum(a >= abs(obs) - tol))
    top = int(np.sum(a >= a.max() - tol))
    if exact:
        p, p_min = hits / a.size, top / a.size
    else:
        p, p_min = (1 + hits) / (1 + a.size), (1 + top) / (1 + a.size)
    return {"effet": obs, "p": float(p), "p_min": float(p_min), "n_assignations": float(math.comb(s, k)),
            "exact": float(exact)}


def arm_effect(
    data: pd.DataFrame,
    *,
    value_col: str,
    item_col: str = "item",
    arm_col: str = "patient_partenaire",
    session_col: str = "session_id",
    adjust_cols: str | Sequence[str] | None = None,
    label_col: str | None = "libelle",
    labels: Mapping[str, str] | None = None,
    value_label: str | None = None,
    min_sessions_per_arm: int = MIN_SESSIONS_PER_ARM,
    correction: Correction = "holm",
    confidence: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Effect of the patient partner on an outcome, per item, with students clustered in sessions.

    Model (per item): ``value = b0 + b1·avec_patient_partenaire [+ b·adjusters]
    + u_session + e``, ``u_session ~ N(0, σ²_séance)``, fitted by REML with
    statsmodels ``MixedLM``; ``effet`` is ``b1`` (in the outcome's units:
    Likert points for a change score, points for an ECOS score). Its CI and p
    use the model's standard error with a t distribution on ``sessions - 2``
    degrees of freedom (the "between-within" approximation for a
    session-level variable, recommended with few clusters by Li & Redden 2015,
    *BMC Med. Res. Methodol.* 15:38),
    because the Wald z-test is too liberal with few sessions (measured: 8.5 %
    type I error at 6 + 6 sessions, see ``tests/test_evaluate_calibration.py``).
    Typical uses: the change score (``value_col="difference"``) or
    the post score adjusted for the pre score (``value_col="apres"``,
    ``adjust_cols="avant"``, the ANCOVA form; Vickers & Altman 2001, *BMJ*
    323:1123).

    The model is **not** reported when an arm has fewer than
    ``min_sessions_per_arm`` sessions, when it does not converge, or when the
    between-session variance is estimated at (nearly) zero — an intra-class
    correlation below 1 % or statsmodels' boundary warning (singular fit). The table
    then says why in ``message`` and reports instead, with ``analyse`` =
    ``"repli : comparaison des moyennes par séance"``, the OLS comparison of
    the session means (each session one observation, t-based CI with
    ``sessions - 2 - len(adjust_cols)`` degrees of freedom) — honest but wide.
    When even that is impossible (one arm without session, too few sessions),
    ``analyse`` is ``"non estimable"`` and the estimates are empty.

    **Headline test** (``p``, ``p_ajuste``): whatever the model, the p-value is
    the exact randomisation test over the assignments of sessions to arms
    (:func:`session_randomisation_test` on the session means, with the
    adjusters' session means as covariates), valid with any number of
    sessions and any intraclass correlation; ``n_assignations`` and
    ``p_min_possible`` say how many assignments exist and the smallest p the
    design can give (0.10 with 3 versus 3 sessions). The model's own p is kept
    in ``p_modele``; its interval (``ic_bas``, ``ic_haut``) is the one reported.

    Args:
        data: Long table, one row per (student, item).
        value_col: Outcome column.
        item_col: Item (or ECOS station) column.
        arm_col: Patient-partner column (Oui/Non, booleans, or the arm labels).
        session_col: Session column (random intercept).
        adjust_cols: Numeric covariates (e.g. ``"avant"``).
        label_col: Item label column (``None`` if absent).
        labels: Optional item → French label mapping.
        value_label: French name of the outcome (default from ``value_col``: ``difference`` →
            "changement (après − avant)", ``apres`` → "score après"...) (``critere`` column).
        min_sessions_per_arm: Minimum sessions per arm to fit the mixed model.
        correction: ``"holm"``, ``"fdr_bh"`` or ``"none"`` across items.
        confidence: Confidence level.
        seed: Seed of the randomisation test when assignments are drawn rather than enumerated.

    Returns:
        One row per item in French columns (``analyse``, ``n_etudiants``,
        ``n_seances_avec``/``_sans``, ``effet``, ``ic_bas``, ``ic_haut``, ``p``,
        ``p_ajuste``, ``correction``, ``variance_seances``, ``icc``, ``message``,
        ``methode``); ``attrs["note"]``. The input is not modified.
    """
    check_choice(correction, list(CORRECTION_LABELS), "correction")
    value_label = value_label or outcome_label(value_col)
    check_confidence(confidence)
    if min_sessions_per_arm < 2:
        raise AreasError("min_sessions_per_arm doit valoir au moins 2 (une variance entre séances demande "
                         "plusieurs séances par bras).")
    adjust = as_list(adjust_cols)
    require_columns(data, [value_col, item_col, arm_col, session_col, *adjust], "table de comparaison")
    df = data.copy()
    df["_arm"] = arm_values(df[arm_col], "table de comparaison", arm_col)
    df["_pp"] = (df["_arm"] == ARM_WITH).astype(float)
    df["_y"] = pd.to_numeric(df[value_col], errors="coerce")
    df["_session"] = df[session_col].astype("string")
    safe_adjust = []
    for i, a in enumerate(adjust):
        df[f"_adj{i}"] = pd.to_numeric(df[a], errors="coerce")
        safe_adjust.append(f"_adj{i}")
    pct = fr_num(100 * confidence, 0)
    adj_txt = f", ajusté sur {', '.join(adjust)}" if adjust else ""
    rows = []
    for item, grp in df.groupby(item_col, sort=False):
        ok = grp["_y"].notna() & grp["_arm"].notna() & grp["_session"].notna()
        for a in safe_adjust:
            ok &= grp[a].notna()
        g = grp[ok].reset_index(drop=True)
        s_with = int(g.loc[g["_arm"] == ARM_WITH, "_session"].nunique())
        s_without = int(g.loc[g["_arm"] == ARM_WITHOUT, "_session"].nunique())
        label = (labels or {}).get(item) if labels else None
        if label is None and label_col and label_col in grp:
            label = str(grp[label_col].iloc[0])
        row: dict[str, object] = {
            "item": item, "libelle": label or str(item), "critere": value_label,
            "n_etudiants": int(len(g)), "n_exclus": int((~ok).sum()),
            "n_seances_avec": s_with, "n_seances_sans": s_without,
            "effet": np.nan, "ic_bas": np.nan, "ic_haut": np.nan, "p": np.nan,
            "variance_seances": np.nan, "icc": np.nan,
        }
        if len(g):
            means = g.groupby("_session").agg(_y=("_y", "mean"), _pp=("_pp", "first"),
                                              **{a: (a, "mean") for a in safe_adjust})
            rt = session_randomisation_test(means["_y"].to_numpy(), means["_pp"].to_numpy() > 0.5,
                                            means[safe_adjust].to_numpy(float) if safe_adjust else None, seed=seed)
        else:
            rt = {"p": np.nan, "p_min": np.nan, "n_assignations": 0.0, "exact": 1.0}
        rand_txt = (f" ; p : test exact de randomisation des séances ({int(rt['n_assignations'])} répartitions "
                    f"possibles, p minimal atteignable {fr_num(rt['p_min'], 3)})" if rt["exact"]
                    else f" ; p : test de randomisation des séances ({N_RANDOM_ASSIGNMENTS} répartitions tirées "
                         f"au hasard, graine {seed})")
        why = None
        if min(s_with, s_without) < min_sessions_per_arm:
            why = (f"trop peu de séances pour un modèle mixte : {plural(s_with, 'séance')} avec et "
                   f"{plural(s_without, 'séance')} sans patient partenaire (il en faut au moins "
                   f"{min_sessions_per_arm} par bras pour estimer la variabilité entre séances)")
        else:
            fit = _fit_mixed(g, safe_adjust, confidence)
            row["variance_seances"] = fit.get("var", np.nan)
            row["icc"] = fit.get("icc", np.nan)
            if fit["ok"]:
                row.update({k: fit[k] for k in ("effet", "ic_bas", "ic_haut", "p")})
                row["analyse"] = ANALYSIS_MIXED
                row["message"] = (f"Modèle mixte estimé sur {plural(len(g), 'étudiant')} dans "
                                  f"{plural(s_with + s_without, 'séance')}.")
                row["methode"] = (f"modèle linéaire mixte (REML, statsmodels MixedLM) du {value_label}{adj_txt}, "
                                  f"intercept aléatoire par séance ; effet = différence avec − sans patient "
                                  f"partenaire, IC {pct} % par la loi t à {fit['df']} ddl (séances − 2, "
                                  "« between-within », Li & Redden 2015)" + rand_txt)
            else:
                why = str(fit["why"])
        if why is not None:
            fb = (_fit_session_means(g, safe_adjust, confidence) if len(g)
                  else {"ok": False, "why": "aucune donnée"})
            if fb["ok"]:
                row.update({k: fb[k] for k in ("effet", "ic_bas", "ic_haut", "p")})
                row["analyse"] = ANALYSIS_FALLBACK
                row["message"] = (f"Modèle mixte non rapporté : {why}. À la place, chaque séance compte pour "
                                  "une observation (moyenne de ses étudiants) : l'intervalle est large mais "
                                  "honnête.")
                row["methode"] = (f"moindres carrés sur les moyennes par séance du {value_label}{adj_txt} "
                                  f"({plural(s_with + s_without, 'séance')}, {int(fb['df'])} ddl) ; effet = "
                                  f"différence avec − sans patient partenaire, IC {pct} % de Student"
                                  + rand_txt)
            else:
                row["analyse"] = ANALYSIS_NONE
                row["message"] = f"Effet non estimable : {why} ; {fb['why']}."
                row["methode"] = "aucune estimation"
        row["p_modele"] = row["p"]
        row["p"] = rt["p"]
        row["p_min_possible"] = rt["p_min"]
        row["n_assignations"] = int(rt["n_assignations"])
        rows.append(row)
    if not rows:
        raise AreasError("Aucun item à comparer : la table est vide.")
    out = pd.DataFrame(rows)
    add_adjusted_p(out, "p", correction)
    out["p_min_possible_ajuste"] = adjust_pvalues(out["p_min_possible"].to_numpy(float), correction)
    out["conclusion"] = [conclusion(pa, p, np.nan, best) for pa, p, best in
                         zip(out["p_ajuste"], out["p"], out["p_min_possible_ajuste"], strict=True)]
    cols = ["item", "libelle", "critere", "analyse", "n_etudiants", "n_exclus", "n_seances_avec",
            "n_seances_sans", "effet", "ic_bas", "ic_haut", "p", "p_ajuste", "correction", "p_min_possible",
            "p_min_possible_ajuste", "n_assignations", "conclusion", "p_modele", "variance_seances",
            "icc", "message", "methode"]
    out = out[cols]
    n_fb = int((out["analyse"] != ANALYSIS_MIXED).sum())
    text = (f"Effet du patient partenaire sur le {value_label}{adj_txt}, en tenant compte du regroupement des "
            "étudiants par séance (effet = écart moyen avec − sans patient partenaire, dans l'unité du critère). "
            "p : test exact de randomisation qui redistribue les séances entre les bras (chaque séance garde ses "
            "étudiants) ; p_min_possible : le plus petit p que permet le nombre de séances.")
    if n_fb:
        text += (f" Pour {n_fb} ligne(s) sur {len(out)}, le modèle mixte n'est pas rapporté (voir « message ») "
                 "et l'analyse compare les moyennes par séance.")
    return set_note(out, text, correction=correction, confidence=confidence, seed=seed)
