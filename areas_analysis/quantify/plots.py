"""French-labelled figures of the quantify stage, in colour-blind-safe palettes.

Every function takes a table produced by this stage and returns a matplotlib
``Figure`` (never calls ``plt.show()``): the notebook passes it to
``Reporter.figure``, which saves, shows and closes it. Colours: Okabe–Ito for
categories (Okabe & Ito 2008), ColorBrewer ``PuOr`` for the diverging Likert
scale and ``Blues`` for heatmaps (Brewer, colour-blind safe); status and group
are also told apart by text or marker shape, never by colour alone.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..errors import AreasError
from ..tables import as_list, fr_num, require_columns
from ._common import MISSING_GROUP
from .indicators import STATUSES
from .likert import agree_levels

__all__ = [
    "OKABE_ITO",
    "STATUS_COLOURS",
    "congruence_chart",
    "likert_chart",
    "participation_chart",
    "prevalence_chart",
    "progress_chart",
    "theme_heatmap",
]

#: Okabe–Ito colour-blind-safe palette.
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                              "#000000")
STATUS_COLOURS: dict[str, str] = {"atteint": "#009E73", "en bonne voie": "#56B4E9", "en retard": "#D55E00",
                                  "non mesuré": "#BBBBBB"}
_NEUTRAL = "#BDBDBD"


def _wrap(text: object, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _pct_axis(ax, axis: str = "x") -> None:
    fmt = plt.FuncFormatter(lambda v, _: f"{fr_num(abs(v), 0)}\u00a0%")
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


#: French names of the usual grouping columns, for titles and axes.
GROUP_NAMES: dict[str, str] = {"atelier_id": "atelier", "commune": "commune", "public": "public",
                               "section": "section", "cycle": "cycle", "tranche_age": "tranche d'âge",
                               "groupe": "groupe", "table": "table"}


def _group_name(col: str) -> str:
    return GROUP_NAMES.get(col, col.replace("_", " "))


def _upper(highs: pd.Series) -> float:
    """Right limit of a percentage axis: the largest upper bound rounded up to 10 %, at most 100 %."""
    top = float(np.nanmax(highs.to_numpy(dtype=float))) if len(highs) and highs.notna().any() else 1.0
    return min(100.0, 10 * math.ceil(100 * top / 10 + 1e-9) or 10)


def _labels(ids: Sequence[object], labels: Mapping[str, str] | None) -> list[str]:
    return [(labels or {}).get(str(i), str(i)) for i in ids]


# --------------------------------------------------------------------------- prevalence


def prevalence_chart(
    prevalence: pd.DataFrame,
    *,
    by: str | None = None,
    theme_labels: Mapping[str, str] | None = None,
    themes: Sequence[str] | None = None,
    title: str | None = None,
    col_wrap: int = 3,
) -> Figure:
    """Dot plot of theme prevalence with Wilson intervals, overall or one panel per theme by group.

    Args:
        prevalence: :func:`theme_prevalence` output.
        by: Grouping column shown on the vertical axis of each panel (e.g.
            ``"commune"``); default: the one used to build the table, if single.
        theme_labels: French labels of theme ids.
        themes: Themes to show (default: all, most frequent first).
        title: Figure title (French default).
        col_wrap: Panels per row when ``by`` is given.
    """
    require_columns(prevalence, ["theme_id", "n", "effectif", "proportion", "ic_bas", "ic_haut"], "prévalence")
    by_attr = as_list(prevalence.attrs.get("by"))
    by = by if by is not None else (by_attr[0] if len(by_attr) == 1 else None)
    unit = prevalence.attrs.get("unit_label", "unités")
    order = (prevalence.groupby("theme_id", observed=True)["effectif"].sum().sort_values(ascending=False)
             .index.tolist())
    if themes is not None:
        order = [t for t in themes if t in set(order)]
    xlabel = f"Part des {unit} évoquant le thème"
    if by is None:
        d = prevalence.groupby("theme_id", observed=True).first().reindex(order[::-1])
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(d) + 1.5))
        y = np.arange(len(d))
        ax.errorbar(100 * d["proportion"], y, xerr=[100 * (d["proportion"] - d["ic_bas"]),
                                                      100 * (d["ic_haut"] - d["proportion"])],
                    fmt="o", color=OKABE_ITO[0], ecolor="#555555", capsize=3)
        ax.set_yticks(y, [_wrap(lbl, 45) for lbl in _labels(d.index, theme_labels)])
        ax.set_xlabel(xlabel)
        ax.set_xlim(-1, _upper(d["ic_haut"]))
        _pct_axis(ax)
        n = int(d["n"].max()) if len(d) else 0
        ax.set_title(title or f"Thèmes évoqués (n = {fr_num(n, 0)} {unit}, intervalles à 95 %)")
        fig.tight_layout()
        return fig
    if by not in prevalence.columns:
        raise AreasError(f"Colonne de regroupement « {by} » absente du tableau de prévalence.")
    n_panels = max(1, len(order))
    ncols = min(col_wrap, n_panels)
    nrows = math.ceil(n_panels / ncols)
    groups = sorted(prevalence[by].astype(str).unique().tolist(), key=lambda g: (g == MISSING_GROUP, g))
    right = _upper(prevalence.loc[prevalence["theme_id"].isin(order), "ic_haut"])
    height = max(2.2, 0.32 * len(groups) + 1.2)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, height * nrows), sharex=True, squeeze=False)
    for ax, t in zip(axes.ravel(), order, strict=False):
        d = prevalence[prevalence["theme_id"] == t].assign(_g=lambda x: x[by].astype(str)).set_index("_g")
        d = d.reindex(groups[::-1])
        y = np.arange(len(d))
        ax.errorbar(100 * d["proportion"], y, xerr=[100 * (d["proportion"] - d["ic_bas"]).fillna(0),
                                                      100 * (d["ic_haut"] - d["proportion"]).fillna(0)],
                    fmt="o", color=OKABE_ITO[0], ecolor="#777777", capsize=2, markersize=4)
        ax.set_yticks(y, [f"{g} (n={fr_num(n, 0) if not pd.isna(n) else 0})" for g, n in zip(d.index, d["n"],
                                                                                              strict=True)])
        ax.set_title(_wrap(_labels([t], theme_labels)[0], 38), fontsize=10)
        ax.set_xlim(-1, right)
        _pct_axis(ax)
        ax.tick_params(axis="y", labelsize=8)
    for ax in axes.ravel()[len(order):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("Part (%)")
    fig.suptitle(title or f"Part des {unit} évoquant chaque thème, par {_group_name(by)} "
                          "(intervalles de Wilson à 95 %)",
                 fontweight="bold")
    fig.tight_layout()
    return fig


def theme_heatmap(
    prevalence: pd.DataFrame,
    *,
    by: str | None = None,
    theme_labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """Heatmap theme × group of the percentage of units raising the theme (annotated).

    Args:
        prevalence: :func:`theme_prevalence` output with one grouping column.
        by: The grouping column (default: the one used to build the table).
        theme_labels: French labels of theme ids.
        title: Figure title (French default).
    """
    import seaborn as sns

    by_attr = as_list(prevalence.attrs.get("by"))
    by = by or (by_attr[0] if len(by_attr) == 1 else None)
    if by is None or by not in prevalence.columns:
        raise AreasError("Carte de chaleur : indiquez la colonne de regroupement (by=...).")
    unit = prevalence.attrs.get("unit_label", "unités")
    d = prevalence.assign(_g=prevalence[by].astype(str))
    ns = d.groupby("_g")["n"].first()
    pivot = 100 * d.pivot_table(index="theme_id", columns="_g", values="proportion", aggfunc="first",
                                observed=True)
    order = d.groupby("theme_id", observed=True)["effectif"].sum().sort_values(ascending=False).index
    pivot = pivot.reindex(order)
    pivot.index = [_wrap(lbl, 40) for lbl in _labels(pivot.index, theme_labels)]
    pivot.columns = [f"{g}\n(n={fr_num(ns[g], 0)})" for g in pivot.columns]
    fig, ax = plt.subplots(figsize=(1.1 * pivot.shape[1] + 4, 0.45 * pivot.shape[0] + 2))
    annot = pivot.map(lambda v: "" if pd.isna(v) else f"{fr_num(v, 0)}")
    sns.heatmap(pivot, ax=ax, cmap="Blues", vmin=0, vmax=max(1.0, float(np.nanmax(pivot.to_numpy()) if
                pivot.size else 1)), annot=annot, fmt="", linewidths=0.5, linecolor="white",
                cbar_kws={"label": f"Part des {unit} (%)"})
    ax.set_xlabel(_group_name(by).capitalize())
    ax.set_ylabel("Thème")
    ax.set_title(title or f"Part des {unit} évoquant chaque thème (%), par {_group_name(by)}")
    ax.tick_params(axis="x", labelrotation=0, labelsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- Likert


def likert_chart(
    summary: pd.DataFrame,
    *,
    scale: Sequence[str] | None = None,
    title: str | None = None,
    wrap: int = 45,
) -> Figure:
    """Diverging stacked bar chart of Likert answers, neutral level centred on 0.

    Disagreement extends to the left, agreement to the right; the neutral
    level is split half on each side. « Je ne sais pas » is not a level: its
    count is written at the right of each bar with the number of answers.

    Args:
        summary: :func:`likert_summary` output (one row per item, or per item × group).
        scale: Levels (default: ``summary.attrs["scale"]``).
        title: Figure title (French default).
        wrap: Characters per line of the question labels.
    """
    scale = list(scale or summary.attrs.get("scale") or [])
    if not scale:
        raise AreasError("Graphique Likert : échelle inconnue (passez scale=[...]).")
    require_columns(summary, ["item", "n", "n_ne_sait_pas", *scale], "résumé Likert")
    by_cols = [c for c in as_list(summary.attrs.get("by")) if c in summary.columns]
    disagree, neutral, agree = agree_levels(scale)
    cmap = plt.get_cmap("PuOr")
    k = len(disagree)
    colours = {lv: cmap(0.12 + 0.28 * i / max(1, k - 1)) for i, lv in enumerate(disagree)}
    colours.update({lv: cmap(0.88 - 0.28 * i / max(1, k - 1)) for i, lv in enumerate(agree[::-1])})
    colours.update({lv: _NEUTRAL for lv in neutral})

    rows = summary.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(rows) + 2.2))
    for i, r in rows.iterrows():
        vals = [0.0 if pd.isna(r[lv]) else 100 * float(r[lv]) for lv in scale]
        left = -(sum(vals[: len(disagree)]) + sum(vals[len(disagree): len(disagree) + len(neutral)]) / 2)
        for lv, v in zip(scale, vals, strict=True):
            if v > 0:
                ax.barh(i, v, left=left, color=colours[lv], edgecolor="white", height=0.7, zorder=2)
                if v >= 8:
                    dark = lv in (disagree[:1] + agree[-1:])
                    ax.text(left + v / 2, i, fr_num(v, 0), ha="center", va="center", fontsize=8,
                            color="white" if dark else "black", zorder=3)
            left += v
        txt = f"n = {int(r['n'])}" + (f" · NSP : {int(r['n_ne_sait_pas'])}" if r["n_ne_sait_pas"] else "")
        if r["n"] == 0:
            txt = "aucune réponse exprimée" + (f" · NSP : {int(r['n_ne_sait_pas'])}" if r["n_ne_sait_pas"] else "")
        ax.text(1.01, i, txt, transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="#333333")
    labels = []
    for _, r in rows.iterrows():
        q = _wrap(r.get("question", r["item"]), wrap)
        if by_cols:
            q += "\n" + " / ".join(str(r[c]) for c in by_cols)
        labels.append(q)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8, zorder=1)
    ax.set_xlim(-100, 100)
    _pct_axis(ax)
    ax.set_xlabel("Part des réponses exprimées (%) — désaccord à gauche, accord à droite")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[lv]) for lv in scale]
    ax.legend(handles, [_wrap(lv, 22) for lv in scale], loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 /
              max(1, len(rows))), ncol=len(scale), fontsize=8, frameon=False)
    ax.set_title(title or "Réponses aux questions d'accord (« Je ne sais pas » indiqué à droite, non représenté)")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- congruence


def congruence_chart(congruence: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Dumbbell chart: share of usagers (●) and pros (■) raising each need, linked by a line.

    Themes are sorted by difference; the category (cité par les deux, surtout
    usagers...) is written at the right of each line.
    """
    require_columns(congruence, ["theme", "p_usagers", "p_pros", "difference", "categorie"], "congruence")
    d = congruence.sort_values("difference", kind="stable").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(d) + 2))
    y = np.arange(len(d))
    pu, pp = 100 * d["p_usagers"].astype(float), 100 * d["p_pros"].astype(float)
    ax.hlines(y, np.minimum(pu, pp), np.maximum(pu, pp), color="#999999", linewidth=2, zorder=1)
    nu = int(d["n_usagers"].max()) if "n_usagers" in d else 0
    npros = int(d["n_pros"].max()) if "n_pros" in d else 0
    ax.scatter(pu, y, color=OKABE_ITO[0], marker="o", s=50, zorder=2, label=f"Usagers (n = {nu})")
    ax.scatter(pp, y, color=OKABE_ITO[1], marker="s", s=50, zorder=2, label=f"Professionnels (n = {npros})")
    for i, r in d.iterrows():
        mark = "" if r.get("ecart_etabli", True) or r["categorie"] in ("cité par les deux", "aucun des deux") \
            else " (écart incertain)"
        ax.text(1.01, i, r["categorie"] + mark, transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    ax.set_yticks(y, [_wrap(t, 40) for t in d["theme"]], fontsize=8)
    ax.set_xlim(-2, 100)
    _pct_axis(ax)
    ax.set_xlabel("Part des répondants évoquant le besoin (%)")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title or "Besoins évoqués par les usagers et par les professionnels")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- indicators


