"""Benchmark build, search and ask at several corpus sizes, and print what was measured.

Sizes: ``seed`` (the bundled narrative), ``factbook`` (seed + the 51 factbook narratives beside the
repository), ``full`` (a generated corpus of about 190 narratives and 10,000 chunks, see bench.synth) and
``full10x`` (ten times that). For each size the benchmark builds an index and reports, next to the
build rate, the rate of the same model encoding the same chunk texts in one bare loop; then warm
latencies of ``TipIndex.search`` and ``Assistant.ask``, the wall time of a fresh process from start to
its first answer, that process's peak memory, the index size on disk and, for an HNSW index, its
recall@10 against exact search.

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
# The bare loop encodes at most this many of the corpus's chunk texts (a fixed random sample): enough
# for a steady rate, and it keeps the default run within its time budget on two cores.
BARE_MAX_CHUNKS = 1024
BARE_BATCH_SIZE = 64
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

ROW_KEYS = (
    "corpus", "texts", "narratives", "chunks", "target_chunks", "words", "build_mode", "build_s",
    "build_chunks_per_s",
    "embed_s", "bare_chunks_per_s", "bare_chunks", "ratio", "search_p50_ms", "search_p95_ms", "ask_p50_ms",
    "ask_p95_ms", "ask_1thread_p50_ms", "ask_1thread_p95_ms", "ask_stages_p50_ms", "ask_by_kind_p50_ms", "queries",
    "first_answer_s", "first_answer_phases_s", "peak_rss_mb", "bench_peak_rss_mb", "disk_mb", "faiss",
    "recall_at_10", "recall_note", "load_average", "notes",
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
bot = Assistant.load(Path(sys.argv[2]), Settings.load({"model": sys.argv[3]}, env={}))
loaded = time.time()
reply = bot.ask(sys.argv[4])
answered = time.time()
# VmHWM, not ru_maxrss: after fork+exec, ru_maxrss also counts the parent's memory at the fork.
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
rss_kb = int(status["VmHWM"].split()[0]) if "VmHWM" in status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"interpreter": started - spawned, "imports": imported - started, "load": loaded - imported,
                  "ask": answered - loaded, "refused": reply.refused, "rss_kb": rss_kb}), flush=True)
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
    """CPU model, cores, RAM and torch threads (torch is imported only when ``torch_threads``)."""
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
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable, "ram_gb": ram_gb, "torch_threads": threads,
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


def first_answer(index_dir: Path, model: str, question: str) -> dict:
    """Wall time from spawning a fresh interpreter to its first answer from ``index_dir``, with its phases."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIP_ASSISTANT_")}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _FIRST_ANSWER_CODE, repr(time.time()), str(index_dir), model, question],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(synth.REPO_ROOT),
    )
    line = proc.stdout.readline() if proc.stdout else ""
    seconds = time.perf_counter() - started
    _, err = proc.communicate()
    if proc.returncode != 0 or not line.strip():
        raise RuntimeError(f"first-answer process failed ({proc.returncode}): {err.strip()[-800:]}")
    data = json.loads(line)
    return {"seconds": seconds, "rss_mb": data.pop("rss_kb") / 1024, "phases": data}


