"""Benchmark build, search and ask at several corpus sizes and embedding backends, and print what was measured.

Sizes: ``seed`` (the bundled narrative), ``factbook`` (seed + the 51 factbook narratives beside the
repository), ``full`` (a generated corpus of about 190 narratives and 10,000 chunks, see bench.synth) and
``full10x`` (ten times that). Backends: ``torch``, ``onnx`` and, when openvino is installed, ``openvino``
(index.embed), each measured on every size, torch first. For each size and backend the benchmark builds an
index and reports, next to the build rate, the *bare loop*: the same embedder encoding exactly the texts the
build encodes, in the same calls (order and batch size), and nothing else — the limit a build can approach,
never beat. Then warm latencies of
``TipIndex.search`` and ``Assistant.ask``, the wall time of a fresh process from start to its first answer,
that process's peak memory, the index size on disk, neighbour recall@10 of the backend's vectors against
PyTorch's (exact search on both) and, for an HNSW index, its recall@10 against exact search.

Run it with ``tip-assistant bench`` or ``python -m bench`` (same options). Timings are noisy on a shared
machine: the load average is printed with each row.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import synth
from index.settings import Settings, data_home

ALL_SIZES = ("seed", "factbook", "full", "full10x")
DEFAULT_SIZES = "seed,factbook,full"
# Sizes whose index is kept under the cache folder and reused: embedding them takes longer than a run should.
CACHED_INDEX_SIZES = ("full10x",)
STAGE_ORDER = ("understand_ms", "embed_ms", "retrieve_ms", "select_ms", "total_ms")
RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
# The bare loop encodes every text the build encodes up to this many; above it, an evenly spaced sample of
# the build's encoder calls (so every text length is represented), stated in the row's notes.
BARE_MAX_TEXTS = 25_000
BACKENDS = ("torch", "onnx", "openvino")
DEFAULT_BACKENDS = ",".join(BACKENDS)
REFERENCE_BACKEND = "torch"  # recall@10 of every backend's vectors is measured against this one's
RECALL_QUESTIONS = 200  # questions (and their exact top 10) behind each recall@10 against torch
# Building a corpus whose estimated embedding time exceeds this needs --full10x-build, or it is measured
# on an index with approximated vectors (see _approx_vectors) that is cached for later runs.
BUILD_BUDGET_S = 25 * 60
WARMUP_QUESTIONS = 3
HELP_RUNS = 5
RECALL_K = 10
PROFILE_TOP = 25
QUESTION_KINDS = ("tier", "how_many", "recommendation", "country", "cross_country")

# Targets from the issue "Performance at full-report scale".
TARGET_ASK_P95_10K_MS = 100.0
TARGET_ASK_P95_100K_MS = 250.0
TARGET_BUILD_RATIO = 0.90
TARGET_HELP_S = 1.0
TARGET_FIRST_ANSWER_S = 15.0
# Targets from the issue "twice the embedding speed with identical vectors".
TARGET_SPEEDUP = 2.0
TARGET_RECALL_VS_TORCH = 0.99

ROW_KEYS = (
    "corpus", "backend", "texts", "narratives", "chunks", "target_chunks", "words", "build_mode", "build_s",
    "build_chunks_per_s", "build_texts_per_s", "embed_s", "bare_texts_per_s", "bare_texts", "ratio",
    "speedup_vs_torch", "bare_speedup_vs_torch", "search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms",
    "ask_1thread_p50_ms", "ask_1thread_p95_ms", "ask_stages_p50_ms", "ask_by_kind_p50_ms", "queries", "first_answer_s",
    "first_answer_phases_s", "peak_rss_mb", "bench_peak_rss_mb", "disk_mb", "faiss", "recall_vs_torch",
    "recall_vs_torch_note", "recall_at_10", "recall_note", "load_average", "notes",
)

# Runs in a fresh interpreter: load the built index, answer one question, report phases and peak memory.
_FIRST_ANSWER_CODE = """
import json, resource, sys, time
spawned = float(sys.argv[1])
started = time.time()
from pathlib import Path
from assistant.core import Assistant
from index.settings import Settings
imported = time.time()
bot = Assistant.load(Path(sys.argv[2]), Settings.load({"model": sys.argv[3], "embed_backend": sys.argv[4]}, env={}))
loaded = time.time()
reply = bot.ask(sys.argv[5])
answered = time.time()
# VmHWM, not ru_maxrss: after fork+exec, ru_maxrss also counts the parent's memory at the fork.
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
rss_kb = int(status["VmHWM"].split()[0]) if "VmHWM" in status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"interpreter": started - spawned, "imports": imported - started, "load": loaded - imported,
                  "ask": answered - loaded, "refused": reply.refused, "torch_imported": "torch" in sys.modules,
                  "rss_kb": rss_kb}), flush=True)
"""

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Corpus:
    """A corpus to benchmark: its source paths and, for generated ones, the chunk-count target."""

    name: str
    paths: list[Path]
    target_chunks: int | None = None
    generated: synth.CorpusInfo | None = None
    # Keep the index under the cache folder and reuse it on later runs (for corpora too slow to embed each run).
    cache_index: bool = False


# Questions


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "tier": (
        "What tier is {c} on?",
        "Is {c} on Tier 3?",
        "Why was {c} placed on {t}?",
        "What is {c}'s ranking in the 2023 TIP report?",
    ),
    "how_many": (
        "How many trafficking victims did {c} identify?",
        "How many traffickers did {c} convict?",
        "How many trafficking investigations did the government of {c} report?",
        "How many countries are on {t}?",
    ),
    "recommendation": (
        "What does the report recommend for {c}?",
        "What should {c} do to improve victim identification?",
        "What are the prioritized recommendations for {c} on prosecuting traffickers?",
        "What should the government of {c} do about forced labor?",
    ),
    "country": (
        "How does {c} protect trafficking victims?",
        "What forced labor risks exist in {c}?",
        "Does {c} have a national action plan against trafficking?",
        "What did {c} do to prevent trafficking?",
        "Who is most vulnerable to trafficking in {c}?",
        "What are the weaknesses of {c}'s anti-trafficking efforts?",
        "Are officials in {c} complicit in trafficking crimes?",
    ),
    "cross_country": (
        "Which countries are on {t}?",
        "Which countries have forced labor in fishing?",
        "Where are children forcibly recruited by armed groups?",
        "Compare {c} and {c2} on prosecution.",
        "Which governments penalized victims for unlawful acts committed as a result of being trafficked?",
        "In which countries are migrant workers exploited in domestic work?",
    ),
}


def make_questions(countries: Sequence[str], tiers: Sequence[str], n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` varied (kind, question) pairs about these countries, cycling through the question kinds."""
    if not countries:
        raise ValueError("make_questions needs at least one country")
    rng = random.Random(f"questions:{seed}")
    countries = sorted(countries)
    tiers = sorted(set(tiers)) or ["Tier 2"]
    out = []
    for i in range(n):
        kind = QUESTION_KINDS[i % len(QUESTION_KINDS)]
        template = rng.choice(_TEMPLATES[kind])
        pair = rng.sample(countries, 2) if len(countries) > 1 else [countries[0], countries[0]]
        out.append((kind, template.format(c=pair[0], c2=pair[1], t=rng.choice(tiers))))
    return out


