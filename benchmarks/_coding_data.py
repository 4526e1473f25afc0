"""Loaders for the human-coded public data used by the coding benchmark (read in place).

Each loader returns a :class:`CodingSet`: texts (``id, text``), the human coding
in the long format of ``docs/formats.md`` (``id, theme_id``) and a label-only
codebook (theme id → French label), the only knowledge codebook mode gets.
Data live in ``config.SHARED_DIR / "external"`` and are never copied.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from areas_analysis import config

EXTERNAL = config.SHARED_DIR / "external"

#: French labels given to codebook mode for SIB-200 and MasakhaNEWS categories.
SIB_LABELS = {
    "science/technology": "science et technologie",
    "travel": "voyage et tourisme",
    "politics": "politique",
    "sports": "sport",
    "health": "santé",
    "entertainment": "divertissement",
    "geography": "géographie",
}
MASAKHA_LABELS = {
    "business": "économie et entreprises",
    "health": "santé",
    "politics": "politique",
    "sports": "sport",
    "technology": "technologie",
}


@dataclass(frozen=True)
class CodingSet:
    """One benchmark data set: texts, human long coding, label-only codebook."""

    name: str
    texts: pd.DataFrame  # id, text
    gold: pd.DataFrame  # id, theme_id (one row per human tag)
    labels: dict[str, str]  # theme_id -> label
    multi_label: bool


def slug(text: str) -> str:
    """ASCII snake-case slug of a label (theme id)."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "_", norm.lower()).strip("_")[:40] or "theme"
    return f"{out}_tag" if out in ("aucun", "ok") else out  # reserved review decisions


def load_elf(min_answers: int = 100) -> list[CodingSet]:
    """Entendre-la-France answers, one set per question with ≥ ``min_answers`` answers."""
    raw = pd.read_csv(EXTERNAL / "elf_coded_answers.csv", sep=";", dtype=str, keep_default_na=False)
    out = []
    for q, df in raw.groupby("question", sort=True):
        df = df.assign(id=df["contribution"].str.strip())
        texts = df.drop_duplicates("id")[["id", "corpus"]].rename(columns={"corpus": "text"})
        if len(texts) < min_answers:
            continue
        tags = sorted(df["tag"].unique())
        ids = {}
        for t in tags:
            s = slug(t)
            while s in ids.values():
                s += "_"
            ids[t] = s
        gold = pd.DataFrame({"id": df["id"], "theme_id": df["tag"].map(ids)}).drop_duplicates()
        out.append(CodingSet(f"ELF {q}", texts.reset_index(drop=True), gold.reset_index(drop=True),
                             {v: k for k, v in ids.items()}, True))
    return out


def load_sib200() -> CodingSet:
    """SIB-200 French sentences (train + dev + test), 7 topics."""
    folder = EXTERNAL / "sib200_fra"
    parts = [pd.read_csv(folder / f"{s}.tsv", sep="\t", dtype=str) for s in ("train", "dev", "test")]
    df = pd.concat(parts, ignore_index=True)
    texts = pd.DataFrame({"id": df["index_id"].str.strip(), "text": df["text"]})
    gold = pd.DataFrame({"id": texts["id"], "theme_id": df["category"].map(slug)})
    return CodingSet("SIB-200", texts, gold, {slug(k): v for k, v in SIB_LABELS.items()}, False)


def load_masakhanews() -> CodingSet:
    """MasakhaNEWS French (dev + test), headline + text, 5 topics."""
    parts = [pd.read_csv(EXTERNAL / "masakhanews_fra" / f"{s}.tsv", sep="\t", dtype=str) for s in ("dev", "test")]
    df = pd.concat(parts, ignore_index=True)
    texts = pd.DataFrame({"id": [f"M{i:04d}" for i in range(len(df))],
                          "text": df["headline"].fillna("") + ". " + df["text"].fillna("")})
    gold = pd.DataFrame({"id": texts["id"], "theme_id": df["category"].map(slug)})
    return CodingSet("MasakhaNEWS", texts, gold, {slug(k): v for k, v in MASAKHA_LABELS.items()}, False)


def load_all() -> list[CodingSet]:
    """Every benchmark set: ELF questions, SIB-200, MasakhaNEWS."""
    return [*load_elf(), load_sib200(), load_masakhanews()]
