"""User files: one reader for every CSV/XLSX a person gives us, one writer per CSV dialect.

Every table a user hands over (survey exports, coding files, review
decisions, gold files, text tables, manifests) is read here, so a file saved
by Excel as « CSV UTF-8 », « CSV (séparateur : point-virgule) » (cp1252) or
« Texte Unicode » (UTF-16, tab-separated) is read the same way everywhere.

Decoding (:func:`decode_bytes`), detection order, each step reported:

1. a byte-order mark decides (``utf-8-sig``, ``utf-16``);
2. strict UTF-8 decoding succeeds → ``utf-8`` (UTF-8 is self-validating:
   cp1252 French text almost never decodes as UTF-8);
3. otherwise charset-normalizer proposes an encoding, and a sanity rule for
   French keeps the single-byte candidate (``cp1252``, ``latin-1``,
   ``mac_roman``, ``cp850``) whose decoded text has the fewest implausible
   characters (C1 controls, ``Ž``, box drawing...) — charset-normalizer alone
   sometimes answers ``cp1250`` or ``cp1125`` on short French files.

A declared encoding is honoured, and if it cannot decode the file the error
names the line of the first bad byte. Text decoded with a declared single-byte
encoding that looks like UTF-8 read as cp1252 (``Ã©``) is refused too.

Separators ``,`` ``;`` tab ``|`` are sniffed (:func:`sniff_separator`: the
one giving the most consistent number of fields); XLSX is read with openpyxl
(first sheet, dates as ISO text). Files are opened read-only and never written.

Writers: :func:`write_excel_csv` for tables people open in Excel
(:data:`EXCEL_CSV`: UTF-8 with BOM, ``;``, decimal comma) and
:func:`write_machine_csv` for files the package reads back (UTF-8, ``,``,
``.`` decimals, LF).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
from charset_normalizer import from_bytes

from .errors import AreasError, InputError, Problem

__all__ = [
    "EXCEL_CSV",
    "MACHINE_CSV",
    "SEPARATORS",
    "DecodedText",
    "TableRecords",
    "column_letter",
    "decode_bytes",
    "parse_csv",
    "read_records",
    "read_table",
    "read_text",
    "sniff_separator",
    "write_excel_csv",
    "write_machine_csv",
]

_SINGLE_BYTE_CANDIDATES = ("cp1252", "latin_1", "mac_roman", "cp850")
_FRENCH_OK = set("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»’‘“”–—…°€ ")
_IMPLAUSIBLE = re.compile(r"[\x80-\x9f\x00-\x08\x0b\x0e-\x1fŽžŠšƒ¤¦¨¸¹²³¼½¾×÷þÞðÐ‚„†‡ˆ‰‹\u2500-\u257f]")
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf©¨ª«®´¹»¼§¢ ]|Å“|â€[™œ\x9d¦“”˜]|Â[«»°  ]")

_NAMES = {"utf_8": "utf-8", "utf_8_sig": "utf-8-sig", "latin_1": "latin-1", "mac_roman": "mac-roman",
          "utf_16": "utf-16", "iso8859_15": "iso-8859-15"}


@dataclass(frozen=True)
class DecodedText:
    r"""Text of a file and how it was decoded.

    Attributes:
        text: The decoded text with line endings normalised to ``"\\n"``.
        encoding: Python codec name used (``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``...).
        detected: ``True`` when the encoding was detected, ``False`` when declared.
        newline: Line endings found: ``"LF"``, ``"CRLF"``, ``"CR"``, ``"mixte"`` or ``"aucune"``.
    """

    text: str
    encoding: str
    detected: bool
    newline: str


def _newline_style(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, n in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if n]
    if not kinds:
        return "aucune"
    return kinds[0] if len(kinds) == 1 else "mixte"


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_of_offset(data: bytes, offset: int) -> int:
    head = data[:offset]
    return head.count(b"\n") + (head.count(b"\r") - head.count(b"\r\n")) + 1


def _plausibility(text: str) -> tuple[int, int]:
    """Lower is better: (implausible characters, minus French accented letters)."""
    return (len(_IMPLAUSIBLE.findall(text)), -sum(1 for c in text if c in _FRENCH_OK))


def _canonical(name: str) -> str:
    key = codecs.lookup(name).name.replace("-", "_")
    return _NAMES.get(key, key.replace("_", "-"))


def decode_bytes(data: bytes, *, file: str, encoding: str | None = None) -> DecodedText:
    """Decode bytes from a text export, detecting the encoding when not declared.

    Args:
        data: Raw bytes of the file.
        file: File name used in error messages.
        encoding: Declared encoding (``"utf-8"``, ``"cp1252"``...) or ``None`` to detect.

    Raises:
        InputError: the declared encoding cannot decode the file (line of the
            first bad byte and a probable encoding are given), or the decoded
            text shows UTF-8 read with a single-byte encoding, or nothing decodes.
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputError([Problem(file, f"encodage « {encoding} » inconnu (exemples : utf-8, cp1252, "
                                            "latin-1)")]) from None
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line = _line_of_offset(data, exc.start)
            guess = decode_bytes(data, file=file).encoding
            raise InputError([Problem(
                file,
                f"le fichier n'est pas encodé en {_canonical(encoding)} comme indiqué "
                f"(octet 0x{data[exc.start]:02x} illisible) ; encodage probable : {guess}. "
                "Corrigez l'encodage déclaré ou laissez-le détecter.",
                row=line,
            )]) from None
        mojibake = _MOJIBAKE.search(text)
        if mojibake and codec not in ("utf-8", "utf-8-sig"):
            line = text.count("\n", 0, mojibake.start()) + 1
            raise InputError([Problem(
                file,
                f"texte mal décodé (« {mojibake.group(0)} ») : le fichier semble encodé en utf-8 et non en "
                f"{_canonical(encoding)} comme indiqué.",
                row=line,
            )])
        return DecodedText(_normalise_newlines(text), _canonical(codec), False, _newline_style(text))

    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data.decode("utf-8-sig")
            return DecodedText(_normalise_newlines(text), "utf-8-sig", True, _newline_style(text))
        except UnicodeDecodeError:
            pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
            return DecodedText(_normalise_newlines(text), "utf-16", True, _newline_style(text))
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
        return DecodedText(_normalise_newlines(text), "utf-8", True, _newline_style(text))
    except UnicodeDecodeError:
        pass

    candidates: list[str] = []
    best = from_bytes(data).best()
    if best is not None:
        candidates.append(best.encoding)
    candidates += [c for c in _SINGLE_BYTE_CANDIDATES if c not in candidates]
    scored: list[tuple[tuple[int, int], int, str, str]] = []
    for rank, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        penalty = 0 if name in _SINGLE_BYTE_CANDIDATES else 1  # sanity: prefer Western single-byte codecs
        implausible, french = _plausibility(text)
        scored.append(((implausible + penalty, french), rank, name, text))
    if not scored:
        raise InputError([Problem(file, "encodage illisible : ni utf-8, ni cp1252, ni latin-1. "
                                        "Réenregistrez le fichier en « CSV UTF-8 ».")])
    scored.sort(key=lambda s: (s[0], s[1]))
    _, _, name, text = scored[0]
    return DecodedText(_normalise_newlines(text), _canonical(name), True, _newline_style(text))


