"""Theme × closed-answer tests: χ² or exact tests, Cramér's V, BH correction, adjusted residuals.

Every row of :func:`theme_associations` says which test was used and why, in
French (columns ``test`` and ``raison``), because a reader of the report must be
able to judge a p-value without reading code.

Decision rule for each theme (0/1) × variable (k categories) table, with the
expected counts ``E = row total × column total / n``:

* 2×2 table: Pearson χ² (no continuity correction) when every ``E ≥ 5``;
  otherwise Fisher's exact test (``scipy.stats.fisher_exact``).
* 2×k table (k > 2): Pearson χ² when Cochran's rule holds (no ``E < 1`` and
  at most 20 % of cells with ``E < 5``; Cochran 1954, Agresti 2013 §3.5);
  otherwise the Fisher–Freeman–Halton exact test, computed by enumerating
  every table with the observed margins (multivariate hypergeometric) — or,
  when there are more than ``max_exact_tables`` such tables, its Monte-Carlo
  p-value from ``scipy.stats.fisher_exact(method=MonteCarloMethod)`` with a
  fixed seed (like R's ``fisher.test(simulate.p.value=TRUE)``).
* No test when the theme or the variable takes a single value among the
  respondents who answered (nothing to compare).

P-values are then adjusted across ALL the tests of the call with
Benjamini–Hochberg (false discovery rate; Benjamini & Hochberg 1995).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln
from statsmodels.stats.multitest import multipletests

from ..config import DEFAULT_SEED
from ..errors import AreasError, InputError, Problem
from ..tables import as_list, fr_list, fr_num, plural, require_columns, set_note
from ._common import binary_values, fr_signed, resolve_theme_columns, theme_name

__all__ = [
    "flag_unvalidated_coding",
    "adjusted_residuals",
    "association_residuals",
    "cramers_v",
    "describe_associations",
    "freeman_halton_2xk",
    "theme_associations",
]

#: A numeric variable with more distinct values than this (or with decimals) is continuous: cut it into
#: classes first.
MAX_LEVELS = 12


# --------------------------------------------------------------------------- building blocks


def cramers_v(table: np.ndarray, *, bias_corrected: bool = False) -> float:
    """Cramér's V of a contingency table, optionally bias-corrected.

    ``V = sqrt(χ² / (n (min(r, c) - 1)))`` with the Pearson χ² without
    continuity correction (Cramér 1946). The bias-corrected version of
    Bergsma (2013, *J. Korean Stat. Soc.* 42:323-328) subtracts the expected
    value of φ² under independence, ``φ²₊ = max(0, φ² - (r-1)(c-1)/(n-1))``,
    and corrects the table dimensions, ``r̃ = r - (r-1)²/(n-1)``; it is less
    inflated in small samples.

    Returns:
        V in [0, 1]; NaN when a margin has a single non-empty category.
    """
    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    r, c = t.shape
    n = t.sum()
    if min(r, c) < 2 or n < 2:
        return math.nan
    chi2 = stats.chi2_contingency(t, correction=False).statistic
    phi2 = chi2 / n
    if not bias_corrected:
        return float(math.sqrt(phi2 / (min(r, c) - 1)))
    phi2p = max(0.0, phi2 - (r - 1) * (c - 1) / (n - 1))
    rt = r - (r - 1) ** 2 / (n - 1)
    ct = c - (c - 1) ** 2 / (n - 1)
    denom = min(rt - 1, ct - 1)
    return float(math.sqrt(phi2p / denom)) if denom > 0 else math.nan


def adjusted_residuals(table: np.ndarray) -> np.ndarray:
    """Adjusted standardised residuals ``(O - E) / sqrt(E (1 - r_i/n) (1 - c_j/n))``.

    Under independence each is approximately N(0, 1): beyond ±1.96 a cell has
    clearly more (or fewer) respondents than expected (Haberman 1973; Agresti
    2013, *Categorical Data Analysis* §2.4.5).
    """
    t = np.asarray(table, dtype=float)
    n = t.sum()
    rows = t.sum(axis=1, keepdims=True)
    cols = t.sum(axis=0, keepdims=True)
    expected = rows @ cols / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return (t - expected) / np.sqrt(expected * (1 - rows / n) * (1 - cols / n))


def _log_binom(n: np.ndarray | int, k: np.ndarray | int) -> np.ndarray:
    return gammaln(np.asarray(n) + 1) - gammaln(np.asarray(k) + 1) - gammaln(np.asarray(n) - np.asarray(k) + 1)


def freeman_halton_2xk(table: np.ndarray, *, max_tables: int = 200_000) -> float | None:
    """Exact Fisher–Freeman–Halton p-value of a 2×k table, by full enumeration.

    Conditional on both margins, the first row follows a multivariate
    hypergeometric distribution, ``P(x) = Π C(c_j, x_j) / C(n, r₁)``. The p-value
    sums the probabilities of every table no more probable than the observed
    one (Freeman & Halton 1951), with the relative tolerance 1e-7 used by R's
    ``fisher.test``. For a 2×2 table it equals Fisher's two-sided exact test.

    Args:
        table: 2×k array of counts.
        max_tables: Give up (return ``None``) when more tables would be enumerated.

    Returns:
        The p-value, or ``None`` when enumeration would exceed ``max_tables``.
    """
    t = np.asarray(table, dtype=np.int64)
    if t.ndim != 2 or t.shape[0] != 2:
        raise ValueError("freeman_halton_2xk expects a 2×k table")
    cols = t.sum(axis=0)
    r1 = int(t[0].sum())
    n = int(cols.sum())
    # remaining capacity after column j, to prune partial tables that cannot reach r1
    cap_after = np.concatenate([np.cumsum(cols[::-1])[::-1][1:], [0]])
    sums = np.zeros(1, dtype=np.int64)
    logp = np.zeros(1)
    for j, cj in enumerate(cols):
        x = np.arange(int(cj) + 1)
        new_s = (sums[:, None] + x[None, :]).ravel()
        new_lp = (logp[:, None] + _log_binom(int(cj), x)[None, :]).ravel()
        ok = (new_s <= r1) & (new_s + cap_after[j] >= r1)
        sums, logp = new_s[ok], new_lp[ok]
        if len(sums) > max_tables:
            return None
    logp = logp - _log_binom(n, r1)
    obs = float(_log_binom(cols, t[0]).sum() - _log_binom(n, r1))
    p = float(np.exp(logp[logp <= obs + 1e-7]).sum())
    return min(1.0, p)


# --------------------------------------------------------------------------- variables


def _categories(x: pd.Series, what: str) -> tuple[pd.Series, list[object]]:
    """Categorical view of a closed variable and its observed categories, in a stable order."""
    s = x.dropna()
    if isinstance(x.dtype, pd.CategoricalDtype):
        cats = [c for c in x.cat.categories if (s == c).any()]
        return s.astype(object), cats
    if s.dtype == bool or str(s.dtype) == "boolean":
        return s.astype(int), [v for v in (0, 1) if (s.astype(int) == v).any()]
    if pd.api.types.is_numeric_dtype(s):
        levels = sorted(s.unique().tolist())
        if len(levels) > MAX_LEVELS or not np.all(np.mod(s.to_numpy(dtype=float), 1) == 0):
            raise InputError([Problem(what, f"variable numérique continue ({len(levels)} valeurs distinctes) : "
                                            "découpez-la en classes (pd.cut) avant le test", column=str(x.name))])
        return s, levels
    s = s.astype("string").str.strip()
    s = s[s.ne("")]
    return s.astype(object), sorted(s.unique().tolist())


def _cat_label(v: object) -> str:
    if isinstance(v, (int, np.integer)) and v in (0, 1):
        return "oui" if v == 1 else "non"
    if isinstance(v, float) and v.is_integer():
        return fr_num(v, 0)
    return str(v)


def _crosstab(matrix: pd.DataFrame, theme_col: str, var: str) -> tuple[np.ndarray, list[object]]:
    m = matrix[[theme_col, var]].reset_index(drop=True)
    y = binary_values(m[theme_col], "matrice répondants × thèmes", theme_col)
    x, cats = _categories(m[var], "matrice répondants × thèmes")
    both = y.notna() & m.index.isin(x.index)
    y, x = y[both].astype(int), x.reindex(y.index[both])
    table = np.zeros((2, len(cats)), dtype=np.int64)
    pos = {c: i for i, c in enumerate(cats)}
    xi = x.map(pos).to_numpy()
    keep = ~pd.isna(xi)
    np.add.at(table, (1 - y.to_numpy()[keep], xi[keep].astype(int)), 1)
    # row 0 = raised the theme (1), row 1 = did not (0); drop empty categories
    nonempty = table.sum(axis=0) > 0
    return table[:, nonempty], [c for c, k in zip(cats, nonempty, strict=True) if k]


# --------------------------------------------------------------------------- main


def theme_associations(
    matrix: pd.DataFrame,
    themes: str | Sequence[str] | None,
    variables: str | Sequence[str],
    *,
    alpha: float = 0.05,
    min_expected: float = 5.0,
    max_exact_tables: int = 200_000,
    n_resamples: int = 9_999,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Test each theme × closed variable for association, with FDR control across all tests.

    See the module docstring for the decision rule (χ² / Fisher exact /
    Fisher–Freeman–Halton exact or Monte-Carlo). For each pair, respondents
    with a missing value on the theme or the variable are left out (``n`` is
    the number kept). Effect size: Cramér's V (and Bergsma's bias-corrected
    V), computed from the Pearson χ² whatever the test. Cells: adjusted
    standardised residuals of the « raised the theme » row.

    Args:
        matrix: Respondent × theme matrix (:func:`theme_matrix`).
        themes: Theme ids or ``theme__*`` columns; ``None`` = every theme column.
        variables: Closed-answer columns: categorical/Likert, text, 0/1
            multi-choice options, or whole numbers with at most 12 distinct values.
        alpha: FDR level for ``significatif``.
        min_expected: Expected-count threshold of the decision rule (5).
        max_exact_tables: Above this many tables, exact enumeration gives way
            to Monte-Carlo.
        n_resamples: Monte-Carlo draws.
        seed: Seed of the Monte-Carlo draws (results are reproducible).

    Returns:
        New DataFrame, one row per (theme, variable): ``theme_id``, ``variable``,
        ``n``, ``n_cites``, ``tableau`` (e.g. « 2×3 »), ``test``, ``raison``,
        ``chi2``, ``ddl``, ``p_value``, ``p_ajuste_bh``, ``significatif``,
        ``v_cramer``, ``v_cramer_corrige``, ``attendu_min``, ``residus`` (French
        text), ``modalite_surrepresentee`` (residual > 1.96, else empty).

    Raises:
        InputError: missing columns, non-0/1 theme column, continuous variable.
    """
    if not 0 < alpha < 1:
        raise AreasError(f"Seuil alpha invalide : {alpha} (attendu entre 0 et 1).")
    theme_cols = resolve_theme_columns(matrix, themes, "matrice répondants × thèmes")
    var_cols = as_list(variables)
    require_columns(matrix, var_cols, "matrice répondants × thèmes")
    overlap = set(theme_cols) & set(var_cols)
    if overlap:
        raise AreasError(f"Une même colonne est à la fois thème et variable : {sorted(overlap)}.")
    rows = []
    for tc in theme_cols:
        for var in var_cols:
            rows.append(_one_test(matrix, tc, var, min_expected, max_exact_tables, n_resamples, seed))
    out = pd.DataFrame(rows)
    tested = out["p_value"].notna()
    out["p_ajuste_bh"] = np.nan
    if tested.any():
        out.loc[tested, "p_ajuste_bh"] = multipletests(out.loc[tested, "p_value"].to_numpy(), alpha=alpha,
                                                       method="fdr_bh")[1]
    out["significatif"] = out["p_ajuste_bh"].lt(alpha)
    cols = ["theme_id", "variable", "n", "n_cites", "tableau", "test", "raison", "chi2", "ddl", "p_value",
            "p_ajuste_bh", "significatif", "v_cramer", "v_cramer_corrige", "attendu_min", "residus",
            "modalite_surrepresentee"]
    out = out[cols]
    return set_note(out, describe_associations(out, alpha=alpha), alpha=alpha)


