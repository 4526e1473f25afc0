"""``areas themes``: placeholder until the themes stage lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``themes`` group to the ``areas`` parser."""
    p = sub.add_parser("themes", help="(en construction)")
    p.set_defaults(func=lambda args: p.print_help())
