"""World-café atelier notes (.txt, .md, .docx) → segment records.

Notes come as in ``../shared/context/atelier_notes_msp_tables.txt``: several
tables per file (``Table n°: 2``, ``Table n° 2``, ``TABLE 3``), ``Animé par :
<prénom>``, section headings with variants, bullets, numbered items, plain
lines, empty sections; or generic project sheets with UPPER-CASE headings.

Each non-empty line is classified, in this order (rules tested in
``tests/test_ingest_notes.py``):

1. **bulleted or numbered line** (``-``, ``•``, ``*``, ``->``, ``1.``, a Word
   list paragraph) → content, never a heading: a short bullet "Financement"
   under "Freins" stays content;
2. **table heading**: ``table`` + optional ``n°``/``no``/``numéro`` + a number,
   optionally followed by ``:``/``-``/``—`` and a title (``Table 2 personnes`` is
   content); a title that is a facilitator line gives the facilitator too
   (``## Table n°3 — Animé par : Soizic Guillou``);
3. **facilitator**: ``Animé(e) par``, ``Animateur/Animatrice``, ``Facilitateur``
   + name; the name is replaced by the pseudonymiser's token;
4. **header / title line** (metadata, never a segment): ``Commune :``, ``Lieu :``,
   ``Date :`` + value; ``Public :`` + value before the first table or section;
   a line starting with « Atelier » naming a commune or a date
   (« ATELIER AREAS — Commune : Montfort-sur-Meu — 14/03/2026 », « # Atelier
   AREAS – Iffendic – 2 avril 2026 »); before the first table or section, a
   short line that is little more than a commune and a date. Commune, date and
   public are read (:func:`note_headers`) and checked against the manifest or
   file name: a disagreement is an error naming file and line;
5. **meta line**: ``Rapporteur :``, ``Secrétaire :``, ``Participants :``... —
   kept in the structure, not a segment;
6. **placeholder**: « (rien noté) », « RAS », « Néant », « — »... (also as a
   bullet) — kept in the structure as an empty line, not a segment;
7. **known section heading**: the whole line (without ``#``, ``**``, a final
   ``:``) is a heading of the vocabulary :data:`SECTION_VOCABULARY` (accents,
   case and ``œ`` ignored), or parts of it split on ``/``, ``et``, ``&``
   are all known (``Constats/Situation actuelle`` → ``constats``; parts with
   different sections give a combined slug ``freins_leviers``). A known heading
   followed by ``:`` and text (``Freins : le coût``) is a heading plus one
   content segment on the same line;
8. **unknown heading**, kept as its own section (slug of its text): a Markdown
   ``#`` heading or Word heading style; a short (≤ 8 words) fully bold line; a
   short UPPER-CASE line (``CALENDRIER``, ``PUBLIC CIBLE``), except a single
   word of ≤ 5 letters, read as an acronym (``CCAS``, ``EHPAD``); a short
   (≤ 5 words) line ending with ``:`` that starts with a capital and not with
   an article or pronoun (``Points de vigilance :`` is a heading,
   ``Les participants soulignent :`` is content);
9. anything else → content, split into sentences.

Metadata (atelier id, commune, date, public) comes from a ``manifest.csv``
next to the notes or given explicitly, else from the file name
``AAAA-MM-JJ_<commune-slug>_<atelier_id>[_<public>].<ext>``; otherwise the
file is refused: metadata is never guessed (:mod:`.atelier_meta`, which also
reads and checks the notes' header lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import AreasError, InputError, Problem
from ..io import read_text, write_machine_csv
from ..segments import segment_line, split_sentences, strip_boilerplate
from ..text import normalize_label, slugify
from .atelier_meta import (
    PUBLICS,
    AtelierMeta,
    NoteHeader,
    commune_slug,
    header_conflicts,
    header_role,
    manifest_table,
    metadata_from_filename,
    read_manifest,
)
from .survey import TextPseudonymizer

__all__ = [
    "SEGMENT_COLUMNS",
    "SECTION_VOCABULARY",
    "PUBLICS",
    "NOTE_SUFFIXES",
    "AtelierMeta",
    "canonical_section",
    "commune_slug",
    "NoteHeader",
    "header_conflicts",
    "load_notes",
    "manifest_table",
    "note_headers",
    "read_manifest",
    "metadata_from_filename",
    "write_segments",
]

#: Columns of the segment record (``docs/formats.md``), in order.
SEGMENT_COLUMNS: tuple[str, ...] = (
    "segment_id", "source_file", "atelier_id", "commune", "date", "public", "table", "facilitator",
    "section", "heading", "line", "text",
)
#: Extra columns with ``include_structure=True``: line role and raw line (pseudonymised).
STRUCTURE_COLUMNS: tuple[str, ...] = ("kind", "raw")
NOTE_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx")

#: Heading variants → canonical section. Keys are compared with ``normalize_label``.
SECTION_VOCABULARY: dict[str, str] = {
    **dict.fromkeys(["constats", "constat", "situation actuelle", "etat des lieux", "diagnostic", "existant",
                     "ce qui existe", "ce qui existe deja", "observations"], "constats"),
    **dict.fromkeys(["idees", "idee", "pistes d'action", "pistes d'actions", "pistes", "propositions",
                     "proposition", "solutions", "actions proposees", "idees d'action", "idees d'actions",
                     "pistes de solutions", "actions a mener"], "idees"),
    **dict.fromkeys(["conditions de mise en oeuvre", "conditions", "conditions de reussite", "prerequis",
                     "mise en oeuvre", "conditions de mise en place"], "conditions"),
    **dict.fromkeys(["idees phares a transmettre", "idees phares", "idee phare", "idee phare a transmettre",
                     "messages a transmettre", "message a transmettre", "messages cles", "a retenir",
                     "points cles", "a transmettre"], "idees_phares"),
    **dict.fromkeys(["freins", "frein", "obstacles", "difficultes", "points de blocage", "blocages", "limites",
                     "contraintes", "points faibles", "faiblesses", "risques"], "freins"),
    **dict.fromkeys(["leviers", "levier", "ressources", "atouts", "points forts", "forces", "facteurs de reussite",
                     "opportunites"], "leviers"),
    **dict.fromkeys(["objectifs", "objectif", "buts", "but", "finalites", "finalite", "objectifs operationnels",
                     "objectif general", "objectifs specifiques"], "objectifs"),
    **dict.fromkeys(["acteurs", "acteur", "partenaires", "parties prenantes", "acteurs concernes",
                     "acteurs impliques", "partenaires mobilises"], "acteurs"),
    **dict.fromkeys(["besoins", "besoin", "besoins identifies", "besoins exprimes",
                     "besoins de sante", "besoins ressentis"], "besoins"),
    **dict.fromkeys(["moyens", "moyens necessaires", "moyens humains", "moyens a mobiliser"], "moyens"),
    **dict.fromkeys(["public", "publics", "public cible", "publics cibles", "cibles", "beneficiaires"], "publics"),
    **dict.fromkeys(["calendrier", "echeances", "echeancier", "planning"], "calendrier"),
    **dict.fromkeys(["indicateurs", "indicateurs d'evaluation", "criteres d'evaluation", "modalites d'evaluation"],
                    "indicateurs"),
    **dict.fromkeys(["actions", "action", "actions realisees", "actions en cours"], "actions"),
    **dict.fromkeys(["contexte", "contexte et enjeux", "enjeux"], "contexte"),
    **dict.fromkeys(["questions", "questions en suspens", "questionnements", "interrogations"], "questions"),
    **dict.fromkeys(["remarques", "divers", "autres remarques", "commentaires"], "remarques"),
    **dict.fromkeys(["prochaines etapes", "suites", "suite a donner", "suites a donner", "perspectives"],
                    "suites"),
    **dict.fromkeys(["synthese", "conclusion", "resume"], "synthese"),
}

_TABLE_RE = re.compile(
    r"^(?:la\s+)?table\s*(?:n\s*[°º˚o]\s*\.?|n\.|no\.?|num(?:[ée]ro|\.)?|#)?\s*[:.\-–]?\s*(?P<n>\d{1,3})"
    r"\s*(?:[:.\-–—|)]\s*(?P<title>.*))?$",
    re.IGNORECASE,
)
_FACILITATOR_RE = re.compile(
    r"^(?:anim[ée]+(?:\s*\(e\))?\s+par|anim\.\s*par|animat(?:eur|rice)s?(?:\s*(?:/|\()\s*(?:trice|rice)\)?)?|"
    r"facilitat(?:eur|rice)s?)\s*[:\-–]?\s*(?P<name>.*)$",
    re.IGNORECASE,
)
_META_RE = re.compile(
    r"^(?:rapporteur|rapporteuse|rapporteur\(e\)|secr[ée]taire|prise\s+de\s+notes|scribe|co-?anim\w*|"
    r"participants?|pr[ée]sents?|excus[ée]s?|date|lieu|horaires?|dur[ée]e)\s*(?:\(\w+\))?\s*:",
    re.IGNORECASE,
)
_NOT_HEADING_START = frozenset(
    "le la les l un une des du de d ce cet cette ces il elle ils elles on nous vous je j tu y en c qu que qui "
    "mais et ou donc car si pour par avec sans sur dans".split()
)


# --------------------------------------------------------------------------- line classification

@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    heading_style: bool = False
    list_item: bool = False
    bold: bool = False



def canonical_section(heading: str) -> tuple[str, bool]:
    """Canonical section of a heading text and whether it is in the vocabulary.

    ``"Constats/Situation actuelle"`` → ``("constats", True)``;
    ``"Freins et leviers"`` → ``("freins_leviers", True)``;
    ``"Points de vigilance"`` → ``("points_vigilance", False)``.
    """
    key = normalize_label(_strip_markup(heading)[0])
    if key in SECTION_VOCABULARY:
        return SECTION_VOCABULARY[key], True
    parts = [p.strip() for p in re.split(r"\s*(?:/|&|\+|\bet\b)\s*", key) if p.strip()]
    if len(parts) > 1 and all(p in SECTION_VOCABULARY for p in parts):
        canon = list(dict.fromkeys(SECTION_VOCABULARY[p] for p in parts))
        return "_".join(canon), True
    return slugify(heading, max_words=4), False


def _strip_markup(text: str) -> tuple[str, bool, bool]:
    """Remove Markdown heading marks and full-line emphasis: (text, was_md_heading, was_bold)."""
    t = text.strip()
    md_heading = False
    m = re.match(r"^#{1,6}\s+(.*?)\s*#*$", t)
    if m:
        t, md_heading = m.group(1), True
    bold = False
    m = re.fullmatch(r"(\*\*|__)(.+?)\1\s*(:?)", t)
    if m:
        t, bold = m.group(2).strip() + m.group(3), True
    return t.strip(), md_heading, bold


def _is_upper_heading(text: str) -> bool:
    core = text.rstrip(" :").strip()
    letters = [c for c in core if c.isalpha()]
    if len(letters) < 3 or any(c.islower() for c in letters):
        return False
    words = core.split()
    if len(words) > 8:
        return False
    return not (len(words) == 1 and len(letters) <= 5)


def _is_colon_heading(text: str) -> bool:
    if not text.endswith(":"):
        return False
    core = text[:-1].strip()
    words = core.split()
    if not words or len(words) > 5 or not core[0].isupper():
        return False
    first = normalize_label(re.split(r"['’\s]", core)[0])
    return first not in _NOT_HEADING_START


#: Lines that only say nothing was noted (compared after ``normalize_label``, parentheses removed).
_PLACEHOLDERS = frozenset({
    "rien note", "rien de note", "rien a noter", "rien a signaler", "ras", "r a s", "neant",
    "pas de note", "pas de notes", "aucune note", "non renseigne", "non rempli", "a completer",
    "-", "--", "—", "–", "/", "...", "…",
})
#: Further placeholders only when written in parentheses: « (rien) », « (vide) »; a bare « Rien »
#: under « Freins » is an answer.
_PAREN_PLACEHOLDERS = _PLACEHOLDERS | {"rien", "vide", "x", "?", "nc", "n c", "sans objet"}
def _is_placeholder(text: str) -> bool:
    """« (rien noté) », « RAS », « Néant », « — »...: a line saying nothing was noted."""
    core = text.strip()
    words = _PLACEHOLDERS
    if core.startswith(("(", "[")) and core.endswith((")", "]")):
        core, words = core[1:-1].strip(), _PAREN_PLACEHOLDERS
    return normalize_label(core) in words or core in words


def _classify(line: _Line, preamble: bool = False) -> dict[str, object]:
    """Role of one non-empty line; see the module docstring for the rules.

    ``preamble``: no table line nor section heading was met yet in the file
    (header lines such as « Public : usagers » are only read there).
    """
    text, md_heading, bold = _strip_markup(line.text)
    if line.list_item:
        segs = [" ".join(text.split())] if text and not _is_placeholder(text) else []
        return {"kind": "segment", "segments": segs}
    marker, segs = segment_line(text)
    if marker.kind != "none" and not md_heading:
        return {"kind": "segment", "segments": [s for s in segs if not _is_placeholder(s)]}
    m = _TABLE_RE.match(text)
    if m and len((m.group("title") or "").split()) <= 10:
        fac = _FACILITATOR_RE.match((m.group("title") or "").strip(" :.-–—|"))
        name = fac.group("name").strip(" :.-–—") or None if fac else None
        return {"kind": "table", "table": int(m.group("n")), "name": name}
    m = _FACILITATOR_RE.match(text)
    if m:
        return {"kind": "facilitator", "name": m.group("name").strip(" :.-–") or None}
    header = header_role(text, preamble)
    if header is not None:
        return header
    if _META_RE.match(text):
        return {"kind": "meta"}
    if _is_placeholder(text):
        return {"kind": "segment", "segments": []}
    heading_text = text.rstrip(" :").strip()
    section, known = canonical_section(heading_text)
    if known and heading_text:
        return {"kind": "heading", "section": section, "heading": text.strip(), "segments": []}
    head, sep, rest = text.partition(":")
    if sep and rest.strip() and len(head.split()) <= 6:
        section, known = canonical_section(head)
        if known:
            return {"kind": "heading", "section": section, "heading": f"{head.strip()} :",
                    "segments": [s for s in split_sentences(rest) if not _is_placeholder(s)]}
    n_words = len(heading_text.split())
    if heading_text and (
        md_heading or line.heading_style
        or ((bold or line.bold) and n_words <= 8 and not heading_text.endswith("."))
        or _is_upper_heading(text)
        or _is_colon_heading(text)
    ):
        return {"kind": "heading", "section": slugify(heading_text, max_words=4), "heading": text.strip(),
                "segments": []}
    return {"kind": "segment", "segments": [s for s in split_sentences(text) if not _is_placeholder(s)]}


# --------------------------------------------------------------------------- readers

def _docx_lines(path: Path) -> list[_Line]:
    """Paragraphs of a .docx in body order (table cells included), numbered from 1, empty ones counted."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    with path.open("rb") as fh:
        try:
            document = docx.Document(fh)
        except Exception as exc:  # python-docx raises several types on a corrupt file
            raise InputError([Problem(str(path), f"document Word illisible ({type(exc).__name__})")]) from None

    paragraphs: list[Paragraph] = []

    def walk_table(table: Table) -> None:
        seen: set[int] = set()
        for row in table.rows:
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                for block in cell.iter_inner_content():
                    if isinstance(block, Paragraph):
                        paragraphs.append(block)
                    else:
                        walk_table(block)

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs.append(block)
        else:
            walk_table(block)
    lines = []
    for i, p in enumerate(paragraphs, start=1):
        style = (p.style.name if p.style is not None else "") or ""
        ppr = p._p.pPr
        list_item = (ppr is not None and ppr.numPr is not None) or style.lower().startswith(("list", "liste"))
        heading_style = style.lower().startswith(("heading", "titre", "title"))
        runs = [r for r in p.runs if r.text.strip()]
        bold = bool(runs) and all(r.bold for r in runs)
        lines.append(_Line(i, p.text, heading_style, list_item, bold))
    return lines


