"""Typed records the assistant returns: a reply and its citations."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.records import Hit


@dataclass(frozen=True)
class Citation:
    """A numbered, verbatim excerpt: ``quote == document_text[start:end]``."""

    n: int
    document: str
    country: str | None  # None for report text outside the narratives (introduction, methodology, ...)
    tier: str | None
    section: str
    quote: str
    start: int
    end: int
    score: float
    year: int | None = None
    page: int | None = None

    @property
    def label(self) -> str:
        """Where the excerpt is, for a reader: "Lithuania 2023 · Tier 1 · Summary · p. 4" (report text outside
        the narratives: "Report 2023 · Methodology · p. 2")."""
        head = f"{self.country or 'Report'} {self.year}" if self.year else (self.country or "Report")
        parts = [head]
        if self.country is not None:
            parts.append(self.tier or "no tier")
        parts.append(self.section)
        if self.page:
            parts.append(f"p. {self.page}")
        return " · ".join(parts)

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "document": self.document,
            "country": self.country,
            "tier": self.tier,
            "section": self.section,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "year": self.year,
            "page": self.page,
        }


@dataclass
class Reply:
    """An answer with inline ``[n]`` markers, its citations, and whether it is a refusal."""

    question: str
    answer: str
    citations: list[Citation]
    refused: bool
    timings: dict[str, float] = field(default_factory=dict)
    answerer: str = "extractive"
    notes: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    # Probability of the best candidate sentence (extractive path); what the refusal threshold is compared to.
    best_score: float | None = None
    # The direct answer the reply leads with (a country, a number, yes or no); a local model's reply keeps it.
    lead: str | None = None
    intent: str | None = None

    def to_dict(self) -> dict:
        """The JSON form: everything a caller needs to show, check or log the reply (hits excepted)."""
        return {
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "answerer": self.answerer,
            "intent": self.intent,
            "notes": list(self.notes),
            "countries": list(self.countries),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }
