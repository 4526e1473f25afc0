"""Earlier cycles of a series (progression) and the comparison of two cycle folders."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .. import config


def previous_cycles(outputs_dir: Path | None = None, *, series: str | None = None) -> list[Path]:
    """Completed cycle folders under ``outputs_dir``, in date order (manifest start time).

    Failed, interrupted and in-progress runs (``.echec-*``, status other than
    ``ok``) never count. With ``series``, only cycles of that series (recorded
    in their manifest; older manifests without one belong to no series).
    """
    outputs_dir = outputs_dir or config.OUTPUTS_DIR
    found = []
    for d in outputs_dir.iterdir() if outputs_dir.is_dir() else []:
        m = d / "manifest.json"
        if d.is_dir() and not d.name.startswith(".") and m.is_file():
            try:
                data = json.loads(m.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if data.get("status") == "ok" and (series is None or data.get("serie") == series):
                found.append((data.get("started_at", ""), d.name, d))
    return [d for *_, d in sorted(found)]


def previous_indicator_tables(outputs_dir: Path, table: str = "indicateurs_indicateurs.csv",
                              exclude: Iterable[str] = (), *,
                              series: str | None = None) -> dict[str, pd.DataFrame]:
    """Indicator tables of completed earlier cycles, in date order (cycle name → table).

    Args:
        outputs_dir: Folder holding the cycle folders.
        table: File name of the table under each cycle's ``tables/``.
        exclude: Cycle names to leave out (e.g. the cycle being run).
        series: Only cycles of this series (see :func:`previous_cycles`).
    """
    from ..report import read_table

    skip = set(exclude)
    return {d.name: read_table(d / "tables" / table) for d in previous_cycles(outputs_dir, series=series)
            if d.name not in skip and (d / "tables" / table).is_file()}


def compare_cycles(old_dir: Path, new_dir: Path) -> pd.DataFrame:
    """Compare the tables and inputs of two cycle folders.

    Tables are matched by file name. Rows are aligned on the table's
    non-numeric columns (its keys); numeric cells that differ are counted and
    the largest absolute change reported. Inputs are compared by sha256 from the
    manifests, so the evaluator sees whether a change comes from the data.

    Returns:
        One row per table (plus one for the inputs): ``tableau``, ``statut``
        (``identique``, ``modifié``, ``nouveau``, ``disparu``) and ``detail`` (French).
    """
    from ..report import read_table

    rows: list[dict[str, str]] = []
    old_m = json.loads((old_dir / "manifest.json").read_text(encoding="utf-8"))
    new_m = json.loads((new_dir / "manifest.json").read_text(encoding="utf-8"))
    changed = sorted(k for k in set(old_m["inputs"]) | set(new_m["inputs"])
                     if old_m["inputs"].get(k) != new_m["inputs"].get(k))
    rows.append({"tableau": "(fichiers d'entrée)", "statut": "modifié" if changed else "identique",
                 "detail": f"{len(changed)} fichier(s) d'entrée différent(s) : {', '.join(changed[:5])}"
                 if changed else "mêmes empreintes sha256"})
    old_t = {p.name: p for p in sorted((old_dir / "tables").glob("*.csv"))}
    new_t = {p.name: p for p in sorted((new_dir / "tables").glob("*.csv"))}
    for name in sorted(set(old_t) | set(new_t)):
        if name not in old_t or name not in new_t:
            rows.append({"tableau": name, "statut": "nouveau" if name in new_t else "disparu", "detail": ""})
            continue
        a, b = read_table(old_t[name]), read_table(new_t[name])
        rows.append({"tableau": name, **_compare_frames(a, b)})
    return pd.DataFrame(rows, columns=["tableau", "statut", "detail"])


def _compare_frames(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, str]:
    if a.equals(b):
        return {"statut": "identique", "detail": f"{len(a)} lignes"}
    details = []
    if len(a) != len(b):
        details.append(f"{len(a)} → {len(b)} lignes")
    if list(a.columns) != list(b.columns):
        details.append("colonnes différentes")
        return {"statut": "modifié", "detail": " ; ".join(details)}
    numeric = [c for c in a.columns if pd.api.types.is_numeric_dtype(a[c]) and pd.api.types.is_numeric_dtype(b[c])]
    keys = [c for c in a.columns if c not in numeric]
    if numeric and keys and not a.duplicated(keys).any() and not b.duplicated(keys).any():
        merged = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
        only = (merged["_merge"] != "both").sum()
        both = merged[merged["_merge"] == "both"]
        diffs = pd.concat([(both[f"{c}_a"] - both[f"{c}_b"]).abs() for c in numeric], axis=1)
        n_changed = int((diffs.fillna(0) > 1e-9).sum().sum())
        details.append(f"{n_changed} valeur(s) numérique(s) modifiée(s), écart max {diffs.max().max():.3g}")
        if only:
            details.append(f"{only} ligne(s) présente(s) dans un seul cycle")
    else:
        details.append("contenu différent")
    return {"statut": "modifié", "detail": " ; ".join(details)}


# --------------------------------------------------------------------------- cycle init
