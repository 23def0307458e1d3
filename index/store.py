"""Build, persist and load an index directory that describes itself.

Layout: ``DIR/manifest.json`` names the current generation folder ``DIR/gen-*`` holding the FAISS file,
the chunk and document stores and the lexical index. A build writes a new generation, then swaps the
manifest with an atomic rename, so a build that dies midway leaves the previous index untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.chunk import chunk_documents
from index.embed import Embedder, backend_of, make_embedder, vectors_mix
from index.errors import (
    EmptyCorpusError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    IndexStoreError,
)
from index.lexical import Bm25Index
from index.parse import LoadResult, load_paths
from index.records import Chunk, Document, Section
from index.settings import Settings
from index.text import SENTENCE_MAX_CHARS, unit_spans, view_spans

FORMAT_VERSION = 4  # bump when chunking, tokenising or the file layout changes
MANIFEST = "manifest.json"
HNSW_M = 32
HNSW_EF_SEARCH = 1024  # recall@10 0.99 against exact on real report vectors (see README)
HNSW_EF_CONSTRUCTION = 80

ProgressCallback = Callable[[int, int], None]


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tip-assistant")
    except PackageNotFoundError:
        return "0+unknown"


def rebuild_hint(index_dir: Path) -> str:
    return f"rebuild it with: tip-assistant index build PATH ... --index {index_dir}"


@dataclass
class BuildReport:
    """What a build did: counts, reuse of unchanged documents' embeddings, skipped files, time."""

    index_dir: Path
    documents: int
    chunks: int
    embedded_documents: int
    reused_documents: int
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0


def _text_hash(doc: Document) -> str:
    return hashlib.sha256(f"{doc.doc_id}\0{doc.text}".encode()).hexdigest()


def _settings_key(settings: Settings) -> dict:
    indexing = settings.indexing
    return {"chunker": indexing.chunker, "chunk_size": indexing.chunk_size, "chunk_overlap": indexing.chunk_overlap}


def build_index(
    paths: list[Path],
    index_dir: Path,
    settings: Settings,
    embedder: Embedder | None = None,
    progress: ProgressCallback | None = None,
    loaded: LoadResult | None = None,
) -> BuildReport:
    """Parse, chunk, embed and persist ``paths`` into ``index_dir`` atomically.

    Documents whose text, model and chunk settings are unchanged since the previous build of this
    directory keep their embeddings; only new or changed documents are embedded.
    """
    started = time.perf_counter()
    loaded = loaded or load_paths([Path(p) for p in paths], max_file_bytes=settings.indexing.max_file_mb * 1024 * 1024)
    if not loaded.documents:
        raise EmptyCorpusError(
            "no report text found in " + ", ".join(str(p) for p in paths)
            + (f" ({len(loaded.skipped)} file(s) skipped)" if loaded.skipped else "")
        )
    embedder = embedder or make_embedder(settings.indexing.model, settings.indexing.embed_backend)
    chunks = chunk_documents(loaded.documents, settings.indexing.chunker, settings.indexing.chunk_size,
                             settings.indexing.chunk_overlap)
    sentences = sentence_table(loaded.documents)
    previous = _reusable_vectors(index_dir, settings, embedder.name, embedder.backend)
    vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    sentence_vectors = np.zeros((len(sentences), embedder.dimension), dtype=np.float32)
    chunk_rows = _rows_by_document(c.document for c in chunks)
    sentence_rows = _rows_by_document(doc_id for doc_id, _, _ in sentences)
    texts = {doc.doc_id: doc.text for doc in loaded.documents}
    # Texts still to embed -> the rows (chunk or sentence) that take each one's vector.
    pending: dict[str, list[tuple[np.ndarray, int]]] = {}
    reused = 0
    backends: dict[str, str] = {}  # document -> the backend that made its vectors
    for doc in loaded.documents:
        rows, sentence_ids = chunk_rows.get(doc.doc_id, []), sentence_rows.get(doc.doc_id, [])
        old = previous.get(_text_hash(doc))
        if old is not None and len(old[0]) == len(rows) and len(old[1]) == len(sentence_ids):
            vectors[rows], sentence_vectors[sentence_ids], backends[doc.doc_id] = old
            reused += 1
            continue
        for row in rows:
            pending.setdefault(chunks[row].text, []).append((vectors, row))
        for row in sentence_ids:
            _, start, end = sentences[row]
            pending.setdefault(texts[doc.doc_id][start:end], []).append((sentence_vectors, row))
    embed_started = time.perf_counter()
    if pending:
        unique = list(pending)
        for text, vector in zip(unique, _encode_in_batches(embedder, unique, settings, progress), strict=True):
            for target, row in pending[text]:
                target[row] = vector
    embed_seconds = time.perf_counter() - embed_started
    write_index(index_dir, loaded, chunks, vectors, settings, embedder, sentences, sentence_vectors, backends)
    return BuildReport(
        index_dir=index_dir,
        documents=len(loaded.documents),
        chunks=len(chunks),
        embedded_documents=len(loaded.documents) - reused,
        reused_documents=reused,
        skipped=loaded.skipped,
        ignored=loaded.ignored,
        seconds=time.perf_counter() - started,
        embed_seconds=embed_seconds,
    )


