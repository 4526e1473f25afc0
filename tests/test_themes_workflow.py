"""code_and_check: every machine coding comes with its agreement with humans; human codes are kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from areas_analysis import themes
from areas_analysis.config import SAMPLE_DIR
from areas_analysis.evaluate import comments_for_themes, load_dpper

DPPER = SAMPLE_DIR / "dpper"


@pytest.fixture(scope="module")
def comments() -> pd.DataFrame:
    return comments_for_themes(load_dpper("ECOS", DPPER).after)


@pytest.fixture(scope="module")
def codebook():
    return themes.load_codebook(DPPER / "codebook_commentaires.yaml")


@pytest.fixture(scope="module")
def checked(comments, codebook):
    return themes.code_and_check(comments, "text", codebook, id_col="id",
                                 gold=DPPER / "codage_humain_commentaires_ecos.csv", strata_col="session_id")


def test_every_item_is_coded_once_and_human_codes_are_kept(checked, comments) -> None:
    gold = themes.read_codings(DPPER / "codage_humain_commentaires_ecos.csv")
    assert set(checked.codings["id"]) == set(comments["id"])
    human = checked.codings[checked.codings["source"] == "human"]
    assert set(human["id"]) == set(gold["id"])
    for item, grp in gold.groupby("id"):
        expected = set(grp["theme_id"].dropna())
        assert set(human.loc[human["id"] == item, "theme_id"].dropna()) == expected


def test_reliability_uses_the_method_that_agrees_best_with_humans(checked, comments, codebook) -> None:
    gold = themes.read_codings(DPPER / "codage_humain_commentaires_ecos.csv")
    cb = themes.apply_codebook(comments, "text", codebook, id_col="id")
    ref = themes.coding_agreement(cb, gold, ids=sorted(set(gold["id"])), themes=codebook.ids)
    rel = checked.reliability.set_index("theme_id")
    assert list(rel.index) == codebook.ids
    for t, k in ref.per_theme.set_index("theme_id")["kappa"].items():
        assert rel.at[t, "kappa_grille"] == pytest.approx(k, nan_ok=True)
    differing = 0
    for t, row in rel.iterrows():
        options = [k for k in (row["kappa_extension"], row["kappa_grille"]) if not np.isnan(k)]
        if not options:
            assert np.isnan(row["kappa"]), t
            continue
        assert row["kappa"] == pytest.approx(max(options)), t  # the better of the two, never the worse
        differing += len(options) == 2 and not np.isclose(options[0], options[1])
    assert differing >= 1, "the choice must matter on this data, or reversing it could not fail"
    assert "Fiabilité du codage" in checked.statement and "F1 =" in checked.statement
    assert set(rel["fiabilite"]) <= {"très bon", "bon", "modéré", "passable", "faible", "non mesurée",
                                     "non évaluable (moins de 10 exemples humains)"}
    assert "κ de Cohen" in checked.reliability.attrs["note"] and "F1" in checked.overall.attrs["note"]


def test_without_human_codes_the_coding_is_said_unvalidated(comments, codebook) -> None:
    report = themes.code_and_check(comments, "text", codebook, id_col="id", gold=None)
    assert "non validé" in report.statement.lower()
    assert report.reliability["kappa"].isna().all()
    assert (report.reliability["fiabilite"] == "non mesurée").all()
    assert len(report.review) > 0 and "decision" in report.review.columns


def test_with_reliability_and_join_do_not_mutate(checked, comments) -> None:
    before = comments.copy()
    joined = checked.join(comments, "id")
    assert len(joined) >= len(comments) and "theme_id" in joined.columns
    prev = pd.DataFrame({"theme_id": ["communication", "inconnu"], "proportion": [0.5, 0.1]})
    out = checked.with_reliability(prev)
    assert list(out["fiabilite"])[1] == "non mesurée" and "kappa_machine_humain" in out.columns
    pd.testing.assert_frame_equal(comments, before)


def test_coder_agreement_matches_coding_agreement() -> None:
    gold = themes.read_codings(SAMPLE_DIR / "codage_humain_ateliers.csv")
    table = themes.coder_agreement(gold)
    a, b = gold[gold["coder"] == "codeur_1"], gold[gold["coder"] == "codeur_2"]
    common = sorted(set(a["id"]) & set(b["id"]))
    ref = themes.coding_agreement(a, b, ids=common).overall.iloc[0]
    total = table[table["theme"] == "ensemble"].iloc[0]
    assert total["n_items"] == len(common) == 50
    assert total["alpha"] == pytest.approx(ref["alpha"])
    assert "plafond" in table.attrs["note"]


def test_partition_agreement_reports_nmi(comments, checked) -> None:
    # texts with exactly one codebook theme: their main theme needs no ranking, so the test does not
    # rebuild the implementation's own choice
    coded = checked.codings.dropna(subset=["theme_id"])
    single = coded.groupby("id").filter(lambda g: len(g) == 1)
    assert single["theme_id"].nunique() >= 3
    relabelled = {t: f"emergent_{i}" for i, t in enumerate(sorted(single["theme_id"].unique()), 1)}
    same = pd.DataFrame({"id": single["id"], "theme_id": single["theme_id"].map(relabelled)})
    same["theme_label"] = same["theme_id"]
    table = themes.partition_agreement(same, checked.codings)
    assert (table["part"] == 1.0).all() and "NMI = 1,00" in table.attrs["note"]  # names do not matter
    rng = np.random.default_rng(0)
    shuffled = same.assign(theme_id=rng.permutation(same["theme_id"].to_numpy()))
    shuffled["theme_label"] = shuffled["theme_id"]
    noisy = themes.partition_agreement(shuffled, checked.codings)
    nmi = float(noisy.attrs["note"].split("NMI = ")[1].split(",", 1)[0] + "." +
                noisy.attrs["note"].split("NMI = ")[1].split(",", 1)[1][:2])
    assert nmi < 0.5 and (noisy["part"] < 1.0).any()  # a partition unrelated to the codebook scores low


def test_coding_model_codes_next_cycle_like_this_one(checked, comments, tmp_path) -> None:
    """Fit once, reuse: the saved model gives the machine-coded items the same themes and scores."""
    assert isinstance(checked.model, themes.CodingModel)
    themes.save_model(checked.model, tmp_path / "modele")
    loaded = themes.load_model(tmp_path / "modele")
    human = set(checked.codings.loc[checked.codings["source"] == "human", "id"])
    others = comments[~comments["id"].isin(human)]
    again = loaded.predict(others, "text", id_col="id")
    before = checked.codings[checked.codings["id"].isin(set(others["id"]))]
    key = ["id", "theme_id"]
    merged = before.merge(again, on=key, how="outer", suffixes=("_cycle", "_next"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert np.allclose(merged["score_cycle"].fillna(-1), merged["score_next"].fillna(-1), atol=1e-6)
    assert set(again["theme_id"].dropna()) <= set(checked.model.codebook.ids)


def test_filled_review_queue_joins_the_human_codes(checked, comments, codebook, tmp_path) -> None:
    path = themes.write_review_queue(checked.review, tmp_path / "a_revoir.csv")
    filled = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", skiprows=1)
    line = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert all(t in line for t in codebook.ids)  # every codebook theme is offered
    filled.loc[0, "decision"] = "realisme_scenario"
    filled.loc[1, "decision"] = "aucun"
    path.write_text(line + "\n" + filled.to_csv(sep=";", index=False), encoding="utf-8-sig")
    report = themes.code_and_check(comments, "text", codebook, id_col="id", reviews=[path],
                                   gold=DPPER / "codage_humain_commentaires_ecos.csv",
                                   codebook_model=checked.model.codebook_model)
    table = themes.codes_table(report)
    assert list(table.columns) == ["id", "theme", "score", "source"]
    r0, r1 = filled.loc[0, "id"], filled.loc[1, "id"]
    assert table.loc[table["id"] == r0, "theme"].tolist() == ["realisme_scenario"]
    assert table.loc[table["id"] == r1, "theme"].isna().all()
    assert set(table.loc[table["id"].isin([r0, r1]), "source"]) == {"revue"}
    assert set(table["source"]) == {"human", "model", "revue"}
    # review decisions train the model but never measure it: agreement stays on the validation sample
    assert report.overall["n_codes_humains"].iloc[0] == checked.overall["n_codes_humains"].iloc[0]
    out = themes.write_codes_table(table, tmp_path / "codes_ateliers.csv")
    assert pd.read_csv(out, dtype=str, keep_default_na=False).shape == table.shape


def test_exemplar_quotes_with_encoder_skip_near_duplicates() -> None:
    df = pd.DataFrame({"id": ["a", "b", "c", "d"],
                       "text": ["Pas de bus le dimanche.", "Pas de bus le dimanche !", "La gare est trop loin",
                                "Le car ne passe plus"]})
    codings = pd.DataFrame({"id": ["a", "b", "c", "d"], "theme_id": "transport", "score": [0.9, 0.8, 0.7, 0.6],
                            "source": "model"})
    plain = themes.exemplar_quotes(codings, df, "text", id_col="id", n=2)
    assert plain["id"].tolist() == ["a", "b"]  # by score: the same complaint twice
    enc = themes.make_encoder("use", cache_dir=None)
    quotes = themes.exemplar_quotes(codings, df, "text", id_col="id", n=2, encoder=enc)
    assert len(quotes) == 2 and not {"a", "b"} <= set(quotes["id"])  # two different facets


def test_review_rows_of_a_coding_file_train_but_never_measure(comments, codebook, checked, tmp_path) -> None:
    gold = pd.read_csv(DPPER / "codage_humain_commentaires_ecos.csv", dtype=str, keep_default_na=False)
    ids = list(dict.fromkeys(gold["id"]))
    marked = gold.assign(echantillon=["revue" if i in set(ids[:5]) else "validation" for i in gold["id"]])
    path = tmp_path / "codage.csv"
    marked.to_csv(path, index=False)
    report = themes.code_and_check(comments, "text", codebook, id_col="id", gold=path,
                                   codebook_model=checked.model.codebook_model)
    assert report.overall["n_codes_humains"].iloc[0] == checked.overall["n_codes_humains"].iloc[0] - 5
    coded = report.codings[report.codings["id"].isin(ids[:5])]
    assert set(coded["source"]) == {"human"}  # their human codes are kept in the coding
    as_frame = themes.code_and_check(comments, "text", codebook, id_col="id", gold=marked,
                                     codebook_model=checked.model.codebook_model)  # same rule for a DataFrame
    assert as_frame.overall["n_codes_humains"].iloc[0] == report.overall["n_codes_humains"].iloc[0]


def test_agreement_intervals_are_measured_on_the_validation_sample(checked, codebook) -> None:
    table = checked.agreement_intervals
    assert table is not None and {"kappa_ic_bas", "kappa_ic_haut", "n_positifs_humains"} <= set(table.columns)
    themes_rows = table[table["theme_id"].isin(codebook.ids)]
    assert len(themes_rows) == len(codebook.ids)
    assert (themes_rows["n_items"] == checked.overall["n_codes_humains"].iloc[0]).all()
    ok = themes_rows.dropna(subset=["kappa", "kappa_ic_bas", "kappa_ic_haut"])
    assert ((ok["kappa_ic_bas"] <= ok["kappa"] + 1e-9) & (ok["kappa"] <= ok["kappa_ic_haut"] + 1e-9)).all()
    few = themes_rows[themes_rows["n_positifs_humains"] < 10]
    assert few["fiabilite"].str.startswith("non évaluable").all()  # no label from a handful of examples
