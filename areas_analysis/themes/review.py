"""Review queue for machine-coded items, and reading the researcher's decisions back.

After :func:`~areas_analysis.themes.extend.extend_coding`, the researcher checks
a small set of items chosen to improve the model most per answer read:

* **uncertainty** — lowest confidence first (the score of the assigned themes,
  or the probability that no theme applies);
* **disagreement** — items where the supervised model and the codebook disagree
  get their priority doubled;
* **diversity** — with sentence vectors (``vectors=``), the queue is not the
  ``n`` most uncertain items (often near-duplicates) but one item per cluster of
  the uncertain pool: the :data:`POOL_FACTOR` × ``n`` most urgent items are
  grouped into ``n`` clusters (k-means, seeded) and the most urgent item of each
  cluster is taken (cluster-based batch active learning, as in Zhdanov 2019,
  *Diverse mini-batch active learning*);
* **strata** — with ``strata_col`` (atelier, group...), items are taken in turn
  from each stratum (round robin, most urgent first) so that every atelier is
  represented even when one dominates the corpus; diversity applies within each.

The queue is a CSV for Excel (UTF-8 with BOM, ``;`` separator) with French
columns ``id, texte, theme_propose, confiance, raison, decision``; its first
line is a comment (``# decision : ...``) listing the allowed decisions: ``ok``
(the proposal is right), ``aucun`` (no theme) or theme ids of the codebook
separated by ``;``, ``,``, ``|`` or spaces — any codebook theme, even one with no
human example yet. :func:`write_review_xlsx` writes the same queue as an Excel
workbook with a drop-down list of the allowed decisions and a second sheet
listing them. :func:`read_review_decisions` turns a filled file (CSV or
``.xlsx``) into new human codes (long ``id, theme_id, coder``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED
from ..errors import InputError, Problem
from ..io import read_text, sniff_separator
from .codings import normalize_coding

__all__ = ["POOL_FACTOR", "REVIEW_COLUMNS", "read_review_decisions", "review_queue", "write_review_queue",
           "write_review_xlsx"]

#: Size of the uncertain pool clustered for diversity, as a multiple of the queue size
#: (tuned on the active-learning benchmark, ``benchmarks/bench_coding.py``).
POOL_FACTOR = 3
#: Start of the comment line that lists the allowed decisions in a review CSV.
DECISIONS_PREFIX = "# decision"

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
    vectors: np.ndarray | None = None,
    seed: int = DEFAULT_SEED,
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
        vectors: Sentence vectors of ``df``'s rows (same order); when given, the
            queue takes one item per cluster of the uncertain pool (diversity).
        seed: Seed of the k-means used for diversity.

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
    items["strate"] = items["id"].map(strata).fillna("") if strata is not None else ""
    items = _round_robin(items)
    n = max(int(n), 0)
    if vectors is not None and n and len(items):  # nothing to spread when no item is uncertain
        row_of = {k: i for i, k in enumerate(ids.tolist())}
        vecs = np.asarray(vectors, dtype=np.float64)
        if len(vecs) != len(df):
            raise ValueError("vectors doit avoir une ligne par ligne du tableau des textes.")
        quota = items.head(n)["strate"].value_counts()
        chosen = []
        for stratum, k in quota.items():
            grp = items[items["strate"] == stratum]
            pool = grp.head(POOL_FACTOR * int(k))
            chosen.append(_diverse(pool, vecs[[row_of[i] for i in pool["id"]]], int(k), seed))
        items = _round_robin(pd.concat(chosen).sort_values(["priorite", "id"], kind="stable"))
    items = items.head(n)
    reasons = []
    for _, row in items.iterrows():
        level = "confiance faible" if row["confiance"] < 0.5 else "confiance"
        parts = [f"{level} ({row['confiance']:.2f})".replace(".", ",")]
        if row["desaccord"]:
            other = " ; ".join(in_scope(ref_sets.get(row["id"], []))) or _NONE
            parts.insert(0, f"désaccord avec le {reference_name} (propose : {other})")
        reasons.append(" ; ".join(parts))
    out = pd.DataFrame({"id": items["id"].astype("string").tolist()}, dtype="string")
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


def _round_robin(items: pd.DataFrame) -> pd.DataFrame:
    """Interleave strata (most urgent of each stratum first), keeping the priority order inside each."""
    items = items.reset_index(drop=True)
    rank = items.groupby("strate", sort=False).cumcount()
    first_seen = {s: k for k, s in enumerate(dict.fromkeys(items["strate"]))}
    order = items.assign(_r=rank, _s=items["strate"].map(first_seen))
    return order.sort_values(["_r", "_s"], kind="stable").drop(columns=["_r", "_s"]).reset_index(drop=True)


def _diverse(pool: pd.DataFrame, vecs: np.ndarray, k: int, seed: int) -> pd.DataFrame:
    """The most urgent item of each of ``k`` k-means clusters of the pool (pool in priority order)."""
    if len(pool) <= k:
        return pool
    from sklearn.cluster import KMeans

    labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(vecs)
    first = pd.Series(labels).drop_duplicates().index  # first row = most urgent of each cluster
    picked = pool.iloc[sorted(first)]
    if len(picked) < k:  # fewer non-empty clusters than k (duplicate vectors): fill by priority
        rest = pool.drop(index=picked.index)
        picked = pd.concat([picked, rest.head(k - len(picked))])
    return picked


def _decisions_line(themes: Iterable[str]) -> str:
    listed = " | ".join(themes)
    return (f"{DECISIONS_PREFIX} : « ok » (thème proposé juste), « aucun » (aucun thème) ou un ou plusieurs "
            f"identifiants de thèmes séparés par « ; » parmi : {listed}")


def write_review_queue(queue: pd.DataFrame, path: str | Path, *, themes: Iterable[str] | None = None,
                       xlsx: bool = True) -> Path:
    """Write the review queue for Excel: UTF-8 with BOM, ``;`` separator, decimal comma.

    The first line is a comment listing the allowed decisions (``ok``, ``aucun`` and
    the theme ids); :func:`read_review_decisions` reads it back. With ``xlsx``, the
    same queue is also written beside it as ``.xlsx`` with a drop-down list
    (:func:`write_review_xlsx`); either file can be filled and read back.

    Args:
        queue: Output of :func:`review_queue`.
        path: Destination CSV (parent directories are created).
        themes: Every theme id a reviewer may use (default: ``queue.attrs["themes"]``,
            set by :func:`~areas_analysis.themes.workflow.code_and_check` to the whole
            codebook so a theme without human example can be added; else those proposed).
        xlsx: Also write the Excel version (same name, ``.xlsx``).

    Returns:
        The written CSV path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    allowed = _allowed(queue, themes)
    if xlsx:
        write_review_xlsx(queue, path.with_suffix(".xlsx"), themes=allowed)
    body = queue.to_csv(sep=";", index=False, lineterminator="\r\n", decimal=",")
    path.write_text(_decisions_line(allowed) + "\r\n" + body, encoding="utf-8-sig", newline="")
    return path


