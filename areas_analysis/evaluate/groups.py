"""With versus without a patient partner: Mann-Whitney U and rank-biserial r per item.

Students are clustered in sessions and the patient partner is assigned per
session, so a student-level test treats correlated students as independent and
its p-value is too small when sessions differ. This module gives the simple,
readable student-level comparison (what changed in each arm); the clustering is
handled by :mod:`areas_analysis.evaluate.mixed` (random intercept per session
or, with few sessions, a comparison of session means). Both are reported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..config import DEFAULT_SEED
from ..errors import AreasError
from ..tables import check_confidence, fr_num, require_columns, set_note
from ._bootstrap import bootstrap_independent, rb_independent
from ._common import (
    ARM_WITH,
    ARM_WITHOUT,
    CORRECTION_LABELS,
    Correction,
    add_adjusted_p,
    arm_values,
    check_choice,
    outcome_label,
)

__all__ = ["compare_arms", "mann_whitney_test", "rank_biserial_independent"]

BootstrapUnit = Literal["etudiants", "seances"]


def rank_biserial_independent(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series) -> float:
    """Rank-biserial correlation between two independent samples (Glass 1965; Kerby 2014).

    ``r = 2 U_x / (n_x n_y) - 1 = P(X > Y) - P(X < Y)`` where ``U_x`` is the
    Mann-Whitney statistic of ``x`` (ties count one half); identical to
    Cliff's delta and to Kerby's ``2 (mean rank_x - mean rank_y) / (n_x + n_y)``.
    Positive when ``x`` tends to be larger.

    Returns:
        r in [−1, 1]; NaN when a sample is empty.
    """
    return rb_independent(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def mann_whitney_test(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series,
                      seed: int = DEFAULT_SEED) -> tuple[float, float, str]:
    """Two-sided Mann-Whitney U test with an explicitly chosen p-value method.

    scipy's ``"auto"`` rule made explicit, with a better choice for small tied
    samples: both groups larger than 8 → normal approximation with tie and
    continuity corrections; otherwise exact null distribution without ties,
    and a permutation test with ties (exact enumeration when there are at
    most 9,999 relabellings, else 9,999 seeded random relabellings). Mann &
    Whitney (1947), *Ann. Math. Statist.* 18:50-60.

    Returns:
        ``(U_x, p, French description of the method)``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size == 0 or y.size == 0:
        return (float("nan"), float("nan"), "non testable (un bras vide)")
    ties = np.unique(np.concatenate([x, y])).size < x.size + y.size
    if x.size > 8 and y.size > 8:
        method: object = "asymptotic"
        how = "approximation normale corrigée des ex aequo et de continuité"
    elif not ties:
        method = "exact"
        how = "loi exacte"
    else:
        method = stats.PermutationMethod(n_resamples=9999, rng=seed)
        exact = math.comb(x.size + y.size, x.size) <= 9999
        how = "test de permutation exact" if exact else f"test de permutation (9 999 tirages, graine {seed})"
    res = stats.mannwhitneyu(x, y, alternative="two-sided", method=method)
    return (float(res.statistic), float(res.pvalue), how)


