"""What a question asks for, decided in one place: cues, the precedence table, quantities, demonyms and
follow-ups (no model: pure functions and a hashing-embedder index)."""

from __future__ import annotations

import pytest

from assistant.answerers.base import _counted_head
from assistant.conversation import resolve
from assistant.evidence import _PERSON, PREVALENCE, _names_place, word_family
from assistant.intents import Intent, Quantity, read_cues
from assistant.paraphrases import covered_by_report_words
from assistant.quantities import find, is_vague
from assistant.question import expand_shorthand
from assistant.tiers import placement_constraint
from index.acronyms import expand as expand_acronyms
from index.countries import CountryMatcher
from index.text import tokens

CORPUS = ["Lithuania", "Madagascar", "Turkmenistan", "Syria", "Iraq", "Lebanon", "Cuba", "Haiti", "Russia",
          "Belarus", "Eritrea", "Cambodia", "Malaysia", "Dominican Republic", "Republic of the Congo", "China",
          "North Korea"]
MATCHER = CountryMatcher(CORPUS)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory):
    """A hashing-embedder assistant over one tiny narrative per country of CORPUS."""
    from assistant.core import Assistant
    from index.search import TipIndex
    from index.settings import Settings
    from index.store import build_index

    folder = tmp_path_factory.mktemp("intent-corpus")
    for country in CORPUS:
        (folder / f"{country.lower().replace(' ', '-')}.txt").write_text(
            f"{country.upper()} (Tier 3) Extracted from the 2023 TIP Report\n\n"
            f"{country} does not fully meet the minimum standards; therefore {country} remained on Tier 3. "
            f"Officials identified 12 victims.\n\nTrafficking Profile\n\nTraffickers exploit victims in {country}.\n",
            encoding="utf-8")
    settings = Settings.load({"model": "hashing-64"}, env={})
    index_dir = tmp_path_factory.mktemp("intent-index")
    build_index([folder], index_dir, settings)
    return Assistant(TipIndex.load(index_dir, settings), settings)


@pytest.fixture(scope="module")
def intent_of(bot):
    def read(question: str, history: list[str] | None = None) -> Intent:
        return bot.understand(question, history).intent
    return read


