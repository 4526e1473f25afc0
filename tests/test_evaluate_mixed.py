"""Session-aware patient-partner effect: MixedLM against statsmodels, honest fallback with few sessions."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.multitest import multipletests

from areas_analysis.errors import AreasError
from areas_analysis.evaluate import arm_effect, session_randomisation_test
from areas_analysis.evaluate.mixed import ANALYSIS_FALLBACK, ANALYSIS_MIXED, ANALYSIS_NONE


def clustered(n_sessions_per_arm: int, per_session: int = 8, seed: int = 0, effect: float = 1.0,
              sd_session: float = 0.8) -> pd.DataFrame:
    """Two items, students nested in sessions, a session random intercept, arm effect on item a."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(2 * n_sessions_per_arm):
        pp = "Oui" if s % 2 == 0 else "Non"
        u = rng.normal(0, sd_session)
        size = per_session + int(rng.integers(-2, 3))
        for k in range(size):
            pre = rng.normal(3, 1)
            for item, eff in (("a", effect), ("b", 0.0)):
                post = pre + u + (eff if pp == "Oui" else 0.0) + rng.normal(0, 1)
                rows.append({"code_etudiant": f"s{s}k{k}", "session_id": f"S{s:02d}", "patient_partenaire": pp,
                             "item": item, "libelle": f"Item {item}", "avant": pre, "apres": post,
                             "difference": post - pre})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def many() -> pd.DataFrame:
    return clustered(6, seed=1)


def test_mixed_model_coefficient_matches_statsmodels_called_directly(many):
    out = arm_effect(many, value_col="difference")
    assert (out["analyse"] == ANALYSIS_MIXED).all()
    for _, row in out.iterrows():
        g = many[many["item"] == row["item"]].copy()
        g["pp"] = (g["patient_partenaire"] == "Oui").astype(float)
        ref = smf.mixedlm("difference ~ pp", g, groups=g["session_id"]).fit(reml=True)
        b, se = ref.params["pp"], ref.bse["pp"]
        df = g["session_id"].nunique() - 2  # between-within degrees of freedom
        q = stats.t.ppf(0.975, df)
        assert row["effet"] == pytest.approx(b, rel=1e-6)
        assert row["ic_bas"] == pytest.approx(b - q * se, rel=1e-6)
        assert row["ic_haut"] == pytest.approx(b + q * se, rel=1e-6)
        assert row["p_modele"] == pytest.approx(2 * stats.t.sf(abs(b / se), df), rel=1e-6)
        assert row["p_modele"] > ref.pvalues["pp"]  # more conservative than statsmodels' Wald z
        # headline p: exact randomisation over the C(12, 6) = 924 assignments of sessions
        assert row["n_assignations"] == 924 and row["p_min_possible"] == pytest.approx(2 / 924)
        var_re = float(ref.cov_re.iloc[0, 0])
        assert row["variance_seances"] == pytest.approx(var_re, rel=1e-6)
        assert row["icc"] == pytest.approx(var_re / (var_re + ref.scale), rel=1e-6)
        assert row["n_etudiants"] == len(g)
        assert (row["n_seances_avec"], row["n_seances_sans"]) == (6, 6)
    assert out["p_ajuste"].to_numpy() == pytest.approx(multipletests(out["p"], method="holm")[1])
    assert out["methode"].str.contains("intercept aléatoire par séance").all()
    assert out["methode"].str.contains("loi t à 10 ddl").all()
    # the simulated effect (1 point on item a) is recovered within 3 standard errors
    a = out.set_index("item").loc["a"]
    se = (a["ic_haut"] - a["ic_bas"]) / (2 * 1.959964)
    assert abs(a["effet"] - 1.0) < 3 * se


def test_post_score_adjusted_for_pre_matches_statsmodels(many):
    out = arm_effect(many, value_col="apres", adjust_cols="avant")
    row = out.set_index("item").loc["a"]
    assert row["analyse"] == ANALYSIS_MIXED
    assert row["critere"] == "score après"
    g = many[many["item"] == "a"].copy()
    g["pp"] = (g["patient_partenaire"] == "Oui").astype(float)
    ref = smf.mixedlm("apres ~ pp + avant", g, groups=g["session_id"]).fit(reml=True)
    assert row["effet"] == pytest.approx(ref.params["pp"], rel=1e-6)
    assert "ajusté sur avant" in row["methode"]


