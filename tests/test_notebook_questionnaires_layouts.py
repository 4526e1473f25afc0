"""``02_questionnaires`` on real survey layouts read in place, dictionaries drafted as by ``areas ingest survey``.

Layouts: the real LimeSurvey « full text » export of ``../shared/external`` (closed
questions, Oui/Non multi-choice columns, a single open « Autre » answer, no Likert
scale, no commune) and a Framaforms-like export built here (three header rows,
X-ticked options, a commune, an agreement scale, a closed « statut » and open
answers). Neither uses the sample's column names or themes; the notebook must run
on both, skipping what the survey does not allow with a French sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import shared_file

from areas_analysis.cycle import load_plan, run_cycle
from areas_analysis.ingest import read_survey, save_dictionary

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

CODEBOOK = """name: "Grille d'essai des questionnaires"
version: "essai-1"
themes:
- id: "deplacements"
  label: "Déplacements"
  definition: "Aller jusqu'aux soins : voiture, bus, distance, transport."
  keywords: ["voiture", "bus", "transport", "loin", "kilomètres", "train"]
  examples: ["Trop loin sans voiture", "Il faudrait un bus le samedi"]
- id: "rendez_vous"
  label: "Délais de rendez-vous"
  definition: "Attendre des mois pour un rendez-vous, médecins débordés."
  keywords: ["rendez-vous", "délai", "attendre", "mois", "débordé"]
  examples: ["Six mois pour un ophtalmo", "Les délais de rendez-vous sont trop longs"]
- id: "lien_social"
  label: "Lien social"
  definition: "Solitude, voisins, entraide."
  keywords: ["seul", "seule", "voisins", "entraide", "isolé"]
  examples: ["Je suis seule depuis l'hiver", "Plus d'entraide entre voisins"]
"""

ANSWERS = ["Trop loin sans voiture il faudrait un bus", "Six mois pour un rendez-vous chez l'ophtalmo",
           "Je suis seule et mes voisins sont loin", "Un transport solidaire le samedi", "",
           "Les délais de rendez-vous sont trop longs", "Plus d'entraide entre voisins",
           "Le train ne s'arrête plus ici", "Rien", "Attendre des mois pour un dermatologue"]
COMMUNES = ["Guichen", "Guignen", "Lohéac", "Bourg-des-Comptes"]
STATUTS = ["Résident", "Aidant", "Élu local"]
ENDINGS = ["surtout l'hiver", "pour les anciens comme pour les jeunes", "c'est ce qui manque le plus"]
ACCORD = ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord", "Tout à fait d'accord", "Sans opinion"]


def answer(i: int) -> str:
    """A distinct open answer per respondent (one in ten left empty), as free text is."""
    base = ANSWERS[i % len(ANSWERS)]
    return f"{base} {ENDINGS[i % 3]}" if base else ""


def framaforms_like(path: Path, n: int = 30) -> Path:
    """A Framaforms-style TSV: title row, question row over option columns, header row, X for ticked options."""
    rows = ["Enquête santé du pays\t\t\t\t\t\t\t\t",
            "Détails de la soumission\t\tQuels obstacles ?\t\t\t\t\t\t",
            "Numéro\tHeure de soumission\tDistance\tCoût\tDélais\tVotre commune\tVous êtes\t"
            "Je trouve facilement un médecin\tQu'attendez-vous d'une maison de santé ?"]
    for i in range(n):
        ticks = ["X" if (i + k) % 3 == 0 else "" for k in range(3)]
        rows.append("\t".join([str(i + 1), f"{1 + i % 28:02d}/03/2026 - 10:{i % 60:02d}", *ticks,
                               COMMUNES[i % 4], STATUTS[i % 3], ACCORD[(i * 7) % 5], answer(i)]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def run_questionnaires(tmp_path: Path, export: Path, **settings: object):
    """Draft the dictionary (as « areas ingest survey » does), then run notebook 02 alone in a cycle."""
    dictionary = tmp_path / "dictionnaire.yaml"
    save_dictionary(read_survey(export).dictionary, dictionary)
    (tmp_path / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    params = {
        "usagers": str(export),
        "usagers_dictionnaire": str(dictionary),
        "codebook": str(tmp_path / "grille.yaml"),
        "cle_pseudonymisation": str(tmp_path / "cle.json"),
        **settings,
    }
    spec = {
        "serie": "essai",
        "parameters": params,
        "notebooks": [{"notebook": str(NOTEBOOKS / "02_questionnaires.ipynb"), "title": "Questionnaire"}],
    }
    pfile = tmp_path / "params.yaml"
    pfile.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    plan = load_plan("q", pfile, root=tmp_path, notebooks_dir=NOTEBOOKS)
    return run_cycle(plan, outputs_dir=tmp_path / "outputs", log=lambda _: None)


@pytest.mark.shared("external/limesurvey_export/results-survey4914.xlsx")
def test_questionnaires_notebook_on_the_real_limesurvey_export(tmp_path: Path) -> None:
    export = shared_file("external", "limesurvey_export", "results-survey4914.xlsx")
    result = run_questionnaires(tmp_path, export, groupe="etes")
    html = result.report.read_text(encoding="utf-8")
    tables = {p.name for p in (result.output_dir / "tables").glob("*.csv")}
    assert "348 réponses d'usagers" in html
    assert "aucune colonne de type « likert »" in html  # LimeSurvey's judgement scale is drafted as closed
    assert "pas de colonne de type « commune »" in html
    assert "trop peu de réponses libres (1" in html  # one « Autre » answer: no test, no model
    assert "Questionnaire des professionnels non fourni" in html
    assert "questionnaires_matrice_repondants_themes.csv" in tables
    assert "questionnaires_prevalence_etes.csv" in tables


def test_questionnaires_notebook_on_a_framaforms_like_export(tmp_path: Path) -> None:
    export = framaforms_like(tmp_path / "export_framaforms.tsv")
    result = run_questionnaires(tmp_path, export, groupe="etes", modele_theme="rendez_vous")
    html = result.report.read_text(encoding="utf-8")
    tables = {p.name for p in (result.output_dir / "tables").glob("*.csv")}
    assert "30 réponses d'usagers" in html
    assert {
        "questionnaires_likert_usagers.csv",
        "questionnaires_likert_par_etes.csv",
        "questionnaires_prevalence_etes.csv",
        "questionnaires_prevalence_commune.csv",
        "questionnaires_associations.csv",
        "questionnaires_presentation_conjointe.csv",
    } <= tables
    assert "paramètre « modele_echelle » non renseigné" in html
    assert "Questionnaire des professionnels non fourni" in html