@pytest.mark.parametrize(("question", "intent"), [
    # Out of scope: opinion, prediction, advice, off-topic — before anything else.
    ("Do you think Haiti will be dropped to Tier 3 next year?", Intent.OUT_OF_SCOPE),
    ("Will Russia ever get off Tier 3?", Intent.OUT_OF_SCOPE),
    ("Can you recommend a safe hotel in Phnom Penh?", Intent.OUT_OF_SCOPE),
    ("Which charity should I donate to in Lebanon?", Intent.OUT_OF_SCOPE),
    ("What's the weather like in Port Moresby in July?", Intent.OUT_OF_SCOPE),
    ("When will Lebanon's parliament vote on the migrant worker contract?", Intent.OUT_OF_SCOPE),
    ("Who won Belarus's last parliamentary election?", Intent.OUT_OF_SCOPE),
    ("what's the best time of year to visit Cuba's beaches?", Intent.OUT_OF_SCOPE),
    ("Could you help me draft a grant proposal for our shelter in Haiti?", Intent.OUT_OF_SCOPE),
    # ... but an everyday word in a question about trafficking is not off-topic.
    ("Which country's artiste visa program keeps foreign women from leaving the hotel they live in?",
     Intent.COUNTRY),
    # Comparison needs two named countries.
    ("Compare Malaysia and Cambodia", Intent.COMPARISON),
    ("How do Syria and Iraq compare in their tier placement?", Intent.COMPARISON),
    ("Which hosts more Syrian refugees, Iraq or Lebanon?", Intent.COMPARISON),
    # Listings: placements across countries.
    ("Which countries are on Tier 3?", Intent.LISTING),
    ("Which countries were downgraded?", Intent.LISTING),
    ("How many countries are on the Watch List?", Intent.LISTING),
    ("Among Cuba, Haiti and Lebanon, which were downgraded?", Intent.LISTING),
    # Which country / government / where, when the question has no subject of its own.
    ("Which countries force people to work in cotton fields?", Intent.COUNTRY),
    ("Where are San Bushmen exploited on cattle farms?", Intent.COUNTRY),
    ("Which government steers migrants from Iraq toward the Lithuanian border?", Intent.COUNTRY),
    ("Which country avoided an automatic drop to Tier 3 thanks to a waiver?", Intent.COUNTRY),
    # The narrative's country is asked for, whatever adjectives describe the people in it.
    ("Which country's write-up says Egyptian children are forced to beg?", Intent.COUNTRY),
    ("Whose nationals are lured to Spain with fake job offers?", Intent.COUNTRY),
    # A choice among named countries by what their narratives say.
    ("Cuba, Haiti and Lebanon: which of them prosecuted nobody?", Intent.COUNTRY),
    ("Between Eritrea, China and Belarus, whose government has a policy of forced labor?", Intent.COUNTRY),
    # With a subject, "where" and "which countries" ask for places inside its narrative.
    ("Where do most of the child sex tourists in Haiti come from?", Intent.ENTITY),
    ("Which countries are Romani children from Cambodia forced to beg in?", Intent.ENTITY),
    # Recommendations.
    ("What does the report recommend for Lithuania?", Intent.RECOMMENDATION),
    ("What should Lithuania do about its national action plan?", Intent.RECOMMENDATION),
    # One country's placement.
    ("What tier is Lithuania on?", Intent.TIER),
    ("What tier was Lithuania given in the 2023 TIP report?", Intent.TIER),
    ("what rating did haiti receive?", Intent.TIER),
    ("Is Haiti on the Tier 2 Watch List?", Intent.TIER),
    ("How long has Madagascar been on the Watch List?", Intent.TIER),
    ("How did Haiti avoid being dropped to Tier 3?", Intent.TIER),  # what kept it up: the reasons
    ("Was Cuba's ranking lowered this year?", Intent.TIER),
    ("What was the reasoning behind Haiti's tier placement?", Intent.TIER),
    ("What's behind Lebanon's downgrade?", Intent.TIER),
    ("What's the overall trafficking picture in Haiti?", Intent.OVERVIEW),
    # Why a placement: the tier answerer gives it with the summary's reasons.
    ("Why is Cuba on Tier 3?", Intent.TIER),
    ("What led to Haiti's downgrade?", Intent.TIER),
    ("whats the reason Syria dropped to tier 3", Intent.TIER),
    # A tier word with another topic is not a placement question.
    ("Did Haiti avoid a drop to Tier 3 thanks to a waiver?", Intent.YES_NO),
    # Quantities, of every kind.
    ("How many inspections did Lithuania's labor inspectorate run?", Intent.QUANTITY),
    ("How many years in a row has Madagascar reported no convictions?", Intent.QUANTITY),
    ("Since when has Eritrea's cap on national service been suspended?", Intent.QUANTITY),
    ("What share of Afghan children are in child labor?", Intent.QUANTITY),
    # A question that starts like yes/no wants yes or no, even when it speaks of a number.
    ("Did the number of identified victims in Lithuania rise?", Intent.YES_NO),
    # Broad questions.
    ("Tell me about trafficking in Madagascar.", Intent.OVERVIEW),
    ("whats the deal with trafficking in curacao", Intent.OVERVIEW),
    ("Which place reported no prosecutions for three straight years?", Intent.COUNTRY),
    ("What are the main trafficking problems in the Marshall Islands?", Intent.OVERVIEW),
    ("Give me a quick summary of the situation in Eritrea.", Intent.OVERVIEW),
    ("Give me the short version on trafficking in Belarus.", Intent.OVERVIEW),
    # Achievements and shortcomings.
    ("What are the main weaknesses in Lithuania's response?", Intent.ASPECT),
    ("What did Cuba achieve?", Intent.ASPECT),
    ("What steps did Lebanon take?", Intent.ASPECT),
    ("What's missing from Lithuania's action plan?", Intent.ASPECT),
    ("Did they do anything right, at least?", Intent.ASPECT),
    # A country by other words: an island, a member state, "whose".
    ("Which Tier 3 Caribbean island prosecuted two alleged traffickers?", Intent.COUNTRY),
    ("Which EU member's investigative service set up a cyber unit?", Intent.COUNTRY),
    ("Whose women are lured to Spain with fake job offers?", Intent.COUNTRY),
    ("Whose shelter in Haiti lost its grant?", Intent.FACT),  # a named country: not a which-country question
    ("Of Haiti, Syria and Cuba, which one was newly dropped to that tier?", Intent.COUNTRY),
    ("Which Turkmen population is at the highest risk?", Intent.ENTITY),  # a group, not a number
    ("What is the population of Haiti?", Intent.QUANTITY),
    # Who / which group / how.
    ("Who is most at risk in Haiti?", Intent.ENTITY),
    ("How do officials in Lebanon help traffickers?", Intent.ENTITY),
    ("What did the police in Lithuania do about refugees?", Intent.FACT),
    # Countries named as where victims are taken, in a list, describe the country asked for.
    ("Which Tier 3 country mobilizes adults for its cotton harvest and has most of its migrant victims in India, "
     "Russia and Turkey?", Intent.COUNTRY),
    ("Which country runs a migration crisis moving migrants from Iraq toward the Latvian, Lithuanian and Polish "
     "borders?", Intent.COUNTRY),
    # A choice among named countries, however it is put.
    ("Among Haiti, Lebanon and Syria, which mention Cuban medical workers?", Intent.COUNTRY),
    ("which of haiti, lebanon and syria flag cuban workers?", Intent.COUNTRY),
    ("Among Haiti, Lebanon and Syria, in which does the report say Cuban workers may be forced to work?",
     Intent.COUNTRY),
    ("Of Haiti, Iraq and Syria, which ones were downgraded?", Intent.LISTING),
    ("out of haiti, iraq and syria, which got downgraded in 2023?", Intent.LISTING),
    # What the report urges is asked in many words.
    ("what reforms does the tip report push lebanon on for migrant domestic workers?", Intent.RECOMMENDATION),
    ("what improvements does the report call for in how haiti identifies victims?", Intent.RECOMMENDATION),
    ("What improvements did Haiti make?", Intent.ASPECT),
    ("what improvements does the report point to for haiti's victim identification?", Intent.RECOMMENDATION),
    ("What changes are still needed in Haiti's courts?", Intent.RECOMMENDATION),
    # A clause of doubt names no aspect.
    ("Did Haiti break out its data so you can tell whether things improved?", Intent.YES_NO),
    ("Which foreign government may have forced its medical staff to work in Haiti?", Intent.COUNTRY),
])
def test_intent_table(intent_of, question: str, intent: Intent) -> None:
    assert intent_of(question) is intent