def sentence_table(documents: list[Document]) -> list[tuple[str, int, int]]:
    """(document, start, end) of every quotable unit (sentence, or clause of an overlong one) and of each
    long unit's comma-separated stretches ("views"), sorted by document, then start, then end."""
    table = []
    for doc in documents:
        spans = set()
        for section in doc.sections:
            for start, end in unit_spans(doc.text, section.start, section.end, SENTENCE_MAX_CHARS):
                spans.update((start + a, start + b) for a, b in view_spans(doc.text[start:end]))
        table += [(doc.doc_id, start, end) for start, end in sorted(spans)]
    return table


def _rows_by_document(doc_ids) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for row, doc_id in enumerate(doc_ids):
        rows.setdefault(doc_id, []).append(row)
    return rows


def embedding_texts(documents: list[Document], chunks: list[Chunk], sentences: list[tuple[str, int, int]]) -> list[str]:
    """The distinct texts a build embeds when no vector is reused, in the order ``build_index`` collects them:
    document by document, its chunks then its sentence-store spans."""
    texts = {doc.doc_id: doc.text for doc in documents}
    chunk_rows = _rows_by_document(c.document for c in chunks)
    sentence_rows = _rows_by_document(doc_id for doc_id, _, _ in sentences)
    out: dict[str, None] = {}
    for doc in documents:
        out.update((chunks[row].text, None) for row in chunk_rows.get(doc.doc_id, []))
        out.update((texts[doc.doc_id][sentences[row][1] : sentences[row][2]], None)
                   for row in sentence_rows.get(doc.doc_id, []))
    return list(out)


def encoding_parts(texts: list[str], batch_size: int) -> list[list[int]]:
    """The embedder calls a build makes for ``texts``: indices sorted by length (little padding inside each
    batch) and cut into parts of four batches (at least 256 texts) between progress reports. The parts run in
    an order that samples the length ranking evenly (median, lower quartile, upper quartile, ...), so that
    every stretch of the build holds texts of every length: the rate, and the progress bar's time left, hold
    steady instead of falling from short sentences to long chunks."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    step = max(batch_size * 4, 256)
    parts = [order[begin : begin + step] for begin in range(0, len(order), step)]
    # Van der Corput order: the parts at 1/2, 1/4, 3/4, 1/8, 5/8, ... of the length ranking.
    bits = max(1, len(parts).bit_length())
    ranks: dict[int, None] = {}
    for i in range(1, 2**bits):
        ranks.setdefault(int(f"{i:0{bits}b}"[::-1], 2) * len(parts) >> bits)
    ranks.update(dict.fromkeys(range(len(parts))))  # the few a coarse scale skipped (the shortest) go last
    return [parts[rank] for rank in ranks]


def _encode_in_batches(
    embedder: Embedder, texts: list[str], settings: Settings, progress: ProgressCallback | None
) -> np.ndarray:
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    done = 0
    batch_size = settings.indexing.embed_batch_size
    for part in encoding_parts(texts, batch_size):
        out[part] = embedder.encode([texts[i] for i in part], batch_size=batch_size)
        done += len(part)
        if progress:
            progress(done, len(texts))
    return out


def _reusable_vectors(
    index_dir: Path, settings: Settings, model: str, backend: str
) -> dict[str, tuple[np.ndarray, np.ndarray, str]]:
    """Chunk and sentence vectors of the previous build's documents, with the backend that made them, by text
    hash: those whose model and chunking match and whose vectors mix with ``backend``'s (see vectors_mix)."""
    try:
        manifest = read_manifest(index_dir)
        if manifest["model"] != model or manifest["chunking"] != _settings_key(settings):
            return {}
        generation = index_dir / manifest["generation"]
        vectors = _vectors(_read_faiss(generation, manifest))
        sentence_vectors = np.load(generation / "sentence_vectors.npy").astype(np.float32)
    except (IndexStoreError, KeyError, OSError, ValueError):
        return {}
    out = {}
    row = sentence_row = 0
    default = default_backend(manifest)
    for entry in manifest["documents"]:
        made_by = entry.get("embed_backend", default)
        if vectors_mix(made_by, backend):
            out[entry["text_hash"]] = (vectors[row : row + entry["chunks"]],
                                       sentence_vectors[sentence_row : sentence_row + entry["sentences"]], made_by)
        row += entry["chunks"]
        sentence_row += entry["sentences"]
    return out


