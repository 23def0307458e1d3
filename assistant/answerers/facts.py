"""Who / which group / what happened, and yes-or-no questions: the sentences that answer, each cited."""

from __future__ import annotations

import re

from assistant.answerers.base import CASE_STEPS, CLAIM_MAX_CHARS, Tools, Turn
from assistant.evidence import DOWN, FEATURES, UP, Candidate, placement_statement
from assistant.paraphrases import covered_by_report_words, held_words
from assistant.records import Reply
from index.chunk import is_list_section, is_profile_section
from index.text import tokens

# Other sentences join the best one when their probability is at least this share of its probability.
LIST_SHARE = 0.6
SINGLE_SHARE = 0.5
RECOMMENDED = "The report recommends it"
TYPE_MATCH = FEATURES.index("type_match")
_HAPPENED = re.compile(r"^\W*(?:and |so |but )?(did|was|were|has|have|had|how did|what did|what happened)\b", re.I)
_NATIONALITY = re.compile(r"\b(what|which)\s+(\w+\s+)?nationalit(y|ies)\b|\bwhat (countries|country) (are|were|was|is) "
                          r"(they|the victims|victims|the traffickers|traffickers) from\b", re.I)
# A follow-up's own words may lift a sentence that holds them all down to this share of the answer threshold.
OWN_TOPIC_SHARE = 0.5
# A yes or no needs the answering sentence to hold at least this share of the question's topic words.
VERDICT_COVERAGE = 0.5
_PLURAL_ASK = re.compile(r"^\W*(who|which|what)\b[^?]{0,30}?\b\w+(s|ies)\b|\bwho (are|were)\b|\bwhat (are|were)\b|"
                         r"\bin what ways\b|\blist\b", re.I)
_NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|without|lack(s|ed|ing)?|fail(s|ed)? to|absence of|"
                       r"unable|did not|does not|do not|has not|have not|had not|inconsistent(ly)?|"
                       r"inadequate(ly)?|insufficient(ly)?|rarely|seldom|hardly|unevenly)\b|n['’]t\b", re.I)




class FactAnswerer:
    """The default: the best sentence, or for plural questions the few best, within the subject countries."""

    def answer(self, turn: Turn, tools: Tools) -> Reply:
        ask = tools.ask_of(turn)
        rated = tools.retrieved_candidates(turn, tools.scope(turn), ask=ask, placement_if_asked=True)
        if ask.person or ask.place:
            # A person or office must be named; for "where", a place (a sentence naming none tells no place).
            rated = [c for c in rated if c.features[TYPE_MATCH]]
        if _NATIONALITY.search(turn.question):
            # "What nationalities were they?": a sentence naming no country or people tells none.
            rated = [c for c in rated if tools.index.countries.mentions(c.unit.text)]
        if turn.cues.response:
            # What the government did is told by the findings on its efforts, not by the profile of the problem.
            efforts = [c for c in rated if not is_profile_section(c.unit.section)]
            if tools.confident(efforts):
                rated = efforts
        # What happened is answered by what the report found; a recommendation only says what should happen.
        confident = [c for c in tools.confident(rated) if not is_list_section(c.unit.section)]
        kind = turn.cues.name_of
        # "Which agencies …?": a trusted sentence that names one answers before a better one that names none.
        naming = [c for c in confident if kind and _speaks_of(c.unit.text, kind) and _named(c.unit.text, kind, tools)]
        confident = naming or _own_topic_first(turn, tools, rated, confident)
        advised = [c for c in tools.confident(rated) if is_list_section(c.unit.section)]
        # "Did the number of victims rise?" asks what happened, which only findings tell; "Will survivors get a
        # lawyer?" may be answered by a recommendation when no finding fits nearly as well.
        if advised and (not confident or (not _HAPPENED.search(turn.question)
                                          and confident[0].probability < advised[0].probability * LIST_SHARE)):
            return _recommended(turn, tools, advised[0])
        if not confident:
            closest = turn.candidates[0] if turn.candidates and \
                turn.candidates[0].probability >= tools.threshold * 0.6 else None
            if turn.mentioned and not rated:
                return _not_mentioned(turn, tools)
            return tools.does_not_say(turn, "who" if ask.person else "this", closest)
        chosen = select(confident, plural=bool(_PLURAL_ASK.search(turn.question)),
                        limit=tools.settings.answering.max_citations)
        chosen = each_subject(chosen, confident, turn, tools)
        if kind and not any(_named(c.unit.text, kind, tools) for c in chosen):
            # "Which international organization …?" and the report says only "an international organization".
            what = kind if kind.startswith("the ") else f"which {kind}" if not kind.endswith("s") else \
                f"who the {kind} were"
            # "the name of the law": a sentence is quoted only if it speaks of a law
            noun = kind.removeprefix("the ").lower().rstrip("s")
            nouns = [noun, *_SAME_KIND.get(noun, ())]
            speaks = chosen[0] if not kind.startswith("the ") else next(
                (c for c in chosen if any(n in c.unit.text.lower() for n in nouns)), None)
            return tools.does_not_say(turn, what, speaks, names=True)
        return compose(turn, tools, chosen)


