"""Candidate evidence: the sentences (or clauses) that may answer a question, their features, and the
learned model that turns features into the probability that a sentence answers the question.

The model is a logistic regression fitted on the dev gold sets (``tip-assistant eval --fit``, see
eval/fit.py); its weights, feature names, refusal threshold and cross-validation figures live in
assistant/data/answer_model.json. Answerers rank candidates by that probability and refuse when the best
one falls below the threshold.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant import quantities
from assistant.intents import Intent, Quantity
from assistant.paraphrases import covered_by_report_words, report_phrases
from assistant.tiers import QUOTE_MAX_CHARS
from index.chunk import is_list_section
from index.errors import TipAssistantError
from index.records import Document, Hit
from index.search import TipIndex
from index.text import STOPWORDS, VIEW_MIN_UNIT_CHARS, tokens, unit_spans, view_spans

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "answer_model.json"
# The best units are also scored by their comma-separated stretches ("views"), so that one fact inside a
# long list sentence can match a short question; this many units get that closer look.
VIEW_RESCORE = 10
# How far (in words) before or beyond its phrase ("19 traffickers") the counted thing may sit.
NEAR_BEFORE, NEAR_AFTER = 2, 0
FEATURES = (
    "semantic",  # cosine of the question and the best-matching stretch of the sentence
    "semantic_unit",  # cosine of the question and the whole sentence
    "lexical",  # share of the question's focus terms (idf-weighted) found in the sentence
    "lexical_view",  # the same within the best-matching stretch
    "rare_missing",  # idf of the rarest focus term the sentence lacks, relative to the rarest of all
    "typed",  # the intent expects a typed answer (a quantity, a person, a place)
    "type_match",  # the sentence holds an answer of that type
    "near_focus",  # that answer sits next to the counted thing
    "in_list",  # the sentence is a recommendation
    "list_wanted",  # ... and recommendations were asked for
    "aspect_match",  # achievements / shortcomings asked, and the sentence is one
    "retrieval",  # 1 / rank of the passage it came from (0 when taken from a whole section)
    "length",  # characters / 300
    "no_focus",  # the question has no topic words of its own
    "placement",  # the sentence states the placement ("… remained on Tier 2"), and placement was not asked
    "placement_asked",  # ... and the question asks about placement
    "causal",  # a why question, and the sentence gives a cause or purpose ("because", "as part of", "to offset")
    "specific",  # semantic_unit minus the sentence's cosine with a generic question about its country: how much
    #              better it fits this question than any question about the country (the narrative's opening
    #              "traffickers exploit domestic and foreign victims in X" fits every one)
    "unknown",  # share of the question's focus terms the corpus never uses ("Who won the FIFA World Cup?")
    "semantic_topic",  # cosine of the sentence and the question without its subject countries' names (their
    #                    narratives share them, so the names favour the few sentences that repeat them)
    "prevalence",  # the question asks for the main pattern ("main type", "mostly"), and the sentence marks one
    #                ("predominant", "most … victims", "primarily from")
    "semantic_gap",  # semantic minus the best semantic among this question's candidates (0 for the best)
    "lexical_gap",  # lexical minus the best lexical among them
)
_BASE = len(FEATURES) - 2
_QUESTION_NOISE = (
    "report", "government", "country", "countries", "tip", "state", "department", "according", "mention",
    "describe", "explain", "know", "anything", "information", "detail", "details", "happen", "happened",
    "year", "say", "says", "tell", "trafficking", "2023", "authorities", "officials", "roughly", "approximately",
    "exactly", "estimated", "kind", "kinds", "type", "types", "main", "mostly", "mainly", "really", "actually",
    "anyone", "anybody", "anything", "someone", "something", "any", "still", "ever", "currently",
    "isn't", "aren't", "wasn't", "weren't", "didn't", "doesn't", "don't", "hasn't", "haven't", "hadn't", "won't",
    "can't", "couldn't", "wouldn't", "shouldn't",
    # Time words of a question ("this time", "these days") that no report sentence repeats.
    "time", "times", "days", "nowadays", "lately", "recently", "least", "anymore",
)
RECOMMENDATION_WORDS = (
    "recommend", "recommends", "recommended", "recommendation", "recommendations", "prioritized", "priority",
    "priorities", "suggest", "suggests", "suggestion", "advice", "advise", "should", "must", "could", "need",
    "needs", "take", "steps", "step", "action", "actions", "do", "does", "next", "prioritize", "prioritise",
    "better", "improve", "improvement", "improvements", "fix", "differently",
)
_TIER_WORDS = ("tier", "tiers", "ranked", "ranking", "rank", "rating", "rated", "placement", "placed", "watch", "list")
_PERSON = re.compile(r"\b(?:Minister|President|Prime Minister|Director|Chair(?:man|woman|person)?|Judge|General|"
                     r"Mr\.|Ms\.|Mrs\.|Dr\.)\s+[A-Z][a-z]+|"
                     # "Firstname Lastname, the …": not a region ("sub-Saharan Africa, the Philippines")
                     r"(?<![\w-])(?!(?:North|South|East|West|Central|Southeast|Southern|Northern|Eastern|Western|"
                     r"Saharan|Middle)\b)[A-Z][a-z]+\s+(?:[A-Z]\.\s+)?"
                     r"(?!(?:Africa|Asia|America|Europe|Republic|Islands|Arabia|Korea|Region|East|Caribbean)\b)"
                     r"[A-Z][a-z]{2,}\b(?=,\s+(?:the|who))")
_CONTRAST = re.compile(r"^(however|although|but|despite|nevertheless|yet|while)\b|\bhowever,", re.I)
_ACHIEVING = re.compile(r"\b(took (some )?steps|increased|adopted|launched|created|established|trained|"
                        r"identified more|prosecuted more|convicted more|opened|funded|allocated|approved|enacted|"
                        r"improved|expanded|organized|appointed|granted access|made key achievements|"
                        r"demonstrated (overall )?increasing efforts|facilitated|returned|repatriated|cooperated|"
                        r"coordinated|passed|signed|ratified|amended|referred|provided|assisted|protected|supported|"
                        r"hired|conducted|investigated|prosecuted|convicted|identified|organizing|training|enacting|"
                        r"investigating|establishing|creating|launching|adopting|providing|increasing|conducting|"
                        r"hiring|funding|developing|developed|implementing|implemented|expanding|improving)\b", re.I)
# Which way a figure went: "Did the number of victims rise?" is answered by "identified fewer victims".
UP = re.compile(r"\b(more|increas\w*|rise|rose|risen|rising|grow\w*|grew|higher|up|expand\w*|improv\w*)\b", re.I)
DOWN = re.compile(r"\b(fewer|less|decreas\w*|declin\w*|drop\w*|fell|fall\w*|reduc\w*|lower|down|shrank|"
                  r"worsen\w*)\b", re.I)
# Words of a question that ask which way a figure went, or speak of the figure itself.
_DIRECTION_TERMS = frozenset(tokens("rise rose risen rising increase increased increasing grow grew grown growing "
                                    "fall fell fallen falling decrease decreased decreasing decline declined "
                                    "declining drop dropped number numbers figure figures count", True))

# Words by which the report marks a main pattern: "the predominant problem", "most victims", "primarily from".
PREVALENCE = re.compile(r"\b(most|majority|predominant\w*|primar\w*|mainly|main|principal\w*|largest|chiefly|"
                        r"particularly|especially|highest|mostly)\b", re.I)
# Steps taken, said outright: an achievement even when the step is against harm ("investigating complicity").
_STEPS_TAKEN = re.compile(r"\b(took (some |several )?steps|made (some |key )?(achievements|progress)|"
                          r"key achievements (included|were))\b", re.I)
# Tier 3 summaries introduce the steps taken with this; it is no contrast and no failing.
_DESPITE = re.compile(r"^\s*despite the lack of (significant |sufficient )?efforts,?\s*", re.I)
_PLACEMENT = re.compile(r"\bminimum standards\b|\bTier [123]\b|\bWatch List\b|\bSpecial Case\b")


# The profile's standard opening, true of nearly every country: "(As reported over the past five years,) human
# traffickers exploit domestic and foreign victims in X, and traffickers exploit victims from X abroad".
OPENER = re.compile(r"\btraffickers exploit (domestic|foreign)\b|\bexploit domestic (and foreign )?victims\b", re.I)
# Longer than this, a unit that opens with the standard sentence goes on to say something of its own.
OPENER_MAX_CHARS = 200


def standard_opener(text: str) -> bool:
    """Whether a unit is only the profile's standard opening sentence, which says nothing of one country."""
    return len(text) < OPENER_MAX_CHARS and bool(OPENER.search(text))


