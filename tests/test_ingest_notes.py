"""Atelier notes → segments: the real note format, written variants, .docx, metadata, privacy."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import docx
import pandas as pd
import pytest

from areas_analysis.config import SHARED_DIR
from areas_analysis.errors import InputError
from areas_analysis.ingest import SEGMENT_COLUMNS, canonical_section, load_notes, metadata_from_filename
from areas_analysis.ingest.notes import _classify, _Line, _read_notes_raw

DATA = Path(__file__).parent / "data" / "ingest"
REAL_NOTES = SHARED_DIR / "context" / "atelier_notes_msp_tables.txt"
VARIANT_TXT = DATA / "notes" / "2026-02-12_montfort-sur-meu_A01_usagers.txt"
VARIANT_MD = DATA / "notes" / "2026-03-05_saint-meen-le-grand_A02_pros.md"
FICHE = DATA / "fiche" / "fiche_projet_mobilite.txt"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def real_manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A manifest beside nothing: ``fichier`` points at the shared notes, read in place."""
    d = tmp_path_factory.mktemp("manifeste")
    path = d / "manifest.csv"
    path.write_text(
        "fichier,atelier_id,commune,date,public,participants\n"
        f"{REAL_NOTES},MSP1,Montfort-sur-Meu,2025-11-20,mixte,\n",
        encoding="utf-8",
    )
    return path


def _unmark(text: str) -> str:
    """Line text without Markdown marks, list marker and extra spaces (test-side, deliberately simple)."""
    t = re.sub(r"^#+\s*|\*\*|__", "", text.strip())
    t = re.sub(r"^(?:->|[-•*–]|\d+[.)])\s+", "", t)
    return " ".join(t.split())


def assert_every_line_recovered(rows: pd.DataFrame, lines: dict[int, str]) -> None:
    """Every non-empty input line is accounted for by the rows at its line number.

    Segments: their texts joined with spaces end the line (after the marker or an
    inline heading). Table lines contain their number, facilitator lines the name,
    heading lines the heading text; ``raw`` is the line itself.
    """
    by_line = {n: g for n, g in rows.groupby("line")}
    for n, text in lines.items():
        if not text.strip():
            assert n not in by_line, f"ligne vide {n} a produit des lignes"
            continue
        assert n in by_line, f"ligne {n} perdue : {text!r}"
        g = by_line[n]
        assert set(g["raw"]) == {text.strip()}
        kinds = set(g["kind"])
        segs = g[g["kind"] == "segment"].sort_values("segment_id")
        if len(segs):
            joined = " ".join(segs["text"])
            assert _unmark(text).endswith(joined), (n, text, joined)
            prefix = _unmark(text)[: len(_unmark(text)) - len(joined)].strip()
            if prefix:  # only an inline heading may precede the content
                assert "heading" in kinds and prefix.rstrip(" :") == g["heading"].iloc[0].rstrip(" :"), (n, prefix)
        if "table" in kinds:
            assert str(int(g["table"].iloc[0])) in text
        if "facilitator" in kinds:
            assert str(g["_name"].iloc[0]) in text
        if "heading" in kinds:
            assert g["heading"].iloc[0] in text


def _lines(path: Path) -> dict[int, str]:
    return dict(enumerate(path.read_text(encoding="utf-8").split("\n"), start=1))


# --------------------------------------------------------------------------- the real note file


