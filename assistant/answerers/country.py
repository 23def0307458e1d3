"""Which country / which government / where: the reply leads with the country of the narrative that says it."""

from __future__ import annotations

import re

from assistant.answerers.base import CLAIM_MAX_CHARS, Tools, Turn
from assistant.answerers.facts import SINGLE_SHARE
from assistant.conversation import only_origins
from assistant.evidence import TIER_NOISE, Candidate, Unit
from assistant.intents import Intent
from assistant.paraphrases import held_words
from assistant.phrasing import join_names
from assistant.records import Reply
from assistant.tiers import move_of, placement_constraint, tier_unit_span
from index.text import tokens

# Passages searched across all narratives: more than for a one-country question.
COUNTRY_TOP_K = 16
# For "which countries", others are named too when their best sentence has at least this share of the
# best one's probability.
PLURAL_SHARE = 0.5
MAX_COUNTRIES = 5
_ONE = re.compile(r"\bwhich one\b|\bwhich (country|government|nation) (is|was|has|had|did|does)\b", re.I)
# "Which of X, Y and Z …?": the question's own list; each of them is named down to this share.
POOL_SHARE = 0.2
# "Which country's Belt and Road projects …?": the answer owns the thing asked about.
_OWNED = re.compile(r"\b(?:which|what) (?:country|government|nation)['’]s (?P<thing>[\w-]+)|"
                    r"^\W*whose (?P<thing2>[\w-]+)", re.I)
# A country named within a sentence's first words is what the sentence is about.
SUBJECT_WORDS = 4


class CountryAnswerer:
    def answer(self, turn: Turn, tools: Tools) -> Reply:
        within = turn.subjects if turn.filtered else (turn.pool or None)
        # "Which foreign government exploits medical staff in Haiti?": Haiti's narrative names it.
        hosts = [c for c in turn.mentioned if c in tools.by_country] if turn.cues.foreign and not within else []
        within = hosts or within
        # "Which of these Tier 3 places …: X, Y, Z?": the placement describes the listed countries; the rest of
        # the question is what the answer must speak of, not their placement.
        settled = bool(turn.pool) and placement_constraint(turn.question) and turn.cues.move is None
        if within is None and placement_constraint(turn.question):
            # "Which Tier 3 island …": only narratives with that placement can answer, so only they are searched,
            # and their placement sentences answer nothing more.
            within = [c for c in tools.by_country if fits_placement(c, turn, tools)] or None
            settled = within is not None
        rated = tools.retrieved_candidates(turn, within, k=max(COUNTRY_TOP_K, tools.settings.search.top_k),
                                           ask=tools.ask_of(turn, Intent.COUNTRY), placement_if_asked=True,
                                           placement_settled=settled)
        best_by_country: dict[str, Candidate] = {}
        runner_up: dict[str, Candidate] = {}
        for candidate in tools.confident(rated):
            country = foreign_country(candidate, hosts, tools) if hosts else answer_country(candidate, turn, tools)
            if country is None:
                continue
            if turn.pool and country not in turn.pool:
                continue  # "which of X, Y and Z": the answer is one of them
            # "Which countries do Cuban workers go to?": not Cuba, which the question itself names.
            if (turn.pool or country not in turn.mentioned) and fits_placement(country, turn, tools):
                if country in best_by_country:
                    runner_up.setdefault(country, candidate)
                best_by_country.setdefault(country, candidate)
        if not best_by_country:
            return tools.does_not_say(turn, "which country")
        confident = list(best_by_country.values())
        top = confident[0].probability
        plural = _plural(turn.question) or (bool(turn.pool) and not _ONE.search(turn.question))
        facts = question_facts(turn.question, tools) if not plural else []
        if facts:
            return _by_facts_held(turn, tools, facts, best_by_country)
        # Among countries the question lists, each that the model trusts is named, down to a lower share.
        share = POOL_SHARE if turn.pool else PLURAL_SHARE
        chosen = [(country, c) for country, c in best_by_country.items()
                  if plural and c.probability >= top * share][:MAX_COUNTRIES] or \
            [next(iter(best_by_country.items()))]
        cites = tools.citations()
        names = [country for country, _ in chosen]
        lead = join_names([f"**{name}**" for name in names]) + "."
        if len(chosen) == 1:
            country, best = chosen[0]
            text = f"{lead} {tools.claim(best, cites.unit(best.unit, best.probability))}"
            second = runner_up.get(country)
            if second is not None and second.probability >= best.probability * SINGLE_SHARE:
                # A second sentence of the same narrative that fits nearly as well is proof too.
                text += " " + tools.claim(second, cites.unit(second.unit, second.probability), CLAIM_MAX_CHARS)
        else:
            text = lead + "\n" + "\n".join(
                f"- {country}: {tools.claim(c, cites.unit(c.unit, c.probability))}" for country, c in chosen)
        return Reply(turn.question, text, cites.items, refused=False, best_score=top, countries=names,
                     lead=join_names(names))


