"""Before/after comparison per Likert item: Wilcoxon signed-rank, rank-biserial r, paired t and dz.

Input is the long table of :func:`~areas_analysis.evaluate.pairing.pair_before_after`
(or any table with an item column, a before and an after score, and optionally
a status column); output is one French row per item with the number of pairs
used and excluded, the medians, the tests, the effect sizes with their CIs, the
primary test, the p-value adjusted for multiplicity and a ``methode`` sentence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..config import DEFAULT_SEED
from ..errors import AreasError
from ..tables import as_list, check_confidence, fr_num, require_columns, set_note
from ._bootstrap import bootstrap_paired, max_abs_rb_pratt, rb_paired_rows
from ._common import (
    CORRECTION_LABELS,
    NET_THRESHOLD,
    STATUS_AFTER_ONLY,
    STATUS_BEFORE_ONLY,
    STATUS_DONT_KNOW,
    STATUS_MISSING,
    STATUS_USED,
    WORD_INCONCLUSIVE,
    WORD_TREND,
    Correction,
    add_adjusted_p,
    adjust_pvalues,
    check_choice,
    conclusion,
)

__all__ = ["cohen_dz", "max_abs_rb_pratt", "paired_tests", "rank_biserial_paired", "session_change_test",
           "wilcoxon_test"]

ZeroMethod = Literal["wilcox", "pratt"]
Primary = Literal["auto", "wilcoxon", "t"]
CiMethod = Literal["bca", "percentile"]

#: Default rule for the paired t-test to be primary: at least this many pairs...
T_MIN_PAIRS = 30
#: ...and differences not strongly skewed (|adjusted Fisher-Pearson skewness| at most this).
T_MAX_ABS_SKEW = 1.0


def rank_biserial_paired(diff: Sequence[float] | np.ndarray, zero_method: ZeroMethod = "pratt") -> float:
    """Matched-pairs rank-biserial correlation, unchanged pairs counted (Kerby 2014; Pratt 1959).

    ``R+`` (``R-``) is the sum of the ranks of ``|d|`` over the positive
    (negative) differences. Default ``"pratt"``: all pairs are ranked, the
    unchanged ones (``d = 0``) included, and ``r = (R+ - R-) / (n (n + 1) / 2)``
    — the signed-rank sum divided by its largest possible value with ``n``
    pairs, so r = 1 only when every student moved up. Unchanged students
    weigh r towards 0: with ``z`` of them ``|r| <= 1 - z (z + 1) / (n (n + 1))``
    (:func:`max_abs_rb_pratt`). ``"wilcox"`` is Kerby's simple difference
    formula on the changed pairs only, ``(R+ - R-) / (R+ + R-)``: 5 students up
    and 20 unchanged give r = 1 (Wilcoxon handling) but 0.35 (Pratt handling).
    Kerby, D. S. (2014), *Comprehensive Psychology* 3:11.IT.3.1; Pratt, J. W.
    (1959), *JASA* 54:655-667.

    Args:
        diff: Paired differences ``after - before`` (NaN removed beforehand).
        zero_method: ``"pratt"`` (unchanged pairs ranked and in the denominator)
            or ``"wilcox"`` (unchanged pairs dropped).

    Returns:
        r in [−1, 1]; 0 when no difference is non-zero; NaN for an empty input.
    """
    d = np.asarray(diff, dtype=float)
    if d.size == 0:
        return float("nan")
    return float(rb_paired_rows(d, zero_method)[0])


def cohen_dz(diff: Sequence[float] | np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Cohen's dz for paired data with its exact confidence interval.

    ``dz = mean(d) / sd(d)`` (sd with ``n - 1``), the standardised mean change
    (Cohen 1988, eq. 2.3.5; Lakens 2013, *Front. Psychol.* 4:863). Its CI
    inverts the noncentral t distribution of ``t = dz √n`` with ``n - 1``
    degrees of freedom (Cumming & Finch 2001, *Educ. Psychol. Meas.*
    61:532-574): the bounds are the noncentrality parameters ``δ`` for which
    the observed t is the upper / lower ``α/2`` quantile, divided by ``√n``.

    Args:
        diff: Paired differences.
        confidence: Two-sided confidence level.

    Returns:
        ``(dz, low, high)``; NaN when fewer than 2 pairs or all differences are equal.
    """
    check_confidence(confidence)
    d = np.asarray(diff, dtype=float)
    n = d.size
    nan = float("nan")
    if n < 2:
        return (nan, nan, nan)
    sd = float(np.std(d, ddof=1))
    if sd == 0 or not math.isfinite(sd):
        return (nan, nan, nan)
    dz = float(np.mean(d)) / sd
    t = dz * math.sqrt(n)
    df = n - 1
    alpha = 1 - confidence
    # the CI of δ is roughly t ± z·sqrt(1 + t²/(2 df)): bracket generously around it
    span = 8 * math.sqrt(1 + t * t / (2 * df)) + 2

    def cdf(delta: float) -> float:
        value = float(stats.nct.cdf(t, df, delta))
        if math.isnan(value):  # scipy's nct is NaN far in the tails: the limit is 1 below t, 0 above
            return 1.0 if delta < t else 0.0
        return value

    def bound(target: float) -> float:
        # nct.cdf(t; df, δ) decreases with δ: find δ with cdf = target
        return optimize.brentq(lambda delta: cdf(delta) - target, t - span, t + span, xtol=1e-10)

    low = bound(1 - alpha / 2) / math.sqrt(n)
    high = bound(alpha / 2) / math.sqrt(n)
    return (dz, float(low), float(high))