@pytest.mark.shared("context/atelier_notes_msp_tables.txt")
def test_real_notes_read_in_place(real_manifest: Path) -> None:
    before = sha256(REAL_NOTES)
    rows = _read_notes_raw(REAL_NOTES, manifest=real_manifest)
    assert sha256(REAL_NOTES) == before

    text_lines = _lines(REAL_NOTES)
    # Independent expectations computed from the file with plain string tests.
    tables = [int(re.findall(r"\d+", t)[0]) for t in text_lines.values() if t.startswith("Table n°")]
    names = [t.split(":", 1)[1].strip() for t in text_lines.values() if t.startswith("Animé par")]
    headings = {"Constats/Situation actuelle", "Idées/Pistes d'action", "Conditions de mise en œuvre",
                "Idées phares à transmettre", "Freins"}
    content = {n: t for n, t in text_lines.items()
               if t.strip() and not t.startswith(("Table n°", "Animé par")) and t.strip() not in headings}

    assert rows.loc[rows["kind"] == "table", "table"].tolist() == tables == [2, 2, 1, 1]
    assert rows.loc[rows["kind"] == "facilitator", "_name"].tolist() == names
    assert set(rows.loc[rows["kind"] == "heading", "heading"]) == headings
    seg = rows[rows["kind"] == "segment"]
    assert set(seg["line"]) == set(content)
    assert len(seg) == len(content)  # each content line of this file is one bullet or one sentence
    assert seg["segment_id"].is_unique
    assert seg["segment_id"].str.fullmatch(r"MSP1-L\d{4}-1").all()
    assert set(seg["commune"]) == {"Montfort-sur-Meu"} and set(seg["public"]) == {"mixte"}
    assert_every_line_recovered(rows, text_lines)


@pytest.mark.shared("context/atelier_notes_msp_tables.txt")
def test_real_notes_sections_and_short_content_lines(real_manifest: Path) -> None:
    rows = _read_notes_raw(REAL_NOTES, manifest=real_manifest)
    seg = rows[rows["kind"] == "segment"].set_index("line")
    lines = _lines(REAL_NOTES)
    n_financement = next(n for n, t in lines.items() if t == "Financement")
    n_freins = next(n for n, t in lines.items() if t == "Freins")
    # a bare "Freins" is a heading; the bare short line "Financement" below it is content of that section
    assert (rows.loc[rows["line"] == n_freins, "kind"] == "heading").all()
    assert seg.loc[n_financement, "section"] == "freins"
    assert seg.loc[n_financement, "text"] == "Financement"
    # "Porte d'entrée : IDE ASALEE..." is a bullet, not a heading
    porte = next(n for n, t in lines.items() if t.startswith("- Porte d'entrée"))
    assert seg.loc[porte, "section"] == "idees_phares"
    # an empty section keeps its heading row (second "Constats" of table 1 has no content)
    empty_constats = rows[(rows["kind"] == "heading") & (rows["section"] == "constats") & (rows["table"] == 1)]
    assert len(empty_constats) == 2
    assert not ((seg["section"] == "constats") & (seg["table"] == 1)).any()
    # plain (unbulleted) lines are content with their section
    assert seg.loc[next(n for n, t in lines.items() if t == "Commission au sein des MSP"), "section"] == "idees"


# --------------------------------------------------------------------------- written variants


def test_txt_variant_rules() -> None:
    rows = _read_notes_raw(VARIANT_TXT)
    assert_every_line_recovered(rows, _lines(VARIANT_TXT))
    seg = rows[rows["kind"] == "segment"]
    meta = seg.iloc[0]
    assert (meta["atelier_id"], meta["commune"], meta["date"], meta["public"]) == (
        "A01", "Montfort-sur-Meu", "2026-02-12", "usagers")
    # the title line before the first table is metadata (issue 11), not a segment
    title = rows[rows["line"] == 1]
    assert title["kind"].tolist() == ["header"] and seg["line"].min() > 1
    assert pd.notna(seg["table"]).all()
    assert rows.loc[rows["kind"] == "table", "table"].tolist() == [1, 2]
    assert rows.loc[rows["kind"] == "facilitator", "_name"].tolist() == ["Claire", "Paul et Sophie"]
    by_text = seg.set_index("segment_id")
    # inline heading + content on one line
    assert by_text.loc["A01-L0017-1", "section"] == "freins"
    assert by_text.loc["A01-L0017-1", "text"] == "le coût des transports pour les personnes âgées"
    # unknown heading kept as its own section, unbulleted paragraph split into sentences
    assert [by_text.loc[f"A01-L0022-{k}", "section"] for k in (1, 2, 3)] == ["points_vigilance"] * 3
    assert by_text.loc["A01-L0022-2", "text"] == "Ils sont épuisés !"
    # empty "Leviers" section: a heading, no segment
    assert "leviers" in set(rows.loc[rows["kind"] == "heading", "section"])
    assert "leviers" not in set(seg["section"])
    # "Financement": bullet under Constats (table 1 and 2) and bare line under Freins are all content
    fin = seg[seg["text"] == "Financement"]
    assert fin["section"].tolist() == ["constats", "constats", "freins"]
    # bullets of every kind, numbered items
    assert by_text.loc["A01-L0013-1", "text"] == "Transport solidaire vers la MSP"
    assert by_text.loc["A01-L0015-1", "text"] == "Informer sur les gardes"


