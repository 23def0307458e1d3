"""The extractive answerer's parts: candidate sentences, their scores, and the stretch shown as the claim."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.question import Question
from index.chunk import is_list_section
from index.records import Document, Hit
from index.search import TipIndex
from index.text import (
    SENTENCE_MAX_CHARS,
    STOPWORDS,
    VIEW_MIN_UNIT_CHARS,
    segment_spans,
    tokens,
    unit_spans,
    view_spans,
)

# Quotes longer than this are cut at semicolons into clauses (factbook summaries are one long sentence).
QUOTE_MAX_CHARS = SENTENCE_MAX_CHARS
# The best units are also scored by their comma-separated stretches ("views"), so that one fact inside a
# long list sentence can match a short question; this many units get that closer look.
VIEW_RESCORE = 8
# Weights of the sentence score: meaning, shared rare words, and the question's expected answer type.
SEMANTIC_WEIGHT = 0.6
LEXICAL_WEIGHT = 0.4
TYPE_BONUS = 0.08
# Recommendations say what should be done, not what happened: a weaker match for factual questions.
PRESCRIPTIVE_PENALTY = 0.08
# Words that say what kind of question it is, not what it is about (stemmed on use).
_QUESTION_NOISE = (
    "report", "government", "country", "countries", "tip", "state", "department", "according", "mention",
    "describe", "explain", "know", "anything", "information", "detail", "details", "happen", "happened",
    "year", "say", "says", "tell",
)
# Words that only say "I want recommendations".
_RECOMMENDATION_NOISE = (
    "recommend", "recommends", "recommended", "recommendation", "recommendations", "prioritized", "priority",
    "priorities", "suggest", "suggests", "suggestion", "advice", "advise", "should", "must", "could", "need",
    "needs", "take", "steps", "step", "action", "actions", "do", "does",
)
_TIER_NOISE = (
    "tier", "tiers", "ranked", "ranking", "rank", "rating", "rated", "placement", "placed", "watch", "list",
)
_NUMBER = re.compile(
    r"(?<![\w-])(?<!Tier )(?!(?:19|20)\d\d\b)\d[\d,.]*\b|"
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand|million|half|several|dozens|hundreds|thousands)\b",
    re.I,
)
# The counted thing: the words after "how many" up to a verb, preposition or punctuation; its last word.
_COUNT_HEAD = re.compile(
    r"\bhow (?:many|much)\s+((?:(?!(?:did|does|do|were|was|are|is|has|have|had|will|would|can|could|for|of|in|"
    r"on|at|by|from|to|with|under|during)\b)[\w'’-]+\s*){1,5})", re.I)
_COUNT_FILLER = frozenset(tokens("new more total different other exact exactly additional roughly about", True))
# A count answer may lack the counted word if its stretch means nearly the same as the question.
PARAPHRASE_SIMILARITY = 0.7
# A year in parentheses at a clause's end is the edition stamp of a factbook summary, not a date in the text.
_DATE = re.compile(r"\b(19|20)\d\d\b(?!\)\s*;?\s*$)|\b(January|February|March|April|May|June|July|August|"
                   r"September|October|November|December)\b")
_CONTRAST = re.compile(r"^(however|although|but|despite|nevertheless|yet|while)\b|\bhowever,", re.I)
_ELABORATION = re.compile(r"^(such as|including|especially|particularly|notably|mainly|mostly|like)\b", re.I)


def _stems(words: list[str]) -> frozenset[str]:
    return frozenset(t for w in words for t in tokens(w, keep_stopwords=True))


QUESTION_NOISE = _stems(_QUESTION_NOISE)
RECOMMENDATION_NOISE = _stems(_RECOMMENDATION_NOISE)
TIER_NOISE = _stems(_TIER_NOISE)


@dataclass(frozen=True)
class Unit:
    """A candidate sentence or clause: a verbatim span of a document."""

    document: str
    start: int
    end: int
    text: str
    section: str
    polarity: str  # "positive" / "negative" for the summary's achievements / shortcomings, else "neutral"
    hit: Hit | None  # None for units taken from a whole section rather than a retrieved chunk


@dataclass(frozen=True)
class ScoredUnit:
    unit: Unit
    score: float
    semantic: float
    lexical: float
    view: tuple[int, int]  # offsets within unit.text of the stretch that matched best


class ExtractiveAnswerer:
    """Scores the sentences of retrieved chunks against a question and picks the ones to cite."""

    name = "extractive"

    def __init__(self, index: TipIndex) -> None:
        self.index = index
        self._polarity: dict[str, dict[int, str]] = {}
        lexical = index.stored.lexical
        self._df = {term: int(lexical.offsets[i + 1] - lexical.offsets[i]) for term, i in lexical.vocabulary.items()}
        self._n = max(1, lexical.size)

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    # Candidates

    def units(self, hits: list[Hit]) -> list[Unit]:
        """Sentences (or clauses of overlong ones) of the hit chunks, each once."""
        seen: set[tuple[str, int]] = set()
        out = []
        for hit in hits:
            doc = self.index.documents[hit.chunk.document]
            for start, end in self.index.chunk_units(hit.chunk):
                if (doc.doc_id, start) not in seen:
                    seen.add((doc.doc_id, start))
                    out.append(self._unit(doc, start, end, hit))
        return out

    def section_units(self, countries: list[str], predicate: Callable[[str], bool]) -> list[Unit]:
        """Every unit of these countries' sections whose title satisfies ``predicate``."""
        wanted = set(countries)
        out = []
        for doc in self.index.documents.values():
            if doc.country not in wanted:
                continue
            for section in doc.sections:
                if predicate(section.title):
                    out += [self._unit(doc, s, e, None)
                            for s, e in unit_spans(doc.text, section.start, section.end, QUOTE_MAX_CHARS)]
        return out

    def _unit(self, doc: Document, start: int, end: int, hit: Hit | None) -> Unit:
        polarity = self._polarities(doc).get(start, "neutral")
        return Unit(doc.doc_id, start, end, doc.text[start:end], doc.section_at(start), polarity, hit)

    def summary_units(self, countries: list[str], polarity: str) -> list[Unit]:
        """The opening summary's units of one polarity (achievements or shortcomings) for these countries."""
        wanted = set(countries)
        out = []
        for doc in self.index.documents.values():
            if doc.country in wanted and doc.sections:
                summary = doc.sections[0]
                spans = unit_spans(doc.text, summary.start, summary.end, QUOTE_MAX_CHARS)
                out += [u for u in (self._unit(doc, s, e, None) for s, e in spans) if u.polarity == polarity]
        return out

    def _polarities(self, doc: Document) -> dict[int, str]:
        """The opening summary lists achievements, then a contrast ("However", "Although") and shortcomings."""
        if doc.doc_id not in self._polarity:
            marks: dict[int, str] = {}
            if doc.sections:
                summary = doc.sections[0]
                spans = unit_spans(doc.text, summary.start, summary.end, QUOTE_MAX_CHARS)
                polarity = "positive"
                for start, end in spans:
                    text = doc.text[start:end]
                    if _CONTRAST.search(text):
                        polarity = "negative"
                    # The standard opening ("fully meets the minimum standards", "therefore ... Tier 1")
                    # states the placement, not an achievement.
                    standard = ("minimum standards" in text and polarity == "positive") or re.search(r"\bTier\b", text)
                    marks[start] = "neutral" if standard else polarity
            self._polarity[doc.doc_id] = marks
        return self._polarity[doc.doc_id]

    # Scoring

    def content_terms(self, text: str, countries: list[str], drop: frozenset[str] = frozenset()) -> list[str]:
        """Terms that carry a question's topic: no stopwords, question noise, country names or ``drop``."""
        country_terms = {t for c in countries for t in tokens(c)}
        country_terms |= {t + "n" for t in country_terms} | {t + "an" for t in country_terms}
        return [t for t in dict.fromkeys(tokens(text))
                if t not in country_terms and t not in QUESTION_NOISE and t not in STOPWORDS and t not in drop]

    def score(self, question: Question, context: str, query_vector: np.ndarray, units: list[Unit],
              countries: list[str]) -> list[ScoredUnit]:
        """Each unit's score (about 0 to 1.1), best first. ``context`` is the text whose terms must match."""
        if not units:
            return []
        drop = frozenset() if question.recommendation else RECOMMENDATION_NOISE
        drop |= frozenset() if question.about_tier else TIER_NOISE
        terms = self.content_terms(context, countries, drop)
        weights = {t: self.idf(t) for t in terms}
        total = sum(weights.values()) or 1.0
        aspect = aspect_of(question)
        head = self.count_head(question, countries) if question.count else frozenset()

        def rate(unit: Unit, views: list[tuple[int, int]], view_sims: np.ndarray) -> ScoredUnit:
            if question.count:
                # A count question is answered by a stretch holding a number, best one naming the counted thing.
                numbered = [i for i, (a, b) in enumerate(views) if _NUMBER.search(unit.text[a:b])]
                best = max(numbered, key=lambda i: view_sims[i] + 0.3 * len(head & set(tokens(
                    unit.text[views[i][0] : views[i][1]])))) if numbered else int(np.argmax(view_sims))
            else:
                best = int(np.argmax(view_sims))
            semantic = float(view_sims[best])
            unit_terms = set(tokens(unit.text))
            lexical = sum(w for t, w in weights.items() if t in unit_terms) / total if terms else 0.0
            value = SEMANTIC_WEIGHT * max(0.0, semantic) + LEXICAL_WEIGHT * lexical
            value += self._type_bonus(question, unit, views[best], aspect)
            return ScoredUnit(unit, value, semantic, lexical, views[best])

        # Whole units first, from the vectors stored at build time; then a closer look at the best long ones.
        unit_sims = self.index.span_vectors([(u.document, u.start, u.end, u.text) for u in units]) @ query_vector
        scored = [rate(u, [(0, len(u.text))], unit_sims[i : i + 1]) for i, u in enumerate(units)]
        scored.sort(key=lambda s: -s.score)
        long_ones = [s.unit for s in scored[:VIEW_RESCORE] if len(s.unit.text) >= VIEW_MIN_UNIT_CHARS]
        if long_ones:
            views_of = [view_spans(u.text) for u in long_ones]
            flat = [(u.document, u.start + a, u.start + b, u.text[a:b])
                    for u, views in zip(long_ones, views_of, strict=True) for a, b in views[1:]]
            sims = self.index.span_vectors(flat) @ query_vector if flat else np.zeros(0, np.float32)
            whole = {id(s.unit): s.semantic for s in scored}
            rescored: dict[int, ScoredUnit] = {}
            cursor = 0
            for unit, views in zip(long_ones, views_of, strict=True):
                view_sims = np.concatenate([[whole[id(unit)]], sims[cursor : cursor + len(views) - 1]])
                cursor += len(views) - 1
                rescored[id(unit)] = rate(unit, views, view_sims)
            scored = [rescored.get(id(s.unit), s) for s in scored]
        scored.sort(key=lambda s: (-s.score, s.unit.document, s.unit.start))
        return scored

    @staticmethod
    def _type_bonus(question: Question, unit: Unit, view: tuple[int, int], aspect: str | None) -> float:
        bonus = 0.0
        if question.count and _NUMBER.search(unit.text[view[0] : view[1]]):
            bonus += TYPE_BONUS
        if question.when and _DATE.search(unit.text):
            bonus += TYPE_BONUS
        in_list = is_list_section(unit.section)
        if question.recommendation and in_list:
            bonus += TYPE_BONUS
        elif in_list and not question.recommendation:
            bonus -= PRESCRIPTIVE_PENALTY
        if aspect and unit.polarity == aspect:
            bonus += 2 * TYPE_BONUS
        return bonus

    @staticmethod
    def count_head(question: Question, countries: list[str]) -> frozenset[str]:
        """The counted thing of a "how many" question: "how many shelters for victims ..." -> {"shelter"}."""
        match = _COUNT_HEAD.search(question.text)
        country_terms = {t for c in countries for t in tokens(c)}
        terms = tokens(match.group(1)) if match else []
        return frozenset(t for t in terms if t not in _COUNT_FILLER and not any(t.startswith(c) for c in country_terms))

    def select(self, question: Question, scored: list[ScoredUnit], threshold: float, limit: int,
               countries: list[str] = ()) -> list[ScoredUnit]:
        """The units to cite: the best one; for list-like questions the others close to it; for questions
        about achievements or shortcomings, the summary's units of that kind."""
        if question.count:
            # A number answers a count question only where the counted thing is named, or closely paraphrased.
            head = self.count_head(question, list(countries))
            scored = [s for s in scored if _NUMBER.search(s.unit.text[s.view[0] : s.view[1]])
                      and (head <= set(tokens(s.unit.text)) or s.semantic >= PARAPHRASE_SIMILARITY)]
        if not scored or scored[0].score < threshold:
            return []
        aspect = aspect_of(question)
        if aspect:
            matching = [s for s in scored if s.unit.polarity == aspect and s.score >= threshold * 0.8]
            if matching:
                return sorted(matching[: 2 * limit], key=lambda s: (s.unit.document, s.unit.start))
        if not question.wants_list:
            return scored[:1]
        floor = max(threshold, scored[0].score - 0.1)
        return [s for s in scored if s.score >= floor][:limit]

    # Showing

    def answer_text(self, scored: ScoredUnit, question: Question) -> str:
        """The claim to show: the whole unit, or for a number or date its best stretch (with any "such as ...")."""
        text = scored.unit.text
        if len(text) <= VIEW_MIN_UNIT_CHARS or not (question.count or question.when):
            return text
        start, end = scored.view
        following = text[end:].lstrip(" ,;:")
        if following and _ELABORATION.match(following):
            nxt = [b for a, b in segment_spans(text) if a >= end]
            if nxt:
                end = nxt[0]
        snippet = text[start:end].strip(" ,;")
        prefix = "…" if start > 0 else ""
        suffix = "…" if text[end:].strip(" .;,") else ""
        return f"{prefix}{snippet}{suffix}"