class YesNoAnswerer:
    """Yes or no, decided from whether the answering sentence negates what was asked; then the proof."""

    def answer(self, turn: Turn, tools: Tools) -> Reply:
        reply = FactAnswerer().answer(turn, tools)
        if reply.refused or not turn.candidates or reply.lead == RECOMMENDED:
            return reply  # a recommendation says what should happen: no yes or no about what did
        # The verdict comes from the sentence the reply cites first (not a better-rated recommendation).
        first = reply.citations[0] if reply.citations else None
        best = turn.chosen[0] if turn.chosen else next(
            (c for c in turn.candidates if first is not None and c.unit.document == first.document
             and c.unit.start <= first.start < c.unit.end), turn.candidates[0])
        # The boilerplate decides nothing but the placement; a sentence sharing few of the question's words
        # may answer it, but not with a yes or no, unless it says which way a figure went ("fewer victims").
        if placement_statement(best.unit.text) or (turn.cues.response and is_profile_section(best.unit.section)):
            return reply  # nor does the profile of the problem say whether the government did anything
        # The steps of a case asked about: the sentence must say whether they were done ("detained migrants" and
        # "charged suspects" name people more often than they ask whether it was done).
        asked = set(tokens(turn.question)) & (CASE_STEPS - _NAMES_PEOPLE)
        if asked and not any(held_words(asked, set(tokens(c.unit.text))) for c in [best, *turn.chosen]):
            # "Did the government prosecute any of those tourists?" and the sentence only says where the tourists
            # come from: it does not tell whether anyone was prosecuted.
            return tools.does_not_say(turn, "this", best)
        verdict = polarity(turn.question, best, tools)
        # A follow-up's coverage is of the topic it took from the question before; its own words may suffice.
        own = _own_words(turn, tools)
        if verdict is None or (best.features[2] < VERDICT_COVERAGE and direction(turn.question, best) is None
                               and not (own and _holds(best, own))):
            return reply
        reply.answer = f"**{verdict}.** {reply.answer}"
        reply.lead = verdict
        return reply


_NAMES_PEOPLE = frozenset(tokens("detain detained charge charged", True))


# Capitalised words that name nothing in particular.
_GENERIC_CAPITALS = frozenset({"NGO", "NGOs", "TIP", "NAP", "SOP", "SOPs", "COVID-19", "COVID", "Tier", "Watch", "List",
                               "The", "However", "Although", "In", "During", "Despite",
                               # regions are places, not names of anything asked for
                               "Europe", "European", "Asia", "Asian", "Africa", "African", "Middle", "East", "Eastern",
                               "West", "Western", "North", "Northern", "South", "Southern", "Southeast", "Central",
                               "America", "Americas", "Latin", "Gulf", "Caribbean", "Pacific", "Sub-Saharan"})


def names_something(text: str, tools: Tools) -> bool:
    """Whether a sentence gives a proper name (a person, an organization, a program, an acronym) besides
    countries and their peoples: "the Wagner Group", "IOM"; not "an international organization"."""
    countries = {f for c, _ in tools.index.countries.mentions(text) for f in tools.index.countries.forms(c)}
    words = [w for w in re.findall(r"(?<![\w’'-])[A-Z][\w’'-]*", text[1:])
             if w.split("-")[0] not in _GENERIC_CAPITALS and w.lower() not in countries
             and w.lower().removesuffix("s") not in countries]
    return bool(words)


# Words the report uses for the kind of thing a question names ("the scheme" is its "program").
_SAME_KIND = {"law": ("act", "statute", "legislation", "code"), "scheme": ("program", "initiative", "project"),
              "program": ("programme", "scheme", "initiative", "project"), "shelter": ("center", "centre", "home"),
              "plan": ("strategy",), "hotline": ("helpline", "line")}


# "Which agencies are the complicit officials from?": a kind of office answers it without a proper name.
_OFFICES_ASKED = ("agenc", "official", "officer", "authorit", "institution", "bodies", "body", "force")
_OFFICE = (r"(?:police|immigration|border|customs|military|army|navy|security|judicial|labor|labour|prison|"
           r"law enforcement|local|municipal|provincial|consular|diplomatic|intelligence)")
