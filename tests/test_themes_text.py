"""Tests of French text preparation for the theme stage (real spaCy tokenizer)."""

from __future__ import annotations

import pickle
import unicodedata

import pytest
from sklearn.feature_extraction.text import CountVectorizer

from areas_analysis.themes.text import (
    FormAnalyzer,
    LemmaAnalyzer,
    clean_text,
    content_forms,
    content_lemmas,
    is_content_form,
    stop_words,
    strip_boilerplate,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Les participants soulignent que le bus ne passe plus.", "le bus ne passe plus."),
        ("- Idée : il a été dit que les délais sont longs", "les délais sont longs"),
        ("Il est ressorti qu’il faut plus de kinés", "il faut plus de kinés"),
        ("Selon le groupe, la pharmacie ferme le samedi", "la pharmacie ferme le samedi"),
        ("1) Constat : pas de transport", "pas de transport"),
        ("Plusieurs personnes ont évoqué le fait qu'il manque un médecin; on note que la MSP est loin",
         "il manque un médecin; la MSP est loin"),
    ],
)
def test_clean_text_strips_workshop_boilerplate(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "Les patients notamment âgés attendent",  # "notamment" is not the verb "noter"
        "Les professionnels disponibles, peu nombreux",  # "disponibles" is not "dire"
        "Les usagers ont des difficultés",
    ],
)
def test_clean_text_keeps_content_that_looks_like_boilerplate(kept: str) -> None:
    assert clean_text(kept) == kept


def test_clean_text_messy_values() -> None:
    assert clean_text(None) == ""
    assert clean_text(float("nan")) == ""
    assert clean_text("   \n  ") == ""
    assert clean_text("Très long ! &&Demander moins") == "Très long !\nDemander moins"
    # decomposed accents (NFD, as pasted from some tools) are recomposed
    nfd = unicodedata.normalize("NFD", "hôpital éloigné")
    assert clean_text(nfd) == "hôpital éloigné"
    assert strip_boilerplate("Il a été dit que") == ""


def test_stop_words_keep_meaningful_words() -> None:
    sw = stop_words()
    for word in ("seul", "personne", "pas", "loin", "aide"):
        assert word not in sw
    for word in ("le", "de", "et", "l'", "qu'", "participants"):
        assert word in sw
    assert not is_content_form("3")
    assert not is_content_form("!")
    assert is_content_form("médecin")


def test_content_forms_keeps_accents_and_order() -> None:
    forms = content_forms(["L’hôpital d’aujourd’hui, c’est loin !! Je suis seul, personne ne vient.", "", "le la"])
    assert forms[0][:2] == ["hôpital", "aujourd'hui"]
    assert {"loin", "seul", "personne"} <= set(forms[0])
    assert forms[1] == [] and forms[2] == []


def test_content_lemmas_are_lemmas() -> None:
    lemmas = content_lemmas(["Les médecins partent à la retraite et les patients âgés restent seuls"])[0]
    assert "médecin" in lemmas and "patient" in lemmas and "retraite" in lemmas
    assert "les" not in lemmas and "médecins" not in lemmas


def test_analyzers_are_picklable_and_work_in_a_vectorizer() -> None:
    docs = ["Médecin éloigné, délais très longs", "Pas de médecin à Montfort-sur-Meu", "délais d'attente"]
    for analyzer in (FormAnalyzer(ngram_max=2), LemmaAnalyzer()):
        clone = pickle.loads(pickle.dumps(analyzer))
        vec = CountVectorizer(analyzer=clone).fit(docs)
        vocab = set(vec.get_feature_names_out())
        assert "médecin" in vocab  # accents preserved
        assert "de" not in vocab and "le" not in vocab
    assert "médecin éloigné" in set(CountVectorizer(analyzer=FormAnalyzer(ngram_max=2)).fit(docs).vocabulary_)
