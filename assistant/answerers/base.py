"""What every answerer shares: the turn being answered, citations, retrieval and evidence, refusals."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.evidence import (
    QUESTION_NOISE,
    RECOMMENDATION_NOISE,
    TIER_NOISE,
    Ask,
    Candidate,
    Evidence,
    Unit,
    boilerplate,
    standard_opener,
)
from assistant.intents import Cues, Intent, Quantity
from assistant.phrasing import cited, join_names, shorten
from assistant.records import Citation, Reply
from assistant.tiers import PLACEMENT_STEMS, TIER_STEMS
from index.records import Document, Hit
from index.search import TipIndex
from index.settings import Settings
from index.text import enclosing_sentence, tokens

# Claims longer than this show their best-matching stretch, with ellipses, rather than the whole clause.
CLAIM_MAX_CHARS = 300
MENTIONING_CACHE_SIZE = 512
_STANDARDS = re.compile(r"\bminimum standards\b|\bfully meets?\b", re.I)
_COUNTED_FILLER = frozenset(tokens("new more total different other exact exactly additional roughly about number "
                                   "many much", True))
# "How many people …" counts any group of people: "a million Iraqis", "260,000 Syrian refugees".
_PEOPLE = frozenset(tokens("people persons individuals", True))
_PEOPLE_NOUNS = frozenset(tokens("people persons individuals refugees migrants residents citizens nationals", True))


@dataclass
class Turn:
    """One question being answered: what it asks, about which countries, with what context."""

    question: str  # the cleaned question
    intent: Intent | None  # None: an injected instruction, not a question
    cues: Cues
    subjects: list[str]  # corpus countries it is about
    missing: list[str]  # countries it is about that the corpus lacks
    mentioned: list[str]  # other countries it names or qualifies; evidence must mention them
    query: str  # retrieval text (acronyms expanded, an elliptical follow-up joined to the turn before)
    context: str  # text whose terms are the question's focus
    history: list[str] = field(default_factory=list)
    filtered: bool = False  # the subjects come from a UI filter
    by_adjective: bool = False  # the subjects come from an adjective ("Eritreans"): other narratives may tell
    years: list[int] = field(default_factory=list)  # report editions the question names (held by the index)
    missing_years: list[int] = field(default_factory=list)  # editions it names that the index does not hold
    pool: list[str] = field(default_factory=list)  # "which of X, Y and Z …": the countries the answer is among
    origins: list[str] = field(default_factory=list)  # "women from X and Y … on which island?": the answer names them
    timings: dict[str, float] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    chosen: list[Candidate] = field(default_factory=list)  # the candidates the reply states, best first
    query_vector: np.ndarray | None = None
    topic_vector: np.ndarray | None = None
    retrieved: bool = False  # answered from retrieved passages (the path a local LLM may rewrite)
    two_part: bool = False  # the first part of a two-part question, whose reply has the second's joined on
    notes: list[str] = field(default_factory=list)  # how the question was read (e.g. cut to length)


# A clause that leans on the one before it ("similarly, …", "in addition, …").
_LEANS_BACK = re.compile(r"\W*(similarly|likewise|also|additionally|in addition|furthermore|moreover|as a result|"
                         r"consequently|in particular|specifically|in these cases|in such cases|of these|of them|"
                         r"of those|of whom|of which|this|these|they|it)\b", re.I)
# A clause is cited within its sentence up to this length (the factbook's paragraph-long sentences are not).
WIDEST_QUOTE_CHARS = 600


class Citations:
    """Collects citations, numbering each distinct excerpt once."""

    def __init__(self, documents: dict[str, Document]) -> None:
        self.documents = documents
        self.items: list[Citation] = []

    def add(self, document: str, start: int, end: int, score: float = 1.0) -> int:
        for citation in self.items:
            if citation.document == document and citation.start == start and citation.end == end:
                return citation.n
        doc = self.documents[document]
        self.items.append(Citation(
            n=len(self.items) + 1, document=document, country=doc.country, tier=doc.tier,
            section=doc.section_at(start), quote=doc.text[start:end], start=start, end=end, score=score,
            year=doc.year, page=doc.page_at(start),
        ))
        return self.items[-1].n

    def unit(self, unit: Unit, score: float = 1.0) -> int:
        """The citation of a unit: a clause is cited within its whole sentence when that is short enough to
        read ("These efforts included …; …; and …"), so the proof shows what the clause belongs to."""
        text = self.documents[unit.document].text
        start, end = enclosing_sentence(text, unit.start, unit.end)
        if end - start > WIDEST_QUOTE_CHARS:
            start, end = unit.start, unit.end
        if start == unit.start and _LEANS_BACK.match(unit.text):
            # "similarly, authorities did not screen Ukrainian refugees": the clause before says what it is
            # similar to, so the proof shows both.
            ended = text.rfind(";", 0, start)  # where the clause before ends, right before this one
            joined = ended > 0 and not text[ended + 1 : start].strip()
            before = max(text.rfind(";", 0, ended), text.rfind("\n", 0, ended)) + 1 if joined else start
            while before < start and text[before].isspace():
                before += 1
            if before < start and end - before <= WIDEST_QUOTE_CHARS:
                start = before
        return self.add(unit.document, start, end, score)


class Answerer(Protocol):
    """Answers the turns of one intent."""

    def answer(self, turn: Turn, tools: Tools) -> Reply: ...


# The steps of a case, each done (and counted) apart: identified, investigated, arrested, charged, prosecuted,
# convicted, sentenced, detained.
CASE_STEPS = frozenset(tokens(
    "identify identified investigate investigated arrest arrested charge charged prosecute prosecuted "
    "convict convicted sentence sentenced detain detained", True))

# "… north korean women in that country?": the place is the subject's own narrative, not the named group's.
_IN_THE_SUBJECT = re.compile(r"\b(in|inside|within)\s+(that|this|the same)\s+(country|nation|place)\b|"
                             r"\b(in|inside|within)\s+(it|there)\b", re.I)


class Tools:
    """The index, the evidence model and the helpers answerers share; one per Assistant."""

    def __init__(self, index: TipIndex, evidence: Evidence, settings: Settings,
                 by_country: dict[str, Document]) -> None:
        self.index = index
        self.evidence = evidence
        self.settings = settings
        self.by_country = by_country
        self._mentioning: dict[tuple[str, ...], list[str]] = {}
        self._mentioning_lock = threading.Lock()

    def mentioning(self, countries: list[str]) -> list[str]:
        """The countries whose narratives mention any of ``countries``; cached (it reads every narrative)."""
        key = tuple(sorted(countries))
        with self._mentioning_lock:
            found = self._mentioning.get(key)
        if found is None:
            found = self.index.countries.mentioned_in(list(key), self.index.documents.values())
            with self._mentioning_lock:
                if len(self._mentioning) >= MENTIONING_CACHE_SIZE:
                    self._mentioning.clear()
                self._mentioning[key] = found
        return found

    @property
    def threshold(self) -> float:
        return self.settings.answering.refusal_threshold if self.settings.answering.refusal_threshold is not None \
            else self.evidence.model.threshold

    def citations(self) -> Citations:
        return Citations(self.index.documents)

    def doc(self, country: str, year: int | None = None) -> Document:
        """A country's narrative: of edition ``year`` when held, else its latest."""
        if year is not None:
            found = self.index.document_for(country, year)
            if found is not None:
                return found
        return self.by_country[country]

    def docs(self, turn: Turn, country: str) -> list[Document]:
        """The narratives a turn is about for one country: the editions it names, else the latest."""
        if turn.years:
            found = self.index.documents_for(country, turn.years)
            if found:
                return found
        return [self.by_country[country]]

    # Retrieval and rating

    def query_vector(self, turn: Turn) -> np.ndarray:
        """The query's embedding, computed once per question whichever paths use it (with the topic's, in the
        same call, when the topic differs)."""
        if turn.query_vector is None:
            started = time.perf_counter()
            topic = self._topic_text(turn)
            vectors = self.index.embedder.encode([turn.query] if topic is None else [turn.query, topic])
            turn.query_vector = vectors[0]
            if topic is not None:
                turn.topic_vector = vectors[1]
            turn.timings["embed_ms"] = _ms(started)
        return turn.query_vector

    def topic_vector(self, turn: Turn, intent: Intent | None) -> np.ndarray | None:
        """The query's embedding without its subject countries' names, which every sentence of their narratives
        shares in meaning ("Did Montenegrin courts convict anyone?" is not about "Montenegrin women"); None when
        it is the query's own."""
        if intent is Intent.COUNTRY:
            return None
        self.query_vector(turn)
        return turn.topic_vector

    def _topic_text(self, turn: Turn) -> str | None:
        """The query less its subject countries' names and adjectives; None when that changes nothing."""
        if not turn.subjects or turn.intent is Intent.COUNTRY or turn.mentioned:
            return None
        names = "|".join(self.forms(c) for c in turn.subjects)
        # Names with the demonym endings the country matcher reads ("Freedonian", "Malaysians").
        stripped = re.sub(rf"(?<!\w)(?:{names})(?:n|an|ian|ese|i)?s?(?:'s|’s)?(?!\w)", " ", turn.query, flags=re.I)
        stripped = re.sub(r"\s+", " ", stripped).strip()
        return None if stripped == turn.query.strip() or len(stripped) < 3 else stripped

    def retrieve(self, turn: Turn, countries: list[str] | None, k: int | None = None) -> list[Hit]:
        started = time.perf_counter()
        routed = countries if (self.settings.search.country_routing or turn.filtered) else None
        hits = self.index.search(turn.query, k=k or self.settings.search.top_k, countries=routed or None,
                                 query_vector=self.query_vector(turn), routing=False, years=turn.years or None,
                                 latest=not turn.years)
        turn.hits = hits
        turn.retrieved = True
        turn.timings["retrieve_ms"] = turn.timings.get("retrieve_ms", 0.0) + _ms(started)
        return hits

    def ask_of(self, turn: Turn, intent: Intent | None = None, drop: frozenset[str] = frozenset()) -> Ask:
        """What the turn wants of its evidence."""
        intent = intent or turn.intent
        cues = turn.cues
        noise = drop | (frozenset() if intent is Intent.RECOMMENDATION else RECOMMENDATION_NOISE)
        noise |= frozenset() if cues.tier else TIER_NOISE
        noise |= PLACE_NOISE if cues.place else frozenset()
        subjects = [] if intent is Intent.COUNTRY else turn.subjects
        focus = tuple(self.evidence.focus(turn.context, subjects, noise))
        counted = frozenset()
        # A share's whole ("what share of those kids are girls") is seldom next to it: only counts and amounts
        # must sit by the thing counted.
        if intent is Intent.QUANTITY and cues.quantity in (Quantity.COUNT, Quantity.MONEY):
            head = _counted_head(turn.question)
            # "What is its total population?" names its counted thing last; "how often" counts times, and
            # "how many of them" counts what the conversation was about.
            if head is None and cues.quantity is Quantity.COUNT and not re.search(r"\bhow (often|many|much)\b",
                                                                                   turn.question, re.I):
                head = _quantity_noun(focus)
            counted = frozenset({head}) if head else frozenset()
            if head in _PEOPLE:  # "how many people were identified as victims": the victims count too
                counted |= _PEOPLE_NOUNS | self.index.countries.demonym_stems() | set(focus)
        # The sentence must tie the question's countries together; a which-country answer is a narrative
        # that may name them anywhere.
        required = tuple((c, self.forms(c)) for c in (turn.origins if intent is Intent.COUNTRY else turn.mentioned))
        tied = tuple((c, self.forms(c)) for c in subjects) if (turn.mentioned or turn.by_adjective) else ()
        return Ask(intent=intent, focus=focus, query_vector=self.query_vector(turn),
                   topic_vector=self.topic_vector(turn, intent),
                   quantity=cues.quantity if intent is Intent.QUANTITY else None, counted=counted,
                   aspect=cues.aspect if intent in (Intent.ASPECT, Intent.OVERVIEW) else None,
                   # A yes or no asks no place: "Is the DR a destination for sex tourists?"
                   person=cues.person, place=cues.place if intent not in (Intent.COUNTRY, Intent.YES_NO) else None,
                   home=tuple(turn.subjects) if turn.by_adjective else (),
                   placement=bool(cues.tier or cues.move), why=cues.why, main=cues.main, required=required,
                   subjects=tied)

    def forms(self, country: str) -> str:
        """A regular-expression alternation of a country's names and adjectives."""
        return "|".join(re.escape(f) for f in self.index.countries.forms(country))

    def scope(self, turn: Turn) -> list[str] | None:
        """The narratives to search: the subjects', and those of corpus countries the question also names
        ("How many North Koreans work in China?" may be answered by North Korea's narrative)."""
        if not turn.subjects or (turn.by_adjective and not turn.filtered):
            return None  # "Where are Eritreans exploited?": any narrative that speaks of them
        if turn.filtered or _IN_THE_SUBJECT.search(turn.question):
            return turn.subjects
        return list(dict.fromkeys([*turn.subjects, *(c for c in turn.mentioned if c in self.by_country)]))

    def rate(self, turn: Turn, units: list[Unit], ask: Ask | None = None) -> list[Candidate]:
        started = time.perf_counter()
        rated = self.evidence.rate(units, ask or self.ask_of(turn))
        turn.timings["select_ms"] = turn.timings.get("select_ms", 0.0) + _ms(started)
        return rated

    def retrieved_candidates(self, turn: Turn, countries: list[str] | None, k: int | None = None,
                             ask: Ask | None = None, placement_if_asked: bool = False,
                             placement_settled: bool = False) -> list[Candidate]:
        """Rated sentences of the passages retrieved for the turn (within ``countries`` when given); with
        ``placement_if_asked``, the placement boilerplate only when the question is about placement; with
        ``placement_settled`` (the countries were chosen by their placement), never."""
        hits = self.retrieve(turn, countries, k)
        units = self.evidence.units(hits)
        units += self.nearest_units(turn, countries, {(u.document, u.start) for u in units})
        if placement_if_asked or placement_settled:
            units = self.without_boilerplate(turn, units, placement_settled)
        rated = self.rate(turn, units, ask)
        turn.candidates = rated
        return rated

    def nearest_units(self, turn: Turn, countries: list[str] | None, have: set[tuple[str, int]]) -> list[Unit]:
        """Sentences nearest the question in meaning, searched one by one in the narratives retrieval searched,
        that the retrieved passages do not already hold (rank 0: no passage brought them)."""
        wanted = self.settings.search.sentence_hits
        if wanted <= 0:
            return []
        started = time.perf_counter()
        routed = countries if (self.settings.search.country_routing or turn.filtered) else None
        doc_ids = self.index.document_ids(routed or None, turn.years or None, latest=not turn.years)
        found = self.index.nearest_units(self.query_vector(turn), wanted, doc_ids)
        documents = self.index.documents
        units = [self.evidence.unit(documents[d], a, b) for d, a, b, _ in found if (d, a) not in have]
        turn.timings["retrieve_ms"] = turn.timings.get("retrieve_ms", 0.0) + _ms(started)
        return units

    def without_boilerplate(self, turn: Turn, units: list[Unit], settled: bool = False) -> list[Unit]:
        """The units, less the placement boilerplate unless the question is about placement: "does not fully
        meet the minimum standards" answers the tier answerer's questions and those that use its words ("Did the
        pandemic factor in?"), nothing else. Dropped before rating, so that it sets no bar the others are measured
        against (the gap features)."""
        focus = set(self.evidence.focus(turn.question, turn.subjects))
        if settled or not (turn.cues.tier or turn.cues.move or _STANDARDS.search(turn.question)):
            units = [u for u in units if not boilerplate(u.text)
                     or len(focus & set(tokens(u.text))) * 2 >= len(focus) > 0]
        # "Traffickers exploit domestic and foreign victims in X" fits every question about X and answers none
        # but yes-or-no ones in its own words ("Are there foreign victims in X?").
        units = [u for u in units if not standard_opener(u.text)
                 or (turn.intent is Intent.YES_NO and focus <= set(tokens(u.text)))]
        return units

    def confident(self, candidates: list[Candidate]) -> list[Candidate]:
        return [c for c in candidates if c.probability >= self.threshold]

    # Showing

    def claim(self, candidate: Candidate, n: int | list[int], limit: int | None = None) -> str:
        """The sentence a reply shows for a candidate, with its marker(s); past ``limit`` characters, only the
        stretch that matched best."""
        text = candidate.unit.text
        return cited(shorten(text, *candidate.view, limit) if limit else text, n)

    def claim_unit(self, unit: Unit, n: int, limit: int = CLAIM_MAX_CHARS) -> str:
        """The sentence a reply shows for a unit taken whole from a section, cut after ``limit`` characters."""
        from assistant.answerers.overview import brief_text

        return cited(brief_text(unit.text, limit), n)

    def country_of(self, unit: Unit) -> str:
        """The country of a unit's narrative, or for report text outside the narratives its title."""
        return self.index.documents[unit.document].label

    # Refusals

    def not_covered(self, turn: Turn, missing: list[str] | None = None) -> Reply:
        missing = missing or turn.missing
        covered = sorted(self.by_country)
        listing = join_names(covered) if len(covered) <= 6 else f"{len(covered)} countries"
        names = join_names(missing)
        pronoun = "them" if len(missing) > 1 else "it"
        text = (f"The report does not cover {names}: the loaded report has no narrative on {pronoun} "
                f"(it covers {listing}).")
        elsewhere = self.mentioning(missing)
        if elsewhere:
            shown = join_names(elsewhere[:6]) + (f" and {len(elsewhere) - 6} more" if len(elsewhere) > 6 else "")
            text += f" {names} {'is' if len(missing) == 1 else 'are'} mentioned in the narratives of {shown}."
        return Reply(turn.question, text, [], refused=True)

    def does_not_say(self, turn: Turn, what: str = "this", closest: Candidate | None = None,
                     names: bool = False) -> Reply:
        """A plain refusal; with ``closest``, what the report does say nearby, cited. With ``names``, the
        report speaks of the thing asked for but does not name it."""
        countries = join_names(turn.subjects) if turn.subjects and len(turn.subjects) <= 3 else ""
        if what == "who":  # a named person or office was asked for
            text = f"The report names no one for this{f' in its narrative on {countries}' if countries else ''}."
        elif names:
            text = f"The report does not name {what}{f' in its narrative on {countries}' if countries else ''}."
        else:
            text = f"The report does not say {what}{f' in its narrative on {countries}' if countries else ''}."
        cites = self.citations()
        if closest is not None:
            n = cites.unit(closest.unit, closest.probability)
            text += f" {'It says' if names else 'The closest it comes'}: {self.claim(closest, n)}"
        best = closest.probability if closest else (turn.candidates[0].probability if turn.candidates else None)
        return Reply(turn.question, text, cites.items, refused=True, best_score=best)


