"""``areas privacy``: review the pseudonymisation key and retire entries that are not names.

``areas privacy cle [--cle K]`` lists the key (tokens, names, forms, links, retired entries).
``areas privacy retirer CIBLE... [--cle K] [--liste data/noms_a_garder.txt] [--sans-liste]``
retires entries that proved not to be people (« [PERSONNE_9] » or « Monalisa »): the token keeps
its meaning on record and is never given again, no other token changes, and the word is added
to the never-mask list so that later cycles leave it as written.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``privacy`` group to the ``areas`` parser."""
    p = sub.add_parser("privacy", help="clé de pseudonymisation : relire, retirer ce qui n'est pas un nom",
                       description="Relire la clé de pseudonymisation et retirer les entrées qui ne sont pas "
                                   "des personnes (produits, lieux, mots ordinaires).")
    p.set_defaults(func=lambda args: p.print_help())
    cmds = p.add_subparsers(title="commandes", dest="command", metavar="COMMANDE", parser_class=type(p))
    key_help = "clé de pseudonymisation (défaut : data/private/cle_pseudonymisation.json)"

    c = cmds.add_parser("cle", help="lister les entrées de la clé (confidentiel : ne pas copier)",
                        description="Lister les jetons de la clé, leur nom, leurs formes, leurs liens.")
    c.add_argument("--cle", metavar="FICHIER", help=key_help)
    c.set_defaults(func=_list)

    r = cmds.add_parser("retirer", help="retirer de la clé des entrées qui ne sont pas des noms",
                        description="Retirer de la clé des entrées qui ne sont pas des personnes. Le jeton garde "
                                    "son sens dans les sorties déjà écrites et n'est jamais redonné ; les autres "
                                    "jetons ne changent pas ; le mot est ajouté à la liste des noms à garder.")
    r.add_argument("targets", nargs="+", metavar="CIBLE", help="jeton (« [PERSONNE_9] » ou PERSONNE_9) ou nom")
    r.add_argument("--cle", metavar="FICHIER", help=key_help)
    r.add_argument("--liste", metavar="FICHIER",
                   help="liste des noms à garder où ajouter les mots retirés (défaut : data/noms_a_garder.txt)")
    r.add_argument("--sans-liste", action="store_true", help="ne pas ajouter les mots retirés à la liste")
    r.set_defaults(func=_retire)


def _load(args: argparse.Namespace):  # noqa: ANN202 - type lives in privacy
    from ..errors import AreasError
    from ..privacy import Pseudonymizer, default_key_path

    key = Path(args.cle) if args.cle else default_key_path()
    if not key.is_file():
        raise AreasError(f"Clé de pseudonymisation introuvable : {key}")
    return Pseudonymizer(key_path=key, use_ner=False, never_mask=())


def _list(args: argparse.Namespace) -> int:
    pz = _load(args)
    entries = pz.entries()
    for e in entries:
        extra = ""
        if e.get("liens"):
            extra += " ; liée à " + ", ".join(e["liens"])
        if e.get("retire"):
            extra += " ; RETIRÉE (pas un nom)"
        print(f"{e['jeton']} : {e['nom']} — formes : {', '.join(e['formes'])}{extra}")
    print(f"{len(entries)} entrée(s) dans {pz.key_path} (confidentiel : ne jamais copier dans outputs/).")
    return 0


def _retire(args: argparse.Namespace) -> int:
    from ..privacy import add_to_never_mask, default_never_mask_path

    pz = _load(args)
    retired = pz.retire(args.targets)
    pz.save()
    for token, name in retired:
        print(f"{token} retiré (« {name} ») : ce jeton n'est plus appliqué et ne sera jamais redonné.")
    if not args.sans_liste:
        path = Path(args.liste) if args.liste else default_never_mask_path()
        added = add_to_never_mask(path, [name for _, name in retired])
        if added:
            print(f"Ajouté à {path} : " + ", ".join(f"« {n} »" for n in added)
                  + " (ne sera plus masqué aux prochains cycles).")
    return 0
