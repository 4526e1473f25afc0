"""Fast lexical analysis for the codebook coder: content forms, folded lookup lemmas and word vectors."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from spacy.strings import hash_string

from ..nlp import load_spacy
from ..text import fold
from .text import clean_text, is_content_form

# --------------------------------------------------------------------------- lexical analysis


def _fold(text: str) -> str:
    """Lower-case, accents removed (``"Médecin"`` → ``"medecin"``)."""
    return fold(text)  # one home: areas_analysis.text


class _Lexicon:
    """Fast lexical analysis: content forms, lookup lemmas (folded) and word vectors.

    Words are letter runs (inner hyphens kept: "rendez-vous"; apostrophes split:
    "l'accès" → "l", "accès") found by a regular expression — several times faster
    than the spaCy tokenizer, which the encoder already runs. Lemmas come from
    the spaCy lookup table, vectors from the spaCy vocabulary. Built from the
    installed pipeline (never saved); caches per form.
    """

    _WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

    def __init__(self, spacy_model: str) -> None:
        self.nlp = load_spacy(spacy_model)
        lemmatizer = self.nlp.get_pipe("lemmatizer") if "lemmatizer" in self.nlp.pipe_names else None
        tables = getattr(lemmatizer, "lookups", None)
        self.lookup = tables.get_table("lemma_lookup") if tables is not None and tables.has_table(
            "lemma_lookup") else {}
        self.vectors = np.asarray(self.nlp.vocab.vectors.data)
        norms = np.linalg.norm(self.vectors, axis=1) if self.vectors.size else np.zeros(0)
        self._norms = np.where(norms > 0, norms, 1.0)
        self._info: dict[str, tuple[bool, str, int]] = {}

    def info(self, form: str) -> tuple[bool, str, int]:
        """(is content, folded lemma key, vector row or -1) of a lower-case form."""
        got = self._info.get(form)
        if got is None:
            content = is_content_form(form) and is_content_form(form + "'")  # "qu" of "qu'il" too
            lemma = self.lookup.get(form) if content else None
            if isinstance(lemma, list):
                lemma = lemma[0] if lemma else None
            key = _fold(lemma or form)
            if len(key) > 3 and key[-1] in "sx":  # plural of forms missing from the table ("medecins")
                key = key[:-1]
            row = int(self.nlp.vocab.vectors.key2row.get(hash_string(form), -1)) if content else -1
            got = (content, key, row)
            self._info[form] = got
        return got

    def analyse(self, texts: Sequence[str]) -> list[list[tuple[str, int, str]]]:
        """Per text, its content words as (folded lemma key, vector row, lower-case form)."""
        out = []
        find = self._WORD_RE.findall
        info = self.info
        for t in texts:
            toks = []
            for form in find(clean_text(t).lower()):
                content, key, row = info(form)
                if content:
                    toks.append((key, row, form))
            out.append(toks)
        return out

    def unit(self, rows: np.ndarray) -> np.ndarray:
        """Unit word vectors of vector rows (zero vector for row -1)."""
        out = np.zeros((len(rows), self.vectors.shape[1]), dtype=np.float32)
        ok = rows >= 0
        out[ok] = self.vectors[rows[ok]] / self._norms[rows[ok], None]
        return out
