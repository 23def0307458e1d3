"""Shared fixtures: paths to the bundled seed report and the factbook corpus beside the repo; hypothesis
profiles.

Property tests run under one of two hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE``:
``ci`` (what ``make test`` and CI use) draws the same examples on every run, so a fresh clone passes or
fails the same way every time; ``explore`` (the default for a bare ``pytest``) draws new examples each
run and keeps failures in ``.hypothesis/`` to replay them. Either way a failure prints the
``@reproduce_failure`` blob; add the failing input as an ``@example`` so it stays covered.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Verbosity
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile(
    "ci", derandomize=True, database=None, print_blob=True, deadline=None, max_examples=200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.register_profile(
    "explore", print_blob=True, deadline=None, max_examples=200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.register_profile(
    "deep", parent=hypothesis_settings.get_profile("explore"), max_examples=20_000, verbosity=Verbosity.quiet,
)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "explore")
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def pytest_report_header(config: pytest.Config) -> str:
    how = ("derandomized: the same examples every run" if HYPOTHESIS_PROFILE == "ci"
           else "new examples every run; failures replay from .hypothesis/")
    return (f"hypothesis profile: {HYPOTHESIS_PROFILE} ({how}); reproduce a failure with "
            f"HYPOTHESIS_PROFILE={HYPOTHESIS_PROFILE} pytest tests/test_properties.py")

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = REPO_ROOT / "assistant" / "data" / "lithuania-2023.txt"
FACTBOOK_DIR = Path(
    os.environ.get("TIP_FACTBOOK_DIR", REPO_ROOT.parent / "shared" / "corpora" / "factbook-tip-2023")
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def hashing_bot(tmp_path_factory: pytest.TempPathFactory, narratives: dict[str, str], name: str):
    """An assistant with the hashing embedder (no model) over tiny narratives, one file per key."""
    from assistant.core import Assistant
    from index.search import TipIndex
    from index.settings import Settings
    from index.store import build_index

    corpus = tmp_path_factory.mktemp(f"{name}-corpus")
    for stem, text in narratives.items():
        (corpus / f"{stem}.txt").write_text(text, encoding="utf-8")
    settings = Settings.load({"model": "hashing-256"}, env={})
    index_dir = tmp_path_factory.mktemp(f"{name}-index")
    build_index([corpus], index_dir, settings)
    return Assistant(TipIndex.load(index_dir, settings), settings)


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


HEAVY_MARKERS = ("model", "browser", "llm", "slow")


@pytest.fixture(autouse=True)
def _fast_tests_load_no_model(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test not marked model/browser/llm/slow runs in the fast step: loading the real model is a missing marker."""
    if any(request.node.get_closest_marker(name) for name in HEAVY_MARKERS):
        return
    from index.embed import OnnxEmbedder, SentenceTransformerEmbedder

    def refuse(self: object) -> None:
        raise AssertionError(f"{request.node.nodeid} loads the embedding model: mark it @pytest.mark.model")

    monkeypatch.setattr(SentenceTransformerEmbedder, "_load", refuse)
    monkeypatch.setattr(OnnxEmbedder, "_load", refuse)