def placement_only(focus: list[str]) -> bool:
    """Whether a question's topic words are all about placement (tier names, moves, years, which of a list)."""
    return all(t in TIER_STEMS or t in PLACEMENT_STEMS or t.isdigit() or t in QUESTION_NOISE
               or t in _PLACEMENT_WORDS for t in focus)


_PLACEMENT_WORDS = frozenset(tokens(
    "downgraded upgraded dropped raised lowered demoted promoted moved down up fell consecutive years long many "
    "running row stuck since among list name all following these those between lowest highest worst best "
    "rankings ranked how many number bumped knocked slip slipped slid climbed relegated get got this "
    "changed change changes evolved history over time past previous editions edition trend given assigned "
    "awarded received receive gets placed put rated rating graded grade classified", True))


_COUNTED = re.compile(
    r"\b(?:how many|how much|number of|share of|percentage of|proportion of|population of)\s+"
    # "how many of those children": the children are counted
    r"(?:of\s+(?:those|these|the|their|its|his|her)\s+)?"
    r"((?:(?!(?:did|does|do|were|was|are|is|has|have|had|will|would|can|could|for|of|in|on|at|by|from|to|with|"
    r"under|during|been|get|got|live|lives|lived|living|work|works|worked|remain|remains|remained|reside|stay|"
    r"stayed|receive|received|come|came|go|went|face|faced|suffer|suffered|need|needed|there)\b)"
    r"[\w'’-]+\s*){1,5})", re.I)


