"""Likert items: distributions, medians and share of agreement, by group.

Likert answers arrive from ingest as ordered categoricals with French labels
(``docs/formats.md``); « Je ne sais pas » is not a level of the scale. It is
counted apart (``n_ne_sait_pas``) when the label is still in the data, or from
a companion 0/1 column ``{item}__ne_sait_pas`` when ingest provides one (ingest
otherwise turns it into NA, indistinguishable from a blank), and always left
out of percentages and medians.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..tables import as_list, check_confidence, fr_list, fr_num, fr_pct, require_columns, set_note
from ._common import SMALL_GROUP, fill_group_na, wilson_interval

__all__ = ["DONT_KNOW", "agree_levels", "describe_likert", "likert_scale", "likert_summary"]

#: Suffix of an optional 0/1 column flagging « Je ne sais pas » answers of a Likert item.
DONT_KNOW_SUFFIX = "__ne_sait_pas"
#: Answers meaning « no opinion »: reported apart, never a level of the scale.
DONT_KNOW: tuple[str, ...] = ("Je ne sais pas", "Ne sait pas", "NSP", "Sans opinion")


def likert_scale(responses: pd.DataFrame, items: Sequence[str], scale: Sequence[str] | None = None,
                 dont_know: Sequence[str] = DONT_KNOW) -> list[str]:
    """The ordered levels shared by ``items`` (from their ordered categorical, or ``scale``).

    Raises:
        InputError: an item is neither an ordered categorical nor given a
            scale, or items have different scales.
    """
    if scale is not None:
        return [s for s in scale if s not in set(dont_know)]
    found: dict[tuple[str, ...], list[str]] = {}
    problems = []
    for it in items:
        s = responses[it]
        if isinstance(s.dtype, pd.CategoricalDtype) and s.cat.ordered:
            lv = tuple(str(c) for c in s.cat.categories if str(c) not in set(dont_know))
            found.setdefault(lv, []).append(it)
        else:
            problems.append(Problem("table des réponses", "item Likert sans échelle : attendu une catégorie "
                                    "ordonnée (lecture par ingest) ou le paramètre scale=[...]", column=it))
    if problems:
        raise InputError(problems)
    if len(found) > 1:
        groups = [f"{list(v)} : {list(k)}" for k, v in found.items()]
        raise InputError([Problem("table des réponses", "items avec des échelles différentes ; résumez-les "
                                  "séparément — " + " / ".join(groups))])
    return list(next(iter(found)))


def agree_levels(scale: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """Split a scale into (disagree, neutral, agree) levels: the lower half, the middle, the upper half.

    For 5 levels: 2 / 1 / 2; for 4 levels: 2 / 0 / 2.
    """
    k = len(scale)
    half = k // 2
    return list(scale[:half]), list(scale[half:k - half]), list(scale[k - half:])


def _median_level(counts: np.ndarray, scale: Sequence[str]) -> object:
    n = counts.sum()
    if n == 0:
        return pd.NA
    cum = np.cumsum(counts) / n
    return scale[int(np.argmax(cum >= 0.5 - 1e-12))]


def likert_summary(
    responses: pd.DataFrame,
    items: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    scale: Sequence[str] | None = None,
    dont_know: Sequence[str] = DONT_KNOW,
    labels: dict[str, str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Distribution, median and share of agreement of Likert items, overall or by group.

    Percentages are over valid answers (« Je ne sais pas » and missing left
    out). The median is the lower median level: the first level where the
    cumulative share reaches 50 %. « D'accord » is the upper half of the scale
    (e.g. « Plutôt d'accord » + « Tout à fait d'accord »), with a Wilson interval.

    Args:
        responses: Tidy responses, one row per respondent.
        items: Likert columns (same scale).
        by: Grouping column(s) (commune, public, tranche d'âge...), or ``None``.
        scale: Ordered levels, when items are not ordered categoricals.
        dont_know: « No opinion » labels, counted in ``n_ne_sait_pas``.
        labels: French question text per item (column ``question``).
        confidence: Level of the interval of the share of agreement.

    Returns:
        New DataFrame, one row per (group, item): the ``by`` columns, ``item``,
        ``question``, ``n`` (valid answers), ``n_ne_sait_pas``, ``n_manquant``,
        ``mediane``, one column per level (share of valid answers, 0–1), ``part_accord``,
        ``ic_bas``, ``ic_haut``, ``part_desaccord``. ``attrs["scale"]`` holds the levels.

    Raises:
        InputError: missing columns, no scale, or answers outside the scale (rows listed).
    """
    check_confidence(confidence)
    item_cols = as_list(items)
    by_cols = as_list(by)
    require_columns(responses, [*item_cols, *by_cols], "table des réponses")
    levels = likert_scale(responses, item_cols, scale, dont_know)
    dk = set(dont_know)
    disagree, _neutral, agree = agree_levels(levels)

    problems = []
    clean = {}
    for it in item_cols:
        s = responses[it].astype(object).where(responses[it].notna(), None)
        txt = pd.Series([None if v is None else str(v).strip() for v in s], index=responses.index, dtype=object)
        bad = txt.notna() & ~txt.isin(levels) & ~txt.isin(dk) & txt.ne("")
        if bad.any():
            rows = (np.flatnonzero(bad.to_numpy())[:5] + 1).tolist()
            vals = sorted(set(txt[bad]))[:3]
            problems.append(Problem("table des réponses", f"valeurs hors échelle {vals} (rangs {rows} du tableau)",
                                    column=it))
        clean[it] = txt.where(txt.ne(""), None)
    if problems:
        raise InputError(problems)

    base = fill_group_na(responses[by_cols], by_cols) if by_cols else pd.DataFrame(index=responses.index)
    keys = base.groupby(by_cols, observed=True, sort=True).groups if by_cols else {"_": responses.index}
    rows = []
    for key, idx in keys.items():
        key = key if isinstance(key, tuple) else (key,)
        for it in item_cols:
            v = clean[it].loc[idx]
            counts = np.array([(v == lv).sum() for lv in levels])
            n = int(counts.sum())
            n_dk = int(v.isin(dk).sum())
            flag_col = f"{it}{DONT_KNOW_SUFFIX}"
            if flag_col in responses.columns:
                flags = pd.to_numeric(responses.loc[idx, flag_col], errors="coerce").fillna(0).astype(bool)
                n_dk += int((flags & v.isna()).sum())
            rec = {**(dict(zip(by_cols, key, strict=True)) if by_cols else {}), "item": it,
                   "question": (labels or {}).get(it, it), "n": n, "n_ne_sait_pas": n_dk,
                   "n_manquant": int(len(v) - n - n_dk), "mediane": _median_level(counts, levels)}
            for lv, c in zip(levels, counts, strict=True):
                rec[lv] = c / n if n else np.nan
            n_agree = int(sum(c for lv, c in zip(levels, counts, strict=True) if lv in agree))
            n_dis = int(sum(c for lv, c in zip(levels, counts, strict=True) if lv in disagree))
            lo, hi = wilson_interval(n_agree, n, confidence)
            rec.update(part_accord=n_agree / n if n else np.nan, ic_bas=float(lo), ic_haut=float(hi),
                       part_desaccord=n_dis / n if n else np.nan)
            rows.append(rec)
    out = pd.DataFrame(rows)
    out["mediane"] = out["mediane"].astype("string")
    return set_note(out, describe_likert(out, scale=levels, by=by_cols), scale=levels, by=by_cols,
                    agree=agree, disagree=disagree)


