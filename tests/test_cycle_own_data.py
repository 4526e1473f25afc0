"""A cycle on the user's own data: no sample fallback, null inputs, validation first, series, Ctrl-C.

The data set is built here, in ``tmp_path``, and shares nothing with ``data/sample``:
two workshop notes with their manifest, one survey export whose dictionary is
drafted by the same code as ``areas ingest survey``, a small codebook of its own,
and no human coding, no professionals' survey, no activity log, no DPPER data.
The real notebooks run with papermill (real kernels, real theme coding).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from areas_analysis.cycle import (
    INPUTS,
    load_plan,
    previous_cycles,
    previous_indicator_tables,
    run_cycle,
    validate_plan,
)
from areas_analysis.errors import AreasError, InputError
from areas_analysis.ingest import read_survey, save_dictionary

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
#: Words that only the synthetic sample uses: none may reach a report on other data.
SAMPLE_MARKERS = ("data/sample", "Montfort-sur-Meu", "Paimpont", "Médréac", "Saint-Méen", "Plélan",
                  "transport_mobilite", "tranche_age", "maladie_chronique", "Accès au médecin traitant",
                  "Données synthétiques", "usagers_en_ligne")

NOTE_A = """Atelier santé — compte rendu

TABLE 1

Constats

- Le cabinet infirmier ferme le samedi, il faut aller jusqu'à la ville voisine
- Les jeunes parents ne savent pas où trouver un pédiatre
- La pharmacie livre les personnes âgées isolées, c'est apprécié

Idées

• Une navette vers la maison de santé le mardi matin
• Un annuaire des professionnels affiché à la mairie
• Des permanences d'une sage-femme à la salle des fêtes

TABLE 2

Constats

- Beaucoup d'habitants renoncent au dentiste faute de rendez-vous
- Le car scolaire est le seul transport du village
- On se sent seul l'hiver dans les hameaux
"""

NOTE_B = """Compte rendu de l'atelier

TABLE 1

Constats

- Pas de dentiste à moins de trente kilomètres
- Les horaires du bus ne collent pas avec les consultations
- Les aidants s'épuisent sans relais

Idées

- Covoiturage solidaire entre voisins pour les rendez-vous
- Un café des aidants une fois par mois
- Une liste des pédiatres qui acceptent de nouveaux patients
"""

CODEBOOK = """name: "Grille d'essai (hors échantillon)"
version: "essai-1"
themes:
- id: "mobilite"
  label: "Se déplacer pour se soigner"
  definition: "Distance, bus, navette, covoiturage pour aller aux consultations."
  keywords: ["bus", "navette", "covoiturage", "kilomètres", "transport", "car"]
  examples: ["Une navette vers la maison de santé", "Le bus ne passe pas aux heures des consultations"]
- id: "offre_soins"
  label: "Trouver un professionnel"
  definition: "Dentiste, pédiatre, infirmier, sage-femme introuvables ou débordés."
  keywords: ["dentiste", "pédiatre", "infirmier", "sage-femme", "rendez-vous", "cabinet"]
  examples: ["Pas de dentiste à proximité", "Aucun pédiatre ne prend de nouveaux patients"]
- id: "solitude"
  label: "Solitude et entraide"
  definition: "Isolement, aidants épuisés, entraide entre voisins."
  keywords: ["seul", "isolées", "aidants", "voisins", "relais", "café"]
  examples: ["On se sent seul l'hiver", "Les aidants s'épuisent sans relais"]
