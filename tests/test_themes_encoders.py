"""Swappable sentence encoders (real USE multilingual, real spaCy vectors) and the embedding cache."""

from __future__ import annotations

import numpy as np
import pytest

from areas_analysis.errors import AreasError
from areas_analysis.themes import CodebookModel, USEEncoder, make_encoder
from areas_analysis.themes.codebook import Codebook
from areas_analysis.themes.embed import TextEncoder
from areas_analysis.themes.encoders import EmbeddingCache, available_threads, encoder_from_state
from areas_analysis.themes.model import load_model, save_model

TEXTS = ["Plus de médecin traitant depuis le départ en retraite", "Le bus ne passe que deux fois par jour",
         "Ma voisine vit seule et ne voit personne", "", "Impossible de trouver un généraliste"]


@pytest.fixture(scope="module")
def use_vectors(tmp_path_factory) -> tuple[np.ndarray, str]:
    cache = tmp_path_factory.mktemp("cache")
    return USEEncoder(cache_dir=cache).transform(TEXTS), str(cache)


def test_use_vectors_are_unit_rows_and_zero_for_empty(use_vectors) -> None:
    x, _ = use_vectors
    assert x.shape == (5, 512) and x.dtype == np.float32
    norms = np.linalg.norm(x, axis=1)
    assert np.allclose(norms[[0, 1, 2, 4]], 1.0, atol=1e-5) and norms[3] == 0
    # two doctor answers closer to each other than to the bus answer (multilingual sentence semantics)
    assert x[0] @ x[4] > x[0] @ x[1]


def test_cache_serves_vectors_without_loading_the_model(use_vectors) -> None:
    x, cache = use_vectors
    again = USEEncoder(cache_dir=cache)
    y = again.transform(list(reversed(TEXTS)))
    assert again._model is None  # every vector came from the cache
    assert np.array_equal(y, x[::-1])
    no_cache = USEEncoder(cache_dir=None)
    no_cache.transform(TEXTS[:1])
    assert no_cache._model is not None  # without a cache, the model runs


def test_cache_key_depends_on_the_encoder_version(tmp_path) -> None:
    a = EmbeddingCache(tmp_path, "use-m3-1")
    a.put([EmbeddingCache.text_key("x")], np.ones((1, 3), dtype=np.float32))
    found, missing = EmbeddingCache(tmp_path, "use-m3-2").get([EmbeddingCache.text_key("x")])
    assert missing == [0] and found[0] is None
    found, missing = EmbeddingCache(tmp_path, "use-m3-1").get([EmbeddingCache.text_key("x")])
    assert missing == [] and np.array_equal(found[0], np.ones(3))


def test_a_damaged_shard_is_ignored(tmp_path) -> None:
    cache = EmbeddingCache(tmp_path, "k")
    cache.directory.mkdir(parents=True)
    (cache.directory / "broken.npz").write_bytes(b"not a zip")
    found, missing = cache.get([EmbeddingCache.text_key("x")])
    assert missing == [0]


def test_threads_follow_the_available_cores() -> None:
    assert USEEncoder(cache_dir=None).threads == available_threads() >= 1


def test_make_encoder_names() -> None:
    assert isinstance(make_encoder("use", cache_dir=None), USEEncoder)
    assert isinstance(make_encoder("accurate", cache_dir=None), USEEncoder)
    fast = make_encoder("fast")
    assert isinstance(fast, TextEncoder) and fast.lsa_components > 0
    with pytest.raises(AreasError, match="Encodeur inconnu"):
        make_encoder("bert")


def test_codebook_model_with_use_saved_and_reloaded(tmp_path) -> None:
    cb = Codebook.from_labels({"medecin": "Accès au médecin", "transport": "Transport et mobilité",
                               "isolement": "Isolement et solitude"})
    model = CodebookModel(cb, encoder=USEEncoder(cache_dir=None), refine=False).fit(TEXTS)
    save_model(model, tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert isinstance(loaded.encoder, USEEncoder)
    assert np.allclose(loaded.scores(TEXTS), model.scores(TEXTS), atol=1e-5)
    top = model.scores(TEXTS).argmax(axis=1)
    assert [cb.ids[j] for j in top[[0, 1, 2]]] == ["medecin", "transport", "isolement"]
    assert isinstance(encoder_from_state(TextEncoder().fit(TEXTS).to_state()), TextEncoder)
