"""The benchmark's synthetic corpus and a tiny end-to-end run (hashing embedder: no model, a few seconds)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from bench import synth
from bench.__main__ import build_parser
from bench.run import (
    QUESTION_KINDS,
    RESULTS_PATH,
    ROW_KEYS,
    Corpus,
    _approx_vectors,
    bare_plan,
    bench_corpus,
    evaluate_targets,
    format_report,
    make_questions,
    paired_bare_seconds,
    parse_backends,
    parse_sizes,
    recall_against,
    run_bench,
)
from index.countries import WORLD_COUNTRIES
from index.embed import HashingEmbedder
from index.parse import KNOWN_HEADINGS, load_paths, parse_text
from index.settings import Settings
from index.store import build_index, embedding_texts, sentence_table
from index.text import sentence_spans

HASHING = Settings.load({"model": "hashing-64"}, env={})
HEADER = re.compile(r"^([A-Z]+) \((Tier 1|Tier 2 Watch List|Tier 2|Tier 3)\) " + re.escape(synth.HEADER_SUFFIX) + "$")


@pytest.fixture(scope="module")
def pool(seed_path: Path, factbook_dir: Path) -> synth.SourcePool:
    return synth.load_pool([seed_path, factbook_dir])


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory, pool: synth.SourcePool) -> synth.CorpusInfo:
    return synth.write_corpus(tmp_path_factory.mktemp("synth"), narratives=6, words=6 * 1500, seed=11, pool=pool)


def test_generator_is_deterministic(tmp_path: Path, pool: synth.SourcePool, small_corpus: synth.CorpusInfo) -> None:
    again = synth.write_corpus(tmp_path / "again", narratives=6, words=6 * 1500, seed=11, pool=pool)
    assert [p.name for p in again.files] == [p.name for p in small_corpus.files]
    for first, second in zip(small_corpus.files, again.files, strict=True):
        assert first.read_bytes() == second.read_bytes()
    other = synth.write_corpus(tmp_path / "other", narratives=6, words=6 * 1500, seed=12, pool=pool)
    assert [p.read_bytes() for p in other.files] != [p.read_bytes() for p in small_corpus.files]


def test_generator_writes_the_requested_narratives_with_parseable_headers(small_corpus: synth.CorpusInfo) -> None:
    assert len(small_corpus.files) == 6 == small_corpus.narratives
    loaded = load_paths([small_corpus.folder])
    assert not loaded.skipped and not loaded.ignored
    assert len(loaded.documents) == 6
    world = {c.lower() for c in WORLD_COUNTRIES}
    for path, name in zip(small_corpus.files, small_corpus.countries, strict=True):
        header = path.read_text(encoding="utf-8").splitlines()[0]
        match = HEADER.match(header)
        assert match, header
        (doc,) = parse_text(path.read_text(encoding="utf-8"), str(path), stem=path.stem)
        assert doc.country == name and name.lower() not in world
        assert doc.tier == match.group(2)
        assert [s.title for s in doc.sections] == ["Summary", "Prioritized Recommendations", "Prosecution",
                                                   "Protection", "Prevention", "Trafficking Profile"]
    assert sum(small_corpus.tiers.values()) == 6
    # About the requested length (each narrative is drawn within ±50% of the mean).
    assert 0.5 * 6 * 1500 < small_corpus.words < 1.6 * 6 * 1500


def test_generated_clauses_are_verbatim_source_text(small_corpus: synth.CorpusInfo, seed_path: Path,
                                                    factbook_dir: Path) -> None:
    sources = [d for d in load_paths([seed_path, factbook_dir]).documents if d.tier]
    checked = 0
    for path, name in zip(small_corpus.files, small_corpus.countries, strict=True):
        text = path.read_text(encoding="utf-8")
        body = text.split("\n\n", 1)[1]
        for start, end in sentence_spans(body):
            sentence = body[start:end]
            if sentence in KNOWN_HEADINGS:
                continue
            for clause in re.split(r";\s+", sentence):
                candidates = (clause, clause.removesuffix("."))  # a sentence may end with an added period
                assert any(c.replace(name, src.country) in src.text for c in candidates for src in sources), clause
                checked += 1
    assert checked > 100
    # The tier is stated by the verbatim opening summary of a source narrative of the same tier.
    doc = load_paths([small_corpus.files[0]]).documents[0]
    assert re.search(re.escape(doc.tier) + r"\b", doc.text[doc.sections[0].start : doc.sections[0].end])


def test_invented_names_are_distinct_and_never_prefixes(pool: synth.SourcePool) -> None:
    import random

    names = synth.invent_names(300, random.Random(1), avoid=pool.vocabulary)
    lowered = [n.lower() for n in names]
    assert len(set(lowered)) == 300
    assert not any(a != b and b.startswith(a) for a in lowered for b in lowered)
    assert not set(lowered) & {c.lower() for c in WORLD_COUNTRIES}
    assert not set(lowered) & pool.vocabulary


def test_ensure_corpus_caches_by_key(tmp_path: Path, pool: synth.SourcePool) -> None:
    spec = synth.SizeSpec("tiny", 3, 60)
    first = synth.ensure_corpus(spec, tmp_path, pool=pool)
    again = synth.ensure_corpus(spec, tmp_path, pool=pool)
    assert first.folder == again.folder and len(again.files) == 3 and again.countries == first.countries
    assert [p.name for p in tmp_path.iterdir()] == [first.folder.name]


def test_questions_cover_every_kind_and_are_deterministic() -> None:
    questions = make_questions(["Valdoria", "Keshtan", "Brenmark"], ["Tier 3", "Tier 1"], 20, seed=3)
    assert len(questions) == 20
    assert {kind for kind, _ in questions} == set(QUESTION_KINDS)
    assert questions == make_questions(["Keshtan", "Valdoria", "Brenmark"], ["Tier 1", "Tier 3"], 20, seed=3)
    assert all("{" not in q for _, q in questions)


def test_parse_sizes_and_module_options() -> None:
    assert parse_sizes("seed, full,seed") == ["seed", "full"]
    with pytest.raises(ValueError, match="unknown size"):
        parse_sizes("seed,huge")
    assert parse_backends("onnx,torch") == ["torch", "onnx"]  # the reference first
    assert parse_backends("onnx") == ["onnx"]
    with pytest.raises(ValueError, match="unknown backend"):
        parse_backends("onnx,int8")
    args = build_parser().parse_args(["--sizes", "seed", "--out", "--queries", "5", "--backends", "onnx"])
    assert args.out == RESULTS_PATH and args.queries == 5 and args.backends == "onnx"
    assert build_parser().parse_args([]).out is None
    assert parse_backends("openvino,torch") == ["torch", "openvino"]
    # openvino, an optional dependency, is measured by default where it is installed.
    assert build_parser().parse_args([]).backends in ("torch,onnx", "torch,onnx,openvino")


class _Recording(HashingEmbedder):
    """A hashing embedder that remembers every call: which texts, in which order, with which batch size."""

    def __init__(self) -> None:
        super().__init__("hashing-64")
        self.calls: list[tuple[list[str], int]] = []

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        self.calls.append((list(texts), batch_size))
        return super().encode(texts, batch_size)


def test_bare_loop_replays_exactly_the_builds_encoder_calls(tmp_path: Path, seed_path: Path,
                                                            factbook_dir: Path) -> None:
    from index.chunk import chunk_documents

    settings = HASHING.replace(embed_batch_size=16)
    loaded = load_paths([seed_path, factbook_dir])
    chunks = chunk_documents(loaded.documents, settings.indexing.chunker, settings.indexing.chunk_size,
                             settings.indexing.chunk_overlap)
    texts = embedding_texts(loaded.documents, chunks, sentence_table(loaded.documents))
    recording = _Recording()
    build_index([seed_path, factbook_dir], tmp_path / "index", settings, embedder=recording, loaded=loaded)
    before, after = bare_plan(texts, settings.indexing.embed_batch_size)
    assert sorted(len(p) for p in before + after) == sorted(len(t) for t, _ in recording.calls)
    # Together the halves are the build's calls, each once.
    assert sorted(tuple(texts[i] for i in part) for part in before + after) == \
        sorted(tuple(t) for t, _ in recording.calls)
    assert {b for _, b in recording.calls} == {16} and len(texts) == sum(len(t) for t, _ in recording.calls)
    # Both halves hold short and long texts: every other call in length order.
    lengths = [sorted(len(texts[i]) for p in half for i in p) for half in (before, after)]
    assert lengths[0][0] < 100 and lengths[1][0] < 100 and lengths[0][-1] > 500 and lengths[1][-1] > 500
    # Above the limit: every n-th pair of calls, never much more than the limit.
    few_before, few_after = bare_plan(texts, 16, limit=500)
    sampled = few_before + few_after
    assert 0 < sum(len(p) for p in sampled) <= 500 + 2 * 64 and all(p in before + after for p in sampled)
    assert few_before and few_after


def test_build_spreads_text_lengths_over_its_calls() -> None:
    from index.store import encoding_parts

    texts = [f"{'word ' * (n % 97)}{n}" for n in range(3000)]
    parts = encoding_parts(texts, 64)
    assert sorted(i for p in parts for i in p) == list(range(3000)) and all(len(p) <= 256 for p in parts)
    # Each call's texts are of similar length (little padding).
    assert all(max(len(texts[i]) for i in p) - min(len(texts[i]) for i in p) < 150 for p in parts)
    # Every stretch of calls from the start holds about the average length: the rate holds steady.
    mean = np.mean([len(t) for t in texts])
    for calls in (1, 3, 4, 6, 8):
        done = [len(texts[i]) for p in parts[:calls] for i in p]
        assert 0.8 < np.mean(done) / mean < 1.2, calls


def test_recall_against_the_reference_counts_ties_as_found() -> None:
    scores = np.array([[0.9, 0.8, 0.8, 0.1, 0.0], [0.1, 0.2, 0.3, 0.4, 0.5]])
    top = np.argsort(-scores, axis=1, kind="stable")[:, :2]
    assert recall_against((scores, top), (scores, top)) == 1.0
    # Question 0: chunk 2 ties chunk 1 for second place, so returning it is no loss; question 1 misses one.
    other = np.array([[0, 2], [4, 0]])
    assert recall_against((scores, top), (scores, other)) == 0.75


def test_tiny_bench_run_on_the_seed_has_every_key(tmp_path: Path) -> None:
    results = run_bench(["seed"], n_queries=5, settings=HASHING, cache_root=tmp_path, help_runs=0,
                        log=lambda _: None)
    (row,) = results["rows"]
    assert set(row) == set(ROW_KEYS)
    assert row["corpus"] == "seed" and row["backend"] == "hashing" and row["narratives"] == 1 and row["chunks"] > 5
    assert row["build_mode"] == "built" and row["build_s"] > 0 and row["bare_texts_per_s"] > 0
    assert row["bare_texts"] == row["texts"] > row["chunks"]  # every text the build embeds, no sample
    for key in ("search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms", "first_answer_s", "peak_rss_mb",
                "disk_mb", "ratio", "build_texts_per_s"):
        assert isinstance(row[key], float) and row[key] > 0, key
    assert row["search_p50_ms"] <= row["search_p95_ms"] and row["ask_p50_ms"] <= row["ask_p95_ms"]
    assert row["faiss"] == "flat-ip" and row["recall_at_10"] == 1.0 and row["recall_note"] == "exact"
    assert row["recall_vs_torch"] is None and row["speedup_vs_torch"] is None  # no torch row to compare with
    assert row["queries"] == 5 and "total_ms" in row["ask_stages_p50_ms"]
    assert row["first_answer_phases_s"]["torch_imported"] is False
    report = format_report(results)
    assert ("| corpus | backend | chunks | texts | build s | build texts/s | bare texts/s | ratio | build × torch | "
            "bare × torch |" in report)
    assert "| seed | hashing |" in report
    statuses = {t["target"]: t["status"] for t in results["targets"]}
    assert statuses["--help < 1 s"] == "not measured"
    assert statuses["ask p95 ≤ 100 ms at ~10k chunks"] == "not measured"


class _StandIn(HashingEmbedder):
    """A model-free stand-in for a backend: the same vectors whatever the backend."""

    def __init__(self, backend: str) -> None:
        super().__init__("hashing-64")
        self.name = "stand-in-model"
        self.backend = backend


def test_one_row_per_backend_compared_with_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.embed

    monkeypatch.setattr(index.embed, "make_embedder", lambda model, backend: _StandIn(backend))
    settings = Settings.load({"model": "stand-in-model"}, env={})
    results = run_bench(["seed"], n_queries=5, settings=settings, cache_root=tmp_path, help_runs=0,
                        run_first_answer=False, log=lambda _: None, backends=["openvino", "torch"])
    torch_row, default_row = results["rows"]
    assert (torch_row["backend"], default_row["backend"]) == ("torch", "openvino")
    assert results["backends"] == ["torch", "openvino"]
    assert torch_row["recall_vs_torch"] == 1.0 and torch_row["recall_vs_torch_note"] == "reference"
    assert default_row["recall_vs_torch"] == 1.0 and "200 questions" in default_row["recall_vs_torch_note"]
    assert torch_row["speedup_vs_torch"] == torch_row["bare_speedup_vs_torch"] == 1.0
    assert default_row["speedup_vs_torch"] == default_row["build_texts_per_s"] / torch_row["build_texts_per_s"]
    assert default_row["bare_speedup_vs_torch"] == default_row["bare_texts_per_s"] / torch_row["bare_texts_per_s"]
    assert default_row["texts"] == torch_row["texts"] == default_row["bare_texts"]
    statuses = {t["target"]: t for t in results["targets"]}
    speed = statuses["default backend (openvino) builds ≥ 2× faster than torch"]
    assert speed["value"].startswith("seed/openvino ") and speed["status"] in ("met", "not met")
    assert statuses["default backend recall@10 vs torch ≥ 0.99"]["status"] == "met"
    report = format_report(results)
    assert "| seed | torch |" in report and "| seed | openvino |" in report and "1 (reference)" in report
    assert "(bare loop, interleaved with torch: " in speed["value"]


def test_paired_bare_loop_interleaves_the_backends_call_by_call() -> None:
    log: list[tuple[str, int]] = []

    class Logged(HashingEmbedder):
        def __init__(self, backend: str) -> None:
            super().__init__("hashing-16")
            self.backend = backend

        def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
            log.append((self.backend, len(texts)))
            return super().encode(texts, batch_size)

    texts = [f"text number {i}" for i in range(10)]
    parts = [[0, 1, 2], [3, 4], [5, 6, 7], [8, 9]]
    seconds = paired_bare_seconds({"torch": Logged("torch"), "onnx": Logged("onnx")}, texts, parts, 2)
    assert set(seconds) == {"torch", "onnx"} and all(s > 0 for s in seconds.values())
    # Each call with both backends back to back, the first of the pair alternating.
    assert log == [("torch", 3), ("onnx", 3), ("onnx", 2), ("torch", 2), ("torch", 3), ("onnx", 3), ("onnx", 2),
                   ("torch", 2)]


def test_hnsw_index_reports_recall(seed_path: Path, factbook_dir: Path) -> None:
    settings = HASHING.replace(ann_threshold=50)
    corpus = Corpus("factbook", [seed_path, factbook_dir])
    row, profile = bench_corpus(corpus, settings, 5, run_first_answer=False, profile=True, log=lambda _: None)
    assert row["faiss"].startswith("hnsw")
    assert 0.0 <= row["recall_at_10"] <= 1.0 and "vs exact" in row["recall_note"]
    assert profile and "cumulative" in profile
    assert row["peak_rss_mb"] == row["bench_peak_rss_mb"]


def test_approximate_vectors_are_normalised(seed_path: Path) -> None:
    from index.chunk import chunk_documents
    from index.embed import make_embedder

    chunks = chunk_documents(load_paths([seed_path]).documents)
    vectors, distinct = _approx_vectors([(c.text, c.country) for c in chunks], make_embedder("hashing-64"), 64)
    assert vectors.shape == (len(chunks), 64) and distinct >= len(chunks)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_targets_are_marked() -> None:
    torch_row, onnx_row = dict.fromkeys(ROW_KEYS), dict.fromkeys(ROW_KEYS)
    torch_row.update(corpus="full", backend="torch", chunks=10_000, ask_p95_ms=120.0, ratio=0.95, build_mode="built",
                     first_answer_s=3.0, speedup_vs_torch=1.0, recall_vs_torch=1.0)
    onnx_row.update(torch_row, backend="onnx", ask_p95_ms=40.0, speedup_vs_torch=1.3, recall_vs_torch=0.999,
                    bare_speedup_vs_torch=1.25)
    targets = {t["target"]: t for t in evaluate_targets([torch_row, onnx_row], 0.4, default_backend="onnx")}
    assert {k: t["status"] for k, t in targets.items()} == {
        "ask p95 ≤ 100 ms at ~10k chunks": "not met",
        "ask p95 ≤ 250 ms at ~100k chunks": "not measured",
        "build ≥ 90% of the bare encode loop": "met",
        "default backend (onnx) builds ≥ 2× faster than torch": "not met",
        "default backend recall@10 vs torch ≥ 0.99": "met",
        "--help < 1 s": "met",
        "first answer after start ≤ 15 s": "met",
    }
    assert targets["default backend (onnx) builds ≥ 2× faster than torch"]["value"] == \
        "full/onnx 1.30× (bare loop, interleaved with torch: 1.25×)"
    onnx_row.update(speedup_vs_torch=2.1, recall_vs_torch=0.95)
    targets = {t["target"]: t["status"] for t in evaluate_targets([torch_row, onnx_row], 0.4)}
    assert targets["default backend (onnx) builds ≥ 2× faster than torch"] == "met"
    assert targets["default backend recall@10 vs torch ≥ 0.99"] == "not met"


def test_int8_variants_quantize_only_the_chosen_weights(tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from bench.int8 import quantize

    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.normal(size=(8, 8)).astype(np.float32), f"w{i}") for i in range(2)]
    nodes = [helper.make_node("MatMul", ["x", "w0"], ["h"], name="/layer.0/attention/self/query/MatMul"),
             helper.make_node("MatMul", ["h", "w1"], ["y"], name="/layer.0/output/dense/MatMul")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 8])], weights)
    source = tmp_path / "model.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(source))
    for include, quantized in ((r"self/query", 1), (r".", 2)):
        target = tmp_path / f"q-{quantized}.onnx"
        quantize(source, target, per_channel=True, include=include)
        kinds = [n.op_type for n in onnx.load(str(target)).graph.node]
        assert kinds.count("MatMulInteger") == quantized and kinds.count("MatMul") == 2 - quantized, kinds
