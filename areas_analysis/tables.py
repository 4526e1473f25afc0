"""Helpers shared by the stages that build French result tables (quantify, evaluate).

Column checks with French errors, French number formatting (decimal comma,
narrow no-break spaces, typographic minus) and the plain-language note every
result table carries in ``attrs["note"]`` (shown under the table by
:meth:`areas_analysis.report.Reporter.table`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AreasError, InputError, Problem
from .text import fr_num, fr_pct  # noqa: F401 - re-exported: one home for French numbers


def as_list(x: str | Sequence[str] | None) -> list[str]:
    """Return ``x`` as a list of column names (``None`` → empty list)."""
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`InputError` naming every column of ``columns`` missing from ``df``.

    Args:
        df: The table checked.
        columns: Required column names.
        what: French name of the table shown to the user (e.g. ``"questionnaire avant"``).
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        shown = ", ".join(f"« {c} »" for c in list(df.columns)[:12])
        raise InputError(
            [Problem(what, f"colonne absente (colonnes présentes : {shown})", column=c) for c in missing]
        )


def check_confidence(confidence: float) -> None:
    """Refuse a confidence level outside ]0, 1[ with a French message."""
    if not 0 < confidence < 1:
        raise AreasError(f"Niveau de confiance invalide : {confidence} (attendu entre 0 et 1, par ex. 0,95).")


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def format_p(p: float | None, missing: str = "–") -> str:
    """French p-value: ``p < 0,001`` or ``p = 0,034``; ``missing`` when not computed."""
    if _missing(p):
        return missing
    return "p < 0,001" if p < 0.001 else f"p = {fr_num(p, 3)}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 répondant"`` / ``"3 répondants"`` (French: 0 and 1 are singular)."""
    word = singular if abs(n) < 2 else (plural_form or singular + "s")
    return f"{fr_num(n, 0)} {word}"


def fr_list(items: Sequence[str], max_items: int = 6) -> str:
    """``["a", "b", "c"]`` → ``"a, b et c"`` (truncated with « … » beyond ``max_items``)."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) > max_items:
        return ", ".join(items[:max_items]) + f"… ({len(items)} au total)"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def set_note(df: pd.DataFrame, text: str, **extra: object) -> pd.DataFrame:
    """Attach the French plain-language note (and extra metadata) to ``df.attrs``."""
    df.attrs["note"] = text
    for k, v in extra.items():
        df.attrs[k] = v
    return df


def note(table: pd.DataFrame) -> str:
    """The French plain-language sentence a result table carries (``table.attrs["note"]``).

    It says what the table shows and its limits; :meth:`Reporter.table` places it under the table.
    """
    return str(table.attrs.get("note", ""))


# --------------------------------------------------------------------------- tables for people

#: Rows of a table shown in the report and notebooks; the full table is in the CSV and ``tableaux.xlsx``.
DISPLAY_ROWS = 6
#: Columns shown side by side (printed A4 portrait stays readable up to about 8 columns).
DISPLAY_COLUMNS = 8
#: Column groups shown for a wide table (it is split into parts that repeat its first column).
DISPLAY_PARTS = 2
#: A text cell longer than this is cut with « … » in the report (the workbook keeps it whole).
DISPLAY_TEXT_CHARS = 120
#: Leading text columns repeated in each part of a split table.
KEY_COLUMNS = 2
#: A text column holding one value on every row, at least this long, is stated once above the table.
CONSTANT_TEXT_CHARS = 15

#: Share columns (0–1) shown as « 12 % ».
SHARE_COLUMNS = frozenset({"proportion", "part", "part_accord", "part_desaccord", "part_cites", "part_ameliores",
                           "part_apparies", "p_usagers", "p_pros", "taux", "ic_bas_usagers", "ic_haut_usagers",
                           "ic_bas_pros", "ic_haut_pros"})
#: Differences of shares shown in percentage points.
POINT_COLUMNS = frozenset({"difference", "ic_bas_difference", "ic_haut_difference"})
#: Already in percent (0–100).
PERCENT_COLUMNS = frozenset({"pourcentage_atteint"})
#: p-values, shown « 0,034 » or « < 0,001 ».
P_COLUMNS = frozenset({"p", "p_value", "p_ajuste", "p_ajuste_bh", "p_wilcoxon", "p_t_apparie", "p_mann_whitney"})
#: (estimate, lower bound, upper bound): shown in one cell « 12 % [8 ; 17] »; the bounds columns disappear.
#: ``ic_bas``/``ic_haut`` go with the first estimate of this list present in the table.
INTERVAL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("p_usagers", "ic_bas_usagers", "ic_haut_usagers"), ("p_pros", "ic_bas_pros", "ic_haut_pros"),
    ("difference", "ic_bas_difference", "ic_haut_difference"), ("r_rang_biserial", "r_ic_bas", "r_ic_haut"),
    ("dz", "dz_ic_bas", "dz_ic_haut"), ("proportion", "ic_bas", "ic_haut"), ("part_accord", "ic_bas", "ic_haut"),
    ("effet", "ic_bas", "ic_haut"), ("odds_ratio", "ic_bas", "ic_haut"), ("taux", "ic_bas", "ic_haut"),
    ("kappa", "kappa_ic_bas", "kappa_ic_haut"), ("alpha", "alpha_ic_bas", "alpha_ic_haut"),
)


#: Id columns hidden in the report when the table also has their French label (the workbook keeps both).
ID_WITH_LABEL: dict[str, tuple[str, ...]] = {"theme_id": ("theme", "libelle", "theme_label"),
                                             "item": ("libelle", "question"), "id": ("libelle",)}


def _is_missing(x: object) -> bool:
    try:
        return x is None or bool(pd.isna(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def fr_value(x: object, column: str = "") -> str:
    """One cell as a person reads it: booleans as « oui »/« non », missing as « – », rounded numbers.

    Shares (:data:`SHARE_COLUMNS`) become « 12 % », p-values « 0,034 » / « < 0,001 »; other numbers
    keep 0 to 2 decimals depending on their size.
    """
    if _is_missing(x):
        return "–"
    if isinstance(x, (bool, np.bool_)):
        return "oui" if x else "non"
    if isinstance(x, str):
        if x in {"True", "False"}:
            return "oui" if x == "True" else "non"
        return x if len(x) <= DISPLAY_TEXT_CHARS else x[: DISPLAY_TEXT_CHARS - 1].rstrip() + "…"
    if isinstance(x, (int, float)) or hasattr(x, "__float__"):
        try:
            v = float(x)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(x)
        if column in SHARE_COLUMNS:
            return fr_pct(v)
        if column in POINT_COLUMNS:
            return f"{'+' if v >= 0 else ''}{fr_num(100 * v, 0)} pts"
        if column in PERCENT_COLUMNS:
            return f"{fr_num(v, 0)}\u00a0%"
        if column in P_COLUMNS:
            return "< 0,001" if v < 0.001 else fr_num(v, 3)
        return fr_num(v, _decimals(v))
    return str(x)


def _decimals(v: float) -> int:
    """Decimals for reading: none for whole numbers and from 100 on, one from 10, else two."""
    if v == int(v) and abs(v) < 1e15:
        return 0
    return 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2


def _interval(est: object, low: object, high: object, column: str) -> str:
    if _is_missing(est):
        return "–"
    shown = fr_value(est, column)
    if _is_missing(low) or _is_missing(high):
        return shown
    if column in SHARE_COLUMNS:
        lo, hi = fr_num(100 * float(low), 0), fr_num(100 * float(high), 0)  # type: ignore[arg-type]
    elif column in POINT_COLUMNS:
        lo, hi = fr_num(100 * float(low), 0), fr_num(100 * float(high), 0)  # type: ignore[arg-type]
    else:  # bounds with the estimate's decimals (« 0,83 [0,43 ; 1,00] »)
        d = max(_decimals(float(est)), 1 if abs(float(est)) < 100 else 0)  # type: ignore[arg-type]
        shown = fr_num(float(est), d)  # type: ignore[arg-type]
        lo, hi = fr_num(float(low), d), fr_num(float(high), d)  # type: ignore[arg-type]
    return f"{shown} [{lo} ; {hi}]"


def interval_groups(columns: Sequence[str]) -> list[tuple[str, str, str]]:
    """The (estimate, low, high) triples of :data:`INTERVAL_COLUMNS` present in ``columns``."""
    cols, used, out = set(columns), set(), []
    for est, low, high in INTERVAL_COLUMNS:
        if {est, low, high} <= cols and low not in used:
            out.append((est, low, high))
            used |= {low, high}
    return out


@dataclass
class ReadableTable:
    """A table made for reading: string cells, French headers, split in parts if wide.

    Attributes:
        parts: One or more DataFrames of strings (French headers), each at most
            :data:`DISPLAY_COLUMNS` wide; parts after the first repeat the first column.
        constants: French header → value of the text columns equal on every row (stated once).
        n_rows: Rows of the full table; ``shown_rows`` of them are in ``parts``.
        hidden_columns: Columns beyond :data:`DISPLAY_PARTS` parts (in the workbook only).
        interval_note: Says how intervals are written, when the table has some.
    """

    parts: list[pd.DataFrame]
    constants: dict[str, str]
    n_rows: int
    shown_rows: int
    hidden_columns: int
    interval_note: str


def readable_table(df: pd.DataFrame, *, max_rows: int = DISPLAY_ROWS, max_columns: int = DISPLAY_COLUMNS,
                   max_parts: int = DISPLAY_PARTS, labels: Mapping[str, str] | None = None) -> ReadableTable:
    """Turn a result table into what a person reads (the table itself is not modified).

    Intervals are merged into their estimate (« 12 % [8 ; 17] »), text columns equal on every row
    are pulled out to be stated once, only the top ``max_rows`` rows are kept, headers become
    French (:func:`areas_analysis.labels.column_label`) and a table wider than ``max_columns`` is
    split into parts repeating its first column.
    """
    from .labels import column_label

    labels = {**(df.attrs.get("labels") or {}), **(labels or {})}
    head = df.head(max_rows)
    constants: dict[str, str] = {}
    columns = [str(c) for c in df.columns]
    if len(df) > 1:
        for c in columns:
            s = df[c]
            if not pd.api.types.is_numeric_dtype(s) and s.nunique(dropna=False) == 1 \
                    and isinstance(s.iloc[0], str) and len(s.iloc[0]) >= CONSTANT_TEXT_CHARS:
                constants[column_label(c, labels)] = s.iloc[0]
    groups = interval_groups(columns)
    bounds = {b for _, lo, hi in groups for b in (lo, hi)}
    scale = {str(c) for c in df.attrs.get("scale", [])}
    source: dict[str, str] = {}
    hidden_ids = {c for c, with_label in ID_WITH_LABEL.items() if c in columns and set(with_label) & set(columns)}
    out: dict[str, list[str]] = {}
    for c in columns:
        if c in bounds or c in hidden_ids or column_label(c, labels) in constants:
            continue
        if len(df) and df[c].map(lambda v: _is_missing(v) or v == "").all():  # nothing to read (kept in the CSV)
            continue
        group = next((g for g in groups if g[0] == c), None)
        name = column_label(c, labels) + (" [IC]" if group else "")
        base, k = name, 2
        while name in out:  # two columns with one label stay two columns
            name, k = f"{base} ({k})", k + 1
        if group:
            out[name] = [_interval(e, lo, hi, c) for e, lo, hi in head[[c, group[1], group[2]]].itertuples(
                index=False, name=None)]
        elif c in scale and pd.api.types.is_numeric_dtype(head[c]):  # Likert levels: shares of answers
            out[name] = [fr_pct(float(v)) if not _is_missing(v) else "–" for v in head[c]]
        else:
            out[name] = [fr_value(v, c) for v in head[c]]
        source[name] = c
    full = pd.DataFrame(out, index=range(len(head)))
    names = list(full.columns)
    parts: list[pd.DataFrame] = []
    hidden = 0
    if len(names) <= max_columns:
        parts = [full]
    else:
        # each part repeats the leading text columns (at most KEY_COLUMNS) that say what a row is
        key = names[:1]
        while len(key) < KEY_COLUMNS and len(key) < len(names) - 1 \
                and not pd.api.types.is_numeric_dtype(df[source[names[len(key)]]]):
            key.append(names[len(key)])
        rest = names[len(key):]
        step = max_columns - len(key)
        chunks = [rest[i:i + step] for i in range(0, len(rest), step)]
        parts = [full[key + chunk] for chunk in chunks[:max_parts]]
        hidden = sum(len(c) for c in chunks[max_parts:])
    note = ("Les intervalles de confiance à 95 % sont écrits entre crochets après la valeur : "
            "« 12 % [8 ; 17] ».") if groups else ""
    return ReadableTable(parts, constants, len(df), len(head), hidden, note)