def boilerplate(text: str) -> bool:
    """Whether a sentence only states the placement: its clauses are "does not fully meet the minimum standards …",
    the criterion ("continued to demonstrate serious and sustained efforts …") or a short "therefore, X remained on
    Tier 2" (a longer one, such as a waiver's, says more) and nothing else."""
    kept = [clause for clause in re.split(r"(?<=[.;])\s+", text)
            if not (re.search(r"\bfully meets?\b[^;]{0,20}\bminimum standards\b", clause)
                    or (re.search(r"\bTier [123]\b|\bWatch List\b|\bSpecial Case\b", clause, re.I)
                        and len(clause) < 120)
                    or criterion_statement(clause))]
    return len(re.findall(r"[A-Za-z]", " ".join(kept))) < 40


# The placement's criterion in the law's words: "(did not) demonstrate overall increasing efforts compared with the
# previous reporting period (to expand its anti-trafficking capacity)".
_CRITERION = re.compile(r"\bdemonstrat\w* ((overall )?increasing|serious and sustained) efforts,?"
                        r"( (during|in) the (reporting period|year),?)?( compared (with|to) the previous "
                        r"(reporting period|year),?)?( considering the impact of the COVID-19 pandemic,? if any,? on "
                        r"its anti-trafficking capacity)?( (to expand|to improve|to increase|on|in) its "
                        r"anti-trafficking capacity)?", re.I)
