"""French plain-language summary, and methods and limits, of a DPPER evaluation.

The summary is for DPPER and PROXIMA35 staff: what changed, for how many
students, and how sure we are — in words, with the numbers that matter. The
methods-and-limits text is markdown placed at the end of the report section.
Both are built from the result tables only (no statistics are recomputed).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..tables import fr_list, fr_num, fr_pct, plural
from ..text import fr_signed  # re-exported: one home for French numbers
from ._common import (
    ARM_WITH,
    CORRECTION_LABELS,
    NET_THRESHOLD,
    VOCABULARY_RULE,
    WORD_DESIGN,
    WORD_INCONCLUSIVE,
    WORD_NET,
    WORD_TREND,
    conclusion,
)
from .mixed import MIN_SESSIONS_PER_ARM

__all__ = ["methods_and_limits", "summarize_evaluation"]

#: How each action is named in sentences.
ACTION_NAMES = {
    "ECOS": ("les stations ECOS", "ECOS"),
    "RetExp": ("les séances de retour d'expérience (RetExp)", "RetExp"),
}


def _action(action: str) -> tuple[str, str]:
    return ACTION_NAMES.get(action, (f"l'action {action}", action))



def _has_sessions(paired: pd.DataFrame) -> bool:
    """Whether a before/after table carries the session-level analysis (``n_seances``)."""
    return "n_seances" in paired and bool(paired["n_seances"].notna().any())


def _quote(label: object) -> str:
    return f"« {label} »"


def _sure(p_adj: float, lo: float, hi: float, alpha: float) -> str:
    """How sure we are, in words, from the adjusted p-value and the CI."""
    if not np.isnan(p_adj) and p_adj < alpha:
        return "net"
    if not (np.isnan(lo) or np.isnan(hi)) and (lo > 0 or hi < 0):
        return "probable mais non confirmé après correction"
    return "incertain"


def summarize_evaluation(
    paired: pd.DataFrame,
    *,
    action: str = "ECOS",
    pairing: Mapping[str, int] | pd.DataFrame | None = None,
    paired_by_arm: pd.DataFrame | None = None,
    arms: pd.DataFrame | None = None,
    effect: pd.DataFrame | None = None,
    scores_arms: pd.DataFrame | None = None,
    scores_effect: pd.DataFrame | None = None,
) -> str:
    """A short French plain-language summary: what changed, for whom, how sure we are.

    Words follow one rule (:data:`~areas_analysis.evaluate._common.VOCABULARY_RULE`,
    written in the methods): « net » only when the session-aware test
    (session means for before/after, the randomisation test of sessions for
    with/without) stays below 0.05 after multiplicity correction; « tendance »,
    « non concluant » or « le dispositif ne permet pas de conclure »
    otherwise; every claim gives its number of students and sessions. The
    with/without description quotes the same r and shares as the forest plot.

    Args:
        paired: Before/after table of :func:`~areas_analysis.evaluate.paired.paired_tests`
            (all students, without ``by``).
        action: ``"ECOS"`` or ``"RetExp"`` (wording).
        pairing: ``attrs["comptes"]`` of the paired table, or the
            :func:`~areas_analysis.evaluate.pairing.pairing_summary` table.
        paired_by_arm: ``paired_tests(..., by="patient_partenaire")`` (share of
            students answering more favourably, per arm).
        arms: Arm comparison of :func:`~areas_analysis.evaluate.groups.compare_arms`.
        effect: Session-aware effect of :func:`~areas_analysis.evaluate.mixed.arm_effect`.
        scores_arms: ECOS scores compared between arms (``compare_arms`` on the scores).
        scores_effect: ECOS scores, session-aware effect (``arm_effect`` on the scores).

    Returns:
        A few French sentences (one markdown paragraph).
    """
    name, short = _action(action)
    parts: list[str] = []

    # who
    if isinstance(pairing, pd.DataFrame) and "bras" in pairing:
        tot = pairing[pairing["bras"] == "Total"].iloc[0]
        with_row = pairing[pairing["bras"] == ARM_WITH]
        s_with = int(with_row["n_seances"].iloc[0]) if len(with_row) else 0
        once = int(tot["n_avant_seulement"]) + int(tot["n_apres_seulement"])
        parts.append(
            f"{plural(int(tot['n_apparies']), 'étudiant')} ont répondu avant et après {name} "
            f"({plural(int(tot['n_seances']), 'séance')}, dont {s_with} avec patient partenaire) ; "
            f"{once} {'a' if once < 2 else 'ont'} répondu une seule fois et ne "
            f"{'compte' if once < 2 else 'comptent'} pas dans la comparaison avant/après.")
    elif isinstance(pairing, Mapping) and "n_apparies" in pairing:
        once = int(pairing.get("n_avant_seulement", 0)) + int(pairing.get("n_apres_seulement", 0))
        parts.append(f"{plural(int(pairing['n_apparies']), 'étudiant')} ont répondu avant et après {name} ; "
                     f"{once} {'a' if once < 2 else 'ont'} répondu une seule fois.")

    # what changed (before/after): one sentence, words from the vocabulary rule
    if len(paired):
        parts.append(_before_after_sentence(paired, name))
        small = paired[paired["n_paires"] < 10]
        if len(small):
            parts.append(f"Prudence pour {len(small)} item(s) avec moins de 10 paires : les intervalles sont "
                         "très larges.")

    # with / without patient partner: what the forest plot shows, then what the design allows to conclude
    if paired_by_arm is not None and len(paired_by_arm) and "patient_partenaire" in paired_by_arm:
        parts.append(_arm_shares_sentence(paired_by_arm, name))
    if effect is not None and len(effect):
        parts.append(_arm_conclusion_sentence(effect, arms, "changement (après − avant)", "point(s) d'échelle",
                                              "item"))
    if scores_effect is not None and len(scores_effect):
        parts.append(_arm_conclusion_sentence(scores_effect, scores_arms, "score aux stations", "point(s)",
                                              "station"))
    elif scores_arms is not None and len(scores_arms):
        parts.append(_arm_conclusion_sentence(None, scores_arms, "score aux stations", "point(s)", "station"))
    return " ".join(p for p in parts if p)


def _n_students_sessions(n: float, k: float | None) -> str:
    """``n = 42 étudiants, 6 séances`` (séances omitted when unknown)."""
    txt = f"n = {plural(int(n), 'étudiant')}"
    if k is not None and not pd.isna(k):
        txt += f", {plural(int(k), 'séance')}"
    return txt


def _before_after_sentence(paired: pd.DataFrame, name: str) -> str:
    """Before/after in the words of the rule: « net » only from the session-level test after correction."""
    corr = str(paired.attrs.get("correction", "holm"))
    corr_txt = (f"correction de {CORRECTION_LABELS.get(corr, corr)} sur {len(paired)} items" if corr != "none"
                else "sans correction de multiplicité")
    has_sessions = _has_sessions(paired)
    words = paired["conclusion"] if "conclusion" in paired else pd.Series(WORD_INCONCLUSIVE, index=paired.index)
    groups: list[str] = []
    for word in (WORD_NET, WORD_TREND, WORD_INCONCLUSIVE, WORD_DESIGN):
        rows = paired[words == word]
        if not len(rows):
            continue
        items = []
        for _, r in rows.iterrows():
            change = r["changement_moyen_seances"] if has_sessions else r["diff_moyenne"]
            pts = "points" if abs(change) >= 2 else "point"
            items.append(f"{_quote(r['libelle'])} ({fr_signed(change)} {pts} en moyenne, "
                         f"r = {fr_num(r['r_rang_biserial'], 2)}, "
                         f"{_n_students_sessions(r['n_paires'], r['n_seances'] if has_sessions else None)})")
        if word == WORD_NET:
            up = (rows["changement_moyen_seances"] > 0).all()
            head = f"évolution nette {'en hausse' if up else '(voir le sens de chaque item)'} pour"
        elif word == WORD_TREND:
            head = ("tendance (significative par étudiant ou avant correction, mais pas après correction en "
                    "tenant compte des séances) pour" if has_sessions else "tendance pour")
        elif word == WORD_INCONCLUSIVE:
            head = "non concluant pour"
        else:
            head = "le dispositif ne permet pas de conclure (moins de 2 séances) pour"
        groups.append(f"{head} {fr_list(items, max_items=8)}")
    if has_sessions:
        k = int(paired["n_seances"].max())
        lead = (f"Avant/après {name}, en tenant compte des séances (chaque séance compte une fois : t sur les "
                f"moyennes de {plural(k, 'séance')} ; {corr_txt}) : ")
    else:
        lead = (f"Avant/après {name} (sans tenir compte des séances, absentes des données : aucun résultat n'est "
                f"dit net ; {corr_txt}) : ")
    return lead + " ; ".join(groups) + "."


def _arm_shares_sentence(by_arm: pd.DataFrame, name: str) -> str:
    """The item with the largest gap in r between arms, with the shares improved — the forest plot's numbers."""
    w = by_arm[by_arm["patient_partenaire"] == ARM_WITH].set_index("item")
    wo = by_arm[by_arm["patient_partenaire"] != ARM_WITH].set_index("item")
    common = [i for i in w.index if i in wo.index and pd.notna(w.loc[i, "r_rang_biserial"])
              and pd.notna(wo.loc[i, "r_rang_biserial"])]
    if not common:
        return ""
    gap = pd.Series({i: w.loc[i, "r_rang_biserial"] - wo.loc[i, "r_rang_biserial"] for i in common})
    item = gap.abs().idxmax()
    a, b = w.loc[item], wo.loc[item]

    def arm_txt(r: pd.Series) -> str:
        k = r.get("n_seances")
        sess = f", {plural(int(k), 'séance')}" if k is not None and pd.notna(k) else ""
        return (f"{int(r['n_ameliores'])} sur {int(r['n_paires'])}{sess} ; {int(r['n_inchanges'])} inchangés, "
                f"{int(r['n_degrades'])} en baisse ; r = {fr_num(r['r_rang_biserial'], 2)}")

    more = gap[item] > 0
    txt = (f"Par bras, l'écart le plus marqué concerne {_quote(a['libelle'])}, où l'évolution est "
           f"{'plus' if more else 'moins'} favorable avec patient partenaire : {fr_pct(a['part_ameliores'])} des "
           f"étudiants répondent plus favorablement qu'avant ({arm_txt(a)}), contre "
           f"{fr_pct(b['part_ameliores'])} sans patient partenaire ({arm_txt(b)})")
    shares_agree = (a["part_ameliores"] - b["part_ameliores"]) * gap[item] > 0
    if not shares_agree:
        txt += " (la part d'étudiants en hausse va dans l'autre sens : r tient compte aussi des baisses)"
    n_with = int(gap.gt(0).sum())
    txt += (f". Sur les {len(gap)} items, r est plus élevé avec patient partenaire pour {n_with} ; c'est une "
            "description des étudiants observés, pas encore un effet du patient partenaire")
    return txt + "."


