"""Likert summaries, joint display and needs congruence on tiny messy data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from areas_analysis.errors import InputError
from areas_analysis.quantify import (
    display_table,
    joint_display,
    likert_summary,
    needs_congruence,
    note,
    theme_matrix,
)

SCALE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"]


@pytest.fixture
def responses() -> pd.DataFrame:
    """Ingest-like tidy responses: ordered Likert with NA, a lone commune, an all-missing item."""
    info = ["Plutôt d'accord", "Tout à fait d'accord", None, "Pas du tout d'accord", "Plutôt d'accord",
            "Ni d'accord ni pas d'accord", "Plutôt pas d'accord"]
    return pd.DataFrame({
        "respondent_id": ["U1", "U2", "U3", "U4", "U5", "U6", "U7"],
        "commune": ["Iffendic", "Iffendic", "Iffendic", "Paimpont", "Paimpont", "Paimpont", "Gaël"],
        "tranche_age": pd.Categorical(["60-74 ans", "75 ans et plus", "30-44 ans", "60-74 ans", "30-44 ans",
                                       "45-59 ans", "75 ans et plus"],
                                      categories=["30-44 ans", "45-59 ans", "60-74 ans", "75 ans et plus"],
                                      ordered=True),
        "info_fiable": pd.Categorical(info, categories=SCALE, ordered=True),
        "confiance": pd.Categorical([None] * 7, categories=SCALE, ordered=True),
        "difficultes__cout": [1, 0, 1, 1, 0, 0, 1],
        "besoins": ["Plus de médecin", "Le bus le samedi", "", "Médecin introuvable", "Rien", "Seule le soir",
                    "Transport"],
    })


def test_likert_summary_overall_and_by_group(responses):
    before = responses.copy(deep=True)
    s = likert_summary(responses, ["info_fiable", "confiance"], labels={"info_fiable": "Information fiable"})
    pd.testing.assert_frame_equal(responses, before)
    info = s.set_index("item").loc["info_fiable"]
    assert (info["n"], info["n_manquant"], info["n_ne_sait_pas"]) == (6, 1, 0)
    assert info["question"] == "Information fiable"
    assert info["Plutôt d'accord"] == pytest.approx(2 / 6)
    assert sum(info[lv] for lv in SCALE) == pytest.approx(1)
    # lower median of codes [0,1,2,3,3,4] -> position 2 (0-based) -> 3rd level... cumulative 3/6 = 50 % at level 3
    assert info["mediane"] == "Ni d'accord ni pas d'accord"
    assert info["part_accord"] == pytest.approx(3 / 6)
    lo, hi = proportion_confint(3, 6, method="wilson")
    assert (info["ic_bas"], info["ic_haut"]) == pytest.approx((lo, hi))
    empty = s.set_index("item").loc["confiance"]
    assert empty["n"] == 0 and pd.isna(empty["mediane"]) and np.isnan(empty["part_accord"])
    assert "confiance" in note(s) and "Je ne sais pas" in note(s)
    by = likert_summary(responses, "info_fiable", by="commune")
    gael = by.set_index("commune").loc["Gaël"]
    assert gael["n"] == 1 and gael["mediane"] == "Plutôt pas d'accord" and gael["part_accord"] == 0
    assert "moins de 20" in note(by)


def test_likert_dont_know_counted_apart_and_bad_values(responses):
    raw = responses.assign(info_fiable=responses["info_fiable"].astype(object))
    raw.loc[2, "info_fiable"] = "Je ne sais pas"
    s = likert_summary(raw, "info_fiable", scale=SCALE).iloc[0]
    assert (s["n"], s["n_ne_sait_pas"], s["n_manquant"]) == (6, 1, 0)
    flagged = responses.assign(info_fiable__ne_sait_pas=[0, 0, 1, 0, 0, 0, 0])  # U3's NA was « Je ne sais pas »
    s = likert_summary(flagged, "info_fiable").iloc[0]
    assert (s["n"], s["n_ne_sait_pas"], s["n_manquant"]) == (6, 1, 0)
    raw.loc[3, "info_fiable"] = "Bof"
    with pytest.raises(InputError, match="Bof"):
        likert_summary(raw, "info_fiable", scale=SCALE)
    with pytest.raises(InputError, match="échelle"):
        likert_summary(raw, "besoins")


@pytest.fixture
def matrix(responses) -> pd.DataFrame:
    codes = pd.DataFrame({"id": ["U1", "U4", "U4", "U2", "U7", "U6"],
                          "theme_id": ["acces_medecin", "acces_medecin", "transport", "transport", "transport",
                                       "isolement"],
                          "score": [0.9, 0.95, 0.3, 0.8, 0.6, 0.7]})
    return theme_matrix(codes, responses, themes=["acces_medecin", "transport", "isolement", "prevention"],
                        answered_col="besoins")


def test_joint_display_profiles_and_quotes(matrix, responses):
    quotes = pd.DataFrame({"id": ["U1", "U4", "U2", "U7", "U6", "U4"],
                           "theme_id": ["acces_medecin", "acces_medecin", "transport", "transport", "isolement",
                                        "transport"],
                           "text": ["Plus de médecin depuis le départ du Dr [PERSONNE_3]", "Médecin introuvable",
                                    "Le bus le samedi", "Transport", "Seule le soir", "Médecin introuvable"],
                           "score": [0.9, 0.95, 0.8, 0.6, 0.7, 0.3]})
    before = (matrix.copy(deep=True), quotes.copy(deep=True))
    jd = joint_display(matrix, None, ["difficultes__cout", "tranche_age", "commune"], quotes, n_quotes=2,
                       theme_labels={"acces_medecin": "Accès au médecin traitant"})
    pd.testing.assert_frame_equal(matrix, before[0])
    pd.testing.assert_frame_equal(quotes, before[1])
    row = jd.set_index("theme_id").loc["acces_medecin"]
    assert row["theme"] == "Accès au médecin traitant"
    assert row["n_cites"] == 2 and row["part_cites"] == pytest.approx(2 / 6)  # U3 left the answer empty
    assert row["difficultes__cout"] == "100\u00a0% (autres : 25\u00a0%)"  # U3 (empty answer) is in neither group
    assert row["tranche_age"].startswith("médiane « 60-74 ans »")
    assert row["citation_1"] == "« Médecin introuvable » (U4)"  # highest score first
    assert row["citation_2"].startswith("« Plus de médecin depuis le départ du Dr [PERSONNE_3] »")
    nobody = jd.set_index("theme_id").loc["prevention"]
    assert nobody["n_cites"] == 0 and nobody["citation_1"] == "" and nobody["commune"] == "–"
    assert "prevention" in note(jd)


def test_joint_display_random_quotes_are_seeded(matrix, responses):
    texts = responses[["respondent_id", "besoins"]].rename(columns={"respondent_id": "id", "besoins": "text"})
    a = joint_display(matrix, "transport", ["commune"], texts, n_quotes=2, seed=1, pseudonymise=str.upper)
    b = joint_display(matrix, "transport", ["commune"], texts, n_quotes=2, seed=1, pseudonymise=str.upper)
    pd.testing.assert_frame_equal(a, b)
    picked = {a.iloc[0]["citation_1"], a.iloc[0]["citation_2"]}
    assert picked <= {"« LE BUS LE SAMEDI » (U2)", "« MÉDECIN INTROUVABLE » (U4)", "« TRANSPORT » (U7)"}
    seeds = {joint_display(matrix, "transport", ["commune"], texts, n_quotes=1, seed=s).iloc[0]["citation_1"]
             for s in range(12)}
    assert len(seeds) > 1
    assert "graine 1" in note(a)


def test_needs_congruence_newcombe_and_categories():
    def mat(prefix, counts, n):
        d = {"respondent_id": [f"{prefix}{i}" for i in range(n)]}
        for t, x in counts.items():
            d[f"theme__{t}"] = pd.array([1] * x + [0] * (n - x), dtype="Int8")
        return pd.DataFrame(d)

    usagers = mat("U", {"transport": 56, "acces_medecin": 30, "stress_pros": 2, "jamais": 0, "rare": 8}, 70)
    pros = mat("P", {"transport": 48, "acces_medecin": 20, "stress_pros": 30, "jamais": 0, "rare": 4}, 80)
    before = usagers.copy(deep=True)
    cg = needs_congruence(usagers, pros)
    pd.testing.assert_frame_equal(usagers, before)
    t = cg.set_index("theme_id")
    # Newcombe (1998) example (a): 56/70 vs 48/80 -> 0.0524 to 0.3339
    assert (t.loc["transport", "ic_bas_difference"], t.loc["transport", "ic_haut_difference"]) == pytest.approx(
        (0.0524, 0.3339), abs=5e-5)
    ref = confint_proportions_2indep(30, 70, 20, 80, method="newcomb", compare="diff")
    assert t.loc["acces_medecin", "ic_bas_difference"] == pytest.approx(float(ref[0]))
    assert t.loc["transport", "categorie"] == "surtout usagers" and t.loc["transport", "ecart_etabli"]
    assert t.loc["stress_pros", "categorie"] == "surtout pros"
    assert t.loc["jamais", "categorie"] == "aucun des deux"
    assert t.loc["acces_medecin", "categorie"] == "surtout usagers"  # 43 % vs 25 %: CI excludes 0
    assert t.loc["rare", "categorie"] == "surtout usagers" and not t.loc["rare", "ecart_etabli"]
    assert "Newcombe" in note(cg) and "Règle" in note(cg)
    with pytest.raises(InputError, match="thème absent"):
        needs_congruence(usagers, pros.drop(columns="theme__rare"), ["rare"])


def test_display_table_is_french_and_keeps_note(matrix):
    s = likert_summary(matrix, "info_fiable")
    shown = display_table(s)
    assert shown["D'accord"].iloc[0] == "50\u00a0%"
    assert "Médiane" in shown.columns and note(shown) == note(s)
