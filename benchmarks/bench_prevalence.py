"""Coverage benchmark of corrected theme prevalence (issue 12), beside the uncorrected Wilson method.

Two sources of truth, the same estimators, the same run:

* **Synthetic sample** (``areas_analysis.sample``), several seeds: the generator's ground truth
  (``verite_terrain/``) gives the true share of each theme per commune (atelier segments) and per
  statut (usagers, a theme in any of a respondent's answers). The human codes are the generator's
  simulated coders (random sample, realistic slips), so the corrected estimate targets what those
  coders would have coded — their slips remain.
* **Entendre la France** (``../shared/external/elf_coded_answers.csv``, real answers with human tags):
  per question, random splits put a share of the answers in the "human-coded" validation sample; the
  truth is the human tags' share over *all* answers of the question.

Methods: *corrigée* = :func:`~areas_analysis.quantify.corrected.corrected_prevalence` on cross-fitted
predictions (:func:`~areas_analysis.themes.validation.cross_fitted_predictions`); *Wilson non corrigée*
= what the notebooks published before: human codes on the sample, the supervised extension's codes
(:func:`~areas_analysis.themes.extend.extend_coding`) elsewhere, Wilson intervals
(:func:`~areas_analysis.quantify.prevalence.theme_prevalence`).

Figures: share of 95 % intervals containing the truth (coverage), mean absolute error in points (MAE),
the worst theme's mean error. Run (long; the numbers in the README come from the full command)::

    python benchmarks/bench_prevalence.py --seeds 10 --splits 3
    python benchmarks/bench_prevalence.py --seeds 2 --splits 1 --elf-questions 3   # quick look
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _coding_data import EXTERNAL, load_elf  # noqa: E402

from areas_analysis.quantify.corrected import corrected_prevalence  # noqa: E402
from areas_analysis.quantify.prevalence import theme_prevalence  # noqa: E402
from areas_analysis.sample import generate_sample  # noqa: E402
from areas_analysis.themes import load_codebook  # noqa: E402
from areas_analysis.themes.codebook import CodebookModel  # noqa: E402
from areas_analysis.themes.extend import extend_coding, text_features  # noqa: E402
from areas_analysis.themes.validation import cross_fitted_predictions, split_codings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
#: Share of each ELF question's answers put in the simulated human validation sample.
ELF_GOLD_SHARE = 0.25


def _score(est: pd.DataFrame, truth: pd.DataFrame, keys: list[str], corpus: str, method: str) -> pd.DataFrame:
    m = est.merge(truth, on=keys, how="left").fillna({"vrai": 0.0})
    return pd.DataFrame({"corpus": corpus, "methode": method, "theme_id": m["theme_id"],
                         "couvert": (m["ic_bas"] <= m["vrai"] + 1e-12) & (m["vrai"] <= m["ic_haut"] + 1e-12),
                         "erreur": (m["proportion"] - m["vrai"]).abs()})


def _both(texts: pd.DataFrame, units: pd.DataFrame, gold: pd.DataFrame, by: str | None, themes: list[str],
          features, seed: int, *, id_col: str, count_col: str | None = None, strata_col: str | None = None,
          codebook=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(corrected, uncorrected Wilson) tables of one corpus."""
    pred = cross_fitted_predictions(texts, "text", gold, id_col=id_col, themes=themes, seed=seed,
                                    features=features)
    # every theme was known to the human coders (none added afterwards): a theme absent from the human
    # sample is rare, not « non validé » — it gets its corrected share and interval
    corr = corrected_prevalence(units, pred, gold, by, unit_col=id_col, count_col=count_col,
                                strata_col=strata_col, themes=themes, value_col="prediction", unvalidated=[])
    ext = extend_coding(texts, "text", gold, id_col=id_col, codebook=codebook, seed=seed)
    wil = theme_prevalence(ext.codings, units, by, unit_col=id_col, count_col=count_col, themes=themes)
    return corr, wil


