"""What the report recommends: the recommendation list, all of it or the items on the question's topic."""

from __future__ import annotations

import re

from assistant.answerers.base import Tools, Turn
from assistant.evidence import RECOMMENDATION_NOISE
from assistant.phrasing import cited, join_names
from assistant.records import Reply
from index.chunk import is_list_section

# The question asks for the report's recommendations by that name, not for what should be done.
_ASKS_RECOMMENDATIONS = re.compile(r"\brecommend\w*", re.I)
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
            return self._shortcomings(turn, tools, docs)
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

    @staticmethod
    def _shortcomings(turn: Turn, tools: Tools, docs: list) -> Reply:
        """A narrative without recommendations (the summarized editions have none): what its summary finds
        lacking on the question's topic, said to be that and not a recommendation."""
        whose = join_names(turn.subjects)
        none = (f"The loaded report gives no recommendations for {whose}: its narrative here has no recommendations "
                "section.")
        units = [u for d in docs for u in tools.evidence.summary_units(d, polarity="negative")]
        ask = tools.ask_of(turn, drop=RECOMMENDATION_NOISE)
        rated = tools.confident(tools.rate(turn, units, ask)) if ask.focus else []
        if not rated:
            return Reply(turn.question, none, [], refused=True)
        cites = tools.citations()
        if _ASKS_RECOMMENDATIONS.search(turn.question):
            # "What does the report recommend …?": it recommends nothing; what it finds lacking comes closest.
            closest = rated[0]
            return Reply(turn.question, f"{none} The closest it comes: "
                         f"{tools.claim(closest, cites.unit(closest.unit, closest.probability))}", cites.items,
                         refused=True)
        # "What should X do about …?": the report's answer is what it finds lacking.
        best = rated[0].probability
        chosen = [c for c in rated if c.probability >= best - 0.1][: min(2, tools.settings.answering.max_citations)]
        found = " ".join(tools.claim(c, cites.unit(c.unit, c.probability)) for c in chosen)
        return Reply(turn.question, f"The report gives no recommendations for {whose} here; what it finds lacking on "
                     f"this: {found}", cites.items, refused=False)