_CRITERION_FILLER = re.compile(r"\b(however|although|the government|officials|authorities|did not|but|"
                               r"continued to)\b", re.I)


def criterion_statement(text: str) -> bool:
    """Whether a sentence only restates the placement's criterion ("the government did not demonstrate overall
    increasing efforts …"): a summary's shortcoming or achievement in name only."""
    rest = _CRITERION.sub("", text)
    return rest != text and len(re.findall(r"[A-Za-z]", _CRITERION_FILLER.sub("", rest))) < 30


def placement_statement(text: str) -> bool:
    """Whether a sentence is the narrative's placement boilerplate ("does not fully meet the minimum standards …")."""
    return bool(_PLACEMENT.search(text))


# A clause that reports a failing is a shortcoming wherever it stands (Tier 3 summaries have no "However").
_FAILING = re.compile(r"\b(did not|does not|do not|has not|have not|had not|was not|were not|no longer|failed|"
                      r"fails|lacked|lacks|inadequate|insufficient|remained (weak|limited|inadequate)|decreased|"
                      r"fewer|not (make|report|investigate|prosecute|convict|identify|provide|hold)|policy or "
                      r"pattern|continued to (exploit|force|subject|use|recruit)|complicit|complicity|"
                      r"penaliz\w*|punish\w*|hinder\w*|obstacles?|lack of|minimi[sz]ed?|"
                      # "issued suspended sentences", "provided limited funding": a step, but a weak one
                      r"suspended sentences?|lenient|limited (funding|resources|capacity|services|protection|"
                      r"assistance|support|efforts|understanding|awareness|access)|inconsistent(ly)?|uneven(ly)?)\b",
                      re.I)
# Acting against a wrong is no failing: "investigated and prosecuted some allegedly complicit officials".
_ACTED_AGAINST = re.compile(r"\b(investigat|prosecut|convict|arrest|charg|sentenc|dismiss|remov|suspend|"
                            r"address)\w*\s+(?:[\w-]+\s+){0,4}$", re.I)


def failing(text: str) -> bool:
    """Whether a summary clause reports a failing, not counting wrongs it says were acted against."""
    return any(not (m.group(0).lower().startswith(("complicit", "penaliz", "punish"))
                    and _ACTED_AGAINST.search(text[: m.start()]))
               for m in _FAILING.finditer(text))


# A cause or a purpose, as the report words them.
_CAUSAL = re.compile(
    r"\b(because|due to|owing to|as a result|as part of|in order to|so that|driven by|led to|leading to|"
    r"caus\w*|fuel\w*|exacerbat\w*|contribut\w* to|result(s|ed|ing)? (of|from|in)|increas\w* (their|the) "
    r"(vulnerability|risk)|hinder\w*|restrictions on|to (finance|fund|pay|offset|avoid|evade|meet|fill))\b", re.I)
_WORSENED = re.compile(r"\bincreased (their|the) (vulnerability|risk)|\bwar\b", re.I)
# Words of harm: a clause with them and no step taken reports a problem ("forced transfer … increased their
# vulnerability"); "trainings on sexual exploitation" is a step.
_HARM = re.compile(r"\b(vulnerab\w*|exploit\w*|abus\w*|forced|forcibly|coerc\w*|war)\b", re.I)


class AnswerModelError(TipAssistantError):
    """The answer model file is missing, unreadable or does not match the features this version computes."""


def _stems(words: Iterable[str]) -> frozenset[str]:
    return frozenset(t for w in words for t in tokens(w, keep_stopwords=True))


