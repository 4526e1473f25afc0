"""``areas themes ...`` end to end on tiny real files (real spaCy, no mocks)."""

from __future__ import annotations

import pandas as pd
import pytest

from areas_analysis.cli import main

TEXTS = [
    ("S01", "Plus de médecin traitant depuis le départ en retraite", "A01"),
    ("S02", "Impossible de trouver un généraliste", "A01"),
    ("S03", "Six mois d'attente pour un rendez-vous", "A02"),
    ("S04", "Le docteur ne prend plus de nouveaux patients", "A02"),
    ("S05", "Trop de délai pour voir un médecin", "A03"),
    ("S06", "Pas de médecin de garde le week-end", "A03"),
    ("S07", "Mon généraliste part à la retraite", "A01"),
    ("S08", "Le bus ne passe que deux fois par jour", "A01"),
    ("S09", "Sans voiture on ne peut pas aller à l'hôpital", "A02"),
    ("S10", "Pas de transport le dimanche", "A02"),
    ("S11", "Le transport solidaire manque de bénévoles", "A03"),
    ("S12", "La gare est trop loin", "A03"),
    ("S13", "pas de bus pour aller à Rennes", "A01"),
    ("S14", "la voiture est indispensable ici", "A02"),
    ("S15", "Ma voisine vit seule et ne voit personne", "A01"),
    ("S16", "Les personnes âgées sont isolées à la campagne", "A02"),
    ("S17", "Personne ne vient me voir", "A03"),
    ("S18", "On se sent seul l'hiver", "A01"),
    ("S19", "Mon père reste seul toute la journée", "A02"),
    ("S20", "Solitude des anciens", "A03"),
    ("S21", "", "A01"),
    ("S22", "ok", "A02"),
]
GOLD = [("S01", "medecin"), ("S02", "medecin"), ("S03", "medecin"), ("S04", "medecin"), ("S05", "medecin"),
        ("S08", "transport"), ("S09", "transport"), ("S10", "transport"), ("S11", "transport"),
        ("S12", "transport"), ("S15", "isolement"), ("S16", "isolement"), ("S17", "isolement"),
        ("S18", "isolement"), ("S19", "isolement"), ("S09", "medecin"), ("S21", ""), ("S22", "rare")]
