"""Answers from summarized narratives (one long summary of ";"-joined clauses, no recommendations): a placement's
waiver and criterion, what the report finds lacking when asked what should be done, sentences as penalties,
paraphrased yes/no questions, names asked for, and which-country questions about peoples named by adjective
(hashing embedder, no model)."""

from __future__ import annotations

import re

import pytest

from assistant.core import Assistant, two_parts
from assistant.evidence import failing
from tests.conftest import hashing_bot
from tests.test_answerers import grounded

HEADER = "Extracted from the U.S. State Dept 2023 TIP Report"
NARRATIVES = {
    "sylvania": f"""SYLVANIA (Tier 2 Watch List) {HEADER}

Sylvania does not fully meet the minimum standards for the elimination of trafficking but is making significant \
efforts to do so; officials opened two shelters and worked with an international organization to monitor migrant \
workers abroad; however, officials did not adequately screen detained migrants for trafficking indicators; courts \
issued suspended sentences to most convicted traffickers; because the government has devoted sufficient resources \
to a written plan that, if implemented, would constitute significant efforts to meet the minimum standards, \
Sylvania was granted a waiver per the Trafficking Victims Protection Act from an otherwise required downgrade to \
Tier 3; therefore, Sylvania remained on Tier 2 Watch List for the third consecutive year (2023)

Trafficking Profile

Human traffickers exploit domestic and foreign victims in Sylvania; traffickers exploit Sylvanian men in forced \
labor on fishing vessels; Sylvanian dockworkers are also subjected to forced labor at Osterlich’s state-run ports
""",
    "osterlich": f"""OSTERLICH (Tier 2 Watch List) {HEADER}

Osterlich does not fully meet the minimum standards for the elimination of trafficking but is making significant \
efforts to do so; officials increased investigations; however, the government did not demonstrate overall \
increasing efforts, compared with the previous reporting period, to expand its anti-trafficking capacity; \
officials identified fewer trafficking victims; authorities penalized victims for crimes traffickers compelled \
them to commit; therefore, Osterlich was downgraded to Tier 2 Watch List (2023)

Trafficking Profile

Human traffickers exploit domestic and foreign victims in Osterlich; traffickers exploit Osterlich women in \
domestic servitude abroad
""",
    "venezuela": f"""VENEZUELA (Tier 3) {HEADER}

Venezuela does not fully meet the minimum standards for the elimination of trafficking and is not making \
significant efforts to do so; therefore, Venezuela remained on Tier 3 (2023)

Trafficking Profile

Human traffickers exploit Venezuelan children in illegal gold mining in the south of the country
""",
    "dominican-republic": f"""DOMINICAN REPUBLIC (Tier 2) {HEADER}

The Dominican Republic does not fully meet the minimum standards for the elimination of trafficking but is \
making significant efforts to do so; therefore, the Dominican Republic remained on Tier 2 (2023)

Trafficking Profile

Traffickers increased recruiting of Colombian and Venezuelan women to dance in strip clubs and later coerce \
them into sex trafficking
""",
}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return hashing_bot(tmp_path_factory, NARRATIVES, "summarized")


def test_a_waiver_is_cited_with_the_placement_it_allows(bot: Assistant) -> None:
    reply = bot.ask("Why is Sylvania still on the Tier 2 Watch List rather than dropping to Tier 3?")
    assert not reply.refused and reply.answer.startswith("Sylvania is on Tier 2 Watch List")
    first = reply.citations[0].quote
    assert "was granted a waiver" in first and "remained on Tier 2 Watch List" in first
    grounded(bot, reply)


def test_a_downgrade_gives_the_laws_criterion_besides_the_summarys_reasons(bot: Assistant) -> None:
    reply = bot.ask("Why did Osterlich get moved down to the Tier 2 Watch List?")
    assert not reply.refused and "The report's reasons" in reply.answer
    assert "did not demonstrate overall increasing efforts" in reply.answer
    assert "fewer trafficking victims" in reply.answer or "penalized victims" in reply.answer
    grounded(bot, reply)


def test_a_why_tacked_on_a_placement_question_is_one_question(bot: Assistant) -> None:
    question = "What tier is Osterlich on, and what drove that?"
    assert two_parts(question) is None
    reply = bot.ask(question)
    assert reply.answer.count("is on Tier 2 Watch List") == 1 and "The report's reasons" in reply.answer
    grounded(bot, reply)


