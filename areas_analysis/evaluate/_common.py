"""Shared helpers of the evaluate stage: validation, arms, Likert scores, multiplicity, French text.

Private to :mod:`areas_analysis.evaluate`; the public names are re-exported
through its ``__all__`` (:func:`adjust_pvalues`, :func:`likert_to_scores`,
:func:`arm_values`, :data:`AGREEMENT_SCALE`...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import AreasError, InputError, Problem
from ..tables import plural
from ..text import fold  # re-exported: one home for accent folding

#: The 5-point French agreement scale of ``docs/formats.md`` (1 = pas du tout d'accord ... 5).
AGREEMENT_SCALE: tuple[str, ...] = (
    "Pas du tout d'accord",
    "Plutôt pas d'accord",
    "Ni d'accord ni pas d'accord",
    "Plutôt d'accord",
    "Tout à fait d'accord",
)
#: Answers that mean "no opinion": excluded from the statistics and counted apart.
DONT_KNOW: tuple[str, ...] = ("Je ne sais pas", "NSP", "Ne sait pas", "Sans avis")

#: French labels of the two arms (patient partner present / absent).
ARM_WITH = "avec patient partenaire"
ARM_WITHOUT = "sans patient partenaire"

#: Status of one (student, item) pair in a paired table.
STATUS_USED = "utilisée"
STATUS_BEFORE_ONLY = "non appariée (avant seulement)"
STATUS_AFTER_ONLY = "non appariée (après seulement)"
STATUS_MISSING = "réponse manquante"
STATUS_DONT_KNOW = "« Je ne sais pas »"
STATUSES: tuple[str, ...] = (STATUS_USED, STATUS_BEFORE_ONLY, STATUS_AFTER_ONLY, STATUS_MISSING,
                             STATUS_DONT_KNOW)

Correction = Literal["holm", "fdr_bh", "none"]
CORRECTION_LABELS: dict[str, str] = {
    "holm": "Holm",
    "fdr_bh": "Benjamini-Hochberg",
    "none": "aucune",
}


class StatisticalWarning(UserWarning):
    """A French warning about the reliability of an evaluation statistic."""


# --------------------------------------------------------------------------- validation








def check_choice(value: str, allowed: Sequence[str], what: str) -> None:
    """Refuse a mode outside ``allowed`` with a French message (``Literal`` is not checked at run time)."""
    if value not in allowed:
        shown = ", ".join(f"« {a} »" for a in allowed)
        raise AreasError(f"Valeur invalide pour {what} : « {value} » (attendu : {shown}).")


# --------------------------------------------------------------------------- arms


_YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "1.0", "avec", ARM_WITH}
_NO = {"non", "n", "no", "faux", "false", "0", "0.0", "sans", ARM_WITHOUT}


def arm_values(s: pd.Series, what: str, column: str) -> pd.Series:
    """Map a patient-partner column (Oui/Non, booleans, 1/0) to the two French arm labels.

    Args:
        s: The column as read (``"Oui"``, ``"non "``, ``True``, ``1``...).
        what: French name of the table (for error messages).
        column: Column name (for error messages).

    Returns:
        A string Series holding :data:`ARM_WITH` / :data:`ARM_WITHOUT`, NA where empty.

    Raises:
        InputError: listing the rows (1-based data rows) with another value.
    """
    folded = s.map(lambda v: None if pd.isna(v) else fold(str(v)), na_action=None)
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    out[folded.isin({fold(v) for v in _YES})] = ARM_WITH
    out[folded.isin({fold(v) for v in _NO})] = ARM_WITHOUT
    bad = folded.notna() & out.isna()
    if bad.any():
        pos = np.flatnonzero(bad.to_numpy())
        raise InputError([Problem(what, f"valeur « {s.iloc[i]} » non reconnue (attendu Oui ou Non)",
                                  row=int(i) + 2, column=column) for i in pos[:10]])
    return out


_OUTCOME_LABELS = {
    "difference": "changement (après − avant)",
    "apres": "score après",
    "avant": "score avant",
    "score": "score",
}


def outcome_label(value_col: str) -> str:
    """French name of an outcome column (``difference`` → "changement (après − avant)")."""
    return _OUTCOME_LABELS.get(value_col, value_col)


# --------------------------------------------------------------------------- Likert


def likert_to_scores(
    values: pd.Series,
    *,
    scale: Sequence[str] | None = AGREEMENT_SCALE,
    dont_know: Sequence[str] = DONT_KNOW,
    what: str = "questionnaire",
    column: str | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Convert a Likert column to scores 1..k, telling missing answers from "Je ne sais pas".

    Accepts what the ingest stage or a spreadsheet gives: an ordered pandas
    Categorical (scores are the category positions + 1), French labels as
    strings (matched to ``scale`` ignoring case, accents and surrounding
    spaces), or numbers already coded. A label of ``dont_know`` gives NA with
    the reason ``"ne_sait_pas"``; an empty cell gives NA with ``"manquant"``.
    When the ingest stage recorded "Je ne sais pas" answers in
    ``values.attrs["dont_know"]`` (a boolean mask aligned on the index), that
    mask is honoured too.

    Args:
        values: One Likert column.
        scale: Ordered labels (lowest first); ``None`` when the column is numeric.
        dont_know: Labels meaning "no opinion".
        what: French table name used in error messages.
        column: Column name used in error messages (defaults to ``values.name``).

    Returns:
        ``(scores, reason)``: float scores (NA when unusable) and a string
        Series ``"reponse"`` / ``"manquant"`` / ``"ne_sait_pas"``.

    Raises:
        InputError: listing the cells whose label is not on the scale.
    """
    column = column or str(values.name)
    reason = pd.Series("reponse", index=values.index, dtype="string")
    dk_mask = values.attrs.get("dont_know") if hasattr(values, "attrs") else None
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in values.cat.categories]
        dk_cats = {fold(d) for d in dont_know}
        # the categories are the scale (ingest builds them from the dictionary)
        keep = [c for c in cats if fold(c) not in dk_cats]
        order = {fold(c): i + 1 for i, c in enumerate(keep)}
        as_text = values.astype("string")
        scores = as_text.map(lambda v: order.get(fold(v), np.nan) if not pd.isna(v) else np.nan)
        is_dk = as_text.map(lambda v: (not pd.isna(v)) and fold(v) in dk_cats).astype(bool)
        unknown = as_text.notna() & scores.isna() & ~is_dk
    elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        scores = pd.to_numeric(values, errors="coerce").astype(float)
        is_dk = pd.Series(False, index=values.index)
        unknown = pd.Series(False, index=values.index)
    else:
        as_text = values.astype("string").str.strip()
        as_text = as_text.mask(as_text.eq(""))
        dk_set = {fold(d) for d in dont_know}
        is_dk = as_text.map(lambda v: (not pd.isna(v)) and fold(v) in dk_set).astype(bool)
        if scale is not None:
            order = {fold(c): i + 1 for i, c in enumerate(scale)}
            scores = as_text.map(lambda v: order.get(fold(v), np.nan) if not pd.isna(v) else np.nan)
            # numbers typed in a text column ("4") are accepted as scores
            numeric = pd.to_numeric(as_text, errors="coerce")
            scores = scores.astype(float).fillna(numeric.astype(float))
        else:
            scores = pd.to_numeric(as_text, errors="coerce")
        unknown = as_text.notna() & scores.isna() & ~is_dk
    if unknown.any():
        pos = np.flatnonzero(unknown.to_numpy())
        allowed = ", ".join(f"« {c} »" for c in (scale or []))
        raise InputError([Problem(what, f"réponse « {values.iloc[i]} » hors échelle (attendu : {allowed})",
                                  row=int(i) + 2, column=column) for i in pos[:10]])
    scores = scores.astype(float)
    if dk_mask is not None:
        is_dk = is_dk | pd.Series(dk_mask, index=values.index).fillna(False).astype(bool)
    scores = scores.mask(is_dk)
    reason[scores.isna()] = "manquant"
    reason[is_dk.to_numpy()] = "ne_sait_pas"
    return scores.rename(values.name), reason.rename(values.name)


