"""Agreement between two theme codings (machine ↔ human, human ↔ human) at the item level.

Multi-label codings are compared theme by theme: for every item of the
compared id set and every theme, each coding makes a binary decision (theme
assigned or not). Per theme we report Cohen's κ (Cohen 1960), Krippendorff's
α for nominal data (Krippendorff 2004, computed with the ``krippendorff``
package), and precision / recall / F1 with coding **B as the reference**
(precision = share of A's assignments that B also made). Overall we report
micro- and macro-averaged F1 (as ``sklearn.metrics.f1_score``, undefined
per-theme F1 counted as 0 in the macro mean), the mean κ over themes, and a
pooled α over all (item, theme) binary decisions. Confusion lists give the
items coded by one coding and not the other, per theme, for discussion
between coders.

References:
    Cohen, J. (1960). A coefficient of agreement for nominal scales.
    *Educational and Psychological Measurement*, 20(1), 37-46.
    Krippendorff, K. (2004). *Content Analysis: An Introduction to Its
    Methodology* (2nd ed.), ch. 11. Sage.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED
from ..errors import AreasError
from .codings import coded_ids, indicator_matrix, normalize_coding, theme_ids

__all__ = ["MIN_HUMAN_POSITIVES", "AgreementResult", "binary_agreement_bootstrap", "cohen_kappa",
           "coding_agreement", "krippendorff_alpha_nominal", "theme_agreement_table"]

#: Fewer human positives than this for a theme: its κ/α are shown with their (wide) interval but get no
#: reliability label — one or two examples cannot show that a theme is coded reliably (a single human
#: example agreed on gives κ = 1).
MIN_HUMAN_POSITIVES = 10
#: Bootstrap replicates of the agreement intervals.
N_BOOTSTRAP = 1000


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's κ between two nominal ratings of the same items.

    κ = (p_o − p_e) / (1 − p_e) with p_o the observed agreement and p_e the
    agreement expected from the two raters' marginal distributions.

    Args:
        a: Ratings of rater A (1-D, any hashable values).
        b: Ratings of rater B, same length.

    Returns:
        κ, or NaN when undefined (p_e = 1: both raters used one and the same value).
    """
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("a and b must be 1-D arrays of the same length")
    if a.size == 0:
        return float("nan")
    cats, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = inv[: a.size], inv[a.size :]
    k = len(cats)
    table = np.zeros((k, k))
    np.add.at(table, (ia, ib), 1.0)
    table /= a.size
    p_o = float(np.trace(table))
    p_e = float(table.sum(axis=1) @ table.sum(axis=0))
    if np.isclose(p_e, 1.0):
        return float("nan")
    return (p_o - p_e) / (1.0 - p_e)


def krippendorff_alpha_nominal(*ratings: np.ndarray) -> float:
    """Krippendorff's α (nominal) for two or more coders, via the ``krippendorff`` package.

    Args:
        *ratings: One 1-D array per coder over the same units (NaN = missing).

    Returns:
        α, or NaN when undefined (fewer than two distinct values observed).
    """
    data = np.vstack([np.asarray(r, dtype=float) for r in ratings])
    if data.size == 0 or len(np.unique(data[~np.isnan(data)])) < 2:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


