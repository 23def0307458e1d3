"""How many / how long / since when / what age / what share: the reply states the quantity with its unit,
taken from a sentence where it sits next to the thing counted; else it says the report does not give it."""

from __future__ import annotations

import re

from assistant import quantities
from assistant.answerers.base import CASE_STEPS, CLAIM_MAX_CHARS, Tools, Turn
from assistant.evidence import Candidate
from assistant.intents import Quantity
from assistant.records import Reply
from index.text import tokens

PARAPHRASE_SIMILARITY = 0.7
_WHAT = {
    Quantity.COUNT: "that number", Quantity.DURATION: "how long", Quantity.DATE: "when",
    Quantity.AGE: "that age", Quantity.SHARE: "that share", Quantity.MONEY: "that amount",
    Quantity.PENALTY: "what the sentences were", Quantity.TERM: "the prison term",
}


# What a count counts is often an action ("victims identified", "traffickers convicted"): the number must come
# from a clause where that action is done, not from one about referrals or arrests.
_ACTIONS = frozenset(tokens(
    "identify identified convict convicted prosecute prosecuted investigate investigated arrest arrested train trained "
    "rescue rescued refer referred assist assisted shelter sheltered deport deported repatriate repatriated fund "
    "funded sentence sentenced charge charged inspect inspected screen screened certify certified recruit recruited "
    "detain detained", True))


def _actions(question: str) -> frozenset[str]:
    return frozenset(tokens(question)) & _ACTIONS


def zero_counts(phrase: str, actions: frozenset[str], counted: frozenset[str]) -> bool:
    """Whether a zero ("did not identify any trafficking victims") counts what was asked: "did not report any
    data" is no zero count of victims identified, so the phrase must say it, by its verb or by the noun it ends
    on ("any trafficking victims" counts victims, not traffickers)."""
    words = tokens(phrase)
    return bool(actions & set(words) or counted & set(words[-1:]))


def _counts_else(candidate: Candidate, asked: frozenset[str]) -> bool:
    """Whether the quantity says it counts something the question does not speak of ("dozens of countries" for
    a question about workers): a sentence close in meaning does not make it an answer."""
    own = set(tokens(quantities.counted_words(candidate.unit.text, candidate.quantity)))
    return bool(own) and not own & asked


def _acts(candidate: Candidate, actions: frozenset[str], counted: frozenset[str]) -> bool:
    """Whether the clause holding the quantity does one of the question's actions (true when none is asked)."""
    found = candidate.quantity
    if quantities.is_zero(found.text):
        return zero_counts(found.text, actions, counted)
    if not actions:
        return True
    text = candidate.unit.text
    start = max(text.rfind(";", 0, found.start), text.rfind(",", 0, found.start - 40) if found.start > 40 else -1)
    end = text.find(";", found.end)
    clause = text[start + 1 : end if end >= 0 else len(text)]
    if not actions & set(tokens(clause)):
        return False
    # "more traffickers were convicted, two police officers were investigated": the number's own clause does
    # another action than the one asked, so it counts that.
    own_start = max(text.rfind(",", 0, found.start), text.rfind(";", 0, found.start))
    own_ends = [i for i in (text.find(",", found.end), text.find(";", found.end)) if i >= 0]
    done = set(tokens(text[own_start + 1 : min(own_ends, default=len(text))])) & CASE_STEPS
    return not done or not actions & CASE_STEPS or bool(done & actions)


# A count asked for as such: a share does not answer it.
_ABSOLUTE = re.compile(r"\b(absolute|in total|total number|raw (number|figure|count)|head ?count|actual number)\b",
                       re.I)


class QuantityAnswerer:
    def answer(self, turn: Turn, tools: Tools) -> Reply:
        ask = tools.ask_of(turn)
        rated = tools.retrieved_candidates(turn, tools.scope(turn), ask=ask)
        # A sentence answers only with a quantity of the kind asked, counting the thing asked about (or, in
        # other words, meaning nearly the same as the question).
        actions = _actions(turn.question)
        topic = frozenset(ask.focus)
        answering = [c for c in rated if c.quantity is not None
                     and (not ask.counted or c.features[7] or (c.semantic >= PARAPHRASE_SIMILARITY
                                                               and not _counts_else(c, ask.counted | topic)))
                     and _acts(c, actions, ask.counted)]
        confident = tools.confident(answering)
        if not confident:
            closest = next((c for c in rated if c.probability >= tools.threshold * 0.6), None)
            return tools.does_not_say(turn, _WHAT[ask.quantity or Quantity.COUNT], closest)
        best = confident[0]
        if turn.cues.exact and quantities.is_vague(best.quantity.text):
            cites = tools.citations()
            n = cites.unit(best.unit, best.probability)
            text = (f"The report gives no exact figure; it says “{best.quantity.text}”: "
                    f"{tools.claim(best, n, CLAIM_MAX_CHARS)}")
            return Reply(turn.question, text, cites.items, refused=True, best_score=best.probability)
        if ask.quantity is Quantity.COUNT and best.quantity.kind is Quantity.SHARE and _ABSOLUTE.search(turn.question):
            # "How many children in total (absolute number)?" and the report gives "25% of children".
            cites = tools.citations()
            n = cites.unit(best.unit, best.probability)
            text = (f"The report gives no number, only a share, “{best.quantity.text}”: "
                    f"{tools.claim(best, n, CLAIM_MAX_CHARS)}")
            return Reply(turn.question, text, cites.items, refused=True, best_score=best.probability)
        cites = tools.citations()
        phrase = "None" if quantities.is_zero(best.quantity.text) else best.quantity.text
        where = tools.country_of(best.unit)
        lead = f"**{phrase[0].upper() + phrase[1:]}**"
        if len(turn.subjects) != 1:  # say whose figure it is when the question did not
            lead += f" ({where})"
        claim = tools.claim(best, cites.unit(best.unit, best.probability), CLAIM_MAX_CHARS)
        return Reply(turn.question, f"{lead}. {claim}", cites.items, refused=False, best_score=best.probability,
                     lead=phrase, countries=[where])
