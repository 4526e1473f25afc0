"""Prevalence, priority themes and the respondent × theme matrix, on tiny messy data and real codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from areas_analysis.config import SHARED_DIR
from areas_analysis.errors import AreasError, InputError
from areas_analysis.quantify import (
    note,
    priority_summary,
    priority_themes,
    theme_columns,
    theme_matrix,
    theme_prevalence,
)

ELF = SHARED_DIR / "external" / "elf_coded_answers.csv"


@pytest.fixture
def segments() -> pd.DataFrame:
    """Segments of two ateliers (one with a single segment), accents, a missing commune."""
    return pd.DataFrame({
        "segment_id": ["A01-L0003-1", "A01-L0004-1", "A01-L0004-2", "A01-L0009-1", "A01-L0012-1",
                       "A02-L0002-1", "A03-L0001-1"],
        "atelier_id": ["A01", "A01", "A01", "A01", "A01", "A02", "A03"],
        "commune": ["Saint-Méen-le-Grand"] * 5 + ["Iffendic", None],
        "table": [1, 1, 1, 2, 2, 1, pd.NA],
        "section": ["constats", "idees", "idees", "idees_phares", "freins", "constats", "constats"],
    })


@pytest.fixture
def codes() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["A01-L0003-1", "A01-L0004-1", "A01-L0004-1", " A01-L0004-2", "A01-L0009-1", "A01-L0012-1",
               "A02-L0002-1", "A03-L0001-1"],
        "theme_id": ["acces_medecin", "acces_medecin", "transport", "acces_medecin", "transport", "",
                     "isolement", None],
        "score": [0.9, 0.8, 0.4, 0.7, 0.6, np.nan, 0.5, np.nan],
    })


def test_prevalence_by_commune_against_direct_count(segments, codes):
    before_c, before_s = codes.copy(deep=True), segments.copy(deep=True)
    prev = theme_prevalence(codes, segments, "commune", unit_col="segment_id", themes=["prevention"],
                            unit_label="segments")
    pd.testing.assert_frame_equal(codes, before_c)
    pd.testing.assert_frame_equal(segments, before_s)
    row = prev[(prev["commune"] == "Saint-Méen-le-Grand") & (prev["theme_id"] == "acces_medecin")].iloc[0]
    # A01-L0003-1, A01-L0004-1 and " A01-L0004-2" (id with a stray space): 3 of 5 segments
    assert (row["n"], row["effectif"]) == (5, 3)
    lo, hi = proportion_confint(3, 5, method="wilson")
    assert (row["ic_bas"], row["ic_haut"]) == pytest.approx((lo, hi))
    # theme nobody raised: 0 with a real interval; missing commune is its own group of size 1
    never = prev[prev["theme_id"] == "prevention"]
    assert (never["effectif"] == 0).all() and (never["ic_bas"] == 0).all() and (never["ic_haut"] > 0).all()
    lone = prev[prev["commune"] == "(non renseigné)"]
    assert (lone["n"] == 1).all()
    assert lone["ic_haut"].tolist() == pytest.approx([proportion_confint(0, 1, method="wilson")[1]] * len(lone))
    assert set(prev.columns) >= {"commune", "theme_id", "n", "effectif", "proportion", "ic_bas", "ic_haut"}
    text = note(prev)
    assert "7 segments" in text and "Wilson" in text and "moins de 20 segments" in text
    assert "prevention" in text  # listed as never raised


def test_respondent_counts_once_per_theme(segments, codes):
    # open answers segmented: two segments of the same respondent raise acces_medecin
    units = segments.assign(respondent_id=["U1", "U1", "U2", "U2", "U3", "U4", "U5"])
    prev = theme_prevalence(codes, units, unit_col="segment_id", count_col="respondent_id")
    row = prev.set_index("theme_id").loc["acces_medecin"]
    assert (row["n"], row["effectif"]) == (5, 2)


def test_unknown_ids_refused_or_ignored(segments, codes):
    bad = pd.concat([codes, pd.DataFrame({"id": ["Z99"], "theme_id": ["transport"]})])
    with pytest.raises(InputError, match="Z99"):
        theme_prevalence(bad, segments, "commune", unit_col="segment_id")
    prev = theme_prevalence(bad, segments, "commune", unit_col="segment_id", unknown_ids="ignore")
    assert prev["effectif"].sum() == theme_prevalence(codes, segments, "commune",
                                                      unit_col="segment_id")["effectif"].sum()
    with pytest.raises(InputError, match="colonne"):
        theme_prevalence(codes, segments, "canton", unit_col="segment_id")


@pytest.mark.shared("external/elf_coded_answers.csv")
def test_prevalence_on_real_human_codes_matches_pandas():
    """Entendre la France human tags (real, multi-label, ids with a thousands space)."""
    elf = pd.read_csv(ELF, sep=";", dtype=str)
    units = elf[["contribution", "question"]].drop_duplicates("contribution")
    prev = theme_prevalence(elf.rename(columns={"contribution": "id", "tag": "theme_id"}),
                            units.rename(columns={"contribution": "id"}), "question", unknown_ids="error")
    direct = (elf.drop_duplicates(["contribution", "tag"]).groupby(["question", "tag"])["contribution"].nunique()
              / units.groupby("question")["contribution"].nunique())
    got = prev[prev["effectif"] > 0].set_index(["question", "theme_id"])["proportion"]
    pd.testing.assert_series_equal(got.sort_index(), direct.rename("proportion").rename_axis(
        ["question", "theme_id"]).sort_index(), check_dtype=False, check_index_type=False)
    # every question gets every tag (0 for tags of other questions)
    assert len(prev) == units["question"].nunique() * elf["tag"].nunique()


# --------------------------------------------------------------------------- priority themes


def _seg_themes() -> pd.DataFrame:
    rows = [
        # A01: three tables
        ("A01-L0001-1", "A01", 1, "constats", "acces_medecin"),
        ("A01-L0002-1", "A01", 1, "idees_phares", "transport"),
        ("A01-L0003-1", "A01", 2, "constats", "acces_medecin"),
        ("A01-L0004-1", "A01", 2, "idees", "isolement"),
        ("A01-L0004-1", "A01", 2, "idees", "isolement"),  # duplicated coding row counts once
        ("A01-L0005-1", "A01", 3, "constats", "prevention"),
        ("A01-L0006-1", "A01", 3, "idees", "sante_mentale"),
        ("A01-L0006-1", "A01", 3, "idees", "acces_medecin"),
        # A02: one theme only, single segment
        ("A02-L0001-1", "A02", 1, "Constats", "transport"),
        # A03: no theme coded at all
        ("A03-L0001-1", "A03", None, "constats", None),
    ]
    return pd.DataFrame(rows, columns=["segment_id", "atelier_id", "table", "section", "theme_id"])


def test_priority_weighted_rule_by_hand():
    seg = _seg_themes()
    before = seg.copy(deep=True)
    pt = priority_themes(seg)
    pd.testing.assert_frame_equal(seg, before)
    a01 = pt[pt["atelier_id"] == "A01"].set_index("theme_id")
    # acces_medecin: constats(1) + constats(1) + idees(2) = 4, + 3 tables = 7
    assert a01.loc["acces_medecin", "score"] == 7 and a01.loc["acces_medecin", "rang"] == 1
    assert a01.loc["transport", "score"] == 3 + 1  # one « idée phare » is enough
    assert a01.loc["isolement", "score"] == 2 + 1 and not a01.loc["isolement", "prioritaire"]
    assert a01.loc["prevention", "score"] == 2 and not a01.loc["prevention", "prioritaire"]
    assert a01["prioritaire"].sum() == 2 and not a01["objectif_atteint"].any()
    assert pt["regle"].str.contains("idees_phares").all() and pt["regle"].str.contains("50 %").all()
    summary = priority_summary(pt)
    assert summary["atelier_id"].tolist() == ["A01", "A02", "A03"]
    assert summary["n_prioritaires"].tolist() == [2, 0, 0]
    assert summary["manque"].tolist() == [1, 3, 3]
    assert "Sous l'objectif" in note(summary)


def test_priority_threshold_is_relative_to_the_leading_theme():
    seg = _seg_themes()
    # A04: a big atelier where one theme dominates; a theme with score 4 is far below half of 21
    big = pd.DataFrame({"segment_id": [f"A04-L{i:04d}-1" for i in range(10)], "atelier_id": "A04",
                        "table": [1, 2, 3, 4, 1, 2, 3, 4, 1, 1], "section": ["idees_phares"] * 4 + ["idees"] * 4
                        + ["idees_phares", "constats"], "theme_id": ["acces_medecin"] * 8 + ["transport"] * 2})
    pt = priority_themes(pd.concat([seg, big]))
    a04 = pt[pt["atelier_id"] == "A04"].set_index("theme_id")
    assert a04.loc["acces_medecin", "score"] == 4 * 3 + 4 * 2 + 4 and a04.loc["transport", "score"] == 3 + 1 + 1
    assert a04["prioritaire"].to_dict() == {"acces_medecin": True, "transport": False}
    lax = priority_themes(pd.concat([seg, big]), min_relative=0)
    assert lax[lax["atelier_id"] == "A04"]["prioritaire"].all()


def test_priority_tables_rule_and_custom_target():
    pt = priority_themes(_seg_themes(), rule="tables", min_themes=1)
    a01 = pt[pt["atelier_id"] == "A01"].set_index("theme_id")
    # 3 tables: at least 2 tables AND at least one « idée phare »; none qualifies in A01
    assert not a01["prioritaire"].any()
    a02 = pt[pt["atelier_id"] == "A02"]
    assert not a02["prioritaire"].any()  # its only segment is a finding
    phare = _seg_themes()
    phare.loc[0, "section"] = "idees_phares"  # acces_medecin now retained at table 1, raised at 3 tables
    pt = priority_themes(phare, rule="tables", min_themes=1)
    a01 = pt[pt["atelier_id"] == "A01"].set_index("theme_id")
    assert a01["prioritaire"][a01["prioritaire"]].index.tolist() == ["acces_medecin"]
    summary = priority_summary(pt, groups=["A01", "A02", "A03", "A04"])
    assert summary.set_index("atelier_id")["objectif_atteint"].to_dict() == {
        "A01": True, "A02": False, "A03": False, "A04": False}
    with pytest.raises(AreasError, match="Règle"):
        priority_themes(_seg_themes(), rule="vote")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- matrix


def test_theme_matrix_joins_and_handles_missing():
    resp = pd.DataFrame({"respondent_id": [1, 2, 3, 4], "commune": ["Paimpont", "Iffendic", "Iffendic", None],
                         "besoins": ["Plus de médecin", "", None, "Le bus"]})
    codes = pd.DataFrame({"id": ["1", "1", "4", "2", "1"], "theme_id": ["acces_medecin", "transport", "transport",
                                                                        "", "acces_medecin"]})
    before = resp.copy(deep=True)
    m = theme_matrix(codes, resp, themes=["isolement"])
    pd.testing.assert_frame_equal(resp, before)
    assert theme_columns(m) == ["theme__isolement", "theme__acces_medecin", "theme__transport"]
    assert m["theme__acces_medecin"].tolist() == [1, 0, 0, 0]
    assert m["theme__isolement"].sum() == 0
    assert list(m.columns[:3]) == list(resp.columns)
    m_na = theme_matrix(codes, resp, answered_col="besoins")
    assert m_na["theme__transport"].isna().tolist() == [False, True, True, False]
    m_abs = theme_matrix(codes, resp, missing="na")
    assert m_abs["theme__transport"].isna().tolist() == [False, False, True, False]  # 3 never coded
    assert "NA" in note(m_na)


def test_theme_matrix_refuses_duplicates_and_unknown_ids():
    resp = pd.DataFrame({"respondent_id": ["U1", "U1"]})
    with pytest.raises(InputError, match="double"):
        theme_matrix(pd.DataFrame({"id": ["U1"], "theme_id": ["x"]}), resp)
    resp = pd.DataFrame({"respondent_id": ["U1"]})
    with pytest.raises(InputError, match="inconnu"):
        theme_matrix(pd.DataFrame({"id": ["U9"], "theme_id": ["x"]}), resp)


def test_theme_matrix_maps_coded_answers_to_respondents():
    resp = pd.DataFrame({"respondent_id": ["U0001", "U0002", "U0003"], "commune": ["Gaël", "Muël", "Gaël"]})
    answers = pd.DataFrame({"id": ["U0001:besoins_sante", "U0001:aide_souhaitee", "U0002:besoins_sante"],
                            "respondent_id": ["U0001", "U0001", "U0002"]})
    codes = pd.DataFrame({"id": ["U0001:besoins_sante", "U0001:aide_souhaitee", "U0002:besoins_sante"],
                          "theme_id": ["transport", "transport", ""]})
    m = theme_matrix(codes, resp, answers=answers)
    assert m["theme__transport"].tolist()[:2] == [1, 0] and pd.isna(m["theme__transport"].iloc[2])
    with pytest.raises(InputError, match="réponses ouvertes"):
        theme_matrix(pd.concat([codes, pd.DataFrame({"id": ["U0009:x"], "theme_id": ["a"]})]), resp,
                     answers=answers)