def _arm_conclusion_sentence(effect: pd.DataFrame | None, arms: pd.DataFrame | None, what: str, unit: str,
                             noun: str) -> str:
    """What the session-level randomisation test allows to conclude on the patient partner's own effect."""
    if effect is None:
        if arms is None or not len(arms):
            return ""
        sig = arms[arms["p_ajuste"] < NET_THRESHOLD]
        return (f"Avec ou sans patient partenaire ({what}) : sans information sur les séances, seule la "
                f"comparaison par étudiant est possible ; {len(sig)} {noun}(s) sur {len(arms)} y diffèrent après "
                f"correction : au mieux une {WORD_TREND}.")
    s_with, s_without = int(effect["n_seances_avec"].max()), int(effect["n_seances_sans"].max())
    n_stu = int(effect["n_etudiants"].max())
    n_assign = int(effect["n_assignations"].max())
    p_min = float(effect["p_min_possible"].min())
    best_adj = float(effect["p_min_possible_ajuste"].min())
    student = arms.set_index("item")["p_ajuste"] if arms is not None and len(arms) else pd.Series(dtype=float)
    words = {}
    for _, r in effect.iterrows():
        words[r["item"]] = conclusion(r["p_ajuste"], r["p"], float(student.get(r["item"], np.nan)),
                                      r["p_min_possible_ajuste"])
    head = (f"Effet propre du patient partenaire sur le {what} (test exact de randomisation des séances : "
            f"{s_with} avec et {s_without} sans patient partenaire, {n_stu} étudiants au plus par {noun}, "
            f"{n_assign} répartitions possibles des séances, p minimal atteignable {fr_num(p_min, 3)}")
    head += (f", {fr_num(best_adj, 2)} après correction) : " if best_adj != p_min else ") : ")
    out: list[str] = []
    for word in (WORD_NET, WORD_TREND, WORD_INCONCLUSIVE, WORD_DESIGN):
        rows = effect[[words[i] == word for i in effect["item"]]]
        if not len(rows):
            continue
        if word in (WORD_NET, WORD_TREND):
            items = [f"{_quote(r['libelle'])} ({fr_signed(r['effet'])} {unit} avec − sans, "
                     f"p = {fr_num(r['p'], 3)}, "
                     f"{_n_students_sessions(r['n_etudiants'], r['n_seances_avec'] + r['n_seances_sans'])})"
                     for _, r in rows.iterrows()]
        else:
            items = [_quote(x) for x in rows["libelle"]]
        label = {WORD_NET: "écart net pour", WORD_TREND: "tendance pour",
                 WORD_INCONCLUSIVE: "non concluant pour", WORD_DESIGN: f"{WORD_DESIGN} pour"}[word]
        if word == WORD_TREND:
            label = ("tendance (écart par étudiant ou avant correction, que l'analyse par séance ne peut pas "
                     "confirmer) pour")
        out.append(f"{label} {plural(len(rows), noun)} : {fr_list(items, max_items=8)}")
    txt = head + " ; ".join(out)
    if best_adj >= NET_THRESHOLD:
        txt += (f". Avec {s_with + s_without} séances, aucun écart, si grand soit-il, ne pourrait être dit net : "
                "il faut davantage de séances pour conclure")
    return txt + "."


