"""French text preparation for theme coding: cleaning, tokens, lemmas, stop words.

Workshop notes and open answers carry a lot of text that says nothing about the
theme: reporting formulas ("les participants soulignent que", "il a été dit
que"), headings glued to the text ("Idée :"), bullet markers and arrows. Left
in, these formulas dominate discovered topics, so every theme mode cleans texts
with :func:`clean_text` first.

Two granularities are offered:

* **forms** (:func:`content_forms`): lower-cased surface forms from the spaCy
  tokenizer only (no tagger/parser), accents kept. Fast (tens of thousands of
  segments per second); used for embeddings and for coding new texts.
* **lemmas** (:func:`content_lemmas`): lemmas from the full spaCy pipeline.
  Slow; used only for readable theme labels on a bounded sample.

Stop words are spaCy's French list minus words that carry meaning in health
verbatims (``seul``, ``personne``, ``pas``...), see
:func:`areas_analysis.nlp.french_stop_words`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .. import config
from ..nlp import LEMMA_ONLY, french_stop_words, load_spacy

__all__ = [
    "BOILERPLATE_PATTERNS",
    "FormAnalyzer",
    "LemmaAnalyzer",
    "clean_text",
    "content_forms",
    "content_lemma_pairs",
    "content_lemmas",
    "is_content_form",
    "stop_words",
    "strip_boilerplate",
]

# --------------------------------------------------------------------------- cleaning

_SPEAKERS = (
    r"(?:les|des|plusieurs|certains|certaines|quelques|de\s+nombreux|nombreux|un|une|le|la|chaque)\s+"
    r"(?:participant(?:e)?s?|personnes?\s+présentes?|membres?|groupes?|tables?|habitant(?:e)?s?|"
    r"intervenant(?:e)?s?|professionnel(?:le)?s?|usager(?:e)?s?|patient(?:e)?s?|élu(?:e)?s?|"
    r"animat(?:eur|rice)s?|personnes?)"
    r"|(?:nous|on|ils|elles|il|elle)"
)
_REPORT_VERBS = (
    r"(?:(?:soulign|indiqu|expliqu|pens|estim|évoqu|relev|relèv|not|remarqu|propos|suggér|suggèr|constat|"
    r"mentionn|rapport|signal|insist|exprim|affirm|déplor|regrett|partag|précis|ajout|considér|considèr|"
    r"observ|trouv|s'accord|rappel|rappell)(?:e|ent|é|ée|és|ées|ons|ez)"
    r"|disent|dit|disons|craignent|craint|(?:font|fait|faisons)\s+(?:remarquer|part|le\s+constat))\b"
)
#: Regular expressions (case-insensitive) removed at the start of a text or of
#: a clause (after ``.``, ``;``, ``!``, ``?``, ``:`` or a line break). Order matters:
#: longer formulas first.
BOILERPLATE_PATTERNS: tuple[str, ...] = (
    # "Les participants soulignent que", "Plusieurs personnes présentes ont évoqué le fait que"
    rf"(?:{_SPEAKERS})\s+(?:(?:ont|a|avons|sont|est)\s+(?:été\s+)?)?(?:tous\s+|toutes\s+)?{_REPORT_VERBS}"
    r"(?:\s+(?:sur\s+)?le\s+fait)?\s*(?:que\b|qu'|:|,)",
    # "Il a été dit que", "Il a été souligné que", "Il est ressorti que", "Il a été question de"
    r"il\s+(?:a\s+été|est|était|avait\s+été)\s+(?:dit|souligné|évoqué|proposé|noté|mentionné|relevé|"
    r"rappelé|remarqué|constaté|précisé|ressorti|apparu|signalé|exprimé|question\s+de|convenu)"
    r"(?:\s+(?:que|qu'|:|,))?",
    r"il\s+(?:ressort|apparaît|apparait)\s+(?:que|qu')",
    # "Selon les participants,", "D'après le groupe :"
    rf"(?:selon|d'après|pour)\s+(?:{_SPEAKERS})\s*[,:]",
    # Headings glued to the text: "Idée :", "Constat -", "NB :", "À noter :"
    r"(?:idées?|constats?|propositions?|remarques?|pistes?(?:\s+d'action)?|freins?|leviers?|besoins?|"
    r"objectifs?|actions?|nb|n\.b\.|à\s+noter|a\s+noter|point\s+de\s+vigilance|vigilance|question|"
    r"conclusion|synthèse|résumé|témoignage|exemple|ex)\s*(?::|-|–|—)(?=\s)",
)
_CLAUSE_START = r"(?:^|(?<=[.;!?:\n]))[ \t]*"
_BOILERPLATE_RE = re.compile(
    _CLAUSE_START + r"(?:" + r"|".join(f"(?:{p})" for p in BOILERPLATE_PATTERNS) + r")[ \t]*",
    flags=re.IGNORECASE | re.MULTILINE,
)
_BULLET_RE = re.compile(r"^[ \t]*(?:[-•*·▪►–—>]+|->|=>|\d{1,2}\s*[.)°]|[a-z]\))[ \t]+", flags=re.MULTILINE)
_REPLACEMENTS = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("`", "'"), ("´", "'"), ("\u00a0", " "), ("\u202f", " "))
_SPACES_RE = re.compile(r"[ \t\r\f\v]+")
_ARTEFACTS_RE = re.compile(r"&&+|->|=>|<-")


def strip_boilerplate(text: str) -> str:
    """Remove workshop reporting formulas from a text.

    Removes, at the start of the text or of a clause, formulas such as
    "Les participants soulignent que", "Il a été dit que", "Selon le groupe,",
    "Idée :" (see :data:`BOILERPLATE_PATTERNS`). The rest of the text is kept
    as written.

    Args:
        text: One segment or answer.

    Returns:
        The text without the formulas (possibly empty).

    Example:
        >>> strip_boilerplate("Les participants soulignent que le bus ne passe plus.")
        'le bus ne passe plus.'
    """
    previous = None
    out = text
    while previous != out:  # formulas can be stacked: "Idée : il a été dit que ..."
        previous = out
        out = _BOILERPLATE_RE.sub(" ", out).strip()
    return out.strip()


def clean_text(text: object, *, boilerplate: bool = True) -> str:
    """Normalise one text for theme coding.

    Unicode NFC (so that accented letters match the word vectors), typographic
    apostrophes to ``'``, bullet markers, arrows and ``&&`` separators removed,
    workshop boilerplate stripped (:func:`strip_boilerplate`), spaces collapsed.
    Missing values (``None``, NaN) give ``""``.

    Args:
        text: The raw text (any object; non-strings are treated as missing).
        boilerplate: Strip reporting formulas such as "les participants soulignent que".

    Returns:
        The cleaned text.
    """
    if not isinstance(text, str):
        return ""
    out = unicodedata.normalize("NFC", text)
    for a, b in _REPLACEMENTS:  # str.replace is much faster than str.translate with a dict
        if a in out:
            out = out.replace(a, b)
    out = _BULLET_RE.sub("", out)
    out = _ARTEFACTS_RE.sub(" \n", out)
    if boilerplate:
        out = strip_boilerplate(out)
    out = _SPACES_RE.sub(" ", out)
    return "\n".join(line.strip() for line in out.splitlines() if line.strip())


# --------------------------------------------------------------------------- tokens

_HAS_LETTER_RE = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """French stop words used by the theme stage (lower-case forms).

    :func:`areas_analysis.nlp.french_stop_words` (spaCy's list minus meaningful
    words) plus elided forms (``l'``, ``qu'``...) and a few workshop words that
    only report speech (``participant``, ``souligner``...).
    """
    base = set(french_stop_words())
    elided = {w + "'" for w in ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu")}
    reporting = {
        "participant", "participants", "participante", "participantes", "souligne", "soulignent",
        "souligner", "évoque", "évoquent", "évoquer", "etc", "ex", "via", "cf", "oui", "non", "ok",
        "cela", "ça", "ca", "chose", "choses", "faire", "fait", "faut", "falloir", "être", "avoir",
        "aller", "mettre", "permettre", "pouvoir", "devoir", "vouloir", "il", "y",
    }
    return frozenset(base | elided | reporting)


def is_content_form(form: str) -> bool:
    """Whether a lower-cased token carries content (letters, 2+ chars, not a stop word)."""
    if len(form) < 2 or not _HAS_LETTER_RE.search(form):
        return False
    sw = stop_words()
    return form not in sw and form.rstrip("'") not in sw


def content_forms(texts: Iterable[str], *, spacy_model: str = config.SPACY_MODEL,
                  clean: bool = True, batch_size: int = 1000) -> list[list[str]]:
    """Lower-cased content forms of each text, with the spaCy tokenizer only.

    Args:
        texts: Texts (raw; cleaned with :func:`clean_text` when ``clean``).
        spacy_model: Installed spaCy pipeline whose tokenizer is used.
        clean: Apply :func:`clean_text` first.
        batch_size: Batch size for ``nlp.tokenizer.pipe``.

    Returns:
        One list of forms per text, in input order (accents kept).
    """
    nlp = load_spacy(spacy_model)
    prepared = [clean_text(t) if clean else (t if isinstance(t, str) else "") for t in texts]
    out: list[list[str]] = []
    for doc in nlp.tokenizer.pipe(prepared, batch_size=batch_size):
        out.append([f for f in (tok.lower_ for tok in doc) if is_content_form(f)])
    return out


def content_lemmas(texts: Sequence[str], *, spacy_model: str = config.SPACY_MODEL,
                   clean: bool = True, batch_size: int = 256) -> list[list[str]]:
    """Lower-cased content lemmas of each text, with the full spaCy pipeline.

    Slow (a few hundred short texts per second): use it on bounded samples, for
    labels. Nouns, proper nouns, adjectives, verbs and adverbs are kept; stop
    words are tested on the lemma and on the form.

    Args:
        texts: Texts (raw; cleaned with :func:`clean_text` when ``clean``).
        spacy_model: Installed spaCy pipeline with a lemmatizer.
        clean: Apply :func:`clean_text` first.
        batch_size: Batch size for ``nlp.pipe``.

    Returns:
        One list of lemmas per text, in input order (accents kept).
    """
    pairs = content_lemma_pairs(texts, spacy_model=spacy_model, clean=clean, batch_size=batch_size)
    return [[lemma for lemma, _ in doc] for doc in pairs]


def content_lemma_pairs(texts: Sequence[str], *, spacy_model: str = config.SPACY_MODEL,
                        clean: bool = True, batch_size: int = 256) -> list[list[tuple[str, str]]]:
    """``(lemma, form)`` pairs of the content tokens of each text (see :func:`content_lemmas`).

    The form lets a label show a word as written when spaCy's lemma is not a
    real word (e.g. ``"absent"`` lemmatised as ``"abser"``).
    """
    nlp = load_spacy(spacy_model)
    prepared = [clean_text(t) if clean else (t if isinstance(t, str) else "") for t in texts]
    keep = {"NOUN", "PROPN", "ADJ", "VERB", "ADV", "X"}
    out: list[list[tuple[str, str]]] = []
    for doc in nlp.pipe(prepared, batch_size=batch_size, disable=LEMMA_ONLY):
        pairs = []
        for tok in doc:
            if tok.pos_ not in keep:
                continue
            lemma = (tok.lemma_ or tok.text).lower()
            if is_content_form(lemma) and is_content_form(tok.lower_):
                pairs.append((lemma, tok.lower_))
        out.append(pairs)
    return out


class FormAnalyzer:
    """Picklable analyzer for scikit-learn vectorizers: content forms, accents kept.

    Pass an instance as ``CountVectorizer(analyzer=FormAnalyzer())``. It keeps
    French accents (scikit-learn's default preprocessing does not strip them,
    but BERTopic's default vectorizer path with precomputed embeddings does) and
    adds bigrams when ``ngram_max=2``. The spaCy pipeline is loaded lazily and
    never pickled.
    """

    def __init__(self, spacy_model: str = config.SPACY_MODEL, ngram_max: int = 1) -> None:
        self.spacy_model = spacy_model
        self.ngram_max = ngram_max

    def __call__(self, text: str) -> list[str]:
        """Return the content forms (and n-grams) of one text."""
        forms = content_forms([text], spacy_model=self.spacy_model)[0]
        return _with_ngrams(forms, self.ngram_max)

    def __repr__(self) -> str:
        return f"FormAnalyzer(spacy_model={self.spacy_model!r}, ngram_max={self.ngram_max})"


class LemmaAnalyzer:
    """Picklable analyzer for scikit-learn vectorizers: content lemmas, accents kept.

    Runs the full spaCy pipeline per call (slow): use it on label samples only.
    """

    def __init__(self, spacy_model: str = config.SPACY_MODEL, ngram_max: int = 1) -> None:
        self.spacy_model = spacy_model
        self.ngram_max = ngram_max

    def __call__(self, text: str) -> list[str]:
        """Return the content lemmas (and n-grams) of one text."""
        lemmas = content_lemmas([text], spacy_model=self.spacy_model)[0]
        return _with_ngrams(lemmas, self.ngram_max)

    def __repr__(self) -> str:
        return f"LemmaAnalyzer(spacy_model={self.spacy_model!r}, ngram_max={self.ngram_max})"


def _with_ngrams(tokens: list[str], ngram_max: int) -> list[str]:
    out = list(tokens)
    for n in range(2, ngram_max + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out
