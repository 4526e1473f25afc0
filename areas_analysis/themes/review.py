"""Review queue for machine-coded items, and reading the researcher's decisions back.

After :func:`~areas_analysis.themes.extend.extend_coding`, the researcher checks
a small set of items chosen where the machine is least sure: lowest confidence
first, and items where the supervised model and the codebook disagree (their
priority is doubled). With ``strata_col`` (atelier, group...), items are taken
in turn from each stratum (round robin, most uncertain first) so that every
atelier is represented even when one dominates the corpus.

The queue is a CSV for Excel (UTF-8 with BOM, ``;`` separator) with French
columns ``id, texte, theme_propose, confiance, raison, decision``; the researcher
fills ``decision`` with ``ok`` (the proposal is right), ``aucun`` (no theme) or
theme ids separated by ``;``, ``,``, ``|`` or spaces. :func:`read_review_decisions`
turns the filled file into new human codes (long ``id, theme_id, coder``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..io import write_excel_csv
from .codings import normalize_coding, read_csv_table

__all__ = ["REVIEW_COLUMNS", "read_review_decisions", "review_queue", "write_review_queue"]

#: Columns of the review file, in order (a strata column is inserted after ``id``).
REVIEW_COLUMNS: tuple[str, ...] = ("id", "texte", "theme_propose", "confiance", "raison", "decision")
_SPLIT_RE = re.compile(r"[;,|\s]+")
_NONE = "aucun"


def review_queue(
    codings: pd.DataFrame,
    df: pd.DataFrame,
    *,
    text_col: str = "text",
    id_col: str | None = "id",
    strata_col: str | None = None,
    n: int = 50,
    reference: pd.DataFrame | None = None,
    reference_name: str = "codebook",
    compare_themes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Choose the machine-coded items a researcher should check first.

    Item confidence is the lowest ``score`` of its rows in ``codings`` (for an
    ``extend`` output: the probability of each assigned theme, and for an item
    without theme the probability that no theme applies). Items whose theme set
    differs from ``reference`` (e.g. the codebook's coding) get their priority
    doubled (sort key = confidence / 2) and the reason says which themes the
    reference proposes. Only rows with ``source == "model"`` are considered when
    a ``source`` column exists.

    Args:
        codings: Long coding with ``id, theme_id, score`` (and optionally ``source``).
        df: The table of texts (not modified).
        text_col: Column of ``df`` holding the texts.
        id_col: Column of ``df`` holding the ids (``None``: row position as in ``codings``).
        strata_col: Column of ``df`` to stratify by (atelier, group...), round robin.
        n: Size of the queue.
        reference: Another coding of the same items to flag disagreements.
        reference_name: Name of the reference in the reasons (French).
        compare_themes: Themes on which the two codings are compared (default: all);
            use the themes both codings can assign.

    Returns:
        A new DataFrame ``id[, <strata_col>], texte, theme_propose, confiance,
        raison, decision`` (``decision`` empty), most urgent first.
    """
    coding = normalize_coding(codings, source_name="codage")
    if "source" in coding.columns:
        coding = coding[coding["source"].eq("model")]
    missing = [c for c in (text_col, id_col, strata_col) if c is not None and c not in df.columns]
    if missing:
        raise InputError([Problem("<tableau>", "colonne absente", column=c) for c in missing])
    ids = df[id_col].astype("string").str.strip() if id_col is not None else pd.Series(
        [str(i) for i in range(len(df))], dtype="string")
    texts = pd.Series(df[text_col].astype("object").tolist(), index=ids.tolist())
    strata = pd.Series(df[strata_col].astype("string").fillna("").tolist(), index=ids.tolist()) \
        if strata_col is not None else None
    if "score" not in coding.columns:
        coding = coding.assign(score=np.nan)
    grouped = coding.groupby("id", sort=False)
    items = pd.DataFrame({
        "id": list(grouped.groups),
        "themes": grouped["theme_id"].agg(_sorted_themes).tolist(),
        "confiance": grouped["score"].min().astype("float64").tolist(),
    })
    items = items[items["id"].isin(set(ids.tolist()))].reset_index(drop=True)
    items["confiance"] = items["confiance"].fillna(0.0)
    ref_sets: dict[str, list[str]] = {}
    scope = set(compare_themes) if compare_themes is not None else None

    def in_scope(themes: list[str]) -> list[str]:
        return [t for t in themes if scope is None or t in scope]

    if reference is not None:
        ref = normalize_coding(reference, source_name=reference_name)
        ref_sets = ref.groupby("id", sort=False)["theme_id"].agg(_sorted_themes).to_dict()
    pairs = zip(items["id"], items["themes"], strict=True)
    disagree = [reference is not None and in_scope(ref_sets.get(i, [])) != in_scope(t) for i, t in pairs]
    items["desaccord"] = disagree
    items["priorite"] = items["confiance"] / np.where(items["desaccord"], 2.0, 1.0)
    items = items.sort_values(["priorite", "id"], kind="stable").reset_index(drop=True)
    if strata is not None:
        items["strate"] = items["id"].map(strata).fillna("")
        items["rang"] = items.groupby("strate", sort=False).cumcount()
        first_seen = {s: k for k, s in enumerate(dict.fromkeys(items["strate"]))}
        items["ordre_strate"] = items["strate"].map(first_seen)
        items = items.sort_values(["rang", "ordre_strate"], kind="stable").reset_index(drop=True)
    items = items.head(max(int(n), 0))
    reasons = []
    for _, row in items.iterrows():
        level = "confiance faible" if row["confiance"] < 0.5 else "confiance"
        parts = [f"{level} ({row['confiance']:.2f})".replace(".", ",")]
        if row["desaccord"]:
            other = " ; ".join(in_scope(ref_sets.get(row["id"], []))) or _NONE
            parts.insert(0, f"désaccord avec le {reference_name} (propose : {other})")
        reasons.append(" ; ".join(parts))
    out = pd.DataFrame({"id": items["id"].astype("string")})
    if strata_col is not None:
        out[strata_col] = items["strate"].tolist()
    out["texte"] = [texts.get(i, "") for i in items["id"]]
    out["theme_propose"] = [" ; ".join(t) if t else _NONE for t in items["themes"]]
    out["confiance"] = items["confiance"].round(3).tolist()
    out["raison"] = reasons
    out["decision"] = ""
    return out


