"""Synthetic usagers and pros questionnaire exports, their dictionaries and ground truth."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ._common import AGREE_SCALE, DONT_KNOW, Picker, choice, decap, likert, sigmoid, strip_end, write_csv
from .banks import (
    ANSWER_ASIDES,
    ANSWER_PREFIXES,
    ANSWER_TAILS,
    BANK,
    COMMUNES,
    NAMED_ANSWERS,
    NOISE_ANSWERS,
    THEME_IDS,
)

N_USAGERS = 307
N_PROS = 82
AGE_BANDS = ("Moins de 30 ans", "30-44 ans", "45-59 ans", "60-74 ans", "75 ans et plus")
AGE_P = (0.10, 0.17, 0.23, 0.29, 0.21)
STATUSES = ("Patient", "Aidant", "Citoyen")
Q_NEEDS = "besoins_sante"
Q_HELP = "aide_souhaitee"
Q_PRO_PATIENTS = "besoins_patients"
Q_PRO_OWN = "besoins_pros"

# ----------------------------------------------------------------------------- usagers: true model
#: Log-odds intercept of each theme being one of a usager's needs (reference: bourg-centre,
#: 30-59 years, patient, no chronic condition).
USAGER_INTERCEPT: dict[str, float] = {
    "acces_medecin": -1.0, "transport_mobilite": -2.4, "isolement": -2.4, "information_orientation": -1.7,
    "numerique": -2.6, "aidants": -3.6, "prevention_bien_etre": -3.7, "coordination_parcours": -2.1,
    "sante_mentale": -2.0, "participation_usagers": -4.0, "conditions_travail_soignants": -4.0,
    "cout_soins": -1.9,
}
#: Additive log-odds effects of respondent attributes on each theme (ground truth).
USAGER_EFFECTS: dict[str, dict[str, float]] = {
    "rural_isole": {"transport_mobilite": 2.1, "acces_medecin": 0.8, "isolement": 1.0, "numerique": 0.4,
                    "coordination_parcours": -0.6, "sante_mentale": -0.5, "information_orientation": -0.5},
    "periurbain": {"transport_mobilite": 0.9, "acces_medecin": 0.3},
    "age_moins_30": {"sante_mentale": 1.0, "prevention_bien_etre": 1.3, "cout_soins": 0.5, "numerique": -1.5},
    "age_60_74": {"numerique": 0.7, "isolement": 0.3},
    "age_75_plus": {"numerique": 2.2, "transport_mobilite": 1.0, "isolement": 0.8},
    "aidant": {"aidants": 3.9, "isolement": 0.7, "sante_mentale": 0.3},
    "citoyen": {"prevention_bien_etre": 0.8, "participation_usagers": 0.7, "acces_medecin": -0.3},
    "maladie_chronique": {"coordination_parcours": 1.4, "acces_medecin": 0.7, "cout_soins": 0.4},
}

MULTI_OPTIONS = ("Délais de rendez-vous", "Distance / transport", "Coût", "Pas de médecin traitant",
                 "Internet / démarches en ligne", "Ne sais pas à qui m'adresser", "Aucune difficulté")


@dataclass(frozen=True)
class LikertItem:
    """A Likert item with its latent model: intercept, theme effects and attribute effects."""

    column: str
    name: str
    base: float
    themes: dict[str, float]
    attrs: dict[str, float]
    dont_know: float = 0.04


USAGER_LIKERT: tuple[LikertItem, ...] = (
    LikertItem("Je sais où trouver une information fiable sur ma santé", "info_fiable", 0.3,
               {"information_orientation": -1.5}, {"age_75_plus": -0.4}),
    LikertItem("J'obtiens un rendez-vous médical dans un délai raisonnable", "delai_rdv", 0.1,
               {"acces_medecin": -1.6}, {"rural_isole": -0.3}),
    LikertItem("Je me sens entouré(e) au quotidien", "entoure", 0.8,
               {"isolement": -1.8, "aidants": -0.5}, {}),
    LikertItem("Je peux me rendre facilement à mes rendez-vous médicaux", "deplacement", 0.9,
               {"transport_mobilite": -1.8}, {"age_75_plus": -0.6, "rural_isole": -0.4}),
    LikertItem("Je suis à l'aise pour utiliser internet pour ma santé (rendez-vous en ligne, téléconsultation)",
               "aise_numerique", 0.5, {"numerique": -1.6},
               {"age_75_plus": -1.2, "age_60_74": -0.4, "age_moins_30": 0.8}),
    LikertItem("Les professionnels qui me soignent communiquent bien entre eux", "coordination_pros", 0.2,
               {"coordination_parcours": -1.5}, {}, dont_know=0.09),
    LikertItem("Je me sens écouté(e) par les professionnels de santé", "ecoute", 0.6,
               {"sante_mentale": -0.7, "acces_medecin": -0.3}, {}),
)

# ----------------------------------------------------------------------------- pros: true model
PROFESSIONS = ("Médecin généraliste", "IDE", "Kinésithérapeute", "Pharmacien", "Psychologue", "Travailleur social",
               "Secrétaire médicale", "Sage-femme", "Aide-soignant(e)")
PROFESSION_W = (16, 20, 10, 9, 5, 7, 7, 3, 5)
STRUCTURES = ("MSP", "CH", "Libéral", "CPTS")
STRUCTURE_P: dict[str, tuple[float, ...]] = {
    "Médecin généraliste": (0.6, 0.05, 0.3, 0.05), "IDE": (0.3, 0.3, 0.35, 0.05),
    "Kinésithérapeute": (0.35, 0.1, 0.55, 0.0), "Pharmacien": (0.2, 0.1, 0.7, 0.0),
    "Psychologue": (0.2, 0.35, 0.4, 0.05), "Travailleur social": (0.1, 0.5, 0.0, 0.4),
    "Secrétaire médicale": (0.7, 0.3, 0.0, 0.0), "Sage-femme": (0.4, 0.3, 0.3, 0.0),
    "Aide-soignant(e)": (0.0, 1.0, 0.0, 0.0),
}
#: Probability that a pro names each theme among their patients' needs (before profession multipliers).
PRO_PATIENT_P: dict[str, float] = {
    "acces_medecin": 0.33, "transport_mobilite": 0.2, "isolement": 0.3, "information_orientation": 0.035,
    "numerique": 0.01, "aidants": 0.22, "prevention_bien_etre": 0.28, "coordination_parcours": 0.28,
    "sante_mentale": 0.28, "participation_usagers": 0.04, "conditions_travail_soignants": 0.3,
    "cout_soins": 0.02,
}
PRO_PATIENT_MULT: dict[str, dict[str, float]] = {
    "Psychologue": {"sante_mentale": 2.5}, "Travailleur social": {"isolement": 1.8, "cout_soins": 3.0},
    "Kinésithérapeute": {"prevention_bien_etre": 1.8}, "Médecin généraliste": {"acces_medecin": 1.3,
                                                                              "coordination_parcours": 1.3},
    "IDE": {"aidants": 1.5, "coordination_parcours": 1.2}, "Pharmacien": {"information_orientation": 2.0},
}
#: Probability that a pro names each theme among their own needs.
PRO_OWN_P: dict[str, float] = {
    "acces_medecin": 0.08, "transport_mobilite": 0.02, "isolement": 0.02, "information_orientation": 0.18,
    "numerique": 0.07, "aidants": 0.02, "prevention_bien_etre": 0.05, "coordination_parcours": 0.42,
    "sante_mentale": 0.08, "participation_usagers": 0.08, "conditions_travail_soignants": 0.7,
    "cout_soins": 0.01,
}
PRO_LIKERT: tuple[LikertItem, ...] = (
    LikertItem("Je dispose de suffisamment de temps pour chaque patient", "temps_patient", 0.2,
               {"conditions_travail_soignants": -1.3}, {"Médecin généraliste": -0.6, "IDE": -0.4}),
    LikertItem("Je me sens épuisé(e) à la fin de ma semaine de travail", "epuisement", 0.2,
               {"conditions_travail_soignants": 1.3}, {}),
    LikertItem("Je me sens soutenu(e) par mes collègues", "soutien_collegues", 0.5,
               {"conditions_travail_soignants": -0.4}, {"MSP": 0.5, "Libéral": -0.5}),
    LikertItem("La coordination avec les autres professionnels du territoire est satisfaisante",
               "coordination_satisfaisante", -0.2, {"coordination_parcours": -1.3}, {"MSP": 0.4}),
    LikertItem("J'envisage de continuer à exercer sur le territoire dans 5 ans", "maintien_territoire", 0.8,
               {"conditions_travail_soignants": -0.8}, {"plus_30_ans_exercice": -0.8}, dont_know=0.06),
)


def usager_theme_probabilities(attrs: dict[str, bool]) -> dict[str, float]:
    """True probability of each theme for a usager with the given attribute flags (before capping)."""
    out = {}
    for t in THEME_IDS:
        x = USAGER_INTERCEPT[t] + sum(eff.get(t, 0.0) for a, eff in USAGER_EFFECTS.items() if attrs.get(a))
        out[t] = sigmoid(x)
    return out


_FIRST_PERSON = re.compile(r"\b(je|j'|mon|ma|mes|moi|m')", re.IGNORECASE)


class _AnswerWriter:
    """Composes open answers from phrasings, with the register of a form filled at home.

    With ``professional=True`` first-person phrasings of patients ("je n'ai plus de
    médecin") are left out: a pro writes about patients, not as one.
    """

    def __init__(self, rng: np.random.Generator, *, professional: bool = False) -> None:
        self.rng = rng
        self.picker = Picker(rng)
        self.professional = professional

    def phrase(self, theme: str, kind: str) -> str:
        bank = getattr(BANK[theme], kind)
        if self.professional:
            bank = tuple(b for b in bank if not _FIRST_PERSON.search(b)) or bank
        return self.picker.pick(f"{theme}:{kind}", bank)

    def compose(self, themes: list[str], kind: str, *, multiline: bool = True) -> str:
        """An answer mentioning exactly ``themes`` (1 or 2) with bank ``kind``."""
        rng = self.rng
        parts = [self.phrase(t, kind if rng.random() < 0.85 else _other(kind)) for t in themes]
        if len(parts) == 1:
            text = parts[0]
            r = rng.random()
            if r < 0.08:
                text = choice(rng, ANSWER_PREFIXES) + decap(text)
            elif r < 0.18:
                text = decap(text)
            if rng.random() < 0.15:
                text = strip_end(text) + choice(rng, ANSWER_ASIDES)
            text = text if text.endswith((".", "!", "?", ")")) or rng.random() < 0.45 else text + "."
        else:
            a, b = parts
            styles = ["sentences", "comma", "and"] + (["newline", "dashes", "numbered"] if multiline else [])
            style = choice(rng, styles, [0.3, 0.2, 0.15, 0.15, 0.12, 0.08][: len(styles)])
            if style == "sentences":
                text = f"{strip_end(a)}. {b}"
            elif style == "comma":
                text = f"{strip_end(a)}, {decap(b)}"
            elif style == "and":
                text = f"{strip_end(a)} et {decap(b)}"
            elif style == "newline":
                text = f"{strip_end(a)}\n{b}"
            elif style == "dashes":
                text = f"- {strip_end(a)}\n- {b}"
            else:
                text = f"1) {strip_end(a)} 2) {decap(b)}"
        if rng.random() < 0.1:
            sep = "\n" if multiline and rng.random() < 0.3 else " "
            text = (text if text.endswith((".", "!", "?")) else text + ".") + sep + choice(rng, ANSWER_TAILS[kind])
        return text

    def answer(self, themes: list[str], kind: str, p_blank: float, p_noise: float, p_word: float,
               *, multiline: bool = True) -> tuple[str, list[str]]:
        """Return (text, true themes); blank, noise and one-word answers occur at the given rates."""
        r = self.rng.random()
        if r < p_blank or not themes:
            return ("", []) if r < p_blank or self.rng.random() < 0.5 else (choice(self.rng, NOISE_ANSWERS), [])
        if r < p_blank + p_noise:
            return choice(self.rng, NOISE_ANSWERS), []
        if r < p_blank + p_noise + p_word:
            return choice(self.rng, BANK[themes[0]].one_word), themes[:1]
        return self.compose(themes, kind, multiline=multiline), list(themes)


def _other(kind: str) -> str:
    return "pistes" if kind == "constats" else "constats"


def _commune_tables() -> tuple[list[str], np.ndarray, dict[str, int], dict[str, tuple[str, ...]]]:
    names = [c[0] for c in COMMUNES]
    w = np.array([c[2] for c in COMMUNES])
    return names, w / w.sum(), {c[0]: c[1] for c in COMMUNES}, {c[0]: c[3] for c in COMMUNES}


def _age_flags(age: str) -> dict[str, bool]:
    return {"age_moins_30": age == AGE_BANDS[0], "age_60_74": age == AGE_BANDS[3],
            "age_75_plus": age == AGE_BANDS[4]}


def _likert_cell(rng: np.random.Generator, item: LikertItem, latent: float) -> str:
    r = rng.random()
    if r < item.dont_know:
        return DONT_KNOW
    if r < item.dont_know + 0.025:
        return ""
    return likert(latent)


def write_usagers(out: Path, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Write ``questionnaires/usagers_en_ligne.csv`` (online form: UTF-8, ``,``, CRLF, multi-line answers).

    Returns:
        Ground-truth frames: ``answers`` (id, question, themes), ``respondents``
        (attributes and latent themes) and ``coding`` (simulated human codes).
    """
    names, weights, remoteness, variants = _commune_tables()
    writer = _AnswerWriter(rng)
    start = datetime(2025, 8, 1)
    hours = np.arange(7, 24)
    hour_p = np.array([1, 2, 3, 3, 3, 2, 3, 3, 3, 2, 2, 3, 4, 5, 5, 3, 2], dtype=float)
    seconds = np.sort(rng.integers(0, 242, size=N_USAGERS) * 86400
                      + rng.choice(hours, size=N_USAGERS, p=hour_p / hour_p.sum()) * 3600
                      + rng.integers(0, 3600, size=N_USAGERS))
    rows: list[list[object]] = []
    answers: list[dict[str, object]] = []
    resp: list[dict[str, object]] = []
    named = list(NAMED_ANSWERS)
    for i in range(N_USAGERS):
        rid = f"U{i + 1:04d}"
        commune = names[int(rng.choice(len(names), p=weights))]
        rem = remoteness[commune]
        written = commune
        if variants[commune] and rng.random() < 0.2:
            written = choice(rng, variants[commune])
        age = choice(rng, AGE_BANDS, AGE_P)
        status_p = (0.5, 0.12, 0.38) if age == AGE_BANDS[0] else (0.5, 0.22, 0.28)
        status = choice(rng, STATUSES, status_p)
        chronic_p = {AGE_BANDS[0]: 0.12, AGE_BANDS[1]: 0.22, AGE_BANDS[2]: 0.35, AGE_BANDS[3]: 0.5,
                     AGE_BANDS[4]: 0.65}[age] * (0.6 if status == "Citoyen" else 1.0)
        chronic = rng.random() < chronic_p
        attrs = {"rural_isole": rem == 2, "periurbain": rem == 1, "aidant": status == "Aidant",
                 "citoyen": status == "Citoyen", "maladie_chronique": chronic, **_age_flags(age)}
        probs = usager_theme_probabilities(attrs)
        latent = [t for t in THEME_IDS if rng.random() < probs[t]]
        if not latent and rng.random() < 0.85:
            p = np.array([probs[t] for t in THEME_IDS])
            latent = [THEME_IDS[int(rng.choice(len(THEME_IDS), p=p / p.sum()))]]
        if len(latent) > 3:
            latent = [latent[j] for j in sorted(rng.choice(len(latent), size=3, replace=False))]
        order = [latent[j] for j in rng.permutation(len(latent))]
        q1 = order[:2]
        if len(order) == 3:
            q2 = [order[2]] + ([order[0]] if rng.random() < 0.3 else [])
        elif order:
            q2 = [order[int(rng.integers(len(order)))]]
        else:
            q2 = []
        t1, th1 = writer.answer(q1, "constats", 0.05, 0.05, 0.06)
        t2, th2 = writer.answer(q2, "pistes", 0.12, 0.07, 0.04)
        for k, (theme, _kind, text) in enumerate(named):
            if th1 == [theme] and (theme != "transport_mobilite" or rem == 2):
                t1 = text
                named.pop(k)
                break
        # closed answers
        has = {t: t in latent for t in THEME_IDS}
        diffs = []
        p_multi = (0.75 if has["acces_medecin"] else 0.25, 0.8 if has["transport_mobilite"] else 0.08 + 0.08 * rem,
                   0.75 if has["cout_soins"] else 0.08, 0.45 if has["acces_medecin"] else 0.04,
                   0.7 if has["numerique"] else 0.06, 0.65 if has["information_orientation"] else 0.08)
        for opt, p in zip(MULTI_OPTIONS[:-1], p_multi, strict=True):
            if rng.random() < p:
                diffs.append(opt)
        if not diffs and rng.random() < 0.8:
            diffs = [MULTI_OPTIONS[-1]]
        cells = []
        for item in USAGER_LIKERT:
            z = item.base + sum(v for t, v in item.themes.items() if has[t])
            z += sum(v for a, v in item.attrs.items() if attrs.get(a)) + rng.normal(0.0, 1.0)
            cells.append(_likert_cell(rng, item, z))
        dist = float(rng.lognormal(np.log((2.5, 6.0, 13.0)[rem]), (0.6, 0.5, 0.4)[rem]))
        r = rng.random()
        if r < 0.08:
            dist_cell = ""
        elif r < 0.10:
            dist_cell = f"{dist:.1f}".replace(".", ",")
        else:
            dist_cell = str(int(round(dist)))
        chronic_cell = "" if rng.random() < 0.02 else ("Oui" if chronic else "Non")
        ts = (start + timedelta(seconds=int(seconds[i]))).strftime("%d/%m/%Y %H:%M:%S")
        rows.append([ts, rid, written, age, status, chronic_cell, dist_cell, ";".join(diffs), *cells, t1, t2])
        for q, text, th in ((Q_NEEDS, t1, th1), (Q_HELP, t2, th2)):
            if text.strip():
                answers.append({"id": f"{rid}:{q}", "respondent_id": rid, "question": q, "text": text,
                                "themes": ";".join(th)})
        resp.append({"respondent_id": rid, "commune_ecrite": written, "commune": commune,
                     "eloignement": rem, "tranche_age": age, "statut": status,
                     "maladie_chronique": "Oui" if chronic else "Non", "themes_latents": ";".join(latent)})
    header = ["Horodateur", "Identifiant de réponse", "Commune de résidence", "Votre âge",
              "Vous répondez en tant que", "Avez-vous une maladie chronique ?",
              "Distance au médecin traitant (km)",
              "Quelles difficultés rencontrez-vous pour accéder aux soins ?",
              *[it.column for it in USAGER_LIKERT],
              "Quels sont vos principaux besoins en matière de santé ?", "Qu'est-ce qui vous aiderait le plus ?"]
    write_csv(out / "questionnaires" / "usagers_en_ligne.csv", header, rows, lineterminator="\r\n")
    return {"answers": pd.DataFrame(answers), "respondents": pd.DataFrame(resp)}


def write_pros(out: Path, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Write ``questionnaires/pros_papier.csv`` (paper entry: cp1252, ``;``, CRLF).

    Returns:
        Ground-truth frames ``answers`` and ``respondents`` as for :func:`write_usagers`.
    """
    names, weights, remoteness, _ = _commune_tables()
    w_pro = np.array([weights[i] * (4.0 if remoteness[n] == 0 else 1.0) for i, n in enumerate(names)])
    writer = _AnswerWriter(rng, professional=True)
    entry_days = [datetime(2025, 10, 6) + timedelta(days=int(d))
                  for d in sorted(rng.choice(150, 9, replace=False))]
    rows: list[list[object]] = []
    answers: list[dict[str, object]] = []
    resp: list[dict[str, object]] = []
    for i in range(N_PROS):
        rid = f"P{i + 1:03d}"
        prof = choice(rng, PROFESSIONS, PROFESSION_W)
        struct = choice(rng, STRUCTURES, STRUCTURE_P[prof])
        commune = names[int(rng.choice(len(names), p=w_pro / w_pro.sum()))]
        years = int(np.clip(rng.gamma(2.2, 7.0), 1, 42))
        mult = PRO_PATIENT_MULT.get(prof, {})
        p_pat = {t: min(0.9, PRO_PATIENT_P[t] * mult.get(t, 1.0)) for t in THEME_IDS}
        pat = _draw_set(rng, p_pat, cap=2)
        own = _draw_set(rng, PRO_OWN_P, cap=2)
        t1, th1 = writer.answer(pat, "constats", 0.06, 0.03, 0.04, multiline=False)
        t2, th2 = writer.answer(own, "pistes" if rng.random() < 0.6 else "constats", 0.10, 0.04, 0.03,
                                multiline=False)
        if rng.random() < 0.06:
            t1 = t1.upper()
        has = {t: t in own for t in THEME_IDS}
        flags = {prof: True, struct: True, "plus_30_ans_exercice": years > 30}
        cells = []
        for item in PRO_LIKERT:
            z = item.base + sum(v for t, v in item.themes.items() if has[t])
            z += sum(v for a, v in item.attrs.items() if flags.get(a)) + rng.normal(0.0, 1.0)
            cells.append(_likert_cell(rng, item, z))
        day = entry_days[min(i * len(entry_days) // N_PROS, len(entry_days) - 1)]
        rows.append([rid, day.strftime("%d/%m/%Y"), prof, struct, commune,
                     "" if rng.random() < 0.05 else years, *cells, t1, t2])
        for q, text, th in ((Q_PRO_PATIENTS, t1, th1), (Q_PRO_OWN, t2, th2)):
            if text.strip():
                answers.append({"id": f"{rid}:{q}", "respondent_id": rid, "question": q, "text": text,
                                "themes": ";".join(th)})
        resp.append({"respondent_id": rid, "profession": prof, "structure": struct, "commune": commune,
                     "themes_latents_patients": ";".join(pat), "themes_latents_pros": ";".join(own)})
    header = ["N° questionnaire", "Date de saisie", "Profession", "Structure d'exercice", "Commune d'exercice",
              "Années d'exercice", *[it.column for it in PRO_LIKERT],
              "Selon vous, quels sont les principaux besoins de santé de vos patients ?",
              "Et vous, de quoi auriez-vous besoin pour mieux exercer ?"]
    write_csv(out / "questionnaires" / "pros_papier.csv", header, rows, delimiter=";", encoding="cp1252",
              lineterminator="\r\n")
    return {"answers": pd.DataFrame(answers), "respondents": pd.DataFrame(resp)}


def _draw_set(rng: np.random.Generator, p: dict[str, float], cap: int) -> list[str]:
    chosen = [t for t in THEME_IDS if rng.random() < p[t]]
    if not chosen:
        w = np.array([p[t] for t in THEME_IDS])
        chosen = [THEME_IDS[int(rng.choice(len(THEME_IDS), p=w / w.sum()))]]
    if len(chosen) > cap:
        chosen = [chosen[j] for j in sorted(rng.choice(len(chosen), size=cap, replace=False))]
    return [chosen[j] for j in rng.permutation(len(chosen))]


def usagers_dictionary() -> dict[str, object]:
    """The data dictionary of ``usagers_en_ligne.csv`` (docs/formats.md)."""
    return {
        "questionnaire": "usagers",
        "version": "2026.1",
        "description": "Questionnaire des besoins de santé — usagers "
                       "(formulaire en ligne, échantillon synthétique)",
        "header_rows": 1,
        "columns": [
            {"column": "Horodateur", "name": "date_reponse", "kind": "date", "format": "%d/%m/%Y %H:%M:%S"},
            {"column": "Identifiant de réponse", "name": "respondent_id", "kind": "id"},
            {"column": "Commune de résidence", "name": "commune", "kind": "commune", "required": True},
            {"column": "Votre âge", "name": "tranche_age", "kind": "closed", "categories": list(AGE_BANDS),
             "ordered": True},
            {"column": "Vous répondez en tant que", "name": "statut", "kind": "closed",
             "categories": list(STATUSES)},
            {"column": "Avez-vous une maladie chronique ?", "name": "maladie_chronique", "kind": "closed",
             "categories": ["Oui", "Non"]},
            {"column": "Distance au médecin traitant (km)", "name": "distance_medecin_km", "kind": "numeric",
             "min": 0, "max": 200},
            {"column": "Quelles difficultés rencontrez-vous pour accéder aux soins ?", "name": "difficultes",
             "kind": "multi", "layout": "cell", "separator": ";", "options": list(MULTI_OPTIONS)},
            *[{"column": it.column, "name": it.name, "kind": "likert", "scale": list(AGREE_SCALE),
               "missing": [DONT_KNOW]} for it in USAGER_LIKERT],
            {"column": "Quels sont vos principaux besoins en matière de santé ?", "name": Q_NEEDS, "kind": "open"},
            {"column": "Qu'est-ce qui vous aiderait le plus ?", "name": Q_HELP, "kind": "open"},
        ],
    }


def pros_dictionary() -> dict[str, object]:
    """The data dictionary of ``pros_papier.csv`` (docs/formats.md)."""
    return {
        "questionnaire": "pros",
        "version": "2026.1",
        "description": "Questionnaire des besoins — professionnels (saisie des questionnaires papier, "
                       "échantillon synthétique)",
        "header_rows": 1,
        "columns": [
            {"column": "N° questionnaire", "name": "respondent_id", "kind": "id"},
            {"column": "Date de saisie", "name": "date_saisie", "kind": "date", "format": "%d/%m/%Y"},
            {"column": "Profession", "name": "profession", "kind": "closed", "categories": list(PROFESSIONS),
             "required": True},
            {"column": "Structure d'exercice", "name": "structure", "kind": "closed",
             "categories": list(STRUCTURES)},
            {"column": "Commune d'exercice", "name": "commune", "kind": "commune"},
            {"column": "Années d'exercice", "name": "annees_exercice", "kind": "numeric", "min": 0, "max": 50},
            *[{"column": it.column, "name": it.name, "kind": "likert", "scale": list(AGREE_SCALE),
               "missing": [DONT_KNOW]} for it in PRO_LIKERT],
            {"column": "Selon vous, quels sont les principaux besoins de santé de vos patients ?",
             "name": Q_PRO_PATIENTS, "kind": "open"},
            {"column": "Et vous, de quoi auriez-vous besoin pour mieux exercer ?", "name": Q_PRO_OWN,
             "kind": "open"},
        ],
    }
