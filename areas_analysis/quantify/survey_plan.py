"""Which questionnaire analyses a survey allows, decided from its data dictionary.

The questionnaires notebook must run on any survey, not only the sample's: it
asks :func:`plan_survey` which columns are the respondents' profile, which are
Likert items, which hold open answers, which column is the commune, and which
sections can run. Names come from the dictionary's kinds (``closed``,
``likert``, ``commune``, ``open``…) or from named parameters of the cycle
(``profil``, ``groupe``, ``modele_theme``…); a section that needs something
absent is skipped with one French sentence saying what is missing and what the
section would have shown.

Example::

    plan = plan_survey(us.dictionary, theme_ids=grille.ids, groupe="statut")
    if plan.runs("likert_groupe"):
        ...
    else:
        rep.text(plan.skip_note("likert_groupe"))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..errors import InputError, Problem
from ..ingest.dictionary import Dictionary
from .models import REMOTENESS_COL

__all__ = ["MAX_PROFILE_CATEGORIES", "MIN_OPEN_ANSWERS_FOR_TESTS", "SECTIONS", "SurveyPlan", "plan_survey",
           "respondents_table"]

#: A closed column with more categories than this is not used as a profile
#: variable when ``profil`` is not given (too many cells for association tests).
MAX_PROFILE_CATEGORIES = 8

#: Fewer open answers than this: association tests and regressions are not run
#: (too few respondents for a test or a model to say anything).
MIN_OPEN_ANSWERS_FOR_TESTS = 20

#: Sections of the questionnaires notebook, with what each one shows (French).
SECTIONS: dict[str, str] = {
    "likert": "la répartition des réponses aux échelles (Likert)",
    "likert_groupe": "les échelles selon le groupe de répondants",
    "themes": "les thèmes des réponses libres et la fiabilité de leur codage",
    "prevalence_groupe": "la part des répondants évoquant chaque thème, par groupe",
    "prevalence_commune": "la part des répondants évoquant chaque thème, par commune",
    "associations": "les liens entre thèmes et profil des répondants",
    "logistique": "la régression logistique d'un thème sur le profil",
    "ordinal": "la régression ordinale d'une échelle sur un thème et le profil",
    "presentation_conjointe": "la présentation conjointe (profil et citations par thème)",
    "congruence": "le recoupement des besoins exprimés par les usagers et par les professionnels",
}


@dataclass(frozen=True)
class SurveyPlan:
    """The columns a survey offers to each analysis, and the sections it allows.

    Attributes:
        profile: Closed columns describing respondents (associations, joint display).
        group: Closed column comparing groups of respondents (``None``: no group sections).
        commune: Column of kind ``commune`` (prevalence by commune, cluster of the models).
        likert: Likert items, in questionnaire order.
        open: Open questions.
        covariates: Model covariates (``modele_covariables``, else the profile minus the group plus
            the commune's remoteness when a commune column exists).
        logistic_theme: Theme modelled by the logistic regression.
        ordinal_item: Likert item modelled by the ordinal regression.
        ordinal_theme: Theme entering the ordinal regression as a predictor.
        skipped: Section → French sentence saying why it does not run.
    """

    profile: list[str]
    group: str | None
    commune: str | None
    likert: list[str]
    open: list[str]
    covariates: list[str]
    logistic_theme: str | None = None
    ordinal_item: str | None = None
    ordinal_theme: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    remoteness_by_default: bool = False

    @property
    def needs_remoteness(self) -> bool:
        """Whether the models use the commune's remoteness (add it with ``with_remoteness``)."""
        return REMOTENESS_COL in self.covariates and self.commune is not None

    def model_inputs(self, matrix: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str], str]:
        """The models' table and covariates, with the commune's remoteness when it is usable.

        Remoteness added by default is dropped, with a French note, when fewer than
        :data:`MIN_REMOTENESS_KNOWN` of the respondents live in a commune whose class is
        known (the model would otherwise lose most respondents). Asked for by name in
        ``modele_covariables``, it is kept whatever its coverage.

        Returns:
            A new table (``matrix`` with the remoteness column when used), the covariates of the
            logistic model, the predictors of the ordinal model (theme column first) and a note
            (empty when nothing was dropped).
        """
        theme = [f"theme__{self.ordinal_theme}"] if self.ordinal_theme else []
        if not self.needs_remoteness:
            return matrix, list(self.covariates), theme + list(self.covariates), ""
        from .models import with_remoteness

        table = with_remoteness(matrix, self.commune)  # type: ignore[arg-type]
        known = float(table[REMOTENESS_COL].notna().mean()) if len(table) else 0.0
        n_classes = table[REMOTENESS_COL].dropna().nunique()
        note = ""
        if known < MIN_REMOTENESS_KNOWN:
            note = (f"Éloignement de la commune non utilisé dans les modèles : classe connue pour "
                    f"{round(100 * known)} % des répondants seulement (minimum "
                    f"{round(100 * MIN_REMOTENESS_KNOWN)} %).")
        elif n_classes < 2:
            note = ("Éloignement de la commune non utilisé dans les modèles : tous les répondants ont la "
                    "même classe.")
        if self.remoteness_by_default and note:
            kept = [c for c in self.covariates if c != REMOTENESS_COL]
            return matrix, kept, theme + kept, note
        return table, list(self.covariates), theme + list(self.covariates), ""

    @property
    def ordinal_predictors(self) -> list[str]:
        """Predictors of the ordinal regression: the theme column (if any), then the covariates."""
        return ([f"theme__{self.ordinal_theme}"] if self.ordinal_theme else []) + self.covariates

    @property
    def joint_variables(self) -> list[str]:
        """Columns of the joint display: the profile, then the modelled Likert item (if any)."""
        return self.profile + ([self.ordinal_item] if self.ordinal_item else [])

    def runs(self, section: str) -> bool:
        """Whether ``section`` (a key of :data:`SECTIONS`) can run."""
        if section not in SECTIONS:
            raise ValueError(f"section inconnue « {section} » (sections : {', '.join(SECTIONS)})")
        return section not in self.skipped

    def skip_note(self, section: str) -> str:
        """The French sentence for a skipped section (empty when it runs)."""
        return self.skipped.get(section, "")

    def describe(self) -> str:
        """One French paragraph: which columns play which role."""
        def names(cols: Sequence[str]) -> str:
            return ", ".join(f"`{c}`" for c in cols) if cols else "aucune"

        return ("Colonnes retenues d'après le dictionnaire de données et les paramètres : profil "
                f"{names(self.profile)} ; "
                f"groupe {names([self.group] if self.group else [])} ; commune "
                f"{names([self.commune] if self.commune else [])} ; échelles {names(self.likert)} ; "
                f"questions ouvertes {names(self.open)}.")


