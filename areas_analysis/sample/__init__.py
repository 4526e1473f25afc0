"""Embedded synthetic sample data: a deterministic generator and its French phrase banks.

``generate_sample(out, seed)`` writes ``data/sample/`` (atelier notes, questionnaire
exports, DPPER evaluation files, dictionaries, codebook, simulated human codings and
the ground truth that the analysis should recover). See ``data/sample/README.md``.
"""

from .banks import DPPER_THEME_IDS, SYNTHETIC_NOTE, THEME_IDS, THEMES, ThemeBank
from .generator import GENERATOR_VERSION, generate_sample

__all__ = ["generate_sample", "GENERATOR_VERSION", "SYNTHETIC_NOTE", "THEMES", "THEME_IDS", "DPPER_THEME_IDS",
           "ThemeBank"]
