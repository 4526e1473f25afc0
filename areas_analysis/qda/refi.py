r"""REFI-QDA exchange: write a ``.qdpx`` project, read ``.qdpx`` projects and ``.qdc`` codebooks.

A ``.qdpx`` is a zip with ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``,
schema ``Project-mrt2019.xsd``) and a ``sources/`` folder of plain texts named
``<guid>.txt`` referenced as ``plainTextPath="internal://<guid>.txt"``; a coded
selection is a ``PlainTextSelection`` with ``startPosition``/``endPosition``
(character offsets, end excluded) holding a ``Coding`` whose ``CodeRef`` points
to a ``Code`` of the ``CodeBook``. A ``.qdc`` is the codebook alone (namespace
``urn:QDA-XML:codebook:1.0``).

**Export choices** (made for QualCoder, checked against its REFI reader):
one source per atelier's notes (segments in line order under ``Table n —
section`` headings) and one per open answer (so that every respondent variable
is a file attribute in QualCoder and a classification in NVivo); texts written
as UTF-8 without BOM with ``\n`` line ends (QualCoder adds a character per line
when it sees ``\r\n``); one ``PlainTextSelection`` per (text, code, coder) as
QualCoder writes them; the origin of each code as its ``creatingUser`` (one
user per human coder, ``relecture`` and ``machine AREAS``) and in the
selection's ``Description`` (with the machine's score); every variable
constant within a source on the source (QualCoder's file attributes, which its
importer keeps, whereas it does not link named cases to sources), and those
constant within a case (atelier, respondent) on the ``Case`` too, under the
name ``<variable> (cas)`` (QualCoder keeps a variable name for files or for
cases, not both). A theme's ``Description`` holds its definition, then keywords,
examples and ``Identifiant AREAS : <id>`` lines, so that a codebook edited in a
QDA tool comes back with the same ids. GUIDs are UUID-5 of stable keys: the
same cycle gives the same file.

**Import** accepts what NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette write:
namespaced or prefixed elements (``qda:Code``), upper/lower-case or braced
GUIDs, ``sources``/``Sources`` folders, texts inline (``PlainTextContent``) or
in files, ``\r\n`` line ends, Taguette's dotted tag paths (``a.b`` = ``b``
under ``a``), non-codable categories (kept as parent themes).
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from ..errors import InputError, Problem
from ..ingest.dictionary import slugify
from ..themes.codebook import RESERVED_THEME_IDS, Codebook, Theme, codebook_from_dict
from .corpus import QdaCorpus

__all__ = [
    "MACHINE_USER",
    "NO_THEME_ID",
    "REVIEW_USER",
    "ImportResult",
    "RefiProject",
    "build_sources",
    "import_refi",
    "project_xml",
    "read_refi",
    "refi_codebook",
    "write_qdpx",
]

NS = "urn:QDA-XML:project:1.0"
#: UUID-5 namespace of the GUIDs this module writes (any fixed UUID; changing it changes every GUID).
GUID_NAMESPACE = uuid.UUID("6f1c2a5e-4b1d-5e8a-9c3f-a2e5d7b0c914")
#: User name of the machine's codes (a selection by this user is never imported as a human code).
MACHINE_USER = "machine AREAS"
#: User name of review decisions.
REVIEW_USER = "relecture"
#: Id written for the technical code "coded with no theme" (not a theme of the codebook).
NO_THEME_ID = "aucun"
NO_THEME_LABEL = "(aucun thème)"
#: File of the archive mapping each unit to its source and span (ignored by QDA tools, lost if they re-export).
UNIT_MAP = "areas/unites.csv"
#: Colours of the top-level themes (children take their parent's colour), cycled;
#: QualCoder maps them to its own palette.
PALETTE: tuple[str, ...] = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                            "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78")
#: Suffix of case variables' names (``commune (cas)``): QualCoder keeps a name either for files or for cases.
CASE_SUFFIX = "(cas)"
#: Share of a unit's characters a selection must cover to code the unit (unless the selection lies inside it).
MIN_UNIT_COVER = 0.5
#: Shortest selected text (characters, spaces folded) matched by text when offsets cannot be used.
MIN_MATCH_CHARS = 3

_ID_LINE = "Identifiant AREAS :"
_KW_LINE = "Mots-clés :"
_EX_LINE = "Exemples :"
_CB_LINE = "Grille de codage :"


def _guid(*key: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(map(str, key))))


def _norm_guid(g: str | None) -> str:
    return (g or "").strip().strip("{}").lower()


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """One text source built from units: its text and where each unit lies in it."""

    name: str
    text: str
    spans: tuple[tuple[str, int, int], ...]  # (unit id, start, end), end excluded
    variables: dict[str, str] = field(default_factory=dict)


def build_sources(units: pd.DataFrame, variables: Iterable[str] = ()) -> list[Source]:
    """Texts of the sources of a unit table, with each unit's exact character span.

    Units keep their table order within a source; units of the same ``line``
    are joined by a space, others by a line break; when ``header`` changes a
    heading line is written before the unit. ``variables`` constant within a
    source are attached to it.
    """
    variables = [v for v in variables if v in units.columns]
    records = units.to_dict("records")
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault(str(r["source"]), []).append(r)
    # a variable belongs to a source when it has exactly one value there
    consts: dict[str, dict[str, str]] = {name: {} for name in groups}
    if variables:
        keyed = units[["source", *variables]].astype({"source": str})
        firsts = keyed.groupby("source", sort=False).first()
        counts = keyed.groupby("source", sort=False).nunique(dropna=True)
        for v in variables:
            for name, n, val in zip(counts.index, counts[v], firsts[v], strict=True):
                if n == 1:
                    consts[name][v] = str(val)
    out = []
    for name, rows in groups.items():
        parts: list[str] = []
        pos = 0
        spans = []
        prev_line: Any = None
        prev_header = ""
        for r in rows:
            text = " ".join(str(r["text"]).split()) if isinstance(r["text"], str) else ""
            header = r.get("header")
            header = header.strip() if isinstance(header, str) else ""
            line = r.get("line")
            line = None if line is None or line is pd.NA or (isinstance(line, float) and np.isnan(line)) else line
            if parts:
                sep = " " if (line is not None and line == prev_line and header == prev_header) else "\n"
                parts.append(sep)
                pos += len(sep)
            if header and header != prev_header:
                block = ("\n" if parts else "") + header + "\n"
                parts.append(block)
                pos += len(block)
            parts.append(text)
            spans.append((str(r["id"]), pos, pos + len(text)))
            pos += len(text)
            prev_line, prev_header = line, header
        out.append(Source(name, "".join(parts), tuple(spans), consts[name]))
    return out


# --------------------------------------------------------------------------- codebook text


def theme_description(theme: Theme) -> str:
    """A theme's REFI ``Description``: definition, keywords, examples and the AREAS id."""
    lines = [theme.definition] if theme.definition else []
    trailer = []
    if theme.keywords:
        trailer.append(f"{_KW_LINE} " + " ; ".join(theme.keywords))
    if theme.examples:
        trailer.append(_EX_LINE)
        trailer += [f"- {e}" for e in theme.examples]
    trailer.append(f"{_ID_LINE} {theme.id}")
    return "\n\n".join([*lines, "\n".join(trailer)])


