"""QDA exchange on the real ingest path: the sample ateliers and questionnaire, read and pseudonymised
as a cycle reads them, exported to .qdpx (valid against the REFI-QDA schema) and imported back."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from areas_analysis import qda
from areas_analysis.config import ROOT
from areas_analysis.ingest import load_notes, read_survey
from areas_analysis.privacy import Pseudonymizer
from areas_analysis.themes import load_codebook, read_codings

SAMPLE = ROOT / "data" / "sample"
#: The sample is read and pseudonymised as in a cycle (spaCy, ~10-25 s): outside the default suite.
pytestmark = pytest.mark.benchmark


@pytest.fixture(scope="module")
def cycle(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("cycle")
    pz = Pseudonymizer(tmp / "cle.json")
    seg = load_notes(SAMPLE / "ateliers", pseudonymizer=pz)
    us = read_survey(SAMPLE / "questionnaires" / "usagers_en_ligne.csv",
                     SAMPLE / "questionnaires" / "usagers_dictionnaire.yaml", pseudonymizer=pz)
    cb = load_codebook(SAMPLE / "codebook.yaml")
    out = tmp / "2026-S1"
    qda.save_cycle_corpus(out, "ateliers", qda.units_from_segments(seg), cb,
                          human=read_codings(SAMPLE / "codage_humain_ateliers.csv"))
    qda.save_cycle_corpus(out, "usagers", qda.units_from_survey(us, questionnaire="usagers"), cb,
                          human=read_codings(SAMPLE / "codage_humain_usagers.csv"))
    return out


@pytest.mark.shared("external/refi_qda/Project-mrt2019.xsd")
def test_sample_cycle_round_trips_through_a_valid_qdpx(cycle, tmp_path, shared_dir):
    corpus = qda.read_cycle_corpus(cycle)
    path = qda.write_qdpx(corpus, tmp_path / "echantillon.qdpx")
    schema = etree.XMLSchema(etree.parse(str(shared_dir / "external" / "refi_qda" / "Project-mrt2019.xsd")))
    with zipfile.ZipFile(path) as z:
        assert schema.validate(etree.fromstring(z.read("project.qde"))), schema.error_log
    res = qda.import_refi(path, corpus.units)
    assert res.codebook.to_dict() == corpus.codebook.to_dict()
    human = pd.concat([read_codings(SAMPLE / "codage_humain_ateliers.csv"),
                       read_codings(SAMPLE / "codage_humain_usagers.csv")])

    def key(df: pd.DataFrame) -> set:
        return {(r.id, None if pd.isna(r.theme_id) else r.theme_id, r.coder) for r in df.itertuples()}

    assert key(res.codes) == key(human) and len(res.unmatched) == 0
    assert corpus.units["source"].nunique() == 8 + corpus.units["kind"].eq("reponse").sum()


def test_sample_iramuteq_corpus_has_one_text_per_unit(cycle, tmp_path):
    corpus = qda.read_cycle_corpus(cycle)
    lines = qda.write_iramuteq(corpus, tmp_path / "corpus.txt").read_text(encoding="utf-8").splitlines()
    heads = [ln for ln in lines if ln.startswith("****")]
    assert len(heads) == int(corpus.units["text"].str.strip().ne("").sum())
    assert heads[0].startswith("**** *commune_montfort-sur-meu *public_mixte *atelier_a01")
    assert any(h.startswith("**** *commune_") and "*questionnaire_usagers *question_besoins-sante *statut_"
               in h for h in heads)