def bench_sample(seeds: list[int]) -> pd.DataFrame:
    rows = []
    for seed in seeds:
        t0 = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            generate_sample(d, seed=seed)
            cb = load_codebook(d / "codebook.yaml")
            truth_dir = d / "verite_terrain"
            # ateliers: segment shares by commune, sample stratified by atelier
            seg = pd.read_csv(truth_dir / "segments_attendus.csv", dtype=str, keep_default_na=False)
            seg_truth = pd.read_csv(truth_dir / "segments_themes.csv", dtype=str, keep_default_na=False)
            val, _ = split_codings(pd.read_csv(d / "codage_humain_ateliers.csv", dtype=str, keep_default_na=False))
            cbm = CodebookModel(cb).fit(seg["text"].tolist())
            x = text_features(seg["text"].tolist(), codebook_model=cbm)
            corr, wil = _both(seg, seg, val, "commune", cb.ids, x, seed, id_col="segment_id",
                              strata_col="atelier_id", codebook=cbm)
            true = theme_prevalence(seg_truth[seg_truth["theme_id"] != ""], seg, "commune", unit_col="segment_id",
                                    themes=cb.ids)[["commune", "theme_id", "proportion"]]
            true = true.rename(columns={"proportion": "vrai"})
            rows += [_score(corr, true, ["commune", "theme_id"], "échantillon : ateliers × commune", "corrigée"),
                     _score(wil, true, ["commune", "theme_id"], "échantillon : ateliers × commune",
                            "Wilson non corrigée")]
            # usagers: respondent shares by statut
            ans = pd.read_csv(truth_dir / "reponses_attendues.csv", dtype=str, keep_default_na=False)
            ans = ans[ans["questionnaire"] == "usagers"]
            resp = pd.read_csv(truth_dir / "usagers_repondants.csv", dtype=str, keep_default_na=False)
            ans = ans.merge(resp[["respondent_id", "statut"]], on="respondent_id").reset_index(drop=True)
            ans_truth = pd.read_csv(truth_dir / "reponses_themes.csv", dtype=str, keep_default_na=False)
            human_u = pd.read_csv(d / "codage_humain_usagers.csv", dtype=str, keep_default_na=False)
            val_u, _ = split_codings(human_u)
            cbm_u = CodebookModel(cb).fit(ans["text"].tolist())
            xu = text_features(ans["text"].tolist(), codebook_model=cbm_u)
            corr, wil = _both(ans, ans, val_u, "statut", cb.ids, xu, seed, id_col="id", count_col="respondent_id",
                              codebook=cbm_u)
            true = theme_prevalence(ans_truth[ans_truth["theme_id"] != ""], ans, "statut", unit_col="id",
                                    count_col="respondent_id", themes=cb.ids, unknown_ids="ignore")
            true = true[["statut", "theme_id", "proportion"]].rename(columns={"proportion": "vrai"})
            rows += [_score(corr, true, ["statut", "theme_id"], "échantillon : usagers × statut", "corrigée"),
                     _score(wil, true, ["statut", "theme_id"], "échantillon : usagers × statut",
                            "Wilson non corrigée")]
        print(f"  graine {seed} : {time.time() - t0:.0f} s", flush=True)
    return pd.concat(rows, ignore_index=True)


def bench_elf(splits: int, max_questions: int | None) -> pd.DataFrame:
    rows = []
    sets = load_elf()
    for cs in sets[:max_questions]:
        t0 = time.time()
        texts = cs.texts.reset_index(drop=True)
        themes = sorted(cs.gold["theme_id"].unique())
        x = text_features(texts["text"].tolist())
        truth = theme_prevalence(cs.gold, texts, None, unit_col="id", themes=themes)[["theme_id", "proportion"]]
        truth = truth.rename(columns={"proportion": "vrai"})
        for r in range(splits):
            rng = np.random.default_rng(1000 + r)
            ids = texts["id"].to_numpy()
            chosen = set(rng.choice(ids, size=int(round(ELF_GOLD_SHARE * len(ids))), replace=False))
            gold = cs.gold[cs.gold["id"].isin(chosen)]
            gold = pd.concat([gold, pd.DataFrame({"id": sorted(chosen - set(gold["id"])), "theme_id": pd.NA})])
            corr, wil = _both(texts, texts, gold, None, themes, x, r, id_col="id")
            rows += [_score(corr, truth, ["theme_id"], "Entendre la France (réel)", "corrigée"),
                     _score(wil, truth, ["theme_id"], "Entendre la France (réel)", "Wilson non corrigée")]
        print(f"  {cs.name} ({len(texts)} réponses) : {time.time() - t0:.0f} s", flush=True)
    return pd.concat(rows, ignore_index=True)


