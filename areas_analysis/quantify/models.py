"""Regression models: a theme on respondent attributes (logistic), a Likert answer (ordinal).

Both return tidy tables of odds ratios with confidence intervals, the sample
size, the model used and why, and French warnings when the estimates are
fragile: too few clusters for cluster-robust errors, (quasi-)separation,
non-convergence. Warnings are also emitted as :class:`StatisticalWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from ..errors import AreasError, InputError, Problem
from ..tables import as_list, check_confidence, fr_list, fr_num, plural, require_columns, set_note
from ._common import StatisticalWarning, binary_values, resolve_theme_columns, theme_name

__all__ = ["MIN_CLUSTERS", "describe_model", "likert_ordinal", "theme_logistic"]

#: Below this many clusters, cluster-robust standard errors are biased downwards
#: (Cameron & Miller 2015, *J. Human Resources* 50:317-372): we warn.
MIN_CLUSTERS = 20
#: |log-odds| above this (OR > 22 000) signals separation rather than an effect.
_HUGE_COEF = 10.0


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
        ``ic_haut``, ``p_value``, ``n``, ``n_cites``, ``n_grappes``,
        ``erreurs_types``, ``test``, ``raison``, ``avertissement``.
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
            f"erreurs types {se_text}.")
    if len(y) < 10 * max(1, len(meta)):
        warns.append(f"moins de 10 répondants par coefficient ({len(y)} pour {len(meta)}) : modèle surchargé")
    return _finish(table, warns, head)


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
) -> pd.DataFrame:
    """Ordinal (proportional-odds) logistic regression of a Likert answer on attributes.

    Model: ``logit P(Y ≤ k) = θₖ - Σ βⱼ xⱼ`` (McCullagh 1980), fitted with
    ``statsmodels.miscmodels.ordinal_model.OrderedModel(distr="logit")``. An
    odds ratio ``exp(β) > 1`` means higher answers on the scale (e.g. more
    agreement). « Je ne sais pas » and missing answers are left out; unused
    levels are dropped. The proportional-odds assumption is not tested here
    (a limit stated in the note). Cluster-robust errors and warnings as in
    :func:`theme_logistic`.

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

    Returns:
        New DataFrame, one row per coefficient (thresholds left out):
        ``variable``, ``modalite``, ``reference``, ``odds_ratio``, ``ic_bas``,
        ``ic_haut``, ``p_value``, ``n``, ``n_grappes``, ``erreurs_types``,
        ``test``, ``raison``, ``avertissement``; ``attrs["seuils"]`` holds the thresholds.
    """
    check_confidence(confidence)
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
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    se = res.bse.iloc[:k].to_numpy()
    se_text = (f"robustes par grappe ({cluster}, {plural(g, 'grappe')})" if codes is not None
               else "du modèle (observations supposées indépendantes)")
    table = pd.DataFrame(meta)
    table.insert(0, "variable_reponse", outcome)
    with np.errstate(over="ignore"):
        table["odds_ratio"] = np.exp(beta.to_numpy())
        table["ic_bas"] = np.exp(beta.to_numpy() - z * se)
        table["ic_haut"] = np.exp(beta.to_numpy() + z * se)
    table["p_value"] = res.pvalues.iloc[:k].to_numpy()
    table["n"] = len(y)
    table["n_grappes"] = g if codes is not None else pd.NA
    table["erreurs_types"] = se_text
    table["test"] = "régression logistique ordinale (cotes proportionnelles, Wald)"
    table["raison"] = (f"réponse ordonnée en {len(used)} niveaux (échelle d'accord) : le modèle ordinal garde "
                       "l'ordre sans supposer des écarts égaux entre niveaux")
    table.attrs["seuils"] = res.params.iloc[k:]
    head = (f"Régression ordinale de « {outcome} » sur {fr_list(preds)} ({plural(len(y), 'réponse')} ; « Je ne "
            f"sais pas » et réponses manquantes écartées). Un rapport de cotes > 1 signifie des réponses plus "
            f"hautes sur l'échelle ({used[-1]}) que pour la modalité de référence ; intervalles à "
            f"{fr_num(100 * confidence, 0)} %, erreurs types {se_text}. L'hypothèse de cotes proportionnelles "
            "n'est pas vérifiée ici.")
    return _finish(table, warns, head)


def describe_model(table: pd.DataFrame) -> str:
    """The French note of a :func:`theme_logistic` / :func:`likert_ordinal` table."""
    return str(table.attrs.get("note", ""))