def _exact_signed_rank_pvalue(ranks: np.ndarray, r_plus: float) -> float:
    """Two-sided p of ``R+`` under the exact conditional null (every sign pattern equally likely).

    Average ranks are multiples of one half, so doubled ranks are integers and
    the distribution of ``R+`` over the ``2^m`` sign patterns is a convolution
    computed exactly by dynamic programming (no enumeration, ties allowed).
    Two-sided ``p = min(1, 2 min(P(R+ <= obs), P(R+ >= obs)))`` as in scipy.
    """
    doubled = np.rint(2 * ranks).astype(int)
    probs = np.zeros(int(doubled.sum()) + 1)
    probs[0] = 1.0
    for r in doubled:
        shifted = np.zeros_like(probs)
        shifted[r:] = probs[: probs.size - r]
        probs = (probs + shifted) / 2
    obs = int(np.rint(2 * r_plus))
    return float(min(1.0, 2 * min(probs[: obs + 1].sum(), probs[obs:].sum())))


def wilcoxon_test(diff: Sequence[float] | np.ndarray, zero_method: ZeroMethod = "wilcox",
                  seed: int = DEFAULT_SEED) -> tuple[float, float, str]:
    """Two-sided Wilcoxon signed-rank test, exact up to 50 non-zero differences.

    Ranks of ``|d|`` (average ranks for ties); zeros dropped (``"wilcox"``) or
    ranked but never signed (``"pratt"``). With at most 50 non-zero
    differences the p-value comes from the exact conditional distribution of
    ``R+`` over all sign patterns (exact with ties and zeros — the usual
    Likert case — where scipy's ``"auto"`` falls back to the normal
    approximation beyond 13 pairs); beyond, scipy's normal approximation with
    tie correction (and Cureton's zero correction under Pratt), without
    continuity correction. Wilcoxon (1945), *Biometrics Bulletin* 1:80-83;
    Pratt (1959), *JASA* 54:655-667.

    Args:
        diff: Paired differences ``after - before``.
        zero_method: ``"wilcox"`` or ``"pratt"``.
        seed: Unused (kept for a stable signature; the test is deterministic).

    Returns:
        ``(W, p, French description of the p-value method)`` with
        ``W = min(R+, R-)``; NaN and ``"non testable"`` without non-zero difference.
    """
    d = np.asarray(diff, dtype=float)
    nonzero = d != 0
    m = int(nonzero.sum())
    if m == 0:
        return (float("nan"), float("nan"), "non testable (aucune différence non nulle)")
    ranks = stats.rankdata(np.abs(d[nonzero])) if zero_method == "wilcox" else stats.rankdata(np.abs(d))[nonzero]
    signs = d[nonzero] > 0
    r_plus = float(ranks[signs].sum())
    r_minus = float(ranks[~signs].sum())
    w = min(r_plus, r_minus)
    if m <= 50:
        p = _exact_signed_rank_pvalue(ranks, r_plus)
        plain = m == d.size and np.unique(ranks).size == m
        how = ("loi exacte" if plain
               else "loi exacte conditionnelle (toutes les combinaisons de signes, ex aequo inclus)")
    else:
        res = stats.wilcoxon(d, zero_method=zero_method, method="asymptotic", correction=False)
        p = float(res.pvalue)
        how = "approximation normale corrigée des ex aequo"
    return (w, p, how)