def test_markdown_variant() -> None:
    rows = _read_notes_raw(VARIANT_MD)
    assert_every_line_recovered(rows, _lines(VARIANT_MD))
    seg = rows[rows["kind"] == "segment"]
    assert set(seg["table"].dropna()) == {3}
    assert rows.loc[rows["kind"] == "facilitator", "_name"].tolist() == ["Mélanie"]
    assert seg.groupby("section").size().to_dict() == {"constats": 2, "freins": 2, "idees": 2, "idees_phares": 2}
    assert "conditions" in set(rows.loc[rows["kind"] == "heading", "section"])  # bold heading, empty section


def test_project_sheet_upper_case_headings_and_manifest() -> None:
    rows = _read_notes_raw(FICHE)  # manifest.csv next to the file is used
    assert_every_line_recovered(rows, _lines(FICHE))
    seg = rows[rows["kind"] == "segment"]
    assert set(seg["atelier_id"]) == {"P01"} and set(seg["commune"]) == {"Plélan-le-Grand"}
    got = seg.groupby("section")["text"].apply(list).to_dict()
    assert got["acteurs"][:2] == ["CCAS", "EHPAD"]  # short upper-case acronyms are content
    assert set(got) == {"objectifs", "acteurs", "freins", "leviers", "calendrier", "publics"}
    assert rows.loc[rows["section"] == "publics", "heading"].iloc[0] == "PUBLIC CIBLE"


def _make_docx(path: Path) -> list[str]:
    d = docx.Document()
    d.add_paragraph("Table n° 4")
    d.add_paragraph("")
    d.add_paragraph("Animé par : Yannick")
    d.add_heading("Freins", level=2)
    d.add_paragraph("Manque de médecins généralistes", style="List Bullet")
    d.add_paragraph("Financement", style="List Bullet")
    p = d.add_paragraph()
    p.add_run("Leviers").bold = True
    d.add_paragraph("Les élus sont mobilisés. La CPTS aussi.")
    d.add_heading("Retours du public", level=2)
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Idées phares à transmettre"
    table.cell(0, 1).text = "- Une maison de santé"
    d.save(path)
    body = [p.text for p in docx.Document(path).paragraphs]
    return body + ["Idées phares à transmettre", "- Une maison de santé"]


def test_docx_styles_lists_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "2026-05-20_paimpont_A07_mixte.docx"
    texts = _make_docx(path)
    rows = _read_notes_raw(path)
    assert_every_line_recovered(rows, dict(enumerate(texts, start=1)))
    seg = rows[rows["kind"] == "segment"].set_index("line")
    assert seg.loc[5, "text"] == "Manque de médecins généralistes" and seg.loc[5, "section"] == "freins"
    assert seg.loc[6, "text"] == "Financement"  # a Word list item is content, never a heading
    assert rows.loc[rows["line"] == 7, "kind"].item() == "heading"  # bold line
    assert seg.loc[8, "text"].tolist() == ["Les élus sont mobilisés.", "La CPTS aussi."]
    assert rows.loc[rows["line"] == 9, "section"].item() == "retours_public"  # Word heading style, unknown
    assert seg.loc[11, "section"] == "idees_phares"  # paragraphs inside a Word table, in body order
    assert set(seg["table"]) == {4} and set(seg["commune"]) == {"Paimpont"}


# --------------------------------------------------------------------------- heading rules


