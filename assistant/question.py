"""Read a question: clean it and spot injected instructions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.errors import QuestionError

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
# Chat shorthand, read as the words it stands for ("how many refugees r in lebanon", "what did the govt do"):
# lower case only, so that "R" or "U" in a name stays.
_SHORTHAND = {
    "r": "are", "u": "you", "ur": "your", "govt": "government", "gov't": "government", "gov’t": "government",
    "gov": "government", "ppl": "people", "yrs": "years", "yr": "year", "thru": "through", "w/o": "without",
    "w/": "with", "b/c": "because", "approx": "approximately", "approx.": "approximately", "abt": "about",
    "bc": "because", "cuz": "because", "pls": "please", "plz": "please", "tho": "though",
    "org": "organization", "orgs": "organizations", "int'l": "international", "intl": "international",
    "dept": "department", "reqs": "requirements", "info": "information", "stats": "statistics",
}
_SHORTHAND_WORD = re.compile(r"(?<![\w/'.-])("
                             + "|".join(re.escape(k) for k in sorted(_SHORTHAND, key=len, reverse=True))
                             + r")(?![\w/'’-])")


def expand_shorthand(text: str) -> str:
    """``text`` with chat shorthand written out ("r" -> "are", "govt" -> "government")."""
    return _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(1)], text)


@dataclass
class Question:
    """A cleaned question, whether it tries to change the rules, and notes on how it was cleaned."""

    text: str
    truncated: bool = False
    injection: bool = False
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
    """Clean ``text`` and spot injected instructions (what it asks for is assistant.intents' business)."""
    cleaned, truncated = clean(text, max_chars, refuse_overlong)
    cleaned = expand_shorthand(cleaned)
    question = Question(text=cleaned, truncated=truncated, injection=bool(_INJECTION.search(cleaned)))
    if truncated:
        question.notes.append(f"The question was cut to its first {max_chars} characters.")
    return question
