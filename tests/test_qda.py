"""QDA exchange: REFI-QDA export (checked against the standard's XSD), import of other tools' files,
round trip, unmatched selections reported, IRaMuTeQ corpus, command line."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from areas_analysis import qda
from areas_analysis.cli import main
from areas_analysis.errors import InputError
from areas_analysis.qda.refi import MIN_UNIT_COVER, NS
from areas_analysis.themes import codebook_from_dict
from areas_analysis.themes.codings import read_codings

XSD = ("external", "refi_qda", "Project-mrt2019.xsd")


# --------------------------------------------------------------------------- fixtures


def _units() -> pd.DataFrame:
    """Two ateliers and three open answers, as messy as real notes: accents, two sentences on one line,
    a one-word segment, line breaks, characters IRaMuTeQ reserves."""
    rows = [
        # id, text, source, case, kind, line, header, commune, public, atelier_id
        ("A01-L0010-1", "Plus de médecin traitant depuis 2024.", "Atelier A01 — Montfort-sur-Meu", "A01",
         "atelier", 10, "Table 1 — Constats", "Montfort-sur-Meu", "mixte", "A01"),
        ("A01-L0010-2", "Les délais sont trop longs.", "Atelier A01 — Montfort-sur-Meu", "A01", "atelier", 10,
         "Table 1 — Constats", "Montfort-sur-Meu", "mixte", "A01"),
        ("A01-L0012-1", "Transport", "Atelier A01 — Montfort-sur-Meu", "A01", "atelier", 12,
         "Table 1 — Constats", "Montfort-sur-Meu", "mixte", "A01"),
        ("A01-L0020-1", "Créer un bus solidaire vers le cabinet de [PERSONNE_1]", "Atelier A01 — Montfort-sur-Meu",
         "A01", "atelier", 20, "Table 2 — Idées", "Montfort-sur-Meu", "mixte", "A01"),
        ("A02-L0005-1", "Personne ne sait à qui s'adresser", "Atelier A02 — Paimpont", "A02", "atelier", 5,
         "", "Paimpont", "usagers", "A02"),
    ]
    ateliers = pd.DataFrame(rows, columns=["id", "text", "source", "case", "kind", "line", "header", "commune",
                                           "public", "atelier_id"])
    answers = pd.DataFrame({
        "id": ["U0001:besoins", "U0001:aide", "U0002:besoins"],
        "text": ["Pas de psychologue *accessible* sans payer.\nComme 80 % des gens_ici.",
                 "Un \"taxi\" solidaire", "Être moins seule"],
        "source": ["usagers — besoins — U0001", "usagers — aide — U0001", "usagers — besoins — U0002"],
        "case": ["U0001", "U0001", "U0002"],
        "kind": "reponse", "line": pd.NA, "header": "",
        "questionnaire": "usagers", "question": ["besoins", "aide", "besoins"],
        "commune": ["Saint-Méen-le-Grand", "Saint-Méen-le-Grand", "Paimpont"],
        "statut": ["Patient", "Patient", "Aidant"],
        "tranche_age": ["75 ans et plus", "75 ans et plus", "60-74 ans"],
    })
    return pd.concat([ateliers, answers], ignore_index=True)


def _codebook():
    return codebook_from_dict({"name": "Grille test", "version": "2026.2", "themes": [
        {"id": "acces_soins", "label": "Accès aux soins", "definition": "Tout ce qui freine l'accès aux soins."},
        {"id": "acces_medecin", "label": "Accès au médecin traitant", "parent": "acces_soins",
         "definition": "Trouver un médecin ; délais.", "keywords": ["médecin traitant", "rendez-vous"],
         "examples": ["Plus de médecin depuis la retraite du nôtre"]},
        {"id": "transport_mobilite", "label": "Transport et mobilité", "parent": "acces_soins",
         "keywords": ["bus", "taxi"]},
        {"id": "isolement", "label": "Isolement & lien social", "definition": "Solitude <à domicile>."},
    ]})


def _codes() -> pd.DataFrame:
    human = pd.DataFrame({
        "id": ["A01-L0010-1", "A01-L0010-1", "A01-L0012-1", "A02-L0005-1", "U0001:aide", "U0002:besoins",
               "A01-L0010-1"],
        "theme_id": ["acces_medecin", "acces_soins", "transport_mobilite", pd.NA, "transport_mobilite",
                     "isolement", "acces_medecin"],
        "coder": ["codeur_1", "codeur_1", "codeur_1", "codeur_1", "codeur_1", "codeur_1", "codeur_2"],
    })
    review = pd.DataFrame({"id": ["A01-L0020-1"], "theme_id": ["transport_mobilite"], "coder": ["codeur_2"]})
    machine = pd.DataFrame({"id": ["A01-L0010-2", "U0001:besoins"], "theme_id": ["acces_medecin", "acces_soins"],
                            "score": [0.8123, 0.31], "source": "model"})
    return human, review, machine


@pytest.fixture()
def cycle_dir(tmp_path: Path) -> Path:
    units = _units()
    human, review, machine = _codes()
    at = units["kind"].eq("atelier")
    cb = _codebook()
    qda.save_cycle_corpus(tmp_path / "2026-S1", "ateliers", units[at], cb,
                          machine=machine[machine["id"].str[0] == "A"], human=human[human["id"].str[0] == "A"],
                          review=review)
    qda.save_cycle_corpus(tmp_path / "2026-S1", "usagers", units[~at], cb,
                          machine=machine[machine["id"].str[0] == "U"], human=human[human["id"].str[0] == "U"])
    return tmp_path / "2026-S1"


@pytest.fixture()
def corpus(cycle_dir: Path) -> qda.QdaCorpus:
    return qda.read_cycle_corpus(cycle_dir)


def _project(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("project.qde"))


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


# --------------------------------------------------------------------------- export


@pytest.mark.shared("/".join(XSD))
def test_export_is_valid_against_the_refi_qda_schema(corpus, tmp_path, shared_dir):
    schema = etree.XMLSchema(etree.parse(str(shared_dir.joinpath(*XSD))))
    path = qda.write_qdpx(corpus, tmp_path / "projet.qdpx")
    root = _project(path)
    assert schema.validate(root), schema.error_log
    # the schema does check what we rely on: a Description after its Coding is rejected
    sel = root.find(f".//{_q('PlainTextSelection')}")
    sel.append(sel.find(_q("Description")))
    assert not schema.validate(root)


def test_every_selection_has_exact_offsets_into_its_source(corpus, tmp_path):
    path = qda.write_qdpx(corpus, tmp_path / "projet.qdpx")
    root = _project(path)
    units = corpus.units.set_index("id")
    by_text = {" ".join(t.split()): i for i, t in units["text"].items()}
    n = 0
    with zipfile.ZipFile(path) as z:
        for src in root.iter(_q("TextSource")):
            g = src.get("guid")
            assert src.get("plainTextPath") == f"internal://{g}.txt"
            raw = z.read(f"sources/{g}.txt")
            assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw  # QualCoder: no BOM, \n only
            text = raw.decode("utf-8")
            for sel in src.iter(_q("PlainTextSelection")):
                a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                assert text[a:b] in by_text, (src.get("name"), text[a:b])
                n += 1
    # 7 human rows + 1 review + 2 machine, minus none: every coded row is a selection
    assert n == 10


def test_origin_is_a_user_and_a_description_with_the_machine_score(corpus, tmp_path):
    root = _project(qda.write_qdpx(corpus, tmp_path / "p.qdpx"))
    users = {u.get("guid"): u.get("name") for u in root.iter(_q("User"))}
    assert set(users.values()) == {"codeur_1", "codeur_2", "relecture (codeur_2)", qda.MACHINE_USER}
    descs = {}
    for sel in root.iter(_q("PlainTextSelection")):
        descs.setdefault(users[sel.get("creatingUser")], []).append(sel.findtext(_q("Description")))
    assert "Origine : machine — score 0,8123" in descs[qda.MACHINE_USER]
    assert descs["relecture (codeur_2)"] == ["Origine : relecture (codeur_2)"]
    assert all(d == "Origine : codage humain (codeur_1)" for d in descs["codeur_1"])


def test_codebook_hierarchy_colours_and_descriptions(corpus, tmp_path):
    root = _project(qda.write_qdpx(corpus, tmp_path / "p.qdpx"))
    codes = root.find(_q("CodeBook")).find(_q("Codes"))
    top = [c.get("name") for c in codes.findall(_q("Code"))]
    assert top == ["Accès aux soins", "Isolement & lien social", "(aucun thème)"]
    parent = codes.find(_q("Code"))
    assert [c.get("name") for c in parent.findall(_q("Code"))] == ["Accès au médecin traitant",
                                                                   "Transport et mobilité"]
    assert {c.get("color") for c in parent.iter(_q("Code"))} == {parent.get("color")}
    desc = parent.find(_q("Code")).findtext(_q("Description"))
    assert desc.startswith("Trouver un médecin ; délais.") and "Identifiant AREAS : acces_medecin" in desc


def test_cases_and_sources_carry_their_variables(corpus, tmp_path):
    root = _project(qda.write_qdpx(corpus, tmp_path / "p.qdpx"))
    var = {v.get("guid"): v.get("name") for v in root.iter(_q("Variable"))}

    def values(el):
        return {var[vv.find(_q("VariableRef")).get("targetGUID")]: vv.findtext(_q("TextValue"))
                for vv in el.findall(_q("VariableValue"))}

    cases = {c.get("name"): c for c in root.iter(_q("Case"))}
    assert set(cases) == {"A01", "A02", "U0001", "U0002"}
    # the question varies within a respondent: not a case variable
    assert values(cases["U0001"]) == {"commune (cas)": "Saint-Méen-le-Grand", "questionnaire (cas)": "usagers",
                                      "statut (cas)": "Patient", "tranche_age (cas)": "75 ans et plus"}
    assert len(cases["U0001"].findall(_q("SourceRef"))) == 2
    # every variable is also on each answer (QualCoder's file attributes), under its own name
    src = next(s for s in root.iter(_q("TextSource")) if s.get("name") == "usagers — aide — U0001")
    assert values(src) == {"questionnaire": "usagers", "question": "aide", "commune": "Saint-Méen-le-Grand",
                           "statut": "Patient", "tranche_age": "75 ans et plus"}
    atelier = next(s for s in root.iter(_q("TextSource")) if s.get("name").startswith("Atelier A01"))
    assert values(atelier) == {"commune": "Montfort-sur-Meu", "public": "mixte", "atelier_id": "A01"}


def test_export_is_byte_stable(corpus, tmp_path):
    a = qda.write_qdpx(corpus, tmp_path / "a.qdpx").read_bytes()
    b = qda.write_qdpx(corpus, tmp_path / "b.qdpx").read_bytes()
    assert a == b


def test_atelier_source_reads_like_the_notes(corpus):
    src = next(s for s in qda.build_sources(corpus.units) if s.name.startswith("Atelier A01"))
    assert src.text == ("Table 1 — Constats\nPlus de médecin traitant depuis 2024. Les délais sont trop longs.\n"
                        "Transport\n\nTable 2 — Idées\nCréer un bus solidaire vers le cabinet de [PERSONNE_1]")


# --------------------------------------------------------------------------- round trip


def test_round_trip_gives_back_the_codebook_and_the_human_codes(corpus, tmp_path):
    path = qda.write_qdpx(corpus, tmp_path / "p.qdpx")
    res = qda.import_refi(path, corpus.units)
    assert res.codebook.to_dict() == corpus.codebook.to_dict()
    got = {(r.id, None if pd.isna(r.theme_id) else r.theme_id, r.coder) for r in res.codes.itertuples()}
    human, review, _ = _codes()
    want = {(r.id, None if pd.isna(r.theme_id) else r.theme_id, r.coder) for r in human.itertuples()}
    want |= {(r.id, r.theme_id, f"relecture ({r.coder})") for r in review.itertuples()}
    assert got == want
    # machine selections are reported, not imported as human codes
    assert set(res.unmatched["raison"].str[:19]) == {"codage automatique "}
    assert len(res.unmatched) == 2
    # without the cycle's units, the archive's own unit map gives the same codes
    alone = qda.import_refi(path)
    pd.testing.assert_frame_equal(alone.codes, res.codes)


def test_read_codings_reads_a_qdpx_like_a_csv(corpus, tmp_path):
    path = qda.write_qdpx(corpus, tmp_path / "p.qdpx")
    got = read_codings(path, coder="codeur_1")
    assert list(got.columns) == ["id", "theme_id", "source", "coder"]
    csv = tmp_path / "c.csv"
    got.to_csv(csv, index=False)
    pd.testing.assert_frame_equal(read_codings(csv, coder="codeur_1"), got)
    assert ("A02-L0005-1" in set(got["id"])) and got.loc[got["id"].eq("A02-L0005-1"), "theme_id"].isna().all()


# --------------------------------------------------------------------------- other tools' files

_QUALCODER_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
name="terrain.qda" origin="QualCoder 3.6" creatingUserGUID="0b1d3f6e-2c4a-4e8b-9d7f-1a2b3c4d5e6f" \
creationDateTime="2026-05-01T10:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="5c94bc9e-db8c-4f1d-9cd6-e900c7440860" name="Marie" />
</Users>
<CodeBook>
<Codes>
<Code guid="11111111-aaaa-4bbb-8ccc-000000000001" name="Isolement" isCodable="true" color="#EB7333" />
<Code guid="11111111-aaaa-4bbb-8ccc-000000000002" name="Accès aux soins" isCodable="false">
<Description>Catégorie : tout frein d'accès</Description>
<Code guid="11111111-aaaa-4bbb-8ccc-000000000003" name="Délais de rendez-vous" isCodable="true" color="#9CE3FF">
<Description>Attente pour un RDV</Description>
</Code>
<Code guid="11111111-aaaa-4bbb-8ccc-000000000004" name="Transport" isCodable="true" color="#F781F3" />
</Code>
</Codes>
</CodeBook>
<Sources>
<TextSource plainTextPath="internal://a2b94468-80a5-412f-92d6-e900d97b55a6.txt" \
creatingUser="5c94bc9e-db8c-4f1d-9cd6-e900c7440860" creationDateTime="2026-05-01T10:00:00Z" \
guid="a2b94468-80a5-412f-92d6-e900d97b55a6" name="notes_A01.txt">
{selections}
</TextSource>
</Sources>
<Description />
</Project>"""