# --------------------------------------------------------------------------- multiplicity


def add_adjusted_p(table: pd.DataFrame, p_col: str, correction: Correction) -> None:
    """Add ``p_ajuste`` (``p_col`` adjusted over the table's tests) and a French ``correction`` column.

    The family is every row with a p-value (see :func:`adjust_pvalues`); ``table`` is changed in place.
    """
    table["p_ajuste"] = adjust_pvalues(table[p_col].to_numpy(float), correction)
    m = int(table[p_col].notna().sum())
    table["correction"] = (f"{CORRECTION_LABELS[correction]} sur {plural(m, 'test')}"
                           if correction != "none" else "aucune")


def adjust_pvalues(pvalues: Sequence[float] | np.ndarray, method: Correction = "holm") -> np.ndarray:
    """Adjust a family of p-values for multiplicity (Holm or Benjamini-Hochberg).

    Holm (1979, *Scand. J. Statist.* 6:65-70) controls the family-wise error
    rate without assuming independence: sorted ascending, ``p(i)`` becomes
    ``max_{j<=i} min(1, (m - j + 1) p(j))``. Benjamini & Hochberg (1995,
    *JRSS B* 57:289-300) controls the false discovery rate: ``p(i)`` becomes
    ``min_{j>=i} min(1, m p(j) / j)``. NaN p-values (items that could not be
    tested) are left NaN and do not count in ``m``.

    Args:
        pvalues: Raw p-values of one family (e.g. the items of a questionnaire).
        method: ``"holm"``, ``"fdr_bh"`` or ``"none"``.

    Returns:
        Adjusted p-values in the input order.
    """
    check_choice(method, list(CORRECTION_LABELS), "la correction de multiplicité")
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    if method == "none":
        out[ok] = p[ok]
        return out
    sub = p[ok]
    order = np.argsort(sub, kind="mergesort")
    sorted_p = sub[order]
    if method == "holm":
        factors = m - np.arange(m)
        adj = np.maximum.accumulate(np.minimum(1.0, factors * sorted_p))
    else:
        ranks = np.arange(1, m + 1)
        adj = np.minimum.accumulate(np.minimum(1.0, m * sorted_p / ranks)[::-1])[::-1]
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


