"""Ingest stage: atelier notes and questionnaire exports → the records of ``docs/formats.md``.

Notes: :func:`load_notes` (pseudonymised segments), :func:`write_segments`,
:func:`read_manifest`. Surveys: :func:`read_survey` → :class:`SurveyData`,
:func:`write_responses` / :func:`read_responses`, :func:`open_answers`; data
dictionaries: :func:`load_dictionary`, :func:`save_dictionary`,
:func:`infer_dictionary`.
"""

from .dictionary import (
    KINDS,
    KNOWN_SCALES,
    MISSING_LABELS,
    ColumnSpec,
    Dictionary,
    load_dictionary,
    normalize_label,
    save_dictionary,
)
from .draft import infer_dictionary
from .notes import (
    SECTION_VOCABULARY,
    SEGMENT_COLUMNS,
    AtelierMeta,
    canonical_section,
    load_notes,
    manifest_table,
    metadata_from_filename,
    read_manifest,
    write_segments,
)
from .survey import (
    RawExport,
    SurveyData,
    TextPseudonymizer,
    open_answers,
    read_raw_export,
    read_responses,
    read_survey,
    write_responses,
)

__all__ = [
    "KINDS",
    "KNOWN_SCALES",
    "MISSING_LABELS",
    "SECTION_VOCABULARY",
    "SEGMENT_COLUMNS",
    "AtelierMeta",
    "ColumnSpec",
    "Dictionary",
    "RawExport",
    "SurveyData",
    "TextPseudonymizer",
    "canonical_section",
    "infer_dictionary",
    "load_dictionary",
    "load_notes",
    "manifest_table",
    "metadata_from_filename",
    "normalize_label",
    "open_answers",
    "read_manifest",
    "read_raw_export",
    "read_responses",
    "read_survey",
    "save_dictionary",
    "write_responses",
    "write_segments",
]
