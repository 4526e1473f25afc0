"""Shared French NLP resources: the spaCy pipeline, loaded once per process.

Loading ``fr_core_news_md`` takes seconds; every stage asks this module for it
instead of calling ``spacy.load`` so a notebook pays that cost once.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from .config import SPACY_MODEL
from .errors import AreasError

#: Words spaCy lists as French stop words that carry meaning in health-needs
#: verbatims ("seul" = alone, "personne" = nobody/person, "pas" = negation...).
MEANINGFUL_STOP_WORDS: frozenset[str] = frozenset(
    {"seul", "seule", "seuls", "seules", "personne", "personnes", "pas", "sans", "aucun", "aucune",
     "rien", "jamais", "loin", "près", "trop", "peu", "moins", "plus", "assez", "aide", "besoin",
     "malade", "âge", "temps", "attendre", "difficile", "jeune", "jeunes", "vieux"}
)


#: Components to skip when only tokens, POS and lemmas are needed: pass it as
#: ``nlp.pipe(texts, disable=LEMMA_ONLY)`` on the shared pipeline rather than
#: loading a second pipeline with them disabled (loading costs ~3 s per process).
LEMMA_ONLY: tuple[str, ...] = ("parser", "ner")


@lru_cache(maxsize=4)
def load_spacy(model: str = SPACY_MODEL, disable: tuple[str, ...] = ()) -> Language:
    """Load a spaCy pipeline once per process and per ``disable`` set.

    Args:
        model: Installed spaCy package name, e.g. ``"fr_core_news_md"``.
        disable: Pipeline components to disable (e.g. ``("parser",)``) for speed.

    Raises:
        AreasError: when the model package is not installed (French message).
    """
    try:
        return spacy.load(model, disable=list(disable))
    except OSError as exc:  # not installed: say how to fix it, never download
        raise AreasError(
            f"Le modèle spaCy « {model} » n'est pas installé. Lancez « make test » ou "
            f"« pip install {model.replace('_', '-')}==3.8.0 » (aucun téléchargement n'est fait à l'exécution)."
        ) from exc


@lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    """spaCy's French stop words minus the ones that carry meaning here."""
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(w.lower() for w in STOP_WORDS) - MEANINGFUL_STOP_WORDS