"""

SURVEY_ROWS = [
    ("R01", "Iffendic", "Habitant", "Il faut une navette pour aller chez le dentiste"),
    ("R02", "Bréal-sous-Montfort", "Élu", "Trouver un pédiatre qui prend de nouveaux patients"),
    ("R03", "Iffendic", "Habitant", ""),
    ("R04", "Talensac", "Habitant", "Le bus ne passe pas aux heures des consultations"),
    ("R05", "Bréal-sous-Montfort", "Habitant", "Je me sens seule depuis que je ne conduis plus"),
    ("R06", "Talensac", "Élu", "Plus de dentistes et d'infirmiers"),
    ("R07", "Iffendic", "Élu", "Du covoiturage solidaire pour les rendez-vous"),
    ("R08", "Talensac", "Habitant", "Rien à signaler"),
]


def make_own_data(base: Path) -> Path:
    """Write the tiny non-sample data set under ``base/donnees`` and return that folder."""
    data = base / "donnees"
    notes = data / "ateliers"
    notes.mkdir(parents=True)
    (notes / "atelier_iffendic.txt").write_text(NOTE_A, encoding="utf-8")
    (notes / "atelier_breal.md").write_text(NOTE_B, encoding="utf-8")
    (notes / "manifest.csv").write_text(
        "fichier,atelier_id,commune,date,public,participants\n"
        "atelier_iffendic.txt,IF1,Iffendic,2026-05-06,mixte,18\n"
        "atelier_breal.md,BR1,Bréal-sous-Montfort,2026-05-20,usagers,\n", encoding="utf-8")
    (data / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    survey = data / "enquete"
    survey.mkdir()
    lines = ["Identifiant;Commune;Vous êtes;Qu'est-ce qui améliorerait votre accès aux soins ?"]
    lines += [";".join(row) for row in SURVEY_ROWS]
    (survey / "enquete_habitants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    drafted = read_survey(survey / "enquete_habitants.csv")  # what « areas ingest survey » drafts
    save_dictionary(drafted.dictionary, survey / "enquete_habitants_dictionnaire.yaml")
    return data


def own_params(project: Path, data: Path, *, with_dpper: bool = False, **extra: object) -> Path:
    """A params file for the own data set: optional inputs left out or null."""
    params = {
        "ateliers": str(data / "ateliers"),
        "codebook": str(data / "grille.yaml"),
        "codage_humain_ateliers": None,
        "usagers": str(data / "enquete" / "enquete_habitants.csv"),
        "usagers_dictionnaire": str(data / "enquete" / "enquete_habitants_dictionnaire.yaml"),
        "pros": None, "pros_dictionnaire": None, "codage_humain_usagers": None,
        "objectifs": str(ROOT / "data" / "objectifs_areas.yaml"),
        "activite": None,
        "cle_pseudonymisation": str(project / "prive" / "cle.json"),
        "outputs_precedents": str(project / "outputs"),
        **extra,
    }
    spec = {"serie": "territoire-ouest", "seed": 3, "parameters": params,
            "notebooks": [{"notebook": str(NOTEBOOKS / f"{n}.ipynb"), "title": t} for n, t in
                          (("01_ateliers", "Ateliers"), ("02_questionnaires", "Questionnaire"),
                           ("03_indicateurs", "Indicateurs"))]}
    if with_dpper:
        spec["notebooks"].append({"notebook": str(NOTEBOOKS / "04_evaluation_dpper.ipynb"), "title": "DPPER"})
    path = project / "params" / "ouest.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def own_cycle(tmp_path_factory: pytest.TempPathFactory):
    project = tmp_path_factory.mktemp("projet")
    data = make_own_data(project)
    params = own_params(project, data)
    plan = load_plan("ouest-2026-05", params, root=project, notebooks_dir=NOTEBOOKS)
    result = run_cycle(plan, outputs_dir=project / "outputs", log=lambda _: None)
    return project, data, result


def test_own_data_cycle_runs_end_to_end_without_sample_data(own_cycle) -> None:
    project, data, result = own_cycle
    assert result.manifest["status"] == "ok"
    assert [nb["status"] for nb in result.manifest["notebooks"]] == ["ok", "ok", "ok"]
    html = result.report.read_text(encoding="utf-8")
    for marker in SAMPLE_MARKERS:
        assert marker not in html, f"donnée d'exemple « {marker} » dans le rapport"
    assert not [k for k in result.manifest["inputs"] if "data/sample" in k or "data" + os.sep + "sample" in k]
    for nb in result.manifest["notebooks"]:  # every input passed explicitly, none from a notebook default
        assert not [v for v in nb["parameters"].values() if isinstance(v, str) and "data/sample" in v]
    tables = {p.name for p in (result.output_dir / "tables").glob("*.csv")}
    assert "questionnaires_likert_usagers.csv" not in tables  # no Likert column in this survey
    assert "ateliers_accord_entre_humains.csv" not in tables
    # per-unit codes, the reusable coding model and the QDA exchange folder are written by every cycle
    codes = (result.output_dir / "codes_ateliers.csv").read_text(encoding="utf-8").splitlines()
    assert codes[0].split(",")[:2] == ["id", "theme"] and len(codes) > 1
    assert (result.output_dir / "modeles" / "codage_ateliers").is_dir()
    assert (result.output_dir / "qda").is_dir()


def test_report_says_which_inputs_were_absent(own_cycle) -> None:
    _, _, result = own_cycle
    html = result.report.read_text(encoding="utf-8")
    absent = result.manifest["absent_inputs"]
    assert set(absent) >= {"codage_humain_ateliers", "pros", "pros_dictionnaire", "codage_humain_usagers",
                           "activite"}
    assert "Entrées non fournies pour ce cycle" in html
    assert "Suivi d'activité non fourni" in html
    assert "Questionnaire des professionnels non fourni" in html
    assert "Codage humain des ateliers non fourni" in html
    assert "Section non présentée" in html  # e.g. no Likert scale, no group parameter


def test_every_optional_input_accepts_null(tmp_path: Path) -> None:
    """Validation passes with every optional input null; usagers/dpper null skip their notebook."""
    data = make_own_data(tmp_path)
    optional = {s.name: None for s in INPUTS if not s.required and s.name != "usagers"}
    params = own_params(tmp_path, data, with_dpper=True, **optional)
    checked = validate_plan(load_plan("nul", params, root=tmp_path, notebooks_dir=NOTEBOOKS))
    skipped = {c.run.name: c.skipped for c in checked.runs}
    assert skipped["01_ateliers"] == skipped["02_questionnaires"] == skipped["03_indicateurs"] == ""
    assert "Données DPPER non fournies" in skipped["04_evaluation_dpper"]
    assert set(checked.absent) == set(optional) - {"codage_humain_commentaires"}  # 04 not run: not listed
    for c in checked.runs:
        assert all(c.parameters[n] is None for n in optional if n in c.parameters)

    spec = yaml.safe_load(params.read_text(encoding="utf-8"))  # inputs left out entirely: None, no default
    for name in ("codage_humain_ateliers", "activite", "pros", "pros_dictionnaire", "codage_humain_usagers"):
        del spec["parameters"][name]
    params.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    checked = validate_plan(load_plan("omis", params, root=tmp_path, notebooks_dir=NOTEBOOKS))
    runs = {c.run.name: c.parameters for c in checked.runs}
    assert runs["01_ateliers"]["codage_humain_ateliers"] is None and runs["03_indicateurs"]["activite"] is None
    assert runs["02_questionnaires"]["pros"] is None and runs["02_questionnaires"]["codage_humain_usagers"] is None

    params = own_params(tmp_path, data, usagers=None)
    checked = validate_plan(load_plan("nul", params, root=tmp_path, notebooks_dir=NOTEBOOKS))
    skipped = {c.run.name: c.skipped for c in checked.runs}
    assert "Questionnaire usagers non fourni" in skipped["02_questionnaires"]
    assert "usagers" in checked.absent and skipped["01_ateliers"] == ""


def test_three_errors_listed_at_once_before_any_notebook(tmp_path: Path) -> None:
    data = make_own_data(tmp_path)
    params = own_params(tmp_path, data, codage_humain_atelier="codage.csv",           # typo in a name
                        activite=str(tmp_path / "absent.yaml"),                         # missing file
                        groupe="statut")                                                # not in the dictionary
    outputs = tmp_path / "outputs"
    plan = load_plan("trois-erreurs", params, root=tmp_path, notebooks_dir=NOTEBOOKS)
    with pytest.raises(InputError) as err:
        run_cycle(plan, outputs_dir=outputs, log=lambda _: None)
    text = str(err.value)
    assert "3 problème(s)" in text and "aucun carnet n'a été lancé" in text
    assert "« codage_humain_atelier » inconnu" in text
    assert "absent.yaml" in text and "introuvable" in text
    assert "« groupe » : colonne « statut » absente du dictionnaire" in text
    assert {p.row for p in err.value.problems} - {None}, "the params file's lines are given"
    assert not outputs.exists() or not any(outputs.iterdir())


def test_manifest_rows_must_match_the_notes(tmp_path: Path) -> None:
    data = make_own_data(tmp_path)
    (data / "ateliers" / "atelier_breal.md").rename(data / "ateliers" / "atelier_breal_v2.md")
    plan = load_plan("notes", own_params(tmp_path, data), root=tmp_path, notebooks_dir=NOTEBOOKS)
    with pytest.raises(InputError) as err:
        validate_plan(plan)
    messages = [str(p) for p in err.value.problems]
    assert any("atelier_breal.md" in m and "introuvable" in m and "ligne 3" in m for m in messages)
    assert any("atelier_breal_v2.md" in m and "métadonnées" in m for m in messages)


def _fake_cycle(outputs: Path, name: str, series: str, status: str, started: str, value: float) -> None:
    d = outputs / name
    (d / "tables").mkdir(parents=True)
    (d / "manifest.json").write_text(json.dumps({"cycle": name, "serie": series, "status": status,
                                                 "started_at": started}), encoding="utf-8")
    (d / "tables" / "indicateurs_indicateurs.csv").write_text(
        f"cycle;id;valeur\n{name};ateliers;{value}\n".replace(".", ","), encoding="utf-8-sig")


def test_progression_compares_completed_cycles_of_the_same_series_in_date_order(tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    _fake_cycle(out, "2026-S2", "ouest", "ok", "2026-09-01T10:00:00+02:00", 9)
    _fake_cycle(out, "2026-S1", "ouest", "ok", "2026-03-01T10:00:00+01:00", 4)
    _fake_cycle(out, "essai-marie", "essais", "ok", "2026-04-01T10:00:00+02:00", 99)
    _fake_cycle(out, "2026-S3.echec-20261201-101010", "ouest", "échec", "2026-12-01T10:00:00+01:00", 50)
    _fake_cycle(out, "2026-S3.interrompu", "ouest", "interrompu", "2026-12-02T10:00:00+01:00", 51)
    assert [d.name for d in previous_cycles(out, series="ouest")] == ["2026-S1", "2026-S2"]
    tables = previous_indicator_tables(out, series="ouest", exclude=["2026-S3"])
    assert list(tables) == ["2026-S1", "2026-S2"]
    assert "essai-marie" in [d.name for d in previous_cycles(out)]  # without a series: every completed cycle


def test_own_cycle_progression_ignores_other_series(own_cycle) -> None:
    project, _, result = own_cycle
    assert result.manifest["serie"] == "territoire-ouest"
    html = result.report.read_text(encoding="utf-8")
    assert "Série « territoire-ouest » : 0 cycle(s) terminé(s) avant celui-ci" in html


KERNEL_PID_NOTEBOOK = """
import os, time
from pathlib import Path
Path(donnees).write_text(str(os.getpid()))
time.sleep(120)
"""


@pytest.mark.parametrize("target", ["runner", "terminal"])
def test_ctrl_c_stops_the_kernel_and_keeps_a_failed_run(tmp_path: Path, target: str) -> None:
    """SIGINT to the runner alone, or to its whole process group as a terminal's Ctrl-C does."""
    import nbformat

    nbs = tmp_path / "notebooks"
    (nbs / "params").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params_cell = nbformat.v4.new_code_cell('output_dir = ""\ncycle = ""\nseed = 0\ndonnees = ""\n')
    params_cell.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Long"),
        params_cell,
        nbformat.v4.new_code_cell(KERNEL_PID_NOTEBOOK),
    ]
    nbformat.write(nb, nbs / "long.ipynb")
    pid_file = tmp_path / "kernel.pid"
    (nbs / "params" / "long.yaml").write_text(
        yaml.safe_dump({"parameters": {"donnees": str(pid_file)}, "notebooks": ["long.ipynb"]}), encoding="utf-8"
    )
    outputs = tmp_path / "outputs"
    earlier = outputs / "2026-S1"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"status": "ok"}', encoding="utf-8")
    script = (
        "import sys; from pathlib import Path; from areas_analysis.cycle import load_plan, run_cycle, "
        "CycleInterrupted\n"
        f"plan = load_plan('long', Path({str(nbs / 'params' / 'long.yaml')!r}), "
        f"root=Path({str(tmp_path)!r}))\n"
        "try:\n"
        f"    run_cycle(plan, outputs_dir=Path({str(outputs)!r}))\n"
        "except CycleInterrupted as exc:\n"
        "    print(exc, file=sys.stderr)\n"
        # checked while the runner is alive: ipykernel's parent poller would stop an orphan kernel later
        f"    status = Path('/proc', Path({str(pid_file)!r}).read_text(), 'status')\n"
        "    alive = status.exists() and 'State:\\tZ' not in status.read_text()\n"
        "    print('NOYAU:' + ('vivant' if alive else 'arrete')); sys.exit(130)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 90
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the kernel never started"
        time.sleep(0.2)
    kernel_pid = int(pid_file.read_text())
    if target == "runner":
        proc.send_signal(signal.SIGINT)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrompu (Ctrl-C)" in err and "le noyau a été arrêté" in err
    assert "NOYAU:arrete" in out
    for _ in range(50):  # the kernel process is gone (or a zombie being reaped)
        try:
            os.kill(kernel_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"kernel {kernel_pid} still running after Ctrl-C")
    failed = [d for d in outputs.iterdir() if d.name.startswith("long.echec-")]
    assert len(failed) == 1
    manifest = json.loads((failed[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "interrompu" and manifest["notebooks"][0]["status"] == "interrompu"
    assert not (outputs / "long").exists()
    assert (earlier / "manifest.json").read_text(encoding="utf-8") == '{"status": "ok"}'
    assert not [d for d in outputs.iterdir() if d.name.startswith(".")], "temporary folder left behind"


def test_required_input_null_is_refused(tmp_path: Path) -> None:
    data = make_own_data(tmp_path)
    plan = load_plan(
        "sans-grille", own_params(tmp_path, data, codebook=None), root=tmp_path, notebooks_dir=NOTEBOOKS
    )
    with pytest.raises(AreasError, match="« codebook » est obligatoire"):
        validate_plan(plan)


def test_cycle_init_drafts_a_params_file_that_validates(tmp_path: Path) -> None:
    from areas_analysis.cli import main

    data = make_own_data(tmp_path)
    (data / "activite_2026.yaml").write_text("date: 2026-06-01\nplateformes:\n  - nom: forum\n", encoding="utf-8")
    out = tmp_path / "params" / "ouest-2026.yaml"
    assert main(["cycle", "init", str(data), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    params = spec["parameters"]
    assert spec["serie"] == "ouest-2026"
    assert Path(params["ateliers"]) == data / "ateliers"
    assert Path(params["usagers_dictionnaire"]) == data / "enquete" / "enquete_habitants_dictionnaire.yaml"
    assert Path(params["activite"]) == data / "activite_2026.yaml"
    assert params["codage_humain_ateliers"] is None and params["pros"] is None and params["dpper"] is None
    assert "colonnes fermées du dictionnaire : etes" in text and "mobilite, offre_soins, solitude" in text
    assert "data/sample" not in text
    checked = validate_plan(load_plan("ouest-2026", out, root=ROOT))
    assert {c.run.name for c in checked.runs if not c.skipped} == {
        "01_ateliers",
        "02_questionnaires",
        "03_indicateurs",
    }
    assert main(["cycle", "init", str(data), "--out", str(out)]) == 2  # never overwritten
    assert out.read_text(encoding="utf-8") == text


def test_filled_review_queues_are_cycle_inputs_checked_before_the_run(own_cycle, tmp_path: Path) -> None:
    project, data, result = own_cycle
    queue = result.output_dir / "a_revoir_ateliers.xlsx"
    assert queue.is_file() and (result.output_dir / "a_revoir_ateliers.csv").is_file()
    ok = own_params(tmp_path, data, revues_ateliers=[str(queue)], revues_usagers=str(queue.with_suffix(".csv")))
    checked = validate_plan(load_plan("revues", ok, root=tmp_path, notebooks_dir=NOTEBOOKS))
    run01 = next(c for c in checked.runs if c.run.name == "01_ateliers")
    assert run01.parameters["revues_ateliers"] == [str(queue)]
    bad = own_params(tmp_path, data, revues_ateliers=[str(queue), str(tmp_path / "absente.csv")],
                     revues_usagers=3)
    with pytest.raises(InputError) as err:
        validate_plan(load_plan("revues", bad, root=tmp_path, notebooks_dir=NOTEBOOKS))
    text = str(err.value)
    assert "absente.csv" in text and "« revues_usagers » : chemin ou liste de chemins attendue" in text
