"""evaluate stage: DPPER patient-partner evaluation statistics (before/after, with/without patient partner).

Pipeline: :func:`load_dpper` (or your own DataFrames) → :func:`pair_before_after`
(match students by their self-made code, count who answered once, "Je ne sais
pas" and empty answers) → :func:`paired_tests` (before/after per item: rank-biserial
r counting unchanged students, shares up / unchanged / down, and the session-level
test :func:`session_change_test`) → :func:`compare_arms` (with vs without patient
partner, per student, descriptive) and :func:`arm_effect` (the session is the unit:
exact randomisation test of the sessions' assignment,
:func:`session_randomisation_test`) → figures (:func:`plot_slopes`,
:func:`plot_forest`, :func:`plot_by_session`) → :func:`summarize_evaluation`
and :func:`methods_and_limits` (French text, one vocabulary rule: « net » only from
a session-aware test after multiplicity correction; ``conclusion`` columns). Every
table has French columns, the ``n`` used, a ``methode`` column and a
plain-language ``attrs["note"]``.
"""

from ..tables import note
from ._common import (
    AGREEMENT_SCALE,
    ARM_WITH,
    ARM_WITHOUT,
    DONT_KNOW,
    STATUSES,
    StatisticalWarning,
    adjust_pvalues,
    arm_values,
    likert_to_scores,
)
from .data import DpperData, comments_for_themes, load_dpper, scores_long
from .groups import compare_arms, mann_whitney_test, rank_biserial_independent
from .mixed import MIN_SESSIONS_PER_ARM, arm_effect, session_randomisation_test
from .paired import (
    cohen_dz,
    max_abs_rb_pratt,
    paired_tests,
    rank_biserial_paired,
    session_change_test,
    wilcoxon_test,
)
from .pairing import normalise_code, pair_before_after, pairing_summary
from .plots import plot_by_session, plot_forest, plot_slopes
from .summary import methods_and_limits, summarize_evaluation

__all__ = [
    "AGREEMENT_SCALE",
    "ARM_WITH",
    "ARM_WITHOUT",
    "DONT_KNOW",
    "DpperData",
    "MIN_SESSIONS_PER_ARM",
    "STATUSES",
    "StatisticalWarning",
    "adjust_pvalues",
    "arm_effect",
    "arm_values",
    "cohen_dz",
    "comments_for_themes",
    "compare_arms",
    "likert_to_scores",
    "load_dpper",
    "mann_whitney_test",
    "max_abs_rb_pratt",
    "methods_and_limits",
    "normalise_code",
    "note",
    "pair_before_after",
    "paired_tests",
    "pairing_summary",
    "plot_by_session",
    "plot_forest",
    "plot_slopes",
    "rank_biserial_independent",
    "rank_biserial_paired",
    "scores_long",
    "session_change_test",
    "session_randomisation_test",
    "summarize_evaluation",
    "wilcoxon_test",
]
