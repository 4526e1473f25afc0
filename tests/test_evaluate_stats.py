"""Statistics of the evaluate stage checked against independent computations.

References: scipy.stats / statsmodels called directly here, hand computations
from ranks (numpy), full enumeration of permutation distributions, and the
textbook Wilcoxon example of Darwin's Zea mays data (Fisher 1935).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from statsmodels.stats.multitest import multipletests

from areas_analysis.errors import AreasError
from areas_analysis.evaluate import (
    AGREEMENT_SCALE,
    adjust_pvalues,
    cohen_dz,
    compare_arms,
    mann_whitney_test,
    max_abs_rb_pratt,
    pair_before_after,
    paired_tests,
    rank_biserial_independent,
    rank_biserial_paired,
    session_change_test,
    wilcoxon_test,
)

# Darwin's Zea mays: cross- minus self-fertilised heights (eighths of an inch), Fisher (1935).
DARWIN = np.array([6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75], dtype=float)


def kerby_paired_by_hand(d: np.ndarray) -> float:
    """(R+ - R-) / (R+ + R-) with average ranks of |d| over the non-zero differences."""
    nz = d[d != 0]
    ranks = stats.rankdata(np.abs(nz))
    r_plus = ranks[nz > 0].sum()
    r_minus = ranks[nz < 0].sum()
    return (r_plus - r_minus) / (r_plus + r_minus)


def kerby_independent_by_hand(x: np.ndarray, y: np.ndarray) -> float:
    """Kerby (2014): r = 2 (mean rank of x - mean rank of y) / (n_x + n_y), pooled average ranks."""
    ranks = stats.rankdata(np.concatenate([x, y]))
    return 2 * (ranks[: len(x)].mean() - ranks[len(x):].mean()) / (len(x) + len(y))


def exact_signed_rank_p_by_polynomial(d: np.ndarray) -> float:
    """Exact conditional p of R+: product of the polynomials (1 + x^(2 r_i)) / 2 over non-zero differences."""
    nz = d[d != 0]
    ranks = stats.rankdata(np.abs(nz))
    poly = np.array([1.0])
    for r in np.rint(2 * ranks).astype(int):
        factor = np.zeros(r + 1)
        factor[0] = factor[r] = 0.5
        poly = np.convolve(poly, factor)
    obs = int(np.rint(2 * ranks[nz > 0].sum()))
    return min(1.0, 2 * min(poly[: obs + 1].sum(), poly[obs:].sum()))


# --------------------------------------------------------------------------- textbook


def test_wilcoxon_textbook_darwin_example():
    w, p, how = wilcoxon_test(DARWIN)
    # Textbook values: T- = 10 + 14 = 24 (ranks of |-48| and |-67|), exact two-sided p = 0.04126
    assert w == 24.0
    assert p == pytest.approx(0.041259765625, abs=1e-12)
    assert how == "loi exacte"
    # R+ = 120 - 24 = 96, r = (96 - 24) / 120 = 0.6
    assert rank_biserial_paired(DARWIN) == pytest.approx(0.6)


# --------------------------------------------------------------------------- paired effect sizes


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rank_biserial_paired_matches_hand_computation(seed):
    rng = np.random.default_rng(seed)
    d = rng.integers(-3, 4, size=25).astype(float)  # Likert-like: many zeros and ties
    assert rank_biserial_paired(d, "wilcox") == pytest.approx(kerby_paired_by_hand(d))
    # equivalent form through the Wilcoxon statistic of the non-zero differences
    nz = d[d != 0]
    r_plus = stats.rankdata(np.abs(nz))[nz > 0].sum()
    total = len(nz) * (len(nz) + 1) / 2
    assert rank_biserial_paired(d, "wilcox") == pytest.approx(2 * r_plus / total - 1)


def test_rank_biserial_paired_pratt_counts_unchanged_pairs_by_hand():
    """Small table with zeros, ranks written out by hand.

    d = (0, 0, 0, +1, -1, +2, +2): |d| = 0,0,0,1,1,2,2 → ranks 2,2,2 (zeros), 4.5,4.5 (the ±1), 6.5,6.5.
    R+ = 4.5 + 6.5 + 6.5 = 17.5, R- = 4.5, all ranks sum to 7·8/2 = 28 → r = (17.5 - 4.5) / 28 = 13/28.
    Dropping the zeros (Wilcoxon): ranks 1.5,1.5,3.5,3.5 → R+ = 8.5, R- = 1.5, r = 7/10.
    """
    d = np.array([0, 0, 0, 1, -1, 2, 2], dtype=float)
    assert rank_biserial_paired(d) == pytest.approx(13 / 28)
    assert rank_biserial_paired(d, "wilcox") == pytest.approx(7 / 10)
    # the case: 5 students up by one point, 20 unchanged → 5·23 / 325 = 0.354, not 1
    d = np.array([1.0] * 5 + [0.0] * 20)
    assert rank_biserial_paired(d) == pytest.approx(115 / 325)
    assert rank_biserial_paired(d, "wilcox") == 1.0
    # the bound the unchanged pairs allow: 1 - z(z+1)/(n(n+1)), reached here
    assert max_abs_rb_pratt(25, 20) == pytest.approx(115 / 325)
    assert max_abs_rb_pratt(7, 3) == pytest.approx(1 - 12 / 56)


@pytest.mark.parametrize("seed", range(5))
def test_pratt_r_never_exceeds_what_its_unchanged_pairs_allow(seed):
    rng = np.random.default_rng(seed)
    d = rng.choice([-1.0, 0.0, 0.0, 1.0, 2.0], size=20)
    z = int((d == 0).sum())
    assert abs(rank_biserial_paired(d)) <= max_abs_rb_pratt(20, z) + 1e-12
    table = paired_tests(pd.DataFrame({"item": "x", "avant": 3.0, "apres": 3.0 + d}), status_col=None,
                         label_col=None, n_boot=200).iloc[0]
    assert table["r_rang_biserial"] <= table["r_max_possible"] + 1e-12
    assert table["part_ameliores"] + table["part_inchanges"] + table["part_degrades"] == pytest.approx(1)


def test_cohen_dz_and_its_noncentral_t_interval():
    rng = np.random.default_rng(5)
    d = rng.normal(0.4, 1.0, size=18)
    dz, lo, hi = cohen_dz(d, 0.95)
    assert dz == pytest.approx(d.mean() / d.std(ddof=1))
    n = d.size
    t_obs = dz * math.sqrt(n)
    # the bounds are the noncentralities for which t_obs is the 97.5 % / 2.5 % quantile
    assert stats.nct.cdf(t_obs, n - 1, lo * math.sqrt(n)) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(t_obs, n - 1, hi * math.sqrt(n)) == pytest.approx(0.025, abs=1e-6)
    # and agree with the usual large-sample approximation to within a few hundredths
    se = math.sqrt(1 / n + dz**2 / (2 * n))
    assert lo == pytest.approx(dz - 1.96 * se, abs=0.06)
    assert hi == pytest.approx(dz + 1.96 * se, abs=0.06)
    assert all(math.isnan(v) for v in cohen_dz(np.array([1.0, 1.0, 1.0])))


def test_wilcoxon_with_ties_and_zeros_is_exact_over_all_sign_patterns():
    d = np.array([1, 1, 2, -1, 2, 0, 1, 3, -2, 1, 0, 2, 1, -1], dtype=float)
    w, p, how = wilcoxon_test(d)
    assert how.startswith("loi exacte conditionnelle")
    # enumerate the 2^12 sign patterns of the non-zero differences by brute force
    nz = d[d != 0]
    ranks = stats.rankdata(np.abs(nz))
    obs = ranks[nz > 0].sum()
    signs = np.array(list(itertools.product([0, 1], repeat=len(nz))))
    dist = signs @ ranks
    p_hand = min(1.0, 2 * min(np.mean(dist <= obs + 1e-9), np.mean(dist >= obs - 1e-9)))
    assert p == pytest.approx(p_hand)
    assert w == min(obs, ranks.sum() - obs)
    # scipy's own permutation test enumerates all patterns too when 2^n < 9999
    ref = stats.wilcoxon(d[:13], method=stats.PermutationMethod())
    assert wilcoxon_test(d[:13])[1] == pytest.approx(ref.pvalue)


def test_wilcoxon_exact_on_thirty_likert_pairs_and_asymptotic_beyond_fifty():
    rng = np.random.default_rng(9)
    d = rng.choice(np.arange(-2, 3), size=30, p=[0.1, 0.2, 0.3, 0.3, 0.1]).astype(float)
    _, p, _ = wilcoxon_test(d)
    assert p == pytest.approx(exact_signed_rank_p_by_polynomial(d))
    assert p == pytest.approx(stats.wilcoxon(d).pvalue, abs=0.05)  # the normal approximation is close
    big = rng.choice(np.arange(-2, 3), size=80, p=[0.1, 0.2, 0.3, 0.3, 0.1]).astype(float)
    _, p_big, how = wilcoxon_test(big)
    assert how == "approximation normale corrigée des ex aequo"
    assert p_big == pytest.approx(stats.wilcoxon(big, method="asymptotic").pvalue)


# --------------------------------------------------------------------------- independent groups


def test_rank_biserial_independent_matches_kerby_and_mann_whitney():
    rng = np.random.default_rng(3)
    x = rng.integers(-2, 4, size=14).astype(float)
    y = rng.integers(-3, 3, size=11).astype(float)
    r = rank_biserial_independent(x, y)
    assert r == pytest.approx(kerby_independent_by_hand(x, y))
    u = stats.mannwhitneyu(x, y).statistic
    assert r == pytest.approx(2 * u / (len(x) * len(y)) - 1)


def test_mann_whitney_matches_scipy_and_small_tied_groups_use_exact_permutation():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 5, size=12).astype(float)
    y = rng.integers(0, 5, size=10).astype(float)
    u, p, how = mann_whitney_test(x, y)
    ref = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    assert (u, p) == pytest.approx((ref.statistic, ref.pvalue))
    assert "approximation normale" in how

    x = np.array([2, 3, 3, 4, 1], dtype=float)
    y = np.array([1, 1, 2, 2, 3, 0], dtype=float)
    u, p, how = mann_whitney_test(x, y)
    assert how == "test de permutation exact"
    pooled = np.concatenate([x, y])
    u_obs = stats.mannwhitneyu(x, y).statistic
    dist = []
    for idx in itertools.combinations(range(len(pooled)), len(x)):
        mask = np.zeros(len(pooled), bool)
        mask[list(idx)] = True
        dist.append(stats.mannwhitneyu(pooled[mask], pooled[~mask]).statistic)
    dist = np.array(dist)
    p_hand = min(1.0, 2 * min(np.mean(dist <= u_obs + 1e-9), np.mean(dist >= u_obs - 1e-9)))
    assert u == u_obs
    assert p == pytest.approx(p_hand)


# --------------------------------------------------------------------------- multiplicity


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_adjust_pvalues_matches_statsmodels(method):
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.0004, 0.04, 0.9])
    assert adjust_pvalues(p, method) == pytest.approx(multipletests(p, method=method)[1])
    with_nan = np.array([0.01, np.nan, 0.03, 0.5])
    out = adjust_pvalues(with_nan, method)
    assert math.isnan(out[1])
    ok = ~np.isnan(with_nan)
    assert out[ok] == pytest.approx(multipletests(with_nan[ok], method=method)[1])


def test_adjust_pvalues_refuses_unknown_method():
    with pytest.raises(AreasError, match="correction"):
        adjust_pvalues([0.1], "bonferroni")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- item tables


def _messy_questionnaires(seed: int = 11, n: int = 36) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Likert labels, an unmatched student each side, "Je ne sais pas", an empty answer, typing variants."""
    rng = np.random.default_rng(seed)
    scale = list(AGREEMENT_SCALE)
    codes = [f"Ré{i:02d}" for i in range(n)]
    base = {
        "code_etudiant": codes,
        "session_id": [f"S{i % 6 + 1}" for i in range(n)],
        "patient_partenaire": ["Oui" if i % 6 < 3 else "non" for i in range(n)],
    }
    before = pd.DataFrame(base)
    after = pd.DataFrame(base)
    after["code_etudiant"] = [f" re-{i:02d} " for i in range(n)]  # case, accent, separator, spaces
    for item, shift in [("aise", 1), ("ecoute", 0), ("utile", 2)]:
        b = rng.integers(0, 4, n)
        a = np.clip(b + rng.integers(-1, 2, n) + (rng.random(n) < 0.4) * shift, 0, 4)
        before[item] = [scale[k] for k in b]
        after[item] = [scale[k] for k in a]
    after.loc[2, "ecoute"] = "Je ne sais pas"
    before.loc[3, "ecoute"] = "je ne sais pas "
    after.loc[4, "utile"] = None
    before = before.drop(index=[5]).reset_index(drop=True)
    after = pd.concat([after.drop(index=[6]), pd.DataFrame({
        "code_etudiant": ["ZZ99"], "session_id": ["S1"], "patient_partenaire": ["Oui"],
        "aise": [scale[4]], "ecoute": [scale[4]], "utile": [scale[4]]})], ignore_index=True)
    return before, after


