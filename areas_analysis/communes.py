"""Communes of the Pays de Brocéliande: the official list and a normaliser for typed names.

Exports and paper entry spell communes many ways (« IFFENDIC », « St Méen »,
« Breal sous Montfort », « Paimpont (forêt) », « Montfort »). Grouping by
commune needs one spelling, so ``commune`` columns are normalised to the
official name when the typed value designates exactly one commune of the list;
anything else (a commune outside the territory, a typo) is kept as typed, so
nothing is lost or guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from .text import fold

#: Communes of the Pays de Brocéliande (official spelling).
COMMUNES_BROCELIANDE: tuple[str, ...] = (
    "Bédée", "Breteil", "Iffendic", "La Nouaye", "Montfort-sur-Meu", "Pleumeleuc", "Saint-Gonlay", "Talensac",
    "Bléruais", "Boisgervilly", "Gaël", "Irodouër", "La Chapelle-du-Lou-du-Lac", "Landujan", "Le Crouais",
    "Médréac", "Montauban-de-Bretagne", "Muel", "Quédillac", "Saint-M'Hervon", "Saint-Maugan",
    "Saint-Méen-le-Grand", "Saint-Onen-la-Chapelle", "Saint-Pern", "Saint-Uniac", "Bréal-sous-Montfort",
    "Maxent", "Monterfil", "Paimpont", "Plélan-le-Grand", "Saint-Péran", "Saint-Thurial", "Treffendel",
    "Saint-Malon-sur-Mel",
)

_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def fold_commune(name: str) -> str:
    """Lower-case, accent-free, punctuation-free form: ``"St-Méen"`` → ``"saint meen"``."""
    text = fold(str(name))
    text = re.sub(r"\([^)]*\)", " ", text)  # « Paimpont (forêt) »
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


@lru_cache(maxsize=8)
def _index(communes: tuple[str, ...]) -> dict[str, str]:
    return {fold_commune(c): c for c in communes}


def normalize_commune(value: str | None, communes: tuple[str, ...] = COMMUNES_BROCELIANDE) -> str | None:
    """Official spelling of a typed commune name, or the value as typed when it is not unambiguous.

    Matching: same folded form (case, accents, hyphens, « St »), else the typed
    words are the first words of exactly one commune (« Montfort » →
    Montfort-sur-Meu, « St Méen » → Saint-Méen-le-Grand). Empty → ``None``.
    """
    if value is None:
        return None
    typed = " ".join(str(value).split())
    if not typed:
        return None
    folded = fold_commune(typed)
    index = _index(communes)
    if folded in index:
        return index[folded]
    candidates = [official for key, official in index.items() if folded and key.startswith(folded + " ")]
    return candidates[0] if len(candidates) == 1 else typed


# --------------------------------------------------------------------------- remoteness (model covariate)

#: Remoteness classes, from least to most remote.
REMOTENESS_LABELS: tuple[str, ...] = ("bourg-centre", "périurbain", "rural isolé")


def commune_remoteness(values: pd.Series) -> pd.Series:
    """Remoteness class of each commune (ordered categorical ``bourg-centre < périurbain < rural isolé``).

    The classes are the working classification of the territory also used by
    the sample generator (``areas_analysis.sample.banks.COMMUNES``: bourg-centre
    = pôle with a maison de santé and services); they must be checked by
    PROXIMA35 (e.g. against INSEE's grille communale de densité) before a real
    cycle's models are read. Names are matched through :func:`normalize_commune`;
    a commune without a class gives NA (the model then leaves the respondent out).
    """
    from .sample.banks import COMMUNES  # data only (no import back): one home for the classes

    classes = {fold_commune(name): REMOTENESS_LABELS[code] for name, code, *_ in COMMUNES}
    mapped = [None if v is None or (not isinstance(v, str) and pd.isna(v))
              else classes.get(fold_commune(normalize_commune(str(v)) or ""))
              for v in values]
    return pd.Series(pd.Categorical(mapped, categories=list(REMOTENESS_LABELS), ordered=True),
                     index=values.index, name="eloignement")
