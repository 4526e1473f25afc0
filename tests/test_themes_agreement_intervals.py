"""Per-theme κ / α with bootstrap intervals, no label with too few human positives, pooled α beside the mean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from areas_analysis.themes.agreement import (
    MIN_HUMAN_POSITIVES,
    _binary_stats,
    binary_agreement_bootstrap,
    cohen_kappa,
    krippendorff_alpha_nominal,
    theme_agreement_table,
)
from areas_analysis.themes.workflow import reliability_label


def test_closed_form_matches_krippendorff_package_and_cohen():
    rng = np.random.default_rng(0)
    for _ in range(20):
        a = rng.integers(0, 2, 40)
        b = np.where(rng.random(40) < 0.8, a, 1 - a)
        k, al = _binary_stats(a, b)
        assert al[0] == pytest.approx(krippendorff_alpha_nominal(a.astype(float), b.astype(float)))
        assert k[0] == pytest.approx(cohen_kappa(a, b))


def test_bootstrap_interval_brackets_the_estimate_and_is_deterministic():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2, 80)
    b = np.where(rng.random(80) < 0.85, a, 1 - a)
    s1 = binary_agreement_bootstrap(a, b, seed=5)
    assert s1 == binary_agreement_bootstrap(a, b, seed=5)
    assert s1["kappa_ic_bas"] < s1["kappa"] < s1["kappa_ic_haut"]
    assert s1["alpha_ic_bas"] < s1["alpha"] < s1["alpha_ic_haut"]


def _codings():
    ids = [f"i{k}" for k in range(60)]
    human = pd.DataFrame({"id": ids, "theme_id": ["frequent" if k < 25 else None for k in range(60)]})
    human = pd.concat([human, pd.DataFrame({"id": ["i59"], "theme_id": ["rare"]})], ignore_index=True)
    machine = pd.DataFrame({"id": [f"i{k}" for k in range(3, 28)] + ["i59"],
                            "theme_id": ["frequent"] * 25 + ["rare"]})
    return machine, human


def test_a_theme_with_one_human_example_gets_no_reliability_label():
    machine, human = _codings()
    t = theme_agreement_table(machine, human, n_boot=200).set_index("theme_id")
    assert t.loc["rare", "kappa"] == pytest.approx(1.0)  # one example agreed on: κ = 1 ...
    assert t.loc["rare", "fiabilite"].startswith("non évaluable")  # ... and no « très bon »
    assert t.loc["rare", "n_positifs_humains"] == 1
    assert t.loc["frequent", "fiabilite"] == "bon"  # κ ≈ 0.79 on 25 positives
    assert reliability_label(1.0, MIN_HUMAN_POSITIVES - 1).startswith("non évaluable")
    assert reliability_label(1.0, MIN_HUMAN_POSITIVES) == "très bon"


def test_pooled_alpha_only_right_after_the_mean():
    machine, human = _codings()
    t = theme_agreement_table(machine, human, n_boot=200)
    mean_row = t[t["theme_id"] == "moyenne des thèmes"].iloc[0]
    pooled_row = t[t["theme_id"].str.startswith("α groupé")].iloc[0]
    pos = t.index[t["theme_id"] == "moyenne des thèmes"][0]
    assert t.index[t["theme_id"].str.startswith("α")][0] == pos + 1
    assert mean_row["alpha"] == pytest.approx(t["alpha"].iloc[:2].mean())
    assert np.isfinite(pooled_row["alpha"]) and np.isnan(pooled_row["kappa"])
    assert "α moyen des thèmes" in t.attrs["note"] and "rare" in t.attrs["note"]
