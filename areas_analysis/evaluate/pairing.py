"""Match before/after questionnaires by the students' self-generated code.

Students answer a questionnaire before and after an ECOS station or a RetExp
session and identify themselves with a code they make up (e.g. initials of
their mother + birth day). The same student types it differently twice
(``"MA 12"`` / ``"ma12"`` / ``"Mâ-12"``), so codes are normalised before
matching; students who answered only once are kept and counted, never
silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import AreasError, InputError, Problem
from ..tables import plural, require_columns, set_note
from ._common import (
    AGREEMENT_SCALE,
    ARM_WITH,
    ARM_WITHOUT,
    DONT_KNOW,
    STATUS_AFTER_ONLY,
    STATUS_BEFORE_ONLY,
    STATUS_DONT_KNOW,
    STATUS_MISSING,
    STATUS_USED,
    arm_values,
    check_choice,
    fold,
    likert_to_scores,
)

__all__ = ["normalise_code", "pair_before_after", "pairing_summary"]

_SEPARATORS = re.compile(r"[\s\-_.,;:/\\'’`\"«»]+")


def normalise_code(codes: pd.Series) -> pd.Series:
    """Normalise self-generated student codes so that typing variants match.

    Lower-cases, removes accents (``"É"`` → ``"e"``), spaces and separators
    (``- _ . , ; : / ' ’``); an empty result is NA. ``"MA 12"``, ``"ma-12"``
    and ``" Mâ12 "`` all become ``"ma12"``.

    Args:
        codes: The code column as typed by the students.

    Returns:
        A new string Series (the input is not modified).
    """
    def one(v: object) -> object:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return pd.NA
        s = _SEPARATORS.sub("", fold(str(v)))
        return s or pd.NA

    return codes.map(one, na_action=None).astype("string")


def _prepare(
    df: pd.DataFrame, which: str, id_col: str, session_col: str, arm_col: str,
    duplicates: Literal["error", "first", "last"],
) -> tuple[pd.DataFrame, int]:
    """Normalise codes and arms of one questionnaire; resolve duplicated codes."""
    out = df.copy()
    out["_pos"] = np.arange(len(out))
    out["_row"] = out["_pos"] + 2  # spreadsheet row (header on row 1)
    out["_code"] = normalise_code(out[id_col])
    out["_arm"] = arm_values(out[arm_col], which, arm_col)
    out["_session"] = out[session_col].astype("string").str.strip()
    coded = out[out["_code"].notna()]
    dup = coded["_code"].duplicated(keep=False)
    n_dup = int(coded["_code"].duplicated(keep="first").sum())
    if dup.any() and duplicates == "error":
        problems = []
        for code, grp in coded[dup].groupby("_code", sort=True):
            rows = ", ".join(str(r) for r in grp["_row"])
            problems.append(Problem(which, f"code étudiant « {code} » (après normalisation) présent plusieurs "
                                           f"fois (lignes {rows}) ; corrigez le fichier ou choisissez "
                                           "duplicates=\"first\" / \"last\"", row=int(grp["_row"].iloc[0]),
                                    column=id_col))
        raise InputError(problems[:20])
    if n_dup:
        keep = "first" if duplicates == "first" else "last"
        drop = coded.index[coded["_code"].duplicated(keep=keep)]
        out = out.drop(index=drop)
    return out, n_dup


def pair_before_after(
    before: pd.DataFrame,
    after: pd.DataFrame,
    items: Sequence[str],
    *,
    id_col: str = "code_etudiant",
    session_col: str = "session_id",
    arm_col: str = "patient_partenaire",
    scale: Sequence[str] | None = AGREEMENT_SCALE,
    dont_know: Sequence[str] = DONT_KNOW,
    duplicates: Literal["error", "first", "last"] = "error",
    conflicts: Literal["error", "after", "before"] = "error",
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Match before/after answers by normalised student code, one row per (student, item).

    Every student of either questionnaire appears once per item with a
    ``statut`` saying whether the pair can be used: ``utilisée`` (both
    answers on the scale), ``non appariée (avant seulement)`` / ``(après
    seulement)`` (answered once, or no code typed), ``réponse manquante``
    (matched but an answer is empty) or ``« Je ne sais pas »`` (matched, one
    of the two answers is "Je ne sais pas"; it wins over an empty answer).
    Scores are 1..k along ``scale``; ``difference = apres - avant``.

    Session and arm are taken from the questionnaire the student filled in;
    when a matched student's session or arm differs between the two files,
    ``conflicts`` decides (``"error"`` lists them).

    Args:
        before: Questionnaire before the action (one row per student).
        after: Questionnaire after the action.
        items: Likert item columns present in both files.
        id_col: Student code column.
        session_col: Session id column.
        arm_col: Patient-partner column (Oui/Non, booleans or 1/0).
        scale: Ordered Likert labels (lowest first); ``None`` for numeric items.
        dont_know: Labels meaning "no opinion" (excluded and counted).
        duplicates: A code present twice in one file: refuse, keep the first or the last.
        conflicts: Session/arm disagreeing between the files: refuse, or trust one file.
        labels: Optional French label of each item (question text), kept in ``libelle``.

    Returns:
        Long table with columns ``code_etudiant`` (normalised), ``session_id``,
        ``patient_partenaire`` (``avec``/``sans patient partenaire``), ``item``,
        ``libelle``, ``avant``, ``apres``, ``difference``, ``statut``.
        ``attrs["comptes"]`` holds the student counts and ``attrs["note"]`` a
        French sentence.

    Raises:
        InputError: missing columns, unknown Likert labels, unknown arm values,
            duplicated codes or conflicting sessions (French, with rows).
    """
    check_choice(duplicates, ["error", "first", "last"], "duplicates")
    check_choice(conflicts, ["error", "after", "before"], "conflicts")
    items = list(items)
    if not items:
        raise AreasError("Aucun item à apparier : indiquez au moins une colonne Likert.")
    require_columns(before, [id_col, session_col, arm_col, *items], "questionnaire avant")
    require_columns(after, [id_col, session_col, arm_col, *items], "questionnaire après")
    b, dup_b = _prepare(before, "questionnaire avant", id_col, session_col, arm_col, duplicates)
    a, dup_a = _prepare(after, "questionnaire après", id_col, session_col, arm_col, duplicates)

    # student keys: the code when typed, else a row key that cannot match
    b["_key"] = b["_code"].fillna("#avant-ligne-" + b["_row"].astype(str))
    a["_key"] = a["_code"].fillna("#apres-ligne-" + a["_row"].astype(str))
    b = b.set_index("_key")
    a = a.set_index("_key")
    both = b.index.intersection(a.index)

    bad = [k for k in both
           if (b.at[k, "_session"] != a.at[k, "_session"]) or (b.at[k, "_arm"] != a.at[k, "_arm"])]
    if bad and conflicts == "error":
        raise InputError([
            Problem("questionnaire après",
                    f"l'étudiant « {k} » est en séance « {b.at[k, '_session']} » / {b.at[k, '_arm']} avant "
                    f"mais « {a.at[k, '_session']} » / {a.at[k, '_arm']} après ; corrigez ou choisissez "
                    "conflicts=\"after\" / \"before\"", row=int(a.at[k, "_row"]), column=session_col)
            for k in bad[:20]
        ])
    keys = list(b.index) + [k for k in a.index if k not in b.index]
    first, second = (b, a) if conflicts == "before" else (a, b)
    session = pd.Series([first.at[k, "_session"] if k in first.index else second.at[k, "_session"]
                         for k in keys], index=keys, dtype="string")
    arm = pd.Series([first.at[k, "_arm"] if k in first.index else second.at[k, "_arm"] for k in keys],
                    index=keys, dtype="string")
    in_b = pd.Series([k in b.index for k in keys], index=keys)
    in_a = pd.Series([k in a.index for k in keys], index=keys)
    code = pd.Series([pd.NA if k.startswith("#") else k for k in keys], index=keys, dtype="string")

    frames = []
    for item in items:
        sb, rb = likert_to_scores(before[item], scale=scale, dont_know=dont_know,
                                  what="questionnaire avant", column=item)
        sa, ra = likert_to_scores(after[item], scale=scale, dont_know=dont_know,
                                  what="questionnaire après", column=item)
        # align on the kept rows (duplicates dropped), then on student keys
        sb = pd.Series(sb.to_numpy()[b["_pos"].to_numpy()], index=b.index)
        rb = pd.Series(rb.to_numpy()[b["_pos"].to_numpy()], index=b.index)
        sa = pd.Series(sa.to_numpy()[a["_pos"].to_numpy()], index=a.index)
        ra = pd.Series(ra.to_numpy()[a["_pos"].to_numpy()], index=a.index)
        av = sb.reindex(keys)
        ap = sa.reindex(keys)
        reason_b = rb.reindex(keys)
        reason_a = ra.reindex(keys)
        status = np.where(
            ~in_a, STATUS_BEFORE_ONLY,
            np.where(~in_b, STATUS_AFTER_ONLY,
                     np.where((reason_b == "ne_sait_pas") | (reason_a == "ne_sait_pas"), STATUS_DONT_KNOW,
                              np.where(av.isna() | ap.isna(), STATUS_MISSING, STATUS_USED))))
        frames.append(pd.DataFrame({
            "code_etudiant": code.to_numpy(),
            "session_id": session.to_numpy(),
            "patient_partenaire": arm.to_numpy(),
            "item": item,
            "libelle": (labels or {}).get(item, item),
            "avant": av.to_numpy(dtype=float),
            "apres": ap.to_numpy(dtype=float),
            "statut": status,
        }))
    out = pd.concat(frames, ignore_index=True)
    out["difference"] = out["apres"] - out["avant"]
    out = out[["code_etudiant", "session_id", "patient_partenaire", "item", "libelle", "avant", "apres",
               "difference", "statut"]]
    out["statut"] = out["statut"].astype("string")
    counts = {
        "n_avant": int(len(b)),
        "n_apres": int(len(a)),
        "n_apparies": int(len(both)),
        "n_avant_seulement": int((in_b & ~in_a).sum()),
        "n_apres_seulement": int((in_a & ~in_b).sum()),
        "n_sans_code": int(b["_code"].isna().sum() + a["_code"].isna().sum()),
        "n_doublons_retires": dup_b + dup_a,
        "n_conflits": len(bad),
    }
    nb, na = counts["n_avant_seulement"], counts["n_apres_seulement"]
    text = (f"{plural(counts['n_apparies'], 'étudiant')} apparié{'s' if counts['n_apparies'] > 1 else ''} "
            f"sur {counts['n_avant']} réponses avant et {counts['n_apres']} après ; "
            f"{nb} {'a' if nb < 2 else 'ont'} répondu seulement avant et {na} seulement après "
            "(codes comparés sans casse, accents, espaces ni séparateurs).")
    if counts["n_doublons_retires"]:
        text += f" {counts['n_doublons_retires']} réponse(s) en double retirée(s) (option « {duplicates} »)."
    if counts["n_conflits"]:
        text += (f" {counts['n_conflits']} étudiant(s) avec une séance différente avant/après : "
                 f"séance du questionnaire « {conflicts} » retenue.")
    return set_note(out, text, comptes=counts)


def pairing_summary(pairs: pd.DataFrame, *, arm_col: str = "patient_partenaire",
                    id_col: str = "code_etudiant", status_col: str = "statut",
                    session_col: str = "session_id") -> pd.DataFrame:
    """Count students per arm: answered before, after, matched, once only (French table).

    Args:
        pairs: Output of :func:`pair_before_after`.
        arm_col: Arm column.
        id_col: Normalised code column.
        status_col: Status column.
        session_col: Session column.

    Returns:
        One row per arm plus a ``Total`` row: ``bras``, ``n_seances``,
        ``n_avant``, ``n_apres``, ``n_apparies``, ``n_avant_seulement``,
        ``n_apres_seulement``, ``part_apparies`` (matched / answered at least once), ``methode``.
    """
    require_columns(pairs, [arm_col, status_col, session_col], "table appariée")
    first_item = pairs["item"].iloc[0] if "item" in pairs and len(pairs) else None
    students = pairs[pairs["item"] == first_item] if first_item is not None else pairs
    rows = []
    for arm in [ARM_WITH, ARM_WITHOUT, None]:
        s = students if arm is None else students[students[arm_col] == arm]
        st = s[status_col]
        before_only = int((st == STATUS_BEFORE_ONLY).sum())
        after_only = int((st == STATUS_AFTER_ONLY).sum())
        matched = int(len(s) - before_only - after_only)
        rows.append({
            "bras": "Total" if arm is None else arm,
            "n_seances": int(s[session_col].nunique()),
            "n_avant": matched + before_only,
            "n_apres": matched + after_only,
            "n_apparies": matched,
            "n_avant_seulement": before_only,
            "n_apres_seulement": after_only,
            "part_apparies": matched / len(s) if len(s) else np.nan,
        })
    out = pd.DataFrame(rows)
    out["methode"] = ("appariement par code étudiant normalisé (sans casse, accents, espaces ni séparateurs) ; "
                      "un code tapé une seule fois compte comme non apparié")
    text = ("Nombre d'étudiants par bras : réponses avant, après, appariées (même code avant et après). "
            "Seuls les étudiants appariés entrent dans les comparaisons avant/après.")
    return set_note(out, text)


# statuses re-exported for callers filtering the long table
STATUS = {
    "used": STATUS_USED,
    "before_only": STATUS_BEFORE_ONLY,
    "after_only": STATUS_AFTER_ONLY,
    "missing": STATUS_MISSING,
    "dont_know": STATUS_DONT_KNOW,
}
