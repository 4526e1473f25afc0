"""Metadata of atelier notes: the manifest, file names, and the title and header lines of the notes.

An atelier's id, commune, date and public come from a ``manifest.csv`` next to
the notes (:func:`read_manifest`) or from the file name
``AAAA-MM-JJ_<commune-slug>_<atelier_id>[_<public>].<ext>``
(:func:`metadata_from_filename`); metadata is never guessed. Title and header
lines typed in the notes (« ATELIER AREAS — Commune : Montfort-sur-Meu —
14/03/2026 », « Public : usagers et aidants ») are read as :class:`NoteHeader`
and checked against that metadata (:func:`header_conflicts`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ..communes import COMMUNES_BROCELIANDE, fold_commune
from ..errors import InputError, Problem
from ..io import read_table
from ..text import normalize_label

__all__ = [
    "PUBLICS",
    "AtelierMeta",
    "NoteHeader",
    "commune_slug",
    "header_conflicts",
    "header_role",
    "manifest_table",
    "metadata_from_filename",
    "read_manifest",
]

PUBLICS: tuple[str, ...] = ("usagers", "pros", "mixte", "aidants")


@dataclass(frozen=True)
class AtelierMeta:
    """Metadata of one notes file.

    Attributes:
        atelier_id: Stable id, e.g. ``"A01"``.
        commune: Official commune name.
        date: ISO date string.
        public: ``usagers``, ``pros``, ``mixte``, ``aidants`` or ``None``.
        participants: Number of participants if known.
        origin: ``"manifeste"`` or ``"nom de fichier"`` (reported).
    """

    atelier_id: str
    commune: str
    date: str
    public: str | None
    participants: int | None
    origin: str


# --------------------------------------------------------------------------- metadata

def commune_slug(name: str) -> str:
    """File-name slug of a commune: ``"Saint-Méen-le-Grand"`` → ``"saint-meen-le-grand"``."""
    return "-".join(w for w in re.split(r"[^a-z0-9]+", normalize_label(name)) if w)


_COMMUNE_BY_SLUG = {commune_slug(c): c for c in COMMUNES_BROCELIANDE}
_FILENAME_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})_(?P<commune>[a-z0-9]+(?:-[a-z0-9]+)*)_(?P<atelier>[A-Za-z0-9]+)"
    r"(?:_(?P<public>[a-z]+))?$"
)
_ATELIER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _commune_from_slug(slug: str) -> str:
    if slug in _COMMUNE_BY_SLUG:
        return _COMMUNE_BY_SLUG[slug]
    small = {"sur", "sous", "de", "du", "des", "le", "la", "les", "en", "lès", "aux", "a"}
    words = slug.split("-")
    return "-".join(w if (i and w in small) else w.capitalize() for i, w in enumerate(words))


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
        return True
    except ValueError:
        return False


def metadata_from_filename(path: str | Path) -> AtelierMeta | None:
    """Metadata read from ``AAAA-MM-JJ_<commune-slug>_<atelier_id>[_<public>].<ext>``, or ``None``.

    The commune's official spelling is restored for communes of the Pays de
    Brocéliande (``saint-meen-le-grand`` → ``Saint-Méen-le-Grand``); other
    slugs are capitalised word by word.
    """
    m = _FILENAME_RE.match(Path(path).stem)
    if not m or not _valid_date(m.group("date")):
        return None
    public = m.group("public")
    if public is not None and public not in PUBLICS:
        return None
    return AtelierMeta(m.group("atelier"), _commune_from_slug(m.group("commune")), m.group("date"), public, None,
                       "nom de fichier")


def read_manifest(path: str | Path) -> dict[Path, AtelierMeta]:
    """Read and check a ``manifest.csv`` (columns of ``docs/formats.md``).

    Returns:
        Resolved notes path → metadata (``fichier`` is relative to the manifest).

    Raises:
        InputError: missing columns, empty or badly formed cells, unknown
            ``public``, non-ISO dates, duplicate files — all at once, with rows.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, "manifeste introuvable")])
    df = read_table(path, what="manifeste")  # separator and encoding detected, as every user table
    required = ["fichier", "atelier_id", "commune", "date", "public"]
    missing = [c for c in required if c not in df.columns]
    if missing:
        expected = ", ".join(required)
        raise InputError([Problem(file, f"colonne obligatoire absente (colonnes attendues : {expected}, "
                                        "participants)", row=1, column=c) for c in missing])
    problems: list[Problem] = []
    out: dict[Path, AtelierMeta] = {}
    for i, rec in enumerate(df.to_dict("records"), start=2):
        cells = {k: str(v).strip() for k, v in rec.items()}
        for col in required[:4]:
            if not cells[col]:
                problems.append(Problem(file, "valeur manquante", row=i, column=col))
        if cells["atelier_id"] and not _ATELIER_ID_RE.match(cells["atelier_id"]):
            problems.append(Problem(file, f"identifiant d'atelier « {cells['atelier_id']} » invalide (lettres, "
                                          "chiffres, - ou _ ; par ex. A01)", row=i, column="atelier_id"))
        if cells["date"] and not _valid_date(cells["date"]):
            problems.append(Problem(file, f"date « {cells['date']} » invalide (format attendu AAAA-MM-JJ)", row=i,
                                    column="date"))
        public = cells["public"] or None
        if public is not None and public not in PUBLICS:
            problems.append(Problem(file, f"public « {public} » inconnu (possibles : {', '.join(PUBLICS)})", row=i,
                                    column="public"))
        participants: int | None = None
        if cells.get("participants"):
            try:
                participants = int(cells["participants"])
                if participants < 0:
                    raise ValueError
            except ValueError:
                problems.append(Problem(file, f"nombre de participants « {cells['participants']} » invalide "
                                              "(entier attendu)", row=i, column="participants"))
        target = (path.parent / cells["fichier"]).resolve() if cells["fichier"] else None
        if target is not None and target in out:
            problems.append(Problem(file, f"fichier « {cells['fichier']} » listé deux fois", row=i,
                                    column="fichier"))
        if target is not None:
            out[target] = AtelierMeta(cells["atelier_id"], cells["commune"], cells["date"], public, participants,
                                      "manifeste")
    if problems:
        raise InputError(problems)
    return out


