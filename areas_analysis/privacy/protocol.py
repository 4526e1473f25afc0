"""What a reader of free text needs from a pseudonymiser (implemented by :class:`Pseudonymizer`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import pandas as pd

__all__ = ["TextPseudonymizer"]


@runtime_checkable
class TextPseudonymizer(Protocol):
    """What ingest needs from :class:`areas_analysis.privacy.Pseudonymizer`."""

    def pseudonymize(self, text: str) -> str:
        """Replace names, e-mails and phone numbers in free text."""
        ...

    def pseudonymize_name(self, name: str) -> str:
        """Stable token of a bare person name."""
        ...

    def pseudonymize_frame(self, df: pd.DataFrame, text_columns: Sequence[str],
                           name_columns: Sequence[str] = ()) -> pd.DataFrame:
        """New frame with the given columns pseudonymised."""
        ...
