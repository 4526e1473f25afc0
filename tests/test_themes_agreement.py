"""Agreement statistics checked against sklearn, the krippendorff package and a textbook κ."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score

from areas_analysis.errors import AreasError, InputError
from areas_analysis.themes.agreement import coding_agreement, cohen_kappa, krippendorff_alpha_nominal
from areas_analysis.themes.codings import indicator_matrix, read_codings, write_codings


def test_cohen_kappa_textbook_example():
    # Cohen's κ worked example (Wikipedia "Cohen's kappa", 50 proposals read by A and B):
    # yes/yes 20, A yes/B no 5, A no/B yes 10, no/no 15 -> p_o = 0.7, p_e = 0.5, κ = 0.4.
    a = np.array(["oui"] * 20 + ["oui"] * 5 + ["non"] * 10 + ["non"] * 15)
    b = np.array(["oui"] * 20 + ["non"] * 5 + ["oui"] * 10 + ["non"] * 15)
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_cohen_kappa_undefined_when_both_constant():
    assert np.isnan(cohen_kappa(np.zeros(5), np.zeros(5)))


def test_krippendorff_textbook_nominal_example():
    # Krippendorff (2011, "Computing Krippendorff's alpha-reliability"), nominal example with
    # 4 coders, 12 units and missing values: α = 0.743.
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ])
    assert krippendorff_alpha_nominal(*data) == pytest.approx(0.743, abs=5e-4)


def _long(pairs):
    return pd.DataFrame(pairs, columns=["id", "theme_id"])


@pytest.fixture(scope="module")
def two_codings():
    rng = np.random.default_rng(7)
    ids = [f"R{i:03d}" for i in range(60)]
    themes = ["acces", "transport", "prevention", "isolement"]
    rows_a, rows_b = [], []
    for i in ids:
        ya = rng.random(len(themes)) < [0.4, 0.3, 0.2, 0.1]
        flip = rng.random(len(themes)) < 0.25
        yb = ya ^ flip
        rows_a += [(i, t) for t, y in zip(themes, ya, strict=True) if y] or [(i, None)]
        rows_b += [(i, t) for t, y in zip(themes, yb, strict=True) if y] or [(i, None)]
    return _long(rows_a), _long(rows_b), ids, themes


def test_per_theme_statistics_match_sklearn_and_krippendorff(two_codings):
    a, b, ids, themes = two_codings
    res = coding_agreement(a, b)
    assert res.ids == ids
    ma, mb = indicator_matrix(a, ids, themes), indicator_matrix(b, ids, themes)
    for j, t in enumerate(themes):
        row = res.per_theme.set_index("theme_id").loc[t]
        assert row["kappa"] == pytest.approx(cohen_kappa_score(ma[:, j], mb[:, j]))
        assert row["f1"] == pytest.approx(f1_score(mb[:, j], ma[:, j]))
        assert row["precision"] == pytest.approx(precision_score(mb[:, j], ma[:, j]))
        assert row["recall"] == pytest.approx(recall_score(mb[:, j], ma[:, j]))
        assert row["support"] == mb[:, j].sum()
        ref_alpha = krippendorff.alpha(reliability_data=np.vstack([ma[:, j], mb[:, j]]).astype(float),
                                       level_of_measurement="nominal")
        assert row["alpha"] == pytest.approx(ref_alpha)
    ov = res.overall.iloc[0]
    assert ov["micro_f1"] == pytest.approx(f1_score(mb, ma, average="micro"))
    assert ov["macro_f1"] == pytest.approx(f1_score(mb, ma, average="macro"))
    pooled = krippendorff.alpha(reliability_data=np.vstack([ma.ravel(), mb.ravel()]).astype(float),
                                level_of_measurement="nominal")
    assert ov["alpha"] == pytest.approx(pooled)
    # confusion lists hold exactly the disagreements
    n_dis = int((ma != mb).sum())
    assert len(res.confusion) == n_dis
    first = res.confusion.iloc[0]
    j = themes.index(first["theme_id"])
    i = ids.index(first["id"])
    assert ma[i, j] == (first["coded_by"] == "A") and mb[i, j] == (first["coded_by"] == "B")


def test_id_sets_intersection_union_and_explicit():
    a = _long([("1", "x"), ("2", "y"), ("3", None)])
    b = _long([("1", "x"), ("2", "x"), ("4", "y")])
    inter = coding_agreement(a, b)
    assert inter.ids == ["1", "2"]
    union = coding_agreement(a, b, ids="union")
    assert union.ids == ["1", "2", "3", "4"]
    row = union.per_theme.set_index("theme_id").loc["y"]
    assert (row["n_a"], row["n_b"], row["both"]) == (1, 1, 0)
    explicit = coding_agreement(a, b, ids=["1", "5"])
    assert explicit.per_theme.set_index("theme_id").loc["x", "both"] == 1
    with pytest.raises(AreasError, match="Aucun identifiant commun"):
        coding_agreement(_long([("1", "x")]), _long([("2", "x")]))


def test_perfect_agreement_and_theme_used_by_one_side_only():
    a = _long([("1", "x"), ("2", "x"), ("3", None), ("4", "z")])
    b = _long([("1", "x"), ("2", "x"), ("3", None), ("4", None)])
    res = coding_agreement(a, b).per_theme.set_index("theme_id")
    assert res.loc["x", "kappa"] == pytest.approx(1.0)
    assert res.loc["x", "f1"] == pytest.approx(1.0)
    assert res.loc["z", "precision"] == 0.0 and np.isnan(res.loc["z", "recall"])
    report = coding_agreement(a, b).report(("machine", "humain"))
    assert {"theme", "codes_machine", "codes_humain", "kappa", "alpha", "f1"} <= set(report.columns)


def test_read_codings_messy_file(tmp_path):
    # Excel-style: BOM, ';' separator, Windows-1252 is tested separately; ids with leading zeros,
    # thousands space, duplicate rows and an empty-theme row for an id that also has a theme.
    p = tmp_path / "gold.csv"
    p.write_text("\ufeffid;theme_id;coder\n007;acces;c1\n23 614;transport;c1\n007;acces;c1\n007;;c1\n8;;c2\n",
                 encoding="utf-8")
    df = read_codings(p)
    assert df["id"].tolist() == ["007", "23 614", "8"]
    assert df["theme_id"].isna().tolist() == [False, False, True]
    assert read_codings(p, coder="c2")["id"].tolist() == ["8"]
    with pytest.raises(InputError, match="codeur « c3 » absent"):
        read_codings(p, coder="c3")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,theme_id\n1,accès_médecin\n2,prévention\n".encode("cp1252"))
    assert read_codings(latin)["theme_id"].tolist() == ["accès_médecin", "prévention"]


def test_read_codings_errors_name_row_and_column(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("id,theme_id,score,source\n1,x,0.5,model\n,x,0.2,human\n3,y,beaucoup,robot\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_codings(p)
    msg = str(err.value)
    assert "bad.csv, ligne 3, colonne « id » : identifiant vide" in msg
    assert "ligne 4, colonne « score » : score non numérique « beaucoup »" in msg
    assert "ligne 4, colonne « source » : source inconnue « robot »" in msg
    q = tmp_path / "cols.csv"
    q.write_text("ident,theme\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="colonne « id » : colonne absente"):
        read_codings(q)


def test_write_codings_round_trip(tmp_path):
    df = pd.DataFrame({"id": ["b", "a", "c"], "theme_id": ["x", "y", None], "score": [0.123456789, 1.0, 0.5],
                       "source": ["model", "human", "model"]})
    p = write_codings(df, tmp_path / "out" / "c.csv")
    assert p.read_text(encoding="utf-8").splitlines()[1] == "b,x,0.1235,model"
    back = read_codings(p)
    assert back["id"].tolist() == ["b", "a", "c"] and back["theme_id"].isna().tolist() == [False, False, True]
    assert back["score"].tolist() == pytest.approx([0.1235, 1.0, 0.5])