_QUALCODER_TEXT = ("Atelier de Montfort\n- Plus de médecin traitant depuis 2024. Les délais sont trop longs.\n"
                   "- Transport\n- Créer un bus solidaire vers le cabinet de [PERSONNE_1]\nFin des notes")


def _qc_selection(text: str, fragment: str, code: str, k: int, occurrence: int = 0) -> str:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    return (f'<PlainTextSelection guid="22222222-aaaa-4bbb-8ccc-00000000000{k}" startPosition="{start}" '
            f'endPosition="{start + len(fragment)}" name="{fragment[:20]}" '
            f'creatingUser="5c94bc9e-db8c-4f1d-9cd6-e900c7440860" creationDateTime="2026-05-02T10:00:00Z">\n'
            f'<Coding guid="33333333-aaaa-4bbb-8ccc-00000000000{k}" '
            f'creatingUser="5c94bc9e-db8c-4f1d-9cd6-e900c7440860" >\n'
            f'<CodeRef targetGUID="11111111-aaaa-4bbb-8ccc-00000000000{code}" />\n</Coding>\n'
            '</PlainTextSelection>')


def _write_qualcoder(tmp_path: Path, selections: str) -> Path:
    path = tmp_path / "terrain.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", _QUALCODER_QDE.format(selections=selections))
        # QualCoder writes its plain texts with a BOM (utf-8-sig); its offsets do not count it
        z.writestr("sources/a2b94468-80a5-412f-92d6-e900d97b55a6.txt", _QUALCODER_TEXT.encode("utf-8-sig"))
    return path


