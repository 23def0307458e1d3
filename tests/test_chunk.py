"""Chunks: exact offsets, whole sentences, overlap, recommendation items."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from index.chunk import chunk_documents
from index.parse import load_paths
from index.text import sentence_spans, unit_spans


@pytest.fixture(scope="module")
def documents(seed_path: Path, factbook_dir: Path):
    return load_paths([seed_path, factbook_dir]).documents


@pytest.mark.parametrize(("chunker", "size", "overlap"), [("sentence", 120, 25), ("sentence", 40, 10),
                                                          ("fixed", 1024, 0), ("fixed", 50, 10)])
def test_offsets_exact_for_every_chunk_of_both_corpora(documents, chunker: str, size: int, overlap: int) -> None:
    by_id = {d.doc_id: d for d in documents}
    chunks = chunk_documents(documents, chunker, size, overlap)
    assert len(chunks) >= len(documents)
    for chunk in chunks:
        doc = by_id[chunk.document]
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert (chunk.country, chunk.tier, chunk.year) == (doc.country, doc.tier, doc.year)
        assert chunk.section == doc.section_at(chunk.start)
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_sentence_chunks_start_and_end_on_unit_boundaries(documents) -> None:
    for doc in documents:
        boundaries_start = {s for section in doc.sections for s, _ in unit_spans(doc.text, section.start, section.end)}
        boundaries_end = {e for section in doc.sections for _, e in unit_spans(doc.text, section.start, section.end)}
        for chunk in chunk_documents([doc], "sentence", 60, 15):
            assert chunk.start in boundaries_start
            assert chunk.end in boundaries_end


def test_every_sentence_is_in_some_chunk(documents) -> None:
    for doc in documents:
        chunks = chunk_documents([doc], "sentence", 50, 10)
        for section in doc.sections:
            for start, end in unit_spans(doc.text, section.start, section.end):
                assert any(c.start <= start and end <= c.end for c in chunks), doc.text[start:end]


def test_overlap_repeats_trailing_sentences(seed_path: Path) -> None:
    doc = load_paths([seed_path]).documents[0]
    summary = [c for c in chunk_documents([doc], "sentence", 120, 40) if c.section == "Summary"]
    assert len(summary) >= 2
    assert any(later.start < earlier.end for earlier, later in itertools.pairwise(summary))
    no_overlap = [c for c in chunk_documents([doc], "sentence", 120, 0) if c.section == "Summary"]
    assert all(later.start > earlier.end for earlier, later in itertools.pairwise(no_overlap))


def test_sentence_splitter_keeps_abbreviations_together() -> None:
    text = "The U.S. State Dept. report notes 83 inspections. Officials, e.g. police, acted. Tier 1. Next one."
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert sentences == ["The U.S. State Dept. report notes 83 inspections.", "Officials, e.g. police, acted.",
                         "Tier 1.", "Next one."]
