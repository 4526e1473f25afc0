"""Quantify statistics checked against scipy/statsmodels called directly and published values."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from areas_analysis.errors import InputError
from areas_analysis.quantify import (
    adjusted_residuals,
    association_residuals,
    cramers_v,
    freeman_halton_2xk,
    newcombe_interval,
    note,
    theme_associations,
    wilson_interval,
)

# Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Table 2.5 / 2.6:
# party identification by gender (GSS). Published: X² = 30.07 (df 2), adjusted residuals
# females 4.50, 0.70, -5.32; males -4.50, -0.70, 5.32.
AGRESTI = np.array([[762, 327, 468], [484, 239, 477]])


# --------------------------------------------------------------------------- intervals


@pytest.mark.parametrize(("count", "n"), [(0, 1), (1, 1), (3, 10), (0, 25), (25, 25), (112, 212), (1, 3)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(count, n, confidence):
    low, high = wilson_interval(count, n, confidence)
    ref = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    assert float(low) == pytest.approx(ref[0], abs=1e-12)
    assert float(high) == pytest.approx(ref[1], abs=1e-12)


def test_wilson_empty_group_is_nan():
    low, high = wilson_interval(np.array([0, 2]), np.array([0, 4]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert low[1] == pytest.approx(proportion_confint(2, 4, method="wilson")[0])


# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score).
@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0),
        (10, 10, 0, 10, 0.6075, 1.0),
    ],
)
def test_newcombe_published_values(x1, n1, x2, n2, low, high):
    lo, hi = newcombe_interval(x1, n1, x2, n2)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)
    ref = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert (lo, hi) == pytest.approx((float(ref[0]), float(ref[1])), abs=1e-9)


# --------------------------------------------------------------------------- association building blocks


def test_agresti_residuals_and_cramers_v():
    res = adjusted_residuals(AGRESTI)
    np.testing.assert_allclose(res.round(2), [[4.50, 0.70, -5.32], [-4.50, -0.70, 5.32]])
    chi2 = stats.chi2_contingency(AGRESTI, correction=False).statistic
    assert chi2 == pytest.approx(30.07, abs=0.005)
    v = cramers_v(AGRESTI)
    assert v == pytest.approx(math.sqrt(30.0701 / AGRESTI.sum()), abs=1e-4)
    assert v == pytest.approx(stats.contingency.association(AGRESTI, method="cramer"))


def test_bias_corrected_cramers_v_by_hand():
    t = np.array([[8, 2, 5], [3, 9, 4]])
    n, r, c = t.sum(), 2, 3
    phi2 = stats.chi2_contingency(t, correction=False).statistic / n
    phi2p = max(0, phi2 - (r - 1) * (c - 1) / (n - 1))
    rt, ct = r - (r - 1) ** 2 / (n - 1), c - (c - 1) ** 2 / (n - 1)
    assert cramers_v(t, bias_corrected=True) == pytest.approx(math.sqrt(phi2p / min(rt - 1, ct - 1)))
    assert cramers_v(t, bias_corrected=True) < cramers_v(t)
    # independence in the sample: corrected V is 0, not a small positive bias
    assert cramers_v(np.array([[10, 10], [10, 10]]), bias_corrected=True) == 0.0


@pytest.mark.parametrize("table", [[[3, 1], [1, 3]], [[10, 2], [3, 15]], [[0, 5], [6, 1]], [[1, 9], [11, 3]],
                                   [[7, 0], [0, 7]]])
def test_freeman_halton_equals_fisher_on_2x2(table):
    assert freeman_halton_2xk(np.array(table)) == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9)


def _brute_force_ffh(table: np.ndarray) -> float:
    """Fisher–Freeman–Halton by brute force with scipy's multivariate hypergeometric pmf."""
    cols = table.sum(axis=0)
    r1 = int(table[0].sum())
    dist = stats.multivariate_hypergeom(m=cols, n=r1)
    p_obs = dist.pmf(table[0])
    total = 0.0
    for x in itertools.product(*[range(int(c) + 1) for c in cols]):
        if sum(x) == r1:
            p = dist.pmf(np.array(x))
            if p <= p_obs * (1 + 1e-7):
                total += p
    return total