def parse_description(text: str | None) -> tuple[str, list[str], list[str], str | None]:
    """(definition, keywords, examples, AREAS id) from a code's ``Description`` (trailer optional)."""
    text = (text or "").replace("\r\n", "\n").strip()
    keywords: list[str] = []
    examples: list[str] = []
    tid = None
    lines = text.split("\n")
    cut = len(lines)
    in_examples = False
    for i, ln in enumerate(lines):
        s = ln.strip()
        if s.startswith(_ID_LINE):
            tid = s[len(_ID_LINE):].strip() or None
            cut = min(cut, i)
            in_examples = False
        elif s.startswith(_KW_LINE):
            keywords = [k.strip() for k in s[len(_KW_LINE):].split(" ; ") if k.strip()]
            cut = min(cut, i)
            in_examples = False
        elif s == _EX_LINE:
            in_examples = True
            cut = min(cut, i)
        elif in_examples and s.startswith("- "):
            examples.append(s[2:].strip())
        elif in_examples and s:
            in_examples = False
    definition = "\n".join(lines[:cut]).strip() if cut < len(lines) else text
    return definition, keywords, examples, tid


# --------------------------------------------------------------------------- export


def _sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None, text: str | None = None
         ) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: v for k, v in (attrib or {}).items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _fr_score(x: float) -> str:
    return f"{x:.4f}".replace(".", ",")


def _case_variables(corpus: QdaCorpus) -> list[str]:
    """Variables constant within every case (atelier, respondent): they also describe the case."""
    per_case = corpus.units.groupby("case", sort=False)[corpus.variables].nunique(dropna=True)
    return [v for v in corpus.variables if (per_case[v] <= 1).all()]


def case_variable_name(variable: str) -> str:
    """Name of a case variable: distinct from the source variable, as QualCoder keeps one kind per name."""
    return f"{variable} {CASE_SUFFIX}"


