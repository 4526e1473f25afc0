"""Tests of theme-model persistence (JSON + npz, no pickle)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from areas_analysis.errors import AreasError
from areas_analysis.themes.embed import TextEncoder
from areas_analysis.themes.model import load_model, register_model_kind, save_model

TEXTS = ["Pas de médecin à Saint-Méen", "Le bus ne passe plus", "Je suis seule", "Délais de rendez-vous"]


@pytest.fixture(scope="module")
def encoder() -> TextEncoder:
    return TextEncoder().fit(TEXTS)


def test_files_written_and_no_pickle(encoder: TextEncoder, tmp_path) -> None:
    out = save_model(encoder, tmp_path / "modele")
    assert sorted(p.name for p in out.iterdir()) == ["arrays.npz", "model.json"]
    doc = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert doc["kind"] == "TextEncoder" and doc["format"] == "areas-theme-model"
    assert "médecin" in doc["state"]["vocabulary"]  # accents stored as text
    with np.load(out / "arrays.npz", allow_pickle=False) as npz:
        assert "state/components" in npz.files


def test_refuses_to_overwrite_unless_asked(encoder: TextEncoder, tmp_path) -> None:
    target = tmp_path / "modele"
    save_model(encoder, target)
    with pytest.raises(AreasError, match="existe déjà"):
        save_model(encoder, target)
    other = TextEncoder(n_components_removed=0).fit(TEXTS)
    save_model(other, target, overwrite=True)
    assert load_model(target).n_components_removed == 0


def test_load_errors_are_french(tmp_path) -> None:
    with pytest.raises(AreasError, match="n'est pas un modèle enregistré"):
        load_model(tmp_path)
    (tmp_path / "model.json").write_text("{pas du json", encoding="utf-8")
    np.savez(tmp_path / "arrays.npz")
    with pytest.raises(AreasError, match="illisible"):
        load_model(tmp_path)
    (tmp_path / "model.json").write_text(json.dumps({"format": "areas-theme-model", "format_version": 1,
                                                     "kind": "Evil", "class": "os:system", "state": {}}))
    with pytest.raises(AreasError, match="non autorisée"):
        load_model(tmp_path)


def test_rejects_non_models_and_foreign_classes(tmp_path) -> None:
    with pytest.raises(AreasError, match="pas un modèle"):
        save_model({"a": 1}, tmp_path / "x")
    with pytest.raises(AreasError, match="non autorisée"):
        register_model_kind("Bad", "collections:OrderedDict")
