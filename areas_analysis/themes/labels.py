"""Readable French labels for discovered themes.

A theme found by clustering is only useful if a researcher can read it. Each
theme gets:

* **top words**: the forms that distinguish the theme from the others, ranked
  by class-based TF-IDF (c-TF-IDF, Grootendorst 2022, *BERTopic: Neural topic
  modeling with a class-based TF-IDF procedure*, arXiv:2203.05794):
  ``w(t, c) = tf(t, c) / |c| · log(1 + A / f(t))`` with ``tf`` the count of term
  ``t`` in the documents of class ``c`` (l1-normalised per class), ``f(t)`` its
  count over all classes and ``A`` the mean number of words per class;
* **lemmas**: the same ranking on lemmas (full spaCy pipeline), computed on a
  bounded sample of each theme because lemmatisation is slow;
* a short **label**: the three first lemmas, e.g. ``"médecin · rendez-vous · délai"``;
* **three exemplar quotes**: the distinct texts closest to the theme centroid.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import config
from .text import content_forms, content_lemma_pairs

__all__ = ["LABEL_SEPARATOR", "LABEL_STOP_WORDS", "ctfidf_top_terms", "exemplars", "label_themes"]

#: Separator between the words of a theme label.
LABEL_SEPARATOR = " · "
#: Words kept in embeddings (they carry meaning in a sentence) but too vague to
#: name a theme on their own: negations, quantifiers, auxiliaries' forms.
LABEL_STOP_WORDS: frozenset[str] = frozenset(
    {"pas", "plus", "moins", "sans", "trop", "peu", "assez", "été", "bien", "très", "aussi", "ans", "an",
     "non", "oui", "tout", "tous", "toute", "toutes", "autre", "autres", "même", "mêmes", "faudrait",
     "falloir", "pouvoir", "devoir", "vouloir", "faire", "être", "avoir", "aller", "dire", "mettre",
     "donner", "prendre", "exemple", "chose", "choses", "gens", "fois", "vraiment", "ensuite", "encore"}
)


def ctfidf_top_terms(
    tokens: Sequence[Sequence[str]],
    classes: Sequence[int] | np.ndarray,
    *,
    n_terms: int = 10,
    min_count: int = 1,
) -> dict[int, list[tuple[str, float]]]:
    """Top terms per class by class-based TF-IDF (BERTopic's c-TF-IDF).

    Args:
        tokens: Tokens (forms or lemmas) of each document.
        classes: Class of each document (negative values are ignored).
        n_terms: Number of terms kept per class.
        min_count: Terms seen fewer times over the corpus are ignored.

    Returns:
        ``{class: [(term, weight), ...]}``, best first; ties broken by term
        order, so the result is deterministic.
    """
    classes = np.asarray(classes)
    keep_docs = [i for i, c in enumerate(classes) if c >= 0]
    labels = sorted({int(classes[i]) for i in keep_docs})
    if not labels:
        return {}
    vocab: dict[str, int] = {}
    rows, cols = [], []
    row_of = {c: r for r, c in enumerate(labels)}
    for i in keep_docs:
        r = row_of[int(classes[i])]
        for t in tokens[i]:
            j = vocab.setdefault(t, len(vocab))
            rows.append(r)
            cols.append(j)
    out: dict[int, list[tuple[str, float]]] = {c: [] for c in labels}
    if not vocab:
        return out
    terms = np.array(sorted(vocab), dtype=object)
    remap = np.empty(len(vocab), dtype=np.int64)
    remap[[vocab[t] for t in terms]] = np.arange(len(terms))
    m = sp.csr_matrix((np.ones(len(rows)), (rows, remap[np.asarray(cols)])), shape=(len(labels), len(terms)))
    m.sum_duplicates()
    counts = np.asarray(m.sum(axis=0)).ravel()
    words_per_class = np.asarray(m.sum(axis=1)).ravel()
    avg = float(words_per_class.mean())
    idf = np.log(1.0 + avg / np.maximum(counts, 1.0))
    tf = sp.diags(1.0 / np.maximum(words_per_class, 1.0)) @ m
    w = (tf @ sp.diags(idf)).tocsr()
    eligible = counts >= min_count
    for r, c in enumerate(labels):
        row = w.getrow(r)
        idx, vals = row.indices, row.data
        ok = eligible[idx] & (vals > 0)
        idx, vals = idx[ok], vals[ok]
        order = np.lexsort((idx, -vals))[:n_terms]  # weight desc, then alphabetical
        out[c] = [(str(terms[idx[k]]), float(vals[k])) for k in order]
    return out


def exemplars(
    texts: Sequence[str],
    embeddings: np.ndarray,
    classes: Sequence[int] | np.ndarray,
    centroids: np.ndarray,
    *,
    n: int = 3,
    max_chars: int = 300,
) -> dict[int, list[str]]:
    """The ``n`` distinct texts of each class closest to its centroid (cosine).

    Args:
        texts: Original texts.
        embeddings: L2-normalised document vectors.
        classes: Class index of each document (row of ``centroids``; negative = none).
        centroids: L2-normalised class centroids.
        n: Number of quotes per class.
        max_chars: Longer quotes are cut at a word boundary and end with "…".

    Returns:
        ``{class: [quote, ...]}`` (fewer than ``n`` when the class has fewer distinct texts).
    """
    classes = np.asarray(classes)
    out: dict[int, list[str]] = {}
    for c in range(len(centroids)):
        idx = np.flatnonzero(classes == c)
        sims = embeddings[idx] @ centroids[c]
        order = idx[np.lexsort((idx, -sims))]
        quotes: list[str] = []
        seen: set[str] = set()
        for i in order:
            text = " ".join(str(texts[i]).split())
            key = text.lower()
            if not text or key in seen:
                continue
            seen.add(key)
            quotes.append(_shorten(text, max_chars))
            if len(quotes) == n:
                break
        out[c] = quotes
    return out


def label_themes(
    texts: Sequence[str],
    embeddings: np.ndarray,
    classes: Sequence[int] | np.ndarray,
    centroids: np.ndarray,
    *,
    forms: Sequence[Sequence[str]] | None = None,
    spacy_model: str = config.SPACY_MODEL,
    n_words: int = 10,
    lemma_sample_per_theme: int = 200,
    seed: int = config.DEFAULT_SEED,
    progress: bool = False,
) -> pd.DataFrame:
    """Top words, lemmas, a short label and exemplar quotes for each theme.

    Args:
        texts: Original texts (one per document).
        embeddings: L2-normalised document vectors (rows of ``texts``).
        classes: Theme index of each document, ``0..k-1`` (negative = unassigned).
        centroids: ``(k, d)`` L2-normalised centroids.
        forms: Content forms per document if already computed (else tokenised here).
        spacy_model: spaCy pipeline for lemmas.
        n_words: Number of top words and lemmas kept.
        lemma_sample_per_theme: Documents per theme lemmatised at most (random
            sample with ``seed``, the closest to the centroid first).
        seed: Seed of the lemma sample.
        progress: Show a progress bar for lemmatisation.

    Returns:
        DataFrame with one row per theme index ``0..k-1``: ``theme``,
        ``theme_label``, ``top_words``, ``lemmas``, ``exemplar_1..3``.
    """
    classes = np.asarray(classes)
    k = len(centroids)
    if forms is None:
        forms = content_forms(texts, spacy_model=spacy_model)
    forms = [[w for w in f if w not in LABEL_STOP_WORDS] for f in forms]
    top_forms = ctfidf_top_terms(forms, classes, n_terms=n_words)
    # bounded lemma sample: half closest to the centroid, half random
    rng = np.random.default_rng(seed)
    sample: list[int] = []
    for c in range(k):
        idx = np.flatnonzero(classes == c)
        if len(idx) > lemma_sample_per_theme:
            sims = embeddings[idx] @ centroids[c]
            close = idx[np.lexsort((idx, -sims))][: lemma_sample_per_theme // 2]
            rest = np.setdiff1d(idx, close)
            extra = rng.choice(rest, lemma_sample_per_theme - len(close), replace=False)
            idx = np.sort(np.concatenate([close, extra]))
        sample.extend(idx.tolist())
    sample.sort()
    sample_texts = [texts[i] for i in sample]
    chunks = [sample_texts[i : i + 256] for i in range(0, len(sample_texts), 256)]
    if progress:
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, desc="Lemmes des thèmes", unit="lot")
    pairs = [doc for chunk in chunks for doc in content_lemma_pairs(chunk, spacy_model=spacy_model)]
    lemmas = [[lem for lem, _ in doc if lem not in LABEL_STOP_WORDS] for doc in pairs]
    display = _lemma_display(pairs, spacy_model)
    top_lemmas = ctfidf_top_terms(lemmas, classes[sample], n_terms=n_words)
    quotes = exemplars(texts, embeddings, classes, centroids)
    rows = []
    for c in range(k):
        words = [w for w, _ in top_forms.get(c, [])]
        lems = [display.get(w, w) for w, _ in top_lemmas.get(c, [])]
        label_words = _dedupe_label(lems or words)[:3]
        q = quotes.get(c, []) + [""] * 3
        rows.append({
            "theme": c,
            "theme_label": LABEL_SEPARATOR.join(label_words) if label_words else "(sans mot distinctif)",
            "top_words": ", ".join(words),
            "lemmas": ", ".join(lems),
            "exemplar_1": q[0],
            "exemplar_2": q[1],
            "exemplar_3": q[2],
        })
    return pd.DataFrame(rows, columns=["theme", "theme_label", "top_words", "lemmas",
                                       "exemplar_1", "exemplar_2", "exemplar_3"])


def _lemma_display(pairs: Sequence[Sequence[tuple[str, str]]], spacy_model: str) -> dict[str, str]:
    """How to show each lemma in a label.

    The lemma itself if it is a real word (seen in the texts or in the word-vector
    vocabulary), else its most frequent form: spaCy sometimes invents lemmas
    ("absent" → "abser", "rendez-vous" → "rendre-vous").
    """
    from collections import Counter, defaultdict

    from ..nlp import load_spacy

    vocab = load_spacy(spacy_model).vocab
    has_vectors = vocab.vectors.shape[0] > 0
    seen_forms = {form for doc in pairs for _, form in doc}
    seen_forms |= {lemma for doc in pairs for lemma, _ in doc if has_vectors and vocab.has_vector(lemma)}
    forms_of: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in pairs:
        for lemma, form in doc:
            forms_of[lemma][form] += 1
    return {
        lemma: lemma if lemma in seen_forms else sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        for lemma, c in forms_of.items()
    }


def _dedupe_label(words: list[str]) -> list[str]:
    """Drop words that repeat an earlier one (same stem of 5+ letters, or contained in it)."""
    out: list[str] = []
    for w in words:
        if any(w in o or o in w or (len(w) >= 5 and len(o) >= 5 and w[:5] == o[:5]) for o in out):
            continue
        out.append(w)
    return out


def _shorten(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + " …"
