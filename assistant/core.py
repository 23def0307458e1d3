"""The Assistant: loads an index once and answers questions with cited, verbatim excerpts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from assistant.conversation import resolve
from assistant.extractive import ExtractiveAnswerer, ScoredUnit, summary_span, tier_quote_span
from assistant.paths import bundled_corpus, default_index_dir
from assistant.question import Question, analyse
from assistant.records import Citation, Reply
from index.embed import Embedder
from index.records import Document
from index.search import TipIndex
from index.settings import Settings
from index.store import IndexMismatchError, IndexNotFoundError, build_index, read_manifest

INJECTION_REPLY = (
    "I only answer questions about the report, from its text; I can't follow instructions to change "
    "how I answer or what the report says."
)


class _Citations:
    """Collects citations, numbering each distinct excerpt once."""

    def __init__(self, documents: dict[str, Document]) -> None:
        self.documents = documents
        self.items: list[Citation] = []

    def add(self, document: str, start: int, end: int, score: float) -> int:
        for citation in self.items:
            if citation.document == document and citation.start == start and citation.end == end:
                return citation.n
        doc = self.documents[document]
        citation = Citation(
            n=len(self.items) + 1,
            document=document,
            country=doc.country,
            tier=doc.tier,
            section=doc.section_at(start),
            quote=doc.text[start:end],
            start=start,
            end=end,
            score=score,
            year=doc.year,
            page=doc.page_at(start),
        )
        self.items.append(citation)
        return citation.n


class Assistant:
    """Question answering over one loaded index. Construct with ``Assistant.load``."""

    def __init__(self, index: TipIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.extractive = ExtractiveAnswerer(index)
        self._by_country: dict[str, Document] = {}
        for doc in sorted(index.documents.values(), key=lambda d: (d.country, -(d.year or 0))):
            self._by_country.setdefault(doc.country, doc)

    @classmethod
    def load(
        cls,
        index_dir: Path | str | None = None,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Assistant:
        """Load an index; with no ``index_dir``, the bundled report's index, built on first use."""
        settings = settings or Settings.load()
        if index_dir is None and settings.index_dir is None:
            index_dir = default_index_dir(settings)
            try:
                manifest = read_manifest(index_dir)
                stale = manifest.get("sources", {}) and str(bundled_corpus().resolve()) not in manifest["sources"]
                index = None if stale else TipIndex.load(index_dir, settings, embedder)
            except (IndexNotFoundError, IndexMismatchError):
                index = None
            if index is None:
                build_index([bundled_corpus()], index_dir, settings, embedder=embedder, progress=progress)
                index = TipIndex.load(index_dir, settings, embedder)
        else:
            index = TipIndex.load(Path(index_dir or settings.index_dir), settings, embedder)
        return cls(index, settings)

    @property
    def countries(self) -> list[str]:
        return sorted(self._by_country)

    def ask(self, question: str, history: list[str] | None = None, countries: list[str] | None = None) -> Reply:
        """Answer ``question``; ``history`` is the earlier user questions (optionally answers), oldest first.

        ``countries`` restricts the answer to those countries (a UI filter). Raises QuestionError for a
        question with nothing to ask; never returns an error as text.
        """
        started = time.perf_counter()
        timings: dict[str, float] = {}
        parsed = analyse(question, self.settings.max_question_chars)
        history = [h for h in (history or []) if isinstance(h, str) and h.strip()]
        single = self.countries[0] if len(self._by_country) == 1 else None
        resolved = resolve(parsed.text, history, self.index.countries, single)
        if countries:
            resolved.countries = [self.index.countries.split(c)[0][0] if self.index.countries.split(c)[0] else c
                                  for c in countries]
            resolved.missing = []
        timings["understand_ms"] = _ms(started)
        reply = self._dispatch(parsed, resolved.countries, resolved.missing, resolved.query, timings)
        reply.notes = parsed.notes + reply.notes
        reply.countries = resolved.countries
        reply.timings = {**timings, "total_ms": _ms(started)}
        return reply

    def _dispatch(self, parsed: Question, countries: list[str], missing: list[str], query: str,
                  timings: dict[str, float]) -> Reply:
        if parsed.injection:
            return Reply(parsed.text, INJECTION_REPLY, [], refused=True)
        if missing and not countries:
            names = " or ".join(missing)
            covered = self.countries
            listing = ", ".join(covered) if len(covered) <= 8 else f"{len(covered)} countries"
            return Reply(parsed.text, f"The report does not cover {names}. This index holds {listing}.", [],
                         refused=True)
        if parsed.about_tier and (parsed.across_countries or (not countries and parsed.tier_named)):
            return self._tier_listing(parsed)
        if parsed.compare and len(countries) >= 2:
            return self._compare(parsed, countries, missing, query, timings)
        if parsed.about_tier and countries and not parsed.wants_list:
            return self._tier_answer(parsed, countries, missing)
        return self._extract(parsed, countries, missing, query, timings)

    # Structured answers from parsed metadata, each citing the sentence that states the tier.

    def _tier_answer(self, parsed: Question, countries: list[str], missing: list[str]) -> Reply:
        cites = _Citations(self.index.documents)
        lines = []
        for country in countries:
            doc = self._by_country[country]
            if not doc.tier:
                lines.append(f"The report does not state a tier for {country}.")
                continue
            n = cites.add(doc.doc_id, *tier_quote_span(doc), score=1.0)
            year = f" in the {doc.year} report" if doc.year else ""
            if parsed.tier_named and parsed.tier_named != doc.tier:
                lines.append(f"No: {country} is on {doc.tier}, not {parsed.tier_named}{year} [{n}].")
            elif parsed.tier_named:
                lines.append(f"Yes: {country} is on {doc.tier}{year} [{n}].")
            else:
                lines.append(f"{country} is on {doc.tier}{year} [{n}].")
        lines += [f"The report does not cover {m}." for m in missing]
        return Reply(parsed.text, " ".join(lines), cites.items, refused=not cites.items)

    def _tier_listing(self, parsed: Question) -> Reply:
        tier = parsed.tier_named
        docs = [self._by_country[c] for c in self.countries]
        cites = _Citations(self.index.documents)
        if tier:
            chosen = [d for d in docs if d.tier == tier]
            if not chosen:
                text = f"No country in this index is on {tier}."
                return Reply(parsed.text, text, [], refused=False)
            named = ", ".join(f"{d.country} [{cites.add(d.doc_id, *tier_quote_span(d), score=1.0)}]" for d in chosen)
            count = f"{len(chosen)} of the {len(docs)} countries in this index are" if len(chosen) > 1 else \
                f"1 of the {len(docs)} countries in this index is"
            return Reply(parsed.text, f"{count} on {tier}: {named}.", cites.items, refused=False)
        groups: dict[str, list[str]] = {}
        for d in docs:
            if d.tier:
                groups.setdefault(d.tier, []).append(f"{d.country} [{cites.add(d.doc_id, *tier_quote_span(d), 1.0)}]")
        lines = [f"- {t} ({len(groups[t])}): {', '.join(groups[t])}" for t in sorted(groups)]
        return Reply(parsed.text, "Tier placements in this index:\n" + "\n".join(lines), cites.items, refused=False)

    def _compare(self, parsed: Question, countries: list[str], missing: list[str], query: str,
                 timings: dict[str, float]) -> Reply:
        cites = _Citations(self.index.documents)
        topical = self.extractive.content_terms(parsed, countries)
        topical = [t for t in topical if t not in {"compar", "comparison", "differ", "difference", "versu", "vs"}]
        lines = []
        for country in countries:
            doc = self._by_country[country]
            parts = []
            if doc.tier:
                parts.append(f"{doc.tier} [{cites.add(doc.doc_id, *tier_quote_span(doc), 1.0)}]")
            if topical:
                chosen = self._best_units(parsed, [country], query, timings, limit=1)
                parts += [f"{self.extractive.answer_text(parsed, s.unit, [country])} "
                          f"[{cites.add(s.unit.document, s.unit.start, s.unit.end, s.score)}]" for s in chosen]
            else:
                span = summary_span(doc)
                if span:
                    parts.append(f"{doc.text[span[0]:span[1]]} [{cites.add(doc.doc_id, *span, 1.0)}]")
            lines.append(f"- **{country}**: " + " ".join(parts))
        lines += [f"- The report does not cover {m}." for m in missing]
        return Reply(parsed.text, "\n".join(lines), cites.items, refused=False)

    # Extractive answers from retrieved passages.

    def _best_units(self, parsed: Question, countries: list[str], query: str, timings: dict[str, float],
                    limit: int) -> list[ScoredUnit]:
        started = time.perf_counter()
        query_vector = self.index.embed_query(query)
        timings["embed_ms"] = timings.get("embed_ms", 0.0) + _ms(started)
        started = time.perf_counter()
        hits = self.index.search(query, countries=countries or None, query_vector=query_vector, routing=False)
        timings["retrieve_ms"] = timings.get("retrieve_ms", 0.0) + _ms(started)
        started = time.perf_counter()
        self._last_hits = hits
        scored = self.extractive.score(parsed, query_vector, self.extractive.units(hits), countries)
        chosen = self.extractive.select(parsed, scored, self.settings.refusal_threshold, limit)
        self._last_scored = scored
        timings["select_ms"] = timings.get("select_ms", 0.0) + _ms(started)
        return chosen

    def _extract(self, parsed: Question, countries: list[str], missing: list[str], query: str,
                 timings: dict[str, float]) -> Reply:
        chosen = self._best_units(parsed, countries, query, timings, self.settings.max_citations)
        hits = self._last_hits
        cites = _Citations(self.index.documents)
        if not chosen:
            scored = self._last_scored
            text = "The report does not say" + (f" this about {', '.join(countries)}." if countries else " this.")
            if scored and scored[0].score >= self.settings.refusal_threshold * 0.75:
                s = scored[0]
                n = cites.add(s.unit.document, s.unit.start, s.unit.end, s.score)
                text += f" The closest passage I found may help [{n}]."
            reply = Reply(parsed.text, text, cites.items, refused=True, hits=hits)
            return reply
        claims = []
        for s in chosen:
            n = cites.add(s.unit.document, s.unit.start, s.unit.end, s.score)
            prefix = f"{s.unit.hit.chunk.country}: " if len({c.unit.hit.chunk.country for c in chosen}) > 1 else ""
            claims.append(f"{prefix}{self.extractive.answer_text(parsed, s.unit, countries)} [{n}]")
        text = claims[0] if len(claims) == 1 else "\n".join(f"- {c}" for c in claims)
        if missing:
            text += "\n\n" + " ".join(f"The report does not cover {m}." for m in missing)
        return Reply(parsed.text, text, cites.items, refused=False, hits=hits)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
