"""Helpers shared by the stages that build French result tables (quantify, evaluate).

Column checks with French errors, French number formatting (decimal comma,
narrow no-break spaces, typographic minus) and the plain-language note every
result table carries in ``attrs["note"]`` (shown under the table by
:meth:`areas_analysis.report.Reporter.table`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

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
