"""Logistic and ordinal models checked against by-hand estimates (numpy sandwich, scipy MLE)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, special, stats

from areas_analysis.errors import AreasError
from areas_analysis.quantify import (
    StatisticalWarning,
    brant_test,
    default_covariates,
    detectable_odds_ratio,
    likert_ordinal,
    note,
    theme_logistic,
    with_remoteness,
)

AGES = ["Moins de 45 ans", "45-74 ans", "75 ans et plus"]
SCALE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"]


@pytest.fixture(scope="module")
def matrix() -> pd.DataFrame:
    rng = np.random.default_rng(2026)
    n = 300
    age = rng.choice(AGES, n, p=[0.4, 0.4, 0.2])
    km = rng.integers(0, 30, n).astype(float)
    commune = rng.choice([f"Commune {i}" for i in range(25)], n)
    eta = -1.2 + 0.9 * (age == "45-74 ans") + 1.6 * (age == "75 ans et plus") + 0.05 * km
    y = (rng.random(n) < special.expit(eta)).astype(int)
    latent = 0.8 * (age == "75 ans et plus") - 0.04 * km + rng.logistic(size=n)
    lik = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5])
    likert = np.array(SCALE, dtype=object)[lik]
    likert[:6] = "Je ne sais pas"
    return pd.DataFrame({
        "respondent_id": [f"U{i:03d}" for i in range(n)],
        "tranche_age": pd.Categorical(age, categories=AGES, ordered=True),
        "distance_km": km,
        "commune": commune,
        "theme__transport": pd.array(y, dtype="Int8"),
        "info_fiable": pd.Categorical(likert, categories=SCALE, ordered=True),
    })


def _design(m: pd.DataFrame) -> np.ndarray:
    return np.column_stack([np.ones(len(m)), (m["tranche_age"] == AGES[1]).astype(float),
                            (m["tranche_age"] == AGES[2]).astype(float), m["distance_km"].to_numpy()])


def test_logistic_odds_ratios_match_glm_and_cluster_sandwich_by_hand(matrix):
    before = matrix.copy(deep=True)
    out = theme_logistic(matrix, "transport", ["tranche_age", "distance_km"], cluster="commune")
    pd.testing.assert_frame_equal(matrix, before)
    X = _design(matrix)
    y = matrix["theme__transport"].astype(int).to_numpy()
    glm = sm.GLM(y, X, family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(out["odds_ratio"], np.exp(glm.params[1:]), rtol=1e-5)
    # cluster-robust sandwich by hand, with the small-sample factor G/(G-1)·(N-1)/(N-K)
    p = special.expit(X @ glm.params)
    bread = np.linalg.inv(X.T @ (X * (p * (1 - p))[:, None]))
    scores = X * (y - p)[:, None]
    g = pd.factorize(matrix["commune"])[0]
    summed = np.vstack([scores[g == k].sum(axis=0) for k in range(g.max() + 1)])
    G, N, K = len(summed), len(y), X.shape[1]
    V = bread @ (summed.T @ summed) @ bread * G / (G - 1) * (N - 1) / (N - K)
    se = np.sqrt(np.diag(V))[1:]
    z = stats.norm.ppf(0.975)
    np.testing.assert_allclose(out["ic_bas"], np.exp(glm.params[1:] - z * se), rtol=1e-4)
    np.testing.assert_allclose(out["ic_haut"], np.exp(glm.params[1:] + z * se), rtol=1e-4)
    assert out["modalite"].tolist() == ["45-74 ans", "75 ans et plus", "(par unité)"]
    assert (out["reference"].iloc[:2] == "Moins de 45 ans").all()
    assert (out["n"] == 300).all() and (out["n_grappes"] == 25).all()
    assert out["erreurs_types"].str.contains("robustes par grappe").all()
    assert out["test"].iloc[0].startswith("régression logistique")
    assert out["avertissement"].eq("").all()  # 25 clusters: no warning
    assert "rapport de cotes" in note(out)


def test_logistic_warns_in_french_on_few_clusters_and_separation(matrix):
    few = matrix.assign(commune=matrix["commune"].str[-1])  # 10 clusters
    with pytest.warns(StatisticalWarning, match="grappes"):
        out = theme_logistic(few, "theme__transport", ["tranche_age"], cluster="commune")
    assert "peu fiables" in out["avertissement"].iloc[0]
    sep = matrix.copy()
    sep.loc[sep["tranche_age"] == "75 ans et plus", "theme__transport"] = 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = theme_logistic(sep, "transport", ["tranche_age"])
    messages = [str(w.message) for w in caught if issubclass(w.category, StatisticalWarning)]
    assert any("même issue" in m for m in messages) and any("Séparation" in m for m in messages)
    assert "séparation" in note(out) and "75 ans et plus" in out["avertissement"].iloc[0]
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


def test_logistic_refuses_constant_outcome(matrix):
    const = matrix.assign(theme__transport=pd.array([0] * len(matrix), dtype="Int8"))
    with pytest.raises(AreasError, match="même valeur"):
        theme_logistic(const, "transport", ["tranche_age"])


def _ordinal_mle(y_codes: np.ndarray, X: np.ndarray, n_levels: int) -> np.ndarray:
    """Proportional-odds logit MLE written from scratch: P(Y ≤ j) = expit(θ_j - xβ)."""
    k = X.shape[1]

    def nll(par):
        beta, t0, incr = par[:k], par[k], np.exp(par[k + 1:])
        theta = np.concatenate([[-np.inf], t0 + np.concatenate([[0], np.cumsum(incr)]), [np.inf]])
        xb = X @ beta
        p = special.expit(theta[y_codes + 1] - xb) - special.expit(theta[y_codes] - xb)
        return -np.sum(np.log(np.clip(p, 1e-300, None)))

    start = np.concatenate([np.zeros(k), [-1.0], np.zeros(n_levels - 2)])
    return optimize.minimize(nll, start, method="BFGS", options={"gtol": 1e-8}).x[:k]


def test_ordinal_matches_scratch_mle_and_drops_dont_know(matrix):
    out = likert_ordinal(matrix, "info_fiable", ["tranche_age", "distance_km"])
    kept = matrix[matrix["info_fiable"].astype(object) != "Je ne sais pas"]
    kept = kept[kept["info_fiable"].notna()]
    assert (out["n"] == len(kept)).all() and len(kept) == 294
    y = pd.Categorical(kept["info_fiable"].astype(str), categories=SCALE, ordered=True).codes
    beta = _ordinal_mle(y, _design(kept)[:, 1:], len(SCALE))
    np.testing.assert_allclose(np.log(out["odds_ratio"]), beta, atol=2e-4)
    assert out["test"].str.contains("ordinale").all()
    assert "cotes proportionnelles" in note(out)


def test_ordinal_cluster_and_text_scale(matrix):
    text = matrix.assign(info_fiable=matrix["info_fiable"].astype(object), commune=matrix["commune"].str[-1])
    with pytest.warns(StatisticalWarning, match="10 grappes"):
        out = likert_ordinal(text, "info_fiable", ["tranche_age"], scale=SCALE, cluster="commune")
    assert out["erreurs_types"].str.contains("grappe").all()
    with pytest.raises(Exception, match="échelle"):
        likert_ordinal(text, "info_fiable", ["tranche_age"])


def test_ordinal_all_missing_item_is_a_french_error(matrix):
    empty = matrix.assign(info_fiable=pd.Categorical([None] * len(matrix), categories=SCALE, ordered=True))
    with pytest.raises(AreasError, match="Aucune réponse exploitable"):
        likert_ordinal(empty, "info_fiable", ["tranche_age"])


# --------------------------------------------------------------------------- power, proportional odds, covariates


def test_detectable_odds_ratio_matches_statsmodels_power():
    from statsmodels.stats.power import NormalIndPower

    # one coefficient with standard error se: effect (in se units) with 80 % power at 5 % two-sided
    z = NormalIndPower().solve_power(effect_size=None, nobs1=1, alpha=0.05, power=0.8, ratio=0)
    for se in (0.1, 0.35, 1.2):  # statsmodels also counts the far tail (≈ 1e-6 on z): same to 1e-5
        assert detectable_odds_ratio(se) == pytest.approx(np.exp(z * se), rel=1e-5)
    assert detectable_odds_ratio(0.35) != pytest.approx(np.exp(1.96 * 0.35), rel=1e-3)  # not the CI half-width


def test_logistic_states_its_power_and_never_reads_a_null_as_no_effect(matrix):
    out = theme_logistic(matrix, "transport", ["tranche_age", "distance_km"], cluster="commune")
    X = _design(matrix)
    y = matrix["theme__transport"].astype(int).to_numpy()
    ref = sm.Logit(y, X).fit(disp=0, cov_type="cluster",
                             cov_kwds={"groups": pd.factorize(matrix["commune"])[0]})
    np.testing.assert_allclose(out["or_detectable"], detectable_odds_ratio(ref.bse[1:]), rtol=1e-5)
    text = note(out)
    assert "Puissance" in text and "non concluant" in text and "pas « pas d'effet »" in text
    assert "Modèle : logit P(thème)" in text
    for _, row in out.iterrows():
        assert row["lecture"].startswith("association" if row["p_value"] < 0.05 else "non concluant")
        assert "pas d'effet" not in row["lecture"]


def _violated(seed: int = 5, n: int = 600) -> pd.DataFrame:
    """Cumulative logits whose age effect reverses across cuts: OR 3.2 at the lowest, 0.34 at the highest."""
    rng = np.random.default_rng(seed)
    old = rng.random(n) < 0.4
    theta = np.array([2.5, 1.0, -0.5, -2.0])
    beta = np.log([3.2, 1.5, 0.7, 0.34])
    p_above = special.expit(theta[None, :] + np.outer(old, beta))  # P(Y > j), decreasing in j
    u = rng.random(n)
    level = (u[:, None] < p_above).sum(axis=1)
    return pd.DataFrame({"age": pd.Categorical(np.where(old, "75 ans et plus", "Moins de 75 ans"),
                                               categories=["Moins de 75 ans", "75 ans et plus"], ordered=True),
                         "reponse": pd.Categorical(np.array(SCALE, dtype=object)[level], categories=SCALE,
                                                   ordered=True)})


def test_brant_test_blocks_and_cut_odds_ratios_match_statsmodels(matrix):
    df = matrix[matrix["info_fiable"].notna() & (matrix["info_fiable"] != "Je ne sais pas")]
    codes = pd.Categorical(df["info_fiable"].astype(str), categories=SCALE, ordered=True).codes
    X = pd.DataFrame(_design(df)[:, 1:], columns=["age45", "age75", "km"])
    res = brant_test(codes, X, ["age", "age", "km"])
    assert res is not None and res["cuts"] == [0, 1, 2, 3]
    for row, j in zip(res["par_seuil"].itertuples(index=False), res["cuts"], strict=True):
        fit = sm.Logit((codes > j).astype(float), sm.add_constant(X.to_numpy())).fit(disp=0)
        np.testing.assert_allclose(row[1:], np.exp(fit.params[1:]), rtol=1e-4)
    # data generated with proportional odds: not rejected; df = 3 slopes × 3 differences
    assert res["df"] == 9 and res["p"] > 0.05
    assert list(res["par_variable"]["ddl"]) == [6, 3]


def test_ordinal_falls_back_to_binary_when_proportional_odds_fail():
    df = _violated()
    res = brant_test(pd.Categorical(df["reponse"]).codes,
                     pd.DataFrame({"age": (df["age"] == "75 ans et plus").astype(float)}))
    assert res["p"] < 0.001
    ors = res["par_seuil"]["age"].to_numpy()
    assert ors[0] > 2 and ors[-1] < 0.5  # the reversal the single ordinal OR would hide
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = likert_ordinal(df, "reponse", ["age"])
    assert out["test"].iloc[0].startswith("régression logistique binaire (repli")
    assert "cotes proportionnelles est rejetée" in note(out)
    assert any("test de Brant" in str(w.message) for w in caught if issubclass(w.category, StatisticalWarning))
    # the fallback's OR is statsmodels' Logit at the most balanced cut
    codes = pd.Categorical(df["reponse"]).codes
    cut = min(range(4), key=lambda j: abs((codes > j).mean() - 0.5))
    ref = sm.Logit((codes > cut).astype(float),
                   sm.add_constant((df["age"] == "75 ans et plus").astype(float).to_numpy())).fit(disp=0)
    assert out["odds_ratio"].iloc[0] == pytest.approx(np.exp(ref.params[1]), rel=1e-5)
    assert out["p_cotes_proportionnelles"].iloc[0] < 0.001
    assert "cotes_par_seuil" in out.attrs
    # reversed choice: assuming proportional odds keeps the (misleading) single ordinal OR
    kept = likert_ordinal(df, "reponse", ["age"], proportional_odds="assume")
    assert kept["test"].iloc[0].startswith("régression logistique ordinale")
    assert "supposée, non vérifiée" in note(kept)


def test_ordinal_keeps_the_ordinal_model_when_proportional_odds_hold(matrix):
    out = likert_ordinal(matrix, "info_fiable", ["tranche_age", "distance_km"])
    assert out["test"].iloc[0].startswith("régression logistique ordinale")
    assert "compatible avec les données (test de Brant" in note(out)
    assert out["p_cotes_proportionnelles"].notna().all() and "or_detectable" in out


def test_default_covariates_come_from_the_dictionary_and_remoteness_from_the_commune():
    from pathlib import Path

    from areas_analysis.ingest import load_dictionary

    root = Path(__file__).resolve().parents[1]
    dico = load_dictionary(root / "data/sample/questionnaires/usagers_dictionnaire.yaml")
    assert default_covariates(dico) == ["tranche_age", "statut", "maladie_chronique", "eloignement"]
    assert default_covariates(dico, remoteness=False) == ["tranche_age", "statut", "maladie_chronique"]
    frame = pd.DataFrame({"commune": ["Paimpont", "Montfort-sur-Meu", "Bédée", "Rennes", None]})
    out = with_remoteness(frame)
    assert "eloignement" not in frame
    assert out["eloignement"].astype(object).tolist()[:3] == ["rural isolé", "bourg-centre", "périurbain"]
    assert out["eloignement"].isna().tolist()[3:] == [True, True]
    assert out["eloignement"].cat.ordered
