"""The data dictionary of a questionnaire export: load, save, infer a draft.

A dictionary (YAML, versioned with the cycle, see ``docs/formats.md``) maps
every column of an export to a *kind* (``id``, ``closed``, ``multi``,
``likert``, ``numeric``, ``date``, ``commune``, ``open``) and gives what the
validator needs: Likert scales in order, closed categories, multi-choice
options, numeric ranges, date formats.

:func:`~areas_analysis.ingest.draft.infer_dictionary` (module
:mod:`~areas_analysis.ingest.draft`) drafts one from a raw export so that the
researcher edits rather than writes it; every drafted column carries a French
note saying why, written as a YAML comment by :func:`save_dictionary`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from ..errors import InputError, Problem
from ..text import normalize_label, parse_number, slugify
from .scales import KNOWN_SCALES

__all__ = [
    "Kind",
    "KINDS",
    "ColumnSpec",
    "Dictionary",
    "KNOWN_SCALES",
    "MISSING_LABELS",
    "TRUE_VALUES",
    "FALSE_VALUES",
    "load_dictionary",
    "save_dictionary",
    "normalize_label",
    "slugify",
    "parse_number",
    "parse_date",
]

Kind = Literal["id", "closed", "multi", "likert", "numeric", "date", "commune", "open"]
KINDS: tuple[str, ...] = get_args(Kind)
Layout = Literal["cell", "columns"]


#: Labels meaning "no answer" in French questionnaires.
MISSING_LABELS: tuple[str, ...] = (
    "Je ne sais pas", "Ne sait pas", "Ne sais pas", "NSP", "NSPP", "Sans opinion", "Sans avis",
    "Ne se prononce pas", "Non concerné", "Pas concerné", "Non applicable", "N/A", "NA",
    "Je ne souhaite pas répondre", "Ne souhaite pas répondre", "Préfère ne pas répondre",
)
_MISSING_KEYS = frozenset(normalize_label(v) for v in MISSING_LABELS)

#: Cell values meaning "option ticked" / "not ticked" in one-column-per-option layouts.
TRUE_VALUES: tuple[str, ...] = ("X", "x", "1", "Oui", "O", "Yes", "Y", "Vrai", "True", "Coché", "1.0")
FALSE_VALUES: tuple[str, ...] = ("0", "Non", "N", "No", "Faux", "False", "0.0", "Non coché")
_TRUE_KEYS = frozenset(normalize_label(v) for v in TRUE_VALUES)
_FALSE_KEYS = frozenset(normalize_label(v) for v in FALSE_VALUES)

_DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
    "%d/%m/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S", "%d/%m/%Y - %H:%M", "%d/%m/%Y - %H:%M:%S",
)
_DATE_SHAPE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")
_ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f")


def parse_date(value: str, fmt: str | None = None) -> datetime | None:
    """Parse a date with the dictionary's ``format`` (or common French formats); ``None`` if it fails.

    ISO dates (as written for real date cells of an XLSX file) are always accepted.
    """
    text = str(value).strip()
    if fmt is None and not _DATE_SHAPE.match(text):
        return None  # fast path: strptime over every format is slow on non-date columns
    formats = ((fmt,) if fmt else _DATE_FORMATS) + _ISO_FORMATS
    for f in formats:
        try:
            return datetime.strptime(text, f)
        except ValueError:
            continue
    return None


@dataclass
class ColumnSpec:
    """How one question of the export is read.

    Attributes:
        column: Header as in the export (for ``multi`` with ``layout: columns``,
            the question text; option headers are in ``option_columns``).
        name: Tidy snake_case column name in ``responses.csv``.
        kind: One of :data:`KINDS`.
        required: An empty cell is a problem.
        categories: Allowed values of a ``closed`` (or ``commune``) column.
        ordered: Closed categories have an order (age brackets).
        layout: ``multi`` only: ``"cell"`` (choices in one cell) or ``"columns"``.
        separator: ``multi``/``cell``: separator between choices (``";"``).
        options: ``multi``: the possible choices.
        option_columns: ``multi``/``columns``: option → header of its column.
        scale: ``likert``: ordered French labels, lowest first.
        missing: ``likert``/``closed``/``numeric``: labels meaning no answer ("Je ne sais pas").
        min: ``numeric``: smallest allowed value.
        max: ``numeric``: largest allowed value.
        format: ``date``: ``strptime`` format of the cells (ISO always accepted).
        note: Free French comment (written as a YAML comment, e.g. why inferred).
        line: Line of this entry in the YAML file (for messages; not saved).
    """

    column: str
    name: str
    kind: Kind
    required: bool = False
    categories: list[str] | None = None
    ordered: bool = False
    layout: Layout | None = None
    separator: str | None = None
    options: list[str] | None = None
    option_columns: dict[str, str] | None = None
    scale: list[str] | None = None
    missing: list[str] = field(default_factory=list)
    min: float | None = None
    max: float | None = None
    format: str | None = None
    note: str | None = None
    line: int | None = None

    def headers(self) -> list[str]:
        """Headers of the export this column reads."""
        if self.kind == "multi" and self.layout == "columns":
            return list((self.option_columns or {}).values())
        return [self.column]

    def output_names(self) -> list[str]:
        """Tidy column names this spec produces (``multi``: one per option)."""
        if self.kind == "multi":
            return [self.option_name(o) for o in self.options or []]
        if self.kind == "likert" and self.missing:
            return [self.name, self.dont_know_name]
        return [self.name]

    @property
    def dont_know_name(self) -> str:
        """``likert`` with ``missing`` labels: 0/1 companion column ``{name}__ne_sait_pas``.

        1 = a « Je ne sais pas »-like label, 0 = an answer on the scale, NA = empty
        cell. The Likert column itself holds NA for both, as the contract says;
        this column keeps "don't know" apart from "no answer" for the analyses.
        """
        return f"{self.name}__ne_sait_pas"

    def option_name(self, option: str) -> str:
        """Tidy column of one ``multi`` option: ``{name}__{option_slug}``."""
        return f"{self.name}__{slugify(option, max_words=4)}"

    def to_yaml(self) -> dict[str, Any]:
        """Entry as written in the YAML dictionary (defaults left out)."""
        out: dict[str, Any] = {"column": self.column, "name": self.name, "kind": self.kind}
        for f in fields(self):
            if f.name in ("column", "name", "kind", "note", "line"):
                continue
            value = getattr(self, f.name)
            if value in (None, False, []) or (f.name == "missing" and not value):
                continue
            out[f.name] = value
        return out


@dataclass
class Dictionary:
    """A questionnaire's data dictionary (see ``docs/formats.md``).

    Attributes:
        questionnaire: Short name (``"usagers"``).
        version: Version string, e.g. ``"2026.1"``.
        columns: One :class:`ColumnSpec` per question, in export order.
        description: French description.
        header_rows: Header rows of the export (Framaforms: 3).
        encoding: Optional declared encoding of CSV exports (otherwise detected).
        separator: Optional declared CSV separator (otherwise sniffed).
        source: File the dictionary was loaded from, if any.
    """

    questionnaire: str
    version: str
    columns: list[ColumnSpec]
    description: str = ""
    header_rows: int = 1
    encoding: str | None = None
    separator: str | None = None
    source: str | None = None

    @property
    def id_spec(self) -> ColumnSpec | None:
        """The ``id`` column, if the questionnaire has one."""
        return next((c for c in self.columns if c.kind == "id"), None)

    def names(self, kind: Kind | None = None) -> list[str]:
        """Tidy names of the columns, in questionnaire order, optionally of one ``kind`` (``"likert"``...)."""
        return [c.name for c in self.columns if kind is None or c.kind == kind]

    def labels(self) -> dict[str, str]:
        """Tidy name → question text as in the export (for tables and figure labels)."""
        return {c.name: c.column for c in self.columns}

    def spec(self, name: str) -> ColumnSpec:
        """The column spec with tidy name ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