def _text_lines(path: Path) -> list[_Line]:
    decoded = read_text(path)
    return [_Line(i, t) for i, t in enumerate(decoded.text.split("\n"), start=1)]


def _parse_lines(lines: Iterable[_Line], meta: AtelierMeta, source_file: str,
                 headers: list[NoteHeader] | None = None) -> list[dict[str, object]]:
    """Walk classified lines keeping table / facilitator / section state; one record per row.

    Header and title lines (:class:`NoteHeader`) are appended to ``headers`` when given.
    """
    rows: list[dict[str, object]] = []
    table: int | None = None
    facilitator: str | None = None
    section: str | None = None
    heading: str | None = None
    preamble = True
    base = {"source_file": source_file, "atelier_id": meta.atelier_id, "commune": meta.commune,
            "date": meta.date, "public": meta.public}

    def add(kind: str, line: _Line, k: int, text: str | None) -> None:
        rows.append({**base, "segment_id": f"{meta.atelier_id}-L{line.number:04d}-{k}", "table": table,
                     "facilitator": facilitator, "section": section, "heading": heading, "line": line.number,
                     "text": text, "kind": kind, "raw": line.text.strip(), "_name": None})

    for line in lines:
        if not line.text.strip():
            continue
        role = _classify(line, preamble)
        kind = str(role["kind"])
        if kind == "table":
            preamble = False
            table, facilitator, section, heading = int(role["table"]), None, None, None  # type: ignore[call-overload]
            facilitator = role["name"]  # type: ignore[assignment]
            add("table", line, 0, None)
            rows[-1]["_name"] = facilitator
        elif kind == "facilitator":
            facilitator = role["name"]  # type: ignore[assignment]
            add("facilitator", line, 0, None)
            rows[-1]["_name"] = facilitator
        elif kind == "header":
            add("header", line, 0, None)
            if headers is not None:
                headers.append(NoteHeader(source_file, line.number, role["commune"], role["date"],  # type: ignore[arg-type]
                                          tuple(role["publics"]), role["public_text"]))  # type: ignore[call-overload,arg-type]
        elif kind == "meta":
            add("meta", line, 0, None)
        elif kind == "heading":
            preamble = preamble and not canonical_section(str(role["heading"]).rstrip(" :"))[1]
            section, heading = str(role["section"]), str(role["heading"])
            add("heading", line, 0, None)
            heading_segs: list[str] = list(role["segments"])  # type: ignore[call-overload]
            for k, seg in enumerate(heading_segs, start=1):
                add("segment", line, k, seg)
        else:
            segs = list(role["segments"])  # type: ignore[call-overload]
            if not segs:
                add("empty", line, 0, None)
            for k, seg in enumerate(segs, start=1):
                add("segment", line, k, seg)
    return rows


