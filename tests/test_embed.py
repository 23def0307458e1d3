"""Embedding backends: the mixing rule, the ONNX backend's pooling, model-folder reading and export cache.

Only the tests marked ``model`` run the real model (and its ONNX export); the others use small folders
and arrays made here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import onnx_model
from index.embed import (
    VECTOR_FAMILIES,
    HashingEmbedder,
    OnnxEmbedder,
    OpenVinoEmbedder,
    SentenceTransformerEmbedder,
    backend_of,
    make_embedder,
    pool,
    resolve_model_path,
    vectors_mix,
)
from index.errors import EmbeddingModelError, SettingsError
from index.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGED = "all-MiniLM-L6-v2"


def test_mixing_rule() -> None:
    assert vectors_mix("torch", "onnx") and vectors_mix("onnx", "torch")
    assert vectors_mix("onnx", "onnx") and vectors_mix("torch", "torch") and vectors_mix("hashing", "hashing")
    assert not vectors_mix("hashing", "torch") and not vectors_mix("onnx", "hashing")
    # A backend outside the table (an int8 model, say) mixes with itself only.
    assert vectors_mix("onnx-int8", "onnx-int8")
    assert not vectors_mix("onnx-int8", "onnx") and not vectors_mix("torch", "onnx-int8")
    assert backend_of("hashing-64", "onnx") == "hashing" and backend_of(PACKAGED, "onnx") == "onnx"
    # OpenVINO in bf16: near PyTorch's vectors (see test_openvino_vectors_are_near_sentence_transformers_vectors)
    # but not equal, so its own family: it mixes with bf16 vectors only, never with fp32 ones.
    assert VECTOR_FAMILIES["openvino"] == "bf16" and vectors_mix("openvino", "openvino")
    assert not any(vectors_mix("openvino", b) or vectors_mix(b, "openvino") for b in ("torch", "onnx", "onnx-int8"))


def test_make_embedder_and_setting() -> None:
    assert isinstance(make_embedder(PACKAGED, "onnx"), OnnxEmbedder)
    assert isinstance(make_embedder(PACKAGED, "torch"), SentenceTransformerEmbedder)
    assert isinstance(make_embedder("hashing-32", "onnx"), HashingEmbedder)
    assert isinstance(make_embedder(PACKAGED, "openvino"), OpenVinoEmbedder)  # nothing loaded yet
    assert make_embedder(PACKAGED, "onnx").backend == "onnx" and make_embedder(PACKAGED, "torch").backend == "torch"
    assert make_embedder(PACKAGED, "openvino").backend == "openvino"
    with pytest.raises(EmbeddingModelError, match="unknown embedding backend"):
        make_embedder(PACKAGED, "tensorflow")
    assert Settings.load(env={}).indexing.embed_backend == "openvino"
    assert Settings.load(env={"TIP_ASSISTANT_EMBED_BACKEND": "torch"}).indexing.embed_backend == "torch"
    assert Settings.load({"embed_backend": "openvino"}, env={}).indexing.embed_backend == "openvino"
    with pytest.raises(SettingsError, match="embed_backend='onnx-int8' is not one of onnx, openvino, torch"):
        Settings.load({"embed_backend": "onnx-int8"}, env={})


def test_cli_flag_reaches_the_settings() -> None:
    from assistant.cli import _settings, build_parser

    parser = build_parser()
    for argv in (["ask", "q", "--embed-backend", "torch"], ["index", "build", "--embed-backend", "torch"],
                 ["search", "q", "--embed-backend", "torch"], ["serve", "--embed-backend", "torch"],
                 ["chat", "--embed-backend", "torch"], ["eval", "--gold", "g.jsonl", "--embed-backend", "torch"]):
        assert _settings(parser.parse_args(argv)).indexing.embed_backend == "torch", argv
    assert _settings(parser.parse_args(["index", "build", "--embed-backend", "openvino"])).indexing.embed_backend \
        == "openvino"
    with pytest.raises(SystemExit):
        parser.parse_args(["ask", "q", "--embed-backend", "int8"])


def _reference_pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """Pooling written out one row at a time, as sentence-transformers defines it."""
    rows = []
    for h, m in zip(hidden, mask, strict=True):
        kept = h[m.astype(bool)]
        vector = {"mean": kept.mean(axis=0), "mean_sqrt_len_tokens": kept.sum(axis=0) / np.sqrt(len(kept)),
                  "cls": kept[0], "max": kept.max(axis=0)}[mode]
        rows.append(vector / np.linalg.norm(vector))
    return np.array(rows)


@pytest.mark.parametrize("mode", ["mean", "mean_sqrt_len_tokens", "cls", "max"])
def test_pooling_ignores_padding_and_normalises(mode: str) -> None:
    rng = np.random.default_rng(3)
    hidden = rng.normal(size=(3, 7, 5)).astype(np.float32)
    mask = np.array([[1] * 7, [1] * 4 + [0] * 3, [1] * 2 + [0] * 5])
    pooled = pool(hidden, mask, mode)
    assert pooled.dtype == np.float32 and pooled.shape == (3, 5)
    assert np.allclose(pooled, _reference_pool(hidden, mask, mode), atol=1e-6)
    assert np.allclose(np.linalg.norm(pooled, axis=1), 1.0, atol=1e-6)
    noisy = hidden.copy()
    noisy[mask == 0] = 1e4  # whatever the model puts at padded positions
    assert np.allclose(pool(noisy, mask, mode), pooled, atol=1e-6)
    with pytest.raises(EmbeddingModelError, match="lasttoken"):
        pool(hidden, mask, "lasttoken")


def _model_folder(root: Path, modules: list[str] | None = None, pooling: dict | None = None,
                  tokenizer: bool = True, weights: bytes = b"weights") -> Path:
    """A sentence-transformers folder with small stand-in files (enough for read_layout and fingerprint)."""
    root.mkdir(parents=True, exist_ok=True)
    kinds = modules or ["Transformer", "Pooling", "Normalize"]
    paths = {"Transformer": "", "Pooling": "1_Pooling", "Normalize": "2_Normalize", "Dense": "2_Dense"}
    (root / "modules.json").write_text(json.dumps(
        [{"idx": i, "name": str(i), "path": paths[k], "type": f"sentence_transformers.models.{k}"}
         for i, k in enumerate(kinds)]), encoding="utf-8")
    (root / "config.json").write_text(json.dumps({"hidden_size": 8, "max_position_embeddings": 512}), "utf-8")
    (root / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 96}), encoding="utf-8")
    (root / "1_Pooling").mkdir(exist_ok=True)
    (root / "1_Pooling" / "config.json").write_text(json.dumps(
        pooling or {"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True}), encoding="utf-8")
    if tokenizer:
        (root / "tokenizer.json").write_text("{}", encoding="utf-8")
    (root / "model.safetensors").write_bytes(weights)
    return root


def test_layout_of_the_packaged_model_reads_only_its_configuration() -> None:
    layout = onnx_model.read_layout(Path(resolve_model_path(PACKAGED)))
    assert (layout.max_seq_length, layout.pooling, layout.dimension, layout.normalize) == (256, "mean", 384, True)
    assert not layout.do_lower_case and layout.tokenizer_file.is_file()
    assert OnnxEmbedder(PACKAGED).dimension == 384  # from the configuration: no model is loaded (conftest)


def test_layout_rejects_what_the_onnx_backend_cannot_reproduce(tmp_path: Path) -> None:
    layout = onnx_model.read_layout(_model_folder(tmp_path / "ok"))
    assert (layout.max_seq_length, layout.pooling, layout.dimension) == (96, "mean", 8)
    new_style = onnx_model.read_layout(_model_folder(tmp_path / "new", pooling={"pooling_mode": "cls"}))
    assert new_style.pooling == "cls" and new_style.dimension == 8
    cases = {
        "dense": _model_folder(tmp_path / "dense", modules=["Transformer", "Pooling", "Dense"]),
        "two modes": _model_folder(tmp_path / "two", pooling={"pooling_mode_mean_tokens": True,
                                                               "pooling_mode_max_tokens": True}),
        "lasttoken": _model_folder(tmp_path / "last", pooling={"pooling_mode_lasttoken": True}),
        "no tokenizer.json": _model_folder(tmp_path / "slow", tokenizer=False),
        "no modules.json": tmp_path / "plain",
    }
    (tmp_path / "plain").mkdir()
    for case, folder in cases.items():
        with pytest.raises(EmbeddingModelError, match="--embed-backend torch"):
            onnx_model.read_layout(folder)
            pytest.fail(case)


def test_export_is_cached_atomic_and_keyed_by_the_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = onnx_model.read_layout(_model_folder(tmp_path / "model"))
    calls: list[Path] = []

    def fake_export(layout: onnx_model.ModelLayout, path: Path) -> list[str]:
        calls.append(path)
        assert path.parent.is_dir() and path.name.endswith(".tmp")  # written under a temporary name
        path.write_bytes(b"onnx")
        return ["input_ids", "attention_mask"]

    monkeypatch.setattr(onnx_model, "export", fake_export)
    cache = tmp_path / "cache"
    first = onnx_model.ensure_onnx("My/Model", layout, cache)
    assert first.read_bytes() == b"onnx" and first.parent.parent == cache
    assert first.parent.name.startswith("my-model-") and len(calls) == 1
    assert json.loads((first.parent / "export.json").read_text())["inputs"] == ["input_ids", "attention_mask"]
    assert onnx_model.ensure_onnx("My/Model", layout, cache) == first and len(calls) == 1  # reused
    assert [p.name for p in first.parent.iterdir() if p.name.endswith(".tmp")] == []
    # Other weights: another fingerprint, another export.
    other = onnx_model.read_layout(_model_folder(tmp_path / "other", weights=b"other weights"))
    assert onnx_model.ensure_onnx("My/Model", other, cache) != first and len(calls) == 2


def test_failed_export_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = onnx_model.read_layout(_model_folder(tmp_path / "model"))

    def half_written(layout: onnx_model.ModelLayout, path: Path) -> list[str]:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(onnx_model, "export", half_written)
    with pytest.raises(EmbeddingModelError, match=r"cannot write the ONNX export.*No space left"):
        onnx_model.ensure_onnx("model", layout, tmp_path / "cache")
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []

    def unsupported(layout: onnx_model.ModelLayout, path: Path) -> list[str]:
        raise EmbeddingModelError("exporting failed; use --embed-backend torch")

    monkeypatch.setattr(onnx_model, "export", unsupported)
    with pytest.raises(EmbeddingModelError, match="--embed-backend torch"):
        onnx_model.ensure_onnx("model", layout, tmp_path / "cache")
    assert not list((tmp_path / "cache").rglob("*.onnx"))


@pytest.mark.model
def test_onnx_vectors_equal_sentence_transformers_vectors(seed_path: Path, factbook_dir: Path) -> None:
    from index.chunk import chunk_documents
    from index.parse import load_paths
    from index.store import sentence_table

    loaded = load_paths([seed_path, factbook_dir])
    documents = {d.doc_id: d for d in loaded.documents}
    texts = list(dict.fromkeys([c.text for c in chunk_documents(loaded.documents)]
                               + [documents[d].text[a:b] for d, a, b in sentence_table(loaded.documents)]))
    long_text = " ".join(texts[:40])  # far beyond max_seq_length: both must truncate at 256 tokens
    texts += [long_text, "Tier 2", "", "  spaced   out  ", "Čeština, 中文 and emoji 🙂"]
    onnx = make_embedder(PACKAGED, "onnx")
    torch = make_embedder(PACKAGED, "torch")
    a, b = onnx.encode(texts), torch.encode(texts, batch_size=32)
    assert a.shape == b.shape == (len(texts), 384) and a.dtype == np.float32
    cosines = (a * b).sum(axis=1)
    assert cosines.min() >= 0.9999, texts[int(cosines.argmin())]
    # The same token ids as sentence-transformers' own tokenizer, truncation included.
    assert isinstance(onnx, OnnxEmbedder) and isinstance(torch, SentenceTransformerEmbedder)
    model = torch._load()
    tokenize = getattr(model, "preprocess", None) or model.tokenize
    features = tokenize(texts[-5:])
    ours = onnx._tokenizer.encode_batch(texts[-5:])  # type: ignore[union-attr]
    # Theirs padded to the longest, ours unpadded (each run holds texts of one length).
    assert [e.ids for e in ours] == [[t for t, m in zip(row, mask, strict=True) if m] for row, mask in
                                     zip(features["input_ids"].tolist(), features["attention_mask"].tolist(),
                                         strict=True)]
    assert len(ours[0].ids) == 256  # the long text, truncated
    # One text alone or in a batch: the same vector.
    assert np.allclose(onnx.encode([texts[7]])[0], a[7], atol=1e-5)
    # The build's own calls (parts of 256 texts in length order) give the same vectors, and the same neighbours
    # for the gold questions' wording.
    from index.store import encoding_parts

    built = np.empty_like(a)
    for part in encoding_parts(texts, 64):
        built[part] = onnx.encode([texts[i] for i in part])
    assert (built * b).sum(axis=1).min() >= 0.9999
    questions = ["What tier is Lithuania on?", "Who prosecutes forced labor?", "How many victims were identified?",
                 "What does the government do to protect child victims?", "Recommendations for Lithuania"]
    q_onnx, q_torch = onnx.encode(questions), torch.encode(questions)
    top_onnx = np.argsort(-(q_onnx @ built.T), axis=1)[:, :10]
    scores = q_torch @ b.T
    kth = np.sort(scores, axis=1)[:, -10:-9]
    assert (np.take_along_axis(scores, top_onnx, axis=1) >= kth - 1e-5).mean() >= 0.99


@pytest.mark.model
@pytest.mark.parametrize("backend", ["onnx", "openvino"])
def test_backend_answers_without_importing_torch(backend: str) -> None:
    make_embedder(PACKAGED, backend).encode(["export the model if it is not cached yet"])
    code = ("import sys; from index.embed import make_embedder; "
            f"v = make_embedder({PACKAGED!r}, {backend!r}).encode(['What tier is Lithuania on?']); "
            "print(v.shape, sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT,
                         check=True).stdout
    assert out.strip() == "(1, 384) []"


class _TokenVectors:
    """An ONNX session stand-in: each token's vector depends on its id only, and every call's ids are kept."""

    def __init__(self) -> None:
        self.table = np.random.default_rng(5).normal(size=(30522, 8)).astype(np.float32)
        self.calls: list[np.ndarray] = []

    def run(self, _outputs: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        assert set(feeds) == {"input_ids", "attention_mask", "token_type_ids"}
        assert feeds["attention_mask"].all()  # nothing padded
        self.calls.append(feeds["input_ids"])
        return [self.table[feeds["input_ids"]]]


def test_runs_hold_one_length_within_the_token_budget_and_change_no_vector() -> None:
    import dataclasses
    from concurrent.futures import ThreadPoolExecutor

    from index.embed import load_tokenizer

    layout = onnx_model.read_layout(Path(resolve_model_path(PACKAGED)))
    texts = ["Tier 2", "A longer sentence about forced labor in the fishing sector of the country.",
             "word " * 300, "", "The government identified 31 victims.", "Short.", "x " * 90, "Tier 3",
             "Tier 1", "Short!"]

    def embedder(budget: int) -> tuple[OnnxEmbedder, _TokenVectors]:
        made = OnnxEmbedder(PACKAGED, token_budget=budget)
        made._layout = dataclasses.replace(layout, dimension=8)
        made._tokenizer, made._session = load_tokenizer(layout), _TokenVectors()
        made._inputs = ["input_ids", "attention_mask", "token_type_ids"]
        made._load = lambda: made._session  # type: ignore[method-assign]  # the stand-in is loaded
        if budget < 100:  # calls spread over two workers, as on a 2-core machine
            made._workers = ThreadPoolExecutor(2)
        return made, made._session

    tokenizer = load_tokenizer(layout)
    lengths = [len(e.ids) for e in tokenizer.encode_batch(texts)]
    ids = [tokenizer.encode(t).ids for t in texts]
    expected = np.array([_reference_pool(_TokenVectors().table[np.array([row])], np.ones((1, len(row))), "mean")[0]
                         for row in ids])
    whole, whole_session = embedder(10**9)
    small, small_session = embedder(8)
    assert np.allclose(whole.encode(texts), expected, atol=1e-6)
    assert np.allclose(small.encode(texts), expected, atol=1e-6)
    # One call per distinct length without a budget; with one, calls of at most 8 tokens or of a single text.
    assert sorted(c.shape[1] for c in whole_session.calls) == sorted(set(lengths))
    assert sum(len(c) for c in small_session.calls) == len(texts)
    assert all(c.size <= 8 or len(c) == 1 for c in small_session.calls), [c.shape for c in small_session.calls]
    assert max(lengths) == 256 and (1, 256) in [c.shape for c in small_session.calls]  # truncated, not padded
    assert np.array_equal(small.encode(texts[:1]), small.encode(texts)[:1])  # alone or with others: the same


def test_openvino_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino now raises ImportError
    embedder = make_embedder(PACKAGED, "openvino")
    assert embedder.dimension == 384  # from the configuration: nothing needs openvino yet
    with pytest.raises(EmbeddingModelError, match=r"pip install openvino.*--embed-backend onnx"):
        embedder.encode(["What tier is Lithuania on?"])


class _PaddedTokenVectors:
    """An OpenVINO infer request stand-in: each token's vector depends on its id only; padded positions get
    noise (a model's output there is meaningless). Every call's ids and mask are kept."""

    def __init__(self, table: np.ndarray, calls: list) -> None:
        self.table, self.calls = table, calls
        self.hidden: np.ndarray | None = None

    def infer(self, feeds: dict[str, np.ndarray]) -> None:
        assert set(feeds) == {"input_ids", "attention_mask", "token_type_ids"}
        ids, mask = feeds["input_ids"], feeds["attention_mask"]
        self.calls.append((ids, mask))
        self.hidden = np.where(mask[:, :, None] > 0, self.table[ids], 1e4).astype(np.float32)

    def get_output_tensor(self, index: int):
        class _Tensor:
            data = self.hidden

        return _Tensor()


def test_openvino_calls_are_padded_masked_and_change_no_vector() -> None:
    import dataclasses
    from concurrent.futures import ThreadPoolExecutor

    from index.embed import load_tokenizer

    layout = onnx_model.read_layout(Path(resolve_model_path(PACKAGED)))
    texts = ["Tier 2", "A longer sentence about forced labor in the fishing sector of the country.",
             "word " * 300, "The government identified 31 victims.", "Short.", "x " * 90, "Tier 3", "Tier 1",
             "Short!"]
    table = np.random.default_rng(5).normal(size=(30522, 8)).astype(np.float32)
    calls: list = []

    class _Compiled:
        def create_infer_request(self) -> _PaddedTokenVectors:
            return _PaddedTokenVectors(table, calls)

    def embedder(batch: int) -> OpenVinoEmbedder:
        made = OpenVinoEmbedder(PACKAGED, batch=batch)
        made._layout = dataclasses.replace(layout, dimension=8)
        made._tokenizer, made._compiled = load_tokenizer(layout), _Compiled()
        made._inputs = ["input_ids", "attention_mask", "token_type_ids"]
        made._load = lambda: made._compiled  # type: ignore[method-assign]  # the stand-in is loaded
        made._workers = ThreadPoolExecutor(2)  # calls spread over two workers, as on a 2-core machine
        return made

    tokenizer = load_tokenizer(layout)
    ids = [tokenizer.encode(t).ids for t in texts]
    expected = np.array([_reference_pool(table[np.array([row])], np.ones((1, len(row))), "mean")[0] for row in ids])
    for batch in (1, 4, 100):
        calls.clear()
        got = embedder(batch).encode(texts)
        assert np.allclose(got, expected, atol=1e-5), batch
        assert sum(len(i) for i, _ in calls) == len(texts) and max(len(i) for i, _ in calls) <= batch
        # Each call padded to its longest text only, the padding masked.
        assert all(mask[:, -1].any() and (i[mask == 0] == 0).all() for i, mask in calls)
    assert max(i.shape[1] for i, _ in calls) == 256  # truncated at max_seq_length
    # Alone or padded among longer texts: the same vector up to float rounding.
    assert np.allclose(embedder(4).encode(texts[3:4]), embedder(4).encode(texts)[3:4], atol=1e-6)


@pytest.mark.model
def test_openvino_vectors_are_near_sentence_transformers_vectors(seed_path: Path, factbook_dir: Path) -> None:
    pytest.importorskip("openvino")
    from index.chunk import chunk_documents
    from index.parse import load_paths
    from index.store import encoding_parts, sentence_table

    loaded = load_paths([seed_path, factbook_dir])
    documents = {d.doc_id: d for d in loaded.documents}
    chunks = list(dict.fromkeys(c.text for c in chunk_documents(loaded.documents)))
    texts = list(dict.fromkeys(chunks + [documents[d].text[a:b] for d, a, b in sentence_table(loaded.documents)]))
    texts += [" ".join(texts[:40]), "Tier 2", "", "  spaced   out  ", "Čeština, 中文 and emoji 🙂"]
    openvino, torch = make_embedder(PACKAGED, "openvino"), make_embedder(PACKAGED, "torch")
    built = np.empty((len(texts), 384), dtype=np.float32)
    for part in encoding_parts(texts, 64):  # the build's own calls
        built[part] = openvino.encode([texts[i] for i in part])
    reference = torch.encode(texts, batch_size=32)
    assert built.dtype == np.float32 and np.allclose(np.linalg.norm(built, axis=1), 1.0, atol=1e-5)
    # bf16 (or fp32 on a CPU without it): every text within the same cosine bar as the ONNX backend's.
    cosines = (built * reference).sum(axis=1)
    assert cosines.min() >= 0.9999, texts[int(cosines.argmin())]
    # Neighbours of the gold questions among the chunks: recall@10 against PyTorch's exact top 10.
    questions = [json.loads(line)["question"] for name in ("seed", "factbook")
                 for line in (REPO_ROOT / "eval" / "gold" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    rows = np.arange(len(chunks))
    scores = torch.encode(questions) @ reference[rows].T
    top = np.argsort(-(openvino.encode(questions) @ built[rows].T), axis=1)[:, :10]
    kth = np.sort(scores, axis=1)[:, -10:-9]
    assert (np.take_along_axis(scores, top, axis=1) >= kth - 1e-5).mean() >= 0.99
    assert np.allclose(openvino.encode([texts[7]])[0], built[7], atol=2e-3)  # alone or in a call: near-same


@pytest.mark.model
def test_openvino_sends_nothing(tmp_path: Path) -> None:
    """`import openvino` loads its converter, which would start Intel's telemetry (a client id under ~/intel,
    consent assumed); the backend keeps that package out, opens no connection and writes nothing at home."""
    pytest.importorskip("openvino")
    make_embedder(PACKAGED, "openvino").encode(["export the model if it is not cached yet"])
    code = ("import socket, sys\n"
            "def refuse(*args, **kwargs): raise AssertionError('a connection was opened')\n"
            "socket.socket.connect = socket.socket.connect_ex = refuse\n"
            "socket.create_connection = refuse\n"
            "from index.embed import make_embedder\n"
            f"v = make_embedder({PACKAGED!r}, 'openvino').encode(['What tier is Lithuania on?'])\n"
            "print(v.shape, sys.modules.get('openvino_telemetry'))")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "TIP_ASSISTANT_HOME": str(Path.home() / ".cache" / "tip-assistant")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True,
                         env=env)
    assert out.stdout.strip() == "(1, 384) None"
    assert list(home.iterdir()) == []  # no ~/intel/openvino_telemetry, no client id
