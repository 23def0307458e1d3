"""A reply gives the kind of thing asked for, or refuses: the number of the step asked (not of another step in
the next clause), an amount of money for pay, a kind of office for "which agencies", names for "name the
officials", the other country for "whose government", the subject's own narrative for "in that country", a
topic word the report only says in other words, and a people's own country for what only it could tell (hashing
embedder, no model)."""

from __future__ import annotations

import pytest

from assistant.core import Assistant
from tests.conftest import hashing_bot
from tests.test_answerers import grounded

HEADER = "Extracted from the U.S. State Dept 2023 TIP Report"
NARRATIVES = {
    "carpania": f"""CARPANIA (Tier 2) {HEADER}

The Government of Carpania does not fully meet the minimum standards for the elimination of trafficking but is \
making significant efforts to do so; these efforts included convicting more traffickers and opening a shelter; \
more traffickers were convicted, two police officers were investigated for trafficking crimes, and cooperation \
with foreign law enforcement increased; however, official complicity in trafficking crimes, especially by police \
and immigration officials, facilitated trafficking, and corruption, including by senior officials, remained \
widespread; officials conflated trafficking with migrant smuggling, and the new plan did not include provisions \
to prevent crime; therefore Carpania remained on Tier 2 (2023)

Trafficking Profile

National service in Carpania is mandatory at age 18 and may last for years; Cuban medical workers in Carpania \
may have been forced to work by the Cuban government; some Cuban women are forced into commercial sex in \
Carpania's port towns.

Children work long hours in the tobacco fields. Nepalese migrant workers pay high fees to labor recruiters \
in Carpania.
""",
    "cuba": f"""CUBA (Tier 3) {HEADER}

Cuba does not fully meet the minimum standards for the elimination of trafficking and is not making \
significant efforts to do so; therefore Cuba remained on Tier 3 (2023)

Trafficking Profile

Cuban women are subjected to forced labor in domestic service abroad; the government's labor export program \
sends medical professionals to many countries; brick kiln owners hold workers in debt bondage
""",
}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return hashing_bot(tmp_path_factory, NARRATIVES, "asked-kinds")


def test_a_number_in_the_clause_of_another_step_does_not_count_the_step_asked(bot: Assistant) -> None:
    # "two police officers were investigated" counts investigations, not convictions.
    refused = bot.ask("How many trafficking convictions did Carpania get?")
    assert refused.refused and refused.intent == "quantity"
    answered = bot.ask("How many police officers were investigated in Carpania?")
    assert not answered.refused and answered.answer.startswith("**Two police officers**")
    grounded(bot, answered)


def test_pay_is_answered_by_an_amount_of_money_not_by_an_age(bot: Assistant) -> None:
    reply = bot.ask("How much are Carpanian national service conscripts paid?")
    assert reply.refused and "18" not in reply.answer.split(".")[0]


def test_which_agencies_is_answered_by_the_kinds_of_office_the_sentence_names(bot: Assistant) -> None:
    reply = bot.ask("which agencies are those officials mostly from?",
                    ["Were any Carpanian officials complicit in trafficking?"])
    assert not reply.refused and "police and immigration officials" in reply.answer
    grounded(bot, reply)


def test_a_request_to_name_officials_wants_their_names(bot: Assistant) -> None:
    reply = bot.ask("can you name the senior officials involved?", ["Which officials in Carpania were corrupt?"])
    assert reply.refused and not reply.answer.startswith("**Yes")


def test_whose_government_names_the_other_country(bot: Assistant) -> None:
    reply = bot.ask("the medical workers in carpania who may be forced to work - whose govt sent them?")
    assert not reply.refused and reply.answer.startswith("**Cuba**")
    assert "Cuban medical workers in Carpania" in reply.citations[0].quote
    grounded(bot, reply)


def test_in_that_country_keeps_the_subjects_narrative(bot: Assistant) -> None:
    reply = bot.ask("and what about cuban women in that country?",
                    ["Do children work in Carpania's tobacco fields?"])
    assert not reply.refused and reply.citations
    assert {bot.index.documents[c.document].country for c in reply.citations} == {"Carpania"}
    grounded(bot, reply)


def test_a_topic_word_the_report_says_in_other_words_still_weighs(bot: Assistant) -> None:
    # "confuse" never occurs in the corpus; "conflated" says it, so "crime" alone does not decide the topic.
    reply = bot.ask("in carpania what crime do officials confuse trafficking with?")
    assert not reply.refused and "conflated trafficking with migrant smuggling" in reply.answer
    grounded(bot, reply)


def test_there_is_the_country_the_question_places_itself_in(bot: Assistant) -> None:
    placed = bot.understand("and in carpania, are they at risk there too?", ["Are Cuban women exploited in Cuba?"])
    assert placed.subjects == ["Carpania"] and "Cuba" not in placed.mentioned
    # Without a place of its own, "there" is the conversation's country, which the evidence must name.
    back = bot.understand("Does the Cuban state use forced labor there?", ["Do children work in Carpania?"])
    assert back.subjects == ["Cuba"] and "Carpania" in back.mentioned


def test_a_thing_pointed_back_at_brings_the_earlier_topic(bot: Assistant) -> None:
    # "in them" is the tobacco fields of the question before, not any forced work in Carpania.
    history = ["Does the Carpania section say anything about tobacco fields?"]
    assert "tobacco" in bot.understand("what young people are exploited in them?", history).query
    # A question with a topic of its own and no thing pointed back at keeps its own.
    assert "tobacco" not in bot.understand("what young people are exploited in port towns?", history).query


def test_a_peoples_own_situation_needs_a_sentence_on_its_topic(bot: Assistant) -> None:
    # Carpania's narrative names Nepalese workers, but not brick kilns: only Nepal's own narrative could say.
    reply = bot.ask("Are Nepalese brick kiln workers held in debt bondage?")
    assert reply.refused and "Nepal" in reply.answer


def test_whether_it_was_done_needs_a_sentence_that_speaks_of_doing_it(bot: Assistant) -> None:
    # The sentence on where the workers are says nothing of whether anyone was prosecuted.
    reply = bot.ask("did the government prosecute any of those recruiters?",
                    ["Who exploits the Nepalese migrant workers in Carpania?"])
    assert reply.refused and not reply.answer.startswith(("**Yes", "**No"))
