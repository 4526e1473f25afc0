"""Matching before/after questionnaires: code normalisation, unmatched and excluded answers, French errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from areas_analysis.errors import InputError
from areas_analysis.evaluate import (
    AGREEMENT_SCALE,
    likert_to_scores,
    normalise_code,
    pair_before_after,
    paired_tests,
    pairing_summary,
)

S = list(AGREEMENT_SCALE)


def frame(codes, sessions, arms, **items) -> pd.DataFrame:
    return pd.DataFrame({"code_etudiant": codes, "session_id": sessions, "patient_partenaire": arms, **items})


def test_normalise_code_case_spaces_accents_separators():
    codes = pd.Series(["MA12BR", " ma 12 br ", "Mâ-12_BR", "ma.12/br", None, "  ", "É'01"])
    out = normalise_code(codes)
    assert list(out[:4]) == ["ma12br"] * 4
    assert out[4:6].isna().all()
    assert out[6] == "e01"
    assert codes[1] == " ma 12 br "  # input untouched


def test_unmatched_students_missing_and_dont_know_are_counted():
    before = frame(["AA01", "BB02", "CC03", "DD04", None], ["S1", "S1", "S2", "S2", "S2"],
                   ["Oui", "Oui", "Non", "Non", "Non"],
                   q=[S[0], "Je ne sais pas", S[2], S[3], S[1]])
    after = frame(["aa 01", "BB02", "cc03", "EE05"], ["S1", "S1", "S2", "S2"], ["Oui", "Oui", "Non", "Non"],
                  q=[S[3], S[4], None, S[4]])
    pairs = pair_before_after(before, after, ["q"])
    counts = pairs.attrs["comptes"]
    assert counts == {"n_avant": 5, "n_apres": 4, "n_apparies": 3, "n_avant_seulement": 2,
                      "n_apres_seulement": 1, "n_sans_code": 1, "n_doublons_retires": 0, "n_conflits": 0}
    status = pairs.set_index(pairs["code_etudiant"].fillna("(sans code)"))["statut"]
    assert status["aa01"] == "utilisée"
    assert status["bb02"] == "« Je ne sais pas »"
    assert status["cc03"] == "réponse manquante"
    assert status["dd04"] == "non appariée (avant seulement)"
    assert status["(sans code)"] == "non appariée (avant seulement)"
    assert status["ee05"] == "non appariée (après seulement)"
    used = pairs[pairs["statut"] == "utilisée"].iloc[0]
    assert (used["avant"], used["apres"], used["difference"]) == (1.0, 4.0, 3.0)
    table = paired_tests(pairs, n_boot=200)
    row = table.iloc[0]
    assert (row["n_paires"], row["n_non_apparies"], row["n_ne_sait_pas"], row["n_manquants"]) == (1, 3, 1, 1)
    assert row["n_exclus"] == 5
    summary = pairing_summary(pairs).set_index("bras")
    assert summary.loc["Total", "n_apparies"] == 3
    assert summary.loc["sans patient partenaire", "n_avant_seulement"] == 2
    assert summary.loc["avec patient partenaire", "n_apparies"] == 2
    assert "seulement avant" in pairs.attrs["note"]


def test_dont_know_wins_over_empty_and_is_recognised_loosely():
    before = frame(["A1", "B2"], ["S1", "S1"], ["Oui", "Oui"], q=["  je NE sais pas ", None])
    after = frame(["A1", "B2"], ["S1", "S1"], ["oui", "OUI"], q=[None, "Je ne sais pas"])
    pairs = pair_before_after(before, after, ["q"])
    assert (pairs["statut"] == "« Je ne sais pas »").all()


def test_ordered_categorical_and_numeric_items_are_accepted():
    cat = pd.CategoricalDtype(S, ordered=True)
    before = frame(["A1", "B2", "C3"], ["S1"] * 3, ["Non"] * 3, q=pd.Series([S[0], S[1], None], dtype=cat))
    after = frame(["A1", "B2", "C3"], ["S1"] * 3, ["Non"] * 3, q=pd.Series([S[2], S[1], S[4]], dtype=cat))
    pairs = pair_before_after(before, after, ["q"])
    assert list(pairs["difference"].iloc[:2]) == [2.0, 0.0]
    assert pairs["statut"].iloc[2] == "réponse manquante"
    num_b = frame(["A1", "B2"], ["S1"] * 2, [1, 0], q=[1, 2])
    num_a = frame(["A1", "B2"], ["S1"] * 2, [True, False], q=[3, np.nan])
    pairs = pair_before_after(num_b, num_a, ["q"], scale=None)
    assert pairs["difference"].iloc[0] == 2.0
    assert list(pairs["patient_partenaire"]) == ["avec patient partenaire", "sans patient partenaire"]


def test_unknown_likert_label_names_file_row_and_column():
    before = frame(["A1", "B2"], ["S1"] * 2, ["Oui"] * 2, q=[S[0], "Bof"])
    after = frame(["A1", "B2"], ["S1"] * 2, ["Oui"] * 2, q=[S[0], S[1]])
    with pytest.raises(InputError) as err:
        pair_before_after(before, after, ["q"])
    msg = str(err.value)
    assert "questionnaire avant, ligne 3, colonne « q »" in msg and "« Bof » hors échelle" in msg


def test_scores_and_reasons_of_likert_to_scores():
    scores, reason = likert_to_scores(pd.Series(["Tout à fait d'accord", "", "Je ne sais pas", "plutot d'accord"],
                                                name="q"))
    assert scores.iloc[0] == 5.0 and scores.iloc[3] == 4.0
    assert list(reason) == ["reponse", "manquant", "ne_sait_pas", "reponse"]


def test_duplicated_codes_refused_or_resolved():
    before = frame(["A1", "a 1", "B2"], ["S1"] * 3, ["Oui"] * 3, q=[S[0], S[1], S[2]])
    after = frame(["A1", "B2"], ["S1"] * 2, ["Oui"] * 2, q=[S[3], S[3]])
    with pytest.raises(InputError) as err:
        pair_before_after(before, after, ["q"])
    assert "« a1 »" in str(err.value) and "lignes 2, 3" in str(err.value)
    last = pair_before_after(before, after, ["q"], duplicates="last")
    assert last.attrs["comptes"]["n_doublons_retires"] == 1
    assert last.loc[last["code_etudiant"] == "a1", "avant"].iloc[0] == 2.0
    first = pair_before_after(before, after, ["q"], duplicates="first")
    assert first.loc[first["code_etudiant"] == "a1", "avant"].iloc[0] == 1.0


def test_conflicting_sessions_refused_or_resolved():
    before = frame(["A1", "B2"], ["S1", "S1"], ["Oui", "Oui"], q=[S[0], S[1]])
    after = frame(["A1", "B2"], ["S2", "S1"], ["Non", "Oui"], q=[S[3], S[3]])
    with pytest.raises(InputError, match="séance « S1 »"):
        pair_before_after(before, after, ["q"])
    out = pair_before_after(before, after, ["q"], conflicts="after")
    assert out.loc[out["code_etudiant"] == "a1", "session_id"].iloc[0] == "S2"
    assert out.attrs["comptes"]["n_conflits"] == 1
    out = pair_before_after(before, after, ["q"], conflicts="before")
    assert out.loc[out["code_etudiant"] == "a1", "patient_partenaire"].iloc[0] == "avec patient partenaire"


def test_missing_column_and_bad_arm_value_are_french_errors():
    before = frame(["A1"], ["S1"], ["Oui"], q=[S[0]])
    after = frame(["A1"], ["S1"], ["Peut-être"], q=[S[0]])
    with pytest.raises(InputError, match="questionnaire après, ligne 2, colonne « patient_partenaire »"):
        pair_before_after(before, after, ["q"])
    with pytest.raises(InputError, match="colonne « r » : colonne absente"):
        pair_before_after(before, before, ["q", "r"])
