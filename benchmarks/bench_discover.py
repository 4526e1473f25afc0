"""Discovery benchmark on real human-coded French data, baselines in the same run.

Run from the repository root (outside the test suite; ~20-40 min on 2 cores):

    .venv/bin/python benchmarks/bench_discover.py                 # every section
    .venv/bin/python benchmarks/bench_discover.py --sections main  # main table only
    .venv/bin/python benchmarks/bench_discover.py --quick          # 3 ELF questions, fewer variants

Sections (results in ``benchmarks/results/discover.md`` and ``discover_*.csv``):

* ``main``: per data set, NMI / ARI against the human class (ELF: primary tag),
  number of themes and fit time for TF-IDF + k-means (k = true number), stock
  BERTopic with its spaCy backend (``fr_core_news_md``; default settings except
  UMAP ``random_state``), and ``discover_themes`` with k = true and "auto".
* ``representation``: encoder variants, all clustered with k-means (k = true).
* ``clustering``: clustering variants on the default encoder.
* ``small``: corpora of 40 texts (random subsamples), where BERTopic's defaults fail.

Data (read in place from ../shared/external, see MANIFEST.md): Entendre la France
(Grand Débat 2019 answers, La Grande Annotation tags, CC BY-SA 4.0), SIB-200
French (CC BY-SA 4.0), MasakhaNEWS French (AFL-3.0).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import all_sets  # noqa: E402

from areas_analysis.nlp import load_spacy  # noqa: E402
from areas_analysis.themes.discover import (  # noqa: E402
    DISCOVERY_ENCODER_OPTIONS,
    discover_themes,
)
from areas_analysis.themes.embed import TextEncoder  # noqa: E402
from areas_analysis.themes.encoders import make_encoder  # noqa: E402
from areas_analysis.themes.text import content_lemmas  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 42
warnings.filterwarnings("ignore")
logging.getLogger("BERTopic").setLevel(logging.WARNING)


def scores(y: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    labels = np.asarray([str(v) for v in labels])
    return {"nmi": normalized_mutual_info_score(y, labels), "ari": adjusted_rand_score(y, labels),
            "n_themes": len(set(labels) - {"-1", ""})}


def timed(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


# --------------------------------------------------------------------------- methods

def tfidf_kmeans(texts: list[str], k: int) -> np.ndarray:
    x = TfidfVectorizer(sublinear_tf=True, min_df=2 if len(texts) >= 20 else 1).fit_transform(texts)
    return KMeans(k, n_init=10, random_state=SEED).fit_predict(x)


def spacy_doc_vectors(texts: list[str]) -> np.ndarray:
    """What BERTopic's spaCy backend computes: ``doc.vector`` (zero when no token has a vector)."""
    nlp = load_spacy("fr_core_news_md", ("parser", "ner", "lemmatizer", "attribute_ruler", "morphologizer"))
    return np.stack([d.vector for d in nlp.pipe([t or " " for t in texts], batch_size=256)])


def stock_bertopic(texts: list[str]) -> np.ndarray:
    """BERTopic defaults with spaCy ``doc.vector`` embeddings, UMAP random_state fixed.

    BERTopic's spaCy backend crashes (E046 ``trf_data``) on any text without a
    known word, which real answers contain; the same ``doc.vector`` embeddings
    are therefore computed here (``nlp.pipe``, faster than the backend's loop)
    and passed to ``fit_transform`` with the spaCy model as ``embedding_model``.
    """
    from bertopic import BERTopic
    from umap import UMAP

    nlp = load_spacy("fr_core_news_md", ("parser", "ner", "lemmatizer", "attribute_ruler", "morphologizer"))
    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=SEED)
    try:
        emb = spacy_doc_vectors(texts)
        topics, _ = BERTopic(embedding_model=nlp, umap_model=umap_model).fit_transform(texts, embeddings=emb)
    except Exception as exc:  # noqa: BLE001 - BERTopic crashes on tiny corpora: record it
        print(f"    stock BERTopic failed: {type(exc).__name__}: {exc}")
        return np.full(len(texts), -1)
    return np.asarray(topics)


def ours(df: pd.DataFrame, n_themes: int | str, **kw) -> np.ndarray:
    r = discover_themes(df, "text", id_col="id", n_themes=n_themes, seed=SEED, **kw)
    return r.assignments["theme_id"].astype(str).to_numpy()


# --------------------------------------------------------------------------- sections

