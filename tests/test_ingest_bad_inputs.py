"""A corpus of bad inputs: each gives ONE French error naming file, row and column of every problem."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from areas_analysis.errors import InputError
from areas_analysis.ingest import load_dictionary, read_survey
from areas_analysis.ingest.notes import _read_notes_raw

BAD = Path(__file__).parent / "data" / "ingest" / "bad"
DICT = Path(__file__).parent / "data" / "ingest" / "survey" / "usagers.yaml"
LIKERT = "Je sais où trouver une information fiable sur ma santé"

#: file, dictionary, expected problems as (row, column, words of the message)
SURVEY_CASES = [
    ("likert_hors_echelle.csv", DICT, [(3, LIKERT, "« Bof » hors de l'échelle"),
                                       (5, LIKERT, "« Plutôt oui » hors de l'échelle")]),
    ("ids_en_double.csv", DICT, [(4, "Identifiant", "identifiant « U001 » en double (déjà ligne 2)")]),
    ("colonne_manquante.csv", DICT, [(1, "Commune de résidence", "colonne attendue absente du fichier")]),
    ("date_illisible.csv", DICT, [
        (3, "Date de réponse", "date « 31/02/2026 » illisible (format attendu : JJ/MM/AAAA)"),
        (4, "Date de réponse", "date « hier » illisible")]),
    ("nombre_invalide.csv", DICT, [
        (2, "Distance au médecin traitant (km)", "« douze » n'est pas un nombre"),
        (5, "Distance au médecin traitant (km)", "350 hors de l'intervalle prévu [0 ; 200]")]),
    ("obligatoire_vide.csv", DICT, [(3, "Commune de résidence", "réponse obligatoire manquante")]),
    ("choix_inconnus.csv", DICT, [
        (2, "Quelles difficultés rencontrez-vous pour accéder aux soins ?", "choix inconnu(s) « Téléportation »"),
        (3, "Votre âge", "valeur « 18 ans » hors des catégories prévues")]),
    ("encodage_cp1252.csv", BAD / "usagers_utf8.yaml", [
        (1, "B", "n'est pas encodé en utf-8 comme indiqué (octet 0xe9 illisible) ; encodage probable : cp1252")]),
]


@pytest.mark.parametrize(("name", "dictionary", "expected"), SURVEY_CASES, ids=[c[0] for c in SURVEY_CASES])
def test_bad_survey_gives_one_french_error_listing_all_problems(name: str, dictionary: Path,
                                                                expected: list[tuple[int, str, str]]) -> None:
    path = BAD / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InputError) as err:
        read_survey(path, dictionary)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    problems = err.value.problems
    assert [(p.row, p.column) for p in problems] == [(row, col) for row, col, _ in expected]
    message = str(err.value)
    for (row, column, words), problem in zip(expected, problems, strict=True):
        assert words in problem.message
        assert f"{name}, ligne {row}, colonne « {column} » : " in message
    assert "Traceback" not in message


def test_bad_survey_problems_are_all_listed_at_once(tmp_path: Path) -> None:
    """Several kinds of problems in one file: all of them in one error, in row order."""
    text = (BAD.parent / "survey" / "usagers_ok.csv").read_text(encoding="utf-8")
    text = text.replace("Plutôt d'accord", "Bof").replace("U004", "U002").replace(",12,", ",-3,")
    path = tmp_path / "plusieurs.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_survey(path, DICT)
    rows = [(p.row, p.column) for p in err.value.problems]
    assert rows == [(2, LIKERT), (3, "Distance au médecin traitant (km)"), (5, "Identifiant")]
    assert str(err.value).startswith("3 problème(s) dans plusieurs.csv")


def test_invalid_dictionary_lists_every_entry_problem() -> None:
    with pytest.raises(InputError) as err:
        load_dictionary(BAD / "dictionnaire_invalide.yaml")
    got = [(p.row, p.column) for p in err.value.problems]
    assert got == [(4, "Identifiant"), (7, LIKERT), (10, "Distance (km)"), (10, "Distance (km)"),
                   (15, "Difficultés"), (15, "Difficultés"), (15, "Difficultés")]
    msg = str(err.value)
    assert "type « identifiant » inconnu" in msg
    assert "une colonne likert doit donner son échelle « scale »" in msg
    assert "« min » (10) est supérieur à « max » (2)" in msg
    assert "clé inconnue « catgories »" in msg


def test_unreadable_yaml_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("questionnaire: x\ncolumns:\n  - column: [non fermé\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_dictionary(path)
    assert err.value.problems[0].row is not None and "YAML illisible" in str(err.value)


def test_notes_without_metadata() -> None:
    with pytest.raises(InputError) as err:
        _read_notes_raw(BAD / "notes_sans_metadonnees.txt")
    assert "notes_sans_metadonnees.txt : métadonnées de l'atelier introuvables" in str(err.value)


def test_notes_with_bad_manifest() -> None:
    with pytest.raises(InputError) as err:
        _read_notes_raw(BAD / "notes_sans_metadonnees.txt", manifest=BAD / "manifest_invalide.csv")
    assert [(p.row, p.column) for p in err.value.problems] == [
        (2, "atelier_id"), (2, "date"), (2, "public"), (2, "participants")]
    assert "public « habitants » inconnu (possibles : usagers, pros, mixte, aidants)" in str(err.value)


def test_notes_with_unknown_heading_are_kept_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "2026-06-01_treffendel_A09.txt"
    path.write_text("Table 1\nVÉCU DES AIDANTS\n- Épuisement\nRemarques en vrac :\n- Rien\n", encoding="utf-8")
    rows = _read_notes_raw(path)
    seg = rows[rows["kind"] == "segment"]
    assert seg["section"].tolist() == ["vecu_aidants", "remarques_vrac"]
    assert seg["heading"].tolist() == ["VÉCU DES AIDANTS", "Remarques en vrac :"]


def test_wrong_header_rows_gets_a_hint() -> None:
    """A Framaforms export (3 header rows) read with a 1-header-row dictionary."""
    with pytest.raises(InputError) as err:
        read_survey(BAD.parent / "survey" / "framaforms_export.tsv", DICT)
    first = err.value.problems[0]
    assert (first.row, first.column) == (1, None) and "vérifiez « header_rows »" in first.message
    assert all(p.message.startswith("colonne attendue absente") for p in err.value.problems[1:])


def test_trailing_separators_do_not_make_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Identifiant;Commune de résidence;;\nU1;Bédée;;\nU2;Iffendic;;\n", encoding="utf-8")
    s = read_survey(path, BAD / "usagers_utf8.yaml")
    assert s.ignored_columns == [] and s.responses["commune"].tolist() == ["Bédée", "Iffendic"]
