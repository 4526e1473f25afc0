"""Findings the notebooks record for the Synthèse: computed from result tables, words follow the numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from areas_analysis import findings


def _priorities() -> pd.DataFrame:
    rows = []
    for atelier, themes in {"A01": ["isolement", "transport", "acces"], "A02": ["isolement", "numerique"],
                            "A03": ["acces", "isolement", "transport", "aidants"]}.items():
        for rank, theme in enumerate(themes, 1):
            rows.append({"atelier_id": atelier, "theme_id": theme, "rang": rank, "prioritaire": True})
        rows.append({"atelier_id": atelier, "theme_id": "cout", "rang": len(themes) + 1, "prioritaire": False})
    return pd.DataFrame(rows)


class _Coding:  # the attributes of themes.CodingReport that findings read
    labels = {"isolement": "Isolement et lien social", "acces": "Accès au médecin"}
    reliability = pd.DataFrame({"theme_id": ["isolement", "acces", "transport"],
                                "libelle": ["Isolement et lien social", "Accès au médecin", "Transport"],
                                "kappa": [0.72, 0.31, np.nan]})
    overall = pd.DataFrame({"n_codes_humains": [120], "kappa_moyen": [0.52]})


def test_workshop_findings_rank_themes_and_name_the_weak_ones() -> None:
    first, per_atelier = findings.workshop_findings(_priorities(), _Coding())
    assert "Isolement et lien social (3 ateliers sur 3)" in first["text"]
    assert first["text"].index("Isolement") < first["text"].index("Accès au médecin (2 ateliers sur 3)")
    assert "2 atelier(s) sur 3 ont au moins 3" in first["text"]  # A02 has 2
    assert "modéré (κ = 0,52)" in first["reliability"] and "Accès au médecin" in first["reliability"]
    assert "Isolement" not in first["reliability"].split("prudence")[1]  # κ 0.72 is not weak
    assert "A03 : Accès au médecin, Isolement et lien social, transport…" in per_atelier["text"]
    assert first["anchor"] == "Thèmes prioritaires de chaque atelier"


def test_skipped_sections_say_so() -> None:
    for found in (findings.workshop_findings(None), findings.needs_findings(None),
                  findings.indicator_findings(None), findings.dpper_findings("RetExp", None)):
        assert len(found) == 1 and "absent" in found[0]["text"] and found[0]["reliability"]


def test_needs_and_indicators_in_words() -> None:
    cong = pd.DataFrame({"theme": ["Accès", "Soignants", "Transport"], "n_usagers": [300] * 3, "n_pros": [80] * 3,
                         "p_usagers": [0.46, 0.10, 0.18], "ic_bas_usagers": [0.41, 0.07, 0.14],
                         "ic_haut_usagers": [0.52, 0.13, 0.23], "p_pros": [0.37, 0.56, 0.14],
                         "ic_bas_pros": [0.27, 0.45, 0.08], "ic_haut_pros": [0.48, 0.66, 0.23],
                         "difference": [0.09, -0.46, 0.04], "ecart_etabli": [False, True, False]})
    top, gaps = findings.needs_findings(cong, _Coding(), None)
    assert "Accès (46\u00a0% [41 ; 52])" in top["text"] and "Soignants (56\u00a0% [45 ; 66])" in top["text"]
    assert "Professionnels : Fiabilité du codage inconnue" in top["reliability"]
    assert "plus cité par les professionnels : Soignants" in gaps["text"] and "usagers :" not in gaps["text"]
    ind = pd.DataFrame({"libelle": ["Ateliers", "Communes"], "valeur": [8.0, 5.0], "cible": [30.0, 15.0],
                        "statut": ["en retard", "en bonne voie"]})
    (one,) = findings.indicator_findings(ind)
    assert "1 en retard, 1 en bonne voie" in one["text"] and "Ateliers (8 pour une cible de 30)" in one["text"]


def test_recorded_findings_are_json_in_order_and_a_rerun_replaces_them(tmp_path: Path) -> None:
    items = [{"text": f"Constat {i}", "reliability": "Fiable.", "anchor": "Titre"} for i in range(3)]
    findings.record_findings(tmp_path, "ateliers", items)
    findings.record_findings(tmp_path, "ateliers", items[:2])  # rerun with fewer findings
    findings.record_findings(tmp_path, "dpper_ECOS", items[:1])
    loaded = findings.load_findings(tmp_path)
    assert [(f.section, f.text) for f in loaded] == [("ateliers", "Constat 0"), ("ateliers", "Constat 1"),
                                                     ("dpper_ecos", "Constat 0")]
    raw = json.loads((tmp_path / "constats" / "ateliers_01.json").read_text(encoding="utf-8"))
    assert raw == {"section": "ateliers", "text": "Constat 0", "reliability": "Fiable.", "anchor": "Titre",
                   "order": 1}


def test_dpper_synthesis_uses_the_session_aware_word_not_the_student_p_value() -> None:
    """Two items significant per student, only one once sessions are accounted for: the Synthèse says one."""
    paired = pd.DataFrame({
        "item": ["ecoute", "confiance", "temps"], "libelle": ["Écoute", "Confiance", "Temps"],
        "n_paires": [44, 44, 44], "n_seances": [6, 6, 6],
        "p_ajuste": [0.001, 0.002, 0.4],          # Wilcoxon per student, Holm
        "conclusion": ["net", "tendance", "non concluant"],
        "r_rang_biserial": [0.5, 0.7, 0.1], "r_ic_bas": [0.2, 0.4, -0.2], "r_ic_haut": [0.7, 0.9, 0.4],
        "correction": ["Holm sur 3 tests"] * 3})
    effect = pd.DataFrame({"item": ["ecoute"], "libelle": ["Écoute"], "effet": [0.6], "ic_bas": [0.3],
                           "ic_haut": [0.9], "p_ajuste": [0.01],
                           "conclusion": ["le dispositif ne permet pas de conclure"],
                           "n_seances_avec": [3], "n_seances_sans": [3], "p_min_possible": [0.1]})
    items = findings.dpper_findings("ECOS", paired, effect)
    assert "nettement plus favorablement pour 1 item(s) sur 3" in items[0]["text"]
    assert "« Écoute »" in items[0]["text"] and "tendance pour 1 autre(s)" in items[0]["text"]
    assert "6 séances" in items[0]["text"]
    # with/without partner: 3 vs 3 sessions cannot give a net result, whatever the per-student p-value says
    assert "le dispositif ne permet pas de conclure" in items[1]["text"]
    assert "nettement" not in items[1]["text"] and "0,10" in items[1]["reliability"]


def test_no_priority_theme_is_said_in_words_not_as_an_empty_list() -> None:
    none = _priorities().assign(prioritaire=False)
    items = findings.workshop_findings(none, _Coding())
    assert len(items) == 1 and items[0]["text"].startswith("Aucun thème prioritaire sur 3 ateliers")
    assert " : ." not in items[0]["text"] and "—  ." not in items[0]["text"]
