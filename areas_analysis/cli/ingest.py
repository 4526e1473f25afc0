"""``areas ingest``: read atelier notes and questionnaire exports, pseudonymised.

``areas ingest notes PATH... --out segments.csv [--manifest manifest.csv]``
``areas ingest survey FICHIER [--dictionary D.yaml] --out DOSSIER [--lenient]``

Both commands pseudonymise before writing anything (key under
``data/private/``), print a French summary and exit with status 2 and a
French message — never a traceback — on bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import AreasError

_SEPARATOR_NAMES = {"\\t": "\t", "tab": "\t", "tabulation": "\t", "virgule": ",", "point-virgule": ";"}


def _pseudonymizer(args: argparse.Namespace):  # noqa: ANN202 - type lives in privacy
    from ..io import read_text
    from ..privacy import Pseudonymizer

    names: list[str] = []
    if args.noms:
        path = Path(args.noms)
        if not path.is_file():
            raise AreasError(f"Liste de noms introuvable : {path}")
        names = [n.strip() for n in read_text(path).text.splitlines() if n.strip()]  # any Excel/Notepad encoding
    key = Path(args.cle) if args.cle else None
    return Pseudonymizer(key_path=key, known_names=names)


def _notes(args: argparse.Namespace) -> int:
    from ..ingest import load_notes, write_segments
    from ..ingest.notes import note_headers

    out = Path(args.out)
    if out.exists() and not args.ecraser:
        raise AreasError(f"{out} existe déjà : choisissez un autre fichier ou ajoutez --ecraser.")
    pz = _pseudonymizer(args)
    segments = load_notes(args.paths, pseudonymizer=pz, manifest=args.manifest)
    write_segments(segments, out, overwrite=args.ecraser)
    key = pz.save()
    n_files = segments["source_file"].nunique()
    n_ateliers = segments["atelier_id"].nunique()
    sections = segments["section"].value_counts()
    print(f"{len(segments)} segment(s) lus dans {n_files} fichier(s) ({n_ateliers} atelier(s)) → {out}")
    if len(sections):
        print("Sections : " + ", ".join(f"{s} ({n})" for s, n in sections.items()))
    for h in note_headers(args.paths, manifest=args.manifest).itertuples():
        found = [f"{k} {v}" for k, v in (("commune", h.commune), ("date", h.date), ("public", h.public))
                 if isinstance(v, str)]
        if found:
            print(f"En-tête {h.source_file}, ligne {h.line} : {', '.join(found)} (conforme aux métadonnées)")
    print(f"Pseudonymisation faite ; clé de correspondance : {key} (à ne jamais partager)")
    return 0


def _survey(args: argparse.Namespace) -> int:
    from ..ingest import open_answers, read_survey, write_responses

    out = Path(args.out)
    if (out / "responses.csv").exists() and not args.ecraser:
        raise AreasError(f"{out / 'responses.csv'} existe déjà : choisissez un autre dossier "
                         "ou ajoutez --ecraser.")
    pz = _pseudonymizer(args)
    survey = read_survey(args.file, args.dictionary, lenient=args.lenient, pseudonymizer=pz,
                         encoding=args.encodage, separator=_SEPARATOR_NAMES.get(args.separateur, args.separateur))
    paths = write_responses(survey, out, overwrite=args.ecraser)
    key = pz.save()
    print(f"{Path(args.file).name} : {survey.summary()}")
    print(f"Réponses : {paths['responses']}")
    draft = ""
    if survey.dictionary_inferred:
        draft = " (brouillon déduit : relisez-le puis relancez avec --dictionary)"
    print(f"Dictionnaire : {paths['dictionary']}{draft}")
    n_open = len(open_answers(survey))
    print(f"{n_open} réponse(s) ouverte(s) non vide(s), pseudonymisées ; clé : {key}")
    if survey.problems:
        print(f"{len(survey.problems)} problème(s) (cellules vidées) écrits dans {paths['problems']} ; premiers :")
        for p in survey.problems[:10]:
            print(f"  - {p}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``ingest`` group to the ``areas`` parser."""
    p = sub.add_parser("ingest", help="lire les notes d'ateliers et les exports de questionnaires",
                       description="Lire les notes d'ateliers et les exports de questionnaires, pseudonymisés.")
    p.set_defaults(func=lambda args: p.print_help())
    cmds = p.add_subparsers(title="commandes", dest="command", metavar="COMMANDE")

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--noms", metavar="FICHIER",
                       help="liste de noms de personnes à pseudonymiser (un par ligne, UTF-8)")
        q.add_argument("--cle", metavar="FICHIER",
                       help="clé de pseudonymisation (défaut : data/private/cle_pseudonymisation.json)")
        q.add_argument("--ecraser", action="store_true", help="remplacer les fichiers de sortie existants")

    n = cmds.add_parser("notes", help="notes d'ateliers (.txt, .md, .docx) → segments.csv",
                        description="Découper les notes d'ateliers en segments pseudonymisés (une ligne par puce "
                                    "ou phrase).")
    n.add_argument("paths", nargs="+", metavar="CHEMIN", help="fichiers de notes ou dossiers qui en contiennent")
    n.add_argument("--out", required=True, metavar="FICHIER", help="fichier segments.csv à écrire")
    n.add_argument("--manifest", metavar="FICHIER",
                   help="manifest.csv des ateliers (défaut : manifest.csv à côté des notes, sinon nom de fichier "
                        "AAAA-MM-JJ_commune_A01[_public])")
    common(n)
    n.set_defaults(func=_notes)

    s = cmds.add_parser("survey", help="export de questionnaire (CSV, XLSX) → réponses typées",
                        description="Lire un export de questionnaire, le valider avec son dictionnaire de données "
                                    "et écrire responses.csv + dictionary.yaml.")
    s.add_argument("file", metavar="FICHIER", help="export CSV/TSV/XLSX")
    s.add_argument("--dictionary", metavar="D.yaml",
                   help="dictionnaire de données ; sans lui, un brouillon est déduit et écrit dans le dossier")
    s.add_argument("--out", required=True, metavar="DOSSIER", help="dossier de sortie")
    s.add_argument("--lenient", action="store_true",
                   help="continuer malgré les problèmes : cellules fautives vidées, liste dans problemes.csv")
    s.add_argument("--encodage", metavar="NOM", help="encodage du fichier (défaut : détecté)")
    s.add_argument("--separateur", metavar="CAR", help="séparateur CSV (défaut : détecté)")
    common(s)
    s.set_defaults(func=_survey)
