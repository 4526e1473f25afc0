"""Text normalisation shared by every stage: accent folding, label keys, slugs, French numbers.

One home per concept (issue 17): the copies that drifted apart in each stage
import from here. The functions are small and pure:

- :func:`fold`: lower case without accents, for tolerant comparisons
  (``"Éé "`` → ``"ee"``);
- :func:`normalize_label`: comparison key of a French answer label (case,
  accents, apostrophes, ``œ``, inclusive endings ``(e)`` ignored);
- :func:`slugify`: short snake_case name of a label (function words dropped),
  for column and section names; :func:`file_slug`: ASCII file stem keeping
  every word, for output file names;
- :func:`parse_number`: a number as typed in French exports (``"3,5"``,
  ``"1 200"``); :func:`fr_num`, :func:`fr_pct`, :func:`fr_signed`: numbers as
  French readers expect them (``1 234,5``, ``42 %``, ``−0,4``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "file_slug",
    "fold",
    "fr_num",
    "fr_pct",
    "fr_signed",
    "normalize_label",
    "parse_number",
    "slugify",
]


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents (``"Éé"`` → ``"ee"``) for tolerant comparisons."""
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch)).casefold().strip()


@lru_cache(maxsize=100_000)
def normalize_label(value: str) -> str:
    """Comparison key for a French answer label.

    Case, accents, typographic apostrophes, ``œ``, commas, inclusive endings
    ``(e)``/``(s)`` and repeated spaces do not matter: ``"Tout à fait d’accord"``,
    ``"tout a fait d'accord"`` and ``"TOUT À FAIT D'ACCORD"`` share one key.
    """
    text = str(value).replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    text = re.sub(r"[’‘`´ʼ]", "'", text)
    text = re.sub(r"\((?:e|s|es|ne|le)\)", "", text, flags=re.IGNORECASE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace(",", " ").replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip(" .;:!?")
    return text


_FUNCTION_WORDS = frozenset(
    "a au aux avec ce ces d de des du elle en est et il ils je l la le les leur leurs ma mes mon ne nos notre "
    "nous on ou par pas pour qu que quel quelle quelles quels qui sa se ses si son sur ta te tes ton tu un une "
    "vos votre vous y s n c m t".split()
)


def slugify(text: str, *, max_words: int = 5, sep: str = "_") -> str:
    """Short ASCII snake_case name for a label: ``"Conditions de mise en œuvre"`` → ``"conditions_mise_oeuvre"``.

    Small French function words are dropped and at most ``max_words`` words kept.
    """
    key = normalize_label(text)
    words = [w for w in re.split(r"[^a-z0-9]+", key) if w]
    content = [w for w in words if w not in _FUNCTION_WORDS] or words
    return sep.join(content[:max_words]) or "colonne"


_FILE_SLUG_RE = re.compile(r"[^a-z0-9_-]+")


def file_slug(name: str) -> str:
    """Lower-case ASCII file stem keeping every word (``"Accès aux soins"`` → ``"acces_aux_soins"``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _FILE_SLUG_RE.sub("_", ascii_name.lower().replace(" ", "_")).strip("_") or "sans_nom"


def parse_number(value: str) -> float | None:
    """Parse a number as typed in French exports; ``None`` when it is not one.

    Accepts a decimal comma (``"3,5"``), spaces or non-breaking spaces as
    thousands separators (``"1 200"``) and a leading sign. Units or words
    (``"12 km"``, ``"douze"``) are not numbers.
    """
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "")
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text)
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return None
    return float(text)


def fr_num(x: float | None, decimals: int = 1) -> str:
    """``1234.5`` → ``"1 234,5"`` (narrow no-break space for thousands, decimal comma, typographic minus)."""
    if x is None or math.isnan(x):
        return "–"
    if round(x, decimals) == 0:  # no « −0 »
        x = 0.0
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "\u202f").replace(".", ",").replace("-", "\u2212")


def fr_pct(p: float | None, decimals: int = 0) -> str:
    """``0.423`` → ``"42 %"`` (French spacing)."""
    if p is None or math.isnan(p):
        return "–"
    return f"{fr_num(100 * p, decimals)}\u00a0%"


def fr_signed(x: float | None, decimals: int = 1) -> str:
    """Signed French number: ``+2,4`` / ``−1,1`` (true minus sign); ``–`` when missing."""
    if x is None or math.isnan(x):
        return "–"
    return ("+" if x >= 0 else "\u2212") + fr_num(abs(x), decimals)