@pytest.mark.parametrize(
    ("line", "kind", "section"),
    [
        ("Freins", "heading", "freins"),
        ("Financement", "segment", None),
        ("- Freins", "segment", None),
        ("FREINS", "heading", "freins"),
        ("Constats :", "heading", "constats"),
        ("Constats/Situation actuelle", "heading", "constats"),
        ("Idées/Pistes d'action", "heading", "idees"),
        ("Conditions de mise en oeuvre", "heading", "conditions"),
        ("Freins et leviers", "heading", "freins_leviers"),
        ("CCAS", "segment", None),
        ("PUBLIC CIBLE", "heading", "publics"),
        ("CALENDRIER", "heading", "calendrier"),
        ("BUDGET PRÉVISIONNEL", "heading", "budget_previsionnel"),
        ("Points de vigilance :", "heading", "points_vigilance"),
        ("Les participants soulignent :", "segment", None),
        ("Porte d'entrée : IDE ASALEE ou atelier ETP", "segment", None),
        ("Table ronde avec les élus", "segment", None),
        ("Table 2 personnes ont parlé de la mobilité", "segment", None),
        ("Rapporteur : Jean", "meta", None),
    ],
)
def test_heading_rules(line: str, kind: str, section: str | None) -> None:
    role = _classify(_Line(1, line))
    assert role["kind"] == kind
    if section:
        assert role["section"] == section


@pytest.mark.parametrize(
    ("line", "number"),
    [("Table n°: 2", 2), ("Table n° 2", 2), ("TABLE 3", 3), ("Table n°:1", 1), ("table 12 - Mobilité", 12),
     ("## Table n°:3", 3)],
)
def test_table_heading_variants(line: str, number: int) -> None:
    role = _classify(_Line(1, line))
    assert (role["kind"], role["table"]) == ("table", number)


def test_canonical_section_ignores_case_accents_and_ligature() -> None:
    assert canonical_section("IDÉES PHARES À TRANSMETTRE") == ("idees_phares", True)
    assert canonical_section("Conditions de mise en œuvre :") == ("conditions", True)
    assert canonical_section("Thème libre") == ("theme_libre", False)


# --------------------------------------------------------------------------- metadata


def test_metadata_from_file_name() -> None:
    m = metadata_from_filename("2026-02-12_saint-meen-le-grand_A03_aidants.txt")
    assert (m.atelier_id, m.commune, m.date, m.public) == ("A03", "Saint-Méen-le-Grand", "2026-02-12", "aidants")
    assert metadata_from_filename("2026-02-12_rennes_A03.md").commune == "Rennes"
    assert metadata_from_filename("2026-02-30_bedee_A01.txt") is None  # no such date
    assert metadata_from_filename("2026-02-12_bedee_A01_habitants.txt") is None  # unknown public
    assert metadata_from_filename("notes atelier.txt") is None


def test_notes_without_metadata_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes atelier Bédée.txt"
    path.write_text("Table 1\n- Une idée\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        _read_notes_raw(path)
    msg = str(err.value)
    assert "notes atelier Bédée.txt" in msg and "métadonnées" in msg and "manifest.csv" in msg


def test_bad_manifest_lists_every_problem_with_row_and_column() -> None:
    with pytest.raises(InputError) as err:
        _read_notes_raw(DATA / "bad" / "notes_sans_metadonnees.txt",
                        manifest=DATA / "bad" / "manifest_invalide.csv")
    msg = str(err.value)
    for column in ("atelier_id", "date", "public", "participants"):
        assert f"manifest_invalide.csv, ligne 2, colonne « {column} »" in msg
    assert len(err.value.problems) == 4


def test_file_absent_from_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text(
        "fichier,atelier_id,commune,date,public\nautre.txt,A01,Bédée,2026-01-01,pros\n", encoding="utf-8")
    path = tmp_path / "notes.txt"
    path.write_text("- idée\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.txt : métadonnées de l'atelier introuvables \(absent du "):
        _read_notes_raw(path)


def test_same_atelier_id_in_two_files_is_refused(tmp_path: Path) -> None:
    for name in ("2026-01-10_bedee_A01.txt", "2026-01-11_breteil_A01.txt"):
        (tmp_path / name).write_text("- idée\n", encoding="utf-8")
    with pytest.raises(InputError, match="atelier_id « A01 » déjà utilisé"):
        _read_notes_raw(tmp_path)


def test_empty_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "~$brouillon.docx").write_bytes(b"")  # Word lock file: ignored
    with pytest.raises(InputError, match="aucun fichier de notes"):
        _read_notes_raw(tmp_path)