@pytest.fixture(scope="module")
def pairs() -> pd.DataFrame:
    before, after = _messy_questionnaires()
    return pair_before_after(before, after, ["aise", "ecoute", "utile"])


@pytest.fixture(scope="module")
def table(pairs) -> pd.DataFrame:
    return paired_tests(pairs, n_boot=1000, seed=7)


def test_paired_tests_against_scipy_on_the_usable_pairs(pairs, table):
    scale = {lab: i + 1 for i, lab in enumerate(AGREEMENT_SCALE)}
    before, after = _messy_questionnaires()
    before["_c"] = before["code_etudiant"].str.lower().str.replace("é", "e")
    after["_c"] = after["code_etudiant"].str.strip().str.replace("-", "")
    merged = before.merge(after, on="_c", suffixes=("_b", "_a"))
    for _, row in table.iterrows():
        item = row["item"]
        b = merged[f"{item}_b"].map(scale)
        a = merged[f"{item}_a"].map(scale)
        ok = b.notna() & a.notna()
        b, a = b[ok].to_numpy(float), a[ok].to_numpy(float)
        assert row["n_paires"] == len(a)
        ref_w = stats.wilcoxon(a, b, zero_method="wilcox")
        assert row["W"] == pytest.approx(ref_w.statistic)
        assert row["p_wilcoxon"] == pytest.approx(exact_signed_rank_p_by_polynomial(a - b))
        assert row["p_t_apparie"] == pytest.approx(stats.ttest_rel(a, b).pvalue)
        d = a - b
        assert row["dz"] == pytest.approx(d.mean() / d.std(ddof=1))
        ranks = stats.rankdata(np.abs(d))  # Pratt: unchanged pairs ranked, in the denominator n(n+1)/2
        pratt = (ranks[d > 0].sum() - ranks[d < 0].sum()) / (len(d) * (len(d) + 1) / 2)
        assert row["r_rang_biserial"] == pytest.approx(pratt)
        assert row["mediane_avant"] == np.median(b) and row["mediane_apres"] == np.median(a)
        assert row["n_ameliores"] + row["n_inchanges"] + row["n_degrades"] == len(d)
        assert row["r_ic_bas"] <= row["r_rang_biserial"] <= row["r_ic_haut"]
        assert row["test_principal"] in ("Wilcoxon signé des rangs", "t de Student apparié")
    assert table["p_ajuste"].to_numpy() == pytest.approx(multipletests(table["p"], method="holm")[1])
    assert set(table["correction"]) == {"Holm sur 3 tests"}
    assert table["methode"].str.contains("Kerby 2014").all()


