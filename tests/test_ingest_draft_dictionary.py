"""Drafted dictionaries (issue 11): French ordinal families with their order shown, and a draft
that never refuses the export it was drafted from (draft → validate round trip, CSV and XLSX)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from areas_analysis.ingest import infer_dictionary, load_dictionary, read_survey, save_dictionary
from areas_analysis.ingest.dictionary import MISSING_LABELS
from areas_analysis.ingest.scales import label_position, match_scale
from areas_analysis.text import normalize_label

MISSING = frozenset(normalize_label(v) for v in MISSING_LABELS)


@pytest.mark.parametrize(
    ("answers", "family", "order", "inferred"),
    [
        # quality, feminine: the complete known scale (« Moyenne » never chosen but drafted)
        (["Bonne", "Très mauvaise", "Très bonne", "Mauvaise", "Bonne"], "qualité",
         ["Très mauvaise", "Mauvaise", "Moyenne", "Bonne", "Très bonne"], False),
        (["Souvent", "Jamais", "Toujours", "Parfois"], "fréquence", ["Jamais", "Parfois", "Souvent", "Toujours"],
         False),
        (["Souvent", "Jamais", "Rarement"], "fréquence", ["Jamais", "Rarement", "Souvent", "Toujours"], False),
        (["Très accessibles", "Pas du tout accessibles", "Peu accessibles"], "accessibilité",
         ["Pas du tout accessibles", "Peu accessibles", "Assez accessibles", "Très accessibles"], False),
        (["Bon", "Excellent", "Laisse à désirer", "Moyen", "Bon"], "appréciation",
         ["Laisse à désirer", "Moyen", "Bon", "Excellent"], False),
        # orders inferred from the words of labels no list holds
        (["Très satisfaites", "Peu satisfaites", "Plutôt satisfaites"], "satisfaction",
         ["Peu satisfaites", "Plutôt satisfaites", "Très satisfaites"], True),
        (["Tout le temps", "Presque jamais", "Régulièrement"], "fréquence",
         ["Presque jamais", "Régulièrement", "Tout le temps"], True),
        (["Plutôt inaccessible", "Très accessible", "Plutôt accessible"], "accessibilité / facilité",
         ["Plutôt inaccessible", "Plutôt accessible", "Très accessible"], True),
        (["Très difficile", "Assez facile", "Difficile"], "accessibilité / facilité",
         ["Très difficile", "Difficile", "Assez facile"], True),
        (["Excellent", "Correct", "Médiocre"], "appréciation", ["Médiocre", "Correct", "Excellent"], True),
        (["Tout à fait confiance", "Peu confiance", "Plutôt confiance"], "confiance",
         ["Peu confiance", "Plutôt confiance", "Tout à fait confiance"], True),
        (["Très confiant", "Pas du tout confiant", "Moyennement confiant", "NSP"], "confiance",
         ["Pas du tout confiant", "Moyennement confiant", "Très confiant"], True),
        (["En désaccord", "Tout à fait d'accord", "Plutôt en désaccord"], "accord",
         ["En désaccord", "Plutôt en désaccord", "Tout à fait d'accord"], True),
    ],
)
def test_ordinal_families_and_order(answers: list[str], family: str, order: list[str], inferred: bool) -> None:
    m = match_scale(answers, MISSING)
    assert m is not None and (m.family, list(m.labels), m.inferred) == (family, order, inferred)
    raw = pd.DataFrame({"Question": answers * 2}, dtype="str")
    spec = infer_dictionary(raw).columns[0]
    assert spec.kind == "likert" and spec.scale == order
    assert " < ".join(order) in (spec.note or "") and "vérifier l'ordre" in (spec.note or "")


@pytest.mark.parametrize(
    "answers",
    [
        ["Oui", "Non", "Oui"],  # not ordinal
        ["Bon", "Bien", "Bon"],  # two labels at one position: order unknown
        ["Très satisfait", "Très important", "Peu important"],  # two families
        ["Voiture", "Bus", "À pied", "Voiture"],
    ],
)
def test_non_scales_are_not_likert(answers: list[str]) -> None:
    assert match_scale(answers, MISSING) is None
    assert infer_dictionary(pd.DataFrame({"Q": answers * 3}, dtype="str")).columns[0].kind != "likert"


def test_label_positions_are_ordered_within_a_family() -> None:
    labels = ("Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
              "D'accord", "Tout à fait d'accord")
    pos = [label_position(x) for x in labels]
    assert all(p is not None and p[0] == "accord" for p in pos)
    ranks = [p[1] for p in pos if p]
    assert ranks == sorted(ranks) and len(set(ranks)) == 6
    assert label_position("Le bus passe trop rarement") is None


# --------------------------------------------------------------------------- draft → validate round trip

HEADER = ["ID", "Nombre d'enfants à charge", "Âge", "Date de la visite", "Qualité de l'accueil",
          "Fréquence des visites", "Les services sont-ils accessibles ?", "Remarques"]
ROWS = [
    ["1", "2", "34", "12/03/2026", "Bonne", "Souvent", "Peu accessibles", "Rien à dire"],
    ["2", "0", "71", "13/03/2026", "Très bonne", "Jamais", "Très accessibles", ""],
    ["3", "Autres (préciser)", "NSP", "13/03/2026", "Mauvaise", "Parfois", "Pas du tout accessibles",
     "Le parking est trop petit, pas de bus"],
    ["4", "1", "45", "14/03/2026", "Bonne", "Toujours", "Peu accessibles", "Accueil souriant"],
    ["5", "3", "58", "hier", "Très mauvaise", "Souvent", "Très accessibles", "Il faudrait un médecin le samedi"],
    ["6", "Autres (préciser)", "29", "15/03/2026", "Bonne", "Parfois", "", "Trop d'attente au téléphone"],
    ["7", "1", "63", "15/03/2026", "", "Jamais", "Très accessibles", "Merci"],
    ["8", "2", "40", "16/03/2026", "Très bonne", "Souvent", "Peu accessibles", "Plus d'infirmières"],
    ["9", "0", "37", "16/03/2026", "Bonne", "Toujours", "Très accessibles", ""],
    ["10", "4", "52", "17/03/2026", "Mauvaise", "Parfois", "Peu accessibles", "Je ne sais pas quoi dire"],
]


def _csv(path: Path) -> Path:
    text = "\r\n".join(";".join(r) for r in [HEADER, *ROWS]) + "\r\n"
    path.write_bytes(text.encode("cp1252"))  # Excel « CSV (séparateur : point-virgule) »
    return path


def _xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in ROWS:  # numbers typed as numbers, as in a real Kobo XLSX
        ws.append([int(c) if c.isdigit() else (c or None) for c in r])
    wb.save(path)
    return path


@pytest.mark.parametrize("make", [_csv, _xlsx], ids=["csv_cp1252", "xlsx"])
def test_draft_validates_its_own_export(tmp_path: Path, make) -> None:  # noqa: ANN001
    path = make(tmp_path / ("export.csv" if make is _csv else "export.xlsx"))
    survey = read_survey(path)  # drafts a dictionary, then validates the export with it: no error
    assert survey.dictionary_inferred and survey.problems == []
    spec = {c.column: c for c in survey.dictionary.columns}
    kids = spec["Nombre d'enfants à charge"]
    assert kids.kind == "closed" and kids.categories == ["0", "1", "2", "3", "4", "Autres (préciser)"]
    assert "« Autres (préciser) » (lignes 4, 7)" in (kids.note or "")  # spreadsheet rows, for the researcher
    age = spec["Âge"]
    assert (age.kind, age.missing) == ("numeric", ["NSP"])
    assert survey.responses["age"].isna().tolist() == [False, False, True] + [False] * 7
    visit = spec["Date de la visite"]
    assert visit.kind == "open" and "« hier » (ligne 6)" in (visit.note or "")
    assert spec["Qualité de l'accueil"].scale == ["Très mauvaise", "Mauvaise", "Moyenne", "Bonne", "Très bonne"]
    assert spec["Fréquence des visites"].kind == "likert"
    assert spec["Les services sont-ils accessibles ?"].kind == "likert"
    # the saved draft, read back from YAML, validates the export too
    yaml_path = save_dictionary(survey.dictionary, tmp_path / "dictionary.yaml")
    assert "# à vérifier : colonne surtout numérique" in yaml_path.read_text(encoding="utf-8")
    again = read_survey(path, load_dictionary(yaml_path))
    assert again.problems == [] and len(again.responses) == len(ROWS)


def test_mixed_column_with_many_values_is_drafted_open(tmp_path: Path) -> None:
    values = [str(v) for v in range(40)] + ["Autres (préciser)", "Autres (préciser)"]
    raw = pd.DataFrame({"Distance au cabinet (km)": values}, index=range(2, 2 + len(values)), dtype="str")
    spec = infer_dictionary(raw).columns[0]
    assert spec.kind == "open" and "trop de valeurs différentes" in (spec.note or "")
    assert "lignes 42, 43" in (spec.note or "")
    path = tmp_path / "distances.csv"
    path.write_text("Distance au cabinet (km)\n" + "\n".join(values) + "\n", encoding="utf-8")
    assert read_survey(path).problems == []


def test_old_import_path_still_works() -> None:
    from areas_analysis.ingest import dictionary, draft

    assert dictionary.infer_dictionary is draft.infer_dictionary is infer_dictionary
    assert dictionary.unique_headers(["a", "a", "b"]) == ["a", "a (2)", "b"]