def test_import_a_qualcoder_project(tmp_path):
    t = _QUALCODER_TEXT
    sels = "\n".join([
        _qc_selection(t, "délais sont trop longs", "3", 1),   # inside one segment
        _qc_selection(t, "Transport\n- Créer un bus solidaire vers le cabinet de [PERSONNE_1]", "4", 2),  # 2
        _qc_selection(t, "Atelier de Montfort", "1", 3),        # a heading of the researcher: no unit
        _qc_selection(t, "de", "1", 4),                         # too short to match by text
    ])
    res = qda.import_refi(_write_qualcoder(tmp_path, sels), _units())
    cb = res.codebook
    assert cb.ids == ["isolement", "acces_soins", "delais_rendez", "transport"]
    assert cb.theme("acces_soins").definition == "Catégorie : tout frein d'accès"  # non-codable kept as parent
    assert cb.theme("delais_rendez").parent == "acces_soins"
    assert cb.theme("delais_rendez").definition == "Attente pour un RDV"
    assert cb.name == "Grille importée de terrain.qdpx" and cb.version == "1"
    got = sorted(map(tuple, res.codes[["id", "theme_id", "coder"]].to_numpy().tolist()))
    assert got == [("A01-L0010-2", "delais_rendez", "Marie"), ("A01-L0012-1", "transport", "Marie"),
                   ("A01-L0020-1", "transport", "Marie")]
    reasons = res.unmatched.set_index("extrait")["raison"]
    assert reasons["Atelier de Montfort"].startswith("texte sélectionné introuvable")
    assert reasons["de"].startswith("sélection trop courte")
    assert res.n_selections == 4 == len(res.codes) - 1 + len(res.unmatched)