# --------------------------------------------------------------------------- YAML I/O

class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records the line of each mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

_SPEC_KEYS = {f.name for f in fields(ColumnSpec)} - {"line"}
_TOP_KEYS = {"questionnaire", "version", "description", "header_rows", "columns", "encoding", "separator"}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _as_str_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return None


def load_dictionary(path: str | Path) -> Dictionary:
    """Load and check a YAML data dictionary.

    Every problem (unknown kind or key, Likert without scale, multi without
    options, duplicate names, min above max...) is reported at once with the
    YAML line and the column header concerned.

    Args:
        path: The ``dictionary.yaml`` file.

    Raises:
        InputError: unreadable YAML or invalid entries (French message).
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, "dictionnaire introuvable")])
    with path.open("rb") as fh:
        raw_bytes = fh.read()
    try:
        data = yaml.load(raw_bytes.decode("utf-8-sig"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except UnicodeDecodeError:
        raise InputError([Problem(file, "le dictionnaire doit être encodé en UTF-8")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError([Problem(file, f"YAML illisible ({getattr(exc, 'problem', exc)})",
                                  row=mark.line + 1 if mark else None)]) from None
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InputError([Problem(file, "le dictionnaire doit être un objet YAML avec une clé « columns »")])
    for key in sorted(set(data) - _TOP_KEYS - {"__line__"}):
        problems.append(Problem(file, f"clé inconnue « {key} » (clés possibles : {', '.join(sorted(_TOP_KEYS))})"))
    cols = data.get("columns")
    if not isinstance(cols, list) or not cols:
        problems.append(Problem(file, "la clé « columns » doit lister au moins une colonne"))
        raise InputError(problems)
    try:
        header_rows = int(data.get("header_rows", 1))
        if header_rows < 1:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem(file, "« header_rows » doit être un entier ≥ 1"))
        header_rows = 1
    specs: list[ColumnSpec] = []
    seen_names: dict[str, int] = {}
    for i, entry in enumerate(cols, start=1):
        if not isinstance(entry, dict):
            problems.append(Problem(file, f"l'entrée n° {i} de « columns » doit être un objet "
                                          "(column, name, kind)"))
            continue
        line = entry.pop("__line__", None)
        header = str(entry.get("column", "")) or None
        for p in _check_entry(entry, i):
            problems.append(Problem(file, p, row=line, column=header))
        if header is None or "name" not in entry or entry.get("kind") not in KINDS:
            continue
        name = str(entry["name"])
        if name in seen_names:
            problems.append(Problem(file, f"nom « {name} » déjà utilisé ligne {seen_names[name]}", row=line,
                                    column=header))
        seen_names[name] = line or i
        option_columns = entry.get("option_columns")
        if isinstance(option_columns, dict):
            option_columns = {str(k): str(v) for k, v in option_columns.items() if k != "__line__"}
        specs.append(ColumnSpec(
            column=header, name=name, kind=entry["kind"], required=bool(entry.get("required", False)),
            categories=_as_str_list(entry.get("categories")), ordered=bool(entry.get("ordered", False)),
            layout=entry.get("layout"), separator=entry.get("separator"),
            options=_as_str_list(entry.get("options")), option_columns=option_columns,
            scale=_as_str_list(entry.get("scale")), missing=_as_str_list(entry.get("missing")) or [],
            min=entry.get("min"), max=entry.get("max"), format=entry.get("format"), note=entry.get("note"),
            line=line,
        ))
    if problems:
        raise InputError(problems, header=f"Dictionnaire {path.name} invalide ({len(problems)} problème(s))")
    return Dictionary(
        questionnaire=str(data.get("questionnaire", path.stem)), version=str(data.get("version", "")),
        description=str(data.get("description", "")), header_rows=header_rows, columns=specs,
        encoding=data.get("encoding"), separator=data.get("separator"), source=file,
    )


def _check_entry(entry: dict[str, Any], i: int) -> list[str]:
    """French problems of one ``columns`` entry (empty list when valid)."""
    out: list[str] = []
    for key in sorted(set(entry) - _SPEC_KEYS):
        out.append(f"clé inconnue « {key} »")
    if not entry.get("column"):
        out.append(f"l'entrée n° {i} n'a pas de « column » (en-tête dans l'export)")
    name = entry.get("name")
    if not name:
        out.append("« name » manquant (nom de colonne en snake_case)")
    elif not _NAME_RE.match(str(name)):
        out.append(f"« name » doit être en snake_case sans accent (trouvé « {name} »)")
    kind = entry.get("kind")
    if kind not in KINDS:
        out.append(f"type « {kind} » inconnu (types possibles : {', '.join(KINDS)})")
        return out
    if kind == "likert":
        scale = _as_str_list(entry.get("scale"))
        if not scale or len(scale) < 2:
            out.append("une colonne likert doit donner son échelle « scale » (au moins 2 libellés, du plus bas au "
                       "plus haut)")
    if kind == "multi":
        options = _as_str_list(entry.get("options"))
        layout = entry.get("layout")
        if layout not in ("cell", "columns"):
            out.append("une colonne multi doit préciser « layout: cell » ou « layout: columns »")
        if not options:
            out.append("une colonne multi doit lister ses « options »")
        if layout == "columns":
            oc = entry.get("option_columns")
            if not isinstance(oc, dict):
                out.append("layout: columns demande « option_columns » (option → en-tête de sa colonne)")
            elif options:
                missing = [o for o in options if o not in oc]
                if missing:
                    out.append(f"option(s) sans colonne dans « option_columns » : {', '.join(missing)}")
        if layout == "cell" and not entry.get("separator"):
            out.append("layout: cell demande un « separator » (par ex. « ; »)")
    if kind == "numeric":
        lo, hi = entry.get("min"), entry.get("max")
        for key, v in (("min", lo), ("max", hi)):
            if v is not None and not isinstance(v, int | float):
                out.append(f"« {key} » doit être un nombre")
        if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
            out.append(f"« min » ({lo}) est supérieur à « max » ({hi})")
    if kind == "date" and entry.get("format"):
        try:
            datetime(2026, 2, 12, 10, 30).strftime(str(entry["format"]))
            if "%" not in str(entry["format"]):
                raise ValueError
        except ValueError:
            out.append(f"format de date invalide « {entry['format']} » (exemple : %d/%m/%Y)")
    return out


_HEADER_COMMENT = """\
# Dictionnaire de données AREAS — à relire et corriger avant l'analyse.
# Une entrée par question de l'export :
#   column : en-tête tel qu'il apparaît dans le fichier ; name : nom de colonne en snake_case
#   kind   : id | closed | multi | likert | numeric | date | commune | open
#   likert : « scale » liste les libellés du plus bas au plus haut ; « missing » les réponses
#            valant « pas de réponse » (Je ne sais pas, Sans opinion…)
#   closed : « categories » (et « ordered: true » pour des tranches d'âge, par exemple)
#   multi  : layout cell (choix séparés par « separator » dans une cellule) ou columns
#            (une colonne par option, voir option_columns ; valeurs X / 1 / Oui = coché)
#   numeric : min / max facultatifs ; date : format strptime, par ex. %d/%m/%Y
#   required: true → une cellule vide est signalée comme problème.
"""


def save_dictionary(dictionary: Dictionary, path: str | Path) -> Path:
    """Write a dictionary as commented YAML (French comments, notes above each entry).

    Args:
        dictionary: The dictionary to write.
        path: Target file (parent directories are created).

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    top: dict[str, Any] = {"questionnaire": dictionary.questionnaire, "version": dictionary.version,
                           "description": dictionary.description, "header_rows": dictionary.header_rows}
    if dictionary.encoding:
        top["encoding"] = dictionary.encoding
    if dictionary.separator:
        top["separator"] = dictionary.separator
    parts = [_HEADER_COMMENT, yaml.safe_dump(top, allow_unicode=True, sort_keys=False, width=120), "columns:\n"]
    for spec in dictionary.columns:
        if spec.note:
            parts.append("".join(f"  # {line}\n" for line in spec.note.splitlines()))
        entry = yaml.safe_dump([spec.to_yaml()], allow_unicode=True, sort_keys=False, width=120,
                               default_flow_style=None)
        parts.append("".join(f"  {line}\n" for line in entry.splitlines()))
    path.write_text("".join(parts), encoding="utf-8")
    return path


def __getattr__(name: str) -> Any:
    """Old import paths: drafting moved to :mod:`areas_analysis.ingest.draft`."""
    if name in ("infer_dictionary", "unique_headers"):
        from . import draft

        return getattr(draft, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
