"""Long theme codings: read, validate, normalise and write (``id, theme_id[, score, source, coder]``).

Every coding the themes stage reads or writes is a long CSV with one row per
(id, theme) as described in ``docs/formats.md``; an ``id`` with an empty
``theme_id`` was coded with no theme. Ids are always matched as strings
(stripped of surrounding spaces, never parsed as numbers) so that ``"007"``,
``"23 614"`` or ``"A01-L0003-1"`` survive a round trip.

Input CSVs written by people come from Excel or LibreOffice: they are read by
:func:`areas_analysis.io.read_table`, which detects the encoding (UTF-8 with
or without BOM, UTF-16 « Texte Unicode », cp1252...) and the separator (``,``,
``;``, tab) like every other user file, and problems are reported in French
with file, row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..io import read_table, write_machine_csv

__all__ = [
    "CODING_COLUMNS",
    "SOURCES",
    "coded_ids",
    "indicator_matrix",
    "normalize_coding",
    "read_codings",
    "read_csv_table",
    "theme_ids",
    "write_codings",
]

#: Column of a human coding file saying where each coded text comes from (``validation`` = the random
#: validation sample, ``revue`` = the review queue; values checked by ``themes.validation.split_codings``).
SAMPLE_COL = "echantillon"
#: Canonical column order of a long coding file.
CODING_COLUMNS: tuple[str, ...] = ("id", "theme_id", "theme_label", "score", "source", "coder", SAMPLE_COL)
#: Allowed values of the ``source`` column.
SOURCES: frozenset[str] = frozenset({"human", "model"})

def read_csv_table(path: str | Path, *, required: Sequence[str] = (), what: str = "fichier") -> pd.DataFrame:
    """Read a table written by a person as strings (old name of :func:`areas_analysis.io.read_table`).

    Encoding (UTF-8 with or without BOM, UTF-16 « Texte Unicode », cp1252...),
    separator (``,``, ``;``, tab, ``|``) and format (CSV or XLSX) are detected
    by the package's one reader; headers and cells are stripped; every cell
    is text (empty cells ``""``) so ids keep their leading zeros.

    Raises:
        InputError: missing file, unreadable content or missing columns (French message).
    """
    return read_table(path, required=required, what=what)


def normalize_coding(
    df: pd.DataFrame,
    *,
    source_name: str = "<tableau>",
    id_col: str = "id",
    theme_col: str = "theme_id",
    header_rows: int = 1,
) -> pd.DataFrame:
    """Validate a long coding and return it in canonical form.

    Canonical form: ``id`` (str), ``theme_id`` (str, ``<NA>`` when the id was
    coded with no theme), then whichever of ``theme_label``, ``score``
    (float), ``source`` (``human``/``model``), ``coder``, ``echantillon`` are present; exact
    duplicate rows removed; an empty-theme row dropped when the same id (and
    coder) also has themes. Row order is kept.

    Args:
        df: The coding as read (any dtypes).
        source_name: File name used in error messages.
        id_col: Column holding the item id (renamed ``id``).
        theme_col: Column holding the theme id (renamed ``theme_id``).
        header_rows: Rows before the data in the file, for 1-based row numbers.

    Raises:
        InputError: empty ids, non-numeric scores, unknown sources (all listed).
    """
    problems: list[Problem] = []
    for col in (id_col, theme_col):
        if col not in df.columns:
            problems.append(Problem(source_name, "colonne absente", column=col))
    if problems:
        raise InputError(problems)
    out = pd.DataFrame({"id": _as_str(df[id_col]), "theme_id": _as_str(df[theme_col])})
    for col in CODING_COLUMNS[2:]:
        if col in df.columns:
            out[col] = _as_str(df[col]) if col != "score" else df[col]
    rows = np.arange(len(df)) + header_rows + 1
    for i in np.flatnonzero(out["id"].isna().to_numpy()):
        problems.append(Problem(source_name, "identifiant vide", row=int(rows[i]), column=id_col))
    if "score" in out.columns:
        raw = out["score"]
        score = pd.to_numeric(raw.astype("string").str.replace(",", ".", regex=False), errors="coerce")
        bad = score.isna() & raw.astype("string").fillna("").str.strip().ne("")
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(source_name, f"score non numérique « {raw.iloc[i]} »",
                                    row=int(rows[i]), column="score"))
        out["score"] = score.astype("float64")
    if "source" in out.columns:
        bad = out["source"].notna() & ~out["source"].isin(sorted(SOURCES))
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(source_name, f"source inconnue « {out['source'].iloc[i]} » "
                                    "(attendu : human ou model)", row=int(rows[i]), column="source"))
    if problems:
        raise InputError(problems)
    key = ["id", "coder"] if "coder" in out.columns else ["id"]
    out = out.drop_duplicates(subset=[*key, "theme_id"], keep="first")
    has_theme = out.dropna(subset=["theme_id"])[key].drop_duplicates()
    has_theme["_has"] = True
    out = out.merge(has_theme, on=key, how="left", sort=False)
    out = out[~(out["theme_id"].isna() & out["_has"].eq(True))].drop(columns="_has")
    return out.reset_index(drop=True)


def _as_str(s: pd.Series) -> pd.Series:
    """Cells as stripped strings, empty → ``<NA>`` (numbers kept as written)."""
    out = s.astype("string").str.strip()
    return out.mask(out.eq(""), pd.NA)


def read_codings(
    path: str | Path,
    *,
    coder: str | None = None,
    id_col: str = "id",
    theme_col: str = "theme_id",
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read a long coding CSV (human gold, ``apply``/``extend``/``discover`` output).

    A ``.qdpx`` (REFI-QDA project of QualCoder, NVivo...) is read as human codes by
    :func:`areas_analysis.qda.read_qdpx_codings` (its selections mapped to ``units``).

    Args:
        path: The CSV file (separator and encoding detected).
        coder: Keep only the rows of this coder (file must have a ``coder`` column).
        id_col: Column holding the item id.
        theme_col: Column holding the theme id.
        units: For a ``.qdpx``: the segments/answers its selections are mapped to.

    Returns:
        The canonical coding (see :func:`normalize_coding`).

    Raises:
        InputError: missing file/columns, empty ids, bad scores, unknown coder —
            French messages naming file, row and column.
    """
    path = Path(path)
    if path.suffix.lower() in (".qdpx", ".qde"):
        from ..qda import read_qdpx_codings

        return read_qdpx_codings(path, units=units, coder=coder)
    df = read_csv_table(path, required=(id_col, theme_col), what="fichier de codage")
    out = normalize_coding(df, source_name=str(path), id_col=id_col, theme_col=theme_col)
    if coder is not None:
        if "coder" not in out.columns:
            raise InputError([Problem(str(path), "pas de colonne « coder » pour choisir un codeur")])
        known = sorted(out["coder"].dropna().unique())
        if coder not in known:
            raise InputError([Problem(str(path), f"codeur « {coder} » absent (codeurs : {', '.join(known)})",
                                      column="coder")])
        out = out[out["coder"].eq(coder)].reset_index(drop=True)
    return out