QUESTION_NOISE = _stems(_QUESTION_NOISE)
# Phrases that only frame a question: "who makes up most victims" asks who most victims are ("make up for a
# shortage" is a topic).
_WORDING = re.compile(r"\b(?:make|makes|made|making) up\b(?!\s+for\b)(?:\s+of\b)?|"
                      # "in the 2023 reporting period" dates the question: every finding is of that period.
                      r"\b(?:in|during|over|for) the (?:20\d\d |last |latest |most recent |current )?(?:reporting )?"
                      r"period(?: covered)?\b|"
                      # "Which groups are at risk?" asks for groups: the word frames the answer, it is no topic.
                      r"(?<=\bwhich )groups?\b|(?<=\bwhat )groups?\b|"
                      r"\b(?:manage|managed|manages|bother|bothered|bothers) to\b|\b(?:succeed|succeeded) in\b", re.I)
RECOMMENDATION_NOISE = _stems(RECOMMENDATION_WORDS)
TIER_NOISE = _stems(_TIER_WORDS)


@dataclass(frozen=True)
class Unit:
    """A candidate sentence or clause: a verbatim span of a document."""

    document: str
    start: int
    end: int
    text: str
    section: str
    polarity: str  # "positive" / "negative" for the summary's achievements / shortcomings, else "neutral"
    rank: int = 0  # rank of the retrieved passage it came from; 0 when taken from a whole section


