"""Validate a raw export against its data dictionary, then type it.

Validation uses a pandera ``DataFrameSchema`` built from the dictionary and
run with ``lazy=True`` so that *every* problem is collected in one pass:
missing columns, empty required cells, duplicate ids, values off a Likert
scale or off the closed categories, unknown multi-choice options, text in a
numeric column, numbers out of range, unreadable dates. pandera's failure
cases are turned into French :class:`~areas_analysis.errors.Problem` records
naming file, spreadsheet row (header rows included) and header as in the file.

Typing follows ``docs/formats.md``: ``likert`` → ordered categorical of the
scale (missing labels → NA, and when the spec has ``missing`` labels a 0/1
companion ``{name}__ne_sait_pas`` keeps them apart from empty cells),
``closed`` → categorical, ``multi`` → one nullable 0/1 column per option, ``numeric`` → float, ``date`` → datetime,
``id``/``commune``/``open`` → string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..communes import normalize_commune
from ..errors import Problem
from .dictionary import (
    _FALSE_KEYS,
    _MISSING_KEYS,
    _TRUE_KEYS,
    ColumnSpec,
    Dictionary,
    normalize_label,
    parse_date,
    parse_number,
)

__all__ = ["ValidationResult", "validate_and_type", "human_date_format"]


@dataclass
class ValidationResult:
    """Typed responses and the problems found.

    Attributes:
        responses: Typed tidy frame, indexed by spreadsheet row number.
        problems: Every problem, in row then column order.
        dropped_rows: Spreadsheet rows left out (duplicate ids in lenient mode).
    """

    responses: pd.DataFrame
    problems: list[Problem]
    dropped_rows: list[int]


def human_date_format(fmt: str | None) -> str:
    """``"%d/%m/%Y"`` → ``"JJ/MM/AAAA"`` for French messages."""
    if not fmt:
        return "JJ/MM/AAAA ou AAAA-MM-JJ"
    for code, human in (("%d", "JJ"), ("%m", "MM"), ("%Y", "AAAA"), ("%y", "AA"), ("%H", "hh"), ("%M", "mm"),
                        ("%S", "ss"), ("%f", "µs")):
        fmt = fmt.replace(code, human)
    return fmt


def _short_list(items: list[str], n: int = 7) -> str:
    shown = " / ".join(items[:n])
    return shown + (f" / … ({len(items)} au total)" if len(items) > n else "")


def _allowed_keys(spec: ColumnSpec) -> dict[str, str | None]:
    """Normalised label → canonical label (``None`` = missing) for closed/likert/commune."""
    allowed: dict[str, str | None] = {}
    labels = spec.scale if spec.kind == "likert" else spec.categories
    for label in labels or []:
        allowed[normalize_label(label)] = label
    for label in spec.missing:
        allowed[normalize_label(label)] = None
    return allowed


def _cell_check(spec: ColumnSpec) -> Callable[[object], bool] | None:
    """Element-wise predicate of a cell for the spec's kind, ``None`` when any text is fine."""
    kind = spec.kind
    if kind in ("closed", "likert") or (kind == "commune" and spec.categories):
        allowed = _allowed_keys(spec)
        if kind == "closed" and not spec.categories:
            return None
        return lambda v: normalize_label(str(v)) in allowed
    if kind == "multi" and spec.layout == "cell":
        options = {normalize_label(o) for o in spec.options or []}
        sep = spec.separator or ";"
        return lambda v: all(normalize_label(i) in options for i in str(v).split(sep) if i.strip())
    if kind == "multi":
        return lambda v: normalize_label(str(v)) in (_TRUE_KEYS | _FALSE_KEYS | _MISSING_KEYS)
    if kind == "numeric":
        missing = {normalize_label(m) for m in spec.missing}

        def ok(v: object) -> bool:
            if missing and normalize_label(str(v)) in missing:
                return True  # « Je ne sais pas » in a numeric column: no answer
            x = parse_number(str(v))
            return x is not None and (spec.min is None or x >= spec.min) and (spec.max is None or x <= spec.max)
        return ok
    if kind == "date":
        return lambda v: parse_date(str(v), spec.format) is not None
    return None