def section_main(sets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for name, df in sets.items():
        y, texts, k = df["label"].to_numpy(), df["text"].tolist(), df["label"].nunique()
        runs: dict[str, Callable[[], np.ndarray]] = {
            "TF-IDF + k-means (k vrai)": partial(tfidf_kmeans, texts, k),
            "BERTopic standard (spaCy md)": partial(stock_bertopic, texts),
            "AREAS discover (k vrai)": partial(ours, df, k),
            "AREAS discover (auto)": partial(ours, df, "auto"),
            "AREAS discover [USE] (k vrai)": partial(ours, df, k, encoder=make_encoder("use")),
            "AREAS discover [USE] (auto)": partial(ours, df, "auto", encoder=make_encoder("use")),
        }
        for method, fn in runs.items():
            labels, dt = timed(fn)
            out = scores(y, labels)
            outliers = float(np.mean(labels.astype(str) == "-1"))
            rows.append({"set": name, "n_docs": len(df), "n_classes": k, "method": method, **out,
                         "outliers": outliers, "fit_s": dt})
            print(f"  {name:12s} {method:32s} NMI {out['nmi']:.3f} ARI {out['ari']:.3f} "
                  f"thèmes {out['n_themes']:3d} hors-thème {outliers:.0%} {dt:6.1f}s", flush=True)
    return pd.DataFrame(rows)


REPRESENTATIONS: dict[str, dict] = {
    "spaCy doc.vector (moyenne de tous les tokens)": {"_docvector": True},
    "IDF, formes, 0 CP retirée": {"n_components_removed": 0},
    "IDF, formes, 1 CP retirée (TextEncoder par défaut)": {},
    "IDF, formes, 2 CP retirées": {"n_components_removed": 2},
    "SIF a/(a+p), formes, 1 CP": {"weighting": "sif"},
    "IDF, lemmes (table apprise), 1 CP": {"lemmatize": True},
    "IDF, lemmes spaCy complets (pipeline), 1 CP": {"_full_lemmas": True},
    "IDF + LSA 50 (poids 0.5), formes": {"lsa_components": 50, "lsa_weight": 0.5},
    "IDF + LSA 100 (poids 0.3), formes": {"lsa_components": 100, "lsa_weight": 0.3},
    "IDF + LSA 100 (poids 0.5), formes": {"lsa_components": 100, "lsa_weight": 0.5},
    "IDF + LSA 100 (poids 0.5), lemmes (découverte par défaut)": dict(DISCOVERY_ENCODER_OPTIONS),
    "USE multilingue (encodeur précis)": {"_encoder": "use"},
    "e5-small": {"_encoder": "e5"},
}


def encode_variant(texts: list[str], options: dict) -> np.ndarray:
    opts = dict(options)
    if "_encoder" in opts:
        return make_encoder(opts["_encoder"]).fit_transform(texts)
    if opts.pop("_docvector", False):
        x = spacy_doc_vectors(texts)
        n = np.linalg.norm(x, axis=1, keepdims=True)
        return x / np.where(n > 0, n, 1)
    if opts.pop("_full_lemmas", False):
        lemmas = [" ".join(lem) for lem in content_lemmas(texts)]
        return TextEncoder(clean=False, **opts).fit_transform(lemmas)
    return TextEncoder(**opts).fit_transform(texts)


def section_representation(sets: dict[str, pd.DataFrame], quick: bool) -> pd.DataFrame:
    rows = []
    variants = REPRESENTATIONS if not quick else {k: v for i, (k, v) in enumerate(REPRESENTATIONS.items())
                                                    if i in (0, 2, 10, 11)}
    for name, df in sets.items():
        y, texts, k = df["label"].to_numpy(), df["text"].tolist(), df["label"].nunique()
        for variant, options in variants.items():
            t0 = time.perf_counter()
            x = encode_variant(texts, options)
            t_enc = time.perf_counter() - t0
            labels = KMeans(k, n_init=10, random_state=SEED).fit_predict(x)
            rows.append({"set": name, "variant": variant, **scores(y, labels), "encode_s": t_enc})
        print(f"  representation: {name} done", flush=True)
    return pd.DataFrame(rows)


def section_clustering(sets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    from hdbscan import HDBSCAN
    from umap import UMAP

    rows = []
    for name, df in sets.items():
        y, texts, k, n = df["label"].to_numpy(), df["text"].tolist(), df["label"].nunique(), len(df)
        x = TextEncoder(**DISCOVERY_ENCODER_OPTIONS).fit_transform(texts)
        red, t_umap = timed(lambda x=x: UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                                             random_state=SEED).fit_transform(x))
        runs = {
            "k-means sur les vecteurs (k vrai)": partial(KMeans(k, n_init=10, random_state=SEED).fit_predict, x),
            "Ward sur les vecteurs (k vrai)": partial(AgglomerativeClustering(k).fit_predict, x),
            "UMAP 5d + k-means (k vrai)": partial(KMeans(k, n_init=10, random_state=SEED).fit_predict, red),
        }
        for sel in ("eom", "leaf"):
            for div in (200, 100, 50, 25):
                mcs = int(min(100, max(5, round(n / div))))
                runs[f"UMAP 5d + HDBSCAN {sel} (taille min max(5, n/{div})), hors-thème gardés"] = partial(
                    HDBSCAN(min_cluster_size=mcs, cluster_selection_method=sel).fit_predict, red)
        for variant, fn in runs.items():
            labels, dt = timed(fn)
            if variant.startswith("UMAP"):
                dt += t_umap
            rows.append({"set": name, "variant": variant, **scores(y, labels),
                         "outliers": float(np.mean(labels == -1)), "cluster_s": dt})
        print(f"  clustering: {name} done", flush=True)
    return pd.DataFrame(rows)


def section_small(sets: dict[str, pd.DataFrame], n_docs: int = 40, repeats: int = 5) -> pd.DataFrame:
    rows = []
    names = [s for s in ("SIB-200", "MasakhaNEWS", "ELF TE11", "ELF DC12", "ELF FI8") if s in sets]
    for name in names:
        full = sets[name]
        for rep in range(repeats):
            df = full.sample(n_docs, random_state=rep).reset_index(drop=True)
            y, texts, k = df["label"].to_numpy(), df["text"].tolist(), df["label"].nunique()
            runs: dict[str, Callable[[], np.ndarray]] = {
                "TF-IDF + k-means (k vrai)": lambda texts=texts, k=k: tfidf_kmeans(texts, k),
                "BERTopic standard (spaCy md)": lambda texts=texts: stock_bertopic(texts),
                "AREAS k-means (k vrai)": lambda df=df, k=k: ours(df, k, method="kmeans"),
                "AREAS UMAP + k-means (k vrai)": lambda df=df, k=k: ours(df, k, method="bertopic"),
                "AREAS auto (k-means + silhouette)": lambda df=df: ours(df, "auto"),
                "AREAS k-means (k vrai), encodeur sans CP ni LSA": lambda df=df, k=k: ours(
                    df, k, method="kmeans", encoder=TextEncoder(n_components_removed=0)),
                "AREAS k-means (k vrai), encodeur 1 CP sans LSA": lambda df=df, k=k: ours(
                    df, k, method="kmeans", encoder=TextEncoder()),
            }
            for method, fn in runs.items():
                labels, dt = timed(fn)
                rows.append({"set": f"{name} (n={n_docs})", "repeat": rep, "method": method,
                             **scores(y, labels), "outliers": float(np.mean(labels.astype(str) == "-1")),
                             "fit_s": dt})
        print(f"  small: {name} done", flush=True)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- reporting

def summarise(df: pd.DataFrame, key: str, metrics: list[str]) -> pd.DataFrame:
    """Mean over ELF questions ("ELF (moyenne 12 questions)") beside SIB-200 and MasakhaNEWS."""
    d = df.copy()
    n_elf = d.loc[d["set"].str.startswith("ELF "), "set"].nunique()
    d["groupe"] = np.where(d["set"].str.startswith("ELF "), f"ELF (moyenne {n_elf} questions)", d["set"])
    out = d.groupby(["groupe", key], sort=False)[metrics].mean().reset_index()
    return out


def to_markdown(df: pd.DataFrame) -> str:
    d = df.copy()
    for c in d.columns:
        if c in ("nmi", "ari"):
            d[c] = d[c].map(lambda v: f"{v:.3f}")
        elif c in ("outliers",):
            d[c] = d[c].map(lambda v: f"{v:.0%}")
        elif c.endswith("_s"):
            d[c] = d[c].map(lambda v: f"{v:.1f}")
        elif c == "n_themes":
            d[c] = d[c].map(lambda v: f"{v:.1f}" if v != int(v) else f"{int(v)}")
    cols = list(d.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in d.itertuples(index=False)]
    return "\n".join(lines)


SECTIONS = ("main", "representation", "clustering", "small")
TITLES = {
    "main": "Découverte : qualité face au codage humain et temps (même exécution)",
    "representation": "Variantes de représentation (toutes regroupées par k-means, k vrai)",
    "clustering": "Variantes de regroupement (encodeur de découverte par défaut)",
    "small": "Petits corpus (40 textes tirés au hasard, moyenne de 5 tirages)",
}
DISCOVER_HEADER = """# Benchmark de la découverte de thèmes (AREAS)

NMI et ARI entre les thèmes trouvés et la classe humaine (Entendre la France : étiquette principale,
c.-à-d. la première étiquette de la réponse ; SIB-200 ; MasakhaNEWS), nombre de thèmes, part de textes
hors-thème (-1) et temps. Les lignes « ELF » sont des moyennes sur 12 questions (15 à 35 étiquettes
chacune, réponses multi-étiquettes : tâche difficile, même entre humains). Les temps sont mesurés sur
une machine à 2 cœurs partagée avec d'autres tâches : ordres de grandeur.
« BERTopic standard » : réglages par défaut (UMAP `random_state` fixé), plongements spaCy `doc.vector`
de `fr_core_news_md` comme son backend spaCy ; ils sont calculés à part car ce backend plante (E046
`trf_data`) dès qu'un texte n'a aucun mot connu des vecteurs, ce qui arrive dans les vraies réponses.
AREAS rattache chaque texte hors-thème au thème le plus proche (colonne « outliers » à 0 % par
construction) et le signale (`outlier`, score divisé par deux) ; la part signalée figure dans `scale.md`.
Pour régénérer ce fichier sans rien recalculer : `--sections none`.
Détail par jeu de données : fichiers `discover_<section>.csv`.

Choix retenus d'après ces mesures (variantes essayées : sections 2 à 4) :

* **Représentation** : moyenne des vecteurs de mots spaCy pondérée par l'IDF, première composante
  principale retirée (Arora et al. 2017), table forme → lemme apprise sur le corpus, plus un bloc LSA
  de 100 dimensions (SVD de la matrice TF-IDF du corpus) pesant la moitié de la norme. Retirer 2 CP ou
  plus dégrade ; la pondération SIF a/(a+p) n'apporte rien face à l'IDF ; `doc.vector` (ce qu'utilise
  BERTopic avec spaCy) est de loin le pire.
* **Regroupement, nombre de thèmes connu** : UMAP 5d + k-means (meilleur sur ELF et MasakhaNEWS,
  un peu moins bon sur SIB-200 que k-means direct).
* **Regroupement « auto »** : UMAP 5d + HDBSCAN, sélection « leaf », taille minimale max(5, n/50)
  (« eom » fusionne parfois presque tout en 2 thèmes, p. ex. MasakhaNEWS) ; textes hors-thème
  rattachés au centroïde le plus proche, signalés (`outlier`) avec un score divisé par deux.
* **Petits corpus** (< 100 textes) : k-means sur les vecteurs, k choisi par silhouette ; BERTopic
  standard y met 50 à 100 % des textes hors-thème.
"""


def run_section(section: str, sets: dict[str, pd.DataFrame], quick: bool) -> tuple[str, pd.DataFrame]:
    if section == "main":
        return TITLES[section], section_main(sets)
    if section == "representation":
        return TITLES[section], section_representation(sets, quick)
    if section == "clustering":
        return TITLES[section], section_clustering(sets)
    return TITLES[section], section_small(sets)


def summary_markdown(section: str, table: pd.DataFrame) -> str:
    if section == "main":
        return to_markdown(summarise(table, "method", ["nmi", "ari", "n_themes", "outliers", "fit_s"]))
    if section == "representation":
        return to_markdown(summarise(table, "variant", ["nmi", "ari", "encode_s"]))
    if section == "clustering":
        return to_markdown(summarise(table, "variant", ["nmi", "ari", "n_themes", "outliers", "cluster_s"]))
    s = table.groupby(["set", "method"], sort=False)[["nmi", "ari", "n_themes", "outliers", "fit_s"]].mean()
    return to_markdown(s.reset_index())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", default="main,representation,clustering,small")
    ap.add_argument("--quick", action="store_true", help="3 ELF questions and fewer variants")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    sections = args.sections.split(",")
    sets = all_sets()
    if args.quick:
        keep = ("ELF DC11", "ELF TE12", "ELF II1", "SIB-200", "MasakhaNEWS")
        sets = {k: v for k, v in sets.items() if k in keep}
    args.out.mkdir(parents=True, exist_ok=True)
    load_spacy()
    stamp = time.strftime("%Y-%m-%d %H:%M")
    command = (f"`.venv/bin/python benchmarks/bench_discover.py --sections {args.sections}"
               f"{' --quick' if args.quick else ''}` ({stamp}, 2 cœurs partagés, graine {SEED})")
    for section in SECTIONS:
        if section not in sections:
            continue
        print(f"== {section}", flush=True)
        title, table = run_section(section, sets, args.quick)
        table.to_csv(args.out / f"discover_{section}.csv", index=False)
        text = "\n".join([f"## {title}", "", f"Commande : {command}.", "", summary_markdown(section, table), ""])
        (args.out / f"discover_{section}.md").write_text(text, encoding="utf-8")
        print(text, flush=True)
    # discover.md gathers the latest result of every section
    parts = [DISCOVER_HEADER]
    for section in SECTIONS:
        f = args.out / f"discover_{section}.md"
        if f.exists():
            parts.append(f.read_text(encoding="utf-8"))
    (args.out / "discover.md").write_text("\n".join(parts) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
