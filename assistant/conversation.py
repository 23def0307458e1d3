"""Resolve a question against the conversation so far: which countries it is about, and which it only names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.countries import CountryMatcher

# Words by which a follow-up points back at the conversation ("there", "it", "that country", "the government").
POINTS_BACK = re.compile(
    r"\b(it|its|it's|there|that|this|those|these|them|they|their|theirs|same|one|ones|the government|"
    r"the country|the authorities|officials|he|she|his|her)\b", re.I)


@dataclass
class Resolved:
    """The countries a question is about (subjects), and the others it names."""

    subjects: list[str]  # corpus countries the question is about: named, else inherited, else implied
    missing: list[str]  # countries the question is about that the corpus does not hold
    mentioned: list[str] = field(default_factory=list)  # other countries it names or qualifies ("Nigerian traffickers")
    named: list[str] = field(default_factory=list)  # corpus countries named outright in the question itself
    inherited: bool = False  # the subjects come from an earlier turn
    by_adjective: bool = False  # the subjects come from an adjective ("Eritreans", "Cuban workers")


def resolve(question: str, history: list[str], matcher: CountryMatcher, single_country: str | None) -> Resolved:
    """Countries named in the question are its subjects; adjectives ("Malagasy workers") are subjects only
    when nothing is named; otherwise subjects come from the latest earlier turn that had some (a country
    the corpus lacks carries over only when the follow-up points back at it), else the corpus's only
    country. ``history`` holds earlier user questions (optionally answers), oldest first.
    """
    mentions = matcher.mentions(question)
    named_inside = [c for c, named in mentions if named and c in matcher.corpus]
    named_outside = [c for c, named in mentions if named and c not in matcher.corpus]
    governed = set(matcher.governed(question))
    # "Norwegian authorities": an adjective qualifying a state names the country the question is about.
    named_outside += [c for c, named in mentions if not named and c in governed and c not in matcher.corpus]
    named_inside += [c for c, named in mentions if not named and c in governed and c in matcher.corpus]
    adjectives = [c for c, named in mentions if not named and c not in governed]
    located = []
    if not named_inside and any(c in matcher.corpus for c in adjectives):
        # "Are Marshallese going to the US for work?": the corpus country's people are the subject, the
        # uncovered country named is only where they go.
        located = [c for c in named_outside if c not in governed]
        named_outside = [c for c in named_outside if c in governed]
    subjects, missing = named_inside, named_outside
    mentioned = [c for c in adjectives if c not in subjects]
    inherited = by_adjective = False
    destinations = bool(named_inside) and not named_outside and all(_only_a_destination(question, c, matcher)
                                                                    for c in named_inside)
    corpus_people = [c for c in adjectives if c in matcher.corpus and c not in named_inside]
    if destinations and corpus_people:
        # "Are Cambodians taken to China?": the people's country is the subject, China where they are taken.
        subjects, mentioned = corpus_people, list(dict.fromkeys([*named_inside, *(c for c in adjectives
                                                                                  if c not in corpus_people)]))
        by_adjective = True
    elif destinations and history:
        # "And how do recruiters get women into China?" after a question about Madagascar: the conversation's
        # country stays the subject, and China is where its people are taken.
        earlier = _from_history(question, history, matcher, single_country)
        if earlier is not None and earlier[0] and not set(earlier[0]) & set(named_inside):
            subjects, missing = earlier
            mentioned = list(dict.fromkeys([*named_inside, *(c for c in adjectives if c not in earlier[0])]))
            inherited = True
    elif history and named_outside and not named_inside and not governed and _THEM_IN.search(question) and all(
            placed_in(question, c, matcher) for c in named_outside):
        # "In Turkey specifically, who exploits them?" after questions about Syrian refugees: the people are the
        # conversation's, and the uncovered country is where they are; the conversation's narrative may say.
        earlier = _from_history(question, history, matcher, single_country)
        if earlier is not None and earlier[0]:
            subjects, missing = earlier
            mentioned = list(dict.fromkeys([*named_outside, *mentioned]))
            inherited = True
    if not subjects and not missing and not located:
        earlier = _from_history(question, history, matcher, single_country)
        if earlier is not None:
            subjects, missing = earlier
            inherited = True
            mentioned = [c for c in adjectives if c not in subjects]
        elif adjectives:
            # "Are Malagasy workers at risk?": with nothing named, a corpus country's adjective names the
            # subject; an uncovered one ("Peruvian workers") stays a word the evidence must contain.
            subjects = [c for c in adjectives if c in matcher.corpus]
            mentioned = [c for c in adjectives if c not in matcher.corpus] + located
            by_adjective = bool(subjects)
    if not subjects and not missing and single_country:
        subjects = [single_country]
    return Resolved(subjects=subjects, missing=missing, mentioned=mentioned, named=named_inside, inherited=inherited,
                    by_adjective=by_adjective)


# A follow-up about the earlier question's people ("who exploits them", "are they at risk").
_THEM_IN = re.compile(r"\b(they|them|their|those)\b", re.I)


def placed_in(question: str, country: str, matcher: CountryMatcher) -> bool:
    """Whether the question names the country as a place ("in Turkey"), not as an actor ("Turkey's police")."""
    forms = "|".join(re.escape(f) for f in matcher.forms(country))
    return bool(forms) and bool(re.search(rf"\b(?:in|inside|within|into|to)\s+(?:the\s+)?(?:{forms})(?!\w)(?!['’]s)",
                                          question, re.I))


# "compared to China", "similar to Kuwait": a comparison, not where people are taken.
_NOT_COMPARED = "".join(f"(?<!{w} )" for w in ("compare", "compared", "relative", "similar", "next", "close"))


def only_origins(question: str, countries: list[str], matcher: CountryMatcher, *, destinations: bool = False) -> bool:
    """Whether the question names these countries only as where people come from ("Women from Haiti, the
    Dominican Republic and Venezuela are exploited on which island?"): the answer is another country. With
    ``destinations``, a list of two or more places they are taken to counts too ("most of its victims are in
    India, Russia and Turkey")."""
    spans = [m.span() for m in _ORIGIN_LIST.finditer(question)]
    if destinations:
        spans += [m.span() for m in _PLACE_LIST.finditer(question)]
    for country in countries:
        forms = "|".join(re.escape(f) for f in matcher.forms(country))
        found = [m.start() for m in re.finditer(rf"(?<![\w-])(?:{forms})(?![\w-])", question, re.I)]
        if not found or not all(any(a <= at < b for a, b in spans) for at in found):
            return False
    return bool(countries)


# "from Haiti, the Dominican Republic, and Venezuela": a list of places after "from".
_ORIGIN_LIST = re.compile(r"\bfrom\s+(?:the\s+)?[A-Z][\w'-]*(?:(?:\s+|,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?"
                          r"[A-Z][\w'-]*)*")
# "in India, Russia, and Turkey": a list of two or more places after "in" or "to".
_PLACE_LIST = re.compile(r"\b(?:in|to|into|toward|towards)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*"
                         r"(?:(?:,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)+")


def _only_a_destination(question: str, country: str, matcher: CountryMatcher) -> bool:
    """Whether the question names a country only as where people are taken ("to China", "into Kuwait")."""
    forms = "|".join(re.escape(f) for f in matcher.forms(country))
    every = len(re.findall(rf"(?<![\w-])(?:{forms})(?![\w-])", question, re.I))
    taken = len(re.findall(rf"{_NOT_COMPARED}\b(?:to|into|towards)\s+(?:the\s+)?(?:{forms})(?![\w-])", question,
                           re.I))
    return every > 0 and taken == every


def _from_history(question: str, history: list[str], matcher: CountryMatcher,
                  single_country: str | None) -> tuple[list[str], list[str]] | None:
    for turn in reversed(history):
        mentions = matcher.mentions(turn)
        governed = set(matcher.governed(turn))
        # Named countries first, then a corpus country's adjective ("Lithuanian police"); a country the
        # corpus lacks only when the turn was about nothing else.
        inside = [c for c, named in mentions if (named or c in governed) and c in matcher.corpus] or \
            [c for c, _ in mentions if c in matcher.corpus]
        outside = [] if inside else [c for c, named in mentions if (named or c in governed)
                                     and c not in matcher.corpus]
        if outside and not inside and not POINTS_BACK.search(question):
            continue
        if inside or outside:
            return inside, outside
    return None