@pytest.mark.parametrize(("question", "kind"), [
    ("How many victims were identified?", Quantity.COUNT),
    ("How long has it been on the Watch List?", Quantity.DURATION),
    ("For how many years running has it failed to convict anyone?", Quantity.DURATION),
    ("When was the law passed?", Quantity.DATE),
    ("At what age does national service start?", Quantity.AGE),
    ("How young are the children exploited?", Quantity.AGE),
    ("What percentage of children work?", Quantity.SHARE),
    ("How much funding did the shelters get?", Quantity.MONEY),
    ("how many yrs straight has it failed to adopt its plan?", Quantity.DURATION),
    # A penalty is a term of prison or a fine, not any length of time; "what years" asks for dates.
    ("What's the maximum prison term for trafficking under its law?", Quantity.TERM),
    ("What sentences did the courts give the traffickers?", Quantity.PENALTY),
    ("what sentences did the traffickers get in the 3 upheld convictions?", Quantity.PENALTY),
    ("How long in prison do convicted traffickers spend?", Quantity.TERM),
    ("how harsh are the sentences for trafficking?", Quantity.PENALTY),
    ("What years does the national action plan cover?", Quantity.DATE),
    ("When did the funding for the shelter end?", Quantity.DATE),  # "when" is asked, not how much funding
    ("What prison sentence does the law set?", Quantity.TERM),
    # Pay is an amount of money, however far "how much" stands from it; progress made is no amount.
    ("How much are Eritrean national service conscripts paid?", Quantity.MONEY),
    ("how much salary do the conscripts get?", Quantity.MONEY),
    ("How much progress did the government make?", Quantity.COUNT),
    ("What period does the new national action plan cover?", Quantity.DATE),
])
def test_quantity_kind(question: str, kind: Quantity) -> None:
    assert read_cues(question).quantity is kind


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("and conducted 83 inspections in agriculture", Quantity.COUNT, "83 inspections"),
    ("employed and trained 14 Ukrainians to register", Quantity.COUNT, "14 Ukrainians"),
    ("more than six million Venezuelans have fled", Quantity.COUNT, "more than six million Venezuelans"),
    ("trained 30 new labor inspectors in 2022", Quantity.COUNT, "30 new labor inspectors"),
    ("did not report convictions for the second consecutive year", Quantity.DURATION,
     "for the second consecutive year"),
    ("suspended since 1998", Quantity.DATE, "since 1998"),
    ("girls as young as 12 are exploited", Quantity.AGE, "as young as 12"),
    ("an estimated 25 percent of children", Quantity.SHARE, "an estimated 25 percent"),
    ("allocated $200,000 to shelters", Quantity.MONEY, "$200,000"),
    ("Less than half of all victims received services", Quantity.SHARE, "Less than half of"),
    ("of which about two-thirds are girls", Quantity.SHARE, "about two-thirds"),
    ("traffickers are predominantly men between the ages of 25 and 49", Quantity.AGE, "ages of 25 and 49"),
    ("prosecuting two alleged traffickers, and adopting a plan", Quantity.COUNT, "two alleged traffickers"),
    # A range is one figure, never its lower bound alone (nor "000 North Koreans" after a digit group's comma).
    ("an estimated 20,000-100,000 North Koreans are working in China", Quantity.COUNT,
     "an estimated 20,000-100,000 North Koreans"),
    ("identified between 10 and 20 victims", Quantity.COUNT, "between 10 and 20 victims"),
    ("courts sentenced them to prison terms ranging from two to 12 years’ imprisonment", Quantity.PENALTY,
     "ranging from two to 12 years’ imprisonment"),
    ("penalties of up to 15 years in prison", Quantity.TERM, "up to 15 years in prison"),
    ("most convicted traffickers received suspended sentences", Quantity.PENALTY, "suspended sentences"),
    ("provisions that allow fines in lieu of imprisonment", Quantity.PENALTY, "fines"),
])
def test_quantities_found_with_their_unit(text: str, kind: Quantity, expected: str) -> None:
    assert expected in [f.text for f in find(text, kind)]


def test_a_range_is_found_whole() -> None:
    assert [f.text for f in find("an estimated 20,000-100,000 North Koreans", Quantity.COUNT)] == [
        "an estimated 20,000-100,000 North Koreans"]