def write_codings(coding: pd.DataFrame, path: str | Path, *, decimals: int = 4) -> Path:
    """Write a long coding as CSV (UTF-8, comma, LF line ends), scores rounded for byte-stable output.

    Columns are written in the canonical order; ``theme_id`` is empty for ids
    coded with no theme. Parent directories are created.

    Args:
        coding: A coding with at least ``id`` and ``theme_id``.
        path: Destination file.
        decimals: Decimals kept for ``score``.

    Returns:
        The written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = [c for c in CODING_COLUMNS if c in coding.columns]
    out = coding[cols].copy()
    if "score" in out.columns:
        out["score"] = out["score"].astype("float64").round(decimals)
    return write_machine_csv(out, path, float_format=f"%.{decimals}f")


def coded_ids(coding: pd.DataFrame) -> list[str]:
    """Ids present in a coding (with or without a theme), in first-seen order."""
    return list(dict.fromkeys(coding["id"].astype("string").dropna().tolist()))


def theme_ids(coding: pd.DataFrame) -> list[str]:
    """Theme ids used in a coding, sorted."""
    return sorted(coding["theme_id"].dropna().astype(str).unique().tolist())


def indicator_matrix(coding: pd.DataFrame, ids: Iterable[str], themes: Iterable[str]) -> np.ndarray:
    """Binary (item × theme) matrix of a long coding.

    Args:
        coding: Long coding with ``id`` and ``theme_id``.
        ids: Row order; ids absent from the coding get an all-zero row.
        themes: Column order; other themes are ignored.

    Returns:
        A ``bool`` array of shape ``(len(ids), len(themes))``.
    """
    ids = list(ids)
    themes = list(themes)
    row = {k: i for i, k in enumerate(ids)}
    col = {k: j for j, k in enumerate(themes)}
    mat = np.zeros((len(ids), len(themes)), dtype=bool)
    sub = coding.dropna(subset=["theme_id"])
    r = sub["id"].astype(str).map(row)
    c = sub["theme_id"].astype(str).map(col)
    ok = r.notna() & c.notna()
    mat[r[ok].astype(int).to_numpy(), c[ok].astype(int).to_numpy()] = True
    return mat
