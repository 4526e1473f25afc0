"""Reading REFI-QDA projects (``.qdpx``, ``.qde``, ``.qdc``) back into the workspace.

Their codebook becomes a workspace codebook, their coded selections human codes of the
workspace's units, with what could not be matched reported in French.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from ..errors import InputError, Problem
from ..ingest.dictionary import slugify
from ..themes.codebook import RESERVED_THEME_IDS, Codebook, codebook_from_dict
from .refi import (
    _CB_LINE,
    MACHINE_USER,
    MIN_MATCH_CHARS,
    MIN_UNIT_COVER,
    NO_THEME_ID,
    UNIT_MAP,
    Source,
    _guid,
    _norm_guid,
    build_sources,
    parse_description,
)

__all__ = ["ImportResult", "RefiProject", "import_refi", "read_qdpx_codings", "read_refi", "refi_codebook"]

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
