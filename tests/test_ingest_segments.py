"""Segmenting note lines: markers, sentences, lead-ins."""

from __future__ import annotations

import pytest

from areas_analysis.segments import segment_line, split_marker, split_sentences, strip_boilerplate


@pytest.mark.parametrize(
    ("line", "kind", "marker", "text"),
    [
        ("- Être conscient de sa capacité d'agir", "bullet", "-", "Être conscient de sa capacité d'agir"),
        ("• Financement", "bullet", "•", "Financement"),
        ("* Manque de temps", "bullet", "*", "Manque de temps"),
        ("-> Transport solidaire", "bullet", "->", "Transport solidaire"),
        ("   – tiret cadratin", "bullet", "–", "tiret cadratin"),
        ("1. Créer une permanence", "number", "1.", "Créer une permanence"),
        ("2) Informer sur les gardes", "number", "2)", "Informer sur les gardes"),
        ("b) deuxième point", "number", "b)", "deuxième point"),
        # not markers
        ("-15 % de médecins en 10 ans", "none", "", "-15 % de médecins en 10 ans"),
        ("2026 : année de la réforme", "none", "", "2026 : année de la réforme"),
        ("*important*", "none", "", "*important*"),
        ("obstacles divers", "none", "", "obstacles divers"),
    ],
)
def test_split_marker(line: str, kind: str, marker: str, text: str) -> None:
    m = split_marker(line)
    assert (m.kind, m.marker, m.text) == (kind, marker, text)


def test_sentences_keep_abbreviations_and_initials_together() -> None:
    text = "Mme. Le Goff est venue. Le Dr. Martin aussi ! J. Dupont non ? Voir cf. annexe. 3 médecins sont partis."
    assert split_sentences(text) == [
        "Mme. Le Goff est venue.",
        "Le Dr. Martin aussi !",
        "J. Dupont non ?",
        "Voir cf. annexe.",
        "3 médecins sont partis.",
    ]


def test_sentences_rejoin_to_the_paragraph() -> None:
    para = ("Patient est un acteur à part entière, pas de question à se poser!!  Ensuite   on verra… "
            "« Oui » dit-elle.")
    sents = split_sentences(para)
    assert len(sents) == 3
    assert " ".join(sents) == " ".join(para.split())


def test_no_split_before_lowercase() -> None:
    assert split_sentences("Délais longs. etc. et puis rien") == ["Délais longs. etc. et puis rien"]
    assert split_sentences("   ") == []


def test_bullet_is_one_segment_even_with_two_sentences() -> None:
    marker, segs = segment_line("- Trop loin. Pas de bus le dimanche.")
    assert marker.kind == "bullet"
    assert segs == ["Trop loin. Pas de bus le dimanche."]
    marker, segs = segment_line("Trop loin. Pas de bus le dimanche.")
    assert marker.kind == "none"
    assert segs == ["Trop loin.", "Pas de bus le dimanche."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les participants soulignent que les délais sont longs", "Les délais sont longs"),
        ("Le groupe a évoqué la mobilité des aînés", "La mobilité des aînés"),
        ("Plusieurs personnes expriment : manque de transport", "Manque de transport"),
        ("On note l'importance de la prévention", "La prévention"),
        # untouched: no lead-in, or nothing left
        ("Les délais sont longs", "Les délais sont longs"),
        ("Les participants soulignent que", "Les participants soulignent que"),
        ("Participants soulignent tout", "Participants soulignent tout"),
    ],
)
def test_strip_boilerplate(text: str, expected: str) -> None:
    assert strip_boilerplate(text) == expected
