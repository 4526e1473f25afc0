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
from ._common import ARM_WITH, CORRECTION_LABELS
from .mixed import ANALYSIS_MIXED, MIN_SESSIONS_PER_ARM

__all__ = ["methods_and_limits", "summarize_evaluation"]

#: How each action is named in sentences.
ACTION_NAMES = {
    "ECOS": ("les stations ECOS", "ECOS"),
    "RetExp": ("les séances de retour d'expérience (RetExp)", "RetExp"),
}


def _action(action: str) -> tuple[str, str]:
    return ACTION_NAMES.get(action, (f"l'action {action}", action))



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
    alpha: float = 0.05,
) -> str:
    """A short French plain-language summary: what changed, for whom, how sure we are.

    "Net" means significant after the multiplicity correction stated in the
    tables; student-level differences between arms that the session-level
    analysis does not confirm are said to be unconfirmed.

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
        alpha: Threshold for "net" after correction.

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

    # what changed (before/after)
    if len(paired):
        corr = str(paired.attrs.get("correction", "holm"))
        corr_txt = (f"après correction de {CORRECTION_LABELS.get(corr, corr)}" if corr != "none"
                    else "sans correction de multiplicité")
        if paired_by_arm is not None and len(paired_by_arm) and "patient_partenaire" in paired_by_arm:
            w = paired_by_arm[paired_by_arm["patient_partenaire"] == ARM_WITH]
            wo = paired_by_arm[paired_by_arm["patient_partenaire"] != ARM_WITH].set_index("item")
            if len(w) and w["part_ameliores"].notna().any():
                best = w.loc[w["part_ameliores"].idxmax()]
                txt = (f"Après {name} avec patient partenaire, {fr_pct(best['part_ameliores'])} des étudiants "
                       f"(n = {int(best['n_paires'])}) répondent plus favorablement qu'avant à "
                       f"{_quote(best['libelle'])}")
                if best["item"] in wo.index:
                    o = wo.loc[best["item"]]
                    txt += (f", contre {fr_pct(o['part_ameliores'])} sans patient partenaire "
                            f"(n = {int(o['n_paires'])})")
                parts.append(txt + ".")
        else:
            best = paired.sort_values("part_ameliores", ascending=False, na_position="last").iloc[0]
            if not np.isnan(best["part_ameliores"]):
                parts.append(
                    f"Après {name}, {fr_pct(best['part_ameliores'])} des étudiants (n = {int(best['n_paires'])}) "
                    f"répondent plus favorablement qu'avant à {_quote(best['libelle'])}.")
        sig = paired[paired["p_ajuste"] < alpha]
        if len(sig):
            up = sig[sig["r_rang_biserial"] > 0]
            down = sig[sig["r_rang_biserial"] < 0]
            txt = (f"Sur l'ensemble des étudiants, l'évolution avant/après est nette pour {len(sig)} "
                   f"item{'s' if len(sig) > 1 else ''} sur {len(paired)} {corr_txt}")
            details = []
            if len(up):
                details.append(f"en hausse : {fr_list([_quote(x) for x in up['libelle']])}")
            if len(down):
                details.append(f"en baisse : {fr_list([_quote(x) for x in down['libelle']])}")
            parts.append(f"{txt} ({' ; '.join(details)}).")
        else:
            parts.append(f"Aucune évolution avant/après n'est nette {corr_txt} ({len(paired)} items testés) : "
                         "les écarts observés peuvent relever du hasard à ces effectifs.")
        small = paired[paired["n_paires"] < 10]
        if len(small):
            parts.append(f"Prudence pour {len(small)} item(s) avec moins de 10 paires : les intervalles sont "
                         "très larges.")

    # with / without patient partner
    if arms is not None and len(arms):
        parts.append(_arms_sentence(arms, effect, "au questionnaire", "item", alpha))
    if effect is not None and len(effect):
        parts.append(_effect_sentence(effect, "point(s) d'échelle", "item", alpha))
    if scores_arms is not None and len(scores_arms):
        parts.append(_arms_sentence(scores_arms, scores_effect, "aux stations ECOS", "station", alpha))
    if scores_effect is not None and len(scores_effect):
        parts.append(_effect_sentence(scores_effect, "point(s) sur 20", "station", alpha))
    return " ".join(p for p in parts if p)


def _arms_sentence(arms: pd.DataFrame, effect: pd.DataFrame | None, where: str, noun: str, alpha: float) -> str:
    """Student-level comparison of the arms, flagged when the session-level analysis does not confirm it."""
    crit = arms["critere"].iloc[0]
    sig = arms[arms["p_ajuste"] < alpha]
    if not len(sig):
        none = "aucune" if noun == "station" else "aucun"
        return (f"Entre étudiants avec et sans patient partenaire, le {crit} ne diffère nettement {where} "
                f"pour {none} des {plural(len(arms), noun)} après correction.")
    confirmed: set[object] = set()
    if effect is not None and len(effect):
        eff = effect.set_index("item")
        confirmed = {i for i in sig["item"] if i in eff.index and eff.loc[i, "p_ajuste"] < alpha}
    items = []
    for _, row in sig.iterrows():
        direction = "plus élevé" if row["r_rang_biserial"] > 0 else "moins élevé"
        items.append(f"{_quote(row['libelle'])} ({direction} avec patient partenaire, r = "
                     f"{fr_num(row['r_rang_biserial'], 2)}, n = {int(row['n_avec'])} / {int(row['n_sans'])})")
    txt = (f"Entre étudiants avec et sans patient partenaire, le {crit} diffère {where} pour "
           f"{plural(len(sig), noun)} sur {len(arms)} : {fr_list(items)}")
    if effect is not None and len(effect):
        not_conf = [i for i in sig["item"] if i not in confirmed]
        if not_conf and confirmed:
            txt += (f" ; l'analyse par séance confirme {len(confirmed)} de ces écarts, pas les "
                    f"{len(not_conf)} autre(s)")
        elif not_conf:
            txt += " ; l'analyse qui tient compte des séances ne confirme pas ces écarts"
        else:
            txt += " ; l'analyse qui tient compte des séances les confirme"
    return txt + "."


def _effect_sentence(effect: pd.DataFrame, unit: str, noun: str, alpha: float) -> str:
    """One sentence on the session-aware analysis: which model, why not the mixed model, what it shows."""
    s_with = int(effect["n_seances_avec"].max())
    s_without = int(effect["n_seances_sans"].max())
    n_sess = s_with + s_without
    estimated = effect[effect["effet"].notna()]
    mixed = effect[effect["analyse"] == ANALYSIS_MIXED]
    if len(mixed) == len(effect):
        head = f"En tenant compte des séances (modèle mixte, {n_sess} séances), "
    elif min(s_with, s_without) < MIN_SESSIONS_PER_ARM:
        head = (f"L'échantillon ({n_sess} séances : {s_with} avec et {s_without} sans patient partenaire) est "
                "trop petit pour estimer finement la variabilité entre séances ; en comparant les moyennes "
                "par séance, ")
    else:
        head = (f"Le modèle mixte n'a pas pu être estimé de façon fiable pour {len(effect) - len(mixed)} "
                f"{noun}(s) (voir la colonne « message ») ; en tenant compte des séances, ")
    if not len(estimated):
        return head + "aucune estimation de l'effet du patient partenaire n'est possible."
    sig = estimated[estimated["p_ajuste"] < alpha]
    conf = fr_num(100 * float(effect.attrs.get("confidence", 0.95)), 0)
    if len(sig):
        row = sig.loc[sig["effet"].abs().idxmax()]
        return head + (f"l'écart avec − sans patient partenaire est net pour {plural(len(sig), noun)} sur "
                       f"{len(effect)}, par exemple {_quote(row['libelle'])} : {fr_signed(row['effet'])} "
                       f"{unit} (IC {conf} % {fr_num(row['ic_bas'], 1)} à {fr_num(row['ic_haut'], 1)}).")
    row = estimated.loc[estimated["effet"].abs().idxmax()]
    return head + (f"aucun écart n'est net ; le plus grand concerne {_quote(row['libelle'])} : "
                   f"{fr_signed(row['effet'])} {unit} (IC {conf} % {fr_num(row['ic_bas'], 1)} à "
                   f"{fr_num(row['ic_haut'], 1)}) : l'effet propre du patient partenaire reste incertain.")


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
        m.append(f"- **Avant/après** : test des rangs signés de Wilcoxon par item (différences nulles traitées "
                 f"selon la méthode de {zero} : les étudiants dont la réponse n'a pas changé sont comptés à part, "
                 f"`n_inchanges`) ; taille d'effet r rang-bisérial apparié (Kerby 2014 : part des rangs en hausse "
                 f"moins part en baisse), IC {conf} % par bootstrap {ci} ({n_boot} rééchantillonnages "
                 f"des étudiants, graine {seed}). Le test t apparié et le dz de Cohen (différence moyenne / "
                 "écart-type des différences, IC par la loi t non centrale) sont donnés en complément ; "
                 f"{rule}.")
    if arms is not None or scores_arms is not None:
        crit = (arms if arms is not None else scores_arms)["critere"].iloc[0]
        m.append(f"- **Avec ou sans patient partenaire** : test de Mann-Whitney sur le {crit} "
                 "(chaque étudiant sert de témoin à lui-même quand le critère est le changement), taille "
                 "d'effet r rang-bisérial (r > 0 : plus élevé avec patient partenaire) et IC bootstrap.")
    if effect is not None or scores_effect is not None:
        m.append(f"- **Regroupement par séance** : le patient partenaire est présent pour une séance entière ; un "
                 "modèle linéaire mixte (statsmodels MixedLM, REML) avec un intercept aléatoire par séance estime "
                 "l'écart avec − sans patient partenaire (IC et p par la loi t à « séances − 2 » degrés de "
                 f"liberté), s'il y a au moins {MIN_SESSIONS_PER_ARM} séances par bras et que le modèle "
                 "converge avec une variance entre séances non nulle. Sinon, chaque séance "
                 "compte pour une observation (moyenne de ses étudiants) et les moyennes sont comparées par "
                 "moindres carrés (colonne `analyse`, raison dans `message`).")
    m.append(f"- **Multiplicité** : p-valeurs ajustées par la méthode de {corr} sur l'ensemble des items de "
             "chaque tableau (colonnes `p_ajuste` et `correction`) ; un résultat est dit « net » si p ajusté "
             "< 0,05.")
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
    lim.append("- **Petits effectifs** : avec peu de paires, ou quand toutes les réponses qui changent vont "
               "dans le même sens, l'intervalle bootstrap de r peut être étroit voire réduit à un point (par ex. "
               "[1 ; 1]) alors que l'incertitude réelle est grande : lire r avec n.")
    return "\n".join(m + lim)