def session_change_test(diff: Sequence[float] | np.ndarray, sessions: Sequence[object] | np.ndarray,
                        confidence: float = 0.95) -> dict[str, float]:
    """Before/after change tested at session level: one-sample t on the session mean changes.

    Students of one session share their trainer, patient partner and day, so
    their changes are correlated; a student-level test then counts each
    session several times. Here each session counts once: its students' mean
    change, and a Student t-test of "mean of the session means = 0" with
    ``sessions - 1`` degrees of freedom (the cluster-level analysis of Donner
    & Klar 2000, ch. 6). Valid with any intraclass correlation; with 3
    sessions it has 2 degrees of freedom and little power.

    Args:
        diff: Paired differences ``after - before`` (one per student).
        sessions: Session of each student (same length).
        confidence: Confidence level of the interval of the mean change.

    Returns:
        ``{"n_seances", "moyenne", "ic_bas", "ic_haut", "p"}``: estimates NaN
        with fewer than 2 sessions or when every session has the same mean.
    """
    check_confidence(confidence)
    d = np.asarray(diff, dtype=float)
    g = pd.Series(d).groupby(pd.Series(np.asarray(sessions, dtype=object)).astype("string").to_numpy()).mean()
    k = int(g.size)
    nan = float("nan")
    out = {"n_seances": float(k), "moyenne": float(g.mean()) if k else nan, "ic_bas": nan, "ic_haut": nan,
           "p": nan}
    if k < 2:
        return out
    sd = float(g.std(ddof=1))
    if not sd > 1e-12:
        return out
    se = sd / math.sqrt(k)
    q = float(stats.t.ppf(1 - (1 - confidence) / 2, k - 1))
    m = float(g.mean())
    out.update({"ic_bas": m - q * se, "ic_haut": m + q * se, "p": float(2 * stats.t.sf(abs(m / se), k - 1))})
    return out


