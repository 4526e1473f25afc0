"""Quantify stage: themes alongside closed answers — mixed-methods statistics and AREAS indicators.

Every function takes DataFrames and column names and returns a NEW DataFrame
(inputs are never modified) carrying a French plain-language note in
``attrs["note"]`` (read it with :func:`note`); figures are returned, never shown.

One line each from a notebook::

    prev = theme_prevalence(codes, segments, "commune", unit_col="segment_id", unit_label="segments")
    prev = corrected_prevalence(segments, predictions, validation, "commune", unit_col="segment_id")
    prio = priority_themes(segments_with_themes, by="atelier_id")
    mat = theme_matrix(codes_usagers, responses, id_col="respondent_id", themes=codebook_ids)
    tests = theme_associations(mat, None, ["tranche_age", "commune"])
    logit = theme_logistic(mat, "acces_medecin", ["tranche_age"], cluster="commune")
    lik = likert_summary(responses, ["info_fiable"], by="public")
    joint = joint_display(mat, None, ["tranche_age", "info_fiable"], quotes)
    cong = needs_congruence(mat_usagers, mat_pros, codebook_ids)
    ind = compute_indicators(load_targets(), manifest=manifest, priorities=prio_summary,
                             activity=load_activity("data/sample/activite.yaml"), cycle="2026-S1")
"""

from ..tables import note
from ._common import COLUMN_LABELS, StatisticalWarning, display_table, newcombe_interval, wilson_interval
from .association import (
    adjusted_residuals,
    association_residuals,
    cramers_v,
    describe_associations,
    flag_unvalidated_coding,
    freeman_halton_2xk,
    theme_associations,
)
from .congruence import describe_congruence, needs_congruence
from .corrected import corrected_prevalence, describe_corrected_prevalence, suggest_sample_size
from .indicators import (
    ActivityLog,
    compute_indicators,
    describe_indicators,
    indicator_progress,
    load_activity,
    load_targets,
    participation_rates,
)
from .joint import describe_joint_display, joint_display
from .likert import agree_levels, describe_likert, likert_scale, likert_summary
from .matrix import theme_columns, theme_matrix
from .models import (
    brant_test,
    default_covariates,
    describe_model,
    detectable_odds_ratio,
    likert_ordinal,
    theme_logistic,
    with_remoteness,
)
from .plots import (
    congruence_chart,
    likert_chart,
    participation_chart,
    prevalence_chart,
    progress_chart,
    theme_heatmap,
)
from .prevalence import describe_prevalence, theme_prevalence
from .priority import describe_priorities, priority_summary, priority_support, priority_themes

__all__ = [
    "COLUMN_LABELS",
    "ActivityLog",
    "StatisticalWarning",
    "adjusted_residuals",
    "agree_levels",
    "brant_test",
    "association_residuals",
    "compute_indicators",
    "corrected_prevalence",
    "congruence_chart",
    "cramers_v",
    "default_covariates",
    "describe_associations",
    "detectable_odds_ratio",
    "display_table",
    "describe_congruence",
    "describe_corrected_prevalence",
    "describe_indicators",
    "describe_joint_display",
    "describe_likert",
    "describe_model",
    "describe_prevalence",
    "describe_priorities",
    "flag_unvalidated_coding",
    "freeman_halton_2xk",
    "indicator_progress",
    "joint_display",
    "likert_chart",
    "likert_ordinal",
    "likert_scale",
    "likert_summary",
    "load_activity",
    "load_targets",
    "needs_congruence",
    "newcombe_interval",
    "note",
    "participation_chart",
    "participation_rates",
    "prevalence_chart",
    "priority_summary",
    "priority_support",
    "priority_themes",
    "progress_chart",
    "suggest_sample_size",
    "theme_associations",
    "theme_columns",
    "theme_heatmap",
    "theme_logistic",
    "theme_matrix",
    "theme_prevalence",
    "wilson_interval",
    "with_remoteness",
]