@dataclass(frozen=True)
class Ask:
    """What a question wants of its evidence."""

    intent: Intent
    focus: tuple[str, ...]  # stemmed topic terms
    query_vector: np.ndarray
    topic_vector: np.ndarray | None = None  # the question without its subject countries' names (None: the same)
    quantity: Quantity | None = None
    counted: frozenset[str] = frozenset()  # the counted thing of a quantity question ("inspections")
    aspect: str | None = None
    person: bool = False
    place: str | None = None  # "from": where people come from; "in": where they are taken (see Cues.place)
    home: tuple[str, ...] = ()  # the countries whose people a where-question asks about (none: each narrative's)
    placement: bool = False  # the question asks about placement (tiers, moves)
    why: bool = False  # the question asks for a reason
    main: bool = False  # the question asks for the main pattern ("the main type", "mostly")
    # Countries the question ties together, each with a pattern of its names and adjectives: a sentence must
    # mention every ``required`` one (bar its own narrative's), and, from another narrative, a ``subjects`` one.
    required: tuple[tuple[str, str], ...] = ()
    subjects: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A unit with its features, the probability that it answers, the stretch that matched best, and the
    quantity phrase it offers (quantity questions)."""

    unit: Unit
    features: np.ndarray
    probability: float
    view: tuple[int, int]
    quantity: quantities.Found | None = None

    @property
    def semantic(self) -> float:
        return float(self.features[0])


@dataclass
class AnswerModel:
    """Logistic regression over FEATURES, with the refusal threshold chosen by cross-validation."""

    weights: np.ndarray
    bias: float
    threshold: float
    info: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None, carry_over: bool = False) -> AnswerModel:
        """The fitted model at ``path`` (the bundled one by default). With ``carry_over``, a model fitted on
        other features still loads: weights by feature name, 0 for features it lacks (a starting point for
        refitting after features change, never for answering)."""
        path = Path(path or DEFAULT_MODEL_PATH)
        if carry_over:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                weights = np.array([float(data["weights"].get(n, 0.0)) for n in FEATURES], dtype=np.float64)
                return cls(weights, float(data["bias"]), float(data["threshold"]))
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise AnswerModelError(f"cannot read the answer model {path}: {exc}") from exc
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            names = tuple(data["features"])
            weights = np.array([float(data["weights"][n]) for n in names], dtype=np.float64)
            model = cls(weights, float(data["bias"]), float(data["threshold"]), data.get("info", {}))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AnswerModelError(f"cannot read the answer model {path}: {exc}") from exc
        if names != FEATURES:
            raise AnswerModelError(f"the answer model {path} was fitted on features {list(names)}, this version "
                                   f"computes {list(FEATURES)}; refit it with: tip-assistant eval --fit")
        return model

    def to_json(self) -> str:
        return json.dumps({"features": list(FEATURES),
                           "weights": {n: round(float(w), 6) for n, w in zip(FEATURES, self.weights, strict=True)},
                           "bias": round(self.bias, 6), "threshold": round(self.threshold, 4), "info": self.info},
                          indent=2)

    def probability(self, features: np.ndarray) -> np.ndarray:
        logits = np.asarray(features, dtype=np.float64) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))


class Evidence:
    """Finds and rates candidate sentences in one index."""

    def __init__(self, index: TipIndex, model: AnswerModel) -> None:
        self.index = index
        self.model = model
        self._polarity: dict[str, dict[int, str]] = {}
        self._terms: dict[str, frozenset[str]] = {}
        self._generic: dict[str, np.ndarray] = {}

    @cached_property
    def _document_frequency(self) -> dict[str, int]:
        lexical = self.index.stored.lexical
        return {term: int(lexical.offsets[i + 1] - lexical.offsets[i]) for term, i in lexical.vocabulary.items()}

    def terms_of(self, doc: Document) -> frozenset[str]:
        """The tokens a narrative uses; cached."""
        if doc.doc_id not in self._terms:
            self._terms[doc.doc_id] = frozenset(tokens(doc.text))
        return self._terms[doc.doc_id]

    def idf(self, term: str) -> float:
        n = max(1, self.index.stored.lexical.size)
        df = self._document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    # Candidates

    def units(self, hits: list[Hit]) -> list[Unit]:
        """Sentences (or clauses of overlong ones) of the hit chunks, each once."""
        seen: set[tuple[str, int]] = set()
        out = []
        for hit in hits:
            doc = self.index.documents[hit.chunk.document]
            for start, end in self.index.chunk_units(hit.chunk):
                if (doc.doc_id, start) not in seen:
                    seen.add((doc.doc_id, start))
                    out.append(self.unit(doc, start, end, hit.rank))
        return out

    def section_units(self, documents: Iterable[Document], predicate: Callable[[str], bool]) -> list[Unit]:
        """Every unit of these documents' sections whose title satisfies ``predicate``."""
        return [self.unit(doc, s, e) for doc in documents for section in doc.sections if predicate(section.title)
                for s, e in unit_spans(doc.text, section.start, section.end, QUOTE_MAX_CHARS)]

    def summary_units(self, doc: Document, polarity: str | None = None) -> list[Unit]:
        """The opening summary's units, or only those of one polarity (achievements or shortcomings); never the
        bare criterion ("did not demonstrate overall increasing efforts"), which every such summary states."""
        if not doc.sections:
            return []
        summary = doc.sections[0]
        units = [self.unit(doc, s, e) for s, e in unit_spans(doc.text, summary.start, summary.end, QUOTE_MAX_CHARS)]
        return [u for u in units if (polarity is None or u.polarity == polarity) and not criterion_statement(u.text)]

    def criterion_units(self, doc: Document) -> list[Unit]:
        """The summary's units that state only the placement's criterion ("did not demonstrate overall increasing
        efforts …"): the law's ground for a move between tiers."""
        if not doc.sections:
            return []
        summary = doc.sections[0]
        return [self.unit(doc, s, e) for s, e in unit_spans(doc.text, summary.start, summary.end, QUOTE_MAX_CHARS)
                if criterion_statement(doc.text[s:e])]

    def unit(self, doc: Document, start: int, end: int, rank: int = 0) -> Unit:
        polarity = self._polarities(doc).get(start, "neutral")
        return Unit(doc.doc_id, start, end, doc.text[start:end], doc.section_at(start), polarity, rank)

    def _polarities(self, doc: Document) -> dict[int, str]:
        """The opening summary lists achievements, then a contrast ("However", "Although") and shortcomings."""
        if doc.doc_id not in self._polarity:
            marks: dict[int, str] = {}
            if doc.sections:
                summary = doc.sections[0]
                running = "positive"
                for start, end in unit_spans(doc.text, summary.start, summary.end, QUOTE_MAX_CHARS):
                    text = _DESPITE.sub("", doc.text[start:end])
                    if _CONTRAST.search(text):
                        running = "negative"
                    # The standard opening ("fully meets the minimum standards", "therefore ... Tier 1")
                    # states the placement, not an achievement. A clause that reports a failing is a
                    # shortcoming, one that reports steps taken an achievement, wherever it stands (Tier 3
                    # summaries put "despite the lack of significant efforts, the government took some steps"
                    # after the placement); anything else takes the side of the last "However".
                    if (placement_statement(text) and running == "positive") or re.search(r"\bTier\b", text):
                        marks[start] = "neutral"
                    elif _STEPS_TAKEN.search(text):  # "took some steps such as investigating complicity"
                        marks[start] = "positive"
                    elif failing(text) or _WORSENED.search(text):
                        marks[start] = "negative"
                    elif _ACHIEVING.search(text):
                        # A step taken, or with words of harm in it (trainings on exploitation), the side of
                        # the last "However"
                        marks[start] = running if _HARM.search(text) else "positive"
                    elif _HARM.search(text):
                        marks[start] = "negative"
                    else:
                        marks[start] = running
            self._polarity[doc.doc_id] = marks
        return self._polarity[doc.doc_id]

    def _ties(self, unit: Unit, ask: Ask) -> bool:
        """Whether a sentence mentions the countries the question ties together (see Ask)."""
        own = self.index.documents[unit.document].country
        if not all(country == own or _mentions(pattern, unit.text) for country, pattern in ask.required):
            return False
        names = {country for country, _ in ask.subjects}
        return not names or own in names or any(_mentions(p, unit.text) for _, p in ask.subjects)

    def _spelt_out(self, text: str) -> set[str]:
        """The terms of what the acronyms in ``text`` stand for."""
        return {t for expansion in self.index.acronym_expansions(text) for t in tokens(expansion)}

    def names_place(self, unit: Unit, preposition: str, home: tuple[str, ...] = ()) -> bool:
        """Whether a sentence names where people come from (``preposition`` "from") or where they are taken
        ("in"): a place besides their ``home`` countries (by default its narrative's), after "from", or after
        "in" / "to" or named outright. Cubans' destinations may be named in the narrative of Algeria.
        ``preposition`` "abroad" asks for a place after "in" / "to" only: where the home's people are taken."""
        homes = home or (self.index.documents[unit.document].country,)
        own = "|".join(re.escape(f) for c in homes for f in [c, *self.index.countries.forms(c)])
        if _names_place(unit.text, "in" if preposition == ABROAD else preposition, own):
            return True
        return preposition == "in" and any(named and name not in homes
                                           for name, named in self.index.countries.mentions(unit.text))

    def generic_vector(self, doc_id: str) -> np.ndarray:
        """The vector of a question that fits any sentence of a narrative: "Human trafficking in X."; cached."""
        if doc_id not in self._generic:
            self.warm_generic([doc_id])
        return self._generic[doc_id]

    def warm_generic(self, doc_ids: Iterable[str]) -> None:
        """Embed the generic questions of these narratives in one batch."""
        wanted = [d for d in dict.fromkeys(doc_ids) if d not in self._generic]
        if wanted:
            texts = [f"Human trafficking in {self.index.documents[d].country}." for d in wanted]
            self._generic.update(zip(wanted, self.index.embedder.encode(texts), strict=True))

    # Focus

    def focus(self, text: str, countries: Iterable[str], drop: frozenset[str] = frozenset()) -> list[str]:
        """Terms that carry a question's topic: no stopwords, question noise, subject-country names or ``drop``."""
        matcher = self.index.countries
        country_terms = {t for c in countries for form in [c, *matcher.forms(c)] for t in tokens(form)}
        country_terms |= {t + "n" for t in country_terms} | {t + "an" for t in country_terms}
        return [t for t in dict.fromkeys(tokens(_WORDING.sub(" ", text)))
                if t not in country_terms and t not in QUESTION_NOISE and t not in STOPWORDS and t not in drop]

    # Rating

    def _topic_weights(self, focus: Iterable[str]) -> dict[str, float]:
        """Each topic word's weight (its rarity). A word the corpus never uses can match no sentence and says
        nothing about which one answers, unless the report says it in its own words ("confuse" as "conflated"):
        then it weighs as the commonest of those, beside the topic words the corpus does use (alone, a word
        said only in other words would decide the whole topic)."""
        weights = {t: self.idf(t) for t in focus if self._document_frequency.get(t, 0) > 0}
        if not weights:
            return weights
        for term in set(focus) - weights.keys():
            said = [self.idf(s) for phrase in report_phrases(term) if all(
                self._document_frequency.get(s, 0) > 0 for s in phrase) for s in phrase]
            if said:
                weights[term] = min(said)
        return weights

    def rate(self, units: list[Unit], ask: Ask) -> list[Candidate]:
        """Every unit's features and probability, best first (units lacking a required word are dropped)."""
        if ask.required or ask.subjects:
            units = [u for u in units if self._ties(u, ask)]
        if not units:
            return []
        weights = self._topic_weights(ask.focus)
        unknown = (len(ask.focus) - len(weights)) / len(ask.focus) if ask.focus else 0.0
        rates = _Rater(ask, weights, self.names_place, unknown, self._spelt_out)
        vectors = self.index.span_vectors([(u.document, u.start, u.end, u.text) for u in units])
        sims = vectors @ ask.query_vector
        generic = np.einsum("ij,ij->i", vectors, np.stack([self.generic_vector(u.document) for u in units]))
        topic = sims if ask.topic_vector is None else vectors @ ask.topic_vector
        rated = self._scored([rates(u, [(0, len(u.text))], sims[i : i + 1], float(sims[i]), float(generic[i]),
                                    float(topic[i])) for i, u in enumerate(units)])
        # A closer look at the best long units: their comma-separated stretches.
        long_ones = [c for c in rated[:VIEW_RESCORE] if len(c.unit.text) >= VIEW_MIN_UNIT_CHARS]
        if long_ones:
            views_of = [view_spans(c.unit.text) for c in long_ones]
            flat = [(c.unit.document, c.unit.start + a, c.unit.start + b, c.unit.text[a:b])
                    for c, views in zip(long_ones, views_of, strict=True) for a, b in views[1:]]
            view_sims = self.index.span_vectors(flat) @ ask.query_vector if flat else np.zeros(0, np.float32)
            better: dict[int, Candidate] = {}
            cursor = 0
            for candidate, views in zip(long_ones, views_of, strict=True):
                whole = candidate.features[1]
                sims_here = np.concatenate([[whole], view_sims[cursor : cursor + len(views) - 1]])
                cursor += len(views) - 1
                better[id(candidate)] = rates(candidate.unit, views, sims_here, float(whole),
                                              float(whole - candidate.features[FEATURES.index("specific")]),
                                              float(candidate.features[FEATURES.index("semantic_topic")]))
            rated = self._scored([better.get(id(c), c) for c in rated])
        return rated

    def _scored(self, rated: list[Candidate]) -> list[Candidate]:
        """Candidates with their gap features and probabilities, best first."""
        base = np.array([c.features[:_BASE] for c in rated])
        gaps = np.stack([base[:, 0] - base[:, 0].max(), base[:, 2] - base[:, 2].max()], axis=1)
        features = np.hstack([base, gaps])
        probabilities = self.model.probability(features)
        out = [Candidate(c.unit, f, float(p), c.view, c.quantity)
               for c, f, p in zip(rated, features, probabilities, strict=True)]
        out.sort(key=lambda c: (-c.probability, c.unit.document, c.unit.start))
        return out


