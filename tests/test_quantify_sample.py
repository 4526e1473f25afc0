"""Quantify against the ground truth of the synthetic sample (data/sample/verite_terrain).

The sample generator writes the true themes of every segment and open answer, the true
priority themes of each atelier and the true usagers/pros shares per theme; a correct
quantification must find them back. Files are read with pandas only (no other stage's code).
"""

from __future__ import annotations

import pandas as pd
import pytest

from areas_analysis.config import SAMPLE_DIR
from areas_analysis.quantify import needs_congruence, priority_summary, priority_themes, theme_matrix

TRUTH = SAMPLE_DIR / "verite_terrain"
pytestmark = pytest.mark.skipif(not (TRUTH / "ateliers_priorites.csv").exists(),
                                reason="échantillon synthétique absent (areas sample generate --out data/sample)")


def test_default_priority_rule_finds_the_true_priority_themes():
    seg = pd.read_csv(TRUTH / "segments_attendus.csv", dtype=str, keep_default_na=False)
    seg = seg.assign(theme_id=seg["themes"].str.split(";")).explode("theme_id")
    truth = pd.read_csv(TRUTH / "ateliers_priorites.csv", dtype=str)
    pt = priority_themes(seg)
    found = pt[pt["prioritaire"]].groupby("atelier_id")["theme_id"].apply(set)
    expected = truth.groupby("atelier_id")["theme_id"].apply(set)
    hits = sum(len(found.get(a, set()) & e) for a, e in expected.items())
    flagged = int(pt["prioritaire"].sum())
    assert hits >= 0.9 * len(truth)  # nearly every true priority theme is flagged (26 of 27 with seed 42)...
    assert flagged - hits <= 0.15 * len(truth)  # ...and few others (1 with seed 42)
    ranks = pt.merge(truth[["atelier_id", "theme_id"]], on=["atelier_id", "theme_id"])["rang"]
    assert len(ranks) == len(truth) and ranks.max() <= 5
    summary = priority_summary(pt, groups=sorted(truth["atelier_id"].unique()))
    assert summary["objectif_atteint"].all()  # every sample atelier has 3 or 4 priority themes


def test_congruence_shares_match_the_true_shares():
    codes = pd.read_csv(TRUTH / "reponses_themes.csv", dtype=str, keep_default_na=False)
    parts = codes["id"].str.split(":")
    codes = codes.assign(respondent_id=parts.str[0], question=parts.str[1])
    truth = pd.read_csv(TRUTH / "congruence.csv").set_index("theme_id")

    def matrix(question: str) -> pd.DataFrame:
        answers = codes[codes["question"] == question].drop_duplicates("id")[["id", "respondent_id"]]
        respondents = answers[["respondent_id"]].drop_duplicates()
        return theme_matrix(codes[codes["question"] == question], respondents, answers=answers,
                            themes=list(truth.index))

    cg = needs_congruence(matrix("besoins_sante"), matrix("besoins_patients"), list(truth.index))
    cg = cg.set_index("theme_id")
    pd.testing.assert_series_equal(cg["p_usagers"].round(4), truth["part_usagers"], check_names=False)
    pd.testing.assert_series_equal(cg["p_pros"].round(4), truth["part_pros"], check_names=False)
    # the generator's « … seulement » themes are on the matching side of our rule
    only = truth[truth["categorie"].str.endswith("seulement")]
    for theme, cat in only["categorie"].items():
        assert cg.loc[theme, "categorie"] == ("surtout usagers" if cat.startswith("usagers") else "surtout pros")
