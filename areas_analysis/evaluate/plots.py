"""Figures of the DPPER evaluation: slope charts, forest plots, scores by session (French labels).

Every figure states the number of students it shows (in panel titles or tick
labels). Functions return a matplotlib Figure and never call ``show``; the
notebook hands it to ``Reporter.figure`` which saves and closes it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..config import DEFAULT_SEED
from ..errors import AreasError
from ..tables import as_list, fr_num, fr_pct, require_columns
from ._common import AGREEMENT_SCALE, ARM_WITH, ARM_WITHOUT, STATUS_USED, arm_values, outcome_label

__all__ = ["plot_by_session", "plot_forest", "plot_slopes"]

#: Colour-blind-safe colours of the two arms (seaborn "colorblind" orange / blue).
ARM_COLOURS = {ARM_WITH: "#de8f05", ARM_WITHOUT: "#0173b2"}
_SHORT_SCALE = ("Pas du tout", "Plutôt pas", "Neutre", "Plutôt oui", "Tout à fait")


#: Axis tick labels with a decimal comma and a true minus sign.
_FR_FORMATTER = FuncFormatter(lambda v, _pos: f"{v:g}".replace("-", "\u2212").replace(".", ","))


def _wrap(text: str, width: int = 45) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def plot_slopes(
    pairs: pd.DataFrame,
    items: Sequence[str] | None = None,
    *,
    item_col: str = "item",
    label_col: str | None = "libelle",
    arm_col: str = "patient_partenaire",
    before_col: str = "avant",
    after_col: str = "apres",
    status_col: str | None = "statut",
    scale: Sequence[str] | None = AGREEMENT_SCALE,
    jitter: float = 0.12,
    seed: int = DEFAULT_SEED,
    title: str | None = None,
) -> Figure:
    """Slope chart per item and arm: each student's answer before → after, with the medians.

    One row of panels per item, one column per arm (with / without patient
    partner). Grey lines join each matched student's two answers (a small
    seeded vertical jitter separates students with the same answers); the
    thick line joins the medians. Panel titles give ``n`` (pairs used).

    Args:
        pairs: Long paired table (:func:`~areas_analysis.evaluate.pairing.pair_before_after`).
        items: Items to draw (default: all, in table order).
        item_col: Item column.
        label_col: Item label column (``None``: the item name).
        arm_col: Arm column.
        before_col: Score before.
        after_col: Score after.
        status_col: Status column (only ``utilisée`` rows are drawn); ``None`` if absent.
        scale: Likert labels for the y axis (shortened); ``None`` for plain numbers.
        jitter: Half-height of the vertical jitter, in scale points.
        seed: Seed of the jitter.
        title: Figure title.

    Returns:
        The figure.
    """
    require_columns(pairs, [item_col, arm_col, before_col, after_col], "table appariée")
    df = pairs.copy()
    df["_arm"] = arm_values(df[arm_col], "table appariée", arm_col)
    used = df[before_col].notna() & df[after_col].notna()
    if status_col and status_col in df:
        used &= df[status_col].astype("string").eq(STATUS_USED).fillna(False)
    df = df[used]
    items = list(items) if items is not None else list(dict.fromkeys(pairs[item_col]))
    if not items:
        raise AreasError("Aucun item à représenter.")
    arms = [ARM_WITH, ARM_WITHOUT]
    fig, axes = plt.subplots(len(items), 2, figsize=(8.5, 2.6 * len(items) + 0.6), squeeze=False,
                             sharey=True)
    rng = np.random.default_rng(seed)
    k = len(scale) if scale is not None else None
    for i, item in enumerate(items):
        sub = df[df[item_col] == item]
        label = item
        if label_col and label_col in pairs:
            lab = pairs.loc[pairs[item_col] == item, label_col]
            label = str(lab.iloc[0]) if len(lab) else item
        for j, arm in enumerate(arms):
            ax = axes[i, j]
            g = sub[sub["_arm"] == arm]
            n = len(g)
            before = g[before_col].to_numpy(float)
            after = g[after_col].to_numpy(float)
            jb = rng.uniform(-jitter, jitter, n)
            ja = rng.uniform(-jitter, jitter, n)
            for y0, y1 in zip(before + jb, after + ja, strict=True):
                ax.plot([0, 1], [y0, y1], color="0.55", alpha=0.45, lw=0.9)
            ax.scatter(np.zeros(n), before + jb, s=10, color="0.35", zorder=3)
            ax.scatter(np.ones(n), after + ja, s=10, color="0.35", zorder=3)
            if n:
                ax.plot([0, 1], [np.median(before), np.median(after)], color=ARM_COLOURS[arm], lw=3.2,
                        marker="o", ms=7, zorder=4, label="médiane")
            ax.set_xlim(-0.3, 1.3)
            ax.set_xticks([0, 1], ["Avant", "Après"])
            head = f"{arm} (n = {n})"
            ax.set_title(head if i else f"{head}", fontsize=9.5)
            if j == 0:
                ax.set_ylabel(_wrap(label, 28), fontsize=8.5)
            if k is not None:
                ax.set_ylim(0.5, k + 0.5)
                short = _SHORT_SCALE if k == 5 else [str(s)[:14] for s in scale]
                ax.set_yticks(range(1, k + 1), short, fontsize=8)
    fig.suptitle(title or "Réponses avant → après, par étudiant apparié (ligne épaisse : médiane)", fontsize=11)
    fig.tight_layout()
    return fig


def _default_n(table: pd.DataFrame) -> pd.Series:
    for col in ("n_paires", "n_etudiants"):
        if col in table:
            return table[col].astype("Int64")
    if "n_avec" in table and "n_sans" in table:
        return (table["n_avec"] + table["n_sans"]).astype("Int64")
    return pd.Series(pd.NA, index=table.index, dtype="Int64")


def plot_forest(
    table: pd.DataFrame,
    *,
    effect_col: str = "r_rang_biserial",
    low_col: str = "r_ic_bas",
    high_col: str = "r_ic_haut",
    label_col: str = "libelle",
    group_col: str | None = None,
    n_col: str | None = None,
    xlabel: str = "r rang-bisérial (IC 95 %)",
    title: str | None = None,
    xlim: tuple[float, float] | None = (-1.05, 1.05),
    show_shares: bool = True,
) -> Figure:
    """Forest plot of effect sizes with their confidence intervals, ``n`` in each label.

    On a before/after table (columns ``part_ameliores``, ``part_inchanges``,
    ``part_degrades``), each label also gives the shares of students whose
    answer went up / did not change / went down (``↑ 63 % · = 37 % · ↓ 0 %``),
    so that r is read with the counts it comes from.

    Works on the tables of :func:`~areas_analysis.evaluate.paired.paired_tests`
    (r or dz), :func:`~areas_analysis.evaluate.groups.compare_arms` (r) and
    :func:`~areas_analysis.evaluate.mixed.arm_effect` (``effet_col="effet"``,
    ``low_col="ic_bas"``, ``high_col="ic_haut"``, ``xlim=None``). Rows with
    no estimate are listed with « non estimable »; an estimate without
    interval is drawn hollow with « IC non calculable ».

    Args:
        table: One row per item (× group).
        effect_col: Effect column.
        low_col: Lower CI bound column.
        high_col: Upper CI bound column.
        label_col: Label column.
        group_col: Optional group column (e.g. arm) drawn in distinct colours.
        n_col: Column with the ``n`` shown in labels (default: ``n_paires``,
            ``n_etudiants`` or ``n_avec + n_sans``).
        xlabel: French x-axis label.
        title: Figure title.
        xlim: x limits (``None``: automatic).
        show_shares: Add the shares up / unchanged / down to the labels when the table has them.

    Returns:
        The figure.
    """
    require_columns(table, [effect_col, low_col, high_col, label_col, *as_list(group_col)], "tableau d'effets")
    if table.empty:
        raise AreasError("Tableau d'effets vide : rien à représenter.")
    df = table.reset_index(drop=True)
    n = df[n_col].astype("Int64") if n_col else _default_n(df)
    groups = list(dict.fromkeys(df[group_col])) if group_col else [None]
    palette = [ARM_COLOURS.get(g, c) for g, c in zip(groups, ["#0173b2", "#de8f05", "#029e73", "#cc78bc"] * 3,
                                                              strict=False)]
    height = (0.6 if show_shares and "part_ameliores" in df else 0.45) * len(df) + 1.4
    fig, ax = plt.subplots(figsize=(8.5, height))
    shares = show_shares and all(c in df for c in ("part_ameliores", "part_inchanges", "part_degrades"))
    ylabels = []
    for pos, row in df.iterrows():
        y = len(df) - 1 - pos
        gi = groups.index(row[group_col]) if group_col else 0
        colour = palette[gi]
        est, lo, hi = row[effect_col], row[low_col], row[high_col]
        nn = n.iloc[pos]
        lab = _wrap(row[label_col], 40)
        if group_col:
            lab += f"\n{row[group_col]}"
        lab += f" (n = {nn})" if not pd.isna(nn) else ""
        if shares:
            lab += (f"\n\u2191 {fr_pct(row['part_ameliores'])} · = {fr_pct(row['part_inchanges'])} · "
                    f"\u2193 {fr_pct(row['part_degrades'])}")
        ylabels.append((y, lab))
        if pd.isna(est):
            ax.text(0, y, "non estimable", va="center", ha="center", fontsize=8, color="0.4")
            continue
        if not (pd.isna(lo) or pd.isna(hi)):
            ax.plot([lo, hi], [y, y], color=colour, lw=2)
            ax.plot([est], [y], marker="s", color=colour, ms=7)
        else:  # no interval: hollow marker, said in words
            ax.plot([est], [y], marker="s", mfc="white", color=colour, ms=7)
            right = est > 0
            ax.text(est - 0.04 if right else est + 0.04, y, "IC non calculable ", fontsize=7, color="0.4",
                    ha="right" if right else "left", va="center")
        ax.text(est, y + 0.16, fr_num(float(est), 2), fontsize=7.5, color="0.25", va="bottom", ha="center")
    ax.axvline(0, color="0.3", lw=1, ls="--")
    ax.set_yticks([y for y, _ in ylabels], [lab for _, lab in ylabels], fontsize=8)
    ax.set_ylim(-0.7, len(df) - 0.3)
    if xlim is not None:
        ax.set_xlim(*xlim)
    ax.xaxis.set_major_formatter(_FR_FORMATTER)
    ax.set_xlabel(xlabel)
    ax.set_title(title or "Tailles d'effet et intervalles de confiance", fontsize=11)
    fig.tight_layout()
    return fig


def plot_by_session(
    data: pd.DataFrame,
    *,
    value_col: str,
    session_col: str = "session_id",
    arm_col: str = "patient_partenaire",
    item_col: str | None = None,
    item: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    seed: int = DEFAULT_SEED,
) -> Figure:
    """Each student's value per session, coloured by arm, with the session means.

    Shows the clustering the mixed model accounts for: how much sessions
    differ within an arm compared with the gap between arms. Tick labels give
    each session's ``n``; the legend gives each arm's ``n`` (students, sessions).

    Args:
        data: One row per student (or per student × item with ``item_col`` / ``item``).
        value_col: Value drawn (change score, ECOS score...).
        session_col: Session column.
        arm_col: Arm column.
        item_col: Item column, to select ``item``.
        item: The item drawn when ``item_col`` is given.
        ylabel: French y label (default: the French name of ``value_col``).
        title: Figure title.
        seed: Seed of the horizontal jitter.

    Returns:
        The figure.
    """
    require_columns(data, [value_col, session_col, arm_col, *as_list(item_col)], "table par séance")
    df = data.copy()
    if item_col is not None and item is not None:
        df = df[df[item_col] == item]
    df["_arm"] = arm_values(df[arm_col], "table par séance", arm_col)
    df["_v"] = pd.to_numeric(df[value_col], errors="coerce")
    df = df[df["_v"].notna() & df["_arm"].notna()]
    if df.empty:
        raise AreasError(f"Aucune valeur à représenter pour « {value_col} ».")
    order = (df.groupby(session_col, observed=True)["_arm"].first().sort_values(kind="mergesort").index.tolist())
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(order) + 2), 4.2))
    ticks = []
    for x, sess in enumerate(order):
        g = df[df[session_col] == sess]
        arm = g["_arm"].iloc[0]
        ax.scatter(x + rng.uniform(-0.15, 0.15, len(g)), g["_v"], s=14, alpha=0.6, color=ARM_COLOURS[arm])
        ax.plot([x - 0.28, x + 0.28], [g["_v"].mean()] * 2, color=ARM_COLOURS[arm], lw=3)
        ticks.append(f"{sess}\n(n = {len(g)})")
    for arm in (ARM_WITH, ARM_WITHOUT):
        g = df[df["_arm"] == arm]
        ax.scatter([], [], color=ARM_COLOURS[arm],
                   label=f"{arm} : {len(g)} étudiants, {g[session_col].nunique()} séances")
    ax.set_xticks(range(len(order)), ticks, fontsize=8)
    ax.set_xlabel("Séance (trait : moyenne de la séance)")
    ax.set_ylabel(ylabel or outcome_label(value_col))
    ax.yaxis.set_major_formatter(_FR_FORMATTER)
    ax.legend(fontsize=8, loc="best")
    ax.set_title(title or "Valeurs par séance et par bras", fontsize=11)
    fig.tight_layout()
    return fig