_DERIVATION = re.compile(r"(?<=\w{4})(ant|ate|at|ion|ive|er|or|ee|ism|ist|e)$|(?<=\w{4}c)it$")


def word_family(stem: str) -> str:
    """A stem without its derivational ending, so that a word and its derivations meet: "migrant" and
    "migrat" (migrate, migration) both give "migr"; "inspector" and "inspect" give "inspect"; "tourism" and
    "tourist" give "tour"."""
    return _DERIVATION.sub("", stem)


class _Rater:
    """Computes one unit's features for one question."""

    def __init__(self, ask: Ask, weights: dict[str, float], names_place: Callable[[Unit, str, tuple[str, ...]], bool],
                 unknown: float, spelt_out: Callable[[str], set[str]]) -> None:
        self.ask = ask
        self.names_place = names_place
        self.spelt_out = spelt_out
        self.unknown = unknown
        self.weights = weights
        self.total = sum(weights.values()) or 1.0
        self.rarest = max(weights.values(), default=0.0)

    def coverage(self, terms: set[str]) -> float:
        return sum(w for t, w in self.weights.items() if t in terms) / self.total if self.weights else 0.0

    def covered(self, terms: set[str]) -> set[str]:
        """The topic terms ``terms`` cover: by stem, by word family ("migrant" by "migrate") or in the report's
        words for them ("punish" by "penalized")."""
        families = {word_family(t) for t in terms}
        direct = {t for t in self.weights if t in terms or word_family(t) in families}
        return direct | covered_by_report_words(self.weights.keys() - direct, terms, word_family)

    def __call__(self, unit: Unit, views: list[tuple[int, int]], view_sims: np.ndarray, whole: float,
                 generic: float, topic: float) -> Candidate:
        ask = self.ask
        found = quantities.find(unit.text, ask.quantity) if ask.quantity else []
        best = int(np.argmax(view_sims))
        near = None
        if found:
            near = _nearest(unit.text, found, ask.counted)
            if near is not None:
                # The stretch holding the quantity is the one to show.
                holding = [i for i, (a, b) in enumerate(views) if a <= near.start and near.end <= b]
                if holding:
                    best = max(holding, key=lambda i: view_sims[i])
        # A topic word is covered by an acronym that stands for it ("IKR" covers "Kurdistan Region").
        view = unit.text[views[best][0] : views[best][1]]
        # "Where are Salvadorans exploited abroad?": a destination named is what "abroad" asks for.
        implied = _ABROAD_TERMS if _ABROAD_TERMS & self.weights.keys() and self.names_place(
            unit, ABROAD, self.ask.home) else set()
        # "Did the number of victims rise?": a sentence saying which way it went covers the words that ask it.
        if ask.intent is Intent.YES_NO and _DIRECTION_TERMS & self.weights.keys() and (
                UP.search(unit.text) or DOWN.search(unit.text)):
            implied = implied | _DIRECTION_TERMS
        unit_terms = self.covered(set(tokens(unit.text)) | self.spelt_out(unit.text) | implied)
        view_terms = self.covered(set(tokens(view)) | self.spelt_out(view) | implied)
        missing = [w for t, w in self.weights.items() if t not in unit_terms]
        typed = ask.quantity is not None or ask.person or ask.place is not None
        type_match = (bool(found) if ask.quantity else bool(_PERSON.search(unit.text)) if ask.person
                      else self.names_place(unit, ask.place, ask.home) if ask.place else False)
        features = np.array([
            max(0.0, float(view_sims[best])),
            max(0.0, whole),
            self.coverage(unit_terms),
            self.coverage(view_terms),
            max(missing, default=0.0) / self.rarest if self.rarest else 0.0,
            float(typed),
            float(type_match),
            float(near is not None and (not ask.counted or _counted_near(unit.text, near, ask.counted))),
            float(is_list_section(unit.section)),
            float(is_list_section(unit.section) and ask.intent is Intent.RECOMMENDATION),
            float(ask.aspect is not None and unit.polarity == ask.aspect),
            1.0 / unit.rank if unit.rank else 0.0,
            min(len(unit.text) / 300.0, 2.0),
            float(not self.weights),
            float(placement_statement(unit.text) and not ask.placement),
            float(placement_statement(unit.text) and ask.placement),
            float(ask.why and bool(_CAUSAL.search(unit.text))),
            whole - generic,
            self.unknown,
            max(0.0, topic),
            float(ask.main and bool(PREVALENCE.search(unit.text))),
        ], dtype=np.float64)
        quantity = near if near is not None else (found[0] if found else None)
        return Candidate(unit, features, 0.0, views[best], quantity)  # probability: Evidence._scored


