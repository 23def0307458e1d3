"""Questions that join facts or lean on the conversation: which country holds two facts at once, a question
about two named countries, which foreign government a narrative names, a follow-up's own words, a follow-up to a
question that named no country, and names or nationalities the report does not give (hashing embedder, no model)."""

from __future__ import annotations

import pytest

from assistant.core import Assistant
from assistant.evidence import failing
from tests.conftest import hashing_bot
from tests.test_answerers import grounded

HEADER = "Extracted from the U.S. State Dept 2023 TIP Report"
NARRATIVES = {
    "arcadia": f"""ARCADIA (Tier 3) {HEADER}

Arcadia does not fully meet the minimum standards for the elimination of trafficking and is not making \
significant efforts to do so; despite the lack of significant efforts, the government took some steps to address \
trafficking, including passing a new National Action Plan; however, the government continued to minimize the \
severity of the trafficking problem, did not have shelters, and did not allocate funding for victim services; \
the government did not report any investigations, prosecutions, or convictions for forced labor crimes; \
therefore, Arcadia remained on Tier 3 (2023)

Trafficking Profile

Human traffickers exploit domestic and foreign victims in Arcadia, and traffickers exploit victims from Arcadia \
abroad; a government policy of forced labor, including mobilization of adults for forced labor in the annual cotton \
harvest, continued; authorities in the Zubrowka region subject families of detained men to forced labor; \
armed militias recruit and use child soldiers in Arcadia; Nepalese migrant workers pay high recruitment fees \
to agencies in Arcadia

Arcadian officials reportedly returned many migrants and asylum seekers arriving at the northern border to their \
countries of origin without screening them for indicators of trafficking or referring them to care; similarly, \
authorities did not screen refugees fleeing the war in the neighbouring country; labor inspectors lacked the \
authority to conduct unannounced inspections of farms, construction sites and private homes employing domestic \
workers, and the inspectorate had too few staff to cover the country's rural districts; in addition, the \
government did not train police, prosecutors or judges on the anti-trafficking law during the reporting period, \
and courts continued to treat forced labor cases as labor disputes subject only to administrative fines
""",
    "borduria": f"""BORDURIA (Tier 3) {HEADER}

Borduria does not fully meet the minimum standards for the elimination of trafficking and is not making \
significant efforts to do so; despite the lack of significant efforts, the government took some steps to address \
trafficking, including passing a new National Action Plan and opening shelters for victims; however, the new \
plan did not include provisions to protect victims; therefore, Borduria remained on Tier 3 (2023)

Trafficking Profile

Cuban medical workers in Borduria may have been forced to work by the Cuban government; children remain \
vulnerable to recruitment by armed groups operating in Borduria, including the Red Hand and the Black Banner; \
Bordurian families are affected too, as traffickers hold them in debt bondage; experts estimate 40% of \
Bordurian children are involved in child labor
""",
}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return hashing_bot(tmp_path_factory, NARRATIVES, "joined")


def test_the_country_that_holds_both_facts_is_named_with_a_proof_of_each(bot: Assistant) -> None:
    # Both passed a new plan; only Arcadia has no shelters (Borduria's words are closer, but it opened shelters).
    reply = bot.ask("Which Tier 3 country passed a new national action plan but still has no shelters for victims?")
    assert not reply.refused and reply.answer.startswith("**Arcadia**")
    quotes = " ".join(c.quote for c in reply.citations)
    assert "passing a new National Action Plan" in quotes and "did not have shelters" in quotes
    grounded(bot, reply)


@pytest.mark.parametrize(("question", "facts"), [
    ("Which country passed a new national action plan but still has no shelters for victims?", 2),
    ("Which country draws migrants from Ethiopia and Mozambique and has Chinese owners exploiting Malawians?", 2),
    ("Which country forces women and girls into domestic work?", 0),  # "women and girls" is no second fact
    ("Which country forces people to pick cotton?", 0),
    ("Which place has no shelters for victims and officials who confuse trafficking with smuggling?", 2),
])
def test_the_facts_a_which_country_question_joins(bot: Assistant, question: str, facts: int) -> None:
    from assistant.answerers.country import question_facts

    assert len(question_facts(question, bot.tools)) == facts


def test_each_country_a_question_names_answers_for_itself(bot: Assistant) -> None:
    reply = bot.ask("List the armed groups that recruit children in Arcadia and in Borduria.")
    assert not reply.refused
    assert "**Arcadia**" in reply.answer and "**Borduria**" in reply.answer
    assert "Red Hand" in reply.answer
    grounded(bot, reply)


def test_which_foreign_government_is_the_one_the_sentence_names(bot: Assistant) -> None:
    reply = bot.ask("Which foreign government may have forced its medical staff to work in Borduria?")
    assert not reply.refused and reply.answer.startswith("**Cuba**")
    assert "Cuban government" in reply.citations[0].quote
    grounded(bot, reply)


def test_a_follow_up_is_answered_on_its_own_words(bot: Assistant) -> None:
    history = ["What's going on with forced labor in Arcadia's cotton harvest?"]
    reply = bot.ask("Has the government prosecuted anybody for it?", history=history)
    assert not reply.refused and reply.answer.startswith("**No.**")
    assert "did not report any investigations, prosecutions" in reply.citations[0].quote
    grounded(bot, reply)


def test_a_follow_up_to_a_question_that_named_no_country_keeps_the_country_that_answered(bot: Assistant) -> None:
    history = ["Who is detained in the Zubrowka region?"]
    reply = bot.ask("Are their families affected too?", history=history)
    assert not reply.refused and reply.countries == ["Arcadia"]
    assert "families of detained men" in reply.citations[0].quote
    grounded(bot, reply)


