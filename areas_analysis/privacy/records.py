"""Records exchanged inside the privacy package: a detection (span, kind, source, token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["EMAIL_TOKEN", "PHONE_TOKEN", "Detection"]

EMAIL_TOKEN = "[EMAIL]"
PHONE_TOKEN = "[TELEPHONE]"

#: A person span found by a detector: (start, end, source).
_Span = tuple[int, int, str]


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


