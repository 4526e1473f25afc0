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

from ..errors import AreasError
from .codings import coded_ids, indicator_matrix, normalize_coding, theme_ids

__all__ = ["AgreementResult", "cohen_kappa", "coding_agreement", "krippendorff_alpha_nominal"]


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
            micro_recall, micro_f1, macro_f1, mean_kappa, alpha`` (α pooled over
            all item × theme decisions).
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
        "alpha": krippendorff_alpha_nominal(ma.ravel().astype(float), mb.ravel().astype(float)),
    }])
    confusion = pd.DataFrame(conf, columns=["theme_id", "id", "coded_by"])
    confusion = confusion.sort_values(["theme_id", "coded_by", "id"], kind="stable").reset_index(drop=True)
    return AgreementResult(per_theme=per_theme, overall=overall, confusion=confusion, ids=id_list)
