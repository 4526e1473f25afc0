"""Pseudonymisation: recall on the annotated set, precision on name-free notes, stable key, leaks."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest

from areas_analysis import config
from areas_analysis.errors import AreasError
from areas_analysis.privacy import (
    EMAIL_TOKEN,
    PHONE_TOKEN,
    Pseudonymizer,
    find_leaks,
    load_known_names,
    score_pseudonymizer,
)

DATA = Path(__file__).parent / "data" / "privacy"
REAL_NOTES = config.SHARED_DIR / "context" / "atelier_notes_msp_tables.txt"
TOKEN = re.compile(r"\[PERSONNE_\d+\]")


def _load(pos: str, neg: str) -> tuple[list[str], list[list[str]]]:
    rows = [json.loads(line) for line in (DATA / pos).read_text(encoding="utf-8").splitlines() if line]
    negatives = [line for line in (DATA / neg).read_text(encoding="utf-8").splitlines() if line]
    return [r["texte"] for r in rows] + negatives, [r["noms"] for r in rows] + [[] for _ in negatives]


@pytest.fixture(scope="module")
def known() -> list[str]:
    return load_known_names(DATA / "noms_projet.txt")


@pytest.fixture(scope="module")
def tuning_scores(tmp_path_factory, known):
    texts, gold = _load("lignes_avec_noms.jsonl", "lignes_sans_noms.txt")
    p = Pseudonymizer(key_path=tmp_path_factory.mktemp("k") / "cle.json", known_names=known)
    return texts, gold, score_pseudonymizer(p, texts, gold)


# ---- measured recall and precision ---------------------------------------------------------------


def test_recall_on_annotated_notes_is_at_least_095(tuning_scores):
    texts, gold, scores = tuning_scores
    assert scores.mentions == sum(map(len, gold)) >= 60
    assert scores.recall >= 0.95, scores.leaks


def test_few_wrong_replacements_and_name_free_lines_survive(tuning_scores):
    texts, gold, scores = tuning_scores
    assert len(scores.false_replacements) <= 2, scores.false_replacements
    name_free = [i for i, g in enumerate(gold) if not g]
    assert len(name_free) >= 40
    changed = [texts[i] for i in name_free if scores.outputs[i] != texts[i]]
    assert len(changed) <= 2, changed
    # the tricky capitalised words are still there
    joined = "\n".join(scores.outputs[i] for i in name_free)
    for word in ["Montfort-sur-Meu", "Saint-Méen-le-Grand", "Paimpont", "IDE ASALEE", "CPTS", "Patient partenaire",
                 "Pair aidant", "Alzheimer", "Parkinson", "Doctolib", "Gaël", "Septembre", "Dr disponible"]:
        assert word in joined, word


def test_control_set_written_after_the_rules(tmp_path, known):
    # never used to tune the rules: a regression guard, below the tuning-set figure on purpose
    texts, gold = _load("controle_avec_noms.jsonl", "controle_sans_noms.txt")
    scores = score_pseudonymizer(Pseudonymizer(key_path=tmp_path / "k.json", known_names=known), texts, gold)
    assert scores.recall >= 0.8, scores.leaks
    assert len(scores.false_replacements) <= 2, scores.false_replacements


def test_contacts_in_the_annotated_set_are_masked(tuning_scores):
    lines = (DATA / "lignes_avec_noms.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    _, _, scores = tuning_scores
    for i, row in enumerate(rows):
        for contact in row.get("contacts", []):
            assert contact not in scores.outputs[i]
    assert any(EMAIL_TOKEN in o for o in scores.outputs) and any(PHONE_TOKEN in o for o in scores.outputs)


@pytest.mark.shared("context/atelier_notes_msp_tables.txt")
def test_real_note_format_only_facilitator_lines_change(tmp_path):
    lines = REAL_NOTES.read_text(encoding="utf-8").splitlines()
    p = Pseudonymizer(key_path=tmp_path / "cle.json")
    out = p.pseudonymize_frame(pd.DataFrame({"texte": lines}), ["texte"])["texte"].tolist()
    changed = [(a, b) for a, b in zip(lines, out, strict=True) if a != b]
    facilitator_lines = [line for line in lines if line.startswith("Animé par")]
    assert len(facilitator_lines) == 4
    assert [a for a, _ in changed] == facilitator_lines
    assert not find_leaks(out, ["Marina", "Mélanie"])
    # same person, same token across tables
    assert len({b for a, b in changed if "Marina" in a}) == 1


# ---- e-mails and phone numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0612345678", "06-12-34-56-78",
     "+33 (0)6 12 34 56 78", "0033 2 99 09 12 34"],
)
def test_french_phone_numbers_are_masked(tmp_path, phone):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", use_ner=False)
    assert p.pseudonymize(f"rappeler au {phone}.") == f"rappeler au {PHONE_TOKEN}."


def test_numbers_that_are_not_phones_and_emails_survive(tmp_path):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", use_ner=False)
    text = "SIRET 83910701800013, code postal 35160, le 12/03/2026, 2 220 points, 45 minutes, 1ᵉʳ août 2025"
    assert p.pseudonymize(text) == text
    assert p.pseudonymize("écrire à jean-yves.le-guen+areas@mairie-iffendic.bzh !") == f"écrire à {EMAIL_TOKEN} !"


# ---- forms of names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mme Le Goff rappelle", "Mme [PERSONNE_1] rappelle"),
        ("le Dr. Lozac'h a proposé", "le Dr. [PERSONNE_1] a proposé"),
        ("Mme de La Villéon insiste", "Mme [PERSONNE_1] insiste"),
        ("mme le goff trouve que c'est loin", "mme [PERSONNE_1] trouve que c'est loin"),
        ("Jean-Yves Le Guen propose", "[PERSONNE_1] propose"),
        ("GUILLOU Maryvonne (usagère) :", "[PERSONNE_1] (usagère) :"),
        ("Animé par : Gwenn et Yvonnick", "Animé par : [PERSONNE_1] et [PERSONNE_2]"),
        ("Monsieur le Maire de Talensac", "Monsieur le Maire de Talensac"),
        ("pas de Dr disponible à Paimpont", "pas de Dr disponible à Paimpont"),
        ("rue Jean Jaurès à Bédée", "rue Jean Jaurès à Bédée"),
    ],
)
def test_name_forms_without_ner(tmp_path, text, expected):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", use_ner=False)
    assert p.pseudonymize(text) == expected


def test_later_and_earlier_occurrences_in_a_frame_are_replaced(tmp_path):
    # "Kervella" alone (row 0) is only recognisable thanks to "Dr Kervella" (row 1): two passes
    df = pd.DataFrame({"texte": ["Kervella ne prend plus de patients", "Le Dr Kervella part en retraite", None]})
    p = Pseudonymizer(key_path=tmp_path / "cle.json", use_ner=False)
    out = p.pseudonymize_frame(df, ["texte"])
    assert out["texte"].tolist()[:2] == [
        "[PERSONNE_1] ne prend plus de patients",
        "Le Dr [PERSONNE_1] part en retraite",
    ]
    assert pd.isna(out["texte"].iloc[2])
    assert df["texte"].iloc[0] == "Kervella ne prend plus de patients"  # input untouched


def test_first_name_alone_and_full_name_share_a_token(tmp_path):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", use_ner=False)
    facilitator = p.pseudonymize_name("Marina")
    out = p.pseudonymize_frame(
        pd.DataFrame({"t": ["Marina Le Goff note les idées", "marina relit", "Mme Le Goff conclut"]}), ["t"]
    )["t"].tolist()
    assert out == [f"{facilitator} note les idées", f"{facilitator} relit", f"Mme {facilitator} conclut"]


def test_known_list_first_names_ambiguous_between_two_people(tmp_path):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", known_names=["Marina Le Goff", "Marina Riou"], use_ner=False)
    a, b, alone = (p.pseudonymize(t) for t in ["Marina Le Goff", "Marina Riou", "Marina"])
    assert TOKEN.fullmatch(a) and TOKEN.fullmatch(b) and TOKEN.fullmatch(alone)
    assert len({a, b, alone}) == 3  # "Marina" alone cannot be attributed to either


def test_known_surname_that_is_a_french_word_needs_a_capital(tmp_path):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", known_names=["Rose Blanc"], use_ner=False)
    assert p.pseudonymize("un mur blanc, une rose") == "un mur blanc, une rose"
    token = p.pseudonymize("Rose Blanc")
    assert p.pseudonymize("Mme Blanc est venue") == f"Mme {token} est venue"


def test_pseudonymize_name_keeps_titles_separators_and_empty_values(tmp_path):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", use_ner=False)
    assert p.pseudonymize_name("Dr Kervella / Mélanie") == "Dr [PERSONNE_1] / [PERSONNE_2]"
    assert p.pseudonymize_name("  ") == "  "
    assert p.pseudonymize_name("Kervella") == "[PERSONNE_1]"
    assert p.pseudonymize("Kervella a répondu") == "[PERSONNE_1] a répondu"


# ---- the key -------------------------------------------------------------------------------------


def test_save_writes_mode_600_and_tokens_are_stable_across_runs(tmp_path):
    key = tmp_path / "data" / "private" / "cle_pseudonymisation.json"
    first = Pseudonymizer(key_path=key, use_ner=False)
    t_marina = first.pseudonymize_name("Marina Le Goff")
    t_kervella = first.pseudonymize_name("Kervella")
    assert first.save() == key.resolve()
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert json.loads(key.read_text(encoding="utf-8"))["personnes"][t_marina]["nom"] == "Marina Le Goff"

    second = Pseudonymizer(key_path=key, use_ner=False)  # next cycle: key loaded from disk
    assert second.pseudonymize("Le Dr Kervella et Marina") == f"Le Dr {t_kervella} et {t_marina}"
    assert second.pseudonymize_name("Soizic") == "[PERSONNE_3]"  # numbering goes on
    second.save()
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def test_saving_keeps_people_another_process_added_meanwhile(tmp_path):
    """Two notebooks loaded the same key; the one saving last must not drop the other's people."""
    key = tmp_path / "cle.json"
    start = Pseudonymizer(key_path=key, use_ner=False)
    start.pseudonymize_name("Marina Le Goff")
    start.save()
    first, second = (Pseudonymizer(key_path=key, use_ner=False) for _ in range(2))
    assert first.pseudonymize_name("Paul Riou") == "[PERSONNE_2]"
    first.save()
    assert second.pseudonymize("Marina est venue.") == "[PERSONNE_1] est venue."  # nobody new here
    second.save()
    people = json.loads(key.read_text(encoding="utf-8"))["personnes"]
    assert {t: e["nom"] for t, e in people.items()} == {"[PERSONNE_1]": "Marina Le Goff",
                                                         "[PERSONNE_2]": "Paul Riou"}
    assert second.pseudonymize_name("Paul Riou") == "[PERSONNE_2]"  # learnt from the disk on save
    assert second.pseudonymize_name("Anne Kervella") == "[PERSONNE_3]"


