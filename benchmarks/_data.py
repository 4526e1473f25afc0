"""Loaders of the real human-coded public data for the discovery benchmarks.

Read in place from ``config.SHARED_DIR / "external"`` (see its MANIFEST.md for
sources and licences); nothing is copied into the repository. Every loader
returns a DataFrame ``id, text, label`` (one row per document, file order) where
``label`` is the single human class used for NMI/ARI:

* ELF (Entendre la France, Grand Débat 2019): one set per question; answers are
  multi-label, the primary tag is the one with the highest ``count``, ties
  broken by file order (``count`` is 1 everywhere in this extract, so it is the
  first tag listed). ``&&`` separators between the parts of an answer become
  line breaks.
* SIB-200 French: train + dev + test, 7 topics.
* MasakhaNEWS French: dev + test (633 items), headline + text, 5 topics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from areas_analysis import config

EXTERNAL = config.SHARED_DIR / "external"


def load_elf_all() -> pd.DataFrame:
    """All ELF answers: ``id, question, text, label`` (primary tag), ``n_tags``."""
    raw = pd.read_csv(EXTERNAL / "elf_coded_answers.csv", sep=";", dtype=str, keep_default_na=False)
    raw["count"] = pd.to_numeric(raw["count"], errors="coerce").fillna(0)
    raw["order"] = np.arange(len(raw))
    raw["id"] = raw["contribution"].str.replace(r"\s+", "", regex=True)
    ranked = raw.sort_values(["id", "count", "order"], ascending=[True, False, True], kind="stable")
    primary = ranked.drop_duplicates("id")[["id", "tag"]].rename(columns={"tag": "label"})
    n_tags = raw.groupby("id")["tag"].nunique().rename("n_tags")
    first = raw.sort_values("order").drop_duplicates("id")[["id", "question", "corpus", "order"]]
    out = first.merge(primary, on="id").merge(n_tags, on="id").sort_values("order")
    out["text"] = out["corpus"].str.replace("&&", "\n", regex=False).str.strip()
    return out[["id", "question", "text", "label", "n_tags"]].reset_index(drop=True)


def load_elf(min_docs: int = 30) -> dict[str, pd.DataFrame]:
    """ELF answers per question (questions with at least ``min_docs`` answers)."""
    allq = load_elf_all()
    return {
        q: df[["id", "text", "label"]].reset_index(drop=True)
        for q, df in allq.groupby("question", sort=True)
        if len(df) >= min_docs
    }


def load_sib200() -> pd.DataFrame:
    """SIB-200 French sentences (train + dev + test): ``id, text, label``."""
    parts = [
        pd.read_csv(EXTERNAL / "sib200_fra" / f"{split}.tsv", sep="\t", dtype=str, keep_default_na=False)
        for split in ("train", "dev", "test")
    ]
    df = pd.concat(parts, ignore_index=True)
    return pd.DataFrame({"id": "sib-" + df["index_id"], "text": df["text"], "label": df["category"]})


def load_masakhanews() -> pd.DataFrame:
    """MasakhaNEWS French (dev + test): ``id, text`` (headline + text), ``label``."""
    parts = []
    for split in ("dev", "test"):
        d = pd.read_csv(EXTERNAL / "masakhanews_fra" / f"{split}.tsv", sep="\t", dtype=str, keep_default_na=False)
        d["id"] = [f"mn-{split}-{i}" for i in range(len(d))]
        parts.append(d)
    df = pd.concat(parts, ignore_index=True)
    text = (df["headline"].str.strip() + ".\n" + df["text"].str.strip()).str.strip()
    return pd.DataFrame({"id": df["id"], "text": text, "label": df["category"]})


def all_sets(min_docs: int = 30) -> dict[str, pd.DataFrame]:
    """Every benchmark set by name: ``ELF <question>``, ``SIB-200``, ``MasakhaNEWS``."""
    sets = {f"ELF {q}": df for q, df in load_elf(min_docs).items()}
    sets["SIB-200"] = load_sib200()
    sets["MasakhaNEWS"] = load_masakhanews()
    return sets


def resample_texts(texts: list[str], n: int, seed: int = 0) -> list[str]:
    """``n`` texts drawn with replacement, lightly perturbed so that few are exact duplicates.

    Perturbations (each with some probability): drop one word, swap two
    neighbouring words, change the case of the first letter, add a trailing
    punctuation mark. Used by the scale benchmark.
    """
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(texts), size=n)
    out = []
    for i in idx:
        words = texts[i].split()
        if len(words) > 3 and rng.random() < 0.5:
            del words[int(rng.integers(len(words)))]
        if len(words) > 3 and rng.random() < 0.5:
            j = int(rng.integers(len(words) - 1))
            words[j], words[j + 1] = words[j + 1], words[j]
        s = " ".join(words)
        if s and rng.random() < 0.3:
            s = s[0].swapcase() + s[1:]
        if rng.random() < 0.3:
            s += str(rng.choice([" !", ".", " ?", "..."]))
        out.append(s)
    return out
