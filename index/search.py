"""Retrieval over a loaded index: BM25, dense (FAISS) and hybrid by reciprocal rank fusion."""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from index.acronyms import expand as expand_acronyms
from index.acronyms import learn as learn_acronyms
from index.countries import CountryMatcher
from index.embed import VECTOR_FAMILIES, Embedder, backend_of, make_embedder, vectors_mix
from index.errors import TipAssistantError, UnknownCountryError
from index.records import Chunk, Document, Hit
from index.settings import IndexingSettings, Settings
from index.spelling import Correction, Speller
from index.store import StoredIndex, index_backends, load_stored, read_manifest
from index.text import SENTENCE_MAX_CHARS, unit_spans

# Texts encoded at question time (spans the sentence store lacks, generated claims) kept for reuse.
ENCODED_CACHE_SIZE = 20_000
# Each retriever hands this many candidates (or k, if larger) to the fusion step.
FUSION_DEPTH = 50


class Retriever(Protocol):
    """Ranks chunks for a query; ``rows`` limits the search to those chunk rows."""

    name: str

    def rank(
        self, query: str, k: int, rows: np.ndarray | None, query_vector: np.ndarray | None
    ) -> list[tuple[int, float]]: ...


class LexicalRetriever:
    name = "bm25"

    def __init__(self, stored: StoredIndex) -> None:
        self.stored = stored

    def rank(self, query: str, k: int, rows: np.ndarray | None, query_vector: np.ndarray | None = None):
        scores = self.stored.lexical.scores(query)
        return _top(scores, k, rows, positive_only=True)


class DenseRetriever:
    name = "dense"

    def __init__(self, stored: StoredIndex, embed_query) -> None:
        self.stored = stored
        self.embed_query = embed_query

    def rank(self, query: str, k: int, rows: np.ndarray | None, query_vector: np.ndarray | None = None):
        vector = self.embed_query(query) if query_vector is None else query_vector
        total = len(self.stored.chunks)
        if rows is None and total:
            scores, ids = self.stored.faiss_index.search(vector.reshape(1, -1), min(k, total))
            return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        # A filtered search touches few rows: exact scores on that subset are cheap and exact.
        scores = np.full(total, -np.inf, dtype=np.float32)
        if rows is not None and len(rows):
            scores[rows] = self.stored.vectors[rows] @ vector
        return _top(scores, k, rows)


def _top(scores: np.ndarray, k: int, rows: np.ndarray | None, positive_only: bool = False) -> list[tuple[int, float]]:
    if rows is not None:
        masked = np.full_like(scores, -np.inf)
        masked[rows] = scores[rows]
        scores = masked
    k = min(k, len(scores))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), float(scores[i])) for i in top if np.isfinite(scores[i]) and (scores[i] > 0 or not positive_only)]


# Rows (a unit and its views) searched per unit wanted by nearest_units.
NEAREST_ROWS_PER_UNIT = 8
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]s?\b")