def default_backend(manifest: dict) -> str:
    """The backend that built an index (indexes written before backends were recorded were built by torch)."""
    return str(manifest.get("embed_backend") or backend_of(str(manifest.get("model", "")), "torch"))


def index_backends(manifest: dict) -> list[str]:
    """Every backend whose vectors an index holds (an incremental build may keep another backend's vectors)."""
    default = default_backend(manifest)
    return sorted({str(d.get("embed_backend", default)) for d in manifest.get("documents", [])} or {default})


def write_index(
    index_dir: Path,
    loaded: LoadResult,
    chunks: list[Chunk],
    vectors: np.ndarray,
    settings: Settings,
    embedder: Embedder,
    sentences: list[tuple[str, int, int]],
    sentence_vectors: np.ndarray,
    backends: dict[str, str] | None = None,
) -> None:
    """Write a new generation, then atomically point the manifest at it and drop older generations.

    ``backends`` names, per document, the backend that made vectors kept from a previous build; the others
    were made by ``embedder``."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    generation = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    folder = index_dir / generation
    folder.mkdir()
    counts: dict[str, int] = {}
    for chunk in chunks:
        counts[chunk.document] = counts.get(chunk.document, 0) + 1
    exact = len(chunks) <= settings.indexing.ann_threshold
    faiss_index = _faiss_index(vectors, exact)
    faiss.write_index(faiss_index, str(folder / "vectors.faiss"))
    with open(folder / "chunks.jsonl", "w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
    docs_payload = [dataclasses.asdict(doc) for doc in loaded.documents]
    (folder / "documents.json").write_text(json.dumps(docs_payload, ensure_ascii=False), encoding="utf-8")
    Bm25Index.build([c.text for c in chunks]).save(folder)
    # Sentence vectors let the answerer score every candidate sentence without running the model.
    doc_numbers = {doc.doc_id: i for i, doc in enumerate(loaded.documents)}
    table = np.array([(doc_numbers[d], a, b) for d, a, b in sentences], dtype=np.int64).reshape(-1, 3)
    np.save(folder / "sentences.npy", table.astype(np.int32))
    np.save(folder / "sentence_vectors.npy", sentence_vectors.astype(np.float16))
    sentence_counts: dict[str, int] = {}
    for doc_id, _, _ in sentences:
        sentence_counts[doc_id] = sentence_counts.get(doc_id, 0) + 1
    fingerprint = hashlib.sha256(
        json.dumps([[_text_hash(d) for d in loaded.documents], _settings_key(settings)]).encode()
    ).hexdigest()
    manifest = {
        "format_version": FORMAT_VERSION,
        "package_version": package_version(),
        "generation": generation,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": embedder.name,
        "embed_backend": embedder.backend,
        "dimension": int(vectors.shape[1]),
        "chunking": _settings_key(settings),
        "faiss": "flat-ip" if exact else f"hnsw{HNSW_M}-ip",
        "corpus_fingerprint": fingerprint,
        "chunks": len(chunks),
        "sentences": len(sentences),
        "sentence_max_chars": SENTENCE_MAX_CHARS,
        "sources": loaded.files,
        "documents": [
            {
                "doc_id": doc.doc_id,
                "country": doc.country,
                "tier": doc.tier,
                "year": doc.year,
                "source": doc.source,
                "chunks": counts.get(doc.doc_id, 0),
                "sentences": sentence_counts.get(doc.doc_id, 0),
                "text_hash": _text_hash(doc),
                "embed_backend": (backends or {}).get(doc.doc_id, embedder.backend),
            }
            for doc in loaded.documents
        ],
    }
    for path in folder.iterdir():
        _fsync(path)
    tmp = index_dir / f".{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, index_dir / MANIFEST)
    for old in index_dir.glob("gen-*"):
        if old.name != generation:
            shutil.rmtree(old, ignore_errors=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _faiss_index(vectors: np.ndarray, exact: bool):
    import faiss

    dimension = vectors.shape[1]
    if exact:
        index = faiss.IndexFlatIP(dimension)
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(vectors)
    return index


def read_manifest(index_dir: Path) -> dict:
    path = Path(index_dir) / MANIFEST
    if not path.is_file():
        raise IndexNotFoundError(f"no index at {index_dir} (no {MANIFEST}); build one with: tip-assistant index build")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{path} is unreadable ({exc}); {rebuild_hint(index_dir)}") from exc
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise IndexCorruptError(f"{path} is not a format-{FORMAT_VERSION} manifest; {rebuild_hint(index_dir)}")
    return manifest


def _read_faiss(generation: Path, manifest: dict):
    """The FAISS index, checked against the manifest's count and dimension."""
    import faiss

    path = generation / "vectors.faiss"
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexCorruptError(f"FAISS file {path} is missing or corrupt; {rebuild_hint(generation.parent)}") from exc
    if index.ntotal != manifest["chunks"] or index.d != manifest["dimension"]:
        raise IndexCorruptError(
            f"FAISS file {path} holds {index.ntotal} vectors of dimension {index.d}, the manifest says "
            f"{manifest['chunks']} of dimension {manifest['dimension']}; {rebuild_hint(generation.parent)}"
        )
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def _vectors(index) -> np.ndarray:
    return index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), np.float32)


