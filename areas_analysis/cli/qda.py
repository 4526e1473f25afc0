"""``areas qda``: exchange with QDA tools (REFI-QDA ``.qdpx``/``.qdc``) and IRaMuTeQ.

* ``export``: a cycle's texts, codes and codebook as a ``.qdpx`` project;
* ``import``: a ``.qdpx``/``.qdc`` codebook as ``codebook.yaml``, its coded
  selections as human codes (with a French report of what was not matched);
* ``iramuteq``: a cycle's texts as an IRaMuTeQ corpus.

They read the exchange corpus a cycle saves in ``outputs/<cycle>/qda/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from ..errors import InputError, Problem


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``qda`` group to the ``areas`` parser."""
    p = sub.add_parser(
        "qda", help="échanger avec les logiciels d'analyse qualitative (QualCoder, NVivo, ATLAS.ti, MAXQDA, "
        "Taguette, IRaMuTeQ)",
        description="Échanges QDA : export REFI-QDA (.qdpx), import d'une grille et de codes (.qdpx, .qdc), "
        "corpus IRaMuTeQ.",
    )
    p.set_defaults(func=lambda args: p.print_help())
    cmds = p.add_subparsers(title="commandes", dest="qda_cmd", metavar="COMMANDE", parser_class=type(p))

    e = cmds.add_parser("export", help="exporter les textes, la grille et les codes d'un cycle en .qdpx",
                        description="Écrit un projet REFI-QDA (.qdpx) lisible par QualCoder, NVivo, ATLAS.ti et "
                        "MAXQDA : une source par atelier et par réponse libre, la grille (définitions, "
                        "hiérarchie, couleurs), chaque code comme sélection (utilisateurs : codeurs humains, "
                        "relecture, machine AREAS avec son score), les cas et leurs variables.")
    e.add_argument("--cycle", type=Path, required=True, metavar="outputs/CYCLE", help="dossier du cycle")
    e.add_argument("--out", type=Path, required=True, metavar="FICHIER.qdpx", help="projet à écrire")
    e.add_argument("--sections", nargs="+", metavar="SECTION",
                   help="sections du cycle à exporter (défaut : toutes, par ex. ateliers usagers pros)")
    e.add_argument("--taguette-csv", type=Path, metavar="GRILLE.csv",
                   help="écrire aussi la grille au format CSV que Taguette importe (Taguette ne lit pas les .qdc)")
    e.set_defaults(func=_export)

    i = cmds.add_parser("import", help="importer une grille (et des codes humains) d'un .qdpx ou .qdc",
                        description="Lit une grille de codage REFI-QDA (NVivo, ATLAS.ti, MAXQDA, QualCoder, "
                        "Taguette) : identifiants tirés des noms, hiérarchie en « parent », descriptions en "
                        "« definition ». Avec --codes-out, les sélections codées deviennent des codes humains "
                        "rattachés aux segments et réponses du cycle ; ce qui ne peut pas être rattaché est "
                        "listé dans CODES_non_rattaches.csv.")
    i.add_argument("input", type=Path, metavar="FICHIER.qdpx|FICHIER.qdc|TAGUETTE.csv")
    i.add_argument("--codebook-out", type=Path, required=True, metavar="CB.yaml", help="grille à écrire")
    i.add_argument("--codes-out", type=Path, metavar="CODES.csv",
                   help="codes humains à écrire (id, theme_id, coder)")
    i.add_argument("--cycle", type=Path, metavar="outputs/CYCLE",
                   help="cycle dont les segments et réponses reçoivent les codes (défaut : les textes du "
                   ".qdpx s'il a été exporté par cet espace de travail)")
    i.add_argument("--name", help="nom de la grille (défaut : celui du fichier)")
    i.add_argument("--version", dest="cb_version",
                   help="version de la grille (défaut : celle du fichier, sinon 1)")
    i.set_defaults(func=_import)

    r = cmds.add_parser("iramuteq", help="écrire les textes d'un cycle en corpus IRaMuTeQ",
                        description="Un texte par segment d'atelier ou réponse libre, précédé de sa ligne "
                        "**** *commune_X *public_Y *atelier_Z ; caractères réservés par IRaMuTeQ retirés.")
    r.add_argument("--cycle", type=Path, required=True, metavar="outputs/CYCLE", help="dossier du cycle")
    r.add_argument("--out", type=Path, required=True, metavar="corpus.txt", help="corpus à écrire")
    r.add_argument("--sections", nargs="+", metavar="SECTION", help="sections du cycle (défaut : toutes)")
    r.set_defaults(func=_iramuteq)


def _export(args: argparse.Namespace) -> int:
    from ..qda import read_cycle_corpus, write_qdpx

    corpus = read_cycle_corpus(args.cycle, sections=args.sections)
    path = write_qdpx(corpus, args.out)
    n_sel = int(corpus.codes["id"].isin(set(corpus.units["id"])).sum())
    print(f"Projet QDA écrit : {path} ({corpus.units['source'].nunique()} sources, "
          f"{len(corpus.codebook.themes)} thèmes, {n_sel} codes, {corpus.units['case'].nunique()} cas).")
    if args.taguette_csv:
        from ..qda import write_taguette_codebook

        print(f"Grille pour Taguette écrite : {write_taguette_codebook(corpus.codebook, args.taguette_csv)}.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..qda import import_refi, read_cycle_corpus
    from ..themes.codings import write_codings

    units = read_cycle_corpus(args.cycle).units if args.cycle else None
    if args.codes_out and args.input.suffix.lower() in (".qdc", ".csv"):
        raise InputError([Problem(str(args.input), "un fichier .qdc ne contient que la grille, pas de codes : "
                                  "exportez le projet complet (.qdpx) pour --codes-out")])
    result = import_refi(args.input, units, name=args.name, version=args.cb_version)
    args.codebook_out.parent.mkdir(parents=True, exist_ok=True)
    args.codebook_out.write_text(yaml.safe_dump(result.codebook.to_dict(), allow_unicode=True, sort_keys=False,
                                                width=120), encoding="utf-8")
    print(f"Grille écrite : {args.codebook_out} ({len(result.codebook.themes)} thèmes).")
    if args.codes_out:
        write_codings(result.codes, args.codes_out)
        print(f"Codes humains écrits : {args.codes_out}.")
        if len(result.unmatched):
            report = args.codes_out.with_name(args.codes_out.stem + "_non_rattaches.csv")
            result.unmatched.to_csv(report, sep=";", index=False, encoding="utf-8-sig")
            print(f"Sélections non rattachées : {report}.")
    print(result.summary())
    return 0


def _iramuteq(args: argparse.Namespace) -> int:
    from ..qda import read_cycle_corpus, write_iramuteq

    corpus = read_cycle_corpus(args.cycle, sections=args.sections)
    path = write_iramuteq(corpus, args.out)
    n = sum(1 for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("****"))
    print(f"Corpus IRaMuTeQ écrit : {path} ({n} textes).")
    return 0
