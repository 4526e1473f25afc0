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

from .draft import draft_params, scan_data_folder
from .history import compare_cycles, previous_cycles, previous_indicator_tables
from .inputs import (
    DEFAULT_PARAMS,
    INPUTS,
    MANIFEST_PACKAGES,
    CyclePlan,
    CycleResult,
    InputSpec,
    NotebookRun,
    input_note,
    require_parameters,
)
from .plan import CheckedPlan, CheckedRun, load_plan, validate_cycle_name, validate_plan
from .run import CycleInterrupted, git_state, input_files, package_versions, run_cycle, sha256_file

__all__ = [
    "CheckedPlan",
    "CheckedRun",
    "CycleInterrupted",
    "CyclePlan",
    "CycleResult",
    "DEFAULT_PARAMS",
    "INPUTS",
    "InputSpec",
    "MANIFEST_PACKAGES",
    "NotebookRun",
    "compare_cycles",
    "draft_params",
    "git_state",
    "input_files",
    "input_note",
    "load_plan",
    "package_versions",
    "previous_cycles",
    "previous_indicator_tables",
    "require_parameters",
    "run_cycle",
    "scan_data_folder",
    "sha256_file",
    "validate_cycle_name",
    "validate_plan",
]