def describe_likert(table: pd.DataFrame, *, scale: Sequence[str] | None = None,
                    by: str | Sequence[str] | None = None) -> str:
    """French plain-language note for a :func:`likert_summary` table."""
    scale = list(scale or table.attrs.get("scale", []))
    by_cols = as_list(by if by is not None else table.attrs.get("by"))
    if table.empty:
        return "Aucune question d'accord à résumer."
    _, _, agree = agree_levels(scale) if scale else ([], [], [])
    text = (f"Répartition des réponses à {table['item'].nunique()} question(s) d'accord"
            + (f" selon {', '.join(by_cols)}" if by_cols else "")
            + f". Les pourcentages portent sur les réponses exprimées (n) ; « Je ne sais pas » "
            f"({fr_num(int(table['n_ne_sait_pas'].sum()), 0)}) et les non-réponses "
            f"({fr_num(int(table['n_manquant'].sum()), 0)}) sont comptés à part. « Part d'accord » = "
            f"{' + '.join(f'« {a} »' for a in agree)} (intervalle de Wilson) ; la médiane est le niveau atteint "
            "par la moitié des répondants.")
    empty = table[table["n"] == 0]
    if len(empty):
        names = empty["item"].astype(str).unique().tolist()
        text += f" Sans aucune réponse exprimée : {fr_list(names)}."
    small = table[(table["n"] > 0) & (table["n"] < SMALL_GROUP)]
    if len(small):
        text += (f" {len(small)} ligne(s) reposent sur moins de {SMALL_GROUP} réponses : pourcentages "
                 "à lire avec prudence.")
    ok = table[table["n"] > 0]
    if len(ok) and not by_cols:
        best = ok.loc[ok["part_accord"].idxmax()]
        text += f" Plus forte adhésion : « {best['question']} » ({fr_pct(best['part_accord'])} d'accord)."
    return text
