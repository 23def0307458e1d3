"""Read a question: clean it, spot injected instructions, and tell which kind of answer it wants."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.errors import QuestionError
from index.parse import TIERS

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b[^.?!]{0,40}\b(instructions?|rules?|prompts?|guidelines|"
    r"context|above|previous|prior|system)\b"
    r"|\b(system prompt|developer mode|jailbreak|you are now|pretend (to be|you are)|act as (an?|the)\b|"
    r"from now on,? (you|answer|say|respond)|new instructions?)\b"
    r"|\b(say|answer|respond|reply|state|claim) (that|with|only)\b[^.?!]{0,60}\b(regardless|no matter|"
    r"even if|whatever)\b",
    re.I,
)
_TIER_WORDS = re.compile(
    r"\btiers?\b|\bwatch ?list\b|\brank(s|ed|ing|ings)?\b|\brating\b|\brated\b|\bplacement\b|\bplaced\b|"
    r"\bupgraded\b|\bdowngraded\b|\bspecial case\b",
    re.I,
)
_TIER_NAME = re.compile(r"\btier\s*(1|2|3|one|two|three|i{1,3})\b(\s*(watch\s*list|wl))?|\bwatch\s*list\b|"
                        r"\bspecial case\b", re.I)
_ACROSS = re.compile(
    r"\b(which|what|list|name|how many|all|other)\b[^?]{0,30}\b(countries|country|governments|nations|places)\b",
    re.I,
)
_COMPARE = re.compile(r"\b(compare|comparison|versus|vs\.?|differ|difference|both|each of)\b", re.I)
_COUNT = re.compile(r"\bhow (many|much)\b|\bhow often\b|\bwhat (was|is|were) the (total )?(number|amount|share|"
                    r"percentage)\b|\bwhat (number|share|percentage)\b", re.I)
_WHEN = re.compile(r"\b(when|what year|which year|since when|what date)\b", re.I)
_LIST = re.compile(
    r"\b(what|which) (are|were|other)\b|\blist\b|\bwhat (steps|efforts|measures|actions|recommendations|"
    r"weaknesses|shortcomings|gaps|problems|concerns|achievements|improvements|groups|sectors|risks)\b|"
    r"\b(recommendations|recommend|recommended|weaknesses|shortcomings|deficiencies|achievements|efforts)\b|"
    r"\bwho (is|are|were) (most )?(at risk|vulnerable)\b|\bwho (are|were)\b|\bsummar(y|ize|ise)\b|\boverview\b|"
    r"\b(what|which) (?!is\b|was\b|does\b|has\b|this\b|its\b|happens\b)[a-z]+s\b|\bin what ways\b",
    re.I,
)
_RECOMMEND = re.compile(r"\brecommend|\bshould\b|\bneeds? (to|a|an|more|better)\b|\bought to\b|\bpriorit|"
                        r"\bwhat (more )?(must|could)\b|"
                        r"\badvice\b|\bsuggest", re.I)
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "i": "1", "ii": "2", "iii": "3"}


@dataclass
class Question:
    """A cleaned question and what it asks for."""

    text: str
    truncated: bool = False
    injection: bool = False
    about_tier: bool = False
    tier_named: str | None = None  # a tier the question names, e.g. "Tier 3"
    across_countries: bool = False
    compare: bool = False
    count: bool = False
    when: bool = False
    wants_list: bool = False
    recommendation: bool = False
    notes: list[str] = field(default_factory=list)


def clean(text: str, max_chars: int, refuse_overlong: bool = False) -> tuple[str, bool]:
    """Normalise a raw question: NFC, no control characters, folded whitespace, at most ``max_chars``.

    Raises QuestionError when nothing is left to ask, or when it is too long and ``refuse_overlong``.
    """
    if not isinstance(text, str):
        raise QuestionError(f"a question must be text, not {type(text).__name__}")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text.replace("\u00a0", " "))
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty: type a question about the report")
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("the question has no words: type a question about the report")
    truncated = len(text) > max_chars
    if truncated and refuse_overlong:
        raise QuestionError(f"the question has {len(text)} characters; the limit is {max_chars} "
                            "(setting max_question_chars)")
    return (text[:max_chars].rstrip(), truncated)


def analyse(text: str, max_chars: int = 2000, refuse_overlong: bool = False) -> Question:
    """Clean ``text`` and classify it (see Question)."""
    cleaned, truncated = clean(text, max_chars, refuse_overlong)
    question = Question(text=cleaned, truncated=truncated)
    if truncated:
        question.notes.append(f"The question was cut to its first {max_chars} characters.")
    question.injection = bool(_INJECTION.search(cleaned))
    question.about_tier = bool(_TIER_WORDS.search(cleaned))
    question.tier_named = tier_in(cleaned)
    question.across_countries = bool(_ACROSS.search(cleaned))
    question.compare = bool(_COMPARE.search(cleaned))
    question.count = bool(_COUNT.search(cleaned))
    question.when = bool(_WHEN.search(cleaned))
    question.recommendation = bool(_RECOMMEND.search(cleaned))
    question.wants_list = bool(_LIST.search(cleaned)) or question.recommendation
    return question


def tier_in(text: str) -> str | None:
    """The tier a text names ("tier three watch list" -> "Tier 2 Watch List" is not guessed: exact forms only)."""
    match = _TIER_NAME.search(text)
    if not match:
        return None
    phrase = match.group(0).lower()
    if "special" in phrase:
        return "Special Case"
    if match.group(1) is None or "watch" in phrase or "wl" in phrase.split():
        return "Tier 2 Watch List"
    number = _NUMBER_WORDS.get(match.group(1).lower(), match.group(1))
    tier = f"Tier {number}"
    return tier if tier in TIERS else None