@dataclass
class StoredIndex:
    """Everything read from an index directory."""

    index_dir: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    vectors: np.ndarray
    faiss_index: object
    lexical: Bm25Index
    sentences: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int32))  # (doc number, start, end)
    sentence_vectors: np.ndarray | None = None  # float16, memory-mapped
    _sentence_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    _sentence_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __post_init__(self) -> None:
        order = list(self.documents)
        # (start, end) packed into one sortable key: rows are sorted by it within each document.
        self._sentence_keys = (self.sentences[:, 1].astype(np.int64) << 32) | self.sentences[:, 2].astype(np.int64)
        bounds = np.flatnonzero(np.diff(self.sentences[:, 0])) + 1 if len(self.sentences) else []
        starts = [0, *bounds]
        ends = [*bounds, len(self.sentences)]
        for lo, hi in zip(starts, ends, strict=True):
            if hi > lo:
                self._sentence_ranges[order[int(self.sentences[lo, 0])]] = (int(lo), int(hi))

    def sentence_rows(self, doc_id: str) -> tuple[int, int] | None:
        """The rows ``[lo, hi)`` of a document's units and views in ``sentences`` and ``sentence_vectors``."""
        return self._sentence_ranges.get(doc_id) if self.sentence_vectors is not None else None

    def sentence_vector(self, doc_id: str, start: int, end: int) -> np.ndarray | None:
        """The stored vector of the unit or view at ``[start, end)`` of a document, or None if it has none."""
        span = self._sentence_ranges.get(doc_id)
        if span is None or self.sentence_vectors is None:
            return None
        lo, hi = span
        key = (start << 32) | end
        row = lo + int(np.searchsorted(self._sentence_keys[lo:hi], key))
        return self.sentence_vectors[row] if row < hi and self._sentence_keys[row] == key else None


