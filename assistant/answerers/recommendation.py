"""What the report recommends: the recommendation list, all of it or the items on the question's topic."""

from __future__ import annotations

from assistant.answerers.base import Tools, Turn
from assistant.evidence import RECOMMENDATION_NOISE
from assistant.phrasing import cited, join_names
from assistant.records import Reply
from index.chunk import is_list_section

# What a summary finds lacking on a topic: up to this many findings, down to this share of the best one.
MAX_SHORTCOMINGS = 3
SHORTCOMING_SHARE = 0.25
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
        # "What should X do about …?", "What does the report recommend X do about …?": the report recommends
        # nothing, and its answer on the topic is what it finds lacking, said to be that. (Without a topic,
        # "What does the report recommend X do next?", there is nothing to look for: refused above.)
        # A summary's findings on one topic are short and several: the few best are all the report says on it.
        best = rated[0].probability
        chosen = [c for c in rated if c.probability >= best * SHORTCOMING_SHARE][
            : min(MAX_SHORTCOMINGS, tools.settings.answering.max_citations)]
        found = " ".join(tools.claim(c, cites.unit(c.unit, c.probability)) for c in chosen)
        return Reply(turn.question, f"The report gives no recommendations for {whose} here; what it finds lacking on "
                     f"this: {found}", cites.items, refused=False)
