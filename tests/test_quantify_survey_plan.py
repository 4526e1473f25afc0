"""Which questionnaire sections run, decided from the data dictionary and named parameters."""

from __future__ import annotations

import pytest

from areas_analysis.errors import InputError
from areas_analysis.ingest.dictionary import ColumnSpec, Dictionary
from areas_analysis.quantify.survey_plan import MIN_OPEN_ANSWERS_FOR_TESTS, plan_survey, respondents_table

SCALE = ["Jamais", "Rarement", "Souvent", "Toujours"]


def dictionary(*extra: ColumnSpec) -> Dictionary:
    cols = [ColumnSpec("N°", "numero", "id"),
            ColumnSpec("Ville", "ville", "commune"),
            ColumnSpec("Profil", "profil_rep", "closed", categories=["Habitant", "Élu"]),
            ColumnSpec("Âge", "age", "closed", categories=[f"{i}0 ans" for i in range(2, 12)]),  # 10 categories
            ColumnSpec("Avis", "avis", "open"), *extra]
    return Dictionary("essai", "1", cols, source="essai.yaml")


def test_profile_and_sections_come_from_the_dictionary() -> None:
    plan = plan_survey(dictionary(), n_open_answers=40)
    assert plan.profile == ["profil_rep"]  # « age » has more than 8 categories: not a default profile column
    assert plan.commune == "ville" and plan.open == ["avis"] and plan.likert == []
    assert not plan.runs("likert") and "aucune colonne de type « likert »" in plan.skip_note("likert")
    assert plan.runs("themes") and plan.runs("prevalence_commune") and plan.runs("associations")
    assert not plan.runs("prevalence_groupe") and "« groupe » non renseigné" in plan.skip_note("prevalence_groupe")
    assert not plan.runs("congruence") and not plan.runs("logistique") and not plan.runs("ordinal")


def test_named_parameters_drive_the_models() -> None:
    d = dictionary(ColumnSpec("Fréquence", "frequence", "likert", scale=SCALE))
    plan = plan_survey(d, theme_ids=["a", "b"], groupe="profil_rep", profil=["profil_rep", "age"],
                       modele_theme="a", modele_echelle="frequence", modele_echelle_theme="b",
                       n_open_answers=40, pros=True)
    # the commune's remoteness joins the profile covariates by default (the dictionary has a commune column)
    assert plan.covariates == ["age", "eloignement"]
    assert plan.ordinal_predictors == ["theme__b", "age", "eloignement"]
    assert plan.joint_variables == ["profil_rep", "age", "frequence"]
    assert all(plan.runs(s) for s in ("likert", "likert_groupe", "logistique", "ordinal", "congruence"))


def test_too_few_open_answers_skip_tests_and_models_but_not_themes() -> None:
    plan = plan_survey(dictionary(), theme_ids=["a"], modele_theme="a",
                       n_open_answers=MIN_OPEN_ANSWERS_FOR_TESTS - 1)
    assert plan.runs("themes")
    assert not plan.runs("associations") and "trop peu de réponses libres" in plan.skip_note("logistique")
    assert not plan_survey(dictionary(), n_open_answers=0).runs("themes")


def test_bad_named_parameters_are_all_listed() -> None:
    with pytest.raises(InputError) as err:
        plan_survey(dictionary(), theme_ids=["a"], profil=["statut"], groupe="avis", modele_theme="transport",
                    modele_echelle="profil_rep")
    messages = [p.message for p in err.value.problems]
    assert len(messages) == 4
    assert any("« profil » : colonne « statut » absente" in m for m in messages)
    assert any("« groupe » : la colonne « avis » est de type « open »" in m for m in messages)
    assert any("« modele_theme » : thème « transport » absent" in m for m in messages)
    assert any("« modele_echelle » : la colonne « profil_rep » est de type « closed »" in m for m in messages)


def test_respondents_table_names_the_id_column_like_open_answers() -> None:
    import pandas as pd

    df = pd.DataFrame({"id_reponse": ["1", "2"], "x": [1, 2]})
    out = respondents_table(df, "id_reponse")
    assert list(out.columns) == ["respondent_id", "x"] and list(df.columns) == ["id_reponse", "x"]


def test_model_covariates_by_name_are_checked_and_replace_the_default() -> None:
    d = dictionary(ColumnSpec("Fréquence", "frequence", "likert", scale=SCALE))
    plan = plan_survey(d, theme_ids=["a"], modele_theme="a", modele_covariables=["profil_rep"], n_open_answers=40)
    assert plan.covariates == ["profil_rep"] and not plan.needs_remoteness
    with pytest.raises(InputError) as err:
        plan_survey(d, theme_ids=["a"], modele_theme="a", modele_covariables=["revenu", "avis"], n_open_answers=40)
    text = str(err.value)
    assert "« modele_covariables » : colonne « revenu » absente" in text
    assert "« avis » est de type « open »" in text


def test_default_remoteness_is_dropped_with_a_note_when_communes_are_unknown() -> None:
    import pandas as pd

    plan = plan_survey(dictionary(), theme_ids=["a"], modele_theme="a", n_open_answers=40)
    known = pd.DataFrame({"ville": ["Montfort-sur-Meu", "Iffendic", "Paimpont"] * 4, "profil_rep": ["Élu"] * 12})
    same = known.assign(ville="Montfort-sur-Meu")
    unknown = known.assign(ville="Quimper")
    table, covariates, ordinal, note = plan.model_inputs(known)
    assert "eloignement" in table.columns and covariates == ["profil_rep", "eloignement"] and note == ""
    table, covariates, ordinal, note = plan.model_inputs(unknown)
    assert "eloignement" not in table.columns and covariates == ["profil_rep"]
    assert "Éloignement de la commune non utilisé" in note and "0 %" in note
    _, covariates, _, note = plan.model_inputs(same)
    assert covariates == ["profil_rep"] and "même classe" in note
    forced = plan_survey(dictionary(), theme_ids=["a"], modele_theme="a", modele_covariables=["eloignement"],
                         n_open_answers=40)
    table, covariates, _, note = forced.model_inputs(unknown)  # asked for by name: kept
    assert covariates == ["eloignement"] and note == ""