_NVIVO_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="AREAS terrain" origin="NVivo 14.23.0" \
creatingUserGUID="{{A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D}}" creationDateTime="2026-04-01T09:00:00Z">
  <Users><User guid="{{A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D}}" name="P. Le Goff" id="PLG"/></Users>
  <CodeBook>
    <Codes>
      <Code guid="B1A2C3D4-0000-4000-8000-00000000000A" name="Accès" isCodable="true" color="#A7A7A7">
        <Code guid="B1A2C3D4-0000-4000-8000-00000000000B" name="Accès au médecin traitant" isCodable="true">
          <Description>Médecin, délais</Description>
        </Code>
      </Code>
      <Code guid="B1A2C3D4-0000-4000-8000-00000000000C" name="Isolement" isCodable="true"/>
      <Code guid="B1A2C3D4-0000-4000-8000-00000000000D" name="Isolement" isCodable="true"/>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="C0C0C0C0-0000-4000-8000-000000000001" name="Réponses usagers" \
richTextPath="internal://C0C0C0C0-0000-4000-8000-000000000001.docx" \
plainTextPath="internal://C0C0C0C0-0000-4000-8000-000000000001.txt">
      <PlainTextSelection guid="D0D0D0D0-0000-4000-8000-000000000001" startPosition="{a1}" endPosition="{b1}" \
