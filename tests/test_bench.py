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
    bench_corpus,
    evaluate_targets,
    format_report,
    make_questions,
    parse_sizes,
    run_bench,
)
from index.countries import WORLD_COUNTRIES
from index.parse import KNOWN_HEADINGS, load_paths, parse_text
from index.settings import Settings
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
    args = build_parser().parse_args(["--sizes", "seed", "--out", "--queries", "5"])
    assert args.out == RESULTS_PATH and args.queries == 5
    assert build_parser().parse_args([]).out is None


def test_tiny_bench_run_on_the_seed_has_every_key(tmp_path: Path) -> None:
    results = run_bench(["seed"], n_queries=5, settings=HASHING, cache_root=tmp_path, help_runs=0,
                        log=lambda _: None)
    (row,) = results["rows"]
    assert set(row) == set(ROW_KEYS)
    assert row["corpus"] == "seed" and row["narratives"] == 1 and row["chunks"] > 5
    assert row["build_mode"] == "built" and row["build_s"] > 0 and row["bare_chunks_per_s"] > 0
    for key in ("search_p50_ms", "search_p95_ms", "ask_p50_ms", "ask_p95_ms", "first_answer_s", "peak_rss_mb",
                "disk_mb", "ratio"):
        assert isinstance(row[key], float) and row[key] > 0, key
    assert row["search_p50_ms"] <= row["search_p95_ms"] and row["ask_p50_ms"] <= row["ask_p95_ms"]
    assert row["faiss"] == "flat-ip" and row["recall_at_10"] == 1.0 and row["recall_note"] == "exact"
    assert row["queries"] == 5 and "total_ms" in row["ask_stages_p50_ms"]
    report = format_report(results)
    assert "| corpus | narratives | chunks | texts | build s | chunks/s | bare texts/s | ratio |" in report
    assert "| seed | 1 |" in report
    statuses = {t["target"]: t["status"] for t in results["targets"]}
    assert statuses["--help < 1 s"] == "not measured"
    assert statuses["ask p95 ≤ 100 ms at ~10k chunks"] == "not measured"


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
    row = dict.fromkeys(ROW_KEYS)
    row.update(corpus="full", chunks=10_000, ask_p95_ms=120.0, ratio=0.95, build_mode="built", first_answer_s=3.0)
    targets = {t["target"]: t["status"] for t in evaluate_targets([row], 0.4)}
    assert targets == {
        "ask p95 ≤ 100 ms at ~10k chunks": "not met",
        "ask p95 ≤ 250 ms at ~100k chunks": "not measured",
        "build ≥ 90% of the bare encode loop": "met",
        "--help < 1 s": "met",
        "first answer after start ≤ 15 s": "met",
    }
