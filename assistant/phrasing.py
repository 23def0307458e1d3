"""Turning verbatim report clauses into the sentences of a reply (the citation keeps the verbatim quote)."""

from __future__ import annotations

import re

_EDITION_STAMP = re.compile(r"\s*\((19|20)\d\d\)\s*[.;,]?\s*$")
# Openings that tie a clause to the one before it; a reply sentence stands alone without them.
_LINKING = re.compile(r"^(?:and|but|however|moreover|additionally|in addition|also|while|whereas|yet|"
                      r"therefore|thus|furthermore|further|finally)\b[,]?\s+", re.I)
_TRAILING = " ;,:–—-"


def as_sentence(text: str) -> str:
    """A clause as a sentence: no edition stamp or linking opener, a capital first letter, a final period."""
    body = _EDITION_STAMP.sub("", text.strip()).rstrip(_TRAILING).strip()
    stripped = _LINKING.sub("", body)
    if stripped and stripped != body and len(stripped) > 20:
        body = stripped
    if not body:
        return text.strip()
    body = body[0].upper() + body[1:]
    # A closing bracket or quote ends a sentence only after its own stop: "(… entertainment)" needs one.
    return body if body.rstrip("\"”’)")[-1:] in (".", "!", "?") else body + "."


def cited(text: str, n: int | list[int]) -> str:
    """A sentence with its citation marker(s) before the final period: "… sectors [1]."."""
    markers = "".join(f"[{m}]" for m in ([n] if isinstance(n, int) else n))
    sentence = as_sentence(text)
    if sentence.endswith("."):
        return f"{sentence[:-1]} {markers}."
    return f"{sentence} {markers}"


def join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def shorten(text: str, start: int, end: int, limit: int) -> str:
    """``text`` when it fits ``limit`` characters; else the stretch [start, end) with ellipses where cut."""
    if len(text) <= limit:
        return text
    snippet = text[start:end].strip(_TRAILING)
    prefix = "…" if start > 0 else ""
    suffix = "…" if text[end:].strip(" .;,") else ""
    return f"{prefix}{snippet}{suffix}"