@pytest.mark.parametrize("table", [[[3, 1, 0, 2], [2, 5, 6, 1]], [[0, 4, 1], [5, 1, 3]], [[2, 2, 2], [1, 7, 0]]])
def test_freeman_halton_2xk_against_brute_force(table):
    t = np.array(table)
    assert freeman_halton_2xk(t) == pytest.approx(_brute_force_ffh(t), rel=1e-9)


def test_freeman_halton_gives_up_beyond_limit():
    assert freeman_halton_2xk(np.array([[10, 10, 10], [10, 10, 10]]), max_tables=5) is None


# --------------------------------------------------------------------------- theme_associations


def _matrix_from_table(table: dict[str, tuple[int, int]], theme: str = "theme__acces", var: str = "age",
                       ordered: list[str] | None = None) -> pd.DataFrame:
    """Rows of respondents reproducing {category: (raised, not raised)}."""
    rows = []
    for cat, (yes, no) in table.items():
        rows += [{theme: 1, var: cat}] * yes + [{theme: 0, var: cat}] * no
    df = pd.DataFrame(rows)
    df.insert(0, "respondent_id", [f"R{i}" for i in range(len(df))])
    df[theme] = df[theme].astype("Int8")
    if ordered:
        df[var] = pd.Categorical(df[var], categories=ordered, ordered=True)
    return df


def test_large_2x2_uses_pearson_chi2_without_correction():
    m = _matrix_from_table({"oui": (30, 20), "non": (15, 35)}, var="cout")
    row = theme_associations(m, None, "cout").iloc[0]
    ref = stats.chi2_contingency([[30, 15], [20, 35]], correction=False)
    assert row["test"] == "χ² de Pearson"
    assert "≥ 5" in row["raison"]
    assert row["p_value"] == pytest.approx(ref.pvalue)
    assert row["chi2"] == pytest.approx(ref.statistic)
    assert row["n"] == 100 and row["n_cites"] == 45


def test_small_2x2_switches_to_fisher():
    m = _matrix_from_table({"oui": (4, 1), "non": (1, 6)}, var="cout")
    row = theme_associations(m, "acces", "cout").iloc[0]
    assert row["test"] == "test exact de Fisher"
    assert "effectif attendu < 5" in row["raison"]
    assert row["p_value"] == pytest.approx(stats.fisher_exact([[4, 1], [1, 6]]).pvalue)


def test_2xk_cochran_rule_and_exact_switch():
    ages = ["<30", "30-59", "60+"]
    big = _matrix_from_table({"<30": (20, 30), "30-59": (25, 25), "60+": (40, 10)}, ordered=ages)
    row = theme_associations(big, None, "age").iloc[0]
    assert row["test"] == "χ² de Pearson" and "Cochran" in row["raison"]
    ref = stats.chi2_contingency([[20, 25, 40], [30, 25, 10]], correction=False)
    assert row["p_value"] == pytest.approx(ref.pvalue)
    assert row["ddl"] == 2
    small = _matrix_from_table({"<30": (0, 5), "30-59": (4, 1), "60+": (1, 3)}, ordered=ages)
    row = theme_associations(small, None, "age").iloc[0]
    assert row["test"] == "test exact de Fisher–Freeman–Halton"
    assert "non respectée" in row["raison"]
    assert row["p_value"] == pytest.approx(_brute_force_ffh(np.array([[0, 4, 1], [5, 1, 3]])), rel=1e-9)