def write_review_xlsx(queue: pd.DataFrame, path: str | Path, *, themes: Iterable[str] | None = None,
                      labels: dict[str, str] | None = None) -> Path:
    """Write the review queue as an Excel workbook with a drop-down list in ``decision``.

    Sheet ``a_revoir``: the queue; sheet ``decisions``: the allowed values (``ok``,
    ``aucun``, then every theme id with its label). The drop-down offers one value;
    several theme ids separated by ``;`` may still be typed (Excel only warns).

    Args:
        queue: Output of :func:`review_queue`.
        path: Destination ``.xlsx``.
        themes: Every theme id a reviewer may use (default: those proposed).
        labels: Theme id → label, shown beside the ids on the second sheet.

    Returns:
        The written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    allowed = _allowed(queue, themes)
    labels = labels if labels is not None else dict(queue.attrs.get("labels", {}))
    values = pd.DataFrame({"decision": ["ok", _NONE, *allowed],
                           "signification": ["le thème proposé est juste", "aucun thème",
                                             *[labels.get(t, "") for t in allowed]]})
    with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
        queue.to_excel(xw, sheet_name="a_revoir", index=False)
        values.to_excel(xw, sheet_name="decisions", index=False)
        sheet = xw.sheets["a_revoir"]
        col = list(queue.columns).index("decision")
        sheet.data_validation(1, col, max(len(queue), 1), col, {
            "validate": "list", "source": f"=decisions!$A$2:$A${len(values) + 1}",
            "error_type": "warning", "error_title": "Décision",
            "error_message": "Valeur hors liste : vérifiez les identifiants (plusieurs thèmes : séparés par ;).",
        })
        sheet.set_column(col, col, 28)
        text_col = list(queue.columns).index("texte") if "texte" in queue.columns else None
        if text_col is not None:
            sheet.set_column(text_col, text_col, 80)
        sheet.freeze_panes(1, 0)
    return path


def _allowed(queue: pd.DataFrame, themes: Iterable[str] | None) -> list[str]:
    if themes is not None:
        return list(themes)
    if queue.attrs.get("themes"):
        return [str(t) for t in queue.attrs["themes"]]
    return _proposed_themes(queue)


def _proposed_themes(queue: pd.DataFrame) -> list[str]:
    vals = queue["theme_propose"].astype(str) if "theme_propose" in queue.columns else pd.Series([], dtype=str)
    return sorted({t for v in vals for t in _SPLIT_RE.split(v) if t and t.lower() != _NONE})


def _read_review_table(path: Path) -> tuple[pd.DataFrame, list[str] | None, int]:
    """The review table as strings, the theme ids of its decisions line (if any), and the line offset."""
    if not path.is_file():
        raise InputError([Problem(str(path), "fichier de revue introuvable")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            book = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
        except (ValueError, OSError) as exc:
            raise InputError([Problem(str(path), f"classeur Excel illisible ({exc})")]) from exc
        table = book.get("a_revoir", next(iter(book.values())))
        allowed = None
        if "decisions" in book and "decision" in book["decisions"].columns:
            allowed = [v for v in book["decisions"]["decision"].astype(str).str.strip()
                       if v and v.lower() not in ("ok", _NONE)]
        return table.astype(str).apply(lambda c: c.str.strip()), allowed, 0
    text = read_text(path).text.lstrip("\ufeff")
    lines = text.splitlines()
    allowed, offset = None, 0
    while offset < len(lines) and lines[offset].lstrip().startswith("#"):
        line = lines[offset]
        if line.lstrip().startswith(DECISIONS_PREFIX) and "parmi :" in line:
            listed = line.split("parmi :", 1)[1]
            allowed = [t.strip().strip('";') for t in listed.split("|") if t.strip().strip('";')]
        offset += 1
    body = "\n".join(lines[offset:])
    if not body.strip():
        raise InputError([Problem(str(path), "fichier de revue vide")])
    try:
        table = pd.read_csv(io.StringIO(body), sep=sniff_separator(body, str(path)), dtype=str,
                            keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError([Problem(str(path), f"CSV illisible ({exc})")]) from exc
    table.columns = [str(c).strip() for c in table.columns]
    return table.apply(lambda c: c.str.strip()) if len(table) else table, allowed, offset


def read_review_decisions(
    path: str | Path,
    *,
    known_themes: Iterable[str] | None = None,
    coder: str = "revue",
) -> pd.DataFrame:
    """Read a filled review file (CSV or ``.xlsx``) back as human codes.

    ``ok`` keeps the proposed themes, ``aucun`` means "no theme", otherwise the
    cell lists theme ids (``;``, ``,``, ``|`` or spaces between them; case is
    ignored) — any theme allowed by the file's decisions line or sheet, not only
    the proposed ones. Rows with an empty ``decision`` were not reviewed and are
    skipped.

    Args:
        path: The review file (as written by :func:`write_review_queue` or
            :func:`write_review_xlsx`, possibly re-saved by Excel or LibreOffice:
            encoding and separator are detected).
        known_themes: Valid theme ids (default: the file's list of allowed
            decisions, else the themes proposed in the file).
        coder: Value of the ``coder`` column of the returned codes.

    Returns:
        A gold coding ``id, theme_id, coder`` (``theme_id`` empty for ``aucun``).

    Raises:
        InputError: unknown theme ids, ``ok``/``aucun`` mixed with theme ids,
            empty ids — with the row numbers of the file (French).
    """
    path = Path(path)
    table, allowed, offset = _read_review_table(path)
    missing = [c for c in ("id", "theme_propose", "decision") if c not in table.columns]
    if missing:
        present = ", ".join(f"« {c} »" for c in table.columns)
        raise InputError([Problem(str(path), f"colonne absente (colonnes présentes : {present})", column=c)
                          for c in missing])
    proposed = [[t for t in _SPLIT_RE.split(v) if t and t.lower() != _NONE] for v in table["theme_propose"]]
    if known_themes is not None:
        known = list(known_themes)
    elif allowed is not None:
        known = allowed
    else:
        known = sorted({t for p in proposed for t in p})
    canon = {t.lower(): t for t in known}
    rows: list[tuple[str, object]] = []
    problems: list[Problem] = []
    for i, (item, decision) in enumerate(zip(table["id"], table["decision"], strict=True)):
        line = i + 2 + offset
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
