"""One typed settings object: defaults, overridden by environment, then by explicit values.

Environment variables are ``TIP_ASSISTANT_<FIELD>`` (e.g. ``TIP_ASSISTANT_TOP_K=10``).
Unknown keys, in a mapping or in the environment, are rejected with an error naming them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_type_hints

from index.errors import SettingsError

ENV_PREFIX = "TIP_ASSISTANT_"
DEFAULT_MODEL = "all-MiniLM-L6-v2"

Retrieval = Literal["hybrid", "bm25", "dense"]
Chunker = Literal["sentence", "fixed"]
Overlong = Literal["truncate", "refuse"]
EmbedBackend = Literal["onnx", "torch"]


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured, with its default."""

    # Index
    index_dir: Path | None = None
    model: str = DEFAULT_MODEL
    chunker: Chunker = "sentence"
    chunk_size: int = 120  # words per chunk (sentence chunker never cuts a sentence)
    chunk_overlap: int = 25  # words of trailing context repeated at the next chunk's head
    embed_batch_size: int = 64
    # "onnx": the model exported once to ONNX (cached under data_home()/models) and run by ONNX Runtime;
    # "torch": sentence-transformers on PyTorch. Same vectors (min cosine 0.99999); see index.embed.MIXABLE.
    embed_backend: EmbedBackend = "onnx"
    max_file_mb: int = 100  # larger input files are skipped with a message
    ann_threshold: int = 200_000  # chunks above which an HNSW index replaces exact search
    # Retrieval
    retrieval: Retrieval = "hybrid"
    country_routing: bool = True
    top_k: int = 8
    rrf_k: int = 60
    # Answering
    refusal_threshold: float = 0.30  # calibrated with `tip-assistant eval --calibrate` on both gold sets
    max_question_chars: int = 2000
    overlong_questions: Overlong = "truncate"  # or "refuse": what to do past max_question_chars
    max_citations: int = 4
    # Local LLM (optional)
    llm_url: str | None = None
    llm_model: str | None = None
    llm_timeout: float = 60.0
    # Web
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None  # "user:password"
    feedback_path: Path | None = None

    def __post_init__(self) -> None:
        for name, allowed in (("retrieval", Retrieval), ("chunker", Chunker), ("overlong_questions", Overlong),
                              ("embed_backend", EmbedBackend)):
            value = getattr(self, name)
            if value not in get_args(allowed):
                raise SettingsError(f"{name}={value!r} is not one of {', '.join(get_args(allowed))}")
        for name in ("chunk_size", "top_k", "rrf_k", "max_question_chars", "embed_batch_size", "max_citations",
                     "max_file_mb"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name}={getattr(self, name)!r} must be at least 1")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise SettingsError(
                f"chunk_overlap={self.chunk_overlap} must be >= 0 and below chunk_size={self.chunk_size}"
            )

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults, then ``TIP_ASSISTANT_*`` environment variables, then ``overrides`` (None values skipped)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        known = {f.name for f in fields(cls)}
        for key, raw in env.items():
            if not key.startswith(ENV_PREFIX) or key == ENV_PREFIX + "HOME":
                continue
            name = key[len(ENV_PREFIX) :].lower()
            if name not in known:
                raise SettingsError(f"unknown setting {key} (known: {', '.join(sorted(known))})")
            values[name] = raw
        for name, value in (overrides or {}).items():
            if name not in known:
                raise SettingsError(f"unknown setting {name!r} (known: {', '.join(sorted(known))})")
            if value is not None:
                values[name] = value
        return cls(**{name: _coerce(cls, name, value) for name, value in values.items()})

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (unknown names rejected)."""
        return Settings.load({**dataclasses.asdict(self), **changes}, env={})

    def to_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(self).items()}


def _coerce(cls: type, name: str, value: Any) -> Any:
    hint = get_type_hints(cls)[name]
    if not isinstance(value, str):
        return value
    kinds = [a for a in get_args(hint) if a is not type(None)] or [hint]
    if value == "" and type(None) in get_args(hint):
        return None
    kind = kinds[0]
    try:
        if kind is bool:
            lowered = value.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        if kind in (int, float, Path):
            return kind(value)
    except ValueError as exc:
        raise SettingsError(f"{name}={value!r} is not a valid {getattr(kind, '__name__', kind)}") from exc
    return value


def data_home() -> Path:
    """Where built indexes and feedback live unless configured (``TIP_ASSISTANT_HOME``)."""
    root = os.environ.get(ENV_PREFIX + "HOME")
    if root:
        return Path(root).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tip-assistant"