class TipIndex:
    """A loaded index with its retrievers. The embedding model loads on the first dense query."""

    def __init__(self, stored: StoredIndex, settings: Settings, embedder: Embedder | None = None) -> None:
        self.stored = stored
        self.settings = settings
        self._embedder = embedder
        self.countries = CountryMatcher(doc.country for doc in stored.documents.values() if doc.country)
        by_country: dict[str, list[int]] = {}
        by_year: dict[int | None, list[int]] = {}
        by_document: dict[str, list[int]] = {}
        for row, chunk in enumerate(stored.chunks):
            if chunk.country is not None:  # report text outside the narratives belongs to no country
                by_country.setdefault(chunk.country, []).append(row)
            by_year.setdefault(chunk.year, []).append(row)
            by_document.setdefault(chunk.document, []).append(row)
        self._rows_by_country = {c: np.array(r, dtype=np.int64) for c, r in by_country.items()}
        self._rows_by_year = {y: np.array(r, dtype=np.int64) for y, r in by_year.items()}
        self._rows_by_document = {d: np.array(r, dtype=np.int64) for d, r in by_document.items()}
        self._acronyms: dict[str, str] | None = None
        self._speller: Speller | None = None
        self._unit_spans: dict[str, list[tuple[int, int]]] = {}
        self._unit_starts: dict[str, list[int]] = {}
        self._encoded: OrderedDict[str, np.ndarray] = OrderedDict()
        self._encoded_lock = threading.Lock()
        self.retrievers: dict[str, Retriever] = {
            "bm25": LexicalRetriever(stored),
            "dense": DenseRetriever(stored, self.embed_query),
        }

    @classmethod
    def load(cls, index_dir: Path, settings: Settings | None = None, embedder: Embedder | None = None,
             check_sources: bool = True) -> TipIndex:
        settings = settings or Settings.load()
        if embedder is not None:
            model, backend = embedder.name, embedder.backend
        else:
            settings = _with_index_backend(index_dir, settings)
            indexing = settings.indexing
            model, backend = indexing.model, backend_of(indexing.model, indexing.embed_backend)
        stored = load_stored(index_dir, model=model, check_sources=check_sources, backend=backend)
        return cls(stored, settings, embedder)

    @property
    def embedder(self) -> Embedder:
        """The model that embeds questions: the index's model, run by the configured backend (whose vectors
        mix with the index's, checked when the index is loaded)."""
        if self._embedder is None:
            self._embedder = make_embedder(self.stored.manifest["model"], self.settings.indexing.embed_backend)
        return self._embedder

    @property
    def documents(self) -> dict[str, Document]:
        return self.stored.documents

    @property
    def chunks(self) -> list[Chunk]:
        return self.stored.chunks

    def expand_query(self, query: str) -> str:
        """The query with acronyms spelt out and spelt-out names abbreviated, as the corpus writes them."""
        return expand_acronyms(query, self.acronyms)

    @property
    def acronyms(self) -> dict[str, str]:
        """Acronym -> what it stands for, as the corpus defines them ("IKR" -> "Iraqi Kurdistan Region")."""
        if self._acronyms is None:
            self._acronyms = learn_acronyms(doc.text for doc in self.documents.values())
        return self._acronyms

    def acronym_expansions(self, text: str) -> list[str]:
        """What the known acronyms in ``text`` stand for, each once."""
        known = self.acronyms
        return [known[a] for a in dict.fromkeys(_ACRONYM.findall(text)) if a in known]

    def correct_spelling(self, text: str) -> tuple[str, list[Correction]]:
        """``text`` with typing slips corrected against the report's vocabulary (see index.spelling)."""
        if self._speller is None:
            self._speller = Speller(doc.text for doc in self.documents.values())
        return self._speller.correct(text)

    def unit_spans(self, doc_id: str) -> list[tuple[int, int]]:
        """Every quotable unit of a document (the sentence store's units), in order; cached."""
        spans = self._unit_spans.get(doc_id)
        if spans is None:
            doc = self.documents[doc_id]
            spans = [span for section in doc.sections
                     for span in unit_spans(doc.text, section.start, section.end, SENTENCE_MAX_CHARS)]
            self._unit_spans[doc_id] = spans
        return spans

    def chunk_units(self, chunk: Chunk) -> list[tuple[int, int]]:
        """The document's units overlapping a chunk: the same spans whichever way the chunker cut."""
        spans = self.unit_spans(chunk.document)
        first = max(bisect.bisect_right(spans, (chunk.start, chunk.start)) - 1, 0)
        out = []
        for start, end in spans[first:]:
            if start >= chunk.end:
                break
            if end > chunk.start:
                out.append((start, end))
        return out

    def span_vectors(self, spans: list[tuple[str | None, int, int, str]]) -> np.ndarray:
        """Vectors of (document, start, end, text) spans: from the sentence store when it holds the span,
        else encoded once and kept in a bounded cache (document None: free text such as a generated claim)."""
        stored = [self.stored.sentence_vector(doc, a, b) if doc is not None else None for doc, a, b, _ in spans]
        with self._encoded_lock:
            missing = list(dict.fromkeys(t for (_, _, _, t), v in zip(spans, stored, strict=True)
                                         if v is None and t not in self._encoded))
        encoded = dict(zip(missing, self.embedder.encode(missing), strict=True)) if missing else {}
        with self._encoded_lock:
            self._encoded.update(encoded)
            rows = [v if v is not None else encoded.get(t, self._encoded.get(t))
                    for (_, _, _, t), v in zip(spans, stored, strict=True)]
            while len(self._encoded) > ENCODED_CACHE_SIZE:
                self._encoded.popitem(last=False)
        if not rows:
            return np.zeros((0, self.stored.vectors.shape[1]), dtype=np.float32)
        return np.stack(rows).astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.encode([text])[0]

    @cached_property
    def _sentence_matrix(self) -> np.ndarray | None:
        vectors = self.stored.sentence_vectors
        return None if vectors is None else np.asarray(vectors, dtype=np.float32)

    def nearest_units(self, query_vector: np.ndarray, k: int, doc_ids: list[str]) -> list[tuple[str, int, int, float]]:
        """The ``k`` quotable units of these documents nearest a query vector, each scored by its own stored
        vector or its best view's: (document, start, end, cosine), best first."""
        matrix = self._sentence_matrix
        ranges = [(d, found) for d in doc_ids if (found := self.stored.sentence_rows(d)) is not None]
        if matrix is None or not ranges or k <= 0:
            return []
        vector = np.asarray(query_vector, dtype=np.float32)
        # Each document's rows are contiguous: score them slice by slice (views, no copy of the matrix).
        scores = np.concatenate([matrix[lo:hi] @ vector for _, (lo, hi) in ranges])
        rows = np.concatenate([np.arange(lo, hi) for _, (lo, hi) in ranges])
        owners = np.concatenate([np.full(hi - lo, n) for n, (_, (lo, hi)) in enumerate(ranges)])
        # Units have several views: the best rows hold the best units; a few times k rows are plenty.
        depth = min(len(scores), NEAREST_ROWS_PER_UNIT * k)
        top = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
        order = top[np.argsort(-scores[top], kind="stable")]
        out: list[tuple[str, int, int, float]] = []
        seen: set[tuple[str, int]] = set()
        for i in order:
            doc_id = ranges[int(owners[i])][0]
            start = int(self.stored.sentences[rows[i], 1])
            unit = self._unit_at(doc_id, start)
            if unit is None or (doc_id, unit[0]) in seen:
                continue
            seen.add((doc_id, unit[0]))
            out.append((doc_id, unit[0], unit[1], float(scores[i])))
            if len(out) >= k:
                break
        return out

    def _unit_at(self, doc_id: str, offset: int) -> tuple[int, int] | None:
        """The unit of a document that holds ``offset`` (views lie within their units)."""
        spans = self.unit_spans(doc_id)
        starts = self._unit_starts.get(doc_id)
        if starts is None:
            starts = self._unit_starts[doc_id] = [a for a, _ in spans]
        i = bisect.bisect_right(starts, offset) - 1
        return spans[i] if i >= 0 and spans[i][0] <= offset < spans[i][1] else None

    # Editions: one index may hold several years of the report, each country's narrative once per year.

    @property
    def years(self) -> list[int]:
        """The report editions (years) the index holds, oldest first."""
        return sorted({doc.year for doc in self.documents.values() if doc.year is not None})

    def editions(self) -> dict[str, list[int]]:
        """Each country's editions held: {"Kuwait": [2022, 2023], ...}, countries sorted, years ascending.

        A country whose narratives carry no year maps to [].
        """
        held: dict[str, set[int]] = {}
        for doc in self.documents.values():
            if doc.country is not None:
                years = held.setdefault(doc.country, set())
                if doc.year is not None:
                    years.add(doc.year)
        return {country: sorted(held[country]) for country in sorted(held)}

    def documents_for(self, country: str, years: list[int] | None = None) -> list[Document]:
        """The narratives of one country (any spelling the index recognises), oldest edition first;
        only those of ``years`` when given. UnknownCountryError when the index lacks the country."""
        canonical = self._canonical(country)
        wanted = set(years) if years else None
        docs = [doc for doc in self.documents.values() if doc.country == canonical
                and (wanted is None or doc.year in wanted)]
        return sorted(docs, key=lambda d: (d.year is not None, d.year or 0, d.doc_id))

    def document_for(self, country: str, year: int | None = None) -> Document | None:
        """A country's narrative of the edition ``year``, or of its latest edition when ``year`` is None;
        None when that edition is not held."""
        docs = self.documents_for(country, [year] if year is not None else None)
        return docs[-1] if docs else None

    def latest_documents(self) -> list[str]:
        """Ids of each country's latest narrative, and of the report text of the latest edition held."""
        newest: dict[str | None, int] = {}
        for doc in self.documents.values():  # a document without a year counts as the oldest
            newest[doc.country] = max(newest.get(doc.country, -1), doc.year if doc.year is not None else -1)
        return [doc.doc_id for doc in self.documents.values()
                if (doc.year if doc.year is not None else -1) == newest[doc.country]]

    def document_ids(self, countries: list[str] | None = None, years: list[int] | None = None,
                     latest: bool = False) -> list[str]:
        """The documents a search with these filters covers, as ``search`` filters its chunks: the countries'
        (any spelling), of those editions, or only each country's latest."""
        wanted = {self._canonical(c) for c in countries} if countries else None
        newest = set(self.latest_documents()) if latest else None
        return [d.doc_id for d in self.documents.values() if (wanted is None or d.country in wanted)
                and (not years or d.year in years) and (newest is None or d.doc_id in newest)]

    def year_rows(self, years: list[int]) -> np.ndarray:
        """Chunk rows of the given editions (empty when none is held)."""
        rows = [self._rows_by_year[y] for y in years if y in self._rows_by_year]
        return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)

    @cached_property
    def _latest_rows(self) -> np.ndarray | None:
        """Chunk rows of the latest editions; None when the index holds no older one (nothing to filter)."""
        latest = self.latest_documents()
        return None if len(latest) == len(self.documents) else self.document_rows(latest)

    def document_rows(self, doc_ids: list[str]) -> np.ndarray:
        rows = [self._rows_by_document[d] for d in doc_ids if d in self._rows_by_document]
        return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)

    def _canonical(self, name: str) -> str:
        known = {c.lower(): c for c in self._rows_by_country}
        canonical = known.get(name.strip().lower())
        if canonical is None:
            found = self.countries.split(name)[0]
            canonical = found[0] if found else None
        if canonical is None:
            raise UnknownCountryError(
                f"country {name!r} is not in this index; it holds: {', '.join(sorted(known.values()))}"
            )
        return canonical

    def country_rows(self, countries: list[str]) -> np.ndarray:
        """Chunk rows of the given countries (names matched case-insensitively)."""
        rows = [self._rows_by_country[self._canonical(name)] for name in countries]
        return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)

    def route(self, query: str) -> list[str]:
        """Corpus countries named in the query (empty when none, or when the corpus has one country)."""
        if len(self._rows_by_country) < 2:
            return []
        return self.countries.split(query)[0]

    def search(
        self,
        query: str,
        k: int | None = None,
        countries: list[str] | None = None,
        retrieval: str | None = None,
        routing: bool | None = None,
        query_vector: np.ndarray | None = None,
        years: list[int] | None = None,
        latest: bool = False,
    ) -> list[Hit]:
        """Top-``k`` chunks for ``query``.

        ``countries`` restricts the search; without it, a query naming corpus countries searches
        only those (when routing is on). ``years`` restricts it to those report editions; ``latest`` to
        each country's latest edition (and the latest edition's report text). ``retrieval`` is 'hybrid',
        'bm25' or 'dense'.
        """
        k = k or self.settings.search.top_k
        retrieval = retrieval or self.settings.search.retrieval
        routing = self.settings.search.country_routing if routing is None else routing
        if not countries and routing:
            countries = self.route(query)
        query = self.expand_query(query)  # idempotent: callers may pass an expanded query
        rows = self.country_rows(countries) if countries else None
        if years:
            rows = self.year_rows(years) if rows is None else np.intersect1d(rows, self.year_rows(years))
        if latest and self._latest_rows is not None:
            rows = self._latest_rows if rows is None else np.intersect1d(rows, self._latest_rows)
        if retrieval in ("bm25", "dense"):
            ranked = self.retrievers[retrieval].rank(query, k, rows, query_vector)
            return [Hit(self.chunks[i], s, n, (retrieval,)) for n, (i, s) in enumerate(ranked, start=1)]
        if retrieval != "hybrid":
            raise ValueError(f"retrieval={retrieval!r} is not one of hybrid, bm25, dense")
        if query_vector is None and "dense" in self.retrievers:
            query_vector = self.embed_query(query)
        depth = max(FUSION_DEPTH, k)
        fused: dict[int, float] = {}
        found_by: dict[int, list[str]] = {}
        leaders: list[int] = []
        for name in ("dense", "bm25"):
            for rank, (row, _score) in enumerate(self.retrievers[name].rank(query, depth, rows, query_vector), 1):
                fused[row] = fused.get(row, 0.0) + 1.0 / (self.settings.search.rrf_k + rank)
                found_by.setdefault(row, []).append(name)
                if rank <= self.settings.search.leaders:
                    leaders.append(row)
        order = sorted(fused, key=lambda r: (-fused[r], r))
        # Fusion by rank alone loses a passage only one retriever finds, however far ahead of the rest; each
        # retriever's leaders take the places of the last fused ones.
        kept = order[:k]
        missing = [r for r in dict.fromkeys(leaders) if r not in kept]
        if missing:
            room = max(0, k - len(missing))
            kept = sorted([*order[:room], *missing[: k - room]], key=lambda r: (-fused[r], r))
        order = kept
        return [Hit(self.chunks[r], fused[r], n, tuple(found_by[r])) for n, r in enumerate(order, start=1)]


def _with_index_backend(index_dir: Path, settings: Settings) -> Settings:
    """Settings whose embedding backend can query this index: left at the default, the backend setting gives
    way to the one that built the index when their vectors do not mix (an index built with `onnx` before
    `openvino` became the default still loads); a backend chosen on purpose is checked by load_stored."""
    backend = settings.indexing.embed_backend
    if backend != IndexingSettings.embed_backend or settings.indexing.model.startswith("hashing"):
        return settings
    try:
        built_by = index_backends(read_manifest(Path(index_dir)))
    except TipAssistantError:
        return settings  # load_stored names the problem
    if all(vectors_mix(b, backend) for b in built_by) or built_by[0] not in VECTOR_FAMILIES:
        return settings
    return settings.replace(embed_backend=built_by[0])
