"""The Assistant: loads an index once and answers questions with cited, verbatim excerpts.

A question goes through three steps: understanding (clean it, resolve the conversation's countries, read its
cues and decide its intent: assistant/intents.py), answering (the intent's answerer: assistant/answerers),
and, for answers drawn from retrieved passages, an optional rewrite by a local model (assistant/llm.py).
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

from assistant.answerers import ROUTES, Tools, Turn
from assistant.answerers.base import placement_only
from assistant.conversation import Resolved, only_origins, placed_in, resolve
from assistant.evidence import FEATURES, AnswerModel, Evidence
from assistant.intents import Cues, Intent, Scope, decide, read_cues
from assistant.paths import bundled_corpus, default_index_dir
from assistant.question import analyse
from assistant.records import Reply
from assistant.tiers import tier_unit_span
from index.embed import Embedder
from index.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError, UnknownCountryError
from index.records import Document, Hit
from index.search import TipIndex
from index.settings import Settings
from index.store import build_index, read_manifest

INJECTION_REPLY = (
    "I only answer questions about the report, from its text; I can't follow instructions to change "
    "how I answer or what the report says."
)
# A follow-up with no intent and at most this many topic words of its own keeps the intent before it.
FOLLOW_UP_TERMS = 2
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# Words about the report rather than in it: they only blur the query's meaning for retrieval.
_SCAFFOLDING = re.compile(
    r"\b(?:(?:according to|per|in|from|does|did|do|what does|what did)\s+)?(?:(?:the\s+)(?:20\d\d\s+)?|"
    r"(?:20\d\d\s+)?(?=tip\b|trafficking in persons\b))(?:tip\s+|trafficking in persons\s+)?report(?:'s)?"
    r"(?:\s+(?:say|says|said|find|found|mention|mentions|describe|describes))?(?:\s+(?:about|that|on))?\b|"
    r"\bin the (?:reporting )?period(?: covered)?\b|\bi'?m writing a (?:piece|story|note|report) on\b|"
    r"\bpls\b|\bplease\b",
    re.I)
# A second question joined to the first: "…, and how many victims got shelter?".
_SECOND_PART = re.compile(
    r"^(?P<first>.{12,}?\w)\s*[,;?.]\s*(?:and|also|plus)\s+(?P<second>(?:how|what|what's|whats|when|where|who|"
    r"which|why|at what|in what)\b.{8,})$", re.I | re.S)

# A second part asking only why the first is so: "…, and what drove that?", "…, and why?".
_WHY_BACK = re.compile(r"^(?:why|what(?:'s| is| was)? (?:drove|drives|driving|behind|caused|led to|explains?|got|"
                       r"made|put)|how come)\b(?:\s+(?:that|it|this|so|the placement|the ranking|the rating))?\W*$",
                       re.I)


def two_parts(question: str) -> tuple[str, str] | None:
    """The two questions of a two-part question, each ending with "?"; None for a single question (or one
    that compares, whose parts only make sense together)."""
    match = _SECOND_PART.match(question.strip())
    if match is None:
        return None
    cues = read_cues(question)
    if cues.compare or cues.among or cues.which_of:
        return None
    first, second = match.group("first").strip(), match.group("second").strip()
    if read_cues(first).tier and _WHY_BACK.match(second):  # "What tier is Iraq on, and what drove that?"
        return None
    second = second[0].upper() + second[1:]
    return f"{first}?", second if second.endswith("?") else f"{second.rstrip('.')}?"


# Intents a narrative that only mentions a country may answer, from a sentence naming it.
_ANSWERED_BY_MENTIONS = frozenset({Intent.FACT, Intent.ENTITY})
_WH_START = re.compile(r"^\W*(which|who|whom|where|what)\b(?!\s+about\b)", re.I)
# A country's own institutions: what they do is told in its own narrative.
_OWN_BODIES = (r"government|authorities|officials|police|law enforcement|prosecutors|courts|judiciary|ministry|"
               r"parliament|legislation|law|laws|tier|ranking|rank|efforts|response|state|regime|army|military")
# A wh-word of the question's own ("And what has it done …?"), not an ellipsis ("What about …?").
_OWN_QUESTION = re.compile(r"\b(what|which|who|whom|whose|where|why|how|when)\b(?!\s+(about|of)\b)", re.I)
# Words for "in other countries".
_ELSEWHERE = re.compile(r"\b(?:abroad|overseas)\b", re.I)
# "there" as a place, not "is there …" or "there are …": it points back at a place the conversation named.
_LOCATIVE_THERE = re.compile(r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )\bthere\b(?!\s+(?:is|are|was|were|be|been|"
                             r"has|have|had)\b)", re.I)
# Earlier questions whose answering countries are remembered (see Assistant._answering_countries).
ANSWERED_MEMORY = 256
# "Which countries are Roma kids exploited in?", "Where are they taken?": a question for where people are taken.
_ASKED_WHERE_TAKEN = re.compile(r"\b(which|what) (other )?(countries|country|places?|cities|regions?|destinations?)\b"
                                r"[^?]*\b(in|to|into)\W*$|\b(to|in|into) (which|what) (countries|country|places?)\b|"
                                r"\bwhere\b[^?]*\b(taken|sent|exploited|trafficked|go|end up)\b", re.I)
RARE_MISSING = FEATURES.index("rare_missing")
# Pronouns that stand for the earlier question's topic, not its country.
_TOPIC_BACK = re.compile(r"\b(that|this|it|they|them|those|these|the same)\b", re.I)
# "… trapped in them?", "… exploited on them?": a thing of the question before is where it happens.
_IN_THEM = re.compile(r"\b(in|on|at|from|into|inside|aboard|within|of)\s+(them|it|those|these)\b(?!\s+\w+)", re.I)
IN_THEM_TERMS = 3


class Assistant:
    """Question answering over one loaded index. Construct with ``Assistant.load``; safe to share between threads."""

    def __init__(self, index: TipIndex, settings: Settings, model: AnswerModel | None = None) -> None:
        self.index = index
        self.settings = settings
        self._by_country: dict[str, Document] = {}
        narratives = [d for d in index.documents.values() if d.country is not None]  # report text has none
        for doc in sorted(narratives, key=lambda d: (d.country, -(d.year or 0))):
            self._by_country.setdefault(doc.country, doc)
        self.evidence = Evidence(index, model or AnswerModel.load(settings.answering.answer_model))
        self.tools = Tools(index, self.evidence, settings, self._by_country)
        # Earlier questions' answering countries, kept so that a long conversation's follow-ups do not answer
        # every earlier question again at each turn.
        self._answered: OrderedDict[tuple[str, tuple[str, ...]], tuple[bool, tuple[str, ...]]] = OrderedDict()
        self._answered_lock = threading.Lock()
        self.generative = None
        if settings.llm.llm_url:
            from assistant.llm import GenerativeAnswerer

            llm = settings.llm
            self.generative = GenerativeAnswerer(index, llm.llm_url, llm.llm_model, llm.llm_timeout)

    @classmethod
    def load(
        cls,
        index_dir: Path | str | None = None,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Assistant:
        """Load an index; with no ``index_dir``, the bundled report's index, built on first use."""
        settings = settings or Settings.load()
        if index_dir is None and settings.indexing.index_dir is None:
            index_dir = default_index_dir(settings)
            index = None
            try:
                manifest = read_manifest(index_dir)
                if str(bundled_corpus().resolve()) in manifest.get("sources", {}):
                    index = TipIndex.load(index_dir, settings, embedder)
            except (IndexNotFoundError, IndexMismatchError, IndexCorruptError):
                index = None
            if index is None:  # first use, an upgrade changed the report or format, or damage
                build_index([bundled_corpus()], index_dir, settings, embedder=embedder, progress=progress)
                index = TipIndex.load(index_dir, settings, embedder)
        else:
            index = TipIndex.load(Path(index_dir or settings.indexing.index_dir).expanduser(), settings, embedder)
        return cls(index, settings)

    @property
    def countries(self) -> list[str]:
        return sorted(self._by_country)

    def describe(self) -> dict:
        """What is loaded: index folder, model, countries, counts."""
        manifest = self.index.stored.manifest
        return {"index_dir": str(self.index.stored.index_dir), "model": manifest["model"],
                "countries": self.countries, "documents": len(self.index.documents),
                "chunks": len(self.index.chunks), "created": manifest["created"]}

    def warm_up(self) -> None:
        """Load the embedding model now rather than on the first question."""
        self.index.embed_query("warm up")
        self.index.correct_spelling("warm up")
        self.index.expand_query("warm up")
        for doc in self._by_country.values():
            tier_unit_span(doc)  # listings cite every narrative's tier sentence
        self.evidence.warm_generic(self.index.documents)

    # The public question-answering entry points

    def ask(self, question: str, history: list[str] | None = None, countries: list[str] | None = None) -> Reply:
        """Answer ``question``; ``history`` is the earlier user questions (optionally answers), oldest first.

        ``countries`` restricts the answer to those countries (a UI filter). Raises QuestionError for a
        question with nothing to ask; never returns an error as text.
        """
        started = time.perf_counter()
        turn, reply = self._answer(question, history, countries)
        if self._generates(turn, reply):
            reply = self._keep_lead(self.generative.answer(turn.question, turn.hits, reply, turn.history), reply)
        return self._finish(turn, reply, started)

    def ask_stream(self, question: str, history: list[str] | None = None,
                   countries: list[str] | None = None) -> Iterator[str | Reply]:
        """Like ask(), but yields a local model's text as it is generated; the final Reply always comes last
        and supersedes the streamed text (unverified sentences dropped). Without a model, only the Reply."""
        started = time.perf_counter()
        turn, reply = self._answer(question, history, countries)
        if self._generates(turn, reply):
            extractive = reply
            for item in self.generative.stream(turn.question, turn.hits, reply, turn.history):
                if isinstance(item, str):
                    yield item
                else:
                    reply = self._keep_lead(item, extractive)
        yield self._finish(turn, reply, started)

    def understand(self, question: str, history: list[str] | None = None) -> Turn:
        """How a question is read in its conversation: its intent, cues, subject countries, focus text."""
        return self._understand(question, history, None)

    def retrieve(self, question: str, history: list[str] | None = None, k: int = 10) -> list[Hit]:
        """The passages retrieval finds for a question in its conversation (as ask() routes it)."""
        turn = self._understand(question, history, None)
        within = None if turn.intent is Intent.COUNTRY else turn.subjects or None
        routed = within if self.settings.search.country_routing else None
        return self.index.search(turn.query, k=k, countries=routed, routing=False)

    # Answering

    def _answer(self, question: str, history: list[str] | None, countries: list[str] | None) -> tuple[Turn, Reply]:
        parts = two_parts(question)
        if parts is None:
            return self._answer_one(question, history, countries)
        # "How many traffickers did Curaçao prosecute, and how many victims got shelter?": each part is answered
        # on its own, the second as a follow-up to the first, and the replies are joined.
        turn, first = self._answer_one(parts[0], history, countries)
        second_turn, second = self._answer_one(parts[1], [*(history or []), parts[0]], countries)
        turn.two_part = second_turn.two_part = True
        if first.refused and not second.refused:  # the reply leads with what the report does answer
            return second_turn, second.joined(first, question)
        return turn, first.joined(second, question)

    def _answer_one(self, question: str, history: list[str] | None,
                    countries: list[str] | None) -> tuple[Turn, Reply]:
        turn = self._understand(question, history, countries)
        if turn.intent is None:  # an injected instruction
            return turn, Reply(turn.question, INJECTION_REPLY, [], refused=True)
        if turn.missing and not turn.subjects and turn.intent not in (Intent.COUNTRY, Intent.OUT_OF_SCOPE):
            return turn, self._about_uncovered(turn)
        if turn.missing and not turn.subjects and turn.cues.out_of_scope == "off-topic":
            return turn, self.tools.not_covered(turn)
        uncovered = [c for c in turn.mentioned if c not in self._by_country]
        if uncovered and not turn.subjects and not turn.missing and turn.intent not in (
                Intent.COUNTRY, Intent.OUT_OF_SCOPE) and self._own_doing(turn, uncovered):
            # "Nepalese workers charged fees by their own government?": only Nepal's own narrative could tell.
            return turn, self.tools.not_covered(turn, uncovered)
        reply = ROUTES[turn.intent].answer(turn, self.tools)
        if (uncovered and not turn.subjects and not turn.missing and turn.intent is not Intent.COUNTRY
                and not reply.refused and turn.chosen and all(c.features[RARE_MISSING] >= 1.0 for c in turn.chosen)):
            # "Are Pakistani brick kiln workers trapped in debt bondage?": other narratives name Pakistanis, but
            # none speaks of brick kilns; only Pakistan's own narrative could say.
            return turn, self.tools.not_covered(turn, uncovered)
        if reply.refused and turn.by_adjective and turn.cues.asks_country and turn.intent is not Intent.COUNTRY:
            # "In what country are Colombian and Venezuelan women recruited as dancers?": not in Venezuela's own
            # narrative, so the country asked for is another one whose narrative names them.
            other = self._understand(question, history, countries, any_country=True)
            if other.intent is Intent.COUNTRY:
                again = ROUTES[other.intent].answer(other, self.tools)
                if not again.refused:
                    return other, again
        if turn.missing and turn.subjects and turn.intent not in (Intent.COUNTRY, Intent.TIER, Intent.COMPARISON,
                                                                  Intent.OVERVIEW):
            reply.notes.append(f"The report does not cover {', '.join(turn.missing)}.")
        return turn, reply

    def _about_uncovered(self, turn: Turn) -> Reply:
        """A question about a country without a narrative: the narratives that mention it may still answer a
        question of fact ("Which Kremlin-backed group used children in the Central African Republic?": Russia's),
        from a sentence that names it; otherwise the report does not cover it."""
        cues = turn.cues
        if (turn.intent not in _ANSWERED_BY_MENTIONS or cues.tier or cues.move or cues.ellipsis
                or not _WH_START.search(turn.question) or self._own_doing(turn)):
            return self.tools.not_covered(turn)
        reply = ROUTES[turn.intent].answer(dataclasses.replace(turn, mentioned=[*turn.mentioned, *turn.missing]),
                                           self.tools)
        if reply.refused:
            return self.tools.not_covered(turn)
        reply.notes.append(f"The report has no narrative on {', '.join(turn.missing)}; this is from "
                           f"{'the narratives' if len(reply.countries) > 1 else 'a narrative'} that mention"
                           f"{'' if len(reply.countries) > 1 else 's'} {'them' if len(turn.missing) > 1 else 'it'}.")
        return reply

    def _own_doing(self, turn: Turn, uncovered: list[str] | None = None) -> bool:
        """Whether the question asks what an uncovered country itself does ("How do Ukrainian authorities …",
        "… inside Moldova", "… by their own government"): only its own narrative could tell."""
        forms = "|".join(re.escape(f) for c in (uncovered or turn.missing) for f in self.index.countries.forms(c))
        return bool(forms) and bool(re.search(
            rf"(?<!\w)(?:{forms})(?:'s|’s)?\s+(?:own\s+)?(?:{_OWN_BODIES})\b|(?<!\w)(?:{forms})(?:'s|’s)\s+own\b|"
            rf"\b(?:inside|within|on its territory)\s+"
            rf"(?:the\s+)?(?:{forms})(?!\w)|"
            # "… Bangladeshi workers … what is the government there doing?", "… by their own government?"
            rf"\b(?:the|its|their)\s+(?:own\s+)?(?:{_OWN_BODIES})\s+there\b|\btheir\s+own\s+(?:{_OWN_BODIES})\b",
            turn.question, re.I))

    def _generates(self, turn: Turn, reply: Reply) -> bool:
        return (self.generative is not None and turn.retrieved and bool(turn.hits) and not reply.refused
                and not turn.two_part
                and turn.intent not in (Intent.TIER, Intent.LISTING, Intent.COMPARISON, Intent.OVERVIEW))

    @staticmethod
    def _keep_lead(generated: Reply, extractive: Reply) -> Reply:
        """A local model's reply keeps the direct answer (country, number, yes/no) the evidence gave."""
        lead = extractive.lead
        if generated.answerer != "llm" or not lead or lead.lower() in generated.answer.lower():
            return generated
        return dataclasses.replace(generated, answer=f"**{lead}.** {generated.answer}", lead=lead)

    def _finish(self, turn: Turn, reply: Reply, started: float) -> Reply:
        reply.notes = turn.notes + reply.notes
        reply.countries = reply.countries or list(turn.subjects)
        reply.intent = turn.intent.value if turn.intent else None
        reply.hits = reply.hits or turn.hits
        reply.timings = {**turn.timings, **reply.timings, "total_ms": _ms(started)}
        return reply

    # Understanding

    def _understand(self, question: str, history: list[str] | None, countries: list[str] | None,
                    any_country: bool = False) -> Turn:
        """The turn a question makes in the conversation; with ``any_country``, a which-country question's
        peoples named by adjective only describe its topic (their own narrative has not answered)."""
        started = time.perf_counter()
        answering = self.settings.answering
        parsed = analyse(question, answering.max_question_chars, answering.overlong_questions == "refuse")
        corrected, slips = self.index.correct_spelling(parsed.text)
        if slips:
            parsed = dataclasses.replace(parsed, text=corrected, notes=[*parsed.notes, "Read " + ", ".join(
                f"“{s.typed}” as “{s.read}”" for s in slips) + "."])
        history = [h[: answering.max_question_chars * 4] for h in (history or [])
                   if isinstance(h, str) and h.strip()][-20:]
        single = self.countries[0] if len(self._by_country) == 1 else None
        own = read_cues(parsed.text)
        resolved = resolve(parsed.text, history, self.index.countries, single)
        if history and (resolved.inherited or not (resolved.subjects or resolved.missing)):
            resolved = self._resolve_through_answers(parsed.text, history, single) or resolved
        if history and resolved.named and not resolved.inherited and _LOCATIVE_THERE.search(parsed.text) and not any(
                placed_in(parsed.text, c, self.index.countries) for c in resolved.named):
            # "Does the North Korean state use forced labor there?" after a question about China: there is China,
            # which the evidence must name (or be the narrative of); "and in Bulgaria, are they at risk there
            # too?" sets its own place.
            earlier = resolve(history[-1], history[:-1], self.index.countries, single)
            resolved.mentioned = list(dict.fromkeys([*resolved.mentioned, *(
                c for c in earlier.subjects if c not in resolved.subjects)]))
        filtered = bool(countries)
        if countries:
            resolved.subjects = [self._canonical_country(c) for c in countries]
            resolved.missing = []
        own_focus = self.evidence.focus(parsed.text, resolved.subjects)
        # The topic comes from the question before when this one has none of its own, or points at it
        # ("fix that"); "What about victim identification?" brings its own topic and keeps only the intent.
        topic_back = bool(history) and not own.tier and (not own_focus or (len(own_focus) <= 1 and (
            bool(_TOPIC_BACK.search(parsed.text)) or (own.ellipsis and bool(resolved.named or resolved.missing))))
            or (len(own_focus) <= IN_THEM_TERMS and bool(_IN_THEM.search(parsed.text))))
        context = f"{history[-1]} {parsed.text}" if topic_back else parsed.text
        elsewhere = _ELSEWHERE.search(history[-1]) if history and not topic_back else None
        if elsewhere and _LOCATIVE_THERE.search(parsed.text) and not _ELSEWHERE.search(parsed.text):
            # "What work are they forced into over there?" after a question about victims abroad: there is abroad.
            context = f"{context} {elsewhere.group(0)}"
        elif (history and topic_back and _LOCATIVE_THERE.search(parsed.text) and not resolved.named
              and _ASKED_WHERE_TAKEN.search(history[-1]) and not _ELSEWHERE.search(context)):
            # "What are they made to do there?" after "Which countries are Bulgarian Roma kids exploited in?": there
            # is where the earlier question's people are taken, abroad.
            context = f"{context} abroad"
        cues = own
        earlier = read_cues(history[-1]) if history else None
        if earlier is not None and not own.any and (own.ellipsis or len(own_focus) <= FOLLOW_UP_TERMS) and (
                not _OWN_QUESTION.search(parsed.text) or (own.why and (earlier.tier or earlier.move is not None))):
            # "And convictions?", "Why did it stay there?": the question before says what kind of answer. A
            # question with its own wh-word ("And what has it done with …?") keeps its own kind.
            cues = dataclasses.replace(earlier, why=own.why or earlier.why, ellipsis=True)
        focus = self.evidence.focus(context, resolved.subjects)
        editions = self._editions_named(context)
        # "Women from Haiti, the DR and Venezuela … on which island?": a list of origins asks for another country
        # (people from one country are most often found in that country's own narrative).
        named = list(dict.fromkeys([*resolved.named, *resolved.missing]))
        places = list(dict.fromkeys([*named, *resolved.mentioned]))  # with the peoples named by adjective
        origins = bool(cues.asks_country and not countries and resolved.named and len(places) >= 2
                       and any(only_origins(parsed.text, these, self.index.countries, destinations=True)
                               for these in (named, places)))
        # "In what country do Chinese business owners exploit Malawian children?", once the people's own narrative
        # has not answered: the peoples named by adjective describe the topic, and the country may be any.
        described = bool(any_country and cues.asks_country and not countries and resolved.by_adjective
                         and not resolved.named)
        described_peoples = list(resolved.subjects)  # the answer's evidence names them (or is their narrative)
        scope = Scope(subjects=0 if origins or described else len(resolved.subjects),
                      named=len(resolved.named) if not countries else len(countries),
                      inherited=resolved.inherited, placement_only=placement_only(focus),
                      missing_only=bool(resolved.missing) and not resolved.subjects, editions=len(editions))
        intent = None if parsed.injection else decide(cues, scope)
        pool: list[str] = []
        if intent is Intent.COUNTRY and (cues.among or cues.which_of) and len(resolved.named) >= 2 and not filtered:
            pool = list(resolved.subjects)  # "Which of X, Y and Z …": the answer is among them
        if intent is Intent.COUNTRY and not filtered:
            # The answer is a narrative's country; the countries the question names are part of its topic.
            resolved.mentioned = list(dict.fromkeys([*resolved.mentioned, *resolved.subjects, *resolved.missing]))
            resolved.subjects, resolved.missing = [], []
        query = _SCAFFOLDING.sub(" ", context).strip() or context
        if self.generative is not None and history and (topic_back or cues.ellipsis):
            # A local model rewrites an elliptical follow-up as a standalone retrieval query.
            query = self.generative.condense(parsed.text, history)
        turn = Turn(question=parsed.text, intent=intent, cues=cues, subjects=resolved.subjects,
                    missing=resolved.missing, mentioned=resolved.mentioned, query=self.index.expand_query(query),
                    context=self.index.expand_query(context), history=history, filtered=filtered,
                    by_adjective=resolved.by_adjective, years=editions, pool=pool,
                    origins=(list(resolved.named) if origins else described_peoples if described else [])
                    if intent is Intent.COUNTRY else [])
        turn.timings["understand_ms"] = _ms(started)
        turn.notes = list(parsed.notes)
        return turn

    def _editions_named(self, text: str) -> list[int]:
        """Report editions a question names, when the index holds several ("What tier was Kuwait on in 2022?")."""
        held = self.index.years
        if len(held) < 2:
            return []
        return sorted({int(y) for y in _YEAR.findall(text) if int(y) in held})

    def _was_country_question(self, text: str) -> bool:
        cues = read_cues(text)
        return cues.asks_government or (cues.asks_country and not self.index.countries.split(text)[0])

    def _resolve_through_answers(self, question: str, history: list[str], single: str | None) -> Resolved | None:
        """"What tier is it on?" after "Which country runs the Maetot program?": the country the earlier
        question was answered with is the subject (the history holds questions, not answers)."""
        for i in range(len(history) - 1, -1, -1):
            country_question = self._was_country_question(history[i])
            if not country_question and self.index.countries.find(history[i]):
                return None  # an earlier question named its countries: ordinary resolution stands
            if not country_question and single is not None:
                continue
            # "Which minorities are detained in Xinjiang?" names no country, but one narrative answered it.
            refused, answered = self._answering_countries(history[i], history[:i])
            if refused or not answered or (not country_question and len(answered) > 1):
                return None
            rewritten = [*history[:i], " and ".join(answered), *history[i + 1 :]]
            return resolve(question, rewritten, self.index.countries, single)
        return None

    def _answering_countries(self, question: str, history: list[str]) -> tuple[bool, tuple[str, ...]]:
        """Whether an earlier question was refused, and the countries of its (extractive) answer; remembered for
        the last ``ANSWERED_MEMORY`` questions."""
        key = (question, tuple(history))
        with self._answered_lock:
            if key in self._answered:
                self._answered.move_to_end(key)
                return self._answered[key]
        turn, reply = self._answer(question, history, None)
        found = (reply.refused, tuple(reply.countries or turn.subjects))
        with self._answered_lock:
            self._answered[key] = found
            while len(self._answered) > ANSWERED_MEMORY:
                self._answered.popitem(last=False)
        return found

    def _canonical_country(self, name: str) -> str:
        """The index's spelling of a filter country; UnknownCountryError when the index lacks it."""
        found = self.index.countries.split(name)[0]
        by_lower = {c.lower(): c for c in self._by_country}
        country = found[0] if found else by_lower.get(name.strip().lower())
        if country not in self._by_country:
            raise UnknownCountryError(f"country {name!r} is not in this index; it holds: {', '.join(self.countries)}")
        return country


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0


__all__ = ["INJECTION_REPLY", "Assistant", "Cues"]