def _one_test(matrix: pd.DataFrame, tc: str, var: str, min_expected: float, max_exact_tables: int,
              n_resamples: int, seed: int) -> dict[str, object]:
    table, cats = _crosstab(matrix, tc, var)
    n = int(table.sum())
    row: dict[str, object] = {
        "theme_id": theme_name(tc), "variable": var, "n": n, "n_cites": int(table[0].sum()),
        "tableau": f"2×{table.shape[1]}", "chi2": math.nan, "ddl": pd.NA, "p_value": math.nan,
        "v_cramer": math.nan, "v_cramer_corrige": math.nan, "attendu_min": math.nan, "residus": "",
        "modalite_surrepresentee": "",
    }
    if n == 0:
        return {**row, "test": "aucun test", "raison": "aucun répondant avec le thème et la variable renseignés"}
    if table[0].sum() == 0:
        return {**row, "test": "aucun test", "raison": f"thème évoqué par personne parmi les {n} répondants"}
    if table[1].sum() == 0:
        return {**row, "test": "aucun test", "raison": f"thème évoqué par tous les {n} répondants"}
    if table.shape[1] < 2:
        return {**row, "test": "aucun test",
                "raison": f"une seule modalité observée pour « {var} » ({_cat_label(cats[0])})"}

    chi2, _, dof, expected = stats.chi2_contingency(table, correction=False)
    res = adjusted_residuals(table)[0]
    emin = float(expected.min())
    row.update(chi2=float(chi2), ddl=int(dof), v_cramer=cramers_v(table),
               v_cramer_corrige=cramers_v(table, bias_corrected=True), attendu_min=emin,
               residus=" ; ".join(f"{_cat_label(c)} : {fr_signed(r)}" for c, r in zip(cats, res, strict=True)))
    over = [(_cat_label(c), r) for c, r in zip(cats, res, strict=True) if r > 1.96]
    if over:
        row["modalite_surrepresentee"] = max(over, key=lambda t: t[1])[0]
    small = expected < min_expected
    m = fr_num(min_expected, 0)
    if table.shape == (2, 2):
        if small.any():
            p = float(stats.fisher_exact(table).pvalue)
            return {**row, "test": "test exact de Fisher", "p_value": p,
                    "raison": f"tableau 2×2 avec un effectif attendu < {m} (minimum {fr_num(emin, 1)})"}
        return {**row, "test": "χ² de Pearson", "p_value": float(stats.chi2.sf(chi2, dof)),
                "raison": f"tableau 2×2, tous les effectifs attendus ≥ {m}"}
    cochran = (expected >= 1).all() and small.mean() <= 0.2
    if cochran:
        return {**row, "test": "χ² de Pearson", "p_value": float(stats.chi2.sf(chi2, dof)),
                "raison": f"règle de Cochran respectée (aucun effectif attendu < 1, au plus 20 % < {m})"}
    why = (f"règle de Cochran non respectée ({int(small.sum())} case(s) sur {small.size} avec un effectif "
           f"attendu < {m}, minimum {fr_num(emin, 1)})")
    p_exact = freeman_halton_2xk(table, max_tables=max_exact_tables)
    if p_exact is not None:
        return {**row, "test": "test exact de Fisher–Freeman–Halton", "p_value": p_exact,
                "raison": why + " : p exact par énumération des tableaux de mêmes marges"}
    method = stats.MonteCarloMethod(n_resamples=n_resamples, rng=np.random.default_rng(seed))
    p = float(stats.fisher_exact(table, method=method).pvalue)
    return {**row, "test": "test de Fisher–Freeman–Halton (Monte-Carlo)", "p_value": p,
            "raison": why + f" ; trop de tableaux pour l'énumération : p estimé par {fr_num(n_resamples, 0)} "
                            f"tirages (graine {seed})"}


