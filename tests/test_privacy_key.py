"""The pseudonymisation key across cycles: a token once written never changes meaning or disappears.

Each test runs several « cycles »: a fresh :class:`Pseudonymizer` loads the key written by the
previous one, masks new texts, and saves. After every cycle the key on disk must keep every earlier
token with the same name and at least the same forms, and saving must never fail.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest

from areas_analysis.privacy import Pseudonymizer


def _people(key: Path) -> dict[str, dict]:
    return json.loads(key.read_text(encoding="utf-8"))["personnes"] if key.exists() else {}


def _cycle(key: Path, texts: list[str] = (), names: list[str] = ()) -> tuple[list[str], list[str]]:
    """One cycle: facilitator names, then a corpus of texts; save; check the key only grew."""
    before = _people(key)
    p = Pseudonymizer(key_path=key, use_ner=False)
    tokens = [p.pseudonymize_name(n) for n in names]
    out = p.pseudonymize_frame(pd.DataFrame({"t": list(texts)}), ["t"])["t"].tolist()  # one corpus, two passes
    p.save()
    after = _people(key)
    for token, entry in before.items():
        assert token in after, f"{token} a disparu"
        assert after[token]["nom"] == entry["nom"], f"{token} a changé de sens"
        assert set(entry["formes"]) <= set(after[token]["formes"])
    return tokens, out


def test_full_name_after_first_name_and_surname_met_apart_gets_its_own_token(tmp_path):
    """Issue 11 §1: « Gwenaëlle » and « Mme Le Bihan » in cycle 1, « Gwenaëlle Le Bihan » in cycle 2."""
    key = tmp_path / "cle.json"
    (t_first,), (out,) = _cycle(key, ["Mme Le Bihan a parlé des horaires"], ["Gwenaëlle"])
    t_last = out.split()[1]
    assert t_first != t_last
    (t_full,), _ = _cycle(key, [], ["Gwenaëlle Le Bihan"])  # used to fail forever on save
    assert t_full not in (t_first, t_last)
    people = _people(key)
    assert people[t_full]["liens"] == [t_first, t_last]
    assert (people[t_first]["nom"], people[t_last]["nom"]) == ("Gwenaëlle", "Le Bihan")
    # cycle 3: every form still finds its own token
    _, out = _cycle(key, ["Gwenaëlle Le Bihan anime", "gwenaelle relit", "Mme Le Bihan conclut"])
    assert out == [f"{t_full} anime", f"{t_first} relit", f"Mme {t_last} conclut"]


def test_first_name_then_full_name_then_surname_keep_one_token(tmp_path):
    key = tmp_path / "cle.json"
    (t_marina,), _ = _cycle(key, [], ["Marina"])
    _, out = _cycle(key, ["Marina Le Goff note les idées"])
    assert out == [f"{t_marina} note les idées"]  # the full name joins the token, whose name is kept
    assert _people(key)[t_marina]["nom"] == "Marina"
    assert "Marina Le Goff" in _people(key)[t_marina]["formes"]
    _, out = _cycle(key, ["Mme Le Goff conclut", "Le Goff est partie tôt"])  # learnt from the key on disk
    assert out == [f"Mme {t_marina} conclut", f"{t_marina} est partie tôt"]


def test_surname_then_full_name(tmp_path):
    key = tmp_path / "cle.json"
    _, (out,) = _cycle(key, ["Le Dr Kervella ne prend plus de patients"])
    t_kervella = out.split()[2]
    _, out = _cycle(key, ["Yann Kervella a répondu", "Yann aussi"])
    assert out == [f"{t_kervella} a répondu", f"{t_kervella} aussi"]
    assert _people(key)[t_kervella]["nom"] == "Kervella"


def test_two_people_sharing_a_surname_never_take_the_earlier_token(tmp_path):
    key = tmp_path / "cle.json"
    _, (out,) = _cycle(key, ["Mme Le Bihan a parlé"])
    t_bihan = out.split()[1]
    (t_gwen, t_yann), _ = _cycle(key, [], ["Gwenaëlle Le Bihan", "Yann Le Bihan"])
    # the first full name met while « Le Bihan » named one person joins its token (the name on the
    # token is kept); the namesake met next cannot, and gets its own
    assert t_gwen == t_bihan and t_yann != t_bihan
    assert _people(key)[t_bihan]["nom"] == "Le Bihan"
    _, out = _cycle(key, ["Mme Le Bihan revient", "Yann Le Bihan aussi", "Gwenaëlle Le Bihan enfin"])
    assert out == [f"Mme {t_bihan} revient", f"{t_yann} aussi", f"{t_bihan} enfin"]


def test_same_person_with_or_without_accents_case_and_title(tmp_path):
    key = tmp_path / "cle.json"
    (token,), _ = _cycle(key, [], ["Gwenaëlle Le Bihan"])
    _, out = _cycle(key, ["GWENAELLE LE BIHAN", "Mme Gwenaelle Le Bihan", "gwenaëlle le bihan", "Mme Le Bihan"])
    assert out == [token, f"Mme {token}", token, f"Mme {token}"]
    assert list(_people(key)) == [token]


def test_full_name_first_then_parts_then_a_namesake(tmp_path):
    key = tmp_path / "cle.json"
    (t_le_goff,), _ = _cycle(key, [], ["Marina Le Goff"])
    _, out = _cycle(key, ["Marina relit"])
    assert out == [f"{t_le_goff} relit"]
    (t_riou,), _ = _cycle(key, [], ["Marina Riou"])
    assert t_riou != t_le_goff
    _, out = _cycle(key, ["Marina Le Goff et Marina Riou"])
    assert out == [f"{t_le_goff} et {t_riou}"]


# Every way names can overlap, met in every order over successive cycles.
_MENTIONS = [
    (["Gwenaëlle"], []),
    ([], ["Mme Le Bihan a parlé"]),
    (["Gwenaëlle Le Bihan"], []),
    ([], ["Yann Le Bihan et Gwenaelle"]),
    (["Dr Kervella"], []),
    ([], ["Yann Kervella a répondu"]),
    (["Marina"], ["marina relit"]),
    ([], ["Marina Le Goff, Mme Le Goff"]),
    (["Marina Riou"], []),
    ([], ["GWENAËLLE LE BIHAN conclut"]),
]


@pytest.mark.parametrize("seed", range(6))
def test_any_order_of_overlapping_cycles_keeps_every_token_and_always_saves(tmp_path, seed):
    order = list(range(len(_MENTIONS)))
    random.Random(seed).shuffle(order)
    key = tmp_path / "cle.json"
    for group in (order[i : i + 2] for i in range(0, len(order), 2)):  # two kinds of mention per cycle
        names = [n for i in group for n in _MENTIONS[i][0]]
        texts = [t for i in group for t in _MENTIONS[i][1]]
        _cycle(key, texts, names)  # checks the key only grew, and save never fails
    numbers = sorted(int(t.strip("[]").split("_")[1]) for t in _people(key))
    assert numbers == list(range(1, len(numbers) + 1))  # no token lost or skipped


def test_a_version_1_key_loads_and_keeps_every_entry(tmp_path):
    key = tmp_path / "cle.json"
    v1 = {"description": "…", "version": 1, "personnes": {
        "[PERSONNE_1]": {"nom": "Gwenaëlle", "formes": ["Gwenaëlle"], "liste": True},
        "[PERSONNE_2]": {"nom": "Le Bihan", "formes": ["Le Bihan"], "liste": False}}}
    key.write_text(json.dumps(v1, ensure_ascii=False), encoding="utf-8")
    (t_full,), _ = _cycle(key, [], ["Gwenaëlle Le Bihan"])
    data = json.loads(key.read_text(encoding="utf-8"))
    assert data["version"] == 2 and t_full == "[PERSONNE_3]"
    assert {t: data["personnes"][t] for t in v1["personnes"]} == v1["personnes"]
    assert data["personnes"][t_full]["liens"] == ["[PERSONNE_1]", "[PERSONNE_2]"]


def test_issue_11_reproduction_through_the_ingest_command(tmp_path):
    """`areas ingest notes` twice with one key: the second note's full name used to block the key for good."""
    from areas_analysis.cli import main

    first, second = tmp_path / "cycle1", tmp_path / "cycle2"
    first.mkdir()
    second.mkdir()
    (first / "2026-01-22_paimpont_A01_mixte.txt").write_text(
        "TABLE 1\n\nAnimé par : Gwenaëlle\n\nConstats\n\n- Mme Le Bihan a parlé des horaires\n", encoding="utf-8")
    (second / "2026-05-07_paimpont_A09_mixte.txt").write_text(
        "TABLE 1\n\nAnimée par : Gwenaëlle Le Bihan\n\nConstats\n\n- Les horaires ne conviennent pas\n",
        encoding="utf-8")
    key = tmp_path / "cle.json"
    assert main(["ingest", "notes", str(first), "--out", str(tmp_path / "a.csv"), "--cle", str(key)]) == 0
    before = _people(key)
    for _ in range(2):  # and again: a rerun must not fail either
        out = tmp_path / "b.csv"
        assert main(["ingest", "notes", str(second), "--out", str(out), "--cle", str(key), "--ecraser"]) == 0
    after = _people(key)
    assert {t: after[t]["nom"] for t in before} == {t: e["nom"] for t, e in before.items()}
    (full,) = [t for t, e in after.items() if e["nom"] == "Gwenaëlle Le Bihan"]
    assert sorted(after[full]["liens"]) == sorted(before)
    assert pd.read_csv(out)["facilitator"].tolist() == [full]
