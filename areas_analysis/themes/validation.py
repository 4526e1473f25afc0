"""The human validation sample: drawn at random by the tool, kept apart from the review queue.

Two kinds of human codes exist and must not be mixed:

* the **validation sample** (``echantillon = validation``): texts drawn *at
  random* by :func:`draw_validation_sample` (stratified by atelier or group,
  the draw recorded with its seed). Only these codes estimate agreement and
  correct prevalence (:mod:`areas_analysis.quantify.corrected`);
* the **review queue** (``echantillon = revue``): texts chosen because the
  machine is unsure. Their codes improve the model but are never used for
  agreement or prevalence — they are not a random sample.

A coding file says which is which in its optional ``echantillon`` column
(absent: every row is taken as validation, as in the files written before
this column existed).

This module also gives the machine predictions prevalence correction needs
(:func:`cross_fitted_predictions`: for the human-coded texts, a model that never
saw them) and the themes that no human has validated yet
(:func:`unvalidated_themes`, :func:`new_theme_review_ids`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED
from ..errors import AreasError, InputError, Problem
from .codebook import Codebook, CodebookModel
from .codings import SAMPLE_COL, normalize_coding, read_csv_table
from .extend import text_features

__all__ = ["REVIEW", "SAMPLE_COL", "VALIDATION", "ValidationData", "cross_fitted_predictions",
           "draw_validation_sample", "prepare_validation",
           "new_theme_review_ids", "read_validation_codings", "split_codings", "unvalidated_themes",
           "write_draw_record"]

#: Value of :data:`SAMPLE_COL` for the random validation sample.
VALIDATION = "validation"
#: Value of :data:`SAMPLE_COL` for the review queue (chosen by uncertainty, never used for estimates).
REVIEW = "revue"
#: Every stratum gets at least this many texts in the validation sample (when it has them), so that each
#: can be corrected and its variance estimated.
MIN_PER_STRATUM = 2
#: Folds of the cross-fitted predictions (Zrnic & Candès 2024 use 5 to 10).
CROSS_FIT_FOLDS = 5


def split_codings(codings: pd.DataFrame, *, source_name: str = "codage humain") -> tuple[pd.DataFrame,
                                                                                          pd.DataFrame]:
    """Split a human coding into (validation, review) rows; canonical long form, one coder per text.

    A text coded by several coders keeps the codes of the first coder listed for it (a second coder's
    codes serve inter-coder agreement, not prevalence: their union would inflate shares).

    Raises:
        InputError: unknown values in ``echantillon`` (French, with rows).
    """
    problems = []
    kind = pd.Series(VALIDATION, index=codings.index, dtype="string")
    if SAMPLE_COL in codings.columns:
        raw = codings[SAMPLE_COL].astype("string").str.strip().str.lower()
        bad = raw.notna() & ~raw.isin([VALIDATION, REVIEW]) & raw.ne("")
        for i in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(Problem(source_name, f"valeur « {codings[SAMPLE_COL].iloc[i]} » inconnue (attendu : "
                                                 f"{VALIDATION} ou {REVIEW})", row=int(i) + 2, column=SAMPLE_COL))
        kind = raw.mask(raw.isna() | raw.eq(""), VALIDATION)
    if problems:
        raise InputError(problems)
    parts = []
    for value in (VALIDATION, REVIEW):
        sub = codings[kind.eq(value).to_numpy()]
        norm = normalize_coding(sub.drop(columns=[SAMPLE_COL], errors="ignore"), source_name=source_name)
        if "coder" in norm.columns and len(norm):
            first = norm.drop_duplicates("id")[["id", "coder"]]
            norm = norm.merge(first, on=["id", "coder"], how="inner")
        parts.append(norm.reset_index(drop=True))
    return parts[0], parts[1]


def read_validation_codings(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a human coding file and return (validation, review) codes (see :func:`split_codings`)."""
    df = read_csv_table(path, required=("id", "theme_id"), what="fichier de codage humain")
    return split_codings(df, source_name=str(path))


