"""Calibration of the DPPER headline claims by simulation: type I error and interval coverage.

Run from the repository root (outside the test suite; one BLAS thread):

    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    .venv/bin/python benchmarks/bench_dpper_calibration.py                # full: 2000 per scenario (~25 min)
    .venv/bin/python benchmarks/bench_dpper_calibration.py --reps 200     # quick (~5 min); 1000: ~11 min
    .venv/bin/python benchmarks/bench_dpper_calibration.py --reps 2000 --claims avant_apres   # ~3 min

Each simulated study looks like an AREAS DPPER evaluation: 6, 8 or 10 sessions
(half with a patient partner, as the design sets it per session), about 50
matched students spread unevenly over the sessions (at least 3 per session),
one 5-point Likert item answered before and after. Latent before score
``3 + a_s + N(0, 1)``, latent change ``c_s + N(0, 0.8)`` with session effects
``a_s``, ``c_s`` whose intraclass correlation is 0, 0.2 or 0.5; both scores are
rounded and clipped to 1..5. There is **no** true change on average (the
latent scale is symmetric around 3, so the expected change of the rounded
scores is 0) and **no** patient-partner effect: every rejection is a type I
error, every interval should cover 0.

Claims measured, each "current" (before issue 13) beside "new":

* before/after « nette »: student-level Wilcoxon (current) vs t on the session
  mean changes (:func:`~areas_analysis.evaluate.session_change_test`, new);
* with/without partner: student-level Mann-Whitney on the change (the old
  « diffère » sentence), the session-means t / mixed model p (the old
  « net »), the exact randomisation test of sessions (new headline);
* coverage of the 95 % intervals: session-level mean change (new), arm effect
  (session means or mixed model, kept), bootstrap BCa of the rank-biserial r
  with Wilcoxon zeros (current) and Pratt zeros (new) — r's interval resamples
  students, so it covers the r of *these sessions*, not of new ones; it is
  reported for what it is.

Results: ``benchmarks/results/dpper_calibration.md`` and ``.csv`` (Monte Carlo
standard error ≈ sqrt(0.05 · 0.95 / reps): ±1.5 points at 200 replicates).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from areas_analysis.evaluate import (
    arm_effect,
    mann_whitney_test,
    session_change_test,
    wilcoxon_test,
)
from areas_analysis.evaluate._bootstrap import bootstrap_paired, rb_paired_rows

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEED = 42
ALPHA = 0.05
#: Matched students per simulated study (AREAS sample: 41-48).
N_STUDENTS = 50
#: Smallest session (a session of 1-2 students would not be run as an ECOS or RetExp session).
MIN_PER_SESSION = 3
#: Residual standard deviations of the latent before score and change.
SD_BEFORE, SD_CHANGE = 1.0, 0.8
#: Bootstrap resamples for the intervals of r.
N_BOOT = 400


def simulate(rng: np.random.Generator, n_sessions: int, icc: float) -> pd.DataFrame:
    """One study: one row per matched student (session, arm, before, after, difference)."""
    sizes = MIN_PER_SESSION + rng.multinomial(N_STUDENTS - MIN_PER_SESSION * n_sessions,
                                              np.full(n_sessions, 1 / n_sessions))
    sd_a = SD_BEFORE * np.sqrt(icc / (1 - icc))
    sd_c = SD_CHANGE * np.sqrt(icc / (1 - icc))
    arms = rng.permutation(np.repeat(["Oui", "Non"], n_sessions // 2))
    rows = []
    for s, (k, arm) in enumerate(zip(sizes, arms, strict=True)):
        a, c = rng.normal(0, sd_a), rng.normal(0, sd_c)
        before_latent = 3 + a + rng.normal(0, SD_BEFORE, k)
        after_latent = before_latent + c + rng.normal(0, SD_CHANGE, k)
        before = np.clip(np.round(before_latent), 1, 5)
        after = np.clip(np.round(after_latent), 1, 5)
        for b, f in zip(before, after, strict=True):
            rows.append({"session_id": f"S{s}", "patient_partenaire": arm, "item": "x", "avant": b,
                         "apres": f, "difference": f - b})
    return pd.DataFrame(rows)


def one_study(rng: np.random.Generator, n_sessions: int, icc: float, claims: str = "tout") -> dict[str, float]:
    df = simulate(rng, n_sessions, icc)
    d = df["difference"].to_numpy(float)
    out: dict[str, float] = {}
    # before/after: student-level Wilcoxon (current) vs session means (new)
    _, p_w, _ = wilcoxon_test(d, "wilcox")
    sess = session_change_test(d, df["session_id"].to_numpy())
    out["ba_rej_wilcoxon_etudiants"] = float(p_w < ALPHA)
    out["ba_rej_t_seances"] = float(sess["p"] < ALPHA)
    out["ba_cov_ic_seances"] = float(sess["ic_bas"] <= 0 <= sess["ic_haut"]) if np.isfinite(sess["p"]) else np.nan
    if claims == "avant_apres":
        return out
    for zm, key in (("wilcox", "wilcoxon"), ("pratt", "pratt")):
        lo, hi, _ = bootstrap_paired(d, zm, n_boot=N_BOOT, seed=int(rng.integers(1 << 31)), confidence=0.95)
        out[f"ba_cov_ic_r_{key}"] = float(lo <= 0 <= hi) if np.isfinite(lo) else 0.0
        out[f"r_{key}"] = float(rb_paired_rows(d, zm)[0])
    lo, hi, _ = bootstrap_paired(d, "pratt", n_boot=N_BOOT, seed=int(rng.integers(1 << 31)), confidence=0.95,
                                 clusters=df["session_id"].to_numpy())
    out["ba_cov_ic_r_pratt_seances"] = float(lo <= 0 <= hi) if np.isfinite(lo) else 0.0
    # with / without partner
    with_ = df["patient_partenaire"] == "Oui"
    _, p_mw, _ = mann_whitney_test(d[with_.to_numpy()], d[~with_.to_numpy()])
    out["bras_rej_mann_whitney_etudiants"] = float(p_mw < ALPHA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eff = arm_effect(df, value_col="difference", label_col=None).iloc[0]
    out["bras_rej_modele_ou_moyennes"] = float(eff["p_modele"] < ALPHA) if np.isfinite(eff["p_modele"]) else 0.0
    out["bras_rej_randomisation"] = float(eff["p"] < ALPHA)
    out["bras_cov_ic_effet"] = (float(eff["ic_bas"] <= 0 <= eff["ic_haut"]) if np.isfinite(eff["ic_bas"])
                                else np.nan)
    out["bras_p_min_possible"] = float(eff["p_min_possible"])
    return out


LABELS = {
    "ba_rej_wilcoxon_etudiants": ("Avant/après « nette »", "actuel : Wilcoxon par étudiant", "erreur I"),
    "ba_rej_t_seances": ("Avant/après « nette »", "nouveau : t sur les moyennes de séance", "erreur I"),
    "bras_rej_mann_whitney_etudiants": ("Avec/sans « diffère »", "actuel : Mann-Whitney par étudiant", "erreur I"),
    "bras_rej_modele_ou_moyennes": ("Avec/sans « net »", "actuel : t moyennes de séance / modèle mixte",
                                    "erreur I"),
    "bras_rej_randomisation": ("Avec/sans « net »", "nouveau : randomisation exacte des séances", "erreur I"),
    "ba_cov_ic_seances": ("IC 95 % changement moyen", "nouveau : t sur les moyennes de séance", "couverture"),
    "bras_cov_ic_effet": ("IC 95 % effet avec − sans", "moyennes de séance / modèle mixte (gardé)", "couverture"),
    "ba_cov_ic_r_wilcoxon": ("IC 95 % de r (0 couvert)", "actuel : BCa, zéros écartés", "couverture"),
    "ba_cov_ic_r_pratt": ("IC 95 % de r (0 couvert)", "BCa par étudiant, inchangés comptés (Pratt)", "couverture"),
    "ba_cov_ic_r_pratt_seances": ("IC 95 % de r (0 couvert)", "nouveau : bootstrap par séance élargi (Pratt)",
                                  "couverture"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000, help="replicates per scenario (default 2000)")
    parser.add_argument("--sessions", default="6,8,10", help="numbers of sessions (even), comma-separated")
    parser.add_argument("--icc", default="0,0.2,0.5", help="intraclass correlations, comma-separated")
    parser.add_argument("--claims", choices=["tout", "avant_apres"], default="tout",
                        help="avant_apres: only the before/after claims (fast, for many replicates)")
    parser.add_argument("--out", default=None,
                        help="output path without suffix (default: results/dpper_calibration[_avant_apres])")
    args = parser.parse_args()
    sessions = [int(x) for x in args.sessions.split(",")]
    iccs = [float(x) for x in args.icc.split(",")]
    rng = np.random.default_rng(SEED)
    records = []
    t0 = time.perf_counter()
    for s in sessions:
        for icc in iccs:
            t1 = time.perf_counter()
            res = pd.DataFrame([one_study(rng, s, icc, args.claims) for _ in range(args.reps)])
            for key, (claim, method, kind) in LABELS.items():
                if key not in res:
                    continue
                col = res[key].dropna()
                records.append({"seances": s, "icc": icc, "affirmation": claim, "methode": method, "mesure": kind,
                                "valeur": float(col.mean()), "n_repetitions": int(col.size)})
            dt = time.perf_counter() - t1
            print(f"[{s} séances, ICC {icc}] {args.reps} répétitions en {dt:.0f} s", flush=True)
    table = pd.DataFrame(records)
    suffix = "_avant_apres" if args.claims == "avant_apres" else ""
    out = Path(args.out or RESULTS / f"dpper_calibration{suffix}")
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out.with_suffix(".csv"), index=False)
    wide = table.pivot_table(index=["affirmation", "methode", "mesure"], columns=["seances", "icc"],
                             values="valeur", sort=False)
    wide.columns = [f"{s} séances, ICC {icc:g}" for s, icc in wide.columns]
    lines = [f"# Calibration des affirmations DPPER ({args.reps} études simulées par scénario, graine {SEED}, "
             f"{time.perf_counter() - t0:.0f} s)", "",
             "Aucun changement moyen et aucun effet du patient partenaire : les lignes « erreur I » devraient "
             f"être ≤ 0,06 et les lignes « couverture » ≥ 0,93. ~{N_STUDENTS} étudiants appariés par étude.", "",
             "| affirmation | méthode | mesure | " + " | ".join(wide.columns) + " |",
             "|---|---|---|" + "---|" * len(wide.columns)]
    for (claim, method, kind), row in wide.iterrows():
        lines.append(f"| {claim} | {method} | {kind} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
