"""Where the bundled report and the default index live."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from index.settings import Settings, data_home


def bundled_corpus() -> Path:
    """The bundled default report (Lithuania, 2023 TIP report), as a file path."""
    return Path(str(resources.files("assistant") / "data" / "lithuania-2023.txt"))


def default_index_dir(settings: Settings) -> Path:
    """The default index: the bundled report embedded with the configured model."""
    if settings.indexing.index_dir is not None:
        return Path(settings.indexing.index_dir).expanduser()
    model = re.sub(r"[^A-Za-z0-9.]+", "-", settings.indexing.model).strip("-").lower()
    chunking = f"{settings.indexing.chunker}{settings.indexing.chunk_size}-{settings.indexing.chunk_overlap}"
    return data_home() / "indexes" / f"bundled-{model}-{chunking}"


def feedback_file(settings: Settings) -> Path:
    return Path(settings.web.feedback_path) if settings.web.feedback_path else data_home() / "feedback.jsonl"
