"""French labels for the column names of result tables (one dictionary for report and workbook).

CSV files keep the snake_case column names (they are the stable interface for
reruns and scripts); everything a person reads — the HTML report, the notebooks,
``tableaux.xlsx`` — shows :func:`column_label` instead.

Columns built from data (``theme__isolement``, ``difficultes__cout``,
``entoure__ne_sait_pas``) get a label from their parts, with the table's own
labels (``attrs["labels"]``: theme id → French label) when it carries them.

Example:
    >>> column_label("p_ajuste_bh")
    'p ajusté (BH)'
    >>> column_label("theme__isolement", {"isolement": "Isolement et lien social"})
    'Thème : Isolement et lien social'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: snake_case column name → French header.
COLUMN_LABELS: dict[str, str] = {
    # identifiers and groups
    "atelier_id": "Atelier", "commune": "Commune", "date": "Date", "public": "Public", "tables": "Tables",
    "segments": "Segments", "cycle": "Cycle", "id": "Identifiant", "respondent_id": "Répondant",
    "date_reponse": "Date de réponse", "tranche_age": "Tranche d'âge", "statut": "Statut",
    "maladie_chronique": "Maladie chronique", "distance_medecin_km": "Distance au médecin (km)",
    "theme_id": "Thème", "theme": "Thème", "theme_label": "Libellé du thème", "libelle": "Libellé",
    "theme_emergent": "Thème émergent", "theme_grille_principal": "Thème de la grille le plus proche",
    "item": "Item", "question": "Question", "variable": "Variable", "variable_reponse": "Réponse étudiée",
    "modalite": "Modalité", "reference": "Référence", "categorie": "Catégorie", "bras": "Bras",
    "patient_partenaire": "Patient partenaire", "critere": "Critère", "analyse": "Analyse", "source": "Source",
    "codeur_a": "Codeur A", "codeur_b": "Codeur B", "rang": "Rang", "citation": "Citation",
    "citation_1": "Citation 1", "citation_2": "Citation 2", "citation_3": "Citation 3",
    "exemplar_1": "Exemple 1", "exemplar_2": "Exemple 2", "exemplar_3": "Exemple 3",
    "top_words": "Mots-clés", "lemmas": "Lemmes", "size": "Taille", "method": "Méthode", "methode": "Méthode",
    "message": "Message", "detail": "Détail", "avertissement": "Avertissement", "raison": "Pourquoi ce test",
    "test": "Test", "test_principal": "Test principal", "correction": "Correction", "regle": "Règle",
    "tableau": "Tableau", "ordre_cycle": "Ordre du cycle",
    # counts
    "n": "n", "effectif": "Effectif", "n_cites": "Citant le thème", "n_items": "Textes",
    "n_codes_humains": "Codés par un humain", "n_segments": "Segments", "n_tables": "Tables",
    "n_idees_phares": "Idées phares", "n_idees": "Idées", "n_prioritaires": "Thèmes prioritaires",
    "n_themes_evoques": "Thèmes évoqués", "themes_prioritaires": "Thèmes prioritaires (liste)",
    "n_seances": "Séances", "n_avant": "Réponses avant", "n_apres": "Réponses après", "n_apparies": "Appariés",
    "n_avant_seulement": "Avant seulement", "n_apres_seulement": "Après seulement", "n_paires": "Paires",
    "n_non_apparies": "Non appariés", "n_manquants": "Sans réponse", "n_manquant": "Sans réponse",
    "n_ne_sait_pas": "Je ne sais pas", "n_exclus": "Exclus", "n_ameliores": "En hausse",
    "n_inchanges": "Inchangés", "n_degrades": "En baisse", "n_avec": "n avec PP", "n_sans": "n sans PP",
    "n_seances_avec": "Séances avec PP", "n_seances_sans": "Séances sans PP", "n_etudiants": "Étudiants",
    "n_grappes": "Grappes", "n_usagers": "n usagers", "n_pros": "n pros", "cites_usagers": "Usagers citant",
    "cites_pros": "Pros citant", "participants": "Participants", "manque": "Manque",
    # shares and estimates
    "proportion": "Part", "part": "Part", "part_cites": "Part citant", "part_accord": "D'accord",
    "part_desaccord": "Pas d'accord", "part_ameliores": "Part en hausse", "part_apparies": "Part appariés",
    "p_usagers": "Part usagers", "p_pros": "Part pros", "taux": "Taux", "difference": "Écart usagers − pros",
    "ic_bas": "IC bas", "ic_haut": "IC haut", "ic_bas_usagers": "IC bas usagers",
    "ic_haut_usagers": "IC haut usagers", "ic_bas_pros": "IC bas pros", "ic_haut_pros": "IC haut pros",
    "ic_bas_difference": "IC bas écart", "ic_haut_difference": "IC haut écart",
    "mediane": "Médiane", "mediane_avant": "Médiane avant", "mediane_apres": "Médiane après",
    "mediane_avec": "Médiane avec PP", "mediane_sans": "Médiane sans PP", "moyenne_avec": "Moyenne avec PP",
    "moyenne_sans": "Moyenne sans PP", "diff_moyenne": "Écart moyen (après − avant)",
    "asymetrie_diff": "Asymétrie des écarts", "score": "Score", "effet": "Effet (avec − sans PP)",
    "odds_ratio": "Rapport de cotes", "valeur": "Valeur", "cible": "Cible", "unite": "Unité",
    "pourcentage_atteint": "% de la cible", "attendu_a_date": "Attendu à date",
    "progression": "Progression (points)",
    "variance_seances": "Variance entre séances", "icc": "CCI (séances)",
    # tests and agreement
    "W": "W (Wilcoxon)", "U": "U (Mann-Whitney)", "chi2": "χ²", "ddl": "Degrés de liberté", "p": "p",
    "p_value": "p", "p_ajuste": "p ajusté", "p_ajuste_bh": "p ajusté (BH)", "p_wilcoxon": "p (Wilcoxon)",
    "p_t_apparie": "p (t apparié)", "p_mann_whitney": "p (Mann-Whitney)", "significatif": "Significatif",
    "v_cramer": "V de Cramér", "v_cramer_corrige": "V corrigé", "attendu_min": "Effectif attendu min.",
    "residus": "Résidus ajustés", "modalite_surrepresentee": "Modalité sur-représentée",
    "erreurs_types": "Erreurs types", "r_rang_biserial": "r rang-bisérial", "r_ic_bas": "r : IC bas",
    "r_ic_haut": "r : IC haut", "dz": "dz de Cohen", "dz_ic_bas": "dz : IC bas", "dz_ic_haut": "dz : IC haut",
    "kappa": "κ", "alpha": "α de Krippendorff", "f1": "F1", "f1_micro": "F1 micro", "f1_macro": "F1 macro",
    "kappa_moyen": "κ moyen", "kappa_machine_humain": "κ machine / humain", "kappa_extension": "κ extension",
    "kappa_grille": "κ grille", "kappa_ic_bas": "κ : IC bas", "kappa_ic_haut": "κ : IC haut",
    "alpha_ic_bas": "α : IC bas", "alpha_ic_haut": "α : IC haut", "n_positifs_humains": "Exemples humains",
    "n_positifs_machine": "Proposés par la machine", "precision": "Précision", "rappel": "Rappel",
    "fiabilite": "Fiabilité",
    # targets
    "objectif": "Objectif", "objectif_atteint": "Objectif atteint", "atteint": "Atteint",
    "prioritaire": "Prioritaire", "ecart_etabli": "Écart établi", "a_date": "À date", "echeance": "Échéance",
    # survey answers (sample dictionary names, used when the table carries no labels)
    "aide_souhaitee": "Aide souhaitée", "besoins_sante": "Besoins de santé", "info_fiable": "Information fiable",
    "delai_rdv": "Délai de rendez-vous", "entoure": "Se sent entouré(e)", "deplacement": "Déplacements",
    "aise_numerique": "À l'aise avec le numérique", "coordination_pros": "Coordination des pros",
    "ecoute": "Écoute",
}

#: Prefixes of columns built from data: ``<prefix>__<value>``.
PREFIX_LABELS: dict[str, str] = {"theme": "Thème", "difficultes": "Difficultés"}
#: Suffixes of columns built from data: ``<column>__<suffix>``.
SUFFIX_LABELS: dict[str, str] = {"ne_sait_pas": "ne sait pas"}

#: A header that still looks like code: snake_case, or one lower-case ASCII word (not a label).
_CODE_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(_+[A-Za-z0-9]+)+|[a-z][a-z0-9]{2,}")


def humanize(name: str) -> str:
    """``"info_fiable"`` → ``"Info fiable"`` (last resort for a name without a label)."""
    words = re.sub(r"_+", " ", str(name)).strip()
    return words[:1].upper() + words[1:] if words else str(name)


def column_label(name: object, labels: Mapping[str, str] | None = None) -> str:
    """French header for a column name.

    Args:
        name: Column name as in the CSV.
        labels: Extra labels (column or theme id → French), checked first; a table's
            ``attrs["labels"]`` usually.
    """
    key = str(name)
    if labels and key in labels:
        return str(labels[key])
    if key in COLUMN_LABELS:
        return COLUMN_LABELS[key]
    if "__" in key:
        head, _, tail = key.partition("__")
        if tail in SUFFIX_LABELS:
            return f"{column_label(head, labels)} : {SUFFIX_LABELS[tail]}"
        if head in PREFIX_LABELS:
            value = labels.get(tail) if labels else None
            return f"{PREFIX_LABELS[head]} : {value or humanize(tail).lower()}"
        return f"{column_label(head, labels)} : {humanize(tail).lower()}"
    if _CODE_RE.fullmatch(key):
        return humanize(key)
    return key


def is_code_identifier(header: str) -> bool:
    """True when a displayed header is a raw code name (``theme_id``, ``n_cites``, ``commune``)."""
    return bool(_CODE_RE.fullmatch(header.strip()))