def read_text(path: str | Path, encoding: str | None = None) -> DecodedText:
    """Read a text file read-only and decode it (see :func:`decode_bytes`).

    Args:
        path: File to read; it is opened in ``"rb"`` mode and never modified.
        encoding: Declared encoding or ``None`` to detect.
    """
    path = Path(path)
    with path.open("rb") as fh:
        data = fh.read()
    return decode_bytes(data, file=str(path), encoding=encoding)


# --------------------------------------------------------------------------- CSV / XLSX records

#: Separators a user CSV may use, in order of preference on ties.
SEPARATORS: tuple[str, ...] = (",", ";", "\t", "|")
#: Records sampled to sniff the separator (enough for any header plus a few answers).
_SNIFF_RECORDS = 60
_SNIFF_CHARS = 200_000


def parse_csv(text: str, sep: str, file: str, limit: int | None = None) -> list[list[str]]:
    """Records of decoded CSV text (quoted multi-line cells are one record).

    Raises:
        InputError: badly quoted CSV, with the record where it broke.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', doublequote=True, strict=True)
    records: list[list[str]] = []
    try:
        for rec in reader:
            records.append(rec)
            if limit is not None and len(records) >= limit:
                break
    except csv.Error as exc:
        raise InputError([Problem(file, f"CSV mal formé ({exc}) ; vérifiez les guillemets",
                                  row=len(records) + 1)]) from None
    return records


def sniff_separator(text: str, file: str = "<texte>") -> str:
    """Separator whose records have the most consistent number (≥ 2) of fields (``,`` when none has)."""
    best: tuple[float, int, int] | None = None
    choice = ","
    sample = text[:_SNIFF_CHARS]
    for rank, sep in enumerate(SEPARATORS):
        try:
            recs = [r for r in parse_csv(sample, sep, file, limit=_SNIFF_RECORDS) if any(c.strip() for c in r)]
        except InputError:
            continue
        if len(recs) > 1 and len(text) > len(sample):
            recs = recs[:-1]  # the last sampled record may be cut
        if not recs:
            continue
        counts = Counter(len(r) for r in recs)
        mode, n = counts.most_common(1)[0]
        if mode < 2:
            continue
        score = (n / len(recs), mode, -rank)
        if best is None or score > best:
            best, choice = score, sep
    return choice


def column_letter(i: int) -> str:
    """Spreadsheet letter of the 0-based column ``i`` (0 → ``A``, 26 → ``AA``)."""
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _cell_text(value: object) -> str:
    """Text of an XLSX cell: ISO dates, integers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    with path.open("rb") as fh:
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types on corrupt files
            raise InputError([Problem(str(path), f"classeur XLSX illisible ({type(exc).__name__})")]) from None
        try:
            ws = wb.worksheets[0]
            records = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    return records


