"""Exchange with qualitative-analysis tools: REFI-QDA (QualCoder, NVivo, ATLAS.ti, MAXQDA, Taguette) and IRaMuTeQ.

* :mod:`~areas_analysis.qda.corpus`: the texts, variables, codes and codebook a
  cycle saves under ``outputs/<cycle>/qda/`` (:func:`save_cycle_corpus`).
* :mod:`~areas_analysis.qda.refi`: ``.qdpx`` export (:func:`write_qdpx`);
  :mod:`~areas_analysis.qda.refi_read`: ``.qdpx``/``.qdc`` import (:func:`import_refi`,
  :func:`read_qdpx_codings`).
* :mod:`~areas_analysis.qda.iramuteq`: IRaMuTeQ corpus (:func:`write_iramuteq`).
"""

from .corpus import (
    CORPUS_DIR,
    ORIGINS,
    QdaCorpus,
    read_cycle_corpus,
    save_cycle_corpus,
    units_from_segments,
    units_from_survey,
)
from .iramuteq import iramuteq_corpus, write_iramuteq
from .refi import MACHINE_USER, NO_THEME_ID, REVIEW_USER, build_sources, project_xml, write_qdpx
from .refi_read import ImportResult, import_refi, read_qdpx_codings, read_refi, refi_codebook
from .taguette import read_taguette_codebook, write_taguette_codebook

__all__ = [
    "CORPUS_DIR",
    "MACHINE_USER",
    "NO_THEME_ID",
    "ORIGINS",
    "REVIEW_USER",
    "ImportResult",
    "QdaCorpus",
    "build_sources",
    "import_refi",
    "iramuteq_corpus",
    "project_xml",
    "read_cycle_corpus",
    "read_qdpx_codings",
    "read_refi",
    "read_taguette_codebook",
    "refi_codebook",
    "save_cycle_corpus",
    "units_from_segments",
    "units_from_survey",
    "write_iramuteq",
    "write_qdpx",
    "write_taguette_codebook",
]
