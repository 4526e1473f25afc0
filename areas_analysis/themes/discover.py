"""Inductive theme discovery on French segments or open answers.

:func:`discover_themes` proposes themes in a corpus of 3 to 100,000 texts and
returns one theme per text, a table of themes with readable French labels, and
a :class:`DiscoveryModel` that codes the next cycle's texts with the same theme
ids (nearest centroid), saved with :func:`~areas_analysis.themes.model.save_model`.

Method (``method="auto"``):

1. texts are cleaned (workshop boilerplate stripped) and embedded with
   :class:`~areas_analysis.themes.embed.TextEncoder` (IDF-weighted word vectors
   with common component removed, plus an LSA block; see the discovery
   benchmark in ``benchmarks/results/discover.md`` for the measured choice);
2. corpora of at least :data:`BERTOPIC_MIN_DOCS` texts are clustered with
   BERTopic (Grootendorst 2022) on these precomputed embeddings: UMAP
   (McInnes et al. 2018, ``random_state`` fixed) then HDBSCAN (Campello et al.
   2013, "leaf" selection) with a minimum cluster size scaled to the corpus
   (``max(5, n/50)``), or k-means when a
   number of themes is asked. Corpora above ``max_fit_docs`` are clustered on a
   random sample and the rest is assigned to the nearest centroid;
3. smaller corpora (where HDBSCAN would call every text an outlier) are
   clustered with k-means on the embeddings, the number of themes chosen by
   the silhouette coefficient (Rousseeuw 1987) when not given;
4. HDBSCAN outliers are assigned to the nearest theme centroid, with half the
   score and ``outlier=True``, rather than left unassigned;
5. themes are numbered ``D01``, ``D02``... by decreasing size and labelled
   (:func:`~areas_analysis.themes.labels.label_themes`).

Scores are cosine similarities to the theme centroid (clipped to [0, 1]).
Same inputs and seed give identical outputs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import config
from ..errors import AreasError, InputError, Problem
from .embed import TextEncoder
from .encoders import SentenceEncoder, encoder_from_state
from .labels import label_themes

_log = logging.getLogger(__name__)

__all__ = [
    "BERTOPIC_MIN_DOCS",
    "DISCOVERY_ENCODER_OPTIONS",
    "DiscoveryModel",
    "DiscoveryResult",
    "default_discovery_encoder",
    "discover_themes",
]

#: Below this number of non-empty texts, ``method="auto"`` uses k-means + silhouette.
BERTOPIC_MIN_DOCS = 100
#: Options of the default discovery encoder (chosen on the discovery benchmark).
DISCOVERY_ENCODER_OPTIONS: dict[str, Any] = {
    "n_components_removed": 1,
    "lsa_components": 100,
    "lsa_weight": 0.5,
    "lemmatize": True,
}
#: Penalty applied to the score of HDBSCAN outliers re-assigned to the nearest theme.
OUTLIER_SCORE_FACTOR = 0.5
ASSIGNMENT_COLUMNS = ["id", "theme_id", "theme_label", "score", "outlier"]
THEME_COLUMNS = ["theme_id", "theme_label", "size", "top_words", "lemmas",
                 "exemplar_1", "exemplar_2", "exemplar_3", "method"]


def default_discovery_encoder(seed: int = config.DEFAULT_SEED) -> TextEncoder:
    """The encoder :func:`discover_themes` uses when none is given (unfitted)."""
    return TextEncoder(random_state=seed, **DISCOVERY_ENCODER_OPTIONS)


class DiscoveryModel:
    """Discovered themes as centroids: codes new texts with the same theme ids.

    Attributes:
        encoder: The fitted text encoder.
        theme_ids: ``["D01", "D02", ...]``.
        theme_labels: One readable label per theme.
        centroids: ``(k, d)`` L2-normalised centroids in the encoder's space.
        threshold: Similarity under which a new text is flagged ``outlier``
            (5th percentile of the similarities of the clustered discovery texts).
        method: How the themes were found (``bertopic-hdbscan``, ``kmeans``...).
        themes_table: The themes DataFrame of the discovery (labels, words, quotes).
    """

    MODEL_KIND = "DiscoveryModel"

    def __init__(self, encoder: SentenceEncoder, theme_ids: Sequence[str], theme_labels: Sequence[str],
                 centroids: np.ndarray, threshold: float, method: str, themes_table: pd.DataFrame) -> None:
        self.encoder = encoder
        self.theme_ids = list(theme_ids)
        self.theme_labels = list(theme_labels)
        self.centroids = np.asarray(centroids, dtype=np.float32)
        self.threshold = float(threshold)
        self.method = method
        self.themes_table = themes_table.reset_index(drop=True).copy()

    @property
    def themes(self) -> pd.DataFrame:
        """A copy of the themes table."""
        return self.themes_table.copy()

    def assign(self, texts: Sequence[str], ids: Sequence[Any] | None = None, *,
               progress: bool = False) -> pd.DataFrame:
        """Code new texts with the discovered themes (nearest centroid, cosine).

        Args:
            texts: Texts to code (missing values count as empty).
            ids: Identifier of each text (default: 0..n-1).
            progress: Show a progress bar while encoding.

        Returns:
            DataFrame ``id, theme_id, theme_label, score, outlier`` in input
            order; an empty text gets an empty ``theme_id`` and score 0.
        """
        texts = list(texts)
        if ids is None:
            ids = list(range(len(texts)))
        ids = list(ids)
        if len(ids) != len(texts):
            raise AreasError(f"{len(ids)} identifiants pour {len(texts)} textes : il en faut autant.")
        emb = self.encoder.transform(texts, progress=progress)
        theme, score, outlier = _nearest(emb, self.centroids)
        outlier |= score < self.threshold
        score = np.where(outlier & (theme >= 0), score * OUTLIER_SCORE_FACTOR, score)
        return _assignments(ids, theme, score, outlier, self.theme_ids, self.theme_labels)

    def to_state(self) -> dict[str, Any]:
        """JSON-able values and arrays (see :func:`~areas_analysis.themes.model.save_model`)."""
        table = self.themes_table
        return {
            "state_version": 1,
            "encoder": self.encoder.to_state(),
            "theme_ids": self.theme_ids,
            "theme_labels": self.theme_labels,
            "centroids": self.centroids,
            "threshold": self.threshold,
            "method": self.method,
            "themes_table": {c: [_plain(v) for v in table[c].tolist()] for c in table.columns},
            "themes_columns": list(table.columns),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> DiscoveryModel:
        """Rebuild a model from :meth:`to_state` output."""
        if int(state.get("state_version", 0)) != 1:
            raise AreasError("Modèle de thèmes d'une version non prise en charge.")
        table = pd.DataFrame({c: state["themes_table"][c] for c in state["themes_columns"]})
        return cls(encoder_from_state(state["encoder"]), state["theme_ids"], state["theme_labels"],
                   np.asarray(state["centroids"]), float(state["threshold"]), str(state["method"]), table)

    def __repr__(self) -> str:
        return f"DiscoveryModel({len(self.theme_ids)} thèmes, méthode={self.method!r})"


@dataclass(frozen=True)
class DiscoveryResult:
    """Output of :func:`discover_themes`.

    Attributes:
        assignments: ``id, theme_id, theme_label, score, outlier``, one row per
            input row, input order. ``outlier`` is true for an HDBSCAN outlier
            re-assigned to the nearest theme, an empty text (no theme, score 0),
            or — above ``max_fit_docs`` — a text outside the clustered sample
            whose similarity is under the model's threshold.
        themes: ``theme_id, theme_label, size, top_words, lemmas,
            exemplar_1..3, method``, one row per theme, ``D01`` the largest.
        model: Codes new texts with the same ids; save with ``save_model``.
    """

    assignments: pd.DataFrame
    themes: pd.DataFrame
    model: DiscoveryModel


def discover_themes(
    df: pd.DataFrame,
    text_col: str,
    *,
    id_col: str | None = None,
    seed: int = config.DEFAULT_SEED,
    n_themes: int | Literal["auto"] = "auto",
    encoder: SentenceEncoder | None = None,
    method: Literal["auto", "bertopic", "kmeans"] = "auto",
    progress: bool = False,
    max_fit_docs: int = 20_000,
    min_theme_size: int | None = None,
    umap_model: Any = None,
    cluster_model: Any = None,
) -> DiscoveryResult:
    """Propose themes in a corpus of French texts (see the module docstring).

    Args:
        df: One row per text (segment, open answer); not modified.
        text_col: Column holding the text.
        id_col: Column holding a unique id (default: the DataFrame index).
        seed: Seed of every random step (UMAP, k-means, samples).
        n_themes: Number of themes, or ``"auto"`` (HDBSCAN / silhouette).
        encoder: Sentence encoder (:mod:`~areas_analysis.themes.encoders`); fitted
            on the corpus if not fitted yet (a copy is fitted, the argument is not
            modified). Default: :func:`default_discovery_encoder`.
        method: ``"bertopic"`` (UMAP + HDBSCAN, or + k-means when ``n_themes``
            is a number), ``"kmeans"`` (on the embeddings), or ``"auto"``
            (BERTopic from :data:`BERTOPIC_MIN_DOCS` non-empty texts).
        progress: Show progress bars on long steps.
        max_fit_docs: Above this many texts, cluster a random sample of this
            size and assign the rest to the nearest centroid.
        min_theme_size: HDBSCAN minimum cluster size (default: scaled to the
            corpus, ``max(5, n/50)`` capped at 100; "leaf" cluster selection —
            measured best on the discovery benchmark).
        umap_model: Dimension reduction passed to BERTopic (default: UMAP with the
            module's settings, seeded); any object with ``fit``/``transform``.
        cluster_model: Clustering passed to BERTopic (default: HDBSCAN "leaf", or
            k-means when ``n_themes`` is a number); any object with ``fit``/``labels_``.

    Returns:
        A :class:`DiscoveryResult`.

    Raises:
        AreasError: missing columns, duplicate ids, no usable text, invalid
            ``n_themes`` or ``method`` (French messages).
    """
    texts, ids = _read_input(df, text_col, id_col)
    if method not in ("auto", "bertopic", "kmeans"):
        raise AreasError(f"Méthode inconnue « {method} » : choisir « auto », « bertopic » ou « kmeans ».")
    if not (n_themes == "auto" or (isinstance(n_themes, int | np.integer) and not isinstance(n_themes, bool))):
        raise AreasError(f"Nombre de thèmes invalide « {n_themes} » : un entier ≥ 1 ou « auto ».")
    if n_themes != "auto" and int(n_themes) < 1:
        raise AreasError(f"Nombre de thèmes invalide « {n_themes} » : un entier ≥ 1 ou « auto ».")

    if encoder is None:
        enc = default_discovery_encoder(seed)
    else:  # a fitted encoder is only read; an unfitted one is copied before fitting
        enc = encoder if encoder.fitted_ else encoder_from_state(encoder.to_state())
    emb = enc.transform(texts, progress=progress) if enc.fitted_ else enc.fit_transform(texts, progress=progress)
    valid = np.flatnonzero(np.linalg.norm(emb, axis=1) > 0)
    if len(valid) == 0:
        raise AreasError(
            f"Aucun texte exploitable dans la colonne « {text_col} » : textes vides ou sans mot porteur de sens."
        )
    n_distinct = len(np.unique(np.round(emb[valid], 5), axis=0))
    if n_themes != "auto" and int(n_themes) > n_distinct:
        raise AreasError(
            f"{n_themes} thèmes demandés mais seulement {n_distinct} textes différents exploitables dans "
            f"« {text_col} » : demandez au plus {n_distinct} thèmes."
        )

    rng = np.random.default_rng(seed)
    fit_idx = valid
    if len(valid) > max_fit_docs:
        fit_idx = np.sort(rng.choice(valid, max_fit_docs, replace=False))
    chosen = method
    if method == "auto":
        chosen = "bertopic" if len(valid) >= BERTOPIC_MIN_DOCS else "kmeans"
    if chosen == "bertopic" and len(fit_idx) < 10:
        chosen = "kmeans"  # UMAP/HDBSCAN cannot work on a handful of texts

    outlier = np.zeros(len(texts), dtype=bool)
    if n_distinct < 2 or len(valid) < 3 or n_themes == 1:
        labels_fit = np.zeros(len(fit_idx), dtype=np.int64)
        method_name = "un seul thème"
    elif chosen == "kmeans":
        k = int(n_themes) if n_themes != "auto" else _silhouette_k(emb[fit_idx], n_distinct, seed)
        labels_fit = _kmeans(emb[fit_idx], k, seed)
        method_name = "kmeans" if n_themes != "auto" else "kmeans-silhouette"
    else:
        mcs = min_theme_size or int(min(100, max(5, round(len(fit_idx) / 50))))
        labels_fit = _bertopic_labels([texts[i] for i in fit_idx], emb[fit_idx], n_themes, seed, mcs, progress,
                                      umap_model=umap_model, cluster_model=cluster_model)
        method_name = "bertopic-hdbscan" if n_themes == "auto" else "bertopic-kmeans"
        if (labels_fit >= 0).sum() == 0:  # HDBSCAN found nothing: fall back rather than all outliers
            k = _silhouette_k(emb[fit_idx], n_distinct, seed)
            labels_fit = _kmeans(emb[fit_idx], k, seed)
            method_name = "kmeans-silhouette (repli : HDBSCAN sans thème)"

    # centroids in the embedding space, themes ordered by size (ties: first document)
    raw_ids = sorted(set(labels_fit[labels_fit >= 0].tolist()))
    sizes = {c: int((labels_fit == c).sum()) for c in raw_ids}
    first = {c: int(np.flatnonzero(labels_fit == c)[0]) for c in raw_ids}
    ordered = sorted(raw_ids, key=lambda c: (-sizes[c], first[c]))
    remap = {c: i for i, c in enumerate(ordered)}
    theme = np.full(len(texts), -1, dtype=np.int64)
    theme[fit_idx] = [remap.get(int(c), -1) for c in labels_fit]
    centroids = np.stack([_unit(emb[theme == i].mean(axis=0)) for i in range(len(ordered))]).astype(np.float32)

    # HDBSCAN outliers and texts outside the fitted sample → nearest centroid
    sims_all = emb @ centroids.T
    todo = np.setdiff1d(valid, fit_idx[theme[fit_idx] >= 0])
    if len(todo):
        nearest = np.argmax(sims_all[todo], axis=1)
        theme[todo] = nearest
    outlier[np.intersect1d(todo, fit_idx)] = True
    score = np.zeros(len(texts), dtype=np.float64)
    score[valid] = np.clip(sims_all[valid, theme[valid]], 0.0, 1.0)
    clustered = fit_idx[~outlier[fit_idx]]
    threshold = float(np.quantile(score[clustered], 0.05)) if len(clustered) else 0.0
    # texts outside the fitted sample are coded as DiscoveryModel.assign codes new texts
    outside = np.setdiff1d(valid, fit_idx)
    outlier[outside[score[outside] < threshold]] = True
    outlier[np.setdiff1d(np.arange(len(texts)), valid)] = True
    score[outlier] *= OUTLIER_SCORE_FACTOR

    # labels, then reorder the table by the final sizes (outliers included)
    k = len(centroids)
    table = label_themes(texts, emb, theme, centroids, spacy_model=enc.spacy_model, seed=seed, progress=progress)
    theme_ids = [f"D{i + 1:02d}" if k < 100 else f"D{i + 1:03d}" for i in range(k)]
    theme_labels = _unique_labels(table["theme_label"].tolist())
    table = table.assign(theme_id=theme_ids, theme_label=theme_labels,
                         size=[int((theme == i).sum()) for i in range(k)], method=method_name)[THEME_COLUMNS]
    model = DiscoveryModel(enc, theme_ids, theme_labels, centroids, threshold, method_name, table)
    assignments = _assignments(ids, theme, score, outlier, theme_ids, theme_labels)
    return DiscoveryResult(assignments=assignments, themes=table.copy(), model=model)


# --------------------------------------------------------------------------- helpers

def _read_input(df: pd.DataFrame, text_col: str, id_col: str | None) -> tuple[list[str], list[Any]]:
    if not isinstance(df, pd.DataFrame):
        raise AreasError("discover_themes attend un tableau (DataFrame pandas).")
    missing = [c for c in (text_col, id_col) if c is not None and c not in df.columns]
    if missing:
        cols = ", ".join(f"« {c} »" for c in df.columns)
        raise AreasError(f"Colonne « {missing[0]} » absente des données (colonnes présentes : {cols}).")
    if len(df) == 0:
        raise AreasError("Aucune ligne à analyser : le tableau est vide.")
    texts = [t if isinstance(t, str) else "" for t in df[text_col].tolist()]
    if id_col is None:
        ids = df.index.tolist()
        if df.index.has_duplicates:
            raise AreasError("L'index du tableau contient des doublons : indiquez une colonne d'identifiants.")
        return texts, ids
    ids = df[id_col].tolist()
    problems = []
    seen: dict[Any, int] = {}
    for pos, v in enumerate(ids):
        if v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()):
            problems.append(Problem("données", "identifiant vide", row=pos + 2, column=id_col))
        elif v in seen:
            problems.append(Problem("données", f"identifiant « {v} » en double (déjà ligne {seen[v] + 2})",
                                    row=pos + 2, column=id_col))
        else:
            seen[v] = pos
    if problems:
        raise InputError(problems, header="Identifiants invalides pour la découverte de thèmes")
    return texts, ids


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def _nearest(emb: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest centroid, clipped cosine score, and "empty" flag per row."""
    sims = emb @ centroids.T
    theme = np.argmax(sims, axis=1).astype(np.int64)
    score = np.clip(sims[np.arange(len(emb)), theme], 0.0, 1.0).astype(np.float64)
    empty = ~(np.linalg.norm(emb, axis=1) > 0)
    theme[empty] = -1
    score[empty] = 0.0
    return theme, score, empty.copy()


def _assignments(ids: Sequence[Any], theme: np.ndarray, score: np.ndarray, outlier: np.ndarray,
                 theme_ids: list[str], theme_labels: list[str]) -> pd.DataFrame:
    tid = np.array([theme_ids[t] if t >= 0 else "" for t in theme], dtype=object)
    tlab = np.array([theme_labels[t] if t >= 0 else "" for t in theme], dtype=object)
    return pd.DataFrame({
        "id": list(ids),
        "theme_id": pd.array(tid, dtype="string"),
        "theme_label": pd.array(tlab, dtype="string"),
        "score": np.round(score, 6),
        "outlier": outlier.astype(bool),
    }, columns=ASSIGNMENT_COLUMNS)


def _kmeans(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    k = max(1, min(k, len(x)))
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x).astype(np.int64)


def _silhouette_k(x: np.ndarray, n_distinct: int, seed: int, k_max: int = 15) -> int:
    """Number of clusters in 2..k_max with the best cosine silhouette (k-means), on ≤ 3,000 rows."""
    from sklearn.metrics import silhouette_score

    if len(x) > 3000:
        x = x[np.sort(np.random.default_rng(seed).choice(len(x), 3000, replace=False))]
    upper = min(k_max, n_distinct - 1, len(x) - 1, max(2, len(x) // 3))
    if upper < 2:
        return min(2, n_distinct)
    best_k, best = 2, -np.inf
    for k in range(2, upper + 1):
        labels = _kmeans(x, k, seed)
        if len(set(labels.tolist())) < 2:
            continue
        s = silhouette_score(x, labels, metric="cosine")
        if s > best + 1e-9:
            best_k, best = k, s
    return best_k


def _bertopic_labels(texts: list[str], emb: np.ndarray, n_themes: int | str, seed: int,
                     min_cluster_size: int, progress: bool, *, umap_model: Any = None,
                     cluster_model: Any = None) -> np.ndarray:
    """Cluster with BERTopic on precomputed embeddings; returns topic per text (-1 = outlier)."""
    from hdbscan import HDBSCAN
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    from .text import FormAnalyzer

    BERTopic = _bertopic_class()
    cache_umap_compilation()
    n = len(texts)
    if umap_model is None:
        umap_model = UMAP(n_neighbors=min(15, n - 1), n_components=min(5, n - 2), min_dist=0.0, metric="cosine",
                          random_state=seed, init="spectral" if n > 20 else "random")
    if cluster_model is None and n_themes == "auto":
        # "leaf" selection: many mid-sized themes instead of eom's one or two giant clusters
        cluster_model = HDBSCAN(min_cluster_size=min_cluster_size, metric="euclidean",
                                cluster_selection_method="leaf", prediction_data=False)
    elif cluster_model is None:
        cluster_model = KMeans(n_clusters=int(n_themes), n_init=10, random_state=seed)
    topic_model = BERTopic(
        language="french",  # never used to download: embeddings are always given
        embedding_model=None,
        umap_model=umap_model,
        hdbscan_model=cluster_model,
        vectorizer_model=CountVectorizer(analyzer=FormAnalyzer()),  # fresh per model, accents kept
        calculate_probabilities=False,
        verbose=progress,
    )
    topics, _ = topic_model.fit_transform(texts, embeddings=emb.copy())  # copy: BERTopic may mutate
    return np.asarray(topics, dtype=np.int64)


#: Packages BERTopic imports only for optional backends and representations.
_BERTOPIC_OPTIONAL = ("sentence_transformers", "transformers")


def _bertopic_class() -> type:
    """Import BERTopic without loading sentence-transformers and transformers.

    BERTopic's package imports optional embedding backends and text-generation
    representations that load sentence-transformers and transformers (~3 s per
    process); it skips them itself when those packages are missing (its
    "lightweight" install). Embeddings and representations are always given
    here, so BERTopic never uses them: they are hidden during this one import
    when nothing has loaded them yet, and importable again right after.
    """
    import sys

    hidden = [m for m in _BERTOPIC_OPTIONAL if m not in sys.modules]
    if "bertopic" in sys.modules or len(hidden) < len(_BERTOPIC_OPTIONAL):
        from bertopic import BERTopic

        return BERTopic
    for module in hidden:
        sys.modules[module] = None  # type: ignore[assignment]  # import → ModuleNotFoundError
    try:
        from bertopic import BERTopic
    finally:
        for module in hidden:
            del sys.modules[module]
    return BERTopic


@lru_cache(maxsize=1)
def cache_umap_compilation() -> int:
    """Keep UMAP's numba-compiled functions on disk so only the first process compiles them.

    UMAP (0.5) compiles about a hundred numba functions without numba's on-disk
    cache, which costs 7–10 s in every new process (each notebook kernel) for a
    0.4 s reduction of a few hundred texts. This turns numba's own cache on for
    them (``Dispatcher.enable_caching``, what ``@njit(cache=True)`` does): the
    compiled code is stored beside UMAP's sources (or in numba's user cache
    directory when those are read-only) and reused while UMAP and numba are
    unchanged. The computation is the same; ``tests/test_themes_discover.py`` checks
    that a cached and an uncached process give identical coordinates.

    Returns:
        The number of functions whose cache was turned on (0 when numba cannot
        cache, e.g. nowhere writable: UMAP then compiles as before).
    """
    from numba.core.dispatcher import Dispatcher
    from umap import distances, layouts, sparse, spectral, umap_, utils

    enabled = 0
    for module in (umap_, layouts, utils, spectral, distances, sparse):
        for obj in vars(module).values():
            if isinstance(obj, Dispatcher) and type(obj._cache).__name__ == "NullCache":
                try:
                    obj.enable_caching()
                except RuntimeError as exc:  # no writable cache location
                    _log.info("cache numba indisponible pour UMAP : %s", exc)
                    return enabled
                enabled += 1
    return enabled


def _unique_labels(labels: list[str]) -> list[str]:
    out, seen = [], {}
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        out.append(lab if seen[lab] == 1 else f"{lab} ({seen[lab]})")
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v
