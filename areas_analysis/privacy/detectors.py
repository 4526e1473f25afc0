"""Detectors: where person names are found in a text (rules, spaCy NER, known forms, contacts).

Each detector is a small component with a ``spans(texts)`` method returning, per text, the person
spans ``(start, end, source)`` it proposes; :class:`~areas_analysis.privacy.Pseudonymizer` takes a
list of them (``detectors=``), so that one can be swapped or measured alone (see
``benchmarks/privacy_recall.py``). Contacts (e-mails, phones) and the matcher of names already
known are not optional and are applied by the pseudonymiser itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from .lexicons import (
    _CAP_WORD,
    _CAP_WORD_RE,
    _CUE_RE,
    _EMAIL_RE,
    _LOWER_TITLE_NAME_RE,
    _PARTICLES,
    _PARTICLES_SEQ,
    _PHONE_RE,
    _TITLE_NAME_RE,
    _TITLE_ONLY_RE,
    _UP,
    _WORD_BEFORE_RE,
    _WORD_RE,
    AMBIGUOUS_FIRST_NAMES,
    _clean_name,
    _fold,
    _form_pattern,
    _is_blocked_word,
    _is_common_word,
    _is_first_name,
    _is_place,
    _is_plain_lemma,
    _is_plain_word,
    _is_stop_word,
    _needs_capital,
    _norm_name,
    _sentence_start,
)
from .records import EMAIL_TOKEN, PHONE_TOKEN, Detection, _Span


def _contact_spans(text: str) -> list[Detection]:
    spans = [
        Detection(m.start(), m.end(), m.group(0), "email", "email", EMAIL_TOKEN) for m in _EMAIL_RE.finditer(text)
    ]
    taken = [(d.start, d.end) for d in spans]
    for m in _PHONE_RE.finditer(text):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            spans.append(Detection(m.start(), m.end(), m.group(0), "telephone", "telephone", PHONE_TOKEN))
    return spans


def _blank(text: str, spans: list[Detection]) -> str:
    """Replace contact spans by spaces (same length) so name finders ignore them."""
    chars = list(text)
    for d in spans:
        chars[d.start : d.end] = " " * (d.end - d.start)
    return "".join(chars)



def _drop_overlaps(spans: list[_Span]) -> list[_Span]:
    """Keep the longest of overlapping spans (ties: earliest source in the list)."""
    if not spans:
        return []
    taken = bytearray(max(e for _, e, _ in spans))
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if not any(taken[span[0] : span[1]]):
            taken[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
            chosen.append(span)
    return sorted(chosen)



def _name_words_ok(words: list[str], *, lower_ok: bool = False, nouns_ok: bool = False) -> bool:
    """Decide whether a (trimmed) sequence of words can be a person name.

    Rejected: blocked words, titles, places, acronyms, and words that are all ordinary French
    words (``nouns_ok``: nouns do not count as ordinary, since the noun list holds names too).
    """
    core = [w for w in words if _fold(w) not in _PARTICLES]
    if not core or any(_is_blocked_word(w) or _TITLE_ONLY_RE.match(w) for w in core):
        return False
    if _is_place("-".join(words)):
        return False
    if not lower_ok and not any(w[0].isupper() for w in core):
        return False
    if all(w.isupper() and len(w) <= 6 for w in core) and not any(_is_first_name(w) for w in core):
        return False  # acronyms
    ordinary: Callable[[str], bool] = _is_plain_word if nouns_ok else _is_common_word
    if nouns_ok and len(core) == 1 and core[0][:1].isupper() and not core[0].isupper():
        # a capitalised word inside a sentence: an inflected verb form there is a name ("que Massa soit")
        ordinary = _is_plain_lemma
    return any(
        (_is_first_name(w) and _fold(w) not in AMBIGUOUS_FIRST_NAMES) or not ordinary(w) for w in core
    ) or (len(core) >= 2 and any(_is_first_name(w) for w in core))


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim titles, blocked and ordinary words from both ends of a candidate span.

    ``Premier ministre Stephen Harper`` → ``Stephen Harper``; ``Témoignage de Fatoumata Diallo``
    → ``Fatoumata Diallo``; ``de La Villéon`` and ``Charles de Gaulle`` are kept whole.
    """
    words = list(_WORD_RE.finditer(text, start, end))

    def bad(w: str, edge: Literal["left", "right"]) -> bool:
        if _TITLE_ONLY_RE.match(w) or _is_blocked_word(w):
            return True
        nxt = words[1].group(0) if edge == "left" and len(words) > 1 else ""
        if _fold(w) in _PARTICLES:
            return edge == "right" or (w[0].islower() and bool(nxt) and _fold(nxt) not in _PARTICLES)
        if w[0].islower():
            return True
        if _is_first_name(w):
            return False
        if len(words) > 1 and _is_plain_word(w):
            # "Premier", a verb or an adjective at the edge, unless it is glued to a capitalised word
            # that is not a French word: surnames and foreign first names are often French words too
            # ("Steve Jobs", "Peter Costello" — "péter" without its accent)
            neighbour = words[-2].group(0) if edge == "right" else nxt
            return not (neighbour[:1].isupper() and not neighbour.isupper() and not _is_plain_word(neighbour)
                        and not _is_stop_word(w))
        # a capitalised noun followed by "de": "Témoignage de ..."
        return edge == "left" and _fold(nxt) in {"de", "du", "des", "d'"} and _is_common_word(w)

    while words and bad(words[0].group(0), "left"):
        words.pop(0)
    while words and bad(words[-1].group(0), "right"):
        words.pop()
    if not words:
        return None
    return words[0].start(), words[-1].end()


