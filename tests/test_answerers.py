"""Each intent's answerer on a tiny corpus (hashing embedder, no model): the reply leads with the answer
(country, number, yes/no) and proves it, or refuses plainly when the evidence does not answer."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from assistant.answerers.facts import names_something
from assistant.core import Assistant, two_parts
from assistant.evidence import boilerplate, criterion_statement, standard_opener
from index.search import TipIndex
from index.settings import Settings
from index.store import build_index

FREEDONIA = """FREEDONIA (Tier 3) Extracted from the U.S. State Dept 2023 TIP Report

The Government of Freedonia does not fully meet the minimum standards for the elimination of trafficking and is not \
making significant efforts to do so; therefore Freedonia remained on Tier 3 for the fourth consecutive year. \
Despite the lack of significant efforts, the government took some steps, including training 40 border guards. \
However, a government policy or pattern of forced labor in the annual cotton harvest continued. \
Authorities did not convict any traffickers for the third consecutive year.

Trafficking Profile

Traffickers exploit thousands of Freedonian children in forced labor in cotton fields during the summer. \
Freedonian women are exploited in sex trafficking in Kazakhstan.
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("answerers-corpus")
    (corpus / "freedonia.txt").write_text(FREEDONIA, encoding="utf-8")
    fixture = Path(__file__).parent / "fixtures" / "ruritania-full-format.txt"
    (corpus / "ruritania.txt").write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings.load({"model": "hashing-256"}, env={})
    index_dir = tmp_path_factory.mktemp("answerers-index")
    build_index([corpus], index_dir, settings)
    return Assistant(TipIndex.load(index_dir, settings), settings)


def grounded(bot: Assistant, reply) -> None:
    for citation in reply.citations:
        assert bot.index.documents[citation.document].text[citation.start : citation.end] == citation.quote
    assert {int(n) for n in re.findall(r"\[(\d+)\]", reply.answer)} == {c.n for c in reply.citations}


def test_which_country_names_the_country(bot: Assistant) -> None:
    reply = bot.ask("Which country forces children to work in cotton fields?")
    assert not reply.refused and reply.answer.startswith("**Freedonia**")
    assert reply.countries == ["Freedonia"] and reply.intent == "country"
    grounded(bot, reply)


def test_quantity_leads_with_the_number_and_its_unit(bot: Assistant) -> None:
    reply = bot.ask("How many traffickers did Ruritania convict?")
    assert reply.answer.startswith("**19 traffickers**") and reply.lead == "19 traffickers"
    grounded(bot, reply)


def test_duration_in_ordinal_words(bot: Assistant) -> None:
    reply = bot.ask("For how many years in a row has Freedonia convicted no traffickers?")
    assert not reply.refused and "third consecutive year" in reply.answer


def test_years_on_a_tier_from_the_placement_sentence(bot: Assistant) -> None:
    reply = bot.ask("How many years in a row has Freedonia been on Tier 3?")
    assert not reply.refused and reply.answer.startswith("**For the fourth consecutive year**")
    grounded(bot, reply)
    unstated = bot.ask("For how many consecutive years has Ruritania been on its tier?")
    assert unstated.refused and unstated.answer.startswith("The report does not say for how long")


def test_why_a_placement_gives_the_summary_reasons(bot: Assistant) -> None:
    reply = bot.ask("Why is Freedonia on Tier 3?")
    assert reply.intent == "tier" and not reply.answer.startswith(("Yes", "No"))
    assert "The report's reasons:" in reply.answer and "policy or pattern of forced labor" in reply.answer
    assert "took some steps" not in reply.answer  # a low placement is explained by its shortcomings
    grounded(bot, reply)


def test_boilerplate_answers_no_other_question(bot: Assistant) -> None:
    """"does not fully meet the minimum standards" answers placement questions only."""
    reply = bot.ask("Did Freedonia look into forced labor in the cotton harvest?")
    assert all("minimum standards" not in c.quote for c in reply.citations)