def test_saving_refuses_a_token_given_to_two_people_and_writes_nothing(tmp_path):
    key = tmp_path / "cle.json"
    first, second = (Pseudonymizer(key_path=key, use_ner=False) for _ in range(2))
    assert first.pseudonymize_name("Paul Riou") == second.pseudonymize_name("Anne Kervella") == "[PERSONNE_1]"
    first.save()
    before = key.read_bytes()
    with pytest.raises(AreasError, match=r"jeton \[PERSONNE_1\] y désigne une autre personne.*relancez"):
        second.save()
    assert key.read_bytes() == before
    edited = Pseudonymizer(key_path=key, use_ner=False)  # loads Paul = [PERSONNE_1]
    edited.pseudonymize_name("Paul Riou")
    key.write_text(before.decode("utf-8").replace("PERSONNE_1", "PERSONNE_7"), encoding="utf-8")  # edited by hand
    conflict = r"même personne y a reçu le jeton \[PERSONNE_7\] au lieu de \[PERSONNE_1\]"
    with pytest.raises(AreasError, match=conflict):
        edited.save()


def _add_first_name_and_save(key: str, first_name: str, barrier) -> None:
    p = Pseudonymizer(key_path=Path(key), use_ner=False)
    barrier.wait()  # every process has loaded the same key before anyone saves
    p.pseudonymize_name(first_name)
    p.save()


