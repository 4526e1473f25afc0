"""The papermill cycle runner on a tiny notebook set in tmp_path (real kernels, real papermill)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest
import yaml

from areas_analysis.cli import main
from areas_analysis.cycle import compare_cycles, load_plan, run_cycle
from areas_analysis.errors import AreasError

PARAMS_CELL = 'output_dir = "outputs/_interactif"  # dossier du cycle\ncycle = ""\nseed = 0\ndonnees = ""\n'

OK_BODY = """
import pandas as pd
import matplotlib.pyplot as plt
from areas_analysis.report import Reporter
rep = Reporter(output_dir, section="essai")
df = pd.read_csv(donnees)
rep.table(df, "lignes", "Tableau d'essai", note="Une phrase simple.")
fig, ax = plt.subplots()
ax.bar(df["commune"], df["n"])
ax.set_title("Réponses par commune")
rep.figure(fig, "barres", "Figure d'essai")
print("graine", seed)
"""


def _notebook(path: Path, body: str, title: str = "# Carnet d'essai") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(PARAMS_CELL)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(title), params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "notebooks" / "params").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reponses.csv").write_text("commune,n\nPaimpont,3\nMédréac,5\n", encoding="utf-8")
    _notebook(tmp_path / "notebooks" / "a.ipynb", OK_BODY, "# Premier carnet")
    _notebook(tmp_path / "notebooks" / "b.ipynb", OK_BODY.replace("essai", "second"), "# Second carnet")
    _notebook(tmp_path / "notebooks" / "boom.ipynb", "x = 1\nraise ValueError('valeur impossible')\n")
    spec = {"seed": 7, "parameters": {"donnees": "data/reponses.csv"},
            "notebooks": [{"notebook": "a.ipynb", "title": "Premier"}, {"notebook": "b.ipynb", "title": "Second"}]}
    (tmp_path / "notebooks" / "params" / "ok.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    spec_fail = {"parameters": {"donnees": "data/reponses.csv"}, "notebooks": ["a.ipynb", "boom.ipynb"]}
    (tmp_path / "notebooks" / "params" / "fail.yaml").write_text(yaml.safe_dump(spec_fail), encoding="utf-8")
    return tmp_path


def _plan(project: Path, cycle: str, params: str = "ok.yaml"):
    return load_plan(cycle, project / "notebooks" / "params" / params, root=project)


def test_successful_cycle_writes_report_tables_figures_and_manifest(project: Path) -> None:
    lines: list[str] = []
    result = run_cycle(_plan(project, "2026-S1"), log=lines.append)
    out = project / "outputs" / "2026-S1"
    assert result.output_dir == out
    assert {p.name for p in (out / "carnets").iterdir()} == {"a.ipynb", "b.ipynb"}
    assert (out / "tables" / "essai_lignes.csv").is_file() and (out / "tables" / "second_lignes.csv").is_file()
    assert (out / "figures" / "essai_barres.png").read_bytes()[:4] == b"\x89PNG"
    html = (out / "rapport.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Rapport d'analyse AREAS — cycle 2026-S1" in html
    assert html.count("data:image/png;base64") >= 2  # one embedded figure per notebook
    assert "import pandas" not in html and "Reporter(" not in html  # no code cells
    assert "graine 7" not in html  # stdout is not part of the report
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    data = project / "data" / "reponses.csv"
    assert manifest["inputs"]["data/reponses.csv"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert "notebooks/params/ok.yaml" in manifest["inputs"]
    assert manifest["seed"] == 7 and manifest["status"] == "ok"
    assert [nb["name"] for nb in manifest["notebooks"]] == ["a", "b"]
    assert all(nb["duration_s"] > 0 for nb in manifest["notebooks"])
    assert manifest["versions"]["papermill"] and manifest["started_at"] <= manifest["ended_at"]
    executed = nbformat.read(out / "carnets" / "a.ipynb", as_version=4)
    assert executed.metadata.papermill.parameters["seed"] == 7
    assert executed.metadata.papermill.parameters["cycle"] == "2026-S1"
    assert any("[1/2] a" in line for line in lines) and any("terminé en" in line for line in lines)
    assert not list((project / "outputs").glob(".*"))  # no temporary folder left


def test_existing_cycle_is_never_overwritten(project: Path) -> None:
    out = project / "outputs" / "2026-S1"
    out.mkdir(parents=True)
    (out / "rapport.html").write_text("ancien", encoding="utf-8")
    with pytest.raises(AreasError, match="existe déjà.*jamais écrasé"):
        run_cycle(_plan(project, "2026-S1"))
    assert (out / "rapport.html").read_text(encoding="utf-8") == "ancien"
    # the CLI says the same in French, with exit status 2 and no traceback
    assert main(["cycle", "run", "--cycle", "2026-S1", "--params",
                 str(project / "notebooks" / "params" / "ok.yaml"), "--outputs", str(project / "outputs")]) == 2


def test_force_moves_the_old_cycle_aside(project: Path) -> None:
    out = project / "outputs" / "2026-S1"
    out.mkdir(parents=True)
    (out / "rapport.html").write_text("ancien", encoding="utf-8")
    run_cycle(_plan(project, "2026-S1"), force=True, log=lambda _: None)
    moved = list((project / "outputs").glob("2026-S1.ancien-*"))
    assert len(moved) == 1 and (moved[0] / "rapport.html").read_text(encoding="utf-8") == "ancien"
    assert (out / "manifest.json").is_file()


def test_failing_notebook_stops_keeps_partial_and_leaves_earlier_cycles(project: Path) -> None:
    earlier = project / "outputs" / "2025-S2"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(AreasError) as err:
        run_cycle(_plan(project, "2026-S1", "fail.yaml"), log=lambda _: None)
    assert "boom" in str(err.value) and "valeur impossible" in str(err.value)
    assert not (project / "outputs" / "2026-S1").exists()
    failed = list((project / "outputs").glob("2026-S1.echec-*"))
    assert len(failed) == 1
    partial = nbformat.read(failed[0] / "carnets" / "boom.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in partial.cells for o in c.get("outputs", []))
    manifest = json.loads((failed[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "échec" and manifest["notebooks"][-1]["status"] == "échec"
    assert (earlier / "manifest.json").read_text(encoding="utf-8") == "{}"


def test_plan_errors_are_french(project: Path) -> None:
    bad = project / "notebooks" / "params" / "bad.yaml"
    bad.write_text("notebooks: [absent.ipynb]\n", encoding="utf-8")
    with pytest.raises(AreasError, match="carnet introuvable"):
        load_plan("2026-S1", bad, root=project)
    with pytest.raises(AreasError, match="Nom de cycle invalide"):
        load_plan("../evil", None, root=project)
    wrong = project / "notebooks" / "params" / "wrong.yaml"
    wrong.write_text("notebooks: [{notebook: a.ipynb, parameters: {inconnu: 1}}]\n", encoding="utf-8")
    with pytest.raises(AreasError, match="ne déclare pas"):
        run_cycle(load_plan("x", wrong, root=project), log=lambda _: None)


def test_compare_cycles_reports_changed_values(project: Path) -> None:
    run_cycle(_plan(project, "c1"), log=lambda _: None)
    (project / "data" / "reponses.csv").write_text("commune,n\nPaimpont,4\nMédréac,5\n", encoding="utf-8")
    run_cycle(_plan(project, "c2"), log=lambda _: None)
    diff = compare_cycles(project / "outputs" / "c1", project / "outputs" / "c2").set_index("tableau")
    assert diff.loc["(fichiers d'entrée)", "statut"] == "modifié"
    assert diff.loc["essai_lignes.csv", "statut"] == "modifié"
    assert "1 valeur(s) numérique(s) modifiée(s)" in diff.loc["essai_lignes.csv", "detail"]