def _sorted_themes(s: pd.Series) -> list[str]:
    return sorted(s.dropna().astype(str))


def write_review_queue(queue: pd.DataFrame, path: str | Path) -> Path:
    """Write the review queue for Excel: UTF-8 with BOM, ``;`` separator, decimal comma.

    Args:
        queue: Output of :func:`review_queue`.
        path: Destination CSV (parent directories are created).

    Returns:
        The written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_excel_csv(queue, path, lineterminator="\r\n")
    return path


def read_review_decisions(
    path: str | Path,
    *,
    known_themes: Iterable[str] | None = None,
    coder: str = "revue",
) -> pd.DataFrame:
    """Read a filled review file back as human codes.

    ``ok`` keeps the proposed themes, ``aucun`` means "no theme", otherwise the
    cell lists theme ids (``;``, ``,``, ``|`` or spaces between them; case is
    ignored). Rows with an empty ``decision`` were not reviewed and are skipped.

    Args:
        path: The review CSV (as written by :func:`write_review_queue`, possibly
            re-saved by Excel or LibreOffice: encoding and separator are detected).
        known_themes: Valid theme ids (default: those proposed in the file).
        coder: Value of the ``coder`` column of the returned codes.

    Returns:
        A gold coding ``id, theme_id, coder`` (``theme_id`` empty for ``aucun``).

    Raises:
        InputError: unknown theme ids, ``ok``/``aucun`` mixed with theme ids,
            empty ids — with the row numbers of the file (French).
    """
    path = Path(path)
    table = read_csv_table(path, required=("id", "theme_propose", "decision"), what="fichier de revue")
    proposed = [[t for t in _SPLIT_RE.split(v) if t and t.lower() != _NONE] for v in table["theme_propose"]]
    known = list(known_themes) if known_themes is not None else sorted({t for p in proposed for t in p})
    canon = {t.lower(): t for t in known}
    rows: list[tuple[str, object]] = []
    problems: list[Problem] = []
    for i, (item, decision) in enumerate(zip(table["id"], table["decision"], strict=True)):
        line = i + 2
        decision = decision.strip()
        if not decision:
            continue
        if not item:
            problems.append(Problem(str(path), "identifiant vide", row=line, column="id"))
            continue
        low = decision.lower()
        if low == "ok":
            themes = proposed[i]
        elif low == _NONE:
            themes = []
        else:
            themes = []
            for tok in _SPLIT_RE.split(decision):
                if not tok:
                    continue
                if tok.lower() in ("ok", _NONE):
                    problems.append(Problem(str(path), f"« {tok} » doit être seul dans la case", row=line,
                                            column="decision"))
                elif tok.lower() not in canon:
                    sample = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
                    problems.append(Problem(str(path), f"thème inconnu « {tok} » (thèmes possibles : {sample} ; "
                                            "ou « ok », « aucun »)", row=line, column="decision"))
                else:
                    themes.append(canon[tok.lower()])
        rows += [(item, t) for t in dict.fromkeys(themes)] or [(item, None)]
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(rows, columns=["id", "theme_id"])
    out["coder"] = coder
    return normalize_coding(out, source_name=str(path))
