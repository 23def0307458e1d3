"""Typed records passed between pipeline stages."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field

# What a document is: a country narrative, or the report's own text around the narratives.
NARRATIVE = "narrative"
FRONT_MATTER = "front_matter"  # introduction, topic chapters, methodology, tier tables: before the narratives
BACK_MATTER = "back_matter"  # glossaries, appendices: after the narratives
TEXT = "text"  # a file with no narrative that names no country


@dataclass(frozen=True)
class Section:
    """A titled span of a document's normalised text."""

    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One country narrative (or the report's text outside them), normalised, with structure parsed out.

    All offsets (sections, sentences, pages) index into ``text``. ``country`` is None for report text
    that is not a narrative (``kind`` says which); ``title`` names the document for display (the country,
    or the first heading of the report text). ``year`` is the report edition's.
    """

    doc_id: str
    source: str
    country: str | None
    tier: str | None
    year: int | None
    source_line: str
    text: str
    sections: tuple[Section, ...]
    # (start, end, page) runs covering ``text``, page the 1-based PDF page; empty when the format has none.
    # (Indexes built before pages were numbered hold (start, end) pairs for pages 1, 2, ... in order.)
    pages: tuple[tuple[int, ...], ...] = ()
    kind: str = NARRATIVE
    title: str = ""

    @property
    def label(self) -> str:
        """The country, or for report text its title."""
        return self.country or self.title or "Report"

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
        """1-based PDF page on which the character at ``offset`` was printed, or None when pages are unknown."""
        if not self.pages:
            return None
        if len(self.pages[0]) < 3:  # (start, end) pairs: pages 1, 2, ... in order
            for number, (start, end) in enumerate(self.pages, start=1):
                if start <= offset < end:
                    return number
            return None
        starts = [span[0] for span in self.pages]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0 or offset >= self.pages[-1][1]:
            return None
        return self.pages[i][2]


@dataclass(frozen=True)
class Chunk:
    """A retrievable span: ``text == document.text[start:end]`` always."""

    chunk_id: str
    document: str
    country: str | None  # None for report text outside the narratives
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