_OFFICE_KIND = re.compile(rf"\b{_OFFICE}(?:\s*(?:,|and|or)\s*{_OFFICE})*\s+"
                          r"(officials|officers|authorities|agents|guards|forces|personnel|services|inspectors)\b",
                          re.I)


def _names_an_office(noun: str, text: str) -> bool:
    return noun.startswith(_OFFICES_ASKED) and bool(_OFFICE_KIND.search(text))


def _speaks_of(text: str, kind: str) -> bool:
    """Whether a sentence speaks of the kind of thing asked for at all (by its noun, one of the same kind, or
    a kind of office)."""
    noun = kind.removeprefix("the ").lower().rstrip("s")
    return _names_an_office(noun, text) or (bool(noun) and any(
        n in text.lower() for n in (noun, *_SAME_KIND.get(noun, ()))))


def _named(text: str, kind: str, tools: Tools) -> bool:
    """Whether a sentence names the kind of thing asked for: a proper name in the stretch that speaks of it
    ("accredited two shelters" names none, though the sentence names a "National Action Plan")."""
    noun = kind.removeprefix("the ").lower().rstrip("s")
    if _names_an_office(noun, text):
        return True
    nouns = [noun, *_SAME_KIND.get(noun, ())] if noun else []
    holding = [part for part in re.split(r"[,;]|\band\b", text) if any(n in part.lower() for n in nouns)]
    # "armed groups operating in Iraq, including ISIS, tribal forces …": the list after it names them
    listed = [m.group(1) for m in re.finditer(rf"{re.escape(noun)}\w*\b[^;,]*[,:]?\s*(?:including|such as|namely|"
                                              r"notably|like)\b([^;]*)", text, re.I)] if noun else []
    return any(names_something(" " + part.strip(), tools) for part in (holding + listed or [text]))


def select(confident: list[Candidate], plural: bool, limit: int) -> list[Candidate]:
    best = confident[0].probability
    share = LIST_SHARE if plural else SINGLE_SHARE
    cap = min(limit, 3) if plural else 2
    return [c for c in confident if c.probability >= best * share][:cap]


def _own_topic_first(turn: Turn, tools: Tools, rated: list[Candidate], confident: list[Candidate]) -> list[Candidate]:
    """"Has the government prosecuted anybody for it?" after a question on the cotton harvest: the topic comes from
    the question before, but the answer must speak of this question's own words (prosecuted), which the sentences
    best on the old topic may not. When the best holds none of them, sentences that hold them all are taken first,
    down to a lower bar."""
    own = _own_words(turn, tools)
    if not own:
        return confident
    if confident and _holds_any(confident[0], own):
        return confident  # the best sentence speaks of the follow-up's own topic too
    lifted = [c for c in rated if _holds(c, own) and c.probability >= tools.threshold * OWN_TOPIC_SHARE
              and not is_list_section(c.unit.section)]
    return lifted or confident


def _own_words(turn: Turn, tools: Tools) -> set[str]:
    """A follow-up's own topic words when the rest of its topic comes from the question before (else none)."""
    if not turn.history:
        return set()
    own = set(tools.evidence.focus(turn.question, turn.subjects))
    return set() if own >= set(tools.evidence.focus(turn.context, turn.subjects)) else own


def _holds_any(candidate: Candidate, words: set[str]) -> bool:
    return bool(held_words(words, set(tokens(candidate.unit.text))))


def _holds(candidate: Candidate, words: set[str]) -> bool:
    return held_words(words, set(tokens(candidate.unit.text))) == words


def each_subject(chosen: list[Candidate], confident: list[Candidate], turn: Turn, tools: Tools) -> list[Candidate]:
    """"Which armed groups use children in Iraq and in Syria?": every country the question names answers for
    itself, with its own best sentence, when its narrative has one the model trusts."""
    if len(turn.subjects) < 2:
        return chosen
    have = {tools.country_of(c.unit) for c in chosen}
    for country in turn.subjects:
        if country not in have:
            own = next((c for c in confident if tools.country_of(c.unit) == country), None)
            if own is not None:
                chosen = [*chosen, own]
                have.add(country)
    return chosen[: max(len(turn.subjects), tools.settings.answering.max_citations)]


