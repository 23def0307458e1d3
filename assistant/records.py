"""Typed records the assistant returns: a reply and its citations."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from index.records import Hit

# Where a refusal goes on to quote what the report says nearby.
_CLOSEST = re.compile(r"\s(?:The closest it comes|It says): ")


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

    def joined(self, other: Reply, question: str) -> Reply:
        """This reply and the next one as a reply to a two-part ``question``: the other's citations numbered
        on from these (an excerpt both cite keeps its first number); a refusal when either part is refused ("When
        was the plan signed, and who signed it?" is not answered by the date alone), though the reply still says
        what the report gives for the other part."""
        citations = list(self.citations)
        mine = {(c.document, c.start, c.end) for c in citations}
        if other.refused and other.citations and all((c.document, c.start, c.end) in mine for c in other.citations):
            # "The report does not say when. The closest it comes: <the excerpt the first part quoted>": the
            # refusal is kept, the excerpt is not quoted twice.
            plain = _CLOSEST.split(other.answer, maxsplit=1)[0].rstrip()
            if plain != other.answer:
                other = dataclasses.replace(other, answer=plain, citations=[])
        numbers: dict[int, int] = {}
        for c in other.citations:
            same = next((k for k in citations if (k.document, k.start, k.end) == (c.document, c.start, c.end)), None)
            if same is None:
                same = dataclasses.replace(c, n=len(citations) + 1)
                citations.append(same)
            numbers[c.n] = same.n
        answer = re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), int(m.group(1)))}]", other.answer)
        if other.lead and other.citations and len(citations) == len(self.citations):
            # The same excerpt answers both parts: it is quoted once, and the second answer only points at it.
            refs = "".join(f"[{n}]" for n in dict.fromkeys(numbers[c.n] for c in other.citations))
            answer = f"**{other.lead[0].upper() + other.lead[1:]}** {refs}."
        leads = [r.lead for r in (self, other) if r.lead and not r.refused]
        return dataclasses.replace(
            self, question=question, answer=f"{self.answer}\n\n{answer}", citations=citations,
            refused=self.refused or other.refused, notes=list(dict.fromkeys([*self.notes, *other.notes])),
            hits=[*self.hits, *other.hits], countries=list(dict.fromkeys([*self.countries, *other.countries])),
            best_score=max((r.best_score for r in (self, other) if r.best_score is not None), default=None),
            lead="; ".join(leads) or None)

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