creatingUser="{{A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D}}">
        <Coding guid="E0E0E0E0-0000-4000-8000-000000000001" \
creatingUser="{{A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D}}">
          <CodeRef targetGUID="{{B1A2C3D4-0000-4000-8000-00000000000D}}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="D0D0D0D0-0000-4000-8000-000000000002" startPosition="{a2}" endPosition="{b2}">
        <Coding guid="E0E0E0E0-0000-4000-8000-000000000002">
          <CodeRef targetGUID="B1A2C3D4-0000-4000-8000-00000000000B"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="D0D0D0D0-0000-4000-8000-000000000003" startPosition="4000" endPosition="4010">
        <Coding guid="E0E0E0E0-0000-4000-8000-000000000003">
          <CodeRef targetGUID="B1A2C3D4-0000-4000-8000-00000000000C"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="C0C0C0C0-0000-4000-8000-000000000002" name="Entretien (docx seul)" \
richTextPath="internal://C0C0C0C0-0000-4000-8000-000000000002.docx">
      <PlainTextSelection guid="D0D0D0D0-0000-4000-8000-000000000004" startPosition="0" endPosition="5">
        <Coding guid="E0E0E0E0-0000-4000-8000-000000000004">
          <CodeRef targetGUID="B1A2C3D4-0000-4000-8000-00000000000C"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