def _expand(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    out: list[Path] = []
    problems = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.suffix.lower() in NOTE_SUFFIXES and f.is_file()
                           and not f.name.startswith(("~$", ".")))  # Word lock files, hidden files
            if not found:
                formats = ", ".join(NOTE_SUFFIXES)
                problems.append(Problem(str(p), f"aucun fichier de notes ({formats}) dans ce dossier"))
            out += found
        elif p.is_file():
            if p.suffix.lower() not in NOTE_SUFFIXES:
                formats = ", ".join(NOTE_SUFFIXES)
                problems.append(Problem(str(p), f"format non pris en charge (formats : {formats})"))
            out.append(p)
        else:
            problems.append(Problem(str(p), "fichier introuvable"))
    if problems:
        raise InputError(problems)
    return out


def _resolve_meta(files: list[Path], manifest: str | Path | None) -> dict[Path, AtelierMeta]:
    manifests: dict[Path, dict[Path, AtelierMeta]] = {}
    if manifest is not None:
        manifests[Path(manifest).resolve()] = read_manifest(manifest)
    problems = []
    out: dict[Path, AtelierMeta] = {}
    for f in files:
        candidates = [Path(manifest).resolve()] if manifest is not None else []
        auto = (f.parent / "manifest.csv").resolve()
        if manifest is None and auto.is_file():
            manifests.setdefault(auto, read_manifest(auto))
            candidates.append(auto)
        meta = None
        for m in candidates:
            meta = manifests[m].get(f.resolve())
            if meta is None:  # also accept a bare file name when it is unambiguous
                same = [v for k, v in manifests[m].items() if k.name == f.name]
                meta = same[0] if len(same) == 1 else None
            if meta is not None:
                break
        meta = meta or metadata_from_filename(f)
        if meta is None:
            where = f" (absent du manifeste {candidates[0].name})" if candidates else ""
            problems.append(Problem(
                str(f), "métadonnées de l'atelier introuvables" + where + " : ajoutez une ligne au manifest.csv "
                "(fichier, atelier_id, commune, date, public, participants) ou nommez le fichier "
                "AAAA-MM-JJ_commune_A01[_public]" + f.suffix))
            continue
        out[f] = meta
    by_id: dict[str, Path] = {}
    for f, meta in out.items():
        if meta.atelier_id in by_id and by_id[meta.atelier_id] != f:
            problems.append(Problem(
                str(f), f"atelier_id « {meta.atelier_id} » déjà utilisé par {by_id[meta.atelier_id].name} : "
                "les identifiants de segments seraient en double ; donnez un atelier_id par fichier"))
        by_id.setdefault(meta.atelier_id, f)
    if problems:
        raise InputError(problems)
    return out


