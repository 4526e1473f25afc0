"""Corrected prevalence (PPI / regression estimator): hand computation, ppi_py, coverage, table behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import ppi_py
import pytest

from areas_analysis.quantify.corrected import (
    METHOD_CORRECTED,
    METHOD_UNCORRECTED,
    corrected_prevalence,
    regression_estimate,
    stratified_estimate,
    suggest_sample_size,
)

# small case: 6 human-coded texts, 6 others
Y = np.array([1, 0, 1, 0, 0, 1], dtype=float)
F_LAB = np.array([1, 0, 0, 1, 0, 1], dtype=float)
F_UNL = np.array([1, 1, 0, 0, 1, 0], dtype=float)


def test_difference_estimator_matches_hand_computation():
    res = regression_estimate(Y, F_LAB, F_UNL, tuning="difference")
    # λ = 1: total = ΣY (3) + Σf_unl (3) + 6 × mean(Y − f) (0) = 6 → 6/12
    assert res["estimate"] == pytest.approx(0.5)
    # d = Y − f = (0,0,1,−1,0,0): S² = 2/5 (n − 1 divisor); Var = (2/5)/6 × (1 − 6/12)
    assert res["se"] == pytest.approx(np.sqrt((2 / 5) / 6 * 0.5))
    assert res["lam"] == 1.0


def test_tuned_lambda_is_the_regression_slope():
    res = regression_estimate(Y, F_LAB, F_UNL)
    cov = np.mean((Y - Y.mean()) * (F_LAB - F_LAB.mean()))
    assert res["lam"] == pytest.approx(cov / np.var(F_LAB))  # 1/3 here, inside [0, 1]
    d = Y - res["lam"] * F_LAB
    assert res["estimate"] == pytest.approx((Y.sum() + res["lam"] * F_UNL.sum() + 6 * d.mean()) / 12)


@pytest.mark.parametrize("lam", [1.0, 0.4, None])
def test_super_population_mode_matches_ppi_py(lam):
    rng = np.random.default_rng(3)
    y = rng.binomial(1, 0.3, 80).astype(float)
    f_lab = np.where(rng.random(80) < 0.8, y, 1 - y)
    f_unl = rng.binomial(1, 0.35, 400).astype(float)
    ours = regression_estimate(y, f_lab, f_unl, tuning="puissance" if lam is None else lam,
                               finite_population=False)
    lo, hi = ppi_py.ppi_mean_ci(y, f_lab, f_unl, alpha=0.05, lam=lam)
    point = ppi_py.ppi_mean_pointestimate(y, f_lab, f_unl, lam=1 if lam is None else lam)
    if lam is not None:
        assert ours["estimate"] == pytest.approx(float(np.ravel(point)[0]))
    assert ours["low"] == pytest.approx(float(np.ravel(lo)[0]), abs=1e-9)
    assert ours["high"] == pytest.approx(float(np.ravel(hi)[0]), abs=1e-9)


def test_zero_disagreement_still_gives_an_interval():
    y = np.zeros(30)
    res = regression_estimate(y, y, np.zeros(70))
    assert res["estimate"] == 0.0
    assert res["low"] == 0.0 and res["high"] > 0.0  # variance floor: no zero-width interval


def test_stratified_combines_by_stratum_size():
    a = (Y, F_LAB, F_UNL)
    b = (np.ones(4), np.ones(4), np.ones(4))
    comb = stratified_estimate([a, b], tuning="difference")
    ra = regression_estimate(*a, tuning="difference")
    rb = regression_estimate(*b, tuning="difference")
    assert comb["estimate"] == pytest.approx((12 * ra["estimate"] + 8 * rb["estimate"]) / 20)
    assert comb["se"] == pytest.approx(np.sqrt((12 / 20) ** 2 * ra["se"] ** 2 + (8 / 20) ** 2 * rb["se"] ** 2))


def test_coverage_by_simulation_with_a_biased_machine():
    """95 % intervals cover the human-coded share ≥ 93 % of the time; the raw machine share does not."""
    rng = np.random.default_rng(12)
    big_n, n, hits, raw_hits, runs = 600, 120, 0, 0, 400
    for _ in range(runs):
        truth = rng.binomial(1, 0.05, big_n)
        # machine over-codes: 60 % recall, 8 % false positives (inflates a 5 % theme ~2.5×)
        f = np.where(truth == 1, rng.random(big_n) < 0.6, rng.random(big_n) < 0.08).astype(float)
        lab = np.zeros(big_n, dtype=bool)
        lab[rng.choice(big_n, n, replace=False)] = True
        res = regression_estimate(truth[lab], f[lab], f[~lab])
        p = truth.mean()
        hits += res["low"] <= p <= res["high"]
        raw_hits += abs(f.mean() - p) < 0.02
    assert hits / runs >= 0.93
    assert raw_hits / runs < 0.2


def _units():
    return pd.DataFrame({"id": [f"s{i}" for i in range(12)], "commune": ["A"] * 6 + ["B"] * 6})


def test_table_without_gold_is_labelled_uncorrected_with_no_interval():
    machine = pd.DataFrame({"id": ["s0", "s1", "s7"], "theme_id": ["t", "t", "t"]})
    out = corrected_prevalence(_units(), machine, None, "commune")
    assert out["methode"].eq(METHOD_UNCORRECTED).all()
    assert out["ic_bas"].isna().all() and out["ic_haut"].isna().all()
    assert out.set_index("commune")["proportion"].to_dict() == pytest.approx({"A": 2 / 6, "B": 1 / 6})
    assert "non corrigés" in out.attrs["note"]


def test_table_with_gold_corrects_and_empty_theme_means_no_theme():
    units = _units()
    machine = pd.DataFrame({"id": [f"s{i}" for i in range(12)], "theme_id": ["t"] * 12})  # machine says all
    gold = pd.DataFrame({"id": ["s0", "s1", "s2", "s6", "s7", "s8"], "theme_id": ["t", None, None, "t", "t", ""]})
    out = corrected_prevalence(units, machine, gold, "commune", themes=["t"], tuning="difference")
    a = out.set_index("commune").loc["A"]
    assert a["methode"] == METHOD_CORRECTED and a["n_valides"] == 3
    # A: ΣY = 1, Σf_unl = 3, rectifier mean (1−1, 0−1, 0−1)/3 = −2/3 × 3 others → (1 + 3 − 2) / 6
    assert a["proportion"] == pytest.approx(2 / 6)
    assert a["proportion_machine"] == 1.0
    assert 0 <= a["ic_bas"] <= a["proportion"] <= a["ic_haut"] <= 1


def test_respondent_level_needs_all_answers_coded():
    units = pd.DataFrame({"id": ["r1:a", "r1:b", "r2:a", "r2:b", "r3:a", "r4:a"],
                          "respondent_id": ["r1", "r1", "r2", "r2", "r3", "r4"]})
    machine = pd.DataFrame({"id": ["r1:b", "r3:a"], "theme_id": ["t", "t"]})
    gold = pd.DataFrame({"id": ["r1:a", "r1:b", "r2:a", "r3:a"], "theme_id": [None, "t", None, "t"]})
    out = corrected_prevalence(units, machine, gold, count_col="respondent_id", themes=["t"])
    row = out.iloc[0]
    assert row["n"] == 4
    assert row["n_valides"] == 2  # r1 (both answers) and r3; r2 has one uncoded answer
    assert row["proportion_machine"] == pytest.approx(0.5)


def test_unknown_gold_ids_are_refused_in_french():
    with pytest.raises(Exception, match="absent"):
        corrected_prevalence(_units(), pd.DataFrame({"id": [], "theme_id": []}),
                             pd.DataFrame({"id": ["zz"], "theme_id": ["t"]}))


def test_sample_size_suggestion():
    # classical n = 1.96² × 0.25 / 0.05² ≈ 385, fpc with N = 1000 → 278
    assert suggest_sample_size(0.5, 0.05) == 385
    assert suggest_sample_size([0.1, 0.5], 0.05, population=1000) == 278
    assert suggest_sample_size(0.5, 0.05, agreement_r2=0.5) < 200


def test_human_only_interval_is_wilson_with_the_finite_population_correction():
    from areas_analysis.quantify import wilson_interval

    y = np.r_[np.ones(3), np.zeros(47)]
    res = regression_estimate(y, np.zeros(50), np.zeros(10**6), tuning="humain")
    lo, hi = wilson_interval(3, 50)
    assert res["high"] == pytest.approx(float(hi), abs=1e-4)  # the normal interval would be shorter above
    assert res["low"] <= float(lo)  # union with the normal interval: never shorter below
    none = regression_estimate(np.zeros(50), np.zeros(50), np.zeros(10**6), tuning="humain")
    assert none["high"] == pytest.approx(float(wilson_interval(0, 50)[1]), abs=1e-4)
