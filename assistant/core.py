"""The Assistant: loads an index once and answers questions with cited, verbatim excerpts."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.conversation import POINTS_BACK, Resolved, resolve
from assistant.extractive import (
    RECOMMENDATION_NOISE,
    TIER_NOISE,
    ExtractiveAnswerer,
    ScoredUnit,
    aspect_of,
    summary_span,
    tier_clause,
    tier_unit_span,
)
from assistant.paths import bundled_corpus, default_index_dir
from assistant.question import Question, analyse
from assistant.records import Citation, Reply
from index.chunk import is_list_section
from index.embed import Embedder
from index.records import Document, Hit
from index.search import TipIndex, UnknownCountryError
from index.settings import Settings
from index.store import IndexCorruptError, IndexMismatchError, IndexNotFoundError, build_index, read_manifest
from index.text import tokens

INJECTION_REPLY = (
    "I only answer questions about the report, from its text; I can't follow instructions to change "
    "how I answer or what the report says."
)
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
# Words about a placement that a tier answer already covers ("Why did it stay there?", "its current tier").
_PLACEMENT = frozenset(tokens(
    "keep kept stay stayed remain remained top bottom move moved current currently latest place status level "
    "position standing where now still", keep_stopwords=True))
_MOVES = frozenset(tokens("downgraded upgraded dropped raised lowered", keep_stopwords=True))
_WHY = re.compile(r"\b(why|reason|reasons|because|basis|justif)", re.I)


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
        self.items.append(Citation(
            n=len(self.items) + 1, document=document, country=doc.country, tier=doc.tier,
            section=doc.section_at(start), quote=doc.text[start:end], start=start, end=end, score=score,
            year=doc.year, page=doc.page_at(start),
        ))
        return self.items[-1].n


@dataclass
class _Turn:
    """One question being answered: what it asks, about which countries, with what context."""

    parsed: Question
    countries: list[str]
    missing: list[str]
    query: str  # text to retrieve with (acronyms expanded)
    context: str  # text whose terms a supporting sentence should share
    timings: dict[str, float]
    history: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    scored: list[ScoredUnit] = field(default_factory=list)
    retrieved: bool = False  # answered from retrieved passages (the path a local LLM may rewrite)
    query_vector: np.ndarray | None = None


class Assistant:
    """Question answering over one loaded index. Construct with ``Assistant.load``; safe to share between threads."""

    def __init__(self, index: TipIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.extractive = ExtractiveAnswerer(index)
        self.generative = None
        if settings.llm_url:
            from assistant.llm import GenerativeAnswerer

            self.generative = GenerativeAnswerer(index, settings.llm_url, settings.llm_model, settings.llm_timeout)
        self._by_country: dict[str, Document] = {}
        narratives = [d for d in index.documents.values() if d.country is not None]  # report text has none
        for doc in sorted(narratives, key=lambda d: (d.country, -(d.year or 0))):
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
            index = None
            try:
                manifest = read_manifest(index_dir)
                if str(bundled_corpus().resolve()) in manifest.get("sources", {}):
                    index = TipIndex.load(index_dir, settings, embedder)
            except (IndexNotFoundError, IndexMismatchError, IndexCorruptError):
                index = None
            if index is None:  # first use, an upgrade changed the report or format, or damage
                build_index([bundled_corpus()], index_dir, settings, embedder=embedder, progress=progress)
                index = TipIndex.load(index_dir, settings, embedder)
        else:
            index = TipIndex.load(Path(index_dir or settings.index_dir).expanduser(), settings, embedder)
        return cls(index, settings)

    @property
    def countries(self) -> list[str]:
        return sorted(self._by_country)

    def describe(self) -> dict:
        """What is loaded: index folder, model, countries, counts."""
        manifest = self.index.stored.manifest
        return {"index_dir": str(self.index.stored.index_dir), "model": manifest["model"],
                "countries": self.countries, "documents": len(self.index.documents),
                "chunks": len(self.index.chunks), "created": manifest["created"]}

    def warm_up(self) -> None:
        """Load the embedding model now rather than on the first question."""
        self.index.embed_query("warm up")

    # The public question-answering entry points

    def ask(self, question: str, history: list[str] | None = None, countries: list[str] | None = None) -> Reply:
        """Answer ``question``; ``history`` is the earlier user questions (optionally answers), oldest first.

        ``countries`` restricts the answer to those countries (a UI filter). Raises QuestionError for a
        question with nothing to ask; never returns an error as text.
        """
        started = time.perf_counter()
        turn = self._understand(question, history, countries)
        reply = self._dispatch(turn)
        if self._generates(turn):
            reply = self.generative.answer(turn.parsed.text, turn.hits, reply, turn.history)
        return self._finish(turn, reply, started)

    def ask_stream(self, question: str, history: list[str] | None = None,
                   countries: list[str] | None = None) -> Iterator[str | Reply]:
        """Like ask(), but yields a local model's text as it is generated; the final Reply always comes last
        and supersedes the streamed text (unverified sentences dropped). Without a model, only the Reply."""
        started = time.perf_counter()
        turn = self._understand(question, history, countries)
        reply = self._dispatch(turn)
        if self._generates(turn):
            for item in self.generative.stream(turn.parsed.text, turn.hits, reply, turn.history):
                if isinstance(item, str):
                    yield item
                else:
                    reply = item
        yield self._finish(turn, reply, started)

    def _generates(self, turn: _Turn) -> bool:
        return self.generative is not None and turn.retrieved and bool(turn.hits)

    def _finish(self, turn: _Turn, reply: Reply, started: float) -> Reply:
        reply.notes = turn.parsed.notes + reply.notes
        reply.countries = turn.countries
        reply.hits = reply.hits or turn.hits
        reply.timings = {**turn.timings, **reply.timings, "total_ms": _ms(started)}
        return reply

    def retrieve(self, question: str, history: list[str] | None = None, k: int = 10) -> list[Hit]:
        """The passages retrieval finds for a question in its conversation (as ask() routes it)."""
        turn = self._understand(question, history, None)
        routed = turn.countries if self.settings.country_routing else None
        return self.index.search(turn.query, k=k, countries=routed or None, routing=False)

    # Understanding

    def _understand(self, question: str, history: list[str] | None, countries: list[str] | None) -> _Turn:
        started = time.perf_counter()
        parsed = analyse(question, self.settings.max_question_chars,
                         self.settings.overlong_questions == "refuse")
        history = [h[: self.settings.max_question_chars * 4] for h in (history or [])
                   if isinstance(h, str) and h.strip()][-20:]
        single = self.countries[0] if len(self._by_country) == 1 else None
        resolved: Resolved = resolve(parsed.text, history, self.index.countries, single)
        if countries:
            resolved.countries = [self._canonical_country(c) for c in countries]
            resolved.missing = []
        context = parsed.text
        own_terms = self.extractive.content_terms(parsed.text, resolved.countries, RECOMMENDATION_NOISE)
        if history and self._leans_on_history(parsed, own_terms):
            context = f"{history[-1]} {parsed.text}"
            if self._has_no_intent(parsed):
                # "Why did it stay there?" after a tier question asks about the tier.
                inherited = analyse(context, self.settings.max_question_chars * 2)
                parsed.about_tier = inherited.about_tier
                parsed.tier_named = parsed.tier_named or inherited.tier_named
                parsed.recommendation = inherited.recommendation
        query = context
        if self.generative is not None and context != parsed.text:
            # A local model rewrites an elliptical follow-up as a standalone retrieval query.
            query = self.generative.condense(parsed.text, history)
        timings = {"understand_ms": _ms(started)}
        return _Turn(parsed, resolved.countries, resolved.missing, self.index.expand_query(query),
                     self.index.expand_query(context), timings, history)

    def _canonical_country(self, name: str) -> str:
        """The index's spelling of a filter country; UnknownCountryError when the index lacks it."""
        found = self.index.countries.split(name)[0]
        by_lower = {c.lower(): c for c in self._by_country}
        country = found[0] if found else by_lower.get(name.strip().lower())
        if country not in self._by_country:
            raise UnknownCountryError(f"country {name!r} is not in this index; it holds: {', '.join(self.countries)}")
        return country

    @staticmethod
    def _leans_on_history(parsed: Question, own_terms: list[str]) -> bool:
        """A follow-up whose topic is in the previous question: few own words, or "it"/"that"/"there"."""
        return len(own_terms) <= 1 or (bool(POINTS_BACK.search(parsed.text)) and len(own_terms) <= 2)

    @staticmethod
    def _has_no_intent(parsed: Question) -> bool:
        return not (parsed.about_tier or parsed.recommendation or parsed.wants_list or parsed.count
                    or parsed.across_countries or parsed.compare)

    # Routing a question to the right kind of answer

    def _tier_extra(self, turn: _Turn) -> list[str]:
        """What a tier question asks beyond the placement itself ("waiver", "downgraded")."""
        noise = TIER_NOISE | _PLACEMENT | frozenset(tokens("countries governments nations which list name all", True))
        return [t for t in self.extractive.content_terms(turn.context, turn.countries)
                if t not in noise and not _YEAR.fullmatch(t) and not (t.isdigit() and len(t) <= 2)]

    def _dispatch(self, turn: _Turn) -> Reply:
        parsed = turn.parsed
        if parsed.injection:
            return Reply(parsed.text, INJECTION_REPLY, [], refused=True)
        extra = self._tier_extra(turn) if parsed.about_tier else []
        if parsed.about_tier and (parsed.across_countries or (not turn.countries and parsed.tier_named
                                                               and not turn.missing)):
            listing = self._tier_listing(parsed, extra)
            if listing is not None:
                return listing
        if turn.missing and not turn.countries:
            if parsed.about_tier:
                return self._not_covered(parsed, turn.missing)
            # Not a narrative of its own, but other narratives may speak of it ("victims from Nigeria").
            reply = self._extract(turn, must_mention=turn.missing)
            if reply.refused:
                return self._not_covered(parsed, turn.missing)
            reply.notes.append(f"The report has no narrative on {' or '.join(turn.missing)}; "
                               "this comes from other countries' narratives that mention it.")
            return reply
        if parsed.compare and len(turn.countries) >= 2:
            return self._compare(turn)
        if parsed.about_tier and turn.countries and not parsed.recommendation and set(extra) <= _MOVES:
            return self._tier_answer(turn)
        return self._extract(turn)

    def _not_covered(self, parsed: Question, missing: list[str]) -> Reply:
        covered = self.countries
        listing = ", ".join(covered) if len(covered) <= 8 else f"{len(covered)} countries"
        text = f"The report does not cover {' or '.join(missing)}. The loaded report covers {listing}."
        return Reply(parsed.text, text, [], refused=True)

    # Structured answers from parsed metadata, each citing the sentence that states the tier

    def _tier_answer(self, turn: _Turn) -> Reply:
        parsed = turn.parsed
        cites = _Citations(self.index.documents)
        lines = []
        asked_years = {int(y) for y in _YEAR.findall(parsed.text)}
        for country in turn.countries:
            doc = self._by_country[country]
            if not doc.tier:
                lines.append(f"The report does not state a tier for {country}.")
                continue
            other_years = {y for y in asked_years if doc.year and y not in (doc.year, doc.year - 1)}
            if other_years:
                lines.append(f"The loaded report is the {doc.year} edition; it does not give {country}'s tier "
                             f"for {', '.join(str(y) for y in sorted(other_years))}.")
                continue
            span = tier_unit_span(doc)
            n = cites.add(doc.doc_id, *span, score=1.0)
            stated = doc.text[span[0] : span[1]] if _WHY.search(parsed.text) else tier_clause(doc, span)
            year = f" in the {doc.year} report" if doc.year else ""
            if parsed.tier_named and parsed.tier_named != doc.tier:
                verdict = f"No: {country} is on {doc.tier}, not {parsed.tier_named}{year}"
            elif parsed.tier_named:
                verdict = f"Yes: {country} is on {doc.tier}{year}"
            else:
                verdict = f"{country} is on {doc.tier}{year}"
            lines.append(f"{verdict}: “{stated}” [{n}].")
            if _WHY.search(parsed.text):
                reason = self._reason(turn, doc, span)
                if reason is not None:
                    m = cites.add(reason.unit.document, reason.unit.start, reason.unit.end, reason.score)
                    lines.append(f"{reason.unit.text} [{m}]")
        lines += [f"The report does not cover {m}." for m in turn.missing]
        return Reply(parsed.text, "\n\n".join(lines), cites.items, refused=not cites.items)

    def _reason(self, turn: _Turn, doc: Document, tier_span: tuple[int, int]) -> ScoredUnit | None:
        """The summary sentence that best explains a placement, other than the one stating it."""
        units = [u for u in self.extractive.section_units([doc.country], lambda title: title == doc.sections[0].title)
                 if (u.start, u.end) != tier_span]
        if not units:
            return None
        query_vector = self._query_vector(turn)
        scored = self.extractive.score(turn.parsed, turn.context, query_vector, units, [doc.country])
        return scored[0] if scored and scored[0].score >= self.settings.refusal_threshold else None

    def _tier_listing(self, parsed: Question, extra: list[str]) -> Reply | None:
        """Countries by tier from metadata; with ``extra`` terms ("downgraded"), only countries whose tier
        sentence has them. None when no tier sentence has them: the question is not about placements."""
        docs = [self._by_country[c] for c in self.countries]
        if extra:
            docs = [d for d in docs if set(extra) <= set(tokens(d.text[slice(*tier_unit_span(d))]))]
            if not docs:
                return None
        cites = _Citations(self.index.documents)
        tier = parsed.tier_named
        if tier:
            chosen = [d for d in docs if d.tier == tier]
            if not chosen:
                what = f"{' '.join(extra)} … " if extra else ""
                return Reply(parsed.text, f"No country in the loaded report is {what}on {tier}.", [], refused=False)
            named = ", ".join(f"{d.country} [{cites.add(d.doc_id, *tier_unit_span(d), 1.0)}]" for d in chosen)
            verb = "countries are" if len(chosen) > 1 else "country is"
            text = f"{len(chosen)} of the {len(docs)} {'countries' if len(docs) > 1 else 'country'} in the loaded " \
                   f"report {verb.split()[1]} on {tier}: {named}."
            return Reply(parsed.text, text, cites.items, refused=False)
        groups: dict[str, list[str]] = {}
        for d in docs:
            if d.tier:
                groups.setdefault(d.tier, []).append(f"{d.country} [{cites.add(d.doc_id, *tier_unit_span(d), 1.0)}]")
        lines = [f"- **{t}** ({len(groups[t])}): {', '.join(groups[t])}" for t in sorted(groups)]
        return Reply(parsed.text, "Tier placements in the loaded report:\n" + "\n".join(lines), cites.items,
                     refused=False)

    def _compare(self, turn: _Turn) -> Reply:
        parsed = turn.parsed
        cites = _Citations(self.index.documents)
        noise = {"compar", "comparison", "differ", "versus", "vs", "both", "each"}
        topical = [t for t in self.extractive.content_terms(turn.context, turn.countries) if t not in noise]
        lines = []
        for country in turn.countries:
            doc = self._by_country[country]
            parts = []
            if doc.tier:
                span = tier_unit_span(doc)
                parts.append(f"{doc.tier} — “{tier_clause(doc, span)}” [{cites.add(doc.doc_id, *span, 1.0)}]")
            if topical and not parsed.about_tier:
                sub = _Turn(parsed, [country], [], turn.query, turn.context, turn.timings)
                chosen = self._best_units(sub, limit=1)
                parts += [f"{self.extractive.answer_text(s, parsed)} "
                          f"[{cites.add(s.unit.document, s.unit.start, s.unit.end, s.score)}]" for s in chosen]
            elif not topical:
                span = summary_span(doc)
                if span:
                    parts.append(f"{doc.text[span[0]:span[1]]} [{cites.add(doc.doc_id, *span, 1.0)}]")
            lines.append(f"- **{country}**: " + " ".join(parts))
        lines += [f"- The report does not cover {m}." for m in turn.missing]
        return Reply(parsed.text, "\n".join(lines), cites.items, refused=False)

    # Extractive answers from retrieved passages

    def _query_vector(self, turn: _Turn) -> np.ndarray:
        """The query's embedding, computed once per question whichever paths use it."""
        if turn.query_vector is None:
            started = time.perf_counter()
            turn.query_vector = self.index.embed_query(turn.query)
            turn.timings["embed_ms"] = _ms(started)
        return turn.query_vector

    def _best_units(self, turn: _Turn, limit: int, must_mention: list[str] | None = None) -> list[ScoredUnit]:
        query_vector = self._query_vector(turn)
        started = time.perf_counter()
        routed = turn.countries if self.settings.country_routing else None
        hits = self.index.search(turn.query, countries=routed or None, query_vector=query_vector, routing=False)
        turn.hits = hits
        turn.timings["retrieve_ms"] = turn.timings.get("retrieve_ms", 0.0) + _ms(started)
        started = time.perf_counter()
        units = self.extractive.units(hits)
        if must_mention:
            units = [u for u in units if self.index.countries.find(u.text) and
                     set(self.index.countries.find(u.text)) & set(must_mention)]
        scored = self.extractive.score(turn.parsed, turn.context, query_vector, units, turn.countries)
        turn.scored = scored
        chosen = self.extractive.select(turn.parsed, scored, self.settings.refusal_threshold, limit,
                                        turn.countries)
        turn.timings["select_ms"] = turn.timings.get("select_ms", 0.0) + _ms(started)
        return chosen

    def _recommendations(self, turn: _Turn) -> list[ScoredUnit] | None:
        """Recommendation-list items: all, in order, when no topic is named; else the best matching.

        None when the countries' narratives have no recommendations section.
        """
        units = self.extractive.section_units(turn.countries, is_list_section)
        if not units:
            return None
        topic = self.extractive.content_terms(turn.context, turn.countries, RECOMMENDATION_NOISE)
        if not topic:
            return [ScoredUnit(u, 1.0, 1.0, 1.0, (0, len(u.text))) for u in units]
        started = time.perf_counter()
        query_vector = self._query_vector(turn)
        scored = self.extractive.score(turn.parsed, turn.context, query_vector, units, turn.countries)
        turn.timings["select_ms"] = turn.timings.get("select_ms", 0.0) + _ms(started)
        return self.extractive.select(turn.parsed, scored, self.settings.refusal_threshold,
                                      self.settings.max_citations, turn.countries)

    def _aspect_units(self, turn: _Turn, aspect: str) -> list[ScoredUnit] | None:
        """All of the summary's achievements (or shortcomings) when few; else the best matching of them."""
        units = self.extractive.summary_units(turn.countries, aspect)
        if not units:
            return None
        limit = 2 * self.settings.max_citations
        if len(units) <= limit:
            return [ScoredUnit(u, 1.0, 1.0, 1.0, (0, len(u.text))) for u in units]
        query_vector = self._query_vector(turn)
        scored = self.extractive.score(turn.parsed, turn.context, query_vector, units, turn.countries)
        return sorted(scored[:limit], key=lambda s: (s.unit.document, s.unit.start))

    def _extract(self, turn: _Turn, must_mention: list[str] | None = None) -> Reply:
        parsed = turn.parsed
        chosen = None
        aspect = aspect_of(parsed)
        if parsed.recommendation and turn.countries:
            chosen = self._recommendations(turn)
        elif aspect and turn.countries and len(turn.countries) <= 3:
            chosen = self._aspect_units(turn, aspect)
        if not chosen:
            chosen = self._best_units(turn, self.settings.max_citations, must_mention)
            turn.retrieved = True
        cites = _Citations(self.index.documents)
        if not chosen:
            about = f" about {', '.join(turn.countries)}" if turn.countries and len(turn.countries) <= 3 else ""
            what = "that number" if parsed.count else "this"
            text = f"The report does not say {what}{about}."
            best = turn.scored[0] if turn.scored else None
            if best and best.score >= self.settings.refusal_threshold * 0.75:
                n = cites.add(best.unit.document, best.unit.start, best.unit.end, best.score)
                text += f" The closest passage may still help [{n}]."
            return Reply(parsed.text, text, cites.items, refused=True, best_score=best.score if best else None)
        several = len({self.index.documents[s.unit.document].country for s in chosen}) > 1
        claims = []
        for s in chosen:
            n = cites.add(s.unit.document, s.unit.start, s.unit.end, s.score)
            prefix = f"**{self.index.documents[s.unit.document].label}**: " if several else ""
            claims.append(f"{prefix}{self.extractive.answer_text(s, parsed)} [{n}]")
        text = claims[0] if len(claims) == 1 else "\n".join(f"- {c}" for c in claims)
        return Reply(parsed.text, text, cites.items, refused=False, best_score=chosen[0].score)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
