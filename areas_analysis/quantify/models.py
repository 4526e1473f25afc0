"""Regression models: a theme on respondent attributes (logistic), a Likert answer (ordinal).

Both return tidy tables of odds ratios with confidence intervals, the sample
size, the model used and why, and French warnings when the estimates are
fragile: too few clusters for cluster-robust errors, (quasi-)separation,
non-convergence. Warnings are also emitted as :class:`StatisticalWarning`.

Every table also states its power limit: ``or_detectable`` is the odds ratio
the model had an 80 % chance to detect at 5 % (from its own standard error), so
that a non-significant coefficient reads « non concluant », never « pas
d'effet ». The ordinal model checks its proportional-odds assumption (Brant
1990) and falls back to a binary logistic model, with a French note, when it
fails. Covariates come from the parameters (:func:`default_covariates` gives
the default from the data dictionary, :func:`with_remoteness` adds the
commune's remoteness).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from ..communes import REMOTENESS_LABELS, commune_remoteness
from ..errors import AreasError, InputError, Problem
from ..tables import as_list, check_confidence, fr_list, fr_num, plural, require_columns, set_note
from ._common import StatisticalWarning, binary_values, resolve_theme_columns, theme_name

__all__ = ["MIN_CLUSTERS", "brant_test", "default_covariates", "describe_model", "detectable_odds_ratio",
           "likert_ordinal", "theme_logistic", "with_remoteness"]

#: Below this many clusters, cluster-robust standard errors are biased downwards
#: (Cameron & Miller 2015, *J. Human Resources* 50:317-372): we warn.
MIN_CLUSTERS = 20
#: |log-odds| above this (OR > 22 000) signals separation rather than an effect.
_HUGE_COEF = 10.0
#: Power used to state what a model could detect (``or_detectable``), at the 5 % two-sided level.
POWER_TARGET = 0.80
POWER_ALPHA = 0.05
#: Below this p-value of the Brant test, the proportional-odds assumption is rejected: binary fallback.
PROPORTIONAL_ODDS_ALPHA = 0.05
#: A cumulative cut is used in the Brant test only with at least this many answers on each side.
MIN_PER_SIDE = 5
#: Name of the remoteness covariate added by :func:`with_remoteness`.
REMOTENESS_COL = "eloignement"


def detectable_odds_ratio(se: float | np.ndarray, power: float = POWER_TARGET,
                          alpha: float = POWER_ALPHA) -> float | np.ndarray:
    """Smallest odds ratio (> 1) a Wald test detects with ``power`` at ``alpha`` given its standard error.

    ``exp((z_{1-α/2} + z_power) · se)`` — the usual normal-approximation power
    formula for a coefficient whose estimate has standard error ``se``
    (≈ ``exp(2.80 se)`` at 80 % and 5 %); the same distance below 1 (``1 / OR``)
    is detectable too. A coefficient whose OR interval contains 1 says
    nothing about effects smaller than this.
    """
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    with np.errstate(over="ignore"):  # separated fits: huge se, OR detectable = inf is the honest value
        return np.exp(z * np.asarray(se, dtype=float))


def default_covariates(dictionary: object, *, remoteness: bool = True) -> list[str]:
    """Default covariates of the questionnaire models, from the data dictionary.

    The closed single-choice columns (kind ``closed``: age band, status,
    chronic disease...) in questionnaire order, plus :data:`REMOTENESS_COL`
    when the dictionary has a ``commune`` column and ``remoteness`` is true
    (add it with :func:`with_remoteness`).

    Args:
        dictionary: An :class:`~areas_analysis.ingest.Dictionary` (``survey.dictionary``).
        remoteness: Add the commune's remoteness.
    """
    names = list(dictionary.names("closed"))  # type: ignore[attr-defined]
    if remoteness and dictionary.names("commune"):  # type: ignore[attr-defined]
        names.append(REMOTENESS_COL)
    return names


def with_remoteness(frame: pd.DataFrame, commune_col: str = "commune") -> pd.DataFrame:
    """A copy of ``frame`` with :data:`REMOTENESS_COL` (bourg-centre < périurbain < rural isolé) from the commune.

    Classes from :func:`areas_analysis.communes.commune_remoteness`; a commune
    without a class gives NA. The input is not modified.
    """
    require_columns(frame, [commune_col], "table des réponses")
    out = frame.copy()
    out[REMOTENESS_COL] = commune_remoteness(out[commune_col]).to_numpy()
    out[REMOTENESS_COL] = out[REMOTENESS_COL].astype(
        pd.CategoricalDtype(list(REMOTENESS_LABELS), ordered=True))
    return out


def _design(df: pd.DataFrame, predictors: list[str]) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Dummy-code categorical predictors (reference = first category, or most frequent for text).

    Returns:
        The design matrix (no constant) and one descriptor per column (variable, level, reference).
    """
    parts, meta = [], []
    for p in predictors:
        s = df[p]
        if isinstance(s.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(s) or s.dtype == bool:
            if isinstance(s.dtype, pd.CategoricalDtype):
                levels = [c for c in s.cat.categories if (s == c).any()]
            elif s.dtype == bool or str(s.dtype) == "boolean":
                levels = [False, True]
            else:
                counts = s.astype("string").value_counts()
                levels = sorted(counts.index.tolist(), key=lambda v: (-counts[v], v))
                s = s.astype("string")
            if len(levels) < 2:
                continue
            ref = levels[0]
            for lv in levels[1:]:
                parts.append(pd.Series((s == lv).astype(float).to_numpy(), index=df.index, name=f"{p}[{lv}]"))
                meta.append({"variable": p, "modalite": str(lv), "reference": str(ref)})
        else:
            x = s.astype(float)
            if x.nunique() < 2:
                continue
            parts.append(x.rename(p))
            meta.append({"variable": p, "modalite": "(par unité)", "reference": ""})
    if not parts:
        raise AreasError("Aucune variable explicative ne varie dans l'échantillon retenu : modèle impossible.")
    return pd.concat(parts, axis=1), meta


def _clusters(df: pd.DataFrame, cluster: str | None,
              min_clusters: int) -> tuple[np.ndarray | None, int, list[str]]:
    if cluster is None:
        return None, 0, []
    codes = pd.factorize(df[cluster].astype("string"))[0]
    g = int(codes.max() + 1) if len(codes) else 0
    warn = []
    if g < min_clusters:
        warn.append(f"seulement {plural(g, 'grappe')} ({cluster}) : les erreurs types robustes par grappe sont "
                    f"peu fiables sous {min_clusters} grappes (intervalles probablement trop étroits)")
    if g < 2:
        raise AreasError(f"Une seule valeur de « {cluster} » : impossible de calculer des erreurs robustes par "
                         "grappe. Retirez le paramètre cluster.")
    return codes, g, warn


def _separation_checks(y: np.ndarray, X: pd.DataFrame, meta: list[dict[str, object]]) -> list[str]:
    """Dummies whose level has an outcome that never (or always) occurs: (quasi-)separation."""
    out = []
    for col, m in zip(X.columns, meta, strict=True):
        if m["modalite"] == "(par unité)":
            continue
        sel = X[col].to_numpy() == 1
        if sel.any() and (y[sel].min() == y[sel].max()):
            out.append(f"« {m['variable']} = {m['modalite']} » : tous les répondants ont la même issue "
                       f"({plural(int(sel.sum()), 'répondant')})")
    return out


def _fit_with_warnings(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = fit()
        except np.linalg.LinAlgError as exc:
            raise AreasError("Modèle non estimable (matrice singulière) : des variables explicatives sont "
                             "redondantes ou une modalité est trop rare. Regroupez des modalités.") from exc
    names = {type(w.message).__name__ if isinstance(w.message, Warning) else w.category.__name__ for w in caught}
    return res, names


def _finish(table: pd.DataFrame, warns: list[str], note_head: str) -> pd.DataFrame:
    for w in warns:
        warnings.warn(w[0].upper() + w[1:], StatisticalWarning, stacklevel=3)
    table["avertissement"] = " ; ".join(warns)
    text = note_head
    if warns:
        text += " Attention : " + " ; ".join(warns) + "."
    return set_note(table, text, avertissements=warns)


def _add_power(table: pd.DataFrame, se: np.ndarray, alpha: float = POWER_ALPHA) -> str:
    """Add ``or_detectable`` and ``lecture`` (French reading that never turns a null into « no effect »).

    Returns the French sentence on the model's power limits for the note.
    """
    mde = np.asarray(detectable_odds_ratio(se), dtype=float)
    table["or_detectable"] = mde
    p = table["p_value"].to_numpy(float)
    table["lecture"] = [
        "association (p < 0,05)" if pv < alpha
        else (f"non concluant : seul un rapport de cotes ≥ {fr_num(m, 1)} ou ≤ {fr_num(1 / m, 2)} avait 80 % de "
              "chances d'être détecté") if np.isfinite(m) else "non concluant (erreur type non finie)"
        for pv, m in zip(p, mde, strict=True)]
    finite = mde[np.isfinite(mde)]
    if not finite.size:
        return ""
    return (f" Puissance : avec ces effectifs, le modèle n'avait 80 % de chances de détecter que des rapports "
            f"de cotes d'au moins {fr_num(float(finite.min()), 1)} à {fr_num(float(finite.max()), 1)} selon la "
            "variable (colonne `or_detectable`) ; un coefficient non significatif veut dire « non concluant », "
            "pas « pas d'effet ».")


def theme_logistic(
    matrix: pd.DataFrame,
    theme: str,
    predictors: str | Sequence[str],
    *,
    cluster: str | None = None,
    min_clusters: int = MIN_CLUSTERS,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Logistic regression of one theme (0/1) on respondent attributes, as odds ratios.

    Model: ``logit P(theme = 1) = β₀ + Σ βⱼ xⱼ`` fitted by maximum likelihood
    (``statsmodels`` ``Logit``). Categorical predictors are dummy-coded against
    a reference level (first category of an ordered/categorical column, else
    the most frequent answer); numeric ones enter as is (OR per unit).
    Respondents with a missing value anywhere in the model are left out.

    When respondents are grouped (same atelier or commune), answers within a
    group are not independent and model-based standard errors are too small:
    ``cluster="commune"`` uses cluster-robust (sandwich) errors
    (``cov_type="cluster"``, small-sample correction G/(G-1)·(N-1)/(N-K)).
    With fewer than ``min_clusters`` (20) clusters these errors are themselves
    unreliable (Cameron & Miller 2015): a French warning says so. Other
    warnings: (quasi-)complete separation (a level where everyone or no one
    raised the theme, or |β| > 10), no convergence.

    Args:
        matrix: Respondent × theme matrix (:func:`theme_matrix`).
        theme: Theme id or ``theme__*`` column (outcome).
        predictors: Attribute columns.
        cluster: Column of the clusters (``"commune"``, ``"atelier_id"``), or ``None``.
        min_clusters: Threshold of the few-clusters warning.
        confidence: Level of the odds-ratio intervals.

    Returns:
        New DataFrame, one row per coefficient (no intercept): ``theme_id``,
        ``variable``, ``modalite``, ``reference``, ``odds_ratio``, ``ic_bas``,
        ``ic_haut``, ``p_value``, ``or_detectable`` (OR detectable with 80 %
        power, :func:`detectable_odds_ratio`), ``lecture``, ``n``, ``n_cites``,
        ``n_grappes``, ``erreurs_types``, ``test``, ``raison``, ``avertissement``.
        ``attrs["avertissements"]`` lists the warnings. (The statsmodels results
        object is not kept: pandas deep-copies ``attrs`` on every derived table.)
    """
    check_confidence(confidence)
    (tc,) = resolve_theme_columns(matrix, [theme], "matrice répondants × thèmes")
    preds = as_list(predictors)
    require_columns(matrix, [*preds, *([cluster] if cluster else [])], "matrice répondants × thèmes")
    cols = list(dict.fromkeys([tc, *preds, *([cluster] if cluster else [])]))
    df = matrix[cols].dropna().reset_index(drop=True)
    if df.empty:
        raise AreasError(f"Aucun répondant sans valeur manquante pour « {theme} » et {fr_list(preds)}.")
    y = binary_values(df[tc], "matrice répondants × thèmes", tc).astype(int).to_numpy()
    if y.min() == y.max():
        raise AreasError(f"Le thème « {theme_name(tc)} » a la même valeur pour les {len(y)} répondants retenus : "
                         "régression impossible.")
    X, meta = _design(df, preds)
    warns = _separation_checks(y, X, meta)
    codes, g, cluster_warns = _clusters(df, cluster, min_clusters)
    warns += cluster_warns
    exog = sm.add_constant(X, has_constant="add")
    if codes is not None:
        fit = lambda: sm.Logit(y, exog).fit(disp=0, maxiter=200, cov_type="cluster",  # noqa: E731
                                            cov_kwds={"groups": codes})
    else:
        fit = lambda: sm.Logit(y, exog).fit(disp=0, maxiter=200)  # noqa: E731
    res, caught = _fit_with_warnings(fit)
    if not res.mle_retvals.get("converged", True) or "ConvergenceWarning" in caught:
        warns.append("l'estimation n'a pas convergé (souvent signe de séparation) : coefficients non fiables")
    big = [m for m, b in zip(meta, res.params.iloc[1:], strict=True) if abs(b) > _HUGE_COEF]
    if big or "PerfectSeparationWarning" in caught:
        warns.append("séparation (quasi-)complète probable : des rapports de cotes sont infinis ou énormes"
                     + (f" ({fr_list([str(m['variable']) + ' = ' + str(m['modalite']) for m in big])})"
                        if big else ""))
    ci = res.conf_int(alpha=1 - confidence).iloc[1:]
    se_text = (f"robustes par grappe ({cluster}, {plural(g, 'grappe')})" if codes is not None
               else "du modèle (observations supposées indépendantes)")
    table = pd.DataFrame(meta)
    table.insert(0, "theme_id", theme_name(tc))
    with np.errstate(over="ignore"):  # separated fits: OR = inf is the honest value
        table["odds_ratio"] = np.exp(res.params.iloc[1:].to_numpy())
        table["ic_bas"] = np.exp(ci.iloc[:, 0].to_numpy())
        table["ic_haut"] = np.exp(ci.iloc[:, 1].to_numpy())
    table["p_value"] = res.pvalues.iloc[1:].to_numpy()
    power_txt = _add_power(table, res.bse.iloc[1:].to_numpy())
    table["n"] = len(y)
    table["n_cites"] = int(y.sum())
    table["n_grappes"] = g if codes is not None else pd.NA
    table["erreurs_types"] = se_text
    table["test"] = "régression logistique (Wald)"
    table["raison"] = ("issue binaire (thème évoqué ou non) expliquée par plusieurs caractéristiques à la fois"
                       + (f" ; répondants regroupés par « {cluster} »" if cluster else ""))
    head = (f"Régression logistique de « {theme_name(tc)} » sur {fr_list(preds)} ({plural(len(y), 'répondant')}, "
            f"dont {int(y.sum())} citant le thème). Un rapport de cotes > 1 signifie que la modalité est "
            "associée à une plus forte probabilité d'évoquer le thème, par rapport à la modalité de référence, "
            f"à autres caractéristiques égales ; intervalles à {fr_num(100 * confidence, 0)} %, "
            f"erreurs types {se_text}. Modèle : logit P(thème) = β₀ + "
            + " + ".join(f"β·{c}" for c in X.columns) + "." + power_txt)
    if len(y) < 10 * max(1, len(meta)):
        warns.append(f"moins de 10 répondants par coefficient ({len(y)} pour {len(meta)}) : modèle surchargé")
    return _finish(table, warns, head)


def brant_test(codes: np.ndarray, X: pd.DataFrame, variables: Sequence[str] | None = None,
               min_per_side: int = MIN_PER_SIDE) -> dict[str, object] | None:
    """Brant (1990) test of the proportional-odds assumption, from the separate cumulative logits.

    For each cut ``j`` of the ordered answer, a binary logit of ``Y > j`` on
    ``X`` is fitted (statsmodels ``Logit``); under proportional odds their
    slopes are equal. The Wald statistic of "all slopes equal across cuts"
    uses the joint covariance of the separate fits: ``V_jj`` is each fit's
    inverse information and, for ``j < l``,
    ``V_jl = V_jj X' diag(π_l (1 - π_j)) X V_ll`` (Brant 1990, *Biometrics*
    46:1171-1178, eq. 2.4), with ``π_j = P(Y > j)`` fitted. Omnibus test:
    χ² with ``p (J - 1)`` degrees of freedom; per variable (all its dummies):
    χ² with ``k (J - 1)``. Cuts with fewer than ``min_per_side`` answers on a
    side are left out (their logit is not estimable).

    Args:
        codes: Answer codes ``0..K-1`` (ordered).
        X: Design matrix without constant (dummies, numeric columns).
        variables: Original variable of each column of ``X`` (to group dummies); default: the column names.
        min_per_side: Minimum answers on each side of a cut.

    Returns:
        ``{"chi2", "df", "p", "par_variable" (DataFrame), "par_seuil" (DataFrame of ORs, one row per cut),
        "cuts" (list of j)}``, or ``None`` when fewer than two cuts are usable or a fit fails.
    """
    codes = np.asarray(codes, dtype=int)
    variables = list(variables) if variables is not None else list(X.columns)
    Xc = np.column_stack([np.ones(len(codes)), X.to_numpy(float)])
    q = Xc.shape[1]
    cuts, betas, pis, infos = [], [], [], []
    for j in range(int(codes.max())):
        z = (codes > j).astype(float)
        if min(z.sum(), (1 - z).sum()) < min_per_side:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res = sm.Logit(z, Xc).fit(disp=0, maxiter=200)
            except (np.linalg.LinAlgError, ValueError):
                return None
        if not res.mle_retvals.get("converged", True) or np.any(np.abs(res.params[1:]) > _HUGE_COEF):
            return None
        pi = res.predict(Xc)
        cuts.append(j)
        betas.append(np.asarray(res.params))
        pis.append(pi)
        infos.append(np.linalg.pinv((Xc * (pi * (1 - pi))[:, None]).T @ Xc))
    J = len(cuts)
    if J < 2:
        return None
    V = np.zeros((J * q, J * q))
    for a in range(J):
        for b in range(a, J):
            if a == b:
                block = infos[a]
            else:  # a < b: cut a is lower, P(Y > cut_b) <= P(Y > cut_a)
                w = pis[b] * (1 - pis[a])
                block = infos[a] @ ((Xc * w[:, None]).T @ Xc) @ infos[b]
            V[a * q:(a + 1) * q, b * q:(b + 1) * q] = block
            V[b * q:(b + 1) * q, a * q:(a + 1) * q] = block.T
    slope_idx = [a * q + i for a in range(J) for i in range(1, q)]
    beta = np.concatenate([bt[1:] for bt in betas])
    Vs = V[np.ix_(slope_idx, slope_idx)]
    p_ = q - 1

    def wald(cols: list[int]) -> tuple[float, int, float]:
        rows = []
        for m in range(1, J):
            for i in cols:
                r = np.zeros(J * p_)
                r[i] = 1.0
                r[m * p_ + i] = -1.0
                rows.append(r)
        D = np.array(rows)
        d = D @ beta
        chi2 = float(d @ np.linalg.pinv(D @ Vs @ D.T) @ d)
        df = len(rows)
        return chi2, df, float(stats.chi2.sf(chi2, df))

    chi2, df, p = wald(list(range(p_)))
    per_var = []
    for v in dict.fromkeys(variables):
        c2, d2, p2 = wald([i for i, vv in enumerate(variables) if vv == v])
        per_var.append({"variable": v, "chi2": c2, "ddl": d2, "p": p2})
    with np.errstate(over="ignore"):
        per_cut = pd.DataFrame(np.exp(np.array([bt[1:] for bt in betas])), columns=list(X.columns))
    per_cut.insert(0, "seuil", cuts)
    return {"chi2": chi2, "df": df, "p": p, "par_variable": pd.DataFrame(per_var), "par_seuil": per_cut,
            "cuts": cuts}


def likert_ordinal(
    responses: pd.DataFrame,
    outcome: str,
    predictors: str | Sequence[str],
    *,
    cluster: str | None = None,
    min_clusters: int = MIN_CLUSTERS,
    scale: Sequence[str] | None = None,
    dont_know: Sequence[str] = ("Je ne sais pas",),
    confidence: float = 0.95,
    proportional_odds: Literal["check", "assume"] = "check",
) -> pd.DataFrame:
    """Ordinal (proportional-odds) logistic regression of a Likert answer on attributes.

    Model: ``logit P(Y ≤ k) = θₖ - Σ βⱼ xⱼ`` (McCullagh 1980), fitted with
    ``statsmodels.miscmodels.ordinal_model.OrderedModel(distr="logit")``. An
    odds ratio ``exp(β) > 1`` means higher answers on the scale (e.g. more
    agreement). « Je ne sais pas » and missing answers are left out; unused
    levels are dropped. Cluster-robust errors and warnings as in
    :func:`theme_logistic`.

    The proportional-odds assumption (one odds ratio valid at every cut of
    the scale) is checked with :func:`brant_test` (``proportional_odds="check"``).
    When it is rejected (p < 0.05), a single odds ratio would mislead (e.g.
    OR 3.2 at the lowest cut and 0.34 at the highest): the table then holds a
    binary logistic regression at the most balanced cut (« Plutôt d'accord »
    or higher versus below, typically), the French note and warning say so,
    and the odds ratios of every cut are in ``attrs["cotes_par_seuil"]``.

    Args:
        responses: Tidy responses (or a respondent × theme matrix; themes can
            be predictors).
        outcome: Likert column: an ordered categorical, or text with ``scale``.
        predictors: Attribute columns.
        cluster: Cluster column or ``None``.
        min_clusters: Threshold of the few-clusters warning.
        scale: Ordered labels when ``outcome`` is not an ordered categorical.
        dont_know: Labels treated as « no opinion » (left out).
        confidence: Level of the intervals.
        proportional_odds: ``"check"`` (Brant test, binary fallback) or ``"assume"``.

    Returns:
        New DataFrame, one row per coefficient (thresholds left out), with
        ``or_detectable``, ``lecture`` and ``p_cotes_proportionnelles`` besides:
        ``variable``, ``modalite``, ``reference``, ``odds_ratio``, ``ic_bas``,
        ``ic_haut``, ``p_value``, ``n``, ``n_grappes``, ``erreurs_types``,
        ``test``, ``raison``, ``avertissement``; ``attrs["seuils"]`` holds the thresholds.
    """
    check_confidence(confidence)
    if proportional_odds not in ("check", "assume"):
        raise AreasError(f"proportional_odds = « {proportional_odds} » : attendu « check » ou « assume ».")
    preds = as_list(predictors)
    require_columns(responses, [outcome, *preds, *([cluster] if cluster else [])], "table des réponses")
    cols = list(dict.fromkeys([outcome, *preds, *([cluster] if cluster else [])]))
    df = responses[cols].copy()
    y_raw = df[outcome]
    if isinstance(y_raw.dtype, pd.CategoricalDtype) and y_raw.cat.ordered and scale is None:
        levels = [c for c in y_raw.cat.categories if c not in set(dont_know)]
        y_txt = y_raw.astype(object)
    elif scale is not None:
        levels = [s for s in scale if s not in set(dont_know)]
        y_txt = y_raw.astype("string").str.strip().astype(object)
    else:
        raise InputError([Problem("table des réponses", "réponse de type Likert attendue : catégorie ordonnée, ou "
                                  "donnez l'échelle (scale=...)", column=outcome)])
    y_txt = y_txt.where(~y_txt.isin(list(dont_know)))
    bad = y_txt.notna() & ~y_txt.isin(levels)
    if bad.any():
        vals = sorted({str(v) for v in y_txt[bad]})[:5]
        raise InputError([Problem("table des réponses", f"valeurs hors échelle : {vals}", column=outcome)])
    df[outcome] = y_txt
    df = df.dropna().reset_index(drop=True)
    if df.empty:
        raise AreasError(f"Aucune réponse exploitable pour « {outcome} » "
                         "(toutes manquantes ou « Je ne sais pas »).")
    used = [lv for lv in levels if (df[outcome] == lv).any()]
    if len(used) < 2:
        raise AreasError(f"« {outcome} » n'a qu'une modalité de réponse parmi les répondants retenus : "
                         "régression ordinale impossible.")
    y = pd.Series(pd.Categorical(df[outcome], categories=used, ordered=True))
    X, meta = _design(df, preds)
    warns = []
    counts = y.value_counts()
    rare = [str(k) for k, v in counts.items() if v < 5]
    if rare:
        warns.append(f"modalités de réponse rares (< 5 réponses) : {fr_list(rare)} ; pensez à les regrouper")
    codes, g, cluster_warns = _clusters(df, cluster, min_clusters)
    warns += cluster_warns
    model = OrderedModel(y, X, distr="logit")
    kw = {"cov_type": "cluster", "cov_kwds": {"groups": codes}} if codes is not None else {}
    res, caught = _fit_with_warnings(lambda: model.fit(method="bfgs", disp=0, maxiter=2000, **kw))
    if not res.mle_retvals.get("converged", True) or "ConvergenceWarning" in caught:
        warns.append("l'estimation n'a pas convergé : coefficients non fiables")
    k = X.shape[1]
    beta = res.params.iloc[:k]
    if (beta.abs() > _HUGE_COEF).any():
        warns.append("coefficients énormes : séparation probable (une modalité ne donne qu'un type de réponse)")
    se_text = (f"robustes par grappe ({cluster}, {plural(g, 'grappe')})" if codes is not None
               else "du modèle (observations supposées indépendantes)")
    variables = [str(m["variable"]) for m in meta]
    brant = brant_test(y.cat.codes.to_numpy(), X, variables) if proportional_odds == "check" else None
    po_p = (dict(zip(brant["par_variable"]["variable"], brant["par_variable"]["p"], strict=True))
            if brant is not None else {})
    violated = brant is not None and brant["p"] < PROPORTIONAL_ODDS_ALPHA
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    table = pd.DataFrame(meta)
    table.insert(0, "variable_reponse", outcome)
    if not violated:
        se = res.bse.iloc[:k].to_numpy()
        with np.errstate(over="ignore"):
            table["odds_ratio"] = np.exp(beta.to_numpy())
            table["ic_bas"] = np.exp(beta.to_numpy() - z * se)
            table["ic_haut"] = np.exp(beta.to_numpy() + z * se)
        table["p_value"] = res.pvalues.iloc[:k].to_numpy()
        test = "régression logistique ordinale (cotes proportionnelles, Wald)"
        model_txt = (f"Modèle : logit P(réponse ≤ seuil) = θ_seuil − ({' + '.join(f'β·{c}' for c in X.columns)}), "
                     "mêmes β à tous les seuils (cotes proportionnelles).")
    else:
        # binary fallback at the most balanced cut: answers at or above level j+1 versus below
        props = {j: float((y.cat.codes > j).mean()) for j in brant["cuts"]}
        cut = min(props, key=lambda j: (abs(props[j] - 0.5), j))
        zbin = (y.cat.codes.to_numpy() > cut).astype(int)
        exog = sm.add_constant(X, has_constant="add")
        fit_kw = {"cov_type": "cluster", "cov_kwds": {"groups": codes}} if codes is not None else {}
        bres, _ = _fit_with_warnings(lambda: sm.Logit(zbin, exog).fit(disp=0, maxiter=200, **fit_kw))
        ci = bres.conf_int(alpha=1 - confidence).iloc[1:]
        se = bres.bse.iloc[1:].to_numpy()
        with np.errstate(over="ignore"):
            table["odds_ratio"] = np.exp(bres.params.iloc[1:].to_numpy())
            table["ic_bas"] = np.exp(ci.iloc[:, 0].to_numpy())
            table["ic_haut"] = np.exp(ci.iloc[:, 1].to_numpy())
        table["p_value"] = bres.pvalues.iloc[1:].to_numpy()
        test = (f"régression logistique binaire (repli : « {used[cut + 1]} » ou plus haut contre en dessous ; "
                "cotes non proportionnelles)")
        model_txt = (f"Modèle : logit P(réponse ≥ « {used[cut + 1]} ») = β₀ + "
                     + " + ".join(f"β·{c}" for c in X.columns) + ".")
        bad = brant["par_variable"]
        bad = bad[bad["p"] < PROPORTIONAL_ODDS_ALPHA]
        per_cut = brant["par_seuil"]
        examples = []
        for v in bad["variable"]:
            cols = [c for c, vv in zip(X.columns, variables, strict=True) if vv == v]
            c = max(cols, key=lambda col: abs(np.log(per_cut[col].iloc[0]) - np.log(per_cut[col].iloc[-1])))
            examples.append(f"« {c} » : rapport de cotes {fr_num(float(per_cut[c].iloc[0]), 2)} au seuil le plus "
                            f"bas contre {fr_num(float(per_cut[c].iloc[-1]), 2)} au plus haut")
        warns.append("l'hypothèse de cotes proportionnelles est rejetée (test de Brant, p = "
                     f"{fr_num(brant['p'], 3)}" + (f" ; {fr_list(examples)}" if examples else "")
                     + ") : un seul rapport de cotes par variable serait trompeur, le tableau donne à la place "
                     f"une régression logistique binaire (« {used[cut + 1]} » ou plus haut contre en dessous, "
                     "seuil le plus équilibré) ; les rapports de cotes de chaque seuil sont dans "
                     "attrs[\"cotes_par_seuil\"]")
    power_txt = _add_power(table, se)
    table["p_cotes_proportionnelles"] = [po_p.get(v, np.nan) for v in variables]
    table["n"] = len(y)
    table["n_grappes"] = g if codes is not None else pd.NA
    table["erreurs_types"] = se_text
    table["test"] = test
    table["raison"] = (f"réponse ordonnée en {len(used)} niveaux (échelle d'accord) : le modèle ordinal garde "
                       "l'ordre sans supposer des écarts égaux entre niveaux"
                       + (" ; repli binaire car ses cotes ne sont pas proportionnelles" if violated else ""))
    table.attrs["seuils"] = res.params.iloc[k:]
    if brant is not None:
        per_cut = brant["par_seuil"].copy()
        per_cut["seuil"] = [f"≥ « {used[j + 1]} »" for j in per_cut["seuil"]]
        table.attrs["cotes_par_seuil"] = per_cut
        table.attrs["brant"] = brant["par_variable"]
    if proportional_odds == "assume":
        po_txt = "L'hypothèse de cotes proportionnelles est supposée, non vérifiée (proportional_odds=\"assume\")."
    elif brant is None:
        po_txt = ("L'hypothèse de cotes proportionnelles n'a pas pu être vérifiée (moins de deux seuils avec au "
                  f"moins {MIN_PER_SIDE} réponses de chaque côté, ou logits par seuil non estimables).")
    elif violated:
        po_txt = ("L'hypothèse de cotes proportionnelles est rejetée (test de Brant, p = "
                  f"{fr_num(brant['p'], 3)}) : le tableau donne le modèle binaire de repli.")
    else:
        po_txt = (f"L'hypothèse de cotes proportionnelles est compatible avec les données (test de Brant, p = "
                  f"{fr_num(brant['p'], 3)}, colonne `p_cotes_proportionnelles` par variable).")
    head = (f"Régression {'binaire (repli)' if violated else 'ordinale'} de « {outcome} » sur {fr_list(preds)} "
            f"({plural(len(y), 'réponse')} ; « Je ne sais pas » et réponses manquantes écartées). Un rapport de "
            f"cotes > 1 signifie des réponses plus hautes sur l'échelle ({used[-1]}) que pour la modalité de "
            f"référence ; intervalles à {fr_num(100 * confidence, 0)} %, erreurs types {se_text}. {model_txt} "
            f"{po_txt}{power_txt}")
    return _finish(table, warns, head)


def describe_model(table: pd.DataFrame) -> str:
    """The French note of a :func:`theme_logistic` / :func:`likert_ordinal` table."""
    return str(table.attrs.get("note", ""))
