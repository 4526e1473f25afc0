"""Tests of theme discovery on tiny, messy and small real-looking French corpora (real spaCy, real BERTopic)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, homogeneity_score

from areas_analysis.errors import AreasError, InputError
from areas_analysis.themes.discover import DiscoveryModel, discover_themes
from areas_analysis.themes.labels import LABEL_SEPARATOR, ctfidf_top_terms
from areas_analysis.themes.model import load_model, save_model
from areas_analysis.themes.text import stop_words

THEMES = {
    "medecin": (["médecin traitant", "médecin généraliste", "rendez-vous chez le médecin", "généraliste",
                 "docteur"],
                ["introuvable depuis son départ en retraite", "délais de plusieurs mois",
                 "ne prend plus de nouveaux patients", "cabinet médical fermé", "attente très longue"]),
    "transport": (["bus", "car", "transport en commun", "navette", "taxi"],
                  ["ne passe plus le dimanche", "trop rare pour aller à l'hôpital", "horaires inadaptés",
                   "arrêt éloigné du village", "supprimé depuis l'été"]),
    "isolement": (["personnes âgées", "voisins isolés", "aînés", "veuve seule", "retraités"],
                  ["seules à domicile", "sans visite de la famille", "solitude pesante l'hiver",
                   "isolement social", "personne ne vient les voir"]),
}


def make_corpus(n_per_theme: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    openers = ["", "Les participants soulignent que ", "Il a été dit que ", "- ", "Idée : "]
    for theme, (subjects, predicates) in THEMES.items():
        for _ in range(n_per_theme):
            text = f"{rng.choice(openers)}{rng.choice(subjects)} {rng.choice(predicates)}"
            rows.append((theme, text))
    order = rng.permutation(len(rows))
    df = pd.DataFrame([rows[i] for i in order], columns=["truth", "texte"])
    df.insert(0, "segment_id", [f"A01-L{i:04d}-1" for i in range(len(df))])
    return df


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return make_corpus(40)  # 120 segments: BERTopic path


@pytest.fixture(scope="module")
def result(corpus: pd.DataFrame):
    return discover_themes(corpus, "texte", id_col="segment_id", seed=7)


def test_bertopic_path_finds_the_themes(corpus: pd.DataFrame, result) -> None:
    a, t = result.assignments, result.themes
    assert list(a.columns[:4]) == ["id", "theme_id", "theme_label", "score"]
    assert a["id"].tolist() == corpus["segment_id"].tolist()  # input order kept
    assert t["method"].iloc[0].startswith("bertopic")
    assert t["theme_id"].tolist() == [f"D{i:02d}" for i in range(1, len(t) + 1)]
    assert t["size"].is_monotonic_decreasing and t["size"].sum() == len(corpus)
    assert a["theme_id"].ne("").all()  # outliers re-assigned, none left without theme
    assert a["score"].between(0, 1).all()
    # templated texts form tight sub-themes: discovered themes must be pure (homogeneity), not few
    homogeneity = homogeneity_score(corpus["truth"], a["theme_id"].astype(str))
    print(f"\nhomogeneity on the synthetic 3-theme corpus: {homogeneity:.2f} ({len(t)} themes)")
    assert homogeneity > 0.8 and 3 <= len(t) <= 20


def test_labels_are_french_content_words_with_accents(result) -> None:
    t = result.themes
    sw = stop_words()
    for label in t["theme_label"]:
        words = label.split(LABEL_SEPARATOR)
        assert words and all(w not in sw for w in words)
    all_words = ", ".join(t["top_words"]).split(", ")
    assert any(w in all_words for w in ("médecin", "âgées", "hôpital", "délais", "généraliste"))
    assert not {"participants", "soulignent", "dit", "idée"} & set(all_words)  # boilerplate stripped
    for col in ("exemplar_1", "exemplar_2", "exemplar_3"):
        assert t[col].str.len().gt(0).all()


def test_model_codes_new_texts_with_stable_ids_after_save_and_load(result, tmp_path) -> None:
    new = ["Plus aucun médecin généraliste dans la commune", "Le bus ne passe plus le dimanche", "", None]
    before = result.model.assign(new, ids=["n1", "n2", "n3", "n4"])
    loaded = load_model(save_model(result.model, tmp_path / "modele"))
    assert isinstance(loaded, DiscoveryModel)
    after = loaded.assign(new, ids=["n1", "n2", "n3", "n4"])
    pd.testing.assert_frame_equal(before, after)
    assert after["theme_id"].iloc[2] == "" and after["score"].iloc[2] == 0.0
    assert after["theme_id"].iloc[0] != after["theme_id"].iloc[1]
    pd.testing.assert_frame_equal(loaded.themes, result.themes)


def test_deterministic_byte_identical_csv(corpus: pd.DataFrame, result, tmp_path) -> None:
    again = discover_themes(corpus.copy(), "texte", id_col="segment_id", seed=7)
    pairs = (("a", result.assignments, again.assignments), ("t", result.themes, again.themes))
    for name, frame_a, frame_b in pairs:
        pa, pb = tmp_path / f"{name}1.csv", tmp_path / f"{name}2.csv"
        frame_a.to_csv(pa, index=False)
        frame_b.to_csv(pb, index=False)
        assert pa.read_bytes() == pb.read_bytes()


def test_does_not_mutate_input(corpus: pd.DataFrame) -> None:
    small = corpus.head(30)
    copy = small.copy()
    discover_themes(small, "texte", id_col="segment_id", n_themes=3)
    pd.testing.assert_frame_equal(small, copy)


def test_three_segments() -> None:
    df = pd.DataFrame({"t": ["Pas de médecin traitant", "Le médecin part en retraite", "Aucun bus le dimanche"]})
    r = discover_themes(df, "t")
    assert len(r.assignments) == 3 and r.assignments["theme_id"].ne("").all()
    assert 1 <= len(r.themes) <= 2


def test_messy_corpus_duplicates_empty_one_word() -> None:
    texts = ["Médecin", "médecin !", "", None, "   ", "bus", "Bus", "le la les", "Pharmacie fermée le samedi",
             "Pharmacie fermée le samedi", "Hôpital trop loin", "Solitude des aînés", "Solitude", "Taxi"]
    df = pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "txt": texts})
    r = discover_themes(df, "txt", id_col="id")
    a = r.assignments
    assert a["id"].tolist() == df["id"].tolist()
    empty = a["id"].isin(["r2", "r3", "r4", "r7"])
    assert a.loc[empty, "theme_id"].eq("").all() and a.loc[empty, "score"].eq(0).all()
    assert a.loc[~empty, "theme_id"].ne("").all()
    assert a.loc[a["id"] == "r8", "theme_id"].item() == a.loc[a["id"] == "r9", "theme_id"].item()
    assert a.loc[a["id"] == "r0", "theme_id"].item() == a.loc[a["id"] == "r1", "theme_id"].item()


def test_all_identical_texts_give_one_theme() -> None:
    df = pd.DataFrame({"t": ["Le bus ne passe plus"] * 8})
    r = discover_themes(df, "t")
    assert r.themes["theme_id"].tolist() == ["D01"] and r.themes["size"].item() == 8
    assert r.assignments["score"].gt(0.99).all()


def test_requested_number_of_themes_on_small_corpus() -> None:
    df = make_corpus(6, seed=3)
    r = discover_themes(df, "texte", id_col="segment_id", n_themes=3, seed=1)
    assert len(r.themes) == 3 and r.themes["method"].iloc[0] == "kmeans"
    assert adjusted_rand_score(df["truth"], r.assignments["theme_id"].astype(str)) > 0.3


def test_french_errors() -> None:
    df = pd.DataFrame({"id": ["a", "a", "b"], "t": ["médecin", "bus", "seul"]})
    with pytest.raises(AreasError, match="Colonne « texte » absente"):
        discover_themes(df, "texte")
    with pytest.raises(InputError, match="en double"):
        discover_themes(df, "t", id_col="id")
    with pytest.raises(AreasError, match="Aucun texte exploitable"):
        discover_themes(pd.DataFrame({"t": ["", None, "le la"]}), "t")
    with pytest.raises(AreasError, match="au plus 3 thèmes"):
        discover_themes(pd.DataFrame({"t": ["médecin", "bus", "seul"]}), "t", n_themes=5)
    with pytest.raises(AreasError, match="Méthode inconnue"):
        discover_themes(pd.DataFrame({"t": ["médecin", "bus", "seul"]}), "t", method="lda")


def test_ctfidf_against_hand_computation() -> None:
    tokens = [["médecin", "délai"], ["médecin"], ["bus", "délai"], ["bus", "bus"]]
    top = ctfidf_top_terms(tokens, [0, 0, 1, 1], n_terms=3)
    # class 0: tf l1 = médecin 2/3, délai 1/3; class 1: bus 3/4, délai 1/4; A = (3 + 4) / 2
    a = 3.5
    expected_med = 2 / 3 * np.log(1 + a / 2)
    expected_bus = 3 / 4 * np.log(1 + a / 3)
    assert top[0][0][0] == "médecin" and top[0][0][1] == pytest.approx(expected_med)
    assert top[1][0][0] == "bus" and top[1][0][1] == pytest.approx(expected_bus)
    assert top[1][1][1] == pytest.approx(1 / 4 * np.log(1 + a / 2))


def test_saved_model_codes_new_texts(result, tmp_path) -> None:
    model = load_model(save_model(result.model, tmp_path / "m"))
    texts = make_corpus(700, seed=11)["texte"].tolist()[:2000]
    coded = model.assign(texts)
    assert len(coded) == len(texts) and coded["theme_id"].ne("").all()


@pytest.mark.benchmark
def test_coding_throughput_with_saved_model(result, tmp_path) -> None:
    """Speed is measured outside the default run (a loaded CI machine is not a benchmark)."""
    import time

    model = load_model(save_model(result.model, tmp_path / "m"))
    texts = make_corpus(700, seed=11)["texte"].tolist()[:2000]
    model.assign(texts[:20])
    t0 = time.perf_counter()
    coded = model.assign(texts)
    rate = len(texts) / (time.perf_counter() - t0)
    print(f"\nDiscoveryModel.assign after load: {rate:,.0f} segments/s")
    assert len(coded) == 2000 and coded["theme_id"].ne("").all()
    assert rate > 1000  # conservative floor on a shared 2-core machine (target: 5,000/s)


def test_forced_bertopic_on_a_tiny_corpus_does_not_leave_outliers() -> None:
    df = make_corpus(4, seed=2)  # 12 texts: HDBSCAN finds nothing, default BERTopic would crash or give -1
    r = discover_themes(df, "texte", id_col="segment_id", method="bertopic")
    assert r.assignments["theme_id"].ne("").all()
    assert "repli" in r.themes["method"].iloc[0] or r.themes["method"].iloc[0].startswith("bertopic")
    assert len(r.themes) >= 2


def test_large_corpus_path_samples_then_codes_the_rest_like_the_model(corpus: pd.DataFrame) -> None:
    r = discover_themes(corpus, "texte", id_col="segment_id", method="kmeans", n_themes=3, max_fit_docs=50)
    a = r.assignments
    assert len(a) == len(corpus) and a["theme_id"].ne("").all()
    again = r.model.assign(corpus["texte"].tolist(), ids=corpus["segment_id"].tolist())
    # texts outside the 50-text sample get exactly what the saved model would give them
    same = (again["theme_id"] == a["theme_id"]) & np.isclose(again["score"], a["score"])
    assert same.mean() >= (len(corpus) - 50) / len(corpus)


_UMAP_SCRIPT = """
import json, sys
import numpy as np
from numba.core.dispatcher import Dispatcher
from umap import UMAP, umap_
from areas_analysis.themes.discover import cache_umap_compilation
enabled = cache_umap_compilation() if sys.argv[1] == "cache" else 0
x = np.random.default_rng(0).normal(size=(120, 40)).astype(np.float32)
y = UMAP(n_neighbors=10, n_components=3, min_dist=0.0, metric="cosine", random_state=7).fit_transform(x)
hits = sum(sum(f.stats.cache_hits.values()) for f in vars(umap_).values() if isinstance(f, Dispatcher))
print(json.dumps({"enabled": enabled, "hits": hits, "y": y.tolist()}))
"""


def test_umap_compilation_cache_is_reused_and_changes_nothing() -> None:
    """A process that loads UMAP's compiled code from the disk cache gives the same coordinates."""
    import json
    import subprocess
    import sys

    def run(mode: str) -> dict:
        out = subprocess.run([sys.executable, "-c", _UMAP_SCRIPT, mode], capture_output=True, text=True,
                             check=True, timeout=300)
        return json.loads(out.stdout.strip().splitlines()[-1])

    plain, first, second = run("plain"), run("cache"), run("cache")
    assert plain["enabled"] == 0 and first["enabled"] > 50
    assert second["hits"] > 0  # the second process loaded compiled code instead of compiling it
    assert plain["hits"] == 0
    np.testing.assert_array_equal(np.array(plain["y"]), np.array(second["y"]))
    np.testing.assert_array_equal(np.array(first["y"]), np.array(second["y"]))