def compare_arms(
    data: pd.DataFrame,
    *,
    value_col: str,
    item_col: str = "item",
    arm_col: str = "patient_partenaire",
    session_col: str | None = "session_id",
    label_col: str | None = "libelle",
    labels: Mapping[str, str] | None = None,
    value_label: str | None = None,
    bootstrap: BootstrapUnit = "etudiants",
    ci_method: Literal["bca", "percentile"] = "bca",
    correction: Correction = "holm",
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Compare students with and without a patient partner on one outcome, item by item.

    The outcome is ``value_col``: for questionnaires the change score
    (``difference`` of the paired table: it uses each student as their own
    control, so only matched students count) or the post score (``apres``:
    all students who answered after, but confounded by where they started);
    for ECOS the station score. Rows with an empty outcome are excluded and
    counted in ``n_exclus``.

    Per item: group sizes and sessions, medians and means per arm,
    Mann-Whitney U (of the "avec" arm) and p, rank-biserial r (positive when
    the arm with a patient partner is higher) with a seeded bootstrap CI —
    students resampled within each arm (``"etudiants"``, BCa by default) or
    whole sessions within each arm (``"seances"``, respects the clustering
    but unstable with few sessions) — and the p-value adjusted across items.

    Caution: the test treats students as independent although they are
    clustered in sessions; read it with :func:`~areas_analysis.evaluate.mixed.arm_effect`.

    Args:
        data: Long table, one row per (student, item).
        value_col: Outcome column compared between arms.
        item_col: Item (or ECOS station) column.
        arm_col: Patient-partner column (Oui/Non, booleans, or the arm labels).
        session_col: Session column (counts, cluster bootstrap); ``None`` if absent.
        label_col: Item label column (``None`` if absent).
        labels: Optional item → French label mapping (overrides ``label_col``).
        value_label: French name of the outcome (default from ``value_col``: ``difference`` →
            "changement (après − avant)", ``apres`` → "score après"...) shown in the table (``critere``).
        bootstrap: Resampling unit of the bootstrap CI.
        ci_method: Student-level interval: ``"bca"`` (default) or ``"percentile"``
            (the session bootstrap is always percentile).
        correction: ``"holm"``, ``"fdr_bh"`` or ``"none"``.
        confidence: Confidence level.
        n_boot: Bootstrap resamples.
        seed: Seed (bootstrap and permutation tests).

    Returns:
        One row per item in French columns; ``attrs["note"]``. Input not modified.
    """
    check_choice(bootstrap, ["etudiants", "seances"], "bootstrap")
    check_choice(ci_method, ["bca", "percentile"], "ci_method")
    check_choice(correction, list(CORRECTION_LABELS), "correction")
    value_label = value_label or outcome_label(value_col)
    check_confidence(confidence)
    if n_boot < 100:
        raise AreasError(f"n_boot = {n_boot} est trop petit pour un intervalle bootstrap (au moins 100).")
    needed = [value_col, item_col, arm_col] + ([session_col] if session_col else [])
    require_columns(data, needed, "table de comparaison")
    if bootstrap == "seances" and not session_col:
        raise AreasError("Le bootstrap par séances demande une colonne de séance (session_col).")
    df = data.copy()
    df["_arm"] = arm_values(df[arm_col], "table de comparaison", arm_col)
    df["_value"] = pd.to_numeric(df[value_col], errors="coerce")
    rows = []
    for item, grp in df.groupby(item_col, sort=False):
        ok = grp["_value"].notna() & grp["_arm"].notna()
        g = grp[ok]
        x = g.loc[g["_arm"] == ARM_WITH, "_value"].to_numpy(float)
        y = g.loc[g["_arm"] == ARM_WITHOUT, "_value"].to_numpy(float)
        u, p, how = mann_whitney_test(x, y, seed)
        if bootstrap == "seances":
            cx = g.loc[g["_arm"] == ARM_WITH, session_col].astype(str).to_numpy()
            cy = g.loc[g["_arm"] == ARM_WITHOUT, session_col].astype(str).to_numpy()
        else:
            cx = cy = None
        lo, hi, ci_how = bootstrap_independent(x, y, n_boot=n_boot, seed=seed, confidence=confidence,
                                               method=ci_method, x_clusters=cx, y_clusters=cy)
        label = (labels or {}).get(item) if labels else None
        if label is None and label_col and label_col in grp:
            label = str(grp[label_col].iloc[0])
        n_sess = ((g.loc[g["_arm"] == ARM_WITH, session_col].nunique(),
                   g.loc[g["_arm"] == ARM_WITHOUT, session_col].nunique()) if session_col else (np.nan, np.nan))
        rows.append({
            "item": item,
            "libelle": label or str(item),
            "critere": value_label,
            "n_avec": int(x.size),
            "n_sans": int(y.size),
            "n_seances_avec": n_sess[0],
            "n_seances_sans": n_sess[1],
            "n_exclus": int((~ok).sum()),
            "mediane_avec": float(np.median(x)) if x.size else np.nan,
            "mediane_sans": float(np.median(y)) if y.size else np.nan,
            "moyenne_avec": float(np.mean(x)) if x.size else np.nan,
            "moyenne_sans": float(np.mean(y)) if y.size else np.nan,
            "U": u,
            "p_mann_whitney": p,
            "r_rang_biserial": rank_biserial_independent(x, y),
            "r_ic_bas": lo,
            "r_ic_haut": hi,
            "_how": how,
            "_ci_how": ci_how,
        })
    if not rows:
        raise AreasError("Aucun item à comparer : la table est vide.")
    out = pd.DataFrame(rows)
    add_adjusted_p(out, "p_mann_whitney", correction)
    pct = fr_num(100 * confidence, 0)
    unit = ("étudiants rééchantillonnés dans chaque bras" if bootstrap == "etudiants"
            else "séances rééchantillonnées dans chaque bras")
    out["methode"] = [
        f"Mann-Whitney U sur le {value_label} ({h}) ; r rang-bisérial (r > 0 : plus élevé avec patient "
        f"partenaire), IC {pct} % {b} ({n_boot} tirages, {unit}, graine {seed}) ; "
        f"étudiants traités comme indépendants (regroupement par séance ignoré ici) ; p ajusté : {c}"
        for h, b, c in zip(out["_how"], out["_ci_how"], out["correction"], strict=True)
    ]
    out = out.drop(columns=["_how", "_ci_how"])
    text = (f"Comparaison des étudiants avec et sans patient partenaire sur le {value_label}, item par item "
            "(n_avec, n_sans : étudiants utilisés). Ce test ignore que les étudiants d'une même séance se "
            "ressemblent : ses p-valeurs sont optimistes ; voir l'analyse par séance / modèle mixte.")
    return set_note(out, text, correction=correction, confidence=confidence, seed=seed, n_boot=n_boot)