@pytest.mark.parametrize(("text", "criterion"), [
    ("However, the government did not demonstrate overall increasing efforts, compared with the previous reporting "
     "period, to expand its anti-trafficking capacity.", True),
    ("The government did not demonstrate overall increasing efforts compared to the previous year.", True),
    ("The government demonstrated overall increasing efforts by prosecuting more traffickers and opening two "
     "shelters.", False),
    ("The government demonstrated overall increasing efforts compared with the previous reporting period, "
     "considering the impact of the pandemic; therefore Freedonia remained on Tier 2.", False),
])
def test_the_bare_criterion_is_no_reason(text: str, criterion: bool) -> None:
    """Every Watch List summary says it "did not demonstrate overall increasing efforts": a restated criterion,
    never one of the shortcomings, achievements or reasons a reply lists."""
    assert criterion_statement(text) is criterion


def test_where_they_come_from_names_places(bot: Assistant) -> None:
    """A where-to question is answered by a sentence that names a place besides the narrative's country."""
    reply = bot.ask("Where are Freedonian women taken and exploited?")
    assert not reply.refused and "Kazakhstan" in reply.answer
    grounded(bot, reply)


def test_achievements_and_shortcomings_of_a_tier_3_summary(bot: Assistant) -> None:
    """Tier 3 summaries have no "However": "despite the lack of significant efforts" introduces the steps taken."""
    positive = bot.ask("Did Freedonia do anything positive at all?")
    assert positive.intent == "aspect" and "training 40 border guards" in positive.answer
    assert "policy or pattern" not in positive.answer
    negative = bot.ask("What is missing from Freedonia's efforts?")
    assert negative.intent == "aspect" and "policy or pattern" in negative.answer
    assert "took some steps" not in negative.answer
    grounded(bot, positive)
    grounded(bot, negative)


def test_a_typing_slip_is_read_and_said(bot: Assistant) -> None:
    reply = bot.ask("Did Freedonia convcit any traffickers?")
    assert "Read “convcit” as “convict”." in reply.notes
    assert reply.answer.startswith("**No.**") and "did not convict any traffickers" in reply.answer


def test_quantity_not_given_is_refused(bot: Assistant) -> None:
    reply = bot.ask("How many shelters does Freedonia run?")
    assert reply.refused and reply.answer.startswith("The report does not say that number")


def test_vague_figure_does_not_answer_an_exact_question(bot: Assistant) -> None:
    reply = bot.ask("Exactly how many Freedonian children are exploited in the cotton fields?")
    assert reply.refused and "no exact figure" in reply.answer and "thousands" in reply.answer


def test_a_nationality_the_narrative_never_mentions(bot: Assistant) -> None:
    reply = bot.ask("Do Nigerian traffickers operate in Freedonia?")
    assert reply.refused and "never mentions Nigeria" in reply.answer and not reply.citations


def test_an_uncovered_country_by_adjective_and_by_name(bot: Assistant) -> None:
    for question in ("Are Peruvian workers at risk of forced labor?", "What tier is Norway on?",
                     "How do Norwegian authorities protect victims?"):
        reply = bot.ask(question)
        assert reply.refused and "does not cover" in reply.answer, question


def test_an_uncovered_country_other_narratives_mention(bot: Assistant) -> None:
    reply = bot.ask("How does Kazakhstan's government fight trafficking?")
    assert reply.refused and "does not cover Kazakhstan" in reply.answer
    assert "mentioned in the narratives of Freedonia" in reply.answer


@pytest.mark.parametrize("question", [
    "Do you think Freedonia will fall to the Watch List next year?",
    "Can you recommend a hotel in Freedonia?",
    "What's the weather like in Freedonia in July?",
])
def test_out_of_scope_gets_one_plain_sentence(bot: Assistant, question: str) -> None:
    reply = bot.ask(question)
    assert reply.refused and not reply.citations and reply.intent == "out_of_scope"
    assert reply.answer.count(".") <= 3 and "does not say" in reply.answer


def test_yes_no_leads_with_the_verdict(bot: Assistant) -> None:
    reply = bot.ask("Did Freedonia convict any traffickers?")
    assert reply.answer.startswith("**No.**") and "did not convict" in reply.answer


