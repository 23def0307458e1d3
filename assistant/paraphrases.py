"""Everyday words and the report's words for the same thing: a question's "punish" is covered by a sentence's
"penalized", its "jobs" by "work" (words the tokenizer already reads as one, such as "kids" and "children",
need no entry). One way only: the report's word covers the user's, not the reverse
("convict labor" answers "prison labour", but "sent to prison" does not answer "how many were convicted")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from index.text import tokens

# The user's word -> report words that say the same thing in this report's register.
_SAID_AS: dict[str, tuple[str, ...]] = {
    # people
    "teen": ("adolescent", "minor", "child", "children"),
    "teenager": ("adolescent", "minor", "child", "children"),
    "maid": ("domestic",),
    "housemaid": ("domestic",),
    "nanny": ("domestic",),
    "prisoner": ("detainee", "convict", "inmate"),
    "inmate": ("detainee", "convict", "prisoner"),
    "prison": ("convict", "detention", "detainee", "imprisonment"),
    "jail": ("prison", "imprisonment", "detention", "detain", "incarceration"),
    "charity": ("NGO", "civil society"),
    "bride": ("marriage",),
    "wed": ("marriage",),
    "refugee": ("asylum",),
    # acts
    "punish": ("penalize", "penalty", "penalized", "sanction", "prosecute", "accountable"),
    "lock": ("detain", "detention", "imprison", "confine", "arrest"),
    "check": ("screen", "screening", "inspect", "inspection", "verify", "vet"),
    "sign": ("indicator", "indication"),
    "accuse": ("allege", "alleged", "allegedly", "suspect", "suspected", "involved", "implicated"),
    "help": ("assist", "assistance", "support", "aid", "facilitate", "protect", "protection", "services", "care"),
    "assist": ("support", "help", "aid", "assistance"),
    "support": ("assist", "assistance", "aid"),
    "find": ("identify", "identified", "detect", "locate"),
    "rein": ("curb", "control", "restrict", "stop"),
    "stop": ("curb", "prevent", "end", "combat"),
    "tackle": ("combat", "address", "curb"),
    "fight": ("combat",),
    "corruption": ("complicity", "complicit", "bribe"),
    "corrupt": ("complicity", "complicit", "bribe"),
    "widespread": ("nationwide", "pervasive", "throughout"),
    "citizen": ("national",),
    "threaten": ("threat",),
    "threat": ("threaten",),
    "coerce": ("force", "forced", "compel"),
    "compel": ("force", "forced", "coerce"),
    "rescue": ("remove", "removed", "identify", "free"),
    "jailed": ("imprisonment", "prison", "detain"),
    "arrest": ("detain", "apprehend"),
    "charge": ("prosecute", "indict", "prosecution"),
    "bribe": ("corruption", "corrupt"),
    "held": ("hold",),
    "suspect": ("alleged", "allegedly"),
    "look": ("investigate", "investigation", "examine", "review", "inquiry"),
    "probe": ("investigate", "investigation", "inquiry"),
    "set": ("create", "establish", "launch", "form", "adopt"),
    "send": ("repatriate", "deport", "return", "refer", "referral"),
    "bring": ("return", "repatriate", "repatriation"),
    "teach": ("training", "train", "educate", "awareness"),
    "lure": ("recruit", "deceive", "fraudulent", "false"),
    "trick": ("deceive", "deceptive", "fraudulent", "false"),
    "fake": ("fraudulent", "false", "fraudulently"),
    "break": ("disaggregate", "disaggregated"),
    "breakdown": ("disaggregate", "disaggregated"),
    "confuse": ("conflate", "conflation"),
    "mix": ("conflate", "conflation", "complicit", "complicity", "implicated"),  # mix up; mixed up in
    "compensation": ("restitution", "compensate"),
    "compensate": ("restitution", "compensation"),
    "sell": ("sold", "sale"),
    "buy": ("purchase", "bought"),
    "pay": ("wage", "salary", "fund", "paid"),
    "spend": ("fund", "funding", "allocate", "budget"),
    "money": ("fund", "funding", "budget", "financial"),
    "cash": ("fund", "funding", "financial"),
    "drop": ("decrease", "fewer", "decline", "reduce"),
    "fall": ("decrease", "fewer", "decline", "reduce"),
    "rise": ("increase", "more"),
    "grow": ("increase", "more"),
    "especially": ("particular", "particularly"),
    # streaks: "three straight years" is the report's "third consecutive year"
    "row": ("consecutive",),
    "two": ("second",),
    "three": ("third",),
    "four": ("fourth",),
    "five": ("fifth",),
    "six": ("sixth",),
    "seven": ("seventh",),
    "eight": ("eighth",),
    "nine": ("ninth",),
    "ten": ("tenth",),
    # things and places
    "vulnerable": ("risk", "susceptible"),
    "risk": ("vulnerable", "vulnerability", "susceptible"),
    "job": ("employment", "work", "employ"),
    "salary": ("wage",),
    "area": ("region", "zone", "district", "province", "locality"),
    "crop": ("agriculture", "agricultural", "plantation", "field", "growing"),
    "farm": ("agriculture", "agricultural", "plantation", "ranch"),
    "factory": ("manufacturing", "sweatshop", "garment"),
    "boat": ("vessel", "ship", "fishing"),
    "ship": ("vessel", "boat"),
    "internet": ("online", "cyber", "social media"),
    "online": ("internet", "cyber", "social media"),
    "scam": ("fraud", "cyber"),
    "ring": ("syndicate", "network", "organized crime", "criminal group"),
    "gang": ("syndicate", "network", "organized crime", "criminal group"),
    "compound": ("operation", "facility", "camp", "site"),
    "house": ("shelter", "accommodation", "housing"),
    "law": ("legislation", "act", "code", "statute"),
    "legislation": ("law",),
    "court": ("judicial", "judiciary", "judge", "tribunal"),
    "judge": ("court", "judicial", "judiciary"),
    "army": ("military", "armed forces"),
    "soldier": ("armed", "militia", "combatant"),
    "company": ("business", "firm", "employer", "enterprise"),
    "business": ("company", "firm", "enterprise"),
    "debt": ("bonded", "bondage"),
    "passport": ("identity document", "document"),
    "abroad": ("overseas", "foreign"),
    "overseas": ("abroad", "foreign"),
    "foreigner": ("foreign national", "foreign worker", "foreign victim"),
    "woman": ("female",),
    "women": ("female",),
    "man": ("male",),
    "men": ("male",),
    "prostitute": ("commercial sex", "prostitution"),
}


@lru_cache(maxsize=1)
def _stemmed() -> dict[str, tuple[frozenset[str], ...]]:
    """The table in stems: a user's stem -> the stems of each report phrase (all of a phrase's words must be there)."""
    table: dict[str, list[frozenset[str]]] = {}
    for word, said_as in _SAID_AS.items():
        stems = tokens(word)
        if len(stems) == 1:
            table.setdefault(stems[0], []).extend(frozenset(tokens(phrase)) for phrase in said_as)
    return {k: tuple(v) for k, v in table.items()}


def report_phrases(stem: str) -> tuple[frozenset[str], ...]:
    """The stems of each report phrase that says a user's stem ("confus" -> {"conflat"}, {"conflat"})."""
    return _stemmed().get(stem, ())


def held_words(asked: Iterable[str], present: set[str]) -> set[str]:
    """The stems in ``asked`` that a sentence with the stems ``present`` holds, as they are or in the report's
    words."""
    asked = set(asked)
    return (asked & present) | covered_by_report_words(asked, present)


def covered_by_report_words(asked: Iterable[str], present: set[str],
                             family: Callable[[str], str] = lambda stem: stem) -> set[str]:
    """The question's stems in ``asked`` that a sentence with the stems ``present`` says in the report's words
    (each compared by ``family``, so that "worker" counts as "work")."""
    table = _stemmed()
    said = [t for t in asked if t in table and t not in present]
    if not said:  # most questions: nothing to look up, and no word families to compute
        return set()
    have = {family(t) for t in present}
    return {t for t in said if any(all(family(p) in have for p in phrase) for phrase in table[t])}
