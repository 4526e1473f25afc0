"""Codebook loading (French errors) and deductive coding on tiny, messy French corpora (real spaCy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from areas_analysis.errors import InputError
from areas_analysis.themes.codebook import Codebook, CodebookModel, apply_codebook, load_codebook
from areas_analysis.themes.codings import write_codings
from areas_analysis.themes.model import load_model, save_model

CODEBOOK = """\
name: "Besoins de santé AREAS"
version: "2026.1"
themes:
  - id: acces_soins
    label: "Accès aux soins"
    definition: "Difficultés d'accès aux professionnels de santé."
  - id: acces_medecin
    label: "Accès au médecin traitant"
    definition: "Difficulté à trouver un médecin traitant, délais de rendez-vous, départs en retraite."
    keywords: ["médecin traitant", "rendez-vous", "délai", "généraliste"]
    examples: ["Plus de médecin traitant depuis le départ en retraite du nôtre"]
    parent: acces_soins
  - id: transport
    label: "Mobilité et transport"
    definition: "Se déplacer pour se soigner : bus, voiture, distance, transport solidaire."
    keywords: ["bus", "transport solidaire", "voiture", "permis"]
  - id: isolement
    label: "Isolement des personnes âgées"
    keywords: ["seul", "isolé", "solitude"]
"""


@pytest.fixture(scope="module")
def codebook(tmp_path_factory) -> Codebook:
    p = tmp_path_factory.mktemp("cb") / "codebook.yaml"
    p.write_text(CODEBOOK, encoding="utf-8")
    return load_codebook(p)


@pytest.fixture(scope="module")
def messy() -> pd.DataFrame:
    return pd.DataFrame({
        "segment_id": ["A01-L0001-1", "A01-L0002-1", "A01-L0003-1", "A01-L0004-1", "A01-L0005-1",
                       "A01-L0006-1", "A01-L0007-1"],
        "text": [
            "Les participants soulignent que les MÉDECINS TRAITANTS partent à la retraite",
            "Pas de bus le dimanche pour aller à la pharmacie",
            "",
            "ok",
            "Pas de bus le dimanche pour aller à la pharmacie",  # duplicate text
            "Ma mère vit seule et ne voit personne de la semaine",
            None,
        ],
    })


def _write(tmp_path, text):
    p = tmp_path / "cb.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_load_codebook_reads_every_field(codebook):
    assert codebook.name == "Besoins de santé AREAS" and codebook.version == "2026.1"
    assert codebook.ids == ["acces_soins", "acces_medecin", "transport", "isolement"]
    t = codebook.theme("acces_medecin")
    assert t.keywords[0] == "médecin traitant" and t.parent == "acces_soins" and len(t.examples) == 1
    assert codebook.ancestors("acces_medecin") == ["acces_soins"]
    assert Codebook.from_labels({"a": "Santé", "b": "Sport"}).ids == ["a", "b"]


def test_codebook_errors_are_french_and_located(tmp_path):
    bad = """\
name: test
themes:
  - id: a
    label: "Thème A"
  - id: a
    label: "Doublon"
  - id: b
    parent: zzz
  - id: c
    label: C
    exemples: ["faute de frappe sur le champ"]
  - label: "sans id"
  - id: aucun
    label: "réservé"
