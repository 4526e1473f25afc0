"""Needs congruence between the usagers and the pros questionnaires.

The AREAS evaluation plan asks for « un recoupement régulier des résultats de
ces deux questionnaires »: which needs both groups name, which mostly one.
For each theme we compare the share of usagers and of professionals raising
it, with a confidence interval of the difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import AreasError, InputError, Problem
from ..tables import check_confidence, fr_list, fr_num, fr_pct, set_note
from ._common import THEME_PREFIX, binary_values, newcombe_interval, theme_name, wilson_interval

__all__ = ["CATEGORIES", "describe_congruence", "needs_congruence"]

#: The four categories of a need, in display order.
CATEGORIES: tuple[str, ...] = ("cité par les deux", "surtout usagers", "surtout pros", "aucun des deux")


def _category(named_u: bool, named_p: bool, established: bool, diff: float) -> str:
    """The congruence category of a theme: the difference when established, else who names it."""
    if not named_u and not named_p:
        return "aucun des deux"
    if established:
        return "surtout usagers" if diff > 0 else "surtout pros"
    if named_u and named_p:
        return "cité par les deux"
    return "surtout usagers" if named_u else "surtout pros"


def _theme_column(matrix: pd.DataFrame, theme: str, what: str) -> str | None:
    for c in (theme, f"{THEME_PREFIX}{theme}"):
        if c in matrix.columns:
            return c
    return None


def needs_congruence(
    usagers_matrix: pd.DataFrame,
    pros_matrix: pd.DataFrame,
    themes: str | Sequence[str] | None = None,
    *,
    min_share: float = 0.10,
    confidence: float = 0.95,
    theme_labels: Mapping[str, str] | None = None,
    corrected_usagers: pd.DataFrame | None = None,
    corrected_pros: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare, theme by theme, the share of usagers and of pros who raise it.

    With ``corrected_usagers`` and ``corrected_pros`` (respondent-level
    :func:`~areas_analysis.quantify.corrected.corrected_prevalence` tables, one row per theme), the shares
    and intervals are the corrected ones and the difference interval is ``d ± z·√(se_u² + se_p²)``
    (independent samples). A theme whose share is not corrected on one side (no validation sample, or
    « non validé ») is not compared: ``ecart_etabli`` is False and ``categorie`` says which side lacks
    validation (column ``validation``). Without these tables the comparison uses the raw machine codes
    and ``validation`` says so.

    Difference ``p_usagers - p_pros`` with Newcombe's hybrid score interval
    (method 10 of Newcombe 1998, *Statistics in Medicine* 17:873-890), built
    from the Wilson intervals of each share; it stays valid with small groups
    and zero counts.

    Category rule (column ``categorie``, stated in ``regle``):

    1. neither group reaches ``min_share`` (10 %) → « aucun des deux »;
    2. else, when the interval of the difference excludes 0 → « surtout
       usagers » or « surtout pros » (the higher group);
    3. else, both reach ``min_share`` → « cité par les deux »;
    4. else (one group only reaches it, difference not established) →
       « surtout usagers » / « surtout pros » with ``ecart_etabli = False``.

    Args:
        usagers_matrix: Respondent × theme matrix of the usagers questionnaire.
        pros_matrix: Same for the professionals questionnaire.
        themes: Theme ids (or ``theme__*`` columns); ``None`` = theme columns
            of either matrix. A theme must be a column of both matrices (build
            them with ``theme_matrix(..., themes=codebook_ids)``).
        min_share: Share from which a group « names » a need.
        confidence: Level of the intervals.
        theme_labels: French labels of theme ids.
        corrected_usagers: Corrected respondent-level shares of the usagers (see above).
        corrected_pros: Corrected respondent-level shares of the pros.

    Returns:
        New DataFrame, one row per theme: ``theme_id``, ``theme``,
        ``n_usagers``, ``cites_usagers``, ``p_usagers``, ``ic_bas_usagers``,
        ``ic_haut_usagers``, the same for ``pros``, ``difference``,
        ``ic_bas_difference``, ``ic_haut_difference``, ``ecart_etabli``,
        ``categorie``, ``regle``.
    """
    check_confidence(confidence)
    if not 0 <= min_share <= 1:
        raise AreasError(f"Part minimale invalide : {min_share} (attendue entre 0 et 1).")
    if themes is None:
        names = [theme_name(c) for m in (usagers_matrix, pros_matrix) for c in m.columns
                 if str(c).startswith(THEME_PREFIX)]
        theme_ids = list(dict.fromkeys(names))
        if not theme_ids:
            raise InputError([Problem("matrices usagers / pros", "aucune colonne de thème « theme__… »")])
    else:
        theme_ids = [theme_name(t) for t in ([themes] if isinstance(themes, str) else themes)]
    problems = []
    for t in theme_ids:
        for m, what in ((usagers_matrix, "matrice usagers"), (pros_matrix, "matrice pros")):
            if _theme_column(m, t, what) is None:
                problems.append(Problem(what, "thème absent : construisez les deux matrices avec la même liste "
                                              "de thèmes (theme_matrix(..., themes=...))",
                                        column=f"{THEME_PREFIX}{t}"))
    if problems:
        raise InputError(problems)

    share = fr_pct(min_share)
    regle = (f"« cité » par un groupe si au moins {share} de ses répondants l'évoquent ; « surtout » un groupe "
             f"si l'intervalle de la différence exclut 0, ou si seul ce groupe atteint {share} ; "
             f"« cité par les deux » si les deux atteignent {share} sans écart établi")
    rows = []
    for t in theme_ids:
        rec: dict[str, object] = {"theme_id": t, "theme": (theme_labels or {}).get(t, t)}
        counts = {}
        for m, g, what in ((usagers_matrix, "usagers", "matrice usagers"), (pros_matrix, "pros", "matrice pros")):
            col = _theme_column(m, t, what)
            y = binary_values(m[col], what, col).dropna()
            n, x = int(len(y)), int(y.sum())
            lo, hi = wilson_interval(x, n, confidence)
            rec.update({f"n_{g}": n, f"cites_{g}": x, f"p_{g}": x / n if n else np.nan,
                        f"ic_bas_{g}": float(lo), f"ic_haut_{g}": float(hi)})
            counts[g] = (x, n)
        (xu, nu), (xp, np_) = counts["usagers"], counts["pros"]
        lo, hi = newcombe_interval(xu, nu, xp, np_, confidence)
        pu, pp = rec["p_usagers"], rec["p_pros"]
        diff = pu - pp if nu and np_ else np.nan
        established = bool(nu and np_ and (lo > 0 or hi < 0))
        named_u, named_p = bool(nu and pu >= min_share), bool(np_ and pp >= min_share)
        cat = _category(named_u, named_p, established, diff)
        rec.update(difference=diff, ic_bas_difference=lo, ic_haut_difference=hi, ecart_etabli=established,
                   categorie=cat, regle=regle, validation="non vérifiée (codes machine bruts)")
        if corrected_usagers is not None and corrected_pros is not None:
            _use_corrected(rec, t, corrected_usagers, corrected_pros, min_share, confidence)
        rows.append(rec)
    out = pd.DataFrame(rows)
    return set_note(out, describe_congruence(out, confidence=confidence), confidence=confidence,
                    min_share=min_share)