def test_too_few_sessions_says_so_in_french_and_compares_session_means():
    few = clustered(3, seed=2)
    out = arm_effect(few, value_col="difference")
    assert (out["analyse"] == ANALYSIS_FALLBACK).all()
    msg = out["message"].iloc[0]
    assert "Modèle mixte non rapporté" in msg
    assert "trop peu de séances" in msg and "3 séances avec et 3 séances sans" in msg
    assert out["variance_seances"].isna().all()  # no model, no variance reported
    for _, row in out.iterrows():
        g = few[few["item"] == row["item"]]
        means = g.groupby("session_id").agg(y=("difference", "mean"), pp=("patient_partenaire", "first"))
        x, y = means.loc[means["pp"] == "Oui", "y"], means.loc[means["pp"] == "Non", "y"]
        ref = stats.ttest_ind(x, y, equal_var=True)
        ci = ref.confidence_interval(0.95)
        assert row["effet"] == pytest.approx(x.mean() - y.mean())
        assert row["p_modele"] == pytest.approx(ref.pvalue)
        # headline p: the 20 ways of choosing which 3 of the 6 sessions had a partner, enumerated by hand
        vals, arm = means["y"].to_numpy(), (means["pp"] == "Oui").to_numpy()
        obs = abs(vals[arm].mean() - vals[~arm].mean())
        diffs = [abs(vals[list(c)].mean() - np.delete(vals, list(c)).mean())
                 for c in itertools.combinations(range(6), 3)]
        assert len(diffs) == 20
        assert row["p"] == pytest.approx(np.mean(np.array(diffs) >= obs - 1e-12))
        assert row["p"] >= 2 / 20 and row["p_min_possible"] == pytest.approx(2 / 20)
        assert row["n_assignations"] == 20
        assert (row["ic_bas"], row["ic_haut"]) == pytest.approx((ci.low, ci.high))
    assert "moyennes par séance" in out.attrs["note"]


def test_singular_or_failed_fit_is_not_reported():
    # no session effect at all: statsmodels puts the session variance on the boundary (≈ 0)
    rng = np.random.default_rng(4)
    rows = [{"session_id": f"S{s}", "patient_partenaire": "Oui" if s < 5 else "Non", "item": "x",
             "difference": rng.normal(0, 1) + (0.5 if s < 5 else 0.0)} for s in range(10) for _ in range(8)]
    df = pd.DataFrame(rows)
    out = arm_effect(df, value_col="difference", label_col=None)
    row = out.iloc[0]
    assert row["analyse"] == ANALYSIS_FALLBACK
    assert "modèle singulier" in row["message"] or "n'a pas convergé" in row["message"]
    means = df.groupby("session_id").agg(y=("difference", "mean"), pp=("patient_partenaire", "first"))
    assert row["effet"] == pytest.approx(means.loc[means["pp"] == "Oui", "y"].mean()
                                         - means.loc[means["pp"] == "Non", "y"].mean())


def test_identical_session_means_give_no_interval():
    rows = []
    for s in range(10):
        pp = "Oui" if s < 5 else "Non"
        for v in [0.0, 1.0, 2.0, 1.0, 3.0, -1.0]:
            rows.append({"session_id": f"S{s}", "patient_partenaire": pp, "item": "x",
                         "difference": v + (0.5 if pp == "Oui" else 0.0)})
    row = arm_effect(pd.DataFrame(rows), value_col="difference", label_col=None).iloc[0]
    assert row["analyse"] == ANALYSIS_NONE
    assert "dispersion nulle" in row["message"]
    assert np.isnan(row["ic_bas"]) and np.isnan(row["p_modele"])
    # the randomisation test needs no dispersion: the 5 "with" sessions are the 5 highest of 10 → 2 / C(10, 5)
    assert row["p"] == pytest.approx(2 / 252) == row["p_min_possible"]


def test_one_arm_without_sessions_is_not_estimable():
    df = clustered(3, seed=3)
    df = df[df["patient_partenaire"] == "Oui"]
    out = arm_effect(df, value_col="difference")
    assert (out["analyse"] == ANALYSIS_NONE).all()
    assert out["effet"].isna().all() and out["p"].isna().all()
    assert out["message"].str.contains("non estimable").all()


