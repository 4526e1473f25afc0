"""Figures: French labels, returned (never shown), edge cases drawn without error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from areas_analysis.config import DATA_DIR, SAMPLE_DIR  # noqa: E402
from areas_analysis.quantify import (  # noqa: E402
    compute_indicators,
    congruence_chart,
    indicator_progress,
    likert_chart,
    likert_summary,
    load_activity,
    load_targets,
    needs_congruence,
    participation_chart,
    participation_rates,
    prevalence_chart,
    progress_chart,
    theme_heatmap,
    theme_prevalence,
)

SCALE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"]
ENGLISH = ("count", "proportion", "theme_id", "Frequency", "value", "variable")


def _texts(fig: Figure) -> list[str]:
    out = [fig._suptitle.get_text()] if fig._suptitle else []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [t.get_text() for t in ax.texts]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return [t for t in out if t]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def prevalence() -> pd.DataFrame:
    units = pd.DataFrame({"id": [f"S{i}" for i in range(9)],
                          "commune": ["Iffendic"] * 4 + ["Paimpont"] * 4 + ["Gaël"]})
    codes = pd.DataFrame({"id": ["S0", "S1", "S4", "S8", "S2"],
                          "theme_id": ["acces_medecin", "acces_medecin", "transport", "transport", "isolement"]})
    return theme_prevalence(codes, units, "commune", themes=["sante_mentale"], unit_label="segments")


def test_prevalence_figures_are_french(prevalence):
    labels = {"acces_medecin": "Accès au médecin traitant", "sante_mentale": "Santé mentale"}
    fig = prevalence_chart(prevalence, theme_labels=labels)
    assert isinstance(fig, Figure)
    texts = " ".join(_texts(fig))
    assert "Part des segments évoquant chaque thème, par commune" in texts
    assert "Accès au médecin traitant" in texts and "Gaël (n=1)" in texts and "Santé mentale" in texts
    overall = prevalence_chart(theme_prevalence(pd.DataFrame({"id": ["a"], "theme_id": ["x"]}),
                                                pd.DataFrame({"id": ["a", "b"]}), unit_label="répondants"))
    assert "Thèmes évoqués (n = 2 répondants" in " ".join(_texts(overall))
    heat = theme_heatmap(prevalence, theme_labels=labels)
    t = _texts(heat)
    assert "Part des segments évoquant chaque thème (%), par commune" in t and "Commune" in t and "Thème" in t
    assert not [w for w in ENGLISH if w in t]


def test_likert_chart_centres_neutral_and_reports_dont_know():
    raw = pd.DataFrame({
        "info": ["Tout à fait d'accord", "Plutôt d'accord", "Ni d'accord ni pas d'accord", "Je ne sais pas",
                 "Pas du tout d'accord", None],
        "vide": [None] * 6,
    })
    s = likert_summary(raw, ["info", "vide"], scale=SCALE, labels={"info": "Je sais où trouver une information"})
    fig = likert_chart(s)
    texts = " ".join(_texts(fig))
    assert "n = 4 · NSP : 1" in texts and "aucune réponse exprimée" in texts
    assert "Je ne sais pas" not in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "désaccord à gauche, accord à droite" in texts and "Plutôt pas d'accord" in texts
    # the neutral bar (25 %) is centred on 0: it spans -12.5 .. 12.5
    neutral = [p for p in fig.axes[0].patches if p.get_width() == pytest.approx(25) and
               p.get_x() == pytest.approx(-12.5)]
    assert len(neutral) == 1


def test_congruence_and_progress_charts():
    u = pd.DataFrame({"theme__transport": [1, 1, 0, 1], "theme__stress": [0, 0, 0, 1]})
    p = pd.DataFrame({"theme__transport": [0, 0, 1], "theme__stress": [1, 1, 1]})
    fig = congruence_chart(needs_congruence(u, p, theme_labels={"stress": "Épuisement des soignants"}))
    texts = " ".join(_texts(fig))
    assert "Usagers (n = 4)" in texts and "Professionnels (n = 3)" in texts and "Épuisement des soignants" in texts
    targets = load_targets(DATA_DIR / "objectifs_areas.yaml")
    manifest = pd.DataFrame({"atelier_id": ["A01", "A02"], "commune": ["Iffendic", "Paimpont"],
                             "date": ["2026-02-01", "2026-03-01"], "participants": [55, np.nan]})
    ind = compute_indicators(targets, manifest=manifest, activity=load_activity(SAMPLE_DIR / "activite.yaml"))
    texts = " ".join(_texts(progress_chart(ind)))
    assert "Avancement des objectifs AREAS" in texts and "Part de l'objectif atteinte (%)" in texts
    assert "en retard" in texts and "cible" in texts
    prog = indicator_progress({"2026-S1": ind, "2026-S2": ind})
    assert "2026-S2" in " ".join(_texts(progress_chart(prog)))
    texts = " ".join(_texts(participation_chart(participation_rates(manifest))))
    assert "cible : 50 participants" in texts and "?" in texts
