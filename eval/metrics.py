"""Pure evaluation metrics: answer facts, retrieval ranking, citations, refusals and summaries.

Every function here is deterministic and free of I/O and models, so it can be unit-tested on tiny
hand-computed examples. Text comparisons go through :func:`fold`, which makes matching insensitive
to case, curly quotes, non-breaking spaces and line breaks inside a sentence.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "all_facts",
    "citation_metrics",
    "contains_fact",
    "fact_recall",
    "fold",
    "is_relevant",
    "mean",
    "percentile",
    "quote_covers",
    "quotes_overlap",
    "refusal_metrics",
    "retrieval_metrics",
]

# A chunk shorter than this never counts as relevant just by lying inside a longer evidence quote.
MIN_CHUNK_INSIDE_EVIDENCE = 40
# Shortest common substring (folded characters) for a cited quote to overlap an evidence quote.
MIN_OVERLAP_CHARS = 30
# A quote inside an evidence quote covers it only if it is at least this share of the evidence.
MIN_COVER_SHARE = 0.5
RETRIEVAL_DEPTH = 10

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / apostrophe
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark
        "\u201f": '"',  # double high-reversed-9 quotation mark
        "\u2033": '"',  # double prime
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2007": " ",  # figure space
    }
)
_WHITESPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Casefold, straighten curly quotes/apostrophes, turn NBSP into spaces, collapse whitespace, strip."""
    return _WHITESPACE.sub(" ", text.translate(_QUOTE_MAP).casefold()).strip()


def contains_fact(answer: str, alternatives: list[str]) -> bool:
    """True when the folded answer contains any (non-empty) folded alternative."""
    folded = fold(answer)
    return any(alt and alt in folded for alt in (fold(a) for a in alternatives))


def fact_recall(answer: str, facts: list[list[str]]) -> float | None:
    """Share of facts the answer contains; None when there are no facts."""
    if not facts:
        return None
    return sum(contains_fact(answer, alternatives) for alternatives in facts) / len(facts)


def all_facts(answer: str, facts: list[list[str]]) -> bool | None:
    """True when the answer contains every fact; None when there are no facts."""
    if not facts:
        return None
    return all(contains_fact(answer, alternatives) for alternatives in facts)


def _folded_quotes(evidence: list[str]) -> list[str]:
    return [q for q in (fold(e) for e in evidence) if q]


def _relevant_folded(chunk: str, quotes: list[str]) -> bool:
    if not chunk:
        return False
    for quote in quotes:
        if quote in chunk:
            return True
        if len(quote) > len(chunk) and len(chunk) >= MIN_CHUNK_INSIDE_EVIDENCE and chunk in quote:
            return True
    return False


def is_relevant(chunk_text: str, evidence: list[str]) -> bool:
    """True when the chunk holds a whole evidence quote, or (quote longer than the chunk) the chunk,
    at least 40 folded characters long, lies inside an evidence quote."""
    return _relevant_folded(fold(chunk_text), _folded_quotes(evidence))


def retrieval_metrics(ranked_texts: list[str], evidence: list[str]) -> dict[str, float] | None:
    """Ranking quality of retrieved chunk texts (best first) against evidence quotes.

    Returns hit@1, hit@3, hit@5, mrr, ndcg@10 (binary gains, log2(rank+1) discount, ideal ranking
    with min(len(evidence), 10) relevant chunks on top, capped at 1.0) and recall@10 (share of
    evidence quotes covered by at least one of the top 10 chunks); None when there is no evidence.
    """
    quotes = _folded_quotes(evidence)
    if not quotes:
        return None
    chunks = [fold(t) for t in ranked_texts]
    relevant = [_relevant_folded(c, quotes) for c in chunks]
    first = next((rank for rank, rel in enumerate(relevant, start=1) if rel), None)
    top = chunks[:RETRIEVAL_DEPTH]
    dcg = sum(1.0 / math.log2(rank + 1) for rank, rel in enumerate(relevant[: len(top)], start=1) if rel)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(quotes), RETRIEVAL_DEPTH) + 1))
    found = sum(any(_covers_folded(c, q) for c in top) for q in quotes)
    return {
        "hit@1": float(any(relevant[:1])),
        "hit@3": float(any(relevant[:3])),
        "hit@5": float(any(relevant[:5])),
        "mrr": 1.0 / first if first else 0.0,
        "ndcg@10": min(1.0, dcg / ideal),
        "recall@10": found / len(quotes),
    }


def _covers_folded(quote: str, evidence: str) -> bool:
    if not quote or not evidence:
        return False
    if evidence in quote:
        return True
    return quote in evidence and len(quote) >= MIN_COVER_SHARE * len(evidence)


def quote_covers(quote: str, evidence_quote: str) -> bool:
    """True when the quote contains the evidence quote, or lies inside it and is at least half its length
    (all after folding; empty strings never cover)."""
    return _covers_folded(fold(quote), fold(evidence_quote))


def _overlap_folded(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    n = MIN_OVERLAP_CHARS
    if len(a) < n or len(b) < n:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    windows = {longer[i : i + n] for i in range(len(longer) - n + 1)}
    return any(shorter[i : i + n] in windows for i in range(len(shorter) - n + 1))


def quotes_overlap(quote: str, evidence_quote: str) -> bool:
    """True when the folded texts share a common substring of at least 30 characters, or one contains
    the other (empty strings never overlap)."""
    return _overlap_folded(fold(quote), fold(evidence_quote))


def citation_metrics(quotes: list[str], evidence: list[str]) -> dict[str, float | None]:
    """Citation quality of the quotes an answer cites.

    ``supported``: 1.0 when some quote covers some evidence quote, else 0.0 (None without evidence);
    ``precision``: share of quotes overlapping some evidence quote (None without quotes or evidence).
    """
    folded_evidence = _folded_quotes(evidence)
    folded_quotes = [fold(q) for q in quotes]
    if not folded_evidence:
        return {"supported": None, "precision": None}
    supported = any(_covers_folded(q, e) for q in folded_quotes for e in folded_evidence)
    precision: float | None = None
    if folded_quotes:
        overlapping = sum(any(_overlap_folded(q, e) for e in folded_evidence) for q in folded_quotes)
        precision = overlapping / len(folded_quotes)
    return {"supported": float(supported), "precision": precision}


def refusal_metrics(items: list[tuple[bool, bool]]) -> dict[str, float | None]:
    """From (answerable, refused) pairs: refusal_accuracy (share refused among unanswerable) and
    false_refusal_rate (share refused among answerable); None for an empty group."""
    unanswerable = [refused for answerable, refused in items if not answerable]
    answerable = [refused for answerable, refused in items if answerable]
    return {
        "refusal_accuracy": sum(unanswerable) / len(unanswerable) if unanswerable else None,
        "false_refusal_rate": sum(answerable) / len(answerable) if answerable else None,
    }


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (0-100) with linear interpolation, like numpy's default; None for no values."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile p={p!r} must be between 0 and 100")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


def mean(values: list[float | None]) -> float | None:
    """Arithmetic mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present) / len(present)