def association_residuals(
    matrix: pd.DataFrame, themes: str | Sequence[str] | None, variables: str | Sequence[str]
) -> pd.DataFrame:
    """Long table of observed, expected counts and adjusted residuals per cell.

    Returns:
        New DataFrame: ``theme_id``, ``variable``, ``modalite``, ``cite``
        (« oui »/« non »), ``observe``, ``attendu``, ``residu_ajuste``.
    """
    theme_cols = resolve_theme_columns(matrix, themes, "matrice répondants × thèmes")
    var_cols = as_list(variables)
    require_columns(matrix, var_cols, "matrice répondants × thèmes")
    recs = []
    for tc in theme_cols:
        for var in var_cols:
            table, cats = _crosstab(matrix, tc, var)
            if table.sum() == 0 or (table.sum(axis=1) == 0).any():
                res = np.full(table.shape, np.nan)
                expected = np.full(table.shape, np.nan)
            else:
                res = adjusted_residuals(table)
                expected = table.sum(axis=1, keepdims=True) @ table.sum(axis=0, keepdims=True) / table.sum()
            for i, cite in enumerate(("oui", "non")):
                for j, c in enumerate(cats):
                    recs.append({"theme_id": theme_name(tc), "variable": var, "modalite": _cat_label(c),
                                 "cite": cite, "observe": int(table[i, j]), "attendu": float(expected[i, j]),
                                 "residu_ajuste": float(res[i, j])})
    out = pd.DataFrame(recs, columns=["theme_id", "variable", "modalite", "cite", "observe", "attendu",
                                      "residu_ajuste"])
    return set_note(out, "Effectifs observés et attendus (si indépendance) par case ; un résidu ajusté au-delà "
                         "de ±1,96 signale une case nettement plus (ou moins) fournie qu'attendu. Ces résidus ne "
                         "sont pas corrigés pour les comparaisons multiples.")


