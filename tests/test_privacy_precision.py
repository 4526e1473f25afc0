"""Precision: institutions, communes, products and ordinary words stay; the never-mask list; retiring an entry."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from areas_analysis.cli import main
from areas_analysis.communes import COMMUNES_BROCELIANDE
from areas_analysis.errors import AreasError
from areas_analysis.privacy import (
    NeverMask,
    Pseudonymizer,
    RuleDetector,
    add_to_never_mask,
    default_never_mask_path,
    load_never_mask,
)

TOKEN = re.compile(r"\[PERSONNE_\d+\]")


@pytest.fixture(scope="module")
def with_ner(tmp_path_factory):
    """The real detector (rules + spaCy NER), without any never-mask list: what the code alone keeps."""
    return Pseudonymizer(key_path=tmp_path_factory.mktemp("k") / "cle.json", never_mask=())


@pytest.mark.parametrize("commune", COMMUNES_BROCELIANDE)
def test_project_communes_are_never_masked(with_ner, commune):
    texts = [f"{commune} manque de médecins depuis deux ans.", f"Je suis allée à {commune} voir Mme Le Goff."]
    out = [with_ner.detect([t])[0] for t in texts]
    assert [d.text for d in out[0]] == []
    assert [d.text for d in out[1]] == ["Le Goff"]


def test_institutions_and_ordinary_words_are_never_masked(with_ner):
    texts = [
        "La CAF, la CPAM et la MSA ne répondent pas.",
        "La CPTS et la MSP travaillent avec ASALEE.",
        "France Services à Iffendic aide pour Ameli et l'Urssaf.",
        "Pacs, Mayotte, Urssaf : rien à voir avec la santé.",
        "Difficile de recruter des secrétaires médicales",
        "Avs pour les enfants handicapés",
        "Gros problème de transport le soir",
        "Choisir des lieux de vacances respectueux (eviter les. Gros complexes hoteliers)",  # Grand Débat
    ]
    assert [[d.text for d in dets] for dets in with_ner.detect(texts)] == [[] for _ in texts]


def test_cues_still_find_names_after_the_precision_fixes(with_ner):
    dets = with_ner.detect(["Secrétaire : Soizic Guillou", "Animatrice Katell, notes prises par Yann Riou",
                            "M. Gros a rappelé"])
    assert [[d.text for d in ds] for ds in dets] == [["Soizic Guillou"], ["Katell", "Yann Riou"], ["Gros"]]


def test_never_mask_covers_whole_phrases_and_single_words():
    keep = NeverMask(["France Services", "Monalisa", "CAF"])
    assert keep.covers("france services") and keep.covers("MONALISA") and keep.covers("Monalisa CAF")
    assert not keep.covers("Services") and not keep.covers("Marina Monalisa")


def test_never_mask_wins_over_detectors_and_over_the_key(tmp_path):
    key = tmp_path / "cle.json"
    first = Pseudonymizer(key_path=key, use_ner=False, never_mask=())
    masked = first.pseudonymize("Avis de Vikilou : très utile")
    assert TOKEN.search(masked)  # a speech cue takes it for a person
    first.save()
    kept = Pseudonymizer(key_path=key, use_ner=False, never_mask=["Vikilou"])
    assert kept.pseudonymize("Avis de Vikilou : très utile. Vikilou aide.") == (
        "Avis de Vikilou : très utile. Vikilou aide."
    )


def test_default_never_mask_list_is_read_and_documented_in_french():
    path = default_never_mask_path()
    assert path.name == "noms_a_garder.txt" and path.is_file()
    assert path.read_text(encoding="utf-8").startswith("# Noms à garder")
    entries = load_never_mask(path)
    assert "Monalisa" in entries and all(not e.startswith("#") for e in entries)
    assert Pseudonymizer(key_path=path.parent / "absente.json", use_ner=False).never_mask.covers("monalisa")


def test_never_mask_list_round_trip_with_the_cli(tmp_path, capsys):
    """A detection that proved wrong is retired: no other token changes, its number is never reused."""
    key, keep = tmp_path / "cle.json", tmp_path / "noms_a_garder.txt"
    p = Pseudonymizer(key_path=key, use_ner=False, never_mask=())
    t_marina = p.pseudonymize_name("Marina Le Goff")
    t_product = p.pseudonymize("Avis de Vikilou : très utile").split()[2]
    t_kervella = p.pseudonymize_name("Dr Kervella").split()[1]
    p.save()
    before = json.loads(key.read_text(encoding="utf-8"))["personnes"]

    assert main(["privacy", "retirer", t_product, "--cle", str(key), "--liste", str(keep)]) == 0
    assert "Vikilou" in capsys.readouterr().out
    after = json.loads(key.read_text(encoding="utf-8"))["personnes"]
    assert list(after) == list(before)  # nothing disappears
    assert after[t_product] == {**before[t_product], "retire": True}  # what it meant stays on record
    assert {t: after[t] for t in (t_marina, t_kervella)} == {t: before[t] for t in (t_marina, t_kervella)}
    assert load_never_mask(keep) == ["Vikilou"] and keep.read_text(encoding="utf-8").startswith("# Noms à garder")

    later = Pseudonymizer(key_path=key, use_ner=False, never_mask=load_never_mask(keep))
    assert later.pseudonymize("Avis de Vikilou ; Marina Le Goff et le Dr Kervella") == (
        f"Avis de Vikilou ; {t_marina} et le Dr {t_kervella}"
    )
    assert later.pseudonymize_name("Paul Riou") == "[PERSONNE_4]"  # the retired number is not given again
    assert t_product not in later.key

    # without the list the word is detected again, but as a new token: the retired one keeps its meaning
    again = Pseudonymizer(key_path=key, use_ner=False, never_mask=())
    new = again.pseudonymize("Avis de Vikilou").split()[2]
    assert TOKEN.fullmatch(new) and new != t_product


def test_retire_unknown_targets_lists_them_all_and_changes_nothing(tmp_path, capsys):
    key = tmp_path / "cle.json"
    p = Pseudonymizer(key_path=key, use_ner=False, never_mask=())
    p.pseudonymize_name("Marina Le Goff")
    p.save()
    before = key.read_bytes()
    assert main(["privacy", "retirer", "PERSONNE_7", "Trucmuche", "--cle", str(key), "--sans-liste"]) == 2
    err = capsys.readouterr().err
    assert "« PERSONNE_7 »" in err and "« Trucmuche »" in err and "Rien n'a été retiré" in err
    assert key.read_bytes() == before
    with pytest.raises(AreasError, match="Trucmuche"):
        p.retire(["Trucmuche"])


def test_add_to_never_mask_never_repeats_nor_rewrites(tmp_path):
    path = tmp_path / "garder.txt"
    path.write_text("# ma liste\nCAF  # la caisse\n", encoding="utf-8")
    assert add_to_never_mask(path, ["caf", "Monalisa", "monalisa"]) == ["Monalisa"]
    assert path.read_text(encoding="utf-8") == "# ma liste\nCAF  # la caisse\nMonalisa\n"


def test_detectors_are_swappable(tmp_path):
    class Shout:
        def spans(self, texts):
            return [[(m.start(), m.end(), "essai") for m in re.finditer(r"Zorglub", t)] for t in texts]

    p = Pseudonymizer(key_path=tmp_path / "cle.json", detectors=[RuleDetector(), Shout()], never_mask=())
    dets = p.detect(["Zorglub et Mme Le Goff"])[0]
    assert [(d.text, d.source) for d in dets] == [("Zorglub", "essai"), ("Le Goff", "titre")]


def test_cli_lists_the_key_with_links_and_retired_entries(tmp_path, capsys):
    key = tmp_path / "cle.json"
    p = Pseudonymizer(key_path=key, use_ner=False, never_mask=())
    p.pseudonymize_name("Gwenaëlle")
    p.pseudonymize("Mme Le Bihan arrive")
    p.save()
    later = Pseudonymizer(key_path=key, use_ner=False, never_mask=())
    later.pseudonymize_name("Gwenaëlle Le Bihan")
    later.retire(["Le Bihan"])
    later.save()
    assert main(["privacy", "cle", "--cle", str(key)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "[PERSONNE_2] : Le Bihan — formes : Le Bihan ; RETIRÉE (pas un nom)"
    assert out[2].startswith("[PERSONNE_3] : Gwenaëlle Le Bihan") and "liée à [PERSONNE_1], [PERSONNE_2]" in out[2]


@pytest.mark.shared("external/sib200_fra/test.tsv", "external/masakhanews_fra/dev.tsv",
                    "external/elf_coded_answers.csv", "context/atelier_notes_msp_tables.txt")
def test_benchmark_gold_points_at_real_texts_and_every_name_is_found():
    import importlib.util

    path = Path(__file__).parents[1] / "benchmarks" / "privacy_precision.py"
    spec = importlib.util.spec_from_file_location("privacy_precision", path)
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    items = bench.load_gold()
    assert {i.part for i in items} == {"reglage", "controle"}
    assert sum(len(i.names) for i in items if i.part == "controle") >= 40
    for item in items:
        assert len(bench._gold_spans(item)) == len(item.names)  # raises when an annotation is not in its text
    # the scorer: a partly masked name leaks, a masked place counts against « gardés »
    item = bench.Item("essai", "controle", "Steve Jobs est à Paris.", ("Steve Jobs",))
    assert bench.score([item], [[(0, 5), (17, 22)]]).removed == 0
    s = bench.score([item], [[(0, 10), (17, 22)]])
    assert (s.removed, s.capitals, s.kept) == (1, 1, 0)
