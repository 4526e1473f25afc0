"""The ``areas`` command line: one sub-command group per stage.

Each group lives in its own module (``cli/ingest.py``, ``cli/themes.py``,
``cli/cycle.py``...) exposing ``register(subparsers)``; handlers call the same
library functions as the notebooks. User-facing text is French; an
:class:`~areas_analysis.errors.AreasError` is printed without a traceback and
the command exits with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import AreasError

#: Sub-command modules, in the order they appear in ``areas --help``.
GROUPS = ("ingest", "privacy", "themes", "cycle", "sample", "qda")

_TRANSLATIONS = {
    "the following arguments are required: ": "arguments obligatoires manquants : ",
    "unrecognized arguments: ": "arguments non reconnus : ",
    "invalid choice: ": "choix invalide : ",
    "expected one argument": "une valeur est attendue",
    "argument ": "argument ",
    "(choose from ": "(choisir parmi ",
    "invalid int value: ": "nombre entier invalide : ",
    "invalid float value: ": "nombre invalide : ",
    "one of the arguments ": "un des arguments ",
    " is required": " est obligatoire",
}


class FrenchArgumentParser(argparse.ArgumentParser):
    """argparse with French usage errors and help headings."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :")

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "utilisation :")

    def error(self, message: str) -> None:  # type: ignore[override]
        for en, fr in _TRANSLATIONS.items():
            message = message.replace(en, fr)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the full ``areas`` parser from the registered groups."""
    parser = FrenchArgumentParser(
        prog="areas",
        description="Espace d'analyse AREAS : ateliers, questionnaires, thèmes, évaluation.",
    )
    sub = parser.add_subparsers(title="commandes", dest="group", metavar="COMMANDE",
                                parser_class=FrenchArgumentParser)
    sub.required = True
    for name in GROUPS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``areas`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AreasError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
