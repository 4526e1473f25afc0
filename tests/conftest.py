"""Fixtures and helpers shared by the whole test suite.

Real public data (``../shared``) is read in place, never copied. On a user's own
machine it may be absent: tests that need it are then skipped with a reason. In
CI (``CI`` set to ``true``/``1``) a missing file is a failure, so nothing that
matters is silently skipped there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from areas_analysis.config import SHARED_DIR


def in_ci() -> bool:
    """Whether the suite runs in CI, where the shared data must be present."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def shared_file(*parts: str) -> Path:
    """Path of a file under ``../shared``; skip the test (fail in CI) when it is absent.

    Call it inside a test or a fixture, not at import time::

        def test_reads_limesurvey():
            path = shared_file("external", "limesurvey_export", "results-survey4914.xlsx")
    """
    path = SHARED_DIR.joinpath(*parts)
    if path.exists():
        return path
    reason = (f"données partagées absentes : {path} (dossier ../shared à côté du dépôt, "
              "ou variable AREAS_SHARED)")
    if in_ci():
        pytest.fail(reason + " — obligatoires en CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``../shared`` folder (skipped where absent, failing in CI)."""
    return shared_file()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "shared(*paths): needs these files under ../shared (skipped where absent, failing in CI)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers(name="shared"):
        for rel in mark.args:
            shared_file(*Path(rel).parts)
