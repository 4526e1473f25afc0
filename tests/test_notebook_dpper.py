"""The DPPER notebook, executed with papermill on a tiny messy fixture (real kernel, real statistics)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from areas_analysis.report import read_table

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "data" / "evaluate"

pytestmark = pytest.mark.slow


def test_dpper_notebook_runs_on_a_tiny_fixture(tmp_path: Path) -> None:
    out = tmp_path / "ecos.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "04_evaluation_dpper.ipynb"), str(out), kernel_name="python3", cwd=str(ROOT),
        progress_bar=False,
        parameters={"action": "ECOS", "dpper": str(FIXTURE), "codage_humain_commentaires": "",
                    "codebook_commentaires": str(ROOT / "data/sample/dpper/codebook_commentaires.yaml"),
                    "cle_pseudonymisation": str(tmp_path / "private" / "cle.json"),
                    "output_dir": str(tmp_path / "cycle"), "n_boot": 200, "seed": 3})
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata.papermill.parameters["action"] == "ECOS"
    shown = json.dumps([o for c in nb.cells for o in c.get("outputs", [])], ensure_ascii=False)
    assert "Traceback" not in shown
    assert "non validé" in shown.lower()  # no human coding of the comments: said so
    # 2 vs 1 sessions: the « En bref » says the design cannot conclude on the partner's own effect
    assert "le dispositif ne permet pas de conclure" in shown and "répartitions possibles des séances" in shown
    tables = {p.name for p in (tmp_path / "cycle" / "tables").glob("*.csv")}
    assert {"dpper_ecos_avant_apres.csv", "dpper_ecos_avec_sans.csv", "dpper_ecos_appariement.csv",
            "dpper_ecos_scores_avec_sans.csv"} <= tables
    assert len(list((tmp_path / "cycle" / "figures").glob("*.png"))) >= 3
    # the before/after tables keep r, its unchanged pairs and pair count, and r never exceeds its bound
    for name in ("dpper_ecos_avant_apres.csv", "dpper_ecos_avant_apres_par_bras.csv"):
        t = read_table(tmp_path / "cycle" / "tables" / name)
        assert {"r_rang_biserial", "n_inchanges", "n_paires", "part_ameliores", "part_inchanges",
                "part_degrades", "r_max_possible", "conclusion"} <= set(t.columns)
        n, z = t["n_paires"].astype(float), t["n_inchanges"].astype(float)
        assert (t["r_rang_biserial"].astype(float).abs() <= 1 - z * (z + 1) / (n * (n + 1)) + 1e-9).all()
    assert (tmp_path / "private" / "cle.json").stat().st_mode & 0o777 == 0o600
