"""``areas sample``: write the embedded synthetic sample data (deterministic)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..config import DEFAULT_SEED


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sample`` group to the ``areas`` parser."""
    p = sub.add_parser("sample", help="données d'exemple synthétiques",
                       description="Données d'exemple synthétiques (aucune personne réelle).")
    p.set_defaults(func=lambda args: p.print_help())
    cmds = p.add_subparsers(title="commandes", dest="command", metavar="COMMANDE",
                            parser_class=type(p))
    gen = cmds.add_parser(
        "generate", help="écrire l'échantillon synthétique dans un dossier",
        description="Écrit notes d'ateliers, questionnaires, données DPPER, dictionnaires, grille de codage, "
                    "codages humains simulés et vérité terrain. La même graine redonne les mêmes fichiers, "
                    "octet pour octet.")
    gen.add_argument("--out", required=True, type=Path, metavar="DOSSIER",
                     help="dossier de sortie (créé si besoin ; les fichiers de même nom sont remplacés)")
    gen.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N",
                     help=f"graine aléatoire (défaut : {DEFAULT_SEED}, celle de data/sample)")
    gen.set_defaults(func=_generate)


def _generate(args: argparse.Namespace) -> int:
    from ..sample import generate_sample

    t0 = time.perf_counter()
    written = generate_sample(args.out, seed=args.seed)
    print(f"{len(written)} fichiers écrits dans {args.out} (graine {args.seed}) "
          f"en {time.perf_counter() - t0:.1f} s. Vérité terrain : {args.out / 'verite_terrain'} ; "
          f"voir {args.out / 'README.md'}.")
    return 0