def note_headers(paths: str | Path | Sequence[str | Path], *, manifest: str | Path | None = None) -> pd.DataFrame:
    """Commune, date and public read from the title and header lines of notes (for the report).

    Header lines (« ATELIER AREAS — Commune : Montfort-sur-Meu — 14/03/2026 »,
    « Public : usagers et aidants », « # Atelier AREAS – Iffendic – 2 avril 2026 »)
    are metadata: they never become segments. They hold no free text, only
    the values read here.

    Returns:
        New DataFrame ``source_file, line, commune, date, public`` (``public``:
        the publics named, joined with ``+``), one row per header line.

    Raises:
        InputError: missing metadata or unreadable files, as :func:`load_notes` (conflicts are not raised here).
    """
    files = _expand(paths)
    metas = _resolve_meta(files, manifest)
    found: list[NoteHeader] = []
    for f in files:
        lines = _docx_lines(f) if f.suffix.lower() == ".docx" else _text_lines(f)
        _parse_lines(lines, metas[f], f.name, found)
    return pd.DataFrame([{"source_file": h.source_file, "line": h.line, "commune": h.commune, "date": h.date,
                          "public": "+".join(h.publics) or None} for h in found],
                        columns=["source_file", "line", "commune", "date", "public"])


def _read_notes_raw(paths: str | Path | Sequence[str | Path], *,
                    manifest: str | Path | None = None) -> pd.DataFrame:
    """Parse notes WITHOUT pseudonymisation (private: use :func:`load_notes`).

    Returns every row, structure included (columns :data:`SEGMENT_COLUMNS` +
    ``kind``, ``raw`` and ``_name``, the raw facilitator name).
    """
    files = _expand(paths)
    metas = _resolve_meta(files, manifest)
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    for f in files:
        lines = _docx_lines(f) if f.suffix.lower() == ".docx" else _text_lines(f)
        headers: list[NoteHeader] = []
        rows += _parse_lines(lines, metas[f], f.name, headers)
        problems += header_conflicts(headers, metas[f], file=str(f))
    if problems:
        raise InputError(problems, header=f"{len(problems)} désaccord(s) entre l'en-tête des notes et leurs "
                                          "métadonnées (manifeste ou nom de fichier) : corrigez l'un ou l'autre")
    cols = list(SEGMENT_COLUMNS) + list(STRUCTURE_COLUMNS) + ["_name"]
    df = pd.DataFrame(rows, columns=cols)
    df["table"] = df["table"].astype("Int64")
    df["line"] = df["line"].astype("int64")
    for c in cols:
        if c not in ("table", "line"):
            df[c] = df[c].astype("str")
    return df