def load_stored(
    index_dir: Path, model: str | None = None, check_sources: bool = True, backend: str | None = None
) -> StoredIndex:
    """Read and cross-check an index directory.

    Raises IndexNotFoundError, IndexCorruptError, or IndexMismatchError (another model than ``model``,
    vectors that do not mix with ``backend``'s, or source files changed since the build) with a message
    that names the difference and the fix.
    """
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    if model is not None and manifest.get("model") != model:
        raise IndexMismatchError(
            f"index {index_dir} was built with model {manifest.get('model')!r} but settings ask for {model!r}; "
            f"use --model {manifest.get('model')} or {rebuild_hint(index_dir)}"
        )
    if backend is not None:
        clash = [b for b in index_backends(manifest) if not vectors_mix(b, backend)]
        if clash:
            raise IndexMismatchError(
                f"index {index_dir} holds vectors made by the {clash[0]} backend, which are not comparable with "
                f"{backend} vectors; use --embed-backend {clash[0]} or {rebuild_hint(index_dir)}"
            )
    if check_sources:
        changed = changed_sources(manifest)
        if changed:
            raise IndexMismatchError(
                f"the corpus changed since index {index_dir} was built: {', '.join(changed[:5])}"
                + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
                + f"; {rebuild_hint(index_dir)} (only changed documents are re-embedded)"
            )
    generation = index_dir / str(manifest.get("generation", ""))
    if not generation.is_dir():
        raise IndexCorruptError(f"index data folder {generation} is missing; {rebuild_hint(index_dir)}")
    faiss_index = _read_faiss(generation, manifest)
    vectors = _vectors(faiss_index)
    try:
        chunks = [_chunk_from(json.loads(line)) for line in
                  (generation / "chunks.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        documents = {d["doc_id"]: _document_from(d) for d in
                     json.loads((generation / "documents.json").read_text(encoding="utf-8"))}
        lexical = Bm25Index.load(generation)
        sentences = np.load(generation / "sentences.npy")
        sentence_vectors = np.load(generation / "sentence_vectors.npy", mmap_mode="r")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(f"index {index_dir} is damaged ({exc}); {rebuild_hint(index_dir)}") from exc
    if len(chunks) != len(vectors) or lexical.size != len(chunks):
        raise IndexCorruptError(
            f"index {index_dir} disagrees with itself: {len(chunks)} chunks in the store, {len(vectors)} vectors "
            f"in the FAISS file, {lexical.size} in the lexical index; {rebuild_hint(index_dir)}"
        )
    for chunk in chunks:
        doc = documents.get(chunk.document)
        if doc is None or doc.text[chunk.start : chunk.end] != chunk.text:
            raise IndexCorruptError(
                f"chunk {chunk.chunk_id} does not match its document text; {rebuild_hint(index_dir)}"
            )
    if sentences.shape != (manifest.get("sentences"), 3) or len(sentence_vectors) != len(sentences):
        raise IndexCorruptError(
            f"index {index_dir}: the sentence store holds {len(sentences)} rows and {len(sentence_vectors)} vectors, "
            f"the manifest says {manifest.get('sentences')}; {rebuild_hint(index_dir)}"
        )
    return StoredIndex(index_dir, manifest, documents, chunks, vectors, faiss_index, lexical, sentences,
                       sentence_vectors)


def changed_sources(manifest: dict) -> list[str]:
    """Source files whose bytes differ from when the index was built (missing files are not counted)."""
    changed = []
    for path, digest in manifest.get("sources", {}).items():
        try:
            data = Path(path).read_bytes()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            changed.append(path)
    return changed


def _chunk_from(data: dict) -> Chunk:
    return Chunk(**data)


def _document_from(data: dict) -> Document:
    data = dict(data)
    data["sections"] = tuple(Section(**s) for s in data["sections"])
    data["pages"] = tuple(tuple(p) for p in data.get("pages", ()))
    return Document(**data)
