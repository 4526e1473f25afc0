"""French ordinal answer scales: recognise them in an export and infer their order.

Real forms use many ordinal families besides agreement: quality (« Très
mauvaise … Très bonne »), satisfaction, frequency (« Jamais … Toujours »),
accessibility and ease (« Pas du tout accessibles … Très accessibles »),
judgement (« Laisse à désirer, Moyen, Bon, Excellent »), confidence,
importance, usefulness. :func:`match_scale` tries, in order:

1. the complete scales of :data:`KNOWN_SCALES` (the whole scale is drafted,
   points nobody chose included);
2. otherwise an order inferred from the labels themselves
   (:func:`label_position`): a fixed rank for frequency and judgement words,
   else an adjective of a known family (``satisfait``, ``accessibles``,
   ``bonne``…) with or without its negative (``insatisfait``, ``difficile``,
   ``mauvaise``) and an intensity word (``pas du tout`` < ``peu`` <
   ``moyennement`` / ``ni … ni`` < ``plutôt`` / ``assez`` < bare < ``très`` /
   ``tout à fait``). Only the labels seen are drafted.

Either way the order is written in the draft's note for the researcher to check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..text import normalize_label

__all__ = ["KNOWN_SCALES", "ScaleMatch", "label_position", "match_scale"]

#: Common French response scales, lowest point first (family, labels).
KNOWN_SCALES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("accord", ("Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord",
                "Plutôt d'accord", "Tout à fait d'accord")),
    ("accord", ("Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord", "Tout à fait d'accord")),
    ("accord", ("Pas du tout d'accord", "Pas d'accord", "Ni d'accord ni pas d'accord", "D'accord",
                "Tout à fait d'accord")),
    ("accord", ("Pas du tout d'accord", "Pas d'accord", "Neutre", "D'accord", "Tout à fait d'accord")),
    ("accord", ("Pas du tout d'accord", "Pas d'accord", "D'accord", "Tout à fait d'accord")),
    ("satisfaction", ("Très insatisfait", "Insatisfait", "Ni satisfait ni insatisfait", "Satisfait",
                      "Très satisfait")),
    ("satisfaction", ("Pas du tout satisfait", "Peu satisfait", "Moyennement satisfait", "Satisfait",
                      "Très satisfait")),
    ("satisfaction", ("Pas du tout satisfait", "Plutôt pas satisfait", "Plutôt satisfait", "Très satisfait")),
    ("satisfaction", ("Pas du tout satisfait", "Peu satisfait", "Satisfait", "Très satisfait")),
    ("satisfaction", ("Très insatisfait", "Plutôt insatisfait", "Plutôt satisfait", "Très satisfait")),
    ("satisfaction", ("Pas satisfait", "Peu satisfait", "Satisfait", "Très satisfait")),
    ("fréquence", ("Jamais", "Rarement", "Parfois", "Souvent", "Toujours")),
    ("fréquence", ("Jamais", "Rarement", "De temps en temps", "Souvent", "Très souvent")),
    ("fréquence", ("Jamais", "Rarement", "Souvent", "Toujours")),
    ("fréquence", ("Jamais", "Parfois", "Souvent", "Toujours")),
    ("importance", ("Pas du tout important", "Peu important", "Moyennement important", "Important",
                    "Très important")),
    ("importance", ("Pas du tout important", "Peu important", "Assez important", "Très important")),
    ("importance", ("Pas important", "Peu important", "Important", "Très important")),
    ("facilité", ("Très difficile", "Difficile", "Ni facile ni difficile", "Facile", "Très facile")),
    ("facilité", ("Très difficile", "Plutôt difficile", "Plutôt facile", "Très facile")),
    ("facilité", ("Très difficile", "Difficile", "Facile", "Très facile")),
    ("accessibilité", ("Pas du tout accessible", "Peu accessible", "Assez accessible", "Très accessible")),
    ("accessibilité", ("Pas du tout accessibles", "Peu accessibles", "Assez accessibles", "Très accessibles")),
    ("qualité", ("Très mauvais", "Mauvais", "Moyen", "Bon", "Très bon")),
    ("qualité", ("Très mauvaise", "Mauvaise", "Moyenne", "Bonne", "Très bonne")),
    ("qualité", ("Très mauvaise", "Plutôt mauvaise", "Plutôt bonne", "Très bonne")),
    ("qualité", ("Mauvais", "Passable", "Bon", "Très bon")),
    ("appréciation", ("Laisse à désirer", "Moyen", "Bon", "Excellent")),
    ("appréciation", ("Insuffisant", "Passable", "Bien", "Très bien")),
    ("confiance", ("Pas du tout confiance", "Peu confiance", "Assez confiance", "Tout à fait confiance")),
    ("confiance", ("Pas du tout confiance", "Plutôt pas confiance", "Plutôt confiance", "Tout à fait confiance")),
)

#: Frequency words → rank (``normalize_label`` keys).
_FREQUENCY: dict[str, float] = {
    "jamais": 0, "presque jamais": 0.5, "tres rarement": 0.5, "rarement": 1, "parfois": 2, "quelquefois": 2,
    "de temps en temps": 2, "de temps a autre": 2, "occasionnellement": 2, "assez souvent": 2.5, "souvent": 3,
    "frequemment": 3, "regulierement": 3, "tres souvent": 3.5, "la plupart du temps": 3.5,
    "presque toujours": 3.5, "toujours": 4, "systematiquement": 4, "tout le temps": 4,
}
#: Judgement words → rank; a scale is read as a judgement when one of :data:`_JUDGEMENT_ONLY` is present.
_JUDGEMENT: dict[str, float] = {
    "tres insuffisant": 0, "tres mauvais": 0, "mauvais": 0.5, "laisse a desirer": 1, "insuffisant": 1,
    "mediocre": 1, "passable": 2, "moyen": 2, "correct": 2.5, "assez bien": 2.5, "assez bon": 2.5,
    "satisfaisant": 2.75, "bon": 3, "bien": 3, "tres bon": 4, "tres bien": 4, "excellent": 5, "parfait": 5,
}
_JUDGEMENT_ONLY = frozenset({"laisse a desirer", "insuffisant", "tres insuffisant", "mediocre", "passable",
                             "correct", "excellent", "parfait", "satisfaisant", "assez bien", "bien", "tres bien"})
#: Adjective (or noun) of a family, with its polarity: +1 for the favourable pole, -1 for its opposite.
_STEMS: tuple[tuple[str, re.Pattern[str], int], ...] = tuple(
    (family, re.compile(rx), polarity) for family, rx, polarity in (
        ("accord", r"^(d'accord|en accord)$", 1),
        ("accord", r"^(en )?desaccord$", -1),
        ("satisfaction", r"^(satisfaite?s?|contente?s?)$", 1),
        ("satisfaction", r"^(insatisfaite?s?|mecontente?s?)$", -1),
        ("accessibilité / facilité", r"^(accessibles?|faciles?|simples?)$", 1),
        ("accessibilité / facilité", r"^(inaccessibles?|difficiles?|compliquee?s?)$", -1),
        ("qualité", r"^(bon|bonne|bons|bonnes|de bonne qualite|de qualite)$", 1),
        ("qualité", r"^(mauvais|mauvaise|mauvaises|de mauvaise qualite)$", -1),
        ("importance", r"^importante?s?$", 1),
        ("utilité", r"^utiles?$", 1),
        ("utilité", r"^inutiles?$", -1),
        ("confiance", r"^(confiance|confiante?s?|en confiance)$", 1),
        ("confiance", r"^(mefiante?s?|defiante?s?)$", -1),
        ("adaptation", r"^adaptee?s?$", 1),
        ("adaptation", r"^inadaptee?s?$", -1),
    )
)
#: Intensity words before the adjective → position on the favourable side (longest first).
_INTENSITY: tuple[tuple[str, float], ...] = (
    ("pas du tout", -3), ("absolument pas", -3), ("plutot pas", -1.5), ("pas vraiment", -1.5),
    ("pas tres", -1.5), ("pas", -2), ("peu", -1), ("moyennement", 0), ("assez", 0.5), ("plutot", 0.5),
    ("tout a fait", 2), ("tres", 2), ("totalement", 2), ("completement", 2), ("entierement", 2),
    ("vraiment", 1.5), ("extremement", 2.5), ("", 1),
)
_NEUTRAL = frozenset({"neutre", "indifferent", "mitige", "moyen", "moyenne", "ni l'un ni l'autre"})
_NI_NI = re.compile(r"^ni (?P<a>.+?) ni (?P<b>.+)$")
#: Fewest distinct labels from which an order is inferred (two labels of one family are a scale).
_MIN_INFERRED_POINTS = 2


def _stem(core: str) -> tuple[str, int] | None:
    for family, rx, polarity in _STEMS:
        if rx.match(core):
            return family, polarity
    return None


def label_position(label: str) -> tuple[str | None, float] | None:
    """Family and position of one ordinal label, ``None`` when it is not one.

    The family is ``None`` for a neutral middle (« Neutre », « Ni … ni … »
    naming no known adjective). Positions are comparable within a family only.

    >>> label_position("Plutôt pas d'accord")
    ('accord', -1.5)
    >>> label_position("Très insatisfaite")
    ('satisfaction', -2)
    """
    key = normalize_label(label)
    if key in _FREQUENCY:
        return "fréquence", _FREQUENCY[key]
    if key in _NEUTRAL:
        return None, 0.0
    m = _NI_NI.match(key)
    if m:
        stems = [_stem(p.removeprefix("pas ")) for p in (m.group("a"), m.group("b"))]
        families = {s[0] for s in stems if s}
        return (families.pop() if len(families) == 1 else None), 0.0
    for word, position in _INTENSITY:
        if word and not key.startswith(word + " "):
            continue
        core = key[len(word):].strip()
        found = _stem(core)
        if found:
            family, polarity = found
            return family, position * polarity
    return None


@dataclass(frozen=True)
class ScaleMatch:
    """A recognised scale.

    Attributes:
        family: French family name (``"qualité"``, ``"fréquence"``...).
        labels: The scale, lowest point first.
        missing: Labels seen that mean "no answer" (``Je ne sais pas``).
        inferred: ``True`` when the order was inferred from the labels seen
            (only those labels are in the scale), ``False`` for a known scale.
    """

    family: str
    labels: tuple[str, ...]
    missing: tuple[str, ...]
    inferred: bool

    def note(self) -> str:
        """French note for the draft: family, points and the order to check."""
        order = " < ".join(self.labels)
        if self.inferred:
            return (f"déduit : échelle de {self.family} ({len(self.labels)} libellés vus), ordre déduit des "
                    f"libellés : {order} ; vérifier l'ordre et ajouter les points que personne n'a choisis")
        return (f"déduit : échelle de {self.family} à {len(self.labels)} points reconnue : {order} ; "
                "vérifier l'ordre")


def _spelling(values: Sequence[str]) -> dict[str, str]:
    """Most frequent spelling of each label key (first seen on ties)."""
    by_key: dict[str, Counter[str]] = {}
    for v in values:
        by_key.setdefault(normalize_label(v), Counter())[v] += 1
    return {k: c.most_common(1)[0][0] for k, c in by_key.items()}


def _infer_order(keys: Collection[str], spelling: dict[str, str]) -> tuple[str, tuple[str, ...]] | None:
    if len(keys) < _MIN_INFERRED_POINTS:
        return None
    if any(k in _JUDGEMENT_ONLY for k in keys):
        if not all(k in _JUDGEMENT for k in keys):
            return None
        positions: dict[str, tuple[str | None, float]] = {k: ("appréciation", _JUDGEMENT[k]) for k in keys}
    else:
        found = {k: label_position(k) for k in keys}
        if any(p is None for p in found.values()):
            return None
        positions = {k: p for k, p in found.items() if p is not None}
    families = {f for f, _ in positions.values() if f is not None}
    if len(families) != 1:
        return None
    ranks = [pos for _, pos in positions.values()]
    if len(set(ranks)) != len(ranks):
        return None  # two labels at one position: the order cannot be told
    ordered = sorted(keys, key=lambda k: positions[k][1])
    return families.pop(), tuple(spelling[k] for k in ordered)


def match_scale(values: Sequence[str], missing_keys: Collection[str]) -> ScaleMatch | None:
    """The ordinal scale of a column's non-empty answers, or ``None``.

    Args:
        values: Answers as written (repeats allowed).
        missing_keys: ``normalize_label`` keys meaning "no answer" (kept apart).

    Returns:
        A known scale containing every answer (the best-covered one), else an
        order inferred from the labels when they all belong to one family
        and no two share a position; ``None`` otherwise.
    """
    keys = Counter(normalize_label(v) for v in values)
    missing_seen = tuple(sorted({v for v in values if normalize_label(v) in missing_keys}, key=list(values).index))
    on_scale = {k for k in keys if k not in missing_keys}
    if len(on_scale) < 2:
        return None
    best: tuple[float, int, int] | None = None
    choice = None
    for rank, (family, scale) in enumerate(KNOWN_SCALES):
        scale_keys = [normalize_label(s) for s in scale]
        if on_scale <= set(scale_keys):
            score = (len(on_scale) / len(scale_keys), len(scale_keys), -rank)
            if best is None or score > best:
                best, choice = score, ScaleMatch(family, scale, missing_seen, False)
    if choice is not None:
        return choice
    inferred = _infer_order(on_scale, _spelling(values))
    if inferred is None:
        return None
    return ScaleMatch(inferred[0], inferred[1], missing_seen, True)
