"""Retrieval with the real embedding model: paraphrases, country filter and routing, retriever tags."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from index.search import TipIndex, UnknownCountryError
from index.settings import Settings

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_index(seed_index_dir: Path) -> TipIndex:
    return TipIndex.load(seed_index_dir, Settings.load(env={}))


@pytest.fixture(scope="module")
def corpus_index(corpus_index_dir: Path) -> TipIndex:
    return TipIndex.load(corpus_index_dir, Settings.load(env={}))


@pytest.mark.parametrize("query", [
    "How many new labor inspector positions were created?",
    "How many labor inspectors were added?",
    "Did the labor inspectorate get more staff?",
])
def test_paraphrased_questions_find_the_inspector_sentence(seed_index: TipIndex, query: str) -> None:
    top = seed_index.search(query, k=3)[0]
    assert "SLI created 10 new inspector positions" in top.chunk.text
    assert top.rank == 1 and top.chunk.country == "Lithuania" and top.chunk.section == "Summary"


def test_hits_are_typed_and_ranked(seed_index: TipIndex) -> None:
    hits = seed_index.search("national rapporteur independent from the Ministry of Interior", k=5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
    assert hits[0].chunk.section == "Prioritized Recommendations"
    assert set(hits[0].retrievers) == {"dense", "bm25"}
    data = hits[0].to_dict()
    assert set(data) >= {"text", "document", "country", "tier", "year", "section", "start", "end", "score", "rank"}


def test_each_retriever_alone(seed_index: TipIndex) -> None:
    for retrieval in ("bm25", "dense"):
        hits = seed_index.search("new NAP", k=3, retrieval=retrieval)
        assert hits and all(h.retrievers == (retrieval,) for h in hits)
    assert seed_index.search("zzzz qqqq", k=3, retrieval="bm25") == []


def test_country_filter_returns_only_that_country(corpus_index: TipIndex) -> None:
    hits = corpus_index.search("forced labor", k=8, countries=["Haiti"])
    assert hits and {h.chunk.country for h in hits} == {"Haiti"}
    assert len({d.country for d in corpus_index.documents.values()}) == 51


def test_query_naming_a_country_is_routed_to_it(corpus_index: TipIndex) -> None:
    hits = corpus_index.search("Who exploits Rohingya refugees in Malaysia?", k=5)
    assert {h.chunk.country for h in hits} == {"Malaysia"}
    unrouted = corpus_index.search("Who exploits Rohingya refugees in Malaysia?", k=20, routing=False)
    assert len({h.chunk.country for h in unrouted}) > 1


def test_unknown_country_filter_is_a_clear_error(corpus_index: TipIndex) -> None:
    with pytest.raises(UnknownCountryError, match="'Atlantis' is not in this index"):
        corpus_index.search("forced labor", countries=["Atlantis"])


def test_acronyms_are_expanded(seed_index: TipIndex) -> None:
    assert "State Labor Inspection" in seed_index.expand_query("What did the SLI do?")
    assert "(NAP)" in seed_index.expand_query("Is there a national action plan?")
    top = seed_index.search("Is there a national action plan?", k=3)
    assert any("new NAP" in h.chunk.text for h in top)


def test_sentence_search_finds_a_paraphrase(corpus_index: TipIndex) -> None:
    """"Prison labour to make up for a lack of migrant workers" shares almost no word with Russia's "convict
    labor to offset a shortage of labor migrants": the sentence's own vector finds it first."""
    query = corpus_index.embed_query("Which government leaned on prison labour to make up for a lack of migrant "
                                     "workers?")
    doc_id, start, end, _ = corpus_index.nearest_units(query, 5, corpus_index.latest_documents())[0]
    doc = corpus_index.documents[doc_id]
    assert doc.country == "Russia" and "convict labor to offset a shortage" in doc.text[start:end]