def test_a_streak_is_no_penalty() -> None:
    assert not find("did not convict any traffickers for the third consecutive year", Quantity.PENALTY)
    assert not find("children as young as 12 years old", Quantity.PENALTY)
    assert not find("courts issued suspended sentences and fines", Quantity.TERM)


def test_a_currency_code_is_written_in_capitals() -> None:
    assert [f.text for f in find("fined 5,000 EUR", Quantity.MONEY)] == ["5,000 EUR"]
    assert not find("service is mandatory at age 18 and may last for years", Quantity.MONEY)


def test_years_and_tiers_are_not_counts() -> None:
    assert not find("In 2022, it remained on Tier 2", Quantity.COUNT)
    assert not find("Madagascar remained on Tier 2 Watch List for the second consecutive year (2023)", Quantity.DATE)


@pytest.mark.parametrize(("question", "constrained"), [
    ("Which Tier 3 Caribbean island prosecuted two alleged traffickers?", True),
    ("Which Watch List Pacific countries were downgraded?", True),
    ("Which Tier 2 country opened shelters?", True),
    ("Which country avoided a downgrade to Tier 3 with a waiver?", False),
    ("Which country opened shelters?", False),
    ("Of PNG, Syria and Turkmenistan, which one was newly dropped to that tier?", True),
])
def test_a_placement_that_restricts_the_answer(question: str, constrained: bool) -> None:
    assert placement_constraint(question) is constrained


@pytest.mark.parametrize(("text", "person"), [
    ("the committee is chaired by Minister Ana Silva", True),
    ("appointed Ana Silva, the new rapporteur", True),
    ("victims primarily from South Asia, sub-Saharan Africa, the Philippines", False),
    ("to Saudi Arabia, the UAE and Qatar", False),
])
def test_a_named_person_in_a_sentence(text: str, person: bool) -> None:
    assert bool(_PERSON.search(text)) is person


def test_a_superlative_is_no_share() -> None:
    assert not find("Women and children are most at risk", Quantity.SHARE)
    assert [f.text for f in find("most of the victims were men", Quantity.SHARE)] == ["most"]


@pytest.mark.parametrize(("question", "person"), [
    ("Who's the Botswana minister in charge of the committee?", True),
    ("Who was the employee accused of the abuse?", True),
    ("Who heads the national commission?", True),
    ("who runs the syndicates forcing women into commercial sex?", False),
    ("Who is accused of abusing women in Tigray?", False),
    # A request to name people asks for their names; so does a person's name.
    ("can you name the senior officials involved?", True),
    ("Name the officials who were convicted.", True),
    ("what's that person's name and what job do they have?", True),
    ("Can you name the main sectors where forced labor occurs?", False),
])
def test_a_named_person_is_asked_for(question: str, person: bool) -> None:
    assert read_cues(question).person is person


@pytest.mark.parametrize(("question", "place"), [
    ("And where do victims in the Kurdistan Region mostly come from?", "from"),
    ("Where are most of the victims from?", "from"),
    ("What are the main countries of origin?", "from"),
    ("In which countries are Eritreans mainly exploited after leaving home?", "in"),
    ("Where are Belarusian victims exploited?", "in"),
    ("Where do Bulgarian children end up?", "in"),
    ("Where do officials keep mixing up trafficking and smuggling?", None),
    ("How many victims came forward?", None),
    ("List the industries where Afghan children end up in forced labor.", None),  # a relative "where"
    ("Where do the sex tourists who go to the Dominican Republic for child sex trafficking mainly come from?",
     "from"),
])
def test_a_place_is_asked_for(question: str, place: str | None) -> None:
    assert read_cues(question).place == place


@pytest.mark.parametrize(("text", "place", "names"), [
    ("victims primarily from South Asia, sub-Saharan Africa, the Philippines", "from", True),
    ("particularly from Ethiopia and Mozambique", "from", True),
    ("traffickers exploit victims from Bulgaria abroad", "from", False),  # its own country
    ("victims from rural areas", "from", False),
    ("exploited mainly in Ethiopia, Libya, and Sudan", "in", True),
    ("domestic and foreign victims in Bulgaria", "in", False),
    ("the grant ended in December 2022", "in", False),
    ("remained on Tier 3 in Tier 3", "in", False),
])
def test_places_named_after_a_preposition(text: str, place: str, names: bool) -> None:
    assert _names_place(text, place, "Bulgaria|Bulgarian|Bulgarians") is names


@pytest.mark.parametrize(("question", "head"), [
    ("How many inspections did the labor inspectorate run?", "inspect"),
    ("How many Syrian refugees live in Lebanon?", "refuge"),  # the noun, not the verb after it
    ("How many victims got shelter?", "victim"),
    ("What is the total population?", "popul"),
    ("How big is the Syrian refugee population in Lebanon?", "refuge"),  # the people the population is of
    ("What was Syria's pre-war population according to the report?", "popul"),  # a country's own
    ("How many years in a row?", "year"),
    ("How many of those children did the government help?", "child"),  # "of those" points at them
    ("exact number of traffickers convicted in the dominican republic?", "traffick"),  # not "convicted"
    ("number of shelters south africa accredited?", "shelter"),  # not the country after it
])
def test_the_counted_thing_of_a_quantity_question(question: str, head: str) -> None:
    assert _counted_head(question) == head