def compose(turn: Turn, tools: Tools, chosen: list[Candidate], lead: str | None = None) -> Reply:
    """Sentences of the chosen candidates, grouped by country when there are several."""
    turn.chosen = list(chosen)
    cites = tools.citations()
    countries = list(dict.fromkeys(tools.country_of(c.unit) for c in chosen))
    # The best sentence is shown whole; the ones after it only by their best-matching stretch when long.
    claims = {id(c): tools.claim(c, cites.unit(c.unit, c.probability), None if i == 0 else CLAIM_MAX_CHARS)
              for i, c in enumerate(chosen)}
    # A sentence from another country's narrative than the one asked about says where it was found
    # ("Where are Venezuelan women coerced …?": the Dominican Republic's narrative answers).
    if len(countries) > 1 or (countries and not set(countries) <= set(turn.subjects)):
        lines = [f"**{country}**: " + " ".join(claims[id(c)] for c in chosen if tools.country_of(c.unit) == country)
                 for country in countries]
        text = "\n".join(f"- {line}" for line in lines) if len(lines) > 1 else lines[0]
    else:
        text = " ".join(claims[id(c)] for c in chosen)
    if lead:
        text = f"{lead} {text}"
    return Reply(turn.question, text, cites.items, refused=False, best_score=chosen[0].probability,
                 countries=countries if not turn.subjects else [])


def direction(question: str, candidate: Candidate) -> str | None:
    """'Yes' or 'No' when the question asks which way something went and the sentence says it ("Did the number
    of victims rise?" / "identified fewer victims"); else None."""
    text = candidate.unit.text[candidate.view[0] : candidate.view[1]]
    asked_up, asked_down = bool(UP.search(question)), bool(DOWN.search(question))
    said_up, said_down = bool(UP.search(text)), bool(DOWN.search(text))
    if not (said_up or said_down):  # the stretch shown may leave out the sentence's "fewer"
        said_up, said_down = bool(UP.search(candidate.unit.text)), bool(DOWN.search(candidate.unit.text))
    if asked_up != asked_down and said_up != said_down:
        return "Yes" if asked_up == said_up else "No"
    return None


def polarity(question: str, candidate: Candidate, tools: Tools) -> str | None:
    """'Yes' or 'No': the sentence negates the question's predicate exactly when the question does not, or
    moves the other way ("Did the number of victims rise?" / "identified fewer victims")."""
    moved = direction(question, candidate)
    if moved is not None:
        return moved
    asked_negated = bool(_NEGATION.search(question))
    focus = set(tools.evidence.focus(question, []))

    def spots_in(text: str) -> tuple[list[str], list[int], int]:
        words = re.findall(r"\S+", text)
        hits = [(i, set(tokens(w)) & focus or covered_by_report_words(focus, set(tokens(w)))) for i, w in
                enumerate(words)]
        hits = [(i, h) for i, h in hits if h]
        return words, [i for i, _ in hits], len(set().union(*(h for _, h in hits)) if hits else set())

    # The stretch shown, unless the whole sentence holds more of the question's words ("did not report any
    # referrals of victims to services; … provide justice for adult victims" shows its second half).
    words, spots, held = spots_in(candidate.unit.text[candidate.view[0] : candidate.view[1]])
    whole = spots_in(candidate.unit.text)
    if whole[2] > held:
        words, spots, held = whole
    if not spots:
        return None
    negated = any(_NEGATION.search(" ".join(words[max(0, i - 6) : i + 1])) for i in spots)
    return "No" if negated != asked_negated else "Yes"


def _recommended(turn: Turn, tools: Tools, candidate: Candidate) -> Reply:
    """The report speaks of it only as a recommendation: say so, and quote it."""
    cites = tools.citations()
    claim = tools.claim(candidate, cites.unit(candidate.unit))
    text = f"The report does not say that it happened; it recommends it: {claim}"
    return Reply(turn.question, text, cites.items, refused=False, best_score=candidate.probability,
                 lead=RECOMMENDED)


def _not_mentioned(turn: Turn, tools: Tools) -> Reply:
    """The subject's narrative never names a country the question ties it to ("Nigerian traffickers")."""
    from assistant.phrasing import join_names

    uncovered = [c for c in turn.mentioned if c not in tools.by_country]
    if not turn.subjects and uncovered:  # "Are Peruvian workers at risk?"
        return tools.not_covered(turn, uncovered)
    docs = [tools.doc(c) for c in turn.subjects]
    whose = f"The report's narrative{'s' if len(docs) > 1 else ''} on {join_names(turn.subjects)}" \
        if docs else "The report"
    names = join_names(turn.mentioned)
    if docs and not tools.index.countries.mentioned_in(turn.mentioned, docs):
        text = f"{whose} never mention{'s' if len(docs) == 1 else ''} {names}, so it does not say this."
    else:
        text = f"{whose} does not mention {names} in connection with this, so it does not say this."
    return Reply(turn.question, text, [], refused=True)