def progress_chart(indicators: pd.DataFrame, *, title: str | None = None, cap: float = 150) -> Figure:
    """Horizontal bars of the % of each target reached, coloured and labelled by status.

    With several cycles (:func:`indicator_progress` output), one bar per
    cycle (oldest lightest) and the status of the last cycle written.

    Args:
        indicators: :func:`compute_indicators` or :func:`indicator_progress` output.
        title: Figure title (French default).
        cap: Bars are cut at this percentage (the value is still written).
    """
    require_columns(indicators, ["libelle", "pourcentage_atteint", "statut"], "indicateurs")
    d = indicators.copy()
    if "ordre_cycle" not in d.columns:
        d["ordre_cycle"] = 0
    cycles = sorted(d["ordre_cycle"].unique())
    last = d[d["ordre_cycle"] == cycles[-1]].reset_index(drop=True)
    order = last["libelle"].tolist()[::-1]
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(order) * max(1, 0.6 * len(cycles)) + 2))
    height = 0.75 / len(cycles)
    for j, c in enumerate(cycles):
        sub = d[d["ordre_cycle"] == c].set_index("libelle").reindex(order)
        y = np.arange(len(order)) + (j - (len(cycles) - 1) / 2) * height
        vals = sub["pourcentage_atteint"].astype(float).fillna(0).clip(upper=cap)
        alpha = 0.35 + 0.65 * (j + 1) / len(cycles)
        colours = [STATUS_COLOURS.get(s, "#BBBBBB") for s in sub["statut"].fillna("non mesuré")]
        ax.barh(y, vals, height=height * 0.9, color=colours, alpha=alpha, edgecolor="#333333", linewidth=0.4)
        if len(cycles) > 1:
            name = str(sub["cycle"].dropna().iloc[0]) if "cycle" in sub and sub["cycle"].notna().any() else str(c)
            for yy in y:
                ax.text(1, yy, name, va="center", fontsize=6, color="#333333")
    for i, lib in enumerate(order):
        r = last.set_index("libelle").loc[lib]
        val = "–" if pd.isna(r["pourcentage_atteint"]) else f"{fr_num(r['pourcentage_atteint'], 0)}\u00a0%"
        ax.text(min(float(r["pourcentage_atteint"]) if not pd.isna(r["pourcentage_atteint"]) else 0, cap) + 2, i,
                f"{val} — {r['statut']}", va="center", fontsize=8)
    ax.axvline(100, color="#333333", linestyle="--", linewidth=1)
    ax.text(100, len(order) - 0.4, "cible", ha="center", fontsize=8)
    ax.set_yticks(range(len(order)), [_wrap(lbl, 42) for lbl in order], fontsize=8)
    ax.set_xlim(0, cap + 45)
    _pct_axis(ax)
    ax.set_xlabel("Part de l'objectif atteinte (%)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=STATUS_COLOURS[s]) for s in STATUSES]
    ax.legend(handles, list(STATUSES), loc="lower right", fontsize=8, title="Statut", title_fontsize=8)
    ax.set_title(title or "Avancement des objectifs AREAS")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def participation_chart(participation: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Bars of participants per atelier with the target line (from :func:`participation_rates`)."""
    require_columns(participation, ["atelier_id", "participants", "cible"], "participation")
    d = participation.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(d) + 2), 4))
    vals = d["participants"].astype(float)
    colours = [OKABE_ITO[2] if v >= c else OKABE_ITO[0] for v, c in zip(vals.fillna(0), d["cible"], strict=True)]
    x = np.arange(len(d))
    ax.bar(x, vals.fillna(0), color=colours)
    for xi, v in zip(x, vals, strict=True):
        ax.text(xi, (0 if pd.isna(v) else v) + 0.5, "?" if pd.isna(v) else fr_num(v, 0), ha="center", fontsize=8)
    target = float(d["cible"].iloc[0]) if len(d) else 50
    ax.axhline(target, color="#D55E00", linestyle="--", label=f"cible : {fr_num(target, 0)} participants")
    labels = [f"{a}\n{c}" if "commune" in d else str(a) for a, c in
              zip(d["atelier_id"], d["commune"] if "commune" in d else d["atelier_id"], strict=True)]
    ax.set_xticks(x, labels, fontsize=7, rotation=0)
    ax.set_ylabel("Participants")
    ax.legend(fontsize=8)
    ax.set_title(title or "Participants par atelier (« ? » : non renseigné)")
    fig.tight_layout()
    return fig
