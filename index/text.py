"""Sentence and clause spans, word tokens: the text primitives shared by chunking, search and answering."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "u.s", "u.k", "u.n", "e.g", "i.e", "etc", "no", "nos", "mr", "mrs", "ms", "dr", "st", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "dept", "govt", "approx",
    "vs", "art", "para", "inc", "ltd", "co", "corp", "jr", "sr", "gen", "col", "lt", "fig", "p", "pp",
}
# A sentence ends at .!? before a space and a capital, or run together with the next, as list items printed
# without a separator are ("…convict traffickers.Proactively identify…"): a word, the stop, a capitalised word.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|(?<=[A-Za-z0-9)])[.!?](?=[A-Z][a-z])")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\S+")
_BULLET = re.compile(r"[•▪●◦‣∙]\s*")
_STEMMER = snowballstemmer.stemmer("english")
_STEM_LOCK = threading.Lock()
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

_STOPWORD_TEXT = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me
more most my myself nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves tell give list please report say says
said does do did many much
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of non-blank paragraphs (separated by blank lines) within ``text[start:end]``."""
    end = len(text) if end is None else end
    spans = []
    cursor = start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [s for s in (_strip_span(text, a, b) for a, b in spans) if s[1] > s[0]]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans within ``text[start:end]``; paragraph breaks and list bullets always end a sentence.

    Every non-space character lies in a span, except list markers: a bullet followed by item text
    belongs to no sentence (see list_marker_spans); a bullet with nothing after it is text.
    """
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text, start, end):
        for b_start, b_end in _bullet_items(text, p_start, p_end):
            cursor = b_start
            for match in _SENTENCE_END.finditer(text, b_start, b_end):
                if _is_abbreviation(text, cursor, match.start()):
                    continue
                spans.append(_strip_span(text, cursor, match.end()))
                cursor = match.end()
            spans.append(_strip_span(text, cursor, b_end))
    return [s for s in spans if s[1] > s[0]]


def enclosing_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence that holds ``text[start:end]`` (a clause of it), or the span itself when none does."""
    p_start = text.rfind("\n\n", 0, start)
    p_end = text.find("\n\n", end)
    for s_start, s_end in sentence_spans(text, 0 if p_start < 0 else p_start, len(text) if p_end < 0 else p_end):
        if s_start <= start and end <= s_end:
            return s_start, s_end
    return start, end


def _bullet_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A paragraph split at its list markers ("• Train judges. • Adopt a plan.")."""
    items = []
    cursor = start
    for marker_start, marker_end in list_marker_spans(text, start, end):
        items.append((cursor, marker_start))
        cursor = marker_end
    items.append((cursor, end))
    return items


def list_marker_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Bullets (with the spaces after them) that introduce a list item within ``text[start:end]``.

    A bullet is a marker only when item text follows it before the next bullet or the end; a bullet
    with nothing after it ("Done •", a lone "•") is ordinary text.
    """
    end = len(text) if end is None else end
    matches = list(_BULLET.finditer(text, start, end))
    markers = []
    for i, match in enumerate(matches):
        following_end = matches[i + 1].start() if i + 1 < len(matches) else end
        if text[match.end() : following_end].strip():
            markers.append((match.start(), match.end()))
    return markers


def _is_abbreviation(text: str, sentence_start: int, period: int) -> bool:
    if text[period] != ".":
        return False
    word_start = period
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:period].lower().lstrip("(\"'“")
    # Single letters are initials ("J. Smith"); dotted words are abbreviations ("U.S.").
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or ("." in word and len(word) <= 6)