ABROAD = "abroad"
# Topic words that mean "in another country": covered by a sentence that names where people are taken.
_ABROAD_TERMS = frozenset(tokens("abroad overseas"))

_APPOSITIVE = ("estimated at", "estimated to be", "numbering", "totaling", "totalling", "– ", "— ")


# Places after "from" ("from South Asia", "from the Philippines", "from East, Central, and Southern Africa") or
# after "in" / "to" ("mainly in Ethiopia, Libya, and Sudan", "to Europe").
_PLACE_AFTER = {
    preposition: re.compile(rf"\b(?:{words}) (?:the |other |neighboring |neighbouring )?((?:[A-Z][\w'-]+|sub-Saharan)"
                            r"(?:[ ,]+(?:and |or )?(?:the )?[A-Z][\w'-]+)*)")
    for preposition, words in (("from", "from"), ("in", "in|to|into|throughout|across"))
}
# Capitalised words after "in" that are no place.
_NOT_PLACES = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                         r"December|Tier|Watch|List|English|Arabic|French|Spanish|Portuguese|Russian|TIP|NAP)\b")


def _names_place(text: str, preposition: str, own: str) -> bool:
    """Whether a sentence names a place after ``preposition`` besides the narrative's own country ("victims from
    Bulgaria abroad" tells nothing of origins in Bulgaria's narrative)."""
    return any(re.sub(rf"\b(?:{own})\b|\b(?:and|or|the)\b|[ ,]", "", _NOT_PLACES.sub("", m.group(1)), flags=re.I)
               for m in _PLACE_AFTER[preposition].finditer(text))


