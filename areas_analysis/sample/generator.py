"""Deterministic generator of the embedded synthetic sample (``data/sample/``).

``generate_sample(out, seed)`` writes atelier notes, questionnaire exports, DPPER
evaluation files, their data dictionaries, the codebook, simulated human codings
and the ground truth (``verite_terrain/``) that the analysis should recover. The
same seed gives byte-identical files: every random draw comes from one
``numpy.random.SeedSequence`` split into independent streams per part (notes,
usagers, pros, DPPER, human coders), so changing one part leaves the others
unchanged. Generation takes well under a second.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED
from ..errors import AreasError
from . import _readme
from ._ateliers import ATELIERS, theme_weights, write_ateliers
from ._common import AGREE_SCALE, write_csv, write_long_csv, write_text, write_yaml
from ._dpper import (
    COMMENT_P,
    ITEMS,
    SD_NOISE,
    SD_SESSION,
    SD_SESSION_SHIFT,
    SD_STUDENT,
    STATIONS,
    dpper_dictionaries,
    write_dpper,
)
from ._questionnaires import (
    PRO_LIKERT,
    PRO_OWN_P,
    PRO_PATIENT_MULT,
    PRO_PATIENT_P,
    Q_NEEDS,
    Q_PRO_PATIENTS,
    USAGER_EFFECTS,
    USAGER_INTERCEPT,
    USAGER_LIKERT,
    pros_dictionary,
    usagers_dictionary,
    write_pros,
    write_usagers,
)
from .banks import (
    BANK,
    COMMUNES,
    DPPER_NEIGHBOUR,
    DPPER_THEME_IDS,
    DPPER_THEMES,
    FACILITATORS,
    NAMED_ANSWERS,
    NAMED_NOTE_LINES,
    NEIGHBOUR,
    REMOTENESS_LABELS,
    SYNTHETIC_NOTE,
    THEME_IDS,
    THEMES,
    VERBATIM_NAMES,
    ThemeBank,
)

#: Bumped when the generator's output changes on purpose (recorded in parametres.yaml).
GENERATOR_VERSION = "2026.1"
HUMAN_SHARE_ATELIERS = 0.40
HUMAN_SHARE_USAGERS = 0.30
HUMAN_SHARE_COMMENTS = 0.50
N_OVERLAP = 50


def generate_sample(out: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the whole synthetic sample into ``out`` and return the files written (relative paths).

    Files are first written to a temporary folder beside ``out`` and then moved in,
    so a failure never leaves a half-written sample. Existing files of the same
    names are replaced; other files in ``out`` are left alone (``data/sample/activite.yaml``
    is written by hand for the indicators stage, not by this generator).

    Args:
        out: Target folder (created if missing), e.g. ``data/sample``.
        seed: Seed of every random draw; the same seed gives byte-identical files.

    Raises:
        AreasError: when ``out`` exists and is not a folder, or cannot be written.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise AreasError(f"« {out} » existe et n'est pas un dossier : choisissez un autre --out.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".sample-", dir=out.parent))
    except OSError as exc:
        raise AreasError(f"Impossible d'écrire dans « {out} » : {exc.strerror}.") from exc
    try:
        _generate_into(tmp, seed)
        written = sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())
        for rel in written:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(tmp / rel), str(out / rel))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written


def _generate_into(out: Path, seed: int) -> None:
    # a sixth stream (added later) leaves the first five, hence every earlier file, unchanged
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    rng_notes, rng_usagers, rng_pros, rng_dpper, rng_coders, rng_dpper_coder = streams
    truth = out / "verite_terrain"

    segments, manifest = write_ateliers(out, rng_notes)
    usagers = write_usagers(out, rng_usagers)
    pros = write_pros(out, rng_pros)
    dpper = write_dpper(out, rng_dpper, set())

    write_yaml(out / "codebook.yaml", _codebook(THEMES, "Besoins de santé AREAS (échantillon synthétique)"),
               comment="Grille de codage des besoins : 12 thèmes (docs/formats.md).")
    write_yaml(out / "dpper" / "codebook_commentaires.yaml",
               _codebook(DPPER_THEMES, "Commentaires des étudiants DPPER (échantillon synthétique)"),
               comment="Grille de codage des commentaires libres après ECOS / RetExp.")
    write_yaml(out / "questionnaires" / "usagers_dictionnaire.yaml", usagers_dictionary())
    write_yaml(out / "questionnaires" / "pros_dictionnaire.yaml", pros_dictionary())
    for stem, dictionary in dpper_dictionaries().items():
        write_yaml(out / "dpper" / f"{stem}_dictionnaire.yaml", dictionary)

    # --- simulated human coding
    seg_truth = _truth_map(segments, "segment_id")
    coded_ids = _stratified(rng_coders, segments[segments["section"] != ""], "segment_id", "atelier_id",
                            HUMAN_SHARE_ATELIERS)
    prio = {s.atelier_id: s.priorities for s in ATELIERS}
    fallback = {sid: prio[sid.split("-")[0]] for sid in coded_ids}
    rows = _simulate_coder(rng_coders, coded_ids, seg_truth, fallback, "codeur_1")
    overlap = sorted(rng_coders.choice(coded_ids, size=N_OVERLAP, replace=False).tolist())
    rows += _simulate_coder(rng_coders, overlap, seg_truth, fallback, "codeur_2")
    write_long_csv(out / "codage_humain_ateliers.csv", rows, ["id", "theme_id", "coder"])
    human_ateliers = pd.DataFrame(rows, columns=["id", "theme_id", "coder"])

    ans = usagers["answers"]
    ans_truth = _truth_map(ans, "id")
    # whole respondents are coded (all their answers), so that respondent-level shares can be corrected
    # with the human sample (issue 12); same share of respondents as before of answers
    people = ans.drop_duplicates("respondent_id").assign(_all="usagers")
    coded_people = set(_stratified(rng_coders, people, "respondent_id", "_all", HUMAN_SHARE_USAGERS))
    coded_ans = sorted(ans.loc[ans["respondent_id"].isin(coded_people), "id"].astype(str))
    rows_u = _simulate_coder(rng_coders, coded_ans, ans_truth, {i: () for i in coded_ans}, "codeur_1")
    write_long_csv(out / "codage_humain_usagers.csv", rows_u, ["id", "theme_id", "coder"])
    human_usagers = pd.DataFrame(rows_u, columns=["id", "theme_id", "coder"])

    comments_truth = _truth_map(dpper["comments"], "id")
    for action in ("ECOS", "RetExp"):
        sub = dpper["comments"][dpper["comments"]["action"] == action]
        coded_c = _stratified(rng_dpper_coder, sub, "id", "session", HUMAN_SHARE_COMMENTS)
        rows_c = _simulate_coder(rng_dpper_coder, coded_c, comments_truth, {i: () for i in coded_c}, "codeur_1",
                                 neighbour=DPPER_NEIGHBOUR, theme_ids=DPPER_THEME_IDS)
        write_long_csv(out / "dpper" / f"codage_humain_commentaires_{action.lower()}.csv", rows_c,
                       ["id", "theme_id", "coder"])

    # --- ground truth
    write_csv(truth / "segments_attendus.csv", list(segments.columns),
              segments.astype(object).where(segments.notna(), "").itertuples(index=False))
    write_long_csv(truth / "segments_themes.csv", _long(segments, "segment_id"), ["id", "theme_id"])
    answers_all = pd.concat([ans.assign(questionnaire="usagers"), pros["answers"].assign(questionnaire="pros")],
                            ignore_index=True)
    answers_all = answers_all[["id", "questionnaire", "respondent_id", "question", "text", "themes"]]
    write_csv(truth / "reponses_attendues.csv", list(answers_all.columns), answers_all.itertuples(index=False))
    write_long_csv(truth / "reponses_themes.csv", _long(answers_all, "id"), ["id", "theme_id"])
    for name, frame in (("usagers_repondants", usagers["respondents"]), ("pros_repondants", pros["respondents"]),
                        ("dpper_etudiants", dpper["students"])):
        write_csv(truth / f"{name}.csv", list(frame.columns), frame.itertuples(index=False))
    comments = dpper["comments"]
    for action in ("ECOS", "RetExp"):
        sub = comments[comments["action"] == action]
        write_long_csv(truth / f"{action.lower()}_commentaires_themes.csv", _long(sub, "id"), ["id", "theme_id"])
    write_csv(truth / "dpper_commentaires.csv", list(comments.columns), comments.itertuples(index=False))

    priorities = _priorities_table(segments)
    write_csv(truth / "ateliers_priorites.csv", list(priorities.columns), priorities.itertuples(index=False))
    write_csv(truth / "ateliers_poids_themes.csv", ["atelier_id", "section", *THEME_IDS],
              [[s.atelier_id, sec, *[f"{v:.4f}" for v in theme_weights(s, sec)]]
               for s in ATELIERS for sec in ("idees_phares", "autres")])
    write_csv(truth / "communes.csv", ["variante", "commune", "eloignement", "eloignement_code"],
              [[v, name, REMOTENESS_LABELS[rem], rem] for name, rem, _, variants in COMMUNES
               for v in (name, *variants)])
    write_csv(truth / "effets_usagers_themes.csv", ["facteur", "theme_id", "effet_log_odds"],
              [["constante", t, USAGER_INTERCEPT[t]] for t in THEME_IDS]
              + [[f, t, v] for f, eff in USAGER_EFFECTS.items() for t, v in eff.items()])
    likert_items = [(q, it) for q, items in (("usagers", USAGER_LIKERT), ("pros", PRO_LIKERT)) for it in items]
    write_csv(truth / "effets_likert.csv", ["questionnaire", "item", "facteur", "effet_latent"],
              [[q, it.name, "constante", it.base] for q, it in likert_items]
              + [[q, it.name, f"theme:{t}", v] for q, it in likert_items for t, v in it.themes.items()]
              + [[q, it.name, a, v] for q, it in likert_items for a, v in it.attrs.items()])
    write_csv(truth / "effets_pros_themes.csv", ["question", "theme_id", "probabilite", "multiplicateurs"],
              [[Q_PRO_PATIENTS, t, PRO_PATIENT_P[t],
                "; ".join(f"{p} x{m[t]}" for p, m in PRO_PATIENT_MULT.items() if t in m)] for t in THEME_IDS]
              + [["besoins_pros", t, PRO_OWN_P[t], ""] for t in THEME_IDS])
    congruence = _congruence(ans, pros["answers"])
    write_csv(truth / "congruence.csv", list(congruence.columns), congruence.itertuples(index=False))
    write_csv(truth / "dpper_effets.csv",
              ["action", "item", "moyenne_latente_avant", "decalage_sans_patient_partenaire",
               "decalage_avec_patient_partenaire", "difference"],
              [[a, it.name, it.mu_pre, it.shift_without, it.shift_with, round(it.shift_with - it.shift_without, 2)]
               for a, items in ITEMS.items() for it in items])
    write_csv(truth / "dpper_effets_stations.csv",
              ["station", "moyenne_sur_20", "effet_patient_partenaire_points"],
              [[h, m, e] for h, m, e in STATIONS])
    notes_text = "\n".join(segments["text"]) + "\n" + _facilitator_lines(out)
    used = [f for f in FACILITATORS if f in notes_text]
    write_text(truth / "noms.txt", "\n".join([*used, *VERBATIM_NAMES]) + "\n")
    write_csv(truth / "donnees_identifiantes.csv", ["source", "id", "type", "valeur"], _identifiers(segments, ans))
    counts = {
        "ateliers": len(ATELIERS), "segments": len(segments),
        "reponses_usagers": int(usagers["respondents"].shape[0]),
        "reponses_pros": int(pros["respondents"].shape[0]),
        "etudiants": int(dpper["students"].shape[0]),
    }
    write_yaml(truth / "parametres.yaml", {
        "generateur": "areas_analysis.sample", "version": GENERATOR_VERSION, "graine": seed,
        "effectifs": counts,
        "modele_latent_likert": {"echelle": list(AGREE_SCALE), "seuils": [-1.5, -0.5, 0.5, 1.5],
                                 "bruit_sd": 1.0},
        "modele_dpper": {"sd_etudiant": SD_STUDENT, "sd_session": SD_SESSION,
                         "sd_session_decalage": SD_SESSION_SHIFT, "sd_bruit": SD_NOISE,
                         "commentaires_probabilites": {"avec_patient_partenaire": COMMENT_P[True],
                                                       "sans_patient_partenaire": COMMENT_P[False]}},
        "codage_humain": {"part_ateliers": HUMAN_SHARE_ATELIERS, "part_usagers": HUMAN_SHARE_USAGERS,
                          "recouvrement_deux_codeurs": N_OVERLAP},
    })
    stats = _readme.observed_signal(out, segments, usagers, pros, dpper, human_ateliers, human_usagers,
                                    seg_truth, ans_truth)
    write_text(out / "README.md", _readme.render(seed, counts, manifest, priorities, congruence, stats))


# ----------------------------------------------------------------------------- helpers
def _codebook(themes: tuple[ThemeBank, ...], name: str) -> dict[str, object]:
    entries = []
    for t in themes:
        examples = [*t.constats[:2], *t.pistes[:1]] if t.pistes else list(t.constats[:3])
        entry: dict[str, object] = {"id": t.id, "label": t.label, "definition": t.definition,
                                    "keywords": list(t.keywords), "examples": examples}
        if t.parent:
            entry["parent"] = t.parent
        entries.append(entry)
    return {"name": name, "version": "2026.1", "themes": entries}


def _truth_map(frame: pd.DataFrame, id_col: str) -> dict[str, tuple[str, ...]]:
    return {str(i): tuple(t for t in str(th).split(";") if t) for i, th in zip(frame[id_col], frame["themes"],
                                                                             strict=True)}


def _long(frame: pd.DataFrame, id_col: str) -> list[list[str]]:
    rows = []
    for i, th in zip(frame[id_col], frame["themes"], strict=True):
        themes = [t for t in str(th).split(";") if t]
        rows.extend([[i, t] for t in themes] or [[i, ""]])
    return rows


def _stratified(rng: np.random.Generator, frame: pd.DataFrame, id_col: str, by: str, share: float) -> list[str]:
    """Draw ``share`` of the ids within each group of ``by`` (sorted output)."""
    chosen: list[str] = []
    for _, group in frame.groupby(by, sort=True):
        ids = group[id_col].astype(str).tolist()
        k = int(round(share * len(ids)))
        chosen.extend(ids[j] for j in rng.choice(len(ids), size=k, replace=False))
    return sorted(chosen)


def _simulate_coder(rng: np.random.Generator, ids: list[str], truth: dict[str, tuple[str, ...]],
                    fallback: dict[str, tuple[str, ...]], coder: str, *,
                    neighbour: dict[str, tuple[str, ...]] = NEIGHBOUR,
                    theme_ids: tuple[str, ...] = THEME_IDS) -> list[list[str]]:
    """Code ``ids`` as a careful but human coder would (ground truth + realistic slips).

    Slips: a missed second theme (30 %), a neighbouring theme instead of the true one
    (3.5 % per theme), a theme on a segment that has none (6 %), an extra neighbouring
    theme (2 %). About 10-15 % of (id, theme) codes end up differing from the truth.
    """
    rows: list[list[str]] = []
    for i in ids:
        true = truth[i]
        codes: list[str] = []
        for j, t in enumerate(true):
            if j >= 1 and rng.random() < 0.30:
                continue
            if rng.random() < 0.035:
                t = neighbour[t][int(rng.integers(len(neighbour[t])))]
            codes.append(t)
        if not true and rng.random() < 0.06:
            pool = fallback.get(i) or theme_ids
            codes.append(pool[int(rng.integers(len(pool)))])
        if true and rng.random() < 0.02:
            codes.append(neighbour[true[0]][0])
        codes = list(dict.fromkeys(codes))
        rows.extend([[i, t, coder] for t in codes] or [[i, "", coder]])
    return rows


def _facilitator_lines(out: Path) -> str:
    """The "Animé par" lines of the written notes (.txt/.md; the .docx repeats the same names)."""
    lines = []
    for spec in ATELIERS:
        path = out / "ateliers" / spec.file_name
        if spec.ext != "docx":
            lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("Animé par")]
        else:
            from docx import Document

            lines += [p.text for p in Document(str(path)).paragraphs if p.text.startswith("Animé par")]
    return "\n".join(lines)


def _priorities_table(segments: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for spec in ATELIERS:
        seg = segments[(segments["atelier_id"] == spec.atelier_id) & (segments["section"] == "idees_phares")]
        n = len(seg)
        for rank, t in enumerate(spec.priorities, start=1):
            k = int(seg["themes"].str.split(";").apply(lambda ts, t=t: t in ts).sum())
            rows.append({"atelier_id": spec.atelier_id, "commune": spec.commune,
                         "eloignement": REMOTENESS_LABELS[spec.remoteness], "public": spec.public, "rang": rank,
                         "theme_id": t, "segments_idees_phares": n, "segments_idees_phares_avec_theme": k})
    return pd.DataFrame(rows)


def _share(answers: pd.DataFrame, question: str) -> dict[str, float]:
    sub = answers[answers["question"] == question]
    split = sub["themes"].str.split(";")
    return {t: float(split.apply(lambda ts, t=t: t in ts).mean()) for t in THEME_IDS}


def _congruence(usagers: pd.DataFrame, pros: pd.DataFrame) -> pd.DataFrame:
    """True congruence of needs: share of non-empty answers naming each theme in both groups."""
    pu, pp = _share(usagers, Q_NEEDS), _share(pros, Q_PRO_PATIENTS)
    rows = []
    for t in THEME_IDS:
        a, b = pu[t], pp[t]
        if a >= 0.10 and b >= 0.10:
            cat = "les deux"
        elif a >= 0.10 and b < 0.05:
            cat = "usagers seulement"
        elif b >= 0.10 and a < 0.05:
            cat = "pros seulement"
        elif a < 0.05 and b < 0.05:
            cat = "rare des deux côtés"
        else:
            cat = "les deux, surtout usagers" if a > b else "les deux, surtout pros"
        rows.append({"theme_id": t, "label": BANK[t].label, "part_usagers": round(a, 4), "part_pros": round(b, 4),
                     "difference": round(a - b, 4), "categorie": cat})
    return pd.DataFrame(rows)


def _identifiers(segments: pd.DataFrame, answers: pd.DataFrame) -> list[list[str]]:
    rows: list[list[str]] = []
    for _, _, text in NAMED_NOTE_LINES:
        hit = segments[segments["text"] == text]
        for sid in hit["segment_id"]:
            kind = "email" if "@" in text else "telephone" if "02 61" in text else "nom"
            rows.append(["ateliers", sid, kind, text])
    for _, _, text in NAMED_ANSWERS:
        for aid in answers.loc[answers["text"] == text, "id"]:
            rows.append(["usagers_en_ligne.csv", aid, "nom", text])
    return rows


__all__ = ["generate_sample", "GENERATOR_VERSION", "SYNTHETIC_NOTE"]
