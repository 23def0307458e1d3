"""A BM25 index over chunk texts, stored as flat posting arrays (no extra dependency)."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np

from index.text import tokens


class Bm25Index:
    """Okapi BM25 with precomputed per-posting weights: a query is a few array additions."""

    def __init__(self, vocabulary: dict[str, int], offsets: np.ndarray, postings: np.ndarray,
                 weights: np.ndarray, size: int) -> None:
        self.vocabulary = vocabulary
        self.offsets = offsets  # term t's postings are postings[offsets[t]:offsets[t+1]]
        self.postings = postings.astype(np.int32, copy=False)
        self.weights = weights.astype(np.float32, copy=False)
        self.size = size

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.2, b: float = 0.75) -> Bm25Index:
        counts = [Counter(tokens(text)) for text in texts]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        average = float(lengths.mean()) if len(texts) and lengths.mean() > 0 else 1.0
        by_term: dict[str, list[tuple[int, int]]] = {}
        for doc, counter in enumerate(counts):
            for term, tf in counter.items():
                by_term.setdefault(term, []).append((doc, tf))
        vocabulary: dict[str, int] = {}
        offsets = [0]
        postings: list[int] = []
        weights: list[float] = []
        n = len(texts)
        for term in sorted(by_term):
            entries = by_term[term]
            idf = math.log(1 + (n - len(entries) + 0.5) / (len(entries) + 0.5))
            vocabulary[term] = len(vocabulary)
            for doc, tf in entries:
                norm = tf + k1 * (1 - b + b * lengths[doc] / average)
                postings.append(doc)
                weights.append(idf * tf * (k1 + 1) / norm)
            offsets.append(len(postings))
        return cls(vocabulary, np.array(offsets, dtype=np.int64), np.array(postings, dtype=np.int32),
                   np.array(weights, dtype=np.float32), n)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (zeros when no term matches)."""
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(tokens(query)):
            t = self.vocabulary.get(term)
            if t is None:
                continue
            lo, hi = self.offsets[t], self.offsets[t + 1]
            out[self.postings[lo:hi]] += self.weights[lo:hi]
        return out

    def save(self, folder: Path) -> None:
        np.savez(folder / "lexical.npz", offsets=self.offsets, postings=self.postings, weights=self.weights,
                 size=np.array([self.size]))
        (folder / "lexical_vocabulary.json").write_text(json.dumps(self.vocabulary), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Bm25Index:
        with np.load(folder / "lexical.npz") as data:
            arrays = {key: data[key] for key in data.files}
        vocabulary = json.loads((folder / "lexical_vocabulary.json").read_text(encoding="utf-8"))
        return cls(vocabulary, arrays["offsets"], arrays["postings"], arrays["weights"], int(arrays["size"][0]))