def test_no_recommendations_section_is_said_plainly(bot: Assistant) -> None:
    reply = bot.ask("What does the report recommend for Freedonia?")
    assert reply.refused and "no recommendations" in reply.answer


def test_overview_is_a_brief_of_cited_points(bot: Assistant) -> None:
    reply = bot.ask("Tell me about trafficking in Freedonia.")
    assert reply.answer.startswith("**Freedonia** is on Tier 3") and len(reply.citations) >= 3
    assert "Progress" in reply.answer and "Shortcomings" in reply.answer
    grounded(bot, reply)


def test_follow_up_keeps_the_country_and_asks_its_own_question(bot: Assistant) -> None:
    reply = bot.ask("What did the government do well?", history=["Tell me about trafficking in Freedonia."])
    assert reply.intent == "aspect" and {c.country for c in reply.citations} == {"Freedonia"}
    assert "40 border guards" in reply.answer


def test_replies_are_sentences_not_clause_fragments(bot: Assistant) -> None:
    reply = bot.ask("What did the government of Freedonia fail to do?")
    for line in reply.answer.splitlines():
        assert (not line.rstrip().endswith(";") and line[:1].isupper()) or line.startswith(("-", "*"))


def test_web_examples_come_from_the_loaded_index(bot: Assistant) -> None:
    from assistant.web import example_questions

    examples = example_questions(bot)
    assert examples and all(("Freedonia" in e or "Ruritania" in e or "countries" in e) for e in examples)
    assert "Lithuania" not in " ".join(examples)
    assert any("recommend" in e for e in examples) == any(
        "recommend" in s.title.lower() for d in bot.index.documents.values() for s in d.sections
        if d.country in examples[0])


def test_placement_reasons_start_with_the_summarys_first(bot: Assistant) -> None:
    """The summary gives its main reason first: a why-this-tier reply always cites it, then the best fitting."""
    reply = bot.ask("Why is Freedonia on Tier 3?")
    reasons = reply.answer.split("The report's reasons:")[1]
    assert reasons.strip().startswith("A government policy or pattern of forced labor")
    assert "did not convict any traffickers" in reasons
    grounded(bot, reply)


@pytest.mark.parametrize(("text", "is_boilerplate"), [
    ("The government continued to demonstrate serious and sustained efforts during the reporting period, "
     "considering the impact of the COVID-19 pandemic, if any, on its anti-trafficking capacity; therefore "
     "Lithuania remained on Tier 1.", True),
    ("The government demonstrated overall increasing efforts compared with the previous reporting period; "
     "therefore Ruritania remained on Tier 2.", True),
    ("The government demonstrated overall increasing efforts compared with the previous reporting period; these "
     "efforts included opening two new shelters and convicting more traffickers.", False),
    ("Although the government meets the minimum standards, courts convicted fewer traffickers.", False),
])
def test_the_placement_formula_is_boilerplate(text: str, is_boilerplate: bool) -> None:
    assert boilerplate(text) is is_boilerplate


@pytest.mark.parametrize(("text", "opener"), [
    ("Human traffickers exploit domestic and foreign victims in Belarus and exploit Belarusians abroad;", True),
    ("As reported over the past five years, traffickers exploit domestic and foreign victims in Ruritania.", True),
    ("Traffickers exploit men in forced labor in the timber and fishing sectors.", False),
    ("Human traffickers exploit domestic and foreign victims in Gabon, and Gabon is a primary destination for "
     "children from West and Central Africa, whom traffickers force into domestic servitude, market vending, "
     "roadside restaurants and fishing.", False),  # goes on to say something of its own
])
def test_the_standard_opener(text: str, opener: bool) -> None:
    assert standard_opener(text) is opener


def test_the_standard_opener_answers_no_question_but_yes_or_no(bot: Assistant) -> None:
    reply = bot.ask("Who do traffickers exploit in Ruritania?")
    assert not reply.refused and "timber and fishing" in reply.answer
    assert all("domestic and foreign victims" not in c.quote for c in reply.citations)


