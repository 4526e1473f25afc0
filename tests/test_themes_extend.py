"""Supervised extension of a human sample, review queue and decisions (real spaCy, real files)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from areas_analysis.errors import AreasError, InputError
from areas_analysis.themes.codebook import Codebook
from areas_analysis.themes.codings import read_codings, write_codings
from areas_analysis.themes.extend import extend_coding
from areas_analysis.themes.review import read_review_decisions, review_queue, write_review_queue

MEDECIN = [
    "Plus de médecin traitant depuis le départ en retraite", "Impossible de trouver un généraliste",
    "Six mois d'attente pour un rendez-vous chez l'ophtalmo", "Le docteur ne prend plus de nouveaux patients",
    "Trop de délai pour voir un médecin", "Pas de médecin de garde le week-end",
    "Les cabinets médicaux ferment les uns après les autres", "Mon généraliste part à la retraite",
    "Difficile d'avoir un rendez-vous chez le dentiste", "Aucun médecin n'accepte de nouveaux patients",
    "le médecin traitant est débordé", "trouver un pédiatre relève de l'exploit",
]
TRANSPORT = [
    "Le bus ne passe que deux fois par jour", "Sans voiture on ne peut pas aller à l'hôpital",
    "Pas de transport le dimanche", "Le car scolaire est le seul transport", "Il faut 40 minutes de route",
    "Le transport solidaire manque de bénévoles", "Plus de permis de conduire à 85 ans",
    "La gare est trop loin", "Les taxis coûtent trop cher", "pas de bus pour aller à Rennes",
    "la voiture est indispensable ici", "trajet trop long jusqu'à la pharmacie",
]
ISOLEMENT = [
    "Ma voisine vit seule et ne voit personne", "Les personnes âgées sont isolées à la campagne",
    "Personne ne vient me voir", "Solitude des anciens après le décès du conjoint",
    "On se sent seul l'hiver", "Les aidants sont épuisés et isolés", "Plus de lien social au village",
    "Mon père reste seul toute la journée", "Les jeunes partent, les vieux restent seuls",
    "Isolement après la fermeture du café", "les visites se font rares", "personne à qui parler",
]


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    texts = MEDECIN + TRANSPORT + ISOLEMENT + ["", "ok", "Pas de bus le dimanche", "Pas de bus le dimanche",
                                                "médecin", "Santé mentale des jeunes"]
    n = len(texts)
    return pd.DataFrame({
        "id": [f"R{i:03d}" for i in range(n)],
        "texte": texts,
        "atelier": [f"A0{i % 3 + 1}" for i in range(n)],
    })


@pytest.fixture(scope="module")
def gold(corpus) -> pd.DataFrame:
    """First 8 of each theme coded by a human, one multi-label item, a theme with a single example."""
    rows = []
    for start, theme in ((0, "acces_medecin"), (12, "transport"), (24, "isolement")):
        rows += [(f"R{start + i:03d}", theme, "c1") for i in range(8)]
    rows.append(("R013", "acces_medecin", "c1"))          # hospital by car: two themes
    rows.append(("R041", "sante_mentale", "c1"))          # one example only
    rows.append(("R036", None, "c1"))                      # empty text coded "no theme"
    rows.append(("R024", "transport", "c1"))               # deliberately odd human code: must be kept
    return pd.DataFrame(rows, columns=["id", "theme_id", "coder"])


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook.from_labels({"acces_medecin": "Accès au médecin", "transport": "Transport et mobilité",
                                 "isolement": "Isolement et solitude"})


@pytest.fixture(scope="module")
def result(corpus, gold, codebook):
    return extend_coding(corpus, "texte", gold, id_col="id", codebook=codebook, seed=42, cv_folds=4,
                         strata_col="atelier", review_n=10)


def test_every_id_coded_and_human_codes_kept(result, corpus, gold):
    cod = result.codings
    assert list(cod.columns) == ["id", "theme_id", "score", "source"]
    assert set(cod["id"]) == set(corpus["id"])
    human = cod[cod["source"] == "human"]
    assert set(human["id"]) == set(gold["id"])
    for item, grp in gold.groupby("id"):
        got = set(human.loc[human["id"] == item, "theme_id"].dropna())
        assert got == set(grp["theme_id"].dropna()), item
    assert (human["score"] == 1.0).all()
    # the odd human code survives although the model would not propose it
    assert set(human.loc[human["id"] == "R024", "theme_id"]) == {"isolement", "transport"}


def test_model_codes_unlabelled_items_sensibly(result):
    model = result.codings[result.codings["source"] == "model"]
    themes = model.groupby("id")["theme_id"].apply(lambda s: set(s.dropna())).to_dict()
    hits = [themes[f"R{i:03d}"] == {"acces_medecin"} for i in range(8, 12)]
    hits += [themes[f"R{i:03d}"] == {"transport"} for i in range(20, 24)]
    hits += [themes[f"R{i:03d}"] == {"isolement"} for i in range(32, 36)]
    assert sum(hits) >= 8, themes  # 12 held-out items, clearly worded
    assert themes["R037"] == set()  # "ok": no content word, no theme
    assert model["score"].between(0, 1).all()


def test_rare_theme_reported_not_learnt(result):
    ag = result.agreement.set_index("theme_id")
    assert result.skipped_themes == ["sante_mentale"]
    assert ag.loc["sante_mentale", "statut"] == "trop peu d'exemples" and ag.loc["sante_mentale", "n_humain"] == 1
    assert np.isnan(ag.loc["sante_mentale", "kappa"])
    assert "sante_mentale" not in set(result.codings.loc[result.codings["source"] == "model", "theme_id"].dropna())
    assert (ag.loc[["acces_medecin", "transport", "isolement"], "statut"] == "appris").all()


def test_agreement_is_cross_validated_not_training_fit(corpus):
    # random human codes: a model scored on its training data would look perfect; cross-validated κ must not
    rng = np.random.default_rng(0)
    ids = corpus["id"].tolist()[:36]
    noise = pd.DataFrame({"id": ids, "theme_id": rng.choice(["x", "y", "z"], size=len(ids))})
    res = extend_coding(corpus, "texte", noise, id_col="id", seed=1, cv_folds=4)
    assert res.overall.iloc[0]["mean_kappa"] < 0.35
    learnt = res.agreement[res.agreement["statut"] == "appris"]
    assert learnt["support"].sum() == len(ids)


def test_same_seed_same_bytes(corpus, gold, codebook, result, tmp_path):
    again = extend_coding(corpus, "texte", gold, id_col="id", codebook=codebook, seed=42, cv_folds=4,
                          strata_col="atelier", review_n=10)
    a = write_codings(result.codings, tmp_path / "a.csv").read_bytes()
    b = write_codings(again.codings, tmp_path / "b.csv").read_bytes()
    assert a == b
    ra = write_review_queue(result.review, tmp_path / "ra.csv").read_bytes()
    rb = write_review_queue(again.review, tmp_path / "rb.csv").read_bytes()
    assert ra == rb
    pd.testing.assert_frame_equal(result.agreement, again.agreement)


def test_unknown_gold_ids_and_nothing_to_learn(corpus):
    with pytest.raises(AreasError, match="absent\\(s\\) du tableau des textes : « R999 »"):
        extend_coding(corpus, "texte", pd.DataFrame({"id": ["R999"], "theme_id": ["x"]}), id_col="id")
    with pytest.raises(AreasError, match="Aucun thème n'a au moins 5 exemples"):
        extend_coding(corpus, "texte", pd.DataFrame({"id": ["R000", "R001"], "theme_id": ["x", "y"]}),
                      id_col="id")


def test_review_queue_order_and_strata(result, corpus):
    q = result.review
    assert list(q.columns) == ["id", "atelier", "texte", "theme_propose", "confiance", "raison", "decision"]
    assert len(q) == 10 and (q["decision"] == "").all()
    assert set(q["id"]).isdisjoint(set(result.codings.loc[result.codings["source"] == "human", "id"]))
    # round robin over ateliers: the first three rows come from three different ateliers
    assert q["atelier"].head(3).nunique() == 3
    # within an atelier, lowest confidence (or disagreement) first
    for _, grp in q.groupby("atelier"):
        prio = grp["confiance"] / np.where(grp["raison"].str.startswith("désaccord"), 2, 1)
        assert prio.is_monotonic_increasing


def test_review_queue_without_strata_sorted_by_confidence(corpus):
    cod = pd.DataFrame({"id": ["R001", "R002", "R002", "R003", "R004"],
                        "theme_id": ["a", "a", "b", None, "b"],
                        "score": [0.9, 0.8, 0.3, 0.6, 0.99],
                        "source": ["model", "model", "model", "model", "human"]})
    ref = pd.DataFrame({"id": ["R001", "R002", "R002", "R003"], "theme_id": ["b", "a", "b", None]})
    q = review_queue(cod, corpus, text_col="texte", id_col="id", n=5, reference=ref)
    assert q["id"].tolist() == ["R002", "R001", "R003"]  # R001 disagrees: 0.9/2 = 0.45 < 0.6
    assert q.loc[q["id"] == "R001", "raison"].item().startswith("désaccord avec le codebook (propose : b)")
    assert q.loc[q["id"] == "R002", "theme_propose"].item() == "a ; b"
    assert q.loc[q["id"] == "R003", "theme_propose"].item() == "aucun"


def test_review_decisions_round_trip(result, tmp_path):
    path = write_review_queue(result.review, tmp_path / "a_revoir.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    filled = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", skiprows=1)
    ids = filled["id"].tolist()
    filled.loc[0, "decision"] = "OK"
    filled.loc[1, "decision"] = "aucun"
    filled.loc[2, "decision"] = "transport; Isolement"
    filled.to_csv(path, sep=";", index=False, encoding="cp1252")  # re-saved by Excel in Windows-1252
    codes = read_review_decisions(path, known_themes=["acces_medecin", "transport", "isolement"])
    proposed = set(result.review.loc[0, "theme_propose"].split(" ; ")) - {"aucun"}
    assert set(codes.loc[codes["id"] == ids[0], "theme_id"].dropna()) == proposed
    assert codes.loc[codes["id"] == ids[1], "theme_id"].isna().all()
    assert set(codes.loc[codes["id"] == ids[2], "theme_id"]) == {"transport", "isolement"}
    assert set(codes["id"]) == set(ids[:3]) and (codes["coder"] == "revue").all()
    # the codes are a valid gold file
    write_codings(codes, tmp_path / "gold2.csv")
    assert len(read_codings(tmp_path / "gold2.csv")) == len(codes)


def test_review_decisions_unknown_theme_names_the_row(result, tmp_path):
    path = write_review_queue(result.review, tmp_path / "a_revoir.csv")
    filled = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", skiprows=1)
    filled.loc[3, "decision"] = "transprot"
    filled.loc[5, "decision"] = "ok, transport"
    filled.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    with pytest.raises(InputError) as err:
        read_review_decisions(path, known_themes=["acces_medecin", "transport", "isolement"])
    msg = str(err.value)
    assert "a_revoir.csv, ligne 5, colonne « decision » : thème inconnu « transprot »" in msg
    assert "ligne 7, colonne « decision » : « ok » doit être seul dans la case" in msg