def test_import_an_nvivo_project_with_crlf_braced_guids_and_capital_sources(tmp_path):
    # NVivo (Windows) keeps \r\n in the plain text and counts it as two characters
    text = "Réponse 1 :\r\nÊtre moins seule\r\nRéponse 2 :\r\nPlus de médecin traitant depuis 2024.\r\n"
    a1 = text.index("Être moins seule")
    a2 = text.index("médecin traitant")
    qde = _NVIVO_QDE.format(a1=a1, b1=a1 + len("Être moins seule"), a2=a2, b2=a2 + len("médecin traitant"))
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde.encode("utf-8"))
        z.writestr("Sources/C0C0C0C0-0000-4000-8000-000000000001.txt", text.encode("utf-8"))
    res = qda.import_refi(path, _units())
    # duplicate names get distinct ids; a codable parent with children stays a parent
    assert res.codebook.ids == ["acces", "acces_medecin_traitant", "isolement", "isolement_2"]
    assert res.codebook.theme("acces_medecin_traitant").parent == "acces"
    got = sorted(map(tuple, res.codes[["id", "theme_id", "coder"]].to_numpy().tolist()))
    assert got == [("A01-L0010-1", "acces_medecin_traitant", "codeur_qda"),
                   ("U0002:besoins", "isolement_2", "P. Le Goff")]
    reasons = sorted(res.unmatched["raison"].str.split(" ").str[0])
    assert reasons == ["positions", "texte"]  # out of range; rich text only


_TAGUETTE_QDC = ('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
                 'origin="Taguette 1.4.1"><Codes><Code guid="0D62985D-B147-5D01-A9B5-CAE5DCD98342" '
                 'name="interesting" isCodable="true"/><Code guid="DFE5C38E-9449-5959-A1F7-E3D895CFA87F" '
                 'name="people" isCodable="true"/><Code guid="725F0645-9CD3-598A-8D2B-EC3D39AB3C3F" '
                 'name="interesting.places" isCodable="true"/><Code guid="725F0645-9CD3-598A-8D2B-EC3D39AB3C40" '
                 'name="soins.acces.medecin" isCodable="true"/></Codes><Sets/></CodeBook>')

_ATLAS_QDC = """<?xml version="1.0" encoding="utf-8"?>
<qda:CodeBook xmlns:qda="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti 24">
 <qda:Codes>
  <qda:Code guid="{6F1B8E0A-1111-4C2D-9E3F-4A5B6C7D8E9F}" name="Aucun" isCodable="true">
   <qda:Description>Réservé ?</qda:Description>
   <qda:Code guid="{6F1B8E0A-2222-4C2D-9E3F-4A5B6C7D8E9F}" name="Le numérique &amp; les démarches" \
isCodable="true"/>
  </qda:Code>
 </qda:Codes>
</qda:CodeBook>"""


def test_import_taguette_and_atlas_codebooks(tmp_path):
    tg = tmp_path / "taguette.qdc"
    tg.write_text(_TAGUETTE_QDC, encoding="utf-8")
    cb = qda.import_refi(tg).codebook
    assert [(t.id, t.label, t.parent) for t in cb.themes] == [
        ("interesting", "interesting", None), ("people", "people", None), ("places", "places", "interesting"),
        ("soins", "soins", None), ("acces", "acces", "soins"), ("medecin", "medecin", "acces")]
    at = tmp_path / "atlas.qdc"
    at.write_text(_ATLAS_QDC, encoding="utf-8")
    cb = qda.import_refi(at).codebook
    # "aucun" is a review decision in the workspace: the id is changed, the label kept
    assert [(t.id, t.label, t.parent) for t in cb.themes] == [
        ("aucun_theme", "Aucun", None), ("numerique_demarches", "Le numérique & les démarches", "aucun_theme")]