def test_paired_tests_counts_exclusions(table):
    by_item = table.set_index("item")
    # one student answered only before, one only after, one after-only outsider (ZZ99)
    assert (by_item["n_non_apparies"] == 3).all()
    assert by_item.loc["ecoute", "n_ne_sait_pas"] == 2
    assert by_item.loc["utile", "n_manquants"] == 1
    assert by_item.loc["aise", "n_exclus"] == 3
    assert by_item.loc["ecoute", "n_paires"] == 34 - 2


def test_primary_test_rule():
    rng = np.random.default_rng(0)
    n = 40
    df = pd.DataFrame({"item": "x", "avant": rng.integers(1, 4, n).astype(float)})
    df["apres"] = np.clip(df["avant"] + rng.integers(0, 2, n), 1, 5)
    auto = paired_tests(df, status_col=None, label_col=None, n_boot=200)
    skew = stats.skew(df["apres"] - df["avant"], bias=False)
    expected = "t de Student apparié" if abs(skew) <= 1 else "Wilcoxon signé des rangs"
    assert auto["test_principal"].iloc[0] == expected
    small = paired_tests(df.head(12), status_col=None, label_col=None, n_boot=200)
    assert small["test_principal"].iloc[0] == "Wilcoxon signé des rangs"
    assert small["p"].iloc[0] == small["p_wilcoxon"].iloc[0]
    forced = paired_tests(df.head(12), status_col=None, label_col=None, n_boot=200, primary="t")
    assert forced["p"].iloc[0] == forced["p_t_apparie"].iloc[0]


