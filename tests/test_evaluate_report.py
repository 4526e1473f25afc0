"""Loader (through ingest, on a tiny messy fixture), figures and French texts of the evaluate stage."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from areas_analysis.errors import AreasError, InputError  # noqa: E402
from areas_analysis.evaluate import (  # noqa: E402
    arm_effect,
    comments_for_themes,
    compare_arms,
    load_dpper,
    methods_and_limits,
    pair_before_after,
    paired_tests,
    pairing_summary,
    plot_by_session,
    plot_forest,
    plot_slopes,
    summarize_evaluation,
)

FIXTURE = Path(__file__).parent / "data" / "evaluate"


@pytest.fixture(scope="module")
def ecos():
    return load_dpper("ECOS", FIXTURE)


@pytest.fixture(scope="module")
def results(ecos):
    pairs = pair_before_after(ecos.before, ecos.after, ecos.items, labels=ecos.labels, scale=ecos.scale)
    return {
        "pairs": pairs,
        "paired": paired_tests(pairs, n_boot=300),
        "by_arm": paired_tests(pairs, by="patient_partenaire", n_boot=300),
        "arms": compare_arms(pairs, value_col="difference", n_boot=300),
        "effect": arm_effect(pairs, value_col="difference"),
        "scores_arms": compare_arms(ecos.scores, value_col="score", item_col="station", n_boot=300),
        "scores_effect": arm_effect(ecos.scores, value_col="score", item_col="station"),
    }


def test_load_dpper_reads_fixture_through_ingest(ecos):
    assert ecos.items == ["aise", "utilite"]
    assert ecos.labels["aise"] == "Je me sens à l'aise avec le patient"
    assert ecos.scale[0] == "Pas du tout d'accord" and ecos.dont_know == ["Je ne sais pas"]
    # "Je ne sais pas" is put back from the raw cells (ingest reads it as NA), empty stays NA
    assert ecos.before["utilite"].iloc[2] == "Je ne sais pas"
    assert pd.isna(ecos.before["utilite"].iloc[3])
    assert ecos.after["aise"].iloc[3] == "Je ne sais pas"
    assert list(ecos.after["code_etudiant"].iloc[:2]) == ["ma12br", "CA 03 RE"]  # kept as typed
    # scores: BOM + ';' + CRLF file, long format, arm taken from the questionnaires' sessions
    sc = ecos.scores
    assert len(sc) == 20 and set(sc["station"]) == {"station_1", "station_2"}
    assert sc["score"].isna().sum() == 1
    assert set(sc.loc[sc["session_id"] == "E3", "patient_partenaire"]) == {"Oui"}
    assert sc.loc[sc["station"] == "station_2", "libelle"].iloc[0] == "Station 2 - Douleur thoracique (/20)"
    assert "utf-8-sig" in ecos.summaries["ecos_scores"]


def test_pipeline_counts_on_fixture(results):
    pairs = results["pairs"]
    counts = pairs.attrs["comptes"]
    # SY14VI answered only before, VE08FO only after; "Sö21VA" / "SO21VA" and "CA 03 RE" match
    assert (counts["n_apparies"], counts["n_avant_seulement"], counts["n_apres_seulement"]) == (9, 1, 1)
    t = results["paired"].set_index("item")
    assert t.loc["aise", "n_ne_sait_pas"] == 1 and t.loc["aise", "n_paires"] == 8
    assert t.loc["utilite", "n_ne_sait_pas"] == 1 and t.loc["utilite", "n_manquants"] == 1
    assert t.loc["utilite", "n_paires"] == 7
    e = results["effect"].set_index("item")
    assert e["message"].str.contains("2 séances avec et 1 séance sans").all()
    assert e.loc["aise", "analyse"] == "repli : comparaison des moyennes par séance"
    # utilite: both sessions with a patient partner have a mean change of exactly +2 → no dispersion
    assert e.loc["utilite", "analyse"] == "non estimable"
    assert "dispersion nulle" in e.loc["utilite", "message"]
    st = results["scores_arms"].set_index("item")
    assert st.loc["station_2", "n_exclus"] == 1
    assert st.loc["station_1", "n_avec"] == 5 and st.loc["station_1", "n_sans"] == 5


def test_comments_for_themes(ecos):
    c = comments_for_themes(ecos.after)
    assert list(c.columns) == ["id", "text", "session_id", "patient_partenaire"]
    assert len(c) == 5  # empty comments dropped
    assert c["id"].iloc[0] == "ma12br:commentaire"
    assert "\n" in c.loc[c["id"] == "CH11QU:commentaire", "text"].iloc[0]  # multi-line answer kept
    assert set(c["patient_partenaire"]) == {"avec patient partenaire", "sans patient partenaire"}


def test_figures_show_n(results):
    fig = plot_slopes(results["pairs"])
    titles = [ax.get_title() for ax in fig.axes]
    # aise: MA12BR, CA03RE, SO21VA (E1) + MO02CA (E3); NA07ST answered "Je ne sais pas" after
    assert titles[:2] == ["avec patient partenaire (n = 4)", "sans patient partenaire (n = 4)"]
    assert titles[2] == "avec patient partenaire (n = 3)"  # utilite: SO21VA "Je ne sais pas", NA07ST empty
    assert fig.axes[0].get_xticklabels()[0].get_text() == "Avant"
    plt.close(fig)
    fig = plot_forest(results["by_arm"], group_col="patient_partenaire")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("(n = 4)" in lab and "avec patient partenaire" in lab for lab in labels)
    plt.close(fig)
    fig = plot_forest(results["effect"], effect_col="effet", low_col="ic_bas", high_col="ic_haut", xlim=None,
                      xlabel="Écart avec − sans (points)")
    assert any("(n = " in t.get_text() for t in fig.axes[0].get_yticklabels())
    plt.close(fig)
    fig = plot_by_session(results["pairs"], value_col="difference", item_col="item", item="aise")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "E3\n(n = 1)" in ticks
    assert fig.axes[0].get_ylabel() == "changement (après − avant)"
    plt.close(fig)


def test_summary_is_french_plain_language_with_numbers(results):
    text = summarize_evaluation(results["paired"], action="ECOS", pairing=pairing_summary(results["pairs"]),
                                paired_by_arm=results["by_arm"], arms=results["arms"], effect=results["effect"],
                                scores_arms=results["scores_arms"], scores_effect=results["scores_effect"])
    assert text.startswith("9 étudiants ont répondu avant et après les stations ECOS (3 séances, dont 2 avec")
    assert "2 ont répondu une seule fois" in text
    # 2 vs 1 sessions: C(3, 2) = 3 assignments, p ≥ 1/3 — said in the rule's words, never « net »
    assert "3 répartitions possibles des séances" in text
    assert "le dispositif ne permet pas de conclure" in text
    assert " net " not in text.split("Effet propre")[1].replace("dit net", "")
    assert "Holm" in text
    assert "n = " in text and "%" in text
    assert "Prudence pour 2 item(s) avec moins de 10 paires" in text


def test_methods_and_limits_state_the_settings(results):
    md = methods_and_limits(results["paired"], action="RetExp", pairing=results["pairs"].attrs["comptes"],
                            arms=results["arms"], effect=results["effect"])
    assert md.startswith("### Méthodes")
    assert "### Limites" in md
    assert "300 rééchantillonnages" in md and "graine 42" in md
    assert "méthode de Pratt" in md and "au moins 30 paires" in md and "r_max_possible" in md
    assert "« net » seulement quand le test qui tient compte des séances" in md
    assert "2/20 = 0,10" in md and "test exact de randomisation" in md
    assert "Holm" in md and "au moins 5 séances par bras" in md
    assert "2 étudiant(s) n'ont répondu qu'une fois (sur 11)" in md
    assert "Pas de tirage au sort" in md
    # the pairing summary table works as well as the counts
    md2 = methods_and_limits(results["paired"], pairing=pairing_summary(results["pairs"]), arms=results["arms"])
    assert "2 étudiant(s) n'ont répondu qu'une fois (sur 11)" in md2


def test_load_dpper_french_errors(tmp_path):
    with pytest.raises(AreasError, match="Valeur invalide pour l'action DPPER"):
        load_dpper("OSCE", FIXTURE)  # type: ignore[arg-type]
    with pytest.raises(AreasError, match="Fichier introuvable"):
        load_dpper("RetExp", FIXTURE)
    for f in FIXTURE.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "ecos_scores.csv").write_text(
        "Code étudiant;Session;Station 1 - Annonce (/20);Station 2 - Douleur thoracique (/20)\nZZ01;E4;12;13\n",
        encoding="utf-8")
    (tmp_path / "ecos_scores_dictionnaire.yaml").write_text(
        (FIXTURE / "ecos_scores_dictionnaire.yaml").read_text(encoding="utf-8").replace('"E3"]', '"E3", "E4"]'),
        encoding="utf-8")
    with pytest.raises(InputError, match="séance « E4 » absente des questionnaires"):
        load_dpper("ECOS", tmp_path)


# --------------------------------------------------------------------------- the sample cycle's own data

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "dpper"


@pytest.fixture(scope="module", params=["ECOS", "RetExp"])
def sample(request):
    data = load_dpper(request.param, SAMPLE)
    pairs = pair_before_after(data.before, data.after, data.items, labels=data.labels, scale=data.scale)
    out = {
        "action": request.param,
        "pairing": pairing_summary(pairs),
        "paired": paired_tests(pairs, n_boot=200),
        "by_arm": paired_tests(pairs, by="patient_partenaire", n_boot=200),
        "arms": compare_arms(pairs, value_col="difference", n_boot=200),
        "effect": arm_effect(pairs, value_col="difference"),
        "scores_arms": None, "scores_effect": None,
    }
    if data.scores is not None:
        out["scores_arms"] = compare_arms(data.scores, value_col="score", item_col="station", n_boot=200)
        out["scores_effect"] = arm_effect(data.scores, value_col="score", item_col="station")
    out["text"] = summarize_evaluation(out["paired"], action=request.param, pairing=out["pairing"],
                                       paired_by_arm=out["by_arm"], arms=out["arms"], effect=out["effect"],
                                       scores_arms=out["scores_arms"], scores_effect=out["scores_effect"])
    return out


def test_sample_no_published_r_exceeds_what_its_unchanged_pairs_allow(sample):
    for t in (sample["paired"], sample["by_arm"]):
        n, z = t["n_paires"].to_numpy(), t["n_inchanges"].to_numpy()
        bound = 1 - z * (z + 1) / (n * (n + 1))
        assert (t["r_rang_biserial"].abs() <= bound + 1e-12).all()
        assert t["r_max_possible"].to_numpy() == pytest.approx(bound)
        assert {"r_rang_biserial", "n_inchanges", "n_paires", "part_inchanges"} <= set(t.columns)


def test_sample_summary_claims_only_what_the_session_level_analysis_supports(sample):
    text, paired, effect = sample["text"], sample["paired"], sample["effect"]
    # 3 vs 3 sessions: the randomisation test cannot go below 2/20; the design statement is made
    assert (effect["n_assignations"] == 20).all() and (effect["p_min_possible"] >= 0.1 - 1e-12).all()
    arm_part = text[text.index("Effet propre"):]
    assert " net " not in arm_part.replace("dit net", "")
    assert "le dispositif ne permet pas de conclure" in arm_part and "20 répartitions possibles" in arm_part
    # before/after: an item is « net » in the text iff its session-level p survives Holm
    net = paired[paired["p_seances_ajuste"] < 0.05]
    ba_part = text[text.index("Avant/après"):text.index("Par bras")]
    if len(net):
        assert "évolution nette" in ba_part
        net_part = ba_part[ba_part.index("évolution nette"):].split(" ; tendance")[0].split(" ; non concluant")[0]
        for label in paired["libelle"]:
            assert (f"« {label} »" in net_part) == (label in set(net["libelle"]))
    else:
        assert "net" not in ba_part
    # each before/after claim gives n students and n sessions
    assert ba_part.count("étudiants, 6 séances") == len(paired)
    # no sentence contradicts another: the old « ne confirme pas ... net » pair is gone
    assert "ne confirme pas" not in text
    # « net » appears only where the rule allows it (the before/after session-level items)
    assert text.count(" net") == (1 if len(net) else 0) + text.count("dit net")


def test_sample_forest_plot_and_summary_agree_in_direction(sample):
    by_arm, text = sample["by_arm"], sample["text"]
    fig = plot_forest(by_arm, group_col="patient_partenaire")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    plt.close(fig)
    assert all("\u2191" in lab and "\u2193" in lab for lab in labels)  # shares beside r
    sentence = text[text.index("Par bras"):text.index("Effet propre")]
    w = by_arm[by_arm["patient_partenaire"] == "avec patient partenaire"].set_index("item")
    wo = by_arm[by_arm["patient_partenaire"] == "sans patient partenaire"].set_index("item")
    gap = w["r_rang_biserial"] - wo["r_rang_biserial"]
    item = gap.abs().idxmax()
    assert f"« {w.loc[item, 'libelle']} »" in sentence
    said_more = "plus favorable avec patient partenaire" in sentence
    assert said_more == (gap[item] > 0)  # the summary's direction is the forest plot's (r with vs without)
    # and the shares quoted beside it go the same way, or the sentence says they do not
    share_gap = w.loc[item, "part_ameliores"] - wo.loc[item, "part_ameliores"]
    assert (share_gap * gap[item] > 0) or "va dans l'autre sens" in sentence
