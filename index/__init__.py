"""Index stage: parse report files, chunk them, embed, persist and search."""

from index.records import Chunk, Document, Hit, Section
from index.settings import Settings, SettingsError

__all__ = ["Chunk", "Document", "Hit", "Section", "Settings", "SettingsError"]
