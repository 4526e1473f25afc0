"""Saving and loading theme models without pickle.

A saved model is a directory with two files:

* ``model.json`` — the kind of model, the class that rebuilds it, versions,
  and every JSON-able value of its state;
* ``arrays.npz`` — every numpy array of its state (no pickled objects:
  ``allow_pickle=False`` on load).

Any object with ``to_state() -> dict`` and a class method
``from_state(dict)`` can be saved. The state may nest dicts and lists;
numpy arrays anywhere inside are moved to ``arrays.npz`` and replaced by a
reference. Only classes of the ``areas_analysis`` package can be rebuilt (a
model file never makes the program import arbitrary code). spaCy pipelines are
never saved: encoders reload the installed pipeline by name.

Example:
    >>> save_model(result.model, Path("outputs/2026-1/modele_themes"))  # doctest: +SKIP
    >>> model = load_model(Path("outputs/2026-1/modele_themes"))         # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AreasError

__all__ = ["MODEL_FORMAT", "load_model", "register_model_kind", "save_model"]

#: Format name written in ``model.json``.
MODEL_FORMAT = "areas-theme-model"
_FORMAT_VERSION = 1
_JSON = "model.json"
_ARRAYS = "arrays.npz"
_ARRAY_REF = "__array__"

#: kind → "module:QualName" of the class that rebuilds it.
_KINDS: dict[str, str] = {
    "TextEncoder": "areas_analysis.themes.embed:TextEncoder",
    "DiscoveryModel": "areas_analysis.themes.discover:DiscoveryModel",
    "CodebookModel": "areas_analysis.themes.codebook:CodebookModel",
    "ExtensionModel": "areas_analysis.themes.extend:ExtensionModel",
    "CodingModel": "areas_analysis.themes.workflow:CodingModel",
    "USEEncoder": "areas_analysis.themes.encoders:USEEncoder",
    "E5Encoder": "areas_analysis.themes.encoders:E5Encoder",
}


def register_model_kind(kind: str, cls: type | str) -> None:
    """Register a model class under a kind name (for classes outside the defaults).

    Args:
        kind: Name written in ``model.json`` (e.g. ``"CodebookModel"``).
        cls: The class, or its ``"module:QualName"`` path; it must define
            ``to_state()`` and ``from_state()`` and live in ``areas_analysis``.
    """
    path = cls if isinstance(cls, str) else f"{cls.__module__}:{cls.__qualname__}"
    _check_class_path(path)
    _KINDS[kind] = path


def save_model(model: Any, directory: Path | str, *, overwrite: bool = False) -> Path:
    """Save a model (any object with ``to_state``/``from_state``) to a directory.

    Args:
        model: The fitted model.
        directory: Target directory; created. It must not exist yet unless
            ``overwrite`` (then only ``model.json`` and ``arrays.npz`` are replaced).
        overwrite: Replace an existing saved model.

    Returns:
        The directory path.

    Raises:
        AreasError: directory exists (without ``overwrite``), or the model
            cannot be saved (no ``to_state``, state not serialisable).
    """
    directory = Path(directory)
    if not hasattr(model, "to_state") or not hasattr(type(model), "from_state"):
        raise AreasError(f"Impossible d'enregistrer un objet « {type(model).__name__} » : ce n'est pas un modèle.")
    if directory.exists() and not overwrite:
        raise AreasError(
            f"Le dossier « {directory} » existe déjà : choisissez un autre dossier ou demandez le remplacement "
            "(overwrite=True / --ecraser)."
        )
    if directory.exists() and not directory.is_dir():
        raise AreasError(f"« {directory} » est un fichier, pas un dossier.")
    cls = type(model)
    class_path = f"{cls.__module__}:{cls.__qualname__}"
    _check_class_path(class_path)
    kind = getattr(model, "MODEL_KIND", cls.__name__)
    arrays: dict[str, np.ndarray] = {}
    state = _split(model.to_state(), arrays, "state")
    from .. import __version__ as package_version

    doc = {
        "format": MODEL_FORMAT,
        "format_version": _FORMAT_VERSION,
        "kind": kind,
        "class": class_path,
        "areas_analysis_version": package_version,
        "numpy_version": np.__version__,
        "state": state,
    }
    try:
        text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise AreasError(f"État du modèle « {kind} » non enregistrable en JSON : {exc}") from exc
    directory.mkdir(parents=True, exist_ok=True)
    # write beside the targets then rename, so a crash never leaves a half-written model
    with tempfile.TemporaryDirectory(dir=directory, prefix=".tmp-") as tmp:
        tmp_json, tmp_npz = Path(tmp) / _JSON, Path(tmp) / _ARRAYS
        tmp_json.write_text(text + "\n", encoding="utf-8")
        with open(tmp_npz, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(tmp_npz, directory / _ARRAYS)
        os.replace(tmp_json, directory / _JSON)
    return directory


def load_model(directory: Path | str) -> Any:
    """Load a model saved by :func:`save_model`.

    Args:
        directory: The model directory.

    Returns:
        The rebuilt model (e.g. a ``DiscoveryModel`` or ``TextEncoder``).

    Raises:
        AreasError: missing or damaged files, unknown kind or format version.
    """
    directory = Path(directory)
    json_path, npz_path = directory / _JSON, directory / _ARRAYS
    if not json_path.is_file() or not npz_path.is_file():
        raise AreasError(
            f"« {directory} » n'est pas un modèle enregistré (fichiers {_JSON} et {_ARRAYS} attendus)."
        )
    try:
        doc = json.loads(json_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AreasError(f"{json_path.name} : fichier de modèle illisible ({exc}).") from exc
    if not isinstance(doc, dict) or doc.get("format") != MODEL_FORMAT:
        raise AreasError(f"{json_path} : ce n'est pas un modèle de thèmes AREAS.")
    if doc.get("format_version") != _FORMAT_VERSION:
        raise AreasError(
            f"{json_path} : version de format {doc.get('format_version')} non prise en charge "
            f"(attendue : {_FORMAT_VERSION})."
        )
    kind = str(doc.get("kind"))
    class_path = _KINDS.get(kind, str(doc.get("class", "")))
    _check_class_path(class_path)
    module_name, _, qualname = class_path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise AreasError(f"{json_path} : type de modèle inconnu « {kind} » ({class_path}).") from exc
    try:
        with np.load(npz_path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as exc:
        raise AreasError(f"{npz_path} : tableaux du modèle illisibles ({exc}).") from exc
    state = _join(doc.get("state"), arrays, npz_path)
    return obj.from_state(state)


# --------------------------------------------------------------------------- helpers

def _check_class_path(path: str) -> None:
    module_name, sep, qualname = path.partition(":")
    ours = module_name == "areas_analysis" or module_name.startswith("areas_analysis.")
    if not sep or not qualname or not ours:
        raise AreasError(
            f"Classe de modèle non autorisée « {path} » (seules les classes d'areas_analysis le sont)."
        )


def _split(value: Any, arrays: dict[str, np.ndarray], key: str) -> Any:
    """Replace numpy arrays by references and collect them; convert numpy scalars."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise AreasError(f"Tableau d'objets Python non enregistrable ({key}).")
        arrays[key] = value
        return {_ARRAY_REF: key}
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise AreasError(f"Clé non textuelle dans l'état du modèle ({key}).")
            out[k] = _split(v, arrays, f"{key}/{k}")
        return out
    if isinstance(value, list | tuple):
        return [_split(v, arrays, f"{key}/{i}") for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return value


def _join(value: Any, arrays: dict[str, np.ndarray], npz_path: Path) -> Any:
    if isinstance(value, dict):
        if set(value) == {_ARRAY_REF}:
            ref = value[_ARRAY_REF]
            if ref not in arrays:
                raise AreasError(f"{npz_path} : tableau « {ref} » manquant.")
            return arrays[ref]
        return {k: _join(v, arrays, npz_path) for k, v in value.items()}
    if isinstance(value, list):
        return [_join(v, arrays, npz_path) for v in value]
    return value
