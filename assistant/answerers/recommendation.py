"""What the report recommends: the recommendation list, all of it or the items on the question's topic."""

from __future__ import annotations

from assistant.answerers.base import Tools, Turn
from assistant.evidence import RECOMMENDATION_NOISE
from assistant.phrasing import cited, join_names
from assistant.records import Reply
from index.chunk import is_list_section

# Without a country named, the whole list is shown only when this few narratives carry one.
MAX_LISTED = 1


class RecommendationAnswerer:
    def answer(self, turn: Turn, tools: Tools) -> Reply:
        docs = [tools.doc(c, turn.years[0] if turn.years else None) for c in turn.subjects]
        if not docs:
            # No country named: the narratives that carry recommendations, each reply line naming its country.
            docs = [d for d in tools.by_country.values() if any(is_list_section(s.title) for s in d.sections)]
            if not docs:
                return Reply(turn.question, "The loaded report has no recommendations sections.", [], refused=True)
        units = tools.evidence.section_units(docs, is_list_section)
        if not units:
            whose = join_names(turn.subjects)
            return Reply(turn.question, f"The loaded report has no recommendations for {whose}: its narrative "
                         f"here has no recommendations section.", [], refused=True)
        ask = tools.ask_of(turn, drop=RECOMMENDATION_NOISE)
        cites = tools.citations()
        if not ask.focus and len(docs) > MAX_LISTED:
            whose = join_names(sorted(d.country for d in docs)[:5]) + (" and others" if len(docs) > 5 else "")
            return Reply(turn.question, f"Recommendations differ by country ({whose} have them): name a country.",
                         [], refused=True)
        if not ask.focus:
            chosen = units
        else:
            rated = tools.confident(tools.rate(turn, units, ask))
            if not rated:
                return tools.does_not_say(turn, "that its recommendations cover this")
            best = rated[0].probability
            chosen = [c.unit for c in rated if c.probability >= best - 0.1][: tools.settings.answering.max_citations]
        several = len(docs) > 1 or not turn.subjects
        claims = [(f"**{tools.country_of(u)}**: " if several else "") + cited(u.text, cites.unit(u)) for u in chosen]
        text = claims[0] if len(claims) == 1 else "\n".join(f"- {c}" for c in claims)
        return Reply(turn.question, text, cites.items, refused=False)
