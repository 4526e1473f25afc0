"""Key findings each notebook records for the report's « Synthèse ».

A finding is one French sentence that matters to the association or the DPPER,
with its reliability or uncertainty in words and the heading of the notebook
section that backs it. The last cell of each notebook computes them from the
tables it has just built (the ``*_findings`` functions below) and records them
with :func:`record_findings`, which writes one JSON file per finding under
``<cycle>/constats/``. :func:`areas_analysis.report.build_report` assembles them
at the top of ``rapport.html``: the summary is never written by hand.

A section that was skipped (its input absent) passes ``None``; the finding then
says that the result is missing and why.

Example:
    >>> record_findings("outputs/_interactif", "ateliers",                     # doctest: +SKIP
    ...                 workshop_findings(priorites, codage))
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .tables import fr_list, fr_num, fr_pct, plural

#: Folder of the cycle holding the findings (one JSON file each).
FINDINGS_DIR = "constats"
#: Themes named per group (atelier) in the summary; the full list is in the backing section.
THEMES_PER_GROUP = 3
#: Themes named in an overall ranking.
THEMES_OVERALL = 4
#: κ bands in words (Landis & Koch 1977), lower bound → word.
KAPPA_WORDS: tuple[tuple[float, str], ...] = ((0.8, "très bon"), (0.6, "bon"), (0.4, "modéré"),
                                              (0.2, "passable"), (-1.0, "faible"))
#: Threshold for « net » after the multiplicity correction stated in the DPPER tables.
ALPHA = 0.05


@dataclass(frozen=True)
class Finding:
    """One key finding.

    Attributes:
        section: Reporter section of the notebook that recorded it (``rep.section``).
        text: French sentence(s), plain language.
        reliability: How sure we are, in words (sample size, agreement, interval, design).
        anchor: Heading of the notebook section that backs it (a ``## …`` title), or ``""``.
        order: Rank within the section (recording order).
    """

    section: str
    text: str
    reliability: str
    anchor: str = ""
    order: int = 0


def _slug(text: str) -> str:
    from .report import slugify

    return slugify(text)


def record_finding(output_dir: str | Path, *, section: str, text: str, reliability: str, anchor: str = "") -> Path:
    """Write one finding as JSON under ``<output_dir>/constats/`` and return its path.

    Files are named ``<section>_<nn>.json`` in recording order, so the report keeps the
    notebook's order; rerunning a notebook into the same folder replaces its findings.
    """
    from .report import resolve_path, slugify

    folder = resolve_path(output_dir) / FINDINGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    sec = slugify(section)
    order = len(list(folder.glob(f"{sec}_[0-9][0-9].json"))) + 1
    finding = Finding(section=sec, text=text.strip(), reliability=reliability.strip(), anchor=anchor, order=order)
    path = folder / f"{sec}_{order:02d}.json"
    path.write_text(json.dumps(asdict(finding), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def record_findings(output_dir: str | Path, section: str, findings: Iterable[dict[str, str]]) -> list[Path]:
    """Record ``findings`` (dicts with ``text``, ``reliability``, ``anchor``) for ``section``.

    The section's earlier findings in this folder are removed first (a rerun replaces them).
    """
    from .report import resolve_path, slugify

    folder = resolve_path(output_dir) / FINDINGS_DIR
    for old in folder.glob(f"{slugify(section)}_[0-9][0-9].json"):
        old.unlink()
    return [record_finding(output_dir, section=section, **f) for f in findings]


def load_findings(cycle_dir: str | Path) -> list[Finding]:
    """The findings recorded in a cycle folder, grouped by section in recording order."""
    folder = Path(cycle_dir) / FINDINGS_DIR
    out = [Finding(**json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]
    return sorted(out, key=lambda f: (f.section, f.order))


# --------------------------------------------------------------------------- words

def kappa_words(kappa: float | None) -> str:
    """``0.45`` → ``"modéré (κ = 0,45)"``; ``"non mesuré"`` when missing."""
    if kappa is None or not math.isfinite(float(kappa)):
        return "non mesuré"
    word = next(w for bound, w in KAPPA_WORDS if kappa >= bound)
    return f"{word} (κ = {fr_num(float(kappa), 2)})"


def share_ci(p: float, low: float, high: float) -> str:
    """``0.12, 0.08, 0.17`` → ``"12 % [8 ; 17]"``."""
    if p is None or not math.isfinite(float(p)):
        return "–"
    return f"{fr_pct(p)} [{fr_num(100 * low, 0)} ; {fr_num(100 * high, 0)}]"


def _skipped(what: str, anchor: str = "") -> dict[str, str]:
    return {"text": f"{what} : résultat absent de ce cycle (section non calculée, donnée d'entrée manquante).",
            "reliability": "Sans objet : aucune donnée analysée.", "anchor": anchor}


def _coding_reliability(coding: Any, themes: Sequence[str] = ()) -> str:
    """Reliability of a machine coding in words, with the weak themes among ``themes``."""
    if coding is None:
        return "Fiabilité du codage inconnue (codage absent)."
    rel = coding.reliability
    if rel["kappa"].isna().all():
        return ("Codage automatique non validé : aucun codage humain de référence ; les thèmes sont des "
                "propositions à vérifier.")
    overall = coding.overall
    kappa = float(overall["kappa_moyen"].max()) if "kappa_moyen" in overall else float("nan")
    text = (f"Accord machine / codage humain {kappa_words(kappa)} en moyenne, mesuré sur "
            f"{plural(int(overall['n_codes_humains'].max()), 'texte codé', 'textes codés')} par des humains.")
    weak = rel.loc[rel["theme_id"].isin(themes) & ~(rel["kappa"] >= 0.4), "libelle"].astype(str).tolist() \
        if themes else []
    if weak:
        text += f" À lire avec prudence (κ < 0,40 ou non mesuré) : {fr_list(weak)}."
    return text


# --------------------------------------------------------------------------- notebook 01

def workshop_findings(priorities: pd.DataFrame | None, coding: Any = None, *,
                      atelier_col: str = "atelier_id", min_themes: int = 3) -> list[dict[str, str]]:
    """Priority themes overall and per atelier (``priority_themes`` table), with the coding's reliability."""
    anchor = "Thèmes prioritaires de chaque atelier"
    if priorities is None or priorities.empty:
        return [_skipped("Thèmes prioritaires des ateliers", anchor)]
    labels = dict(getattr(coding, "labels", {}) or {})
    pr = priorities[priorities["prioritaire"].astype(bool)]
    groups = priorities[atelier_col].drop_duplicates()
    n_groups = len(groups)
    counts = pr.groupby("theme_id").size().sort_values(ascending=False, kind="stable")
    top = [f"{labels.get(t, t)} ({n} ateliers sur {n_groups})" for t, n in counts.head(THEMES_OVERALL).items()]
    per = pr.sort_values([atelier_col, "rang"]).groupby(atelier_col, sort=True)["theme_id"]
    n_ok = int((pr.groupby(atelier_col).size().reindex(groups, fill_value=0) >= min_themes).sum())
    per_text = " ; ".join(f"{a} : {', '.join(labels.get(t, t) for t in s.head(THEMES_PER_GROUP))}"
                          + ("…" if len(s) > THEMES_PER_GROUP else "") for a, s in per)
    rule = ("Thèmes classés par un score de mentions dans les notes (règle énoncée dans la section) : "
            "un choix explicite, discutable en groupe. ")
    if pr.empty:  # no theme meets the rule (e.g. too few notes to support any): say so, list nothing
        return [{"text": f"Aucun thème prioritaire sur {plural(n_groups, 'atelier')} : aucun thème ne remplit la "
                         f"règle énoncée dans la section. 0 atelier sur {n_groups} a au moins {min_themes} "
                         "thèmes prioritaires (objectif AREAS).",
                 "reliability": rule + _coding_reliability(coding, []), "anchor": anchor}]
    return [
        {"text": f"Thèmes prioritaires le plus souvent, sur {plural(n_groups, 'atelier')} : {fr_list(top)}. "
                 f"{n_ok} atelier(s) sur {n_groups} ont au moins {min_themes} thèmes prioritaires "
                 "(objectif AREAS).",
         "reliability": rule + _coding_reliability(coding, list(counts.head(THEMES_OVERALL).index)),
         "anchor": anchor},
        {"text": f"Par atelier (les {THEMES_PER_GROUP} premiers) — {per_text}.",
         "reliability": "Chaque atelier réunit quelques tables : un thème peu noté par l'animateur peut être "
                        "sous-estimé ; la liste complète est dans la section.",
         "anchor": anchor},
    ]


# --------------------------------------------------------------------------- notebook 02

def needs_findings(congruence: pd.DataFrame | None, coding_users: Any = None,
                   coding_pros: Any = None) -> list[dict[str, str]]:
    """Main needs of usagers and professionals and the established gaps (``needs_congruence`` table)."""
    anchor = "Recoupement des besoins exprimés par les usagers et par les professionnels"
    if congruence is None or congruence.empty:
        return [_skipped("Besoins des usagers et des professionnels", anchor)]
    c = congruence

    def top(prefix: str) -> str:
        rows = c.sort_values(f"p_{prefix}", ascending=False, kind="stable").head(THEMES_OVERALL - 1)
        p, lo, hi = f"p_{prefix}", f"ic_bas_{prefix}", f"ic_haut_{prefix}"
        return fr_list([f"{r['theme']} ({share_ci(r[p], r[lo], r[hi])})" for _, r in rows.iterrows()])

    nu, np_ = int(c["n_usagers"].max()), int(c["n_pros"].max())
    out = [{"text": f"Besoins les plus cités par les usagers ({fr_num(nu, 0)} répondants) : {top('usagers')}. "
                    f"Par les professionnels ({fr_num(np_, 0)}) : {top('pros')}.",
            "reliability": "Parts de répondants avec intervalle de confiance à 95 % entre crochets. Usagers : "
                           + _coding_reliability(coding_users) + " Professionnels : "
                           + _coding_reliability(coding_pros),
            "anchor": anchor}]
    est = c[c["ecart_etabli"].astype(bool)]
    more_u = est.loc[est["difference"] > 0, "theme"].astype(str).tolist()
    more_p = est.loc[est["difference"] < 0, "theme"].astype(str).tolist()
    if more_u or more_p:
        text = "Écarts établis entre les deux publics — " + " ; ".join(
            x for x in (f"plus cité par les usagers : {fr_list(more_u)}" if more_u else "",
                        f"plus cité par les professionnels : {fr_list(more_p)}" if more_p else "") if x) + "."
    else:
        text = "Aucun écart établi entre usagers et professionnels sur les besoins codés."
    out.append({"text": text,
                "reliability": "Écart établi quand l'intervalle de Newcombe à 95 % de la différence exclut zéro ; "
                               "les deux questionnaires ne posent pas les mêmes questions ouvertes.",
                "anchor": anchor})
    return out


# --------------------------------------------------------------------------- notebook 03

def indicator_findings(indicators: pd.DataFrame | None) -> list[dict[str, str]]:
    """Indicators against the project's targets (``compute_indicators`` table)."""
    anchor = "Indicateurs du cycle"
    if indicators is None or indicators.empty:
        return [_skipped("Indicateurs AREAS", anchor)]
    ind = indicators
    counts = ind["statut"].value_counts()
    status = ", ".join(f"{n} {s}" for s, n in counts.items())
    late = ind[ind["statut"] == "en retard"]
    late_text = fr_list([f"{r.libelle} ({fr_num(r.valeur, 0)} pour une cible de {fr_num(r.cible, 0)})"
                         for r in late.itertuples()])
    text = f"Sur {plural(len(ind), 'indicateur')} du projet : {status}."
    if late_text:
        text += f" En retard : {late_text}."
    return [{"text": text,
             "reliability": "Valeurs comptées, sans échantillonnage ; « en bonne voie » suppose une "
                            "progression régulière jusqu'à l'échéance. Le nombre de thématiques prioritaires "
                            "dépend de la règle de priorisation et du codage automatique des ateliers.",
             "anchor": anchor}]


# --------------------------------------------------------------------------- notebook 04

def _item(r: Any) -> str:
    return f"« {getattr(r, 'libelle', None) or r.item} »"


def _conclusions(table: pd.DataFrame, alpha: float) -> pd.Series:
    """The vocabulary word of each row (``conclusion``); older tables: « net » when ``p_ajuste < alpha``."""
    from .evaluate._common import WORD_NET

    if "conclusion" in table.columns:
        return table["conclusion"]
    return pd.Series(np.where(table["p_ajuste"] < alpha, WORD_NET, ""), index=table.index)


def dpper_findings(action: str, paired: pd.DataFrame | None, effect: pd.DataFrame | None = None,
                   *, alpha: float = ALPHA) -> list[dict[str, str]]:
    """Before/after change and the partner-patient effect of one DPPER action, in plain words.

    The words follow the evaluation's vocabulary rule (``conclusion`` columns of the
    DPPER tables, :data:`areas_analysis.evaluate._common.VOCABULARY_RULE`): « net » only
    when the test that accounts for sessions survives the multiplicity correction, so the
    Synthèse never claims more than « En bref ». Tables without ``conclusion`` (older
    cycles) fall back to the adjusted p-value against ``alpha``.
    """
    from .evaluate._common import WORD_DESIGN, WORD_NET, WORD_TREND

    if paired is None or paired.empty:
        return [_skipped(f"Évaluation DPPER — {action}", "Avant / après la séance")]
    words = _conclusions(paired, alpha)
    net = paired[words == WORD_NET]
    trend = paired[words == WORD_TREND]
    n = int(paired["n_paires"].max())
    sessions = (f" dans {fr_num(paired['n_seances'].max(), 0)} séances"
                if "n_seances" in paired.columns and paired["n_seances"].notna().any() else "")
    if len(net):
        best = net.sort_values("r_rang_biserial", ascending=False).iloc[0]
        text = (f"{action} : après la séance, les {fr_num(n, 0)} étudiants appariés{sessions} répondent nettement "
                f"plus favorablement pour {len(net)} item(s) sur {len(paired)} (le plus marqué : {_item(best)}, "
                f"r rang-bisérial {fr_num(best['r_rang_biserial'], 2)} [{fr_num(best['r_ic_bas'], 2)} ; "
                f"{fr_num(best['r_ic_haut'], 2)}])"
                + (f" ; tendance pour {len(trend)} autre(s)." if len(trend) else "."))
    elif len(trend):
        text = (f"{action} : tendance à une évolution favorable avant / après pour {len(trend)} item(s) sur "
                f"{len(paired)} ({fr_num(n, 0)} étudiants{sessions}), sans écart net une fois les séances prises "
                "en compte.")
    else:
        text = (f"{action} : aucune évolution nette avant / après sur les {len(paired)} items "
                f"({fr_num(n, 0)} étudiants{sessions}).")
    out = [{"text": text,
            "reliability": "« Net » : le test par séance reste significatif après correction de Holm ; "
                           "« tendance » sinon. Auto-évaluation juste après la séance, sans groupe témoin tiré au "
                           "sort : l'évolution n'est pas attribuable à la seule séance.",
            "anchor": "Avant / après la séance"}]
    if effect is not None and not effect.empty and effect["effet"].notna().any():
        e = effect.dropna(subset=["effet"])
        e_words = _conclusions(e, alpha)
        net_e = e[e_words == WORD_NET]
        s_avec, s_sans = int(e["n_seances_avec"].max()), int(e["n_seances_sans"].max())
        if len(net_e):
            items = fr_list([f"{_item(r)} ({'+' if r.effet >= 0 else ''}{fr_num(r.effet, 1)} point "
                             f"[{fr_num(r.ic_bas, 1)} ; {fr_num(r.ic_haut, 1)}])" for r in net_e.itertuples()])
            text = ("Avec patient partenaire, en tenant compte des séances, le changement est nettement plus "
                    f"favorable pour {items}.")
        else:
            big = e.loc[e["effet"].abs().idxmax()]
            verdict = (WORD_DESIGN if (e_words == WORD_DESIGN).all() else "aucun écart net")
            text = (f"Avec ou sans patient partenaire ({s_avec} séances avec, {s_sans} sans) : {verdict} ; "
                    f"le plus grand écart observé concerne {_item(big)} ({'+' if big['effet'] >= 0 else ''}"
                    f"{fr_num(big['effet'], 1)} point [{fr_num(big['ic_bas'], 1)} ; "
                    f"{fr_num(big['ic_haut'], 1)}]).")
        floor = ""
        if "p_min_possible" in e.columns and e["p_min_possible"].notna().any():
            floor = (f" Avec ces séances, le plus petit p possible est {fr_num(e['p_min_possible'].min(), 2)} "
                     "(test exact de randomisation des séances).")
        out.append({"text": text,
                    "reliability": (f"Comparaison portée par {s_avec + s_sans} séances, non tirées au sort : "
                                    "un écart n'est pas à lui seul la preuve d'un effet du patient partenaire."
                                    + floor),
                    "anchor": "Avec ou sans patient partenaire"})
    return out