def _pseudonymize_rows(df: pd.DataFrame, pz: TextPseudonymizer, *, with_raw: bool = True) -> pd.DataFrame:
    """Replace facilitator names with tokens and pseudonymise ``text``, ``raw`` and unknown headings.

    Facilitator names go first through ``pseudonymize_name`` (so they become
    known names), then all free text goes through one ``pseudonymize_frame``
    call, whose two passes mask a name everywhere once it is found anywhere.
    Table lines and vocabulary headings hold no free text and are kept as is.
    With ``with_raw=False`` the ``raw`` column is dropped instead (faster: it
    repeats ``text`` on content lines).
    """
    out = df.copy()
    tokens: dict[str, str] = {}
    for name in out["_name"].dropna().unique():
        tokens[str(name)] = pz.pseudonymize_name(str(name))
    out["facilitator"] = pd.Series(
        [pd.NA if pd.isna(v) else tokens.get(str(v)) or pz.pseudonymize_name(str(v)) for v in out["facilitator"]],
        index=out.index, dtype="str")
    free_raw: list[object] = []
    for kind, raw in zip(out["kind"], out["raw"] if with_raw else [None] * len(out), strict=True):
        if kind in ("table", "facilitator", "header") or (
                kind == "heading" and canonical_section(str(raw).rstrip(" :"))[1]):
            free_raw.append(None)
        else:
            free_raw.append(raw)
    unknown_heading = [None if pd.isna(h) or canonical_section(str(h))[1] else str(h) for h in out["heading"]]
    work = pd.DataFrame({"text": out["text"], "raw": pd.Series(free_raw, index=out.index, dtype="str"),
                         "heading": pd.Series(unknown_heading, index=out.index, dtype="str")})
    work = pz.pseudonymize_frame(work, text_columns=["text", "raw", "heading"])
    out["text"] = work["text"].astype("str")
    raws: list[object] = []
    for kind, raw, name, new in zip(out["kind"], out["raw"], out["_name"], work["raw"], strict=True):
        if not with_raw:
            raws.append(pd.NA)
        elif kind in ("table", "facilitator"):
            raws.append(raw if pd.isna(name) else str(raw).replace(str(name), tokens[str(name)]))
        else:
            raws.append(raw if pd.isna(new) else new)
    out["raw"] = pd.Series(raws, index=out.index, dtype="str")
    out["heading"] = pd.Series([h if pd.isna(new) else new for h, new in zip(out["heading"], work["heading"],
                                                                               strict=True)],
                               index=out.index, dtype="str")
    return out.drop(columns=["_name"])