def describe_associations(table: pd.DataFrame, *, alpha: float | None = None) -> str:
    """French plain-language note for a :func:`theme_associations` table."""
    alpha = alpha if alpha is not None else table.attrs.get("alpha", 0.05)
    if table.empty:
        return "Aucun test : aucune paire thème × variable."
    tested = table[table["p_value"].notna()]
    counts = tested["test"].value_counts()
    used = [f"{k} ({v})" for k, v in counts.items()]
    sig = tested[tested["significatif"].astype(bool)]
    text = (f"{plural(len(tested), 'test')} d'association entre un thème et une réponse fermée : "
            f"{fr_list(used)}. Chaque ligne indique l'effectif n, le test et la raison du choix (test exact "
            f"quand des effectifs attendus sont faibles). Les p-values sont corrigées pour {len(tested)} "
            f"tests (Benjamini–Hochberg, taux de fausses découvertes {fr_num(100 * alpha, 0)} %) : "
            f"{plural(len(sig), 'association')} reste(nt) significative(s).")
    if len(sig):
        ex = sig.sort_values("p_ajuste_bh").head(3)
        text += " Par ex. " + fr_list([f"« {r.theme_id} » × « {r.variable} » (V = {fr_num(r.v_cramer, 2)})"
                                       for r in ex.itertuples()]) + "."
    untested = len(table) - len(tested)
    if untested:
        text += f" {plural(untested, 'paire')} sans test (thème ou variable sans variation)."
    small = table["n"].lt(30).sum()
    if small:
        text += f" {plural(int(small), 'test')} porte(nt) sur moins de 30 répondants : puissance faible."
    text += (" Une association n'est pas une causalité, et l'absence de significativité n'est pas la preuve "
             "d'une absence de lien.")
    return text


