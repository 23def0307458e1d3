"""Resolve follow-up questions against the conversation so far."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.countries import CountryMatcher
from index.text import tokens

_POINTS_BACK = re.compile(r"\b(there|it|its|that country|this country|the same|they|their)\b", re.I)
# A follow-up with this few content words ("and then?") borrows the previous question's topic for retrieval.
SHORT_FOLLOW_UP_TOKENS = 0


@dataclass
class Resolved:
    """The countries a question is about, and the text to retrieve with."""

    countries: list[str]  # corpus countries, from the question or else from history
    missing: list[str]  # countries named (in the question or inherited) that the corpus does not hold
    query: str
    from_history: bool = False


def resolve(question: str, history: list[str], matcher: CountryMatcher, single_country: str | None) -> Resolved:
    """Countries named in the question win; otherwise the most recent history turn naming one.

    ``history`` holds earlier user questions (and optionally answers), oldest first. With a one-country
    corpus and no country anywhere, that country is implied.
    """
    mentions = matcher.mentions(question)
    inside = [c for c, _ in mentions if c in matcher.corpus]
    outside = [c for c, _ in mentions if c not in matcher.corpus]
    query = question
    from_history = False
    if mentions and not any(named for _, named in mentions) and history:
        # "Vietnamese workers" in a follow-up about Serbia: Serbia stays in scope, Vietnam joins it.
        for turn in reversed(history):
            earlier = [c for c in matcher.find(turn) if c in matcher.corpus]
            if earlier:
                inside = list(dict.fromkeys(earlier + inside))
                from_history = True
                break
    if not inside and not outside:
        for turn in reversed(history):
            inside, outside = matcher.split(turn)
            # A country the corpus lacks carries over only when the follow-up points back at it ("there").
            if outside and not inside and not _POINTS_BACK.search(question):
                outside = []
                continue
            if inside or outside:
                from_history = True
                break
        if history and len(tokens(question)) <= SHORT_FOLLOW_UP_TOKENS:
            query = f"{history[-1]} {question}"
    if not inside and not outside and single_country:
        inside = [single_country]
    return Resolved(countries=inside, missing=outside, query=query, from_history=from_history)