def draw_validation_sample(
    df: pd.DataFrame,
    *,
    id_col: str,
    size: int | None = None,
    share: float | None = None,
    strata_col: str | None = None,
    cluster_col: str | None = None,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Draw a stratified simple random sample of texts (or of respondents) for human coding.

    Allocation is proportional to the stratum sizes (largest remainders), with at least
    :data:`MIN_PER_STRATUM` per stratum. With ``cluster_col`` (``respondent_id``) whole respondents are
    drawn and all their texts are to be coded — what respondent-level shares need. Same inputs and seed:
    same sample.

    Args:
        df: Texts (not modified); ids unique.
        id_col: Text id column.
        size: Number of units (texts, or respondents with ``cluster_col``) to draw.
        share: Or the share of units to draw.
        strata_col: Stratify by this column (atelier, group, question...).
        cluster_col: Draw these units (respondents) instead of texts.
        seed: Seed of the draw.

    Returns:
        New DataFrame of the drawn texts: ``id``, ``strate``, the cluster column if any, ``ordre`` (random
        order to code them in), ``echantillon = validation``. ``attrs["record"]`` holds the draw record.
    """
    if (size is None) == (share is None):
        raise AreasError("Indiquez soit une taille d'échantillon, soit une part (pas les deux).")
    cols = [c for c in dict.fromkeys([id_col, *([strata_col] if strata_col else []),
                                       *([cluster_col] if cluster_col else [])])]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError([Problem("tableau des textes", "colonne absente", column=c) for c in missing])
    t = pd.DataFrame({"id": df[id_col].astype("string").str.strip(),
                      "strate": df[strata_col].astype("string").fillna("(non renseigné)") if strata_col
                      else pd.Series("ensemble", index=df.index, dtype="string"),
                      "unite": df[cluster_col].astype("string") if cluster_col else df[id_col].astype("string")})
    dup = t["id"][t["id"].duplicated()].unique().tolist()
    if dup:
        raise InputError([Problem("tableau des textes", f"identifiants en double : {dup[:5]}", column=id_col)])
    units = t.drop_duplicates("unite").sort_values(["strate", "unite"], kind="stable")
    sizes = units.groupby("strate", sort=True).size()
    total = int(sizes.sum())
    k = int(size) if size is not None else int(round(float(share) * total))
    if not 0 < k <= total:
        raise AreasError(f"Taille d'échantillon invalide : {k} (entre 1 et {total} unités).")
    exact = sizes / total * k
    alloc = np.floor(exact).astype(int)
    rest = k - int(alloc.sum())
    order = (exact - alloc).sort_values(ascending=False, kind="stable").index[:rest]
    alloc[order] += 1
    alloc = np.minimum(np.maximum(alloc, MIN_PER_STRATUM), sizes)
    rng = np.random.default_rng(seed)
    chosen = []
    for stratum, n_h in alloc.items():
        pool = units.loc[units["strate"] == stratum, "unite"].to_numpy()
        chosen.extend(pool[rng.choice(len(pool), size=int(n_h), replace=False)].tolist())
    rank = {u: i for i, u in enumerate(np.asarray(chosen)[rng.permutation(len(chosen))])}
    out = t[t["unite"].isin(set(chosen))].assign(ordre=lambda x: x["unite"].map(rank) + 1)
    out = out.sort_values(["ordre", "id"], kind="stable").reset_index(drop=True)
    out = out.rename(columns={"unite": cluster_col}) if cluster_col else out.drop(columns="unite")
    out[SAMPLE_COL] = VALIDATION
    out.attrs["record"] = {
        "graine": seed, "colonne_id": id_col, "strates": strata_col, "grappes": cluster_col,
        "unites_population": total, "unites_tirees": int(alloc.sum()), "textes_tires": len(out),
        "allocation": {str(s): {"population": int(sizes[s]), "tirees": int(alloc[s])} for s in sizes.index},
        "identifiants": out["id"].tolist(),
        "methode": "tirage aléatoire simple sans remise dans chaque strate, allocation proportionnelle "
                   f"(au moins {MIN_PER_STRATUM} par strate)",
    }
    return out


def write_draw_record(sample: pd.DataFrame, path: str | Path, *, inputs: dict[str, str] | None = None) -> Path:
    """Write the draw record (seed, strata, allocation, ids) as JSON next to the sample."""
    record = dict(sample.attrs.get("record", {}))
    if inputs:
        record["entrees"] = inputs
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def cross_fitted_predictions(
    df: pd.DataFrame,
    text_col: str,
    gold: pd.DataFrame,
    *,
    id_col: str,
    codebook: Codebook | None = None,
    themes: Sequence[str] | None = None,
    folds: int = CROSS_FIT_FOLDS,
    seed: int = DEFAULT_SEED,
    c: float = 1.0,
    features: Any = None,
) -> pd.DataFrame:
    """Machine predictions for every text, never from a model that saw the text's human code.

    Cross-fitting (Zrnic & Candès, "Cross-prediction-powered inference", *PNAS* 121, 2024): the human
    sample is split into ``folds``; each fold's texts are predicted by a model trained on the other folds;
    every other text gets the mean prediction of the fold models. Model: one L2 logistic regression per
    theme on the supervised-coding features (:func:`~areas_analysis.themes.extend.text_features`, with the
    codebook's scores when given). A theme with no human positive in a training fold predicts 0.
    ``features`` (a matrix with one row per text of ``df``, e.g. from ``text_features``) skips the feature
    computation, which is unsupervised and can be shared between several human samples.

    Returns:
        Long ``id, theme_id, prediction`` (probability in [0, 1]; one row per text and theme).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    ids = df[id_col].astype("string").str.strip().tolist()
    texts = df[text_col].fillna("").astype(str).tolist()
    pos = {k: i for i, k in enumerate(ids)}
    gold = normalize_coding(gold, source_name="codage humain")
    gold_ids = [g for g in dict.fromkeys(gold["id"].astype(str)) if g in pos]
    if len(gold_ids) < 2:
        raise AreasError("Il faut au moins 2 textes codés par un humain pour corriger les parts.")
    theme_list = list(themes) if themes is not None else sorted(gold["theme_id"].dropna().astype(str).unique())
    if features is None:
        cb_model = CodebookModel(codebook).fit(texts) if codebook is not None else None
        x = text_features(texts, codebook_model=cb_model)
    else:
        x = features
    g_rows = np.array([pos[g] for g in gold_ids])
    y = np.zeros((len(gold_ids), len(theme_list)))
    gi = {g: i for i, g in enumerate(gold_ids)}
    for i, t in zip(gold["id"].astype(str), gold["theme_id"], strict=True):
        if i in gi and not pd.isna(t) and str(t) in theme_list:
            y[gi[i], theme_list.index(str(t))] = 1.0
    others = np.setdiff1d(np.arange(len(ids)), g_rows)
    pred = np.zeros((len(ids), len(theme_list)))
    k = min(folds, len(gold_ids))
    for tr, te in KFold(k, shuffle=True, random_state=seed).split(g_rows):
        for j in range(len(theme_list)):
            yt = y[tr, j]
            if yt.max() == yt.min():
                p_te, p_o = np.full(len(te), yt.mean()), np.full(len(others), yt.mean())
            else:
                clf = LogisticRegression(C=c, max_iter=2000, random_state=seed).fit(x[g_rows[tr]], yt)
                p_te = clf.predict_proba(x[g_rows[te]])[:, 1]
                p_o = clf.predict_proba(x[others])[:, 1] if len(others) else np.zeros(0)
            pred[g_rows[te], j] = p_te
            pred[others, j] += p_o / k
    return pd.DataFrame({"id": np.repeat(ids, len(theme_list)), "theme_id": np.tile(theme_list, len(ids)),
                         "prediction": pred.ravel()})


def unvalidated_themes(theme_ids: Sequence[str], validation: pd.DataFrame | None) -> list[str]:
    """Themes no human has ever coded in the validation sample (e.g. added to the codebook afterwards).

    Their shares cannot be corrected nor their reliability measured: they are « non validé ».
    """
    if validation is None or validation.empty:
        return list(theme_ids)
    seen = set(validation["theme_id"].dropna().astype(str))
    return [t for t in theme_ids if t not in seen]


def new_theme_review_ids(machine: pd.DataFrame, themes: Sequence[str], *, n: int = 20,
                         value_col: str = "score", exclude: Sequence[str] = ()) -> pd.DataFrame:
    """Likely members of unvalidated themes, to queue for human review (highest machine scores first).

    Args:
        machine: Machine coding (long ``id, theme_id[, value_col]``).
        themes: The unvalidated themes (:func:`unvalidated_themes`).
        n: At most this many texts per theme.
        value_col: Score column (absent: file order).
        exclude: Ids already coded by a human.

    Returns:
        New DataFrame ``id, theme_id, score, raison`` — add these ids to the review queue.
    """
    m = machine[machine["theme_id"].astype("string").isin(list(themes))]
    m = m[~m["id"].astype(str).isin(set(map(str, exclude)))]
    score = m[value_col] if value_col in m.columns else pd.Series(1.0, index=m.index)
    m = m.assign(score=pd.to_numeric(score, errors="coerce").fillna(0.0))
    m = m.sort_values(["theme_id", "score", "id"], ascending=[True, False, True], kind="stable")
    out = m.groupby("theme_id", sort=True).head(n)[["id", "theme_id", "score"]].reset_index(drop=True)
    out["raison"] = "thème non validé : ajouté après le codage humain, à vérifier"
    return out


@dataclass(frozen=True)
class ValidationData:
    """What corrected shares need for one corpus: the human validation codes and the machine's predictions.

    Attributes:
        validation: Human codes of the random validation sample (empty when none).
        review: Human codes of the review queue (kept apart: never used for estimates).
        predictions: Cross-fitted machine predictions ``id, theme_id, prediction`` (``None`` without
            validation sample).
        machine: The published machine coding (``id, theme_id``), used as plain counts without validation
            and for the unvalidated themes.
        themes: Theme ids reported.
        unvalidated: Themes with no human example in the validation sample (« non validé »).
        id_col: Id column of the texts.
    """

    validation: pd.DataFrame
    review: pd.DataFrame
    predictions: pd.DataFrame | None
    machine: pd.DataFrame
    themes: list[str]
    unvalidated: list[str]
    id_col: str

    @property
    def validated(self) -> bool:
        """Whether a random validation sample exists (shares can be corrected)."""
        return not self.validation.empty

    def prevalence(self, units: pd.DataFrame, by: str | Sequence[str] | None = None, **kwargs: Any
                   ) -> pd.DataFrame:
        """Corrected shares (:func:`~areas_analysis.quantify.corrected.corrected_prevalence`) of ``units``.

        Keyword arguments are passed on (``count_col``, ``strata_col``, ``unit_label``, ``confidence``).
        """
        from ..quantify.corrected import corrected_prevalence

        machine = self.machine[["id", "theme_id"]].dropna(subset=["theme_id"])
        if self.validated and self.predictions is not None:
            return corrected_prevalence(units, self.predictions, self.validation, by, unit_col=self.id_col,
                                        themes=self.themes, value_col="prediction", unvalidated=self.unvalidated,
                                        unvalidated_machine=machine, **kwargs)
        return corrected_prevalence(units, machine, None, by, unit_col=self.id_col, themes=self.themes, **kwargs)

    def review_new_themes(self, n: int = 20) -> pd.DataFrame:
        """Likely members of the unvalidated themes to queue for review (:func:`new_theme_review_ids`)."""
        done = list(self.validation["id"].astype(str)) + list(self.review["id"].astype(str))
        return new_theme_review_ids(self.machine, self.unvalidated, n=n, exclude=done)


def prepare_validation(
    df: pd.DataFrame,
    text_col: str,
    codebook: Codebook,
    *,
    id_col: str,
    machine: pd.DataFrame,
    gold: pd.DataFrame | str | Path | None = None,
    seed: int = DEFAULT_SEED,
) -> ValidationData:
    """Read the human codes, keep the random validation sample apart and cross-fit the machine on it.

    Args:
        df: The texts (segments or answers).
        text_col: Text column.
        codebook: The codebook (its ids are the reported themes; its scores help the machine).
        id_col: Id column of ``df``.
        machine: The published machine coding (e.g. ``code_and_check(...).codings``).
        gold: Human coding file or table (``echantillon`` column: validation / revue); ``None`` or ``""``:
            no validation sample, shares stay plain machine counts.
        seed: Seed of the cross-fitting folds.
    """
    if isinstance(gold, str | Path) and str(gold):
        val, rev = read_validation_codings(gold)
    elif isinstance(gold, pd.DataFrame) and not gold.empty:
        val, rev = split_codings(gold)
    else:
        val = rev = pd.DataFrame({"id": pd.Series(dtype="string"), "theme_id": pd.Series(dtype="string")})
    ids = set(df[id_col].astype(str))
    val = val[val["id"].astype(str).isin(ids)].reset_index(drop=True)
    themes = list(codebook.ids)
    unvalidated = unvalidated_themes(themes, val) if not val.empty else []
    preds = None
    if not val.empty:
        learn = [t for t in themes if t not in unvalidated]
        preds = cross_fitted_predictions(df, text_col, val, id_col=id_col, codebook=codebook, themes=learn,
                                         seed=seed)
    return ValidationData(val, rev, preds, machine, themes, unvalidated, id_col)
