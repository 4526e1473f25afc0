"""``areas sample``: placeholder until the sample stage lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sample`` group to the ``areas`` parser."""
    p = sub.add_parser("sample", help="(en construction)")
    p.set_defaults(func=lambda args: p.print_help())
