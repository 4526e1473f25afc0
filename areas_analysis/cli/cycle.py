"""``areas cycle``: placeholder until the cycle stage lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``cycle`` group to the ``areas`` parser."""
    p = sub.add_parser("cycle", help="(en construction)")
    p.set_defaults(func=lambda args: p.print_help())
