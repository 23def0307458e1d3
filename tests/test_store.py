"""Persistence: round trip, self-description, mismatches, corruption, atomic writes, incremental builds.

These use the hashing embedder: the behaviour under test does not depend on the model.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.embed import HashingEmbedder
from index.lexical import Bm25Index
from index.search import TipIndex
from index.settings import Settings
from index.store import (
    EmptyCorpusError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    build_index,
    index_backends,
    load_stored,
    read_manifest,
)

SETTINGS = Settings.load({"model": "hashing-128"}, env={})


@pytest.fixture
def corpus(tmp_path: Path, seed_path: Path, factbook_dir: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(seed_path, folder / "lithuania.txt")
    for name in ("haiti.txt", "malaysia.txt", "cambodia.txt"):
        shutil.copy(factbook_dir / name, folder / name)
    return folder


def test_round_trip_and_manifest(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    report = build_index([corpus], index_dir, SETTINGS)
    assert (report.documents, report.embedded_documents, report.reused_documents) == (4, 4, 0)
    manifest = read_manifest(index_dir)
    assert manifest["model"] == "hashing-128" and manifest["dimension"] == 128
    assert manifest["chunking"] == {"chunker": "sentence", "chunk_size": 120, "chunk_overlap": 25}
    assert manifest["chunks"] == report.chunks
    assert len(manifest["corpus_fingerprint"]) == 64 and manifest["package_version"]
    assert sorted(d["country"] for d in manifest["documents"]) == ["Cambodia", "Haiti", "Lithuania", "Malaysia"]
    stored = load_stored(index_dir, model="hashing-128")
    assert len(stored.chunks) == report.chunks == stored.vectors.shape[0]
    for chunk in stored.chunks:
        assert stored.documents[chunk.document].text[chunk.start : chunk.end] == chunk.text
    generation = index_dir / manifest["generation"]
    assert {p.name for p in generation.iterdir()} == {
        "vectors.faiss", "chunks.jsonl", "documents.json", "lexical.npz", "lexical_vocabulary.json", "sentences.npy",
        "sentence_vectors.npy"}


def test_other_model_is_a_clear_mismatch(corpus: Path, tmp_path: Path) -> None:
    build_index([corpus], tmp_path / "index", SETTINGS)
    with pytest.raises(IndexMismatchError, match=r"'hashing-128'.*'all-MiniLM-L6-v2'.*tip-assistant index build"):
        load_stored(tmp_path / "index", model="all-MiniLM-L6-v2")


def test_changed_corpus_is_named(corpus: Path, tmp_path: Path) -> None:
    build_index([corpus], tmp_path / "index", SETTINGS)
    haiti = corpus / "haiti.txt"
    haiti.write_text(haiti.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    with pytest.raises(IndexMismatchError, match=r"haiti\.txt"):
        load_stored(tmp_path / "index", model="hashing-128")
    assert load_stored(tmp_path / "index", model="hashing-128", check_sources=False).chunks


def test_incremental_rebuild_embeds_only_the_changed_document(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS)
    first = load_stored(index_dir)
    haiti = corpus / "haiti.txt"
    haiti.write_text(haiti.read_text(encoding="utf-8").replace("Haiti does not", "Haiti still does not"),
                     encoding="utf-8")
    report = build_index([corpus], index_dir, SETTINGS)
    assert (report.embedded_documents, report.reused_documents) == (1, 3)
    second = load_stored(index_dir)
    unchanged = [i for i, c in enumerate(second.chunks) if c.country == "Lithuania"]
    old_rows = [i for i, c in enumerate(first.chunks) if c.country == "Lithuania"]
    assert (second.vectors[unchanged] == first.vectors[old_rows]).all()
    # Only one generation folder remains after a successful build.
    assert len(list(index_dir.glob("gen-*"))) == 1


def test_failed_write_leaves_previous_index_intact(corpus: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS)
    before = (index_dir / "manifest.json").read_text(encoding="utf-8")

    def broken_save(self, folder: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Bm25Index, "save", broken_save)
    (corpus / "cambodia.txt").unlink()
    with pytest.raises(OSError, match="No space left"):
        build_index([corpus], index_dir, SETTINGS)
    assert (index_dir / "manifest.json").read_text(encoding="utf-8") == before
    stored = load_stored(index_dir, check_sources=False)
    assert "Cambodia" in {c.country for c in stored.chunks}


def test_missing_and_corrupt_indexes_name_the_fix(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="tip-assistant index build"):
        load_stored(tmp_path / "nothing")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS)
    generation = index_dir / read_manifest(index_dir)["generation"]
    faiss_file = generation / "vectors.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorruptError, match=r"FAISS file .* corrupt.*tip-assistant index build"):
        load_stored(index_dir)


def test_chunk_store_disagreeing_with_faiss_is_detected(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS)
    chunks_file = index_dir / read_manifest(index_dir)["generation"] / "chunks.jsonl"
    lines = chunks_file.read_text(encoding="utf-8").splitlines()
    chunks_file.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="disagrees with itself"):
        load_stored(index_dir)


def test_edited_chunk_text_is_detected(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS)
    chunks_file = index_dir / read_manifest(index_dir)["generation"] / "chunks.jsonl"
    rows = [json.loads(line) for line in chunks_file.read_text(encoding="utf-8").splitlines()]
    rows[0]["text"] = rows[0]["text"].replace("the", "THE", 1)
    chunks_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="does not match its document"):
        load_stored(index_dir)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmptyCorpusError, match="no report text"):
        build_index([tmp_path / "empty"], tmp_path / "index", SETTINGS)


def test_hnsw_above_threshold_finds_the_same_top_hit(corpus: Path, tmp_path: Path) -> None:
    exact_dir, approx_dir = tmp_path / "exact", tmp_path / "approx"
    build_index([corpus], exact_dir, SETTINGS)
    build_index([corpus], approx_dir, SETTINGS.replace(ann_threshold=1))
    assert read_manifest(approx_dir)["faiss"].startswith("hnsw")
    exact = TipIndex.load(exact_dir, SETTINGS)
    approx = TipIndex.load(approx_dir, SETTINGS)
    for query in ("forced labor in fishing", "national rapporteur", "Rohingya refugees"):
        assert [h.chunk.chunk_id for h in exact.search(query, k=3, retrieval="dense")] == \
               [h.chunk.chunk_id for h in approx.search(query, k=3, retrieval="dense")]


class _Backend(HashingEmbedder):
    """A stand-in model whose vectors claim to come from ``backend`` (the mixing rule reads only that name)."""

    def __init__(self, backend: str) -> None:
        super().__init__("hashing-64")
        self.name = "stand-in-model"
        self.backend = backend


def _document_backends(index_dir: Path) -> dict[str, str]:
    return {d["country"]: d["embed_backend"] for d in read_manifest(index_dir)["documents"]}


def test_manifest_records_the_backend_of_every_document(corpus: Path, tmp_path: Path) -> None:
    build_index([corpus], tmp_path / "hashing", SETTINGS)
    assert read_manifest(tmp_path / "hashing")["embed_backend"] == "hashing"
    build_index([corpus], tmp_path / "torch", SETTINGS, embedder=_Backend("torch"))
    manifest = read_manifest(tmp_path / "torch")
    assert manifest["embed_backend"] == "torch" and index_backends(manifest) == ["torch"]
    assert set(_document_backends(tmp_path / "torch").values()) == {"torch"}


def test_fp32_backends_share_an_index_and_int8_never_mixes(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS, embedder=_Backend("torch"))
    # Querying a torch-built index with ONNX fp32 vectors is allowed; any other backend is a clear mismatch.
    assert load_stored(index_dir, model="stand-in-model", backend="onnx").chunks
    with pytest.raises(IndexMismatchError, match=r"torch backend.*onnx-int8.*--embed-backend torch"):
        load_stored(index_dir, model="stand-in-model", backend="onnx-int8")
    with pytest.raises(IndexMismatchError, match="--embed-backend torch"):
        TipIndex.load(index_dir, SETTINGS, embedder=_Backend("onnx-int8"))
    assert TipIndex.load(index_dir, SETTINGS, embedder=_Backend("onnx")).search("forced labor", k=1)


def test_rebuild_keeps_vectors_across_fp32_backends_only(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS, embedder=_Backend("torch"))
    haiti = corpus / "haiti.txt"
    haiti.write_text(haiti.read_text(encoding="utf-8").replace("Haiti does not", "Haiti still does not"),
                     encoding="utf-8")
    report = build_index([corpus], index_dir, SETTINGS, embedder=_Backend("onnx"))
    assert (report.embedded_documents, report.reused_documents) == (1, 3)
    assert _document_backends(index_dir) == {"Haiti": "onnx", "Lithuania": "torch", "Malaysia": "torch",
                                             "Cambodia": "torch"}
    manifest = read_manifest(index_dir)
    assert manifest["embed_backend"] == "onnx" and index_backends(manifest) == ["onnx", "torch"]
    with pytest.raises(IndexMismatchError, match="not comparable"):
        load_stored(index_dir, backend="onnx-int8")
    # A backend outside the fp32 family re-embeds everything, and then only mixes with itself.
    report = build_index([corpus], index_dir, SETTINGS, embedder=_Backend("onnx-int8"))
    assert (report.embedded_documents, report.reused_documents) == (4, 0)
    assert set(_document_backends(index_dir).values()) == {"onnx-int8"}
    report = build_index([corpus], index_dir, SETTINGS, embedder=_Backend("torch"))
    assert (report.embedded_documents, report.reused_documents) == (4, 0)


def test_bf16_vectors_stay_among_themselves(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS, embedder=_Backend("torch"))
    # OpenVINO's bf16 vectors are near but not equal to fp32 ones: a rebuild with it re-embeds everything ...
    report = build_index([corpus], index_dir, SETTINGS, embedder=_Backend("openvino"))
    assert (report.embedded_documents, report.reused_documents) == (4, 0)
    assert set(_document_backends(index_dir).values()) == {"openvino"}
    assert load_stored(index_dir, model="stand-in-model", backend="openvino").chunks
    # ... and its index is not queried with fp32 vectors, nor are fp32 indexes with its vectors.
    for fp32 in ("torch", "onnx"):
        with pytest.raises(IndexMismatchError, match=rf"openvino backend.*{fp32} vectors.*--embed-backend openvino"):
            load_stored(index_dir, model="stand-in-model", backend=fp32)
    torch_dir = tmp_path / "torch"
    build_index([corpus], torch_dir, SETTINGS, embedder=_Backend("torch"))
    with pytest.raises(IndexMismatchError, match="--embed-backend torch"):
        TipIndex.load(torch_dir, SETTINGS, embedder=_Backend("openvino"))
    report = build_index([corpus], index_dir, SETTINGS, embedder=_Backend("openvino"))
    assert (report.embedded_documents, report.reused_documents) == (0, 4)


def test_the_default_backend_gives_way_to_the_one_that_built_the_index(corpus: Path, tmp_path: Path) -> None:
    """An index built with onnx before openvino became the default still loads, queried by onnx; a backend
    chosen on purpose that does not mix is still a clear error."""
    onnx_dir, openvino_dir = tmp_path / "onnx", tmp_path / "openvino"
    build_index([corpus], onnx_dir, SETTINGS, embedder=_Backend("onnx"))
    build_index([corpus], openvino_dir, SETTINGS, embedder=_Backend("openvino"))
    default = Settings.load({"model": "stand-in-model"}, env={})
    assert default.indexing.embed_backend == "openvino"
    assert TipIndex.load(onnx_dir, default).settings.indexing.embed_backend == "onnx"
    assert TipIndex.load(openvino_dir, default).settings.indexing.embed_backend == "openvino"
    with pytest.raises(IndexMismatchError, match="--embed-backend openvino"):
        TipIndex.load(openvino_dir, default.replace(embed_backend="torch"))


def test_index_from_before_backends_were_recorded_counts_as_torch(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, SETTINGS, embedder=_Backend("torch"))
    path = index_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["embed_backend"]
    for entry in manifest["documents"]:
        del entry["embed_backend"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert index_backends(read_manifest(index_dir)) == ["torch"]
    assert load_stored(index_dir, backend="onnx").chunks
    with pytest.raises(IndexMismatchError):
        load_stored(index_dir, backend="onnx-int8")
    report = build_index([corpus], index_dir, SETTINGS, embedder=_Backend("onnx"))
    assert report.reused_documents == 4
