"""Split atelier text into segments: bullets, numbered items, sentences.

World-café notes are lists written fast by a facilitator: one idea per bullet
(``-``, ``•``, ``*``, ``->``...), sometimes numbered, sometimes a plain line
holding one or several sentences. A *segment* is the unit the themes stage
codes: a bullet or numbered item is one segment (even if it holds two
sentences, because the facilitator wrote it as one idea); an unbulleted line is
split into sentences.

The sentence splitter is rule-based (no model): it cuts after ``.``, ``!``,
``?`` or ``…`` followed by a space and an upper-case letter or an opening
quote, except after common French abbreviations (``M.``, ``Mme.``, ``Dr.``,
``cf.``, ``etc.``, single initials). It is deterministic and fast, which
matters more here than the last percent of accuracy on telegraphic notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BULLET_MARKERS",
    "Marker",
    "split_marker",
    "split_sentences",
    "segment_line",
    "strip_boilerplate",
]

#: Bullet markers seen in notes typed in Word, LibreOffice, e-mails or Markdown.
BULLET_MARKERS: tuple[str, ...] = ("->", "=>", "-->", "→", "➔", "➢", "►", "▶", "-", "–", "—", "•", "·", "*",
                                   "+", "◦", "▪", "■", "□", "○", "●", "✓", "✔", "o")

_BULLET_RE = re.compile(
    r"^(?P<indent>\s*)(?P<marker>-->|->|=>|[→➔➢►▶•·◦▪■□○●✓✔]|[-–—*+](?=\s|$)|o(?=\t|\s{2,}))\s*"
)
# "1.", "1)", "1 -", "12/", "a)", "b.", "i)"; a year such as "2026 :" is not a marker.
_NUMBER_RE = re.compile(
    r"^(?P<indent>\s*)(?P<marker>\d{1,2}\s?[.)°/]|\d{1,2}\s+-|\(\d{1,2}\)|[a-hA-H][).]|[ivx]{1,4}[).])\s+"
)


@dataclass(frozen=True)
class Marker:
    """A line split into its list marker and its text.

    Attributes:
        kind: ``"bullet"``, ``"number"`` or ``"none"``.
        marker: The marker as written (``"-"``, ``"1."``...), ``""`` when none.
        text: The line without the marker and surrounding spaces.
    """

    kind: str
    marker: str
    text: str


def split_marker(line: str) -> Marker:
    """Separate a bullet or numbered-item marker from the text of a line.

    ``"- Ambassadeur en santé"`` gives ``Marker("bullet", "-", "Ambassadeur en santé")``;
    ``"2) Délais"`` gives ``Marker("number", "2)", "Délais")``. A hyphen that
    starts a word (``"-15 %"``) is not a marker: a marker is followed by a space.

    Args:
        line: One line of notes (may include leading spaces).
    """
    m = _BULLET_RE.match(line)
    if m and m.group("marker"):
        rest = line[m.end():].strip()
        if rest or m.group("marker") not in ("o",):
            return Marker("bullet", m.group("marker"), rest)
    m = _NUMBER_RE.match(line)
    if m:
        return Marker("number", m.group("marker").strip(), line[m.end():].strip())
    return Marker("none", "", line.strip())


_ABBREVIATIONS = frozenset(
    {"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "cf", "etc", "ex", "p", "pp", "n", "no",
     "vol", "env", "av", "bd", "tél", "tel", "art", "al", "coll", "dept", "dép", "inf", "sup", "fig", "éd"}
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”)]*\s+(?=[«\"“(]?\s*[A-ZÀ-ÖØ-ÞŒ0-9])")


def split_sentences(text: str) -> list[str]:
    """Split a French paragraph into sentences with simple, documented rules.

    A break happens after ``. ! ? …`` (possibly followed by a closing quote or
    parenthesis) and spaces, when the next sentence starts with an upper-case
    letter, a digit or an opening quote. No break after an abbreviation listed
    in ``_ABBREVIATIONS`` or after a single letter (initials: ``J. Martin``).

    Args:
        text: One paragraph (no line breaks expected; they are treated as spaces).

    Returns:
        The sentences, stripped, in order; ``[]`` for blank text. Joining them
        with single spaces gives back the paragraph with its spaces collapsed.
    """
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        candidate = text[start:m.start()].rstrip()
        last_word = re.findall(r"([\wÀ-ÿ]+)\.$", candidate)
        if last_word and (last_word[0].lower() in _ABBREVIATIONS or len(last_word[0]) == 1):
            continue
        sentences.append(candidate.strip())
        start = m.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def segment_line(line: str) -> tuple[Marker, list[str]]:
    """Turn one content line into its segments.

    A bulleted or numbered line is one segment; an unmarked line is split into
    sentences (:func:`split_sentences`).

    Args:
        line: One non-empty content line.

    Returns:
        The marker found and the list of segment texts (at least one when the
        line has any text after its marker).
    """
    marker = split_marker(line)
    if marker.kind != "none":
        return marker, ([" ".join(marker.text.split())] if marker.text else [])
    return marker, split_sentences(marker.text)


_BOILERPLATE = re.compile(
    r"^(?:(?:les|des|certains|plusieurs|quelques)\s+(?:participant(?:e)?s|personnes|membres|usagers|"
    r"professionnels|habitants)|le\s+groupe|la\s+table|on|il\s+est|ils|elles)\s+"
    r"(?:(?:ont|a|avaient|avait)\s+)?"
    r"(?:soulign\w*|not\w*|évoqu\w*|evoqu\w*|exprim\w*|mentionn\w*|rappel\w*|indiqu\w*|expliqu\w*|"
    r"constat\w*|estim\w*|pens\w*|propos\w*|suggèr\w*|suggér\w*|suggere\w*|insist\w*|pointé|"
    r"relev\w*|remarqu\w*|fait\s+remarquer|fait\s+part|(?:mis|met|mettent)\s+en\s+avant|dit|disent)"
    r"(?:\s+(?:que|qu['’]|de|d['’]|l['’]importance\s+de|le\s+fait\s+que|sur|:))?\s*",
    re.IGNORECASE,
)


def strip_boilerplate(text: str) -> str:
    """Remove a reporting lead-in such as "Les participants soulignent que".

    Facilitators often write "Les participants soulignent que les délais sont
    longs"; the lead-in carries no theme and dominates word counts, so the
    themes stage may strip it. Only a lead-in at the start of the text is
    removed, and the first remaining letter is upper-cased. Text that would
    become empty is returned unchanged. This is for the text people read;
    before vectorising, :func:`areas_analysis.themes.text.strip_boilerplate`
    removes more formulas, anywhere in the text, and may leave it empty.

    Args:
        text: One segment.

    Example:
        >>> strip_boilerplate("Les participants soulignent que les délais sont longs")
        'Les délais sont longs'
    """
    m = _BOILERPLATE.match(text)
    if not m:
        return text
    rest = text[m.end():].lstrip(" :,")
    if not rest:
        return text
    return rest[0].upper() + rest[1:]
