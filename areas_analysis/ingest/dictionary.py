"""The data dictionary of a questionnaire export: load, save, infer a draft.

A dictionary (YAML, versioned with the cycle, see ``docs/formats.md``) maps
every column of an export to a *kind* (``id``, ``closed``, ``multi``,
``likert``, ``numeric``, ``date``, ``commune``, ``open``) and gives what the
validator needs: Likert scales in order, closed categories, multi-choice
options, numeric ranges, date formats.

:func:`infer_dictionary` drafts one from a raw export so that the researcher
edits rather than writes it: it recognises common French Likert scales from
their labels (accord, satisfaction, fréquence, importance, facilité, qualité)
with "Je ne sais pas" / "NSP" / "Sans opinion" as missing, LimeSurvey and
Kobo multi-choice columns (``Question [Option]`` with Oui/Non, X, 1/0) and
multi-choice cells (``"Coût;Distance"``), ids, dates, numbers, communes and
open text. Every inferred column carries a French note saying why, written as
a YAML comment by :func:`save_dictionary`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

import pandas as pd
import yaml

from ..errors import InputError, Problem
from ..text import normalize_label, parse_number, slugify
from .scales import KNOWN_SCALES, match_scale

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
    "infer_dictionary",
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


# --------------------------------------------------------------------------- inference

_BRACKET_RE = re.compile(r"^(?P<q>.+?)\s*\[(?P<opt>[^\[\]]+)\]\s*$")
_KOBO_RE = re.compile(r"^(?P<q>[^/\[\]\s]+)/(?P<opt>[^/\[\]\s]+)$")
_ID_WORDS = re.compile(r"\b(id|identifiant|numero|serial|sid|uuid|index|respondent|repondant|token|n|code)\b")
_DATE_WORDS = re.compile(r"\b(date|heure|horodat\w*|timestamp|soumis\w*|submitted|time|debut|fin)\b")
_OTHER_WORDS = re.compile(r"^(autres?|other|precise[zr]?|autre precise[zr]?|si autre.*)$|\bprecisez\b")
_COMMUNE_WORDS = re.compile(r"\b(commune|ville|localite|residence|municipalite)\b")


def _non_empty(values: pd.Series) -> list[str]:
    return [str(v).strip() for v in values if not pd.isna(v) and str(v).strip() != ""]


def _is_flag_column(values: list[str]) -> bool:
    keys = {normalize_label(v) for v in values} - _MISSING_KEYS
    return bool(keys) and keys <= (_TRUE_KEYS | _FALSE_KEYS)


def _split_choices(values: list[str]) -> tuple[str, list[str]] | None:
    """Detect one-cell multi-choice answers; returns (separator, options by frequency)."""
    for sep in (";", ",", "|"):
        with_sep = [v for v in values if sep in v]
        if len(with_sep) < max(2, 0.2 * len(values)):
            continue
        if len(set(with_sep)) < 2:
            continue  # one label that contains the separator ("Transports publics (train, bus, etc.)")
        items = [i.strip() for v in values for i in v.split(sep) if i.strip()]
        if any(i.count("(") != i.count(")") for i in items):
            continue  # splitting would cut inside parentheses: a single label
        keys = [normalize_label(i) for i in items]
        counts = Counter(keys)
        n_distinct = len(counts)
        mean_len = sum(len(i) for i in items) / len(items)
        recurring = sum(n for n in counts.values() if n > 1) / len(items)
        if recurring >= 0.4 and n_distinct <= max(8, 0.35 * len(items)) and n_distinct <= 25 and mean_len <= 50:
            spelling = {k: Counter(i for i, ki in zip(items, keys, strict=True) if ki == k).most_common(1)[0][0]
                        for k in counts}
            ordered = sorted(counts, key=lambda k: (-counts[k], keys.index(k)))
            return sep, [spelling[k] for k in ordered]
    return None


#: Share of distinct values parsing as dates from which a column is read as dates (a date-like
#: header lowers it to :data:`_MOSTLY_NUMERIC`); the odd cells are then reported, not typed.
_MOSTLY_DATES = 0.9


def _date_format(values: list[str], threshold: float = _MOSTLY_DATES) -> tuple[bool, str | None]:
    """Whether a share ``threshold`` of values are dates, and the single format fitting them all (if any)."""
    if not values:
        return False, None
    values = list(dict.fromkeys(values))[:500]  # distinct values are enough to decide
    ok = [v for v in values if parse_date(v) is not None]
    if not ok or len(ok) < threshold * len(values):
        return False, None
    for fmt in _DATE_FORMATS:
        if all(_fits(v, fmt) for v in ok):
            return True, fmt
    return True, None


def _fits(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value.strip(), fmt)
        return True
    except ValueError:
        return False


def _unique_name(base: str, taken: set[str]) -> str:
    base = base if _NAME_RE.match(base) else f"q_{base}"
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


#: Share of numbers from which a column is read as numeric (the other answers are texts to explain).
_MOSTLY_NUMERIC = 0.5
#: Most distinct answers of a mixed number/text column drafted as ``closed`` (beyond: ``open``).
_MIXED_CLOSED_MAX = 30
#: Rows quoted in a draft note (the rest are counted).
_ROWS_SHOWN = 5


def _odd_rows(series: pd.Series, is_odd: Any) -> dict[str, list[int]]:
    """Non-empty cells for which ``is_odd`` holds: value → spreadsheet rows (index of the raw frame)."""
    out: dict[str, list[int]] = {}
    for row, v in series.items():
        if pd.isna(v) or not str(v).strip():
            continue
        text = str(v).strip()
        if is_odd(text):
            out.setdefault(text, []).append(row)  # type: ignore[arg-type]
    return out


def _odd_text(odd: dict[str, list[int]]) -> str:
    """« Autres (préciser) » (lignes 1149, 1159), « NSP » (ligne 12)..."""
    parts = []
    for value, rows in list(odd.items())[:_ROWS_SHOWN]:
        shown = ", ".join(str(r) for r in rows[:_ROWS_SHOWN]) + (" …" if len(rows) > _ROWS_SHOWN else "")
        parts.append(f"« {value} » (ligne{'s' if len(rows) > 1 else ''} {shown})")
    more = len(odd) - _ROWS_SHOWN
    return ", ".join(parts) + (f" et {more} autre(s) valeur(s)" if more > 0 else "")


def _infer_numeric(vals: list[str], series: pd.Series, make: Any) -> ColumnSpec | None:
    """Draft of a mostly numeric column, ``None`` when fewer than half the answers are numbers.

    ``numeric`` when every answer is a number or a "no answer" label; a mixed
    column is drafted as what it is — ``closed`` with its text answers as
    extra values when it has few distinct answers, else ``open`` — with the
    reason, so the draft never refuses its own export.
    """
    numbers = [parse_number(v) for v in vals]
    n_num = sum(x is not None for x in numbers)
    if n_num < _MOSTLY_NUMERIC * len(vals):
        return None
    odd = _odd_rows(series, lambda v: parse_number(v) is None)
    missing = [v for v in odd if normalize_label(v) in _MISSING_KEYS]
    others = {v: rows for v, rows in odd.items() if v not in missing}
    if not others:
        note = "déduit : nombres ; ajouter min / max pour contrôler les valeurs"
        if missing:
            note += f" ; {' / '.join(missing)} = pas de réponse"
        return make("numeric", note, missing=missing)
    distinct = list(dict.fromkeys(vals))
    why = (f"colonne surtout numérique ({n_num} nombres sur {len(vals)} réponses) mais avec des réponses texte : "
           f"{_odd_text(others)}")
    if len(distinct) <= _MIXED_CLOSED_MAX:
        nums = sorted((v for v in distinct if parse_number(v) is not None),
                      key=lambda v: parse_number(v) or 0.0)
        texts = [v for v in distinct if parse_number(v) is None and v not in missing]
        return make("closed", f"à vérifier : {why} ; rédigée en « closed » (les nombres, puis la ou les valeurs "
                              "« autre ») pour que l'export reste valide",
                    categories=nums + texts, missing=missing)
    return make("open", f"à vérifier : {why} ; trop de valeurs différentes pour une liste fermée, rédigée en "
                        "« open » pour que l'export reste valide (pour la traiter en « numeric », videz ou "
                        "recodez ces cellules)")


def infer_dictionary(raw: pd.DataFrame, *, header_rows: int = 1, questionnaire: str = "questionnaire",
                     version: str = "brouillon") -> Dictionary:
    """Draft a data dictionary from a raw export, for the researcher to edit.

    Rules, in order, each leaving a French ``note`` on the column:

    1. consecutive ``Question [Option]`` (LimeSurvey, Framaforms) or
       ``question/option`` (Kobo) headers whose cells are only flags
       (X, 1/0, Oui/Non, Vrai/Faux) → one ``multi`` with ``layout: columns``;
       Framaforms' following option columns (bare header, X only) join the group;
    2. an id-like header (``ID réponse``, ``Identifiant``, ``Numéro``...) with
       unique values → ``id`` (the first one only);
    3. a date-like header or ≥ 90 % of cells parsing as dates → ``date`` when
       all of them parse, else ``open`` with the odd cells and their rows;
    4. every answer a number (or a "no answer" label) → ``numeric``; at least
       half numbers and some texts (« Autres (préciser) ») → ``closed`` listing
       numbers and texts when few distinct answers, else ``open`` — with the
       reason and rows in the note, so the draft validates its own export;
    5. all labels on a known French scale, or labels of one ordinal family
       whose order can be inferred (:mod:`~areas_analysis.ingest.scales`:
       agreement, quality, satisfaction, frequency, accessibility/ease,
       judgement, confidence...) → ``likert``, the order written in the note;
    6. cells holding several choices separated by ``;`` or ``,`` drawn from a
       small vocabulary → ``multi`` with ``layout: cell``;
    7. a commune-like header → ``commune``;
    8. few distinct short values → ``closed`` (categories by frequency);
    9. anything else (long, varied answers) → ``open``.

    Args:
        raw: Export with headers as columns and text cells (``NA`` when empty),
            as in :attr:`RawExport.frame` (:func:`read_raw_export`).
        header_rows: Header rows of the export, written into the draft.
        questionnaire: Short name of the questionnaire.
        version: Version string of the draft.
    """
    headers = [str(c) for c in raw.columns]
    values = {h: _non_empty(raw[h]) for h in headers}
    taken: set[str] = set()
    specs: list[ColumnSpec] = []
    has_id = False
    i = 0
    while i < len(headers):
        h = headers[i]
        group = _flag_group(headers, values, i, header_rows)
        if group:
            question, option_columns = group
            name = _unique_name(slugify(question), taken)
            specs.append(ColumnSpec(
                column=question, name=name, kind="multi", layout="columns", options=list(option_columns),
                option_columns=option_columns,
                note=f"déduit : {len(option_columns)} colonnes « question [option] » ne contenant que des cases "
                     "cochées (X / Oui / 1) ; vérifier la liste des options",
            ))
            i += len(option_columns)
            continue
        spec = _infer_one(h, values[h], raw[h], has_id, taken)
        has_id = has_id or spec.kind == "id"
        specs.append(spec)
        i += 1
    return Dictionary(questionnaire=questionnaire, version=version, columns=specs,
                      description="Brouillon déduit automatiquement — à relire", header_rows=header_rows)


def _flag_group(headers: Sequence[str], values: dict[str, list[str]], i: int,
                header_rows: int) -> tuple[str, dict[str, str]] | None:
    """A multi-choice block of flag columns starting at ``headers[i]``, if any."""
    m = _BRACKET_RE.match(headers[i]) or _KOBO_RE.match(headers[i])
    if not m or not _is_flag_column(values[headers[i]]) and values[headers[i]]:
        return None
    question = m.group("q").strip()
    group: dict[str, str] = {m.group("opt").strip(): headers[i]}
    j = i + 1
    while j < len(headers):
        mj = _BRACKET_RE.match(headers[j]) or _KOBO_RE.match(headers[j])
        vals = values[headers[j]]
        if mj and mj.group("q").strip() == question and (not vals or _is_flag_column(vals)):
            group[mj.group("opt").strip()] = headers[j]
        elif (header_rows > 1 and not _BRACKET_RE.match(headers[j]) and vals
              and {normalize_label(v) for v in vals} <= {"x"}):
            group[headers[j].strip()] = headers[j]  # Framaforms: only the first option carries the question
        else:
            break
        j += 1
    flagged = [h for h in group.values() if values[h]]
    if len(group) < 2 or not flagged:
        return None
    return question, group


def _infer_one(header: str, vals: list[str], series: pd.Series, has_id: bool, taken: set[str]) -> ColumnSpec:
    key = normalize_label(header).replace("_", " ")
    n = len(vals)
    distinct = list(dict.fromkeys(vals))

    def make(kind: Kind, note: str, **kw: Any) -> ColumnSpec:
        return ColumnSpec(column=header, name=_unique_name(slugify(header), taken), kind=kind, note=note, **kw)

    if n == 0:
        return make("open", "à vérifier : colonne vide dans cet export, type inconnu")
    bracket = _BRACKET_RE.match(header)
    if _OTHER_WORDS.search(normalize_label(bracket.group("opt")) if bracket else key):
        return make("open", "déduit : précision « Autre » en texte libre")
    if not has_id and _ID_WORDS.search(key) and len(set(vals)) == n and n == len(series):
        return make("id", "déduit : en-tête d'identifiant, valeurs uniques", required=True)
    date_header = bool(_DATE_WORDS.search(key))
    is_date, fmt = _date_format(vals, _MOSTLY_NUMERIC if date_header else _MOSTLY_DATES)
    if is_date and (date_header or all(not re.fullmatch(r"\d+", v) for v in vals)):
        odd = _odd_rows(series, lambda v: parse_date(v) is None)
        if not odd:
            return make("date", "déduit : dates" + (f" au format {fmt}" if fmt else " (formats mélangés)"),
                        format=fmt)
        return make("open", f"à vérifier : surtout des dates, mais {_odd_text(odd)} ne sont pas des dates ; "
                            "rédigée en « open » pour que l'export reste valide (corrigez ces cellules puis "
                            "passez la colonne en « date »)")
    numeric = _infer_numeric(vals, series, make)
    if numeric is not None:
        return numeric
    scale = match_scale(vals, _MISSING_KEYS)
    if scale:
        return make("likert", scale.note(), scale=list(scale.labels), missing=list(scale.missing))
    choices = _split_choices(vals)
    if choices:
        sep, options = choices
        return make("multi", f"déduit : plusieurs choix par cellule séparés par « {sep} »", layout="cell",
                    separator=sep, options=options)
    mean_len = sum(len(v) for v in vals) / n
    if _COMMUNE_WORDS.search(key) and mean_len <= 35 and max(len(v.split()) for v in vals) <= 6:
        return make("commune", "déduit : en-tête de commune, réponses courtes")
    closed_like = len(distinct) <= 15 and mean_len <= 60 and (
        n >= 2 * len(distinct) or (len(distinct) <= 5 and mean_len <= 25))
    if closed_like or (len(distinct) <= 30 and mean_len <= 30 and n >= 5 * len(distinct)):
        counts = Counter(vals)
        cats = sorted(distinct, key=lambda v: (-counts[v], vals.index(v)))
        missing = [c for c in cats if normalize_label(c) in _MISSING_KEYS]
        return make("closed", f"déduit : {len(distinct)} réponses différentes ; compléter les catégories",
                    categories=[c for c in cats if c not in missing], missing=missing)
    return make("open", f"déduit : texte libre ({len(distinct)} réponses différentes, {mean_len:.0f} caractères "
                        "en moyenne)")


def unique_headers(headers: Iterable[str]) -> list[str]:
    """Make headers unique by suffixing repeats with `` (2)``, `` (3)``..."""
    seen: Counter[str] = Counter()
    out = []
    for h in headers:
        seen[h] += 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out
