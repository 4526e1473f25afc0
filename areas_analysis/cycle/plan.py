"""Loading a params file into a :class:`CyclePlan` and checking all of it before any kernel starts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import config
from ..errors import AreasError, InputError, Problem
from ..report import resolve_path
from .inputs import _INPUTS, _MAIN_INPUT, DEFAULT_PARAMS, CyclePlan, NotebookRun


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
    from ..errors import InputError as _InputError

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
            from ..themes.codebook import load_codebook

            grilles[name] = attempt(str(paths[name]), lambda p=paths[name]: load_codebook(p))
    for name in ("codage_humain_ateliers", "codage_humain_usagers", "codage_humain_pros",
                 "codage_humain_commentaires"):
        if name in paths:
            from ..themes.codings import read_codings

            attempt(str(paths[name]), lambda p=paths[name]: read_codings(p))
    surveys = {}
    for export, dictionary in (("usagers", "usagers_dictionnaire"), ("pros", "pros_dictionnaire")):
        if export in paths and dictionary in paths:
            from ..ingest.survey import read_survey

            surveys[export] = attempt(str(paths[export]),
                                      lambda e=paths[export], d=paths[dictionary]: read_survey(e, d))
    if surveys.get("usagers") is not None:
        from ..quantify.survey_plan import plan_survey

        settings = next((c.parameters for c in checked if not c.skipped and "usagers" in c.parameters), {})
        cb = grilles.get("codebook")
        names = ("profil", "groupe", "modele_theme", "modele_echelle", "modele_echelle_theme",
                 "modele_covariables")
        attempt(str(plan.params_file), lambda: plan_survey(
            surveys["usagers"].dictionary, theme_ids=cb.ids if cb is not None else (), file=str(plan.params_file),
            **{k: settings.get(k) for k in names}))
    if "objectifs" in paths:
        from ..quantify.indicators import load_targets

        attempt(str(paths["objectifs"]), lambda: load_targets(paths["objectifs"]))
    if "activite" in paths:
        from ..quantify.indicators import load_activity

        attempt(str(paths["activite"]), lambda: load_activity(paths["activite"]))
    return problems


def _check_notes(folder: Path) -> None:
    """Notes and manifest agree: a manifest is present, every note has its row and every row its note."""
    from ..ingest.notes import _expand, _resolve_meta, read_manifest

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
