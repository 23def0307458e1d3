"""Every failure a user should see as one clear line: one base class, one subclass per kind.

The CLI and the web chat catch ``TipAssistantError`` and show its message (the CLI exits with
``exit_code``); anything else is a bug and keeps its traceback. Each subclass also derives from the
built-in exception it refines, so ``except ValueError`` callers keep working.
"""

from __future__ import annotations

EXIT_ERROR = 1
EXIT_USAGE = 2


class TipAssistantError(Exception):
    """Base class of user-facing errors; the message says what is wrong and how to fix it."""

    exit_code = EXIT_ERROR


class SettingsError(TipAssistantError, ValueError):
    """A setting has an unknown name or a value of the wrong kind."""


class QuestionError(TipAssistantError, ValueError):
    """The question cannot be asked as given (empty, only control characters, or too long)."""

    exit_code = EXIT_USAGE


class UnknownCountryError(TipAssistantError, ValueError):
    """A country filter names a country the index does not hold."""


class ParseError(TipAssistantError, ValueError):
    """A file could not be read as a report; the message names the file and the reason."""


class SourceNotFoundError(TipAssistantError, FileNotFoundError):
    """A path given to index does not exist."""


class EmbeddingModelError(TipAssistantError, RuntimeError):
    """The configured embedding model cannot be found or loaded offline."""


class IndexStoreError(TipAssistantError, RuntimeError):
    """An index problem; messages name the problem and the fix."""


class IndexNotFoundError(IndexStoreError):
    """No index at the given folder."""


class IndexCorruptError(IndexStoreError):
    """An index file is missing, unreadable or disagrees with the manifest."""


class IndexMismatchError(IndexStoreError):
    """The index was built with another model or from a corpus that has since changed."""


class EmptyCorpusError(IndexStoreError):
    """Nothing indexable was found in the given paths."""


class GoldFormatError(TipAssistantError, ValueError):
    """A gold file line does not follow the gold format; the message names the file and line."""


class ConfigError(TipAssistantError, ValueError):
    """A server or tool option is invalid (e.g. an auth string without a password)."""

    exit_code = EXIT_USAGE
