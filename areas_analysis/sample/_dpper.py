"""Synthetic DPPER evaluation data: ECOS and RetExp student questionnaires before/after, ECOS scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ._common import AGREE_SCALE, DONT_KNOW, Picker, choice, likert, strip_end, write_csv
from .banks import DPPER_NOISE, DPPER_THEME_IDS, DPPER_THEMES

Action = Literal["ECOS", "RetExp"]


@dataclass(frozen=True)
class Session:
    """One training session: id, date, patient partner present, number of students."""

    session_id: str
    date: str
    patient_partner: bool
    n_students: int


@dataclass(frozen=True)
class Item:
    """A before/after Likert item and its true latent shifts (ground truth)."""

    column: str
    name: str
    mu_pre: float
    shift_without: float
    shift_with: float


SESSIONS: dict[Action, tuple[Session, ...]] = {
    "ECOS": (Session("ECOS-01", "2026-01-15", True, 10), Session("ECOS-02", "2026-01-15", False, 11),
             Session("ECOS-03", "2026-02-19", True, 9), Session("ECOS-04", "2026-02-19", False, 10),
             Session("ECOS-05", "2026-03-19", True, 3), Session("ECOS-06", "2026-03-19", False, 10)),
    "RetExp": (Session("RETEXP-01", "2026-02-03", True, 8), Session("RETEXP-02", "2026-02-10", False, 7),
               Session("RETEXP-03", "2026-03-03", True, 9), Session("RETEXP-04", "2026-03-10", False, 8),
               Session("RETEXP-05", "2026-04-07", True, 8), Session("RETEXP-06", "2026-04-14", False, 6)),
}
_CENTRE = "J'accorde une place centrale au point de vue du patient dans la consultation"
_CONF = "Je me sens en confiance pour mener un entretien avec un patient"
_UTIL = "Le point de vue du patient m'aide à progresser"
_ECOUTE = "Je laisse au patient le temps de s'exprimer"
ITEMS: dict[Action, tuple[Item, ...]] = {
    "ECOS": (Item(_CENTRE, "centre_patient", 0.3, 0.15, 0.85), Item(_CONF, "confiance", -0.3, 0.3, 0.5),
             Item(_UTIL, "utilite_patient", 0.2, 0.05, 1.0),
             Item("Je suis à l'aise pour annoncer une mauvaise nouvelle", "annonce", -0.8, 0.25, 0.7),
             Item(_ECOUTE, "ecoute", 0.4, 0.15, 0.8)),
    "RetExp": (Item(_CENTRE, "centre_patient", 0.3, 0.1, 0.7), Item(_CONF, "confiance", -0.2, 0.25, 0.4),
               Item(_UTIL, "utilite_patient", 0.2, 0.05, 0.9),
               Item("Je me sens capable d'aborder le vécu de la maladie avec un patient", "vecu_maladie",
                    -0.4, 0.1, 0.8),
               Item(_ECOUTE, "ecoute", 0.4, 0.05, 0.6)),
}
#: Standard deviations of the latent model: student level, session level, session-specific variation
#: of the before/after shift (different patient partners, different groups), occasion noise.
SD_STUDENT, SD_SESSION, SD_SESSION_SHIFT, SD_NOISE = 0.6, 0.3, 0.15, 0.45
#: ECOS stations: (header, mean score /20, true effect of a patient partner in the session, in points).
STATIONS: tuple[tuple[str, float, float], ...] = (
    ("Station 1 - Annonce d'une mauvaise nouvelle (/20)", 12.5, 1.5),
    ("Station 2 - Douleur thoracique (/20)", 12.0, 0.0),
    ("Station 3 - Éducation thérapeutique (/20)", 13.0, 0.5),
    ("Station 4 - Consultation de suivi (/20)", 13.5, 0.0),
)
#: Probability that a comment mentions each theme, with / without a patient partner.
COMMENT_P: dict[bool, dict[str, float]] = {
    True: {"ecoute_patient": 0.5, "vecu_maladie": 0.45, "communication": 0.3, "realisme_scenario": 0.12,
           "stress_organisation": 0.18},
    False: {"ecoute_patient": 0.15, "vecu_maladie": 0.06, "communication": 0.35, "realisme_scenario": 0.35,
            "stress_organisation": 0.35},
}
CODE_HEADER = ("Code étudiant (2 premières lettres du prénom de votre mère + jour de naissance "
               "+ 2 premières lettres de votre ville de naissance)")
COMMENT_HEADER = "Commentaire libre sur la séance"
_MOTHERS = ("MA", "CA", "NA", "SO", "IS", "CH", "JE", "AN", "MO", "SY", "BR", "VE", "LA", "FR", "DO", "EM",
            "AG", "NI", "PA", "CL")
_TOWNS = ("RE", "BR", "VA", "ST", "LO", "QU", "NA", "PA", "CA", "AN", "LA", "VI", "FO", "MO", "GU")
_BANK = {t.id: t for t in DPPER_THEMES}


def _codes(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    out = []
    while len(out) < n:
        code = f"{choice(rng, _MOTHERS)}{int(rng.integers(1, 32)):02d}{choice(rng, _TOWNS)}"
        if code not in taken:
            taken.add(code)
            out.append(code)
    return out


#: Share of students who answered only once (half before only, half after only) and who re-typed
#: their code differently after the session (half in lower case, half with spaces).
ONCE_SHARE, RETYPED_SHARE = 0.10, 0.08


def _typed(code: str, how: str) -> str:
    """How a student re-types their code after the session."""
    if how == "lower":
        return code.lower()
    if how == "spaced":
        return f"{code[:2]} {code[2:4]} {code[4:]}"
    return code


def _cell(rng: np.random.Generator, latent: float) -> str:
    r = rng.random()
    if r < 0.03:
        return DONT_KNOW
    if r < 0.06:
        return ""
    return likert(latent)


def _comment(rng: np.random.Generator, picker: Picker, pp: bool) -> tuple[str, list[str]]:
    if rng.random() < 0.3:
        return "", []
    chosen = [t for t in DPPER_THEME_IDS if rng.random() < COMMENT_P[pp][t]]
    if not chosen:
        return choice(rng, DPPER_NOISE), []
    chosen = chosen[:2]
    parts = [picker.pick(t, _BANK[t].constats) for t in chosen]
    text = parts[0] if len(parts) == 1 else f"{strip_end(parts[0])}. {parts[1]}"
    return text, chosen


def write_dpper(out: Path, rng: np.random.Generator, taken: set[str]) -> dict[str, pd.DataFrame]:
    """Write ``dpper/{ecos,retexp}_{avant,apres}.csv`` and ``dpper/ecos_scores.csv``.

    Returns:
        Ground truth: ``students`` (one row per student: true code, codes as typed,
        session, patient partner, answered before/after) and ``comments`` (id, action,
        themes) where id is ``f"{code as typed after}:commentaire"``.
    """
    students: list[dict[str, object]] = []
    comments: list[dict[str, object]] = []
    picker = Picker(rng)
    for action in ("ECOS", "RetExp"):
        items = ITEMS[action]
        pre_rows: list[list[object]] = []
        post_rows: list[list[object]] = []
        score_rows: list[list[object]] = []
        n = sum(s.n_students for s in SESSIONS[action])
        once = rng.permutation(n)[: max(2, round(ONCE_SHARE * n))]
        pre_only, post_only = set(once[::2].tolist()), set(once[1::2].tolist())
        answered_both = [i for i in range(n) if i not in pre_only and i not in post_only]
        retyped = rng.permutation(answered_both)[: max(2, round(RETYPED_SHARE * n))].tolist()
        how = {i: ("lower" if j % 2 == 0 else "spaced") for j, i in enumerate(retyped)}
        k = 0
        for sess in SESSIONS[action]:
            u = rng.normal(0.0, SD_SESSION)
            u_shift = rng.normal(0.0, SD_SESSION_SHIFT)
            codes = _codes(rng, sess.n_students, taken)
            for code in codes:
                a = rng.normal(0.0, SD_STUDENT)
                answered_pre, answered_post = k not in post_only, k not in pre_only
                typed = _typed(code, how.get(k, ""))
                k += 1
                day = datetime.fromisoformat(sess.date)
                pp = "Oui" if sess.patient_partner else "Non"
                if answered_pre:
                    cells = [_cell(rng, it.mu_pre + a + u + rng.normal(0.0, SD_NOISE)) for it in items]
                    ts = day.replace(hour=13, minute=int(rng.integers(0, 50)), second=int(rng.integers(60)))
                    pre_rows.append([ts.strftime("%d/%m/%Y %H:%M:%S"), code, sess.session_id, pp, *cells])
                if answered_post:
                    cells = []
                    for it in items:
                        shift = it.shift_with if sess.patient_partner else it.shift_without
                        cells.append(_cell(rng, it.mu_pre + a + u + shift + u_shift + rng.normal(0.0, SD_NOISE)))
                    text, themes = _comment(rng, picker, sess.patient_partner)
                    ts = day.replace(hour=17, minute=int(rng.integers(0, 59)), second=int(rng.integers(60)))
                    post_rows.append([ts.strftime("%d/%m/%Y %H:%M:%S"), typed, sess.session_id, pp, *cells, text])
                    if text:
                        comments.append({"id": f"{typed}:commentaire", "action": action,
                                         "session": sess.session_id, "patient_partenaire": pp, "text": text,
                                         "themes": ";".join(themes)})
                if action == "ECOS":
                    scores = []
                    for _, mean, eff in STATIONS:
                        s = mean + 2.0 * a / SD_STUDENT + 2.0 * u + (eff if sess.patient_partner else 0.0)
                        s += rng.normal(0.0, 1.8)
                        scores.append("" if rng.random() < 0.03 else f"{np.clip(round(s * 2) / 2, 0, 20):.1f}")
                    score_rows.append([code, sess.session_id, *scores])
                students.append({"action": action, "etudiant": f"{action[:1]}{k:03d}", "code": code,
                                 "code_avant": code if answered_pre else "",
                                 "code_apres": typed if answered_post else "", "session": sess.session_id,
                                 "patient_partenaire": pp, "a_repondu_avant": "Oui" if answered_pre else "Non",
                                 "a_repondu_apres": "Oui" if answered_post else "Non",
                                 "niveau_latent": round(float(a + u), 4)})
        stem = action.lower()
        head = ["Horodateur", CODE_HEADER, "Session", "Patient partenaire présent", *[it.column for it in items]]
        write_csv(out / "dpper" / f"{stem}_avant.csv", head, sorted(pre_rows, key=_by_time))
        write_csv(out / "dpper" / f"{stem}_apres.csv", [*head, COMMENT_HEADER], sorted(post_rows, key=_by_time))
        if score_rows:
            write_csv(out / "dpper" / "ecos_scores.csv", ["Code étudiant", "Session", *[s[0] for s in STATIONS]],
                      score_rows, delimiter=";", lineterminator="\r\n", bom=True)
    return {"students": pd.DataFrame(students), "comments": pd.DataFrame(comments)}


def _by_time(row: list[object]) -> datetime:
    return datetime.strptime(str(row[0]), "%d/%m/%Y %H:%M:%S")


def dpper_dictionaries() -> dict[str, dict[str, object]]:
    """Data dictionaries of the DPPER files, keyed by file stem (docs/formats.md)."""
    out: dict[str, dict[str, object]] = {}
    for action in ("ECOS", "RetExp"):
        sessions = [s.session_id for s in SESSIONS[action]]
        base = [
            {"column": "Horodateur", "name": "date_reponse", "kind": "date", "format": "%d/%m/%Y %H:%M:%S"},
            {"column": CODE_HEADER, "name": "respondent_id", "kind": "id"},
            {"column": "Session", "name": "session", "kind": "closed", "categories": sessions, "required": True},
            {"column": "Patient partenaire présent", "name": "patient_partenaire", "kind": "closed",
             "categories": ["Oui", "Non"], "required": True},
            *[{"column": it.column, "name": it.name, "kind": "likert", "scale": list(AGREE_SCALE),
               "missing": [DONT_KNOW]} for it in ITEMS[action]],
        ]
        for when, label in (("avant", "avant la séance"), ("apres", "après la séance")):
            cols = list(base)
            if when == "apres":
                cols.append({"column": COMMENT_HEADER, "name": "commentaire", "kind": "open"})
            out[f"{action.lower()}_{when}"] = {
                "questionnaire": f"{action.lower()}_{when}",
                "version": "2026.1",
                "description": f"Questionnaire étudiants {action} {label} (échantillon synthétique)",
                "header_rows": 1,
                "columns": cols,
            }
    out["ecos_scores"] = {
        "questionnaire": "ecos_scores",
        "version": "2026.1",
        "description": "Scores des stations ECOS sur 20, une ligne par étudiant (échantillon synthétique)",
        "header_rows": 1,
        "columns": [
            {"column": "Code étudiant", "name": "respondent_id", "kind": "id"},
            {"column": "Session", "name": "session", "kind": "closed",
             "categories": [s.session_id for s in SESSIONS["ECOS"]], "required": True},
            *[{"column": h, "name": f"station_{i}", "kind": "numeric", "min": 0, "max": 20}
              for i, (h, _, _) in enumerate(STATIONS, start=1)],
        ],
    }
    return out