def project_xml(corpus: QdaCorpus, sources: list[Source] | None = None) -> etree._ElementTree:
    """The ``project.qde`` tree of a corpus (see the module docstring for the choices)."""
    units, codes, cb = corpus.units, corpus.codes, corpus.codebook
    case_vars = _case_variables(corpus)
    if sources is None:
        sources = build_sources(units, corpus.variables)
    source_vars = [v for v in corpus.variables if any(v in s.variables for s in sources)]
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, attrib={
        "name": corpus.name, "origin": "areas-analysis"})
    # users: one per human coder, then review, then machine
    codes = codes.copy()
    codes["coder"] = codes["coder"].astype("string").fillna("")
    user_of = {}
    for origin, coder in codes[["origin", "coder"]].drop_duplicates().itertuples(index=False):
        name = MACHINE_USER if origin == "machine" else (
            REVIEW_USER if origin == "revue" and not coder else (
                f"{REVIEW_USER} ({coder})" if origin == "revue" else (coder or "codeur")))
        user_of[(origin, coder)] = name
    users = _sub(root, "Users")
    names = sorted(set(user_of.values()), key=lambda n: (n == MACHINE_USER, n.startswith(REVIEW_USER), n))
    for n in names:
        _sub(users, "User", {"guid": _guid("user", n), "name": n})
    # codebook
    code_guid = {t.id: _guid("code", t.id) for t in cb.themes}
    code_guid[NO_THEME_ID] = _guid("code", NO_THEME_ID)
    children: dict[str | None, list[Theme]] = {}
    for t in cb.themes:
        children.setdefault(t.parent, []).append(t)
    colour = {}
    for i, t in enumerate(children.get(None, [])):
        colour[t.id] = PALETTE[i % len(PALETTE)]
    book = _sub(root, "CodeBook")
    codes_el = _sub(book, "Codes")

    def add(parent: etree._Element, t: Theme, col: str) -> None:
        el = _sub(parent, "Code", {"guid": code_guid[t.id], "name": t.label, "isCodable": "true", "color": col})
        _sub(el, "Description", text=theme_description(t))
        for c in children.get(t.id, []):
            add(el, c, col)

    for t in children.get(None, []):
        add(codes_el, t, colour[t.id])
    none_el = _sub(codes_el, "Code", {"guid": code_guid[NO_THEME_ID], "name": NO_THEME_LABEL,
                                      "isCodable": "true", "color": "#cccccc"})
    _sub(none_el, "Description", text="Code technique AREAS : le texte a été lu et ne relève d'aucun thème de la "
         f"grille.\n\n{_ID_LINE} {NO_THEME_ID}")
    # variables
    var_guid = {v: _guid("variable", v) for v in source_vars}
    case_guid = {v: _guid("variable", case_variable_name(v)) for v in case_vars}
    if var_guid or case_guid:
        vs = _sub(root, "Variables")
        for v, g in var_guid.items():
            var = _sub(vs, "Variable", {"guid": g, "name": v, "typeOfVariable": "Text"})
            _sub(var, "Description", text="variable du texte (attribut de fichier dans QualCoder)")
        for v, g in case_guid.items():
            var = _sub(vs, "Variable", {"guid": g, "name": case_variable_name(v), "typeOfVariable": "Text"})
            _sub(var, "Description", text=f"variable du cas (atelier ou répondant) : {v}")
    # cases
    source_guid = {s.name: _guid("source", s.name) for s in sources}
    cases = _sub(root, "Cases")
    keyed = units.astype({"case": str, "source": str})
    firsts = keyed.groupby("case", sort=False)[case_vars].first() if case_vars else None
    case_sources = keyed.groupby("case", sort=False)["source"].agg(lambda x: list(dict.fromkeys(x)))
    for case, srcs_of_case in case_sources.items():
        el = _sub(cases, "Case", {"guid": _guid("case", case), "name": str(case)})
        for v in case_vars:
            val = firsts.at[case, v]  # type: ignore[union-attr]
            if val is not None and not pd.isna(val):
                vv = _sub(el, "VariableValue")
                _sub(vv, "VariableRef", {"targetGUID": case_guid[v]})
                _sub(vv, "TextValue", text=str(val))
        for s in srcs_of_case:
            _sub(el, "SourceRef", {"targetGUID": source_guid[s]})
    if not len(cases):
        root.remove(cases)
    # sources and selections
    by_unit = {}
    for s in sources:
        for uid, a, b in s.spans:
            by_unit[uid] = (s.name, a, b)
    sel_by_source: dict[str, list[tuple[int, int, str, str, str, str]]] = {}
    for r in codes.itertuples(index=False):
        loc = by_unit.get(str(r.id))
        if loc is None:
            continue
        sname, a, b = loc
        tid = NO_THEME_ID if pd.isna(r.theme_id) else str(r.theme_id)
        if tid not in code_guid:
            continue
        user = user_of[(r.origin, r.coder)]
        if r.origin == "machine":
            desc = "Origine : machine" + (f" — score {_fr_score(float(r.score))}" if not pd.isna(r.score) else "")
        elif r.origin == "revue":
            desc = "Origine : relecture" + (f" ({r.coder})" if r.coder else "")
        else:
            desc = f"Origine : codage humain ({r.coder or 'codeur'})"
        sel_by_source.setdefault(sname, []).append((a, b, tid, user, desc, str(r.id)))
    srcs = _sub(root, "Sources")
    for s in sources:
        g = source_guid[s.name]
        el = _sub(srcs, "TextSource", {"guid": g, "name": s.name, "plainTextPath": f"internal://{g}.txt"})
        seen = set()
        for a, b, tid, user, desc, uid in sorted(sel_by_source.get(s.name, []), key=lambda x: (x[0], x[2], x[3])):
            key = (a, b, tid, user)
            if key in seen:
                continue
            seen.add(key)
            sel = _sub(el, "PlainTextSelection", {
                "guid": _guid("selection", uid, tid, user), "name": s.text[a:b][:80],
                "startPosition": str(a), "endPosition": str(b), "creatingUser": _guid("user", user)})
            _sub(sel, "Description", text=desc)
            coding = _sub(sel, "Coding", {"guid": _guid("coding", uid, tid, user),
                                          "creatingUser": _guid("user", user)})
            _sub(coding, "CodeRef", {"targetGUID": code_guid[tid]})
        for v, val in s.variables.items():
            vv = _sub(el, "VariableValue")
            _sub(vv, "VariableRef", {"targetGUID": var_guid[v]})
            _sub(vv, "TextValue", text=val)
    _sub(root, "Description", text=f"Projet exporté par areas-analysis (cycle « {corpus.name} »). Textes "
         f"pseudonymisés.\n{_CB_LINE} {cb.name} — version {cb.version}")
    return etree.ElementTree(root)


