"""Invariants for arbitrary text (hypothesis): nothing lost, offsets exact, search and ask never crash."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core import Assistant
from assistant.records import QuestionError
from index.chunk import chunk_documents
from index.parse import ParseError, parse_text
from index.search import TipIndex
from index.settings import Settings
from index.store import build_index
from index.text import sentence_spans, unit_spans

WORDS = st.sampled_from(["the", "government", "Tier", "victims", "U.S.", "e.g.", "83", "NAP", "(SLI)", "Dr.",
                         "labor", "—", "“quoted”", "l’État", "Ukraine’s", "trafficking", "a.m.", "3.5", "etc."])
PUNCT = st.sampled_from([".", "?", "!", ";", ",", ":", "", " ", "\n", "\n\n", "\u00a0", "\t", "\f"])
SENTENCEISH = st.lists(st.tuples(WORDS, PUNCT).map("".join), min_size=1, max_size=40).map(" ".join)
TEXTS = st.one_of(SENTENCEISH, st.text(min_size=1, max_size=400))
HEADER = "RURITANIA (Tier 2) Extracted in part from the U.S. State Dept 2023 TIP Report\n\n"

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _words(text: str) -> list[str]:
    return text.replace("\u00a0", " ").replace("\f", " ").split()


@FAST
@given(TEXTS)
def test_parsing_keeps_every_word_in_order(body: str) -> None:
    try:
        docs = parse_text(HEADER + body, "x.txt")
    except ParseError:
        assert not "".join(_words(body)).strip("[]")
        return
    doc = docs[0]
    kept = "".join(_words(doc.text[len(doc.source_line):]))
    expected = "".join(_words(body))
    # Paragraph banners "[ ... ]" are dropped by design; every other character survives, in order
    # (whitespace aside: wrapped lines are joined, words hyphenated across lines are rejoined).
    if "[" not in expected:
        assert kept == expected


@FAST
@given(TEXTS, st.integers(min_value=5, max_value=80), st.integers(min_value=0, max_value=4))
def test_chunks_have_exact_offsets_and_cover_every_sentence(body: str, size: int, overlap: int) -> None:
    try:
        doc = parse_text(HEADER + body, "x.txt")[0]
    except ParseError:
        return
    chunks = chunk_documents([doc], "sentence", size, min(overlap, size - 1))
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip() == chunk.text and chunk.text
    for section in doc.sections:
        for start, end in unit_spans(doc.text, section.start, section.end):
            assert any(c.start <= start and end <= c.end for c in chunks)


@FAST
@given(st.text(max_size=300))
def test_sentence_spans_partition_the_non_space_text(text: str) -> None:
    spans = sentence_spans(text)
    joined = "".join(text[a:b] for a, b in spans)
    assert "".join(joined.split()) == "".join(text.split())
    assert all(a < b for a, b in spans) and all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))


@pytest.fixture(scope="module")
def hashing_bot(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Assistant:
    settings = Settings.load({"model": "hashing-64"}, env={})
    folder = tmp_path_factory.mktemp("prop-index")
    build_index([seed_path], folder, settings)
    return Assistant(TipIndex.load(folder, settings), settings)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=500), st.sampled_from(["hybrid", "bm25", "dense"]))
def test_search_never_fails(hashing_bot: Assistant, query: str, retrieval: str) -> None:
    hits = hashing_bot.index.search(query, k=5, retrieval=retrieval)
    assert len(hits) <= 5
    for hit in hits:
        doc = hashing_bot.index.documents[hit.chunk.document]
        assert doc.text[hit.chunk.start : hit.chunk.end] == hit.chunk.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400), st.lists(st.text(max_size=80), max_size=3))
def test_ask_answers_or_raises_question_error(hashing_bot: Assistant, question: str, history: list[str]) -> None:
    try:
        reply = hashing_bot.ask(question, history=history)
    except QuestionError:
        return
    for citation in reply.citations:
        assert hashing_bot.index.documents[citation.document].text[citation.start : citation.end] == citation.quote
    assert isinstance(reply.answer, str) and reply.answer
