"""Theme prevalence: the share of segments or respondents raising each theme, with Wilson CIs.

A coding (``id, theme_id[, score]``, see ``docs/formats.md``) says which units
raised which theme; a unit table (segments or respondents) gives the grouping
columns (atelier, commune, section, public, cycle...). The prevalence of a
theme in a group is the number of distinct units of the group raising it over
the number of units of the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..tables import as_list, check_confidence, fr_list, fr_num, fr_pct, require_columns, set_note
from ._common import SMALL_GROUP, fill_group_na, normalise_ids, wilson_interval

__all__ = ["describe_prevalence", "theme_prevalence"]


def theme_prevalence(
    codings: pd.DataFrame,
    units: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    unit_col: str = "id",
    theme_col: str = "theme_id",
    coding_id_col: str = "id",
    count_col: str | None = None,
    themes: Sequence[str] | None = None,
    confidence: float = 0.95,
    unknown_ids: Literal["error", "ignore"] = "error",
    unit_label: str = "unités",
) -> pd.DataFrame:
    """Share of units raising each theme, per group, with Wilson confidence intervals.

    Each group of ``units`` (by atelier, commune, section, public, cycle...) is
    the denominator; a unit counts at most once per theme. With ``count_col``
    the counted unit is coarser than the coded one: e.g. codings on the
    segments of open answers, ``units`` listing ``id`` and ``respondent_id``,
    ``count_col="respondent_id"`` — a respondent then counts once per theme
    however many of their segments raise it. Every (group, theme) pair is
    returned, so a theme nobody raised in a group shows 0 with its interval.

    Method: Wilson score interval (Wilson 1927; recommended by Brown, Cai &
    DasGupta 2001 for small samples), same values as
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.

    Args:
        codings: Long coding, one row per (unit, theme); rows with an empty
            theme (coded with no theme) only count in denominators.
        units: One row per coded unit, with ``unit_col`` and the ``by`` columns.
        by: Grouping column(s); ``None`` for the whole sample.
        unit_col: Id column of ``units`` (``"segment_id"``, ``"respondent_id"``...).
        theme_col: Theme column of ``codings``.
        coding_id_col: Id column of ``codings`` (``"id"`` in ``docs/formats.md``),
            matched to ``unit_col`` as text.
        count_col: Column of ``units`` whose distinct values are counted
            (default: ``unit_col``).
        themes: Themes to report (e.g. the whole codebook, so that themes nobody
            raised appear); default: the themes present in ``codings``.
        confidence: Confidence level of the intervals.
        unknown_ids: ``"error"`` (default) refuses codings whose id is not in
            ``units``; ``"ignore"`` drops them.
        unit_label: French plural noun for the counted units in the note
            (``"segments"``, ``"répondants"``).

    Returns:
        New DataFrame: the ``by`` columns, ``theme_id``, ``n`` (units in the
        group), ``effectif`` (units raising the theme), ``proportion``,
        ``ic_bas``, ``ic_haut``. ``attrs["note"]`` holds the French note.

    Raises:
        InputError: missing columns, or unknown ids with ``unknown_ids="error"``.

    Example:
        >>> prev = theme_prevalence(codes, segments, "commune", unit_col="segment_id")  # doctest: +SKIP
    """
    check_confidence(confidence)
    by_cols = as_list(by)
    count_key = count_col or unit_col
    require_columns(codings, [coding_id_col, theme_col], "table des codages")
    require_columns(units, list(dict.fromkeys([unit_col, count_key, *by_cols])), "table des unités")

    u = fill_group_na(units[list(dict.fromkeys([unit_col, count_key, *by_cols]))], by_cols)
    u = u.assign(_uid=normalise_ids(u[unit_col]), _cid=normalise_ids(u[count_key]))
    u = u[u["_uid"].notna() & u["_cid"].notna()]
    distinct = u.drop_duplicates(["_uid", *by_cols])
    dup = distinct.duplicated("_uid", keep=False)
    if dup.any():
        ids = distinct.loc[dup, "_uid"].drop_duplicates().tolist()[:5]
        raise InputError([Problem("table des unités", f"identifiants rattachés à plusieurs groupes : {ids}",
                                  column=unit_col)])
    u = u.drop_duplicates(["_uid"])

    c = codings[[coding_id_col, theme_col]].assign(_uid=normalise_ids(codings[coding_id_col]),
                                             _theme=codings[theme_col].astype("string").str.strip())
    c = c[c["_uid"].notna()]
    unknown = ~c["_uid"].isin(set(u["_uid"]))
    if unknown.any() and unknown_ids == "error":
        ids = c.loc[unknown, "_uid"].drop_duplicates().tolist()
        raise InputError([Problem("table des codages", f"{len(ids)} identifiant(s) absent(s) de la table des "
                                  f"unités, par ex. {ids[:5]} (unknown_ids='ignore' pour les écarter)",
                                  column=coding_id_col)])
    c = c[~unknown & c["_theme"].notna() & c["_theme"].ne("")]

    theme_list = list(dict.fromkeys([*(themes or []), *sorted(c["_theme"].unique().tolist())]))

    key = by_cols or ["_all"]
    if not by_cols:
        u = u.assign(_all="ensemble")
    denominators = u.groupby(key, dropna=False, observed=True, sort=True)["_cid"].nunique().rename("n")
    hits = c.merge(u[["_uid", "_cid", *key]], on="_uid", how="inner")
    numerators = hits.groupby([*key, "_theme"], dropna=False, observed=True)["_cid"].nunique().rename("effectif")

    groups = denominators.reset_index()
    grid = groups.merge(pd.DataFrame({"theme_id": pd.Series(theme_list, dtype="string")}), how="cross")
    num = numerators.reset_index().rename(columns={"_theme": "theme_id"})
    out = grid.merge(num, on=[*key, "theme_id"], how="left")
    out["effectif"] = out["effectif"].fillna(0).astype("int64")
    out["n"] = out["n"].astype("int64")
    out["proportion"] = np.where(out["n"] > 0, out["effectif"] / out["n"].where(out["n"] > 0, 1), np.nan)
    low, high = wilson_interval(out["effectif"].to_numpy(), out["n"].to_numpy(), confidence)
    out["ic_bas"], out["ic_haut"] = low, high
    if not by_cols:
        out = out.drop(columns="_all")
    out = out[[*by_cols, "theme_id", "n", "effectif", "proportion", "ic_bas", "ic_haut"]]
    out = out.sort_values([*by_cols, "theme_id"], key=_theme_order(theme_list), kind="stable")
    out = out.reset_index(drop=True)
    total = int(u["_cid"].nunique())
    return set_note(out, describe_prevalence(out, by=by_cols, total=total, unit_label=unit_label,
                                             confidence=confidence),
                    confidence=confidence, unit_label=unit_label, by=by_cols)


def _theme_order(theme_list: list[str]):
    order = {t: i for i, t in enumerate(theme_list)}

    def key(s: pd.Series) -> pd.Series:
        return s.map(order) if s.name == "theme_id" else s

    return key


def describe_prevalence(
    table: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    total: int | None = None,
    unit_label: str | None = None,
    confidence: float | None = None,
) -> str:
    """French plain-language note for a :func:`theme_prevalence` table.

    Says what the percentages are computed on, the interval method, and which
    groups are too small for precise estimates (fewer than 20 units).
    """
    by_cols = as_list(by if by is not None else table.attrs.get("by"))
    unit_label = unit_label or table.attrs.get("unit_label", "unités")
    confidence = confidence or table.attrs.get("confidence", 0.95)
    if table.empty:
        return "Aucun thème à décrire : la table des codages ne contient aucun thème pour ces unités."
    groups = table.drop_duplicates(by_cols) if by_cols else table.head(1)
    if total is None:
        total = int(groups["n"].sum())
    n_themes = table["theme_id"].nunique()
    level = fr_num(100 * confidence, 0)
    text = (f"Pour chaque thème, la part des {unit_label} qui l'évoquent"
            + (f" selon {', '.join(by_cols)}" if by_cols else "")
            + f" ({n_themes} thèmes). Les pourcentages portent sur {fr_num(total, 0)} {unit_label}"
            + f" ; une unité compte une seule fois par thème. Intervalles de confiance à {level} % "
            "(méthode de Wilson).")
    if by_cols:
        small = groups[groups["n"] < SMALL_GROUP]
        if len(small):
            names = [" / ".join(str(r[c]) for c in by_cols) + f" ({fr_num(r['n'], 0)})"
                     for _, r in small.iterrows()]
            text += (f" Les intervalles sont larges pour les groupes de moins de {SMALL_GROUP} {unit_label} : "
                     f"{fr_list(names)}.")
    never = table.groupby("theme_id", observed=True)["effectif"].sum()
    never = never[never == 0].index.tolist()
    if never:
        text += f" Thèmes jamais évoqués : {fr_list(never)}."
    top = table.groupby("theme_id", observed=True)[["effectif"]].sum()
    if len(top) and top["effectif"].max() > 0:
        best = top["effectif"].idxmax()
        text += (f" Le thème le plus fréquent est « {best} » "
                 f"({fr_num(int(top.loc[best, 'effectif']), 0)} {unit_label}).")
        if not by_cols:
            p = table.loc[table["theme_id"] == best, "proportion"].iloc[0]
            text = text[:-2] + f", {fr_pct(p)})."
    text += (" Les intervalles supposent des unités indépendantes : ils sont optimistes quand des unités se "
             "ressemblent (segments d'une même table ou d'un même atelier).")
    text += " Un thème non évoqué n'est pas forcément absent des préoccupations : il n'a pas été dit ou codé."
    return text
