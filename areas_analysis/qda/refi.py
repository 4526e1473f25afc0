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

import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from ..themes.codebook import Theme
from .corpus import QdaCorpus

__all__ = [
    "MACHINE_USER",
    "NO_THEME_ID",
    "REVIEW_USER",
    "build_sources",
    "project_xml",
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
