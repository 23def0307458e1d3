"""Broad questions: a short brief of cited points (placement, progress, shortcomings, who is exploited how),
and questions about a narrative's achievements or shortcomings."""

from __future__ import annotations

import re

import numpy as np

from assistant.answerers.base import Tools, Turn
from assistant.answerers.facts import FactAnswerer
from assistant.answerers.tier import with_waiver
from assistant.evidence import OPENER, Unit, boilerplate
from assistant.phrasing import cited
from assistant.records import Reply
from assistant.tiers import tier_clause, tier_unit_span
from index.chunk import is_list_section
from index.records import Document
from index.text import segment_spans, tokens

# Words of a broad question that name no topic ("Tell me about the trafficking situation in X").
_BROAD = frozenset(tokens(
    "tell about summary summarize summarise overview picture big rundown brief briefing quick short situation "
    "going happening story assessment human trafficking traffic trafficked general overall describe give "
    "what whats report say says said narrative efforts government country problem issue under persons person "
    "note notes piece article writing write briefing journalist story need want please pls thanks quick "
    "nutshell headline headlines findings finding key main points takeaways lowdown gist background highlights "
    "2023 tip edition latest current",
    keep_stopwords=True))
POINT_MAX_CHARS = 320
SUMMARY_POINTS = 2  # achievements, and shortcomings, a brief gives from the summary
TOPIC_POINTS = 3
MAX_BRIEFED = 3


class OverviewAnswerer:
    def answer(self, turn: Turn, tools: Tools) -> Reply:
        ask = tools.ask_of(turn, drop=_BROAD)
        cites = tools.citations()
        blocks = []
        for country in turn.subjects[:MAX_BRIEFED]:
            doc = tools.doc(country, turn.years[0] if turn.years else None)
            lines = [self._placement(doc, tools, cites)] if doc.tier else []
            # Words the narrative never uses ("chapter", "student", "briefing note") name no topic of it.
            if any(t in tools.evidence.terms_of(doc) for t in ask.focus):
                units = [tools.evidence.unit(doc, s, e) for s, e in tools.index.unit_spans(doc.doc_id)
                         if not boilerplate(doc.text[s:e])]
                rated = tools.confident(tools.rate(turn, units, ask))[:TOPIC_POINTS]
                for c in sorted(rated, key=lambda c: c.unit.start):
                    lines.append("- " + tools.claim(c, cites.unit(c.unit, c.probability), POINT_MAX_CHARS))
                if not rated:
                    lines.append("- The report says nothing more specific on that topic.")
            else:
                lines += self._brief(doc, tools, cites)
            blocks.append("\n".join(line for line in lines if line))
        if not turn.subjects:
            return FactAnswerer().answer(turn, tools)
        blocks += [f"The report does not cover {m}." for m in turn.missing]
        return Reply(turn.question, "\n\n".join(blocks), cites.items, refused=not cites.items)

    @staticmethod
    def _placement(doc: Document, tools: Tools, cites) -> str:
        """The placement; one kept by a waiver says so, and cites the waiver with it."""
        span = tier_unit_span(doc)
        year = f" ({doc.year} report)" if doc.year else ""
        cited_span = with_waiver(tools, doc, span)
        kept = ", by a waiver from an otherwise required downgrade" if cited_span != span else ""
        return (f"**{doc.country}** is on {doc.tier}{year}{kept}: “{tier_clause(doc, span)}” "
                f"[{cites.add(doc.doc_id, *cited_span)}].")

    @staticmethod
    def _brief(doc: Document, tools: Tools, cites) -> list[str]:
        """Progress and shortcomings from the summary, then the most central points of the rest."""
        lines = []
        progress = tools.evidence.summary_units(doc, "positive")[:SUMMARY_POINTS]
        # A summary with no progress to tell (most Tier 3 ones) has room for one more shortcoming.
        shortcomings = tools.evidence.summary_units(doc, "negative")[: SUMMARY_POINTS + (not progress)]
        for label, units in (("Progress", progress), ("Shortcomings", shortcomings)):
            if units:
                lines.append(f"- {label}: " + " ".join(_point(u, cites) for u in units))
        central = central_units(doc, tools, 2)
        if central:
            lines.append("- Exploitation: " + " ".join(_point(u, cites) for u in central))
        return lines


class AspectAnswerer:
    """"What did X achieve?", "What are the weaknesses?": the summary's units of that kind."""

    def answer(self, turn: Turn, tools: Tools) -> Reply:
        aspect = turn.cues.aspect
        docs = [tools.doc(c) for c in turn.subjects[:MAX_BRIEFED]]
        units = [u for doc in docs for u in tools.evidence.summary_units(doc, aspect)]
        if not units:
            return FactAnswerer().answer(turn, tools)
        limit = 2 * tools.settings.answering.max_citations
        if len(units) > limit:
            rated = tools.rate(turn, units)[:limit]
            units = sorted((c.unit for c in rated), key=lambda u: (u.document, u.start))
        cites = tools.citations()
        several = len(docs) > 1
        claims = [(f"**{tools.country_of(u)}**: " if several else "") + cited(u.text, cites.unit(u)) for u in units]
        text = claims[0] if len(claims) == 1 else "\n".join(f"- {c}" for c in claims)
        return Reply(turn.question, text, cites.items, refused=False)


def _point(unit: Unit, cites) -> str:
    return cited(brief_text(unit.text), cites.unit(unit))


def brief_text(text: str, limit: int = POINT_MAX_CHARS) -> str:
    """A long clause cut after its last comma-separated stretch that fits ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = max((b for _, b in segment_spans(text) if b <= limit), default=limit)
    return text[:cut].rstrip(" ,;:") + "…"


def central_units(doc: Document, tools: Tools, count: int) -> list[Unit]:
    """The headline of the narrative's profile (or, without one, its body) and the units nearest the profile's
    centroid, in order. Profiles open with the standard sentence, then lead with their main pattern of
    exploitation ("Gabon is a primary destination …", "more than six million Venezuelans …")."""
    sections = [s for s in doc.sections[1:] if not is_list_section(s.title)]
    profile = [s for s in sections if "profile" in s.title.lower()] or sections[-1:]
    spans = [(s, e) for section in profile for s, e in tools.index.unit_spans(doc.doc_id)
             if section.start <= s and e <= section.end and not OPENER.search(doc.text[s:e])]
    if not spans or count < 1:
        return []
    # The report marks its main patterns ("most Afghan trafficking victims are children …"); without such a
    # mark, the unit nearest the profile's centroid stands for the rest.
    marked = [i for i, (s, e) in enumerate(spans) if i and _PREVALENT.search(doc.text[s:e])]
    vectors = tools.index.span_vectors([(doc.doc_id, s, e, doc.text[s:e]) for s, e in spans])
    centroid = vectors.mean(axis=0)
    nearest = [int(i) for i in np.argsort(-(vectors @ centroid)) if i != 0 and i not in marked]
    order = [0, *[*marked, *nearest][: count - 1]]
    return [tools.evidence.unit(doc, *spans[i]) for i in sorted(order)]


_PREVALENT = re.compile(r"^\W*(most|the majority)\b|\b(most|the majority) of (the )?(trafficking )?(victims|cases)\b|"
                        r"\b(predominant|primary|main|principal|largest)\b", re.I)
