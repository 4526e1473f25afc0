"""Downstream of corrected shares: supported priorities, congruence on validated sides, unvalidated flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from areas_analysis.quantify import (
    corrected_prevalence,
    flag_unvalidated_coding,
    needs_congruence,
    priority_support,
    priority_themes,
)
from areas_analysis.quantify.corrected import METHOD_CORRECTED, METHOD_UNCORRECTED, METHOD_UNVALIDATED


def _segments():
    rows = []
    for a in ("A1", "A2"):
        for k in range(40):
            theme = "fort" if k < 20 else ("faible" if k == 20 else None)  # « faible » rarely raised
            rows.append({"segment_id": f"{a}-{k}", "atelier_id": a, "section": "idees_phares" if k % 4 == 0
                         else "constats", "table": str(k % 4), "theme_id": theme})
    return pd.DataFrame(rows)


def test_priority_kept_only_where_corrected_shares_support_it():
    seg = _segments()
    # the machine also codes « faible » on 16 more segments per atelier: the rule flags it ...
    machine = pd.concat([seg.dropna(subset=["theme_id"])[["segment_id", "theme_id"]],
                         pd.DataFrame({"segment_id": [f"{a}-{k}" for a in ("A1", "A2") for k in range(24, 40)],
                                       "theme_id": "faible"})])
    prio = priority_themes(seg.drop(columns="theme_id").merge(machine, on="segment_id", how="left"),
                           by="atelier_id", min_themes=1)
    assert prio.set_index(["atelier_id", "theme_id"]).loc[("A1", "faible"), "prioritaire"]
    # ... but the human validation sample (every other segment) shows « faible » absent and « fort » common
    gold = seg[seg["segment_id"].str.split("-").str[1].astype(int) % 2 == 0][["segment_id", "theme_id"]]
    gold = gold.rename(columns={"segment_id": "id"})
    corr = corrected_prevalence(seg, machine.rename(columns={"segment_id": "id"}), gold, "atelier_id",
                                unit_col="segment_id", themes=["fort", "faible"])
    out = priority_support(prio, corr).set_index(["atelier_id", "theme_id"])
    assert out.loc[("A1", "fort"), "prioritaire"]
    assert not out.loc[("A1", "faible"), "prioritaire"] and out.loc[("A1", "faible"), "prioritaire_regle"]
    assert out.loc[("A1", "faible"), "statut_priorite"] == "à confirmer : part corrigée non distinguable de 0"
    assert out.loc[("A1", "fort"), "rang_min"] == 1


def test_priority_not_supported_without_validation():
    seg = _segments()
    prio = priority_themes(seg, by="atelier_id", min_themes=1)
    corr = corrected_prevalence(seg, seg.rename(columns={"segment_id": "id"})[["id", "theme_id"]], None,
                                "atelier_id", unit_col="segment_id")
    out = priority_support(prio, corr)
    assert not out["prioritaire"].any()
    assert out.loc[out["prioritaire_regle"], "statut_priorite"].str.contains("non validé").all()


def _matrix(n, k, theme="t"):
    return pd.DataFrame({f"theme__{theme}": [1] * k + [0] * (n - k)})


def _corr(p, se, method=METHOD_CORRECTED, theme="t"):
    return pd.DataFrame({"theme_id": [theme], "proportion": [p], "ic_bas": [p - 1.96 * se],
                         "ic_haut": [p + 1.96 * se], "erreur_type": [se], "methode": [method]})


def test_congruence_uses_corrected_shares_when_both_sides_are_validated():
    raw = needs_congruence(_matrix(100, 40), _matrix(100, 10), ["t"])
    assert raw.iloc[0]["ecart_etabli"] and raw.iloc[0]["validation"].startswith("non vérifiée")
    # corrected: both about 20 %, no established gap
    cong = needs_congruence(_matrix(100, 40), _matrix(100, 10), ["t"], corrected_usagers=_corr(0.21, 0.04),
                            corrected_pros=_corr(0.19, 0.05))
    r = cong.iloc[0]
    assert r["p_usagers"] == pytest.approx(0.21) and not r["ecart_etabli"]
    half = 1.959964 * np.hypot(0.04, 0.05)
    assert r["ic_haut_difference"] == pytest.approx(0.02 + half, abs=1e-5)
    assert r["categorie"] == "cité par les deux"


@pytest.mark.parametrize("method", [METHOD_UNCORRECTED, METHOD_UNVALIDATED])
def test_congruence_flags_an_unvalidated_side(method):
    cong = needs_congruence(_matrix(100, 40), _matrix(100, 10), ["t"], corrected_usagers=_corr(0.3, 0.04),
                            corrected_pros=_corr(0.1, np.nan, method=method))
    r = cong.iloc[0]
    assert not r["ecart_etabli"] and r["categorie"] == "non comparable : codage pros non validé"
    assert "Non comparés" in cong.attrs["note"]


def test_theme_profile_results_flagged_when_coding_not_validated():
    table = pd.DataFrame({"theme_id": ["a", "b"], "p_value": [0.01, 0.5]})
    table.attrs["note"] = "Tests."
    flagged = flag_unvalidated_coding(table, validated=False)
    assert flagged["validation"].str.startswith("codage non validé").all()
    assert "Attention" in flagged.attrs["note"] and "validation" not in table.columns
    partly = flag_unvalidated_coding(table, validated=True, unvalidated_themes=["b"])
    assert partly["validation"].str.startswith("codage non validé").tolist() == [False, True]
    clean = flag_unvalidated_coding(table, validated=True)
    assert "Attention" not in clean.attrs["note"]


def test_theme_added_after_human_coding_is_non_valide_not_zero():
    units = pd.DataFrame({"id": [f"s{i}" for i in range(20)]})
    machine = pd.DataFrame({"id": [f"s{i}" for i in range(20)], "theme_id": ["ancien"] * 10 + ["nouveau"] * 10})
    gold = pd.DataFrame({"id": [f"s{i}" for i in range(0, 20, 2)], "theme_id": ["ancien"] * 5 + [None] * 5})
    out = corrected_prevalence(units, machine, gold, themes=["ancien", "nouveau"]).set_index("theme_id")
    assert out.loc["nouveau", "methode"] == METHOD_UNVALIDATED
    assert out.loc["nouveau", "proportion"] == pytest.approx(0.5) and np.isnan(out.loc["nouveau", "ic_bas"])
    assert out.loc["ancien", "methode"] == METHOD_CORRECTED
    assert "non validé" in out.attrs["note"]
