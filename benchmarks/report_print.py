"""Print a cycle's ``rapport.html`` with headless Chromium and check what a reader gets.

Measures the printed page count (A4, Chromium's defaults), looks for technical
strings in the printed text (``PosixPath(``, ``True``, ``False``, ``<NA>``), the
share of table headers that are code identifiers, that « Synthèse » comes before
the first section, and that ``tableaux.xlsx`` opens with openpyxl with one sheet per
table. Needs ``chromium`` and ``pdftotext``/``pdfinfo`` (Debian: ``apt-get install
chromium poppler-utils``); outside the default test suite.

Usage:
    PYTHONPATH=$PWD python benchmarks/report_print.py outputs/<cycle> [--baseline outputs/<old-cycle>]

Exit status 1 when a « must show » threshold is missed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Issue 14 thresholds.
MAX_PAGES = 40
MAX_CODE_HEADER_SHARE = 0.02
FORBIDDEN = ("PosixPath(", "True", "False", "<NA>")

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("chromium introuvable : apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
                        html_path.resolve().as_uri()], check=True, capture_output=True, timeout=300)


def pages(pdf_path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf_path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdf_text(pdf_path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True,
                          text=True).stdout


def measure(cycle_dir: Path) -> dict[str, object]:
    from areas_analysis.report import code_like_headers, report_headers

    html_path = cycle_dir / "rapport.html"
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "rapport.pdf"
        print_pdf(html_path, pdf)
        n_pages = pages(pdf)
        text = pdf_text(pdf)
    html = html_path.read_text(encoding="utf-8")
    headers = report_headers(html)
    code = code_like_headers(headers)
    found = {s: len(re.findall(r"(?<![\w-])" + re.escape(s) + (r"(?![\w-])" if s[-1].isalnum() else ""), text))
             for s in FORBIDDEN}
    synth = text.find("Synthèse")
    first_section = min((i for i in (text.find("1. Ateliers"), text.find("Ateliers :")) if i >= 0), default=-1)
    result: dict[str, object] = {"pages": n_pages, "forbidden": found, "headers": len(headers),
                                 "code_headers": len(code), "code_header_share": len(code) / max(len(headers), 1),
                                 "code_header_examples": sorted(set(code))[:15],
                                 "synthese_first": 0 <= synth < first_section if first_section >= 0 else synth >= 0,
                                 "html_bytes": len(html.encode())}
    xlsx = cycle_dir / "tableaux.xlsx"
    if xlsx.exists():
        import openpyxl

        wb = openpyxl.load_workbook(xlsx, read_only=True)
        n_csv = len(list((cycle_dir / "tables").glob("*.csv")))
        result.update(sheets=len(wb.sheetnames) - 1, tables_csv=n_csv)
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("cycle_dir", type=Path)
    ap.add_argument("--baseline", type=Path, help="an earlier cycle folder measured the same way")
    args = ap.parse_args()
    ok = True
    for label, folder in (("référence", args.baseline), ("cycle", args.cycle_dir)):
        if folder is None:
            continue
        r = measure(folder)
        print(f"{label} ({folder}):")
        for k, v in r.items():
            print(f"  {k}: {v}")
        if folder == args.cycle_dir:
            ok = (r["pages"] <= MAX_PAGES and not any(r["forbidden"].values())
                  and r["code_header_share"] <= MAX_CODE_HEADER_SHARE and bool(r["synthese_first"])
                  and r.get("sheets") == r.get("tables_csv"))
    print("OK" if ok else "ÉCHEC")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
