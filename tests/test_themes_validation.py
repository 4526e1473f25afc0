"""Validation sample: random draw (stratified, recorded), validation/revue split, cross-fitting, new themes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from areas_analysis.errors import InputError
from areas_analysis.themes.validation import (
    cross_fitted_predictions,
    draw_validation_sample,
    new_theme_review_ids,
    split_codings,
    unvalidated_themes,
)


def _texts(n=60):
    return pd.DataFrame({"id": [f"T{i:03d}" for i in range(n)],
                         "atelier": np.where(np.arange(n) < 45, "A01", "A02"),
                         "rep": [f"R{i // 3:02d}" for i in range(n)]})


def test_draw_is_proportional_deterministic_and_recorded():
    df = _texts()
    a = draw_validation_sample(df, id_col="id", size=12, strata_col="atelier", seed=3)
    b = draw_validation_sample(df, id_col="id", size=12, strata_col="atelier", seed=3)
    c = draw_validation_sample(df, id_col="id", size=12, strata_col="atelier", seed=4)
    assert a.equals(b) and not a.equals(c)
    assert a["strate"].value_counts().to_dict() == {"A01": 9, "A02": 3}
    rec = a.attrs["record"]
    assert rec["graine"] == 3 and rec["allocation"]["A02"] == {"population": 15, "tirees": 3}
    assert rec["identifiants"] == a["id"].tolist()
    assert df["id"].tolist()[0] == "T000"  # input untouched


def test_draw_by_respondent_takes_whole_respondents_and_small_strata_get_two():
    df = _texts()
    s = draw_validation_sample(df, id_col="id", share=0.1, strata_col="atelier", cluster_col="rep", seed=1)
    assert s.groupby("rep").size().eq(3).all()  # all texts of a drawn respondent
    assert s.drop_duplicates("rep")["strate"].value_counts()["A02"] >= 2  # floor of 2 per stratum


def test_split_keeps_review_rows_apart_and_one_coder_per_text():
    raw = pd.DataFrame({"id": ["a", "a", "a", "b", "c", "d"],
                        "theme_id": ["t1", "t2", "t3", "", "t1", "t2"],
                        "coder": ["c1", "c1", "c2", "c1", "c1", "c1"],
                        "echantillon": ["validation", "validation", "validation", "", "revue", "Revue"]})
    val, rev = split_codings(raw)
    assert sorted(val["id"].unique()) == ["a", "b"]  # empty echantillon = validation
    assert set(val.loc[val["id"] == "a", "theme_id"]) == {"t1", "t2"}  # second coder's t3 not added
    assert sorted(rev["id"]) == ["c", "d"]
    with pytest.raises(InputError, match="inconnue"):
        split_codings(raw.assign(echantillon="hasard"))


def test_cross_fitted_prediction_of_a_human_coded_text_ignores_its_own_code():
    texts = (["Pas de médecin traitant ici"] * 3 + ["Le bus ne passe plus", "Pas de voiture, pas de bus"] * 2
             + ["Trouver un généraliste est impossible", "Il fait beau", "Rien à signaler"] * 2)
    df = pd.DataFrame({"id": [f"x{i}" for i in range(len(texts))], "text": texts})
    gold = pd.DataFrame({"id": [f"x{i}" for i in range(10)],
                         "theme_id": ["med", "med", "med", "bus", "bus", "bus", "bus", "med", None, None]})
    flipped = gold.assign(theme_id=gold["theme_id"].where(gold["id"] != "x0", None))
    x = TfidfVectorizer().fit_transform(texts)  # any unsupervised features: the property is the cross-fitting
    p1 = cross_fitted_predictions(df, "text", gold, id_col="id", themes=["med", "bus"], folds=5, features=x)
    p2 = cross_fitted_predictions(df, "text", flipped, id_col="id", themes=["med", "bus"], folds=5, features=x)
    key = (p1["id"] == "x0") & (p1["theme_id"] == "med")
    assert p1.loc[key, "prediction"].item() == pytest.approx(p2.loc[key, "prediction"].item())
    other = (p1["id"] == "x12") & (p1["theme_id"] == "med")  # unlabelled: mean of fold models, which changed
    assert p1.loc[other, "prediction"].item() != pytest.approx(p2.loc[other, "prediction"].item())
    assert p1["prediction"].between(0, 1).all()


def test_new_themes_are_flagged_and_their_likely_members_queued():
    val = pd.DataFrame({"id": ["a", "b"], "theme_id": ["t1", None]})
    assert unvalidated_themes(["t1", "nouveau"], val) == ["nouveau"]
    assert unvalidated_themes(["t1"], None) == ["t1"]
    machine = pd.DataFrame({"id": ["a", "c", "d", "e"], "theme_id": ["nouveau"] * 4,
                            "score": [0.9, 0.2, 0.8, 0.5]})
    q = new_theme_review_ids(machine, ["nouveau"], n=2, exclude=["a"])
    assert q["id"].tolist() == ["d", "e"] and q["raison"].str.contains("non validé").all()


def test_prepare_validation_without_human_sample_gives_plain_machine_counts():
    from areas_analysis.quantify.corrected import METHOD_UNCORRECTED
    from areas_analysis.themes import codebook_from_dict, prepare_validation

    cb = codebook_from_dict({"version": "1", "themes": [{"id": "t", "label": "T"}, {"id": "u", "label": "U"}]})
    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "text": ["x", "y", "z", "w"], "g": ["1", "1", "2", "2"]})
    machine = pd.DataFrame({"id": ["a", "b", "c", "d"], "theme_id": ["t", "t", "u", None]})
    v = prepare_validation(df, "text", cb, id_col="id", machine=machine, gold=None)
    assert not v.validated and v.predictions is None
    out = v.prevalence(df, "g").set_index(["g", "theme_id"])
    assert out.loc[("1", "t"), "proportion"] == 1.0 and out["methode"].eq(METHOD_UNCORRECTED).all()
    assert out["ic_bas"].isna().all()
