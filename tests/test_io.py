"""One reader for every user table: the encodings and separators Excel and LibreOffice write.

The same messy coding file is saved as each of the dialects met in the field
and must read identically through every public reader of a user table:
``read_codings`` (gold and model codings), ``read_review_decisions`` (review
files), ``read_manifest`` (atelier manifests), ``read_raw_export`` (surveys).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from areas_analysis.errors import AreasError, InputError
from areas_analysis.ingest import read_manifest, read_raw_export
from areas_analysis.io import (
    EXCEL_CSV,
    read_records,
    read_table,
    write_excel_csv,
    write_machine_csv,
)
from areas_analysis.themes.codings import read_codings, read_csv_table
from areas_analysis.themes.review import read_review_decisions

ROWS = [["id", "theme_id", "coder"], ["007", "accès_médecin", "Gaëlle"], ["23 614", "prévention", "Gaëlle"],
        ["8", "", "Gaëlle"]]

#: Dialects of a CSV saved by hand: (name, encoding written, separator).
DIALECTS = [
    ("utf8", "utf-8", ","),
    ("utf8_bom_semicolon", "utf-8-sig", ";"),  # Excel « CSV UTF-8 »
    ("cp1252_semicolon", "cp1252", ";"),  # Excel « CSV (séparateur : point-virgule) » on Windows
    ("utf16_tab", "utf-16", "\t"),  # Excel « Texte Unicode »
    ("utf16_semicolon", "utf-16", ";"),
]


def _write(path: Path, rows: list[list[str]], encoding: str, sep: str, newline: str = "\r\n") -> Path:
    path.write_bytes("".join(sep.join(r) + newline for r in rows).encode(encoding))
    return path


@pytest.mark.parametrize(("name", "encoding", "sep"), DIALECTS)
def test_read_codings_reads_every_dialect(tmp_path: Path, name: str, encoding: str, sep: str) -> None:
    p = _write(tmp_path / f"{name}.csv", ROWS, encoding, sep)
    df = read_codings(p)
    assert df["id"].tolist() == ["007", "23 614", "8"]
    assert df["theme_id"].tolist()[:2] == ["accès_médecin", "prévention"] and pd.isna(df["theme_id"].iloc[2])
    assert df["coder"].unique().tolist() == ["Gaëlle"]


def test_utf16_coding_file_was_the_bug(tmp_path: Path) -> None:
    # Issue 11: « colonne absente (« ÿþid ») » — the header read as cp1252 bytes of a UTF-16 BOM.
    p = _write(tmp_path / "texte_unicode.csv", ROWS, "utf-16", "\t")
    assert list(read_csv_table(p, required=("id", "theme_id")).columns) == ["id", "theme_id", "coder"]
    rec = read_records(p)
    assert (rec.encoding, rec.separator) == ("utf-16", "\t")


@pytest.mark.parametrize(("name", "encoding", "sep"), DIALECTS)
def test_review_decisions_read_every_dialect(tmp_path: Path, name: str, encoding: str, sep: str) -> None:
    rows = [["id", "texte", "theme_propose", "decision"], ["s1", "Le médecin est loin", "acces", "ok"],
            ["s2", "Rien à dire", "acces", "aucun"], ["s3", "Pas relu", "prevention", ""]]
    p = _write(tmp_path / f"revue_{name}.csv", rows, encoding, sep)
    gold = read_review_decisions(p, known_themes=["acces", "prevention"])
    assert gold["id"].tolist() == ["s1", "s2"]
    assert gold["theme_id"].iloc[0] == "acces" and pd.isna(gold["theme_id"].iloc[1])


@pytest.mark.parametrize(("name", "encoding", "sep"), DIALECTS)
def test_manifest_and_survey_read_every_dialect(tmp_path: Path, name: str, encoding: str, sep: str) -> None:
    rows = [["fichier", "atelier_id", "commune", "date", "public", "participants"],
            ["notes.txt", "A01", "Saint-Méen-le-Grand", "2026-03-14", "usagers", "12"]]
    p = _write(tmp_path / "manifest.csv", rows, encoding, sep)
    meta = read_manifest(p)
    assert [m.commune for m in meta.values()] == ["Saint-Méen-le-Grand"]
    raw = read_raw_export(_write(tmp_path / f"export_{name}.csv", ROWS, encoding, sep))
    assert raw.frame["theme_id"].tolist()[:2] == ["accès_médecin", "prévention"]
    assert raw.frame["theme_id"].isna().tolist() == [False, False, True]


def test_read_table_xlsx_and_problems_all_at_once(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in ROWS:
        ws.append(r)
    ws.append([9, "accès_médecin", "Gaëlle"])  # a number typed in a cell: read as "9", not "9.0"
    wb.save(tmp_path / "codage.xlsx")
    df = read_codings(tmp_path / "codage.xlsx")
    assert df["id"].tolist() == ["007", "23 614", "8", "9"]

    bad = tmp_path / "bad.csv"
    bad.write_text("id;theme\n1;a;extra\n\n2;b\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(bad, required=("id", "theme_id"), what="fichier de codage")
    msg = str(err.value)
    assert "bad.csv, ligne 2, colonne « C » : 1 cellule(s) au-delà de la dernière colonne" in msg
    assert "colonne « theme_id » : colonne absente" in msg
    with pytest.raises(InputError, match="fichier de codage introuvable"):
        read_table(tmp_path / "absent.csv", what="fichier de codage")
    (tmp_path / "vide.csv").write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="fichier de codage vide"):
        read_table(tmp_path / "vide.csv", what="fichier de codage")


def test_writers_dialects_round_trip(tmp_path: Path) -> None:
    df = pd.DataFrame({"id": ["007", "b"], "part": [0.25, 1.5], "libellé": ["accès", "œuvre"]})
    excel = write_excel_csv(df, tmp_path / "t.csv", float_format="%.2f")
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"007;0,25;acc\xc3\xa8s\n" in raw
    assert EXCEL_CSV["sep"] == ";"
    back = read_table(excel)
    assert back.to_dict("list") == {"id": ["007", "b"], "part": ["0,25", "1,50"], "libellé": ["accès", "œuvre"]}
    machine = write_machine_csv(df, tmp_path / "m" / "t.csv", float_format="%.4f")
    assert machine.read_text(encoding="utf-8") == "id,part,libellé\n007,0.2500,accès\nb,1.5000,œuvre\n"
    with pytest.raises(AreasError, match="existe déjà"):
        write_machine_csv(df, machine, overwrite=False)
