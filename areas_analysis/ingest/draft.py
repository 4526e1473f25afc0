"""Draft a data dictionary from a raw export, for the researcher to edit.

:func:`infer_dictionary` recognises French ordinal scales
(:mod:`~areas_analysis.ingest.scales`), LimeSurvey / Framaforms / Kobo
multi-choice layouts, ids, dates, numbers, communes and open text. Every
drafted column carries a French note saying why (a YAML comment once saved),
and a draft never refuses the export it was drafted from: a column that is
mostly numbers or dates with a few other answers is drafted as what it is
(``closed`` with its « Autres (préciser) » values, or ``open``), the odd cells
and their spreadsheet rows named in the note.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from ..text import normalize_label, parse_number, slugify
from .dictionary import (
    _DATE_FORMATS,
    _FALSE_KEYS,
    _MISSING_KEYS,
    _NAME_RE,
    _TRUE_KEYS,
    ColumnSpec,
    Dictionary,
    Kind,
    parse_date,
)
from .scales import match_scale

__all__ = ["infer_dictionary", "unique_headers"]


_BRACKET_RE = re.compile(r"^(?P<q>.+?)\s*\[(?P<opt>[^\[\]]+)\]\s*$")
_KOBO_RE = re.compile(r"^(?P<q>[^/\[\]\s]+)/(?P<opt>[^/\[\]\s]+)$")
_ID_WORDS = re.compile(r"\b(id|identifiant|numero|serial|sid|uuid|index|respondent|repondant|token|n|code)\b")
_DATE_WORDS = re.compile(r"\b(date|heure|horodat\w*|timestamp|soumis\w*|submitted|time|debut|fin)\b")
_OTHER_WORDS = re.compile(r"^(autres?|other|precise[zr]?|autre precise[zr]?|si autre.*)$|\bprecisez\b")
_COMMUNE_WORDS = re.compile(r"\b(commune|ville|localite|residence|municipalite)\b")


def _non_empty(values: pd.Series) -> list[str]:
    return [str(v).strip() for v in values if not pd.isna(v) and str(v).strip() != ""]


def _is_flag_column(values: list[str]) -> bool:
    keys = {normalize_label(v) for v in values} - _MISSING_KEYS
    return bool(keys) and keys <= (_TRUE_KEYS | _FALSE_KEYS)


def _split_choices(values: list[str]) -> tuple[str, list[str]] | None:
    """Detect one-cell multi-choice answers; returns (separator, options by frequency)."""
    for sep in (";", ",", "|"):
        with_sep = [v for v in values if sep in v]
        if len(with_sep) < max(2, 0.2 * len(values)):
            continue
        if len(set(with_sep)) < 2:
            continue  # one label that contains the separator ("Transports publics (train, bus, etc.)")
        items = [i.strip() for v in values for i in v.split(sep) if i.strip()]
        if any(i.count("(") != i.count(")") for i in items):
            continue  # splitting would cut inside parentheses: a single label
        keys = [normalize_label(i) for i in items]
        counts = Counter(keys)
        n_distinct = len(counts)
        mean_len = sum(len(i) for i in items) / len(items)
        recurring = sum(n for n in counts.values() if n > 1) / len(items)
        if recurring >= 0.4 and n_distinct <= max(8, 0.35 * len(items)) and n_distinct <= 25 and mean_len <= 50:
            spelling = {k: Counter(i for i, ki in zip(items, keys, strict=True) if ki == k).most_common(1)[0][0]
                        for k in counts}
            ordered = sorted(counts, key=lambda k: (-counts[k], keys.index(k)))
            return sep, [spelling[k] for k in ordered]
    return None


#: Share of distinct values parsing as dates from which a column is read as dates (a date-like
#: header lowers it to :data:`_MOSTLY_NUMERIC`); the odd cells are then reported, not typed.
_MOSTLY_DATES = 0.9


def _date_format(values: list[str], threshold: float = _MOSTLY_DATES) -> tuple[bool, str | None]:
    """Whether a share ``threshold`` of values are dates, and the single format fitting them all (if any)."""
    if not values:
        return False, None
    values = list(dict.fromkeys(values))[:500]  # distinct values are enough to decide
    ok = [v for v in values if parse_date(v) is not None]
    if not ok or len(ok) < threshold * len(values):
        return False, None
    for fmt in _DATE_FORMATS:
        if all(_fits(v, fmt) for v in ok):
            return True, fmt
    return True, None


def _fits(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value.strip(), fmt)
        return True
    except ValueError:
        return False


def _unique_name(base: str, taken: set[str]) -> str:
    base = base if _NAME_RE.match(base) else f"q_{base}"
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


#: Share of numbers from which a column is read as numeric (the other answers are texts to explain).
_MOSTLY_NUMERIC = 0.5
#: Most distinct answers of a mixed number/text column drafted as ``closed`` (beyond: ``open``).
_MIXED_CLOSED_MAX = 30
#: Rows quoted in a draft note (the rest are counted).
_ROWS_SHOWN = 5


def _odd_rows(series: pd.Series, is_odd: Any) -> dict[str, list[int]]:
    """Non-empty cells for which ``is_odd`` holds: value → spreadsheet rows (index of the raw frame)."""
    out: dict[str, list[int]] = {}
    for row, v in series.items():
        if pd.isna(v) or not str(v).strip():
            continue
        text = str(v).strip()
        if is_odd(text):
            out.setdefault(text, []).append(row)  # type: ignore[arg-type]
    return out


def _odd_text(odd: dict[str, list[int]]) -> str:
    """« Autres (préciser) » (lignes 1149, 1159), « NSP » (ligne 12)..."""
    parts = []
    for value, rows in list(odd.items())[:_ROWS_SHOWN]:
        shown = ", ".join(str(r) for r in rows[:_ROWS_SHOWN]) + (" …" if len(rows) > _ROWS_SHOWN else "")
        parts.append(f"« {value} » (ligne{'s' if len(rows) > 1 else ''} {shown})")
    more = len(odd) - _ROWS_SHOWN
    return ", ".join(parts) + (f" et {more} autre(s) valeur(s)" if more > 0 else "")


def _infer_numeric(vals: list[str], series: pd.Series, make: Any) -> ColumnSpec | None:
    """Draft of a mostly numeric column, ``None`` when fewer than half the answers are numbers.

    ``numeric`` when every answer is a number or a "no answer" label; a mixed
    column is drafted as what it is — ``closed`` with its text answers as
    extra values when it has few distinct answers, else ``open`` — with the
    reason, so the draft never refuses its own export.
    """
    numbers = [parse_number(v) for v in vals]
    n_num = sum(x is not None for x in numbers)
    if n_num < _MOSTLY_NUMERIC * len(vals):
        return None
    odd = _odd_rows(series, lambda v: parse_number(v) is None)
    missing = [v for v in odd if normalize_label(v) in _MISSING_KEYS]
    others = {v: rows for v, rows in odd.items() if v not in missing}
    if not others:
        note = "déduit : nombres ; ajouter min / max pour contrôler les valeurs"
        if missing:
            note += f" ; {' / '.join(missing)} = pas de réponse"
        return make("numeric", note, missing=missing)
    distinct = list(dict.fromkeys(vals))
    why = (f"colonne surtout numérique ({n_num} nombres sur {len(vals)} réponses) mais avec des réponses texte : "
           f"{_odd_text(others)}")
    if len(distinct) <= _MIXED_CLOSED_MAX:
        nums = sorted((v for v in distinct if parse_number(v) is not None),
                      key=lambda v: parse_number(v) or 0.0)
        texts = [v for v in distinct if parse_number(v) is None and v not in missing]
        return make("closed", f"à vérifier : {why} ; rédigée en « closed » (les nombres, puis la ou les valeurs "
                              "« autre ») pour que l'export reste valide",
                    categories=nums + texts, missing=missing)
    return make("open", f"à vérifier : {why} ; trop de valeurs différentes pour une liste fermée, rédigée en "
                        "« open » pour que l'export reste valide (pour la traiter en « numeric », videz ou "
                        "recodez ces cellules)")


def infer_dictionary(raw: pd.DataFrame, *, header_rows: int = 1, questionnaire: str = "questionnaire",
                     version: str = "brouillon") -> Dictionary:
    """Draft a data dictionary from a raw export, for the researcher to edit.

    Rules, in order, each leaving a French ``note`` on the column:

    1. consecutive ``Question [Option]`` (LimeSurvey, Framaforms) or
       ``question/option`` (Kobo) headers whose cells are only flags
       (X, 1/0, Oui/Non, Vrai/Faux) → one ``multi`` with ``layout: columns``;
       Framaforms' following option columns (bare header, X only) join the group;
    2. an id-like header (``ID réponse``, ``Identifiant``, ``Numéro``...) with
       unique values → ``id`` (the first one only);
    3. a date-like header or ≥ 90 % of cells parsing as dates → ``date`` when
       all of them parse, else ``open`` with the odd cells and their rows;
    4. every answer a number (or a "no answer" label) → ``numeric``; at least
       half numbers and some texts (« Autres (préciser) ») → ``closed`` listing
       numbers and texts when few distinct answers, else ``open`` — with the
       reason and rows in the note, so the draft validates its own export;
    5. all labels on a known French scale, or labels of one ordinal family
       whose order can be inferred (:mod:`~areas_analysis.ingest.scales`:
       agreement, quality, satisfaction, frequency, accessibility/ease,
       judgement, confidence...) → ``likert``, the order written in the note;
    6. cells holding several choices separated by ``;`` or ``,`` drawn from a
       small vocabulary → ``multi`` with ``layout: cell``;
    7. a commune-like header → ``commune``;
    8. few distinct short values → ``closed`` (categories by frequency);
    9. anything else (long, varied answers) → ``open``.

    Args:
        raw: Export with headers as columns and text cells (``NA`` when empty),
            as in :attr:`RawExport.frame` (:func:`read_raw_export`).
        header_rows: Header rows of the export, written into the draft.
        questionnaire: Short name of the questionnaire.
        version: Version string of the draft.
    """
    headers = [str(c) for c in raw.columns]
    values = {h: _non_empty(raw[h]) for h in headers}
    taken: set[str] = set()
    specs: list[ColumnSpec] = []
    has_id = False
    i = 0
    while i < len(headers):
        h = headers[i]
        group = _flag_group(headers, values, i, header_rows)
        if group:
            question, option_columns = group
            name = _unique_name(slugify(question), taken)
            specs.append(ColumnSpec(
                column=question, name=name, kind="multi", layout="columns", options=list(option_columns),
                option_columns=option_columns,
                note=f"déduit : {len(option_columns)} colonnes « question [option] » ne contenant que des cases "
                     "cochées (X / Oui / 1) ; vérifier la liste des options",
            ))
            i += len(option_columns)
            continue
        spec = _infer_one(h, values[h], raw[h], has_id, taken)
        has_id = has_id or spec.kind == "id"
        specs.append(spec)
        i += 1
    return Dictionary(questionnaire=questionnaire, version=version, columns=specs,
                      description="Brouillon déduit automatiquement — à relire", header_rows=header_rows)


def _flag_group(headers: Sequence[str], values: dict[str, list[str]], i: int,
                header_rows: int) -> tuple[str, dict[str, str]] | None:
    """A multi-choice block of flag columns starting at ``headers[i]``, if any."""
    m = _BRACKET_RE.match(headers[i]) or _KOBO_RE.match(headers[i])
    if not m or not _is_flag_column(values[headers[i]]) and values[headers[i]]:
        return None
    question = m.group("q").strip()
    group: dict[str, str] = {m.group("opt").strip(): headers[i]}
    j = i + 1
    while j < len(headers):
        mj = _BRACKET_RE.match(headers[j]) or _KOBO_RE.match(headers[j])
        vals = values[headers[j]]
        if mj and mj.group("q").strip() == question and (not vals or _is_flag_column(vals)):
            group[mj.group("opt").strip()] = headers[j]
        elif (header_rows > 1 and not _BRACKET_RE.match(headers[j]) and vals
              and {normalize_label(v) for v in vals} <= {"x"}):
            group[headers[j].strip()] = headers[j]  # Framaforms: only the first option carries the question
        else:
            break
        j += 1
    flagged = [h for h in group.values() if values[h]]
    if len(group) < 2 or not flagged:
        return None
    return question, group


def _infer_one(header: str, vals: list[str], series: pd.Series, has_id: bool, taken: set[str]) -> ColumnSpec:
    key = normalize_label(header).replace("_", " ")
    n = len(vals)
    distinct = list(dict.fromkeys(vals))

    def make(kind: Kind, note: str, **kw: Any) -> ColumnSpec:
        return ColumnSpec(column=header, name=_unique_name(slugify(header), taken), kind=kind, note=note, **kw)

    if n == 0:
        return make("open", "à vérifier : colonne vide dans cet export, type inconnu")
    bracket = _BRACKET_RE.match(header)
    if _OTHER_WORDS.search(normalize_label(bracket.group("opt")) if bracket else key):
        return make("open", "déduit : précision « Autre » en texte libre")
    if not has_id and _ID_WORDS.search(key) and len(set(vals)) == n and n == len(series):
        return make("id", "déduit : en-tête d'identifiant, valeurs uniques", required=True)
    date_header = bool(_DATE_WORDS.search(key))
    is_date, fmt = _date_format(vals, _MOSTLY_NUMERIC if date_header else _MOSTLY_DATES)
    if is_date and (date_header or all(not re.fullmatch(r"\d+", v) for v in vals)):
        odd = _odd_rows(series, lambda v: parse_date(v) is None)
        if not odd:
            return make("date", "déduit : dates" + (f" au format {fmt}" if fmt else " (formats mélangés)"),
                        format=fmt)
        return make("open", f"à vérifier : surtout des dates, mais {_odd_text(odd)} ne sont pas des dates ; "
                            "rédigée en « open » pour que l'export reste valide (corrigez ces cellules puis "
                            "passez la colonne en « date »)")
    numeric = _infer_numeric(vals, series, make)
    if numeric is not None:
        return numeric
    scale = match_scale(vals, _MISSING_KEYS)
    if scale:
        return make("likert", scale.note(), scale=list(scale.labels), missing=list(scale.missing))
    choices = _split_choices(vals)
    if choices:
        sep, options = choices
        return make("multi", f"déduit : plusieurs choix par cellule séparés par « {sep} »", layout="cell",
                    separator=sep, options=options)
    mean_len = sum(len(v) for v in vals) / n
    if _COMMUNE_WORDS.search(key) and mean_len <= 35 and max(len(v.split()) for v in vals) <= 6:
        return make("commune", "déduit : en-tête de commune, réponses courtes")
    closed_like = len(distinct) <= 15 and mean_len <= 60 and (
        n >= 2 * len(distinct) or (len(distinct) <= 5 and mean_len <= 25))
    if closed_like or (len(distinct) <= 30 and mean_len <= 30 and n >= 5 * len(distinct)):
        counts = Counter(vals)
        cats = sorted(distinct, key=lambda v: (-counts[v], vals.index(v)))
        missing = [c for c in cats if normalize_label(c) in _MISSING_KEYS]
        return make("closed", f"déduit : {len(distinct)} réponses différentes ; compléter les catégories",
                    categories=[c for c in cats if c not in missing], missing=missing)
    return make("open", f"déduit : texte libre ({len(distinct)} réponses différentes, {mean_len:.0f} caractères "
                        "en moyenne)")


def unique_headers(headers: Iterable[str]) -> list[str]:
    """Make headers unique by suffixing repeats with `` (2)``, `` (3)``..."""
    seen: Counter[str] = Counter()
    out = []
    for h in headers:
        seen[h] += 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out
