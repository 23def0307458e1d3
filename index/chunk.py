"""Cut documents into chunks: sentence-aware (default) or fixed word windows (the naive baseline)."""

from __future__ import annotations

from collections.abc import Iterable

from index.records import Chunk, Document
from index.text import unit_spans, word_count, word_spans

# A unit (sentence or clause) above this many characters is split at semicolons.
MAX_UNIT_CHARS = 600


def chunk_documents(
    documents: Iterable[Document], chunker: str = "sentence", size: int = 120, overlap: int = 25
) -> list[Chunk]:
    """Chunks of every document, in document order."""
    chunks: list[Chunk] = []
    for doc in documents:
        if chunker == "sentence":
            spans = sentence_chunk_spans(doc, size, overlap)
        elif chunker == "fixed":
            spans = fixed_chunk_spans(doc, size, overlap)
        else:
            raise ValueError(f"unknown chunker {chunker!r}; use 'sentence' or 'fixed'")
        chunks.extend(_make_chunk(doc, start, end) for start, end in spans)
    return chunks


def _make_chunk(doc: Document, start: int, end: int) -> Chunk:
    return Chunk(
        chunk_id=f"{doc.doc_id}:{start}-{end}",
        document=doc.doc_id,
        country=doc.country,
        tier=doc.tier,
        year=doc.year,
        section=doc.section_at(start),
        page=doc.page_at(start),
        start=start,
        end=end,
        text=doc.text[start:end],
    )


def is_list_section(title: str) -> bool:
    """Recommendation lists are chunked one item per chunk."""
    return "recommendation" in title.lower()


def is_profile_section(title: str) -> bool:
    """The trafficking profile describes the problem; the other sections, the government's efforts."""
    return "profile" in title.lower()


def sentence_chunk_spans(doc: Document, size: int, overlap: int) -> list[tuple[int, int]]:
    """Pack whole sentences into chunks of about ``size`` words within each section.

    The next chunk repeats the last sentences of the previous one, up to ``overlap`` words.
    A sentence is never cut; a sentence longer than ``size`` words is cut only at its semicolons.
    """
    spans: list[tuple[int, int]] = []
    for section in doc.sections:
        units = unit_spans(doc.text, section.start, section.end, MAX_UNIT_CHARS)
        if is_list_section(section.title):
            spans.extend(units)
            continue
        lengths = [word_count(doc.text[a:b]) for a, b in units]
        i = 0
        while i < len(units):
            j = i
            words = lengths[i]
            while j + 1 < len(units) and words + lengths[j + 1] <= size:
                j += 1
                words += lengths[j]
            spans.append((units[i][0], units[j][1]))
            if j + 1 >= len(units):
                break
            # Step back over trailing sentences that fit in the overlap, but always advance.
            k = j + 1
            carried = 0
            while k - 1 > i and carried + lengths[k - 1] <= overlap:
                k -= 1
                carried += lengths[k]
            i = k
    return spans


def fixed_chunk_spans(doc: Document, size: int, overlap: int) -> list[tuple[int, int]]:
    """Windows of ``size`` words over the narrative, ignoring sentences and sections."""
    first = doc.sections[0].start if doc.sections else 0
    words = list(word_spans(doc.text, first))
    spans = []
    step = max(1, size - overlap)
    for i in range(0, len(words), step):
        window = words[i : i + size]
        spans.append((window[0][0], window[-1][1]))
        if i + size >= len(words):
            break
    return spans
