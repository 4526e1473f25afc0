"""Word lists and word tests of the pseudonymiser: first names, places, never-names, French words.

Everything here is about *words*: is this a first name, a commune, an institution, an ordinary
French word, a title? Entries are folded (lower case, no accents; see :func:`_fold`). The regular
expressions that describe how names are written (titles, particles, capitalised words) live here
too, so that the detectors and the key share one definition.

Two lists are edited by researchers rather than in code: the project list of known names
(:func:`load_known_names`) and the never-mask list (:func:`load_never_mask`, ``data/noms_a_garder.txt``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .. import config
from ..communes import COMMUNES_BROCELIANDE
from ..errors import AreasError

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

# First names met in French texts beyond the French and Breton lists: English, Spanish, Italian, Arabic,
# African, Portuguese (a person's name in an answer is not always French).
_FIRST_NAMES_WORLD_TEXT = """
john james george peter paul mark steve steven larry newt barack donald joe bill hillary kamala boris tony
david michael robert william richard charles joseph thomas christopher daniel matthew anthony andrew
kenneth brian kevin jason jeffrey ryan jacob gary timothy jose pablo juan carlos luis jorge miguel diego
javier alejandro fernando cristina fernanda isabel carmen lucia sofia valentina gabriela mariana
giuseppe giovanni francesco marco luca matteo alessandro giulia chiara federica angela
mohamed mohammed muhammad ahmed ali omar youssef karim mehdi rachid said hassan hussein ibrahim moussa
mamadou amadou ousmane abdoulaye boubacar seydou cheikh malick modou aliou ibrahima souleymane
fatima fatou aminata awa mariam aicha khadija leila nadia samira yasmine amina kadiatou
emmanuel jean-pierre jean-marc jean-luc jean-claude jean-paul marie-france marie-claire anne-marie
olga natalia svetlana vladimir dmitri sergei ivan igor helmut angela olaf gerhard wolfgang hans
"""

#: First names that are also ordinary French words: never taken from the list alone.
AMBIGUOUS_FIRST_NAMES: frozenset[str] = frozenset(
    "pierre claire rose blanche marine aurore constance clemence victoire prudence esperance violette "
    "capucine jade ange celeste noel desire desiree aime aimee olive fleur aude".split()
)

#: Common French and Breton first names (folded), written for this module.
FIRST_NAMES: frozenset[str] = (
    frozenset(_FIRST_NAMES_TEXT.split()) | frozenset(_FIRST_NAMES_WORLD_TEXT.split()) | AMBIGUOUS_FIRST_NAMES
)

#: Communes of the Pays de Brocéliande and nearby places (folded, hyphenated as written officially).
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
    animateur animatrice animateurs animatrices facilitateur facilitatrice rapporteur rapporteuse secretaire
    avs aesh atsem urssaf pacs cnam cnav carsat agirc arrco apl rsa aah cmu css ame smic insee impots tresor cnil
    mdph anah caisse securite sociale assurance maladie mutuelle mutuelles pole emploi travail
    services espace sante doctolib monsoutienpsy monalisa ameli vitale ordonnance
    eglise etat republique gouvernement assemblee senat parlement constitution europe union
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
# « Animé par : X », « Notes prises par X », « Secrétaire : X », « Animatrice Soizic ». A role noun needs a
# separator or a capital after it: « des secrétaires médicales » is not a cue.
_CUE_RE = re.compile(
    rf"(?i:(?:anim[ée]e?s?|not[ée]e?s?|r[ée]dig[ée]e?s?|prises?)[ \t]+par)[ \t]*(?:[:\-–][ \t]*)?"
    rf"(?P<rest>[^\n:(]*)"
    rf"|(?i:animat(?:eur|rice)s?|facilitat(?:eur|rice)s?|rapporteu(?:r|se)s?|secr[ée]taires?"
    rf"|prise[ \t]+de[ \t]+notes)"
    rf"(?:[ \t]*[:\-–][ \t]*|[ \t]+(?=[{_UP}]))"
    rf"(?P<rest2>[^\n:(]*)"
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


#: Places (folded, hyphenated as written officially): the project's commune list
#: (:data:`areas_analysis.communes.COMMUNES_BROCELIANDE`), their short forms, and places of France met in answers.
PLACES: frozenset[str] = frozenset(
    _fold(c).replace(" ", "-") for c in COMMUNES_BROCELIANDE
) | frozenset(
    """
    romille montfort plelan breal montauban saint-meen broceliande bretagne ille-et-vilaine morbihan
    rennes ploermel mauron guer saint-malo vannes pontchaillou france paris
    cotes-d'armor finistere loire-atlantique normandie occitanie provence alsace corse lorraine picardie
    auvergne bourgogne aquitaine limousin champagne savoie vendee gironde nord ardeche dordogne
    mayotte guadeloupe martinique reunion guyane nouvelle-caledonie polynesie outre-mer dom-tom
    lyon marseille toulouse nantes brest lorient quimper saint-brieuc lille bordeaux strasbourg nice
    europe afrique algerie maroc tunisie allemagne espagne italie belgique suisse
    """.split()
)


#: Ordinary words absent from spaCy's French lemma tables (found masked in real answers: « Gros complexes »).
#: Ordinary, not blocked: after a title (« M. Gros ») they are still names.
_PLAIN_WORDS_MISSING_FROM_SPACY = frozenset({"gros", "grosse", "grosses"})


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

    from ..nlp import load_spacy

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
    plain.update(_PLAIN_WORDS_MISSING_FROM_SPACY)
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
    from ..nlp import load_spacy

    table = load_spacy().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
    lemma = table.get(low)
    lemmas = [lemma] if isinstance(lemma, str) else list(lemma or [])
    return bool(lemmas) and low not in lemmas  # an inflected form ("trouve" → "trouver")


def _is_plain_lemma(word: str) -> bool:
    """True for a stop word or an adjective, adverb or verb lemma (not an inflected form such as ``massa``)."""
    return word.lower().replace("’", "'") in _french_lexicon()[0]


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset({w.lower() for w in STOP_WORDS} | {_fold(w) for w in STOP_WORDS})


def _is_stop_word(word: str) -> bool:
    """True for a French stop word (``Merci`` is not one, ``Pour`` is), with or without accents."""
    return _fold(word) in _stop_words()


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



def _clean_name(name: str) -> str:
    """Strip punctuation, quotes and lower-case elisions around a name."""
    name = " ".join(name.split()).strip(" \t-–—•*>:;,.!?\"«»()[]")
    name = re.sub(r"^(?:[dlj]|qu)['’]", "", name)
    return name.strip()



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



#: File name of the never-mask list under ``data/``.
NEVER_MASK_FILE_NAME = "noms_a_garder.txt"


def _read_name_list(path: Path | str, what: str) -> list[str]:
    """Entries of a list file: one per line, ``#`` starts a comment, blank lines and duplicates ignored."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AreasError(f"{path} : {what} illisible ({exc.strerror or exc}).") from exc
    content = raw.decode("cp1252", errors="replace")
    for encoding in ("utf-8-sig", "utf-16"):
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