def summarise(scores: pd.DataFrame) -> pd.DataFrame:
    per_theme = scores.groupby(["corpus", "methode", "theme_id"])["erreur"].mean()
    worst = per_theme.groupby(["corpus", "methode"]).max().rename("pire_theme_points") * 100
    out = scores.groupby(["corpus", "methode"]).agg(cellules=("couvert", "size"), couverture=("couvert", "mean"),
                                                     mae_points=("erreur", "mean"))
    out["mae_points"] *= 100
    return out.join(worst).reset_index()


def _markdown(table: pd.DataFrame) -> str:
    cells = table.astype(object).map(lambda v: f"{v:.2f}" if isinstance(v, float) else str(v))
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(r) + " |" for r in cells.to_numpy().tolist()]
    return "\n".join(lines)


def check_cycle(cycle_dir: Path, sample_dir: Path) -> pd.DataFrame:
    """Coverage and errors of a sample cycle's two published tables against the generator's truth."""
    from areas_analysis.report import read_table

    truth_dir = sample_dir / "verite_terrain"
    cb = load_codebook(sample_dir / "codebook.yaml")
    seg = pd.read_csv(truth_dir / "segments_attendus.csv", dtype=str, keep_default_na=False)
    seg_truth = pd.read_csv(truth_dir / "segments_themes.csv", dtype=str, keep_default_na=False)
    t1 = theme_prevalence(seg_truth[seg_truth["theme_id"] != ""], seg, "commune", unit_col="segment_id",
                          themes=cb.ids)[["commune", "theme_id", "proportion"]]
    t1 = t1.rename(columns={"proportion": "vrai"})
    ans = pd.read_csv(truth_dir / "reponses_attendues.csv", dtype=str, keep_default_na=False)
    ans = ans[ans["questionnaire"] == "usagers"]
    resp = pd.read_csv(truth_dir / "usagers_repondants.csv", dtype=str, keep_default_na=False)
    ans = ans.merge(resp[["respondent_id", "statut"]], on="respondent_id")
    ans_truth = pd.read_csv(truth_dir / "reponses_themes.csv", dtype=str, keep_default_na=False)
    t2 = theme_prevalence(ans_truth[ans_truth["theme_id"] != ""], ans, "statut", unit_col="id",
                          count_col="respondent_id", themes=cb.ids, unknown_ids="ignore")
    t2 = t2[["statut", "theme_id", "proportion"]].rename(columns={"proportion": "vrai"})
    tables = cycle_dir / "tables"
    parts = []
    for name, truth, key in (("ateliers_prevalence_commune.csv", t1, "commune"),
                             ("questionnaires_prevalence_statut.csv", t2, "statut")):
        pub = read_table(tables / name)
        pub[key] = pub[key].astype(str)
        parts.append(_score(pub[[key, "theme_id", "proportion", "ic_bas", "ic_haut"]], truth, [key, "theme_id"],
                            f"cycle : {name}", "publiée"))
    return pd.concat(parts, ignore_index=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=10, help="sample generator seeds (1..N)")
    ap.add_argument("--splits", type=int, default=3, help="random human splits per ELF question")
    ap.add_argument("--elf-questions", type=int, default=None, help="only the first N ELF questions")
    ap.add_argument("--cycle", type=Path, help="only check this sample cycle's outputs (outputs/<cycle>)")
    ap.add_argument("--sample", type=Path, default=Path("data/sample"), help="sample of that cycle")
    args = ap.parse_args()
    if args.cycle is not None:
        print(_markdown(summarise(check_cycle(args.cycle, args.sample))))
        return 0
    t0 = time.time()
    parts = []
    print(f"Échantillon synthétique, {args.seeds} graine(s) :", flush=True)
    parts.append(bench_sample(list(range(1, args.seeds + 1))))
    if (EXTERNAL / "elf_coded_answers.csv").exists() and args.splits > 0:
        print(f"Entendre la France, {args.splits} tirage(s) par question :", flush=True)
        parts.append(bench_elf(args.splits, args.elf_questions))
    else:
        print("Entendre la France absent (../shared/external) : partie ignorée.")
    scores = pd.concat(parts, ignore_index=True)
    table = summarise(scores)
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(RESULTS / "prevalence.csv", index=False)
    md = _markdown(table)
    head = (f"Coverage of 95 % intervals and MAE (points), seeds 1..{args.seeds}, {args.splits} ELF split(s) "
            f"per question ({args.elf_questions or 'all'} questions); {time.time() - t0:.0f} s.\n\n")
    (RESULTS / "prevalence.md").write_text(head + md + "\n", encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
