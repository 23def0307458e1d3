"""Shared fixtures: paths to the bundled seed report and the factbook corpus beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = REPO_ROOT / "assistant" / "data" / "lithuania-2023.txt"
FACTBOOK_DIR = Path(
    os.environ.get("TIP_FACTBOOK_DIR", REPO_ROOT.parent / "shared" / "corpora" / "factbook-tip-2023")
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED_PATH


@pytest.fixture(scope="session")
def factbook_dir() -> Path:
    if not FACTBOOK_DIR.is_dir():
        pytest.skip(f"factbook corpus not found at {FACTBOOK_DIR} (set TIP_FACTBOOK_DIR)")
    return FACTBOOK_DIR