def _ner_person_spans(texts: list[str], nlp: Any = None) -> list[list[_Span]]:
    """PER entities of spaCy's French NER, widened to whole words and filtered."""
    if nlp is None:
        from ..nlp import load_spacy

        nlp = load_spacy()
    keep = {"tok2vec", "ner"}
    disable = [name for name in nlp.pipe_names if name not in keep]
    out: list[list[_Span]] = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=64, disable=disable), strict=True):
        spans: list[_Span] = []
        for ent in doc.ents:
            if ent.label_ != "PER":
                continue
            start, end = ent.start_char, ent.end_char
            while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "-'’"):
                start -= 1
            while end < len(text) and (text[end].isalpha() or text[end] in "-'’"):
                end += 1
            trimmed = _trim(text, start, end)
            if trimmed is None:
                continue
            s, e = trimmed
            words = [m.group(0) for m in _WORD_RE.finditer(text, s, e)]
            if len(words) == 1 and words[0].isupper():
                continue  # a word in capitals alone: an acronym or a shouted word, not a name
            single_inside = len(words) == 1 and not _sentence_start(text, s)
            # a capitalised noun inside a sentence tagged PER is kept ("conseillé Carter"); at the
            # start of a line it is too often a heading or a verb ("Repérer ...")
            if _name_words_ok(words, nouns_ok=single_inside) and not _in_address(text, s):
                spans.append((s, e, "ner"))
        out.append(spans)
    return out


_SURNAME_AFTER_RE = re.compile(rf"[ \t]+({_PARTICLES_SEQ})({_CAP_WORD})")
_CAPS_BEFORE_RE = re.compile(rf"((?:[{_UP}]{{2,}}['’-]?)+(?:[ \t]+(?:[{_UP}]{{2,}}['’-]?)+)?)[ \t]+$")
# Words that put a name into an address or a building ("rue Jean Jaurès", "salle Jean Monnet").
_ADDRESS_WORDS = frozenset(
    "rue avenue boulevard bd place allee impasse chemin route quai square parc stade gymnase salle ecole "
    "college lycee centre espace residence hopital clinique ehpad maison pole mediatheque bibliotheque "
    "fondation institut association pont cinema cine".split()
)
# Speech cues before a name ("Selon Pierre", "Avis de Ghislain", "Témoignage de ...").
_SPEECH_CUE_RE = re.compile(
    rf"(?<![\w-])(?P<cue>[Ss]elon|[Dd]['’]apr[eè]s|[Aa]vis|[Tt][ée]moignage|[Rr]etour|[Rr][ée]ponse|[Pp]ropos"
    rf"|[Ii]ntervention|[Qq]uestion|[Rr]emarque|[Pp]roposition|[Pp]arole|[Hh]istoire|[Ee]xp[ée]rience"
    rf"|[Pp]our)(?:[ \t]+d(?:e[ \t]+|['’]))?[ \t]*"
    rf"(?P<name>{_CAP_WORD}(?:[ \t]+{_PARTICLES_SEQ}{_CAP_WORD})?)"
)
# A role or an age right after a name: "Kerhervé (pharmacien)", "Thérèse, 82 ans".
_ROLE_WORDS = (
    r"pharmacien(?:ne)?|kin[ée]|kin[ée]sith[ée]rapeute|m[ée]decin|g[ée]n[ée]raliste|infirmi(?:er|[èe]re)|idel?"
    r"|[ée]lue?|usag(?:er|[èe]re)|aidante?|patiente?|maire|adjointe?|retrait[ée]e?|b[ée]n[ée]vole|secr[ée]taire"
    r"|sage-femme|aide-soignante?|aide\s+[àa]\s+domicile|ergoth[ée]rapeute|orthophoniste|psychologue|dentiste"
    r"|podologue|di[ée]t[ée]ticienne?|assistante?\s+sociale?|m[ée]diat(?:eur|rice)|habitante?|voisine?"
    r"|[ée]pouse|mari|m[èe]re|p[èe]re|fils|fille|\d{1,3}\s*ans"
)
_ROLE_AFTER_RE = re.compile(
    rf"(?<![\w'’-])(?P<name>(?:{_CAP_WORD}[ \t]+)?{_PARTICLES_SEQ}{_CAP_WORD})[ \t]*(?:\(|,)[ \t]*"
    rf"(?i:{_ROLE_WORDS})\b"
)


