"""Report stage: what notebooks show, what a cycle keeps, and ``rapport.html``.

Inside a notebook, a :class:`Reporter` is the one way to publish a result: it
saves the table (Excel-friendly CSV under ``tables/``) or the figure (PNG under
``figures/``) into the cycle's output folder *and* displays it with a French
caption and a plain-language note, so the executed notebook, the folder and the
HTML report always agree.

:func:`build_report` turns the executed notebooks of a cycle into one French
HTML file without code cells (markdown and displayed outputs only; figures are
embedded as base64 PNG, so the file is self-contained).

Example:
    >>> rep = Reporter("outputs/_interactif", section="ateliers")   # doctest: +SKIP
    >>> rep.table(prevalence, "prevalence_commune", "Prévalence des thèmes par commune",
    ...           note="Pourcentages sur 212 segments ; intervalles de Wilson à 95 %.")
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import pandas as pd

from .config import ROOT
from .io import write_excel_csv
from .tables import DISPLAY_ROWS, fr_num, plural, readable_table
from .text import file_slug
from .workbook import TABLE_INFO_DIR, sheet_name

if TYPE_CHECKING:  # nbformat is only needed to build the report (its import takes ~1 s per kernel)
    import nbformat

#: CSV dialect read by French Excel out of the box: BOM, ``;`` and decimal comma (one home: ``io.EXCEL_CSV``).
CSV_OPTIONS: dict[str, Any] = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig", "index": False}

#: Lower-case ASCII file stem (accents dropped, spaces to ``_``); one home in :mod:`areas_analysis.text`.
slugify = file_slug


def anchor_id(text: str) -> str:
    """Stable HTML anchor for a title: ``"Avant / après la séance"`` → ``"avant-apres-la-seance"``."""
    return re.sub(r"[_-]+", "-", slugify(text)).strip("-") or "section"


def resolve_path(path: str | Path, root: Path | None = None) -> Path:
    """Resolve a parameter path: absolute stays, relative is taken from the repository root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else ((root or ROOT) / p)


def resolve_paths(paths: str | Path | list[str | Path] | tuple[str | Path, ...] | None,
                  root: Path | None = None) -> list[Path]:
    """Resolve a parameter holding one path, a list of paths, or ``None`` (→ empty list)."""
    if paths is None:
        return []
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return [resolve_path(p, root) for p in items]


