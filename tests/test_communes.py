"""Commune names typed in exports are grouped under their official spelling, never guessed."""

import pandas as pd
import pytest

from areas_analysis.communes import COMMUNES_BROCELIANDE, normalize_commune
from areas_analysis.config import SAMPLE_DIR
from areas_analysis.ingest import read_survey


@pytest.mark.parametrize(("typed", "official"), [
    ("IFFENDIC", "Iffendic"), ("St Méen", "Saint-Méen-le-Grand"), ("Breal sous Montfort", "Bréal-sous-Montfort"),
    ("Paimpont (forêt)", "Paimpont"), ("Montfort", "Montfort-sur-Meu"), ("St-Onen", "Saint-Onen-la-Chapelle"),
    ("Muël", "Muel"), ("  saint meen le grand ", "Saint-Méen-le-Grand"), ("Bedee", "Bédée"),
])
def test_variants_map_to_the_official_name(typed: str, official: str) -> None:
    assert normalize_commune(typed) == official


def test_unknown_or_ambiguous_values_are_kept_as_typed() -> None:
    assert normalize_commune("Rennes") == "Rennes"
    assert normalize_commune("Saint") == "Saint"  # prefix of many communes: not guessed
    assert normalize_commune("") is None and normalize_commune(None) is None


def test_sample_usagers_communes_are_grouped() -> None:
    us = read_survey(SAMPLE_DIR / "questionnaires" / "usagers_en_ligne.csv",
                     SAMPLE_DIR / "questionnaires" / "usagers_dictionnaire.yaml")
    communes = us.responses["commune"].dropna()
    raw = pd.read_csv(SAMPLE_DIR / "questionnaires" / "usagers_en_ligne.csv", dtype=str)
    assert raw.iloc[:, 2].dropna().nunique() > communes.nunique()  # variants were merged
    assert set(communes) <= set(COMMUNES_BROCELIANDE)


def test_dictionary_lists_names_by_kind_and_labels() -> None:
    from areas_analysis.ingest import load_dictionary

    d = load_dictionary(SAMPLE_DIR / "questionnaires" / "usagers_dictionnaire.yaml")
    likert = d.names("likert")
    assert "entoure" in likert and "commune" not in likert and len(likert) == 7
    assert d.labels()["entoure"] == "Je me sens entouré(e) au quotidien"