def bare_seconds(embedder, texts: list[str]) -> float:
    """Seconds the model itself takes to encode ``texts`` in one loop (batch size 64): for a
    sentence-transformers embedder, ``model.encode`` on the SentenceTransformer directly."""
    model = embedder._load() if hasattr(embedder, "_load") else None  # the SentenceTransformer, already loaded
    started = time.perf_counter()
    if model is not None:
        model.encode(texts, batch_size=BARE_BATCH_SIZE)
    else:
        embedder.encode(texts, batch_size=BARE_BATCH_SIZE)
    return time.perf_counter() - started


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
    """Build (or reuse) the index of ``corpus`` and measure it; returns (row, profile text or None)."""
    from assistant.core import Assistant
    from index.chunk import chunk_documents
    from index.embed import make_embedder
    from index.parse import load_paths
    from index.store import IndexStoreError, build_index, read_manifest, sentence_table

    row: dict = dict.fromkeys(ROW_KEYS)
    row.update(corpus=corpus.name, target_chunks=corpus.target_chunks, notes=[], load_average=load_average())
    started = time.perf_counter()
    loaded = load_paths(corpus.paths)
    chunks = chunk_documents(loaded.documents, settings.indexing.chunker, settings.indexing.chunk_size,
                             settings.indexing.chunk_overlap)
    # The build embeds every distinct chunk and sentence text (the sentence store): the bare loop samples
    # the same texts, so the ratio compares like with like.
    documents = {d.doc_id: d for d in loaded.documents}
    texts = list(dict.fromkeys([c.text for c in chunks]
                               + [documents[d].text[a:b] for d, a, b in sentence_table(loaded.documents)]))
    row.update(narratives=len(loaded.documents), chunks=len(chunks), texts=len(texts),
               words=sum(len(d.text.split()) for d in loaded.documents))
    log(f"[{corpus.name}] {row['narratives']} narratives, {row['words']:,} words, {len(chunks):,} chunks "
        f"(parsed and chunked in {time.perf_counter() - started:.1f} s)")
    if corpus.target_chunks:
        off = len(chunks) / corpus.target_chunks - 1
        log(f"[{corpus.name}] chunk count {len(chunks):,} vs target {corpus.target_chunks:,} ({off:+.1%})")
        if abs(off) > 0.15:
            row["notes"].append(f"chunk count {len(chunks):,} is {off:+.0%} off the target {corpus.target_chunks:,}")

    embedder = embedder or make_embedder(settings.indexing.model)
    embedder.encode(["warm up the model"], batch_size=1)  # load it before any timing
    # The bare loop runs in two halves, before and after the build, so that both see the machine's load
    # over the same stretch of time; the first half's rate gives the build-time estimate.
    sample = texts if len(texts) <= BARE_MAX_CHUNKS else random.Random(7).sample(texts, BARE_MAX_CHUNKS)
    halves = [sample[: len(sample) // 2], sample[len(sample) // 2 :]] if len(sample) > 1 else [sample, []]
    log(f"[{corpus.name}] bare loop: model.encode over {len(halves[0]):,} of {len(sample):,} sampled texts "
        f"(of {len(texts):,} chunk and sentence texts) ...")
    bare_s = bare_seconds(embedder, halves[0])
    row["bare_chunks"] = len(sample)
    estimate = len(texts) * bare_s / max(len(halves[0]), 1)
    log(f"[{corpus.name}] bare {len(halves[0]) / bare_s:.1f} texts/s; embedding all texts ≈ {estimate / 60:.1f} min")

    workdir = Path(tempfile.mkdtemp(prefix=f"tip-bench-{corpus.name}-"))
    try:
        index_dir = workdir / "index"
        cached = None
        if cache_root is not None and corpus.generated is not None and corpus.cache_index:
            cached = _cached_index(corpus, settings, cache_root, estimate, allow_long_build, loaded, chunks,
                                   embedder, row, log)
        if cached is not None:
            index_dir = cached
        else:
            log(f"[{corpus.name}] building index (est. {estimate / 60:.1f} min) ...")
            report = build_index(corpus.paths, index_dir, settings, embedder=embedder)
            row.update(build_mode="built", build_s=report.seconds, embed_s=report.embed_seconds,
                       build_chunks_per_s=report.chunks / report.seconds)
            log(f"[{corpus.name}] built in {report.seconds:.1f} s ({row['build_chunks_per_s']:.1f} chunks/s)")
        if halves[1]:
            log(f"[{corpus.name}] bare loop: the other {len(halves[1]):,} sampled texts ...")
            bare_s += bare_seconds(embedder, halves[1])
        row["bare_chunks_per_s"] = len(sample) / bare_s
        if row["build_chunks_per_s"] and row["bare_chunks_per_s"]:
            build_texts_per_s = row["build_chunks_per_s"] * len(texts) / len(chunks)
            row["ratio"] = build_texts_per_s / row["bare_chunks_per_s"]
        try:
            manifest = read_manifest(index_dir)
        except IndexStoreError as exc:
            raise RuntimeError(f"benchmark index at {index_dir} is unreadable: {exc}") from exc
        row["faiss"] = manifest["faiss"]
        row["disk_mb"] = directory_mb(index_dir)

        countries = sorted({d.country for d in loaded.documents})
        tiers = [d.tier for d in loaded.documents if d.tier]
        questions = make_questions(countries, tiers, n_queries, seed=len(chunks))
        if run_first_answer:
            log(f"[{corpus.name}] first answer from a fresh process ...")
            # A question answered from retrieved passages, so the embedding model loads before the answer.
            first = first_answer(index_dir, settings.indexing.model,
                                 f"How does {countries[0]} protect trafficking victims?")
            row.update(first_answer_s=first["seconds"], first_answer_phases_s=first["phases"],
                       peak_rss_mb=first["rss_mb"])

        bot = Assistant.load(index_dir, settings, embedder=embedder)
        bot.warm_up()
        for _, question in make_questions(countries, tiers, WARMUP_QUESTIONS, seed=-1):
            bot.ask(question)
        search_ms, ask_ms = [], []
        stages: dict[str, list[float]] = {}
        by_kind: dict[str, list[float]] = {}
        log(f"[{corpus.name}] timing {len(questions)} questions ...")
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
        profile_text = _profile(bot, countries, tiers, n_queries) if profile else None
        row["bench_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if row["peak_rss_mb"] is None:
            row["peak_rss_mb"] = row["bench_peak_rss_mb"]
            row["notes"].append("peak RSS is the benchmark process's (no first-answer process)")
        del bot
        gc.collect()
        return row, profile_text
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _one_thread_asks(bot, questions: list[tuple[str, str]]) -> dict:
    """Ask latency with torch limited to one thread (a fresh answerer, so its sentence-vector cache is cold).

    On a busy machine, torch's OpenMP threads can wait on each other for tens of milliseconds per forward
    pass; this pass shows how much of the ask latency that costs. Empty unless torch runs with >1 thread.
    """
    torch = sys.modules.get("torch")
    if torch is None or torch.get_num_threads() < 2 or bot.settings.indexing.model.startswith("hashing"):
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
    from index.store import IndexStoreError, build_index, read_manifest, sentence_table, write_index

    assert corpus.generated is not None
    model_slug = re.sub(r"[^A-Za-z0-9.]+", "-", settings.indexing.model).strip("-").lower()
    indexing = settings.indexing
    base = f"index-{corpus.generated.folder.name}-{model_slug}-{indexing.chunker}{indexing.chunk_size}-" \
           f"{indexing.chunk_overlap}"
    real, approx = cache_root / base, cache_root / f"{base}-approx"

    def usable(folder: Path) -> dict | None:
        try:
            manifest = read_manifest(folder)
            meta = json.loads((folder / "bench-meta.json").read_text(encoding="utf-8"))
        except (IndexStoreError, OSError, ValueError):
            return None
        if manifest.get("chunks") != len(chunks) or manifest.get("model") != embedder.name:
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
) -> dict:
    """Benchmark every size; returns the results (machine, --help time, rows, targets, profile)."""
    settings = settings or Settings.load(env={})
    cache_root = Path(cache_root) if cache_root else data_home() / "bench"
    started = time.perf_counter()
    hashing = settings.indexing.model.startswith("hashing")
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "settings": settings.to_dict(),
                     "machine": machine_info(torch_threads=not hashing)}
    results["help_s"] = help_seconds(help_runs) if help_runs > 0 else None
    corpora = corpora_for(sizes, cache_root, log)
    from index.embed import make_embedder

    embedder = make_embedder(settings.indexing.model)  # loaded once, shared by every size
    rows = []
    profile_text = None
    for n, corpus in enumerate(corpora):
        last = n == len(corpora) - 1
        row, text = bench_corpus(corpus, settings, n_queries, embedder=embedder, cache_root=cache_root,
                                 allow_long_build=allow_long_build, run_first_answer=run_first_answer,
                                 profile=profile and last, log=log)
        rows.append(row)
        profile_text = text or profile_text
        log(format_table([row]).splitlines()[-1])
    results["machine"]["torch_threads"] = results["machine"]["torch_threads"] or machine_info(False)["torch_threads"]
    results["machine"]["load_average_end"] = load_average()
    results["rows"] = rows
    results["targets"] = evaluate_targets(rows, results["help_s"])
    results["profile"] = profile_text
    results["seconds"] = time.perf_counter() - started
    return results


# Report


COLUMNS = ("corpus", "narratives", "chunks", "texts", "build s", "chunks/s", "bare texts/s", "ratio",
           "search p50/p95 ms",
           "ask p50/p95 ms", "first answer s", "peak RSS MB", "disk MB", "FAISS", "recall@10")


def _num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _cells(row: dict) -> list[str]:
    mode = row.get("build_mode") or ""
    mark = "" if mode == "built" else "†" if mode.startswith(("cached", "built (cached")) else ""
    recall = "n/a" if row["recall_at_10"] is None else (
        "1.0 (exact)" if row["recall_note"] == "exact" else f"{row['recall_at_10']:.3f}")
    return [
        row["corpus"] + ("*" if mode.startswith("not measured") else ""),
        str(row["narratives"]),
        f"{row['chunks']:,}",
        f"{row['texts']:,}" if row.get("texts") else "n/a",
        _num(row["build_s"]) + mark,
        _num(row["build_chunks_per_s"]) + mark,
        _num(row["bare_chunks_per_s"]),
        _num(row["ratio"], 2),
        f"{_num(row['search_p50_ms'])} / {_num(row['search_p95_ms'])}",
        f"{_num(row['ask_p50_ms'])} / {_num(row['ask_p95_ms'])}",
        _num(row["first_answer_s"]),
        _num(row["peak_rss_mb"], 0),
        _num(row["disk_mb"]),
        row["faiss"] or "n/a",
        recall,
    ]


def format_table(rows: list[dict]) -> str:
    """The results as a markdown table."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def evaluate_targets(rows: list[dict], help_s: float | None) -> list[dict]:
    """Each target of the issue with its measured value and 'met', 'not met' or 'not measured'."""

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else "met" if ok else "not met"

    def near(lo: int, hi: int) -> list[dict]:
        return [r for r in rows if lo <= r["chunks"] <= hi and r["ask_p95_ms"] is not None]

    out = []
    for label, limit, (lo, hi) in (("ask p95 ≤ 100 ms at ~10k chunks", TARGET_ASK_P95_10K_MS, (5_000, 20_000)),
                                   ("ask p95 ≤ 250 ms at ~100k chunks", TARGET_ASK_P95_100K_MS, (50_000, 200_000))):
        chosen = near(lo, hi)
        value = ", ".join(f"{r['corpus']} {r['ask_p95_ms']:.0f} ms" for r in chosen) or "no corpus of that size"
        ok = all(r["ask_p95_ms"] <= limit for r in chosen) if chosen else None
        out.append({"target": label, "value": value, "status": verdict(ok)})
    built = [r for r in rows if r["ratio"] is not None and r.get("build_mode") == "built"]
    large = [r for r in built if r["chunks"] >= 1000] or built
    value = ", ".join(f"{r['corpus']} {r['ratio']:.2f}" for r in large) or "no build measured"
    if large and len(large) < len(built):
        value += " (corpora under 1,000 chunks left out: fixed costs dominate)"
    ok = all(r["ratio"] >= TARGET_BUILD_RATIO for r in large) if large else None
    out.append({"target": "build ≥ 90% of the bare encode loop", "value": value, "status": verdict(ok)})
    out.append({"target": "--help < 1 s", "value": "n/a" if help_s is None else f"{help_s:.2f} s (best of 5)",
                "status": verdict(None if help_s is None else help_s < TARGET_HELP_S)})
    firsts = [r for r in rows if r["first_answer_s"] is not None]
    value = ", ".join(f"{r['corpus']} {r['first_answer_s']:.1f} s" for r in firsts) or "not run"
    ok = all(r["first_answer_s"] <= TARGET_FIRST_ANSWER_S for r in firsts) if firsts else None
    out.append({"target": "first answer after start ≤ 15 s", "value": value, "status": verdict(ok)})
    return out


def format_report(results: dict) -> str:
    """Machine, --help time, the table, notes, ask stage breakdown, targets and any profile, as markdown."""
    m = results["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['ram_gb']} GB RAM, "
        f"torch threads {m['torch_threads'] if m['torch_threads'] is not None else 'n/a'}, Python {m['python']}; "
        f"load average {m['load_average']} at start, {m.get('load_average_end', 'n/a')} at end",
        f"Model: {results['settings']['model']}; chunking {results['settings']['chunker']} "
        f"{results['settings']['chunk_size']}/{results['settings']['chunk_overlap']}; "
        f"ann_threshold {results['settings']['ann_threshold']:,}",
        f"tip-assistant --help: {_num(results['help_s'], 2)} s (best of {HELP_RUNS})",
        "",
        format_table(results["rows"]),
        "",
    ]
    for row in results["rows"]:
        bare_note = "all chunks" if row["bare_chunks"] == row["chunks"] else f"a sample of {row['bare_chunks']:,}"
        lines.append(f"- {row['corpus']}: {row['words']:,} words; bare loop over {bare_note}; "
                     f"{row['queries']} questions; load average {row['load_average']}; build: {row['build_mode']}")
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
                f"{k} {v:.2f}" for k, v in phases.items() if isinstance(v, float)))
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