def _message(spec: ColumnSpec, value: str, quote: Callable[[str], str]) -> str:
    """French explanation of why ``value`` fails the spec's check."""
    shown = quote(value)
    if spec.kind == "likert":
        msg = f"valeur « {shown} » hors de l'échelle ({_short_list(spec.scale or [])})"
        if spec.missing:
            msg += f" ; sans réponse admis : {' / '.join(spec.missing)}"
        return msg
    if spec.kind in ("closed", "commune"):
        return f"valeur « {shown} » hors des catégories prévues ({_short_list(spec.categories or [])})"
    if spec.kind == "multi" and spec.layout == "cell":
        options = {normalize_label(o) for o in spec.options or []}
        unknown = [i.strip() for i in value.split(spec.separator or ";") if i.strip()
                   and normalize_label(i) not in options]
        return (f"choix inconnu(s) « {quote(' ; '.join(unknown))} » "
                f"(options : {_short_list(spec.options or [])} ; séparateur « {spec.separator} »)")
    if spec.kind == "multi":
        return f"valeur « {shown} » non reconnue pour une case à cocher (attendu : X, 1, Oui, 0, Non ou vide)"
    if spec.kind == "numeric":
        x = parse_number(value)
        if x is None:
            extra = f" (sans réponse admis : {' / '.join(spec.missing)})" if spec.missing else ""
            return f"« {shown} » n'est pas un nombre{extra}"
        lo = "-∞" if spec.min is None else f"{spec.min:g}"
        hi = "+∞" if spec.max is None else f"{spec.max:g}"
        return f"{x:g} hors de l'intervalle prévu [{lo} ; {hi}]"
    if spec.kind == "date":
        return f"date « {shown} » illisible (format attendu : {human_date_format(spec.format)})"
    return f"valeur « {shown} » invalide"


def _schema(dictionary: Dictionary) -> tuple[pa.DataFrameSchema, dict[str, ColumnSpec]]:
    columns: dict[str, pa.Column] = {}
    owner: dict[str, ColumnSpec] = {}
    for spec in dictionary.columns:
        for header in spec.headers():
            pred = _cell_check(spec)
            checks = [pa.Check(pred, element_wise=True, name="cellule")] if pred else []
            columns[header] = pa.Column(
                None, nullable=not (spec.required and spec.kind != "multi"), unique=spec.kind == "id",
                required=True, checks=checks,
            )
            owner[header] = spec
    return pa.DataFrameSchema(columns, strict=False, coerce=False), owner


def validate_and_type(raw: pd.DataFrame, dictionary: Dictionary, *, file: str, header_row: int,
                      lenient: bool = False, quote: Callable[[str], str] = str) -> ValidationResult:
    """Check ``raw`` against ``dictionary`` and return typed responses plus all problems.

    Args:
        raw: Export with headers as columns, text cells (``NA`` when empty) and
            the spreadsheet row number of each record as index.
        dictionary: The data dictionary.
        file: Export file name, for messages.
        header_row: Spreadsheet row of the (last) header row, for column-level problems.
        lenient: When ``True`` bad cells become NA, later rows with a duplicate
            id are left out and missing columns are filled with NA; otherwise the
            caller raises on any problem.
        quote: Applied to cell values shown in messages (the pseudonymiser's
            ``pseudonymize`` when one is used, so that names never reach a report).

    Returns:
        A :class:`ValidationResult`; ``responses`` is typed even when problems
        exist (bad cells are NA), so lenient callers can keep going.
    """
    schema, owner = _schema(dictionary)
    problems: list[Problem] = []
    bad: set[tuple[int, str]] = set()
    missing_cols: set[str] = set()
    dup_rows: list[int] = []
    try:
        schema.validate(raw, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
        for rec in fc.itertuples(index=False):
            check = str(rec.check)
            if check == "column_in_dataframe":
                header = str(rec.failure_case)
                spec = owner.get(header)
                missing_cols.add(header)
                where = f" (dictionnaire, ligne {spec.line})" if spec and spec.line else ""
                problems.append(Problem(file, f"colonne attendue absente du fichier{where}", row=header_row,
                                        column=header))
                continue
            header = str(rec.column)
            row = None if pd.isna(rec.index) else int(rec.index)
            spec = owner[header]
            if check == "not_nullable":
                problems.append(Problem(file, "réponse obligatoire manquante", row=row, column=header))
                bad.add((row, header))  # type: ignore[arg-type]
            elif check == "field_uniqueness":
                continue  # reported below with the row of the first occurrence
            else:
                message = _message(spec, str(rec.failure_case), quote)
                problems.append(Problem(file, message, row=row, column=header))
                bad.add((row, header))  # type: ignore[arg-type]
    id_spec = dictionary.id_spec
    if id_spec and id_spec.column in raw.columns:
        ids = raw[id_spec.column]
        first: dict[str, int] = {}
        for row, value in ids.items():
            if pd.isna(value):
                continue
            key = str(value).strip()
            if key in first:
                suffix = " — ligne écartée" if lenient else ""
                message = f"identifiant « {quote(key)} » en double (déjà ligne {first[key]}){suffix}"
                problems.append(Problem(file, message, row=int(row), column=id_spec.column))
                dup_rows.append(int(row))
            else:
                first[key] = int(row)
    problems += _required_multi(raw, dictionary, file)
    expected = [h for spec in dictionary.columns for h in spec.headers()]
    if len(expected) > 1 and missing_cols >= set(expected):
        hint = ("aucune colonne du dictionnaire n'a été trouvée : vérifiez « header_rows » "
                f"(lignes d'en-tête, ici {header_row}) et le séparateur")
        problems.insert(0, Problem(file, hint, row=header_row))
    order = {h: i for i, h in enumerate(list(raw.columns) + sorted(missing_cols))}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.column or "", -1)))  # stable: the hint stays first

    clean = raw.copy()
    for row, header in bad:
        clean.loc[row, header] = pd.NA
    for header in missing_cols:
        clean[header] = pd.Series(pd.NA, index=clean.index, dtype="str")
    if dup_rows:
        clean = clean.drop(index=dup_rows)
    return ValidationResult(_type(clean, dictionary), problems, dup_rows if lenient else [])


