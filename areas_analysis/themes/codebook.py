"""Deductive coding with a versioned YAML codebook (no labelled data needed).

A codebook lists themes (``id``, ``label``, ``definition``, ``keywords``,
``examples``, optional ``parent``; see ``docs/formats.md``). :func:`apply_codebook`
gives every segment zero, one or several themes with a score that combines
three signals computed per (segment, theme):

* **prototype cosine** — cosine between the segment vector and the theme
  prototype, both from the same :class:`~areas_analysis.themes.encoders.SentenceEncoder`
  (the prototype is the normalised sum of the unit vectors of the label, the
  definition, the keywords and the mean of the examples). Nearest-label cosine
  beat clustering for deductive coding on this machine (issue 4). The default
  encoder adds a 100-d LSA block fitted on the corpus, so corpus words without
  a good spaCy vector still count.
* **soft word match** — for each content word of the label and keywords, its
  best cosine with a word of the segment (1 when their lemmas are equal); the
  theme gets the mean over the best-matched half of its words (a "soft keyword"
  that survives synonyms and inflections and rewards a segment hitting one
  facet of a label such as "Tri sélectif, compost, réduction déchets").
* **keyword match** — 1 when a keyword or key phrase of the theme occurs in the
  segment, compared on lemmas (spaCy lookup table; a final -s/-x is dropped from
  forms the table does not know), case- and accent-insensitively ("Médecins
  traitants" and "medecins traitants" match "médecin traitant"), else 0.

``score = 0.7 · cosine + 0.3 · soft + 0.3 · keyword``. Decision rule: a theme is
assigned when its score is ≥ ``threshold`` (0.10) and within ``margin`` (0.05) of
the segment's best score, keeping at most ``max_themes`` (3); a theme whose
keyword occurs in the segment is always assigned (the researcher's explicit rule).

**Prototype refinement** (``refine=True``, default, when the corpus has at least
5 segments per theme): after a first pass on the fitting corpus, each prototype
is moved towards the mean vector of its most confident segments (top 5 % of the
corpus shared among themes, by per-theme z-score) — a one-step self-training
of the prototypes (as in dataless classification).

**Calibration** (label-only codebooks, i.e. the hardest case; grid over weights,
share of soft words, threshold 0–0.35 and margin 0–0.15, objective = mean of the
micro-F1 on the 11 Entendre-la-France questions, on SIB-200 and on
MasakhaNEWS, see ``benchmarks/bench_coding.py``): LSA block +4–6 points on ELF;
soft words + cosine beat either alone on ELF (0.28 vs 0.27/0.25 top-1);
refinement +3–6 points on SIB-200/MasakhaNEWS; threshold and margin change the
mean by < 1 point around the chosen values (0.10 / 0.05; larger margins favour
the multi-label ELF, smaller ones the single-label sets). The threshold matters
most for segments that match no theme; it is kept low because on small corpora
with label-only codebooks correct best themes often score 0.1–0.2 (content-free
segments score 0). Real codebooks with definitions, keywords and examples give
higher scores; raise ``threshold`` when too many segments get a weak theme.

Segments are only tokenised (spaCy tokenizer in the encoder, a word regex for
the lexical signals, spaCy's lemma lookup table and word vectors): no tagger
or parser runs when coding, so a fitted
:class:`CodebookModel` codes thousands of segments per second and gives the
same output for the same text whatever the rest of the batch (save it with
:func:`~areas_analysis.themes.model.save_model` and apply it to the next cycle).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AreasError, InputError, Problem
from .encoders import SentenceEncoder, encoder_from_state, make_encoder
from .lexicon import _fold, _Lexicon  # noqa: F401 - re-exported for the extension
from .records import (  # noqa: F401 - re-exported: the codebook's records and loading
    RESERVED_THEME_IDS,
    Codebook,
    Theme,
    codebook_from_dict,
    load_codebook,
)

__all__ = [
    "DEFAULT_LSA_COMPONENTS",
    "DEFAULT_MARGIN",
    "DEFAULT_THRESHOLD",
    "DEFAULT_WEIGHTS",
    "RESERVED_THEME_IDS",
    "Codebook",
    "CodebookModel",
    "Theme",
    "apply_codebook",
    "codebook_from_dict",
    "load_codebook",
]

#: Weights of (prototype cosine, soft word match, keyword match) in the score (calibrated, module docstring).
DEFAULT_WEIGHTS: tuple[float, float, float] = (0.7, 0.3, 0.3)
#: Minimum score for a theme to be assigned (calibrated on the benchmark sets, see the module docstring).
DEFAULT_THRESHOLD: float = 0.10
#: A theme is also assigned when its score is within this margin of the best one.
DEFAULT_MARGIN: float = 0.05
#: Size of the LSA block of the default encoder (corpus-specific words count; +5 points micro-F1 on ELF).
DEFAULT_LSA_COMPONENTS: int = 100


# --------------------------------------------------------------------------- model


class CodebookModel:
    """A fitted codebook coder: encoder, theme prototypes, soft words and keywords.

    Fit it once (on the corpus to code, so that the encoder's word weights fit
    the corpus), save it with :func:`~areas_analysis.themes.model.save_model`,
    and apply it to the next cycle: the same text always gets the same themes
    and scores.

    Args:
        codebook: The codebook.
        encoder: Any sentence encoder (:mod:`~areas_analysis.themes.encoders`; an
            unfitted one is fitted in :meth:`fit`). Default:
            :func:`~areas_analysis.themes.encoders.make_encoder` (USE multilingual;
            ``make_encoder("fast")`` for spaCy word vectors).
        threshold: Minimum score for a theme to be assigned.
        margin: Themes within ``margin`` of the best score are also assigned.
        max_themes: At most this many themes per segment.
        weights: Weights of (prototype cosine, soft word match, keyword match).
        label_keywords: Also use every content word of a theme's label as a keyword
            (assigned whenever its lemma occurs). Off by default: on label-only
            codebooks it helps short answers (ELF +3 points micro-F1) and hurts long
            texts (MasakhaNEWS −5), see ``benchmarks/results/coding.md``.
        refine: After the first pass on the fitting corpus, move each prototype
            towards the mean of its most confident segments (self-training of
            the prototypes; helps topic-like themes, see the benchmark).

    Example:
        >>> model = CodebookModel(load_codebook("codebook.yaml")).fit(df["text"])  # doctest: +SKIP
        >>> coding = model.predict(df, "text", id_col="segment_id")                # doctest: +SKIP
    """

    MODEL_KIND = "CodebookModel"
    _STATE_VERSION = 1
    #: Share of a theme's label/keyword words (the best-matched ones) averaged in the soft match.
    _soft_share = 0.5

    def __init__(
        self,
        codebook: Codebook,
        *,
        encoder: SentenceEncoder | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
        max_themes: int = 3,
        weights: tuple[float, float, float] = DEFAULT_WEIGHTS,
        refine: bool = True,
        label_keywords: bool = False,
    ) -> None:
        if max_themes < 1:
            raise AreasError("max_themes doit valoir au moins 1.")
        if margin < 0:
            raise AreasError("La marge doit être positive ou nulle.")
        self.codebook = codebook
        self.encoder = encoder if encoder is not None else make_encoder()
        self.threshold = float(threshold)
        self.margin = float(margin)
        self.max_themes = int(max_themes)
        self.weights = tuple(float(w) for w in weights)
        self.refine = bool(refine)
        self.label_keywords = bool(label_keywords)
        self.prototypes_: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.soft_words_: list[list[str]] = []  # per theme: folded lemma keys of label + keyword words
        self.soft_forms_: list[list[str]] = []  # per theme: the same words as lower-case forms (for vectors)
        self.keyword_keys_: list[list[str]] = []  # per theme: folded lemma-key phrases
        self.fitted_ = False
        self._lex: _Lexicon | None = None
        self._soft_cache: tuple[np.ndarray, dict[str, int], list[np.ndarray]] | None = None

    # ------------------------------------------------------------------ fitting

    def _lexicon(self) -> _Lexicon:
        if self._lex is None:
            self._lex = _Lexicon(self.encoder.spacy_model)
        return self._lex

    def _theme_texts(self) -> list[str]:
        out = []
        for t in self.codebook.themes:
            out += [t.label, t.definition, " ; ".join(t.keywords), *t.examples]
        return [x for x in out if x]

    def fit(self, texts: Iterable[str] = ()) -> CodebookModel:
        """Fit the encoder (if needed) on the corpus and the codebook, build prototypes and word lists.

        Args:
            texts: The corpus to code (may be empty: the codebook texts alone are then used).

        Returns:
            ``self``, fitted.
        """
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not getattr(self.encoder, "fitted_", False):
            self.encoder.fit(texts + self._theme_texts())
        protos = []
        for t in self.codebook.themes:
            parts = [t.label, t.definition, " ; ".join(t.keywords)]
            vecs = self.encoder.transform([p for p in parts if p])
            if t.examples:
                ex = self.encoder.transform(list(t.examples)).mean(axis=0, keepdims=True)
                n = np.linalg.norm(ex)
                vecs = np.vstack([vecs, ex / n if n > 0 else ex])
            v = vecs.sum(axis=0)
            n = np.linalg.norm(v)
            protos.append(v / n if n > 0 else v)
        self.prototypes_ = np.asarray(protos, dtype=np.float32)
        lex = self._lexicon()
        self.soft_words_, self.soft_forms_, self.keyword_keys_ = [], [], []
        for t in self.codebook.themes:
            keys: dict[str, str] = {}
            for toks in lex.analyse([t.label, *t.keywords]):
                for key, _, form in toks:
                    keys.setdefault(key, form)
            self.soft_words_.append(list(keys))
            self.soft_forms_.append(list(keys.values()))
            phrases = []
            for kw_toks in lex.analyse(list(t.keywords)):
                if kw_toks:
                    phrases.append(" ".join(k for k, _, _ in kw_toks))
            if self.label_keywords:
                phrases += [k for k, _, _ in lex.analyse([t.label])[0]]
            self.keyword_keys_.append(sorted(set(phrases)))
        self._soft_cache = None
        self.fitted_ = True
        if self.refine and len(texts) >= 5 * len(self.codebook.themes):
            self._refine(texts)
        return self

    def _refine(self, texts: list[str], top_share: float = 0.05) -> None:
        """Move prototypes towards the mean vector of their most confident segments."""
        vecs = self.encoder.transform(texts)
        comp = self._components(texts, vecs)
        score = self._combine(*comp)
        z = (score - score.mean(axis=0)) / (score.std(axis=0) + 1e-9)
        best = z.argmax(axis=1)
        k = max(3, int(top_share * len(texts) / max(len(self.codebook.themes), 1)))
        new = []
        for j, proto in enumerate(self.prototypes_):
            cand = np.flatnonzero(best == j)
            top = cand[np.argsort(-z[cand, j], kind="stable")[:k]]
            v = proto + (vecs[top].mean(axis=0) if len(top) else 0.0)
            n = np.linalg.norm(v)
            new.append(v / n if n > 0 else v)
        self.prototypes_ = np.asarray(new, dtype=np.float32)

    # ------------------------------------------------------------------ scoring

    def _soft_setup(self) -> tuple[np.ndarray, dict[str, int], list[np.ndarray]]:
        if self._soft_cache is None:
            lex = self._lexicon()
            all_keys: dict[str, int] = {}
            all_forms: list[str] = []
            for keys, forms in zip(self.soft_words_, self.soft_forms_, strict=True):
                for k, f in zip(keys, forms, strict=True):
                    if k not in all_keys:
                        all_keys[k] = len(all_keys)
                        all_forms.append(f)
            rows = np.array([lex.info(f)[2] for f in all_forms], dtype=np.int64)
            facet = lex.unit(rows)
            cols = [np.array([all_keys[k] for k in keys], dtype=np.int64) for keys in self.soft_words_]
            self._soft_cache = (facet, all_keys, cols)
        return self._soft_cache

    def _components(self, texts: Sequence[str], vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(cosine, soft word match, keyword match), each ``(n, n_themes)``."""
        n, k = len(texts), len(self.codebook.themes)
        cos = np.clip(vecs @ self.prototypes_.T, -1.0, 1.0).astype(np.float64)
        soft = np.zeros((n, k))
        kw = np.zeros((n, k))
        facet, facet_index, cols = self._soft_setup()
        lex = self._lexicon()
        analysed = lex.analyse(texts)
        # best similarity of each facet word with the words of each text
        best = np.zeros((n, len(facet_index)))
        if len(facet_index):
            uniq_rows: dict[int, int] = {}
            for toks in analysed:
                for _, row, _ in toks:
                    if row >= 0 and row not in uniq_rows:
                        uniq_rows[row] = len(uniq_rows)
            row_arr = np.fromiter(uniq_rows, dtype=np.int64, count=len(uniq_rows))
            sims = lex.unit(row_arr) @ facet.T if len(row_arr) else np.zeros((0, len(facet_index)))
            for i, toks in enumerate(analysed):
                if not toks:
                    continue
                idx = [uniq_rows[row] for _, row, _ in toks if row >= 0]
                if idx:
                    best[i] = sims[idx].max(axis=0)
                for key, _, _ in toks:
                    j = facet_index.get(key)
                    if j is not None:
                        best[i, j] = 1.0
        best = np.clip(best, 0.0, 1.0)
        # a text without any content word ("ok", "-", "") gets no theme, whatever the encoder says of it
        cos[np.array([not toks for toks in analysed], dtype=bool)] = 0.0
        for j, c in enumerate(cols):
            if len(c):
                n_top = max(1, int(np.ceil(self._soft_share * len(c))))
                top = np.sort(best[:, c], axis=1)[:, ::-1][:, :n_top]
                soft[:, j] = top.mean(axis=1)
        if any(self.keyword_keys_):
            padded = [" " + " ".join(key for key, _, _ in toks) + " " for toks in analysed]
            for j, phrases in enumerate(self.keyword_keys_):
                if not phrases:
                    continue
                pats = [" " + p + " " for p in phrases]
                kw[:, j] = [1.0 if any(p in s for p in pats) else 0.0 for s in padded]
        return cos, soft, kw

    def _combine(self, cos: np.ndarray, soft: np.ndarray, kw: np.ndarray) -> np.ndarray:
        w_cos, w_soft, w_kw = self.weights
        return w_cos * cos + w_soft * soft + w_kw * kw

    def score_components(self, texts: Sequence[str], *, progress: bool = False,
                         vectors: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The three signals and the combined score per (text, theme).

        Args:
            texts: Texts to score.
            progress: Show a progress bar while encoding.
            vectors: The texts' vectors from this model's encoder, when already computed.

        Returns:
            ``{"cosine", "soft", "keyword", "score"}``, arrays ``(n, n_themes)`` in codebook order.
        """
        self._check_fitted()
        texts = [t if isinstance(t, str) else "" for t in texts]
        vecs = vectors if vectors is not None else self.encoder.transform(texts, progress=progress)
        cos, soft, kw = self._components(texts, vecs)
        return {"cosine": cos, "soft": soft, "keyword": kw, "score": self._combine(cos, soft, kw)}

    def scores(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Combined score per (text, theme), ``(n, n_themes)`` in codebook order."""
        return self.score_components(texts, progress=progress)["score"]

    def decide(self, scores: np.ndarray, keyword: np.ndarray | None = None) -> np.ndarray:
        """Boolean assignment matrix from scores (threshold, margin, ``max_themes``).

        Args:
            scores: Combined scores ``(n, n_themes)``.
            keyword: Keyword matches ``(n, n_themes)``; a theme whose keyword occurs
                is always assigned (an explicit rule of the researcher), on top of
                the ``max_themes`` chosen by score.
        """
        scores = np.asarray(scores, dtype=np.float64)
        if scores.size == 0:
            return np.zeros(scores.shape, dtype=bool)
        hits = np.asarray(keyword) > 0 if keyword is not None else np.zeros(scores.shape, dtype=bool)
        best = scores.max(axis=1, keepdims=True)
        keep = (scores >= self.threshold) & (scores >= best - self.margin)
        if self.max_themes < scores.shape[1]:
            order = np.argsort(-scores, axis=1, kind="stable")
            rank = np.empty_like(order)
            np.put_along_axis(rank, order, np.arange(scores.shape[1])[None, :].repeat(len(scores), 0), axis=1)
            keep &= rank < self.max_themes
        return keep | hits

    def predict(
        self,
        df: pd.DataFrame,
        text_col: str,
        *,
        id_col: str | None = None,
        roll_up: bool = False,
        progress: bool = False,
    ) -> pd.DataFrame:
        """Code a table of texts: long ``id, theme_id, score``, one row per assigned theme.

        Args:
            df: Table with the texts (not modified).
            text_col: Column holding the texts.
            id_col: Column holding the ids (default: the row position ``0..n-1``).
            roll_up: Also assign the ancestors of every assigned theme (score = best child score).
            progress: Show a progress bar while encoding.

        Returns:
            A new DataFrame ``id, theme_id, score`` in row order then score order;
            segments without a theme have no row.
        """
        ids, texts = _ids_and_texts(df, text_col, id_col)
        return self.code_components(ids, self.score_components(texts, progress=progress), roll_up=roll_up)

    def code_components(self, ids: list[str], comp: dict[str, np.ndarray], *,
                        roll_up: bool = False) -> pd.DataFrame:
        """Long ``id, theme_id, score`` from already computed :meth:`score_components`."""
        score = comp["score"]
        keep = self.decide(score, comp["keyword"])
        if roll_up:
            score, keep = self._roll_up(score, keep)
        return _long_coding(ids, self.codebook.ids, score, keep)

    def _roll_up(self, score: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        score, keep = score.copy(), keep.copy()
        ids = self.codebook.ids
        for j, tid in enumerate(ids):
            for anc in self.codebook.ancestors(tid):
                a = ids.index(anc)
                rows = keep[:, j]
                keep[rows, a] = True
                score[rows, a] = np.maximum(score[rows, a], score[rows, j])
        return score, keep

    def _check_fitted(self) -> None:
        if not self.fitted_:
            raise AreasError("Le modèle de codebook n'est pas entraîné : appelez fit() d'abord.")

    # ------------------------------------------------------------------ persistence

    def to_state(self) -> dict[str, Any]:
        """JSON-able state with numpy arrays (see :func:`~areas_analysis.themes.model.save_model`)."""
        self._check_fitted()
        return {
            "state_version": self._STATE_VERSION,
            "codebook": {**self.codebook.to_dict(), "source": self.codebook.source},
            "encoder": self.encoder.to_state(),
            "threshold": self.threshold,
            "margin": self.margin,
            "max_themes": self.max_themes,
            "weights": list(self.weights),
            "refine": self.refine,
            "label_keywords": self.label_keywords,
            "prototypes": self.prototypes_,
            "soft_words": self.soft_words_,
            "soft_forms": self.soft_forms_,
            "keyword_keys": self.keyword_keys_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> CodebookModel:
        """Rebuild a fitted model from :meth:`to_state` output."""
        if int(state.get("state_version", 0)) != cls._STATE_VERSION:
            raise AreasError("Modèle de codebook d'une version non prise en charge.")
        cb = dict(state["codebook"])
        source = str(cb.pop("source", "") or "<modèle>")
        model = cls(
            codebook_from_dict(cb, source=source),
            encoder=encoder_from_state(state["encoder"]),
            threshold=float(state["threshold"]),
            margin=float(state["margin"]),
            max_themes=int(state["max_themes"]),
            weights=tuple(float(w) for w in state["weights"]),  # type: ignore[arg-type]
            refine=bool(state["refine"]),
            label_keywords=bool(state.get("label_keywords", False)),
        )
        model.prototypes_ = np.asarray(state["prototypes"], dtype=np.float32)
        model.soft_words_ = [list(map(str, w)) for w in state["soft_words"]]
        model.soft_forms_ = [list(map(str, w)) for w in state["soft_forms"]]
        model.keyword_keys_ = [list(map(str, w)) for w in state["keyword_keys"]]
        model.fitted_ = True
        return model

    def __repr__(self) -> str:
        n = len(self.codebook.themes)
        return (f"CodebookModel({self.codebook.name!r} v{self.codebook.version}, {n} thèmes, "
                f"threshold={self.threshold}, margin={self.margin}, fitted={self.fitted_})")


# --------------------------------------------------------------------------- helpers


def _ids_and_texts(df: pd.DataFrame, text_col: str, id_col: str | None) -> tuple[list[str], list[str]]:
    """Ids (as strings) and texts of a table, with French errors for missing columns / duplicate ids."""
    problems = [Problem("<tableau>", "colonne absente", column=c) for c in (text_col, id_col)
                if c is not None and c not in df.columns]
    if problems:
        raise InputError(problems)
    if id_col is None:
        ids = [str(i) for i in range(len(df))]
    else:
        ids = df[id_col].astype("string").str.strip().fillna("").tolist()
        empty = [i for i, v in enumerate(ids) if not v]
        dup = pd.Series(ids)[pd.Series(ids).duplicated() & pd.Series(ids).ne("")]
        problems = [Problem("<tableau>", "identifiant vide", row=i + 2, column=id_col) for i in empty[:20]]
        problems += [Problem("<tableau>", f"identifiant en double « {ids[i]} »", row=int(i) + 2, column=id_col)
                     for i in dup.index[:20]]
        if problems:
            raise InputError(problems)
    texts = [t if isinstance(t, str) else "" for t in df[text_col].astype("object").tolist()]
    return ids, texts


def _long_coding(ids: list[str], theme_ids: list[str], score: np.ndarray, keep: np.ndarray) -> pd.DataFrame:
    """Long ``id, theme_id, score`` rows for the kept cells, by row then decreasing score."""
    rows_i, rows_j = np.nonzero(keep)
    s = score[rows_i, rows_j] if len(rows_i) else np.zeros(0)
    order = np.lexsort((rows_j, -s, rows_i))
    return pd.DataFrame({
        "id": pd.array([ids[i] for i in rows_i[order]], dtype="string"),
        "theme_id": pd.array([theme_ids[j] for j in rows_j[order]], dtype="string"),
        "score": s[order].astype(np.float64),
    })


def apply_codebook(
    df: pd.DataFrame,
    text_col: str,
    codebook: Codebook,
    *,
    id_col: str | None = None,
    encoder: SentenceEncoder | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    margin: float = DEFAULT_MARGIN,
    max_themes: int = 3,
    roll_up: bool = False,
    refine: bool = True,
    label_keywords: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Code segments with a codebook (deductive coding, no labelled data).

    Fits a :class:`CodebookModel` on the texts (encoder word weights and
    principal component, unless ``encoder`` is already fitted) and codes them.
    Use :class:`CodebookModel` directly to keep the fitted model for the next cycle.

    Args:
        df: Table of segments or answers (not modified).
        text_col: Column holding the texts.
        codebook: The codebook (see :func:`load_codebook`).
        id_col: Column holding the ids (default: row position).
        encoder: A sentence encoder (default :func:`~areas_analysis.themes.encoders.make_encoder`);
            fitted ones are used as they are.
        threshold: Minimum score for a theme (default calibrated on the benchmark sets).
        margin: Themes within this margin of the best score are also assigned.
        max_themes: At most this many themes per segment.
        roll_up: A child theme also assigns its parent(s).
        refine: Self-train the prototypes on the corpus (see :class:`CodebookModel`).
        label_keywords: Use the content words of the labels as keywords too (see :class:`CodebookModel`).
        progress: Show a progress bar while encoding.

    Returns:
        Long ``id, theme_id, score``, one row per assigned theme (zero, one or several per segment).
    """
    ids, texts = _ids_and_texts(df, text_col, id_col)
    model = CodebookModel(codebook, encoder=encoder, threshold=threshold, margin=margin,
                          max_themes=max_themes, refine=refine, label_keywords=label_keywords).fit(texts)
    comp = model.score_components(texts, progress=progress)
    score = comp["score"]
    keep = model.decide(score, comp["keyword"])
    if roll_up:
        score, keep = model._roll_up(score, keep)
    return _long_coding(ids, codebook.ids, score, keep)
