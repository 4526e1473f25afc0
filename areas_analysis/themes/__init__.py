"""Themes stage: code free text into themes, and measure the coding against humans.

Three ways of coding, combinable around the researcher's codebook:

* :func:`apply_codebook` — deductive coding with a YAML codebook, no labelled data;
* :func:`extend_coding` — supervised extension of a human-coded sample, with
  cross-validated agreement and a review queue;
* :func:`discover_themes` — inductive proposals (BERTopic, or a small-corpus fallback);

plus :func:`coding_agreement` between any two codings, :func:`code_and_check`
(the notebooks' one call: best coding the inputs allow + its reliability), and
:func:`save_model` / :func:`load_model` so next cycle's texts get the same theme ids.
"""

from .agreement import AgreementResult, coding_agreement, cohen_kappa, krippendorff_alpha_nominal
from .codebook import Codebook, CodebookModel, Theme, apply_codebook, codebook_from_dict, load_codebook
from .codings import normalize_coding, read_codings, write_codings
from .discover import DiscoveryModel, DiscoveryResult, discover_themes
from .embed import TextEncoder
from .extend import ExtensionResult, extend_coding
from .model import load_model, save_model
from .review import read_review_decisions, review_queue, write_review_queue
from .workflow import (
    CodingReport,
    code_and_check,
    coder_agreement,
    exemplar_quotes,
    partition_agreement,
    reliability_chart,
    reliability_label,
)

__all__ = [
    "AgreementResult",
    "Codebook",
    "CodebookModel",
    "CodingReport",
    "DiscoveryModel",
    "DiscoveryResult",
    "ExtensionResult",
    "TextEncoder",
    "Theme",
    "apply_codebook",
    "code_and_check",
    "codebook_from_dict",
    "coder_agreement",
    "coding_agreement",
    "cohen_kappa",
    "discover_themes",
    "exemplar_quotes",
    "extend_coding",
    "krippendorff_alpha_nominal",
    "load_codebook",
    "load_model",
    "normalize_coding",
    "partition_agreement",
    "read_codings",
    "read_review_decisions",
    "reliability_chart",
    "reliability_label",
    "review_queue",
    "save_model",
    "write_codings",
    "write_review_queue",
]
