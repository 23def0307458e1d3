"""Resolve follow-up questions against the conversation so far."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.countries import CountryMatcher

# Words by which a follow-up points back at the previous question ("there", "it", "which one").
POINTS_BACK = re.compile(r"\b(it|its|there|that|this|those|these|them|they|their|same|one|ones)\b", re.I)


@dataclass
class Resolved:
    """The countries a question is about."""

    countries: list[str]  # corpus countries, from the question or else from history
    missing: list[str]  # countries named (in the question or inherited) that the corpus does not hold


def resolve(question: str, history: list[str], matcher: CountryMatcher, single_country: str | None) -> Resolved:
    """Countries named in the question win; otherwise the most recent history turn naming one.

    ``history`` holds earlier user questions (and optionally answers), oldest first. With a one-country
    corpus and no country anywhere, that country is implied.
    """
    mentions = matcher.mentions(question)
    inside = [c for c, _ in mentions if c in matcher.corpus]
    outside = [c for c, _ in mentions if c not in matcher.corpus]
    if mentions and not any(named for _, named in mentions) and history:
        # "Vietnamese workers" in a follow-up about Serbia: Serbia stays in scope, Vietnam joins it.
        for turn in reversed(history):
            earlier = [c for c in matcher.find(turn) if c in matcher.corpus]
            if earlier:
                inside = list(dict.fromkeys(earlier + inside))
                break
    if not inside and not outside:
        for turn in reversed(history):
            inside, outside = matcher.split(turn)
            # A country the corpus lacks carries over only when the follow-up points back at it ("there").
            if outside and not inside and not POINTS_BACK.search(question):
                outside = []
                continue
            if inside or outside:
                break
    if not inside and not outside and single_country:
        inside = [single_country]
    return Resolved(countries=inside, missing=outside)