# The verbs of a where-from / where-to question ("where do they come from", "where do they end up") name no topic.
PLACE_NOISE = frozenset(tokens("come came coming comes go goes going went originate originating hail hails end "
                               "ended up travel travelled traveled move moved", keep_stopwords=True))


_POPULATION_OF = re.compile(r"(?<![\w'’-])(?!(?:the|a|an|its|their|total|overall|entire|whole|estimated|current|"
                            r"general|national|prewar|postwar|world|civilian)\b)([a-z]{3,})\s+population\b", re.I)


def _counted_head(question: str) -> str | None:
    """The counted thing of a quantity question, as a stem: "how many trafficking victims did …" -> "victim"."""
    match = _COUNTED.search(question)
    if not match:
        # "How big is the Syrian refugee population?": the refugees are counted ("1.5 million Syrian refugees").
        whose = _POPULATION_OF.search(question)
        if whose and tokens(whose.group(1)):
            return tokens(whose.group(1))[0]
        return tokens("population")[0] if re.search(r"\bpopulation\b", question, re.I) else None
    words = match.group(1).split()
    # "number of traffickers convicted": the participle after the noun says what happened to them
    cut = next((i for i, w in enumerate(words) if i > 0 and re.fullmatch(r"[a-z]+ed", w, re.I)), len(words))
    # "number of shelters south africa accredited": the plural noun is counted, not the country after it
    plural = [w for w in words[:cut] if re.fullmatch(r"[a-z]+s", w, re.I) and not w.lower().endswith("ss")]
    terms = [t for t in tokens(" ".join(words[:cut])) if t not in _COUNTED_FILLER]
    head = [t for t in tokens(plural[-1]) if t not in _COUNTED_FILLER] if plural else []
    return head[-1] if head else terms[-1] if terms else None


def _quantity_noun(focus: tuple[str, ...]) -> str | None:
    """Without "how many …", the counted thing is the question's last topic word ("total population")."""
    terms = [t for t in focus if t not in _COUNTED_FILLER]
    return terms[-1] if terms else None


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
