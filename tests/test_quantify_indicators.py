"""AREAS targets (real YAML), the synthetic activity log, indicators, status rule and progress."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from areas_analysis.config import DATA_DIR, SAMPLE_DIR
from areas_analysis.errors import AreasError, InputError
from areas_analysis.quantify import (
    compute_indicators,
    indicator_progress,
    load_activity,
    load_targets,
    note,
    participation_rates,
)

TARGETS = DATA_DIR / "objectifs_areas.yaml"
ACTIVITY = SAMPLE_DIR / "activite.yaml"


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return load_targets(TARGETS)


@pytest.fixture
def manifest() -> pd.DataFrame:
    return pd.DataFrame({
        "fichier": ["a.txt", "b.txt", "c.docx", "d.md"],
        "atelier_id": ["A01", "A02", "A03", "A04"],
        "commune": ["Montfort-sur-Meu", "Saint-Méen-le-Grand", "Montfort-sur-Meu", "Paimpont"],
        "date": ["2026-02-12", "2026-03-05", "2026-05-20", "2026-09-01"],  # A04 after the cycle date
        "public": ["usagers", "mixte", "aidants", "usagers"],
        "participants": [62, None, 38, 20],
    })


@pytest.mark.shared("context/areas_project_description.txt")
def test_targets_file_holds_the_project_objectives(targets):
    expected = {"ateliers": 30, "communes": 15, "participants_par_atelier": 50, "themes_prioritaires": 3,
                "repertoire_usagers": 1000, "plateformes": 3, "ateliers_soignants": 3,
                "soignants_participants": 50, "patients_partenaires": 4, "actions_dpper": 2}
    assert targets.set_index("id")["cible"].to_dict() == expected
    assert (targets["echeance"] == dt.date(2027, 9, 30)).all()
    desc = (DATA_DIR.parent.parent / "shared" / "context" / "areas_project_description.txt")
    # every source sentence is quoted from the project description
    text = " ".join(desc.read_text(encoding="utf-8").split())
    for s in targets["source"]:
        assert " ".join(s.split()) in text


def test_bad_targets_file_lists_every_problem(tmp_path):
    p = tmp_path / "objectifs.yaml"
    p.write_text("objectifs:\n  - id: a\n    libelle: A\n    cible: -3\n    unite: x\n    echeance: 2027-13-01\n"
                 "    mesure: ateliers\n    source: s\n  - id: b\n    libelle: B\n    cible: 2\n    unite: x\n"
                 "    echeance: 2027-09-30\n    mesure: magie\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_targets(p)
    assert "date impossible" in str(err.value)
    p.write_text(p.read_text(encoding="utf-8").replace("2027-13-01", "30/09/2027"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_targets(p)
    msg = str(err.value)
    assert "cible invalide" in msg and "date « echeance »" in msg and "mesure « magie »" in msg
    assert "« source » manquant" in msg and "objectif n° 2" in msg
    p.write_text("objectifs: [a: 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="YAML invalide"):
        load_targets(p)


def test_activity_log_is_labelled_synthetic():
    act = load_activity(ACTIVITY)
    assert act.synthetic and "synthétiques" in act.warning
    assert act.date == dt.date(2026, 6, 30)
    assert set(act.sections) >= {"repertoire", "plateformes", "ateliers_soignants", "patients_partenaires",
                                 "actions_dpper"}


def test_compute_indicators_values_and_status_rule(targets, manifest):
    act = load_activity(ACTIVITY)
    prio = pd.DataFrame({"atelier_id": ["A01", "A02"], "n_prioritaires": [4, 3]})
    before = manifest.copy(deep=True)
    ind = compute_indicators(targets, manifest=manifest, priorities=prio, activity=act, cycle="echantillon")
    pd.testing.assert_frame_equal(manifest, before)
    v = ind.set_index("id")
    assert v.loc["ateliers", "valeur"] == 3  # A04 is after the cycle date (30/06/2026)
    assert v.loc["communes", "valeur"] == 2
    assert v.loc["participants_par_atelier", "valeur"] == pytest.approx((62 + 38) / 2)
    assert v.loc["themes_prioritaires", "valeur"] == 0  # A03 has no priority theme: the minimum is 0
    assert v.loc["repertoire_usagers", "valeur"] == 85 + 140 + 37
    assert v.loc["patients_partenaires", "valeur"] == 2  # the one « en_preparation » does not count
    assert v.loc["soignants_participants", "valeur"] == 14
    assert v.loc["actions_dpper", "valeur"] == 0
    # status rule: linear trajectory for cumulative targets, 80 % for levels
    share = (dt.date(2026, 6, 30) - dt.date(2026, 1, 1)).days / (dt.date(2027, 9, 30) - dt.date(2026, 1, 1)).days
    assert v.loc["ateliers", "attendu_a_date"] == pytest.approx(30 * share)
    assert v.loc["ateliers", "statut"] == "en retard"  # 3 < 30 × 28 %
    assert v.loc["participants_par_atelier", "statut"] == "atteint"  # (62 + 38) / 2 = 50 ≥ 50
    assert v.loc["repertoire_usagers", "statut"] == "en bonne voie"  # its period starts in 2027
    assert "pas encore commencée" in v.loc["repertoire_usagers", "detail"]
    assert v.loc["communes", "pourcentage_atteint"] == pytest.approx(100 * 2 / 15)
    assert set(ind["statut"]) <= {"atteint", "en bonne voie", "en retard", "non mesuré"}
    assert ind["regle"].str.contains("trajectoire linéaire|80 %").all()
    assert "synthétiques" in note(ind)


def test_status_edges_and_missing_data(targets, manifest):
    late = compute_indicators(targets, manifest=manifest, as_of="2027-10-01")
    v = late.set_index("id")
    assert v.loc["ateliers", "statut"] == "en retard" and v.loc["ateliers", "valeur"] == 4
    assert (v.loc[["plateformes", "repertoire_usagers"], "statut"] == "non mesuré").all()
    assert "Non mesurés" in note(late)
    big = manifest.assign(participants=[80, 55, 51, 50])
    v = compute_indicators(targets, manifest=big, as_of="2026-12-31").set_index("id")
    assert v.loc["participants_par_atelier", "statut"] == "atteint"
    low = manifest.assign(participants=[45, 30, 41, 50])  # mean 38.7 over A01-A03 < 80 % of 50
    v = compute_indicators(targets, manifest=low, as_of="2026-06-30").set_index("id")
    assert v.loc["participants_par_atelier", "statut"] == "en retard"
    mid = manifest.assign(participants=[45, 40, 41, 50])  # 42 ≥ 40
    v = compute_indicators(targets, manifest=mid, as_of="2026-06-30").set_index("id")
    assert v.loc["participants_par_atelier", "statut"] == "en bonne voie"
    with pytest.raises(AreasError, match="as_of"):
        compute_indicators(targets)


def test_participation_rates(manifest):
    pr = participation_rates(manifest)
    assert pr["taux"].tolist()[0] == pytest.approx(62 / 50)
    assert pr["atteint"].tolist()[:1] == [True] and pd.isna(pr["atteint"].iloc[1])
    assert "non renseignés pour 1 atelier" in note(pr)
    bad = manifest.assign(participants=["62", "une vingtaine", None, "20"])
    with pytest.raises(InputError, match="une vingtaine"):
        participation_rates(bad)


def test_progress_over_cycles(targets, manifest):
    c1 = compute_indicators(targets, manifest=manifest.iloc[:1], as_of="2026-03-01", cycle="2026-S1")
    c2 = compute_indicators(targets, manifest=manifest, activity=load_activity(ACTIVITY), cycle="2026-S2")
    prog = indicator_progress([c1, c2])
    assert prog["cycle"].unique().tolist() == ["2026-S1", "2026-S2"]
    at = prog[prog["id"] == "ateliers"].set_index("cycle")
    assert at.loc["2026-S2", "progression"] == pytest.approx(100 * (3 - 1) / 30)
    assert pd.isna(at.loc["2026-S1", "progression"])
    assert prog[prog["ordre_cycle"] == 0]["id"].tolist() == targets["id"].tolist()  # target order kept
    assert "2 cycles" in note(prog)


def test_progress_from_past_cycle_csv(tmp_path, targets, manifest):
    """A past cycle's table read back from its Excel-friendly CSV (BOM, ';', decimal comma)."""
    past = compute_indicators(targets, manifest=manifest.iloc[:2], as_of="2026-03-31", cycle="2026-S1")
    path = tmp_path / "indicateurs.csv"
    past.to_csv(path, sep=";", decimal=",", encoding="utf-8-sig", index=False)
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    now = compute_indicators(targets, manifest=manifest, as_of="2026-06-30")
    prog = indicator_progress({"2026-S1": back, "2026-S2": now})
    comm = prog[prog["id"] == "communes"].set_index("cycle")
    assert comm.loc["2026-S2", "progression"] == pytest.approx(0.0)
    assert prog.loc[prog["id"] == "ateliers", "progression"].iloc[1] == pytest.approx(100 / 30)
