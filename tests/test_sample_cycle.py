"""The whole sample cycle, as `make cycle` runs it: real notebooks, real papermill, real models.

Run once per test session (about a minute) into tmp_path; the assertions read its outputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

import pytest

from areas_analysis import config
from areas_analysis.cycle import load_plan, run_cycle
from areas_analysis.privacy import find_leaks, load_known_names

ROOT = config.ROOT
SAMPLE = ROOT / "data" / "sample"

pytestmark = pytest.mark.slow


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def sample_cycle(tmp_path_factory: pytest.TempPathFactory):
    outputs = tmp_path_factory.mktemp("outputs")
    private = tmp_path_factory.mktemp("private")
    before = _hashes(SAMPLE)
    plan = load_plan("echantillon", None)
    params = {**plan.parameters, "cle_pseudonymisation": str(private / "cle.json")}
    plan = dataclasses.replace(plan, parameters=params)
    lines: list[str] = []
    result = run_cycle(plan, outputs_dir=outputs, log=lines.append)
    return result, before, private, lines


def test_report_is_french_with_a_figure_per_notebook(sample_cycle) -> None:
    result, *_ = sample_cycle
    html = result.report.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert "Rapport d'analyse AREAS" in html and "Sommaire" in html
    sections = re.split(r"<a id=.section-\d+.>", html)[1:]
    assert len(sections) == len(result.manifest["notebooks"]) == 5
    for section in sections:
        assert "data:image/png;base64" in section  # at least one embedded figure per notebook
    for heading in ("Thèmes", "accord", "Prévalence", "Indicateurs", "patient partenaire"):
        assert heading.lower() in html.lower(), heading
    assert "Traceback" not in html and "def " not in html


def test_manifest_records_inputs_and_durations(sample_cycle) -> None:
    result, *_ = sample_cycle
    manifest = json.loads((result.output_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["seed"] == 42
    codebook = SAMPLE / "codebook.yaml"
    assert manifest["inputs"]["data/sample/codebook.yaml"] == hashlib.sha256(codebook.read_bytes()).hexdigest()
    assert all(nb["duration_s"] > 0 for nb in manifest["notebooks"])
    assert len(list((result.output_dir / "figures").glob("*.png"))) >= 5
    assert len(list((result.output_dir / "tables").glob("*.csv"))) >= 10


def test_no_known_name_reaches_any_output(sample_cycle) -> None:
    result, _, private, _ = sample_cycle
    names = load_known_names(SAMPLE / "verite_terrain" / "noms.txt")
    assert len(names) >= 5
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in result.output_dir.rglob("*")
             if p.is_file() and p.suffix in {".html", ".csv", ".ipynb", ".json", ".txt", ".md"}]
    assert texts
    leaks = find_leaks(texts, names)
    assert not leaks, leaks[:10]
    # the key is written under the private folder only, readable by its owner only
    key = private / "cle.json"
    assert key.is_file() and (key.stat().st_mode & 0o777) == 0o600
    assert not list(result.output_dir.rglob("cle*.json"))


def test_raw_sample_data_is_untouched(sample_cycle) -> None:
    _, before, *_ = sample_cycle
    assert _hashes(SAMPLE) == before