def test_monte_carlo_fallback_is_seeded_and_matches_scipy():
    m = _matrix_from_table({"a": (0, 5), "b": (4, 1), "c": (1, 3)})
    row = theme_associations(m, None, "age", max_exact_tables=1, n_resamples=2000, seed=7).iloc[0]
    assert "Monte-Carlo" in row["test"] and "graine 7" in row["raison"]
    ref = stats.fisher_exact(np.array([[0, 4, 1], [5, 1, 3]]),
                             method=stats.MonteCarloMethod(n_resamples=2000, rng=np.random.default_rng(7)))
    assert row["p_value"] == ref.pvalue
    again = theme_associations(m, None, "age", max_exact_tables=1, n_resamples=2000, seed=7).iloc[0]
    assert again["p_value"] == row["p_value"]


def test_bh_across_all_tests_and_untestable_pairs():
    rng = np.random.default_rng(3)
    n = 90
    m = pd.DataFrame({
        "respondent_id": range(n),
        "theme__a": rng.integers(0, 2, n), "theme__b": rng.integers(0, 2, n),
        "theme__jamais": np.zeros(n, dtype=int),
        "commune": rng.choice(["Iffendic", "Paimpont", "Montfort-sur-Meu"], n),
        "cout": rng.integers(0, 2, n),
        "seule": ["x"] * n,
    })
    m.loc[m["commune"] == "Paimpont", "theme__a"] = 1  # a real association
    out = theme_associations(m, None, ["commune", "cout", "seule"])
    assert len(out) == 9
    tested = out[out["p_value"].notna()]
    assert len(tested) == 4
    np.testing.assert_allclose(tested["p_ajuste_bh"], multipletests(tested["p_value"], method="fdr_bh")[1])
    never = out[out["theme_id"] == "jamais"]
    assert (never["test"] == "aucun test").all()
    assert never["raison"].str.contains("personne").all()
    seule = out[(out["variable"] == "seule") & (out["theme_id"] != "jamais")]
    assert seule["raison"].str.contains("une seule modalité").all()
    assert out.loc[(out["theme_id"] == "a") & (out["variable"] == "commune"), "significatif"].item()
    assert "Benjamini–Hochberg" in note(out)


def test_residuals_long_table_matches_agresti():
    m = _matrix_from_table({"Démocrate": (762, 484), "Indépendant": (327, 239), "Républicain": (468, 477)},
                           theme="theme__femme", var="parti")
    long = association_residuals(m, None, "parti")
    got = long[long["cite"] == "oui"].set_index("modalite")["residu_ajuste"]
    assert got.round(2).to_dict() == {"Démocrate": 4.50, "Indépendant": 0.70, "Républicain": -5.32}
    row = theme_associations(m, None, "parti").iloc[0]
    assert row["modalite_surrepresentee"] == "Démocrate"
    assert "Démocrate : +4,5" in row["residus"]


def test_missing_values_dropped_pairwise_and_input_untouched():
    m = _matrix_from_table({"oui": (30, 20), "non": (15, 35)}, var="cout")
    m.loc[[0, 1], "cout"] = np.nan
    m.loc[[50], "theme__acces"] = pd.NA
    before = m.copy(deep=True)
    row = theme_associations(m, None, "cout").iloc[0]
    assert row["n"] == 97
    pd.testing.assert_frame_equal(m, before)


def test_bad_inputs_are_french_errors():
    m = _matrix_from_table({"oui": (3, 2), "non": (1, 3)}, var="cout")
    with pytest.raises(InputError, match="absente"):
        theme_associations(m, None, "inconnue")
    with pytest.raises(InputError, match="thème absent"):
        theme_associations(m, "transport", "cout")
    m2 = m.assign(theme__acces=m["theme__acces"].astype(int) * 2)
    with pytest.raises(InputError, match="0/1"):
        theme_associations(m2, None, "cout")
    m3 = m.assign(distance=np.linspace(0, 50, len(m)))
    with pytest.raises(InputError, match="pd.cut"):
        theme_associations(m3, None, "distance")
