"""The extractive answerer: pick the report sentences that answer a question and cite them verbatim."""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from assistant.question import Question
from index.chunk import is_list_section
from index.records import Document, Hit
from index.search import TipIndex
from index.text import STOPWORDS, tokens, unit_spans

# Quotes longer than this are cut at semicolons into clauses (factbook summaries are one long sentence).
QUOTE_MAX_CHARS = 320
# Answer text taken from a quote longer than this is narrowed to its most relevant part.
ANSWER_FOCUS_CHARS = 260
# Weights of the sentence score: meaning, shared rare words, and the question's expected answer type.
SEMANTIC_WEIGHT = 0.6
LEXICAL_WEIGHT = 0.4
TYPE_BONUS = 0.08
# Words that say what kind of question it is, not what it is about.
_QUESTION_NOISE = {
    "report", "government", "country", "countries", "tip", "state", "department", "accord", "mention",
    "describe", "explain", "know", "anything", "information", "detail", "happen", "data", "year",
}
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand|"
    r"million|half|several|dozens|hundreds|thousands)\b",
    re.I,
)
_DATE = re.compile(r"\b(19|20)\d\d\b|\b(January|February|March|April|May|June|July|August|September|October|"
                   r"November|December)\b")


@dataclass(frozen=True)
class Unit:
    """A candidate sentence or clause: a verbatim span of a document."""

    document: str
    start: int
    end: int
    text: str
    section: str
    hit: Hit


@dataclass(frozen=True)
class ScoredUnit:
    unit: Unit
    score: float
    semantic: float
    lexical: float


