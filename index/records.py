"""Typed records passed between pipeline stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Section:
    """A titled span of a document's normalised text."""

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One country narrative, its text normalised, with structure parsed out.

    All offsets (sections, sentences, pages) index into ``text``.
    """

    doc_id: str
    source: str
    country: str
    tier: str | None
    year: int | None
    source_line: str
    text: str
    sections: tuple[Section, ...]
    # (start, end) of each page in ``text``; empty when the format has no pages.
    pages: tuple[tuple[int, int], ...] = ()

    def section_at(self, offset: int) -> str:
        """Title of the section holding ``offset`` (the last one starting at or before it)."""
        title = self.sections[0].title if self.sections else "Summary"
        for section in self.sections:
            if section.start <= offset:
                title = section.title
            else:
                break
        return title

    def page_at(self, offset: int) -> int | None:
        """1-based page number holding ``offset``, or None when pages are unknown."""
        for number, (start, end) in enumerate(self.pages, start=1):
            if start <= offset < end:
                return number
        return None


@dataclass(frozen=True)
class Chunk:
    """A retrievable span: ``text == document.text[start:end]`` always."""

    chunk_id: str
    document: str
    country: str
    tier: str | None
    year: int | None
    section: str
    page: int | None
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    """A chunk found by retrieval, with its fused score and 1-based rank."""

    chunk: Chunk
    score: float
    rank: int
    retrievers: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        chunk = self.chunk
        return {
            "text": chunk.text,
            "document": chunk.document,
            "country": chunk.country,
            "tier": chunk.tier,
            "year": chunk.year,
            "section": chunk.section,
            "page": chunk.page,
            "start": chunk.start,
            "end": chunk.end,
            "score": round(self.score, 6),
            "rank": self.rank,
            "retrievers": list(self.retrievers),
        }
