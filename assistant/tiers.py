"""What the project knows about TIP tiers: their names and order, how questions and narratives state them."""

from __future__ import annotations

import functools
import re

from index.parse import TIERS
from index.records import Document
from index.text import segment_spans, tokens, unit_spans

__all__ = [
    "MOVE_STEMS",
    "PLACEMENT_STEMS",
    "TIERS",
    "TIER_STEMS",
    "mentions_tier",
    "move_of",
    "tier_clause",
    "tier_in",
    "tier_rank",
    "tier_unit_span",
]

# Best to worst; "Special Case" stands apart and ranks last.
_ORDER = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")
# Quotes longer than this are cut at semicolons into clauses (factbook summaries are one long sentence).
QUOTE_MAX_CHARS = 320

_TIER_WORDS = re.compile(
    r"\btiers?\b|\bwatch ?list\b|\brank(s|ed|ing|ings)?\b|\brating\b|\brated\b|\bplacement\b|\bplaced\b|"
    r"\bupgrades?\b|\bupgraded\b|\bdowngrades?\b|\bdowngraded\b|\bdemotion\b|\bspecial case\b",
    re.I,
)
_TIER_NAME = re.compile(r"\btier\s*(1|2|3|one|two|three|i{1,3})\b(\s*(watch\s*list|wl))?|\bwatch\s*list\b|"
                        r"\bspecial case\b", re.I)
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "i": "1", "ii": "2", "iii": "3"}
_MOVES = {
    "downgraded": re.compile(r"\bdowngraded?\b|\bdowngrades\b|\bdemotion\b|\b(dropped|lowered|moved down|fell|"
                             r"demoted|bumped down|knocked down|slip|slips|slipped|slid|relegated)\b", re.I),
    "upgraded": re.compile(r"\bupgraded?\b|\bupgrades\b|\b(raised|moved up|promoted|improved to|bumped up|"
                           r"climbed)\b", re.I),
    "remained": re.compile(r"\b(remained|remains|stayed|kept)\b", re.I),
}


def _stems(words: str) -> frozenset[str]:
    return frozenset(tokens(words, keep_stopwords=True))


# Words that only say "placement": a tier question using nothing else is answered from metadata.
TIER_STEMS = _stems("tier tiers ranked ranking rankings rank rating rated placement placed watch list special case "
                    "one two three")
PLACEMENT_STEMS = _stems(
    "keep kept stay stayed remain remained top bottom move moved current currently latest place status level "
    "position standing where now still sit sits stand stands get got assigned put year report 2023 edition "
    "what which")
MOVE_STEMS = _stems("downgraded upgraded dropped raised lowered demoted promoted moved down up fell")


def mentions_tier(text: str) -> bool:
    """Whether the text speaks of tiers or placements at all."""
    return bool(_TIER_WORDS.search(text))


def tier_in(text: str) -> str | None:
    """The tier a text names exactly ("tier 3", "Tier Two", "the Watch List"), else None."""
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


def tier_rank(tier: str | None) -> int:
    """0 for Tier 1 up to 4 for Special Case; unknown tiers last."""
    return _ORDER.index(tier) if tier in _ORDER else len(_ORDER)


_ON_TIER = re.compile(r"\b(on|in|to) (the )?(tier (1|2|3|one|two|three)( watch ?list)?|watch ?list|special case)\b|"
                      r"\b(on|in|to|into) (that|this|the same|the lowest|the bottom|the top|the highest) tier\b|"
                      r"\btier (1|2|3|one|two|three)( watch ?list)? ([\w-]+ ){0,2}?(country|countries|nation|nations|"
                      r"government|governments|jurisdiction|jurisdictions|islands?|places?|territor(y|ies)|states?)\b|"
                      r"\bwatch ?list ([\w-]+ ){0,2}?(country|countries|nations?|islands?|places?)\b", re.I)
_AVOIDED = re.compile(r"\b(avoid\w*|escap\w*|spared|averted|prevent\w*|instead of|rather than|otherwise|waiver)\b|"
                      r"(\bnot|n't|\bnever)\s+([\w-]+\s+){0,3}?(downgraded|dropped|demoted|relegated|"
                      r"moved down|knocked down|bumped down|lowered|fall|fell)\b", re.I)


def avoided(text: str) -> bool:
    """Whether the text speaks of a placement avoided ("How did X escape Tier 3?")."""
    return bool(_AVOIDED.search(text))


def placement_constraint(text: str) -> bool:
    """Whether a question restricts its answer to a placement ("which Tier 3 country …", "on the Watch List"),
    rather than mentioning one it avoided ("… to avoid a downgrade to Tier 3")."""
    return bool(_ON_TIER.search(text)) and not _AVOIDED.search(text)


def move_of(text: str) -> str | None:
    """'downgraded', 'upgraded' or 'remained' when the text says so, else None."""
    for move, pattern in _MOVES.items():
        if pattern.search(text):
            return move
    return None


def tier_unit_span(doc: Document) -> tuple[int, int]:
    """The sentence (or clause) stating the document's tier; the header line when none does."""
    return _tier_unit_span(doc.text, doc.tier, doc.sections[0].start if doc.sections else 0, len(doc.source_line))


@functools.lru_cache(maxsize=8192)
def _tier_unit_span(text: str, tier: str | None, body_start: int, header_end: int) -> tuple[int, int]:
    # Cached: listings ask it of every narrative, and a long narrative may state its tier late.
    if tier:
        pattern = re.compile(re.escape(tier) + (r"(?!\s+Watch)" if tier == "Tier 2" else ""), re.I)
        for start, end in unit_spans(text, body_start, len(text), QUOTE_MAX_CHARS):
            if pattern.search(text[start:end]):
                return start, end
    return (0, header_end) if header_end else unit_spans(text, 0, len(text), QUOTE_MAX_CHARS)[0]


def tier_clause(doc: Document, span: tuple[int, int]) -> str:
    """The stretch of the tier sentence that names the tier ("therefore Lithuania remained on Tier 1")."""
    text = doc.text[span[0] : span[1]]
    for start, end in segment_spans(text):
        if doc.tier and doc.tier.lower() in text[start:end].lower():
            return _without_edition_stamp(text[start:end]).strip(" .;,")
    return _without_edition_stamp(text).strip(" .;,")


def _without_edition_stamp(text: str) -> str:
    return re.sub(r"\s*\((19|20)\d\d\)\s*$", "", text)