def _required_multi(raw: pd.DataFrame, dictionary: Dictionary, file: str) -> list[Problem]:
    """``required: true`` on a multi column means at least one option answered."""
    out = []
    for spec in dictionary.columns:
        if spec.kind != "multi" or not spec.required:
            continue
        headers = [h for h in spec.headers() if h in raw.columns]
        if not headers:
            continue
        empty = raw[headers].isna().all(axis=1)
        for row in raw.index[empty]:
            out.append(Problem(file, "réponse obligatoire manquante (aucune option renseignée)", row=int(row),
                               column=headers[0]))
    return out


def _type(clean: pd.DataFrame, dictionary: Dictionary) -> pd.DataFrame:
    """Build the tidy typed frame from validated (or cleaned) text cells."""
    out: dict[str, pd.Series] = {}
    index = clean.index
    for spec in dictionary.columns:
        if spec.kind == "multi":
            out.update(_type_multi(clean, spec))
            continue
        col = clean[spec.column]
        if spec.kind in ("likert", "closed") and (spec.scale or spec.categories):
            allowed = _allowed_keys(spec)
            labels = [allowed.get(normalize_label(str(v))) if not pd.isna(v) else None for v in col]
            cats = spec.scale if spec.kind == "likert" else spec.categories
            ordered = spec.kind == "likert" or spec.ordered
            out[spec.name] = pd.Series(pd.Categorical(labels, categories=cats, ordered=ordered), index=index)
            if spec.kind == "likert" and spec.missing:
                dont_know = [None if pd.isna(v) else int(label is None)
                             for v, label in zip(col, labels, strict=True)]
                out[spec.dont_know_name] = pd.Series(dont_know, index=index, dtype="Int8")
        elif spec.kind == "commune" and spec.categories:
            allowed = _allowed_keys(spec)
            out[spec.name] = pd.Series([allowed.get(normalize_label(str(v))) if not pd.isna(v) else pd.NA
                                        for v in col], index=index, dtype="str")
        elif spec.kind == "numeric":
            out[spec.name] = pd.Series([parse_number(str(v)) if not pd.isna(v) else None for v in col],  # NSP → NA
                                       index=index, dtype="float64")
        elif spec.kind == "date":
            parsed = [parse_date(str(v), spec.format) if not pd.isna(v) else None for v in col]
            out[spec.name] = pd.Series(pd.to_datetime(parsed), index=index).astype("datetime64[ns]")
        elif spec.kind == "commune":
            out[spec.name] = pd.Series([normalize_commune(str(v)) if not pd.isna(v) else pd.NA for v in col],
                                       index=index, dtype="str")
        elif spec.kind == "id":
            out[spec.name] = pd.Series([" ".join(str(v).split()) if not pd.isna(v) else pd.NA for v in col],
                                       index=index, dtype="str")
        else:
            out[spec.name] = col.astype("str")
    return pd.DataFrame(out, index=index)


def _type_multi(clean: pd.DataFrame, spec: ColumnSpec) -> dict[str, pd.Series]:
    options = spec.options or []
    index = clean.index
    data: dict[str, list[int | None]] = {spec.option_name(o): [] for o in options}
    if spec.layout == "cell":
        sep = spec.separator or ";"
        keys = {normalize_label(o): o for o in options}
        for v in clean[spec.column]:
            chosen = None if pd.isna(v) else {keys.get(normalize_label(i)) for i in str(v).split(sep) if i.strip()}
            for o in options:
                data[spec.option_name(o)].append(None if chosen is None else int(o in chosen))
    else:
        oc = spec.option_columns or {}
        block = clean[[oc[o] for o in options]]
        answered = block.map(lambda v: not pd.isna(v) and normalize_label(str(v)) not in _MISSING_KEYS).any(axis=1)
        for o in options:
            flags = [None if not a else int(not pd.isna(v) and normalize_label(str(v)) in _TRUE_KEYS)
                     for v, a in zip(block[oc[o]], answered, strict=True)]
            data[spec.option_name(o)] = flags
    return {k: pd.Series(v, index=index, dtype="Int8") for k, v in data.items()}