def test_bca_interval_of_paired_r_matches_the_textbook_formula():
    """BCa (Efron & Tibshirani 1993, §14.3): z0 from the replicates, acceleration from the jackknife."""
    rng = np.random.default_rng(21)
    d = rng.integers(-2, 3, size=25).astype(float)
    row = paired_tests(pd.DataFrame({"item": "x", "avant": 3.0, "apres": 3.0 + d}), status_col=None,
                       label_col=None, n_boot=2000, seed=5).iloc[0]
    assert "bootstrap BCa" in row["methode"]

    def pratt_by_hand(x):  # signed-rank sum over the rank sum of all pairs, unchanged ones included
        ranks = stats.rankdata(np.abs(x))
        return (ranks[x > 0].sum() - ranks[x < 0].sum()) / (x.size * (x.size + 1) / 2)

    def by_hand(x, axis=-1):  # same resamples as the library (same scipy call), statistic by hand
        return np.apply_along_axis(pratt_by_hand, axis, x)

    dist = stats.bootstrap((d,), by_hand, n_resamples=2000, rng=5, method="percentile", vectorized=True,
                           axis=-1, batch=200).bootstrap_distribution
    theta = pratt_by_hand(d)
    z0 = special.ndtri((np.sum(dist < theta) + np.sum(dist <= theta)) / (2 * dist.size))
    jack = np.array([pratt_by_hand(np.delete(d, i)) for i in range(d.size)])
    u = jack.mean() - jack
    a = np.sum(u**3) / (6 * np.sum(u**2) ** 1.5)
    z = special.ndtri(0.025)
    lo_q = special.ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
    hi_q = special.ndtr(z0 + (z0 - z) / (1 - a * (z0 - z)))
    lo, hi = np.quantile(dist, [lo_q, hi_q])
    assert (row["r_ic_bas"], row["r_ic_haut"]) == pytest.approx((lo, hi), rel=1e-9)


