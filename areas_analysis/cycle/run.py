"""Running a validated plan: papermill, never-overwritten cycle folders, manifest, Ctrl-C."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import AreasError
from ..report import build_report, resolve_path
from .inputs import MANIFEST_PACKAGES, CyclePlan, CycleResult
from .plan import _declared, validate_plan


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