@dataclass(frozen=True)
class AgreementResult:
    """Agreement between coding A and coding B (B is the reference for precision/recall).

    Attributes:
        per_theme: One row per theme: ``theme_id, n_items, n_a, n_b, both,
            a_only, b_only, kappa, alpha, precision, recall, f1, support``
            (``support`` = items B coded with the theme).
        overall: One row: ``n_items, n_themes, micro_precision,
            micro_recall, micro_f1, macro_f1, mean_kappa, mean_alpha, alpha`` (``alpha``
            pooled over all item × theme decisions: the many easy "absent" decisions inflate
            it, so report it only beside ``mean_alpha``, the mean of the per-theme α).
        confusion: Disagreements ``theme_id, id, coded_by`` (``"A"`` or ``"B"``,
            the coding that assigned the theme the other did not).
        ids: The compared ids, in order.
    """

    per_theme: pd.DataFrame
    overall: pd.DataFrame
    confusion: pd.DataFrame
    ids: list[str]

    def report(self, names: tuple[str, str] = ("A", "B")) -> pd.DataFrame:
        """The per-theme table with French headings, plus an ``ensemble`` row (for a CSV or print)."""
        a, b = names
        pt = self.per_theme
        rows = pd.DataFrame({
            "theme": pt["theme_id"],
            f"codes_{a}": pt["n_a"],
            f"codes_{b}": pt["n_b"],
            "communs": pt["both"],
            "kappa": pt["kappa"],
            "alpha": pt["alpha"],
            "precision": pt["precision"],
            "rappel": pt["recall"],
            "f1": pt["f1"],
        })
        ov = self.overall.iloc[0]
        total = pd.DataFrame([{
            "theme": "ensemble (micro)",
            f"codes_{a}": int(pt["n_a"].sum()),
            f"codes_{b}": int(pt["n_b"].sum()),
            "communs": int(pt["both"].sum()),
            "kappa": ov["mean_kappa"],
            "alpha": ov["alpha"],
            "precision": ov["micro_precision"],
            "rappel": ov["micro_recall"],
            "f1": ov["micro_f1"],
        }, {
            "theme": "moyenne des thèmes (macro)",
            f"codes_{a}": np.nan, f"codes_{b}": np.nan, "communs": np.nan,
            "kappa": ov["mean_kappa"], "alpha": np.nan, "precision": np.nan, "rappel": np.nan,
            "f1": ov["macro_f1"],
        }])
        out = pd.concat([rows, total], ignore_index=True)
        for col in (f"codes_{a}", f"codes_{b}", "communs"):
            out[col] = out[col].astype("Int64")
        return out