def load_notes(paths: str | Path | Sequence[str | Path], *, pseudonymizer: TextPseudonymizer,
               manifest: str | Path | None = None, include_structure: bool = False,
               strip_lead_ins: bool = False) -> pd.DataFrame:
    """Read atelier notes into pseudonymised segment records (``docs/formats.md``).

    Args:
        paths: Notes files (``.txt``, ``.md``, ``.docx``) or directories of them.
        pseudonymizer: Applied before anything is returned (facilitator names →
            tokens, names/e-mails/phones in text masked), so un-pseudonymised
            segments cannot leak by accident.
        manifest: ``manifest.csv`` to use; by default one next to each file is
            used when present, else the file name must carry the metadata.
        include_structure: Also return the rows of table, facilitator, heading,
            meta and empty-marker lines (``text`` NA) with two extra columns,
            ``kind`` and ``raw`` (the whole line, pseudonymised), so that every
            non-empty input line is accounted for.
        strip_lead_ins: Remove "Les participants soulignent que" lead-ins from
            ``text`` (:func:`~areas_analysis.segments.strip_boilerplate`).

    Returns:
        One row per segment with exactly :data:`SEGMENT_COLUMNS` (plus
        ``kind``/``raw`` with ``include_structure``); ``table`` is a nullable
        integer, ``line`` an integer, the rest strings.

    Raises:
        InputError: missing metadata, bad manifest, unreadable or unsupported file.
    """
    raw = _read_notes_raw(paths, manifest=manifest)
    if not include_structure:
        raw = raw[raw["kind"] == "segment"]
    df = _pseudonymize_rows(raw, pseudonymizer, with_raw=include_structure)
    if strip_lead_ins:
        df["text"] = df["text"].map(lambda t: t if pd.isna(t) else strip_boilerplate(str(t))).astype("str")
    if include_structure:
        return df.reset_index(drop=True)
    seg = df[df["kind"] == "segment"]
    return seg[list(SEGMENT_COLUMNS)].reset_index(drop=True)


def write_segments(segments: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write segments as ``segments.csv`` (UTF-8, comma), refusing to overwrite unless asked.

    Raises:
        AreasError: the file exists and ``overwrite`` is ``False``.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise AreasError(f"{path} existe déjà : choisissez un autre fichier de sortie ou demandez l'écrasement.")
    return write_machine_csv(segments, path)