def write_qdpx(corpus: QdaCorpus, path: str | Path) -> Path:
    """Write a corpus as a REFI-QDA ``.qdpx`` archive (``project.qde`` + ``sources/<guid>.txt``).

    The file is byte-stable for the same corpus (fixed GUIDs and zip dates).

    Returns:
        The written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sources = build_sources(corpus.units, corpus.variables)
    tree = project_xml(corpus, sources)
    xml = etree.tostring(tree, xml_declaration=True, encoding="utf-8", pretty_print=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

        put("project.qde", xml)
        for s in sources:
            put(f"sources/{_guid('source', s.name)}.txt", s.text.encode("utf-8"))
        umap = pd.DataFrame([(uid, _guid("source", s.name), a, b) for s in sources for uid, a, b in s.spans],
                            columns=["id", "source_guid", "debut", "fin"])
        put(UNIT_MAP, umap.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return path


# --------------------------------------------------------------------------- reading


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool
    description: str
    color: str | None
    parent: str | None  # guid


@dataclass
class RefiSelection:
    source: str  # source name
    source_guid: str
    start: int
    end: int
    code: str  # code guid
    user: str  # user name ("" when unknown)
    description: str


@dataclass
class RefiProject:
    """What was read from a ``.qdpx`` / ``.qdc`` (codes, sources' texts, coded selections)."""

    path: str
    origin: str
    name: str
    description: str
    codes: list[RefiCode]
    texts: dict[str, str | None]  # source guid -> text (None: no plain text found)
    source_names: dict[str, str]  # source guid -> name
    selections: list[RefiSelection]
    is_codebook: bool
    unit_map: pd.DataFrame | None = None


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _kids(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c.tag) == name]


def _kid_text(el: etree._Element, name: str) -> str:
    for c in el:
        if _local(c.tag) == name:
            return c.text or ""
    return ""


