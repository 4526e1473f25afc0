"""Supervised extension of a human-coded sample to the whole corpus.

The researcher codes a sample (long ``id, theme_id``); :func:`extend_coding`
learns from it and codes every other item with a confidence, reports the
agreement the model would have with the researcher (by cross-validation on the
sample, never on training predictions) and prepares a review queue.

Method:

* **Features** (fitted on all texts — unsupervised, no label used): TF-IDF on
  content lemmas (spaCy lookup table, accents and case folded; uni- and
  bigrams, sublinear tf), TF-IDF on character 2–5-grams within words (spelling
  variants, typos), the sentence vector of the encoder passed in (default USE
  multilingual, :mod:`~areas_analysis.themes.encoders`; +2 to +8 points of
  held-out micro-F1 over the spaCy-vector encoder on 7 of 8 ELF questions at
  30 %, weight 1 beat weight 2), and — when a codebook is given — the
  codebook scores of every theme (cosine, soft words, keywords; see
  :mod:`~areas_analysis.themes.codebook`). Each block is L2-normalised per row.
* **Classifier**: one-vs-rest L2 logistic regression per theme (dual liblinear
  solver, fast when features outnumber examples); its outputs are
  calibrated by Platt scaling (Platt 1999) fitted on the inner cross-validation's
  out-of-fold outputs, pooled over themes, so that a score of 0.7 means "right
  about 7 times in 10" (checked in ``benchmarks/results/coding.md``); a theme is
  assigned when its calibrated probability reaches a per-theme threshold chosen
  by inner cross-validation (3 folds) to maximise F1 on the training part. When
  the sample almost always has a theme (< 10 % of coded items without one), an
  item with at least one content word that passes no threshold gets its best
  theme relative to its threshold. An item without any content word (empty,
  "ok", "-") never gets a model theme.
* **Agreement**: outer K-fold cross-validation (``cv_folds``, seeded) on the
  sample — features are shared, classifiers and thresholds are refitted inside
  every fold — then per-theme Cohen's κ, precision, recall, F1 of the
  out-of-fold predictions against the human codes (:func:`coding_agreement`).
* Themes with fewer than ``min_examples`` (5) human examples are not learnt:
  they are listed with the status ``trop peu d'exemples`` and never assigned by
  the model (code more examples, or use the codebook for them).

Human codes are never overwritten: gold ids keep exactly their human themes
(``source = human``, ``score = 1``).

The fitted features and classifiers are kept as an :class:`ExtensionModel`
(``result.model``), saved without pickle and applied to next cycle's texts.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import normalize

from ..config import DEFAULT_SEED
from ..errors import AreasError
from .agreement import coding_agreement
from .codebook import Codebook, CodebookModel, _fold, _ids_and_texts, _Lexicon
from .codings import indicator_matrix, normalize_coding
from .encoders import SentenceEncoder, encoder_from_state, make_encoder
from .review import review_queue
from .text import clean_text

__all__ = ["ENCODER_BLOCK_WEIGHT", "MIN_EXAMPLES", "ExtensionModel", "ExtensionResult", "FeatureSpace",
           "extend_coding", "text_features"]

#: Themes with fewer human examples than this are not learnt (reported instead).
MIN_EXAMPLES = 5
#: Weight of the sentence-vector block beside the (unit-norm) TF-IDF blocks (tuned on the
#: benchmark sets, ``benchmarks/bench_coding.py``).
ENCODER_BLOCK_WEIGHT: float = 1.0
_THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)


@dataclass(frozen=True)
class ExtensionResult:
    """Output of :func:`extend_coding`.

    Attributes:
        codings: Long ``id, theme_id, score, source`` for every id of the table:
            human codes (``source = human``, score 1) for the sample, model codes
            (``source = model``, score = probability) elsewhere; an id without
            theme has one row with an empty ``theme_id`` (score = probability
            that no theme applies).
        agreement: Per theme: ``theme_id, n_humain, statut, seuil, kappa, alpha,
            precision, recall, f1, support`` — cross-validated model vs human on
            the sample (``statut`` = ``appris`` or ``trop peu d'exemples``).
        overall: One row of cross-validated overall agreement (micro/macro F1, κ, α).
        review: Review queue (see :func:`~areas_analysis.themes.review.review_queue`).
        skipped_themes: Themes not learnt (too few human examples).
        probabilities: ``(n_ids, n_learnt_themes)`` model probabilities for all ids,
            columns in ``learnt_themes`` order (for diagnostics).
        learnt_themes: Themes the model learnt.
        model: The fitted :class:`ExtensionModel` (save it to code next cycle's texts).
        cv_codings: Cross-validated model codes of the human-coded ids (long ``id, theme_id``):
            each predicted by a model that did not see its human code (agreement intervals).
    """

    codings: pd.DataFrame
    agreement: pd.DataFrame
    overall: pd.DataFrame
    review: pd.DataFrame
    skipped_themes: list[str]
    probabilities: np.ndarray
    learnt_themes: list[str]
    model: ExtensionModel | None = None
    cv_codings: pd.DataFrame | None = None


def text_features(
    texts: list[str],
    *,
    encoder: SentenceEncoder | None = None,
    codebook_model: CodebookModel | None = None,
    spacy_model: str | None = None,
) -> sp.csr_matrix:
    """Feature matrix for supervised coding (see the module docstring).

    Args:
        texts: All texts (labelled and not; fitting is unsupervised).
        encoder: Sentence encoder (default :func:`~areas_analysis.themes.encoders.make_encoder`;
            fitted on ``texts`` when not fitted).
        codebook_model: A fitted codebook model whose scores are appended.
        spacy_model: spaCy pipeline for lemma lookup (default: the encoder's).

    Returns:
        A CSR matrix ``(len(texts), n_features)``.
    """
    space = FeatureSpace(encoder=encoder, codebook_model=codebook_model, spacy_model=spacy_model)
    return space.fit(texts).transform(texts)[0]


class FeatureSpace:
    """The supervised features: lemma TF-IDF, character TF-IDF, sentence vector, codebook scores.

    Fitted without labels on all texts of the corpus, then applied as it is to
    new texts (next cycle), so a saved :class:`ExtensionModel` gives the same
    features for the same text. Each block is L2-normalised per row; the sentence
    vector block is multiplied by :data:`ENCODER_BLOCK_WEIGHT`.
    """

    _STATE_VERSION = 1

    def __init__(self, *, encoder: SentenceEncoder | None = None, codebook_model: CodebookModel | None = None,
                 spacy_model: str | None = None, encoder_weight: float | None = None) -> None:
        self.encoder = encoder if encoder is not None else make_encoder()
        self.codebook_model = codebook_model
        self.spacy_model = spacy_model or self.encoder.spacy_model
        self.encoder_weight = ENCODER_BLOCK_WEIGHT if encoder_weight is None else float(encoder_weight)
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1, max_features=200_000)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                     max_features=200_000, lowercase=False)
        self._lex: _Lexicon | None = None

    def _keys(self, texts: list[str]) -> list[list[str]]:
        if self._lex is None:
            self._lex = _Lexicon(self.spacy_model)
        return [[k for k, _, _ in toks] for toks in self._lex.analyse(texts)]

    def fit(self, texts: list[str]) -> FeatureSpace:
        """Fit the TF-IDF vocabularies (and an unfitted encoder) on the corpus."""
        if not getattr(self.encoder, "fitted_", False):
            self.encoder.fit(texts)
        keys = self._keys(texts)
        self.words = _fit_tfidf(self.words, [_with_bigrams(k) for k in keys])
        self.chars = _fit_tfidf(self.chars, [_fold(clean_text(t)) for t in texts])
        return self

    def transform(self, texts: list[str], vectors: np.ndarray | None = None,
                  codebook_components: dict[str, np.ndarray] | None = None) -> tuple[sp.csr_matrix, np.ndarray]:
        """Feature matrix and a mask of texts with at least one content word.

        Args:
            texts: Texts to featurise.
            vectors: Their sentence vectors when already computed (saves encoding twice).
            codebook_components: Their codebook ``score_components`` when already computed.
        """
        keys = self._keys(texts)
        n = len(texts)
        blocks = [_tfidf_block(self.words, [_with_bigrams(k) for k in keys], n),
                  _tfidf_block(self.chars, [_fold(clean_text(t)) for t in texts], n)]
        vecs = vectors if vectors is not None else self.encoder.transform(texts)
        blocks.append(sp.csr_matrix(normalize(np.asarray(vecs, dtype=np.float64)) * self.encoder_weight))
        if self.codebook_model is not None:
            comp = codebook_components if codebook_components is not None else \
                self.codebook_model.score_components(texts, vectors=vecs)
            cb = np.hstack([comp["cosine"], comp["soft"], comp["keyword"]])
            blocks.append(sp.csr_matrix(normalize(cb)))
        has_content = np.array([bool(k) for k in keys], dtype=bool)
        return sp.hstack(blocks, format="csr"), has_content

    def to_state(self) -> dict[str, Any]:
        """Vocabularies and IDF weights, encoder and codebook model states (no pickle)."""
        return {
            "state_version": self._STATE_VERSION,
            "spacy_model": self.spacy_model,
            "encoder_weight": self.encoder_weight,
            "encoder": self.encoder.to_state(),
            "codebook_model": self.codebook_model.to_state() if self.codebook_model is not None else None,
            "words": _tfidf_state(self.words),
            "chars": _tfidf_state(self.chars),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> FeatureSpace:
        """Rebuild a fitted feature space from :meth:`to_state` output."""
        if int(state.get("state_version", 0)) != cls._STATE_VERSION:
            raise AreasError("Espace de variables d'une version non prise en charge.")
        cb = state.get("codebook_model")
        space = cls(encoder=encoder_from_state(state["encoder"]),
                    codebook_model=CodebookModel.from_state(cb) if cb else None,
                    spacy_model=str(state["spacy_model"]), encoder_weight=float(state["encoder_weight"]))
        space.words = _tfidf_from_state(space.words, state["words"])
        space.chars = _tfidf_from_state(space.chars, state["chars"])
        return space


def _fit_tfidf(vec: TfidfVectorizer, docs: list[Any]) -> TfidfVectorizer:
    """Fit a TF-IDF; lowers ``min_df`` on tiny corpora; an empty vocabulary leaves it unfitted."""
    try:
        return vec.fit(docs)
    except ValueError:  # empty vocabulary (all texts empty, or min_df too high on tiny corpora)
        if vec.min_df != 1:
            vec.set_params(min_df=1)
            return _fit_tfidf(vec, docs)
        return vec


def _tfidf_block(vec: TfidfVectorizer, docs: list[Any], n: int) -> sp.csr_matrix:
    if not hasattr(vec, "vocabulary_"):
        return sp.csr_matrix((n, 0))
    return sp.csr_matrix(vec.transform(docs))


def _tfidf_state(vec: TfidfVectorizer) -> dict[str, Any]:
    if not hasattr(vec, "vocabulary_"):
        return {"terms": [], "idf": np.zeros(0)}
    terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    return {"terms": terms, "idf": np.asarray(vec.idf_, dtype=np.float64), "min_df": vec.min_df}


def _tfidf_from_state(vec: TfidfVectorizer, state: dict[str, Any]) -> TfidfVectorizer:
    terms = [str(t) for t in state["terms"]]
    if not terms:
        return vec
    vec.set_params(vocabulary={t: i for i, t in enumerate(terms)}, min_df=state.get("min_df", 1))
    vec.idf_ = np.asarray(state["idf"], dtype=np.float64)  # fixed vocabulary + learnt IDF = fitted
    return vec


def _identity(x: list[str]) -> list[str]:
    return x


def _with_bigrams(tokens: list[str]) -> list[str]:
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def _fit_one(x: sp.csr_matrix, y: np.ndarray, c: float, seed: int) -> LogisticRegression | None:
    if y.min() == y.max():
        return None
    clf = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=2000, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y)
    return clf


def _proba(clf: LogisticRegression | None, x: sp.csr_matrix, y_const: float) -> np.ndarray:
    if clf is None:
        return np.full(x.shape[0], y_const)
    return clf.predict_proba(x)[:, 1]


def _best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """Threshold on the grid maximising F1 of ``p >= t`` against ``y`` (ties: the highest)."""
    if y.sum() == 0:
        return 1.0
    pos = y.astype(bool)
    pred = p[:, None] >= _THRESHOLDS[None, :]
    tp = (pred & pos[:, None]).sum(axis=0)
    f1 = 2 * tp / (pred.sum(axis=0) + pos.sum())
    best = np.flatnonzero(f1 == f1.max())
    return float(_THRESHOLDS[best[-1]])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


class _OneVsRest:
    """Per-theme logistic regressions, pooled Platt calibration and per-theme thresholds, by inner CV."""

    def __init__(self, c: float, seed: int, inner_folds: int = 3) -> None:
        self.c, self.seed, self.inner_folds = c, seed, inner_folds
        self.models: list[LogisticRegression | None] = []
        self.thresholds = np.zeros(0)
        self.consts = np.zeros(0)
        self.platt = (1.0, 0.0)

    def _calibrate(self, p: np.ndarray) -> np.ndarray:
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(-(a * _logit(p) + b)))

    def fit(self, x: sp.csr_matrix, y: np.ndarray) -> _OneVsRest:
        n, k = y.shape
        folds = min(self.inner_folds, n)
        oof = np.zeros((n, k))
        if folds >= 2:
            for tr, te in KFold(folds, shuffle=True, random_state=self.seed).split(np.arange(n)):
                for j in range(k):
                    clf = _fit_one(x[tr], y[tr, j], self.c, self.seed)
                    oof[te, j] = _proba(clf, x[te], float(y[tr, j].mean()))
            z, t = _logit(oof).reshape(-1, 1), y.reshape(-1)
            if 0 < t.sum() < t.size:  # Platt (1999) scaling pooled over themes, on out-of-fold outputs
                cal = LogisticRegression(C=1e4, solver="lbfgs").fit(z, t)
                if cal.coef_[0, 0] > 0:  # must stay increasing
                    self.platt = (float(cal.coef_[0, 0]), float(cal.intercept_[0]))
        # thresholds chosen on the raw scale (finer grid where it matters), expressed on the calibrated
        # scale — calibration is increasing, so the decisions are the same
        raw_thr = np.array([_best_threshold(oof[:, j], y[:, j]) if folds >= 2 else 0.5 for j in range(k)])
        self.thresholds = np.where(raw_thr >= 1.0, 1.0 + 1e-9, self._calibrate(raw_thr))
        self.models = [_fit_one(x, y[:, j], self.c, self.seed) for j in range(k)]
        self.consts = y.mean(axis=0) if n else np.zeros(k)
        return self

    def predict_proba(self, x: sp.csr_matrix) -> np.ndarray:
        if not self.models:
            return np.zeros((x.shape[0], 0))
        raw = np.column_stack([_proba(m, x, float(c)) for m, c in zip(self.models, self.consts, strict=True)])
        return self._calibrate(raw)

    def to_state(self) -> dict[str, Any]:
        """Coefficients (dense, one row per theme; NaN intercept = constant theme), calibration, thresholds."""
        d = max((m.coef_.shape[1] for m in self.models if m is not None), default=0)
        coef = np.zeros((len(self.models), d))
        intercept = np.full(len(self.models), np.nan)
        for j, m in enumerate(self.models):
            if m is not None:
                coef[j], intercept[j] = m.coef_[0], m.intercept_[0]
        return {"c": self.c, "seed": self.seed, "inner_folds": self.inner_folds, "coef": coef,
                "intercept": intercept, "thresholds": self.thresholds, "consts": self.consts,
                "platt": list(self.platt)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _OneVsRest:
        ovr = cls(float(state["c"]), int(state["seed"]), int(state["inner_folds"]))
        coef, intercept = np.asarray(state["coef"]), np.asarray(state["intercept"])
        ovr.models = []
        for j in range(len(intercept)):
            if np.isnan(intercept[j]):
                ovr.models.append(None)
                continue
            m = LogisticRegression()
            m.classes_, m.coef_, m.intercept_ = np.array([0, 1]), coef[j:j + 1], intercept[j:j + 1]
            ovr.models.append(m)
        ovr.thresholds = np.asarray(state["thresholds"], dtype=np.float64)
        ovr.consts = np.asarray(state["consts"], dtype=np.float64)
        ovr.platt = (float(state["platt"][0]), float(state["platt"][1]))
        return ovr

    def decide(self, p: np.ndarray, force_one: bool, has_content: np.ndarray) -> np.ndarray:
        keep = (p >= self.thresholds[None, :]) & has_content[:, None]
        if force_one and p.shape[1]:
            ratio = p / np.maximum(self.thresholds[None, :], 1e-9)
            none = ~keep.any(axis=1) & has_content
            keep[none, ratio[none].argmax(axis=1)] = True
        return keep


class ExtensionModel:
    """A fitted supervised coder: feature space + per-theme classifiers; saved without pickle.

    Built by :func:`extend_coding` (``result.model``); save it with
    :func:`~areas_analysis.themes.model.save_model` and code next cycle's texts
    with :meth:`predict` (same theme ids, same scores for the same text).
    """

    MODEL_KIND = "ExtensionModel"
    _STATE_VERSION = 1

    def __init__(self, features: FeatureSpace, classifier: _OneVsRest, themes: list[str], force_one: bool) -> None:
        self.features, self.classifier, self.themes, self.force_one = features, classifier, list(themes), force_one

    def predict_proba(self, texts: list[str], *, vectors: np.ndarray | None = None,
                      codebook_components: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated probabilities ``(n, n_themes)`` and the assignment matrix.

        ``vectors`` / ``codebook_components``: already computed for ``texts`` (saves work).
        """
        x, has_content = self.features.transform(texts, vectors, codebook_components)
        p = self.classifier.predict_proba(x)
        return p, self.classifier.decide(p, self.force_one, has_content)

    def predict(self, df: pd.DataFrame, text_col: str, *, id_col: str | None = None,
                vectors: np.ndarray | None = None,
                codebook_components: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
        """Code a table: long ``id, theme_id, score, source`` (``source = model``; no-theme rows kept)."""
        ids, texts = _ids_and_texts(df, text_col, id_col)
        p, keep = self.predict_proba(texts, vectors=vectors, codebook_components=codebook_components)
        empty = pd.DataFrame({"id": [], "theme_id": []})
        return _final_codings(ids, empty, [], self.themes, p, keep)

    def to_state(self) -> dict[str, Any]:
        """JSON-able state with numpy arrays (see :func:`~areas_analysis.themes.model.save_model`)."""
        return {"state_version": self._STATE_VERSION, "features": self.features.to_state(),
                "classifier": self.classifier.to_state(), "themes": self.themes, "force_one": self.force_one}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ExtensionModel:
        """Rebuild from :meth:`to_state` output."""
        if int(state.get("state_version", 0)) != cls._STATE_VERSION:
            raise AreasError("Modèle d'extension d'une version non prise en charge.")
        return cls(FeatureSpace.from_state(state["features"]), _OneVsRest.from_state(state["classifier"]),
                   [str(t) for t in state["themes"]], bool(state["force_one"]))

def extend_coding(
    df: pd.DataFrame,
    text_col: str,
    gold: pd.DataFrame,
    *,
    id_col: str | None = None,
    codebook: Codebook | CodebookModel | None = None,
    seed: int = DEFAULT_SEED,
    cv_folds: int = 5,
    min_examples: int = MIN_EXAMPLES,
    c: float = 10.0,
    review_n: int = 50,
    strata_col: str | None = None,
    encoder: SentenceEncoder | None = None,
    eval_ids: Sequence[str] | None = None,
) -> ExtensionResult:
    """Learn from a human-coded sample and code every other item, with cross-validated agreement.

    Args:
        df: Table of all texts (not modified).
        text_col: Column holding the texts.
        gold: Human codes of a sample (long ``id, theme_id[, coder]``; an id with an
            empty theme was coded with no theme). Several coders are merged (union).
        id_col: Column of ``df`` holding the ids (default: row position).
        codebook: Codebook (or fitted codebook model) whose scores become features and
            whose coding is compared with the model's in the review queue.
        seed: Seed of the fold splits and solvers (same seed → same output).
        cv_folds: Folds of the cross-validated agreement.
        min_examples: Themes with fewer human examples are not learnt.
        c: Inverse L2 regularisation strength of the logistic regressions.
        review_n: Size of the review queue.
        strata_col: Column of ``df`` to stratify the review queue by.
        encoder: Sentence encoder (default: the codebook model's, else
            :func:`~areas_analysis.themes.encoders.make_encoder`); its vectors also
            spread the review queue over the uncertain items.
        eval_ids: Ids of the random validation sample, on which agreement is measured
            (default: every human-coded id). Review-queue codes train the model only.

    Returns:
        An :class:`ExtensionResult`.

    Raises:
        AreasError: gold ids absent from the table, or nothing to learn (French message).
    """
    ids, texts = _ids_and_texts(df, text_col, id_col)
    gold = normalize_coding(gold, source_name="codage humain")
    id_pos = {k: i for i, k in enumerate(ids)}
    gold_ids = list(dict.fromkeys(gold["id"].astype(str)))
    unknown = [g for g in gold_ids if g not in id_pos]
    if unknown:
        sample = ", ".join(f"« {u} »" for u in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        raise AreasError(f"{len(unknown)} identifiant(s) du codage humain absent(s) du tableau des textes : "
                         f"{sample}. Vérifiez la colonne d'identifiants (--id-col).")
    themes_all = sorted(gold["theme_id"].dropna().astype(str).unique())
    y_gold = indicator_matrix(gold, gold_ids, themes_all)
    counts = y_gold.sum(axis=0)
    learnt = [t for t, n in zip(themes_all, counts, strict=True) if n >= min_examples]
    skipped = [t for t in themes_all if t not in learnt]
    if not learnt:
        raise AreasError(
            f"Aucun thème n'a au moins {min_examples} exemples codés par un humain : codez davantage d'exemples "
            f"avant d'étendre le codage (thèmes : {', '.join(themes_all) or 'aucun'})."
        )
    cb_model: CodebookModel | None = None
    if isinstance(codebook, CodebookModel):
        cb_model = codebook
    elif codebook is not None:
        cb_model = CodebookModel(codebook, encoder=encoder).fit(texts)
    if cb_model is not None and encoder is None:
        encoder = cb_model.encoder
    space = FeatureSpace(encoder=encoder, codebook_model=cb_model).fit(texts)
    vectors = space.encoder.transform(texts)
    x_all, has_content = space.transform(texts, vectors)
    gold_rows = np.array([id_pos[g] for g in gold_ids], dtype=np.int64)
    x_gold = x_all[gold_rows]
    y = y_gold[:, [themes_all.index(t) for t in learnt]].astype(int)
    force_one = bool((~y_gold.any(axis=1)).mean() < 0.10)

    # cross-validated agreement on the sample (classifiers and thresholds refitted per fold)
    n_gold = len(gold_ids)
    folds = min(cv_folds, n_gold)
    oof = np.zeros(y.shape, dtype=bool)
    if folds >= 2:
        for tr, te in KFold(folds, shuffle=True, random_state=seed).split(np.arange(n_gold)):
            clf = _OneVsRest(c, seed).fit(x_gold[tr], y[tr])
            oof[te] = clf.decide(clf.predict_proba(x_gold[te]), force_one, has_content[gold_rows[te]])
    cv_long = _to_long([gold_ids[i] for i in range(n_gold)], learnt, oof)
    human_learnt = gold[gold["theme_id"].isna() | gold["theme_id"].isin(learnt)]
    human_learnt = pd.concat([human_learnt, pd.DataFrame({"id": gold_ids, "theme_id": pd.NA})], ignore_index=True)
    # agreement only on the random validation sample: review-queue codes train the model, never measure it
    measured = gold_ids if eval_ids is None else [g for g in gold_ids if g in set(map(str, eval_ids))]
    if not measured:
        raise AreasError("Aucun texte de l'échantillon de validation parmi les textes codés par des humains : "
                         "l'accord ne peut pas être mesuré (les codes de relecture servent seulement à "
                         "l'apprentissage).")
    agr = coding_agreement(cv_long, human_learnt[["id", "theme_id"]], ids=measured, themes=learnt)

    # final model on the whole sample
    final = _OneVsRest(c, seed).fit(x_gold, y)
    proba = final.predict_proba(x_all)
    keep = final.decide(proba, force_one, has_content)
    thresholds = dict(zip(learnt, final.thresholds, strict=True))

    per_theme = _agreement_table(agr.per_theme, themes_all, counts, learnt, thresholds, folds)
    codings = _final_codings(ids, gold, gold_ids, learnt, proba, keep)
    reference = None
    shared = [t for t in learnt if cb_model is not None and t in set(cb_model.codebook.ids)]
    if cb_model is not None and shared:
        gold_set = set(gold_ids)
        others = [i for i, k in enumerate(ids) if k not in gold_set]
        sub = pd.DataFrame({"id": [ids[i] for i in others], "t": [texts[i] for i in others]})
        if len(sub):  # ids without codebook theme get explicit "no theme" rows
            reference = pd.concat([cb_model.predict(sub, "t", id_col="id")[["id", "theme_id"]],
                                   pd.DataFrame({"id": sub["id"], "theme_id": pd.NA})], ignore_index=True)
    table = pd.DataFrame({"id": ids, "text": texts})
    if strata_col is not None:
        if strata_col not in df.columns:
            raise AreasError(f"Colonne de strates « {strata_col} » absente du tableau des textes.")
        table["strate"] = df[strata_col].astype("string").fillna("").tolist()
    review = review_queue(codings, table, text_col="text", id_col="id",
                          strata_col="strate" if strata_col is not None else None, n=review_n,
                          reference=reference, compare_themes=shared, vectors=vectors, seed=seed)
    if strata_col is not None:
        review = review.rename(columns={"strate": strata_col})
    return ExtensionResult(codings=codings, agreement=per_theme, overall=agr.overall, review=review,
                           skipped_themes=skipped, probabilities=proba, learnt_themes=learnt,
                           model=ExtensionModel(space, final, learnt, force_one), cv_codings=cv_long)


def _to_long(ids: list[str], themes: list[str], keep: np.ndarray) -> pd.DataFrame:
    rows = [(ids[i], themes[j]) for i, j in zip(*np.nonzero(keep), strict=True)]
    rows += [(ids[i], None) for i in np.flatnonzero(~keep.any(axis=1))] if keep.shape[1] else \
        [(i, None) for i in ids]
    return pd.DataFrame(rows, columns=["id", "theme_id"])


def _agreement_table(per_theme: pd.DataFrame, themes_all: list[str], counts: np.ndarray, learnt: list[str],
                     thresholds: dict[str, float], folds: int) -> pd.DataFrame:
    pt = per_theme.set_index("theme_id")
    rows = []
    for t, n in zip(themes_all, counts, strict=True):
        row: dict[str, Any] = {"theme_id": t, "n_humain": int(n)}
        if t in learnt and folds >= 2:
            r = pt.loc[t]
            row.update(statut="appris", seuil=thresholds[t], kappa=r["kappa"], alpha=r["alpha"],
                       precision=r["precision"], recall=r["recall"], f1=r["f1"], support=int(r["support"]))
        else:
            row.update(statut="appris" if t in learnt else "trop peu d'exemples",
                       seuil=thresholds.get(t, np.nan), kappa=np.nan, alpha=np.nan, precision=np.nan,
                       recall=np.nan, f1=np.nan, support=int(n))
        rows.append(row)
    return pd.DataFrame(rows, columns=["theme_id", "n_humain", "statut", "seuil", "kappa", "alpha", "precision",
                                       "recall", "f1", "support"])


def _final_codings(ids: list[str], gold: pd.DataFrame, gold_ids: list[str], learnt: list[str],
                   proba: np.ndarray, keep: np.ndarray) -> pd.DataFrame:
    """Human rows for the sample (in table order), model rows for the others."""
    human = gold[["id", "theme_id"]].drop_duplicates()
    by_id: dict[str, list[object]] = {}
    for i, t in zip(human["id"].astype(str), human["theme_id"], strict=True):
        by_id.setdefault(i, []).append(None if pd.isna(t) else str(t))
    gold_set = set(gold_ids)
    out_id, out_theme, out_score, out_source = [], [], [], []
    for r, i in enumerate(ids):
        if i in gold_set:
            themes = sorted({t for t in by_id[i] if t is not None}) or [None]
            for t in themes:
                out_id.append(i)
                out_theme.append(t)
                out_score.append(1.0)
                out_source.append("human")
            continue
        js = np.flatnonzero(keep[r])
        if len(js):
            js = js[np.argsort(-proba[r, js], kind="stable")]
            for j in js:
                out_id.append(i)
                out_theme.append(learnt[j])
                out_score.append(float(proba[r, j]))
                out_source.append("model")
        else:
            out_id.append(i)
            out_theme.append(None)
            out_score.append(float(1.0 - proba[r].max()) if proba.shape[1] else 1.0)
            out_source.append("model")
    return pd.DataFrame({
        "id": pd.array(out_id, dtype="string"),
        "theme_id": pd.array(out_theme, dtype="string"),
        "score": np.array(out_score, dtype=np.float64),
        "source": pd.array(out_source, dtype="string"),
    })
