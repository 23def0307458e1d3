"""Which country / which government / where: the reply leads with the country of the narrative that says it."""

from __future__ import annotations

import re

from assistant.answerers.base import CLAIM_MAX_CHARS, Tools, Turn
from assistant.answerers.facts import SINGLE_SHARE
from assistant.conversation import only_origins
from assistant.evidence import Candidate
from assistant.intents import Intent
from assistant.phrasing import join_names
from assistant.records import Reply
from assistant.tiers import move_of, placement_constraint, tier_unit_span

# Passages searched across all narratives: more than for a one-country question.
COUNTRY_TOP_K = 16
# For "which countries", others are named too when their best sentence has at least this share of the
# best one's probability.
PLURAL_SHARE = 0.5
MAX_COUNTRIES = 5
# "Which country's Belt and Road projects …?": the answer owns the thing asked about.
_OWNED = re.compile(r"\b(?:which|what) (?:country|government|nation)['’]s (?P<thing>[\w-]+)|"
                    r"^\W*whose (?P<thing2>[\w-]+)", re.I)
# A country named within a sentence's first words is what the sentence is about.
SUBJECT_WORDS = 4


class CountryAnswerer:
    def answer(self, turn: Turn, tools: Tools) -> Reply:
        within = turn.subjects if turn.filtered else (turn.pool or None)
        settled = False
        if within is None and placement_constraint(turn.question):
            # "Which Tier 3 island …": only narratives with that placement can answer, so only they are searched,
            # and their placement sentences answer nothing more.
            within = [c for c in tools.by_country if fits_placement(c, turn, tools)] or None
            settled = within is not None
        rated = tools.retrieved_candidates(turn, within, k=max(COUNTRY_TOP_K, tools.settings.search.top_k),
                                           ask=tools.ask_of(turn, Intent.COUNTRY), placement_if_asked=True,
                                           placement_settled=settled)
        best_by_country: dict[str, Candidate] = {}
        runner_up: dict[str, Candidate] = {}
        for candidate in tools.confident(rated):
            country = answer_country(candidate, turn, tools)
            if turn.pool and country not in turn.pool:
                continue  # "which of X, Y and Z": the answer is one of them
            # "Which countries do Cuban workers go to?": not Cuba, which the question itself names.
            if (turn.pool or country not in turn.mentioned) and fits_placement(country, turn, tools):
                if country in best_by_country:
                    runner_up.setdefault(country, candidate)
                best_by_country.setdefault(country, candidate)
        if not best_by_country:
            return tools.does_not_say(turn, "which country")
        confident = list(best_by_country.values())
        top = confident[0].probability
        plural = _plural(turn.question) or bool(turn.pool)
        chosen = [(country, c) for country, c in best_by_country.items()
                  if plural and c.probability >= top * PLURAL_SHARE][:MAX_COUNTRIES] or \
            [next(iter(best_by_country.items()))]
        cites = tools.citations()
        names = [country for country, _ in chosen]
        lead = join_names([f"**{name}**" for name in names]) + "."
        if len(chosen) == 1:
            country, best = chosen[0]
            text = f"{lead} {tools.claim(best, cites.unit(best.unit, best.probability))}"
            second = runner_up.get(country)
            if second is not None and second.probability >= best.probability * SINGLE_SHARE:
                # A second sentence of the same narrative that fits nearly as well is proof too.
                text += " " + tools.claim(second, cites.unit(second.unit, second.probability), CLAIM_MAX_CHARS)
        else:
            text = lead + "\n" + "\n".join(
                f"- {country}: {tools.claim(c, cites.unit(c.unit, c.probability))}" for country, c in chosen)
        return Reply(turn.question, text, cites.items, refused=False, best_score=top, countries=names,
                     lead=join_names(names))


def answer_country(candidate: Candidate, turn: Turn, tools: Tools) -> str:
    """The country a sentence answers with: the owner of what the question asks about ("which country's Belt
    and Road projects" and "China's Belt and Road Initiative"), one it names as its subject ("North Korea exploits
    some of its citizens in China", in China's narrative), else its narrative's."""
    matcher = tools.index.countries
    owned = _OWNED.search(turn.question)
    if owned:
        word = re.escape(owned.group("thing") or owned.group("thing2"))
        for match in re.finditer(rf"\b((?:[A-Z][\w-]*\s+){{0,3}}[A-Z][\w-]*)['’]s\s+{word}", candidate.unit.text,
                                 re.I):
            found = [c for c, outright in matcher.mentions(match.group(1)) if outright and c in tools.by_country]
            if found:
                return found[-1]
    opening = " ".join(candidate.unit.text.split()[:SUBJECT_WORDS])
    # "women from Haiti, …": a country people come from is not what the sentence is about.
    named = [c for c, outright in matcher.mentions(opening) if outright and c in tools.by_country
             and not only_origins(opening, [c], matcher)]
    return named[0] if named else tools.country_of(candidate.unit)


def fits_placement(country: str, turn: Turn, tools: Tools) -> bool:
    """"Which Tier 3 country …", "which country, downgraded this year, …": the placement must match too."""
    doc = tools.doc(country)
    if not placement_constraint(turn.question):
        return True
    if turn.cues.tier_named and (doc.tier == turn.cues.tier_named) == turn.cues.not_on:
        return False
    if turn.cues.move in ("downgraded", "upgraded"):
        return move_of(doc.text[slice(*tier_unit_span(doc))]) == turn.cues.move
    return True


def _plural(question: str) -> bool:
    return bool(re.search(r"\b(countries|governments|nations|jurisdictions|territories|regimes|places)\b", question,
                          re.I))
