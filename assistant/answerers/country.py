"""Which country / which government / where: the reply leads with the country of the narrative that says it."""

from __future__ import annotations

from assistant.answerers.base import Tools, Turn
from assistant.intents import Intent
from assistant.phrasing import join_names
from assistant.records import Reply

# Passages searched across all narratives: more than for a one-country question.
COUNTRY_TOP_K = 16
# Other countries are named too when their best sentence is this close to the best one's probability.
PLURAL_MARGIN = 0.15
MAX_COUNTRIES = 4


class CountryAnswerer:
    def answer(self, turn: Turn, tools: Tools) -> Reply:
        within = turn.subjects if turn.filtered else None
        rated = tools.retrieved_candidates(turn, within, k=max(COUNTRY_TOP_K, tools.settings.top_k),
                                           ask=tools.ask_of(turn, Intent.COUNTRY))
        # "Which countries do Cuban workers go to?": not Cuba, whose own narrative also speaks of them.
        confident = [c for c in tools.confident(rated) if tools.country_of(c.unit) not in turn.mentioned]
        if not confident:
            return tools.does_not_say(turn, "which country")
        best_by_country: dict[str, object] = {}
        for candidate in confident:
            best_by_country.setdefault(tools.country_of(candidate.unit), candidate)
        top = confident[0].probability
        plural = _plural(turn.question)
        chosen = [(country, c) for country, c in best_by_country.items()
                  if plural and c.probability >= top - PLURAL_MARGIN][:MAX_COUNTRIES] or \
            [(tools.country_of(confident[0].unit), confident[0])]
        cites = tools.citations()
        names = [country for country, _ in chosen]
        lead = join_names([f"**{name}**" for name in names]) + "."
        if len(chosen) == 1:
            text = f"{lead} {tools.claim(chosen[0][1], cites.unit(chosen[0][1].unit, chosen[0][1].probability))}"
        else:
            text = lead + "\n" + "\n".join(
                f"- {country}: {tools.claim(c, cites.unit(c.unit, c.probability))}" for country, c in chosen)
        return Reply(turn.question, text, cites.items, refused=False, best_score=top, countries=names,
                     lead=join_names(names))


def _plural(question: str) -> bool:
    import re

    return bool(re.search(r"\b(countries|governments|nations|jurisdictions|territories|regimes|places)\b", question,
                          re.I))