def _div(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def coding_agreement(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    ids: Literal["intersection", "union"] | Iterable[str] = "intersection",
    themes: Iterable[str] | None = None,
) -> AgreementResult:
    """Compare two long codings item by item and theme by theme.

    Args:
        a: Coding A (long: ``id, theme_id``; an id with an empty theme was coded with no theme).
        b: Coding B, the reference for precision and recall (e.g. the human codes).
        ids: Which items are compared. ``"intersection"`` (default): ids present
            in both codings — the items both coders saw. ``"union"``: ids present in
            either; an id absent from a coding counts as coded with no theme there
            (right for ``themes apply`` output, which has no row for segments
            without a theme). Or an explicit list of ids (absent = no theme).
        themes: Themes compared (default: every theme used by A or B, sorted).

    Returns:
        An :class:`AgreementResult`.

    Raises:
        AreasError: when no item is left to compare (French message).
    """
    a = normalize_coding(a, source_name="codage A")
    b = normalize_coding(b, source_name="codage B")
    ids_a, ids_b = coded_ids(a), coded_ids(b)
    if isinstance(ids, str):
        if ids == "intersection":
            in_b = set(ids_b)
            id_list = [i for i in ids_a if i in in_b]
        elif ids == "union":
            id_list = list(dict.fromkeys(ids_a + ids_b))
        else:
            raise AreasError(f"Mode d'identifiants inconnu « {ids} » (attendu : intersection ou union).")
    else:
        id_list = list(dict.fromkeys(str(i) for i in ids))
    if not id_list:
        raise AreasError("Aucun identifiant commun aux deux codages : impossible de mesurer l'accord "
                         "(vérifiez la colonne « id » des deux fichiers).")
    theme_list = sorted(set(theme_ids(a)) | set(theme_ids(b))) if themes is None else list(themes)
    ma = indicator_matrix(a, id_list, theme_list)
    mb = indicator_matrix(b, id_list, theme_list)
    rows = []
    conf = []
    for j, t in enumerate(theme_list):
        x, y = ma[:, j], mb[:, j]
        both = int((x & y).sum())
        n_a, n_b = int(x.sum()), int(y.sum())
        prec, rec = _div(both, n_a), _div(both, n_b)
        f1 = _div(2 * both, n_a + n_b)
        rows.append({
            "theme_id": t, "n_items": len(id_list), "n_a": n_a, "n_b": n_b, "both": both,
            "a_only": n_a - both, "b_only": n_b - both,
            "kappa": cohen_kappa(x.astype(int), y.astype(int)),
            "alpha": krippendorff_alpha_nominal(x.astype(float), y.astype(float)),
            "precision": prec, "recall": rec, "f1": f1, "support": n_b,
        })
        for i in np.flatnonzero(x & ~y):
            conf.append((t, id_list[i], "A"))
        for i in np.flatnonzero(y & ~x):
            conf.append((t, id_list[i], "B"))
    per_theme = pd.DataFrame(rows, columns=[
        "theme_id", "n_items", "n_a", "n_b", "both", "a_only", "b_only",
        "kappa", "alpha", "precision", "recall", "f1", "support"])
    tp, n_a, n_b = int((ma & mb).sum()), int(ma.sum()), int(mb.sum())
    per_f1 = per_theme["f1"].fillna(0.0)
    overall = pd.DataFrame([{
        "n_items": len(id_list),
        "n_themes": len(theme_list),
        "micro_precision": _div(tp, n_a),
        "micro_recall": _div(tp, n_b),
        "micro_f1": _div(2 * tp, n_a + n_b),
        "macro_f1": float(per_f1.mean()) if len(per_f1) else float("nan"),
        "mean_kappa": float(per_theme["kappa"].mean()) if len(per_theme) else float("nan"),
        "mean_alpha": float(per_theme["alpha"].mean()) if len(per_theme) else float("nan"),
        "alpha": krippendorff_alpha_nominal(ma.ravel().astype(float), mb.ravel().astype(float)),
    }])
    confusion = pd.DataFrame(conf, columns=["theme_id", "id", "coded_by"])
    confusion = confusion.sort_values(["theme_id", "coded_by", "id"], kind="stable").reset_index(drop=True)
    return AgreementResult(per_theme=per_theme, overall=overall, confusion=confusion, ids=id_list)


def _binary_stats(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cohen's κ and Krippendorff's α (nominal, two coders, no missing) of 0/1 ratings, row-wise.

    α in closed form: with N items, m disagreements and n₀, n₁ the counts of 0 and 1 over both coders,
    α = 1 − (2N − 1)·m / (n₀·n₁) (Krippendorff 2004, §11.3, two coders). NaN when undefined.
    """
    a = np.atleast_2d(a).astype(float)
    b = np.atleast_2d(b).astype(float)
    n = a.shape[1]
    m = (a != b).sum(axis=1)
    pa, pb = a.mean(axis=1), b.mean(axis=1)
    p_o = 1 - m / n
    p_e = pa * pb + (1 - pa) * (1 - pb)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(np.isclose(p_e, 1.0), np.nan, (p_o - p_e) / (1 - p_e))
        n1 = a.sum(axis=1) + b.sum(axis=1)
        n0 = 2 * n - n1
        alpha = np.where(n0 * n1 > 0, 1 - (2 * n - 1) * m / (n0 * n1), np.nan)
    return kappa, alpha


def binary_agreement_bootstrap(a: np.ndarray, b: np.ndarray, *, n_boot: int = N_BOOTSTRAP,
                               seed: int = DEFAULT_SEED, confidence: float = 0.95) -> dict[str, float]:
    """κ and α of two 0/1 codings of the same items with percentile bootstrap intervals (items resampled).

    Returns:
        ``kappa, kappa_ic_bas, kappa_ic_haut, alpha, alpha_ic_bas, alpha_ic_haut`` (NaN where undefined;
        replicates where the statistic is undefined are left out of the percentiles).
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    k, al = _binary_stats(a, b)
    out = {"kappa": float(k[0]), "alpha": float(al[0])}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(n_boot, len(a))) if len(a) else np.zeros((0, 0), dtype=int)
    kb, ab = _binary_stats(a[idx], b[idx]) if len(a) else (np.array([]), np.array([]))
    q = [(1 - confidence) / 2 * 100, (1 + confidence) / 2 * 100]
    for name, reps in (("kappa", kb), ("alpha", ab)):
        reps = reps[np.isfinite(reps)]
        lo, hi = np.percentile(reps, q) if len(reps) else (np.nan, np.nan)
        out[f"{name}_ic_bas"], out[f"{name}_ic_haut"] = float(lo), float(hi)
    return out


def theme_agreement_table(
    machine: pd.DataFrame,
    human: pd.DataFrame,
    *,
    themes: Iterable[str] | None = None,
    n_boot: int = N_BOOTSTRAP,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
    min_positives: int = MIN_HUMAN_POSITIVES,
) -> pd.DataFrame:
    """Per-theme κ and α with bootstrap intervals on the human validation sample, and honest summaries.

    Compared items: the ids of ``human`` (the random validation sample; never the review queue). A theme
    with fewer than ``min_positives`` human positives gets no reliability label (« non évaluable »). Two
    summary rows follow the themes: the mean of the per-theme κ and α, then the α pooled over all
    decisions — the pooled figure is only shown beside the mean, since the many easy « absent » decisions
    inflate it.

    Args:
        machine: Machine coding (long ``id, theme_id``; absent id = no theme).
        human: Human codes of the validation sample (long; empty theme = coded, no theme).
        themes: Themes compared (default: both codings' themes).
        n_boot: Bootstrap replicates.
        seed: Bootstrap seed.
        confidence: Level of the intervals.
        min_positives: Human positives needed for a reliability label.

    Returns:
        New DataFrame ``theme_id, n_items, n_positifs_humains, n_positifs_machine, kappa, kappa_ic_bas,
        kappa_ic_haut, alpha, alpha_ic_bas, alpha_ic_haut, fiabilite`` with a French note in
        ``attrs["note"]``.
    """
    from .workflow import reliability_label

    human = normalize_coding(human, source_name="codage humain")
    ids = coded_ids(human)
    if not ids:
        raise AreasError("Aucun texte dans l'échantillon de validation : accord non mesurable.")
    res = coding_agreement(machine, human, ids=ids, themes=themes)
    theme_list = res.per_theme["theme_id"].tolist()
    ma = indicator_matrix(normalize_coding(machine, source_name="codage machine"), ids, theme_list)
    mb = indicator_matrix(human, ids, theme_list)
    rows = []
    for j, t in enumerate(theme_list):
        st = binary_agreement_bootstrap(ma[:, j], mb[:, j], n_boot=n_boot, seed=seed + j, confidence=confidence)
        n_pos = int(mb[:, j].sum())
        label = (reliability_label(st["kappa"]) if n_pos >= min_positives else
                 f"non évaluable : {n_pos} exemple(s) humain(s), il en faut au moins {min_positives}")
        rows.append({"theme_id": t, "n_items": len(ids), "n_positifs_humains": n_pos,
                     "n_positifs_machine": int(ma[:, j].sum()), **st, "fiabilite": label})
    per = pd.DataFrame(rows)
    cols = ["theme_id", "n_items", "n_positifs_humains", "n_positifs_machine", "kappa", "kappa_ic_bas",
            "kappa_ic_haut", "alpha", "alpha_ic_bas", "alpha_ic_haut", "fiabilite"]
    ov = res.overall.iloc[0]
    summary = pd.DataFrame([
        {"theme_id": "moyenne des thèmes", "n_items": len(ids), "kappa": float(per["kappa"].mean()),
         "alpha": float(per["alpha"].mean()), "fiabilite": ""},
        {"theme_id": "α groupé (toutes décisions, à lire à côté de la moyenne)", "n_items": len(ids),
         "alpha": float(ov["alpha"]), "fiabilite": ""},
    ])
    out = pd.concat([per, summary], ignore_index=True)[cols]
    for c in ("n_positifs_humains", "n_positifs_machine"):
        out[c] = out[c].astype("Int64")
    few = per.loc[per["n_positifs_humains"] < min_positives, "theme_id"].tolist()

    def fr(x: float) -> str:
        return "–" if not np.isfinite(x) else f"{x:.2f}".replace(".", ",")

    note = (f"Accord machine / humain sur les {len(ids)} textes de l'échantillon de validation (tiré au hasard ; "
            f"la file de relecture n'en fait pas partie). κ de Cohen et α de Krippendorff par thème, avec "
            f"intervalles bootstrap à {round(100 * confidence)} % ({n_boot} rééchantillonnages des textes). "
            f"α moyen des thèmes = {fr(float(per['alpha'].mean()))} ; α groupé sur toutes les décisions = "
            f"{fr(float(ov['alpha']))} (plus élevé car les nombreux « thème absent » faciles s'accordent).")
    if few:
        note += (f" Pas d'étiquette de fiabilité pour les thèmes ayant moins de {min_positives} exemples humains "
                 f"(trop peu pour juger) : {', '.join(few)}.")
    out.attrs["note"] = note
    return out