def test_bootstrap_intervals_are_deterministic_given_the_seed(pairs):
    a = paired_tests(pairs, n_boot=500, seed=3)
    b = paired_tests(pairs, n_boot=500, seed=3)
    c = paired_tests(pairs, n_boot=500, seed=4)
    cols = ["r_ic_bas", "r_ic_haut"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert not a[cols].equals(c[cols])
    arms_a = compare_arms(pairs, value_col="difference", n_boot=500, seed=3)
    arms_b = compare_arms(pairs, value_col="difference", n_boot=500, seed=3)
    pd.testing.assert_frame_equal(arms_a[cols], arms_b[cols])


def test_compare_arms_against_scipy(pairs):
    out = compare_arms(pairs, value_col="difference", n_boot=500)
    used = pairs[pairs["statut"] == "utilisée"]
    for _, row in out.iterrows():
        g = used[used["item"] == row["item"]]
        x = g.loc[g["patient_partenaire"] == "avec patient partenaire", "difference"].to_numpy(float)
        y = g.loc[g["patient_partenaire"] == "sans patient partenaire", "difference"].to_numpy(float)
        ref = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
        assert (row["n_avec"], row["n_sans"]) == (len(x), len(y))
        assert row["U"] == pytest.approx(ref.statistic)
        assert row["p_mann_whitney"] == pytest.approx(ref.pvalue)
        assert row["r_rang_biserial"] == pytest.approx(kerby_independent_by_hand(x, y))
        assert row["n_seances_avec"] == 3 and row["n_seances_sans"] == 3
    assert out["p_ajuste"].to_numpy() == pytest.approx(multipletests(out["p_mann_whitney"], method="holm")[1])
    clustered = compare_arms(pairs, value_col="difference", n_boot=300, bootstrap="seances")
    assert clustered["methode"].str.contains("séances rééchantillonnées").all()
    assert (clustered["r_rang_biserial"] == out["r_rang_biserial"]).all()


def test_compare_arms_on_post_scores_uses_after_only_students(pairs):
    post = compare_arms(pairs, value_col="apres", n_boot=200)
    diff = compare_arms(pairs, value_col="difference", n_boot=200)
    aise_post = post.set_index("item").loc["aise"]
    aise_diff = diff.set_index("item").loc["aise"]
    assert aise_post["n_avec"] + aise_post["n_sans"] == aise_diff["n_avec"] + aise_diff["n_sans"] + 2
    assert aise_post["critere"] == "score après"


def test_functions_do_not_mutate_inputs(pairs):
    before, after = _messy_questionnaires()
    b0, a0, p0 = before.copy(deep=True), after.copy(deep=True), pairs.copy(deep=True)
    pair_before_after(before, after, ["aise", "ecoute", "utile"])
    paired_tests(pairs, n_boot=200)
    compare_arms(pairs, value_col="difference", n_boot=200)
    pd.testing.assert_frame_equal(before, b0)
    pd.testing.assert_frame_equal(after, a0)
    pd.testing.assert_frame_equal(pairs, p0)


def test_bad_settings_get_french_errors(pairs):
    with pytest.raises(AreasError, match="Niveau de confiance"):
        paired_tests(pairs, confidence=95)
    with pytest.raises(AreasError, match="zero_method"):
        paired_tests(pairs, zero_method="zsplit")  # type: ignore[arg-type]
    with pytest.raises(AreasError, match="colonne absente"):
        compare_arms(pairs, value_col="changement")


def test_degenerate_effects_get_no_interval_rather_than_a_point():
    # three students improve, nobody gets worse: r = 1 but the evidence is thin
    df = pd.DataFrame({"item": "x", "avant": [2.0, 3, 3, 3, 3, 4], "apres": [3.0, 3, 3, 4, 3, 5]})
    # Pratt (default): the three unchanged students keep r at its bound 1 - 3·4/(6·7) = 5/7, interval computable
    row = paired_tests(df, status_col=None, label_col=None, n_boot=300).iloc[0]
    assert row["r_rang_biserial"] == pytest.approx(5 / 7) == row["r_max_possible"]
    assert row["r_ic_bas"] < row["r_rang_biserial"] <= row["r_ic_haut"] <= 1
    # Wilcoxon's handling drops them: r = 1 and no interval rather than a point
    row = paired_tests(df, status_col=None, label_col=None, n_boot=300, zero_method="wilcox").iloc[0]
    assert row["r_rang_biserial"] == 1.0
    assert np.isnan(row["r_ic_bas"]) and np.isnan(row["r_ic_haut"])
    assert "IC 95 % non calculable (r = ±1" in row["methode"]
    assert row["p_wilcoxon"] == pytest.approx(0.25)  # exact: 2 × (1/2)^3
    # complete separation between arms
    sep = pd.DataFrame({"item": "x", "patient_partenaire": ["Oui"] * 4 + ["Non"] * 4,
                        "difference": [2.0, 3, 2, 4, 0, 1, -1, 0]})
    arms = compare_arms(sep, value_col="difference", session_col=None, label_col=None, n_boot=300).iloc[0]
    assert arms["r_rang_biserial"] == 1.0 and np.isnan(arms["r_ic_bas"])


def test_session_change_test_is_a_t_test_on_session_means():
    rng = np.random.default_rng(12)
    sessions = np.repeat(["S1", "S2", "S3", "S4", "S5"], [3, 9, 5, 12, 4])
    d = rng.integers(-1, 3, size=sessions.size).astype(float)
    out = session_change_test(d, sessions)
    means = pd.Series(d).groupby(sessions).mean()
    ref = stats.ttest_1samp(means, 0.0)
    ci = ref.confidence_interval(0.95)
    assert out["n_seances"] == 5 and out["moyenne"] == pytest.approx(means.mean())
    assert out["p"] == pytest.approx(ref.pvalue)
    assert (out["ic_bas"], out["ic_haut"]) == pytest.approx((ci.low, ci.high))
    # the student-level t would count the 12-student session twelve times: different p
    assert out["p"] != pytest.approx(stats.ttest_1samp(d, 0.0).pvalue)
    assert np.isnan(session_change_test(d[:3], sessions[:3])["p"])  # one session: no session-level test


def test_paired_tests_never_say_net_without_sessions_and_say_it_from_the_session_test():
    rng = np.random.default_rng(3)
    rows = []
    for s in range(6):
        for _ in range(8):
            rows.append({"session_id": f"S{s}", "item": "x", "avant": 3.0,
                         "apres": 3.0 + float(rng.choice([0, 1, 1, 2]))})
    df = pd.DataFrame(rows)
    with_s = paired_tests(df, status_col=None, label_col=None, n_boot=200).iloc[0]
    assert with_s["n_seances"] == 6 and with_s["p_seances"] < 0.05 and with_s["conclusion"] == "net"
    without = paired_tests(df.drop(columns="session_id"), status_col=None, label_col=None, n_boot=200).iloc[0]
    assert without["p_ajuste"] < 0.05 and without["conclusion"] == "tendance"
    assert np.isnan(without["p_seances"])


def test_nobody_changed_gives_r_zero_and_says_why_there_is_no_interval():
    df = pd.DataFrame({"item": "x", "avant": [2.0, 3, 4, 3], "apres": [2.0, 3, 4, 3]})
    row = paired_tests(df, status_col=None, label_col=None, n_boot=200).iloc[0]
    assert row["r_rang_biserial"] == 0 and row["part_inchanges"] == 1 and row["r_max_possible"] == 0
    assert np.isnan(row["r_ic_bas"]) and "aucun étudiant n'a changé" in row["methode"]


def test_paired_r_interval_resamples_sessions_when_students_are_clustered() -> None:
    from areas_analysis.evaluate._bootstrap import bootstrap_paired

    rng = np.random.default_rng(3)
    sessions = np.repeat(np.arange(6), 8)
    shift = rng.normal(0, 1.0, size=6)[sessions]  # strong session effect (students of a session alike)
    d = np.clip(np.round(shift + rng.normal(0, 0.8, size=sessions.size)), -4, 4)
    lo_s, hi_s, how_s = bootstrap_paired(d, "pratt", n_boot=400, seed=1, confidence=0.95)
    lo_c, hi_c, how_c = bootstrap_paired(d, "pratt", n_boot=400, seed=1, confidence=0.95, clusters=sessions)
    assert "par séance" in how_c and "6 séances" in how_c and "par séance" not in how_s
    assert hi_c - lo_c > hi_s - lo_s  # the session-level interval is wider: 6 sessions, not 48 students
    assert -1 <= lo_c <= hi_c <= 1
    again = bootstrap_paired(d, "pratt", n_boot=400, seed=1, confidence=0.95, clusters=sessions)
    assert again == (lo_c, hi_c, how_c)
    few = np.repeat([0, 1], 24)  # two sessions: students resampled, and the label says why
    assert "trop peu de séances" in bootstrap_paired(d, "pratt", n_boot=400, seed=1, confidence=0.95,
                                                       clusters=few)[2]


@pytest.mark.benchmark
def test_session_bootstrap_of_r_covers_under_strong_clustering() -> None:
    """Coverage of 0 (no true change) at ICC 0.5 with 6 sessions: session bootstrap ≥ 0.90, students' < 0.85."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_dpper_calibration as bench

    from areas_analysis.evaluate._bootstrap import bootstrap_paired

    rng = np.random.default_rng(7)
    cov_s = cov_c = 0
    n = 150
    for rep in range(n):
        df = bench.simulate(rng, 6, 0.5)
        d, s = df["difference"].to_numpy(float), df["session_id"].to_numpy()
        lo, hi, _ = bootstrap_paired(d, "pratt", n_boot=400, seed=rep, confidence=0.95)
        cov_s += bool(np.isfinite(lo) and lo <= 0 <= hi)
        lo, hi, _ = bootstrap_paired(d, "pratt", n_boot=400, seed=rep, confidence=0.95, clusters=s)
        cov_c += bool(np.isfinite(lo) and lo <= 0 <= hi)
    assert cov_c / n >= 0.90 and cov_s / n < 0.85
