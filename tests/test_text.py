"""Text normalisation has one home (issue 17): values checked, and the old import paths are that home."""

from __future__ import annotations

import math

import numpy as np
import pytest

from areas_analysis import text


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Éé", "ee"), ("  Saint-Méen-le-Grand ", "saint-meen-le-grand"), ("IRODOUËR", "irodouer"),
     ("Œuvre", "œuvre")],
)
def test_fold(raw: str, folded: str) -> None:
    assert text.fold(raw) == folded


def test_normalize_label_and_slugs() -> None:
    spellings = ("Tout à fait d’accord", "tout a fait d'accord", "TOUT À FAIT D'ACCORD")
    keys = {text.normalize_label(v) for v in spellings}
    assert keys == {"tout a fait d'accord"}
    assert text.normalize_label("Satisfait(e)") == text.normalize_label("satisfait")
    assert text.slugify("Conditions de mise en œuvre") == "conditions_mise_oeuvre"
    assert text.slugify("Le la les", max_words=2) == "le_la"  # only function words: kept rather than empty
    assert text.slugify("???") == "colonne"
    assert text.file_slug("Accès aux soins (2026)") == "acces_aux_soins__2026"  # as report.slugify
    assert text.file_slug("!!!") == "sans_nom"


def test_file_slug_matches_the_report_copy() -> None:
    report = pytest.importorskip("areas_analysis.report")
    for name in ("Accès aux soins", "Idées phares : santé/mobilité", "  ", "Œuvre d'art", "tableau_01"):
        assert text.file_slug(name) == report.slugify(name)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("3,5", 3.5), ("1 200", 1200.0), ("1\u202f200,5", 1200.5), ("-2", -2.0), ("12 km", None), ("douze", None),
     ("1,2,3", None)],
)
def test_parse_number(raw: str, value: float | None) -> None:
    assert text.parse_number(raw) == value


def test_french_number_formats() -> None:
    assert text.fr_num(1234.5) == "1\u202f234,5"
    assert text.fr_num(-0.25, 2) == "\u22120,25"
    assert text.fr_pct(0.423) == "42\u00a0%"
    assert text.fr_signed(2.45, 1) == "+2,5" and text.fr_signed(0.0) == "+0,0"
    assert text.fr_signed(-0.4) == "\u22120,4"
    for missing in (None, math.nan, np.float64("nan")):
        assert text.fr_num(missing) == text.fr_pct(missing) == text.fr_signed(missing) == "–"


def test_old_import_paths_are_the_one_home() -> None:
    from areas_analysis import tables
    from areas_analysis.evaluate import _common, summary
    from areas_analysis.ingest import dictionary
    from areas_analysis.quantify import _common as q_common

    assert tables.fr_num is text.fr_num and tables.fr_pct is text.fr_pct
    assert summary.fr_signed is text.fr_signed and q_common.fr_signed is text.fr_signed
    assert _common.fold is text.fold
    assert dictionary.normalize_label is text.normalize_label and dictionary.slugify is text.slugify
    assert dictionary.parse_number is text.parse_number