def load_known_names(path: Path | str) -> list[str]:
    """Read a project list of names: one per line, ``#`` starts a comment, blank lines ignored.

    Raises:
        AreasError: when the file cannot be read (French message naming it).
    """
    return _read_name_list(path, "liste de noms")


def default_never_mask_path() -> Path:
    """Where the never-mask list lives: ``data/noms_a_garder.txt`` (versioned, edited by researchers)."""
    return config.DATA_DIR / NEVER_MASK_FILE_NAME


def load_never_mask(path: Path | str) -> list[str]:
    """Read a never-mask list (same format as :func:`load_known_names`): words and phrases kept as written.

    Raises:
        AreasError: when the file cannot be read (French message naming it).
    """
    return _read_name_list(path, "liste des noms à garder")


_NEVER_MASK_HEADER = """\
# Noms à garder : mots et expressions que la pseudonymisation ne masque jamais.
# Un par ligne ; « # » commence un commentaire ; majuscules et accents indifférents.
# Une expression de plusieurs mots n'est gardée qu'entière (« France Services ») ;
# un mot seul est gardé partout où il apparaît (« Monalisa »).
"""


def add_to_never_mask(path: Path | str, entries: Iterable[str]) -> list[str]:
    """Append entries to a never-mask list (created with its French header if absent); return those added.

    Entries already in the list (case and accents aside) are not repeated; existing lines are
    never rewritten.
    """
    path = Path(path)
    present = {_norm_name(n) for n in load_never_mask(path)} if path.exists() else set()
    added: list[str] = []
    for entry in entries:
        name = _clean_name(entry)
        if name and _norm_name(name) not in present:
            present.add(_norm_name(name))
            added.append(name)
    if added:
        text = path.read_text(encoding="utf-8-sig") if path.exists() else _NEVER_MASK_HEADER
        if text and not text.endswith("\n"):
            text += "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "".join(f"{n}\n" for n in added), encoding="utf-8")
    return added


class NeverMask:
    """Words and phrases that are never masked, whatever found them.

    A span is covered when its folded text is an entry (``France Services``, ``Mon espace santé``),
    or when every word of it (particles aside) is a one-word entry (``Monalisa``, ``CAF CPAM``).

    Args:
        entries: Words or phrases as a researcher writes them (case and accents do not matter).
    """

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.phrases = frozenset(_norm_name(_clean_name(e)) for e in entries if _clean_name(e))
        self.words = frozenset(p for p in self.phrases if " " not in p)

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def covers(self, text: str) -> bool:
        """True when ``text`` (a span or a folded form) must stay as written."""
        if not self.phrases:
            return False
        norm = _norm_name(text)
        if norm in self.phrases:
            return True
        core = [w for w in norm.split() if w not in _PARTICLES]
        return bool(core) and all(w in self.words for w in core)