"""
    with pytest.raises(InputError) as err:
        load_codebook(_write(tmp_path, bad))
    msg = str(err.value)
    assert "« version » manquante" in msg
    assert "cb.yaml, ligne 5 : thème « a » : identifiant en double (déjà utilisé par le thème n°1)" in msg
    assert "thème « b » : « label » manquant" in msg
    assert "ligne 8 : thème « b » : parent inconnu « zzz »" in msg
    assert "ligne 11 : thème n°4 : champ inconnu « exemples »" in msg
    assert "thème n°5 : « id » manquant" in msg
    assert "« aucun » est réservé" in msg


def test_codebook_parent_cycle_and_bad_yaml(tmp_path):
    cyc = 'version: 1\nthemes:\n  - {id: a, label: A, parent: b}\n  - {id: b, label: B, parent: a}\n'
    with pytest.raises(InputError, match="cycle de parents"):
        load_codebook(_write(tmp_path, cyc))
    with pytest.raises(InputError, match=r"ligne \d+ : YAML invalide"):
        load_codebook(_write(tmp_path, "version: 1\nthemes:\n  - id: a\n   label: [\n"))
    with pytest.raises(InputError, match="codebook introuvable"):
        load_codebook(tmp_path / "absent.yaml")


def test_keywords_match_on_lemmas_case_and_accent_insensitive(codebook):
    model = CodebookModel(codebook, refine=False).fit([])
    comp = model.score_components([
        "Les MÉDECINS TRAITANTS sont partis",   # plural, upper case
        "plus de medecins traitants ici",         # accents dropped
        "un médecin qui traite bien",             # not the phrase
        "transports solidaires à développer",     # plural phrase
    ])
    kw = pd.DataFrame(comp["keyword"], columns=codebook.ids)
    assert kw["acces_medecin"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert kw["transport"].tolist() == [0.0, 0.0, 0.0, 1.0]
    # a keyword hit raises the theme's score by the keyword weight (0.3), nothing else changes
    no_kw = CodebookModel(codebook, refine=False, weights=(0.7, 0.3, 0.0)).fit([])
    diff = comp["score"] - no_kw.scores(["Les MÉDECINS TRAITANTS sont partis", "plus de medecins traitants ici",
                                         "un médecin qui traite bien", "transports solidaires à développer"])
    np.testing.assert_allclose(diff, 0.3 * comp["keyword"], atol=1e-6)


def test_apply_codebook_on_messy_corpus(codebook, messy):
    out = apply_codebook(messy, "text", codebook, id_col="segment_id")
    assert list(out.columns) == ["id", "theme_id", "score"]
    by_id = out.groupby("id")["theme_id"].apply(set).to_dict()
    assert "acces_medecin" in by_id["A01-L0001-1"]
    assert "transport" in by_id["A01-L0002-1"]
    assert "isolement" in by_id["A01-L0006-1"]
    # empty, missing and content-free texts get no theme
    assert not {"A01-L0003-1", "A01-L0004-1", "A01-L0007-1"} & set(by_id)
    # duplicates get identical codes
    dup = out[out["id"].isin(["A01-L0002-1", "A01-L0005-1"])]
    a, b = (dup[dup["id"] == i].set_index("theme_id")["score"] for i in ("A01-L0002-1", "A01-L0005-1"))
    pd.testing.assert_series_equal(a, b, check_exact=False, atol=1e-6)
    assert messy["text"].iloc[2] == ""  # input not modified


def test_three_segments_and_default_ids(codebook):
    df = pd.DataFrame({"t": ["médecin", "bus", "seul"]})
    out = apply_codebook(df, "t", codebook)
    assert set(out["id"]) <= {"0", "1", "2"}
    assert out.set_index("id").loc["1", "theme_id"] == "transport"


def test_decision_rule_threshold_margin_max_themes(codebook):
    model = CodebookModel(codebook, threshold=0.3, margin=0.1, max_themes=2, refine=False)
    scores = np.array([
        [0.50, 0.45, 0.42, 0.10],  # best + one within margin (max 2)
        [0.29, 0.10, 0.05, 0.00],  # below threshold: nothing
        [0.31, 0.60, 0.10, 0.55],  # 0.60 and 0.55
    ])
    keep = model.decide(scores)
    assert keep.tolist() == [[True, True, False, False], [False] * 4, [False, True, False, True]]
    # an explicit keyword match is always assigned, even below the threshold or beyond max_themes
    kw = np.zeros_like(scores)
    kw[0, 3] = kw[1, 2] = 1.0
    keep = model.decide(scores, kw)
    assert keep.tolist() == [[True, True, False, True], [False, False, True, False], [False, True, False, True]]


def test_roll_up_assigns_the_parent(codebook, messy):
    out = apply_codebook(messy, "text", codebook, id_col="segment_id", roll_up=True)
    first = out[out["id"] == "A01-L0001-1"].set_index("theme_id")["score"]
    assert "acces_soins" in first.index and first["acces_soins"] >= first["acces_medecin"]


def test_saved_model_codes_the_next_cycle_identically(codebook, messy, tmp_path):
    model = CodebookModel(codebook).fit(messy["text"])
    before = model.predict(messy, "text", id_col="segment_id")
    save_model(model, tmp_path / "modele")
    loaded = load_model(tmp_path / "modele")
    assert isinstance(loaded, CodebookModel)
    after = loaded.predict(messy, "text", id_col="segment_id")
    a = write_codings(before, tmp_path / "a.csv").read_bytes()
    b = write_codings(after, tmp_path / "b.csv").read_bytes()
    assert a == b
    # a text's codes do not depend on the rest of the batch
    alone = loaded.predict(messy.iloc[[5]], "text", id_col="segment_id")
    pd.testing.assert_frame_equal(alone.reset_index(drop=True),
                                  after[after["id"] == "A01-L0006-1"].reset_index(drop=True))


def test_apply_codebook_is_deterministic(codebook, messy, tmp_path):
    a = write_codings(apply_codebook(messy, "text", codebook, id_col="segment_id"), tmp_path / "1.csv")
    b = write_codings(apply_codebook(messy, "text", codebook, id_col="segment_id"), tmp_path / "2.csv")
    assert a.read_bytes() == b.read_bytes()


def test_duplicate_ids_and_missing_column_are_french_errors(codebook, messy):
    with pytest.raises(InputError, match="colonne « texte » : colonne absente"):
        apply_codebook(messy, "texte", codebook)
    dup = pd.DataFrame({"id": ["x", "x"], "t": ["a", "b"]})
    with pytest.raises(InputError, match="identifiant en double « x »"):
        apply_codebook(dup, "t", codebook, id_col="id")


def test_label_words_as_keywords_option():
    cb = Codebook.from_labels({"sport": "Sport", "sante": "Santé mentale", "ecole": "École"})
    texts = ["le sport et les écoles du canton", "rien à voir"]
    plain = CodebookModel(cb, refine=False).fit(texts)
    assert plain.score_components(texts)["keyword"].sum() == 0
    kw = CodebookModel(cb, refine=False, label_keywords=True).fit(texts)
    hits = kw.score_components(texts)["keyword"]
    assert hits[0].tolist() == [1.0, 0.0, 1.0] and hits[1].sum() == 0
    coded = kw.predict(pd.DataFrame({"t": texts}), "t")
    assert {"sport", "ecole"} <= set(coded.loc[coded["id"] == "0", "theme_id"])
    assert CodebookModel.from_state(kw.to_state()).label_keywords
