"""Pseudonymisation of health verbatims: person names, e-mails and phone numbers.

Workshop notes and open answers quote named people (facilitators, patients,
doctors). They are health data: names are replaced at ingest, before any
analysis or output, by stable tokens (``[PERSONNE_3]``); e-mails become
``[EMAIL]`` and French phone numbers ``[TELEPHONE]``. The key (token → name)
is kept only under ``data/private/`` (git-ignored, mode 600) so that the same
person keeps the same token across texts, runs and cycles. A token once written
never changes meaning or disappears: later cycles only add people, forms and
links (see :mod:`.key`); an entry that proved not to be a name is *retired*
(:meth:`Pseudonymizer.retire`, ``areas privacy retirer``), never deleted.

Package layout (one module per responsibility):

* :mod:`.lexicons`: word lists and word tests (first names, places from the
  project's commune list, institutions, French words), the known-names list and
  the never-mask list (``data/noms_a_garder.txt``, read by default);
* :mod:`.detectors`: swappable person detectors (:class:`RuleDetector`,
  :class:`SpacyNerDetector`, anything with ``spans(texts)``), contacts, the
  matcher of known forms;
* :mod:`.key`: the people, their tokens and forms, the key file and its lock;
* :mod:`.pseudonymizer`: :class:`Pseudonymizer` (two passes over a corpus);
* :mod:`.audit`: :func:`find_leaks` and :func:`score_pseudonymizer`;
* :mod:`.protocol`: :class:`TextPseudonymizer`, what readers of free text need.

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

Never masked, whatever the detectors say: the never-mask list (:class:`NeverMask`),
which also wins over forms already in the key. ``benchmarks/privacy_precision.py``
measures recall and capitalised non-names kept on real French text, beside the
previous detector and Presidio (README « Confidentialité »).

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

from .audit import Leak, PrivacyScores, find_leaks, score_pseudonymizer
from .detectors import PersonDetector, RuleDetector, SpacyNerDetector, default_detectors
from .key import KEY_FILE_NAME, KEY_VERSION, TOKEN_PREFIX, default_key_path
from .lexicons import (
    AMBIGUOUS_FIRST_NAMES,
    FIRST_NAMES,
    NOT_NAMES,
    PLACES,
    NeverMask,
    add_to_never_mask,
    default_never_mask_path,
    load_known_names,
    load_never_mask,
)
from .protocol import TextPseudonymizer
from .pseudonymizer import Pseudonymizer
from .records import EMAIL_TOKEN, PHONE_TOKEN, Detection

__all__ = [
    "AMBIGUOUS_FIRST_NAMES",
    "EMAIL_TOKEN",
    "FIRST_NAMES",
    "KEY_FILE_NAME",
    "KEY_VERSION",
    "NOT_NAMES",
    "PHONE_TOKEN",
    "PLACES",
    "TOKEN_PREFIX",
    "Detection",
    "Leak",
    "NeverMask",
    "PersonDetector",
    "PrivacyScores",
    "Pseudonymizer",
    "RuleDetector",
    "SpacyNerDetector",
    "TextPseudonymizer",
    "add_to_never_mask",
    "default_detectors",
    "default_key_path",
    "default_never_mask_path",
    "find_leaks",
    "load_known_names",
    "load_never_mask",
    "score_pseudonymizer",
]