@pytest.mark.parametrize(("question", "expanded"), [
    ("Where are victims in the Kurdistan Region from?", "Where are victims in the Kurdistan Region from? (IKR)"),
    ("What did the State Labor Inspection do?", "What did the State Labor Inspection do? (SLI)"),
    ("What did the SLI do?", "What did the SLI do? (State Labor Inspection)"),
    ("Tell me about the region", "Tell me about the region"),  # one word of a name is no name
    ("what did the state labor inspection do?", "what did the state labor inspection do? (SLI)"),
    # The last words of a name, in lower case, are everyday words ("Center for … Trafficking Victims").
    ("Who are most trafficking victims?", "Who are most trafficking victims?"),
])
def test_acronyms_from_a_name_or_its_last_words(question: str, expanded: str) -> None:
    acronyms = {"IKR": "Iraqi Kurdistan Region", "SLI": "State Labor Inspection",
                "CPTV": "Center for Protection of Trafficking Victims"}
    assert expand_acronyms(question, acronyms) == expanded


def test_what_only_frames_a_question_is_no_topic(bot) -> None:
    assert bot.evidence.focus("Who makes up most of the victims in Haiti?", ["Haiti"]) == ["victim"]
    assert bot.evidence.focus("Which groups are especially at risk in Haiti?", ["Haiti"]) == ["especi", "risk"]
    assert bot.evidence.focus("Did Haiti manage to convict any traffickers?", ["Haiti"]) == ["convict"]
    assert bot.evidence.focus("Did Haiti convict anyone in the 2023 reporting period?", ["Haiti"]) == ["convict"]
    assert "make" in bot.evidence.focus("Did Haiti use prison labor to make up for a shortage of workers?", ["Haiti"])


def test_a_missing_apostrophe_is_read() -> None:
    assert read_cues("whats the name of the official?").person


@pytest.mark.parametrize(("question", "name_of", "person"), [
    # "The name of the …" asks for the name of that thing; a person's or an office's when it is a person.
    ("whats the name of the eritrean summer program where students do public works", "the program", False),
    ("What are the names of the two shelters South Africa accredited?", "the shelters", False),
    ("what is the name of afghanistan's anti-trafficking law?", "the law", False),
    ("What's the name of the NGO that runs the shelter?", "the NGO", False),
    ("What's the name of the Taliban official responsible for anti-trafficking efforts?", "the official", True),
    ("whats the name of the marshall islands official being investigated?", "the official", True),
    ("Which international organization helped Madagascar monitor its workers?", "organization", False),
    ("What's the name?", None, True),
    ("whats the name of the student summer work program there", "the program", False),
    ("Who runs the anti-trafficking task force?", None, True),
    ("who runs the scam compounds in cambodia?", None, False),  # perpetrators, not an office holder
    ("which russian officials does the report name as responsible for that?", None, True),
    ("How many victims were identified?", None, False),
])
def test_the_name_asked_for(question: str, name_of: str | None, person: bool) -> None:
    cues = read_cues(question)
    assert (cues.name_of, cues.person) == (name_of, person)


@pytest.mark.parametrize(("question", "yes_no", "quantity"), [
    # A leading clause sets the scene; the question proper follows the comma.
    ("When Salvadoran authorities locked up gang-linked kids, did they check them for trafficking?", True, None),
    ("If a victim is identified, does the government fund shelters?", True, None),
    ("After the 2021 crisis, how many migrants were identified as victims?", False, Quantity.COUNT),
    ("When did the government adopt its plan?", False, Quantity.DATE),
    # Context first, the question last.
    ("I run a shelter in Beirut. Does the Lebanese state fund groups like ours?", True, None),
])
def test_a_scene_setting_clause_is_not_the_question(question: str, yes_no: bool, quantity: Quantity | None) -> None:
    cues = read_cues(question)
    assert (cues.yes_no, cues.quantity) == (yes_no, quantity)


@pytest.mark.parametrize(("typed", "read"), [
    ("approx how many syrian refugees r in lebanon?", "approximately how many syrian refugees are in lebanon?"),
    ("what did the govt do w/ victims?", "what did the government do with victims?"),
    ("is ur gov’t doing enough", "is your government doing enough"),
    ("U.S. and R. Kelly", "U.S. and R. Kelly"),  # capitals and initials stay
    ("what int'l org did they team up with?", "what international organization did they team up with?"),
    ("tier 2 R&D", "tier 2 R&D"),
])
def test_chat_shorthand_is_read_as_words(typed: str, read: str) -> None:
    assert expand_shorthand(typed) == read