def test_what_should_be_done_is_answered_by_what_is_lacking(bot: Assistant) -> None:
    reply = bot.ask("What should Sylvania do better when it comes to screening detained migrants?")
    assert not reply.refused
    assert reply.answer.startswith("The report gives no recommendations for Sylvania here")
    assert "did not adequately screen detained migrants" in reply.answer
    grounded(bot, reply)


def test_asked_for_recommendations_on_a_topic_it_says_there_are_none_and_what_is_lacking(bot: Assistant) -> None:
    reply = bot.ask("What does the report recommend Sylvania do about screening detained migrants?")
    assert not reply.refused and reply.answer.startswith("The report gives no recommendations for Sylvania here")
    assert "did not adequately screen detained migrants" in reply.answer
    grounded(bot, reply)


def test_asked_for_recommendations_without_a_topic_it_says_there_are_none(bot: Assistant) -> None:
    reply = bot.ask("What does the report recommend Sylvania do next?")
    assert reply.refused and "gives no recommendations for Sylvania" in reply.answer and not reply.citations


def test_sentences_are_penalties_and_a_streak_is_none(bot: Assistant) -> None:
    reply = bot.ask("What sentences did Sylvanian traffickers get?")
    assert not reply.refused and reply.answer.startswith("**Suspended sentences**")
    term = bot.ask("What's the maximum prison term in Sylvania?")
    assert term.refused and "third consecutive year" not in term.answer.split(".")[0]


def test_a_paraphrased_yes_no_question_gets_its_verdict(bot: Assistant) -> None:
    reply = bot.ask("When Sylvanian police held migrants, did they check them for signs of trafficking?")
    assert reply.intent == "yes_no" and reply.answer.startswith("**No.**")
    assert "did not adequately screen" in reply.answer
    punished = bot.ask("Does Osterlich punish victims for crimes they were made to commit?")
    assert punished.answer.startswith("**Yes.**") and "penalized victims" in punished.answer


def test_an_unnamed_organization_is_not_a_name(bot: Assistant) -> None:
    reply = bot.ask("Which international organization helped Sylvania monitor its migrant workers?")
    assert reply.refused and reply.answer.startswith("The report does not name which organization")
    assert "an international organization" in reply.answer  # what it does say, quoted


def test_peoples_by_adjective_found_in_another_narrative(bot: Assistant) -> None:
    reply = bot.ask("in what country are colombian and venezuelan women recruited as strip club dancers?")
    assert not reply.refused and reply.answer.startswith("**Dominican Republic**")
    grounded(bot, reply)


def test_a_comparison_does_not_repeat_the_placement(bot: Assistant) -> None:
    reply = bot.ask("Sylvania and Osterlich are both on the watch list - how did each one end up there?")
    assert reply.intent == "comparison"
    for line in reply.answer.splitlines():
        sentences = [s.strip() for s in re.split(r"(?<=\])\.?\s+", line) if s.strip()]
        assert len(sentences) == len(set(sentences))
    assert "granted a waiver" in reply.answer
    grounded(bot, reply)


def test_a_brief_says_a_placement_rests_on_a_waiver(bot: Assistant) -> None:
    reply = bot.ask("whats the deal with trafficking in Sylvania")
    assert reply.intent == "overview" and "by a waiver" in reply.answer.splitlines()[0]
    assert "was granted a waiver" in reply.citations[0].quote
    grounded(bot, reply)


@pytest.mark.parametrize(("clause", "failing_"), [
    # Acting against a wrong is an achievement; the wrong itself a failing.
    ("the government investigated and prosecuted some allegedly complicit government officials", False),
    ("reports of low-level official complicity persisted", True),
    ("victims were inappropriately penalized for offenses", True),
    ("officials prosecuted traffickers but did not convict any", True),
])
def test_what_a_summary_clause_reports(clause: str, failing_: bool) -> None:
    assert failing(clause) is failing_


def test_a_two_part_reply_quotes_an_excerpt_once(bot: Assistant) -> None:
    reply = bot.ask("How many shelters did Sylvania open, and when did it open them?")
    assert "two shelters" in reply.answer and "does not say when in its narrative on Sylvania" in reply.answer
    assert reply.refused  # half the question is not answered, though the reply says what the report gives
    assert "The closest it comes" not in reply.answer
    assert reply.answer.count("opened two shelters") == 1
    grounded(bot, reply)


def test_which_countrys_thing_is_its_owners(bot: Assistant) -> None:
    reply = bot.ask("Which country's state-run ports subject dockworkers to forced labor?")
    assert not reply.refused and reply.answer.startswith("**Osterlich**")  # not Sylvania, whose narrative says it
    grounded(bot, reply)
