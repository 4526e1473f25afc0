"""Questionnaire exports (CSV, XLSX) → tidy typed responses.

Exports come from Framaforms (Drupal webform, 3 header rows, tab or comma),
LimeSurvey ("full text" answers, ``Question [Option]`` columns with Oui/Non),
Google Forms and Kobo (multi-choice in one cell or one column per option) and
from paper questionnaires typed into a spreadsheet. :func:`read_raw_export`
reads any of them as text cells, detecting encoding, separator and header
rows (all reported); :func:`read_survey` validates them against a data
dictionary (or a drafted one) and types them; :func:`write_responses` and
:func:`read_responses` store them as ``responses.csv`` + ``dictionary.yaml``.

Row numbers in problems are the rows a user sees in a spreadsheet: header
rows count, and a multi-line quoted answer is one row. Raw files are opened
read-only and never modified.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import AreasError, InputError, Problem
from ..io import column_letter, read_records, write_excel_csv, write_machine_csv
from ..privacy.protocol import TextPseudonymizer  # the protocol lives with the pseudonymiser
from ..text import slugify
from .dictionary import Dictionary, load_dictionary, save_dictionary
from .draft import infer_dictionary, unique_headers
from .validate import validate_and_type

__all__ = [
    "RawExport",
    "SurveyData",
    "TextPseudonymizer",
    "read_raw_export",
    "read_survey",
    "write_responses",
    "read_responses",
    "open_answers",
]

_SEP_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}


@dataclass
class RawExport:
    """An export read as text cells, before any dictionary.

    Attributes:
        frame: One column per header (as in the file, made unique with `` (2)``),
            text cells with ``NA`` for empty ones, index = spreadsheet row number.
        file: Path of the export.
        encoding: Encoding used (``None`` for XLSX).
        encoding_detected: Whether the encoding was detected (vs declared).
        separator: CSV separator (``None`` for XLSX).
        header_rows: Number of header rows.
        newline: Line endings of a CSV (``"LF"``, ``"CRLF"``, ``"CR"``...), ``None`` for XLSX.
        problems: Structural problems (cells beyond the last header...).
    """

    frame: pd.DataFrame
    file: str
    encoding: str | None
    encoding_detected: bool
    separator: str | None
    header_rows: int
    newline: str | None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class SurveyData:
    """A questionnaire export read, validated and typed.

    Attributes:
        responses: One row per respondent, columns named by the dictionary
            (``multi`` → ``{name}__{option}`` 0/1 columns), open columns
            pseudonymised when a pseudonymiser was given.
        dictionary: The dictionary used (given, or drafted by :func:`infer_dictionary`).
        file: Path of the export.
        encoding: Encoding used (``None`` for XLSX).
        encoding_detected: Whether the encoding was detected (vs declared).
        separator: CSV separator (``None`` for XLSX).
        header_rows: Header rows of the export.
        newline: Line endings found in a CSV.
        problems: All problems (empty unless ``lenient``).
        rows: Spreadsheet row of each response.
        dictionary_inferred: The dictionary is a draft inferred from this export.
        lenient: Read in lenient mode (bad cells emptied, problems returned).
        pseudonymised: Open answers went through the pseudonymiser.
        ignored_columns: Headers of the export absent from the dictionary.
    """

    responses: pd.DataFrame
    dictionary: Dictionary
    file: str
    encoding: str | None
    encoding_detected: bool
    separator: str | None
    header_rows: int
    newline: str | None
    problems: list[Problem]
    rows: list[int]
    dictionary_inferred: bool
    lenient: bool
    pseudonymised: bool
    ignored_columns: list[str]

    @property
    def id_column(self) -> str:
        """Tidy name of the respondent id column."""
        spec = self.dictionary.id_spec
        return spec.name if spec else "respondent_id"

    def summary(self) -> str:
        """One French paragraph: counts, encoding, separator, header rows, problems."""
        parts = [f"{len(self.responses)} réponse(s), {len(self.responses.columns)} colonne(s)"]
        if self.encoding:
            how = "détecté" if self.encoding_detected else "déclaré"
            parts.append(f"encodage {self.encoding} ({how})")
        else:
            parts.append("classeur XLSX")
        if self.separator:
            parts.append(f"séparateur {_SEP_NAMES.get(self.separator, repr(self.separator))}")
        if self.newline and self.newline != "LF":
            parts.append(f"fins de ligne {self.newline}")
        parts.append(f"{self.header_rows} ligne(s) d'en-tête")
        parts.append("dictionnaire déduit (brouillon à relire)" if self.dictionary_inferred
                     else "dictionnaire fourni")
        parts.append(f"{len(self.problems)} problème(s)")
        if self.ignored_columns:
            parts.append(f"{len(self.ignored_columns)} colonne(s) hors dictionnaire ignorée(s)")
        return " ; ".join(parts)


# --------------------------------------------------------------------------- raw reading

def _detect_header_rows(records: list[list[str]]) -> int:
    """1 + leading sparse rows (< half filled, at most 2) above a filled row (Framaforms: title, groups)."""
    width = max((len(r) for r in records), default=0)
    if width < 2:
        return 1

    def fill(r: list[str]) -> float:
        return sum(1 for c in r if c.strip()) / width

    k = 0
    while k < 2 and k + 1 < len(records) and fill(records[k]) < 0.5:
        k += 1
    if k and fill(records[k]) < 0.5:
        return 1
    return k + 1


def read_raw_export(path: str | Path, *, encoding: str | None = None, separator: str | None = None,
                    header_rows: int | None = None) -> RawExport:
    """Read a CSV/TSV/XLSX export as text cells, detecting its layout.

    Handles UTF-8, UTF-8 with BOM, UTF-16 and cp1252/latin-1 (see
    ``_encoding``), separators ``,`` ``;`` tab ``|`` (sniffed), multi-line
    quoted answers, CR-only line endings, several header rows (detected when
    ``header_rows`` is ``None``: leading rows less than half filled, as in
    Framaforms exports) and XLSX (first sheet, via openpyxl).

    With several header rows, a column's header is the cell of the last header
    row, prefixed by the cell just above when there is one:
    ``"Question [Option]"`` — the LimeSurvey convention.

    Args:
        path: The export (opened read-only).
        encoding: Declared encoding, else detected.
        separator: Declared separator, else sniffed.
        header_rows: Number of header rows, else detected.

    Raises:
        InputError: missing, empty, unsupported (``.xls``, ``.ods``) or
            malformed file, or an encoding that does not fit (French message).
    """
    path = Path(path)
    file = str(path)
    problems: list[Problem] = []
    table = read_records(path, encoding=encoding, separator=separator)
    records = table.records
    enc, detected, sep, newline = table.encoding, table.encoding_detected, table.separator, table.newline
    if not records or not any(any(c.strip() for c in r) for r in records):
        raise InputError([Problem(file, "fichier vide")])
    if header_rows is None:
        header_rows = _detect_header_rows(records)
    if len(records) < header_rows:
        raise InputError([Problem(file, f"le fichier a moins de lignes ({len(records)}) que de lignes d'en-tête "
                                        f"({header_rows})")])
    heads = records[:header_rows]
    width = max(len(r) for r in heads)
    headers = []
    for j in range(width):
        last = heads[-1][j].strip() if j < len(heads[-1]) else ""
        upper = heads[-2][j].strip() if header_rows >= 2 and j < len(heads[-2]) else ""
        if last and upper:
            headers.append(f"{upper} [{last}]")
        else:
            headers.append(" ".join((last or upper).split()) or f"(colonne {column_letter(j)})")
    headers = unique_headers(headers)
    rows: list[list[str | None]] = []
    index: list[int] = []
    for i, rec in enumerate(records[header_rows:], start=header_rows + 1):
        if not any(c.strip() for c in rec):
            continue
        extra = [c for c in rec[width:] if c.strip()]
        if extra:
            problems.append(Problem(file, f"{len(extra)} cellule(s) au-delà de la dernière colonne d'en-tête "
                                          f"(séparateur ou guillemets à vérifier) : « {extra[0][:40]} »",
                                    row=i, column=column_letter(width)))
        cells = [(c.strip() or None) for c in rec[:width]] + [None] * max(0, width - len(rec))
        rows.append(cells)
        index.append(i)
    frame = pd.DataFrame(rows, columns=headers, index=pd.Index(index, name="ligne"), dtype="str")
    unnamed_empty = [h for h in headers if h.startswith("(colonne ") and frame[h].isna().all()]
    frame = frame.drop(columns=unnamed_empty)  # trailing separators: columns without header nor data
    return RawExport(frame, file, enc, detected, sep, header_rows, newline, problems)


# --------------------------------------------------------------------------- survey

def _align_headers(frame: pd.DataFrame, dictionary: Dictionary) -> pd.DataFrame:
    """Rename export headers that differ from the dictionary's only by case, accents or spaces.

    A hand-written dictionary has ordinary spaces where LimeSurvey writes
    non-breaking ones, or a different apostrophe; such columns are matched
    when exactly one header of the export has the same ``normalize_label`` key.
    """
    from .dictionary import normalize_label

    present = set(frame.columns)
    keys: dict[str, list[str]] = {}
    for h in frame.columns:
        keys.setdefault(normalize_label(h), []).append(h)
    rename = {}
    for spec in dictionary.columns:
        for header in spec.headers():
            if header in present:
                continue
            candidates = keys.get(normalize_label(header), [])
            if len(candidates) == 1 and candidates[0] not in rename:
                rename[candidates[0]] = header
    return frame.rename(columns=rename) if rename else frame


def read_survey(path: str | Path, dictionary: Dictionary | str | Path | None = None, *, lenient: bool = False,
                pseudonymizer: TextPseudonymizer | None = None, encoding: str | None = None,
                separator: str | None = None) -> SurveyData:
    """Read, validate and type a questionnaire export.

    Without a dictionary a draft is inferred (:func:`infer_dictionary`) and
    reported as such. Validation lists every problem at once (see
    :func:`~areas_analysis.ingest.validate.validate_and_type`).

    Args:
        path: CSV/TSV/XLSX export (opened read-only).
        dictionary: A :class:`Dictionary`, a YAML path, or ``None`` to infer one.
        lenient: Keep going on problems: bad cells become NA, later duplicate
            ids are left out, and the problems are returned in ``problems``.
        pseudonymizer: Applied to ``open`` columns and to cell values quoted in
            problem messages; the CLI always passes one.
        encoding: Declared encoding (overrides the dictionary's), else detected.
        separator: Declared separator (overrides the dictionary's), else sniffed.

    Raises:
        InputError: any problem when not ``lenient`` (one French message listing
            all of them with file, row and column), or an unreadable file.
    """
    path = Path(path)
    if dictionary is not None and not isinstance(dictionary, Dictionary):
        dictionary = load_dictionary(dictionary)
    raw = read_raw_export(
        path,
        encoding=encoding or (dictionary.encoding if dictionary else None),
        separator=separator or (dictionary.separator if dictionary else None),
        header_rows=dictionary.header_rows if dictionary else None,
    )
    inferred = dictionary is None
    if dictionary is not None:
        raw.frame = _align_headers(raw.frame, dictionary)
    if dictionary is None:
        dictionary = infer_dictionary(raw.frame, header_rows=raw.header_rows,
                                      questionnaire=slugify(path.stem, max_words=3))
    quote = pseudonymizer.pseudonymize if pseudonymizer is not None else str
    result = validate_and_type(raw.frame, dictionary, file=str(path), header_row=raw.header_rows,
                               lenient=lenient, quote=quote)
    problems = raw.problems + result.problems
    if problems and not lenient:
        n = len(problems)
        raise InputError(problems, header=(
            f"{n} problème(s) dans {path.name} (corrigez le fichier ou le dictionnaire, ou lisez-le en mode "
            "tolérant : --lenient vide les cellules fautives et écrit problemes.csv)"))
    responses = result.responses
    rows = [int(r) for r in responses.index]
    responses = responses.reset_index(drop=True)
    if dictionary.id_spec is None:
        responses.insert(0, "respondent_id", pd.Series([f"L{r}" for r in rows], dtype="str"))
    open_cols = [c.name for c in dictionary.columns if c.kind == "open"]
    if pseudonymizer is not None and open_cols:
        responses = pseudonymizer.pseudonymize_frame(responses, text_columns=open_cols)
    used = {h for c in dictionary.columns for h in c.headers()}
    return SurveyData(
        responses=responses, dictionary=dictionary, file=str(path), encoding=raw.encoding,
        encoding_detected=raw.encoding_detected, separator=raw.separator, header_rows=raw.header_rows,
        newline=raw.newline, problems=problems, rows=rows, dictionary_inferred=inferred, lenient=lenient,
        pseudonymised=pseudonymizer is not None,
        ignored_columns=[h for h in raw.frame.columns if h not in used],
    )


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text (date only when all times are midnight), categoricals as labels."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            has_time = bool(((s.dt.hour != 0) | (s.dt.minute != 0) | (s.dt.second != 0)).fillna(False).any())
            fmt = "%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d"
            out[col] = s.dt.strftime(fmt)
        elif isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype("str")
    return out


def _same_dictionary(dictionary: Dictionary, path: str) -> bool:
    """Whether ``dictionary`` still says what its source file says (not edited in memory)."""
    try:
        on_disk = load_dictionary(path)
    except InputError:
        return False
    return ([c.to_yaml() for c in on_disk.columns] == [c.to_yaml() for c in dictionary.columns]
            and on_disk.header_rows == dictionary.header_rows)


def write_responses(survey: SurveyData, out_dir: str | Path, *, overwrite: bool = False) -> dict[str, Path]:
    """Write ``responses.csv``, ``dictionary.yaml`` and, when lenient, ``problemes.csv``.

    ``dictionary.yaml`` is a byte copy of the dictionary file given (comments
    kept), or the inferred draft. ``responses.csv`` is UTF-8, comma-separated,
    one row per respondent, dates ISO, Likert as French labels, multi options 0/1.
    ``problemes.csv`` is for people: Excel's French dialect (BOM, ``;``).

    Args:
        survey: Result of :func:`read_survey`.
        out_dir: Directory to write into (created).
        overwrite: Replace existing files; otherwise an existing ``responses.csv`` is an error.

    Returns:
        The written paths by role (``"responses"``, ``"dictionary"``, ``"problems"``).
    """
    out_dir = Path(out_dir)
    target = out_dir / "responses.csv"
    if target.exists() and not overwrite:
        raise AreasError(f"{target} existe déjà : choisissez un autre dossier de sortie ou demandez l'écrasement.")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    write_machine_csv(_csv_ready(survey.responses), target)
    paths["responses"] = target
    dict_path = out_dir / "dictionary.yaml"
    src = survey.dictionary.source
    if not survey.dictionary_inferred and src and Path(src).is_file() and _same_dictionary(survey.dictionary, src):
        if Path(src).resolve() != dict_path.resolve():
            shutil.copyfile(src, dict_path)  # byte copy: the researcher's comments are kept
    else:
        save_dictionary(survey.dictionary, dict_path)
    paths["dictionary"] = dict_path
    if survey.lenient:
        prob_path = out_dir / "problemes.csv"
        table = pd.DataFrame([p.as_dict() for p in survey.problems],
                             columns=["fichier", "ligne", "colonne", "probleme"]).astype({"ligne": "Int64"})
        write_excel_csv(table, prob_path)  # read by people: Excel's French dialect
        paths["problems"] = prob_path
    return paths


def read_responses(out_dir: str | Path) -> pd.DataFrame:
    """Read ``responses.csv`` back with the dtypes of its ``dictionary.yaml``.

    Likert columns become ordered categoricals of their scale, closed columns
    categoricals, multi options nullable ``Int8``, numerics float, dates
    datetime, the rest strings.

    Raises:
        InputError: a file is missing or a dictionary column is absent.
    """
    out_dir = Path(out_dir)
    path = out_dir / "responses.csv"
    if not path.is_file():
        raise InputError([Problem(str(path), "fichier introuvable (lancez d'abord « areas ingest survey »)")])
    dictionary = load_dictionary(out_dir / "dictionary.yaml")
    with path.open("rb") as fh:
        df = pd.read_csv(fh, dtype="str", keep_default_na=False, na_values=[""], encoding="utf-8")
    problems = []
    out = df.copy()
    for spec in dictionary.columns:
        for name in spec.output_names():
            if name not in df.columns:
                problems.append(Problem(str(path), "colonne absente (dictionnaire et réponses désaccordés)",
                                        row=1, column=name))
                continue
            s = df[name]
            if spec.kind == "multi" or (spec.kind == "likert" and name == spec.dont_know_name):
                out[name] = pd.to_numeric(s).astype("Int8")
            elif spec.kind == "likert":
                out[name] = pd.Categorical(s, categories=spec.scale, ordered=True)
            elif spec.kind == "closed" and spec.categories:
                out[name] = pd.Categorical(s, categories=spec.categories, ordered=spec.ordered)
            elif spec.kind == "numeric":
                out[name] = pd.to_numeric(s).astype("float64")
            elif spec.kind == "date":
                out[name] = pd.to_datetime(s, format="ISO8601").astype("datetime64[ns]")
    if problems:
        raise InputError(problems)
    return out


def open_answers(survey: SurveyData) -> pd.DataFrame:
    """Open answers in long form, for the themes stage.

    Returns:
        Columns ``id`` (``f"{respondent_id}:{question}"``), ``respondent_id``,
        ``question`` (tidy column name) and ``text``; one row per non-empty
        open answer, in respondent then question order.
    """
    id_col = survey.id_column
    open_cols = [c.name for c in survey.dictionary.columns if c.kind == "open"]
    records = []
    for _, row in survey.responses.iterrows():
        rid = row[id_col]
        if pd.isna(rid):
            continue
        for q in open_cols:
            text = row[q]
            if pd.isna(text) or not str(text).strip():
                continue
            records.append({"id": f"{rid}:{q}", "respondent_id": str(rid), "question": q,
                            "text": str(text).strip()})
    return pd.DataFrame(records, columns=["id", "respondent_id", "question", "text"]).astype("str")