def test_concurrent_processes_saving_the_key_lose_nothing(tmp_path):
    import multiprocessing

    key = tmp_path / "cle.json"
    names = ["Marina Le Goff", "Paul Riou", "Anne Kervella", "Yves Morvan"]
    start = Pseudonymizer(key_path=key, known_names=names, use_ner=False)
    tokens = [start.pseudonymize_name(n) for n in names]
    start.save()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(names))
    procs = [ctx.Process(target=_add_first_name_and_save, args=(str(key), n.split()[0], barrier)) for n in names]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    assert [proc.exitcode for proc in procs] == [0] * len(names)
    people = json.loads(key.read_text(encoding="utf-8"))["personnes"]
    assert list(people) == tokens
    for token, name in zip(tokens, names, strict=True):
        assert name.split()[0] in people[token]["formes"]  # each process's new form survived the others


def test_default_key_path_is_under_private_dir():
    assert Pseudonymizer(use_ner=False).key_path == config.PRIVATE_DIR / "cle_pseudonymisation.json"


def test_save_refuses_outputs_dir():
    p = Pseudonymizer(key_path=config.OUTPUTS_DIR / "x" / "cle.json", use_ner=False)
    with pytest.raises(AreasError, match="outputs|jamais"):
        p.save()
    assert not (config.OUTPUTS_DIR / "x").exists()


