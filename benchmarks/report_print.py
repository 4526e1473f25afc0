"""Print a cycle's ``rapport.html`` with headless Chromium and check what a reader gets.

Measures the printed page count (A4, Chromium's defaults), looks for technical
strings in the printed text (``PosixPath(``, ``True``, ``False``, ``<NA>``), the
share of table headers that are code identifiers, that « Synthèse » comes before
the first section, and that ``tableaux.xlsx`` opens with openpyxl with one sheet per
table. Needs ``chromium`` and ``pdftotext``/``pdfinfo`` (Debian: ``apt-get install
chromium poppler-utils``); outside the default test suite.

Usage:
    PYTHONPATH=$PWD python benchmarks/report_print.py outputs/<cycle> [--baseline outputs/<old-cycle>]
    PYTHONPATH=$PWD python benchmarks/report_print.py --run-sample   # runs the sample cycle in a temp folder

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

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-pdf-header-footer"]


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
    synthese_first = (0 <= synth < first_section) if first_section >= 0 else synth >= 0
    result: dict[str, object] = {"pages": n_pages, "forbidden": found, "headers": len(headers),
                                 "code_headers": len(code), "code_header_share": len(code) / max(len(headers), 1),
                                 "code_header_examples": sorted(set(code))[:15],
                                 "synthese_first": synthese_first,
                                 "html_bytes": len(html.encode())}
    xlsx = cycle_dir / "tableaux.xlsx"
    if xlsx.exists():
        import openpyxl

        wb = openpyxl.load_workbook(xlsx, read_only=True)
        n_csv = len(list((cycle_dir / "tables").glob("*.csv")))
        result.update(sheets=len(wb.sheetnames) - 1, tables_csv=n_csv)
    return result


def run_sample(outputs: Path) -> Path:
    """Run the sample cycle (notebooks/params/echantillon.yaml) into ``outputs``; the key stays there too."""
    import dataclasses

    from areas_analysis.cycle import load_plan, run_cycle

    plan = load_plan("echantillon", None)
    params = {**plan.parameters, "cle_pseudonymisation": str(outputs / "prive" / "cle.json")}
    return run_cycle(dataclasses.replace(plan, parameters=params), outputs_dir=outputs).output_dir


def check(r: dict[str, object]) -> list[str]:
    """The « must show » thresholds of issue 14 that ``r`` misses (French)."""
    misses = []
    if int(r["pages"]) > MAX_PAGES:  # type: ignore[call-overload]
        misses.append(f"{r['pages']} pages imprimées (maximum {MAX_PAGES})")
    if any(r["forbidden"].values()):  # type: ignore[attr-defined]
        misses.append(f"chaînes techniques dans le texte imprimé : {r['forbidden']}")
    if float(r["code_header_share"]) > MAX_CODE_HEADER_SHARE:  # type: ignore[arg-type]
        misses.append(f"en-têtes en code : {r['code_header_examples']}")
    if not r["synthese_first"]:
        misses.append("la Synthèse ne vient pas avant la première section")
    if r.get("sheets") != r.get("tables_csv"):
        misses.append(f"{r.get('sheets')} onglets pour {r.get('tables_csv')} tableaux")
    return misses


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("cycle_dir", type=Path, nargs="?")
    ap.add_argument("--baseline", type=Path, help="an earlier cycle folder measured the same way")
    ap.add_argument("--run-sample", action="store_true", help="run the sample cycle first (temporary folder)")
    args = ap.parse_args()
    if args.run_sample:
        tmp = tempfile.TemporaryDirectory()
        args.cycle_dir = run_sample(Path(tmp.name))
    if args.cycle_dir is None:
        ap.error("dossier de cycle ou --run-sample")
    ok = True
    for label, folder in (("référence", args.baseline), ("cycle", args.cycle_dir)):
        if folder is None:
            continue
        r = measure(folder)
        print(f"{label} ({folder}):")
        for k, v in r.items():
            print(f"  {k}: {v}")
        if folder == args.cycle_dir:
            misses = check(r)
            ok = not misses
            for m in misses:
                print("  manque :", m)
    print("OK" if ok else "ÉCHEC")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