def read_table(path: str | Path) -> pd.DataFrame:
    """Read back a table written by :meth:`Reporter.table` (or :func:`write_table`)."""
    return pd.read_csv(path, sep=CSV_OPTIONS["sep"], decimal=CSV_OPTIONS["decimal"], encoding="utf-8-sig")


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as an Excel-friendly French CSV (BOM, ``;``, decimal comma): :func:`io.write_excel_csv`."""
    return write_excel_csv(df, path)


def _text(value: object) -> str:
    """HTML-escape text content (quotes kept: « l'atelier » stays searchable in the file)."""
    return html.escape(str(value), quote=False)


def table_html(df: pd.DataFrame, *, caption: str, file_name: str = "", note: str | None = None,
               max_rows: int = DISPLAY_ROWS) -> str:
    """A result table as people read it: French headers, rounded numbers, top rows, split if wide.

    The rule or method columns equal on every row are stated once above the table; when rows or
    columns are left out, the sentence under the table says where the full table is
    (``tableaux.xlsx`` and the CSV file).
    """
    rt = readable_table(df, max_rows=max_rows)
    esc = _text
    source = f" — tables/{esc(file_name)}" if file_name else ""
    parts = [f"<div class='areas-block'><p class='areas-caption'><strong>{esc(caption)}</strong> "
             f"<span class='areas-file'>({plural(rt.n_rows, 'ligne')}{source})</span></p>"]
    for label, value in rt.constants.items():
        parts.append(f"<p class='areas-constant'><strong>{esc(label)}</strong> (toutes les lignes) : "
                     f"{esc(value)}</p>")
    for i, part in enumerate(rt.parts):
        if len(rt.parts) > 1:
            parts.append(f"<p class='areas-part'>Partie {i + 1} sur {len(rt.parts)}</p>")
        parts.append(part.to_html(index=False, escape=True, border=0, classes="areas-table"))
    more = []
    if rt.shown_rows < rt.n_rows:
        more.append(f"{plural(rt.shown_rows, 'première ligne', 'premières lignes')} sur {fr_num(rt.n_rows, 0)}")
    if rt.hidden_columns:
        more.append(f"{plural(rt.hidden_columns, 'colonne')} non affichée(s)")
    if more:
        said = esc(" ; ".join(more))
        said = said[:1].upper() + said[1:]
        parts.append(f"<p class='areas-more'>{said} : tableau complet dans le "
                     f"classeur tableaux.xlsx (feuille « {esc(sheet_name(Path(file_name).stem))} »).</p>"
                     if file_name else f"<p class='areas-more'>{said}.</p>")
    if rt.interval_note:
        parts.append(f"<p class='areas-more'>{esc(rt.interval_note)}</p>")
    if note:
        parts.append(f"<p class='areas-note'>{esc(note)}</p>")
    return "\n".join(parts) + "</div>"


def html_table(df: pd.DataFrame, *, max_rows: int = DISPLAY_ROWS) -> str:
    """Render ``df`` for reading (French headers and numbers), without caption."""
    return table_html(df, caption="", max_rows=max_rows)


class Reporter:
    """Publish tables, figures and text from a notebook into a cycle folder.

    Args:
        output_dir: The cycle's output folder (the runner passes it as the
            ``output_dir`` parameter); ``tables/`` and ``figures/`` are made inside.
        section: Short name prefixed to saved files (e.g. ``"ateliers"``) so that
            notebooks of one cycle never write the same file.
        display: Show outputs in the notebook (turn off in scripts and tests).
    """

    def __init__(self, output_dir: str | Path, section: str, *, display: bool = True) -> None:
        self.output_dir = resolve_path(output_dir)
        self.section = slugify(section)
        self.display = display
        self.tables_dir = self.output_dir / "tables"
        self.figures_dir = self.output_dir / "figures"
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        self.saved: list[Path] = []

    def _show(self, obj: Any, **info: str) -> None:
        if self.display:  # the metadata tells the report which section (and table) an output belongs to
            from IPython.display import display

            display(obj, metadata={"areas": {"section": self.section, **info}})

    def text(self, markdown: str) -> None:
        """Display French markdown text (kept in the report)."""
        from IPython.display import Markdown

        self._show(Markdown(markdown), kind="text")

    def table(self, df: pd.DataFrame, name: str, caption: str, *, note: str | None = None,
              max_rows: int = DISPLAY_ROWS) -> Path:
        """Save ``df`` to ``tables/<section>_<name>.csv`` and display it with caption and note.

        Args:
            df: The table (not modified).
            name: File stem; slugified.
            caption: French title shown above the table.
            note: Plain-language French sentence under the table: what it shows and its
                limits. Defaults to ``df.attrs["note"]``, where the quantify and
                evaluate functions put theirs.
            max_rows: Rows displayed (the CSV and ``tableaux.xlsx`` always hold all rows).

        Returns:
            The CSV path (a cell should not end with this call's value: the report drops
            cell return values, but the notebook would show it).
        """
        import json

        note = note if note is not None else df.attrs.get("note")
        path = write_table(df, self.tables_dir / f"{self.section}_{slugify(name)}.csv")
        self.saved.append(path)
        info_dir = self.output_dir / TABLE_INFO_DIR
        info_dir.mkdir(exist_ok=True)
        labels = {str(k): str(v) for k, v in (df.attrs.get("labels") or {}).items()}
        (info_dir / f"{path.stem}.json").write_text(json.dumps(
            {"file": path.name, "caption": caption, "note": note or "", "section": self.section, "labels": labels,
             "shares": [str(c) for c in df.attrs.get("scale", [])]},
            ensure_ascii=False, indent=1), encoding="utf-8")
        from IPython.display import HTML

        self._show(HTML(table_html(df, caption=caption, file_name=path.name, note=note, max_rows=max_rows)),
                   table=path.stem)
        return path

    def figure(self, fig: matplotlib.figure.Figure, name: str, caption: str, *,
               note: str | None = None, dpi: int = 110) -> Path:
        """Save ``fig`` to ``figures/<section>_<name>.png``, display it once, and close it."""
        import base64

        import matplotlib.pyplot as plt
        from IPython.display import HTML

        path = self.figures_dir / f"{self.section}_{slugify(name)}.png"
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
        plt.close(fig)
        self.saved.append(path)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        parts = [f"<p class='areas-caption'><strong>{html.escape(caption)}</strong> "
                 f"<span class='areas-file'>(figures/{path.name})</span></p>",
                 f"<img alt='{html.escape(caption, quote=True)}' class='areas-img' "
                 f"src='data:image/png;base64,{data}'/>"]
        if note:
            parts.append(f"<p class='areas-note'>{html.escape(note)}</p>")
        self._show(HTML("<div class='areas-block areas-figure'>" + "\n".join(parts) + "</div>"), figure=path.stem)
        return path


def setup_plots() -> None:
    """Seaborn theme for report figures: readable, colour-blind-safe palette."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    matplotlib.rcParams.update({"figure.dpi": 100, "axes.titleweight": "bold", "figure.figsize": (8, 4.5)})


# --------------------------------------------------------------------------- HTML report

_REPORT_CSS = """
body { max-width: 1000px; margin: 0 auto; padding: 0 1em; font-family: system-ui, "DejaVu Sans", sans-serif;
       font-size: 15px; line-height: 1.4; color: #222; }
h1 { font-size: 1.6em; margin-top: 1.2em; } h2 { font-size: 1.25em; margin-top: 1.2em; }
h3 { font-size: 1.05em; }
.areas-table { border-collapse: collapse; font-size: 0.85em; margin: 0.3em 0; max-width: 100%; }
.areas-table th, .areas-table td { border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: left;
                                   vertical-align: top; overflow-wrap: break-word; }
.areas-table th { background: #f2f2f2; overflow-wrap: normal; hyphens: auto; }
.areas-note { font-style: italic; color: #333; margin-top: 0.2em; font-size: 0.9em; }
.areas-caption { margin-bottom: 0.2em; } .areas-file, .areas-more, .areas-part { color: #666; font-size: 0.85em; }
.areas-constant { font-size: 0.85em; margin: 0.2em 0; }
.areas-meta { color: #555; font-size: 0.9em; }
.areas-img { max-width: 100%; max-height: 520px; height: auto; display: block; }
.areas-synthese li { margin-bottom: 0.5em; } .areas-synthese p { margin: 0.1em 0; }
.areas-reliability { color: #444; font-size: 0.9em; }
nav.areas-toc ol { columns: 1; } nav.areas-toc li { margin: 0.1em 0; }
@page { size: A4; margin: 12mm 10mm; }
@media print {
  body { max-width: none; font-size: 9pt; line-height: 1.3; padding: 0; }
  section.areas-section { break-before: page; }
  nav.areas-toc > ol { columns: 2; column-gap: 2em; } nav.areas-toc li { break-inside: avoid; }
  h1, h2, h3, .areas-caption, .areas-constant, .areas-part { break-after: avoid; }
  tr, img, .areas-figure { break-inside: avoid; }
  .areas-table { width: 100%; font-size: 7.5pt; }
  .areas-img { max-height: 60mm; max-width: 100%; width: auto; }
  a { color: inherit; text-decoration: none; }
}
"""

_DROP_TAGS = {"parameters", "injected-parameters", "remove-cell", "remove_cell"}
#: Outputs that reach the report: what a cell *displays*. A cell's return value (``execute_result``,
#: e.g. ``PosixPath(...)`` returned by ``rep.table``), printed text and errors never do.
REPORT_OUTPUT_TYPES = frozenset({"display_data"})
#: MIME types rendered, by preference.
_MIME_ORDER = ("text/html", "image/png", "text/markdown", "text/plain")


def _markdown(text: str) -> str:
    import mistune

    return str(mistune.html(text))


def _output_html(output: dict[str, Any]) -> str:
    data = output.get("data", {})
    for mime in _MIME_ORDER:
        if mime not in data:
            continue
        value = data[mime]
        value = "".join(value) if isinstance(value, list) else str(value)
        if mime == "text/html":
            return value
        if mime == "image/png":
            return f"<img class='areas-img' alt='' src='data:image/png;base64,{value.strip()}'/>"
        if mime == "text/markdown":
            return _markdown(value)
        return f"<pre>{html.escape(value)}</pre>"
    return ""


def report_outputs(cell: dict[str, Any]) -> list[dict[str, Any]]:
    """Outputs of a code cell that belong in the report (see :data:`REPORT_OUTPUT_TYPES`)."""
    return [o for o in cell.get("outputs", []) if o.get("output_type") in REPORT_OUTPUT_TYPES]


def _section_html(nb: nbformat.NotebookNode) -> tuple[str, set[str], list[str]]:
    """Body of one section, the Reporter sections it displayed and its table stems in order."""
    parts: list[str] = []
    sections: set[str] = set()
    tables: list[str] = []
    title_dropped = False
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _DROP_TAGS:
            continue
        if cell.cell_type == "markdown":
            source = cell.source
            if not title_dropped and re.match(r"\s*# ", source):  # the notebook title: replaced by the section's
                source = re.sub(r"^\s*# .*(\n|$)", "", source, count=1)
                title_dropped = True
            parts.append(_markdown(source))
        elif cell.cell_type == "code":
            for o in report_outputs(cell):
                info = o.get("metadata", {}).get("areas", {})
                if info.get("section"):
                    sections.add(info["section"])
                if info.get("table"):
                    tables.append(info["table"])
                parts.append(_output_html(o))
    return "\n".join(parts), sections, tables


def _unique_titles(titles: Sequence[str], names: Sequence[str]) -> list[str]:
    """Section titles made unique (a repeated title gets its notebook run name)."""
    counts = {t: titles.count(t) for t in titles}
    return [t if counts[t] == 1 else f"{t} — {n}" for t, n in zip(titles, names, strict=True)]


def _finalise(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every heading a stable id (section slug + heading slug) and list (level, id, text) for the TOC."""
    import lxml.html

    root = lxml.html.fragment_fromstring(body, create_parent="div")
    toc: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for sec in root.iter("section"):
        prefix = sec.get("id", "")
        for h in sec.iter("h1", "h2", "h3"):
            text = " ".join(h.text_content().split())
            hid = prefix if h.tag == "h1" else f"{prefix}--{anchor_id(text)}"
            base, k = hid, 2
            while hid in seen:
                hid, k = f"{base}-{k}", k + 1
            seen.add(hid)
            if h.tag != "h1":
                h.set("id", hid)
            if h.tag in {"h1", "h2"}:
                toc.append((1 if h.tag == "h1" else 2, hid, text))
    inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return (root.text or "") + inner, toc


def _synthese_html(findings: Sequence[Any], section_of: dict[str, tuple[str, str]],
                   anchors: set[str]) -> str:
    """The « Synthèse »: findings grouped by report section, each with reliability and a link."""
    esc = _text
    groups: dict[str, list[Any]] = {}
    order = list(dict.fromkeys(v[0] for v in section_of.values()))
    for f in findings:
        groups.setdefault(section_of.get(f.section, ("", ""))[0], []).append(f)
    titles = {sid: title for sid, title in section_of.values()}
    out = ["<section class='areas-synthese' id='synthese'><h1>Synthèse</h1>",
           "<p class='areas-meta'>Les constats clés du cycle, calculés par chaque carnet (jamais écrits à la "
           "main), avec leur fiabilité en mots et un lien vers la section qui les établit.</p>"]
    if not findings:
        out.append("<p>Aucun constat enregistré par les carnets de ce cycle.</p>")
    for sid in order + [k for k in groups if k not in order]:
        if sid not in groups:
            continue
        out.append(f"<h3>{esc(titles.get(sid, 'Autres constats'))}</h3><ul>")
        for f in groups[sid]:
            target = f"{sid}--{anchor_id(f.anchor)}" if f.anchor else sid
            target = target if target in anchors else sid
            link = (f" <a href='#{esc(target)}'>→ {esc(f.anchor or 'voir la section')}</a>" if target else "")
            out.append(f"<li><p>{esc(f.text)}</p><p class='areas-reliability'><em>Fiabilité :</em> "
                       f"{esc(f.reliability)}{link}</p></li>")
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def build_report(executed: Sequence[tuple[str, Path]], out_path: Path, *, cycle: str,
                 summary_markdown: str = "", workbook: bool = True) -> Path:
    """Write one French HTML report from executed notebooks, without code cells, and ``tableaux.xlsx``.

    The report opens with the « Synthèse » (findings the notebooks recorded under
    ``constats/``, see :mod:`areas_analysis.findings`) and a table of contents; each
    notebook is a section with a unique title and stable anchors
    (``<run name>`` and ``<run name>--<heading>``). Only what cells display reaches the
    report (:data:`REPORT_OUTPUT_TYPES`). A print stylesheet starts each section on a
    new page and keeps tables and figures within the page.

    Args:
        executed: ``(section title, executed notebook path)`` in report order.
        out_path: Where to write ``rapport.html``; findings and tables are read from its folder.
        cycle: Cycle name, shown in the title.
        summary_markdown: French markdown about the run (placed at the end, « À propos de ce rapport »).
        workbook: Also write ``tableaux.xlsx`` next to the report.
    """
    import nbformat

    from .findings import load_findings
    from .workbook import write_workbook

    esc = _text
    title = f"Rapport d'analyse AREAS — cycle {cycle}"
    when = datetime.now().strftime("%d/%m/%Y à %H:%M")
    titles = _unique_titles([t for t, _ in executed], [p.stem for _, p in executed])
    sections_html: list[str] = []
    section_of: dict[str, tuple[str, str]] = {}
    table_order: list[str] = []
    for i, ((_, path), sec_title) in enumerate(zip(executed, titles, strict=True), 1):
        nb = nbformat.read(path, as_version=4)
        sid = anchor_id(path.stem)
        body, rep_sections, tables = _section_html(nb)
        table_order += tables
        for s in rep_sections:
            section_of.setdefault(s, (sid, sec_title))
        sections_html.append(
            f"<section class='areas-section' id='{sid}'><a id='section-{i}'></a><h1>{i}. {esc(sec_title)}</h1>"
            f"<p class='areas-meta'>Carnet {esc(path.name)}</p>\n{body}</section>")
    body, toc = _finalise("\n".join(sections_html))
    anchors = {hid for _, hid, _ in toc}
    findings = load_findings(out_path.parent)
    toc_html = ["<nav class='areas-toc' id='sommaire'><h2>Sommaire</h2><ol>",
                "<li><a href='#synthese'>Synthèse</a></li>"]
    for level, hid, text in toc:
        if level == 1:
            if toc_html[-1] != "<li><a href='#synthese'>Synthèse</a></li>":
                toc_html.append("</ul></li>")
            toc_html.append(f"<li><a href='#{esc(hid)}'>{esc(re.sub(r'^[0-9]+[.] ', '', text))}</a><ul>")
        else:
            toc_html.append(f"<li><a href='#{esc(hid)}'>{esc(text)}</a></li>")
    if toc:
        toc_html.append("</ul></li>")
    toc_html.append("<li><a href='#a-propos'>À propos de ce rapport</a></li></ol>"
                    "<p class='areas-meta'>Tous les tableaux complets : classeur tableaux.xlsx (un onglet par "
                    "tableau) et dossier tables/ (CSV).</p></nav>")
    about = (f"<section class='areas-about' id='a-propos'><h2>À propos de ce rapport</h2>"
             f"{_markdown(summary_markdown) if summary_markdown else ''}</section>")
    head = (f"<h1 class='areas-title'>{esc(title)}</h1><p class='areas-meta'>Généré le {when} par areas-analysis. "
            "Données pseudonymisées ; les thèmes produits par la machine sont présentés avec leur accord mesuré "
            "avec le codage humain.</p>")
    page = ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\"/>\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
            f"<title>{esc(title)}</title>\n<style>{_REPORT_CSS}</style>\n</head>\n<body>\n"
            + head + _synthese_html(findings, section_of, anchors) + "\n".join(toc_html) + body + about
            + "\n</body>\n</html>\n")
    out_path.write_text(page, encoding="utf-8")
    if workbook:
        write_workbook(out_path.parent, order=table_order,
                       titles={s: t for s, (_, t) in section_of.items()})
    return out_path


def report_headers(page: str) -> list[str]:
    """Text of every table header cell (``<th>``) of an HTML report."""
    import lxml.html

    root = lxml.html.document_fromstring(page)
    return [" ".join(th.text_content().split()) for th in root.iter("th")]


def code_like_headers(headers: Sequence[str]) -> list[str]:
    """The headers that are code identifiers (``theme_id``, ``n_cites``…): :func:`labels.is_code_identifier`."""
    from .labels import is_code_identifier

    return [h for h in headers if is_code_identifier(h)]
