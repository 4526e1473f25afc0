"""Notes typed by other people (issue 11): headings carrying table and facilitator, title and
header lines as metadata, « (rien noté) » placeholders — on a tiny messy Markdown file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from areas_analysis.errors import InputError
from areas_analysis.ingest import load_notes
from areas_analysis.ingest.notes import _classify, _Line, _read_notes_raw, note_headers

NOTES = """\
ATELIER AREAS — Commune : Montfort-sur-Meu — 14/03/2026
Public : usagers et aidants

## Table n°3 — Animé par : Soizic Guillou

### Constats
- Le cabinet médical est loin du bourg
- (rien noté)

### Freins
(rien noté)

## Table n°4 – Animée par : Yannick

### Idées
- Un transport solidaire le mardi
RAS
"""

MD_TITLE = """\
# Atelier AREAS – Iffendic – 2 avril 2026

Table 1

Constats
- Les aidants sont fatigués
"""


def _manifest(tmp_path: Path, commune: str = "Montfort-sur-Meu", when: str = "2026-03-14",
              public: str = "usagers") -> Path:
    (tmp_path / "manifest.csv").write_text(
        "fichier,atelier_id,commune,date,public,participants\n"
        f"notes.md,A05,{commune},{when},{public},9\n", encoding="utf-8")
    return tmp_path / "manifest.csv"


def test_markdown_heading_with_table_and_facilitator(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    _manifest(tmp_path)
    rows = _read_notes_raw(tmp_path / "notes.md")
    seg = rows[rows["kind"] == "segment"]
    assert seg["table"].tolist() == [3, 4]  # issue 11: « tables = 0 »
    assert seg["facilitator"].tolist() == ["Soizic Guillou", "Yannick"]
    assert seg["text"].tolist() == ["Le cabinet médical est loin du bourg", "Un transport solidaire le mardi"]
    # title and header lines are metadata, placeholders are not segments
    assert rows.loc[rows["line"].isin([1, 2]), "kind"].tolist() == ["header", "header"]
    assert set(rows.loc[rows["line"].isin([8, 11, 17]), "kind"]) == {"empty"}
    assert not seg["text"].str.contains("ATELIER|Public|rien|RAS").any()


def test_header_values_are_read_and_reported(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    _manifest(tmp_path)
    got = note_headers(tmp_path / "notes.md")
    got = got.astype(object).where(got.notna(), None)
    assert got.to_dict("records") == [
        {"source_file": "notes.md", "line": 1, "commune": "Montfort-sur-Meu", "date": "2026-03-14",
         "public": None},
        {"source_file": "notes.md", "line": 2, "commune": None, "date": None, "public": "usagers+aidants"},
    ]
    (tmp_path / "2026-04-02_iffendic_A09.md").write_text(MD_TITLE, encoding="utf-8")
    title = note_headers(tmp_path / "2026-04-02_iffendic_A09.md")
    assert title[["commune", "date"]].values.tolist() == [["Iffendic", "2026-04-02"]]


@pytest.mark.parametrize(
    ("commune", "when", "public", "expected"),
    [
        ("Iffendic", "2026-03-14", "usagers", "ligne 1 : l'en-tête indique la commune « Montfort-sur-Meu » mais "
                                              "le manifeste indique « Iffendic »"),
        ("Montfort-sur-Meu", "2026-03-15", "usagers", "ligne 1 : l'en-tête indique la date 2026-03-14 mais le "
                                                      "manifeste indique 2026-03-15"),
        ("Montfort-sur-Meu", "2026-03-14", "pros", "ligne 2 : l'en-tête indique le public « usagers et aidants » "
                                                   "mais le manifeste indique « pros »"),
    ],
)
def test_header_conflicting_with_manifest_is_a_french_error(tmp_path: Path, commune: str, when: str, public: str,
                                                            expected: str) -> None:
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    _manifest(tmp_path, commune, when, public)
    with pytest.raises(InputError) as err:
        _read_notes_raw(tmp_path / "notes.md")
    assert f"notes.md, {expected}" in str(err.value)
    assert len(err.value.problems) == 1


def test_header_agreeing_with_manifest_in_other_spelling_is_accepted(tmp_path: Path) -> None:
    # « St Méen » in the header, « Saint-Méen-le-Grand » in the manifest; « mixte » agrees with two publics
    (tmp_path / "notes.md").write_text("Atelier — MONTFORT SUR MEU — le 14 mars 2026\n" + NOTES.split("\n", 1)[1],
                                       encoding="utf-8")
    _manifest(tmp_path, public="mixte")
    rows = _read_notes_raw(tmp_path / "notes.md")
    assert (rows["kind"] == "header").sum() == 2


def test_file_name_metadata_is_checked_too(tmp_path: Path) -> None:
    path = tmp_path / "2026-04-03_iffendic_A09.md"
    path.write_text(MD_TITLE, encoding="utf-8")
    with pytest.raises(InputError, match="ligne 1 : l'en-tête indique la date 2026-04-02 mais le nom du fichier"):
        _read_notes_raw(path)


def test_facilitator_on_table_line_is_pseudonymised(tmp_path: Path) -> None:
    privacy = pytest.importorskip("areas_analysis.privacy")
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    _manifest(tmp_path)
    pz = privacy.Pseudonymizer(key_path=tmp_path / "cle.json")
    full = load_notes(tmp_path / "notes.md", pseudonymizer=pz, include_structure=True)
    assert not full.astype(str).apply(lambda s: s.str.contains("Soizic|Guillou|Yannick")).any().any()
    tables = full[full["kind"] == "table"]
    assert tables["raw"].str.match(r"## Table n°\d . Anim\w+ par : \[PERSONNE_\d+\]").all()
    seg = load_notes(tmp_path / "notes.md", pseudonymizer=pz)
    assert seg["facilitator"].str.fullmatch(r"\[PERSONNE_\d+\]").all() and seg["facilitator"].nunique() == 2


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Montfort-sur-Meu, le jeudi 14 mars 2026", "header"),
        ("Les habitants d'Iffendic viennent le 2 avril 2026 pour voir.", "segment"),  # a sentence: content
        ("Date : 14/03/2026", "header"),
        ("(rien noté)", "segment"),
        ("Néant", "segment"),
    ],
)
def test_preamble_rules(line: str, kind: str) -> None:
    role = _classify(_Line(1, line), preamble=True)
    assert role["kind"] == kind
    if kind == "segment":
        assert (role["segments"] == []) == ("rien" in line or line == "Néant")


def test_public_heading_after_first_section_stays_a_section() -> None:
    # « Public : » in a project sheet's body is a section heading with content, not metadata
    role = _classify(_Line(9, "Public : les jeunes de 16 à 25 ans"), preamble=False)
    assert (role["kind"], role["section"]) == ("heading", "publics")
    assert pd.Series(role["segments"]).tolist() == ["les jeunes de 16 à 25 ans"]
