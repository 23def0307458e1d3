"""Acronyms: learnt from the corpus ("State Labor Inspection (SLI)") plus the report's standard ones."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Acronyms the TIP report uses without always spelling them out.
STANDARD = {
    "NAP": "national action plan",
    "NRM": "national referral mechanism",
    "SOP": "standard operating procedures",
    "SOPs": "standard operating procedures",
    "TVPA": "Trafficking Victims Protection Act",
    "NGO": "non-governmental organization",
    "NGOs": "non-governmental organizations",
    "IOM": "International Organization for Migration",
    "ILO": "International Labour Organization",
    "CSO": "civil society organization",
    "GRETA": "Group of Experts on Action against Trafficking in Human Beings",
    "TIP": "trafficking in persons",
}
_DEFINITION = re.compile(r"\b((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|on|the|in|to)\s+)*){1,8})\(([A-Z][A-Za-z]{1,9})\)")


def learn(texts: Iterable[str]) -> dict[str, str]:
    """Acronym -> expansion for every "Full Name (FN)" definition whose initials fit the acronym."""
    found = dict(STANDARD)
    for text in texts:
        for match in _DEFINITION.finditer(text):
            words, acronym = match.group(1).split(), match.group(2)
            letters = acronym.rstrip("s") if acronym.endswith("s") and acronym[:-1].isupper() else acronym
            # The definition starts at the capitalised word matching the acronym's first letter.
            capitals = [i for i, w in enumerate(words) if w[:1].isupper()]
            if len(capitals) < len(letters):
                continue
            initials = "".join(words[i][0] for i in capitals[-len(letters):])
            if initials.upper() == letters.upper():
                found.setdefault(acronym, " ".join(words[capitals[-len(letters)]:]))
    return found


def expand(query: str, acronyms: dict[str, str]) -> str:
    """The query with each acronym's expansion, and each spelt-out name's acronym, appended."""
    extra = []
    lowered = query.lower()
    for acronym, expansion in acronyms.items():
        if re.search(rf"\b{re.escape(acronym)}\b", query) and expansion.lower() not in lowered:
            extra.append(expansion)
        elif _names(expansion, query) and not re.search(rf"\b{re.escape(acronym)}\b", query):
            extra.append(acronym)
    return query if not extra else f"{query} ({'; '.join(extra)})"


def _names(expansion: str, query: str) -> bool:
    """Whether the query spells out the name (in any case), or its last two words or more as a name, capitalised
    ("Kurdistan Region" for "Iraqi Kurdistan Region (IKR)"): a name's head comes last, and users drop its first
    words; "trafficking victims" in lower case is no "Center for Protection of Trafficking Victims"."""
    if re.search(rf"(?<![\w-]){re.escape(expansion)}(?![\w-])", query, re.I):
        return True
    words = expansion.split()
    tails = [" ".join(words[i:]) for i in range(1, max(1, len(words) - 1))]
    return any(re.search(rf"(?<![\w-]){re.escape(tail)}(?![\w-])", query) for tail in tails)
