"""Respondent × theme matrix: one 0/1 column per theme joined to the closed answers.

This is the table mixed-methods analyses start from (and the one MAXQDA users
export by hand): each respondent of a questionnaire, their closed answers, and
whether their open answers raised each theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from ..errors import InputError, Problem
from ..tables import fr_num, plural, require_columns, set_note
from ._common import THEME_PREFIX, normalise_ids

__all__ = ["theme_columns", "theme_matrix"]


def theme_matrix(
    codings: pd.DataFrame,
    respondents: pd.DataFrame,
    *,
    id_col: str = "respondent_id",
    theme_col: str = "theme_id",
    coding_id_col: str = "id",
    answers: pd.DataFrame | None = None,
    answer_id_col: str = "id",
    themes: Sequence[str] | None = None,
    missing: Literal["zero", "na"] = "zero",
    answered_col: str | None = None,
    unknown_ids: Literal["error", "ignore"] = "error",
) -> pd.DataFrame:
    """Join 0/1 theme indicators to the closed answers of each respondent.

    A respondent raises a theme when at least one coding row links their id
    to it (several open answers or coders are merged: union). Columns are
    named ``theme__<theme_id>``, in the spirit of the ``{name}__{option}``
    columns of multi-choice answers.

    Codings of open answers are keyed by answer (``U0007:aide_souhaitee``, as
    written by ingest's ``open_answers``): pass that answers table as
    ``answers`` (columns ``id`` and ``respondent_id``) to map each coded
    answer to its respondent; respondents with no open answer in it get NA.

    Who did *not* raise a theme needs care: a respondent who left the open
    question empty did not say "no". With ``answered_col`` (the open-answer
    column), respondents whose answer is empty get NA instead of 0; with
    ``missing="na"``, respondents absent from ``codings`` get NA (use it when
    the coding lists every coded id, with an empty theme for "no theme", as
    human codings do).

    Args:
        codings: Long coding (``id, theme_id[, score]``); ids are respondent ids,
            or answer ids when ``answers`` is given.
        respondents: Tidy responses, one row per respondent (``docs/formats.md``).
        id_col: Respondent id column of ``respondents``.
        theme_col: Theme column of ``codings``.
        coding_id_col: Id column of ``codings``.
        answers: Open answers in long form (``id``, ``respondent_id``[, ``question``,
            ``text``]) mapping answer ids to respondents.
        answer_id_col: Answer id column of ``answers``.
        themes: Themes to include (e.g. the whole codebook) so that a theme
            nobody raised still gets its column of 0.
        missing: ``"zero"`` (default) or ``"na"`` for respondents absent from ``codings``.
        answered_col: Open-answer column; empty → NA for every theme.
        unknown_ids: ``"error"`` refuses codings whose id is not a respondent.

    Returns:
        A new DataFrame: ``respondents`` (same rows, order and columns) plus one
        nullable-integer (``Int8``) column per theme. ``attrs["themes"]`` lists
        the theme columns.
    """
    require_columns(codings, [coding_id_col, theme_col], "table des codages")
    require_columns(respondents, [id_col, *([answered_col] if answered_col else [])], "table des réponses")
    rid = normalise_ids(respondents[id_col])
    problems = []
    if rid.isna().any():
        rows = (rid.index[rid.isna()][:5] + 1).tolist()
        problems.append(Problem("table des réponses", f"identifiant vide (lignes {rows})", column=id_col))
    dup = rid.duplicated(keep=False) & rid.notna()
    if dup.any():
        problems.append(Problem("table des réponses", f"identifiants en double : "
                                f"{rid[dup].drop_duplicates().tolist()[:5]}", column=id_col))
    if problems:
        raise InputError(problems)

    cid = normalise_ids(codings[coding_id_col])
    theme = codings[theme_col].astype("string").str.strip()
    answered = None
    if answers is not None:
        require_columns(answers, [answer_id_col, id_col], "table des réponses ouvertes")
        aid = normalise_ids(answers[answer_id_col])
        owner = dict(zip(aid, normalise_ids(answers[id_col]), strict=True))
        unmapped = cid.notna() & ~cid.isin(set(owner))
        if unmapped.any() and unknown_ids == "error":
            ids = cid[unmapped].drop_duplicates().tolist()
            raise InputError([Problem("table des codages", f"{len(ids)} identifiant(s) absent(s) des réponses "
                                      f"ouvertes, par ex. {ids[:5]} (unknown_ids='ignore' pour les écarter)",
                                      column=coding_id_col)])
        cid = cid.map(owner).astype("string")
        answered = set(normalise_ids(answers[id_col]).dropna())
    unknown = cid.notna() & ~cid.isin(set(rid))
    if unknown.any() and unknown_ids == "error":
        ids = cid[unknown].drop_duplicates().tolist()
        raise InputError([Problem("table des codages", f"{len(ids)} identifiant(s) inconnu(s) des réponses, "
                                  f"par ex. {ids[:5]} (unknown_ids='ignore' pour les écarter)",
                                  column=coding_id_col)])
    keep = cid.notna() & ~unknown
    coded = pd.DataFrame({"_rid": cid[keep], "_theme": theme[keep]})
    present = coded.loc[coded["_theme"].notna() & coded["_theme"].ne(""), "_theme"]
    theme_list = list(dict.fromkeys([*(themes or []), *sorted(present.unique().tolist())]))
    clash = [f"{THEME_PREFIX}{t}" for t in theme_list if f"{THEME_PREFIX}{t}" in respondents.columns]
    if clash:
        raise InputError([Problem("table des réponses", "colonne de thème déjà présente", column=c)
                          for c in clash])

    pairs = set(zip(coded["_rid"], coded["_theme"], strict=True))
    coded_ids = set(coded["_rid"])
    no_answer = pd.Series(False, index=respondents.index)
    if answered_col:
        txt = respondents[answered_col].astype("string").str.strip()
        no_answer = txt.isna() | txt.eq("")
    absent = ~rid.isin(coded_ids) if missing == "na" else pd.Series(False, index=respondents.index)
    if answered is not None:
        absent = absent | ~rid.isin(answered)
    na_mask = (no_answer | absent).to_numpy()

    out = respondents.copy()
    new_cols = {}
    for t in theme_list:
        vals = pd.array([int((r, t) in pairs) for r in rid], dtype="Int8")
        col = pd.Series(vals, index=respondents.index)
        new_cols[f"{THEME_PREFIX}{t}"] = col.mask(na_mask)
    out = pd.concat([out, pd.DataFrame(new_cols, index=respondents.index)], axis=1)
    cols = list(new_cols)
    n_valid = int((~na_mask).sum())
    text = (f"Une ligne par répondant ({plural(len(out), 'répondant')}) avec ses réponses fermées et une "
            f"colonne 0/1 par thème ({len(cols)} thèmes, colonnes « {THEME_PREFIX}… »). "
            f"{fr_num(n_valid, 0)} répondants ont une réponse ouverte codée ou comptée comme telle")
    text += (f" ; les {fr_num(len(out) - n_valid, 0)} autres sont vides (NA), pas « 0 »." if n_valid < len(out)
             else ".")
    text += " Un 0 signifie « thème non évoqué », pas « thème sans importance »."
    return set_note(out, text, themes=cols)


def theme_columns(matrix: pd.DataFrame) -> list[str]:
    """The ``theme__*`` columns of a respondent × theme matrix, in order."""
    return [c for c in matrix.columns if str(c).startswith(THEME_PREFIX)]