def test_a_placement_in_a_country_question_narrows_the_search(bot: Assistant) -> None:
    """"Which Tier 2 country …": only Tier 2 narratives are searched, and their placement sentence proves
    nothing else."""
    assert bot.ask("Which Tier 3 country forces children into cotton fields?").countries == ["Freedonia"]
    other = bot.ask("Which Tier 2 country forces children into cotton fields?")
    assert "Freedonia" not in other.answer
    assert all("remained on Tier 2" not in c.quote for c in other.citations)


def test_a_country_without_a_narrative_answered_where_another_names_it(bot: Assistant) -> None:
    reply = bot.ask("Which group is exploited in Kazakhstan?")
    assert not reply.refused and "Freedonian women" in reply.answer
    assert any("no narrative on Kazakhstan" in n for n in reply.notes)
    grounded(bot, reply)
    # What the uncovered country itself does is only in its own narrative.
    assert bot.ask("What do Kazakhstan's authorities do about it?").refused
    for question, own in (("What are the risks for fishermen in Kazakhstan's own fleet?", True),
                          ("What do Kazakhstan's police do?", True),
                          ("Which group is exploited in Kazakhstan?", False)):
        assert bot._own_doing(bot._understand(question, None, None)) is own


def test_a_recommendation_is_no_yes_or_no(bot: Assistant) -> None:
    reply = bot.ask("Will Ruritania adopt a new national action plan?")
    assert "it recommends it" in reply.answer and not reply.answer.startswith(("**Yes", "**No"))
    assert reply.lead == "The report recommends it"


def test_the_topic_is_the_question_without_its_country(bot: Assistant) -> None:
    turn = bot._understand("Did Freedonian courts convict anyone?", None, None)
    assert turn.subjects == ["Freedonia"] and bot.tools._topic_text(turn) == "Did courts convict anyone?"
    named_only = bot._understand("Did courts in Ruritania convict anyone?", None, None)
    assert bot.tools._topic_text(named_only) == "Did courts in convict anyone?"
    assert bot.tools._topic_text(bot._understand("Did courts convict anyone?", None, None)) is None


def test_people_are_counted_by_any_word_for_them(bot: Assistant) -> None:
    ask = bot.tools.ask_of(bot._understand("How many people did Ruritania identify as victims?", None, None))
    assert {"peopl", "refuge", "iraqi", "victim"} <= ask.counted
    reply = bot.ask("How many people did Ruritania identify as victims?")
    assert reply.answer.startswith("**230 victims**")


def test_sentences_nearest_in_meaning_are_candidates_too(bot: Assistant) -> None:
    """Each stored unit is searched by its own vector (or its views'), within the given narratives."""
    doc = next(d for d in bot.index.documents.values() if d.country == "Freedonia")
    sentence = "Freedonian women are exploited in sex trafficking in Kazakhstan."
    found = bot.index.nearest_units(bot.index.embed_query(sentence), 3, [doc.doc_id])
    assert len(found) == 3 and len({(d, a) for d, a, _, _ in found}) == 3
    top_doc, start, end, score = found[0]
    assert top_doc == doc.doc_id and doc.text[start:end] == sentence and score > 0.99
    assert [f[3] for f in found] == sorted((f[3] for f in found), reverse=True)
    assert bot.index.nearest_units(bot.index.embed_query(sentence), 3, []) == []


@pytest.mark.parametrize(("question", "parts"), [
    ("How many traffickers did Curacao prosecute, and how many victims got shelter?",
     ("How many traffickers did Curacao prosecute?", "How many victims got shelter?")),
    ("At what age does national service start in Eritrea, and what is the legal cap on it?",
     ("At what age does national service start in Eritrea?", "What is the legal cap on it?")),
    ("How many people are displaced there, and because of what?", None),  # the second part is no question
    ("What tier is Kuwait on, and how does it compare with Lebanon?", None),  # a comparison reads as one
    ("What does the report recommend for Haiti?", None),
])
def test_two_part_questions(question: str, parts: tuple[str, str] | None) -> None:
    assert two_parts(question) == parts


