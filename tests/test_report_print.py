"""The sample report as printed by headless Chromium (issue 14): long, outside the default suite.

Runs the sample cycle (about a minute alone), prints ``rapport.html`` to PDF and checks
the page count, technical strings, code-like headers, the Synthèse's place and the
workbook. Needs ``chromium`` and poppler's ``pdfinfo``/``pdftotext``
(``apt-get install chromium poppler-utils``). Run: ``pytest -m benchmark tests/test_report_print.py``.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.benchmark
def test_sample_report_prints_within_limits(tmp_path: Path) -> None:
    if not (shutil.which("chromium") and shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("chromium ou poppler-utils absent (apt-get install chromium poppler-utils)")
    spec = importlib.util.spec_from_file_location("report_print", ROOT / "benchmarks" / "report_print.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.measure(bench.run_sample(tmp_path))
    assert bench.check(result) == [], result
