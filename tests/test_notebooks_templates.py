"""Template notebooks stay output-free, have one `parameters` cell and no logic of their own."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
import yaml

from areas_analysis.cycle import load_plan

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_templates() -> None:
    assert len(TEMPLATES) >= 4


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_is_output_free_with_one_parameters_cell(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "outputs left in the template"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for cell in code:  # thin notebooks: no function or class defined in a notebook
        tree = ast.parse(cell.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)]


def test_every_params_file_loads() -> None:
    for params in sorted((ROOT / "notebooks" / "params").glob("*.yaml")):
        spec = yaml.safe_load(params.read_text(encoding="utf-8"))
        plan = load_plan(str(spec.get("cycle", "essai")), params)
        assert plan.runs


#: Names that only the synthetic sample uses: column names, theme ids, scale items, files.
SAMPLE_NAMES = ("data/sample", "statut", "tranche_age", "maladie_chronique", "entoure", "commune_residence",
                "transport_mobilite", "isolement", "acces_medecin", "usagers_en_ligne", "pros_papier",
                "codage_humain_ateliers.csv", "activite.yaml")


@pytest.mark.parametrize("name", ["01_ateliers", "02_questionnaires", "03_indicateurs"])
def test_cycle_notebooks_hard_code_no_sample_name(name: str) -> None:
    """Inputs default to None and columns/themes come from the dictionary or named parameters."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        found = [s for s in SAMPLE_NAMES if s in cell.source]
        assert not found, f"{name} : noms de l'échantillon {found} dans une cellule"