def read_refi(path: str | Path) -> RefiProject:
    """Parse a ``.qdpx`` archive or a ``.qdc`` / ``.qde`` XML file.

    Raises:
        InputError: missing file, not a zip / not XML, no ``project.qde`` in the archive (French).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "fichier QDA introuvable")])
    files: dict[str, bytes] = {}
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in z.namelist():
                if not n.endswith("/"):
                    files[n] = z.read(n)
        qde = [n for n in files if n.lower().endswith(".qde")]
        if not qde:
            raise InputError([Problem(str(path), "archive sans fichier project.qde (est-ce bien un .qdpx ?)")])
        xml = files[sorted(qde, key=lambda n: (n.count("/"), n))[0]]
    else:
        xml = data
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError([Problem(str(path), f"XML illisible ({exc})")]) from exc
    kind = _local(root.tag)
    if kind not in ("Project", "CodeBook"):
        raise InputError([Problem(str(path), f"élément racine « {kind} » inattendu "
                                  "(Project ou CodeBook attendu)")])
    users = {}
    for u in root.iter():
        if _local(u.tag) == "User":
            users[_norm_guid(u.get("guid"))] = u.get("name") or u.get("id") or ""
    codes: list[RefiCode] = []
    books = [root] if kind == "CodeBook" else _kids(root, "CodeBook")
    for book in books:
        for codes_el in _kids(book, "Codes"):
            stack: list[tuple[etree._Element, str | None]] = [(c, None) for c in reversed(_kids(codes_el, "Code"))]
            while stack:
                el, parent = stack.pop()
                g = _norm_guid(el.get("guid"))
                codes.append(RefiCode(g, (el.get("name") or "").strip(),
                                      (el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                                      _kid_text(el, "Description"), el.get("color"), parent))
                stack += [(c, g) for c in reversed(_kids(el, "Code"))]
    texts: dict[str, str | None] = {}
    names: dict[str, str] = {}
    selections: list[RefiSelection] = []
    lower_files = {n.lower(): n for n in files}
    for srcs in _kids(root, "Sources"):
        for src in srcs:
            if _local(src.tag) not in ("TextSource", "PDFSource"):
                continue
            holder = src
            if _local(src.tag) == "PDFSource":
                reps = _kids(src, "Representation")
                if not reps:
                    continue
                holder = reps[0]
            g = _norm_guid(src.get("guid"))
            names[g] = src.get("name") or g
            text = None
            inline = _kids(holder, "PlainTextContent")
            if inline:
                text = inline[0].text or ""
            else:
                p = holder.get("plainTextPath") or ""
                if p.startswith("internal://"):
                    fname = p[len("internal://"):].lstrip("/")
                    for cand in (f"sources/{fname}", f"Sources/{fname}", fname):
                        real = lower_files.get(cand.lower())
                        if real is not None:
                            text = files[real].decode("utf-8-sig", errors="replace")
                            break
            texts[g] = text
            for sel in _kids(holder, "PlainTextSelection"):
                try:
                    a, b = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
                except ValueError:
                    a, b = -1, -1
                desc = _kid_text(sel, "Description")
                for coding in _kids(sel, "Coding"):
                    refs = _kids(coding, "CodeRef")
                    if not refs:
                        continue
                    ug = _norm_guid(coding.get("creatingUser") or sel.get("creatingUser")
                                    or sel.get("modifyingUser"))
                    selections.append(RefiSelection(names[g], g, a, b, _norm_guid(refs[0].get("targetGUID")),
                                                    users.get(ug, ""), desc))
    desc = _kid_text(root, "Description") if kind == "Project" else ""
    unit_map = None
    if UNIT_MAP in files:
        unit_map = pd.read_csv(io.BytesIO(files[UNIT_MAP]), dtype={"id": str, "source_guid": str},
                               keep_default_na=False)
    return RefiProject(str(path), root.get("origin") or "", root.get("name") or path.stem, desc, codes, texts,
                       names, selections, kind == "CodeBook", unit_map)


# --------------------------------------------------------------------------- codebook import


def _unique_id(base: str, taken: set[str]) -> str:
    base = base or "theme"
    if base.lower() in RESERVED_THEME_IDS:
        base = f"{base}_theme"
    out, k = base, 2
    while out in taken:
        out, k = f"{base}_{k}", k + 1
    taken.add(out)
    return out


def refi_codebook(project: RefiProject, *, name: str | None = None, version: str | None = None
                  ) -> tuple[Codebook, dict[str, str | None]]:
    """The workspace codebook of a REFI codebook, and the theme id of each code GUID.

    Ids: the ``Identifiant AREAS`` line of the description when present (a
    project exported by this workspace), else the name through the project's
    :func:`~areas_analysis.ingest.dictionary.slugify` (made unique with ``_2``...).
    Hierarchy becomes ``parent``; non-codable codes are kept as parent themes.
    Taguette names ``a.b`` become ``b`` under ``a`` (parents created when absent).
    The technical "no theme" code maps to ``None``.
    """
    codes = list(project.codes)
    if project.origin.lower().startswith("taguette"):
        codes = _taguette_tree(codes)
    taken: set[str] = set()
    id_of: dict[str, str | None] = {}
    themes: list[dict[str, Any]] = []
    for c in codes:
        definition, kw, ex, tid = parse_description(c.description)
        if tid == NO_THEME_ID:
            id_of[c.guid] = None
            continue
        if tid and re.fullmatch(r"[^\s,;|]+", tid) and tid not in taken and tid.lower() not in RESERVED_THEME_IDS:
            taken.add(tid)
        else:
            tid = _unique_id(slugify(c.name or "theme", max_words=8), taken)
        id_of[c.guid] = tid
        d: dict[str, Any] = {"id": tid, "label": c.name or tid}
        if definition:
            d["definition"] = definition
        if kw:
            d["keywords"] = kw
        if ex:
            d["examples"] = ex
        if c.parent is not None:
            d["_parent"] = c.parent
        themes.append(d)
    for d in themes:
        p = d.pop("_parent", None)
        if p is not None and id_of.get(p):
            d["parent"] = id_of[p]
    cb_name, cb_version = name, version
    for ln in project.description.splitlines():
        if ln.strip().startswith(_CB_LINE):
            val = ln.strip()[len(_CB_LINE):].strip()
            if " — version " in val:
                n, v = val.rsplit(" — version ", 1)
                cb_name, cb_version = cb_name or n.strip(), cb_version or v.strip()
    data = {"name": cb_name or f"Grille importée de {Path(project.path).name}",
            "version": cb_version or "1", "themes": themes}
    return codebook_from_dict(data, source=project.path), id_of


def _taguette_tree(codes: list[RefiCode]) -> list[RefiCode]:
    """Taguette writes a flat list of dotted tag paths: rebuild the hierarchy."""
    by_path = {c.name: c for c in codes}
    out: list[RefiCode] = []
    made: dict[str, RefiCode] = {}
    for c in codes:
        parts = c.name.split(".")
        parent_guid = None
        for i in range(1, len(parts)):
            p = ".".join(parts[:i])
            node = by_path.get(p) or made.get(p)
            if node is None:
                node = RefiCode(_guid("taguette", p), parts[i - 1], False, "", None, parent_guid)
                made[p] = node
                out.append(node)
            parent_guid = node.guid
        out.append(RefiCode(c.guid, parts[-1], c.codable, c.description, c.color, parent_guid))
    # parents listed after their children in the file keep their own description
    return out


# --------------------------------------------------------------------------- codes import


@dataclass
class ImportResult:
    """Result of :func:`import_refi`.

    Attributes:
        codebook: The workspace codebook.
        codes: Human codes ``id, theme_id, coder`` (``theme_id`` NA: coded with no theme).
        unmatched: Selections not turned into codes, with the French reason
            (``source, debut, fin, code, utilisateur, extrait, raison``).
        n_selections: Coded selections read.
    """

    codebook: Codebook
    codes: pd.DataFrame
    unmatched: pd.DataFrame
    n_selections: int

    def summary(self) -> str:
        """French summary for the command line."""
        n_themes = len(self.codebook.themes)
        msg = (f"{n_themes} thème(s) importé(s) ; {self.n_selections} sélection(s) codée(s) lue(s), "
               f"{len(self.codes)} code(s) humain(s) rattaché(s) à {self.codes['id'].nunique()} texte(s)")
        if len(self.unmatched):
            counts = self.unmatched["raison"].str.split(" :").str[0].value_counts()
            detail = " ; ".join(f"{n} × {r}" for r, n in counts.items())
            msg += f" ; {len(self.unmatched)} sélection(s) non rattachée(s) : {detail}"
        return msg + "."


_UNMATCHED_COLUMNS = ["source", "debut", "fin", "code", "utilisateur", "extrait", "raison"]


def _fold_ws(text: str) -> str:
    return " ".join(text.split()).casefold()


def import_refi(path: str | Path, units: pd.DataFrame | None = None, *, name: str | None = None,
                version: str | None = None) -> ImportResult:
    """Import a REFI-QDA codebook and, with ``units``, its coded selections as human codes.

    Each selection is mapped to the workspace's units: by offsets when its
    source is one this workspace exported (same name, same text), else by
    text (the unit containing the selected text, or the units the selection
    contains). A unit is coded when the selection covers at least
    :data:`MIN_UNIT_COVER` of it or lies inside it. Selections of the machine
    user, on unknown codes, outside their text, ambiguous or matching no unit
    are listed in ``unmatched`` with the reason (never dropped silently).

    Args:
        path: ``.qdpx``, ``.qde`` or ``.qdc`` file, or a Taguette codebook ``.csv``.
        units: The workspace's units (``id, text, source``...), e.g. ``read_cycle_corpus(...).units``.
        name: Codebook name (default: from the file).
        version: Codebook version (default: from the file, else ``"1"``).
    """
    if Path(path).suffix.lower() == ".csv":
        from .taguette import read_taguette_codebook

        project = read_taguette_codebook(path)
    else:
        project = read_refi(path)
    codebook, id_of = refi_codebook(project, name=name, version=version)
    codes_out = pd.DataFrame({"id": pd.Series(dtype="string"), "theme_id": pd.Series(dtype="string"),
                              "coder": pd.Series(dtype="string")})
    unmatched: list[dict[str, Any]] = []
    code_names = {c.guid: c.name for c in project.codes}
    ws_sources, unit_text, order = _workspace(project, units)
    if ws_sources is None:
        for s in project.selections:
            unmatched.append(_miss(s, project, code_names, "pas de textes de l'espace de travail fournis "
                                   "(--cycle) : sélection non rattachée"))
        return ImportResult(codebook, codes_out, pd.DataFrame(unmatched, columns=_UNMATCHED_COLUMNS),
                            len(project.selections))
    rows: list[tuple[str, str | None, str]] = []
    for s in project.selections:
        text = project.texts.get(s.source_guid)
        if s.user == MACHINE_USER or s.description.startswith("Origine : machine"):
            unmatched.append(_miss(s, project, code_names, "codage automatique : la machine n'est pas un codeur "
                                   "humain, sélection non importée"))
            continue
        if s.code not in id_of:
            unmatched.append(_miss(s, project, code_names, "code inconnu : la sélection renvoie à un code absent "
                                   "de la grille"))
            continue
        if text is None:
            unmatched.append(_miss(s, project, code_names, "texte brut introuvable : la source n'a ni "
                                   "PlainTextContent ni fichier texte dans l'archive"))
            continue
        # ATLAS.ti counts a \r\n line end as one character (QualCoder's reader notes the same)
        atlas = project.origin.upper().startswith("ATLAS")
        norm = text.replace("\r\n", "\n") if atlas else text
        if not (0 <= s.start < s.end <= len(norm)):
            unmatched.append(_miss(s, project, code_names, f"positions hors du texte ({s.start}–{s.end} pour "
                                   f"{len(norm)} caractères)"))
            continue
        coder = s.user or "codeur_qda"
        theme = id_of[s.code]
        ws = ws_sources.get(s.source)
        hit: list[str] = []
        if ws is not None and ws.text == norm.replace("\r\n", "\n") and "\r\n" not in norm:
            for uid, a, b in ws.spans:
                overlap = min(b, s.end) - max(a, s.start)
                if overlap <= 0:
                    continue
                if overlap >= MIN_UNIT_COVER * (b - a) or (a <= s.start and s.end <= b):
                    hit.append(uid)
            reason = "la sélection ne recouvre assez aucun segment ni aucune réponse (titre ou bout de texte ?)"
        else:
            sel = _fold_ws(norm[s.start:s.end])
            reason = "texte sélectionné introuvable dans les segments et réponses de l'espace de travail"
            if len(sel) >= MIN_MATCH_CHARS:
                inside = [u for u, t in unit_text.items() if sel in t]
                if len(inside) == 1:
                    hit = inside
                elif len(inside) > 1:
                    same = [u for u in inside if ws is not None and any(u == sp[0] for sp in ws.spans)]
                    hit = same if len(same) == 1 else []
                    if not hit:
                        reason = (f"ambigu : {len(inside)} textes contiennent la sélection "
                                  f"({', '.join(inside[:5])}{'…' if len(inside) > 5 else ''})")
                else:
                    hit = [u for u, t in unit_text.items() if len(t) >= MIN_MATCH_CHARS and t in sel]
            else:
                reason = f"sélection trop courte (moins de {MIN_MATCH_CHARS} caractères)"
        if not hit:
            unmatched.append(_miss(s, project, code_names, reason))
            continue
        rows += [(u, theme, coder) for u in hit]
    if rows:
        codes_out = pd.DataFrame(rows, columns=["id", "theme_id", "coder"]).astype("string")
        codes_out = codes_out.drop_duplicates().reset_index(drop=True)
        # an id coded with themes by a coder is not also "no theme" for that coder
        has = codes_out.dropna(subset=["theme_id"])[["id", "coder"]].drop_duplicates().assign(_h=True)
        codes_out = codes_out.merge(has, on=["id", "coder"], how="left", sort=False)
        codes_out = codes_out[~(codes_out["theme_id"].isna() & codes_out["_h"].eq(True))].drop(columns="_h")
        codes_out = (codes_out.assign(_o=codes_out["id"].map(order))
                     .sort_values(["_o", "coder", "theme_id"], kind="stable", na_position="last")
                     .drop(columns="_o").reset_index(drop=True))
    return ImportResult(codebook, codes_out, pd.DataFrame(unmatched, columns=_UNMATCHED_COLUMNS),
                        len(project.selections))


def _workspace(project: RefiProject, units: pd.DataFrame | None
               ) -> tuple[dict[str, Source] | None, dict[str, str], dict[str, int]]:
    """Sources (by name) and folded unit texts to match selections against.

    From ``units`` when given; else from the unit map of an archive this
    workspace wrote (its own texts and spans); else ``None``.
    """
    ws: dict[str, Source] = {}
    texts: dict[str, str] = {}
    order: dict[str, int] = {}
    if units is not None:
        ws = {s.name: s for s in build_sources(units)}
        texts = {str(i): _fold_ws(str(t)) for i, t in zip(units["id"], units["text"], strict=True)}
        return ws, texts, {u: i for i, u in enumerate(units["id"].astype(str))}
    if project.unit_map is None:
        return None, {}, {}
    for g, grp in project.unit_map.groupby("source_guid", sort=False):
        g = _norm_guid(str(g))
        text = project.texts.get(g)
        if text is None or g not in project.source_names:
            continue
        spans = tuple((str(r.id), int(r.debut), int(r.fin)) for r in grp.itertuples(index=False))
        name = project.source_names[g]
        ws[name] = Source(name, text.replace("\r\n", "\n"), spans)
        for uid, a, b in spans:
            texts[uid] = _fold_ws(text[a:b])
            order[uid] = len(order)
    return ws, texts, order


def read_qdpx_codings(path: str | Path, *, units: pd.DataFrame | None = None, coder: str | None = None
                      ) -> pd.DataFrame:
    """Human codes of a ``.qdpx`` in the canonical coding form (as ``themes.read_codings`` returns).

    Selections are mapped to ``units`` (segments or answers with ``id``,
    ``text``, ``source``...); without ``units``, to the units of an archive
    written by :func:`write_qdpx` (its own map). Selections that cannot be
    mapped are listed in ``attrs["non_rattachees"]`` and announced with a
    French warning, never dropped silently.

    Args:
        path: The ``.qdpx`` (or ``.qde``) file.
        units: The workspace's units (see :mod:`areas_analysis.qda.corpus`).
        coder: Keep only this coder's codes (a user name of the project).

    Returns:
        ``id, theme_id, source, coder`` with ``source == "human"`` (see ``normalize_coding``).

    Raises:
        InputError: no units and no unit map, unknown coder, unreadable file (French).
    """
    import warnings

    from ..themes.codings import normalize_coding

    result = import_refi(path, units)
    if units is None and read_refi(path).unit_map is None and result.n_selections:
        raise InputError([Problem(str(path), "ce projet QDA ne vient pas de cet espace de travail : pour "
                                  "rattacher ses sélections, fournissez les textes (segments ou réponses)")])
    codes = result.codes.assign(source="human")
    out = normalize_coding(codes[["id", "theme_id", "source", "coder"]], source_name=str(path))
    if coder is not None:
        known = sorted(out["coder"].dropna().unique())
        if coder not in known:
            raise InputError([Problem(str(path), f"codeur « {coder} » absent (codeurs : {', '.join(known)})")])
        out = out[out["coder"].eq(coder)].reset_index(drop=True)
    out.attrs["non_rattachees"] = result.unmatched
    human_missing = result.unmatched[~result.unmatched["raison"].str.startswith("codage automatique")]
    if len(human_missing):
        warnings.warn(f"{path}: {len(human_missing)} sélection(s) codée(s) non rattachée(s) à un segment ou "
                      "une réponse (détail dans attrs['non_rattachees'])", stacklevel=2)
    return out


def _miss(s: RefiSelection, project: RefiProject, code_names: dict[str, str], reason: str) -> dict[str, Any]:
    text = project.texts.get(s.source_guid) or ""
    extract = " ".join(text[max(s.start, 0):max(s.end, 0)].split())[:120] if text else ""
    return {"source": s.source, "debut": s.start, "fin": s.end, "code": code_names.get(s.code, s.code),
            "utilisateur": s.user, "extrait": extract, "raison": reason}
