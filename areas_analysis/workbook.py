"""One Excel workbook per cycle, ``tableaux.xlsx``: every result table, made for people.

One sheet per table (``tables/*.csv``) with its French title, note and source above a
frozen header row of French labels (:mod:`areas_analysis.labels`), column widths from
the content and number formats (shares as percentages, p-values with three decimals),
and a « Sommaire » sheet linking to each sheet. Values stay full precision in the
cells (only their display is rounded); the CSVs stay the reproducible record.

Titles and notes come from the JSON files :meth:`areas_analysis.report.Reporter.table`
writes next to each CSV (``legendes/<table>.json``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

#: Folder of the cycle with one JSON per table: caption, note, section (written by ``Reporter.table``).
TABLE_INFO_DIR = "legendes"
#: Workbook file name in the cycle folder.
WORKBOOK_NAME = "tableaux.xlsx"
#: Excel limits a sheet name to 31 characters.
MAX_SHEET_NAME = 31
#: Column widths (characters): at least / at most.
MIN_WIDTH, MAX_WIDTH = 8, 60
#: First row of the table in each sheet (title, note, source and a blank row above).
HEADER_ROW = 4

_CONTENTS = "Sommaire"


def sheet_name(stem: str) -> str:
    """Sheet name of the table ``tables/<stem>.csv``: the stem, or a shortened stem with a short hash.

    Deterministic and independent of the other tables, so a notebook can name the sheet
    before the workbook exists.
    """
    bad = set("[]:*?/\\")
    clean = "".join("_" if ch in bad else ch for ch in stem)
    if len(clean) <= MAX_SHEET_NAME:
        return clean
    digest = hashlib.sha1(stem.encode()).hexdigest()[:4]
    return f"{clean[:MAX_SHEET_NAME - 5]}~{digest}"


def _width(values: pd.Series, header: str) -> int:
    lengths = [len(header)] + [len(str(v)) for v in values.head(200) if not _missing(v)]
    return int(min(MAX_WIDTH, max(MIN_WIDTH, max(lengths) + 2)))


def _missing(v: object) -> bool:
    try:
        return v is None or bool(pd.isna(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def write_workbook(cycle_dir: str | Path, *, order: Sequence[str] = (), titles: dict[str, str] | None = None,
                   out_path: str | Path | None = None) -> Path:
    """Write ``tableaux.xlsx`` for the tables of a cycle folder.

    Args:
        cycle_dir: The cycle folder (``tables/`` and ``legendes/`` inside).
        order: Table stems in report order; other tables follow alphabetically.
        titles: Reporter section → French section title (shown in the contents sheet).
        out_path: Defaults to ``<cycle_dir>/tableaux.xlsx``.

    Returns:
        The workbook path.
    """
    import xlsxwriter

    from .labels import column_label
    from .report import read_table
    from .tables import P_COLUMNS, PERCENT_COLUMNS, POINT_COLUMNS, SHARE_COLUMNS

    cycle_dir = Path(cycle_dir)
    out_path = Path(out_path) if out_path else cycle_dir / WORKBOOK_NAME
    csvs = {p.stem: p for p in sorted((cycle_dir / "tables").glob("*.csv"))}
    stems = [s for s in order if s in csvs] + [s for s in csvs if s not in set(order)]
    titles = titles or {}
    wb = xlsxwriter.Workbook(str(out_path), {"nan_inf_to_errors": True})
    f_title = wb.add_format({"bold": True, "font_size": 13})
    f_wrap = wb.add_format({"text_wrap": True, "valign": "top", "italic": True})
    f_source = wb.add_format({"font_color": "#555555"})
    f_head = wb.add_format({"bold": True, "bg_color": "#EDEDED", "text_wrap": True, "valign": "top", "bottom": 1})
    f_text = wb.add_format({"text_wrap": True, "valign": "top"})
    formats = {"share": wb.add_format({"num_format": "0 %", "valign": "top"}),
               "percent": wb.add_format({"num_format": '0" %"', "valign": "top"}),
               "points": wb.add_format({"num_format": '+0.0" pts";-0.0" pts"', "valign": "top"}),
               "p": wb.add_format({"num_format": "0.000", "valign": "top"}),
               "int": wb.add_format({"num_format": "#,##0", "valign": "top"}),
               "num": wb.add_format({"num_format": "0.00", "valign": "top"})}
    f_link = wb.add_format({"font_color": "blue", "underline": 1})
    contents = wb.add_worksheet(_CONTENTS)
    contents.write(0, 0, "Tableaux du cycle", f_title)
    contents.write(1, 0, "Un onglet par tableau, avec son titre, sa note et sa source. Les valeurs sont complètes "
                         "(seul leur affichage est arrondi) ; les fichiers CSV du dossier tables/ restent la "
                         "référence reproductible.", f_source)
    for j, h in enumerate(["N°", "Tableau", "Section", "Lignes", "Onglet", "Fichier CSV"]):
        contents.write(3, j, h, f_head)
    contents.freeze_panes(4, 0)
    for col, width in enumerate([5, 70, 40, 8, 32, 45]):
        contents.set_column(col, col, width)
    for i, stem in enumerate(stems, 1):
        df = read_table(csvs[stem])
        info_path = cycle_dir / TABLE_INFO_DIR / f"{stem}.json"
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
        caption = info.get("caption") or stem
        name = sheet_name(stem)
        ws = wb.add_worksheet(name)
        ws.write(0, 0, caption, f_title)
        ncol = max(len(df.columns), 1)
        note = info.get("note") or ""
        if ncol > 1:
            ws.merge_range(1, 0, 1, min(ncol - 1, 9), note, f_wrap)
        else:
            ws.write(1, 0, note, f_wrap)
        if note:
            ws.set_row(1, 15 * min(8, 1 + len(note) // 110))
        section = titles.get(info.get("section", ""), info.get("section", ""))
        ws.write(2, 0, f"Source : tables/{csvs[stem].name}" + (f" — section « {section} »" if section else ""),
                 f_source)
        labels = info.get("labels") or {}
        shares = set(info.get("shares") or [])  # Likert levels: shares of answers
        for j, col in enumerate(df.columns):
            c = str(col)
            header = column_label(c, labels)
            ws.write(HEADER_ROW, j, header, f_head)
            s = df[col]
            numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
            if c in SHARE_COLUMNS or (numeric and c in shares):
                fmt = formats["share"]
            elif c in PERCENT_COLUMNS:
                fmt = formats["percent"]
            elif c in POINT_COLUMNS:
                fmt = formats["points"]
            elif c in P_COLUMNS:
                fmt = formats["p"]
            elif numeric and s.dropna().apply(lambda v: float(v).is_integer()).all():
                fmt = formats["int"]
            elif numeric:
                fmt = formats["num"]
            else:
                fmt = f_text
            ws.set_column(j, j, _width(s, header), fmt)
            for r, v in enumerate(s.tolist(), HEADER_ROW + 1):
                if _missing(v):
                    continue  # empty cell
                if isinstance(v, (bool, np.bool_)):
                    ws.write_string(r, j, "oui" if v else "non")
                elif numeric and isinstance(v, (int, float)) and math.isfinite(float(v)):
                    ws.write_number(r, j, float(v))
                else:
                    ws.write_string(r, j, str(v))
        ws.freeze_panes(HEADER_ROW + 1, 0)
        if len(df.columns):
            ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(df), len(df.columns) - 1)
        row = 3 + i
        contents.write(row, 0, i)
        contents.write_url(row, 1, f"internal:'{name}'!A1", f_link, string=caption)
        contents.write(row, 2, section)
        contents.write(row, 3, len(df))
        contents.write(row, 4, name)
        contents.write(row, 5, f"tables/{csvs[stem].name}")
    wb.close()
    return out_path