@dataclass
class TableRecords:
    """Raw records of a user table and how they were read.

    Attributes:
        records: Rows of cells as text (header rows included).
        file: Path of the file.
        encoding: Encoding used (``None`` for XLSX).
        encoding_detected: Whether the encoding was detected (vs declared).
        separator: CSV separator (``None`` for XLSX).
        newline: Line endings of a CSV (``"LF"``, ``"CRLF"``...), ``None`` for XLSX.
    """

    records: list[list[str]]
    file: str
    encoding: str | None
    encoding_detected: bool
    separator: str | None
    newline: str | None


def _locate_encoding_problem(problem: Problem, data: bytes, file: str, encoding: str,
                             separator: str | None) -> Problem:
    """Add the spreadsheet row and header of the first cell the declared encoding cannot read."""
    try:
        decoded = decode_bytes(data, file=file)
        sep = separator or sniff_separator(decoded.text, file)
        records = parse_csv(decoded.text, sep, file)
    except InputError:
        return problem
    raw = decoded.encoding
    for i, rec in enumerate(records, start=1):
        for j, cell in enumerate(rec):
            try:
                if cell.encode(raw).decode(encoding) != cell:
                    raise UnicodeError
            except (UnicodeError, LookupError):
                header = records[0][j].strip() if j < len(records[0]) and i > 1 else None
                column = header or column_letter(j)
                return Problem(file, f"{problem.message} (cellule « {cell[:40]} »)", row=i, column=column)
    return problem