@pytest.mark.parametrize(("asked", "sentence", "covered"), [
    # The report's word covers the user's everyday one.
    ("punish", "authorities routinely penalized victims", {"punish"}),
    ("teenagers", "adolescent girls are at particular risk", {"teenag"}),
    ("check signs", "without screening for trafficking indicators", {"check", "sign"}),
    ("prison labour", "increased the use of convict labor", {"prison"}),
    ("vulnerable", "orphans and adolescent girls are at particular risk", {"vulner"}),
    ("jobs", "recruited for work as construction workers", {"job"}),
    ("especially", "orphans are at particular risk", {"especi"}),
    ("three straight years", "for the third consecutive year", {"three"}),  # the rest by word
    ("corruption", "alleged complicity in trafficking crimes persisted", {"corrupt"}),
    ("assist citizens found abroad", "did not support Nicaraguan victims identified abroad", {"assist"}),
    ("found guilty", "courts convicted fewer traffickers", set()),  # "found" is no "identified" here
    ("look into a ring", "investigating complicity in a sex trafficking syndicate", {"look", "ring"}),
    ("confusing it with smuggling", "officials conflated trafficking with migrant smuggling", {"confus"}),
    ("send victims to services", "did not report any referrals of victims to services", {"send"}),
    ("compensation", "awarding restitution to a trafficking victim", {"compens"}),
    ("break out its data", "did not disaggregate information", {"break"}),
    ("kids involved", "hold officials accountable for complicity", set()),  # involved is not complicit
    ("officials held to account", "did not investigate or hold accountable any officials", {"held"}),
    ("officials suspected of complicity", "prosecuted some allegedly complicit officials", {"suspect"}),
    ("help any victims", "nor did they identify or protect any victims", {"help"}),
    ("mix up trafficking", "officials conflated trafficking with migrant smuggling", {"mix"}),
    ("officials accused of complicity", "any officials allegedly involved in complicity", {"accus"}),
    # Not the other way round, and a report phrase needs all its words.
    ("convicted", "sent to prison", set()),
    ("army", "victims were forced to work", set()),
])
def test_report_words_cover_everyday_words(asked: str, sentence: str, covered: set[str]) -> None:
    assert covered_by_report_words(set(tokens(asked)), set(tokens(sentence)), word_family) == covered


def test_vague_quantities() -> None:
    assert is_vague("thousands") and is_vague("more than several") and not is_vague("83 inspections")


def test_a_percentage_is_a_share_not_a_count() -> None:
    found = find("experts estimate 25% of Afghan children are involved in child labor", Quantity.COUNT)
    assert [(f.kind, f.text) for f in found] == [(Quantity.SHARE, "25%")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Are Peruvian workers at risk?", [("Peru", False)]),
    ("Malagasy women in China", [("Madagascar", False), ("China", True)]),
    ("Do Nigerian traffickers operate in Lithuania?", [("Nigeria", False), ("Lithuania", True)]),
    ("Turkmen citizens abroad", [("Turkmenistan", False)]),
    ("Dominican officials", [("Dominican Republic", False)]),
    ("Congolese children", [("Republic of the Congo", False)]),
    ("Which Central American country", []),
    ("Thai fishing boats", [("Thailand", False)]),
    ("Is Moscow pressing foreigners to fight?", [("Russia", True)]),
    ("Is Beijing locking up Muslims?", [("China", True)]),
    ("polish the report", []),
    # An acronym that is no word is a country in any case; one that is a word only in capitals.
    ("why did png get bumped down?", [("Papua New Guinea", True)]),
    ("tell us about the DR", [("Dominican Republic", True)]),
    ("St. Maarten's prosecutions", [("Sint Maarten", True)]),  # "Saint" and "Sint" are written "St."
    ("has RMI convicted anyone?", [("Marshall Islands", True)]),
    # A ruler or regime stands for its government, as a capital does.
    ("Does the US recognize the Maduro government?", [("United States", True), ("Venezuela", True)]),
    ("What did the Taliban do about bacha bazi?", [("Afghanistan", True)]),
    ("what does the DPRK do with its workers abroad?", [("North Korea", True)]),
])
def test_demonyms_and_capitals(text: str, expected: list[tuple[str, bool]]) -> None:
    assert MATCHER.mentions(text) == expected


