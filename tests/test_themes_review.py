"""Review loop: diverse queue, allowed decisions in the file, .xlsx drop-down, filled queues read back."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from areas_analysis.errors import InputError
from areas_analysis.themes.review import read_review_decisions, review_queue, write_review_queue, write_review_xlsx

THEMES = ["acces_medecin", "transport", "isolement", "sante_mentale"]


@pytest.fixture()
def queue_inputs() -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """12 items: the 6 least confident are near-duplicates (one cluster), the others spread out."""
    ids = [f"R{i:02d}" for i in range(12)]
    texts = [f"texte {i}" for i in range(12)]
    conf = [0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.30, 0.32, 0.34, 0.36, 0.38, 0.40]
    rng = np.random.default_rng(0)
    centre = rng.normal(size=8)
    vecs = np.vstack([centre + 0.01 * rng.normal(size=8) for _ in range(6)]
                     + [rng.normal(size=8) * 3 for _ in range(6)])
    codings = pd.DataFrame({"id": ids, "theme_id": ["transport"] * 12, "score": conf, "source": "model"})
    return codings, pd.DataFrame({"id": ids, "text": texts}), vecs


def test_queue_takes_one_item_per_cluster_of_the_uncertain_pool(queue_inputs) -> None:
    codings, df, vecs = queue_inputs
    plain = review_queue(codings, df, n=3)
    assert plain["id"].tolist() == ["R00", "R01", "R02"]  # the three near-duplicates
    diverse = review_queue(codings, df, n=3, vectors=vecs, seed=1)
    assert diverse["id"].iloc[0] == "R00"  # the most uncertain item is always read first
    dup = set(diverse["id"]) & {f"R{i:02d}" for i in range(6)}
    assert len(dup) == 1 and len(diverse) == 3  # one per cluster, not three copies of the same answer


def test_queue_diversity_is_stratified(queue_inputs) -> None:
    codings, df, vecs = queue_inputs
    df = df.assign(atelier=["A"] * 6 + ["B"] * 6)
    q = review_queue(codings, df, n=4, strata_col="atelier", vectors=vecs)
    assert q["atelier"].tolist() == ["A", "B", "A", "B"]


def test_csv_lists_allowed_decisions_and_accepts_any_codebook_theme(queue_inputs, tmp_path) -> None:
    codings, df, _ = queue_inputs
    q = review_queue(codings, df, n=4)
    path = write_review_queue(q, tmp_path / "a_revoir.csv", themes=THEMES, xlsx=False)
    first = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert first.startswith("# decision") and "sante_mentale" in first and "« ok »" in first
    filled = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", skiprows=1)
    filled.loc[0, "decision"] = "sante_mentale"  # never proposed, no human example: allowed by the file
    filled.loc[1, "decision"] = "ok"
    body = filled.to_csv(sep=";", index=False)
    path.write_text(first + "\n" + body, encoding="utf-8-sig")
    codes = read_review_decisions(path)
    assert codes.set_index("id").loc["R00", "theme_id"] == "sante_mentale"
    assert codes.set_index("id").loc["R01", "theme_id"] == "transport"
    # without the decisions line, only proposed themes are known: the same decision is refused
    path.write_text(body, encoding="utf-8-sig")
    with pytest.raises(InputError, match="thème inconnu « sante_mentale »"):
        read_review_decisions(path)


def test_row_numbers_count_the_decisions_line(queue_inputs, tmp_path) -> None:
    codings, df, _ = queue_inputs
    path = write_review_queue(review_queue(codings, df, n=4), tmp_path / "q.csv", themes=THEMES, xlsx=False)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[3] += "transprot"  # 2nd item, file line 4 (decision is the last, empty cell)
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    with pytest.raises(InputError, match="ligne 4, colonne « decision » : thème inconnu « transprot »"):
        read_review_decisions(path)


def test_xlsx_has_a_drop_down_of_theme_ids_and_reads_back(queue_inputs, tmp_path) -> None:
    codings, df, _ = queue_inputs
    q = review_queue(codings, df, n=4)
    path = write_review_xlsx(q, tmp_path / "a_revoir.xlsx", themes=THEMES, labels={"isolement": "Isolement"})
    book = openpyxl.load_workbook(path)
    sheet, values = book["a_revoir"], book["decisions"]
    listed = [c.value for c in values["A"][1:]]
    assert listed == ["ok", "aucun", *THEMES]
    rules = sheet.data_validations.dataValidation
    assert len(rules) == 1 and rules[0].type == "list" and "decisions!$A$2:$A$7" in rules[0].formula1
    col = [c.value for c in sheet[1]].index("decision") + 1
    assert str(rules[0].sqref).startswith(openpyxl.utils.get_column_letter(col))
    sheet.cell(row=2, column=col, value="isolement ; sante_mentale")
    sheet.cell(row=3, column=col, value="aucun")
    book.save(path)
    codes = read_review_decisions(path)
    assert set(codes.loc[codes["id"] == "R00", "theme_id"]) == {"isolement", "sante_mentale"}
    assert codes.loc[codes["id"] == "R01", "theme_id"].isna().all() and set(codes["id"]) == {"R00", "R01"}


def test_write_review_queue_writes_the_xlsx_beside_with_the_codebook_from_attrs(queue_inputs, tmp_path) -> None:
    codings, df, _ = queue_inputs
    q = review_queue(codings, df, n=2)
    q.attrs["themes"] = THEMES
    write_review_queue(q, tmp_path / "a_revoir_ateliers.csv")
    assert "sante_mentale" in (tmp_path / "a_revoir_ateliers.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    book = openpyxl.load_workbook(tmp_path / "a_revoir_ateliers.xlsx")
    assert [c.value for c in book["decisions"]["A"][1:]] == ["ok", "aucun", *THEMES]


@pytest.mark.parametrize("codings", [
    pd.DataFrame({"id": pd.Series([], dtype=str), "theme_id": pd.Series([], dtype=str),
                  "score": pd.Series([], dtype=float)}),
    pd.DataFrame({"id": ["r1"], "theme_id": [pd.NA], "score": [np.nan]}),
])
def test_queue_with_vectors_on_a_survey_with_one_open_answer(codings) -> None:
    """A real export may hold a single open answer (the LimeSurvey one does): no crash, a queue of at most 1."""
    df = pd.DataFrame({"id": ["r1"], "text": ["Très bien organisé, merci"]})
    queue = review_queue(codings, df, n=50, vectors=np.ones((1, 4)))
    assert len(queue) <= 1 and "decision" in queue.columns