def _pairing_counts(pairing: Mapping[str, int] | pd.DataFrame | None) -> dict[str, int] | None:
    """Matched / once-only counts from ``attrs["comptes"]`` or a ``pairing_summary`` table."""
    if isinstance(pairing, pd.DataFrame):
        if "bras" not in pairing or not (pairing["bras"] == "Total").any():
            return None
        tot = pairing[pairing["bras"] == "Total"].iloc[0]
        return {k: int(tot[k]) for k in ("n_apparies", "n_avant_seulement", "n_apres_seulement")}
    if isinstance(pairing, Mapping) and "n_apparies" in pairing:
        return {k: int(pairing.get(k, 0)) for k in ("n_apparies", "n_avant_seulement", "n_apres_seulement")}
    return None


def methods_and_limits(
    paired: pd.DataFrame | None = None,
    *,
    action: str = "ECOS",
    pairing: Mapping[str, int] | pd.DataFrame | None = None,
    arms: pd.DataFrame | None = None,
    effect: pd.DataFrame | None = None,
    scores_arms: pd.DataFrame | None = None,
    scores_effect: pd.DataFrame | None = None,
) -> str:
    """French markdown "Méthodes et limites" section, with the settings actually used.

    Settings (seed, bootstrap resamples, confidence level, correction) are
    read from the tables' ``attrs``; counts (unmatched students, sessions) from
    the tables and ``pairing`` (``attrs["comptes"]`` of the paired table, or the
    :func:`~areas_analysis.evaluate.pairing.pairing_summary` table).

    Returns:
        Markdown with a "Méthodes" and a "Limites" list.
    """
    name, short = _action(action)
    ref = next((t for t in (paired, arms, scores_arms) if t is not None), None)
    attrs = ref.attrs if ref is not None else {}
    seed = attrs.get("seed", "–")
    n_boot = attrs.get("n_boot", "–")
    conf = fr_num(100 * float(attrs.get("confidence", 0.95)), 0)
    corr = CORRECTION_LABELS.get(str(attrs.get("correction", "holm")), "Holm")
    m: list[str] = ["### Méthodes", ""]
    m.append(f"- **Données** : questionnaires des étudiants avant et après {name} (items Likert en 5 points "
             "codés de 1 « Pas du tout d'accord » à 5 « Tout à fait d'accord »), séance et présence d'un "
             "patient partenaire" + (", scores des stations ECOS." if short == "ECOS" else "."))
    m.append("- **Appariement** : les codes anonymes que les étudiants créent eux-mêmes sont comparés sans "
             "majuscules, accents, espaces ni séparateurs ; un étudiant qui n'a répondu qu'une fois est compté "
             "comme non apparié. Les réponses « Je ne sais pas » et les réponses vides sont exclues item par "
             "item et comptées (colonnes `n_non_apparies`, `n_manquants`, `n_ne_sait_pas`).")
    if paired is not None:
        pa = paired.attrs
        zero = "Wilcoxon" if pa.get("zero_method", "wilcox") == "wilcox" else "Pratt"
        ci = ("BCa (corrigé du biais et de l'asymétrie, Efron 1987)" if pa.get("ci_method", "bca") == "bca"
              else "percentile")
        if pa.get("primary", "auto") == "auto":
            skew = fr_num(pa.get("t_max_abs_skew", 1.0), 1)
            rule = (f"le t devient le test principal seulement avec au moins {pa.get('t_min_pairs', 30)} paires "
                    f"et des différences peu asymétriques (|asymétrie| ≤ {skew}), "
                    "règle fixée avant l'analyse (colonne `test_principal`)")
        else:
            rule = "le test principal a été imposé (colonne `test_principal`)"
        by_session = _has_sessions(paired)
        boot_unit = ("séances rééchantillonnées, percentile élargi pour peu de séances par le facteur "
                     "√(k/(k−1))·t(k−1)/z" if by_session else f"{ci}, étudiants rééchantillonnés")
        zero_r = ("les étudiants dont la réponse n'a pas changé sont classés et comptés au dénominateur (méthode "
                  "de Pratt) : r vaut 1 seulement si tous les étudiants progressent, et ne peut dépasser "
                  "1 − z(z+1)/(n(n+1)) avec z inchangés sur n (colonne `r_max_possible`)" if zero == "Pratt"
                  else "les étudiants inchangés sont écartés (méthode de Wilcoxon) : r ignore combien n'ont pas "
                       "bougé")
        m.append(f"- **Avant/après** : test des rangs signés de Wilcoxon par item (différences nulles écartées, "
                 f"comptées dans `n_inchanges`) ; taille d'effet r rang-bisérial apparié (Kerby 2014 : rangs en "
                 f"hausse moins rangs en baisse ; {zero_r}), IC {conf} % par bootstrap ({boot_unit}, {n_boot} "
                 f"rééchantillonnages, graine {seed}), donnée à côté des parts d'étudiants en "
                 "hausse, inchangés et en baisse. Le test t apparié et le dz de Cohen (différence moyenne / "
                 "écart-type des différences, IC par la loi t non centrale) sont donnés en complément ; "
                 f"{rule}.")
        if by_session:
            m.append("- **Avant/après en tenant compte des séances** : les étudiants d'une même séance se "
                     "ressemblent (même animateur, même jour) ; chaque séance compte donc une fois (moyenne du "
                     "changement de ses étudiants) et un test t de Student sur ces moyennes (séances − 1 degrés "
                     "de liberté) donne `p_seances`, ajusté dans `p_seances_ajuste`. C'est ce test qui fonde le "
                     "mot « net » ; les tests par étudiant sont optimistes quand les séances diffèrent.")
        else:
            m.append("- **Avant/après** : les données ne disent pas à quelle séance appartient chaque étudiant ; "
                     "les tests traitent les étudiants comme indépendants et aucun résultat n'est dit « net ».")
    if arms is not None or scores_arms is not None:
        crit = (arms if arms is not None else scores_arms)["critere"].iloc[0]
        m.append(f"- **Avec ou sans patient partenaire** : test de Mann-Whitney sur le {crit} "
                 "(chaque étudiant sert de témoin à lui-même quand le critère est le changement), taille "
                 "d'effet r rang-bisérial (r > 0 : plus élevé avec patient partenaire) et IC bootstrap.")
    t = effect if effect is not None else scores_effect
    if t is not None:
        n_assign = int(t["n_assignations"].max()) if "n_assignations" in t else 0
        p_min = fr_num(float(t["p_min_possible"].min()), 3) if "p_min_possible" in t else "–"
        m.append("- **Effet propre du patient partenaire (unité : la séance)** : le patient partenaire est "
                 "présent pour une séance entière, c'est donc la séance qui reçoit l'intervention. Le test "
                 "principal est un test exact de randomisation : on recalcule l'écart entre les moyennes de "
                 "séance des deux bras pour toutes les façons de choisir quelles séances avaient un patient "
                 f"partenaire (chaque séance garde ses étudiants) ; ici {n_assign} répartitions possibles, donc p "
                 f"ne peut pas descendre sous {p_min} (colonnes `p`, `n_assignations`, `p_min_possible`). Avec 3 "
                 "séances contre 3, il y a 20 répartitions et le plus petit p bilatéral est 2/20 = 0,10 "
                 "(1/20 = 0,05 en unilatéral) : un tel dispositif ne peut jamais conclure à 5 %. L'effet et son "
                 "IC viennent d'un modèle linéaire mixte (statsmodels MixedLM, REML, intercept aléatoire par "
                 "séance, loi t à « séances − 2 » degrés de liberté) s'il y a au moins "
                 f"{MIN_SESSIONS_PER_ARM} séances par bras et que le modèle converge avec une variance entre "
                 "séances non nulle ; sinon de la comparaison des moyennes par séance (moindres carrés, colonne "
                 "`analyse`, raison dans `message`). La comparaison par étudiant (Mann-Whitney, r rang-bisérial "
                 "du tableau avec / sans) est descriptive : elle ignore les séances.")
    m.append(f"- **Multiplicité** : p-valeurs ajustées par la méthode de {corr} sur l'ensemble des items de "
             "chaque tableau (colonnes `p_ajuste`, `p_seances_ajuste` et `correction`).")
    m.append(f"- **Vocabulaire** (règle unique, colonne `conclusion`) : {VOCABULARY_RULE}")
    lim: list[str] = ["", "### Limites", ""]
    lim.append("- **Pas de tirage au sort** : les séances avec et sans patient partenaire peuvent différer "
               "(animateurs, dates, étudiants) ; un écart entre bras n'est pas à lui seul la preuve d'un effet "
               "du patient partenaire.")
    lim.append("- **Auto-évaluation** : les items mesurent ce que les étudiants déclarent, pas leurs pratiques ; "
               "répondre juste après la séance favorise les réponses positives (désirabilité sociale).")
    counts = _pairing_counts(pairing)
    if counts:
        once = counts["n_avant_seulement"] + counts["n_apres_seulement"]
        lim.append(f"- **Étudiants non appariés** : {once} étudiant(s) n'ont répondu qu'une fois "
                   f"(sur {counts['n_apparies'] + once}) ; s'ils diffèrent de ceux qui ont répondu "
                   "deux fois, les résultats avant/après peuvent être biaisés. Deux étudiants ayant créé le même "
                   "code seraient confondus.")
    tabs = [t for t in (effect, scores_effect) if t is not None and len(t)]
    if tabs:
        t = tabs[0]
        s_with, s_without = int(t["n_seances_avec"].max()), int(t["n_seances_sans"].max())
        lim.append(f"- **Peu de séances** : {s_with} avec et {s_without} sans patient partenaire. Les tests par "
                   "étudiant (Wilcoxon, Mann-Whitney) ignorent que les étudiants d'une même séance se ressemblent "
                   "et sont donc optimistes ; l'analyse par séance est honnête mais peu précise.")
    lim.append("- **Échelles ordinales** : le t apparié, le dz et les modèles traitent les 5 modalités comme "
               "des nombres également espacés ; les tests de rangs et r n'en ont pas besoin. Un changement d'une "
               "modalité n'a pas forcément la même valeur partout sur l'échelle.")
    if paired is not None and _has_sessions(paired):
        lim.append("- **L'intervalle de r rééchantillonne les séances** (les étudiants d'une séance "
                   "se ressemblent) et il est élargi pour le petit nombre de séances : couverture "
                   "simulée de 0,93 à 0,95 pour 6 à 10 séances et une corrélation intra-séance de 0 "
                   "à 0,5, contre 0,67 à 0,79 quand on rééchantillonne les étudiants "
                   "(`benchmarks/results/dpper_calibration_r_seances.md`). Le mot « net » ne "
                   "s'appuie jamais sur r ni sur un test par étudiant.")
    else:
        lim.append("- **L'intervalle de r décrit les étudiants observés** : sans séances connues, il "
                   "rééchantillonne les étudiants ; si les étudiants venaient de séances différentes, il serait "
                   "trop étroit. Le mot « net » ne s'appuie jamais sur r ni sur un test par étudiant.")
    lim.append("- **Petits effectifs** : avec peu de paires, ou quand toutes les réponses qui changent vont "
               "dans le même sens, l'intervalle bootstrap de r peut être étroit voire réduit à un point (par ex. "
               "[1 ; 1]) alors que l'incertitude réelle est grande : lire r avec n.")
    return "\n".join(m + lim)
