"""The embedded synthetic sample: reproducible byte for byte, in the documented formats, with real signal.

Signal checks recompute the promised effects from the written files with plain pandas
(never from the generator's internals), so a change that breaks the signal fails here.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from areas_analysis.cli import main
from areas_analysis.config import DEFAULT_SEED
from areas_analysis.sample import SYNTHETIC_NOTE, THEME_IDS, THEMES, generate_sample
from areas_analysis.sample._ateliers import SECTION_HEADINGS

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
#: Files of data/sample written by hand by other stages (not by the generator).
HAND_WRITTEN = {"activite.yaml"}
EXPECTED_THEMES = [
    "acces_medecin", "transport_mobilite", "isolement", "information_orientation", "numerique", "aidants",
    "prevention_bien_etre", "coordination_parcours", "sante_mentale", "participation_usagers",
    "conditions_travail_soignants", "cout_soins",
]
AGREE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"]
BULLET = re.compile(r"^(- |• |\* |-> |\d+\. |\d+\) )")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], float]:
    out = tmp_path_factory.mktemp("regen") / "sample"
    t0 = time.perf_counter()
    written = generate_sample(out, seed=DEFAULT_SEED)
    return out, written, time.perf_counter() - t0


def _read(path: Path, **kw: object) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kw)


def _note_lines(path: Path) -> list[str]:
    if path.suffix == ".docx":
        from docx import Document

        return [p.text for p in Document(str(path)).paragraphs]
    return path.read_bytes().decode("utf-8").splitlines()


def _dictionary(name: str) -> dict:
    return yaml.safe_load((SAMPLE / name).read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- reproducibility
def test_default_seed_reproduces_the_committed_sample_byte_for_byte(regenerated):
    out, written, _ = regenerated
    committed = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*")
                       if p.is_file() and str(p.relative_to(SAMPLE)) not in HAND_WRITTEN)
    assert [str(p) for p in written] == [str(p) for p in committed]
    differing = [str(rel) for rel in written if (out / rel).read_bytes() != (SAMPLE / rel).read_bytes()]
    assert differing == [], f"à régénérer avec « areas sample generate --out data/sample » : {differing}"


def test_generation_is_fast(regenerated):
    assert regenerated[2] < 5.0


def test_another_seed_gives_other_data_with_the_same_layout(tmp_path, regenerated):
    out, written, _ = regenerated
    other = generate_sample(tmp_path / "s7", seed=7)
    assert other == written
    for rel in ("questionnaires/usagers_en_ligne.csv", "questionnaires/pros_papier.csv", "dpper/ecos_apres.csv",
                "ateliers/2026-02-12_paimpont_A03_usagers.txt", "codage_humain_ateliers.csv"):
        assert (tmp_path / "s7" / rel).read_bytes() != (out / rel).read_bytes(), rel
    assert (tmp_path / "s7" / "codebook.yaml").read_bytes() == (out / "codebook.yaml").read_bytes()


def test_cli_generates_with_french_message(tmp_path, capsys):
    assert main(["sample", "generate", "--out", str(tmp_path / "ech"), "--seed", "3"]) == 0
    msg = capsys.readouterr().out
    assert "fichiers écrits" in msg and "graine 3" in msg
    assert (tmp_path / "ech" / "ateliers" / "manifest.csv").is_file()


def test_cli_refuses_a_file_as_output_folder(tmp_path, capsys):
    target = tmp_path / "fichier.txt"
    target.write_text("x")
    assert main(["sample", "generate", "--out", str(target)]) == 2
    assert "n'est pas un dossier" in capsys.readouterr().err
    assert target.read_text() == "x"


# ----------------------------------------------------------------------------- banks and codebook
def test_phrase_banks_are_rich_distinct_and_safe_for_segmentation_and_cp1252():
    seen: dict[str, str] = {}
    for theme in THEMES:
        phrases = [*theme.constats, *theme.pistes]
        assert 20 <= len(phrases) <= 40, theme.id
        assert len(set(phrases)) == len(phrases), theme.id
        for p in phrases:
            assert p not in seen, f"« {p} » dans {theme.id} et {seen.get(p)}"
            seen[p] = theme.id
            assert not re.search(r"[.!?]\s", p), p  # one sentence: the segmenter must not split it
            p.encode("cp1252")
    lengths = [len(p.split()) for p in seen]
    assert min(lengths) <= 4 and max(lengths) >= 12  # short and long phrasings


def test_codebook_follows_the_format_and_uses_exactly_the_theme_ids():
    cb = yaml.safe_load((SAMPLE / "codebook.yaml").read_text(encoding="utf-8"))
    assert [t["id"] for t in cb["themes"]] == EXPECTED_THEMES == list(THEME_IDS)
    assert cb["version"] == "2026.1"
    for t in cb["themes"]:
        assert t["label"] and t["definition"]
        assert 5 <= len(t["keywords"]) <= 12
        assert 2 <= len(t["examples"]) <= 3
    assert (SAMPLE / "codebook.yaml").read_text(encoding="utf-8").startswith(f"# {SYNTHETIC_NOTE}")


# ----------------------------------------------------------------------------- atelier notes
def test_manifest_and_note_files_follow_the_documented_format():
    man = _read(SAMPLE / "ateliers" / "manifest.csv")
    assert list(man.columns) == ["fichier", "atelier_id", "commune", "date", "public", "participants"]
    assert man["commune"].nunique() == 5 and len(man) == 8
    assert set(man["public"]) == {"usagers", "pros", "mixte", "aidants"}
    assert man["participants"].astype(int).between(20, 70).all()
    exts = man["fichier"].str.rsplit(".", n=1).str[1]
    assert {"txt", "docx", "md"} <= set(exts)
    headings, markers = set(), set()
    for f in man["fichier"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_[a-z-]+_A\d{2}_(usagers|pros|mixte|aidants)\.(txt|md|docx)", f)
        lines = _note_lines(SAMPLE / "ateliers" / f)
        assert lines[0] == SYNTHETIC_NOTE
        tables = [ln for ln in lines if re.match(r"^(## )?(Table n°|TABLE)", ln)]
        assert 3 <= len(tables) <= 5, f
        assert sum(ln.startswith("Animé par") for ln in lines) == len(tables)
        headings |= {re.sub(r"\d", "", t.removeprefix("## ")).strip() for t in tables}
        markers |= {m.group(1).strip() for ln in lines if (m := BULLET.match(ln))}
    assert {"Table n°:", "Table n°", "TABLE"} <= headings
    assert {"-", "•", "*", "->"} <= markers and any(m[0].isdigit() for m in markers)
    assert b"\r\n" in next((SAMPLE / "ateliers").glob("*_A06_*")).read_bytes()


def test_every_expected_segment_is_its_line_and_human_ids_point_at_segments():
    seg = _read(SAMPLE / "verite_terrain" / "segments_attendus.csv")
    files = {f: _note_lines(SAMPLE / "ateliers" / f) for f in seg["source_file"].unique()}
    for row in seg.itertuples():
        line = files[row.source_file][int(row.line) - 1]
        assert row.segment_id == f"{row.atelier_id}-L{int(row.line):04d}-1"
        assert line == row.text or (line.endswith(row.text) and BULLET.match(line[: len(line) - len(row.text)])), \
            (row.segment_id, line)
    # every non-empty line that is not a heading is a segment (nothing forgotten)
    headings = {h for variants in SECTION_HEADINGS.values() for h in variants}
    for f, lines in files.items():
        content = [i for i, ln in enumerate(lines, start=1) if ln.strip()
                   and not re.match(r"^(## )?(Table n°|TABLE )", ln) and not ln.startswith("Animé par")
                   and ln.removeprefix("### ") not in headings]
        assert content == sorted(seg.loc[seg["source_file"] == f, "line"].astype(int)), f
    # some sections are empty: a heading directly followed by another heading or table
    non_empty = [ln.removeprefix("### ") for lines in files.values() for ln in lines if ln.strip()]
    assert any(a in headings and (b in headings or re.match(r"^(## )?(Table|TABLE)", b))
               for a, b in zip(non_empty, non_empty[1:], strict=False))

    human = _read(SAMPLE / "codage_humain_ateliers.csv")
    assert list(human.columns) == ["id", "theme_id", "coder"]
    assert set(human["id"]) <= set(seg["segment_id"])
    assert set(human["theme_id"]) - {""} <= set(EXPECTED_THEMES)
    c1 = human[human["coder"] == "codeur_1"]
    c2 = human[human["coder"] == "codeur_2"]
    assert c2["id"].nunique() == 50 and set(c2["id"]) <= set(c1["id"])
    share = c1.groupby(c1["id"].str[:3])["id"].nunique() / seg[seg["section"] != ""].groupby("atelier_id").size()
    assert share.between(0.35, 0.45).all()


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return {(i, t) for i, t in zip(frame["id"], frame["theme_id"], strict=True) if t}


@pytest.mark.parametrize("coding, truth", [("codage_humain_ateliers.csv", "segments_themes.csv"),
                                           ("codage_humain_usagers.csv", "reponses_themes.csv")])
def test_human_coding_disagrees_with_the_truth_like_a_human(coding, truth):
    human = _read(SAMPLE / coding)
    human = human[human["coder"] == "codeur_1"]
    gold = _read(SAMPLE / "verite_terrain" / truth)
    gold = gold[gold["id"].isin(set(human["id"]))]
    a, b = _pairs(human), _pairs(gold)
    differ = len(a ^ b) / len(a | b)
    assert 0.05 <= differ <= 0.25
    assert any(t == "" for t in human["theme_id"])  # some ids coded "no theme"


def test_names_to_pseudonymise_are_listed_and_present():
    names = (SAMPLE / "verite_terrain" / "noms.txt").read_text(encoding="utf-8").split("\n")[:-1]
    notes = "\n".join("\n".join(_note_lines(p)) for p in (SAMPLE / "ateliers").glob("*.*") if p.suffix != ".csv")
    answers = (SAMPLE / "questionnaires" / "usagers_en_ligne.csv").read_text(encoding="utf-8")
    assert len(names) >= 15
    for name in names:
        assert name in notes or name in answers, name
    assert re.search(r"[\w.]+@[\w.]+", notes) and re.search(r"0\d( \d\d){4}", notes)


# ----------------------------------------------------------------------------- questionnaires
def test_usagers_export_matches_its_dictionary():
    d = _dictionary("questionnaires/usagers_dictionnaire.yaml")
    raw = (SAMPLE / "questionnaires" / "usagers_en_ligne.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    df = _read(SAMPLE / "questionnaires" / "usagers_en_ligne.csv")
    assert list(df.columns) == [c["column"] for c in d["columns"]]
    assert 280 <= len(df) <= 330 and df["Identifiant de réponse"].is_unique
    by_kind = {c["column"]: c for c in d["columns"]}
    likert = [c for c, spec in by_kind.items() if spec["kind"] == "likert"]
    assert 6 <= len(likert) <= 8
    for col in likert:
        assert set(df[col]) <= set(AGREE) | {"Je ne sais pas", ""}
        assert (df[col] == "Je ne sais pas").any() and (df[col] == "").any()
    multi = by_kind["Quelles difficultés rencontrez-vous pour accéder aux soins ?"]
    chosen = {o for cell in df[multi["column"]] if cell for o in cell.split(";")}
    assert chosen <= set(multi["options"])
    open_cols = [c for c, spec in by_kind.items() if spec["kind"] == "open"]
    assert len(open_cols) == 2
    answers = pd.concat([df[c] for c in open_cols])
    assert answers.str.contains("\n").sum() >= 10  # multi-line quoted answers
    assert (answers == "").any() and answers.isin(["RAS", "je ne sais pas", "Je ne sais pas."]).any()
    dist = df["Distance au médecin traitant (km)"]
    assert (dist == "").any() and dist.str.contains(",").any()
    communes = _read(SAMPLE / "verite_terrain" / "communes.csv")
    assert set(df["Commune de résidence"]) <= set(communes["variante"])
    official = df["Commune de résidence"].map(dict(zip(communes["variante"], communes["commune"], strict=True)))
    assert official.nunique() >= 15
    assert (official != df["Commune de résidence"]).mean() > 0.1  # spelling variants as in a real export


def test_pros_export_is_cp1252_semicolon_and_matches_its_dictionary():
    d = _dictionary("questionnaires/pros_dictionnaire.yaml")
    raw = (SAMPLE / "questionnaires" / "pros_papier.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    df = _read(SAMPLE / "questionnaires" / "pros_papier.csv", sep=";", encoding="cp1252")
    assert list(df.columns) == [c["column"] for c in d["columns"]]
    assert 70 <= len(df) <= 90
    prof = next(c for c in d["columns"] if c["name"] == "profession")
    assert set(df[prof["column"]]) <= set(prof["categories"])
    assert set(df["Structure d'exercice"]) <= {"MSP", "CH", "Libéral", "CPTS"}


def _usagers_with_truth() -> pd.DataFrame:
    df = _read(SAMPLE / "questionnaires" / "usagers_en_ligne.csv")
    communes = _read(SAMPLE / "verite_terrain" / "communes.csv")
    remote = dict(zip(communes["variante"], communes["eloignement"], strict=True))
    df["eloignement"] = df["Commune de résidence"].map(remote)
    truth = _read(SAMPLE / "verite_terrain" / "reponses_themes.csv")
    truth = truth[truth["id"].str.startswith("U")]
    truth[["rid", "question"]] = truth["id"].str.split(":", expand=True)
    for q in ("besoins_sante", "aide_souhaitee"):
        sub = truth[truth["question"] == q]
        df[f"{q}_themes"] = df["Identifiant de réponse"].map(sub.groupby("rid")["theme_id"].agg(set))
    return df


def test_signal_transport_in_remote_communes_and_age_and_status_effects():
    df = _usagers_with_truth()
    answered = df[df["besoins_sante_themes"].notna()]
    has = answered["besoins_sante_themes"].apply

    def share(mask: pd.Series, theme: str) -> float:
        return has(lambda s: theme in s)[mask].mean()

    remote, town = answered["eloignement"] == "rural isolé", answered["eloignement"] == "bourg-centre"
    assert share(remote, "transport_mobilite") > share(town, "transport_mobilite") + 0.12
    old = answered["Votre âge"] == "75 ans et plus"
    assert share(old, "numerique") > share(~old, "numerique") + 0.05
    carer = answered["Vous répondez en tant que"] == "Aidant"
    assert share(carer, "aidants") > share(~carer, "aidants") + 0.15
    chronic = answered["Avez-vous une maladie chronique ?"] == "Oui"
    assert share(chronic, "coordination_parcours") > share(~chronic, "coordination_parcours")

    seg = _read(SAMPLE / "verite_terrain" / "segments_attendus.csv")
    seg = seg[seg["section"] != ""]
    seg_remote = seg["commune"].isin(["Paimpont", "Médréac"])
    seg_transport = seg["themes"].str.split(";").apply(lambda ts: "transport_mobilite" in ts)
    assert seg_transport[seg_remote].mean() > seg_transport[~seg_remote].mean() + 0.1


def test_signal_likert_answers_follow_the_themes_raised():
    df = _usagers_with_truth()
    raised = df.apply(lambda r: "isolement" in ((r["besoins_sante_themes"] if isinstance(r["besoins_sante_themes"],
                                                set) else set()) | (r["aide_souhaitee_themes"] if
                                                isinstance(r["aide_souhaitee_themes"], set) else set())), axis=1)
    col = df["Je me sens entouré(e) au quotidien"]
    valid = col.isin(AGREE)
    agree = col.isin(AGREE[3:])
    assert raised[valid].sum() >= 15
    assert agree[raised & valid].mean() < agree[~raised & valid].mean() - 0.25


def test_signal_pros_and_congruence():
    truth = _read(SAMPLE / "verite_terrain" / "reponses_themes.csv")
    own = truth[truth["id"].str.endswith(":besoins_pros")]
    counts = own[own["theme_id"] != ""]["theme_id"].value_counts()
    assert list(counts.index[:2]) == ["conditions_travail_soignants", "coordination_parcours"]
    cong = _read(SAMPLE / "verite_terrain" / "congruence.csv")
    cats = set(cong["categorie"])
    assert "les deux" in cats and cats & {"usagers seulement", "pros seulement"}


# ----------------------------------------------------------------------------- DPPER
def _paired(action: str) -> pd.DataFrame:
    pre = _read(SAMPLE / "dpper" / f"{action}_avant.csv")
    post = _read(SAMPLE / "dpper" / f"{action}_apres.csv")
    code = pre.columns[1]
    for f in (pre, post):
        f["code"] = f[code].str.upper().str.replace(" ", "", regex=False)
    return pre, post, pre.merge(post, on="code", suffixes=("_avant", "_apres"))


@pytest.mark.parametrize("action", ["ecos", "retexp"])
def test_dpper_files_match_dictionaries_and_are_realistically_messy(action):
    pre, post, paired = _paired(action)
    for when, frame in (("avant", pre), ("apres", post)):
        d = _dictionary(f"dpper/{action}_{when}_dictionnaire.yaml")
        assert list(frame.columns[:-1]) == [c["column"] for c in d["columns"]]
        assert frame[frame.columns[1]].is_unique
    unmatched = (len(pre) + len(post) - 2 * len(paired)) / (len(pre) + len(post) - len(paired))
    assert 0.03 <= unmatched <= 0.25
    assert (post[post.columns[1]] != post["code"]).any()  # codes re-typed in lower case or with spaces
    items = [c for c in pre.columns if c not in ("Horodateur", pre.columns[1], "Session",
                                                  "Patient partenaire présent", "code")]
    values = pd.concat([pre[items].stack(), post[items].stack()])
    assert set(values) <= set(AGREE) | {"Je ne sais pas", ""}
    assert (values == "Je ne sais pas").any() and (values == "").any()
    assert pre["Session"].nunique() == 6


@pytest.mark.parametrize("action", ["ecos", "retexp"])
def test_signal_improvement_is_larger_with_a_patient_partner(action):
    pre, _, paired = _paired(action)
    score = {lab: i + 1 for i, lab in enumerate(AGREE)}
    items = [c for c in pre.columns if c not in ("Horodateur", pre.columns[1], "Session",
                                                  "Patient partenaire présent", "code")]
    diff = pd.concat([paired[f"{c}_apres"].map(score) - paired[f"{c}_avant"].map(score) for c in items], axis=1)
    per_student = diff.mean(axis=1)
    with_pp = paired["Patient partenaire présent_avant"] == "Oui"
    assert per_student[with_pp].mean() > per_student[~with_pp].mean() + 0.2


def test_ecos_scores_one_row_per_student_with_bom():
    raw = (SAMPLE / "dpper" / "ecos_scores.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = _read(SAMPLE / "dpper" / "ecos_scores.csv", sep=";", encoding="utf-8-sig")
    d = _dictionary("dpper/ecos_scores_dictionnaire.yaml")
    assert list(df.columns) == [c["column"] for c in d["columns"]]
    assert df["Code étudiant"].is_unique
    assert df.groupby("Session").size().min() == 3  # one very small session
    stations = df.columns[2:]
    values = pd.to_numeric(df[stations].stack().replace("", pd.NA).dropna())
    assert values.between(0, 20).all()
