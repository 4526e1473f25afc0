"""Load the DPPER evaluation files of one action (ECOS or RetExp) through the ingest stage.

Files (``data/sample/dpper/`` or a cycle's folder), each with its data
dictionary ``<stem>_dictionnaire.yaml`` (``docs/formats.md``):

- ``ecos_avant.csv`` / ``ecos_apres.csv`` (``retexp_...`` for RetExp): one row
  per student — self-made code (``kind: id``), session, patient partner
  (Oui/Non), Likert items, and after the session a free-text comment;
- ``ecos_scores.csv`` (ECOS only): one row per student, one numeric column per station.

The ingest reader turns "Je ne sais pas" into NA; this loader puts the label
back (from the raw cells) so that the pairing can count these answers apart
from empty ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from ..errors import AreasError, InputError, Problem
from ..tables import require_columns
from ._common import arm_values, check_choice, fold

__all__ = ["DpperData", "comments_for_themes", "load_dpper", "scores_long"]

Action = Literal["ECOS", "RetExp"]

#: Canonical column names of the tidy tables returned by :func:`load_dpper`.
ID_COL, SESSION_COL, ARM_COL, COMMENT_COL = "code_etudiant", "session_id", "patient_partenaire", "commentaire"


@dataclass(frozen=True)
class DpperData:
    """The questionnaires (and ECOS scores) of one DPPER action, ready for the evaluate functions.

    Attributes:
        action: ``"ECOS"`` or ``"RetExp"``.
        before: One row per student before the session: ``code_etudiant`` (as
            typed), ``session_id``, ``patient_partenaire`` (Oui/Non as read),
            one column per Likert item holding the French label (``"Je ne sais
            pas"`` kept as such, NA when empty).
        after: Same after the session, plus ``commentaire`` when present.
        items: Likert item names, in questionnaire order.
        labels: Item name → question text (and station name → header for scores).
        scale: Likert labels, lowest first.
        dont_know: Labels meaning "no opinion" (from the dictionary).
        scores: ECOS only: long table ``code_etudiant, session_id,
            patient_partenaire, station, libelle, score`` (one row per
            student × station, NA scores kept), else ``None``.
        files: Files read (key: file stem).
        summaries: French reading summary of each file (encoding, separator...).
        problems: Problems found in lenient mode (empty otherwise).
    """

    action: Action
    before: pd.DataFrame
    after: pd.DataFrame
    items: list[str]
    labels: dict[str, str]
    scale: list[str]
    dont_know: list[str]
    scores: pd.DataFrame | None = None
    files: dict[str, Path] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _dictionary_path(data_dir: Path, stem: str) -> Path:
    for name in (f"{stem}_dictionnaire.yaml", f"{stem}_dictionnaire.yml", f"{stem}.yaml"):
        if (data_dir / name).is_file():
            return data_dir / name
    raise AreasError(f"Dictionnaire de données introuvable pour « {stem} » dans {data_dir} "
                     f"(attendu : {stem}_dictionnaire.yaml).")


def _data_path(data_dir: Path, stem: str) -> Path:
    for ext in (".csv", ".xlsx", ".tsv", ".txt"):
        if (data_dir / f"{stem}{ext}").is_file():
            return data_dir / f"{stem}{ext}"
    raise AreasError(f"Fichier introuvable : {data_dir / (stem + '.csv')} (ni .xlsx) pour l'évaluation DPPER.")


def _read_questionnaire(path: Path, dict_path: Path, session_name: str, arm_name: str, lenient: bool,
                        pseudonymizer: object | None):
    """Read one questionnaire with ingest, restore "Je ne sais pas" labels, rename to canonical columns."""
    from ..ingest.survey import read_raw_export, read_survey

    survey = read_survey(path, dict_path, lenient=lenient, pseudonymizer=pseudonymizer)  # type: ignore[arg-type]
    d = survey.dictionary
    likert = [c for c in d.columns if c.kind == "likert"]
    df = survey.responses.copy()
    raw = read_raw_export(path, encoding=survey.encoding, separator=survey.separator,
                          header_rows=survey.header_rows) if any(c.missing for c in likert) else None
    for spec in likert:
        col = df[spec.name].astype("string")
        if raw is not None and spec.missing and spec.column in raw.frame:
            cells = raw.frame[spec.column].reindex(survey.rows)
            missing = frozenset(fold(m) for m in spec.missing)
            is_dk = cells.map(lambda v, m=missing: (not pd.isna(v)) and fold(str(v)) in m).to_numpy(bool)
            col = col.mask(pd.Series(is_dk, index=col.index), spec.missing[0])
        df[spec.name] = col
    id_name = survey.id_column
    open_cols = [c.name for c in d.columns if c.kind == "open"]
    rename = {id_name: ID_COL, session_name: SESSION_COL, arm_name: ARM_COL}
    if len(open_cols) >= 1 and COMMENT_COL not in df:
        rename[open_cols[0]] = COMMENT_COL
    require_columns(df, [session_name, arm_name], path.name)
    df = df.rename(columns=rename)
    for c in (ID_COL, SESSION_COL, ARM_COL):
        df[c] = df[c].astype("string")
    return survey, df, likert


def load_dpper(
    action: Action,
    data_dir: str | Path,
    *,
    session_col: str = "session",
    arm_col: str = "patient_partenaire",
    lenient: bool = False,
    pseudonymizer: object | None = None,
) -> DpperData:
    """Read the before/after questionnaires (and ECOS scores) of one DPPER action.

    Uses :func:`areas_analysis.ingest.read_survey` with each file's data
    dictionary, so encodings, separators and bad cells are handled and
    reported as everywhere else. The student code (the dictionary's ``id``
    column) is kept as typed: the pairing normalises it.

    Args:
        action: ``"ECOS"`` or ``"RetExp"``.
        data_dir: Folder holding ``<action>_avant.csv``, ``<action>_apres.csv``
            (lower-case action), ``ecos_scores.csv`` and the dictionaries.
        session_col: Tidy name of the session column in the dictionaries.
        arm_col: Tidy name of the patient-partner column in the dictionaries.
        lenient: Read in ingest's lenient mode (bad cells emptied, problems returned).
        pseudonymizer: Passed to ``read_survey`` for the free-text comments.

    Returns:
        A :class:`DpperData`.

    Raises:
        AreasError: unknown action, missing file or dictionary, items differing
            between before and after, a score file's session absent from the
            questionnaires (French messages).
        InputError: problems in the files (from ingest).
    """
    check_choice(action, ["ECOS", "RetExp"], "l'action DPPER")
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise AreasError(f"Dossier des données DPPER introuvable : {data_dir}")
    stem = action.lower()
    files: dict[str, Path] = {}
    frames, summaries, problems, likert_specs = {}, {}, [], {}
    for when in ("avant", "apres"):
        key = f"{stem}_{when}"
        path = _data_path(data_dir, key)
        files[key] = path
        survey, df, likert = _read_questionnaire(path, _dictionary_path(data_dir, key), session_col, arm_col,
                                                 lenient, pseudonymizer)
        frames[when], summaries[key], likert_specs[when] = df, survey.summary(), likert
        problems.extend(survey.problems)
    items_before = [c.name for c in likert_specs["avant"]]
    items_after = [c.name for c in likert_specs["apres"]]
    items = [i for i in items_before if i in items_after]
    if not items:
        shown_b = ", ".join(items_before) or "aucun"
        shown_a = ", ".join(items_after) or "aucun"
        raise AreasError(f"Aucun item Likert commun aux questionnaires avant et après de {action} "
                         f"(avant : {shown_b} ; après : {shown_a}).")
    first = likert_specs["avant"][0]
    labels = {c.name: c.column for c in likert_specs["avant"]}
    scores = None
    if action == "ECOS":
        key = "ecos_scores"
        try:
            path = _data_path(data_dir, key)
        except AreasError:
            path = None
        if path is not None:
            files[key] = path
            scores, station_labels, summary, sc_problems = _read_scores(
                path, _dictionary_path(data_dir, key), frames, session_col, arm_col, lenient)
            summaries[key] = summary
            problems.extend(sc_problems)
            labels.update(station_labels)
    return DpperData(action=action, before=frames["avant"], after=frames["apres"], items=items, labels=labels,
                     scale=list(first.scale or []), dont_know=list(first.missing), scores=scores, files=files,
                     summaries=summaries, problems=problems)


def _read_scores(path: Path, dict_path: Path, frames: dict[str, pd.DataFrame], session_name: str,
                 arm_name: str, lenient: bool) -> tuple[pd.DataFrame, dict[str, str], str, list[Problem]]:
    """Read the ECOS scores (one row per student) and return them long, with the arm of each session."""
    from ..ingest.survey import read_survey

    survey = read_survey(path, dict_path, lenient=lenient)
    df = survey.responses.copy()
    stations = [c for c in survey.dictionary.columns if c.kind == "numeric"]
    if not stations:
        raise AreasError(f"{path.name} : aucune colonne de score (kind: numeric) dans le dictionnaire.")
    df = df.rename(columns={survey.id_column: ID_COL, session_name: SESSION_COL})
    require_columns(df, [SESSION_COL], path.name)
    df[SESSION_COL] = df[SESSION_COL].astype("string")
    if arm_name in df:
        df[ARM_COL] = df[arm_name].astype("string")
    else:
        # the patient partner is a session attribute: take it from the questionnaires
        both = pd.concat([frames["avant"], frames["apres"]], ignore_index=True)
        both["_arm"] = arm_values(both[ARM_COL], "questionnaires", ARM_COL)
        per_session = both.dropna(subset=["_arm"]).groupby(SESSION_COL)["_arm"].agg(lambda s: sorted(set(s)))
        mixed = [s for s, v in per_session.items() if len(v) > 1]
        if mixed:
            raise AreasError(f"Séance(s) {', '.join(mixed)} : présence du patient partenaire différente selon "
                             "les étudiants ; impossible d'attribuer un bras aux scores ECOS.")
        mapping = {s: ("Oui" if v[0].startswith("avec") else "Non") for s, v in per_session.items()}
        unknown = sorted(set(df[SESSION_COL].dropna()) - set(mapping))
        if unknown:
            raise InputError([Problem(path.name, f"séance « {s} » absente des questionnaires : présence du "
                                                 "patient partenaire inconnue", column=session_name)
                              for s in unknown])
        df[ARM_COL] = df[SESSION_COL].map(mapping).astype("string")
    df[ID_COL] = df[ID_COL].astype("string")
    long = df.melt(id_vars=[ID_COL, SESSION_COL, ARM_COL], value_vars=[c.name for c in stations],
                   var_name="station", value_name="score")
    labels = {c.name: c.column for c in stations}
    long["libelle"] = long["station"].map(labels)
    long["score"] = pd.to_numeric(long["score"], errors="coerce").astype(float)
    long = long[[ID_COL, SESSION_COL, ARM_COL, "station", "libelle", "score"]]
    return long, labels, survey.summary(), list(survey.problems)


def scores_long(scores: pd.DataFrame, station_cols: Sequence[str], *, id_col: str = ID_COL,
                session_col: str = SESSION_COL, arm_col: str = ARM_COL) -> pd.DataFrame:
    """Reshape a wide ECOS score table (one column per station) to one row per student × station.

    Args:
        scores: Wide table.
        station_cols: Station score columns.
        id_col: Student code column.
        session_col: Session column.
        arm_col: Patient-partner column.

    Returns:
        ``code_etudiant, session_id, patient_partenaire, station, libelle, score``.
    """
    require_columns(scores, [id_col, session_col, arm_col, *station_cols], "scores ECOS")
    long = scores.melt(id_vars=[id_col, session_col, arm_col], value_vars=list(station_cols),
                       var_name="station", value_name="score")
    long = long.rename(columns={id_col: ID_COL, session_col: SESSION_COL, arm_col: ARM_COL})
    long["libelle"] = long["station"].astype(str)
    long["score"] = pd.to_numeric(long["score"], errors="coerce").astype(float)
    return long[[ID_COL, SESSION_COL, ARM_COL, "station", "libelle", "score"]]


def comments_for_themes(after: pd.DataFrame, *, comment_col: str = COMMENT_COL, id_col: str = ID_COL,
                        session_col: str = SESSION_COL, arm_col: str = ARM_COL) -> pd.DataFrame:
    """Select the non-empty free-text comments with their arm, for the theme engine.

    The ``id`` is ``"<code as typed>:commentaire"`` (stable across runs and
    the same as the sample's ground truth), so theme codings (``id,
    theme_id``) can be joined back to the arm.

    Returns:
        ``id, text, session_id, patient_partenaire`` (arm label: avec/sans
        patient partenaire), one row per non-empty comment.
    """
    require_columns(after, [comment_col, id_col, session_col, arm_col], "questionnaire après")
    text = after[comment_col].astype("string").str.strip()
    keep = text.notna() & text.ne("")
    out = pd.DataFrame({
        "id": after.loc[keep, id_col].astype("string").str.strip() + ":commentaire",
        "text": text[keep],
        "session_id": after.loc[keep, session_col].astype("string"),
        "patient_partenaire": arm_values(after.loc[keep, arm_col], "questionnaire après", arm_col),
    }).reset_index(drop=True)
    return out
