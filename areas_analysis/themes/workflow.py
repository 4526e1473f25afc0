"""The coding workflow notebooks use: the machine proposes, measures itself against humans, shows what to review.

:func:`code_and_check` chooses the strongest coding the inputs allow and
always returns its reliability next to it:

* with a human-coded sample (``gold``): supervised extension of the human codes
  (:func:`~areas_analysis.themes.extend.extend_coding`, codebook scores as
  features), agreement measured by cross-validation on the human sample, and,
  for comparison, the codebook alone against the same human codes;
* without: codebook coding (:func:`~areas_analysis.themes.codebook.apply_codebook`)
  stated as *not validated*, with a review queue so a researcher can start a
  human sample.

Reliability labels follow Landis & Koch (1977) for Cohen's κ: < 0,20 faible,
0,20–0,40 passable, 0,40–0,60 modéré, 0,60–0,80 bon, ≥ 0,80 très bon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED
from ..errors import AreasError
from .agreement import coding_agreement, theme_agreement_table
from .codebook import Codebook, CodebookModel, _ids_and_texts
from .codings import SAMPLE_COL, coded_ids, normalize_coding, read_codings
from .encoders import SentenceEncoder, make_encoder
from .extend import ExtensionModel, extend_coding
from .review import read_review_decisions, review_queue

__all__ = ["CODES_COLUMNS", "CodingModel", "CodingReport", "code_and_check", "codes_table", "coder_agreement",
           "exemplar_quotes", "partition_agreement", "reliability_chart", "reliability_label", "write_codes_table"]

#: Columns of the per-unit codes table (``codes_*.csv``).
CODES_COLUMNS: tuple[str, ...] = ("id", "theme", "score", "source")
#: κ below which a theme is flagged "à lire avec prudence" (Landis & Koch's "modéré" band starts here).
WEAK_KAPPA = 0.4

_KAPPA_BANDS = ((0.8, "très bon"), (0.6, "bon"), (0.4, "modéré"), (0.2, "passable"), (-np.inf, "faible"))


def reliability_label(kappa: float, n_positives: int | None = None) -> str:
    """French Landis & Koch band of a Cohen's κ (``"non mesurée"`` when NaN).

    With ``n_positives`` (human examples of the theme) below
    :data:`~areas_analysis.themes.agreement.MIN_HUMAN_POSITIVES`, no band: too few examples to judge.
    """
    from .agreement import MIN_HUMAN_POSITIVES

    if kappa is None or not np.isfinite(kappa):
        return "non mesurée"
    if n_positives is not None and n_positives < MIN_HUMAN_POSITIVES:
        return f"non évaluable (moins de {MIN_HUMAN_POSITIVES} exemples humains)"
    return next(label for bound, label in _KAPPA_BANDS if kappa >= bound)


@dataclass(frozen=True)
class CodingReport:
    """A coding with its measured reliability.

    Attributes:
        codings: Long ``id, theme_id, score, source`` (``human`` / ``model``) for every item.
        reliability: One row per codebook theme: ``theme_id, libelle, n_codes_humains,
            kappa, f1, precision, rappel, fiabilite, methode`` (French headings).
        overall: One row: ``methode, n_items, n_codes_humains, f1_micro, f1_macro,
            kappa_moyen, alpha_moyen, alpha`` (NaN when not measured; ``alpha`` is pooled over all
            decisions and only meaningful beside ``alpha_moyen``, the mean per-theme α).
        review: Review queue (``id, texte, theme_propose, confiance, raison, decision``).
        statement: French sentence(s) to print above any theme figure.
        method: ``"extension supervisée"`` or ``"grille de codage (non validée)"``.
        labels: Theme id → French label.
        model: The fitted :class:`CodingModel` (save it with
            :func:`~areas_analysis.themes.model.save_model` to code next cycle's texts).
        agreement_intervals: Per-theme κ and α with bootstrap intervals and human positives on the
            random validation sample (:func:`~areas_analysis.themes.agreement.theme_agreement_table`),
            each theme judged with the method chosen for it; ``None`` without human codes.
        reviewed_ids: Ids whose codes come from a filled review queue (``source`` is
            ``human`` in ``codings``; :func:`codes_table` shows them as ``revue``).
    """

    codings: pd.DataFrame
    reliability: pd.DataFrame
    overall: pd.DataFrame
    review: pd.DataFrame
    statement: str
    method: str
    labels: dict[str, str]
    model: CodingModel | None = None
    reviewed_ids: frozenset[str] = frozenset()
    agreement_intervals: pd.DataFrame | None = None

    def join(self, df: pd.DataFrame, id_col: str) -> pd.DataFrame:
        """Rows of ``df`` joined with their themes: one row per (item, theme), ``theme_id`` NA when none."""
        codes = self.codings[["id", "theme_id", "score", "source"]].rename(columns={"id": "_id"})
        left = df.assign(_id=df[id_col].astype(str))
        return left.merge(codes, on="_id", how="left").drop(columns="_id")

    def with_reliability(self, table: pd.DataFrame, theme_col: str = "theme_id") -> pd.DataFrame:
        """Return ``table`` with the theme's κ and reliability band added (new DataFrame)."""
        rel = self.reliability[["theme_id", "kappa", "fiabilite"]].rename(
            columns={"theme_id": theme_col, "kappa": "kappa_machine_humain"})
        out = table.merge(rel, on=theme_col, how="left")
        out["fiabilite"] = out["fiabilite"].fillna("non mesurée")
        out.attrs = dict(table.attrs)
        return out


class CodingModel:
    """Codebook model + supervised extension + the method chosen per theme: fit once, code next cycle.

    :meth:`predict` codes new texts exactly as :func:`code_and_check` coded the
    machine-coded items of the cycle it was fitted on: each theme from the method
    that agreed best with the human codes (extension, or the codebook). Theme ids
    are the codebook's, stable across cycles.

    Example:
        >>> save_model(report.model, out / "modeles" / "codage_ateliers")          # doctest: +SKIP
        >>> load_model(out / "modeles" / "codage_ateliers").predict(df, "text", id_col="id")  # doctest: +SKIP
    """

    MODEL_KIND = "CodingModel"
    _STATE_VERSION = 1

    def __init__(self, codebook_model: CodebookModel, extension: ExtensionModel | None = None,
                 use_extension: dict[str, bool] | None = None) -> None:
        self.codebook_model = codebook_model
        self.extension = extension
        self.use_extension = {t: bool((use_extension or {}).get(t, False)) for t in codebook_model.codebook.ids}

    @property
    def codebook(self) -> Codebook:
        """The codebook (theme ids and labels)."""
        return self.codebook_model.codebook

    def predict(self, df: pd.DataFrame, text_col: str, *, id_col: str | None = None) -> pd.DataFrame:
        """Code a table: long ``id, theme_id, score, source`` (``source = model``; ids without theme kept)."""
        ids, texts = _ids_and_texts(df, text_col, id_col)
        vectors = self.codebook_model.encoder.transform(texts)  # encoded once for both coders
        comp = self.codebook_model.score_components(texts, vectors=vectors)
        cb_codes = self.codebook_model.code_components(ids, comp)
        if self.extension is None or not any(self.use_extension.values()):
            ext_codes = pd.DataFrame({"id": pd.Series([], dtype="string"),
                                      "theme_id": pd.Series([], dtype="string"),
                                      "score": pd.Series([], dtype="float64"),
                                      "source": pd.Series([], dtype="string")})
        else:
            same_encoder = self.extension.features.codebook_model is not None and _same_encoder(
                self.extension.features.encoder, self.codebook_model.encoder)
            ext_codes = self.extension.predict(df, text_col, id_col=id_col,
                                               vectors=vectors if same_encoder else None,
                                               codebook_components=comp if same_encoder else None)
        return _combine(ext_codes, cb_codes, [], ids, self.use_extension)

    def to_state(self) -> dict[str, Any]:
        """JSON-able state with numpy arrays (see :func:`~areas_analysis.themes.model.save_model`)."""
        return {"state_version": self._STATE_VERSION, "codebook_model": self.codebook_model.to_state(),
                "extension": self.extension.to_state() if self.extension is not None else None,
                "use_extension": dict(self.use_extension)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> CodingModel:
        """Rebuild from :meth:`to_state` output."""
        if int(state.get("state_version", 0)) != cls._STATE_VERSION:
            raise AreasError("Modèle de codage d'une version non prise en charge.")
        ext = state.get("extension")
        return cls(CodebookModel.from_state(state["codebook_model"]),
                   ExtensionModel.from_state(ext) if ext else None,
                   {str(k): bool(v) for k, v in state["use_extension"].items()})

    def __repr__(self) -> str:
        n_ext = sum(self.use_extension.values())
        return (f"CodingModel({self.codebook.name!r} v{self.codebook.version}, {len(self.use_extension)} thèmes, "
                f"{n_ext} par extension supervisée)")


def _same_encoder(a: Any, b: Any) -> bool:
    """Whether two encoders give the same vectors (same object, or same kind and fitted state)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if hasattr(a, "version"):  # pre-trained: the package version fixes the vectors
        return bool(a.version == b.version)
    sa, sb = a.to_state(), b.to_state()
    return all(np.array_equal(sa[k], sb[k]) if isinstance(sa[k], np.ndarray) else sa[k] == sb[k] for k in sa)


def _fr(x: float, d: int = 2) -> str:
    return "–" if not np.isfinite(x) else f"{x:.{d}f}".replace(".", ",")


def code_and_check(
    df: pd.DataFrame,
    text_col: str,
    codebook: Codebook,
    *,
    id_col: str,
    gold: pd.DataFrame | str | Path | None = None,
    reviews: Sequence[pd.DataFrame | str | Path] = (),
    seed: int = DEFAULT_SEED,
    strata_col: str | None = None,
    review_n: int = 50,
    encoder: SentenceEncoder | None = None,
    codebook_model: CodebookModel | None = None,
) -> CodingReport:
    """Code ``df[text_col]`` into the codebook's themes and measure the coding against humans.

    The codebook model and the encoder are fitted once per call and shared by the
    codebook coding, the extension's features and the review queue.

    Args:
        df: Segments or answers (not modified); ids must be unique.
        text_col: Column of texts.
        codebook: The researcher's codebook.
        id_col: Column of item ids (matched as strings with the human codes).
        gold: Human codes of a sample (long ``id, theme_id[, coder]``, DataFrame or CSV
            path); ``None`` or an empty path: no validation possible, said so.
        reviews: Filled review queues (paths of ``a_revoir_*.csv``/``.xlsx``, or
            decisions already read by
            :func:`~areas_analysis.themes.review.read_review_decisions`); their
            decisions join the human codes (a reviewed id takes its review decision;
            any codebook theme is allowed) and those items get ``source = revue``.
        seed: Seed of the cross-validation folds and solvers.
        strata_col: Stratify the review queue by this column (atelier, group...).
        review_n: Size of the review queue.
        encoder: Sentence encoder (default :func:`~areas_analysis.themes.encoders.make_encoder`).
        codebook_model: An already fitted codebook model of ``codebook`` (e.g. loaded
            from last cycle); default: fitted here on the texts.

    Returns:
        A :class:`CodingReport` (its ``model`` codes next cycle's texts).
    """
    labels = {t.id: t.label for t in codebook.themes}
    if isinstance(gold, str | Path) and str(gold):
        gold = read_codings(gold)
    review_ids: set[str] = set()  # coded from a review queue: train the model, never measure it
    if isinstance(gold, pd.DataFrame) and SAMPLE_COL in gold.columns:
        from .validation import split_codings

        review_ids = set(split_codings(gold)[1]["id"].astype(str))
    ids, texts = _ids_and_texts(df, text_col, id_col)
    if codebook_model is None:
        encoder = encoder if encoder is not None else make_encoder(seed=seed)
        codebook_model = CodebookModel(codebook, encoder=encoder).fit(texts)
    encoder = codebook_model.encoder
    reviewed = _read_reviews(reviews, codebook.ids)
    if not reviewed.empty:
        base = normalize_coding(gold, source_name="codage humain") if isinstance(gold, pd.DataFrame) \
            and not gold.empty else None
        if base is not None:
            base = base[~base["id"].isin(set(reviewed["id"]))]
        gold = pd.concat([base, reviewed], ignore_index=True) if base is not None else reviewed
        review_ids |= set(reviewed["id"].astype(str))
    cb_codes = codebook_model.predict(df, text_col, id_col=id_col)
    if gold is None or (isinstance(gold, pd.DataFrame) and gold.empty):
        codings = cb_codes.assign(source="model")
        review = review_queue(codings, df, text_col=text_col, id_col=id_col, strata_col=strata_col, n=review_n,
                              vectors=encoder.transform(texts), seed=seed)
        review.attrs.update(themes=list(codebook.ids), labels=labels)
        reliability = pd.DataFrame({
            "theme_id": codebook.ids, "libelle": [labels[t] for t in codebook.ids], "n_codes_humains": 0,
            "kappa": np.nan, "f1": np.nan, "precision": np.nan, "rappel": np.nan,
            "fiabilite": "non mesurée", "methode": "grille de codage, sans codage humain"})
        overall = pd.DataFrame([{"methode": "grille de codage (non validée)", "n_items": len(ids),
                                 "n_codes_humains": 0, "f1_micro": np.nan, "f1_macro": np.nan,
                                 "kappa_moyen": np.nan, "alpha_moyen": np.nan, "alpha": np.nan}])
        statement = (f"**Codage non validé.** Les {len(ids)} textes ont été codés par la machine à partir de la "
                     "grille de codage, sans codage humain de référence : l'accord avec un codeur humain n'a pas "
                     "pu être mesuré. Les thèmes ci-dessous sont des propositions à vérifier, pas des résultats. "
                     f"Une file de relecture de {len(review)} textes est fournie pour commencer un codage humain.")
        reliability.attrs["note"] = overall.attrs["note"] = (
            "Aucun codage humain : la fiabilité du codage automatique n'est pas mesurée. "
            "Codez à la main une partie des textes (par exemple la file de relecture) pour la mesurer.")
        return CodingReport(codings, reliability, overall, review, statement,
                            "grille de codage (non validée)", labels, CodingModel(codebook_model))
    # (without human codes there are no reviewed ids either: reviews add human codes)

    gold = normalize_coding(gold, source_name="codage humain")
    gold = gold[gold["id"].isin(set(ids))]
    validation_ids = [i for i in coded_ids(gold) if i not in review_ids]
    ext = extend_coding(df, text_col, gold, id_col=id_col, codebook=codebook_model, seed=seed,
                        strata_col=strata_col, review_n=review_n, encoder=encoder, eval_ids=validation_ids)
    ext.review.attrs.update(themes=list(codebook.ids), labels=labels)
    human_ids = validation_ids  # agreement is measured on the random validation sample only
    cb_vs_human = coding_agreement(cb_codes, gold, ids=human_ids, themes=codebook.ids)
    cb_kappa = cb_vs_human.per_theme.set_index("theme_id")["kappa"]
    ag = ext.agreement.set_index("theme_id")
    rows, use_model = [], {}
    for t in codebook.ids:
        learnt = t in ag.index and ag.at[t, "statut"] == "appris"
        k_model = float(ag.at[t, "kappa"]) if learnt else np.nan
        k_cb = float(cb_kappa.get(t, np.nan))
        # per theme, the method that agrees best with the human codes (NaN κ: never preferred)
        use_model[t] = learnt and (np.nan_to_num(k_model, nan=-2) >= np.nan_to_num(k_cb, nan=-2))
        if use_model[t]:
            stats = {"kappa": k_model, "f1": float(ag.at[t, "f1"]), "precision": float(ag.at[t, "precision"]),
                     "rappel": float(ag.at[t, "recall"]),
                     "methode": "extension supervisée (validation croisée sur le codage humain)"}
        else:
            pt = cb_vs_human.per_theme.set_index("theme_id")
            has = t in pt.index
            stats = {"kappa": k_cb, "f1": float(pt.at[t, "f1"]) if has else np.nan,
                     "precision": float(pt.at[t, "precision"]) if has else np.nan,
                     "rappel": float(pt.at[t, "recall"]) if has else np.nan,
                     "methode": "grille de codage (comparée au codage humain)"
                     + ("" if learnt else " ; trop peu d'exemples humains pour l'apprentissage")}
        n_human_t = int(ag.at[t, "n_humain"]) if t in ag.index else 0
        rows.append({"theme_id": t, "libelle": labels[t], "n_codes_humains": n_human_t,
                     **stats, "fiabilite": reliability_label(stats["kappa"], n_human_t),
                     "kappa_extension": k_model, "kappa_grille": k_cb})
    reliability = pd.DataFrame(rows)
    codings = _combine(ext.codings, cb_codes, coded_ids(gold), ids, use_model)  # review codes kept too
    ov = ext.overall.iloc[0]
    cb_ov = cb_vs_human.overall.iloc[0]
    overall = pd.DataFrame([
        {"methode": "extension supervisée (validation croisée)", "n_items": len(ids),
         "n_codes_humains": len(human_ids), "f1_micro": float(ov["micro_f1"]), "f1_macro": float(ov["macro_f1"]),
         "kappa_moyen": float(ov["mean_kappa"]), "alpha_moyen": float(ov.get("mean_alpha", np.nan)),
         "alpha": float(ov["alpha"])},
        {"methode": "grille de codage seule", "n_items": len(human_ids),
         "n_codes_humains": len(human_ids), "f1_micro": float(cb_ov["micro_f1"]),
         "f1_macro": float(cb_ov["macro_f1"]), "kappa_moyen": float(cb_ov["mean_kappa"]),
         "alpha_moyen": float(cb_ov["mean_alpha"]), "alpha": float(cb_ov["alpha"])},
    ])
    weak = reliability[~(reliability["kappa"] >= WEAK_KAPPA)]["libelle"].tolist()
    n_cb = sum(not v for v in use_model.values())
    statement = (
        f"**Fiabilité du codage.** {len(human_ids)} textes sur {len(ids)} ont été codés par des humains ; "
        "la machine a codé les autres. Pour chaque thème, la méthode retenue est celle qui s'accorde le mieux "
        f"avec le codage humain : extension supervisée du codage humain pour {len(use_model) - n_cb} thème(s), "
        f"grille de codage pour {n_cb}. Accord mesuré sur les textes codés par les humains : extension "
        f"F1 = {_fr(float(ov['micro_f1']))} (validation croisée, κ moyen = {_fr(float(ov['mean_kappa']))}), "
        f"grille seule F1 = {_fr(float(cb_ov['micro_f1']))} (κ moyen = {_fr(float(cb_ov['mean_kappa']))})."
        + (f" Thèmes peu fiables (κ < 0,40 ou non mesuré), à lire avec prudence : {', '.join(weak)}."
           if weak else "")
        + f" Les {len(ext.review)} textes les plus incertains sont à relire (file de relecture)."
    )
    reliability.attrs["note"] = (
        "κ de Cohen : 1 = accord parfait avec les codeurs humains, 0 = pas mieux que le hasard. Mesuré sur les "
        f"{len(human_ids)} textes codés par des humains ; avec peu d'exemples humains d'un thème "
        "(colonne n_codes_humains), la valeur est très incertaine.")
    overall.attrs["note"] = (
        "F1 : part des thèmes retrouvés à la fois justes et complets (1 = comme les humains). L'extension est "
        "évaluée par validation croisée : chaque texte est prédit par un modèle qui ne l'a pas vu.")
    # agreement with intervals on the validation sample, each theme judged with its chosen method
    cv = ext.cv_codings if ext.cv_codings is not None else ext.codings.iloc[0:0]
    machine_eval = pd.concat([cv[cv["theme_id"].isin([t for t, m in use_model.items() if m])],
                              cb_codes[cb_codes["theme_id"].isin([t for t, m in use_model.items() if not m])]],
                             ignore_index=True)
    human_eval = gold[gold["id"].isin(set(human_ids))]
    intervals = theme_agreement_table(machine_eval[machine_eval["id"].isin(set(human_ids))][["id", "theme_id"]],
                                      human_eval[["id", "theme_id"]], themes=codebook.ids, seed=seed)
    intervals.insert(1, "libelle", intervals["theme_id"].map(labels).fillna(intervals["theme_id"]))
    return CodingReport(codings, reliability, overall, ext.review, statement,
                        "meilleure méthode par thème", labels, CodingModel(codebook_model, ext.model, use_model),
                        frozenset(reviewed["id"].astype(str)) & set(ids), intervals)


def _read_reviews(reviews: Sequence[pd.DataFrame | str | Path], theme_ids: list[str]) -> pd.DataFrame:
    """Filled review queues as human codes (``coder = revue``); a later file wins for the same id."""
    parts = []
    for r in reviews or ():
        if isinstance(r, pd.DataFrame):
            parts.append(normalize_coding(r, source_name="revue"))
        elif str(r):
            parts.append(read_review_decisions(r, known_themes=theme_ids))
    if not parts:
        return pd.DataFrame({"id": pd.Series([], dtype="string"), "theme_id": pd.Series([], dtype="string"),
                             "coder": pd.Series([], dtype="string")})
    out = []
    seen: set[str] = set()
    for part in reversed(parts):  # latest file first: its decisions replace earlier ones
        part = part[~part["id"].astype(str).isin(seen)]
        seen |= set(part["id"].astype(str))
        out.append(part)
    return pd.concat(out[::-1], ignore_index=True)


def codes_table(codings: CodingReport | pd.DataFrame, *, reviewed_ids: Sequence[str] = ()) -> pd.DataFrame:
    """The per-unit codes table (``codes_*.csv``): one row per (unit, theme), a unit without theme once.

    Args:
        codings: A :class:`CodingReport` (its codings and reviewed ids), or a long
            coding ``id, theme_id[, score, source]``.
        reviewed_ids: Ids decided in a review queue (taken from the report when given one).

    Returns:
        New DataFrame ``id, theme, score, source`` (``source``: ``human`` = coded by a
        researcher, ``revue`` = decided in a review queue, ``model`` = machine), in the
        input order; ``theme`` empty when the unit has no theme.
    """
    if isinstance(codings, CodingReport):
        reviewed_ids = sorted(codings.reviewed_ids)
        codings = codings.codings
    missing = [c for c in ("id", "theme_id") if c not in codings.columns]
    if missing:
        raise AreasError(f"Codage sans colonne(s) {', '.join(missing)} : tableau des codes impossible.")
    n = len(codings)
    score = codings["score"] if "score" in codings.columns else pd.Series(np.nan, index=codings.index)
    source = codings["source"] if "source" in codings.columns else pd.Series("model", index=codings.index)
    out = pd.DataFrame({"id": codings["id"].astype("string").to_numpy(),
                        "theme": codings["theme_id"].astype("string").to_numpy(),
                        "score": pd.to_numeric(score, errors="coerce").astype("float64").round(4).to_numpy(),
                        "source": source.astype("string").fillna("model").to_numpy()}, index=range(n))
    out.loc[out["id"].isin(set(map(str, reviewed_ids))), "source"] = "revue"
    return out


def write_codes_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a :func:`codes_table` as UTF-8 CSV with ``,`` (machine contract, like the codings)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def _combine(ext_codes: pd.DataFrame, cb_codes: pd.DataFrame, human_ids: list[str], ids: list[str],
             use_model: dict[str, bool]) -> pd.DataFrame:
    """Human codes for the human sample; elsewhere each theme from its chosen method (long format)."""
    human = set(human_ids)
    ext_codes = ext_codes.assign(id=ext_codes["id"].astype(str))
    cb_codes = cb_codes.assign(id=cb_codes["id"].astype(str))
    from_human = ext_codes[ext_codes["id"].isin(human)]
    from_model = ext_codes[~ext_codes["id"].isin(human) & ext_codes["theme_id"].map(use_model).fillna(False)
                           .astype(bool)]
    from_cb = cb_codes[~cb_codes["id"].isin(human) & ~cb_codes["theme_id"].map(use_model).fillna(True)
                       .astype(bool)].assign(source="model")
    parts = pd.concat([from_human, from_model, from_cb], ignore_index=True)
    coded = set(parts["id"])
    empty = pd.DataFrame({"id": [i for i in ids if i not in coded], "theme_id": pd.NA, "score": np.nan,
                          "source": "model"})
    out = pd.concat([parts, empty], ignore_index=True)
    order = {k: i for i, k in enumerate(ids)}
    out = out.assign(_o=out["id"].map(order)).sort_values(["_o", "theme_id"], kind="stable", na_position="last")
    return out.drop(columns="_o").reset_index(drop=True)[["id", "theme_id", "score", "source"]]


#: Two quotes whose vectors have a cosine above this are near-duplicates: only the first is shown.
DUPLICATE_COSINE = 0.9


def exemplar_quotes(codings: pd.DataFrame, df: pd.DataFrame, text_col: str, *, id_col: str,
                    n: int = 3, max_chars: int = 220, encoder: SentenceEncoder | None = None) -> pd.DataFrame:
    """Up to ``n`` quotes per theme: human codes first, then the most confident (or most typical).

    With ``encoder``, candidates of a theme are ranked by typicality (cosine to the
    mean vector of the theme's coded texts) after the human codes, and a candidate
    too close to a quote already chosen (cosine > :data:`DUPLICATE_COSINE`) is skipped,
    so the quotes show different facets of the theme.

    Returns:
        New DataFrame ``theme_id, rang, id, citation`` (texts already pseudonymised upstream).
    """
    coding = normalize_coding(codings, source_name="codage").dropna(subset=["theme_id"])
    if "score" not in coding.columns:
        coding = coding.assign(score=1.0)
    human = coding["source"].eq("human") if "source" in coding.columns else False
    coding = coding.assign(_human=human)
    texts = dict(zip(df[id_col].astype(str), df[text_col].astype(str), strict=False))
    vec_of: dict[str, np.ndarray] = {}
    if encoder is not None:
        coded = sorted(set(coding["id"]) & set(texts))
        vec_of = dict(zip(coded, encoder.transform([texts[i] for i in coded]), strict=True))
    rows = []
    for theme, grp in coding.groupby("theme_id", sort=True):
        if vec_of:
            members = np.array([vec_of[i] for i in grp["id"] if i in vec_of])
            centre = members.mean(axis=0) if len(members) else None
            typical = [float(vec_of[i] @ centre) if centre is not None and i in vec_of else -1.0
                       for i in grp["id"]]
            grp = grp.assign(score=typical)
        grp = grp.sort_values(["_human", "score", "id"], ascending=[False, False, True], kind="stable")
        seen: set[str] = set()
        chosen: list[np.ndarray] = []
        for item in grp["id"]:
            text = texts.get(item, "").strip()
            if not text or text.lower() in seen:
                continue
            v = vec_of.get(item)
            if v is not None and any(float(v @ c) > DUPLICATE_COSINE for c in chosen):
                continue
            seen.add(text.lower())
            if v is not None:
                chosen.append(v)
            short = text if len(text) <= max_chars else text[: max_chars - 1].rsplit(" ", 1)[0] + "…"
            rows.append({"theme_id": theme, "rang": len(seen), "id": item, "citation": short})
            if len(seen) >= n:
                break
    return pd.DataFrame(rows, columns=["theme_id", "rang", "id", "citation"])


def coder_agreement(codings: pd.DataFrame, *, coder_col: str = "coder") -> pd.DataFrame:
    """Agreement between the human coders of a coding file, on the items they both coded.

    With two or more coders, compares each pair on their common items (Cohen's κ
    per theme, Krippendorff's α, F1 — see
    :func:`~areas_analysis.themes.agreement.coding_agreement`); the table says so
    when fewer than two coders or no common items exist.

    Returns:
        New DataFrame ``codeur_a, codeur_b, n_items, theme, kappa, alpha, f1`` (per
        theme and an ``ensemble`` row per pair), with a French note in ``attrs["note"]``.
    """
    coding = normalize_coding(codings, source_name="codage humain")
    cols = ["codeur_a", "codeur_b", "n_items", "theme", "kappa", "alpha", "f1"]
    coders = sorted(coding[coder_col].dropna().astype(str).unique()) if coder_col in coding.columns else []
    rows: list[dict[str, object]] = []
    for i, a in enumerate(coders):
        for b in coders[i + 1:]:
            ca, cb = coding[coding[coder_col] == a], coding[coding[coder_col] == b]
            common = sorted(set(coded_ids(ca)) & set(coded_ids(cb)))
            if not common:
                continue
            res = coding_agreement(ca, cb, ids=common)
            for r in res.per_theme.itertuples():
                rows.append({"codeur_a": a, "codeur_b": b, "n_items": len(common), "theme": r.theme_id,
                             "kappa": r.kappa, "alpha": r.alpha, "f1": r.f1})
            ov = res.overall.iloc[0]
            rows.append({"codeur_a": a, "codeur_b": b, "n_items": len(common), "theme": "ensemble",
                         "kappa": ov["mean_kappa"], "alpha": ov["alpha"], "f1": ov["micro_f1"]})
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        out.attrs["note"] = ("Accord entre codeurs humains non mesurable : il faut au moins deux codeurs ayant "
                             "codé les mêmes textes (colonne « coder » du fichier de codage).")
    else:
        tot = out[out["theme"] == "ensemble"].iloc[0]
        out.attrs["note"] = (
            f"Sur les {int(tot['n_items'])} textes codés par deux personnes, l'accord global est "
            f"α = {_fr(float(tot['alpha']))} sur toutes les décisions (α moyen des thèmes = "
            f"{_fr(float(out.loc[out['theme'] != 'ensemble', 'alpha'].mean()))}, κ moyen = "
            f"{_fr(float(tot['kappa']))} ; l'α groupé est plus élevé car les « thème absent » faciles "
            "s'accordent). C'est le plafond "
            "raisonnable de l'accord qu'on peut attendre de la machine.")
    return out


def partition_agreement(discovered: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """How discovered themes line up with codebook themes (cross-table and NMI/ARI).

    Each item is given its discovered theme and its main codebook theme (highest
    score; ``aucun`` when none). Returns one row per discovered theme: its label,
    size, the codebook theme it overlaps most and the share of its items in it,
    with the overall NMI and ARI (scikit-learn) in ``attrs["note"]``.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    coding = normalize_coding(codings, source_name="codage")
    if "score" not in coding.columns:
        coding = coding.assign(score=1.0)
    main = (coding.dropna(subset=["theme_id"]).sort_values(["id", "score"], ascending=[True, False], kind="stable")
            .drop_duplicates("id").set_index("id")["theme_id"])
    d = discovered.assign(id=discovered["id"].astype(str))
    d["theme_grille"] = d["id"].map(main).fillna("aucun")
    rows = []
    for (tid, label), grp in d.groupby(["theme_id", "theme_label"], sort=True):
        counts = grp["theme_grille"].value_counts()
        rows.append({"theme_emergent": tid, "libelle": label, "n": len(grp),
                     "theme_grille_principal": counts.index[0], "part": counts.iloc[0] / len(grp)})
    out = pd.DataFrame(rows, columns=["theme_emergent", "libelle", "n", "theme_grille_principal", "part"])
    nmi = normalized_mutual_info_score(d["theme_grille"], d["theme_id"])
    ari = adjusted_rand_score(d["theme_grille"], d["theme_id"])
    out.attrs["note"] = (
        f"Correspondance globale avec la grille : NMI = {_fr(nmi)}, ARI = {_fr(ari)} (0 = aucune, 1 = identique). "
        "Un thème émergent qui ne recoupe aucun thème de la grille peut signaler un besoin non prévu — "
        "ou un regroupement sans intérêt : à lire avec les exemples.")
    return out


def reliability_chart(reliability: pd.DataFrame, *, title: str | None = None):
    """Horizontal bars of machine↔human κ per theme, coloured by Landis & Koch band (French labels)."""
    import matplotlib.pyplot as plt

    colours = {"très bon": "#009E73", "bon": "#56B4E9", "modéré": "#E69F00", "passable": "#D55E00",
               "faible": "#CC79A7"}
    d = reliability.sort_values("kappa", na_position="first", kind="stable")
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(d) + 1.4))
    vals = d["kappa"].fillna(0).to_numpy()
    ax.barh(d["libelle"], vals, color=[colours.get(f, "#BBBBBB") for f in d["fiabilite"]])
    for y, (v, f) in enumerate(zip(d["kappa"], d["fiabilite"], strict=True)):
        label = f if not np.isfinite(v) else f"{_fr(v)} ({f})"
        ax.text(max(float(v) if np.isfinite(v) else 0, 0) + 0.01, y, label, va="center", fontsize=8)
    ax.axvline(0.4, color="#777777", linestyle="--", linewidth=1)
    ax.set_xlim(min(0, float(np.nanmin(vals)) - 0.05), 1.15)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.1f}".replace(".", ","))
    ax.set_xlabel("κ de Cohen machine / humain (méthode retenue pour chaque thème)")
    ax.set_title(title or "Fiabilité du codage automatique par thème (tirets : κ = 0,40)")
    fig.tight_layout()
    return fig