# Measurements


def percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if len(values) else None


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def directory_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 1e6


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def machine_info(torch_threads: bool = True) -> dict:
    """CPU model, cores, RAM, torch threads (torch is imported only when ``torch_threads``) and the ONNX
    Runtime version and threads."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    threads = None
    if torch_threads or "torch" in sys.modules:
        try:
            import torch

            threads = torch.get_num_threads()
        except ImportError:
            threads = None
    from importlib.metadata import PackageNotFoundError, version

    from index.embed import usable_cores

    versions = {}
    for package in ("torch", "onnxruntime", "openvino", "sentence-transformers"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable_cores(), "ram_gb": ram_gb,
            "torch_threads": threads, "onnxruntime_threads": usable_cores(), "versions": versions,
            "python": sys.version.split()[0], "load_average": load_average()}


def help_seconds(runs: int = HELP_RUNS) -> float | None:
    """Best wall time of ``tip-assistant --help`` over ``runs`` fresh processes."""
    script = Path(sys.executable).with_name("tip-assistant")
    command = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "assistant", "--help"]
    best = None
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def first_answer(index_dir: Path, model: str, question: str, backend: str = "torch") -> dict:
    """Wall time from spawning a fresh interpreter to its first answer from ``index_dir``, with its phases."""
    # Settings come from the arguments alone; TIP_ASSISTANT_HOME stays, so the ONNX export cache is shared.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIP_ASSISTANT_") or k == "TIP_ASSISTANT_HOME"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _FIRST_ANSWER_CODE, repr(time.time()), str(index_dir), model, backend, question],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(synth.REPO_ROOT),
    )
    line = proc.stdout.readline() if proc.stdout else ""
    seconds = time.perf_counter() - started
    _, err = proc.communicate()
    if proc.returncode != 0 or not line.strip():
        raise RuntimeError(f"first-answer process failed ({proc.returncode}): {err.strip()[-800:]}")
    data = json.loads(line)
    return {"seconds": seconds, "rss_mb": data.pop("rss_kb") / 1024, "phases": data}


def bare_seconds(embedder, texts: list[str], parts: list[list[int]], batch_size: int) -> float:
    """Seconds the embedder alone takes for the encoder calls ``parts`` (lists of indices into ``texts``),
    one after another: the build's own calls, without parsing, chunking, bookkeeping or writing."""
    started = time.perf_counter()
    for part in parts:
        embedder.encode([texts[i] for i in part], batch_size=batch_size)
    return time.perf_counter() - started