#: Warning added to a theme × profile result built on a coding no human random sample has validated.
UNVALIDATED_WARNING = ("codage non validé par un échantillon humain aléatoire : les codes de la machine peuvent "
                       "être biaisés ; résultat exploratoire")


def flag_unvalidated_coding(table: pd.DataFrame, *, validated: bool, unvalidated_themes: Sequence[str] = (),
                            theme_col: str = "theme_id") -> pd.DataFrame:
    """Return ``table`` with a ``validation`` column and its note warning when the coding is not validated.

    Tests and models of themes against profiles use the machine's codes of every respondent; their error is
    not corrected there. They are at least flagged when no human random sample has checked the coding
    (``validated=False``) or when the theme is « non validé » (no human example).

    Args:
        table: Output of :func:`theme_associations`, ``theme_logistic``... (not modified).
        validated: Whether a validation sample exists for this coding.
        unvalidated_themes: Themes with no human example in the validation sample.
        theme_col: Theme column of ``table`` (absent: the whole table is flagged alike).
    """
    out = table.copy()
    bad = set(map(str, unvalidated_themes))
    if not validated:
        flag = pd.Series(True, index=out.index)
    elif theme_col in out.columns:
        flag = out[theme_col].astype(str).isin(bad)
    else:
        flag = pd.Series(False, index=out.index)
    ok = "codage validé par un échantillon humain aléatoire (erreurs de codage non corrigées dans le test)"
    out["validation"] = np.where(flag, UNVALIDATED_WARNING, ok)
    out.attrs = dict(table.attrs)
    if flag.any():
        which = f" (thèmes : {', '.join(sorted(bad))})" if validated and bad else ""
        out.attrs["note"] = (str(table.attrs.get("note", "")) + " **Attention :** " + UNVALIDATED_WARNING
                             + which + ".").strip()
    return out