CODEBOOK = """\
name: Besoins
version: "2026.1"
themes:
  - id: medecin
    label: "Accès au médecin"
    keywords: ["médecin", "généraliste", "rendez-vous"]
  - id: transport
    label: "Transport et mobilité"
    keywords: ["bus", "voiture", "transport"]
  - id: isolement
    label: "Isolement"
    keywords: ["seul", "isolé", "solitude"]
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    inp = d / "segments.csv"
    # Excel-style input: ';' separator, Windows-1252
    pd.DataFrame(TEXTS, columns=["segment_id", "texte", "atelier"]).to_csv(inp, sep=";", index=False,
                                                                            encoding="cp1252")
    gold = d / "gold.csv"
    gold.write_text("id,theme_id,coder\n" + "".join(f"{i},{t},c1\n" for i, t in GOLD), encoding="utf-8")
    cb = d / "codebook.yaml"
    cb.write_text(CODEBOOK, encoding="utf-8")
    return d, inp, gold, cb


def _run(args, capsys):
    rc = main([str(a) for a in args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_apply_with_codebook_then_saved_model(files, capsys):
    d, inp, _, cb = files
    rc, out, err = _run(["themes", "apply", inp, "--codebook", cb, "--text-col", "texte", "--id-col",
                         "segment_id", "--out", d / "apply.csv", "--save-model", d / "modele"], capsys)
    assert rc == 0, err
    assert "ont reçu au moins un thème" in out
    coding = pd.read_csv(d / "apply.csv", dtype=str)
    assert list(coding.columns) == ["id", "theme_id", "score"]
    got = coding.groupby("id")["theme_id"].apply(set).to_dict()
    assert "medecin" in got["S02"] and "transport" in got["S10"] and "isolement" in got["S20"]
    assert "S21" not in got and "S22" not in got
    rc, out, err = _run(["themes", "apply", inp, "--model", d / "modele", "--text-col", "texte", "--id-col",
                         "segment_id", "--out", d / "apply2.csv"], capsys)
    assert rc == 0, err
    assert (d / "apply.csv").read_bytes() == (d / "apply2.csv").read_bytes()


def test_extend_writes_coding_agreement_and_review_deterministically(files, capsys):
    d, inp, gold, cb = files
    outs = []
    for k in (1, 2):
        out_csv = d / f"etendu{k}.csv"
        rc, out, err = _run(["themes", "extend", inp, "--gold", gold, "--text-col", "texte", "--id-col",
                             "segment_id", "--codebook", cb, "--out", out_csv, "--strata-col", "atelier",
                             "--folds", "3", "--review-n", "5"], capsys)
        assert rc == 0, err
        outs.append([out_csv, d / f"etendu{k}_accord.csv", d / f"etendu{k}_a_revoir.csv"])
    assert "Accord modèle / humain en validation croisée (3 plis)" in out
    assert "Thèmes non appris (moins de 5 exemples humains) : rare." in out
    for a, b in zip(*outs, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    coding = pd.read_csv(outs[0][0], dtype=str, keep_default_na=False)
    assert list(coding.columns) == ["id", "theme_id", "score", "source"]
    assert set(coding["id"]) == {t[0] for t in TEXTS}
    s09 = coding[coding["id"] == "S09"]
    assert set(s09["theme_id"]) == {"medecin", "transport"} and (s09["source"] == "human").all()
    accord = pd.read_csv(outs[0][1], sep=";", encoding="utf-8-sig", decimal=",")
    assert {"theme_id", "n_humain", "statut", "kappa", "rappel"} <= set(accord.columns)
    review = pd.read_csv(outs[0][2], sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False, skiprows=1)
    assert list(review.columns) == ["id", "atelier", "texte", "theme_propose", "confiance", "raison", "decision"]


def test_review_decisions_feed_back_as_human_codes(files, capsys):
    d, inp, gold, cb = files
    base = d / "tour1.csv"
    rc, _, err = _run(["themes", "extend", inp, "--gold", gold, "--text-col", "texte", "--id-col", "segment_id",
                       "--out", base, "--folds", "3"], capsys)
    assert rc == 0, err
    review = d / "tour1_a_revoir.csv"
    filled = pd.read_csv(review, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False, skiprows=1)
    first = filled["id"].iloc[0]
    filled.loc[0, "decision"] = "isolement"
    filled.to_csv(review, sep=";", index=False, encoding="utf-8-sig")
    rc, _, err = _run(["themes", "extend", inp, "--gold", gold, "--review", review, "--text-col", "texte",
                       "--id-col", "segment_id", "--out", d / "tour2.csv", "--folds", "3"], capsys)
    assert rc == 0, err
    coding = pd.read_csv(d / "tour2.csv", dtype=str, keep_default_na=False)
    row = coding[coding["id"] == first]
    assert row["theme_id"].tolist() == ["isolement"] and row["source"].tolist() == ["human"]
    filled.loc[0, "decision"] = "isolemnt"
    filled.to_csv(review, sep=";", index=False, encoding="utf-8-sig")
    rc, _, err = _run(["themes", "extend", inp, "--gold", gold, "--review", review, "--text-col", "texte",
                       "--id-col", "segment_id", "--out", d / "tour3.csv"], capsys)
    assert rc == 2 and "ligne 2, colonne « decision » : thème inconnu « isolemnt »" in err


def test_extend_saves_a_model_that_apply_reuses(files, capsys):
    d, inp, gold, cb = files
    rc, _, err = _run(["themes", "extend", inp, "--gold", gold, "--codebook", cb, "--text-col", "texte",
                       "--id-col", "segment_id", "--out", d / "ext.csv", "--folds", "3",
                       "--save-model", d / "modele_ext"], capsys)
    assert rc == 0, err
    rc, out, err = _run(["themes", "apply", inp, "--model", d / "modele_ext", "--text-col", "texte",
                         "--id-col", "segment_id", "--out", d / "ext_next.csv"], capsys)
    assert rc == 0, err and "modèle" in out
    first = pd.read_csv(d / "ext.csv", dtype=str, keep_default_na=False)
    again = pd.read_csv(d / "ext_next.csv", dtype=str, keep_default_na=False)
    model_rows = first[first["source"] == "model"]
    same = again[again["id"].isin(set(model_rows["id"]))]
    pairs = sorted(zip(same["id"], same["theme_id"], strict=True))
    assert pairs == sorted(zip(model_rows["id"], model_rows["theme_id"], strict=True))


def test_filled_xlsx_review_with_a_theme_never_proposed(files, capsys):
    import openpyxl

    d, inp, gold, cb = files
    rc, _, err = _run(["themes", "extend", inp, "--gold", gold, "--text-col", "texte", "--id-col", "segment_id",
                       "--codebook", cb, "--out", d / "x1.csv", "--folds", "3"], capsys)
    assert rc == 0, err
    book = openpyxl.load_workbook(d / "x1_a_revoir.xlsx")
    assert "rare" in [c.value for c in book["decisions"]["A"]]  # every theme a reviewer may use
    sheet = book["a_revoir"]
    col = [c.value for c in sheet[1]].index("decision") + 1
    item = sheet.cell(row=2, column=1).value
    sheet.cell(row=2, column=col, value="rare")
    book.save(d / "x1_a_revoir.xlsx")
    rc, _, err = _run(["themes", "extend", inp, "--gold", gold, "--review", d / "x1_a_revoir.xlsx",
                       "--text-col", "texte", "--id-col", "segment_id", "--out", d / "x2.csv", "--folds", "3"],
                      capsys)
    assert rc == 0, err
    coding = pd.read_csv(d / "x2.csv", dtype=str, keep_default_na=False)
    assert coding.loc[coding["id"] == item, "theme_id"].tolist() == ["rare"]


def test_agreement_command(files, capsys):
    d, _, gold, _ = files
    machine = d / "machine.csv"
    machine.write_text("id,theme_id,score\nS01,medecin,0.9\nS02,transport,0.4\nS08,transport,0.8\n"
                       "S15,isolement,0.7\n", encoding="utf-8")
    rc, out, err = _run(["themes", "agreement", machine, gold, "--out", d / "accord.csv"], capsys)
    assert rc == 0, err
    assert "Accord entre machine.csv (A) et gold.csv (B, référence) sur 4 textes" in out
    assert "kappa" in out and "alpha" in out and "ensemble (micro)" in out
    report = pd.read_csv(d / "accord.csv", sep=";", encoding="utf-8-sig", decimal=",")
    assert report.set_index("theme").loc["medecin", "rappel"] == pytest.approx(0.5)
    conf = pd.read_csv(d / "accord_desaccords.csv", sep=";", encoding="utf-8-sig")
    assert set(conf["id"]) == {"S02"}


def test_discover_writes_coding_and_themes_table(files, capsys):
    d, inp, _, _ = files
    rc, out, err = _run(["themes", "discover", inp, "--text-col", "texte", "--id-col", "segment_id",
                         "--out", d / "decouverte.csv", "--n-themes", "3", "--save-model", d / "modele_d"], capsys)
    assert rc == 0, err
    coding = pd.read_csv(d / "decouverte.csv", dtype=str, keep_default_na=False)
    assert list(coding.columns) == ["id", "theme_id", "theme_label", "score"]
    assert len(coding) == len(TEXTS)
    themes = pd.read_csv(d / "decouverte_themes.csv", sep=";", encoding="utf-8-sig")
    assert len(themes) == 3
    rc, _, err = _run(["themes", "apply", inp, "--model", d / "modele_d", "--text-col", "texte", "--id-col",
                       "segment_id", "--out", d / "decouverte2.csv"], capsys)
    assert rc == 0, err
    again = pd.read_csv(d / "decouverte2.csv", dtype=str, keep_default_na=False)
    assert again["theme_id"].tolist() == coding["theme_id"].tolist()


@pytest.mark.parametrize("args, message", [
    (["--text-col", "text"], "colonne « text » : colonne absente"),
    (["--text-col", "texte", "--id-col", "atelier"], "identifiant en double « A01 »"),
])
def test_bad_input_french_message_without_traceback(files, capsys, args, message):
    d, inp, _, cb = files
    rc, out, err = _run(["themes", "apply", inp, "--codebook", cb, "--out", d / "x.csv", *args], capsys)
    assert rc == 2 and message in err and "Traceback" not in err


def test_missing_file_and_bad_codebook(files, capsys, tmp_path):
    d, inp, _, _ = files
    rc, _, err = _run(["themes", "apply", tmp_path / "absent.csv", "--codebook", tmp_path / "cb.yaml",
                       "--text-col", "t", "--out", tmp_path / "o.csv"], capsys)
    assert rc == 2 and "tableau des textes introuvable" in err
    bad = tmp_path / "cb.yaml"
    bad.write_text("version: 1\nthemes:\n  - id: a\n", encoding="utf-8")
    rc, _, err = _run(["themes", "apply", inp, "--codebook", bad, "--text-col", "texte", "--out",
                       tmp_path / "o.csv"], capsys)
    assert rc == 2 and "thème « a » : « label » manquant" in err
    rc, _, err = _run(["themes", "apply", inp, "--text-col", "texte", "--out", tmp_path / "o.csv"], capsys)
    assert rc == 2 and "Indiquez une grille de codage (--codebook CB.yaml) ou un modèle" in err
    with pytest.raises(SystemExit):
        main(["themes", "apply", str(inp), "--codebook", str(bad), "--out", "o.csv"])
    assert "arguments obligatoires manquants : --text-col" in capsys.readouterr().err
