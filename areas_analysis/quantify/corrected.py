"""Theme prevalence corrected for coding error with the human-coded random validation sample.

The machine codes every text; humans code a *random* sample of them (the
validation sample, see :mod:`areas_analysis.themes.validation`). The share of
texts raising a theme is then estimated by prediction-powered inference (PPI,
Angelopoulos et al., *Science* 382, 2023; PPI++ power tuning, Angelopoulos,
Duchi & Zrnic 2023, arXiv:2311.01453) written in its finite-population form,
which is the survey-sampling *regression estimator* (Cochran 1977, §7.1;
Särndal, Swensson & Wretman 1992, ch. 6):

    P̂ = [ Σ_labelled Y + Σ_unlabelled λ·f + (N − n) · mean_labelled(Y − λ·f) ] / N

with Y the human code (0/1), f the machine's prediction (0/1 or a
probability), N the texts of the group and n those coded by a human. The
machine error is measured on the human sample (the mean of Y − λ·f, the
*rectifier*) and removed; λ ∈ [0, 1] minimises the variance (λ = 0: human
sample only; λ = 1: plain difference estimator). Variance: S²(Y − λf)/n ×
(1 − n/N) (simple random sampling without replacement within the group), with
strata combined as in a stratified design. The interval therefore holds both
the sampling of the human sample and the machine's coding error; it is
clipped to [0, 1].

The machine predictions of the human-coded texts must not come from a model
trained on them: use cross-fitted predictions
(:func:`areas_analysis.themes.validation.cross_fitted_predictions`, Zrnic &
Candès, *PNAS* 2024) or a coding that never saw the human codes (codebook).

Without a human random sample nothing can be corrected: the shares are then
plain machine counts, labelled as such, with no interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError, Problem
from ..tables import as_list, check_confidence, fr_list, fr_num, require_columns, set_note
from ._common import fill_group_na, normalise_ids

__all__ = ["METHOD_CORRECTED", "METHOD_UNCORRECTED", "METHOD_UNVALIDATED", "corrected_prevalence",
           "describe_corrected_prevalence", "regression_estimate", "stratified_estimate", "suggest_sample_size"]

#: Label of the corrected estimate (column ``methode``).
METHOD_CORRECTED = "corrigée (échantillon de validation humain, PPI)"
#: Label of the plain machine share when no human random sample exists.
METHOD_UNCORRECTED = "comptage machine non corrigé (aucun échantillon de validation)"
#: Label of a theme no human coded in the validation sample (added to the codebook after the human coding).
METHOD_UNVALIDATED = "non validé : aucun exemple humain dans l'échantillon de validation (comptage machine)"
#: Pseudo-count of the rectifier variance floor: with no disagreement observed among n human-coded texts
#: the rectifier variance is floored at q(1 − q), q = 1 / (n + 2) (Laplace's rule of succession), so that a
#: small sample where the machine happened to agree everywhere does not yield a zero-width interval.
VARIANCE_FLOOR_PSEUDO = 1.0
#: A stratum needs at least this many human-coded texts to be estimated on its own; otherwise the strata of
#: the group are pooled (simple random sampling within the group).
MIN_LABELLED_PER_STRATUM = 2

Tuning = Literal["puissance", "difference", "humain"]


def _lambda(y: np.ndarray, f_lab: np.ndarray, f_unl: np.ndarray, tuning: Tuning | float, finite: bool) -> float:
    """Power-tuning coefficient λ (PPI++), clipped to [0, 1]."""
    if not isinstance(tuning, str):
        return float(tuning)
    if tuning == "difference":
        return 1.0
    if tuning == "humain":
        return 0.0
    if len(y) < 2:
        return 1.0
    cov = float(np.mean((y - y.mean()) * (f_lab - f_lab.mean())))
    if finite:
        # finite population: the unlabelled predictions are fixed, only the rectifier varies → regression slope
        var_f = float(np.var(f_lab))
        lam = cov / var_f if var_f > 0 else 0.0
    else:
        # super-population (as ppi_py): the imputed mean varies too → slope shrunk by 1 + n/N (PPI++)
        var_f = float(np.var(np.concatenate([f_lab, f_unl]), ddof=1))
        lam = cov / ((1 + len(y) / max(len(f_unl), 1)) * var_f) if var_f > 0 else 0.0
    return float(np.clip(lam, 0.0, 1.0))


def regression_estimate(
    y: np.ndarray,
    f_labelled: np.ndarray,
    f_unlabelled: np.ndarray,
    *,
    tuning: Tuning | float = "puissance",
    finite_population: bool = True,
    confidence: float = 0.95,
) -> dict[str, float]:
    """Prediction-powered (regression) estimate of a mean from human codes and machine predictions.

    Args:
        y: Human codes (0/1) of the human-coded texts.
        f_labelled: Machine predictions for the same texts (not trained on them).
        f_unlabelled: Machine predictions for every other text of the group.
        tuning: ``"puissance"`` (λ minimising the variance, PPI++), ``"difference"`` (λ = 1, PPI),
            ``"humain"`` (λ = 0, human sample only) or a fixed λ.
        finite_population: ``True``: the share among exactly these texts (fpc 1 − n/N, known human codes
            kept); ``False``: the super-population mean, same formulas as ``ppi_py.ppi_mean_ci``.
        confidence: Level of the interval.

    Returns:
        ``estimate, se, low, high`` (clipped to [0, 1]), ``lam``, ``n`` (human-coded), ``N`` (all texts),
        ``raw`` (the estimate before clipping, for combining strata).
    """
    check_confidence(confidence)
    y = np.asarray(y, dtype=float)
    f_lab = np.asarray(f_labelled, dtype=float)
    f_unl = np.asarray(f_unlabelled, dtype=float)
    n, m = len(y), len(f_unl)
    big_n = n + m
    if n == 0:
        return {"estimate": np.nan, "se": np.nan, "low": np.nan, "high": np.nan, "lam": np.nan, "raw": np.nan,
                "n": 0, "N": big_n}
    lam = _lambda(y, f_lab, f_unl, tuning, finite_population)
    d = y - lam * f_lab
    # unbiased S² in the finite-population form (Cochran 1977, eq. 2.19); ppi_py's 1/n form otherwise
    var_d_raw = float(np.var(d, ddof=1 if finite_population else 0)) if n > 1 else 0.25
    q = VARIANCE_FLOOR_PSEUDO / (n + 2 * VARIANCE_FLOOR_PSEUDO)
    var_d = max(var_d_raw, q * (1 - q))
    fpc = 1 - n / big_n
    if finite_population:
        unl_total = lam * f_unl.sum() + m * d.mean() if m else 0.0
        est = (y.sum() + unl_total) / big_n
        var = var_d / n * fpc
    else:
        est = (lam * f_unl.mean() if m else 0.0) + d.mean()
        var = var_d / n + (lam**2 * float(np.var(f_unl)) / m if m else 0.0)
    se = float(np.sqrt(max(var, 0.0)))
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    low, high = est - z * se, est + z * se
    # score-type part of the variance: S²(Y − λf) = [S²(Y − λf) − S²(Y)] + θ(1 − θ), the human codes' variance
    # taken at the candidate share θ as in Wilson's interval (see _score_interval)
    var_y = float(np.var(y, ddof=1)) if n > 1 else 0.25
    k, a = fpc / n, (var_d_raw - var_y) * fpc / n
    if finite_population:
        low, high = _score_interval(est, k, a, z, low, high)
    # a share lies in [0, 1]: the estimate (which the rectifier can push just below 0) and the bounds are clipped
    return {"estimate": float(np.clip(est, 0, 1)), "se": se, "low": float(np.clip(low, 0, 1)),
            "high": float(np.clip(high, 0, 1)), "lam": lam, "n": n, "N": big_n, "raw": float(est),
            "score_k": k, "score_a": a}


def _score_interval(est: float, k: float, a: float, z: float, low: float, high: float) -> tuple[float, float]:
    """Widen the normal interval to the score-type interval where the latter is wider (rare themes).

    Solves (θ − θ̂)² = z² (a + k θ(1 − θ)) — Wilson's construction (Wilson 1927) with the rectifier's
    variance split into the human codes' binomial part θ(1 − θ), evaluated at θ, and the part the machine
    removes (``a`` ≤ 0 when the machine helps). With λ = 0 this is exactly Wilson's interval with the
    finite-population correction. Near 0 % the normal interval is too short (few human positives); the
    returned interval is the union of both.
    """
    zk = z * z * k
    qa, qb, qc = 1 + zk, -(2 * est + zk), est * est - z * z * a
    disc = qb * qb - 4 * qa * qc
    if disc < 0:
        return low, high
    root = float(np.sqrt(disc))
    return min(low, (-qb - root) / (2 * qa)), max(high, (-qb + root) / (2 * qa))


def stratified_estimate(
    cells: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
    *,
    tuning: Tuning | float = "puissance",
    confidence: float = 0.95,
) -> dict[str, float]:
    """Combine per-stratum regression estimates: P̂ = Σ (N_h/N) P̂_h, Var = Σ (N_h/N)² Var_h.

    Args:
        cells: One ``(y, f_labelled, f_unlabelled)`` per stratum (each with at least one human code).
        tuning: See :func:`regression_estimate` (λ tuned within each stratum).
        confidence: Level of the interval.

    Returns:
        Same keys as :func:`regression_estimate` (``lam`` = N-weighted mean λ).
    """
    parts = [regression_estimate(*c, tuning=tuning, confidence=confidence) for c in cells]
    big_n = sum(p["N"] for p in parts)
    if not parts or big_n == 0 or any(p["n"] == 0 for p in parts):
        return {"estimate": np.nan, "se": np.nan, "low": np.nan, "high": np.nan, "lam": np.nan,
                "n": sum(p["n"] for p in parts), "N": big_n}
    w = np.array([p["N"] / big_n for p in parts])
    est = float(np.sum(w * [p["raw"] for p in parts]))
    se = float(np.sqrt(np.sum(w**2 * np.square([p["se"] for p in parts]))))
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    # score-type widening with the strata's binomial parts taken at the common share θ
    k = float(np.sum(w**2 * [p["score_k"] for p in parts]))
    a = float(np.sum(w**2 * [p["score_a"] for p in parts]))
    low, high = _score_interval(est, k, a, z, est - z * se, est + z * se)
    return {"estimate": float(np.clip(est, 0, 1)), "se": se, "low": float(np.clip(low, 0, 1)),
            "high": float(np.clip(high, 0, 1)), "lam": float(np.sum(w * [p["lam"] for p in parts])),
            "n": sum(p["n"] for p in parts), "N": big_n}


def _indicators(coding: pd.DataFrame, ids: pd.Series, themes: list[str], value_col: str | None,
                what: str) -> np.ndarray:
    """(unit × theme) matrix of a long coding, values = 1 or ``value_col`` (max per unit and theme)."""
    require_columns(coding, ["id", "theme_id"], what)
    c = coding.assign(_uid=normalise_ids(coding["id"]), _t=coding["theme_id"].astype("string").str.strip())
    c = c[c["_uid"].notna() & c["_t"].notna() & c["_t"].ne("") & c["_t"].isin(themes)]
    val = pd.to_numeric(c[value_col], errors="coerce").fillna(0.0) if value_col else pd.Series(1.0, index=c.index)
    c = c.assign(_v=val.clip(0, 1))
    wide = c.pivot_table(index="_uid", columns="_t", values="_v", aggfunc="max", fill_value=0.0)
    wide = wide.reindex(index=pd.Index(ids.tolist()), columns=themes, fill_value=0.0).fillna(0.0)
    return wide.to_numpy(dtype=float)


def corrected_prevalence(
    units: pd.DataFrame,
    machine: pd.DataFrame,
    gold: pd.DataFrame | None,
    by: str | Sequence[str] | None = None,
    *,
    unit_col: str = "id",
    count_col: str | None = None,
    strata_col: str | None = None,
    themes: Sequence[str] | None = None,
    value_col: str | None = None,
    tuning: Tuning | float = "puissance",
    confidence: float = 0.95,
    unit_label: str = "unités",
    unvalidated: Sequence[str] | None = None,
    unvalidated_machine: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of units raising each theme, corrected with the human random sample (overall or per group).

    Segment-level shares: ``units`` lists the coded texts. Respondent-level
    shares (a theme in any of a person's answers): ``units`` lists the answers
    with a ``count_col`` (``respondent_id``); a respondent's machine value is the
    maximum over their answers, and a respondent counts as human-coded only
    when *all* their answers are in the human sample (draw the sample by
    respondent, :func:`~areas_analysis.themes.validation.draw_validation_sample`
    with ``cluster_col``). When the sample was drawn by answer instead, the
    number of answers of a respondent changes their chance of being fully
    coded, so respondents are then stratified by their number of answers.

    Args:
        units: One row per coded text: ``unit_col``, the ``by`` columns, ``count_col``, ``strata_col``.
        machine: Machine coding of every text (long ``id, theme_id[, value_col]``); for the human-coded
            texts it must come from a model that did not see their human codes (cross-fitting).
        gold: Human codes of the random validation sample only (long ``id, theme_id``; a row with an
            empty theme = coded, no theme). ``None`` or empty: no correction, plain machine shares.
        by: Grouping column(s) (commune, statut...); ``None`` for all texts.
        unit_col: Id column of ``units``.
        count_col: Coarser counted unit (``respondent_id``); default ``unit_col``.
        strata_col: Column the validation sample was stratified by (atelier...); estimated per stratum
            where each has at least :data:`MIN_LABELLED_PER_STRATUM` human-coded units, else pooled.
        themes: Themes reported (default: those in either coding, sorted).
        value_col: Column of ``machine`` with a prediction in [0, 1] (probability, share of cross-fitted
            models); default: each row counts 1.
        tuning: λ choice, see :func:`regression_estimate`.
        confidence: Level of the intervals.
        unit_label: French plural noun of the counted units for the note.
        unvalidated: Themes the human coders could not code (added to the codebook after the human
            coding). Default: the themes with no human positive in ``gold``. Their share cannot be
            corrected (the humans' zeros say nothing): machine share, no interval, « non validé ».
        unvalidated_machine: Machine coding used for the unvalidated themes (e.g. the codebook coding;
            default ``machine``), long ``id, theme_id``, each row counting 1.

    Returns:
        New DataFrame: the ``by`` columns, ``theme_id``, ``n`` (units), ``n_valides`` (human-coded units),
        ``proportion`` (corrected share; machine share without validation), ``ic_bas``, ``ic_haut`` (NaN
        without validation), ``proportion_machine`` (uncorrected), ``proportion_humaine`` (share in the
        human sample), ``lambda``, ``methode``, ``erreur_type`` (standard error), ``effectif`` (estimated
        units raising the theme, ``round(proportion × n)``, for the charts). ``attrs["note"]`` holds the
        French note, ``attrs["valide"]`` says whether the correction was possible.
    """
    check_confidence(confidence)
    by_cols = as_list(by)
    count_key = count_col or unit_col
    needed = list(dict.fromkeys([unit_col, count_key, *by_cols, *([strata_col] if strata_col else [])]))
    require_columns(units, needed, "table des unités")
    u = fill_group_na(units[needed], by_cols).assign(_uid=normalise_ids(units[unit_col]),
                                                      _cid=normalise_ids(units[count_key]))
    u = u[u["_uid"].notna() & u["_cid"].notna()].drop_duplicates("_uid").reset_index(drop=True)
    has_gold = gold is not None and not gold.empty
    if has_gold:
        require_columns(gold, ["id", "theme_id"], "codage humain (échantillon de validation)")
        gid = normalise_ids(gold["id"])
        unknown = sorted(set(gid.dropna()) - set(u["_uid"]))
        if unknown:
            raise InputError([Problem("codage humain (échantillon de validation)",
                                      f"{len(unknown)} identifiant(s) absent(s) de la table des unités, "
                                      f"par ex. {unknown[:5]}", column="id")])
    found = set(machine["theme_id"].dropna().astype(str).str.strip())
    if has_gold:
        found |= set(gold["theme_id"].dropna().astype(str).str.strip())
    theme_list = list(dict.fromkeys([*(themes or []), *sorted(t for t in found if t)]))
    f_units = _indicators(machine, u["_uid"], theme_list, value_col, "codage machine")
    labelled_units = np.zeros(len(u), dtype=bool)
    y_units = np.zeros_like(f_units)
    not_valid: set[str] = set()
    if has_gold:
        labelled_units = u["_uid"].isin(set(normalise_ids(gold["id"]).dropna())).to_numpy()
        y_units = _indicators(gold, u["_uid"], theme_list, None, "codage humain")
        if unvalidated is None:
            not_valid = {t for j, t in enumerate(theme_list) if y_units[labelled_units, j].sum() == 0}
        else:
            not_valid = set(unvalidated)
        if not_valid and unvalidated_machine is not None:
            alt = _indicators(unvalidated_machine, u["_uid"], theme_list, None, "codage machine")
            cols = [j for j, t in enumerate(theme_list) if t in not_valid]
            f_units[:, cols] = alt[:, cols]

    # aggregate to the counted unit (respondent): max over its texts; labelled only if all its texts are
    cid = u["_cid"].to_numpy()
    codes, first = np.unique(cid, return_index=True)
    inv = np.unique(cid, return_inverse=True)[1]
    f = np.zeros((len(codes), len(theme_list)))
    y = np.zeros_like(f)
    np.maximum.at(f, inv, f_units)
    np.maximum.at(y, inv, y_units)
    labelled = np.ones(len(codes), dtype=bool)
    np.logical_and.at(labelled, inv, labelled_units)
    n_texts = np.bincount(inv)
    cu = u.iloc[first].reset_index(drop=True)
    strata = cu[strata_col].astype("string").fillna("").to_numpy() if strata_col else np.full(len(cu), "")
    if count_key != unit_col:  # answer-level draw: chance of a full respondent depends on their number of texts
        strata = np.char.add(strata.astype(str), np.char.add("|", n_texts.astype(str)))

    key = by_cols or ["_all"]
    if not by_cols:
        cu = cu.assign(_all="ensemble")
    rows = []
    for gkey, idx in cu.groupby(key, observed=True, sort=True).indices.items():
        gkey = gkey if isinstance(gkey, tuple) else (gkey,)
        lab = labelled[idx]
        st = strata[idx]
        uniq = sorted(set(st))
        per_stratum = [np.flatnonzero(st == s) for s in uniq]
        use_strata = len(uniq) > 1 and all(lab[p].sum() >= MIN_LABELLED_PER_STRATUM for p in per_stratum)
        for j, t in enumerate(theme_list):
            fj, yj = f[idx, j], y[idx, j]
            rec = {**dict(zip(key, gkey, strict=True)), "theme_id": t, "n": len(idx), "n_valides": int(lab.sum()),
                   "proportion_machine": float(fj.mean()),
                   "proportion_humaine": float(yj[lab].mean()) if lab.any() else np.nan}
            if t in not_valid:
                rec.update(proportion=float(fj.mean()), ic_bas=np.nan, ic_haut=np.nan, **{"lambda": np.nan},
                           methode=METHOD_UNVALIDATED)
            elif has_gold and lab.any():
                if use_strata:
                    res = stratified_estimate([(yj[p][lab[p]], fj[p][lab[p]], fj[p][~lab[p]])
                                               for p in per_stratum], tuning=tuning, confidence=confidence)
                else:
                    res = regression_estimate(yj[lab], fj[lab], fj[~lab], tuning=tuning, confidence=confidence)
                rec.update(proportion=res["estimate"], ic_bas=res["low"], ic_haut=res["high"],
                           **{"lambda": res["lam"]}, methode=METHOD_CORRECTED, erreur_type=res["se"])
            else:
                rec.update(proportion=float(fj.mean()), ic_bas=np.nan, ic_haut=np.nan, **{"lambda": np.nan},
                           methode=METHOD_UNCORRECTED if not has_gold else
                           "non corrigée : aucun texte de ce groupe dans l'échantillon de validation")
            rows.append(rec)
    cols = [*by_cols, "theme_id", "n", "n_valides", "proportion", "ic_bas", "ic_haut", "proportion_machine",
            "proportion_humaine", "lambda", "methode", "erreur_type"]
    out = pd.DataFrame(rows, columns=[*key, *cols[len(by_cols):]])[cols]
    out["effectif"] = np.rint(out["proportion"] * out["n"]).astype("int64")
    order = {t: i for i, t in enumerate(theme_list)}
    out = out.sort_values([*by_cols, "theme_id"], key=lambda s: s.map(order) if s.name == "theme_id" else s,
                          kind="stable").reset_index(drop=True)
    return set_note(out, describe_corrected_prevalence(out, by=by_cols, unit_label=unit_label,
                                                       confidence=confidence, total=len(cu)),
                    valide=bool(has_gold), by=by_cols, unit_label=unit_label, confidence=confidence)


