"""Questionnaire exports: encodings, separators, layouts, dictionary inference, round trip."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from areas_analysis.config import SHARED_DIR
from areas_analysis.errors import AreasError, InputError
from areas_analysis.ingest import (
    infer_dictionary,
    load_dictionary,
    open_answers,
    read_raw_export,
    read_responses,
    read_survey,
    save_dictionary,
    write_responses,
)

DATA = Path(__file__).parent / "data" / "ingest"
SURVEY = DATA / "survey" / "usagers_ok.csv"
DICT = DATA / "survey" / "usagers.yaml"
FRAMA = DATA / "survey" / "framaforms_export.tsv"
LIMESURVEY = SHARED_DIR / "external" / "limesurvey_export" / "results-survey4914.xlsx"
SCALE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return read_survey(SURVEY, DICT).responses


def test_dictionary_types_every_kind(reference: pd.DataFrame) -> None:
    r = reference.set_index("respondent_id")
    assert list(r.index) == ["U001", "U002", "U003", "U004"]
    # likert: ordered categorical of the scale; typographic apostrophe matched; "je ne sais pas" → NA
    assert isinstance(r["info_fiable"].dtype, pd.CategoricalDtype) and r["info_fiable"].cat.ordered
    assert list(r["info_fiable"].cat.categories) == SCALE
    assert r.loc["U002", "info_fiable"] == "Tout à fait d'accord"
    assert pd.isna(r.loc["U003", "info_fiable"])
    assert r["info_fiable"].min() == "Pas du tout d'accord"
    # "don't know" kept apart from an empty cell in the companion column
    assert r["info_fiable__ne_sait_pas"].tolist() == [0, 0, 1, 0]
    assert str(r["info_fiable__ne_sait_pas"].dtype) == "Int8"
    # closed ordered
    assert r["tranche_age"].cat.ordered and r.loc["U004", "tranche_age"] == "Moins de 30 ans"
    # multi in one cell: 0/1 per option, case and spaces ignored; unanswered → NA
    assert r.loc["U004", ["difficultes__delais_rendez", "difficultes__medecin_traitant",
                          "difficultes__cout"]].tolist() == [1, 1, 0]
    assert r.loc["U003", [c for c in r.columns if c.startswith("difficultes__")]].isna().all()
    assert str(r["difficultes__cout"].dtype) == "Int8"
    # numeric with decimal comma, date, open with a line break kept
    assert r.loc["U001", "distance_medecin_km"] == 4.5 and pd.isna(r.loc["U003", "distance_medecin_km"])
    assert r.loc["U004", "date_reponse"] == pd.Timestamp("2026-02-15")
    assert r.loc["U001", "besoins_commune"] == ("Un médecin traitant pour tous.\n"
                                                 "Et des transports vers Rennes, le samedi aussi.")
    assert pd.isna(r.loc["U002", "besoins_commune"])


def _variant(tmp_path: Path, name: str, encoding: str, sep: str, newline: str) -> Path:
    df = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    text = df.to_csv(index=False, sep=sep, lineterminator="\n")
    text = text.replace("\n", newline)  # also inside the quoted multi-line answer, as old Excel does
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "sep", "newline", "expected_encoding", "expected_newline"),
    [
        ("utf-8-sig", ",", "\r\n", "utf-8-sig", "CRLF"),  # Excel « CSV UTF-8 »
        ("cp1252", ";", "\r\n", "cp1252", "CRLF"),  # Excel « CSV (séparateur : point-virgule) »
        ("cp1252", ";", "\r", "cp1252", "CR"),  # old Mac Excel: CR-only
        ("utf-16", "\t", "\r\n", "utf-16", "CRLF"),  # Excel « Texte Unicode »
        ("utf-8", "\t", "\n", "utf-8", "LF"),
        ("latin-1", ",", "\n", "cp1252", "LF"),  # latin-1 text without ’ decodes identically as cp1252
    ],
)
def test_encodings_separators_line_endings(tmp_path: Path, reference: pd.DataFrame, encoding: str, sep: str,
                                           newline: str, expected_encoding: str, expected_newline: str) -> None:
    if encoding == "latin-1":  # latin-1 has no typographic apostrophe
        text = SURVEY.read_text(encoding="utf-8").replace("’", "'")
        src = tmp_path / "src.csv"
        src.write_text(text, encoding="utf-8")
        df = pd.read_csv(src, dtype=str, keep_default_na=False)
        path = tmp_path / "export.csv"
        path.write_bytes(df.to_csv(index=False, sep=sep, lineterminator=newline).encode(encoding))
    else:
        path = _variant(tmp_path, "export.csv", encoding, sep, newline)
    before = sha256(path)
    s = read_survey(path, DICT)
    assert sha256(path) == before
    assert (s.encoding, s.separator, s.newline, s.encoding_detected) == (expected_encoding, sep, expected_newline,
                                                                         True)
    pd.testing.assert_frame_equal(s.responses, reference)
    assert "encodage" in s.summary() and "détecté" in s.summary()


def test_row_numbers_count_multi_line_answers_as_one_row(tmp_path: Path) -> None:
    text = SURVEY.read_text(encoding="utf-8").replace("U002,Bédée,75 ans et plus", "U002,Bédée,90 ans")
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_survey(path, DICT)
    # U002 is on the 4th physical line (U001's answer spans two) but on spreadsheet row 3
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "Votre âge")]


def test_framaforms_three_header_rows(tmp_path: Path) -> None:
    s = read_survey(FRAMA)
    assert (s.header_rows, s.separator) == (3, "\t")
    kinds = {c.column: c.kind for c in s.dictionary.columns}
    assert kinds["Détails de la soumission [Numéro]"] == "id"
    assert kinds["Heure de soumission"] == "date"
    multi = next(c for c in s.dictionary.columns if c.kind == "multi")
    assert multi.column == "Quelles difficultés rencontrez-vous pour accéder aux soins ?"
    assert multi.options == ["Délais de rendez-vous", "Distance / transport", "Coût", "Pas de médecin traitant"]
    likert = next(c for c in s.dictionary.columns if c.kind == "likert")
    assert likert.missing == ["Sans opinion"]
    r = s.responses
    assert r[multi.option_name("Distance / transport")].astype("float").fillna(-1).tolist() == [0, 1, -1, 1, 0]
    assert r["heure_soumission"].iloc[0] == pd.Timestamp("2026-02-12 10:31")
    assert "\n" in r[[c.name for c in s.dictionary.columns if c.kind == "open"][-1]].iloc[0]

    # a bad cell in the second response is reported on spreadsheet row 5 (3 header rows + 2)
    dict_path = save_dictionary(s.dictionary, tmp_path / "frama.yaml")
    bad = tmp_path / "frama_bad.tsv"
    bad.write_text(FRAMA.read_text(encoding="utf-8").replace("Tout à fait d'accord", "Bof"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_survey(bad, dict_path)
    assert [(p.row, p.column) for p in err.value.problems] == [
        (5, "Je sais où trouver une information fiable sur ma santé")]


@pytest.mark.shared("external/limesurvey_export/results-survey4914.xlsx")
def test_limesurvey_full_text_export_in_place() -> None:
    before = sha256(LIMESURVEY)
    s = read_survey(LIMESURVEY)
    assert sha256(LIMESURVEY) == before
    # independent reading with openpyxl
    wb = openpyxl.load_workbook(LIMESURVEY, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header, data = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    assert len(s.responses) == len(data) and s.encoding is None
    by_column = {c.column: c for c in s.dictionary.columns}
    assert by_column["ID réponse"].kind == "id"
    venu = by_column["Vous êtes venu:"]
    assert (venu.kind, venu.layout) == ("multi", "columns")
    assert venu.options == ["Seul", "Avec mon conjoint / ma conjointe", "En famille", "Avec des amis"]
    q = "À quelle(s) source(s) avez-vous eu recours pour vous informer sur le week-end Caves Ouvertes?"
    sources = by_column[q]
    assert len(sources.options) == 4
    assert by_column["Vous habitez dans quel pays? [Autre]"].kind == "open"
    assert by_column["Quel est votre âge?"].kind == "numeric"
    j = header.index("Vous êtes venu: [En famille]")
    assert int(s.responses[venu.option_name("En famille")].sum()) == sum(r[j] == "Oui" for r in data)
    # unanswered (NA) only when no option of the question was answered; "Seul" makes the others 0
    cols = [header.index(h) for h in venu.option_columns.values()]
    n_unanswered = sum(all(r[c] in (None, "N/A") for c in cols) for r in data)
    assert int(s.responses[venu.option_name("En famille")].isna().sum()) == n_unanswered
    k = header.index("Quel est votre âge?")
    ages = [float(r[k]) for r in data if isinstance(r[k], int | float)]
    assert s.responses["age"].mean() == pytest.approx(sum(ages) / len(ages))


def test_xlsx_with_real_date_and_number_cells(tmp_path: Path) -> None:
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Identifiant", "Date de réponse", "Distance au médecin traitant (km)", "Commune de résidence"])
    ws.append([1, dt.datetime(2026, 2, 12), 4.5, "Bédée"])
    ws.append([2, dt.datetime(2026, 2, 13, 9, 30), 12, "Talensac"])
    ws.append([None, None, None, None])
    path = tmp_path / "saisie_papier.xlsx"
    wb.save(path)
    s = read_survey(path)
    kinds = {c.name: c.kind for c in s.dictionary.columns}
    assert kinds == {"identifiant": "id", "date_reponse": "date", "distance_medecin_traitant_km": "numeric",
                     "commune_residence": "commune"}
    assert s.responses["identifiant"].tolist() == ["1", "2"]
    assert s.responses["date_reponse"].tolist() == [pd.Timestamp("2026-02-12"), pd.Timestamp("2026-02-13 09:30")]
    # a date column with a day-first format still accepts real XLSX date cells (ISO)
    d = load_dictionary(save_dictionary(s.dictionary, tmp_path / "d.yaml"))
    d.spec("date_reponse").format = "%d/%m/%Y"
    edited = read_survey(path, d)
    assert edited.responses["date_reponse"].notna().all()
    # a dictionary edited in memory is saved as it is, not copied from its stale source file
    written = write_responses(edited, tmp_path / "out")["dictionary"]
    assert load_dictionary(written).spec("date_reponse").format == "%d/%m/%Y"


def test_google_forms_cell_multi_and_kobo_columns(tmp_path: Path) -> None:
    google = tmp_path / "google.csv"
    google.write_text(
        "Horodateur,Quelles difficultés ?,Êtes-vous satisfait de votre médecin ?,Allez-vous aux urgences ?\n"
        '12/02/2026 10:31:05,"Coût, Délais de rendez-vous",Très satisfait,Jamais\n'
        "12/02/2026 11:02:44,Délais de rendez-vous,Satisfait,Rarement\n"
        '13/02/2026 09:15:00,"Distance / transport, Coût",NSP,Souvent\n'
        '13/02/2026 20:00:10,"Délais de rendez-vous, Distance / transport",Très insatisfait,Parfois\n',
        encoding="utf-8")
    s = read_survey(google)
    specs = {c.column: c for c in s.dictionary.columns}
    assert specs["Horodateur"].kind == "date" and specs["Horodateur"].format == "%d/%m/%Y %H:%M:%S"
    multi = specs["Quelles difficultés ?"]
    assert (multi.kind, multi.layout, multi.separator) == ("multi", "cell", ",")
    assert set(multi.options) == {"Coût", "Délais de rendez-vous", "Distance / transport"}
    sat = specs["Êtes-vous satisfait de votre médecin ?"]
    assert sat.kind == "likert" and sat.scale[-1] == "Très satisfait" and sat.missing == ["NSP"]
    assert specs["Allez-vous aux urgences ?"].scale == ["Jamais", "Rarement", "Parfois", "Souvent", "Toujours"]
    assert s.responses[multi.option_name("Coût")].tolist() == [1, 0, 1, 0]

    kobo = tmp_path / "kobo.csv"
    kobo.write_text("_id;difficultes/cout;difficultes/delais;difficultes/distance;age\n"
                    "501;1;0;0;34\n502;0;1;1;71\n503;0;0;0;45\n", encoding="utf-8")
    k = read_survey(kobo)
    multi = next(c for c in k.dictionary.columns if c.kind == "multi")
    assert multi.option_columns == {"cout": "difficultes/cout", "delais": "difficultes/delais",
                                    "distance": "difficultes/distance"}
    assert k.responses[multi.option_name("delais")].tolist() == [0, 1, 0]
    assert next(c for c in k.dictionary.columns if c.column == "_id").kind == "id"


def test_infer_dictionary_on_a_raw_frame() -> None:
    raw = pd.DataFrame({
        "Identifiant": ["a1", "a2", "a3", "a4"],
        "La MSP est facile d'accès": ["Tout à fait d'accord", "Plutôt pas d'accord", "Je ne sais pas",
                                      "Ni d'accord ni pas d'accord"],
        "Importance de la prévention": ["Très important", "Peu important", "Important", "Très important"],
        "Vos suggestions": ["Ouvrir le samedi matin", "Plus de spécialistes à Montfort",
                            "Un bus pour aller à Rennes", None],
    }, dtype="str")
    d = infer_dictionary(raw)
    kinds = {c.column: (c.kind, c.scale, c.missing) for c in d.columns}
    assert kinds["Identifiant"][0] == "id"
    assert kinds["La MSP est facile d'accès"] == ("likert", SCALE, ["Je ne sais pas"])
    assert kinds["Importance de la prévention"][0] == "likert"
    assert kinds["Vos suggestions"][0] == "open"
    assert all(c.note for c in d.columns)


def test_dictionary_yaml_round_trip(tmp_path: Path) -> None:
    d = read_survey(FRAMA).dictionary
    path = save_dictionary(d, tmp_path / "dictionary.yaml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Dictionnaire de données AREAS") and "# déduit :" in text
    back = load_dictionary(path)
    assert [c.to_yaml() for c in back.columns] == [c.to_yaml() for c in d.columns]
    assert (back.header_rows, back.questionnaire) == (3, d.questionnaire)


def test_write_and_read_responses_round_trip(tmp_path: Path, reference: pd.DataFrame) -> None:
    s = read_survey(SURVEY, DICT)
    paths = write_responses(s, tmp_path / "out")
    assert paths["dictionary"].read_bytes() == DICT.read_bytes()  # a copy, comments kept
    assert "problems" not in paths
    back = read_responses(tmp_path / "out")
    pd.testing.assert_frame_equal(back, reference)
    with pytest.raises(AreasError, match="existe déjà"):
        write_responses(s, tmp_path / "out")
    text = paths["responses"].read_text(encoding="utf-8")
    assert "2026-02-12" in text and "Plutôt d'accord" in text

    # without a dictionary: the inferred draft is written, and read back with it
    s2 = read_survey(FRAMA)
    paths2 = write_responses(s2, tmp_path / "out2")
    assert "brouillon" in paths2["dictionary"].read_text(encoding="utf-8").lower()
    back2 = read_responses(tmp_path / "out2")
    pd.testing.assert_frame_equal(back2, s2.responses)


def test_lenient_keeps_going_and_writes_problems(tmp_path: Path) -> None:
    path = DATA / "bad" / "likert_hors_echelle.csv"
    s = read_survey(path, DICT, lenient=True)
    assert [(p.row, p.column) for p in s.problems] == [
        (3, "Je sais où trouver une information fiable sur ma santé"),
        (5, "Je sais où trouver une information fiable sur ma santé")]
    assert s.responses["info_fiable"].isna().tolist() == [False, True, True, True]  # U003 was « je ne sais pas »
    assert s.responses["info_fiable__ne_sait_pas"].astype("float").fillna(-1).tolist() == [0, -1, 1, -1]
    paths = write_responses(s, tmp_path)
    report = pd.read_csv(paths["problems"], sep=";", encoding="utf-8-sig")  # Excel's French dialect
    assert list(report.columns) == ["fichier", "ligne", "colonne", "probleme"]
    assert report["ligne"].tolist() == [3, 5] and report["probleme"].str.contains("Bof|Plutôt oui").all()

    dup = read_survey(DATA / "bad" / "ids_en_double.csv", DICT, lenient=True)
    assert dup.responses["respondent_id"].tolist() == ["U001", "U002", "U004"]
    assert dup.rows == [2, 3, 5] and "ligne écartée" in dup.problems[0].message


def test_open_answers_long_form(reference: pd.DataFrame) -> None:
    s = read_survey(SURVEY, DICT)
    oa = open_answers(s)
    assert list(oa.columns) == ["id", "respondent_id", "question", "text"]
    assert oa["id"].tolist() == ["U001:besoins_commune", "U003:besoins_commune", "U004:besoins_commune"]
    assert oa["id"].is_unique

    # without an id column, respondents are named after their spreadsheet row
    raw = read_raw_export(SURVEY)
    d = infer_dictionary(raw.frame.drop(columns=["Identifiant"]))
    no_id = pd.DataFrame(raw.frame.drop(columns=["Identifiant"]))
    assert d.id_spec is None and len(no_id) == 4
    s2 = read_survey(SURVEY, d)
    assert s2.responses["respondent_id"].tolist() == ["L2", "L3", "L4", "L5"]
    assert "Identifiant" in s2.ignored_columns


def test_read_survey_pseudonymises_open_answers_and_messages(tmp_path: Path) -> None:
    privacy = pytest.importorskip("areas_analysis.privacy")
    pz = privacy.Pseudonymizer(key_path=tmp_path / "cle.json", known_names=["Martin"], use_ner=False)
    s = read_survey(SURVEY, DICT, pseudonymizer=pz)
    text = s.responses.set_index("respondent_id").loc["U004", "besoins_commune"]
    assert "Martin" not in text and "06 12 34 56 78" not in text and "[PERSONNE_" in text
    assert s.pseudonymised
    bad = tmp_path / "bad.csv"
    bad.write_text(SURVEY.read_text(encoding="utf-8").replace("Plutôt d'accord", "Demander à Martin"),
                   encoding="utf-8")
    s = read_survey(bad, DICT, pseudonymizer=pz, lenient=True)
    assert s.problems and "Martin" not in str(s.problems[0])


def test_unsupported_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "vieux.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    with pytest.raises(InputError, match=r"vieux\.xls : format Excel 97"):
        read_survey(tmp_path / "vieux.xls")
    (tmp_path / "vide.csv").write_bytes(b"")
    with pytest.raises(InputError, match=r"vide\.csv : fichier vide"):
        read_survey(tmp_path / "vide.csv")
    with pytest.raises(InputError, match="fichier introuvable"):
        read_survey(tmp_path / "absent.csv")


@pytest.mark.shared("external/limesurvey_export/results-survey4914.xlsx")
def test_hand_written_dictionary_matches_headers_up_to_spaces_and_case(tmp_path: Path) -> None:
    """LimeSurvey writes a non-breaking space in « Quel moyen… »; the researcher types an ordinary one."""
    wb = openpyxl.load_workbook(LIMESURVEY, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    j = next(i for i, h in enumerate(rows[0]) if h.startswith("Quel") and "transport" in h)
    assert "\xa0" in rows[0][j]  # precondition: the export's header really differs
    d = tmp_path / "d.yaml"
    d.write_text(
        "questionnaire: caves\nversion: '1'\ncolumns:\n"
        "  - {column: 'ID réponse', name: id_reponse, kind: id}\n"
        "  - column: 'Quel moyen de transport avez-vous utilisé pour vous rendre sur place?'\n"
        "    name: transport\n    kind: closed\n"
        "    categories: ['Transports publics (train, bus, etc.)', 'Voiture privée', 'À pied', 'Moto, scooter',\n"
        "                 'Vélo', 'Autre']\n"
        "  - {column: 'VOUS ÊTES:', name: genre, kind: closed, categories: [Une femme, Un homme],\n"
        "     missing: [N/A]}\n",
        encoding="utf-8")
    s = read_survey(LIMESURVEY, d)
    assert int(s.responses["transport"].notna().sum()) == sum(r[j] is not None for r in rows[1:])
    assert set(s.responses["genre"].dropna()) == {"Une femme", "Un homme"}