def test_unit_cover_rule_codes_the_segment_not_its_neighbour(corpus, tmp_path):
    src = next(s for s in qda.build_sources(corpus.units) if s.name.startswith("Atelier A01"))
    spans = {u: (a, b) for u, a, b in src.spans}
    a, b = spans["A01-L0010-1"]
    c, _ = spans["A01-L0010-2"]
    end = c + 3  # spills 3 characters into the next sentence
    assert 3 < MIN_UNIT_COVER * (spans["A01-L0010-2"][1] - c)
    sel = (f'<PlainTextSelection guid="22222222-aaaa-4bbb-8ccc-000000000001" startPosition="{a}" '
           f'endPosition="{end}"><Coding guid="33333333-aaaa-4bbb-8ccc-000000000001"><CodeRef '
           f'targetGUID="11111111-aaaa-4bbb-8ccc-000000000001"/></Coding></PlainTextSelection>')
    qde = (f'<Project xmlns="{NS}" name="x"><CodeBook><Codes><Code guid="11111111-aaaa-4bbb-8ccc-000000000001" '
           f'name="Isolement" isCodable="true"/></Codes></CodeBook><Sources><TextSource '
           f'guid="a2b94468-80a5-412f-92d6-e900d97b55a6" name="{src.name}"><PlainTextContent>{src.text}'
           f'</PlainTextContent>{sel}</TextSource></Sources></Project>')
    path = tmp_path / "x.qde"
    path.write_text(qde, encoding="utf-8")
    res = qda.import_refi(path, corpus.units)
    assert res.codes["id"].tolist() == ["A01-L0010-1"]


def test_without_units_selections_are_reported_not_dropped(tmp_path):
    t = _QUALCODER_TEXT
    path = _write_qualcoder(tmp_path, _qc_selection(t, "Transport", "4", 1))
    res = qda.import_refi(path)
    assert res.codes.empty and len(res.unmatched) == 1
    assert "pas de textes de l'espace de travail" in res.unmatched["raison"].iloc[0]
    with pytest.raises(InputError, match="ne vient pas de cet espace de travail"):
        qda.read_qdpx_codings(path)
    with pytest.warns(UserWarning, match="non rattachée"):
        out = qda.read_qdpx_codings(_write_qualcoder(tmp_path, _qc_selection(t, "Fin des notes", "1", 1)),
                                    units=_units())
    assert out.empty and len(out.attrs["non_rattachees"]) == 1


def test_a_300_code_hierarchical_codebook_imports_in_under_a_second(tmp_path):
    parts = ['<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>']
    k = 0
    for i in range(20):  # 20 categories × (1 + 14 codes, 4 of them with 2 sub-codes) = 300 codes... see below
        parts.append(f'<Code guid="00000000-0000-4000-8000-{k:012d}" name="Catégorie {i}" isCodable="false">'
                     f'<Description>Catégorie numéro {i}</Description>')
        k += 1
        for j in range(13):
            parts.append(f'<Code guid="00000000-0000-4000-8000-{k:012d}" name="Code {i}.{j} santé" '
                         f'isCodable="true" color="#AABBCC"><Description>Définition {i}.{j}</Description>')
            k += 1
            if j == 0:
                parts.append(f'<Code guid="00000000-0000-4000-8000-{k:012d}" name="Sous-code {i}" '
                             'isCodable="true"/>')
                k += 1
            parts.append("</Code>")
        parts.append("</Code>")
    parts.append("</Codes></CodeBook>")
    assert k == 300
    path = tmp_path / "grand.qdc"
    path.write_text("".join(parts), encoding="utf-8")
    t0 = time.perf_counter()
    cb = qda.import_refi(path).codebook
    elapsed = time.perf_counter() - t0
    assert len(cb.themes) == 300 and elapsed < 1.0, elapsed
    assert cb.theme("sous_code_3").parent == "code_3_0_sante"
    assert cb.theme("code_3_0_sante").parent == "categorie_3"


# --------------------------------------------------------------------------- IRaMuTeQ