def test_ecos_station_scores_with_a_tiny_session_and_missing_scores():
    rng = np.random.default_rng(8)
    rows = []
    sizes = {"E1": 9, "E2": 10, "E3": 2, "E4": 11}
    for s, size in sizes.items():
        pp = "Oui" if s in ("E1", "E3") else "Non"
        for k in range(size):
            for st in ("station_1", "station_2"):
                score = float(np.clip(round(rng.normal(12, 2) * 2) / 2, 0, 20))
                rows.append({"code_etudiant": f"{s}{k}", "session_id": s, "patient_partenaire": pp,
                             "station": st, "score": np.nan if (k == 0 and st == "station_2") else score})
    scores = pd.DataFrame(rows)
    out = arm_effect(scores, value_col="score", item_col="station", label_col=None)
    st2 = out.set_index("item").loc["station_2"]
    assert st2["n_exclus"] == 4  # first student of each session has no station 2 score
    assert st2["n_etudiants"] == sum(sizes.values()) - 4
    assert (out["analyse"] == ANALYSIS_FALLBACK).all()
    assert "2 séances avec et 2 séances sans" in st2["message"]


def test_input_not_mutated_and_bad_settings(many):
    before = many.copy(deep=True)
    arm_effect(many, value_col="difference", min_sessions_per_arm=3)
    pd.testing.assert_frame_equal(many, before)
    with pytest.raises(AreasError, match="min_sessions_per_arm"):
        arm_effect(many, value_col="difference", min_sessions_per_arm=1)
    bad = many.assign(patient_partenaire="peut-être")
    with pytest.raises(AreasError, match="non reconnue"):
        arm_effect(bad, value_col="difference")


def test_randomisation_test_smallest_p_on_three_versus_three_sessions():
    """3 vs 3 sessions: C(6, 3) = 20 assignments; perfectly separated arms give 2/20 two-sided (the mirror
    assignment is as extreme), never less; with 3 vs 4 sessions the mirror does not exist: 1/35."""
    best = session_randomisation_test([5.0, 6.0, 7.0, 1.0, 2.0, 3.0], [True, True, True, False, False, False])
    assert best["n_assignations"] == 20 and best["exact"] == 1.0
    assert best["p"] == pytest.approx(2 / 20) and best["p_min"] == pytest.approx(2 / 20)
    assert best["effet"] == pytest.approx(4.0)
    # one-sided: only the observed assignment has a difference as large in the same direction → 1/20
    vals = np.array([5.0, 6.0, 7.0, 1.0, 2.0, 3.0])
    one_sided = np.mean([vals[list(c)].mean() - np.delete(vals, list(c)).mean() >= 4.0 - 1e-12
                         for c in itertools.combinations(range(6), 3)])
    assert one_sided == pytest.approx(1 / 20)
    mixed = session_randomisation_test([5.0, 1.0, 7.0, 6.0, 2.0, 3.0], [True, True, True, False, False, False])
    assert mixed["p"] > 0.5 and mixed["p_min"] == pytest.approx(2 / 20)
    uneven = session_randomisation_test([5.0, 6.0, 7.0, 1.0, 2.0, 3.0, 0.0], [1, 1, 1, 0, 0, 0, 0])
    assert uneven["n_assignations"] == 35 and uneven["p"] == pytest.approx(1 / 35)
    # one arm without session: not testable
    assert np.isnan(session_randomisation_test([1.0, 2.0], [True, True])["p"])


def test_randomisation_test_with_a_covariate_uses_the_ols_coefficient():
    vals = np.array([5.0, 6.0, 7.0, 1.0, 2.0, 3.5])
    cov = np.array([1.0, 2.0, 3.0, 1.0, 2.5, 3.0])
    arm = np.array([1, 1, 1, 0, 0, 0], dtype=bool)
    res = session_randomisation_test(vals, arm, cov[:, None])
    X = sm.add_constant(np.column_stack([arm.astype(float), cov]))
    assert res["effet"] == pytest.approx(sm.OLS(vals, X).fit().params[1])
    coefs = []
    for c in itertools.combinations(range(6), 3):
        a = np.zeros(6)
        a[list(c)] = 1
        coefs.append(abs(sm.OLS(vals, sm.add_constant(np.column_stack([a, cov]))).fit().params[1]))
    assert res["p"] == pytest.approx(np.mean(np.array(coefs) >= abs(res["effet"]) - 1e-9))
