"""One typed settings object in five documented groups: defaults, overridden by environment, then by explicit values.

Every setting has a unique name across the groups, so it is set the same way wherever it lives: as the
environment variable ``TIP_ASSISTANT_<NAME>`` (e.g. ``TIP_ASSISTANT_TOP_K=10``), as an override
``Settings.load({"top_k": 10})`` (or ``{"search.top_k": 10}``), or by a CLI flag. Unknown names, in a
mapping or in the environment, are rejected with the list of known ones. Read them by group:
``settings.search.top_k``, ``settings.answering.refusal_threshold``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_type_hints

from index.errors import SettingsError

ENV_PREFIX = "TIP_ASSISTANT_"
DEFAULT_MODEL = "all-MiniLM-L6-v2"

Retrieval = Literal["hybrid", "bm25", "dense"]
Chunker = Literal["sentence", "fixed"]
Overlong = Literal["truncate", "refuse"]
EmbedBackend = Literal["onnx", "openvino", "torch"]


def setting(default: Any, help: str) -> Any:
    """A settings field with its default and its description."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class IndexingSettings:
    """How report files become an index."""

    index_dir: Path | None = setting(None, "index folder to use; none: the bundled report's, built on first use")
    model: str = setting(DEFAULT_MODEL, "sentence-transformers model name or local path (loaded offline); "
                                        "'hashing-256' for a model-free smoke run")
    chunker: Chunker = setting("sentence", "'sentence' packs whole sentences (each recommendation its own chunk); "
                                           "'fixed' makes plain word windows")
    chunk_size: int = setting(120, "words per chunk (the sentence chunker never cuts a sentence)")
    chunk_overlap: int = setting(25, "words of trailing context repeated at the next chunk's head")
    embed_batch_size: int = setting(64, "texts encoded per batch")
    embed_backend: EmbedBackend = setting("openvino", "'openvino': the model exported once to ONNX (cached under "
                                                      "the data folder) and run by OpenVINO, in bf16 where the "
                                                      "CPU has it (about 4x as fast as 'torch' with AMX), no "
                                                      "torch at question time; near but not equal vectors, so "
                                                      "its indexes are its own; 'onnx': the same export run by "
                                                      "ONNX Runtime in fp32; 'torch': sentence-transformers on "
                                                      "PyTorch (onnx and torch vectors are the same: indexes "
                                                      "built by either are read by either). An index built by "
                                                      "another backend than the default is queried with its own")
    max_file_mb: int = setting(100, "larger input files are skipped with a message")
    ann_threshold: int = setting(200_000, "chunks above which an HNSW index replaces exact search")


@dataclass(frozen=True)
class SearchSettings:
    """How passages are retrieved for a question."""

    retrieval: Retrieval = setting("hybrid", "'hybrid' (reciprocal rank fusion of the two), 'bm25' or 'dense'")
    country_routing: bool = setting(True, "a question about some countries searches only their narratives")
    top_k: int = setting(8, "passages retrieved per question")
    rrf_k: int = setting(60, "reciprocal rank fusion constant")
    leaders: int = setting(2, "hybrid retrieval keeps each retriever's top this-many passages among its hits, "
                              "however the two rankings fuse (a rare exact phrase found by BM25 alone still counts)")
    sentence_hits: int = setting(8, "sentences nearest the question in meaning, searched one by one in the same "
                                    "narratives, that join the retrieved passages' sentences as candidates (a "
                                    "paraphrase can sit in a passage whose other sentences are about other things)")


@dataclass(frozen=True)
class AnsweringSettings:
    """How a reply is chosen and written."""

    answer_model: Path | None = setting(None, "fitted answer model (JSON, from `tip-assistant eval --fit`); "
                                              "none: the bundled one")
    refusal_threshold: float | None = setting(None, "probability below which the best evidence is not an "
                                                    "answer; none: the answer model's cross-validated threshold")
    max_citations: int = setting(4, "sentences cited in a list answer (recommendation and tier lists cite all)")
    max_question_chars: int = setting(2000, "longer questions are cut (with a note) or refused")
    overlong_questions: Overlong = setting("truncate", "'truncate' or 'refuse' questions past max_question_chars")


@dataclass(frozen=True)
class LlmSettings:
    """An optional local model that writes fluent answers from the same passages."""

    llm_url: str | None = setting(None, "OpenAI-compatible chat-completions server on this machine, e.g. "
                                        "http://127.0.0.1:8080/v1; none: extractive answers only")
    llm_model: str | None = setting(None, "model name to ask the server for")
    llm_timeout: float = setting(60.0, "seconds a call to the server may take")


@dataclass(frozen=True)
class WebSettings:
    """The web chat."""

    host: str = setting("127.0.0.1", "address to bind; another than loopback needs --allow-remote")
    port: int = setting(7860, "port to serve on")
    auth: str | None = setting(None, "'user:password' turns on basic login")
    feedback_path: Path | None = setting(None, "where thumbs up/down are appended (JSONL); none: the cache folder")


