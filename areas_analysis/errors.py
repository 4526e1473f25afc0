"""User-facing errors: French messages naming file, row and column.

Library code raises :class:`AreasError` (or a subclass) for anything a user
can fix — bad input files, missing parameters, a cycle that already exists.
The CLI prints ``str(error)`` without a traceback and exits with status 2.
Messages are written in French because users read them; code stays English.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class AreasError(Exception):
    """An error the user can act on; ``str()`` is a complete French message."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Attributes:
        file: Path or name of the file.
        message: What is wrong, in French, e.g. ``"valeur hors échelle « Bof »"``.
        row: 1-based row number as a user sees it in a spreadsheet (header
            rows included), or ``None`` when the problem concerns the whole file.
        column: Column header as it appears in the file, or ``None``.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [Path(self.file).name]
        if self.row is not None:
            where.append(f"ligne {self.row}")
        if self.column is not None:
            where.append(f"colonne « {self.column} »")
        return f"{', '.join(where)} : {self.message}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a flat record (for a CSV problems report)."""
        return {"fichier": self.file, "ligne": self.row, "colonne": self.column, "probleme": self.message}


class InputError(AreasError):
    """One or more problems in input files, all listed at once."""

    def __init__(self, problems: Iterable[Problem], header: str | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        head = header or (f"{n} problème trouvé" if n == 1 else f"{n} problèmes trouvés")
        lines = [f"{head} :"] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))
