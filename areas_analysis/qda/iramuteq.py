"""IRaMuTeQ corpus: the cycle's texts for a Reinert classification beside the workspace's themes.

IRaMuTeQ reads a plain UTF-8 text in the ALCESTE format (IRaMuTeQ user manual,
P. Ratinaud, « Format des données en entrée »): each text (« unité de contexte
initiale ») starts with a line of four stars followed by starred variables
separated by spaces, ``**** *commune_montfort-sur-meu *public_usagers``; a line
starting with ``-*`` is a thematic variable; a form ``_word_`` in the text is
read as a starred variable. So, in the texts, this module removes the
asterisk (``*``) and replaces ``_`` by a space: the manual reserves both, and
a text holding them would change meaning for IRaMuTeQ. It also removes ``$``,
``%`` (written `` pour cent`` so the number keeps its sense) and ``"``, as the
corpus-preparation scripts IRaMuTeQ users share do (the manual does not list
them; they are removed to be safe, at no cost to the meaning). Line breaks
inside a text become spaces (one text = one paragraph). Apostrophes and
hyphens are kept: IRaMuTeQ's own cleaning handles them and French elisions
need them.

Variable names and values are ASCII slugs: no space, ``*`` or ``_`` inside a
value (``_`` separates the variable from its value), accents removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .corpus import QdaCorpus

__all__ = ["DEFAULT_IRAMUTEQ_VARIABLES", "clean_iramuteq_text", "iramuteq_corpus", "iramuteq_value",
           "write_iramuteq"]

#: Unit columns written as starred variables, in this order (absent or empty ones are skipped);
#: name in the corpus → column.
DEFAULT_IRAMUTEQ_VARIABLES: tuple[tuple[str, str], ...] = (
    ("commune", "commune"), ("public", "public"), ("atelier", "atelier_id"), ("questionnaire", "questionnaire"),
    ("question", "question"), ("statut", "statut"), ("age", "tranche_age"),
)

_VALUE_RE = re.compile(r"[^a-z0-9]+")


def iramuteq_value(value: object) -> str:
    """An IRaMuTeQ-safe value: ASCII lower case, words joined by ``-`` (``"60-74 ans"`` → ``60-74-ans``)."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().lower()
    return _VALUE_RE.sub("-", text).strip("-") or "na"


def clean_iramuteq_text(text: str) -> str:
    """A text without the characters IRaMuTeQ reserves (``*``, ``_``) or advises against (``$``, ``%``, ``"``)."""
    t = str(text).replace("%", " pour cent").replace("*", " ").replace("_", " ").replace("$", " ")
    t = t.replace('"', " ")
    t = " ".join(t.split())
    # a text line must not look like a UCI or thematic line
    return re.sub(r"^(-\*|\*+)\s*", "", t)


def iramuteq_corpus(corpus: QdaCorpus, *, variables: Sequence[tuple[str, str]] = DEFAULT_IRAMUTEQ_VARIABLES
                    ) -> str:
    r"""The IRaMuTeQ corpus text of a QDA corpus: one text per unit (segment or answer).

    Args:
        corpus: The exchange corpus.
        variables: ``(name, column)`` pairs written as ``*name_value`` (absent columns/empty values skipped).

    Returns:
        The corpus text (``\\n`` line ends, ends with a line break).
    """
    units = corpus.units
    lines = []
    cols = [(iramuteq_value(n).replace("-", ""), c) for n, c in variables if c in units.columns]
    for _, row in units.iterrows():
        text = clean_iramuteq_text(row["text"]) if isinstance(row["text"], str) else ""
        if not text:
            continue
        stars = ["****"]
        for name, col in cols:
            v = row[col]
            if v is None or (not isinstance(v, str) and pd.isna(v)) or not str(v).strip():
                continue
            stars.append(f"*{name}_{iramuteq_value(v)}")
        lines.append(" ".join(stars))
        lines.append(text)
    return "\n".join(lines) + "\n"


def write_iramuteq(corpus: QdaCorpus, path: str | Path, *,
                   variables: Sequence[tuple[str, str]] = DEFAULT_IRAMUTEQ_VARIABLES) -> Path:
    """Write :func:`iramuteq_corpus` as UTF-8 (no BOM) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(iramuteq_corpus(corpus, variables=variables), encoding="utf-8", newline="\n")
    return path
