"""``areas cycle``: run a cycle's notebooks into ``outputs/<cycle>/``, list and compare cycles."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import config


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``cycle`` group to the ``areas`` parser."""
    group = sub.add_parser("cycle", help="exécuter et comparer les cycles d'évaluation")
    cmds = group.add_subparsers(title="commandes", dest="command", metavar="COMMANDE",
                                parser_class=type(group))
    cmds.required = True

    run = cmds.add_parser("run", help="exécuter tous les carnets d'un cycle (papermill) et produire le rapport")
    run.add_argument("--cycle", required=True, help="nom du cycle, ex. 2026-S1 (dossier outputs/<cycle>/)")
    run.add_argument("--params", type=Path, required=True,
                     help="fichier YAML de paramètres du cycle (brouillon : « areas cycle init » ; données "
                          "d'exemple : notebooks/params/echantillon.yaml)")
    run.add_argument("--force", action="store_true",
                     help="si le cycle existe, déplacer l'ancien dossier à côté (jamais supprimé)")
    run.add_argument("--timeout", type=int, default=900, help="délai maximal par cellule, en secondes")
    run.add_argument("--outputs", type=Path, default=None, help="dossier des cycles (défaut : outputs/)")
    run.set_defaults(func=_run)

    init = cmds.add_parser("init", help="écrire un brouillon de paramètres de cycle d'après un dossier de données",
                           description="Chercher dans DOSSIER les notes d'ateliers et leur manifest.csv, les "
                                       "exports "
                                       "de questionnaires et leurs dictionnaires, les codages humains, le suivi "
                                       "d'activité, et écrire un fichier de paramètres commenté (null pour ce qui "
                                       "manque), à relire avant « areas cycle run ».")
    init.add_argument("dossier", type=Path, metavar="DOSSIER", help="dossier des données du cycle")
    init.add_argument("--out", type=Path, required=True, metavar="FICHIER",
                      help="fichier de paramètres à écrire, ex. notebooks/params/2026-S1.yaml (jamais écrasé)")
    init.set_defaults(func=_init)

    lst = cmds.add_parser("list", help="lister les cycles terminés")
    lst.add_argument("--outputs", type=Path, default=None, help="dossier des cycles (défaut : outputs/)")
    lst.add_argument("--serie", default=None, help="seulement les cycles de cette série")
    lst.set_defaults(func=_list)

    cmp_ = cmds.add_parser("compare", help="comparer les tableaux de deux cycles")
    cmp_.add_argument("ancien", type=Path, help="dossier du cycle précédent")
    cmp_.add_argument("nouveau", type=Path, help="dossier du nouveau cycle")
    cmp_.add_argument("--out", type=Path, default=None, help="écrire la comparaison dans ce CSV")
    cmp_.set_defaults(func=_compare)


def _run(args: argparse.Namespace) -> int:
    import sys

    from ..cycle import CycleInterrupted, load_plan, run_cycle

    plan = load_plan(args.cycle, args.params)
    try:
        run_cycle(plan, outputs_dir=args.outputs, force=args.force, timeout=args.timeout)
    except CycleInterrupted as exc:
        print(str(exc), file=sys.stderr)
        return 130
    return 0


def _init(args: argparse.Namespace) -> int:
    from ..cycle import draft_params

    out = draft_params(args.dossier, args.out)
    print(f"Brouillon de paramètres écrit : {out}\nRelisez-le (chemins, null, « À VÉRIFIER »), puis lancez : "
          f"areas cycle run --cycle {out.stem} --params {out}")
    return 0


def _list(args: argparse.Namespace) -> int:
    import json

    from ..cycle import previous_cycles

    cycles = previous_cycles(args.outputs or config.OUTPUTS_DIR, series=args.serie)
    if not cycles:
        print("Aucun cycle terminé.")
    for d in cycles:
        m = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        commit = str((m.get("git") or {}).get("commit"))[:10]
        print(f"{d.name:<24} série {m.get('serie') or '—':<16} {m['started_at']}  {m['duration_s']:.0f} s  "
              f"commit {commit}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from ..cycle import compare_cycles
    from ..report import write_table

    diff = compare_cycles(args.ancien, args.nouveau)
    if args.out:
        write_table(diff, args.out)
        print(f"Comparaison écrite dans {args.out}")
    with_changes = diff[diff["statut"] != "identique"]
    print(f"{len(diff)} tableaux comparés, {len(with_changes)} avec des différences.")
    for row in with_changes.itertuples():
        print(f"  - {row.tableau} : {row.statut} ({row.detail})")
    return 0
