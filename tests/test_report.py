"""The HTML report and the workbook: what a reader gets (structure, words, tables), on small notebooks.

Notebooks are built with nbformat the way papermill leaves them (outputs with the
Reporter's metadata); one test executes a real kernel to check that a cell's return
value never reaches the report.
"""

from __future__ import annotations

import math
from pathlib import Path

import lxml.html
import nbformat
import numpy as np
import pandas as pd
import pytest

from areas_analysis import findings
from areas_analysis.labels import COLUMN_LABELS, column_label, is_code_identifier
from areas_analysis.report import (
    Reporter,
    build_report,
    code_like_headers,
    read_table,
    table_html,
)
from areas_analysis.tables import readable_table
from areas_analysis.workbook import WORKBOOK_NAME, sheet_name, write_workbook


def _display(html_text: str, section: str, **info: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": html_text},
                                  metadata={"areas": {"section": section, **info}})


def _leaky_notebook(path: Path, section: str, title: str = "# Titre du carnet") -> Path:
    """An executed notebook as papermill leaves it: a displayed table, a return value, printed text."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    cell = nbformat.v4.new_code_cell("rep.table(df, 'a', 'A')")
    cell.outputs = [
        _display("<p class='areas-caption'>Tableau affiché</p>", section, table=f"{section}_a"),
        nbformat.v4.new_output("execute_result", data={
            "text/plain": "PosixPath('/x/outputs/.essai.en-cours-1/tables/a.csv')"}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="graine 42\n"),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell(f"{title}\n\nIntroduction du carnet."), params,
                nbformat.v4.new_markdown_cell("## Avant / après la séance"), cell,
                nbformat.v4.new_markdown_cell("## Avec ou sans patient partenaire")]
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def cycle_dir(tmp_path: Path) -> Path:
    out = tmp_path / "cycle"
    (out / "carnets").mkdir(parents=True)
    return out


def _build(cycle_dir: Path, runs: list[tuple[str, str, str]]) -> str:
    executed = [(title, _leaky_notebook(cycle_dir / "carnets" / f"{name}.ipynb", section))
                for name, section, title in runs]
    build_report(executed, cycle_dir / "rapport.html", cycle="essai", workbook=False)
    return (cycle_dir / "rapport.html").read_text(encoding="utf-8")


RUNS = [("04_dpper_ECOS", "dpper_ecos", "Évaluation DPPER"),
        ("04_dpper_RetExp", "dpper_retexp", "Évaluation DPPER")]


def test_cell_return_values_and_printed_text_never_reach_the_report(cycle_dir: Path) -> None:
    page = _build(cycle_dir, RUNS)
    assert "Tableau affiché" in page  # what the cell displays is kept
    assert "PosixPath(" not in page and "en-cours" not in page  # its return value is not
    assert "graine 42" not in page and "rep.table" not in page


def test_a_real_kernel_return_value_is_left_out(cycle_dir: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Carnet\n\n## Résultats"),
                nbformat.v4.new_code_cell("from pathlib import Path\nfrom IPython.display import HTML, display\n"
                                          "display(HTML('<p>Résultat affiché</p>'))\nPath('/tmp/fuite.csv')")]
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert any(o.output_type == "execute_result" for o in nb.cells[1].outputs)  # the leak is really there
    path = cycle_dir / "carnets" / "reel.ipynb"
    nbformat.write(nb, path)
    build_report([("Réel", path)], cycle_dir / "rapport.html", cycle="essai", workbook=False)
    page = (cycle_dir / "rapport.html").read_text(encoding="utf-8")
    assert "Résultat affiché" in page and "PosixPath(" not in page and "fuite.csv" not in page


def test_synthese_comes_first_and_links_to_the_backing_sections(cycle_dir: Path) -> None:
    paired = pd.DataFrame({"item": ["a", "b"], "libelle": ["Je me sens prêt", "J'écoute"], "n_paires": [40, 40],
                           "r_rang_biserial": [0.6, 0.1], "r_ic_bas": [0.3, -0.2], "r_ic_haut": [0.8, 0.4],
                           "p_ajuste": [0.001, 0.4], "correction": ["Holm sur 2 tests"] * 2})
    findings.record_findings(cycle_dir, "dpper_ecos", findings.dpper_findings("ECOS", paired, None))
    findings.record_findings(cycle_dir, "dpper_retexp", findings.dpper_findings("RetExp", None))
    page = _build(cycle_dir, RUNS)
    root = lxml.html.document_fromstring(page)
    body = [el for el in root.iter("section")]
    assert body[0].get("id") == "synthese" and body[1].get("class") == "areas-section"
    synthese = body[0].text_content()
    assert "Je me sens prêt" in synthese and "Fiabilité" in synthese
    assert "résultat absent" in synthese  # a skipped section says so
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    links = [a.get("href")[1:] for a in body[0].iter("a")]
    assert links and all(link in ids for link in links)
    assert "04-dpper-ecos--avant-apres-la-seance" in links  # the finding's own heading, in its own section


def test_section_titles_are_unique_and_anchors_do_not_depend_on_position(cycle_dir: Path) -> None:
    page = _build(cycle_dir, RUNS)
    root = lxml.html.document_fromstring(page)
    titles = [h.text_content() for h in root.iter("h1")]
    assert len(titles) == len(set(titles)) and "Titre du carnet" not in page  # notebook title replaced
    first = {el.get("id") for el in root.iter() if el.get("id")}
    page2 = _build(cycle_dir, list(reversed(RUNS)))
    second = {el.get("id") for el in lxml.html.document_fromstring(page2).iter() if el.get("id")}
    stable = {i for i in first if not i.startswith("section-")}
    assert stable <= second and "04-dpper-retexp--avec-ou-sans-patient-partenaire" in stable
    toc = root.get_element_by_id("sommaire")
    assert "Évaluation DPPER — 04_dpper_RetExp" in toc.text_content()
    assert "@media print" in page and "break-before: page" in page


def test_tables_read_as_french_with_intervals_words_and_the_rule_once() -> None:
    df = pd.DataFrame({"theme_id": ["acces", "transport", "isolement"],
                       "theme": ["Accès au médecin", "Transport", "Isolement"],
                       "proportion": [0.1234, 0.5, np.nan], "ic_bas": [0.081, 0.4, np.nan],
                       "ic_haut": [0.17, 0.6, np.nan], "significatif": [True, False, pd.NA],
                       "p_ajuste_bh": [0.0004, 0.0312, np.nan],
                       "regle": ["prioritaire si le score atteint 50 % du premier"] * 3})
    html = table_html(df, caption="Essai", file_name="essai_prevalence.csv", max_rows=2)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    headers = [th.text_content() for th in root.iter("th")]
    assert headers == ["Thème", "Part [IC]", "Significatif", "p ajusté (BH)"]
    cells = [td.text_content() for td in root.iter("td")]
    assert "12\u00a0% [8 ; 17]" in cells and "oui" in cells and "non" in cells and "< 0,001" in cells
    assert html.count("prioritaire si le score") == 1  # the rule stated once, not per row
    assert "tableaux.xlsx" in html and "essai_prevalence" in html  # where the third row is
    assert "True" not in html and "False" not in html and "nan" not in html.lower().replace("nance", "")
    flags = readable_table(pd.DataFrame({"atteint": np.array([True, False]), "n": np.array([3, 4]),
                                         "avertissement": ["", np.nan]}))  # an empty column is not shown
    assert flags.parts[0].to_dict("list") == {"Atteint": ["oui", "non"], "n": ["3", "4"]}
    full = readable_table(df, max_rows=10)
    assert full.parts[0].iloc[2, 1] == "–" and full.parts[0].iloc[2, 2] == "–"


def test_wide_tables_are_split_and_repeat_their_first_column() -> None:
    df = pd.DataFrame({"item": ["a", "b"], **{f"n_{i}": [i, i + 1] for i in range(20)}})
    rt = readable_table(df, max_columns=8, max_parts=2)
    assert len(rt.parts) == 2 and all(p.shape[1] <= 8 for p in rt.parts)
    assert all(p.columns[0] == "Item" for p in rt.parts)
    assert rt.hidden_columns == 20 - 2 * 7


def test_labels_are_words_not_code() -> None:
    assert not [v for v in COLUMN_LABELS.values() if is_code_identifier(v)]
    assert column_label("theme__isolement", {"isolement": "Isolement et lien social"}) == \
        "Thème : Isolement et lien social"
    assert column_label("entoure__ne_sait_pas") == "Se sent entouré(e) : ne sait pas"
    assert not is_code_identifier(column_label("un_nom_inconnu"))
    assert code_like_headers(["theme_id", "Part", "n", "commune", "p ajusté"]) == ["theme_id", "commune"]


def test_workbook_has_one_sheet_per_table_with_french_headers(tmp_path: Path) -> None:
    rep = Reporter(tmp_path, section="essai", display=False)
    long = pd.DataFrame({"commune": [f"Commune {i}" for i in range(30)], "proportion": np.linspace(0, 1, 30),
                         "ic_bas": np.linspace(0, 0.9, 30), "ic_haut": np.linspace(0.1, 1, 30),
                         "significatif": [True, False] * 15, "p_value": [1 / 3] * 30})
    rep.table(long, "prevalence_par_commune_tres_longue", "Prévalence par commune", note="Une note simple.")
    rep.table(pd.DataFrame({"n": [1]}), "petit", "Petit tableau")
    path = write_workbook(tmp_path, order=["essai_petit"], titles={"essai": "Section d'essai"})
    assert path.name == WORKBOOK_NAME
    import openpyxl

    wb = openpyxl.load_workbook(path)
    stem = "essai_prevalence_par_commune_tres_longue"
    assert wb.sheetnames == ["Sommaire", "essai_petit", sheet_name(stem)] and len(sheet_name(stem)) <= 31
    ws = wb[sheet_name(stem)]
    assert ws["A1"].value == "Prévalence par commune" and ws["A2"].value == "Une note simple."
    assert "tables/" + stem + ".csv" in ws["A3"].value
    assert ws.freeze_panes == "A6"
    assert [c.value for c in ws[5]] == ["Commune", "Part", "IC bas", "IC haut", "Significatif", "p"]
    assert math.isclose(ws["B7"].value, read_table(tmp_path / "tables" / f"{stem}.csv")["proportion"][1])
    assert ws["B7"].number_format == "0 %" and ws["E6"].value == "oui" and ws.max_row == 5 + 30
    assert ws.column_dimensions["A"].width >= len("Commune 29")
    contents = wb["Sommaire"]
    assert contents["B5"].value == "Petit tableau" and contents["B5"].hyperlink is not None
