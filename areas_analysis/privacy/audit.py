"""Audit: find names left in outputs, and score a pseudonymiser on an annotated set."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import AreasError
from .lexicons import _PARTICLES, _clean_name, _fold, _form_pattern, _norm_name
from .pseudonymizer import Pseudonymizer
from .records import _apply


@dataclass(frozen=True)
class Leak:
    """A known name found in an output text.

    Attributes:
        index: Position of the text in the sequence checked.
        name: The name searched for.
        found: The text as it appears.
        start: Offset in the text.
    """

    index: int
    name: str
    found: str
    start: int



def find_leaks(texts: Iterable[str], names: Iterable[str], *, parts: bool = False) -> list[Leak]:
    """Find known names in output texts (case- and accent-insensitive, on word boundaries).

    Used by tests and cycle checks to assert that no name reaches an output.

    Args:
        texts: Output texts (cells, report lines...). Non-strings are skipped.
        names: Names that must not appear.
        parts: Also look for each word of a name (not particles, at least 3 letters) on its own:
            stricter, but ordinary words in names (``Blanc``) then also count.

    Returns:
        One :class:`Leak` per occurrence, in text order.
    """
    wanted: dict[str, str] = {}
    for name in names:
        cleaned = _clean_name(str(name))
        if not cleaned:
            continue
        wanted.setdefault(_norm_name(cleaned), cleaned)
        if parts:
            for word in cleaned.split():
                if _fold(word) not in _PARTICLES and len(word) >= 3:
                    wanted.setdefault(_norm_name(word), word)
    if not wanted:
        return []
    ordered = sorted(wanted, key=lambda f: (-len(f), f))
    regex = re.compile(rf"(?<!\w)(?:{'|'.join(_form_pattern(f) for f in ordered)})(?!\w)")
    leaks: list[Leak] = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        for m in regex.finditer(_fold(text)):
            key = " ".join(m.group(0).split())
            leaks.append(Leak(index, wanted.get(key, key), text[m.start() : m.end()], m.start()))
    return leaks


@dataclass(frozen=True)
class PrivacyScores:
    """Recall and wrong replacements of a pseudonymiser on an annotated set.

    Attributes:
        mentions: Gold person-name mentions.
        removed: Mentions fully removed (no word of the name left at that place in the output).
        recall: ``removed / mentions``.
        false_replacements: Person spans replaced that overlap no gold mention, as
            ``(text index, replaced text, source)``; texts without names included.
        leaks: Gold mentions left (partly) in the output, as ``(text index, name)``.
        outputs: The pseudonymised texts.
    """

    mentions: int
    removed: int
    recall: float
    false_replacements: list[tuple[int, str, str]]
    leaks: list[tuple[int, str]]
    outputs: list[str]


def score_pseudonymizer(
    pseudonymizer: Pseudonymizer, texts: Sequence[str], gold_names: Sequence[Sequence[str]]
) -> PrivacyScores:
    """Measure recall and wrong replacements against gold name mentions (texts without names: ``[]``).

    A mention counts as removed when none of its words (particles and words of fewer than
    two letters aside) is left in the output, counting repeated mentions separately
    (case- and accent-insensitive, word boundaries). A wrong replacement is a masked person
    span that overlaps no gold mention. The key is not changed (:meth:`Pseudonymizer.detect`).
    """
    if len(texts) != len(gold_names):
        raise AreasError("Évaluation : autant de listes de noms que de textes sont attendues.")
    detections = pseudonymizer.detect(texts)
    outputs = [_apply(t, d) for t, d in zip(texts, detections, strict=True)]
    mentions = removed = 0
    leaks: list[tuple[int, str]] = []
    wrong: list[tuple[int, str, str]] = []
    for index, (text, out, gold, dets) in enumerate(zip(texts, outputs, gold_names, detections, strict=True)):
        remaining: dict[str, int] = {}
        folded_out = _fold(out)
        for name in gold:
            for word in name.split():
                key = _fold(word)
                if key not in _PARTICLES and len(key) >= 2 and key not in remaining:
                    remaining[key] = len(re.findall(rf"(?<![\w-]){re.escape(key)}(?![\w-])", folded_out))
        for name in gold:
            mentions += 1
            words = [_fold(w) for w in name.split() if _fold(w) not in _PARTICLES and len(w) >= 2]
            if any(remaining.get(w, 0) > 0 for w in words):
                leaks.append((index, name))
                for w in words:
                    remaining[w] = max(0, remaining.get(w, 0) - 1)
            else:
                removed += 1
        gold_spans = [
            (m.start(), m.end()) for name in set(gold) for m in re.finditer(re.escape(name), text)
        ]
        for d in dets:
            if d.kind == "personne" and not any(d.start < e and s < d.end for s, e in gold_spans):
                wrong.append((index, d.text, d.source))
    recall = removed / mentions if mentions else 1.0
    return PrivacyScores(mentions, removed, recall, wrong, leaks, outputs)

