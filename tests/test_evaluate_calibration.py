"""Calibration of the evaluate statistics by simulation (benchmark: excluded from the default run).

Run: ``.venv/bin/pytest -m benchmark tests/test_evaluate_calibration.py -s``. Prints the measured
rates; asserts only loose bounds (Monte Carlo error with a few hundred replicates is ±2-3 points).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from areas_analysis.evaluate import arm_effect, compare_arms, paired_tests, rank_biserial_paired
from areas_analysis.evaluate.mixed import ANALYSIS_MIXED

pytestmark = pytest.mark.benchmark


def _clustered_change(rng: np.random.Generator, sessions_per_arm: int, per_session: int, sd_session: float,
                      effect: float = 0.0) -> pd.DataFrame:
    rows = []
    for s in range(2 * sessions_per_arm):
        pp = "Oui" if s % 2 == 0 else "Non"
        u = rng.normal(0, sd_session)
        for _ in range(per_session):
            d = np.clip(np.round(u + (effect if pp == "Oui" else 0) + rng.normal(0, 1)), -4, 4)
            rows.append({"session_id": f"S{s}", "patient_partenaire": pp, "item": "x", "difference": d})
    return pd.DataFrame(rows)


def test_type_one_error_student_level_vs_session_level():
    """No patient-partner effect, sessions differ: student-level test optimistic, session-level test not."""
    rng = np.random.default_rng(2026)
    reps = 300
    t0 = time.perf_counter()
    rej_mw = rej_fb = 0
    for _ in range(reps):
        df = _clustered_change(rng, 3, 8, sd_session=0.5)
        mw = compare_arms(df, value_col="difference", label_col=None, n_boot=100)
        fb = arm_effect(df, value_col="difference", label_col=None)
        rej_mw += mw["p_mann_whitney"].iloc[0] < 0.05
        rej_fb += fb["p"].iloc[0] < 0.05
    dt = time.perf_counter() - t0
    print(f"\n[3+3 séances × 8 étudiants, σ_séance = 0,5, σ = 1, {reps} répétitions, {dt:.1f} s] "
          f"erreur de type I : Mann-Whitney par étudiant {rej_mw / reps:.3f} ; "
          f"randomisation des séances (p ≥ 2/20 par construction) {rej_fb / reps:.3f}")
    assert rej_fb / reps <= 0.09
    assert rej_mw / reps > rej_fb / reps


def test_mixed_model_with_six_sessions_per_arm():
    """Type I error of the MixedLM Wald test when reported, and how often the model is refused."""
    rng = np.random.default_rng(7)
    reps = 200
    t0 = time.perf_counter()
    rej = reported = 0
    for _ in range(reps):
        df = _clustered_change(rng, 6, 8, sd_session=0.5)
        out = arm_effect(df, value_col="difference", label_col=None).iloc[0]
        if out["analyse"] == ANALYSIS_MIXED:
            reported += 1
        rej += out["p"] < 0.05
    dt = time.perf_counter() - t0
    print(f"\n[6+6 séances × 8 étudiants, σ_séance = 0,5, {reps} répétitions, {dt:.1f} s] modèle mixte rapporté "
          f"{reported / reps:.2f} du temps ; erreur de type I (randomisation des séances) {rej / reps:.3f}")
    assert rej / reps <= 0.08


@pytest.mark.parametrize("n", [15, 40])
def test_coverage_of_the_bootstrap_interval_of_paired_r(n):
    """Coverage of the bootstrap CIs (BCa, percentile) of the matched-pairs rank-biserial r on Likert changes."""
    rng = np.random.default_rng(n)
    probs = np.array([0.1, 0.2, 0.45, 0.2, 0.05])  # change -2..+2: mostly 0, slightly positive

    def draw(size):
        return rng.choice(np.arange(-2, 3), size=size, p=probs).astype(float)

    true_r = rank_biserial_paired(draw(200_000))
    reps = 300
    t0 = time.perf_counter()
    covered = {"bca": 0, "percentile": 0}
    for _ in range(reps):
        d = draw(n)
        df = pd.DataFrame({"item": "x", "avant": 3.0, "apres": 3.0 + d})
        for method in covered:
            row = paired_tests(df, status_col=None, label_col=None, n_boot=1000, ci_method=method).iloc[0]
            covered[method] += row["r_ic_bas"] <= true_r <= row["r_ic_haut"]
    dt = time.perf_counter() - t0
    print(f"\n[n = {n} paires, r vrai = {true_r:.3f}, {reps} répétitions, {dt:.1f} s] couverture de l'IC 95 % "
          f"de r : BCa {covered['bca'] / reps:.3f} ; percentile {covered['percentile'] / reps:.3f}")
    assert covered["bca"] / reps >= 0.90


def test_wilcoxon_type_one_error_with_many_zeros():
    rng = np.random.default_rng(11)
    reps = 400
    rej = {12: 0, 30: 0}
    for n in rej:
        for _ in range(reps):
            d = rng.choice(np.arange(-2, 3), size=n, p=[0.1, 0.2, 0.4, 0.2, 0.1]).astype(float)
            df = pd.DataFrame({"item": "x", "avant": 3.0, "apres": 3.0 + d})
            row = paired_tests(df, status_col=None, label_col=None, n_boot=100, primary="wilcoxon").iloc[0]
            rej[n] += row["p"] < 0.05
    print("\n[différences symétriques −2..+2, 40 % de zéros] erreur de type I du Wilcoxon : "
          + " ; ".join(f"n = {n} : {r / reps:.3f}" for n, r in rej.items()))
    assert all(r / reps <= 0.08 for r in rej.values())