def test_iramuteq_corpus_lines_and_forbidden_characters(corpus, tmp_path):
    path = qda.write_iramuteq(corpus, tmp_path / "corpus.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "**** *commune_montfort-sur-meu *public_mixte *atelier_a01"
    assert lines[1] == "Plus de médecin traitant depuis 2024."
    i = lines.index("**** *commune_saint-meen-le-grand *questionnaire_usagers *question_besoins "
                    "*statut_patient *age_75-ans-et-plus")
    assert lines[i + 1] == "Pas de psychologue accessible sans payer. Comme 80 pour cent des gens ici."
    texts = lines[1::2]
    assert all(ln.startswith("**** *") for ln in lines[::2]) and len(texts) == len(corpus.units)
    assert not any(set(t) & set('*_$%"') for t in texts)


# --------------------------------------------------------------------------- command line and cycle folder


def test_cli_export_import_and_iramuteq(cycle_dir, tmp_path, capsys):
    out = tmp_path / "p.qdpx"
    assert main(["qda", "export", "--cycle", str(cycle_dir), "--out", str(out)]) == 0
    assert "5 sources, 4 thèmes, 10 codes, 4 cas" in capsys.readouterr().out
    cb, codes = tmp_path / "cb.yaml", tmp_path / "codes.csv"
    assert main(["qda", "import", str(out), "--cycle", str(cycle_dir), "--codebook-out", str(cb),
                 "--codes-out", str(codes)]) == 0
    printed = capsys.readouterr().out
    assert "2 × codage automatique" in printed
    assert qda.import_refi(out).codebook.to_dict() == qda.read_cycle_corpus(cycle_dir).codebook.to_dict()
    report = pd.read_csv(tmp_path / "codes_non_rattaches.csv", sep=";", encoding="utf-8-sig")
    assert len(report) == 2
    assert len(read_codings(codes)) == 8
    assert main(["qda", "iramuteq", "--cycle", str(cycle_dir), "--out", str(tmp_path / "c.txt")]) == 0
    assert main(["qda", "import", str(tmp_path / "x.qdc"), "--codebook-out", str(cb)]) == 2
    assert "fichier QDA introuvable" in capsys.readouterr().err


def test_a_cycle_without_exchange_corpus_is_refused_in_french(tmp_path):
    (tmp_path / "2026-S1").mkdir()
    with pytest.raises(InputError, match="aucun corpus d'échange QDA"):
        qda.read_cycle_corpus(tmp_path / "2026-S1")


def test_atlas_ti_offsets_count_a_crlf_line_end_as_one_character(tmp_path):
    # ATLAS.ti stores \r\n in the text file but its positions count it as one character
    text = "Réponse 1 :\r\nÊtre moins seule\r\nRéponse 2 :\r\nPlus de médecin traitant depuis 2024.\r\n"
    flat = text.replace("\r\n", "\n")
    a1, a2 = flat.index("Être moins seule"), flat.index("médecin traitant")
    qde = _NVIVO_QDE.format(a1=a1, b1=a1 + len("Être moins seule"), a2=a2, b2=a2 + len("médecin traitant"))
    qde = qde.replace('origin="NVivo 14.23.0"', 'origin="ATLAS.ti Windows 24.1"')
    path = tmp_path / "atlas.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde.encode("utf-8"))
        z.writestr("sources/C0C0C0C0-0000-4000-8000-000000000001.txt", text.encode("utf-8"))
    res = qda.import_refi(path, _units())
    assert sorted(res.codes["id"]) == ["A01-L0010-1", "U0002:besoins"]


def test_texts_full_of_semicolons_survive_the_cycle_folder(tmp_path):
    units = _units()
    units.loc[0, "text"] = "a ; b ; c ; d ; e ; f ; g"  # would fool a separator sniffer
    units.loc[1, "text"] = "x;y;z;w"
    qda.save_cycle_corpus(tmp_path, "ateliers", units, _codebook())
    back = qda.read_cycle_corpus(tmp_path).units
    assert back["text"].tolist() == units["text"].tolist() and back["id"].tolist() == units["id"].tolist()
