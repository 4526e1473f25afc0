"""Shared helpers of the quantify stage: validation, intervals, French formatting, notes.

Everything here is private to :mod:`areas_analysis.quantify` except the few
names re-exported in its ``__all__`` (:func:`wilson_interval`,
:func:`newcombe_interval`, :class:`StatisticalWarning`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError, Problem
from ..labels import COLUMN_LABELS  # French headers: one dictionary, shared with the report and the workbook
from ..tables import as_list, check_confidence, format_p, fr_num, fr_pct
from ..text import fr_signed  # re-exported: one home for French numbers

#: Prefix of the 0/1 theme columns of a respondent × theme matrix.
THEME_PREFIX = "theme__"
#: Label given to a missing grouping value (commune not filled in...).
MISSING_GROUP = "(non renseigné)"
#: Groups smaller than this get a "wide interval" warning in the notes.
SMALL_GROUP = 20


class StatisticalWarning(UserWarning):
    """A French warning about the reliability of a statistic (few clusters, separation...)."""


# --------------------------------------------------------------------------- validation








def normalise_ids(s: pd.Series) -> pd.Series:
    """Ids as stripped strings, so that ``7``, ``"7"`` and ``" 7 "`` match (NA stays NA)."""
    out = s.astype("string").str.strip()
    return out.mask(out.eq(""))


def fill_group_na(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Return a copy of ``df`` where missing grouping values read ``(non renseigné)``."""
    out = df.copy()
    for c in columns:
        if not out[c].isna().any():
            continue
        col = out[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            if MISSING_GROUP not in col.cat.categories:
                col = col.cat.add_categories([MISSING_GROUP])
            out[c] = col.fillna(MISSING_GROUP)
        else:
            out[c] = col.astype("string").fillna(MISSING_GROUP)
    return out


def resolve_theme_columns(matrix: pd.DataFrame, themes: str | Sequence[str] | None, what: str) -> list[str]:
    """Map theme names to the 0/1 columns of a respondent × theme matrix.

    A name can be the column itself (``theme__acces_medecin``) or the theme id
    (``acces_medecin``). ``None`` means every ``theme__*`` column.
    """
    if themes is None:
        cols = [c for c in matrix.columns if str(c).startswith(THEME_PREFIX)]
        if not cols:
            raise InputError([Problem(what, f"aucune colonne de thème « {THEME_PREFIX}… » ; "
                                            "construisez la matrice avec theme_matrix()")])
        return cols
    out, problems = [], []
    for t in as_list(themes):
        if t in matrix.columns:
            out.append(t)
        elif f"{THEME_PREFIX}{t}" in matrix.columns:
            out.append(f"{THEME_PREFIX}{t}")
        else:
            problems.append(Problem(what, "thème absent de la matrice (ni colonne ni "
                                          f"« {THEME_PREFIX}{t} »)", column=t))
    if problems:
        raise InputError(problems)
    return out


def theme_name(column: str) -> str:
    """Theme id of a matrix column (``theme__acces_medecin`` → ``acces_medecin``)."""
    return column[len(THEME_PREFIX):] if column.startswith(THEME_PREFIX) else column


def binary_values(s: pd.Series, what: str, column: str) -> pd.Series:
    """A 0/1 (or boolean) column as nullable integers; anything else is a French error."""
    if s.dtype == bool or str(s.dtype) == "boolean":
        return s.astype("Int8")
    num = pd.to_numeric(s, errors="coerce")
    bad = s.notna() & (num.isna() | ~num.isin([0, 1]))
    if bad.any():
        rows = list(np.flatnonzero(bad.to_numpy())[:5] + 1)
        raise InputError([Problem(what, f"valeurs autres que 0/1 (lignes {rows})", column=column)])
    return num.astype("Int8")


# --------------------------------------------------------------------------- intervals


def wilson_interval(count: np.ndarray | float, n: np.ndarray | float,
                    confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (vectorised).

    The Wilson interval keeps good coverage for small ``n`` and proportions
    near 0 or 1, where the Wald interval fails (Wilson 1927; Brown, Cai &
    DasGupta 2001, *Statistical Science* 16:101-133). Where ``n == 0`` the
    bounds are NaN.

    Args:
        count: Number of successes.
        n: Number of trials.
        confidence: Two-sided confidence level.

    Returns:
        ``(low, high)`` arrays of proportions in [0, 1].
    """
    check_confidence(confidence)
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = count / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    # exact bounds at the edges (rounding can leave 1e-17 instead of 0)
    low = np.where((n > 0) & (count == 0), 0.0, low)
    high = np.where((n > 0) & (count == n), 1.0, high)
    return low, high


def newcombe_interval(x1: float, n1: float, x2: float, n2: float,
                      confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid score interval for ``x1/n1 - x2/n2`` (independent samples).

    Method 10 of Newcombe (1998), "Interval estimation for the difference
    between independent proportions: comparison of eleven methods",
    *Statistics in Medicine* 17:873-890: with Wilson intervals ``(l1, u1)``,
    ``(l2, u2)`` of each proportion, ``L = d - sqrt((p1-l1)² + (u2-p2)²)`` and
    ``U = d + sqrt((u1-p1)² + (p2-l2)²)``. It needs no continuity correction and
    behaves well with zero counts, unlike the Wald interval.

    Returns:
        ``(low, high)``; NaN when a group is empty.
    """
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan)
    p1, p2 = x1 / n1, x2 / n2
    (l1,), (u1,) = (np.atleast_1d(v) for v in wilson_interval(x1, n1, confidence))
    (l2,), (u2,) = (np.atleast_1d(v) for v in wilson_interval(x2, n2, confidence))
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (max(-1.0, low), min(1.0, high))


# --------------------------------------------------------------------------- French text













# --------------------------------------------------------------------------- notes






def label_of(value: Hashable, labels: dict[str, str] | None) -> str:
    """French label of a theme id (or the id itself)."""
    key = str(value)
    if labels and key in labels:
        return labels[key]
    return key


# --------------------------------------------------------------------------- display

_SHARE_COLUMNS = {"proportion", "ic_bas", "ic_haut", "part_accord", "part_desaccord", "part_cites", "p_usagers",
                  "p_pros", "ic_bas_usagers", "ic_haut_usagers", "ic_bas_pros", "ic_haut_pros", "taux"}
_POINT_COLUMNS = {"difference", "ic_bas_difference", "ic_haut_difference"}
_P_COLUMNS = {"p_value", "p_ajuste_bh"}
_PERCENT_COLUMNS = {"pourcentage_atteint"}

def display_table(table: pd.DataFrame, *, decimals: int = 0, rename: bool = True,
                  labels: dict[str, str] | None = None) -> pd.DataFrame:
    """A copy of a quantify table made for reading: shares as « 42 % », p-values, French headers.

    CSV files keep the raw numbers; this is for the HTML report and notebooks.
    The note in ``attrs`` is kept.

    Args:
        table: Any table of this stage.
        decimals: Decimals of percentages.
        rename: Replace snake_case column names by French headers (:data:`COLUMN_LABELS`).
        labels: Extra or overriding headers.
    """
    out = table.copy()
    shares = _SHARE_COLUMNS | set(table.attrs.get("scale", []))
    for c in out.columns:
        col = out[c]
        if c in shares and pd.api.types.is_numeric_dtype(col):
            out[c] = [fr_pct(float(v), decimals) if not pd.isna(v) else "–" for v in col]
        elif c in _POINT_COLUMNS and pd.api.types.is_numeric_dtype(col):
            out[c] = [f"{fr_signed(100 * float(v), decimals)} pts" if not pd.isna(v) else "–" for v in col]
        elif c in _PERCENT_COLUMNS and pd.api.types.is_numeric_dtype(col):
            out[c] = [f"{fr_num(float(v), decimals)}\u00a0%" if not pd.isna(v) else "–" for v in col]
        elif c in _P_COLUMNS:
            out[c] = [format_p(float(v)).removeprefix("p = ").removeprefix("p ") if not pd.isna(v) else "–"
                      for v in col]
        elif col.dtype == bool:
            out[c] = col.map({True: "oui", False: "non"})
    if rename:
        mapping = {**COLUMN_LABELS, **(labels or {})}
        if "theme" in out.columns:
            mapping["theme_id"] = "Code du thème"
        out = out.rename(columns={c: mapping[c] for c in out.columns if c in mapping})
    out.attrs = dict(table.attrs)
    return out
