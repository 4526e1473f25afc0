"""The manifest as a table: same content as the checked manifest, typed participants."""

import pandas as pd

from areas_analysis.config import SAMPLE_DIR
from areas_analysis.ingest import manifest_table


def test_manifest_table_matches_the_csv() -> None:
    path = SAMPLE_DIR / "ateliers" / "manifest.csv"
    table = manifest_table(path)
    raw = pd.read_csv(path, dtype=str)
    assert table["atelier_id"].tolist() == raw["atelier_id"].tolist()
    assert table["participants"].tolist() == raw["participants"].astype(int).tolist()
    assert str(table["participants"].dtype) == "Int64"
