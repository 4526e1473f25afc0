"""``areas themes sample`` and ``areas themes prevalence`` end to end on tiny real files (real spaCy, no mocks)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from areas_analysis.cli import main

MED = ["Plus de médecin traitant", "Impossible de trouver un généraliste", "Six mois pour un rendez-vous",
       "Le docteur ne prend plus de patients", "Trop de délai pour voir un médecin", "Pas de médecin le week-end"]
BUS = ["Le bus ne passe que deux fois", "Sans voiture pas d'hôpital", "Pas de transport le dimanche",
       "La gare est trop loin", "pas de bus pour Rennes", "la voiture est indispensable"]
OTHER = ["Ma voisine vit seule", "On se sent seul l'hiver", "Solitude des anciens", "ok", "", "Rien à dire"]
TEXTS = [(f"S{i:02d}", t, f"A0{i % 2 + 1}", f"R{i // 2:02d}") for i, t in enumerate(MED + BUS + OTHER)]
# random validation sample (every third text) + two review-queue rows that must be ignored
GOLD = [("S00", "medecin", "validation"), ("S03", "medecin", "validation"), ("S06", "transport", "validation"),
        ("S09", "transport", "validation"), ("S12", "", "validation"), ("S15", "", "validation"),
        ("S01", "medecin", "validation"), ("S07", "transport", "validation"), ("S13", "", "validation"),
        ("S04", "medecin", "validation"), ("S10", "transport", "validation"), ("S16", "", "validation"),
        ("S14", "medecin", "revue"), ("S17", "medecin", "revue")]
CODEBOOK = """\
name: Besoins
version: "1"
themes:
  - id: medecin
    label: "Accès au médecin"
    keywords: ["médecin", "généraliste", "rendez-vous"]
  - id: transport
    label: "Transport"
    keywords: ["bus", "voiture", "transport"]
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("prev")
    inp = d / "segments.csv"
    pd.DataFrame(TEXTS, columns=["segment_id", "texte", "atelier", "repondant"]).to_csv(inp, sep=";", index=False,
                                                                                       encoding="cp1252")
    gold = d / "gold.csv"
    gold.write_text("id,theme_id,echantillon\n" + "".join(f"{i},{t},{e}\n" for i, t, e in GOLD), encoding="utf-8")
    cb = d / "codebook.yaml"
    cb.write_text(CODEBOOK, encoding="utf-8")
    return d, inp, gold, cb


def _run(args, capsys):
    rc = main([str(a) for a in args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_prevalence_writes_corrected_shares_in_the_table_convention(files, capsys):
    d, inp, gold, cb = files
    outs = []
    for k in (1, 2):
        rc, out, err = _run(["themes", "prevalence", inp, "--text-col", "texte", "--id-col", "segment_id",
                             "--gold", gold, "--codebook", cb, "--by", "atelier", "--out", d / f"p{k}.csv"],
                            capsys)
        assert rc == 0, err
        outs.append((d / f"p{k}.csv").read_bytes())
    assert outs[0] == outs[1]  # deterministic
    assert outs[0].startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    assert "file de relecture" in out and "2 textes" in out  # review rows left out, and said so
    table = pd.read_csv(d / "p1.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert list(table.columns[:6]) == ["theme_id", "atelier", "n", "proportion", "ic_bas", "ic_haut"]
    assert set(table["theme_id"]) == {"medecin", "transport"}
    assert table["n"].tolist() == [9] * 4
    assert (table["n_valides"] == 6).all()  # S14/S17 (revue) are not validation texts
    assert ((table["ic_bas"] <= table["proportion"]) & (table["proportion"] <= table["ic_haut"])).all()
    assert table[["ic_bas", "ic_haut"]].stack().between(0, 1).all()


def test_prevalence_refuses_gold_ids_not_in_input(files, capsys, tmp_path):
    d, inp, _, cb = files
    bad = tmp_path / "gold.csv"
    bad.write_text("id,theme_id\nS00,medecin\nZZ9,transport\n", encoding="utf-8")
    rc, _, err = _run(["themes", "prevalence", inp, "--text-col", "texte", "--id-col", "segment_id", "--gold", bad,
                       "--out", tmp_path / "p.csv"], capsys)
    assert rc == 2 and "ZZ9" in err and "absent" in err and "Traceback" not in err


def test_sample_is_stratified_deterministic_and_recorded(files, capsys):
    d, inp, _, _ = files
    for k, seed in ((1, 7), (2, 7), (3, 8)):
        rc, out, err = _run(["themes", "sample", inp, "--id-col", "segment_id", "--text-col", "texte",
                             "--strata-col", "atelier", "--size", "6", "--seed", seed, "--out", d / f"e{k}.csv"],
                            capsys)
        assert rc == 0, err
    assert (d / "e1.csv").read_bytes() == (d / "e2.csv").read_bytes()
    assert (d / "e1.csv").read_bytes() != (d / "e3.csv").read_bytes()
    s = pd.read_csv(d / "e1.csv", sep=";", encoding="utf-8-sig", keep_default_na=False)
    assert s["strate"].value_counts().to_dict() == {"A01": 3, "A02": 3}
    assert set(s["echantillon"]) == {"validation"} and s["theme_id"].eq("").all()
    rec = json.loads((d / "e1_tirage.json").read_text(encoding="utf-8"))
    assert rec["graine"] == 7 and rec["strates"] == "atelier" and sorted(rec["identifiants"]) == sorted(s["id"])
    assert len(rec["entrees"]["sha256"]) == 64


def test_sample_by_respondent_and_size_from_interval_width(files, capsys):
    d, inp, _, _ = files
    rc, out, err = _run(["themes", "sample", inp, "--id-col", "segment_id", "--cluster-col", "repondant",
                         "--half-width", "0.2", "--out", d / "r.csv"], capsys)
    assert rc == 0, err
    s = pd.read_csv(d / "r.csv", sep=";", encoding="utf-8-sig", keep_default_na=False)
    # n0 = 1.96² × 0.25 / 0.04 = 24.0 → with 9 respondents, fpc: 24 / (1 + 24/9) = 6.6 → 7 respondents, 14 texts
    assert s["repondant"].nunique() == 7 and len(s) == 14
    assert "7 unités à coder sur 9" in out
