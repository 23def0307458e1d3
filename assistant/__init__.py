"""TIP Assistant: answers questions about the Trafficking in Persons report with cited excerpts."""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["Assistant", "Citation", "QuestionError", "Reply", "TipAssistantError"]

if TYPE_CHECKING:
    from assistant.core import Assistant
    from assistant.records import Citation, Reply
    from index.errors import QuestionError, TipAssistantError


def __getattr__(name: str):
    # Lazy, so that `tip-assistant --help` does not import torch.
    if name == "Assistant":
        from assistant.core import Assistant

        return Assistant
    if name in ("Citation", "Reply"):
        from assistant import records

        return getattr(records, name)
    if name in ("QuestionError", "TipAssistantError"):
        from index import errors

        return getattr(errors, name)
    raise AttributeError(name)