def test_unreadable_key_gives_a_french_error(tmp_path):
    key = tmp_path / "cle.json"
    key.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(AreasError, match="cle.json : clé de pseudonymisation illisible"):
        Pseudonymizer(key_path=key)
    key.write_text(json.dumps({"personnes": {"Marina": {"nom": "Marina"}}}), encoding="utf-8")
    with pytest.raises(AreasError, match="« Marina » invalide"):
        Pseudonymizer(key_path=key)


def test_detect_explains_and_does_not_change_the_key(tmp_path):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", use_ner=False)
    dets = p.detect(["Mme Guéguen : 06 12 34 56 78"])[0]
    assert [(d.text, d.kind, d.source) for d in dets] == [
        ("Guéguen", "personne", "titre"), ("06 12 34 56 78", "telephone", "telephone")
    ]
    assert p.key == {}


def test_missing_column_is_named_in_french(tmp_path):
    p = Pseudonymizer(key_path=tmp_path / "cle.json", use_ner=False)
    with pytest.raises(AreasError, match="« verbatim »"):
        p.pseudonymize_frame(pd.DataFrame({"texte": ["a"]}), ["verbatim"])


# ---- lists and leak checks -----------------------------------------------------------------------


def test_load_known_names_comments_duplicates_and_cp1252(tmp_path):
    path = tmp_path / "noms.txt"
    path.write_bytes("# liste\n\nMélanie Riou  # animatrice\nmélanie riou\n  Soizic Jaouen\n".encode("cp1252"))
    assert load_known_names(path) == ["Mélanie Riou", "Soizic Jaouen"]
    assert load_known_names(DATA / "noms_projet.txt")[:2] == ["Marina Le Goff", "Mélanie Riou"]
    with pytest.raises(AreasError, match="absent.txt"):
        load_known_names(tmp_path / "absent.txt")


def test_find_leaks_is_case_accent_insensitive_on_word_boundaries():
    texts = ["MELANIE a dit", "la marinade", "Rien", None, "Kervella seul"]
    leaks = find_leaks(texts, ["Mélanie", "Marina", "Yann Kervella"])
    assert [(lk.index, lk.found) for lk in leaks] == [(0, "MELANIE")]
    parts = find_leaks(texts, ["Yann Kervella"], parts=True)
    assert [(lk.index, lk.name) for lk in parts] == [(4, "Kervella")]


# ---- real open answers (read in place) -----------------------------------------------------------

ELF = config.SHARED_DIR / "external" / "elf_coded_answers.csv"


@pytest.mark.shared("external/elf_coded_answers.csv")
def test_real_open_answers_keep_ordinary_words(tmp_path):
    # Grand Débat 2019 answers (Etalab licence): almost no private names, many "&&", elisions, typos
    answers = list(dict.fromkeys(pd.read_csv(ELF, sep=";", dtype=str, nrows=1500)["corpus"].dropna()))[:400]
    p = Pseudonymizer(key_path=tmp_path / "cle.json")
    out = p.pseudonymize_frame(pd.DataFrame({"r": answers}), ["r"])["r"].tolist()
    elided = re.compile(r"\b(?:c|j|l|qu)['’]\w+", re.IGNORECASE)
    assert sum(len(elided.findall(a)) for a in answers) == sum(len(elided.findall(o)) for o in out) > 100
    touched = sum(1 for a, o in zip(answers, out, strict=True) if a != o)
    assert touched <= 0.05 * len(answers), [o for a, o in zip(answers, out, strict=True) if a != o]


def test_ner_only_surname_spreads_to_capitalised_occurrences_only(tmp_path):
    p = Pseudonymizer(key_path=tmp_path / "cle.json")
    texts = ["La réaction de Mélenchon au second tour", "Mélenchon a parlé", "un mélenchon"]
    out = p.pseudonymize_frame(pd.DataFrame({"t": texts}), ["t"])["t"].tolist()
    assert "Mélenchon" not in " ".join(out)
    assert out[2] == "un mélenchon"


@pytest.mark.parametrize(
    "text",
    ["Racisme, sexisme, homophobie&&Apprendre le respect dès le plus jeune âge",
     "C'est pas cher c'est sûr&&J'essaie de ne pas gaspiller",
     "&&Interdire le commerce des armes&&Allonger le congé parental"],
)
def test_sentence_starts_elisions_and_infinitives_are_not_names(tmp_path, text):
    assert Pseudonymizer(key_path=tmp_path / "cle.json").pseudonymize(text) == text