def describe_corrected_prevalence(table: pd.DataFrame, *, by: Sequence[str] = (), unit_label: str = "unités",
                                  confidence: float = 0.95, total: int | None = None) -> str:
    """French plain-language note for a :func:`corrected_prevalence` table."""
    if table.empty:
        return "Aucun thème à décrire."
    by_cols = list(by)
    groups = table.drop_duplicates(by_cols) if by_cols else table.head(1)
    total = total if total is not None else int(groups["n"].sum())
    n_val = int(groups["n_valides"].sum())
    level = fr_num(100 * confidence, 0)
    if not table["methode"].eq(METHOD_CORRECTED).any():
        return (f"**Comptages machine non corrigés.** Aucun échantillon aléatoire de {unit_label} n'a été codé "
                f"par un humain : les parts ci-dessous ({fr_num(total, 0)} {unit_label}) sont celles des codes "
                "de la machine, sans correction de ses erreurs et sans intervalle de confiance (un intervalle ne "
                "mesurerait que le hasard, pas l'erreur de codage, qui peut être bien plus grande). Tirez un "
                "échantillon de validation (« areas themes sample ») et codez-le pour obtenir des parts "
                "corrigées.")
    text = (f"Part des {unit_label} évoquant chaque thème" + (f" selon {', '.join(by_cols)}" if by_cols else "")
            + f", corrigée des erreurs de la machine grâce aux {fr_num(n_val, 0)} {unit_label} d'un échantillon "
            f"aléatoire codé par des humains (sur {fr_num(total, 0)}) : inférence « prediction-powered » "
            f"(Angelopoulos et al., 2023). Intervalles à {level} % : ils comprennent le hasard de l'échantillon "
            "humain et l'erreur de codage de la machine. La colonne proportion_machine donne la part brute des "
            "codes de la machine, pour comparaison.")
    gap = (table["proportion_machine"] - table["proportion"]).abs()
    big = table.loc[gap >= 0.05, "theme_id"].astype(str).drop_duplicates().tolist()
    if big:
        text += f" Écart d'au moins 5 points entre part brute et part corrigée : {fr_list(big)}."
    nv = table.loc[table["methode"].eq(METHOD_UNVALIDATED), "theme_id"].astype(str).drop_duplicates().tolist()
    if nv:
        text += (f" Thèmes « non validé » (aucun exemple dans l'échantillon codé par des humains, par exemple "
                 "ajoutés à la grille après le codage) : part brute de la machine, sans intervalle : "
                 f"{fr_list(nv)} ; leurs textes probables sont à relire.")
    missing = table.loc[~table["methode"].isin([METHOD_CORRECTED, METHOD_UNVALIDATED])]
    if by_cols and len(missing):
        names = [" / ".join(str(r[c]) for c in by_cols) for _, r in missing.drop_duplicates(by_cols).iterrows()]
        text += f" Groupes sans texte codé par un humain, non corrigés et sans intervalle : {fr_list(names)}."
    text += (" La part corrigée estime ce qu'auraient codé les codeurs humains : leurs propres erreurs ne sont "
             "pas corrigées.")
    return text