def _mentions(pattern: str, text: str) -> bool:
    return re.search(rf"(?<![\w-])(?:{pattern})(?![\w-])", text, re.I) is not None


def _word_index(text: str, offset: int) -> int:
    return len(re.findall(r"\S+", text[:offset]))


def _counted_near(text: str, found: quantities.Found, counted: frozenset[str]) -> bool:
    """Whether the counted thing sits right by the quantity: "19 traffickers", "traffickers, 19 of whom",
    "55% of workers", "children … – estimated at 6.4 million"."""
    words = re.findall(r"\S+", text)
    first, last = _word_index(text, found.start), _word_index(text, found.end)
    after = last + 1 + NEAR_AFTER
    if after < len(words) and words[after - 1].lower() == "of":
        after += 3
    if counted & set(tokens(" ".join(words[max(0, first - NEAR_BEFORE) : after]))):
        return True
    # An appositive estimate names its thing earlier in the clause.
    before = text[: found.start]
    marker = max(before.rfind(m) for m in _APPOSITIVE)
    if marker < 0:
        return False
    clause = re.split(r"[;:]", before[:marker])[-1]
    return bool(counted & set(tokens(" ".join(clause.split()[-12:]))))


def _nearest(text: str, found: list[quantities.Found], counted: frozenset[str]) -> quantities.Found | None:
    """The quantity nearest the counted thing (the first when nothing is counted)."""
    if not counted:
        return found[0]
    words = [(m.start(), set(tokens(m.group(0)))) for m in re.finditer(r"\S+", text)]
    places = [start for start, terms in words if terms & counted]
    if not places:
        return found[0]
    return min(found, key=lambda f: min(abs(f.start - p) for p in places))
