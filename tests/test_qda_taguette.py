"""Taguette (PyPI) reads the workspace's codebook and writes it back (headless, separate venv).

Taguette pins ``bleach<6`` and other versions that conflict with the project's
environment, so it lives in its own venv::

    python3 -m venv /tmp/tg && /tmp/tg/bin/pip install taguette
    AREAS_TAGUETTE_PYTHON=/tmp/tg/bin/python pytest tests/test_qda_taguette.py

Without ``AREAS_TAGUETTE_PYTHON`` the test is skipped (it is not part of CI).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from areas_analysis import qda
from areas_analysis.themes import codebook_from_dict

TAGUETTE_PYTHON = os.environ.get("AREAS_TAGUETTE_PYTHON", "")
DRIVER = Path(__file__).parent / "qda" / "taguette_driver.py"

pytestmark = pytest.mark.skipif(
    not (TAGUETTE_PYTHON and Path(TAGUETTE_PYTHON).is_file()),
    reason="Taguette non installé : définir AREAS_TAGUETTE_PYTHON (Python d'un venv avec taguette)",
)


def test_taguette_imports_the_codebook_and_exports_it_back(tmp_path):
    cb = codebook_from_dict({"name": "Grille", "version": "3", "themes": [
        {"id": "acces_soins", "label": "Accès aux soins", "definition": "Freins d'accès."},
        {"id": "acces_medecin", "label": "Accès au médecin traitant", "parent": "acces_soins",
         "keywords": ["médecin traitant", "RDV"], "examples": ["Plus de médecin, « on attend »"]},
        {"id": "isolement", "label": "Isolement, lien social (Dr. Who)", "definition": "Solitude."},
    ]})
    csv = qda.write_taguette_codebook(cb, tmp_path / "grille.csv")
    run = subprocess.run([TAGUETTE_PYTHON, str(DRIVER), str(csv), str(tmp_path / "tg")], capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "3 tags lus, 3 enregistrés" in run.stdout
    # Taguette's CSV export keeps descriptions: the same codebook comes back (ids, hierarchy, definitions...)
    back = qda.import_refi(tmp_path / "tg" / "codebook.csv", name="Grille", version="3").codebook
    want = cb.to_dict()
    want["themes"][2]["label"] = "Isolement, lien social (Dr Who)"  # a dot separates levels in Taguette
    assert back.to_dict() == want
    # its .qdc has no descriptions: labels and hierarchy come back, ids are made from the labels
    qdc = qda.import_refi(tmp_path / "tg" / "codebook.qdc").codebook
    assert [(t.id, t.label, t.parent) for t in qdc.themes] == [
        ("acces_soins", "Accès aux soins", None),
        ("acces_medecin_traitant", "Accès au médecin traitant", "acces_soins"),
        ("isolement_lien_social_dr_who", "Isolement, lien social (Dr Who)", None)]
