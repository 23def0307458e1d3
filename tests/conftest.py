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


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Path:
    """The bundled report indexed with the real embedding model (built once per test session)."""
    from index.settings import Settings
    from index.store import build_index

    folder = tmp_path_factory.mktemp("seed-index")
    build_index([seed_path], folder, Settings.load(env={}))
    return folder


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory: pytest.TempPathFactory, seed_path: Path, factbook_dir: Path) -> Path:
    """Seed + factbook (51 narratives) indexed with the real embedding model."""
    from index.settings import Settings
    from index.store import build_index

    folder = tmp_path_factory.mktemp("corpus-index")
    build_index([seed_path, factbook_dir], folder, Settings.load(env={}))
    return folder


@pytest.fixture(scope="session")
def seed_bot(seed_index_dir: Path):
    from assistant.core import Assistant
    from index.settings import Settings

    return Assistant.load(seed_index_dir, settings=Settings.load(env={}))


@pytest.fixture(scope="session")
def corpus_bot(corpus_index_dir: Path):
    from assistant.core import Assistant
    from index.settings import Settings

    return Assistant.load(corpus_index_dir, settings=Settings.load(env={}))
