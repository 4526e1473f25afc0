"""Joint display: for each theme, who raised it (closed-answer profile) beside exemplar quotes.

The joint display is the core table of a convergent mixed-methods analysis
(Guetterman, Fetters & Creswell 2015, *Annals of Family Medicine* 13:554-561):
one row per theme, the numbers on one side, the voices on the other.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED
from ..errors import AreasError
from ..tables import as_list, fr_num, fr_pct, plural, require_columns, set_note
from ._common import binary_values, normalise_ids, resolve_theme_columns, theme_name

__all__ = ["describe_joint_display", "joint_display"]


def _profile(raised: pd.Series, others: pd.Series, full: pd.Series) -> str:
    """French « value among raisers (autres : value among others) » for one closed variable."""
    r, o = raised.dropna(), others.dropna()
    if r.empty:
        return "–"
    dtype = full.dtype
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        cats = list(dtype.categories)

        def med(s: pd.Series) -> str:
            if s.empty:
                return "–"
            codes = np.sort(pd.Categorical(s, categories=cats, ordered=True).codes)
            codes = codes[codes >= 0]
            return str(cats[codes[(len(codes) - 1) // 2]]) if len(codes) else "–"

        return f"médiane « {med(r)} » (autres : « {med(o)} »)"
    nums = pd.to_numeric(full.dropna(), errors="coerce") if pd.api.types.is_numeric_dtype(dtype) else None
    if nums is not None and nums.notna().all() and set(nums.unique()) <= {0, 1}:
        return f"{fr_pct(r.astype(float).mean())} (autres : {fr_pct(o.astype(float).mean()) if len(o) else '–'})"
    if nums is not None and nums.notna().all():
        return (f"médiane {fr_num(float(r.astype(float).median()), 1)} "
                f"(autres : {fr_num(float(o.astype(float).median()), 1) if len(o) else '–'})")
    rs = r.astype("string").value_counts(normalize=True)
    os_ = o.astype("string").value_counts(normalize=True)
    diff = rs.subtract(os_, fill_value=0)
    best = diff.idxmax()
    return f"{best} : {fr_pct(rs.get(best, 0.0))} (autres : {fr_pct(os_.get(best, 0.0)) if len(o) else '–'})"


def _shorten(text: str, max_chars: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0]
    return cut + "…"


def joint_display(
    matrix: pd.DataFrame,
    themes: str | Sequence[str] | None,
    profile_vars: str | Sequence[str],
    quotes_df: pd.DataFrame,
    *,
    n_quotes: int = 3,
    seed: int = DEFAULT_SEED,
    id_col: str = "respondent_id",
    quote_id_col: str = "id",
    text_col: str = "text",
    theme_col: str = "theme_id",
    score_col: str | None = "score",
    theme_labels: Mapping[str, str] | None = None,
    var_labels: Mapping[str, str] | None = None,
    pseudonymise: Callable[[str], str] | None = None,
    max_chars: int = 240,
) -> pd.DataFrame:
    """One row per theme: how many raised it, their closed-answer profile, and exemplar quotes.

    Profile of each closed variable, among respondents who raised the theme
    and (in brackets) among the others: share for a 0/1 column, median level
    for an ordered scale (Likert, age band), median for a number, and for a
    nominal answer the category most over-represented among those who raised
    the theme, with its share in both groups.

    Quotes: ``quotes_df`` is either a long coding with texts (``id``,
    ``theme_id``, ``text``[, ``score``]) — quotes of a theme are its rows — or
    one text per respondent (``id``, ``text``) — quotes of a theme are the
    texts of respondents who raised it. The highest-``score`` quotes are kept;
    without a score (or for ties) the choice is random with ``seed`` (same
    seed, same quotes). Texts must already be pseudonymised by the privacy
    stage (``docs/formats.md``); ``pseudonymise`` is applied on top if given.

    Args:
        matrix: Respondent × theme matrix (:func:`theme_matrix`).
        themes: Theme ids or columns; ``None`` = every theme column.
        profile_vars: Closed-answer columns to profile.
        quotes_df: Texts to quote (see above).
        n_quotes: Quotes per theme (2–3 reads well).
        seed: Seed of the random choice of quotes.
        id_col: Respondent id column of ``matrix``.
        quote_id_col: Id column of ``quotes_df`` (shown after each quote).
        text_col: Text column of ``quotes_df``.
        theme_col: Theme column of ``quotes_df`` (long form only).
        score_col: Score column of ``quotes_df``, if any.
        theme_labels: French labels of theme ids.
        var_labels: French column headers for ``profile_vars``.
        pseudonymise: Optional function applied to each quote.
        max_chars: Quotes are cut (with « … ») beyond this length.

    Returns:
        New DataFrame, one row per theme: ``theme_id``, ``theme``, ``n_cites``,
        ``part_cites``, one column per profile variable (header from
        ``var_labels``), ``citation_1`` … ``citation_<n_quotes>`` (« text » (id);
        empty when fewer quotes exist).
    """
    if n_quotes < 0:
        raise AreasError(f"Nombre de citations invalide : {n_quotes}.")
    theme_cols = resolve_theme_columns(matrix, themes, "matrice répondants × thèmes")
    pvars = as_list(profile_vars)
    require_columns(matrix, [id_col, *pvars], "matrice répondants × thèmes")
    long_quotes = theme_col in quotes_df.columns
    require_columns(quotes_df, [quote_id_col, text_col, *([theme_col] if long_quotes else [])], "citations")
    q = quotes_df.assign(_qid=normalise_ids(quotes_df[quote_id_col]),
                         _text=quotes_df[text_col].astype("string").str.strip())
    q = q[q["_qid"].notna() & q["_text"].notna() & q["_text"].ne("")]
    has_score = bool(score_col and score_col in q.columns and q[score_col].notna().any())
    rid = normalise_ids(matrix[id_col])

    rows = []
    for tc in theme_cols:
        t = theme_name(tc)
        y = binary_values(matrix[tc], "matrice répondants × thèmes", tc)
        valid = y.notna()
        raised = (y == 1).fillna(False).to_numpy()
        others = ((y == 0).fillna(False)).to_numpy()
        rec: dict[str, object] = {"theme_id": t, "theme": (theme_labels or {}).get(t, t),
                                  "n_cites": int(raised.sum()),
                                  "part_cites": float(raised.sum() / valid.sum()) if valid.sum() else np.nan}
        for v in pvars:
            header = (var_labels or {}).get(v, v)
            rec[header] = (_profile(matrix.loc[raised, v], matrix.loc[others, v], matrix[v]) if raised.any()
                           else "–")
        if long_quotes:
            cand = q[q[theme_col].astype("string").str.strip() == t]
        else:
            cand = q[q["_qid"].isin(set(rid[raised]))]
        cand = cand.drop_duplicates("_text")
        chosen = _choose(cand, n_quotes, seed, t, score_col if has_score else None)
        for i in range(n_quotes):
            if i < len(chosen):
                text = chosen.iloc[i]["_text"]
                text = pseudonymise(text) if pseudonymise else text
                rec[f"citation_{i + 1}"] = f"« {_shorten(text, max_chars)} » ({chosen.iloc[i]['_qid']})"
            else:
                rec[f"citation_{i + 1}"] = ""
        rows.append(rec)
    out = pd.DataFrame(rows)
    return set_note(out, describe_joint_display(out, n_respondents=int(len(matrix)), has_score=has_score,
                                                seed=seed), seed=seed)


def _choose(cand: pd.DataFrame, k: int, seed: int, theme: str, score_col: str | None) -> pd.DataFrame:
    if cand.empty or k == 0:
        return cand.head(0)
    # one random stream per theme, so that adding a theme does not change the quotes of the others
    rng = np.random.default_rng([seed, zlib.crc32(theme.encode("utf-8"))])
    shuffled = cand.iloc[rng.permutation(len(cand))]
    if score_col:
        shuffled = shuffled.assign(_s=pd.to_numeric(shuffled[score_col], errors="coerce").fillna(-np.inf))
        shuffled = shuffled.sort_values("_s", ascending=False, kind="stable")
    return shuffled.head(k)


def describe_joint_display(table: pd.DataFrame, *, n_respondents: int | None = None, has_score: bool = False,
                           seed: int | None = None) -> str:
    """French plain-language note for a :func:`joint_display` table."""
    if table.empty:
        return "Aucun thème à présenter."
    how = ("les mieux notées par le codage (score le plus élevé)" if has_score
           else f"tirées au hasard (graine {seed}, donc reproductibles)")
    text = ("Pour chaque thème : le nombre de répondants qui l'évoquent"
            + (f" (sur {plural(n_respondents, 'répondant')})" if n_respondents is not None else "")
            + ", leur profil dans les réponses fermées — entre parenthèses, celui des autres répondants — "
            f"et des citations pseudonymisées {how}. Les citations illustrent le thème ; elles ne sont pas "
            "représentatives de tous ceux qui l'évoquent.")
    none = table.loc[table["n_cites"] == 0, "theme"].astype(str).tolist()
    if none:
        text += f" Thème(s) évoqué(s) par personne : {', '.join(none)}."
    few = table.loc[(table["n_cites"] > 0) & (table["n_cites"] < 10), "theme"].astype(str).tolist()
    if few:
        text += f" Profils fragiles (moins de 10 répondants) pour : {', '.join(few)}."
    return text