class ExtractiveAnswerer:
    """Scores each sentence of the retrieved chunks and keeps the best ones as cited claims."""

    name = "extractive"

    def __init__(self, index: TipIndex, cache_size: int = 20_000) -> None:
        self.index = index
        self._vectors: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        lexical = index.stored.lexical
        self._df = {term: int(lexical.offsets[i + 1] - lexical.offsets[i]) for term, i in lexical.vocabulary.items()}
        self._n = max(1, lexical.size)

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def units(self, hits: list[Hit]) -> list[Unit]:
        """Sentences (or clauses of overlong ones) of the hit chunks, each once."""
        seen: set[tuple[str, int]] = set()
        out = []
        for hit in hits:
            chunk = hit.chunk
            doc = self.index.documents[chunk.document]
            for start, end in unit_spans(doc.text, chunk.start, chunk.end, QUOTE_MAX_CHARS):
                if (chunk.document, start) in seen:
                    continue
                seen.add((chunk.document, start))
                out.append(Unit(chunk.document, start, end, doc.text[start:end], doc.section_at(start), hit))
        return out

    def _unit_vectors(self, units: list[Unit]) -> np.ndarray:
        missing = [u for u in units if (u.document, u.start, u.end) not in self._vectors]
        if missing:
            vectors = self.index.embedder.encode([u.text for u in missing])
            for unit, vector in zip(missing, vectors, strict=True):
                self._vectors[(unit.document, unit.start, unit.end)] = vector
            while len(self._vectors) > self._cache_size:
                self._vectors.popitem(last=False)
        return np.stack([self._vectors[(u.document, u.start, u.end)] for u in units])

    def content_terms(self, question: Question, countries: list[str]) -> list[str]:
        """Question terms that carry its topic (no stopwords, question noise, or the country names)."""
        country_terms = {t for c in countries for t in tokens(c)}
        country_terms |= {t + "n" for t in country_terms} | {t + "an" for t in country_terms}
        return [t for t in dict.fromkeys(tokens(question.text))
                if t not in country_terms and t not in _QUESTION_NOISE and t not in STOPWORDS]

    def score(self, question: Question, query_vector: np.ndarray, units: list[Unit],
              countries: list[str]) -> list[ScoredUnit]:
        """Each unit scored in [0, ~1.1]; best first."""
        if not units:
            return []
        terms = self.content_terms(question, countries)
        weights = {t: self.idf(t) for t in terms}
        total = sum(weights.values()) or 1.0
        semantic = self._unit_vectors(units) @ query_vector
        scored = []
        for unit, sim in zip(units, semantic, strict=True):
            unit_terms = set(tokens(unit.text))
            lexical = sum(w for t, w in weights.items() if t in unit_terms) / total if terms else 0.0
            bonus = 0.0
            if question.count and _NUMBER.search(unit.text):
                bonus += TYPE_BONUS
            if question.when and _DATE.search(unit.text):
                bonus += TYPE_BONUS
            if question.recommendation and is_list_section(unit.section):
                bonus += TYPE_BONUS
            value = SEMANTIC_WEIGHT * max(0.0, float(sim)) + LEXICAL_WEIGHT * lexical + bonus
            scored.append(ScoredUnit(unit, value, float(sim), lexical))
        scored.sort(key=lambda s: (-s.score, s.unit.document, s.unit.start))
        return scored

    def select(self, question: Question, scored: list[ScoredUnit], threshold: float, limit: int) -> list[ScoredUnit]:
        """The units to cite: the best one, and for list-like questions the others close to it."""
        if not scored or scored[0].score < threshold:
            return []
        best = scored[0].score
        if not question.wants_list:
            return scored[:1]
        floor = max(threshold, best - 0.12)
        chosen = [s for s in scored if s.score >= floor][:limit]
        return chosen

    def answer_text(self, question: Question, unit: Unit, countries: list[str]) -> str:
        """The part of a unit to show as the claim: the whole unit, or its most relevant stretch."""
        text = unit.text
        if len(text) <= ANSWER_FOCUS_CHARS:
            return text
        terms = set(self.content_terms(question, countries))
        pieces = _segments(text)
        best: tuple[float, int, int] | None = None
        for i in range(len(pieces)):
            for j in range(i, len(pieces)):
                start, end = pieces[i][0], pieces[j][1]
                if end - start > ANSWER_FOCUS_CHARS and j > i:
                    break
                span_terms = set(tokens(text[start:end]))
                value = sum(self.idf(t) for t in terms & span_terms)
                if question.count and _NUMBER.search(text[start:end]):
                    value += 1.0
                value -= 0.001 * (end - start)  # the shortest stretch among equals
                if best is None or value > best[0]:
                    best = (value, start, end)
        if best is None:
            return text
        _, start, end = best
        snippet = text[start:end].strip(" ,;")
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text.rstrip(".")) else ""
        return f"{prefix}{snippet}{suffix}"


def _segments(text: str) -> list[tuple[int, int]]:
    """Comma/semicolon-separated stretches of a sentence, as offsets."""
    spans = []
    cursor = 0
    for match in re.finditer(r"[,;:]\s+", text):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, len(text)))
    return [s for s in spans if s[1] > s[0]]


def tier_quote_span(doc: Document) -> tuple[int, int]:
    """The sentence (or clause) stating the document's tier; the header line when none does."""
    if doc.tier:
        pattern = re.compile(re.escape(doc.tier) + (r"(?!\s+Watch)" if doc.tier == "Tier 2" else ""), re.I)
        body_start = doc.sections[0].start if doc.sections else 0
        for start, end in unit_spans(doc.text, body_start, len(doc.text), QUOTE_MAX_CHARS):
            if pattern.search(doc.text[start:end]):
                return start, end
    header_end = len(doc.source_line)
    return (0, header_end) if header_end else unit_spans(doc.text, 0, len(doc.text), QUOTE_MAX_CHARS)[0]


def summary_span(doc: Document) -> tuple[int, int] | None:
    """The first sentence (or clause) of the narrative's opening summary."""
    if not doc.sections:
        return None
    spans = unit_spans(doc.text, doc.sections[0].start, doc.sections[0].end, QUOTE_MAX_CHARS)
    return spans[0] if spans else None
