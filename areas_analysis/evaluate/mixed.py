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

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from ..errors import AreasError
from ..tables import as_list, check_confidence, fr_num, plural, require_columns, set_note
from ._common import (
    ARM_WITH,
    ARM_WITHOUT,
    CORRECTION_LABELS,
    Correction,
    add_adjusted_p,
    arm_values,
    check_choice,
    outcome_label,
)

__all__ = ["ANALYSIS_FALLBACK", "ANALYSIS_MIXED", "ANALYSIS_NONE", "MIN_SESSIONS_PER_ARM", "arm_effect"]

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
                                  f"partenaire, IC {pct} % et p par la loi t à {fit['df']} ddl (séances − 2, "
                                  "« between-within », Li & Redden 2015)")
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
                                  f"différence avec − sans patient partenaire, IC {pct} % de Student")
            else:
                row["analyse"] = ANALYSIS_NONE
                row["message"] = f"Effet non estimable : {why} ; {fb['why']}."
                row["methode"] = "aucune estimation"
        rows.append(row)
    if not rows:
        raise AreasError("Aucun item à comparer : la table est vide.")
    out = pd.DataFrame(rows)
    add_adjusted_p(out, "p", correction)
    cols = ["item", "libelle", "critere", "analyse", "n_etudiants", "n_exclus", "n_seances_avec",
            "n_seances_sans", "effet", "ic_bas", "ic_haut", "p", "p_ajuste", "correction", "variance_seances",
            "icc", "message", "methode"]
    out = out[cols]
    n_fb = int((out["analyse"] != ANALYSIS_MIXED).sum())
    text = (f"Effet du patient partenaire sur le {value_label}{adj_txt}, en tenant compte du regroupement des "
            "étudiants par séance (effet = écart moyen avec − sans patient partenaire, dans l'unité du critère).")
    if n_fb:
        text += (f" Pour {n_fb} ligne(s) sur {len(out)}, le modèle mixte n'est pas rapporté (voir « message ») "
                 "et l'analyse compare les moyennes par séance.")
    return set_note(out, text, correction=correction, confidence=confidence)