@pytest.mark.parametrize(("question", "history", "subjects", "missing", "mentioned"), [
    # Named countries are subjects; an adjective is a subject only when nothing is named.
    ("Do Nigerian traffickers operate in Lithuania?", [], ["Lithuania"], [], ["Nigeria"]),
    ("Are Malagasy workers exploited abroad?", [], ["Madagascar"], [], []),
    ("Are Peruvian workers at risk?", [], [], [], ["Peru"]),
    # An adjective qualifying a state makes its country the subject.
    ("How do Norwegian authorities protect victims?", [], [], ["Norway"], []),
    ("Is Turkish law enforcement prosecuting traffickers of Syrian refugees?", [], [], ["Turkey"], ["Syria"]),
    ("How does Turkey's government protect Syrian refugees?", [], [], ["Turkey"], ["Syria"]),
    # Follow-ups take the conversation's country: "it", "there", "they", "that country", "the government".
    ("What tier is it on?", ["Tell me about Madagascar."], ["Madagascar"], [], []),
    ("Who is most at risk there?", ["What tier is Haiti on?"], ["Haiti"], [], []),
    ("Did they convict anyone?", ["Was Cuba downgraded?"], ["Cuba"], [], []),
    ("What did the government do well?", ["Tell me about trafficking in Madagascar."], ["Madagascar"], [], []),
    ("And what about that country's shelters?", ["Is Lebanon on Tier 3?"], ["Lebanon"], [], []),
    # A new country overrides; an uncovered one carries over only when pointed back at.
    ("And who is most at risk in Haiti?", ["What tier is Cuba on?"], ["Haiti"], [], []),
    ("What about Aruba?", ["What's Haiti's tier?"], [], ["Aruba"], []),
    ("How many victims?", ["What tier is Peru on?", "What tier is Cuba on?"], ["Cuba"], [], []),
    # A country named only as where people are taken keeps the conversation's (or the people's) country.
    ("And how do recruiters get women into China?", ["Where do Malagasy women work as domestic workers?"],
     ["Madagascar"], [], ["China"]),
    ("Are Cambodians taken to China?", [], ["Cambodia"], [], ["China"]),
    ("And what about China?", ["What tier is Cambodia on?"], ["China"], [], []),
    # An uncovered country set as where the conversation's people are ("in Turkey … them") keeps its country.
    ("in turkey specifically, who exploits them?", ["Where do Syrian refugees face the most risk?"], ["Syria"], [],
     ["Turkey"]),
    ("and in turkey, what tier is it on?", ["What tier is Syria on?"], [], ["Turkey"], []),
    ("What do Turkey's police do about them?", ["Where are Syrian refugees at risk?"], [], ["Turkey"], []),
    ("How does it compare to China?", ["What tier is Cambodia on?"], ["China"], [], []),
    # An adjective in the earlier turn still names its country ("Lithuanian police").
    ("How many of them did the police hire?", ["What did Lithuanian police do about refugees from Ukraine?"],
     ["Lithuania"], [], []),
])
def test_follow_up_resolution(question: str, history: list[str], subjects: list[str], missing: list[str],
                              mentioned: list[str]) -> None:
    resolved = resolve(question, history, MATCHER, None)
    assert (resolved.subjects, resolved.missing, resolved.mentioned) == (subjects, missing, mentioned)


def test_follow_up_keeps_its_own_intent(intent_of) -> None:
    """"Did they convict anyone?" after a tier question is a yes/no question, not a tier question."""
    assert intent_of("Did they convict anyone?", ["What tier is Cuba on?"]) is Intent.YES_NO
    assert intent_of("What tier is it on?", ["Tell me about trafficking in Madagascar."]) is Intent.TIER
    # A wh-question of its own is not read as the yes/no question before it.
    assert intent_of("And what has it done with Ukrainian children?", ["Is Russia still on Tier 3?"]) not in (
        Intent.YES_NO, Intent.TIER)
    # "Why did it stay there?" asks about the placement of the question before.
    assert intent_of("Why did it stay there?", ["What tier is Cuba on?"]) is Intent.TIER


@pytest.mark.parametrize(("a", "b", "same"), [
    ("migrant", "migration", True),
    ("inspector", "inspect", True),
    ("employer", "employment", True),
    ("prisoners", "prison", True),
    ("tourism", "tourists", True),
    ("specialist", "special", True),
    ("committee", "commission", False),
    ("construction", "constitution", False),
])
def test_word_families(a: str, b: str, same: bool) -> None:
    """A topic word is covered by its derivations ("migrant workers" by "men and women migrate")."""
    assert (word_family(tokens(a)[0]) == word_family(tokens(b)[0])) is same


@pytest.mark.parametrize(("question", "kind"), [
    ("Which international organization got access to monitor the cotton harvest?", "organization"),
    ("Which NGO runs the shelter?", "NGO"),
    ("Who were the defendants in the two cases?", "defendants"),
    ("Which investigative judges were assigned?", "judges"),
    ("Which Kremlin-backed outfit recruited children?", None),  # an outfit named or not, the sentence tells
    ("Which group is most at risk?", None),
    ("which specific colombian armed groups are forcing venezuelans into crime?", "groups"),
    ("Which particular gang runs the racket?", "gang"),
    ("which russian ministry is in charge of coordinating anti-trafficking work?", "ministry"),
])
def test_a_name_is_asked_for(question: str, kind: str | None) -> None:
    assert read_cues(question).name_of == kind


@pytest.mark.parametrize(("question", "main"), [
    ("What's the main type of trafficking in Russia?", True),
    ("Where do victims mostly come from?", True),
    ("What kind of trafficking happens in Russia?", False),
])
def test_the_main_pattern_is_asked_for(question: str, main: bool) -> None:
    assert read_cues(question).main is main


@pytest.mark.parametrize(("text", "marked"), [
    ("although labor trafficking is the predominant problem, sex trafficking also occurs", True),
    ("most Afghan trafficking victims are children forced to work in carpet making", True),
    ("victims primarily from South Asia, sub-Saharan Africa, the Philippines", True),
    ("traffickers exploit Chinese nationals in Chinese-owned businesses", False),
])
def test_the_report_marks_its_main_patterns(text: str, marked: bool) -> None:
    assert bool(PREVALENCE.search(text)) is marked