def bare_plan(
    texts: list[str], batch_size: int, limit: int = BARE_MAX_TEXTS
) -> tuple[list[list[int]], list[list[int]]]:
    """The build's encoder calls for ``texts`` (see index.store.encoding_parts), at most ``limit`` texts of
    them (every n-th call in length order above it), split in two halves, one run before the build and one
    after, so that both see the machine over the same stretch of time. Each half holds every other call in
    length order: texts of every length in both."""
    from index.store import encoding_parts

    parts = encoding_parts(texts, batch_size)
    position = {i: n for n, i in enumerate(sorted(range(len(texts)), key=lambda i: len(texts[i])))}
    rank = {id(part): n for n, part in enumerate(sorted(parts, key=lambda p: position[p[0]]))}
    every = -(-len(texts) // limit) if len(texts) > limit else 1
    halves: tuple[list[list[int]], list[list[int]]] = ([], [])
    for part in parts:
        if rank[id(part)] % every == 0:
            halves[rank[id(part)] // every % 2].append(part)
    return halves


def exact_neighbours(index, questions: list[str], k: int = RECALL_K) -> tuple[np.ndarray, np.ndarray]:
    """Exact inner-product scores of every chunk for each question (question vectors from the index's own
    embedder) and each question's top ``k`` rows: what recall@10 against another backend compares."""
    vectors = np.asarray(index.stored.vectors, dtype=np.float32)
    queries = index.embedder.encode([index.expand_query(q) for q in questions]).astype(np.float32)
    scores = queries @ vectors.T
    k = min(k, vectors.shape[0])
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return scores, top


def recall_against(reference: tuple[np.ndarray, np.ndarray], candidate: tuple[np.ndarray, np.ndarray]) -> float:
    """Mean recall@k of ``candidate``'s exact top k against ``reference``'s (both from exact_neighbours over the
    same chunks and questions). A returned chunk counts as found when its reference score reaches the
    reference's k-th best score: chunks with equal vectors (a sentence repeated in many narratives) are
    interchangeable."""
    ref_scores, ref_top = reference
    _, top = candidate
    if ref_scores.shape[1] == 0:
        return 1.0
    kth = np.take_along_axis(ref_scores, ref_top[:, -1:], axis=1)
    found = np.take_along_axis(ref_scores, top, axis=1) >= kth - 1e-5
    return float(found.mean())


def hnsw_recall(index, queries: list[str], k: int = RECALL_K) -> tuple[float, float]:
    """Mean recall@k of the stored FAISS index against exact inner-product search over the same vectors.

    A returned chunk counts as found when its exact score reaches the k-th best exact score: chunks with
    equal vectors (a recommendation repeated word for word in many narratives) are interchangeable.
    Returns (that recall, the plain overlap of returned and exact top-k ids).
    """
    stored = index.stored
    vectors = stored.vectors
    k = min(k, len(vectors))
    if k == 0:
        return 1.0, 1.0
    found = same = 0
    for query in queries:
        vector = index.embed_query(index.expand_query(query)).astype(np.float32)
        _, ids = stored.faiss_index.search(vector.reshape(1, -1), k)
        scores = vectors @ vector
        kth = float(np.partition(-scores, k - 1)[k - 1]) * -1
        returned = [i for i in ids[0].tolist() if i >= 0]
        found += sum(1 for i in returned if scores[i] >= kth - 1e-5)
        same += len(set(returned) & set(np.argpartition(-scores, k - 1)[:k].tolist()))
    return found / (k * len(queries)), same / (k * len(queries))


def _approx_vectors(items: list[tuple[str, str]], embedder, batch_size: int) -> tuple[np.ndarray, int]:
    """Chunk vectors approximated without encoding every chunk: each distinct clause is encoded once and a
    chunk's vector is the normalised, word-weighted mean of its clauses' vectors.

    The synthetic corpora recombine a small pool of real clauses, so this needs a few thousand encodings
    instead of one per chunk. The vectors live in the model's space (questions are still encoded by the
    model), which is what search and ask latency, HNSW recall and memory depend on; answer quality and
    build time on such an index mean nothing. ``items`` are (text, its country) pairs: chunks or sentences.
    Returns (vectors, distinct clauses encoded).
    """
    from index.text import clause_spans, unit_spans

    keys: dict[str, int] = {}
    parts: list[list[tuple[int, int]]] = []
    for text, country in items:
        mine = []
        for start, end in unit_spans(text, 0, len(text)):
            for a, b in clause_spans(text, start, end, 0):
                clause = text[a:b].replace(country, "Norland")
                mine.append((keys.setdefault(clause, len(keys)), len(clause.split())))
        parts.append(mine or [(keys.setdefault(text, len(keys)), 1)])
    clause_vectors = embedder.encode(list(keys), batch_size=batch_size)
    out = np.zeros((len(items), clause_vectors.shape[1]), dtype=np.float32)
    for row, mine in enumerate(parts):
        ids = [i for i, _ in mine]
        weights = np.array([w for _, w in mine], dtype=np.float32)
        out[row] = weights @ clause_vectors[ids]
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out, len(keys)


# One corpus


def _question_text(questions: list[tuple[str, str]]) -> list[str]:
    return [q for _, q in questions]


def bench_corpus(
    corpus: Corpus,
    settings: Settings,
    n_queries: int,
    embedder=None,
    cache_root: Path | None = None,
    allow_long_build: bool = False,
    run_first_answer: bool = True,
    profile: bool = False,
    log: Log = _stderr,
) -> tuple[dict, str | None]:
    """Build (or reuse) the index of ``corpus`` with one embedder (default: the one ``settings`` names) and
    measure it; returns (row, profile text or None). See bench_backends."""
    from index.embed import make_embedder

    embedder = embedder or make_embedder(settings.indexing.model, settings.indexing.embed_backend)
    rows, profile_text = bench_backends(corpus, {embedder.backend: settings}, {embedder.backend: embedder}, n_queries,
                                        cache_root, allow_long_build, run_first_answer, profile, log)
    return rows[0], profile_text


def paired_bare_seconds(embedders: dict, texts: list[str], parts: list[list[int]], batch_size: int) -> dict[str, float]:
    """bare_seconds for every backend, interleaved call by call (the order alternating from call to call), so
    that every backend sees the machine's load of the same moments: their rates compare even on a busy host."""
    seconds = dict.fromkeys(embedders, 0.0)
    for n, part in enumerate(parts):
        for backend in list(embedders) if n % 2 == 0 else list(reversed(embedders)):
            seconds[backend] += bare_seconds(embedders[backend], texts, [part], batch_size)
    return seconds


def bench_backends(
    corpus: Corpus,
    settings_by_backend: dict[str, Settings],
    embedders: dict,
    n_queries: int,
    cache_root: Path | None = None,
    allow_long_build: bool = False,
    run_first_answer: bool = True,
    profile: bool = False,
    log: Log = _stderr,
) -> tuple[list[dict], str | None]:
    """Build (or reuse) the index of ``corpus`` with each backend's embedder and measure it: one row per backend,
    in the order of ``embedders`` (the reference backend, if present, first).

    The bare loop replays the build's encoder calls, half before the builds and half after, interleaving the
    backends call by call. Recall@10 against the reference backend compares exact top 10s over the same
    chunks for the same questions. Returns (rows, profile text or None).
    """
    from index.chunk import chunk_documents
    from index.parse import load_paths
    from index.store import embedding_texts, sentence_table

    backends = list(embedders)
    settings = settings_by_backend[backends[0]]
    started = time.perf_counter()
    loaded = load_paths(corpus.paths)
    indexing = settings.indexing
    chunks = chunk_documents(loaded.documents, indexing.chunker, indexing.chunk_size, indexing.chunk_overlap)
    # Exactly the texts the build embeds (distinct chunk and sentence-store texts) in its order.
    texts = embedding_texts(loaded.documents, chunks, sentence_table(loaded.documents))
    rows: dict[str, dict] = {}
    for backend in backends:
        row = rows[backend] = dict.fromkeys(ROW_KEYS)
        row.update(corpus=corpus.name, backend=backend, target_chunks=corpus.target_chunks, notes=[],
                   narratives=len(loaded.documents), chunks=len(chunks), texts=len(texts),
                   words=sum(len(d.text.split()) for d in loaded.documents))
    first = rows[backends[0]]
    log(f"[{corpus.name}] {first['narratives']} narratives, {first['words']:,} words, {len(chunks):,} chunks, "
        f"{len(texts):,} texts (parsed and chunked in {time.perf_counter() - started:.1f} s)")
    if corpus.target_chunks:
        off = len(chunks) / corpus.target_chunks - 1
        log(f"[{corpus.name}] chunk count {len(chunks):,} vs target {corpus.target_chunks:,} ({off:+.1%})")
        if abs(off) > 0.15:
            for row in rows.values():
                row["notes"].append(f"chunk count {len(chunks):,} is {off:+.0%} off the target "
                                    f"{corpus.target_chunks:,}")
    for embedder in embedders.values():
        embedder.encode(["warm up the model"], batch_size=1)  # load it (and export it, once) before any timing
    batch_size = settings.indexing.embed_batch_size
    before, after = bare_plan(texts, batch_size)
    bare_texts = sum(len(p) for p in before + after)
    first_half = sum(len(p) for p in before)
    for row in rows.values():
        row["bare_texts"] = bare_texts
        if bare_texts < len(texts):
            row["notes"].append(f"bare loop over {bare_texts:,} of {len(texts):,} texts: every "
                                f"{-(-len(texts) // BARE_MAX_TEXTS)}th encoder call of the build")
    log(f"[{corpus.name}] bare loop, first half: {first_half:,} texts in the build's encoder calls, "
        f"{', '.join(backends)} interleaved ...")
    bare_s = paired_bare_seconds(embedders, texts, before, batch_size)
    estimates = {b: len(texts) * bare_s[b] / max(first_half, 1) for b in backends}
    log(f"[{corpus.name}] bare " + ", ".join(f"{b} {first_half / max(bare_s[b], 1e-9):.1f} texts/s"
                                            for b in backends)
        + f"; embedding all texts ≈ {sum(estimates.values()) / 60:.1f} min")

    workdir = Path(tempfile.mkdtemp(prefix=f"tip-bench-{corpus.name}-"))
    try:
        index_dirs = {}
        for backend in backends:
            index_dirs[backend] = _build_row(corpus, settings_by_backend[backend], embedders[backend], rows[backend],
                                             workdir / backend, cache_root, estimates[backend], allow_long_build,
                                             loaded, chunks, log)
        if after:
            log(f"[{corpus.name}] bare loop, second half: {bare_texts - first_half:,} texts ...")
            for backend, seconds in paired_bare_seconds(embedders, texts, after, batch_size).items():
                bare_s[backend] += seconds
        for backend, row in rows.items():
            row["bare_texts_per_s"] = bare_texts / bare_s[backend] if bare_s[backend] > 0 else None
            if row["build_s"]:
                row["build_texts_per_s"] = len(texts) / row["build_s"]
                # A build from an earlier run saw another machine load: no ratio with this run's bare loop.
                if row["bare_texts_per_s"] and row["build_mode"] in ("built", "built (cached)"):
                    row["ratio"] = row["build_texts_per_s"] / row["bare_texts_per_s"]
        reference = None
        profile_text = None
        for n, backend in enumerate(backends):
            text, neighbours = _measure_row(corpus, settings_by_backend[backend], embedders[backend], rows[backend],
                                            index_dirs[backend], loaded, n_queries, run_first_answer,
                                            profile and n == len(backends) - 1, reference, log)
            profile_text = text or profile_text
            if backend == REFERENCE_BACKEND:
                reference = neighbours
        torch_row = rows.get(REFERENCE_BACKEND)
        for row in rows.values():
            if torch_row is not None and row is not torch_row:
                if torch_row["bare_texts_per_s"] and row["bare_texts_per_s"]:
                    row["bare_speedup_vs_torch"] = row["bare_texts_per_s"] / torch_row["bare_texts_per_s"]
                if torch_row["ratio"] is not None and row["ratio"] is not None:
                    row["speedup_vs_torch"] = row["build_texts_per_s"] / torch_row["build_texts_per_s"]
            elif row is torch_row:
                row["bare_speedup_vs_torch"] = 1.0
                if row["ratio"] is not None:  # built in this run
                    row["speedup_vs_torch"] = 1.0
        return list(rows.values()), profile_text
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _build_row(corpus: Corpus, settings: Settings, embedder, row: dict, index_dir: Path, cache_root: Path | None,
               estimate: float, allow_long_build: bool, loaded, chunks, log: Log) -> Path:
    """Build the index (or reuse a cached one, see _cached_index) and note how; returns its folder."""
    from index.store import build_index

    label = f"{corpus.name}/{embedder.backend}"
    row["load_average"] = load_average()
    if cache_root is not None and corpus.generated is not None and corpus.cache_index:
        cached = _cached_index(corpus, settings, cache_root, estimate, allow_long_build, loaded, chunks, embedder,
                               row, log)
        if cached is not None:
            return cached
    log(f"[{label}] building index (est. {estimate / 60:.1f} min) ...")
    report = build_index(corpus.paths, index_dir, settings, embedder=embedder)
    row.update(build_mode="built", build_s=report.seconds, embed_s=report.embed_seconds,
               build_chunks_per_s=report.chunks / report.seconds)
    log(f"[{label}] built in {report.seconds:.1f} s ({row['texts'] / report.seconds:.1f} texts/s)")
    return index_dir


def _measure_row(corpus: Corpus, settings: Settings, embedder, row: dict, index_dir: Path, loaded, n_queries: int,
                 run_first_answer: bool, profile: bool, reference: tuple[np.ndarray, np.ndarray] | None,
                 log: Log) -> tuple[str | None, tuple[np.ndarray, np.ndarray]]:
    """Latency, first answer, memory, disk and recall of one built index; returns (profile text or None, this
    backend's exact neighbours of the recall questions)."""
    from assistant.core import Assistant
    from index.store import IndexStoreError, read_manifest

    label = f"{corpus.name}/{embedder.backend}"
    try:
        manifest = read_manifest(index_dir)
    except IndexStoreError as exc:
        raise RuntimeError(f"benchmark index at {index_dir} is unreadable: {exc}") from exc
    row["faiss"] = manifest["faiss"]
    row["disk_mb"] = directory_mb(index_dir)
    countries = sorted({d.country for d in loaded.documents})
    tiers = [d.tier for d in loaded.documents if d.tier]
    questions = make_questions(countries, tiers, n_queries, seed=row["chunks"])
    if run_first_answer:
        log(f"[{label}] first answer from a fresh process ...")
        # A question answered from retrieved passages, so the embedding model loads before the answer.
        question = f"How does {countries[0]} protect trafficking victims?"
        first = first_answer(index_dir, settings.indexing.model, question, backend=settings.indexing.embed_backend)
        row.update(first_answer_s=first["seconds"], first_answer_phases_s=first["phases"], peak_rss_mb=first["rss_mb"])

    bot = Assistant.load(index_dir, settings, embedder=embedder)
    bot.warm_up()
    for _, question in make_questions(countries, tiers, WARMUP_QUESTIONS, seed=-1):
        bot.ask(question)
    search_ms, ask_ms = [], []
    stages: dict[str, list[float]] = {}
    by_kind: dict[str, list[float]] = {}
    log(f"[{label}] timing {len(questions)} questions ...")
    for kind, question in questions:
        t0 = time.perf_counter()
        bot.index.search(question)
        search_ms.append(_ms(time.perf_counter() - t0))
        t0 = time.perf_counter()
        reply = bot.ask(question)
        elapsed = _ms(time.perf_counter() - t0)
        ask_ms.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
        for stage, value in reply.timings.items():
            stages.setdefault(stage, []).append(value)
    row.update(
        queries=len(questions),
        search_p50_ms=percentile(search_ms, 50), search_p95_ms=percentile(search_ms, 95),
        ask_p50_ms=percentile(ask_ms, 50), ask_p95_ms=percentile(ask_ms, 95),
        ask_stages_p50_ms={s: percentile(stages[s], 50)
                           for s in sorted(stages, key=lambda s: (s not in STAGE_ORDER, STAGE_ORDER.index(s)
                                                                  if s in STAGE_ORDER else 0, s))},
        ask_by_kind_p50_ms={k: percentile(v, 50) for k, v in by_kind.items()},
    )
    row.update(_one_thread_asks(bot, questions))
    if row["faiss"].startswith("hnsw"):
        row["recall_at_10"], overlap = hnsw_recall(bot.index, _question_text(questions))
        row["recall_note"] = (f"{row['faiss']} vs exact, {len(questions)} questions, ties counted as found; "
                              f"plain id overlap {overlap:.3f}")
    else:
        row["recall_at_10"] = 1.0
        row["recall_note"] = "exact"
    recall_questions = _question_text(make_questions(countries, tiers, RECALL_QUESTIONS, seed=-3))
    neighbours = exact_neighbours(bot.index, recall_questions)
    if embedder.backend == REFERENCE_BACKEND:
        row["recall_vs_torch"] = 1.0
        row["recall_vs_torch_note"] = "reference"
    elif reference is not None and reference[0].shape == neighbours[0].shape:
        row["recall_vs_torch"] = recall_against(reference, neighbours)
        same = float(np.mean([len(set(a) & set(b)) / max(len(a), 1)
                              for a, b in zip(reference[1].tolist(), neighbours[1].tolist(), strict=True)]))
        row["recall_vs_torch_note"] = (f"{len(recall_questions)} questions, exact search on both, ties counted as "
                                       f"found; plain id overlap {same:.3f}")
    profile_text = _profile(bot, countries, tiers, n_queries) if profile else None
    row["bench_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if row["peak_rss_mb"] is None:
        row["peak_rss_mb"] = row["bench_peak_rss_mb"]
        row["notes"].append("peak RSS is the benchmark process's (no first-answer process)")
    del bot
    gc.collect()
    return profile_text, neighbours


def _one_thread_asks(bot, questions: list[tuple[str, str]]) -> dict:
    """Ask latency with torch limited to one thread (a fresh answerer, so its sentence-vector cache is cold).

    On a busy machine, torch's OpenMP threads can wait on each other for tens of milliseconds per forward
    pass; this pass shows how much of the ask latency that costs. Empty unless torch runs with >1 thread.
    """
    torch = sys.modules.get("torch")
    if torch is None or torch.get_num_threads() < 2 or bot.index.embedder.backend != "torch":
        return {}
    from assistant.core import Assistant

    fresh = Assistant(bot.index, bot.settings)
    threads = torch.get_num_threads()
    times = []
    torch.set_num_threads(1)
    try:
        for _, question in questions:
            started = time.perf_counter()
            fresh.ask(question)
            times.append(_ms(time.perf_counter() - started))
    finally:
        torch.set_num_threads(threads)
    return {"ask_1thread_p50_ms": percentile(times, 50), "ask_1thread_p95_ms": percentile(times, 95)}


def _cached_index(corpus: Corpus, settings: Settings, cache_root: Path, estimate: float, allow_long_build: bool,
                  loaded, chunks, embedder, row: dict, log: Log) -> Path | None:
    """For a generated corpus too big to embed in the time budget: reuse, build into, or approximate a cached
    index under ``cache_root``. None means "build it normally in a temporary folder"."""
    from index.store import IndexStoreError, build_index, default_backend, read_manifest, sentence_table, write_index

    assert corpus.generated is not None
    model_slug = re.sub(r"[^A-Za-z0-9.]+", "-", settings.indexing.model).strip("-").lower()
    base = f"index-{corpus.generated.folder.name}-{model_slug}-{embedder.backend}-{settings.indexing.chunker}" \
           f"{settings.indexing.chunk_size}-{settings.indexing.chunk_overlap}"
    real, approx = cache_root / base, cache_root / f"{base}-approx"

    def usable(folder: Path) -> dict | None:
        try:
            manifest = read_manifest(folder)
            meta = json.loads((folder / "bench-meta.json").read_text(encoding="utf-8"))
        except (IndexStoreError, OSError, ValueError):
            return None
        if (manifest.get("chunks") != len(chunks) or manifest.get("model") != embedder.name
                or default_backend(manifest) != embedder.backend):
            return None
        return meta

    meta = usable(real)
    if meta is not None:
        row.update(build_mode=f"cached ({meta['created']})", build_s=meta["build_s"], embed_s=meta.get("embed_s"),
                   build_chunks_per_s=meta["chunks_per_s"])
        row["notes"].append(f"index reused from {real}: build s and chunks/s are from its build on {meta['created']}")
        log(f"[{corpus.name}] reusing cached index {real} (built {meta['created']} in {meta['build_s']:.0f} s)")
        return real
    if estimate <= BUILD_BUDGET_S or allow_long_build:
        log(f"[{corpus.name}] building index into cache {real} (est. {estimate / 60:.1f} min) ...")
        shutil.rmtree(real, ignore_errors=True)
        report = build_index(corpus.paths, real, settings, embedder=embedder)
        rate = report.chunks / report.seconds
        _write_meta(real, {"vectors": "model", "build_s": report.seconds, "embed_s": report.embed_seconds,
                           "chunks": report.chunks, "chunks_per_s": rate})
        row.update(build_mode="built (cached)", build_s=report.seconds, embed_s=report.embed_seconds,
                   build_chunks_per_s=rate)
        return real
    meta = usable(approx)
    if meta is None:
        log(f"[{corpus.name}] embedding {len(chunks):,} chunks would take ≈ {estimate / 60:.0f} min "
            f"(> {BUILD_BUDGET_S // 60} min): writing an index with approximated vectors to {approx} "
            "(pass --full10x-build to embed every chunk) ...")
        started = time.perf_counter()
        vectors, distinct = _approx_vectors([(c.text, c.country) for c in chunks], embedder,
                                            settings.indexing.embed_batch_size)
        documents = {d.doc_id: d for d in loaded.documents}
        sentences = sentence_table(loaded.documents)
        sentence_vectors, _ = _approx_vectors(
            [(documents[d].text[a:b], documents[d].country) for d, a, b in sentences], embedder,
            settings.indexing.embed_batch_size)
        shutil.rmtree(approx, ignore_errors=True)
        write_index(approx, loaded, chunks, vectors, settings, embedder, sentences, sentence_vectors)
        meta = _write_meta(approx, {"vectors": "approx", "build_s": time.perf_counter() - started,
                                    "chunks": len(chunks), "distinct_clauses": distinct})
    else:
        log(f"[{corpus.name}] reusing cached approximated-vector index {approx}")
    row.update(build_mode="not measured (approx vectors)")
    row["notes"].append(
        f"build not measured: embedding {len(chunks):,} chunks ≈ {estimate / 60:.0f} min at the bare rate; index "
        f"{approx} has approximated vectors (mean of {meta.get('distinct_clauses', '?')} clause embeddings), "
        "so search/ask latency, memory, disk and HNSW recall are measured, build rate and answer quality are not")
    return approx


def _write_meta(folder: Path, meta: dict) -> dict:
    meta = {**meta, "created": time.strftime("%Y-%m-%d %H:%M")}
    (folder / "bench-meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def _profile(bot, countries: list[str], tiers: list[str], n: int) -> str:
    """cProfile of ``bot.ask`` over ``n`` fresh questions: top functions by cumulative time."""
    questions = _question_text(make_questions(countries, tiers, n, seed=-2))
    profiler = cProfile.Profile()
    profiler.enable()
    for question in questions:
        bot.ask(question)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    out.write(f"cProfile of bot.ask over {len(questions)} questions ({len(bot.index.chunks):,} chunks), "
              "sorted by cumulative time\n")
    stats.print_stats(PROFILE_TOP)
    return out.getvalue()


# Whole run


def corpora_for(sizes: Sequence[str], cache_root: Path, log: Log = _stderr) -> list[Corpus]:
    """The corpora named by ``sizes``; generated ones are written under ``cache_root`` on first use."""
    factbook = synth.default_factbook_dir()
    needs_factbook = any(s != "seed" for s in sizes)
    if needs_factbook and not factbook.is_dir():
        raise FileNotFoundError(f"factbook corpus not found at {factbook} (set TIP_FACTBOOK_DIR)")
    out = []
    pool = None
    for size in sizes:
        if size == "seed":
            out.append(Corpus("seed", [synth.SEED_PATH]))
        elif size == "factbook":
            out.append(Corpus("factbook", [synth.SEED_PATH, factbook]))
        else:
            spec = synth.SIZES[size]
            pool = pool or synth.load_pool([synth.SEED_PATH, factbook])
            started = time.perf_counter()
            info = synth.ensure_corpus(spec, cache_root / "corpora", pool=pool)
            log(f"[{size}] corpus {info.folder} ({info.narratives} narratives, {info.words:,} words; "
                f"ready in {time.perf_counter() - started:.1f} s)")
            out.append(Corpus(size, [info.folder], spec.target_chunks, info, cache_index=size in CACHED_INDEX_SIZES))
    return out


def parse_sizes(text: str) -> list[str]:
    sizes = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in ALL_SIZES]
    if unknown or not sizes:
        raise ValueError(f"unknown size(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(ALL_SIZES)}")
    return list(dict.fromkeys(sizes))


def parse_backends(text: str) -> list[str]:
    """Backends to measure, the reference (torch) first so that every other row can be compared with it."""
    backends = [b.strip() for b in text.split(",") if b.strip()]
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown or not backends:
        raise ValueError(f"unknown backend(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(BACKENDS)}")
    return sorted(dict.fromkeys(backends), key=lambda b: b != REFERENCE_BACKEND)


def run_bench(
    sizes: Sequence[str],
    n_queries: int = 40,
    settings: Settings | None = None,
    cache_root: Path | None = None,
    allow_long_build: bool = False,
    run_first_answer: bool = True,
    help_runs: int = HELP_RUNS,
    profile: bool = False,
    log: Log = _stderr,
    backends: Sequence[str] = BACKENDS,
) -> dict:
    """Benchmark every size with every backend; returns the results (machine, --help time, rows, targets,
    profile). A hashing model has one backend, its own."""
    from index.embed import make_embedder

    settings = settings or Settings.load(env={})
    cache_root = Path(cache_root) if cache_root else data_home() / "bench"
    started = time.perf_counter()
    hashing = settings.indexing.model.startswith("hashing")
    backends = ["hashing"] if hashing else parse_backends(",".join(backends))
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "settings": settings.to_dict(),
                     "backends": backends, "machine": machine_info(torch_threads=False)}
    results["help_s"] = help_seconds(help_runs) if help_runs > 0 else None
    corpora = corpora_for(sizes, cache_root, log)
    # One embedder per backend, loaded once and shared by every size.
    settings_for = {b: settings if hashing else settings.replace(embed_backend=b) for b in backends}
    embedders = {b: make_embedder(settings.indexing.model, settings_for[b].indexing.embed_backend) for b in backends}
    rows = []
    profile_text = None
    for n, corpus in enumerate(corpora):
        mine, text = bench_backends(corpus, settings_for, embedders, n_queries, cache_root=cache_root,
                                    allow_long_build=allow_long_build, run_first_answer=run_first_answer,
                                    profile=profile and n == len(corpora) - 1, log=log)
        profile_text = text or profile_text
        for row in mine:
            log(format_table([row]).splitlines()[-1])
        rows += mine
    results["machine"]["torch_threads"] = results["machine"]["torch_threads"] or machine_info(False)["torch_threads"]
    results["machine"]["load_average_end"] = load_average()
    results["rows"] = rows
    results["targets"] = evaluate_targets(rows, results["help_s"], default_backend=settings.indexing.embed_backend)
    results["profile"] = profile_text
    results["seconds"] = time.perf_counter() - started
    return results


# Report


COLUMNS = ("corpus", "backend", "chunks", "texts", "build s", "build texts/s", "bare texts/s", "ratio",
           "build × torch", "bare × torch", "search p50/p95 ms", "ask p50/p95 ms", "first answer s", "peak RSS MB",
           "disk MB", "FAISS", "recall@10 vs torch")


def _num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _cells(row: dict) -> list[str]:
    mode = row.get("build_mode") or ""
    mark = "" if mode == "built" else "†" if mode.startswith(("cached", "built (cached")) else ""
    faiss = row["faiss"] or "n/a"
    if row["recall_at_10"] is not None and row["recall_note"] != "exact":
        faiss += f" (recall@10 {row['recall_at_10']:.3f})"
    recall = row.get("recall_vs_torch")
    return [
        row["corpus"] + ("*" if mode.startswith("not measured") else ""),
        row.get("backend") or "n/a",
        f"{row['chunks']:,}",
        f"{row['texts']:,}" if row.get("texts") else "n/a",
        _num(row["build_s"]) + mark,
        _num(row.get("build_texts_per_s")) + mark,
        _num(row.get("bare_texts_per_s")),
        _num(row["ratio"], 2),
        _num(row.get("speedup_vs_torch"), 2),
        _num(row.get("bare_speedup_vs_torch"), 2),
        f"{_num(row['search_p50_ms'])} / {_num(row['search_p95_ms'])}",
        f"{_num(row['ask_p50_ms'])} / {_num(row['ask_p95_ms'])}",
        _num(row["first_answer_s"]),
        _num(row["peak_rss_mb"], 0),
        _num(row["disk_mb"]),
        faiss,
        "n/a" if recall is None else "1 (reference)" if row.get("recall_vs_torch_note") == "reference"
        else f"{recall:.3f}",
    ]


def format_table(rows: list[dict]) -> str:
    """The results as a markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def evaluate_targets(rows: list[dict], help_s: float | None, default_backend: str = "onnx") -> list[dict]:
    """Each target of the issues with its measured value and 'met', 'not met' or 'not measured'."""

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else "met" if ok else "not met"

    def name(row: dict) -> str:
        return f"{row['corpus']}/{row.get('backend') or '?'}"

    def near(lo: int, hi: int) -> list[dict]:
        return [r for r in rows if lo <= r["chunks"] <= hi and r["ask_p95_ms"] is not None]

    out = []
    for label, limit, (lo, hi) in (("ask p95 ≤ 100 ms at ~10k chunks", TARGET_ASK_P95_10K_MS, (5_000, 20_000)),
                                   ("ask p95 ≤ 250 ms at ~100k chunks", TARGET_ASK_P95_100K_MS, (50_000, 200_000))):
        chosen = near(lo, hi)
        value = ", ".join(f"{name(r)} {r['ask_p95_ms']:.0f} ms" for r in chosen) or "no corpus of that size"
        ok = all(r["ask_p95_ms"] <= limit for r in chosen) if chosen else None
        out.append({"target": label, "value": value, "status": verdict(ok)})
    built = [r for r in rows if r["ratio"] is not None and r.get("build_mode") == "built"]
    large = [r for r in built if r["chunks"] >= 1000] or built
    value = ", ".join(f"{name(r)} {r['ratio']:.2f}" for r in large) or "no build measured"
    if large and len(large) < len(built):
        value += " (corpora under 1,000 chunks left out: fixed costs dominate)"
    ok = all(r["ratio"] >= TARGET_BUILD_RATIO for r in large) if large else None
    out.append({"target": "build ≥ 90% of the bare encode loop", "value": value, "status": verdict(ok)})
    # The default backend against torch, on the largest corpus both built in this run.
    compared = [r for r in rows if r.get("backend") == default_backend and r.get("speedup_vs_torch") is not None]
    largest = max(compared, key=lambda r: r["chunks"], default=None)
    label = f"default backend ({default_backend}) builds ≥ 2× faster than torch"
    if largest is None or default_backend == REFERENCE_BACKEND:
        out.append({"target": label, "value": "no comparison in this run", "status": verdict(None)})
    else:
        bare = largest.get("bare_speedup_vs_torch")
        out.append({"target": label, "value": f"{name(largest)} {largest['speedup_vs_torch']:.2f}×"
                    + (f" (bare loop, interleaved with torch: {bare:.2f}×)" if bare is not None else ""),
                    "status": verdict(largest["speedup_vs_torch"] >= TARGET_SPEEDUP)})
    recalls = [r for r in rows if r.get("backend") == default_backend and r.get("recall_vs_torch") is not None]
    value = ", ".join(f"{name(r)} {r['recall_vs_torch']:.3f}" for r in recalls) or "no comparison in this run"
    ok = all(r["recall_vs_torch"] >= TARGET_RECALL_VS_TORCH for r in recalls) if recalls else None
    out.append({"target": f"default backend recall@10 vs torch ≥ {TARGET_RECALL_VS_TORCH}", "value": value,
                "status": verdict(ok)})
    out.append({"target": "--help < 1 s", "value": "n/a" if help_s is None else f"{help_s:.2f} s (best of 5)",
                "status": verdict(None if help_s is None else help_s < TARGET_HELP_S)})
    firsts = [r for r in rows if r["first_answer_s"] is not None]
    value = ", ".join(f"{name(r)} {r['first_answer_s']:.1f} s" for r in firsts) or "not run"
    ok = all(r["first_answer_s"] <= TARGET_FIRST_ANSWER_S for r in firsts) if firsts else None
    out.append({"target": "first answer after start ≤ 15 s", "value": value, "status": verdict(ok)})
    return out


def format_report(results: dict) -> str:
    """Machine, --help time, the table, notes, ask stage breakdown, targets and any profile, as markdown."""
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in (m.get("versions") or {}).items() if v)
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['ram_gb']} GB RAM, "
        f"torch threads {m['torch_threads'] if m['torch_threads'] is not None else 'n/a'}, ONNX Runtime threads "
        f"{m.get('onnxruntime_threads', 'n/a')}, Python {m['python']}" + (f" ({versions})" if versions else "")
        + f"; load average {m['load_average']} at start, {m.get('load_average_end', 'n/a')} at end",
        f"Model: {results['settings']['model']}; backends {', '.join(results.get('backends', []))}; chunking "
        f"{results['settings']['chunker']} {results['settings']['chunk_size']}/{results['settings']['chunk_overlap']}; "
        f"batch {results['settings']['embed_batch_size']}; ann_threshold {results['settings']['ann_threshold']:,}",
        f"tip-assistant --help: {_num(results['help_s'], 2)} s (best of {HELP_RUNS})",
        "",
        format_table(results["rows"]),
        "",
    ]
    for row in results["rows"]:
        bare = row.get("bare_texts")
        bare_note = "n/a" if bare is None else "all texts" if bare == row["texts"] else f"{bare:,} texts"
        lines.append(f"- {row['corpus']}/{row.get('backend')}: {row['narratives']} narratives, {row['words']:,} words; "
                     f"bare loop over {bare_note}; {row['queries']} questions; load average {row['load_average']}; "
                     f"build: {row['build_mode']}")
        if row.get("embed_s") and row.get("build_s"):
            lines.append(f"  build {row['build_s']:.1f} s of which embedding {row['embed_s']:.1f} s; "
                         f"{_num(row['build_chunks_per_s'])} chunks/s")
        if row.get("ask_1thread_p50_ms") is not None:
            lines.append(f"  ask p50/p95 ms with torch.set_num_threads(1): {row['ask_1thread_p50_ms']:.1f} / "
                         f"{row['ask_1thread_p95_ms']:.1f} (same questions, cold sentence cache)")
        stages = row.get("ask_stages_p50_ms") or {}
        if stages:
            lines.append("  ask stages p50 ms: " + ", ".join(f"{k.removesuffix('_ms')} {v:.1f}"
                                                             for k, v in stages.items()))
        kinds = row.get("ask_by_kind_p50_ms") or {}
        if kinds:
            lines.append("  ask p50 ms by kind: " + ", ".join(f"{k} {v:.1f}" for k, v in kinds.items()))
        phases = row.get("first_answer_phases_s") or {}
        if phases:
            lines.append("  first answer phases s: " + ", ".join(
                f"{k} {v:.2f}" for k, v in phases.items() if isinstance(v, float))
                + ("; torch imported" if phases.get("torch_imported") else "; torch not imported"))
        if row.get("recall_vs_torch_note") and row["recall_vs_torch_note"] != "reference":
            lines.append(f"  recall@10 vs torch: {row['recall_vs_torch_note']}")
        if row.get("recall_note") and row["recall_note"] != "exact":
            lines.append(f"  recall@10: {row['recall_note']}")
        lines += [f"  note: {note}" for note in row["notes"]]
    lines += ["", "| target | measured | status |", "|---|---|---|"]
    lines += [f"| {t['target']} | {t['value']} | {t['status']} |" for t in results["targets"]]
    if results.get("profile"):
        lines += ["", "```", results["profile"].rstrip(), "```"]
    lines.append(f"\nBenchmark wall time: {results['seconds'] / 60:.1f} min")
    return "\n".join(lines)


def run_cli(args: argparse.Namespace) -> int:
    """Entry point of ``tip-assistant bench`` and ``python -m bench``: run, print, optionally write JSON."""
    try:
        sizes = parse_sizes(getattr(args, "sizes", DEFAULT_SIZES) or DEFAULT_SIZES)
        backends = parse_backends(getattr(args, "backends", DEFAULT_BACKENDS) or DEFAULT_BACKENDS)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    queries = int(getattr(args, "queries", 40) or 40)
    if queries < 1:
        print("error: --queries must be at least 1", file=sys.stderr)
        return 2
    try:
        results = run_bench(
            sizes, queries,
            cache_root=getattr(args, "cache_dir", None),
            allow_long_build=bool(getattr(args, "full10x_build", False)),
            profile=bool(getattr(args, "profile", False)),
            backends=backends,
        )
    except (FileNotFoundError, synth.SynthError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(format_report(results), flush=True)
    out = getattr(args, "out", None)
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        print(f"results written to {out}")
    return 0