def clause_spans(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split a span longer than ``max_chars`` at semicolons; shorter spans come back whole."""
    if end - start <= max_chars:
        return [(start, end)]
    spans = []
    cursor = start
    for match in re.finditer(r";\s+", text[start:end]):
        cut = start + match.start() + 1
        spans.append(_strip_span(text, cursor, cut))
        cursor = start + match.end()
    spans.append(_strip_span(text, cursor, end))
    return [s for s in spans if s[1] > s[0]]


# Units longer than this are cut at semicolons into clauses: the quotable sentence-level unit.
SENTENCE_MAX_CHARS = 320
# A unit at least this long is also matched by its comma-separated stretches ("views").
VIEW_MIN_UNIT_CHARS = 160
VIEW_MIN_CHARS = 40
VIEW_MAX_CHARS = 200


def segment_spans(text: str) -> list[tuple[int, int]]:
    """Comma/semicolon/colon-separated stretches of a sentence, as offsets into ``text``."""
    spans = []
    cursor = 0
    for match in re.finditer(r"[,;:]\s+", text):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, len(text)))
    return [s for s in spans if s[1] > s[0]]


def view_spans(text: str) -> list[tuple[int, int]]:
    """The whole text, and for a long one each run of segments of VIEW_MIN_CHARS to VIEW_MAX_CHARS."""
    views = [(0, len(text))]
    if len(text) < VIEW_MIN_UNIT_CHARS:
        return views
    segments = segment_spans(text)
    i = 0
    while i < len(segments):
        start, end = segments[i]
        j = i
        while end - start < VIEW_MIN_CHARS and j + 1 < len(segments):
            j += 1
            end = segments[j][1]
        if end - start <= VIEW_MAX_CHARS and (start, end) != (0, len(text)):
            views.append((start, end))
        i = j + 1
    return views


def unit_spans(text: str, start: int, end: int, max_chars: int = 600) -> list[tuple[int, int]]:
    """Sentences, with overlong semicolon-joined sentences split into their clauses."""
    units = []
    for s_start, s_end in sentence_spans(text, start, end):
        units.extend(clause_spans(text, s_start, s_end, max_chars))
    return units


def word_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    end = len(text) if end is None else end
    for match in _WORD.finditer(text, start, end):
        yield match.start(), match.end()


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """English Snowball stem: prosecute/prosecutions/prosecuted all become 'prosecut'."""
    with _STEM_LOCK:  # a Snowball stemmer object is not safe to share between threads
        return _STEMMER.stemWord(token)


# British spellings users type, mapped to the American ones the report uses (before stemming).
AMERICAN = {
    "labour": "labor", "labours": "labors", "organisation": "organization", "organisations": "organizations",
    "programme": "program", "programmes": "programs", "centre": "center", "centres": "centers",
    "offence": "offense", "offences": "offenses", "defence": "defense", "neighbour": "neighbor",
    "neighbours": "neighbors", "neighbouring": "neighboring", "behaviour": "behavior", "favour": "favor",
    "harbour": "harbor", "licence": "license", "judgement": "judgment", "counselling": "counseling",
    "travelled": "traveled", "ageing": "aging", "enrolment": "enrollment", "criminalise": "criminalize",
    "criminalised": "criminalized", "recognise": "recognize", "recognised": "recognized", "prioritise": "prioritize",
    "prioritised": "prioritized", "authorise": "authorize", "authorised": "authorized", "organise": "organize",
    "organised": "organized", "summarise": "summarize", "emphasise": "emphasize", "penalise": "penalize",
    "jeopardise": "jeopardize", "utilise": "utilize", "mobilise": "mobilize", "mobilised": "mobilized",
    "minimise": "minimize", "standardised": "standardized", "specialised": "specialized", "analyse": "analyze",
    # Everyday words for the report's own ("kids" are "children" in every narrative).
    "yrs": "years", "straight": "consecutive",
    "kids": "child", "kid": "child", "children": "child", "child's": "child", "children's": "child",
    "cops": "police", "cop": "police", "jail": "prison", "jailed": "imprisoned",
    "bosses": "employers", "boss": "employer", "teens": "adolescents", "youngsters": "children",
    "prostitution": "commercial sex", "prostitutes": "commercial sex", "pimps": "traffickers",
}


def tokens(text: str, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased, stemmed word tokens for lexical matching (British spellings made American)."""
    found = _TOKEN.findall(text.lower().replace("’", "'"))
    return [stem(word) for t in found if keep_stopwords or t not in STOPWORDS
            for word in AMERICAN.get(t, t).removesuffix("'s").split()]