#: Remoteness added by default enters the models only when at least this share of respondents live in a
#: commune whose remoteness class is known (otherwise most respondents would be dropped from the models).
MIN_REMOTENESS_KNOWN = 0.8


def _skip(section: str, reason: str) -> str:
    return f"Section non présentée — {SECTIONS[section]} : {reason}"


def plan_survey(
    dictionary: Dictionary,
    *,
    theme_ids: Sequence[str] = (),
    profil: Sequence[str] | None = None,
    groupe: str | None = None,
    modele_theme: str | None = None,
    modele_echelle: str | None = None,
    modele_echelle_theme: str | None = None,
    modele_covariables: Sequence[str] | None = None,
    n_open_answers: int | None = None,
    pros: bool = False,
    file: str | None = None,
) -> SurveyPlan:
    """Decide, from the dictionary and the named parameters, what the questionnaires notebook shows.

    Args:
        dictionary: The survey's data dictionary.
        theme_ids: Theme ids of the codebook (to check ``modele_theme``).
        profil: Closed columns describing respondents; ``None``: every ``closed``
            column with 2 to :data:`MAX_PROFILE_CATEGORIES` categories.
        groupe: Closed column whose groups are compared (``None``: no comparison by group).
        modele_theme: Theme of the logistic regression (``None``: not fitted).
        modele_echelle: Likert item of the ordinal regression (``None``: not fitted).
        modele_echelle_theme: Theme entering the ordinal regression (``None``: the
            ordinal regression uses the profile only).
        modele_covariables: Covariates of both models (closed or numeric columns, or
            :data:`~areas_analysis.quantify.models.REMOTENESS_COL`); ``None`` or empty: the profile
            minus the group, plus the commune's remoteness when the dictionary has a commune column.
        n_open_answers: Number of non-empty open answers (``None``: not known yet).
        pros: Whether a professionals' survey is given (congruence).
        file: Where the parameters come from, for messages (params file or dictionary).

    Raises:
        InputError: a named column absent from the dictionary or of the wrong
            kind, a theme absent from the codebook — every problem at once, in French.
    """
    where = file or dictionary.source or "dictionnaire de données"
    kinds = {c.name: c.kind for c in dictionary.columns}
    problems: list[Problem] = []

    def check(param: str, name: str, allowed: tuple[str, ...]) -> bool:
        if name not in kinds:
            candidates = ", ".join(n for n, k in kinds.items() if k in allowed) or "aucune"
            problems.append(Problem(where, f"paramètre « {param} » : colonne « {name} » absente du dictionnaire "
                                           f"{dictionary.source or dictionary.questionnaire} (colonnes de type "
                                           f"{' / '.join(allowed)} : {candidates})"))
            return False
        if kinds[name] not in allowed:
            problems.append(Problem(where, f"paramètre « {param} » : la colonne « {name} » est de type "
                                           f"« {kinds[name]} », attendu {' ou '.join(allowed)}"))
            return False
        return True

    if profil is None:
        profile = [c.name for c in dictionary.columns if c.kind == "closed"
                   and 2 <= len(c.categories or []) <= MAX_PROFILE_CATEGORIES]
    else:
        profile = [p for p in profil if check("profil", p, ("closed", "numeric"))]
    group = groupe if groupe is not None and check("groupe", groupe, ("closed", "commune")) else None
    if group and group not in profile and profil is None:
        profile.append(group)
    themes = set(theme_ids)
    for param, theme in (("modele_theme", modele_theme), ("modele_echelle_theme", modele_echelle_theme)):
        if theme is not None and themes and theme not in themes:
            problems.append(Problem(where, f"paramètre « {param} » : thème « {theme} » absent de la grille de "
                                           f"codage (thèmes : {', '.join(sorted(themes))})"))
    chosen_covariates = [c for c in (modele_covariables or ())
                         if c == REMOTENESS_COL or check("modele_covariables", c, ("closed", "numeric"))]
    ordinal_item = modele_echelle if modele_echelle is not None and check(
        "modele_echelle", modele_echelle, ("likert",)) else None
    if problems:
        raise InputError(problems)

    commune = next((c.name for c in dictionary.columns if c.kind == "commune"), None)
    likert = dictionary.names("likert")
    open_q = dictionary.names("open")
    remoteness_by_default = not chosen_covariates and commune is not None
    if chosen_covariates:
        covariates = chosen_covariates
    else:  # remoteness is the main driver of access in a rural territory: in by default when known
        covariates = [c for c in profile if c != group] + ([REMOTENESS_COL] if commune else [])
    skipped: dict[str, str] = {}
    if not likert:
        skipped["likert"] = _skip("likert", "le dictionnaire ne décrit aucune colonne de type « likert ».")
    if not likert or group is None:
        skipped["likert_groupe"] = _skip("likert_groupe", "aucune échelle dans le dictionnaire." if not likert
                                         else "paramètre « groupe » non renseigné (colonne fermée à comparer).")
    no_open = not open_q or n_open_answers == 0
    open_reason = ("le dictionnaire ne décrit aucune question ouverte (type « open »)." if not open_q
                   else "aucune réponse libre non vide dans l'export.")
    theme_sections = ("themes", "prevalence_groupe", "prevalence_commune", "associations", "logistique", "ordinal",
                      "presentation_conjointe", "congruence")
    if no_open:
        for s in theme_sections:
            skipped[s] = _skip(s, open_reason)
    else:
        if group is None:
            skipped["prevalence_groupe"] = _skip("prevalence_groupe", "paramètre « groupe » non renseigné.")
        if commune is None:
            skipped["prevalence_commune"] = _skip("prevalence_commune",
                                                  "le dictionnaire n'a pas de colonne de type « commune ».")
        if not profile:
            for s in ("associations", "presentation_conjointe"):
                skipped[s] = _skip(s, "aucune variable de profil (paramètre « profil », ou colonnes fermées de 2 "
                                      "à "
                                      f"{MAX_PROFILE_CATEGORIES} modalités dans le dictionnaire).")
        if n_open_answers is not None and n_open_answers < MIN_OPEN_ANSWERS_FOR_TESTS:
            for s in ("associations", "logistique", "ordinal"):
                skipped[s] = _skip(s, f"trop peu de réponses libres ({n_open_answers}, moins de "
                                      f"{MIN_OPEN_ANSWERS_FOR_TESTS}) pour un test ou un modèle.")
        if "logistique" in skipped:
            pass
        elif modele_theme is None:
            skipped["logistique"] = _skip("logistique", "paramètre « modele_theme » non renseigné.")
        elif not covariates:
            skipped["logistique"] = _skip("logistique", "aucune covariable de profil (hors groupe).")
        if "ordinal" in skipped:
            pass
        elif ordinal_item is None:
            skipped["ordinal"] = _skip("ordinal", "paramètre « modele_echelle » non renseigné.")
        if not pros:
            skipped["congruence"] = _skip("congruence", "questionnaire des professionnels non fourni "
                                                        "(paramètres « pros » et « pros_dictionnaire » à null).")
    return SurveyPlan(profile=profile, group=group, commune=commune, likert=likert, open=open_q,
                      covariates=covariates, logistic_theme=modele_theme, ordinal_item=ordinal_item,
                      ordinal_theme=modele_echelle_theme, skipped=skipped,
                      remoteness_by_default=remoteness_by_default)


def respondents_table(responses: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Responses with their id column named ``respondent_id`` (as in ``open_answers``), as a new frame.

    Exports name their id column freely (``id_reponse`` in LimeSurvey); the
    analyses join open answers to respondents on ``respondent_id``.
    """
    if id_column == "respondent_id":
        return responses.copy()
    if "respondent_id" in responses.columns:
        raise InputError([Problem("réponses", "deux colonnes d'identifiant (« respondent_id » et "
                                              f"« {id_column} ») : renommez l'une dans le dictionnaire")])
    return responses.rename(columns={id_column: "respondent_id"})