def aspect_of(question: Question) -> str | None:
    """'negative' for questions about shortcomings, 'positive' for achievements, else None."""
    if question.recommendation:
        return None
    text = question.text.lower()
    if re.search(r"\b(weakness|weak|shortcoming|gaps?\b|problems?\b|concerns?\b|deficien|fail|lack|critici|"
                 r"challenges?\b|shortfall|falls? short|worse|negative|poorly|missing|omit|absent|wrong)", text):
        return "negative"
    if re.search(r"\b(achiev|accomplish|progress|positive|credit|success|strength|did well|done well|"
                 r"improvements?\b|what efforts|which efforts|good|steps (did|has|have|had)\b)", text):
        return "positive"
    return None


def tier_unit_span(doc: Document) -> tuple[int, int]:
    """The sentence (or clause) stating the document's tier; the header line when none does."""
    if doc.tier:
        pattern = re.compile(re.escape(doc.tier) + (r"(?!\s+Watch)" if doc.tier == "Tier 2" else ""), re.I)
        body_start = doc.sections[0].start if doc.sections else 0
        for start, end in unit_spans(doc.text, body_start, len(doc.text), QUOTE_MAX_CHARS):
            if pattern.search(doc.text[start:end]):
                return start, end
    header_end = len(doc.source_line)
    return (0, header_end) if header_end else unit_spans(doc.text, 0, len(doc.text), QUOTE_MAX_CHARS)[0]


def tier_clause(doc: Document, span: tuple[int, int]) -> str:
    """The stretch of the tier sentence that names the tier ("therefore Lithuania remained on Tier 1")."""
    text = doc.text[span[0] : span[1]]
    for start, end in segment_spans(text):
        if doc.tier and doc.tier.lower() in text[start:end].lower():
            return text[start:end].strip(" .;,")
    return text.strip(" .;,")


def summary_span(doc: Document) -> tuple[int, int] | None:
    """The first sentence (or clause) of the narrative's opening summary."""
    if not doc.sections:
        return None
    spans = unit_spans(doc.text, doc.sections[0].start, doc.sections[0].end, QUOTE_MAX_CHARS)
    return spans[0] if spans else None
