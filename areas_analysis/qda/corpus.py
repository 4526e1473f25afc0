"""The exchange corpus of a cycle: texts, their case variables, codes and codebook.

QDA tools (QualCoder, NVivo, ATLAS.ti, MAXQDA, Taguette) and IRaMuTeQ read
whole texts, not the workspace's tables, so the notebooks save what they code
in one place, ``outputs/<cycle>/qda/``, with :func:`save_cycle_corpus`:

* ``unites_<section>.csv``: one row per unit (atelier segment or open answer):
  ``id, text, source, case, kind`` then the layout columns ``line`` and
  ``header`` (optional) and the case/source variables (commune, public,
  statut, tranche d'âge...). Texts are the pseudonymised texts the notebook
  coded; nothing else of the raw data is copied.
* ``codage_<section>.csv``: long codes ``id, theme_id, score, coder, origin``
  with ``origin`` one of ``humain`` (human codes), ``revue`` (review decisions)
  and ``machine`` (the machine's codes, with their score); an ``id`` with an
  empty ``theme_id`` was coded with no theme.
* ``codebook_<section>.yaml``: the codebook used.

:func:`read_cycle_corpus` reads every section back into one :class:`QdaCorpus`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..errors import InputError, Problem
from ..themes.codebook import Codebook, codebook_from_dict, load_codebook
from ..themes.codings import normalize_coding

__all__ = [
    "CORPUS_DIR",
    "ORIGINS",
    "STRUCTURE_COLUMNS",
    "QdaCorpus",
    "read_cycle_corpus",
    "save_cycle_corpus",
    "units_from_segments",
    "units_from_survey",
]

#: Folder of a cycle holding the exchange corpus.
CORPUS_DIR = "qda"
#: Origins of a code: human coder, review decision, machine.
ORIGINS: tuple[str, ...] = ("humain", "revue", "machine")
#: Columns of a unit table that are not variables.
STRUCTURE_COLUMNS: tuple[str, ...] = ("id", "text", "source", "case", "kind", "line", "header")
_CODE_COLUMNS = ("id", "theme_id", "score", "coder", "origin")


@dataclass(frozen=True)
class QdaCorpus:
    """Texts, codes and codebook exchanged with QDA tools.

    Attributes:
        units: One row per unit: ``id, text, source, case, kind[, line, header]`` and variables.
        codes: Long codes ``id, theme_id, score, coder, origin`` (``theme_id`` NA: coded with no theme).
        codebook: The codebook.
        name: Project name (the cycle).
    """

    units: pd.DataFrame
    codes: pd.DataFrame
    codebook: Codebook
    name: str = "AREAS"

    @property
    def variables(self) -> list[str]:
        """Variable columns of the units, in table order."""
        return [c for c in self.units.columns if c not in STRUCTURE_COLUMNS]


def _safe(names: pd.Series) -> pd.Series:
    """Source names usable as file names (QualCoder copies each source to ``documents/<name>.txt``)."""
    return names.str.replace(r"[/\\:]", "-", regex=True)


def units_from_segments(segments: pd.DataFrame, *, variables: Sequence[str] = ("atelier_id", "commune", "date",
                                                                                  "public")) -> pd.DataFrame:
    """Units of atelier notes: one source per atelier, headed by its table and section.

    Args:
        segments: The segment records of ``load_notes`` (``segment_id``, ``atelier_id``, ``text``...).
        variables: Segment columns kept as case variables (absent ones are skipped).

    Returns:
        A new unit table (see the module docstring).
    """
    seg = segments.reset_index(drop=True)
    header = pd.Series([""] * len(seg), dtype="object")
    if "heading" in seg.columns:
        table = seg["table"] if "table" in seg.columns else pd.Series([None] * len(seg))
        parts = []
        for t, h in zip(table.tolist(), seg["heading"].tolist(), strict=True):
            bits = []
            if t is not None and not pd.isna(t):
                bits.append(f"Table {int(t)}")
            if isinstance(h, str) and h.strip():
                bits.append(h.strip())
            parts.append(" — ".join(bits))
        header = pd.Series(parts, dtype="object")
    atelier = seg["atelier_id"].astype(str)
    commune = seg["commune"].astype(str) if "commune" in seg.columns else ""
    out = pd.DataFrame({
        "id": seg["segment_id"].astype(str),
        "text": seg["text"].fillna("").astype(str),
        "source": _safe("Atelier " + atelier + (" — " + commune if "commune" in seg.columns else "")),
        "case": atelier,
        "kind": "atelier",
        "line": pd.to_numeric(seg["line"], errors="coerce") if "line" in seg.columns else pd.NA,
        "header": header,
    })
    for v in variables:
        if v in seg.columns:
            out[v] = seg[v].astype("string")
    return out


def units_from_survey(survey: object, *, questionnaire: str, variables: Sequence[str] | None = None
                      ) -> pd.DataFrame:
    """Units of a questionnaire's open answers: one source per answer.

    One source per answer (rather than one per question) because QDA tools
    filter and compare codes by the variables of a source or case: each
    answer then carries its respondent's commune, statut, age band... in
    QualCoder's file attributes and NVivo's classifications.

    Args:
        survey: A ``SurveyData`` from ``read_survey``.
        questionnaire: Short name of the questionnaire (``usagers``, ``pros``...).
        variables: Response columns kept as case variables; default: the
            dictionary's ``commune`` and ``closed`` columns.

    Returns:
        A new unit table (see the module docstring).
    """
    from ..ingest import open_answers

    answers = open_answers(survey)  # type: ignore[arg-type]
    responses = survey.responses  # type: ignore[attr-defined]
    id_col = survey.id_column  # type: ignore[attr-defined]
    if variables is None:
        variables = [c.name for c in survey.dictionary.columns  # type: ignore[attr-defined]
                     if c.kind in ("commune", "closed")]
    labels = {c.name: c.column for c in survey.dictionary.columns}  # type: ignore[attr-defined]
    out = pd.DataFrame({
        "id": answers["id"].astype(str),
        "text": answers["text"].astype(str),
        "source": _safe(questionnaire + " — " + answers["question"].astype(str) + " — "
                        + answers["respondent_id"].astype(str)),
        "case": answers["respondent_id"].astype(str),
        "kind": "reponse",
        "line": pd.NA,
        "header": "",
        "questionnaire": questionnaire,
        "question": answers["question"].astype(str),
    })
    out["question_texte"] = out["question"].map(labels).fillna(out["question"])
    if len(variables):
        resp = responses[[id_col, *[v for v in variables if v in responses.columns]]].copy()
        resp[id_col] = resp[id_col].astype(str)
        resp = resp.drop_duplicates(subset=[id_col])
        out = out.merge(resp.rename(columns={id_col: "case"}), on="case", how="left", sort=False)
        for v in variables:
            if v in out.columns:
                out[v] = out[v].astype("string")
    return out


def _code_rows(df: pd.DataFrame | None, origin: str, *, default_coder: str) -> pd.DataFrame:
    if df is None or len(df) == 0:
        return pd.DataFrame(columns=list(_CODE_COLUMNS))
    df = normalize_coding(df, source_name=f"codes ({origin})")
    if origin == "machine" and "source" in df.columns:
        df = df[df["source"].fillna("model").eq("model")]
    out = pd.DataFrame({
        "id": df["id"].astype("string"),
        "theme_id": df["theme_id"].astype("string"),
        "score": df["score"].astype("float64") if "score" in df.columns else float("nan"),
        "coder": df["coder"].astype("string").fillna(default_coder) if "coder" in df.columns else default_coder,
        "origin": origin,
    })
    return out


def save_cycle_corpus(
    output_dir: str | Path,
    section: str,
    units: pd.DataFrame,
    codebook: Codebook,
    *,
    machine: pd.DataFrame | None = None,
    human: pd.DataFrame | None = None,
    review: pd.DataFrame | None = None,
) -> Path:
    """Save a section's texts, codes and codebook under ``<output_dir>/qda/`` for QDA exchange.

    Args:
        output_dir: The cycle folder (``rep.output_dir`` in a notebook).
        section: Section name (``ateliers``, ``usagers``...), used in file names.
        units: Units from :func:`units_from_segments` / :func:`units_from_survey`.
        codebook: The codebook used.
        machine: Machine codes (``CodingReport.codings``; rows with ``source == "human"`` are skipped).
        human: Human codes (``id, theme_id[, coder]``).
        review: Review decisions (``read_review_decisions`` output).

    Returns:
        The ``qda`` folder.
    """
    folder = Path(output_dir) / CORPUS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    missing = [c for c in ("id", "text", "source", "case", "kind") if c not in units.columns]
    if missing:
        raise InputError([Problem("unités", "colonne absente", column=c) for c in missing])
    units.to_csv(folder / f"unites_{section}.csv", index=False, encoding="utf-8", lineterminator="\n")
    codes = pd.concat([_code_rows(human, "humain", default_coder="codeur"),
                       _code_rows(review, "revue", default_coder="relecture"),
                       _code_rows(machine, "machine", default_coder="machine")], ignore_index=True)
    codes.to_csv(folder / f"codage_{section}.csv", index=False, encoding="utf-8", lineterminator="\n",
                 float_format="%.4f")
    data = codebook.to_dict()
    (folder / f"codebook_{section}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return folder


def _read(path: Path, required: Sequence[str]) -> pd.DataFrame:
    """Read a table written by :func:`save_cycle_corpus` (UTF-8, ``,``: no separator sniffing on free texts)."""
    if not path.is_file():
        raise InputError([Problem(str(path), "fichier introuvable")])
    try:
        df = pd.read_csv(path, sep=",", dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputError([Problem(str(path), f"CSV illisible ({exc})")]) from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError([Problem(str(path), "colonne absente", column=c) for c in missing])
    return df


def read_cycle_corpus(cycle_dir: str | Path, *, sections: Iterable[str] | None = None) -> QdaCorpus:
    """Read the exchange corpus saved by :func:`save_cycle_corpus` (all sections).

    Args:
        cycle_dir: ``outputs/<cycle>``.
        sections: Sections to read (default: all).

    Raises:
        InputError: no corpus in the cycle, unreadable files, sections with different codebooks.
    """
    cycle_dir = Path(cycle_dir)
    folder = cycle_dir / CORPUS_DIR
    if not cycle_dir.is_dir():
        raise InputError([Problem(str(cycle_dir), "dossier de cycle introuvable")])
    found = sorted(p.stem.removeprefix("unites_") for p in folder.glob("unites_*.csv")) if folder.is_dir() else []
    if sections is not None:
        wanted = list(sections)
        absent = [s for s in wanted if s not in found]
        if absent:
            raise InputError([Problem(str(folder), f"section « {s} » absente (sections : {', '.join(found)})")
                              for s in absent])
        found = wanted
    if not found:
        raise InputError([Problem(str(folder), "aucun corpus d'échange QDA dans ce cycle : les carnets "
                                  "l'écrivent avec areas_analysis.qda.save_cycle_corpus (dossier qda/)")])
    units, codes, books = [], [], {}
    for s in found:
        u = _read(folder / f"unites_{s}.csv", ("id", "text", "source", "case", "kind"))
        units.append(u)
        c_path = folder / f"codage_{s}.csv"
        if c_path.is_file():
            c = _read(c_path, ("id", "theme_id", "origin"))
            codes.append(c)
        cb_path = folder / f"codebook_{s}.yaml"
        if cb_path.is_file():
            books[s] = load_codebook(cb_path)
    if not books:
        raise InputError([Problem(str(folder), "aucun codebook_<section>.yaml dans le corpus d'échange")])
    first = next(iter(books.values()))
    differ = [s for s, b in books.items() if b.to_dict()["themes"] != first.to_dict()["themes"]]
    if differ:
        raise InputError([Problem(str(folder), f"la section « {s} » utilise une autre grille que la première : "
                                  "un projet QDA n'a qu'une grille, exportez les sections séparément")
                          for s in differ])
    all_units = pd.concat(units, ignore_index=True)
    dup = all_units["id"][all_units["id"].duplicated()]
    if len(dup):
        raise InputError([Problem(str(folder), f"identifiant d'unité en double « {i} »") for i in dup[:20]])
    for c in all_units.columns:
        if c not in STRUCTURE_COLUMNS:  # an empty cell is a missing value, not the value ""
            all_units[c] = all_units[c].replace({"": pd.NA})
    if "line" in all_units.columns:
        all_units["line"] = pd.to_numeric(all_units["line"], errors="coerce")
    all_codes = pd.concat(codes, ignore_index=True) if codes else pd.DataFrame(columns=list(_CODE_COLUMNS))
    all_codes = all_codes.replace({"": pd.NA})
    if "score" in all_codes.columns:
        all_codes["score"] = pd.to_numeric(all_codes["score"], errors="coerce")
    bad = all_codes[~all_codes["origin"].isin(ORIGINS)]
    if len(bad):
        raise InputError([Problem(str(folder), f"origine inconnue « {o} » (attendu : {', '.join(ORIGINS)})",
                                  column="origin") for o in bad["origin"].unique()[:10]])
    return QdaCorpus(all_units, all_codes.reset_index(drop=True),
                     codebook_from_dict(first.to_dict(), source=first.source), name=cycle_dir.name)
