"""Priority themes of each atelier (or commune) by a stated rule, against the target of 3.

The AREAS project aims at "au moins 3 thématiques prioritaires de besoins par
atelier/commune". Which themes are *priority* is a judgement; here it is made
by an explicit, reproducible rule written into every result row (column
``regle``), so that the association can discuss and change it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import AreasError
from ..tables import as_list, fr_list, fr_num, plural, require_columns, set_note
from ._common import fill_group_na, normalise_ids

__all__ = ["DEFAULT_SECTION_WEIGHTS", "describe_priorities", "priority_summary", "priority_support",
           "priority_themes"]

#: Weight of one segment by canonical section (others weigh 1): the ideas a table
#: chose to pass on ("Idées phares à transmettre") weigh most, then ideas/proposals.
DEFAULT_SECTION_WEIGHTS: dict[str, float] = {"idees_phares": 3.0, "idees": 2.0}

PriorityRule = Literal["ponderee", "tables"]


def _rule_text(rule: PriorityRule, weights: Mapping[str, float], min_score: float, min_relative: float,
               min_table_share: float) -> str:
    if rule == "ponderee":
        parts = " + ".join(f"{fr_num(w, 0)} × segments « {s} »" for s, w in weights.items())
        return (f"score = {parts} + 1 × autres segments + nombre de tables distinctes ; prioritaire si le score "
                f"atteint au moins {fr_num(100 * min_relative, 0)} % de celui du thème le plus porté du groupe "
                f"et au moins {fr_num(min_score, 0)}")
    return (f"prioritaire si évoqué à au moins {fr_num(100 * min_table_share, 0)} % des tables du groupe "
            "et retenu au moins une fois dans « idees_phares »")


def priority_themes(
    segments_with_themes: pd.DataFrame,
    *,
    by: str | Sequence[str] = "atelier_id",
    min_themes: int = 3,
    rule: PriorityRule = "ponderee",
    id_col: str = "segment_id",
    theme_col: str = "theme_id",
    section_col: str = "section",
    table_col: str = "table",
    weights: Mapping[str, float] | None = None,
    min_score: float = 4,
    min_relative: float = 0.5,
    min_table_share: float = 0.5,
) -> pd.DataFrame:
    """Score the themes of each atelier/commune and flag the priority ones by a stated rule.

    Rules (the one used is written in the ``regle`` column):

    * ``"ponderee"`` (default): each segment raising the theme weighs 3 in an
      « Idées phares » section, 2 in « Idées », 1 elsewhere; the score adds the
      number of distinct tables raising it (recurrence across tables). A theme
      is priority when its score reaches ``min_relative`` (half) of the score
      of the group's leading theme — a threshold that scales with the size of
      the atelier — and at least ``min_score`` (4: one « idée phare », or an
      idea plus a finding, or findings at two tables; never a lone finding).
    * ``"tables"``: priority when raised at ``min_table_share`` (half) of the
      group's tables and retained at least once in « Idées phares ».

    On the synthetic sample (``data/sample``, seed 42: 8 ateliers of 3–6
    tables), the default rule flags 26 of the 27 true priority themes and one
    other (``tests/test_quantify_sample.py``).

    Segments without a table number count as one table. A segment raising a
    theme twice counts once. The group then reaches the project's target when
    it has at least ``min_themes`` (3) priority themes (``objectif_atteint``).

    Args:
        segments_with_themes: Segments (``docs/formats.md``) joined with a
            coding: one row per (segment, theme); rows with an empty theme keep
            their group in the summary (group with no theme).
        by: Grouping column(s): ``"atelier_id"``, ``"commune"``...
        min_themes: Target number of priority themes per group (3 in AREAS).
        rule: ``"ponderee"`` or ``"tables"`` (see above).
        id_col: Segment id column.
        theme_col: Theme column.
        section_col: Canonical section column (``idees_phares``, ``idees``...).
        table_col: Table number column.
        weights: Section weights replacing :data:`DEFAULT_SECTION_WEIGHTS`.
        min_score: Absolute score floor of the ``"ponderee"`` rule.
        min_relative: Share of the leading theme's score required by ``"ponderee"``.
        min_table_share: Share of the group's tables required by ``"tables"``.

    Returns:
        New DataFrame, one row per (group, theme raised): ``n_segments``,
        ``n_idees_phares``, ``n_idees``, ``n_tables``, ``score``, ``rang`` (1 =
        strongest in the group), ``prioritaire``, ``n_prioritaires`` (of the
        group), ``objectif``, ``objectif_atteint``, ``regle``.
        ``attrs["groupes"]`` lists every group seen (for :func:`priority_summary`).
    """
    if rule not in ("ponderee", "tables"):
        raise AreasError(f"Règle de priorité inconnue : « {rule} » (attendu « ponderee » ou « tables »).")
    if not (0 <= min_relative <= 1 and 0 < min_table_share <= 1):
        raise AreasError("Seuils relatifs invalides : min_relative et min_table_share doivent être entre 0 et 1.")
    if min_themes < 1:
        raise AreasError(f"Nombre minimal de thèmes prioritaires invalide : {min_themes}.")
    by_cols = as_list(by)
    require_columns(segments_with_themes, [id_col, theme_col, section_col, table_col, *by_cols],
                    "segments avec thèmes")
    w = dict(DEFAULT_SECTION_WEIGHTS if weights is None else weights)
    regle = _rule_text(rule, w, min_score, min_relative, min_table_share)

    df = fill_group_na(segments_with_themes[[id_col, theme_col, section_col, table_col, *by_cols]], by_cols)
    groups = df[by_cols].drop_duplicates().sort_values(by_cols).reset_index(drop=True)
    df = df.assign(_sid=normalise_ids(df[id_col]), _theme=df[theme_col].astype("string").str.strip(),
                   _section=df[section_col].astype("string").str.strip().str.lower(),
                   _table=df[table_col].astype("string").fillna("(sans table)"))
    df = df[df["_theme"].notna() & df["_theme"].ne("") & df["_sid"].notna()]
    df = df.drop_duplicates([*by_cols, "_sid", "_theme"])
    df = df.assign(_w=df["_section"].map(w).astype("float64").fillna(1.0),
                   _phare=df["_section"].eq("idees_phares").fillna(False).astype(int),
                   _idee=df["_section"].eq("idees").fillna(False).astype(int))
    cols = [*by_cols, "theme_id", "n_segments", "n_idees_phares", "n_idees", "n_tables", "score", "rang",
            "prioritaire", "n_prioritaires", "objectif", "objectif_atteint", "regle"]
    if df.empty:
        out = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        return set_note(out, "Aucun thème codé dans ces segments : aucune thématique prioritaire.",
                        groupes=groups, by=by_cols, objectif=min_themes)

    agg = (df.groupby([*by_cols, "_theme"], observed=True, sort=True)
           .agg(n_segments=("_sid", "nunique"), n_idees_phares=("_phare", "sum"), n_idees=("_idee", "sum"),
                n_tables=("_table", "nunique"), poids=("_w", "sum"))
           .reset_index().rename(columns={"_theme": "theme_id"}))
    agg["score"] = agg["poids"] + agg["n_tables"]
    if rule == "ponderee":
        top = agg.groupby(by_cols, observed=True)["score"].transform("max")
        agg["prioritaire"] = (agg["score"] >= min_score) & (agg["score"] >= min_relative * top - 1e-9)
    else:
        tables = df.groupby(by_cols, observed=True)["_table"].nunique().rename("_tables_groupe").reset_index()
        agg = agg.merge(tables, on=by_cols, how="left")
        need = np.maximum(1, np.ceil(min_table_share * agg["_tables_groupe"] - 1e-9))
        agg["prioritaire"] = (agg["n_tables"] >= need) & (agg["n_idees_phares"] > 0)
    agg = agg.sort_values([*by_cols, "score", "n_tables", "theme_id"],
                          ascending=[True] * len(by_cols) + [False, False, True], kind="stable")
    agg["rang"] = agg.groupby(by_cols, observed=True).cumcount() + 1
    agg["n_prioritaires"] = agg.groupby(by_cols, observed=True)["prioritaire"].transform("sum").astype(int)
    agg["objectif"] = min_themes
    agg["objectif_atteint"] = agg["n_prioritaires"] >= min_themes
    agg["regle"] = regle
    for c in ("n_segments", "n_idees_phares", "n_idees", "n_tables"):
        agg[c] = agg[c].astype("int64")
    out = agg[cols].reset_index(drop=True)
    return set_note(out, describe_priorities(out, by=by_cols, groups=groups, min_themes=min_themes),
                    groupes=groups, by=by_cols, objectif=min_themes)


def priority_summary(
    priorities: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    groups: Iterable[object] | pd.DataFrame | None = None,
    min_themes: int | None = None,
    theme_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per atelier/commune: number of priority themes against the target.

    Groups that raised no theme at all still appear (0 priority themes) when
    they are in ``groups`` or were seen by :func:`priority_themes`.

    Args:
        priorities: Output of :func:`priority_themes`.
        by: Grouping column(s) (default: those used by :func:`priority_themes`).
        groups: Every expected group (e.g. ``manifest["atelier_id"]``), or a
            DataFrame of the ``by`` columns.
        min_themes: Target (default: the one used by :func:`priority_themes`).
        theme_labels: French labels of theme ids for the ``themes_prioritaires`` column.

    Returns:
        New DataFrame: the ``by`` columns, ``n_themes_evoques``, ``n_prioritaires``,
        ``themes_prioritaires`` (« ; »-separated, strongest first), ``objectif``,
        ``objectif_atteint``, ``manque`` (themes missing to reach the target).
    """
    by_cols = as_list(by if by is not None else priorities.attrs.get("by", "atelier_id"))
    target = int(min_themes if min_themes is not None else priorities.attrs.get("objectif", 3))
    require_columns(priorities, [*by_cols, "theme_id", "prioritaire"], "thèmes prioritaires")
    if groups is None:
        grp = priorities.attrs.get("groupes")
        grp = grp if isinstance(grp, pd.DataFrame) else priorities[by_cols].drop_duplicates()
    elif isinstance(groups, pd.DataFrame):
        grp = groups[by_cols].drop_duplicates()
    else:
        if len(by_cols) != 1:
            raise AreasError("Avec plusieurs colonnes de regroupement, passez les groupes sous forme de tableau.")
        grp = pd.DataFrame({by_cols[0]: list(dict.fromkeys(groups))})
    grp = pd.concat([grp[by_cols], priorities[by_cols]]).drop_duplicates()
    for c in by_cols:
        grp[c] = grp[c].astype("string")
    rows = []
    prio = priorities.assign(**{c: priorities[c].astype("string") for c in by_cols})
    for key, sub in prio.groupby(by_cols, observed=True, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        top = sub[sub["prioritaire"].astype(bool)]
        if "rang" in top.columns:
            top = top.sort_values("rang")
        labels = [theme_labels.get(t, t) if theme_labels else t for t in top["theme_id"].astype(str)]
        rows.append({**dict(zip(by_cols, key, strict=True)), "n_themes_evoques": sub["theme_id"].nunique(),
                     "n_prioritaires": len(top), "themes_prioritaires": " ; ".join(labels)})
    summary = pd.DataFrame(rows, columns=[*by_cols, "n_themes_evoques", "n_prioritaires", "themes_prioritaires"])
    for c in by_cols:
        summary[c] = summary[c].astype("string")
    out = grp.merge(summary, on=by_cols, how="left")
    out["n_themes_evoques"] = out["n_themes_evoques"].fillna(0).astype("int64")
    out["n_prioritaires"] = out["n_prioritaires"].fillna(0).astype("int64")
    out["themes_prioritaires"] = out["themes_prioritaires"].fillna("")
    out["objectif"] = target
    out["objectif_atteint"] = out["n_prioritaires"] >= target
    out["manque"] = np.maximum(target - out["n_prioritaires"], 0)
    out = out.sort_values(by_cols).reset_index(drop=True)
    n_ok = int(out["objectif_atteint"].sum())
    below = [" / ".join(str(v) for v in row) for row in out.loc[~out["objectif_atteint"], by_cols].to_numpy()]
    text = (f"Nombre de thématiques prioritaires par {' / '.join(by_cols)} (objectif du projet : au moins "
            f"{target}). {n_ok} sur {len(out)} atteignent l'objectif.")
    if below:
        text += f" Sous l'objectif : {fr_list(below)}."
    if "regle" in priorities.columns and len(priorities):
        text += f" Règle : {priorities['regle'].iloc[0]}."
    text += " La règle est un choix explicite, discutable en groupe ; elle ne remplace pas la lecture des notes."
    return set_note(out, text, by=by_cols, objectif=target)


def describe_priorities(
    priorities: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    groups: pd.DataFrame | None = None,
    min_themes: int = 3,
) -> str:
    """French plain-language note for a :func:`priority_themes` table."""
    by_cols = as_list(by if by is not None else priorities.attrs.get("by", "atelier_id"))
    if priorities.empty:
        return "Aucun thème codé : aucune thématique prioritaire."
    per_group = priorities.groupby(by_cols, observed=True)["n_prioritaires"].first()
    n_groups = len(groups) if groups is not None else len(per_group)
    n_ok = int((per_group >= min_themes).sum())
    text = (f"Thèmes évoqués dans chaque {' / '.join(by_cols)}, classés par score ; "
            f"{plural(int(priorities['prioritaire'].sum()), 'thème prioritaire', 'thèmes prioritaires')} "
            f"au total. {n_ok} groupe(s) sur {n_groups} ont au moins {min_themes} thématiques prioritaires "
            f"(objectif AREAS). Règle : {priorities['regle'].iloc[0]}.")
    return text + (" Le score compte des mentions dans les notes : une idée peu notée par l'animateur "
                   "peut être sous-estimée.")


def priority_support(
    priorities: pd.DataFrame,
    corrected: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Keep a theme « prioritaire » only when the corrected shares and their ranking support it.

    ``corrected`` holds each group's corrected theme shares with intervals
    (:func:`~areas_analysis.quantify.corrected.corrected_prevalence` by the same ``by`` columns). A theme
    the rule flags stays ``prioritaire`` when (1) its corrected share is established above 0 (``ic_bas >
    0``) and (2) its plausible rank can be among the group's flagged themes: with ``rang_min`` = 1 + the
    number of themes whose interval lies wholly above its own, ``rang_min`` ≤ the number of themes the
    rule flagged. Without a validation sample (or a theme « non validé ») nothing supports the flag.

    Returns:
        New DataFrame: ``priorities`` plus ``proportion_corrigee``, ``ic_bas``, ``ic_haut``, ``rang_min``,
        ``rang_max`` (plausible ranks of the corrected share among the group's themes),
        ``prioritaire_regle`` (the rule's flag), ``statut_priorite`` (French reason), and ``prioritaire``,
        ``n_prioritaires``, ``objectif_atteint`` recomputed on the supported flags.
    """
    by_cols = as_list(by if by is not None else priorities.attrs.get("by", "atelier_id"))
    require_columns(corrected, [*by_cols, "theme_id", "proportion", "ic_bas", "ic_haut", "methode"],
                    "parts corrigées")
    c = corrected[[*by_cols, "theme_id", "proportion", "ic_bas", "ic_haut", "methode"]].copy()
    for col in by_cols:
        c[col] = c[col].astype("string")
    lo, hi = c["ic_bas"].to_numpy(dtype=float), c["ic_haut"].to_numpy(dtype=float)
    rmin, rmax = np.zeros(len(c), dtype=int), np.zeros(len(c), dtype=int)
    for _, idx in c.groupby(by_cols, observed=True, sort=False).indices.items():
        low, high = lo[idx], hi[idx]
        rmin[idx] = 1 + (low[None, :] > high[:, None]).sum(axis=1)
        rmax[idx] = len(idx) - (high[None, :] < low[:, None]).sum(axis=1)
    c = c.assign(rang_min=np.where(np.isfinite(lo), rmin, -1), rang_max=np.where(np.isfinite(lo), rmax, -1))
    c = c.rename(columns={"proportion": "proportion_corrigee"})
    p = priorities.assign(**{col: priorities[col].astype("string") for col in by_cols})
    out = p.merge(c, on=[*by_cols, "theme_id"], how="left")
    rule = out["prioritaire"].astype(bool)
    n_rule = rule.groupby([out[col] for col in by_cols]).transform("sum")
    corrected_ok = out["methode"].astype("string").str.startswith("corrigée").fillna(False).astype(bool)
    above_zero = out["ic_bas"].fillna(0) > 0
    rank_ok = (out["rang_min"] >= 1) & (out["rang_min"] <= n_rule)
    supported = rule & corrected_ok & above_zero & rank_ok
    status = np.select(
        [~rule, supported, rule & ~corrected_ok, rule & ~above_zero],
        ["non retenu par la règle", "prioritaire (soutenu par les parts corrigées)",
         "à confirmer : codage non validé par un échantillon humain",
         "à confirmer : part corrigée non distinguable de 0"],
        default="à confirmer : d'autres thèmes sont nettement plus fréquents")
    out["prioritaire_regle"] = rule
    out["prioritaire"] = supported
    out["statut_priorite"] = status
    out["n_prioritaires"] = supported.groupby([out[col] for col in by_cols]).transform("sum").astype(int)
    out["objectif_atteint"] = out["n_prioritaires"] >= out["objectif"]
    out = out.drop(columns="methode")
    n_drop = int((rule & ~supported).sum())
    text = (describe_priorities(out, by=by_cols, groups=priorities.attrs.get("groupes"),
                                min_themes=int(priorities.attrs.get("objectif", 3)))
            + " Un thème n'est « prioritaire » que si sa part corrigée par l'échantillon de validation humain "
            "est établie au-dessus de 0 et si son rang plausible le permet (colonnes rang_min, rang_max)"
            + (f" : {n_drop} thème(s) retenus par la règle restent « à confirmer »." if n_drop else "."))
    return set_note(out, text, groupes=priorities.attrs.get("groupes"), by=by_cols,
                    objectif=priorities.attrs.get("objectif", 3))