GROUPS: dict[str, type] = {"indexing": IndexingSettings, "search": SearchSettings, "answering": AnsweringSettings,
                           "llm": LlmSettings, "web": WebSettings}
# Each setting's name -> the group it lives in (names are unique across groups).
GROUP_OF: dict[str, str] = {f.name: group for group, kind in GROUPS.items() for f in fields(kind)}
_CHOICES = {"retrieval": Retrieval, "chunker": Chunker, "overlong_questions": Overlong,
            "embed_backend": EmbedBackend}
_POSITIVE = ("chunk_size", "top_k", "rrf_k", "max_question_chars", "embed_batch_size", "max_citations", "max_file_mb")


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured, in groups, each setting with its default and description."""

    indexing: IndexingSettings = field(default_factory=IndexingSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    answering: AnsweringSettings = field(default_factory=AnsweringSettings)
    llm: LlmSettings = field(default_factory=LlmSettings)
    web: WebSettings = field(default_factory=WebSettings)

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = self.get(name)
            if value not in get_args(allowed):
                raise SettingsError(f"{name}={value!r} is not one of {', '.join(get_args(allowed))}")
        for name in _POSITIVE:
            if self.get(name) < 1:
                raise SettingsError(f"{name}={self.get(name)!r} must be at least 1")
        size, overlap = self.indexing.chunk_size, self.indexing.chunk_overlap
        if not 0 <= overlap < size:
            raise SettingsError(f"chunk_overlap={overlap} must be >= 0 and below chunk_size={size}")

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults, then ``TIP_ASSISTANT_*`` environment variables, then ``overrides`` (None values skipped).

        Names are a setting's own ("top_k") or with its group ("search.top_k").
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for key, raw in env.items():
            if not key.startswith(ENV_PREFIX) or key == ENV_PREFIX + "HOME":
                continue
            name = key[len(ENV_PREFIX) :].lower()
            if name not in GROUP_OF:
                raise SettingsError(f"unknown setting {key} (known: {', '.join(sorted(GROUP_OF))})")
            values[name] = raw
        for key, value in (overrides or {}).items():
            name = key.split(".", 1)[1] if "." in key and key.split(".", 1)[0] in GROUPS else key
            if name not in GROUP_OF:
                raise SettingsError(f"unknown setting {key!r} (known: {', '.join(sorted(GROUP_OF))})")
            if value is not None:
                values[name] = value
        grouped: dict[str, dict[str, Any]] = {group: {} for group in GROUPS}
        for name, value in values.items():
            group = GROUP_OF[name]
            grouped[group][name] = _coerce(GROUPS[group], name, value)
        return cls(**{group: GROUPS[group](**items) for group, items in grouped.items()})

    def get(self, name: str) -> Any:
        """A setting's value by its name alone."""
        if name not in GROUP_OF:
            raise SettingsError(f"unknown setting {name!r} (known: {', '.join(sorted(GROUP_OF))})")
        return getattr(getattr(self, GROUP_OF[name]), name)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed, by name (unknown names rejected)."""
        return Settings.load({**self.to_dict(), **changes}, env={})

    def to_dict(self) -> dict[str, Any]:
        """Every setting by its name, paths as text."""
        return {name: (str(v) if isinstance(v, Path) else v)
                for name, v in ((name, self.get(name)) for name in GROUP_OF)}


def describe() -> Iterator[tuple[str, str, Any, str]]:
    """(group, name, default, description) of every setting, in order: the source of the README's table."""
    for group, kind in GROUPS.items():
        for f in fields(kind):
            yield group, f.name, f.default, f.metadata["help"]


def _coerce(kind: type, name: str, value: Any) -> Any:
    hint = get_type_hints(kind)[name]
    if not isinstance(value, str):
        return value
    kinds = [a for a in get_args(hint) if a is not type(None)] or [hint]
    if value == "" and type(None) in get_args(hint):
        return None
    target = kinds[0]
    try:
        if target is bool:
            lowered = value.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        if target in (int, float, Path):
            return target(value)
    except ValueError as exc:
        raise SettingsError(f"{name}={value!r} is not a valid {getattr(target, '__name__', target)}") from exc
    return value


def data_home() -> Path:
    """Where built indexes and feedback live unless configured (``TIP_ASSISTANT_HOME``)."""
    root = os.environ.get(ENV_PREFIX + "HOME")
    if root:
        return Path(root).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tip-assistant"


__all__ = ["GROUPS", "AnsweringSettings", "IndexingSettings", "LlmSettings", "SearchSettings", "Settings",
           "SettingsError", "WebSettings", "data_home", "describe"]