def paired_tests(
    pairs: pd.DataFrame,
    *,
    item_col: str = "item",
    before_col: str = "avant",
    after_col: str = "apres",
    status_col: str | None = "statut",
    label_col: str | None = "libelle",
    by: str | Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    zero_method: ZeroMethod = "pratt",
    session_col: str | None = "session_id",
    primary: Primary = "auto",
    t_min_pairs: int = T_MIN_PAIRS,
    t_max_abs_skew: float = T_MAX_ABS_SKEW,
    correction: Correction = "holm",
    confidence: float = 0.95,
    n_boot: int = 2000,
    ci_method: CiMethod = "bca",
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Compare after with before for each item: Wilcoxon + rank-biserial r, paired t + dz.

    For each item (and each group of ``by``, e.g. the arm), the usable pairs
    are the rows with both scores (and status ``utilisée`` when a status
    column is given). Reported:

    - counts: ``n_paires`` used; ``n_non_apparies``, ``n_manquants``,
      ``n_ne_sait_pas`` excluded; ``n_ameliores`` / ``n_inchanges`` /
      ``n_degrades`` and ``part_ameliores`` (share of pairs with after > before);
    - medians before/after;
    - Wilcoxon signed-rank (zeros: ``zero_method``, default ``"pratt"`` —
      unchanged students are ranked and counted, so r answers "over all
      matched students, how much did answers go up rather than down?" and
      cannot exceed ``r_max_possible``, the bound its ``n_inchanges`` allow;
      ``"wilcox"`` drops them and r then ignores how many did not move), W
      and p, with the matched-pairs rank-biserial r (see
      :func:`rank_biserial_paired`) and its seeded bootstrap CI (pairs
      resampled; BCa by default, percentile if BCa is degenerate or on
      request); ``part_ameliores`` / ``part_inchanges`` / ``part_degrades``
      are shown beside r;
    - the same change at session level (``session_col`` present): each
      session's mean change, ``n_seances``, ``changement_moyen_seances`` with
      its t interval and ``p_seances`` (:func:`session_change_test`),
      ``p_seances_ajuste`` adjusted like ``p`` — the test that accounts for
      students being clustered in sessions — and ``conclusion``, the word of
      the vocabulary rule (:data:`~areas_analysis.evaluate._common.VOCABULARY_RULE`);
    - paired t-test with Cohen's dz and its noncentral-t CI.

    Primary test (``test_principal``): with ``primary="auto"``, the paired t
    when there are at least ``t_min_pairs`` pairs (the mean change is then
    close to normal by the central limit theorem) *and* the differences are
    not strongly skewed (``|skewness| <= t_max_abs_skew``); the Wilcoxon test
    otherwise — the usual case for short Likert scales and small sessions. The
    rule is fixed before looking at p-values and stated in ``methode``.
    ``p`` is the primary test's p-value, ``p_ajuste`` the same adjusted across
    all rows of the table (``correction``: Holm by default; BH or none).

    Args:
        pairs: Long table, one row per (student, item).
        item_col: Item column.
        before_col: Score before.
        after_col: Score after.
        status_col: Status column from the pairing (``None`` if absent).
        label_col: Item label column (``None`` if absent; ``labels`` overrides).
        by: Optional grouping columns (e.g. ``"patient_partenaire"``).
        labels: Optional item → French label mapping.
        zero_method: Handling of zero differences (``"pratt"`` or ``"wilcox"``).
        session_col: Session column for the session-level test (``None`` or absent: not computed).
        primary: ``"auto"`` (rule above), ``"wilcoxon"`` or ``"t"``.
        t_min_pairs: Minimum number of pairs for the t-test to be primary.
        t_max_abs_skew: Maximum absolute skewness of differences for the t-test to be primary.
        correction: ``"holm"``, ``"fdr_bh"`` or ``"none"``.
        confidence: Confidence level of the intervals.
        n_boot: Bootstrap resamples for the CI of r.
        ci_method: ``"bca"`` (bias-corrected and accelerated, Efron 1987) or ``"percentile"``.
        seed: Seed of the bootstrap (and of the exact permutation, deterministic anyway).

    Returns:
        One row per item (× group) in French columns; ``attrs["note"]`` says
        what it shows. The input is not modified.
    """
    check_choice(zero_method, ["wilcox", "pratt"], "zero_method")
    check_choice(primary, ["auto", "wilcoxon", "t"], "primary")
    check_choice(ci_method, ["bca", "percentile"], "ci_method")
    check_choice(correction, list(CORRECTION_LABELS), "correction")
    check_confidence(confidence)
    if n_boot < 100:
        raise AreasError(f"n_boot = {n_boot} est trop petit pour un intervalle bootstrap (au moins 100).")
    by = as_list(by)
    needed = [item_col, before_col, after_col, *by]
    if status_col:
        needed.append(status_col)
    require_columns(pairs, needed, "table appariée")
    has_sessions = bool(session_col) and session_col in pairs
    df = pairs.copy()
    order = list(dict.fromkeys(df[item_col]))
    keys = [item_col, *by]
    rows = []
    for key, grp in df.groupby(keys, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        item = key[0]
        st = grp[status_col].astype("string") if status_col else None
        both = grp[before_col].notna() & grp[after_col].notna()
        used = both & (st.eq(STATUS_USED).fillna(False) if st is not None else True)
        d = (grp.loc[used, after_col] - grp.loc[used, before_col]).to_numpy(dtype=float)
        n = int(d.size)
        if st is not None:
            n_unmatched = int(st.isin([STATUS_BEFORE_ONLY, STATUS_AFTER_ONLY]).sum())
            n_missing = int(st.eq(STATUS_MISSING).sum())
            n_dk = int(st.eq(STATUS_DONT_KNOW).sum())
        else:
            n_unmatched, n_missing, n_dk = 0, int((~both).sum()), 0
        label = (labels or {}).get(item) if labels else None
        if label is None and label_col and label_col in grp:
            label = str(grp[label_col].iloc[0])
        row: dict[str, object] = {"item": item, "libelle": label or str(item)}
        for col, val in zip(by, key[1:], strict=True):
            row[col] = val
        w, p_w, how_w = (wilcoxon_test(d, "wilcox", seed) if n >= 1
                         else (np.nan, np.nan, "non testable (aucune paire)"))
        r = rank_biserial_paired(d, zero_method) if n else np.nan
        r_lo, r_hi, ci_how = bootstrap_paired(
            d, zero_method, n_boot=n_boot, seed=seed, confidence=confidence, method=ci_method,
            clusters=grp.loc[used, session_col].to_numpy() if has_sessions else None)
        dz, dz_lo, dz_hi = cohen_dz(d, confidence)
        sess = (session_change_test(d, grp.loc[used, session_col].to_numpy(), confidence) if has_sessions
                else {"n_seances": np.nan, "moyenne": np.nan, "ic_bas": np.nan, "ic_haut": np.nan, "p": np.nan})
        if n >= 2 and np.std(d) > 0:
            p_t = float(stats.ttest_rel(grp.loc[used, after_col].to_numpy(float),
                                        grp.loc[used, before_col].to_numpy(float)).pvalue)
            skew = float(stats.skew(d, bias=False)) if n >= 3 else np.nan
        else:
            p_t, skew = np.nan, np.nan
        if primary == "auto":
            use_t = n >= t_min_pairs and not np.isnan(skew) and abs(skew) <= t_max_abs_skew
        else:
            use_t = primary == "t"
        row.update({
            "n_paires": n,
            "n_non_apparies": n_unmatched,
            "n_manquants": n_missing,
            "n_ne_sait_pas": n_dk,
            "n_exclus": n_unmatched + n_missing + n_dk,
            "mediane_avant": float(np.median(grp.loc[used, before_col])) if n else np.nan,
            "mediane_apres": float(np.median(grp.loc[used, after_col])) if n else np.nan,
            "n_ameliores": int((d > 0).sum()),
            "n_inchanges": int((d == 0).sum()),
            "n_degrades": int((d < 0).sum()),
            "part_ameliores": float((d > 0).mean()) if n else np.nan,
            "part_inchanges": float((d == 0).mean()) if n else np.nan,
            "part_degrades": float((d < 0).mean()) if n else np.nan,
            "W": w,
            "p_wilcoxon": p_w,
            "r_rang_biserial": r,
            "r_ic_bas": r_lo,
            "r_ic_haut": r_hi,
            "r_max_possible": max_abs_rb_pratt(n, int((d == 0).sum())) if zero_method == "pratt" else 1.0,
            "n_seances": sess["n_seances"],
            "changement_moyen_seances": sess["moyenne"],
            "ic_seances_bas": sess["ic_bas"],
            "ic_seances_haut": sess["ic_haut"],
            "p_seances": sess["p"],
            "diff_moyenne": float(d.mean()) if n else np.nan,
            "asymetrie_diff": skew,
            "p_t_apparie": p_t,
            "dz": dz,
            "dz_ic_bas": dz_lo,
            "dz_ic_haut": dz_hi,
            "test_principal": "t de Student apparié" if use_t else "Wilcoxon signé des rangs",
            "p": p_t if use_t else p_w,
            "_how_w": how_w,
            "_ci_how": ci_how,
            "_use_t": use_t,
        })
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        raise AreasError("Aucun item à comparer : la table appariée est vide.")
    out["_order"] = out["item"].map({v: i for i, v in enumerate(order)})
    out = out.sort_values(["_order", *by], kind="mergesort").drop(columns="_order").reset_index(drop=True)
    add_adjusted_p(out, "p", correction)
    out["p_seances_ajuste"] = adjust_pvalues(out["p_seances"].to_numpy(float), correction)
    if has_sessions:
        out["conclusion"] = [conclusion(ps_adj, ps, p_adj, 0.0 if k >= 2 else np.nan) for ps_adj, ps, p_adj, k in
                             zip(out["p_seances_ajuste"], out["p_seances"], out["p_ajuste"], out["n_seances"],
                                 strict=True)]
    else:  # no session column: the clustering cannot be accounted for, « net » is never used
        out["conclusion"] = [WORD_TREND if p_adj < NET_THRESHOLD else WORD_INCONCLUSIVE
                             for p_adj in out["p_ajuste"]]
    corr = CORRECTION_LABELS[correction]
    pct = fr_num(100 * confidence, 0)
    zero_txt = ("test et r : différences nulles écartées des rangs (méthode de Wilcoxon)"
                if zero_method == "wilcox"
                else "test : différences nulles écartées (Wilcoxon) ; r : étudiants inchangés classés et comptés "
                     "au dénominateur (méthode de Pratt)")
    rule = (f"règle : t apparié principal si n ≥ {t_min_pairs} paires et |asymétrie| ≤ "
            f"{fr_num(t_max_abs_skew, 1)}, sinon Wilcoxon" if primary == "auto"
            else f"test principal imposé ({'t apparié' if primary == 't' else 'Wilcoxon'})")
    out["methode"] = [
        ("t de Student apparié (principal) ; Wilcoxon en complément" if u
         else f"Wilcoxon signé des rangs (principal), {h}")
        + (f" ; {zero_txt} ; r rang-bisérial apparié (Kerby 2014), IC {pct} % {b} "
         f"({n_boot} rééchantillonnages, graine {seed}) ; dz de Cohen, IC {pct} % t non central ; "
         f"{rule} ; p ajusté : {c}"
         + (" ; par séance : t sur les moyennes de séance du changement (chaque séance compte une fois), "
            "p_seances ajusté de la même façon" if has_sessions else ""))
        for u, h, b, c in zip(out["_use_t"], out["_how_w"], out["_ci_how"], out["correction"], strict=True)
    ]
    out = out.drop(columns=["_how_w", "_use_t", "_ci_how"])
    n_sig = int((out["p_ajuste"] < 0.05).sum())
    text = (f"Comparaison avant/après pour {len(out)} ligne(s) : n_paires = étudiants appariés ayant répondu "
            "aux deux questionnaires sur l'échelle ; les exclus (non appariés, réponse manquante, « Je ne sais "
            f"pas ») sont comptés à part. {n_sig} résultat(s) significatif(s) au seuil de 5 % après correction "
            f"{'de ' + corr if correction != 'none' else '(aucune)'}. Un r positif indique une hausse après "
            "l'action ; les effets des petits effectifs restent très imprécis (voir les IC).")
    return set_note(out, text, correction=correction, confidence=confidence, seed=seed, n_boot=n_boot,
                    zero_method=zero_method, primary=primary, ci_method=ci_method,
                    session_col=session_col if has_sessions else None, t_min_pairs=t_min_pairs,
                    t_max_abs_skew=t_max_abs_skew)