def _in_address(text: str, start: int) -> bool:
    """True when the word before ``start`` (skipping de/du/des) makes the name a place or a building."""
    before = _fold(text[max(0, start - 40) : start]).split()
    while before and before[-1] in {"de", "du", "des", "d'"}:
        before.pop()
    return bool(before) and before[-1].strip("'") in _ADDRESS_WORDS


def _extend_surname(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a first name to the surname around it (``Yann Kervella``, ``LE GOFF Marina``)."""
    m = _SURNAME_AFTER_RE.match(text, end)
    if m:
        word = m.group(2)
        acronym = word.isupper() and len(word) <= 3
        if not (_is_blocked_word(word) or acronym or _TITLE_ONLY_RE.match(word)):
            end = m.end()
    window = max(0, start - 80)
    before = _CAPS_BEFORE_RE.search(text[window:start])
    if before:
        words = before.group(1).split()
        if not any(_is_blocked_word(w) for w in words) and any(len(w) >= 3 for w in words):
            start = window + before.start(1)
    return start, end


def _candidate_ok(word_list: list[str], *, allow_ambiguous: bool, nouns_ok: bool = False) -> bool:
    """A name caught by a cue: not blocked, not an acronym, and not an ordinary word unless a first name."""
    core = [w for w in word_list if _fold(w) not in _PARTICLES]
    if not core or any(_is_blocked_word(w) or _TITLE_ONLY_RE.match(w) for w in core):
        return False
    if _is_place("-".join(word_list)):
        return False
    if all(w.isupper() for w in core):
        return False

    def ok(w: str) -> bool:
        if _is_first_name(w):
            return allow_ambiguous or not any(p in AMBIGUOUS_FIRST_NAMES for p in _fold(w).split("-"))
        return not (_is_plain_word(w) if nouns_ok else _is_common_word(w))

    return any(ok(w) for w in core)


def _rule_person_spans(text: str) -> list[_Span]:
    """Names found by rules: title + name, cues (« Animé par », « Selon », a role after), first-name list."""
    spans: list[_Span] = []
    for m in _TITLE_NAME_RE.finditer(text):
        trimmed = _trim(text, m.start("name"), m.end("name"))
        if trimmed is None:
            continue
        words = [w.group(0) for w in _WORD_RE.finditer(text, *trimmed)]
        if _name_words_ok(words) or (len(words) == 1 and not _is_blocked_word(words[0])
                                      and words[0][0].isupper() and not words[0].isupper()):
            spans.append((*trimmed, "titre"))
    for m in _LOWER_TITLE_NAME_RE.finditer(text):
        s, e = m.start("name"), m.end("name")
        # keep the particle and the words that are not French words
        kept: list[re.Match[str]] = []
        for w in _WORD_RE.finditer(text, s, e):
            token = w.group(0)
            if _fold(token) in _PARTICLES and not kept:
                kept.append(w)
            elif not _is_common_word(token) and not _is_blocked_word(token):
                kept.append(w)
            else:
                break
        while kept and _fold(kept[-1].group(0)) in _PARTICLES:
            kept.pop()
        if kept:
            spans.append((kept[0].start(), kept[-1].end(), "titre"))
    for m in _CUE_RE.finditer(text):
        group = "rest" if m.group("rest") is not None else "rest2"
        rest_start = m.start(group)
        for part in re.finditer(r"[^,;/&+]+", m.group(group)):
            chunk = part.group(0)
            for sub in re.split(r"\s+et\s+", chunk):
                offset = rest_start + part.start() + chunk.find(sub)
                name = _clean_name(sub)
                if not name:
                    continue
                s = offset + sub.find(name)
                words = name.split()
                if 1 <= len(words) <= 4 and _name_words_ok(words, lower_ok=True):
                    spans.append((s, s + len(name), "indice"))
    for m in _SPEECH_CUE_RE.finditer(text):
        words = [w.group(0) for w in _WORD_RE.finditer(text, m.start("name"), m.end("name"))]
        strong = m.group("cue").lower() != "pour"
        if not _in_address(text, m.start("name")) and _candidate_ok(words, allow_ambiguous=strong):
            spans.append((m.start("name"), m.end("name"), "indice"))
    for m in _ROLE_AFTER_RE.finditer(text):
        s, e = m.start("name"), m.end("name")
        trimmed = _trim(text, s, e)
        if trimmed is None:
            continue
        words = [w.group(0) for w in _WORD_RE.finditer(text, *trimmed)]
        if not words[0][0].isupper() or _in_address(text, trimmed[0]):
            continue
        if _candidate_ok(words, allow_ambiguous=True, nouns_ok=True):
            spans.append((*trimmed, "indice"))
    for m in _CAP_WORD_RE.finditer(text):
        word = m.group(0)
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "-'’_"):
            continue
        if not _is_first_name(word) or _is_place(word) or word.isupper() or _in_address(text, m.start()):
            continue
        start, end = _extend_surname(text, m.start(), m.end())
        if (start, end) == m.span() and any(p in AMBIGUOUS_FIRST_NAMES for p in _fold(word).split("-")):
            continue  # "Pierre", "Claire" alone: ordinary words too
        spans.append((start, end, "prenom"))
    return spans


_Matcher = tuple[re.Pattern[str] | None, frozenset[str]]


def _build_matcher(forms: dict[str, int], lower_ok: frozenset[str]) -> _Matcher:
    if not forms:
        return None, lower_ok
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    pattern = "|".join(_form_pattern(f) for f in ordered)
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])"), lower_ok


def _known_spans(text: str, folded: str, matcher: _Matcher) -> list[_Span]:
    """Occurrences of known forms (key, lists, corpus) in a text, on folded text."""
    regex, lower_ok = matcher
    if regex is None:
        return []
    spans: list[_Span] = []
    for m in regex.finditer(folded):
        original = text[m.start() : m.end()]
        form = _norm_name(original)
        if _needs_capital(form) or form not in lower_ok:
            if not any(w[:1].isupper() for w in original.split()):
                continue
            previous = _WORD_BEFORE_RE.search(text[max(0, m.start() - 60) : m.start()])
            if previous and previous.group(1)[:1].isupper() and _is_blocked_word(previous.group(1)):
                continue  # "Octobre Rose", "Marche Bleue": part of a capitalised phrase
        spans.append((m.start(), m.end(), "connu"))
    return spans




# --------------------------------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------------------------------


@runtime_checkable
class PersonDetector(Protocol):
    """What the pseudonymiser needs from a detector: person spans for a batch of texts.

    ``spans`` returns, for each text, ``(start, end, source)`` tuples; ``source`` is a short French
    word saying why (``titre``, ``indice``, ``prenom``, ``ner``...), kept in :class:`Detection`.
    """

    def spans(self, texts: Sequence[str]) -> list[list[_Span]]: ...


class RuleDetector:
    """Hand-written rules: title + name, cues (« Animé par », « Selon », a role after), first-name list."""

    def spans(self, texts: Sequence[str]) -> list[list[_Span]]:
        return [_rule_person_spans(t) for t in texts]


class SpacyNerDetector:
    """spaCy's French NER ``PER`` entities (``fr_core_news_md``), widened to whole words and filtered.

    Args:
        nlp: A loaded spaCy pipeline; ``None`` → the project's (:func:`areas_analysis.nlp.load_spacy`).
    """

    def __init__(self, nlp: Any = None) -> None:
        self.nlp = nlp

    def spans(self, texts: Sequence[str]) -> list[list[_Span]]:
        return _ner_person_spans(list(texts), self.nlp)


def default_detectors(*, use_ner: bool = True) -> list[PersonDetector]:
    """The detectors used when none are passed: rules, and spaCy's NER unless ``use_ner`` is false."""
    return [RuleDetector(), SpacyNerDetector()] if use_ner else [RuleDetector()]