def test_a_two_part_question_gets_both_answers(bot: Assistant) -> None:
    reply = bot.ask("How many border guards did Freedonia train, and where are Freedonian women exploited?")
    assert not reply.refused and "40 border guards" in reply.answer and "Kazakhstan" in reply.answer
    assert [c.n for c in reply.citations] == list(range(1, len(reply.citations) + 1))
    grounded(bot, reply)


def test_an_acronym_covers_the_words_it_stands_for(tmp_path: Path) -> None:
    """"Kurdistan Region" is covered by a sentence that only says "IKR"."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "atlantis.txt").write_text(
        "ATLANTIS (Tier 2) Extracted from the 2023 TIP Report\n\nAtlantis does not fully meet the minimum "
        "standards; therefore Atlantis remained on Tier 2. The government funded the Atlantic Kurdish Region (AKR) "
        "shelter.\n\nTrafficking Profile\n\nThe AKR is a destination for victims primarily from South Asia and "
        "the Philippines. Traffickers exploit fishermen in the northern ports.\n", encoding="utf-8")
    settings = Settings.load({"model": "hashing-256"}, env={})
    build_index([corpus], tmp_path / "index", settings)
    atlantis = Assistant(TipIndex.load(tmp_path / "index", settings), settings)
    assert atlantis.index.acronym_expansions("The AKR is a destination") == ["Atlantic Kurdish Region"]
    reply = atlantis.ask("Where do victims in the Atlantic Kurdish Region come from?")
    assert not reply.refused and "South Asia" in reply.answer
    grounded(atlantis, reply)


@pytest.mark.parametrize(("text", "named"), [
    ("granting access to an international organization to monitor the cotton harvest", False),
    ("the government-funded NGO-run anti-trafficking shelter", False),
    ("Freedonian women are exploited in sex trafficking in Kazakhstan.", False),  # peoples and countries
    ("the Kremlin-backed Wagner Group reportedly recruited children", True),
    ("a memorandum with the International Organization for Migration", True),
    ("the State Labor Inspection (SLI) inspected farms", True),
])
def test_a_sentence_that_names_something(bot: Assistant, text: str, named: bool) -> None:
    assert names_something(text, bot.tools) is named


def test_an_unnamed_thing_is_not_a_name(bot: Assistant) -> None:
    reply = bot.ask("Which organization trained Freedonia's 40 border guards?")
    assert reply.refused and reply.answer.startswith("The report does not name which organization")
    assert "40 border guards" in reply.answer
    grounded(bot, reply)


def test_abroad_is_covered_by_a_destination_named(bot: Assistant) -> None:
    """"Abroad" is answered by a sentence naming where people are taken, and "over there" points back at it."""
    reply = bot.ask("Where are Freedonian women exploited abroad?")
    assert not reply.refused and "Kazakhstan" in reply.answer
    earlier = ["Where are Freedonian women exploited abroad?"]
    turn = bot._understand("And what are they forced into over there?", earlier, None)
    assert "abroad" in turn.context


@pytest.mark.parametrize(("phrase", "question", "counts"), [
    ("did not identify any trafficking victims", "How many traffickers did it convict?", False),
    ("did not identify any trafficking victims", "How many victims did it identify?", True),
    ("did not convict any traffickers", "How many traffickers were convicted?", True),
    ("no convictions", "How many convictions were there?", True),
    ("did not report any data", "How many victims were identified?", False),
])
def test_a_zero_counts_only_what_it_names(bot: Assistant, phrase: str, question: str, counts: bool) -> None:
    """A zero counts what was asked by its verb or its last noun ("trafficking victims" counts no traffickers)."""
    from assistant.answerers.quantity import _actions, zero_counts

    ask = bot.tools.ask_of(bot._understand(question, None, None))
    assert zero_counts(phrase, _actions(question), ask.counted) is counts


def test_a_yes_or_no_asks_no_place(bot: Assistant) -> None:
    ask = bot.tools.ask_of(bot._understand("Is Freedonia a destination for trafficking victims?", None, None))
    assert ask.place is None


@pytest.mark.parametrize(("text", "sentence"), [
    ("the Taliban recruited boys (including bacha bazi)", "The Taliban recruited boys (including bacha bazi)."),
    ("the report said “enough.”", "The report said “enough.”"),
    ("officials acted (see above.)", "Officials acted (see above.)"),
])
def test_a_bracket_or_quote_ends_no_sentence_by_itself(text: str, sentence: str) -> None:
    from assistant.phrasing import as_sentence

    assert as_sentence(text) == sentence


@pytest.mark.parametrize(("question", "response"), [
    ("Did the government do anything about them?", True),
    ("What is Freedonia doing to stop forced labor?", True),
    ("How did the authorities respond?", True),
    ("What should Freedonia do about forced labor?", False),  # a recommendation
    ("Where are Freedonian children exploited?", False),
])
def test_a_question_about_the_governments_response(question: str, response: bool) -> None:
    from assistant.intents import read_cues

    assert read_cues(question).response is response


def test_what_the_government_did_is_told_by_its_efforts_not_the_profile(bot: Assistant) -> None:
    reply = bot.ask("What did Freedonia do about forced labor in cotton fields?")
    assert not reply.refused and reply.citations
    assert all("profile" not in c.section.lower() for c in reply.citations)
    grounded(bot, reply)
    # Quoting the profile, a reply says no yes or no about what the government did.
    profiled = bot.ask("Did Freedonia do anything about the children exploited in cotton fields?")
    assert not profiled.answer.startswith(("**Yes", "**No"))


def test_a_comparison_of_efforts_quotes_the_placement_sentences_words(bot: Assistant) -> None:
    """"How do their efforts differ?": the placement sentence says what each makes of its efforts."""
    reply = bot.ask("How do the efforts of Freedonia and Ruritania differ?")
    assert "not making significant efforts" in reply.answer
    plain = bot.ask("Compare Freedonia and Ruritania.")
    assert "not making significant efforts" not in plain.answer
    grounded(bot, reply)


@pytest.mark.parametrize(("question", "sentence", "verdict"), [
    ("Did the number of identified victims rise?", "Authorities identified fewer victims, and lacked training.", "No"),
    ("Did convictions fall?", "Courts convicted fewer traffickers than the year before.", "Yes"),
    ("Did the number of shelters grow?", "The government opened more shelters.", "Yes"),
    ("Were traffickers convicted?", "Courts convicted fewer traffickers.", None),  # no direction asked
])
def test_which_way_a_figure_went(question: str, sentence: str, verdict: str | None) -> None:
    """A yes or no about a rise or fall is the sentence's direction, wherever in it the word stands."""
    from assistant.answerers.facts import direction
    from assistant.evidence import Candidate, Unit

    unit = Unit("d", 0, len(sentence), sentence, "Summary", "neutral")
    view = (sentence.find(",") + 1 if "," in sentence else 0, len(sentence))  # the stretch may lack the word
    assert direction(question, Candidate(unit, np.zeros(1), 0.5, view, None)) == verdict


def test_a_clause_is_cited_within_its_sentence(bot: Assistant) -> None:
    """"These efforts included A; B; and C.": the clause that answers is shown, its whole sentence cited."""
    from assistant.answerers.base import WIDEST_QUOTE_CHARS, Citations
    from assistant.evidence import Unit
    from index.text import enclosing_sentence

    doc = next(d for d in bot.index.documents.values() if d.country == "Ruritania")
    sentence_start = doc.text.index("with the previous reporting period; therefore Ruritania")
    clause = "therefore Ruritania remained on Tier 2."
    start = doc.text.index(clause, sentence_start)
    whole = enclosing_sentence(doc.text, start, start + len(clause))
    assert whole[0] < start and whole[1] == start + len(clause) and doc.text[whole[0] : whole[1]].endswith(clause)
    cites = Citations(bot.index.documents)
    n = cites.unit(Unit(doc.doc_id, start, start + len(clause), clause, "Summary", "neutral"))
    cited = cites.items[n - 1]
    assert (cited.start, cited.end) == whole and cited.quote == doc.text[whole[0] : whole[1]]
    assert whole[1] - whole[0] <= WIDEST_QUOTE_CHARS
