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

if TYPE_CHECKING:  # nbformat is only needed to build the report (its import takes ~1 s per kernel)
    import nbformat

#: CSV dialect read by French Excel out of the box: BOM, ``;`` and decimal comma.
CSV_OPTIONS: dict[str, Any] = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig", "index": False}

_SLUG_RE = re.compile(r"[^a-z0-9_-]+")


def slugify(name: str) -> str:
    """Lower-case ASCII file stem for ``name`` (accents dropped, spaces to ``_``)."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _SLUG_RE.sub("_", ascii_name.lower().replace(" ", "_")).strip("_") or "sans_nom"


def resolve_path(path: str | Path, root: Path | None = None) -> Path:
    """Resolve a parameter path: absolute stays, relative is taken from the repository root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else ((root or ROOT) / p)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read back a table written by :meth:`Reporter.table` (or :func:`write_table`)."""
    return pd.read_csv(path, sep=CSV_OPTIONS["sep"], decimal=CSV_OPTIONS["decimal"], encoding="utf-8-sig")


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as an Excel-friendly French CSV (BOM, ``;``, decimal comma)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, **CSV_OPTIONS)
    return path


def _fr_number(x: Any) -> str:
    if isinstance(x, bool) or x is None:
        return "" if x is None else ("oui" if x else "non")
    if isinstance(x, float):
        if pd.isna(x):
            return "–"
        if x != 0 and (abs(x) < 0.001 or abs(x) >= 1e6):
            return f"{x:.2e}".replace(".", ",")
        return f"{x:,.3f}".rstrip("0").rstrip(".").replace(",", "\u202f").replace(".", ",")
    return str(x)


def html_table(df: pd.DataFrame, *, max_rows: int = 60) -> str:
    """Render ``df`` as an HTML table with French number formatting (decimal comma)."""
    shown = df.head(max_rows)
    body = shown.to_html(index=False, escape=True, na_rep="–", float_format=_fr_number, border=0,
                         classes="areas-table")
    if len(df) > max_rows:
        body += f"<p class='areas-more'>… {len(df) - max_rows} lignes de plus dans le fichier CSV.</p>"
    return body


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

    def _show(self, obj: Any) -> None:
        if self.display:
            from IPython.display import display

            display(obj)

    def text(self, markdown: str) -> None:
        """Display French markdown text (kept in the report)."""
        from IPython.display import Markdown

        self._show(Markdown(markdown))

    def table(self, df: pd.DataFrame, name: str, caption: str, *, note: str | None = None,
              max_rows: int = 60) -> Path:
        """Save ``df`` to ``tables/<section>_<name>.csv`` and display it with caption and note.

        Args:
            df: The table (not modified).
            name: File stem; slugified.
            caption: French title shown above the table.
            note: Plain-language French sentence under the table: what it shows and its
                limits. Defaults to ``df.attrs["note"]``, where the quantify and
                evaluate functions put theirs.
            max_rows: Rows displayed (the CSV always holds all rows).
        """
        note = note if note is not None else df.attrs.get("note")
        path = write_table(df, self.tables_dir / f"{self.section}_{slugify(name)}.csv")
        self.saved.append(path)
        from IPython.display import HTML

        parts = [f"<p class='areas-caption'><strong>{html.escape(caption)}</strong> "
                 f"<span class='areas-file'>({len(df)} lignes — tables/{path.name})</span></p>",
                 html_table(df, max_rows=max_rows)]
        if note:
            parts.append(f"<p class='areas-note'>{html.escape(note)}</p>")
        self._show(HTML("\n".join(parts)))
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
                 f"<img alt='{html.escape(caption, quote=True)}' style='max-width:100%' "
                 f"src='data:image/png;base64,{data}'/>"]
        if note:
            parts.append(f"<p class='areas-note'>{html.escape(note)}</p>")
        self._show(HTML("\n".join(parts)))
        return path


def setup_plots() -> None:
    """Seaborn theme for report figures: readable, colour-blind-safe palette."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    matplotlib.rcParams.update({"figure.dpi": 100, "axes.titleweight": "bold", "figure.figsize": (8, 4.5)})


# --------------------------------------------------------------------------- HTML report

_REPORT_CSS = """
<style>
body { max-width: 1100px; margin: 0 auto; font-family: system-ui, sans-serif; }
.areas-table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
.areas-table th, .areas-table td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }
.areas-table th { background: #f2f2f2; }
.areas-note { font-style: italic; color: #333; margin-top: 0.2em; }
.areas-caption { margin-bottom: 0.2em; } .areas-file { color: #777; font-size: 0.85em; }
.areas-meta { color: #555; font-size: 0.9em; }
</style>
"""

_DROP_TAGS = {"parameters", "injected-parameters", "remove-cell", "remove_cell"}


def _report_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Markdown cells and displayed outputs of one executed notebook, without code or logs."""
    import nbformat

    kept = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _DROP_TAGS:
            continue
        if cell.cell_type == "markdown":  # new cell: ids stay unique across merged notebooks
            kept.append(nbformat.v4.new_markdown_cell(cell.source))
        elif cell.cell_type == "code":
            outputs = [o for o in cell.get("outputs", [])
                       if o.get("output_type") in {"display_data", "execute_result"}]
            if outputs:
                new = nbformat.v4.new_code_cell(source="", outputs=outputs)
                kept.append(new)
    return kept


def build_report(executed: Sequence[tuple[str, Path]], out_path: Path, *, cycle: str,
                 summary_markdown: str = "") -> Path:
    """Write one French HTML report from executed notebooks, without code cells.

    Args:
        executed: ``(section title, executed notebook path)`` in report order.
        out_path: Where to write ``rapport.html``.
        cycle: Cycle name, shown in the title.
        summary_markdown: French markdown placed under the title (run summary).
    """
    import nbformat
    from nbconvert import HTMLExporter

    title = f"Rapport d'analyse AREAS — cycle {cycle}"
    when = datetime.now().strftime("%d/%m/%Y à %H:%M")
    toc = "\n".join(f"{i}. [{t}](#section-{i})" for i, (t, _) in enumerate(executed, 1))
    head = (f"# {title}\n\n<p class='areas-meta'>Généré le {when} par areas-analysis. "
            "Données pseudonymisées ; les thèmes produits par la machine sont présentés avec leur "
            "accord mesuré avec le codage humain.</p>\n\n" + summary_markdown + "\n\n## Sommaire\n\n" + toc)
    combined = nbformat.v4.new_notebook()
    combined.metadata["title"] = title
    combined.cells.append(nbformat.v4.new_markdown_cell(_REPORT_CSS + "\n\n" + head))
    for i, (section_title, path) in enumerate(executed, 1):
        nb = nbformat.read(path, as_version=4)
        combined.cells.append(nbformat.v4.new_markdown_cell(
            f"<a id='section-{i}'></a>\n\n---\n\n<p class='areas-meta'>Section {i} — "
            f"{html.escape(section_title)} (carnet {html.escape(path.name)})</p>"))
        combined.cells.extend(_report_cells(nb))
    exporter = HTMLExporter(template_name="lab", language_code="fr", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(combined, resources={"metadata": {"name": title}})
    out_path.write_text(body, encoding="utf-8")
    return out_path