@pytest.mark.parametrize(("text", "expected"), [
    ("vulnerable to forced labor, particularly during the summer tourism season", "during the summer tourism season"),
    ("children work in cotton fields in the harvest season", "in the harvest season"),
])
def test_a_time_of_year_is_a_date(text: str, expected: str) -> None:
    assert expected in [f.text for f in find(text, Quantity.DATE)]


@pytest.mark.parametrize(("text", "counted"), [
    ("some North Koreans work in dozens of countries in Africa", "countries"),
    ("the inspectorate conducted 83 inspections", "inspections"),
    ("identified 1,200 victims, 19 of whom were children", ""),
])
def test_what_a_quantity_counts(text: str, counted: str) -> None:
    """A quantity that names what it counts ("dozens of countries") answers no question about workers."""
    from assistant.quantities import counted_words

    found = find(text, Quantity.COUNT)[-1]
    assert counted_words(text, found) == counted


@pytest.mark.parametrize(("question", "countries", "origins"), [
    ("Women from Haiti, the Dominican Republic and Venezuela are exploited on which island?",
     ["Haiti", "Dominican Republic"], True),
    ("Which country do women from Haiti go to?", ["Haiti"], True),
    ("Which country sends women to Haiti?", ["Haiti"], False),
    ("Are Haitian women from Haiti exploited in Cuba?", ["Cuba"], False),
])
def test_countries_named_only_as_origins(question: str, countries: list[str], origins: bool) -> None:
    from assistant.conversation import only_origins

    assert only_origins(question, countries, MATCHER) is origins


@pytest.mark.parametrize(("question", "countries", "places"), [
    ("Which country has most of its victims in India, Russia and Turkey?", ["India", "Russia", "Turkey"], True),
    ("Which country moves migrants from Iraq toward Latvia and Poland?", ["Iraq", "Latvia", "Poland"], True),
    ("Which country sends women to Haiti?", ["Haiti"], False),  # one place is no list
    ("Which country in Russia's orbit sends workers to Turkey and India?", ["Russia", "Turkey", "India"], False),
])
def test_countries_named_only_as_places_people_come_from_or_go(question: str, countries: list[str],
                                                                places: bool) -> None:
    from assistant.conversation import only_origins

    assert only_origins(question, countries, MATCHER, destinations=True) is places


def test_which_foreign_government_is_cued() -> None:
    assert read_cues("Which foreign government exploits medical staff in Haiti?").foreign
    assert not read_cues("Which government exploits medical staff?").foreign


def test_a_which_country_question_about_people_from_named_countries(intent_of) -> None:
    """Countries listed as where people come from: the answer is another country; people from one country are
    found in its own narrative."""
    assert intent_of("Women from Haiti and Cuba are exploited in which country?") is Intent.COUNTRY
    assert intent_of("Which countries are Romani children from Belarus forced to beg in?") is not Intent.COUNTRY


@pytest.mark.parametrize(("earlier", "abroad"), [
    ("Which countries are Iraqi Roma kids exploited in?", True),
    ("Where are Iraqi children taken?", True),
    ("Who is most vulnerable in Iraq?", False),
])
def test_there_after_a_question_for_where_people_are_taken_is_abroad(bot, earlier: str, abroad: bool) -> None:
    turn = bot.understand("What are they made to do there?", [earlier])
    assert ("abroad" in turn.context) is abroad


def test_there_is_the_place_the_conversation_named(bot) -> None:
    """"Does the North Korean state use forced labor there?" after a question about China: the evidence must
    name China; "are there shelters" is no place."""
    turn = bot.understand("Does the North Korean state use forced labor there?",
                          ["What happens to North Korean refugees in China?"])
    assert turn.subjects == ["North Korea"] and "China" in turn.mentioned
    existential = bot.understand("Are there shelters in Haiti?", ["What tier is Cuba on?"])
    assert existential.subjects == ["Haiti"] and "Cuba" not in existential.mentioned


@pytest.mark.parametrize(("question", "yes_no"), [
    ("Can the government prosecute officials?", True),
    ("Could you tell me if Bulgaria convicted anyone?", True),
    # A request for the thing itself is no yes/no question.
    ("can you name the senior officials involved?", False),
    ("Could you list the groups that recruit children?", False),
    ("can you tell me what the report recommends?", False),
])
def test_a_request_is_no_yes_no_question(question: str, yes_no: bool) -> None:
    assert read_cues(question).yes_no is yes_no


@pytest.mark.parametrize(("question", "foreign"), [
    ("the medical workers in haiti who may be forced to work - whose govt sent them?", True),
    ("Which foreign government exploits medical staff in Venezuela?", True),
    # "whose government" of the country the question itself asks for is that country's own.
    ("Which country's migrants mostly end up in Russia, and whose government forces them to pick cotton?", False),
])
def test_another_countrys_government_is_asked_for(question: str, foreign: bool) -> None:
    from assistant.question import expand_shorthand

    assert read_cues(expand_shorthand(question)).foreign is foreign
