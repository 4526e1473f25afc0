"""``areas ingest``: placeholder until the ingest stage lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``ingest`` group to the ``areas`` parser."""
    p = sub.add_parser("ingest", help="(en construction)")
    p.set_defaults(func=lambda args: p.print_help())
