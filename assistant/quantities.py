"""Quantities in report text: counts, durations, dates, ages, shares and amounts, each with its unit.

``find`` returns the phrases of one kind in a text ("83 inspections", "for the second consecutive year",
"as young as 12", "since 1998", "25 percent"); the quantity answerer states the one nearest the question's
focus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.intents import Quantity

_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                r"hundred|a hundred|several|dozens|hundreds|thousands|millions|tens of thousands|a dozen|a few)")
_SCALE = r"(?:\s+(?:thousand|million|billion))?"
# Years are dates, not counts; "Tier 2" is a placement.
_DIGITS = r"(?<![\w.,-])(?<!Tier )(?!(?:19|20)\d\d(?!\d|,\d))\d[\d,]*(?:\.\d+)?" + _SCALE
_MODIFIER = (r"(?:(?:more than|over|nearly|almost|about|approximately|around|roughly|an estimated|estimated|at least|"
             r"up to|fewer than|less than|some|only|just|as many as|between)\s+)?")
_ONE_NUMBER = rf"(?:{_DIGITS}|\b{_NUMBER_WORD}{_SCALE}\b|\ba (?:million|thousand|hundred)\b)"
# A range is one quantity: "20,000-100,000 North Koreans", "between 10 and 20 victims".
_NUMBER = (rf"(?:\bbetween\s+{_ONE_NUMBER}\s+and\s+{_ONE_NUMBER}|{_MODIFIER}{_ONE_NUMBER}"
           rf"(?:\s*[-–]\s*\d[\d,]*(?:\.\d+)?{_SCALE})?)")
_ORDINAL = (r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
            r"fourteenth|fifteenth|\d+(?:st|nd|rd|th))")
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# Words in -ed that qualify a counted noun ("two alleged traffickers") rather than start a verb phrase.
_ED_ADJECTIVES = (r"(?:alleged|suspected|accused|displaced|unaccompanied|trafficked|registered|documented|"
                  r"undocumented|confirmed|specialized|specialised|dedicated|qualified|licensed|unlicensed)")
# A counted noun: up to three words after the number, stopping at function words and punctuation.
_COUNTED = (r"(?:\s+(?!(?:in|of|on|at|by|for|to|from|and|or|with|during|under|per|who|which|that|were|was|"
            rf"is|are|had|have|has|remained|remain|were)\b)(?!(?!{_ED_ADJECTIVES}\b)[a-z]+ed\b)[A-Za-z][\w'’-]*)"
            r"{0,3}")

# A term of prison ("five to 10 years' imprisonment", "up to 15 years in prison", "life imprisonment"); never a
# streak ("for the third consecutive year") or an age ("12 years old").
_TERM = (rf"\b(?:(?:up to|at least|a maximum of|a minimum of|ranging from|from|between)\s+)?{_NUMBER}"
         rf"(?:\s*(?:to|-|–|and)\s*{_NUMBER})?(?:\s+|-)(?:years?|months?)['’]?(?:\s+(?:of\s+)?"
         rf"(?:imprisonment|in prison|in jail|prison|jail|incarceration|suspended))?\b(?!\s+(?:old|ago))"
         rf"|\blife (?:imprisonment|in prison|sentences?)\b")

_PATTERNS: dict[Quantity, re.Pattern[str]] = {
    Quantity.DURATION: re.compile(
        rf"\b(?:for\s+)?(?:the\s+)?{_ORDINAL}\s+(?:consecutive|straight|successive)\s+"
        rf"(?:year|reporting period|month)s?\b"
        rf"|\b(?:for\s+)?(?:the\s+)?(?:past|last|previous)\s+{_NUMBER}\s+(?:years?|months?)\b"
        rf"|\b(?:for\s+)?{_NUMBER}(?:\s+|-)(?:consecutive\s+)?(?:years?|months?|weeks?|days?)\b"
        rf"|\bsince\s+(?:{_MONTH}\s+)?{_YEAR}\b|\b(?:for\s+)?(?:more than\s+)?a\s+(?:decade|year|month)\b"
        rf"|\bindefinitely\b|\bfor\s+(?:decades|years|months)\b",
        re.I),
    Quantity.TERM: re.compile(_TERM, re.I),
    # A sentence by its term, its kind ("suspended sentences") or a fine.
    Quantity.PENALTY: re.compile(
        _TERM + r"|\bsuspended (?:prison )?sentences?\b|\b(?:fines?|probation|community service)\b", re.I),
    Quantity.DATE: re.compile(
        rf"\b(?:(?:since|in|by|until|from|on|before|after)\s+)?(?:(?:early|late|mid-?)\s*)?(?:{_MONTH}\s+(?:\d{{1,2}},?\s+)?)?"
        rf"{_YEAR}\b(?!\s*\)\s*;?\s*$)|\b(?:in|since|by|until)\s+{_MONTH}\b"
        # A time of year: "particularly during the summer tourism season".
        rf"|\b(?:during|in)\s+(?:the\s+)?(?:summer|winter|spring|autumn|harvest|holiday|rainy|dry)"
        rf"(?:\s+(?:tourism|tourist|harvest|holiday))?(?:\s+(?:season|months))?\b",
        re.I),
    Quantity.AGE: re.compile(
        rf"\b(?:as young as|aged?|under(?: the age of)?|younger than|older than|at age|ages? of|ages?)\s+{_NUMBER}"
        rf"(?:\s*(?:to|-|and)\s*{_NUMBER})?(?:\s+years?(?: old)?)?\b|\b{_NUMBER}(?:-|\s+)years?(?:-|\s+)old\b"
        rf"|\b(?:minors|children|child)\b",
        re.I),
    Quantity.SHARE: re.compile(
        rf"{_NUMBER}\s*(?:%|percent\b|per cent\b)|\b(?:(?:less|more|fewer) than |nearly |almost |about |over |"
        rf"roughly |around |approximately )?(?:half|a third|one[- ]third|a quarter|one[- ]quarter|two[- ]thirds|"
        rf"three[- ]quarters|the majority|a majority)\b(?:\s+of)?|\bmost(?=\s+of\b)",
        re.I),
    Quantity.MONEY: re.compile(
        rf"(?:[$€£¥]|\b(?:US\$|USD|EUR|GBP)\s?)\s?\d[\d,]*(?:\.\d+)?{_SCALE}(?:\s*\([^)]{{0,40}}\))?"
        rf"|{_NUMBER}\s+(?:(?-i:[A-Z]{{3}})\b|(?:U\.S\.\s+)?dollars\b|euros?\b|pounds\b|[a-z]+\s+(?:dollars|francs|"
        rf"pesos|rupees|dinars|riyals))(?:\s*\([^)]{{0,40}}\))?",
        re.I),
    Quantity.COUNT: re.compile(rf"{_NUMBER}{_COUNTED}", re.I),
}
# Zero, as the report says it: "did not identify any victims", "no convictions", "none of the".
_ZERO = re.compile(r"\b(?:did not|does not|do not|has not|have not|had not|failed to|never)\s+(?:\w+\s+){0,2}?"
                   r"(?:identify|identified|convict|convicted|prosecute|prosecuted|investigate|investigated|report|"
                   r"reported|initiate|initiated|provide|provided|open|opened|fund|funded|hold|held|refer|referred)"
                   r"\s+any\s+(?:new\s+)?[\w-]+(?:\s+[\w-]+)?|\bno\s+(?:new\s+)?(?:prosecutions|convictions|"
                   r"investigations|victims|cases|shelters|traffickers|officials|funding|data)\b", re.I)
_AGE_NUMBER = re.compile(r"\d|" + _NUMBER_WORD, re.I)
# Words that are numbers in form only ("one of the", "some of").
_NOT_A_COUNT = re.compile(r"^(?:one|a few|several|some)\s+(?:of|another|other)\b", re.I)


@dataclass(frozen=True)
class Found:
    """A quantity phrase at [start, end) of the text it was found in."""

    kind: Quantity
    start: int
    end: int
    text: str


def find(text: str, kind: Quantity) -> list[Found]:
    """Every phrase of ``kind`` in ``text``, in order (counts also accept a duration or share)."""
    out = []
    if kind is Quantity.COUNT:
        out += [Found(kind, m.start(), m.end(), m.group(0)) for m in _ZERO.finditer(text)]
    # A share first, so that "25% of children" is a share, not the count "25".
    kinds = [Quantity.SHARE, kind, Quantity.MONEY] if kind is Quantity.COUNT else [kind]
    taken: list[tuple[int, int]] = [(f.start, f.end) for f in out]
    for each in kinds:
        for match in _PATTERNS[each].finditer(text):
            phrase = match.group(0).strip(" ,;:")
            if not phrase or _NOT_A_COUNT.match(phrase) or (each is Quantity.AGE and not _AGE_NUMBER.search(phrase)):
                continue
            start = match.start() + match.group(0).index(phrase)
            end = start + len(phrase)
            if any(a < end and start < b for a, b in taken):
                continue
            taken.append((start, end))
            out.append(Found(each, start, end, phrase))
    return sorted(out, key=lambda f: f.start)


_OF_NOUN = re.compile(r"\s+of\s+(?:the\s+|these\s+|those\s+|its\s+|their\s+)?([A-Za-z][\w'’-]*)")
_NO_NOUN = frozenset({"whom", "which", "them", "these", "those", "it", "all", "its", "their"})
_LEADING_NUMBER = re.compile(_NUMBER, re.I)


def counted_words(text: str, found: Found) -> str:
    """The words naming what a quantity in ``text`` counts: "inspections" in "83 inspections", "countries" in
    "dozens of countries"; "" when it names nothing ("19 of whom", "None")."""
    after = _OF_NOUN.match(text, found.end)
    if after and after.group(1).lower() not in _NO_NOUN:
        return after.group(1)
    number = _LEADING_NUMBER.match(found.text)
    return found.text[number.end():].strip() if number else ""


_VAGUE = re.compile(r"^(?:(?:more than|over|nearly|almost|about|approximately|around|roughly|an estimated|"
                    r"estimated|at least|up to|fewer than|less than|some|only|just)\s+)?(?:several|dozens|hundreds|"
                    r"thousands|millions|tens of thousands|a few|a dozen|many|most|the majority|a majority)\b", re.I)


def is_zero(phrase: str) -> bool:
    """"did not identify any victims", "no convictions": the report's way of saying none."""
    return bool(_ZERO.fullmatch(phrase))


def is_vague(phrase: str) -> bool:
    """"thousands", "several", "most": a quantity that is no exact figure."""
    return bool(_VAGUE.match(phrase))


def has(text: str, kind: Quantity) -> bool:
    """Whether ``text`` holds a phrase of ``kind``."""
    return bool(find(text, kind))