def suggest_sample_size(
    prevalence: float | Sequence[float],
    half_width: float,
    *,
    population: int | None = None,
    agreement_r2: float = 0.0,
    confidence: float = 0.95,
) -> int:
    """Number of texts to code by hand for a target interval half-width (largest over the prevalences).

    n₀ = z² p(1 − p)(1 − R²) / h², then the finite-population correction n = n₀ / (1 + n₀/N). ``R²`` is the
    share of the human codes' variance the machine explains (0: no help from the machine, conservative).

    Args:
        prevalence: Expected share(s) of the themes (0.5 is the worst case).
        half_width: Target half-width of the interval (0.05 = ± 5 points).
        population: Number of texts (enables the finite-population correction).
        agreement_r2: Expected R² of human codes on machine predictions (e.g. κ² as a rough guide).
        confidence: Level of the interval.
    """
    check_confidence(confidence)
    if not 0 < half_width < 1:
        raise ValueError("half_width must be in (0, 1)")
    p = np.atleast_1d(np.asarray(prevalence, dtype=float))
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    n0 = float(np.max(z**2 * p * (1 - p) * (1 - float(np.clip(agreement_r2, 0, 0.99))) / half_width**2))
    n = n0 / (1 + n0 / population) if population else n0
    n = int(np.ceil(n))
    return min(n, population) if population else n
