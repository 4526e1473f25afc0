"""``areas ingest notes|survey``: French output, pseudonymised files, exit status 2 on bad input."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pandas as pd
import pytest

from areas_analysis.cli import main
from areas_analysis.ingest import SEGMENT_COLUMNS, read_responses

pytest.importorskip("areas_analysis.privacy")

DATA = Path(__file__).parent / "data" / "ingest"
NOTES = DATA / "notes"
SURVEY = DATA / "survey" / "usagers_ok.csv"
DICT = DATA / "survey" / "usagers.yaml"


def digest(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_notes_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = sorted(NOTES.iterdir())
    before = digest(inputs)
    out = tmp_path / "sorties" / "segments.csv"
    key = tmp_path / "private" / "cle.json"
    assert main(["ingest", "notes", str(NOTES), "--out", str(out), "--cle", str(key)]) == 0
    assert digest(inputs) == before
    stdout = capsys.readouterr().out
    seg = pd.read_csv(out, dtype=str)
    assert f"{len(seg)} segment(s) lus dans 2 fichier(s) (2 atelier(s))" in stdout
    # title lines are metadata, reported (issue 11)
    assert "ligne 1 : commune Montfort-sur-Meu (conforme aux métadonnées)" in stdout
    assert "ligne 1 : commune Saint-Méen-le-Grand, public pros (conforme aux métadonnées)" in stdout
    assert tuple(seg.columns) == SEGMENT_COLUMNS
    text = out.read_text(encoding="utf-8")
    for secret in ("Claire", "Paul", "Sophie", "Mélanie", "Le Goff", "example.org", "06 12 34 56 78"):
        assert secret not in text
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "Claire" in key.read_text(encoding="utf-8")
    # refuses to overwrite, in French, without a traceback
    assert main(["ingest", "notes", str(NOTES), "--out", str(out), "--cle", str(key)]) == 2
    assert "existe déjà" in capsys.readouterr().err


def test_survey_command_strict_then_lenient(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = DATA / "bad" / "likert_hors_echelle.csv"
    key = tmp_path / "cle.json"
    args = ["ingest", "survey", str(bad), "--dictionary", str(DICT), "--out", str(tmp_path / "o"),
            "--cle", str(key)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : 2 problème(s) dans likert_hors_echelle.csv") and "Traceback" not in err
    assert not (tmp_path / "o" / "responses.csv").exists()

    assert main([*args, "--lenient"]) == 0
    out = capsys.readouterr().out
    assert "2 problème(s) (cellules vidées) écrits dans" in out and "encodage utf-8 (détecté)" in out
    report = pd.read_csv(tmp_path / "o" / "problemes.csv", sep=";", encoding="utf-8-sig")
    assert report["ligne"].tolist() == [3, 5]
    back = read_responses(tmp_path / "o")
    assert back["info_fiable"].isna().sum() == 3
    assert "Martin" not in (tmp_path / "o" / "responses.csv").read_text(encoding="utf-8")


def test_survey_command_infers_a_draft_dictionary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o"
    assert main(["ingest", "survey", str(SURVEY), "--out", str(out), "--cle", str(tmp_path / "k.json"),
                 "--separateur", "virgule"]) == 0
    stdout = capsys.readouterr().out
    assert "brouillon déduit" in stdout
    assert (out / "dictionary.yaml").read_text(encoding="utf-8").startswith("# Dictionnaire de données AREAS")
    assert len(read_responses(out)) == 4


def test_usage_errors_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ingest", "survey", str(SURVEY)])
    assert exc.value.code == 2
    assert "arguments obligatoires manquants : --out" in capsys.readouterr().err


def test_notes_command_refuses_a_header_contradicting_the_manifest(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("ATELIER AREAS — Commune : Iffendic — 14/03/2026\n\n## Table 1\n- Trop loin\n",
                                encoding="utf-8")
    manifest = "fichier;atelier_id;commune;date;public\na.md;A01;Iffendic;2026-03-15;usagers\n"
    (notes / "manifest.csv").write_text(manifest, encoding="cp1252")  # Excel's « CSV (point-virgule) »
    out = tmp_path / "segments.csv"
    assert main(["ingest", "notes", str(notes), "--out", str(out), "--cle", str(tmp_path / "cle.json")]) == 2
    err = capsys.readouterr().err
    assert "a.md, ligne 1 : l'en-tête indique la date 2026-03-14 mais le manifeste indique 2026-03-15" in err
    assert not out.exists()
