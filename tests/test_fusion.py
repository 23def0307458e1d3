"""Hybrid retrieval's fusion (hashing embedder, no model): each retriever's leaders are always kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.search import TipIndex
from index.settings import Settings
from index.store import build_index


class FixedRanking:
    """A retriever that returns a given ranking of chunk rows, whatever the query."""

    def __init__(self, rows: list[int]) -> None:
        self.rows = rows

    def rank(self, query: str, k: int, rows: np.ndarray | None, query_vector: np.ndarray | None = None):
        return [(row, 1.0 / n) for n, row in enumerate(self.rows[:k], start=1)]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TipIndex:
    fixture = Path(__file__).parent / "fixtures" / "ruritania-full-format.txt"
    settings = Settings.load({"model": "hashing-256", "chunk_size": 40, "country_routing": False}, env={})
    index_dir = tmp_path_factory.mktemp("fusion-index")
    build_index([fixture], index_dir, settings)
    loaded = TipIndex.load(index_dir, settings)
    assert len(loaded.chunks) >= 9
    return loaded


def test_a_passage_only_one_retriever_finds_first_is_kept(index: TipIndex) -> None:
    """Ranked first by BM25 and absent from the dense ranking, a passage would fuse below every passage both
    retrievers rank lower down; it still comes back among the top k."""
    shared = list(range(2, 9))
    index.retrievers = {"dense": FixedRanking(shared), "bm25": FixedRanking([0, *shared])}
    rows = [index.chunks.index(hit.chunk) for hit in index.search("anything", k=5, query_vector=np.zeros(256))]
    assert 0 in rows and len(rows) == 5
    assert rows[:4] == shared[:4]  # the rest keep their fused order


def test_without_leaders_fusion_is_plain_reciprocal_rank(index: TipIndex) -> None:
    shared = list(range(2, 9))
    plain = TipIndex(index.stored, Settings.load({"model": "hashing-256", "leaders": 0}, env={}), index.embedder)
    plain.retrievers = {"dense": FixedRanking(shared), "bm25": FixedRanking([0, *shared])}
    rows = [plain.chunks.index(hit.chunk) for hit in plain.search("anything", k=5, query_vector=np.zeros(256),
                                                                     routing=False)]
    assert rows == shared[:5]
