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
from .codebook import (
    DEFAULT_MARGIN,
    DEFAULT_THRESHOLD,
    Codebook,
    CodebookModel,
    Theme,
    apply_codebook,
    codebook_from_dict,
    load_codebook,
)
from .codings import indicator_matrix, normalize_coding, read_codings, read_csv_table, write_codings
from .discover import DiscoveryModel, DiscoveryResult, default_discovery_encoder, discover_themes
from .embed import TextEncoder
from .encoders import (
    DEFAULT_ENCODER,
    E5Encoder,
    EmbeddingCache,
    SentenceEncoder,
    USEEncoder,
    encoder_from_state,
    make_encoder,
)
from .extend import MIN_EXAMPLES, ExtensionModel, ExtensionResult, FeatureSpace, extend_coding, text_features
from .labels import label_themes
from .model import load_model, register_model_kind, save_model
from .review import read_review_decisions, review_queue, write_review_queue, write_review_xlsx
from .text import clean_text, strip_boilerplate
from .validation import (
    ValidationData,
    draw_validation_sample,
    prepare_validation,
    read_validation_codings,
    split_codings,
)
from .workflow import (
    CodingModel,
    CodingReport,
    code_and_check,
    coder_agreement,
    codes_table,
    exemplar_quotes,
    partition_agreement,
    reliability_chart,
    reliability_label,
    write_codes_table,
)

__all__ = [
    "ValidationData",
    "draw_validation_sample",
    "prepare_validation",
    "read_validation_codings",
    "split_codings",
    "DEFAULT_ENCODER",
    "DEFAULT_MARGIN",
    "DEFAULT_THRESHOLD",
    "MIN_EXAMPLES",
    "AgreementResult",
    "Codebook",
    "CodebookModel",
    "CodingModel",
    "CodingReport",
    "E5Encoder",
    "EmbeddingCache",
    "ExtensionModel",
    "DiscoveryModel",
    "DiscoveryResult",
    "ExtensionResult",
    "FeatureSpace",
    "SentenceEncoder",
    "TextEncoder",
    "USEEncoder",
    "Theme",
    "apply_codebook",
    "clean_text",
    "code_and_check",
    "codes_table",
    "codebook_from_dict",
    "coder_agreement",
    "coding_agreement",
    "cohen_kappa",
    "default_discovery_encoder",
    "discover_themes",
    "encoder_from_state",
    "exemplar_quotes",
    "extend_coding",
    "indicator_matrix",
    "krippendorff_alpha_nominal",
    "label_themes",
    "load_codebook",
    "load_model",
    "make_encoder",
    "normalize_coding",
    "partition_agreement",
    "read_codings",
    "read_csv_table",
    "read_review_decisions",
    "register_model_kind",
    "reliability_chart",
    "reliability_label",
    "review_queue",
    "save_model",
    "strip_boilerplate",
    "text_features",
    "write_codings",
    "write_codes_table",
    "write_review_queue",
    "write_review_xlsx",
]