def test_cp1252_notes_and_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "2026-01-10_bedee_A01.txt"
    path.write_bytes("Freins\n• Délais très longs à Bédée\n".encode("cp1252"))
    rows = _read_notes_raw(path)
    assert rows.loc[rows["kind"] == "segment", "text"].tolist() == ["Délais très longs à Bédée"]
    odt = tmp_path / "2026-01-10_bedee_A02.odt"
    odt.write_bytes(b"PK")
    with pytest.raises(InputError, match="format non pris en charge"):
        _read_notes_raw(odt)


# --------------------------------------------------------------------------- public API with privacy


@pytest.fixture(scope="module")
def pseudonymizer(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    privacy = pytest.importorskip("areas_analysis.privacy")
    return privacy.Pseudonymizer(key_path=tmp_path_factory.mktemp("cle") / "cle.json")


@pytest.mark.shared("context/atelier_notes_msp_tables.txt")
def test_load_notes_contract_and_pseudonymisation(pseudonymizer, real_manifest: Path) -> None:  # noqa: ANN001
    paths = [VARIANT_TXT, VARIANT_MD, REAL_NOTES]
    before = {p: sha256(p) for p in paths}
    # two calls with the real file: the explicit manifest is used for the shared file
    seg = pd.concat([
        load_notes([VARIANT_TXT, VARIANT_MD], pseudonymizer=pseudonymizer),
        load_notes(REAL_NOTES, pseudonymizer=pseudonymizer, manifest=real_manifest),
    ])
    assert {p: sha256(p) for p in paths} == before
    assert tuple(seg.columns) == SEGMENT_COLUMNS
    assert seg["segment_id"].is_unique
    assert seg["text"].notna().all()
    assert str(seg["table"].dtype) == "Int64" and seg["line"].dtype == "int64"
    facilitators = set(seg["facilitator"].dropna())
    token = r"\[PERSONNE_\d+\](?: et \[PERSONNE_\d+\])?"
    assert facilitators and all(re.fullmatch(token, f) for f in facilitators)
    flat = seg.astype(str).to_csv()
    for secret in ("Marina", "Mélanie", "Claire", "Sophie", "Le Goff", "collectif.sante@example.org",
                   "06 12 34 56 78"):
        assert secret not in flat
    # the same name gives the same token across files (Mélanie animates in the real file and the .md)
    mel = seg.loc[seg["source_file"] == VARIANT_MD.name, "facilitator"].iloc[0]
    assert mel in set(seg.loc[seg["source_file"] == REAL_NOTES.name, "facilitator"])


def test_load_notes_structure_is_pseudonymised_too(pseudonymizer) -> None:  # noqa: ANN001
    raw = _read_notes_raw(VARIANT_TXT)
    full = load_notes(VARIANT_TXT, pseudonymizer=pseudonymizer, include_structure=True)
    assert len(full) == len(raw)  # nothing dropped by pseudonymisation
    assert tuple(full.columns) == SEGMENT_COLUMNS + ("kind", "raw")
    assert not full["raw"].str.contains("Claire|Paul|Sophie|Le Goff|example.org").any()
    assert full.loc[full["kind"] == "facilitator", "raw"].str.match(r"Anim\w+ (par )?: \[PERSONNE_").all()
    segs = load_notes(VARIANT_TXT, pseudonymizer=pseudonymizer, strip_lead_ins=True)
    assert "La télémédecine ne remplace pas le contact humain." in set(segs["text"])
