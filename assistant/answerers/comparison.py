"""Two or more named countries side by side: their placements, or what each narrative says on the topic."""

from __future__ import annotations

from assistant.answerers.base import CLAIM_MAX_CHARS, Tools, Turn, placement_only
from assistant.answerers.overview import _BROAD, central_units
from assistant.answerers.tier import TierAnswerer, with_waiver
from assistant.evidence import TIER_NOISE, criterion_statement
from assistant.records import Reply
from assistant.tiers import tier_clause, tier_unit_span
from index.text import tokens

_COMPARE_WORDS = frozenset(tokens("compare compared comparison differ difference versus vs both each which more less "
                                  "longer shorter better worse higher lower host hosts", True))


class ComparisonAnswerer:
    def answer(self, turn: Turn, tools: Tools) -> Reply:
        cites = tools.citations()
        ask = tools.ask_of(turn, drop=_COMPARE_WORDS | _BROAD)
        topical = not placement_only(list(ask.focus))
        lines = []
        # Countries side by side (in the edition named, or the latest); one country's editions side by side.
        if len(turn.subjects) == 1 and len(turn.years) >= 2:
            targets = [(d.label, d) for d in tools.index.documents_for(turn.subjects[0], turn.years)]
            targets = [(f"{label} {d.year}", d) for label, d in targets]
        else:
            year = turn.years[0] if turn.years else None
            targets = [(c, tools.doc(c, year)) for c in turn.subjects]
        # "Both are Tier 3 — how do their efforts differ?": the placement sentence says what it says of efforts.
        asked = set(tokens(turn.question)) - _COMPARE_WORDS - TIER_NOISE - {
            t for c in turn.subjects for form in [c, *tools.index.countries.forms(c)] for t in tokens(form)}
        for country, doc in targets:
            parts = []
            span = tier_unit_span(doc) if doc.tier else (0, 0)
            why = turn.cues.why and doc.tier
            if doc.tier:
                placement = doc.text[slice(*span)]
                quoted = placement if asked & set(tokens(placement)) else tier_clause(doc, span)
                cited = with_waiver(tools, doc, span) if why else span
                if cited != span:  # the waiver is what the placement rests on
                    quoted = doc.text[slice(*cited)]
                parts.append(f"{doc.tier} — “{quoted.strip(' .;,')}” [{cites.add(doc.doc_id, *cited)}].")
            if why:  # "How did each end up on the Watch List?": the summary's main reason for each
                reasons = [r for r in TierAnswerer.reasons(turn, tools, doc, cited, span)
                           if not criterion_statement(r.unit.text)][:1]
                parts += [tools.claim(r, cites.unit(r.unit, r.probability), CLAIM_MAX_CHARS) for r in reasons]
            elif topical:
                # The placement is quoted already: the topic's sentence is another one.
                units = [tools.evidence.unit(doc, s, e) for s, e in tools.index.unit_spans(doc.doc_id)
                         if not (s < span[1] and span[0] < e)]
                best = tools.confident(tools.rate(turn, units, ask))[:1]
                if best:
                    parts += [tools.claim(c, cites.unit(c.unit, c.probability), CLAIM_MAX_CHARS) for c in best]
                else:
                    parts.append("The report does not say.")
            elif not turn.cues.tier:
                parts += [tools.claim_unit(u, cites.unit(u)) for u in central_units(doc, tools, 1)]
            lines.append(f"- **{country}**: " + " ".join(parts))
        lines += [f"- The report does not cover {m}." for m in turn.missing]
        return Reply(turn.question, "\n".join(lines), cites.items, refused=not cites.items)