def manifest_table(path: str | Path) -> pd.DataFrame:
    """The checked manifest as a table, one row per atelier file (for indicators and overviews).

    Returns:
        New DataFrame ``fichier, atelier_id, commune, date, public, participants``
        (``participants`` a nullable integer), in manifest order.

    Raises:
        InputError: as :func:`read_manifest`.
    """
    rows = [{"fichier": p.name, "atelier_id": m.atelier_id, "commune": m.commune, "date": m.date,
             "public": m.public, "participants": m.participants} for p, m in read_manifest(path).items()]
    out = pd.DataFrame(rows, columns=["fichier", "atelier_id", "commune", "date", "public", "participants"])
    return out.astype({"participants": "Int64"})


# --------------------------------------------------------------------------- header lines

_MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
           "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
_DATE_NUM_RE = re.compile(r"\b(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})\b")
_DATE_ISO_RE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_DATE_WORDS_RE = re.compile(r"\b(?P<d>\d{1,2}|1er)\s+(?P<m>" + "|".join(_MONTHS) + r")\s+(?P<y>\d{4})\b")
#: ``Clé : valeur`` header lines; ``public`` only before the first table or section (else a section heading).
_HEADER_KEY_RE = re.compile(r"^(?P<key>commune|lieu|date|public|publics)\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)
_TITLE_RE = re.compile(r"^(?:compte[\s-]rendu\s+(?:de\s+l'|d')?)?atelier\b", re.IGNORECASE)
#: Words of a header that name the public (``normalize_label`` keys) → value of :data:`PUBLICS`.
_PUBLIC_WORDS = {"usager": "usagers", "usagers": "usagers", "patient": "usagers", "patients": "usagers",
                 "habitant": "usagers", "habitants": "usagers", "citoyen": "usagers", "citoyens": "usagers",
                 "professionnel": "pros", "professionnels": "pros", "pros": "pros", "soignants": "pros",
                 "aidant": "aidants", "aidants": "aidants", "mixte": "mixte", "mixtes": "mixte"}
#: Longest header or title line read as metadata (longer lines are content).
_HEADER_MAX_WORDS = 16


@dataclass(frozen=True)
class NoteHeader:
    """Metadata read from a title or header line of a notes file (reported, checked against the manifest).

    Attributes:
        source_file: File name.
        line: Line number.
        commune: Commune named (official spelling when in the territory), or ``None``.
        date: ISO date, or ``None``.
        publics: Publics named (values of :data:`PUBLICS`), empty when none.
        public_text: The public as written (``"usagers et aidants"``), or ``None``.
    """

    source_file: str
    line: int
    commune: str | None
    date: str | None
    publics: tuple[str, ...]
    public_text: str | None


def _find_date(text: str) -> str | None:
    """ISO date written in ``text`` (``14/03/2026``, ``2026-03-14``, ``2 avril 2026``), ``None`` if none valid."""
    folded = normalize_label(text)
    for rx, src in ((_DATE_ISO_RE, text), (_DATE_NUM_RE, text), (_DATE_WORDS_RE, folded)):
        m = rx.search(src)
        if not m:
            continue
        month = m.group("m")
        month_n = _MONTHS[month] if month in _MONTHS else int(month)
        day = 1 if m.group("d") == "1er" else int(m.group("d"))
        try:
            return date(int(m.group("y")), month_n, day).isoformat()
        except ValueError:
            return None
    return None


def _find_commune(text: str) -> str | None:
    """Commune of the territory named in ``text`` (accents, case, ``St`` ignored), longest name first."""
    folded = f" {fold_commune(text)} "
    for name in sorted(COMMUNES_BROCELIANDE, key=len, reverse=True):
        if f" {fold_commune(name)} " in folded:
            return name
    return None


def _find_publics(text: str) -> tuple[str, ...]:
    words = re.split(r"[^a-z]+", normalize_label(text))
    return tuple(dict.fromkeys(_PUBLIC_WORDS[w] for w in words if w in _PUBLIC_WORDS))


def header_role(text: str, preamble: bool) -> dict[str, object] | None:
    """Header/title metadata of a line (markup already stripped), ``None`` when it is not one.

    A header line is ``Commune :``, ``Lieu :``, ``Date :`` + value anywhere, ``Public :`` + value before
    the first table or section; a title line starts with « Atelier » (or « Compte rendu de l'atelier »)
    and names a date or a commune; in the preamble, any short line naming a date or a commune of
    the territory. Values are split on « — », « – », « | » and read separately.
    """
    if len(text.split()) > _HEADER_MAX_WORDS:
        return None
    parts = [p.strip() for p in re.split(r"\s+[—–|-]\s+|\s*[—|]\s*", text) if p.strip()]
    commune = when = public_text = None
    publics: tuple[str, ...] = ()
    keyed = False
    for part in parts:
        m = _HEADER_KEY_RE.match(part)
        if not m:
            continue
        key, value = m.group("key").lower(), m.group("value").strip()
        if key in ("public", "publics") and not preamble and len(parts) == 1:
            return None  # « Public : ... » after the first section is a section heading with content
        keyed = True
        if key in ("commune", "lieu"):
            commune = _find_commune(value) or (value if key == "commune" else commune)
        elif key == "date":
            when = _find_date(value)
        else:
            public_text, publics = value, _find_publics(value)
    title = bool(_TITLE_RE.match(text))
    if not keyed and not title and not preamble:
        return None
    commune = commune or _find_commune(text)
    when = when or _find_date(text)
    if not keyed and commune is None and when is None:
        return None
    if not keyed and not title and _leftover_words(text, commune) > _PREAMBLE_MAX_OTHER_WORDS:
        return None  # a sentence that happens to name a commune or a date is content
    if not publics and (title or keyed):
        publics = _find_publics(" ".join(p for p in parts if not _HEADER_KEY_RE.match(p)))
    return {"kind": "header", "commune": commune, "date": when, "publics": publics, "public_text": public_text}


#: Words besides the commune and the date a preamble line may hold and still be a header
#: (« Montfort-sur-Meu, le jeudi 14 mars 2026 » is a header; a sentence is content).
_PREAMBLE_MAX_OTHER_WORDS = 3


def _leftover_words(text: str, commune: str | None) -> int:
    folded = normalize_label(text)
    for rx in (_DATE_ISO_RE, _DATE_NUM_RE, _DATE_WORDS_RE):
        folded = rx.sub(" ", folded)
    words = fold_commune(folded).split()
    if commune:
        words = " ".join(words).replace(fold_commune(commune), " ").split()
    weekdays = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
    return sum(1 for w in words if w not in weekdays and w not in {"le", "a", "au", "du", "de"})


def header_conflicts(headers: Sequence[NoteHeader], meta: AtelierMeta, *, file: str) -> list[Problem]:
    """French problems where a header line of the notes contradicts the file's metadata.

    The commune is compared accents, case and ``St`` aside; the date as ISO;
    the public conflicts when the header names publics and the metadata's
    public is none of them (``mixte`` agrees with a header naming several).
    """
    source = "le manifeste" if meta.origin == "manifeste" else "le nom du fichier"
    out: list[Problem] = []
    for h in headers:
        if h.commune and meta.commune and fold_commune(h.commune) != fold_commune(meta.commune):
            out.append(Problem(file, f"l'en-tête indique la commune « {h.commune} » mais {source} indique "
                                     f"« {meta.commune} »", row=h.line))
        if h.date and meta.date and h.date != meta.date:
            out.append(Problem(file, f"l'en-tête indique la date {h.date} mais {source} indique {meta.date}",
                               row=h.line))
        if h.publics and meta.public and meta.public not in h.publics and not (
                meta.public == "mixte" and len(h.publics) > 1):
            shown = h.public_text or ", ".join(h.publics)
            out.append(Problem(file, f"l'en-tête indique le public « {shown} » mais {source} indique "
                                     f"« {meta.public} »", row=h.line))
    return out