# --------------------------------------------------------------------------- words tied to evidence

#: Threshold of the adjusted session-level p-value below which a result is called « net ».
NET_THRESHOLD = 0.05
#: The four words of the vocabulary rule (written out in ``methods_and_limits``).
WORD_NET = "net"
WORD_TREND = "tendance"
WORD_INCONCLUSIVE = "non concluant"
WORD_DESIGN = "le dispositif ne permet pas de conclure"
VOCABULARY_RULE = (
    f"« {WORD_NET} » seulement quand le test qui tient compte des séances reste sous "
    f"{str(NET_THRESHOLD).replace('.', ',')} après correction de multiplicité ; « {WORD_TREND} » quand ce test "
    "est sous le seuil avant correction seulement, ou quand seul le test par étudiant (qui ignore les séances) "
    f"l'est ; « {WORD_DESIGN} » quand le nombre de séances rend un résultat net impossible, quel que soit "
    f"l'écart observé (ou qu'il n'y a pas assez de séances pour un test par séance) ; « {WORD_INCONCLUSIVE} » "
    "dans les autres cas. Chaque affirmation donne le nombre d'étudiants et de séances.")


def conclusion(p_session_adj: float, p_session: float, p_student_adj: float = float("nan"),
               best_possible_adj: float = 0.0, threshold: float = NET_THRESHOLD) -> str:
    """The word of the vocabulary rule for one result (see :data:`VOCABULARY_RULE`).

    Args:
        p_session_adj: Session-aware p-value after multiplicity correction.
        p_session: The same before correction.
        p_student_adj: Student-level p-value after correction (NaN if none).
        best_possible_adj: Smallest adjusted p the design allows (0 when unbounded; NaN when no
            session-level test is possible).
        threshold: Significance threshold.
    """
    if p_session_adj < threshold:
        return WORD_NET
    if p_session < threshold:
        return WORD_TREND
    if np.isnan(best_possible_adj) or best_possible_adj >= threshold:
        return WORD_DESIGN if not p_student_adj < threshold else WORD_TREND
    if p_student_adj < threshold:
        return WORD_TREND
    return WORD_INCONCLUSIVE


# --------------------------------------------------------------------------- French text