def read_records(path: str | Path, *, encoding: str | None = None, separator: str | None = None) -> TableRecords:
    """Read a CSV/TSV/XLSX file as rows of text cells, detecting encoding and separator.

    Args:
        path: The file (opened read-only).
        encoding: Declared encoding, else detected (CSV only).
        separator: Declared separator, else sniffed (CSV only).

    Raises:
        InputError: missing, unsupported (``.xls``, ``.ods``) or malformed
            file, or a declared encoding that does not fit (French message).
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError([Problem(file, "fichier introuvable")])
    with path.open("rb") as fh:
        data = fh.read()
    suffix = path.suffix.lower()
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError([Problem(file, "format Excel 97 (.xls) non pris en charge : enregistrez le fichier en "
                                        ".xlsx ou en CSV UTF-8")])
    if suffix == ".ods":
        raise InputError([Problem(file, "format OpenDocument (.ods) non pris en charge : enregistrez le fichier "
                                        "en .xlsx ou en CSV UTF-8")])
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        return TableRecords(_read_xlsx(path), file, None, False, None, None)
    try:
        decoded = decode_bytes(data, file=file, encoding=encoding)
    except InputError as exc:
        if encoding is None:
            raise
        raise InputError([_locate_encoding_problem(exc.problems[0], data, file, encoding, separator)]) from None
    if separator is not None and separator not in SEPARATORS:
        raise InputError([Problem(file, f"séparateur « {separator} » non pris en charge "
                                        "(possibles : , ; tabulation |)")])
    sep = separator or sniff_separator(decoded.text, file)
    records = parse_csv(decoded.text, sep, file)
    return TableRecords(records, file, decoded.encoding, decoded.detected, sep, decoded.newline)


def read_table(path: str | Path, *, required: Sequence[str] = (), what: str = "fichier",
               encoding: str | None = None, separator: str | None = None) -> pd.DataFrame:
    """Read a one-header-row table written by a person (CSV or XLSX) as a DataFrame of strings.

    Encoding, separator and format are detected (:func:`read_records`);
    headers and cells are stripped; every cell is text (empty cells ``""``)
    so ids keep their leading zeros; wholly empty rows are skipped.

    Args:
        path: The file.
        required: Columns that must be present.
        what: What the file is, in French, for error messages (``"fichier de codage"``).
        encoding: Declared encoding, else detected.
        separator: Declared separator, else sniffed.

    Returns:
        A new DataFrame with ``str`` columns.

    Raises:
        InputError: missing, empty or unreadable file, cells beyond the last
            header, missing columns — all at once (French, with rows and columns).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), f"{what} introuvable")])
    table = read_records(path, encoding=encoding, separator=separator)
    records = [r for r in table.records if any(c.strip() for c in r)]
    if not records:
        raise InputError([Problem(str(path), f"{what} vide")])
    header = [c.strip().lstrip("\ufeff").strip() for c in records[0]]
    while header and not header[-1]:
        header.pop()  # trailing separators
    width = len(header)
    problems: list[Problem] = []
    rows: list[list[str]] = []
    first = next(i for i, r in enumerate(table.records) if r is records[0])
    for line, rec in enumerate(table.records[first + 1:], start=first + 2):  # spreadsheet row numbers
        if not any(c.strip() for c in rec):
            continue
        extra = [c for c in rec[width:] if c.strip()]
        if extra:
            problems.append(Problem(str(path), f"{len(extra)} cellule(s) au-delà de la dernière colonne d'en-tête "
                                               f"(séparateur ou guillemets à vérifier) : « {extra[0][:40]} »",
                                    row=line, column=column_letter(width)))
        rows.append([c.strip() for c in rec[:width]] + [""] * max(0, width - len(rec)))
    missing = [c for c in required if c not in header]
    if missing:
        present = ", ".join(f"« {c} »" for c in header)
        problems += [Problem(str(path), f"colonne absente (colonnes présentes : {present})", column=c)
                     for c in missing]
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(columns=header, dtype=str)


# --------------------------------------------------------------------------- writers

#: Dialect French Excel opens correctly by double-click: BOM, ``;``, decimal comma.
EXCEL_CSV: dict[str, Any] = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig", "lineterminator": "\n"}
#: Dialect of files the package writes for itself and reads back (byte-stable across platforms).
MACHINE_CSV: dict[str, Any] = {"sep": ",", "decimal": ".", "encoding": "utf-8", "lineterminator": "\n"}


def _prepare(path: str | Path, overwrite: bool) -> Path:
    path = Path(path)
    if path.exists() and not overwrite:
        raise AreasError(f"{path} existe déjà : choisissez un autre fichier de sortie ou demandez l'écrasement.")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_excel_csv(df: pd.DataFrame, path: str | Path, *, float_format: str | None = None,
                    overwrite: bool = True, lineterminator: str | None = None) -> Path:
    r"""Write a table for people (:data:`EXCEL_CSV`: UTF-8 with BOM, ``;``, decimal comma).

    Args:
        df: The table (index not written).
        path: Destination (parent directories created).
        float_format: e.g. ``"%.3f"``; ``None`` writes floats in full.
        overwrite: ``False`` refuses an existing file (French :class:`AreasError`).
        lineterminator: Override the dialect's ``"\n"`` (the review queue keeps Windows ``"\r\n"``).

    Returns:
        The written path.
    """
    path = _prepare(path, overwrite)
    opts = dict(EXCEL_CSV)
    if lineterminator is not None:
        opts["lineterminator"] = lineterminator
    df.to_csv(path, index=False, float_format=float_format, **opts)
    return path


def write_machine_csv(df: pd.DataFrame, path: str | Path, *, float_format: str | None = None,
                      overwrite: bool = True) -> Path:
    """Write a file the package reads back (:data:`MACHINE_CSV`: UTF-8, ``,``, ``.`` decimals, LF).

    Args:
        df: The table (index not written).
        path: Destination (parent directories created).
        float_format: e.g. ``"%.4f"`` for byte-stable scores.
        overwrite: ``False`` refuses an existing file (French :class:`AreasError`).

    Returns:
        The written path.
    """
    path = _prepare(path, overwrite)
    df.to_csv(path, index=False, float_format=float_format, **MACHINE_CSV)
    return path