def describe_congruence(table: pd.DataFrame, *, confidence: float | None = None) -> str:
    """French plain-language note for a :func:`needs_congruence` table."""
    confidence = confidence or table.attrs.get("confidence", 0.95)
    if table.empty:
        return "Aucun thème à comparer."
    nu, np_ = int(table["n_usagers"].max()), int(table["n_pros"].max())
    by_cat = {c: table.loc[table["categorie"] == c, "theme"].astype(str).tolist() for c in CATEGORIES}
    text = (f"Part des usagers ({fr_num(nu, 0)} répondants) et des professionnels ({fr_num(np_, 0)}) qui "
            f"évoquent chaque besoin, et écart entre les deux avec son intervalle de confiance à "
            f"{fr_num(100 * confidence, 0)} % (méthode de Newcombe). ")
    parts = [f"{c} : {fr_list(v)}" for c, v in by_cat.items() if v]
    text += "Classement — " + " ; ".join(parts) + ". "
    if "validation" in table.columns:
        nc = table[table["categorie"].astype(str).str.startswith("non comparable")]
        if len(nc):
            text += (f"Non comparés faute de codage validé par un échantillon humain des deux côtés : "
                     f"{fr_list(nc['theme'].astype(str).tolist())} ({nc['validation'].iloc[0]}). ")
        elif table["validation"].astype(str).str.startswith("non vérifiée").any():
            text += ("Attention : les parts viennent des codes bruts de la machine, non corrigés par un "
                     "échantillon de validation humain. ")
    text += f"Règle : {table['regle'].iloc[0]}. "
    if min(nu, np_) < 30:
        text += (f"Avec {fr_num(min(nu, np_), 0)} répondants dans le plus petit groupe, seuls de grands écarts "
                 "peuvent être établis. ")
    text += ("Les deux questionnaires ne posent pas forcément les mêmes questions ouvertes : un écart peut "
             "venir de la formulation autant que des besoins.")
    return text


def _use_corrected(rec: dict[str, object], theme: str, cu: pd.DataFrame, cp: pd.DataFrame, min_share: float,
                   confidence: float) -> None:
    """Replace a congruence row's shares by the corrected ones, or flag the side(s) not validated."""
    from scipy import stats

    from .corrected import METHOD_CORRECTED

    sides = {}
    for g, table in (("usagers", cu), ("pros", cp)):
        row = table[table["theme_id"].astype(str) == theme]
        sides[g] = row.iloc[0] if len(row) else None
    not_valid = [g for g, r in sides.items() if r is None or r["methode"] != METHOD_CORRECTED]
    if not_valid:
        rec.update(ecart_etabli=False, ic_bas_difference=np.nan, ic_haut_difference=np.nan,
                   categorie=f"non comparable : codage {' et '.join(not_valid)} non validé",
                   validation=f"{' et '.join(not_valid)} : non validé par un échantillon humain")
        for g, r in sides.items():
            if r is not None and g not in not_valid:
                rec.update({f"p_{g}": float(r["proportion"]), f"ic_bas_{g}": float(r["ic_bas"]),
                            f"ic_haut_{g}": float(r["ic_haut"])})
        return
    ru, rp = sides["usagers"], sides["pros"]
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    pu, pp = float(ru["proportion"]), float(rp["proportion"])
    half = z * float(np.hypot(ru["erreur_type"], rp["erreur_type"]))
    diff = pu - pp
    lo, hi = max(-1.0, diff - half), min(1.0, diff + half)
    established = bool(lo > 0 or hi < 0)
    named_u, named_p = pu >= min_share, pp >= min_share
    cat = _category(named_u, named_p, established, diff)
    rec.update({"p_usagers": pu, "ic_bas_usagers": float(ru["ic_bas"]), "ic_haut_usagers": float(ru["ic_haut"]),
                "p_pros": pp, "ic_bas_pros": float(rp["ic_bas"]), "ic_haut_pros": float(rp["ic_haut"]),
                "difference": diff, "ic_bas_difference": lo, "ic_haut_difference": hi,
                "ecart_etabli": established, "categorie": cat,
                "validation": "parts corrigées par les échantillons de validation des deux côtés"})