def answer_country(candidate: Candidate, turn: Turn, tools: Tools) -> str:
    """The country a sentence answers with: the owner of what the question asks about ("which country's Belt
    and Road projects" and "China's Belt and Road Initiative"), one it names as its subject ("North Korea exploits
    some of its citizens in China", in China's narrative), else its narrative's."""
    matcher = tools.index.countries
    owned = _OWNED.search(turn.question)
    if owned:
        word = re.escape(owned.group("thing") or owned.group("thing2"))
        for match in re.finditer(rf"\b((?:[A-Z][\w-]*\s+){{0,3}}[A-Z][\w-]*)['’]s\s+{word}", candidate.unit.text,
                                 re.I):
            found = [c for c, outright in matcher.mentions(match.group(1)) if outright and c in tools.by_country]
            if found:
                return found[-1]
    opening = " ".join(candidate.unit.text.split()[:SUBJECT_WORDS])
    # "women from Haiti, …": a country people come from is not what the sentence is about.
    named = [c for c, outright in matcher.mentions(opening) if outright and c in tools.by_country
             and not only_origins(opening, [c], matcher)]
    return named[0] if named else tools.country_of(candidate.unit)


def foreign_country(candidate: Candidate, hosts: list[str], tools: Tools) -> str | None:
    """The country a sentence names (or whose people it names) other than the ones it is about ("The Cuban
    Government may be exploiting Cuban workers in medical missions in Venezuela" -> Cuba)."""
    own = {tools.country_of(candidate.unit), *hosts}
    return next((c for c, _ in tools.index.countries.mentions(candidate.unit.text) if c not in own), None)


def fits_placement(country: str, turn: Turn, tools: Tools) -> bool:
    """"Which Tier 3 country …", "which country, downgraded this year, …": the placement must match too (a
    country without a narrative, named in another's, has no placement to match)."""
    if not placement_constraint(turn.question) or country not in tools.by_country:
        return True
    doc = tools.doc(country)
    if turn.cues.tier_named and (doc.tier == turn.cues.tier_named) == turn.cues.not_on:
        return False
    if turn.cues.move in ("downgraded", "upgraded"):
        return move_of(doc.text[slice(*tier_unit_span(doc))]) == turn.cues.move
    return True


def _plural(question: str) -> bool:
    return bool(re.search(r"\b(countries|governments|nations|jurisdictions|territories|regimes|places)\b", question,
                          re.I))


# "Which place has no shelters for victims and officials who confuse trafficking with smuggling?": two facts,
# which one narrative must both hold. Parts are cut at these words.
# "and" joins two facts only before a verb or a clause ("and has Chinese owners …", "and forces …", "and officials
# who …"), not two nouns ("women and girls").
_PARTS = re.compile(r"\s*,?\s*\b(?:but|while|yet|whereas|although|though)\b\s*|\s*;\s*|"
                    r"\s*,?\s*\band\s+(?=(?:has|have|had|is|are|was|were|does|did|do|still|also|its|their|where|"
                    r"whose|then|[a-z]+ed|[a-z]+es)\b|(?:[\w-]+\s+){1,2}(?:who|that|which)\b)", re.I)