def test_a_long_conversation_answers_each_earlier_question_once(bot: Assistant,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    history = ["Who is detained in the Zubrowka region?", "Are their families affected too?",
               "Are children affected as well?"]
    bot._answered.clear()
    calls: list[str] = []
    answer = bot._answer
    monkeypatch.setattr(bot, "_answer", lambda q, h, c: (calls.append(q), answer(q, h, c))[1])
    first = bot.ask("Does the government do anything about it?", history=history)
    assert first.countries == ["Arcadia"] and len(calls) == len(history) + 1  # each earlier question once
    before = len(calls)
    bot.ask("Did it prosecute anyone for it?", history=[*history, "Does the government do anything about it?"])
    assert len(calls) - before == 2  # this question and the one before it; the rest are remembered


def test_specific_names_the_report_does_not_give_are_refused(bot: Assistant) -> None:
    reply = bot.ask("Which specific militias recruit child soldiers in Arcadia?")
    assert reply.refused and "does not name" in reply.answer
    listed = bot.ask("Which specific armed groups recruit children in Borduria?")
    assert not listed.refused and "Red Hand" in listed.answer  # named in the list after "including"
    grounded(bot, listed)


def test_the_name_of_a_thing_the_narrative_never_speaks_of_is_refused_without_a_quote(bot: Assistant) -> None:
    reply = bot.ask("What is the name of Arcadia's victim hotline?")
    assert reply.refused and reply.answer.startswith("The report does not name the hotline") and not reply.citations


@pytest.mark.parametrize(("text", "kind", "named"), [
    ("children work during the student summer work program known as Maetot", "the scheme", True),  # same kind
    ("many men seek work abroad, primarily in Europe and the Middle East", "the law", False),  # regions
    ("officials adopted a National Action Plan and accredited two shelters", "the shelters", False),
])
def test_a_name_of_the_kind_asked_for(bot: Assistant, text: str, kind: str, named: bool) -> None:
    from assistant.answerers.facts import _named

    assert _named(text, kind, bot.tools) is named


def test_a_two_part_question_half_answered_is_a_refusal_that_says_what_is_given(bot: Assistant) -> None:
    reply = bot.ask("Did Arcadia pass a new National Action Plan, and in what year did it pass it?")
    assert reply.refused and "National Action Plan" in reply.answer and reply.citations
    grounded(bot, reply)


def test_a_nationality_needs_a_sentence_that_names_one(bot: Assistant) -> None:
    reply = bot.ask("What nationalities were they?", history=["How many victims did Borduria shelter?"])
    assert reply.refused


def test_a_share_does_not_answer_a_count_asked_in_total(bot: Assistant) -> None:
    reply = bot.ask("How many Bordurian children in total are in child labor (absolute number)?")
    assert reply.refused and "only a share, “40%”" in reply.answer
    grounded(bot, reply)
    share = bot.ask("How many Bordurian children are in child labor?")
    assert not share.refused and share.answer.startswith("**40%**")


def test_every_listed_country_the_model_trusts_is_named(bot: Assistant) -> None:
    reply = bot.ask("Of Arcadia and Borduria, which ones have armed groups recruiting children?")
    assert not reply.refused and sorted(reply.countries) == ["Arcadia", "Borduria"]
    grounded(bot, reply)


def test_the_profiles_opening_answers_only_a_yes_or_no_in_its_own_words(bot: Assistant) -> None:
    reply = bot.ask("Are there foreign victims in Arcadia?")
    assert not reply.refused and reply.answer.startswith("**Yes.**")
    assert reply.citations[0].quote.startswith("Human traffickers exploit domestic and foreign victims")
    other = bot.ask("Did Arcadia make a trafficker pay compensation to a victim?")
    assert not any(c.quote.startswith("Human traffickers exploit") for c in other.citations)


@pytest.mark.parametrize("question", [
    "What does the report say about Nepalese workers charged recruitment fees by their own government?",
    "Are Nepalese migrants trafficked? What is the government there doing about it?",
])
def test_what_an_uncovered_countrys_own_government_does_is_not_covered(bot: Assistant, question: str) -> None:
    reply = bot.ask(question)
    assert reply.refused and "does not cover Nepal" in reply.answer and not reply.citations


def test_a_clause_that_leans_on_the_one_before_is_cited_with_it(bot: Assistant) -> None:
    from assistant.answerers.base import Citations

    doc = next(d for d in bot.index.documents.values() if d.country == "Arcadia")
    start = doc.text.index("similarly, authorities")
    end = doc.text.index(";", start)
    cites = Citations(bot.index.documents)
    n = cites.unit(bot.evidence.unit(doc, start, end))
    quote = cites.items[n - 1].quote
    assert quote.startswith("Arcadian officials reportedly returned") and quote.endswith("neighbouring country")
    assert doc.text[cites.items[n - 1].start : cites.items[n - 1].end] == quote
    alone = doc.text.index("labor inspectors lacked")  # a clause of its own is cited alone
    own = cites.unit(bot.evidence.unit(doc, alone, doc.text.index(";", alone)))
    assert cites.items[own - 1].quote.startswith("labor inspectors lacked")


def test_what_should_change_about_lenient_sentences_is_a_shortcoming() -> None:
    assert failing("courts continued to issue suspended sentences for most convicted traffickers")
    assert failing("the government provided limited funding to NGOs for victim services")
    assert not failing("the government provided funding to NGOs for victim services")
