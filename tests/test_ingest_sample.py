"""The synthetic sample (``data/sample/``) reads without problems and matches its ground truth."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from areas_analysis.config import SAMPLE_DIR
from areas_analysis.ingest import load_dictionary, load_notes, open_answers, read_survey
from areas_analysis.ingest.notes import _read_notes_raw

ATELIERS = SAMPLE_DIR / "ateliers"
TRUTH = SAMPLE_DIR / "verite_terrain"
QUESTIONNAIRES = [("usagers", "usagers_en_ligne.csv", "usagers_dictionnaire.yaml"),
                  ("pros", "pros_papier.csv", "pros_dictionnaire.yaml")]

pytestmark = pytest.mark.skipif(not (TRUTH / "segments_attendus.csv").is_file(), reason="échantillon absent")

COLUMNS = ["segment_id", "source_file", "atelier_id", "commune", "date", "public", "table", "section", "heading",
           "line", "text"]


def test_sample_notes_match_expected_segments() -> None:
    raw = _read_notes_raw(ATELIERS)
    got = raw[raw["kind"] == "segment"][COLUMNS]
    got = got.apply(lambda col: col.map(lambda v: "" if pd.isna(v) else str(v)))
    expected = pd.read_csv(TRUTH / "segments_attendus.csv", dtype=str, keep_default_na=False)[COLUMNS]
    got = got.sort_values("segment_id").reset_index(drop=True)
    expected = expected.sort_values("segment_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    assert {p.suffix for p in ATELIERS.iterdir()} >= {".txt", ".md", ".docx"}


@pytest.mark.parametrize(("questionnaire", "export", "dictionary"), QUESTIONNAIRES)
def test_sample_questionnaires_read_without_problems(questionnaire: str, export: str, dictionary: str) -> None:
    path = SAMPLE_DIR / "questionnaires" / export
    s = read_survey(path, SAMPLE_DIR / "questionnaires" / dictionary)  # strict: any problem would raise
    assert s.problems == [] and not s.ignored_columns
    expected = pd.read_csv(TRUTH / "reponses_attendues.csv", dtype=str, keep_default_na=False)
    expected = expected[expected["questionnaire"] == questionnaire]
    got = open_answers(s)
    merged = got.merge(expected, on="id", how="outer", indicator=True, suffixes=("", "_attendu"))
    assert (merged["_merge"] == "both").all()
    assert (merged["text"] == merged["text_attendu"]).all()


def test_sample_dpper_exports_read_with_their_dictionaries() -> None:
    for dictionary in sorted((SAMPLE_DIR / "dpper").glob("*_dictionnaire.yaml")):
        export = dictionary.with_name(dictionary.name.replace("_dictionnaire.yaml", ".csv"))
        assert read_survey(export, dictionary).problems == []


def test_inferred_dictionaries_agree_with_the_written_ones() -> None:
    """Draft dictionaries recover kind, Likert scale and multi options of the sample's dictionaries."""
    pairs = [(SAMPLE_DIR / "questionnaires" / e, SAMPLE_DIR / "questionnaires" / d) for _, e, d in QUESTIONNAIRES]
    pairs += [(d.with_name(d.name.replace("_dictionnaire.yaml", ".csv")), d)
              for d in sorted((SAMPLE_DIR / "dpper").glob("*_dictionnaire.yaml"))]
    agree = total = 0
    for export, dictionary in pairs:
        inferred = {c.column: c for c in read_survey(export, lenient=True).dictionary.columns}
        for spec in load_dictionary(dictionary).columns:
            guess = inferred.get(spec.column)
            total += 1
            agree += bool(guess and guess.kind == spec.kind
                          and (spec.kind != "likert" or guess.scale == spec.scale)
                          and (spec.kind != "multi" or set(guess.options or []) == set(spec.options or [])))
    assert total > 50 and agree / total >= 0.95


@pytest.mark.slow
def test_sample_notes_public_output_has_no_listed_name(tmp_path: Path) -> None:
    privacy = pytest.importorskip("areas_analysis.privacy")
    pz = privacy.Pseudonymizer(key_path=tmp_path / "cle.json")  # no known names: NER, titles and cues only
    seg = load_notes(ATELIERS, pseudonymizer=pz)
    names = [n.strip() for n in (TRUTH / "noms.txt").read_text(encoding="utf-8").splitlines()
             if n.strip() and not n.startswith("#")]
    flat = "\n".join(seg["text"]) + "\n" + "\n".join(seg["facilitator"].dropna())
    leaks = [n for n in names if re.search(rf"\b{re.escape(n)}\b", flat)]
    assert leaks == []
    assert not re.search(r"[\w.]+@[\w.]+", flat)