_NEGATED = re.compile(r"\b(no|not|never|without|lack\w*|none|nor|neither|absence|fail\w*|unable)\b|n['’]t\b", re.I)
# Words of the question's frame, not of a fact: the country asked for, its placement, negation (checked apart).
_FRAME = TIER_NOISE | frozenset(tokens("place country countries nation government island jurisdiction territory "
                                        "still no not never without none also even", keep_stopwords=True))
# A fact is held by a sentence with at least this share of its words (or the report's words for them).
FACT_COVERAGE = 2 / 3
# Words before a fact's word that a negation may stand in ("did not have shelters").
NEGATION_REACH = 6
# Only countries whose best sentence has this share of the best one's probability are weighed.
FACT_RIVAL_SHARE = 0.15
MAX_RIVALS = 6


def question_facts(question: str, tools: Tools) -> list[tuple[frozenset[str], bool]]:
    """The facts a which-country question joins, each as its topic words and whether it is negated ("no
    shelters"); none unless there are two or more of at least two words each."""
    facts = []
    # "from Ethiopia and Mozambique": a list of names is one fact
    listed = re.sub(r"\b([A-Z][\w'’-]*),? and (?=[A-Z])", r"\1 & ", question)
    for part in _PARTS.split(listed):
        words = frozenset(tools.evidence.focus(part, [])) - _FRAME
        if len(words) >= 2:
            facts.append((words, bool(_NEGATED.search(part))))
    return facts if len(facts) >= 2 else []


def holds_fact(text: str, words: frozenset[str], negated: bool) -> bool:
    """Whether a sentence states the fact: enough of its words, negated as the question negates it."""
    found = re.findall(r"\S+", text)
    held = held_words(words, set(tokens(text)))
    if len(held) < FACT_COVERAGE * len(words):
        return False
    spots = [i for i, w in enumerate(found) if set(tokens(w)) & held]
    said_negated = any(_NEGATED.search(" ".join(found[max(0, i - NEGATION_REACH) : i + 1])) for i in spots)
    return said_negated == negated


def _by_facts_held(turn: Turn, tools: Tools, facts: list[tuple[frozenset[str], bool]],
                   best_by_country: dict[str, Candidate]) -> Reply:
    """The country whose narrative holds every fact the question joins, proved by a sentence for each; the best
    country by its sentence when none holds them all, or the best one does."""
    top = next(iter(best_by_country.values())).probability
    rivals = [(c, best) for c, best in best_by_country.items() if best.probability >= top * FACT_RIVAL_SHARE]
    proofs: dict[str, list[Unit]] = {}
    for country, best in rivals[:MAX_RIVALS]:
        doc = tools.index.documents[best.unit.document]
        units = [best.unit, *(tools.evidence.unit(doc, a, b) for a, b in tools.index.unit_spans(doc.doc_id))]
        found = [next((u for u in units if holds_fact(u.text, words, negated)), None) for words, negated in facts]
        if all(found):
            proofs[country] = list(dict.fromkeys(u for u in found if u is not None))
    country, best = rivals[0]
    if country not in proofs and proofs:
        country = next(iter(proofs))
    cites = tools.citations()
    if country not in proofs:
        text = f"**{country}**. {tools.claim(best, cites.unit(best.unit, best.probability))}"
        return Reply(turn.question, text, cites.items, refused=False, best_score=top, countries=[country],
                     lead=country)
    units = proofs[country]
    if best_by_country[country].unit in units:  # the best-rated proof first
        units.remove(best_by_country[country].unit)
        units.insert(0, best_by_country[country].unit)
    claims = " ".join(tools.claim_unit(u, cites.unit(u), CLAIM_MAX_CHARS) for u in units)
    return Reply(turn.question, f"**{country}**. {claims}", cites.items, refused=False,
                 best_score=best_by_country[country].probability, countries=[country], lead=country)
