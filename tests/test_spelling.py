"""Typing slips corrected against the report's vocabulary, and real words left alone."""

from __future__ import annotations

import pytest

from index.spelling import Speller

REPORT = ("The government prosecuted and convicted traffickers; Syrian refugees and migrants in Madagascar and "
          "Lithuania; vanilla plantations; the season of the cotton harvest. The government prosecutes.")
DICTIONARY = frozenset({"reason", "judges", "claims", "prosecuted", "refugees", "migrants", "season"})


@pytest.mark.parametrize(("typed", "read"), [
    ("How many refugess are there?", "How many refugees are there?"),
    ("Tell me about Madagscar", "Tell me about Madagascar"),
    ("Are vanila farmers exploited?", "Are vanilla farmers exploited?"),
    ("Has it prosecutd anyone?", "Has it prosecuted anyone?"),  # forms of one word: the most frequent
])
def test_slips_are_corrected(typed: str, read: str) -> None:
    text, corrections = Speller([REPORT], DICTIONARY).correct(typed)
    assert text == read and corrections


@pytest.mark.parametrize("question", [
    "What is the reason it dropped?",  # an English word the report never uses is no slip ("season")
    "Are the judges corrupt?",  # short or known words stay
    "Did the labour inspectorate act?",  # British spellings are the tokenizer's to read
    "Were Norwegians exploited?",  # nothing one edit away
])
def test_words_are_left_as_typed(question: str) -> None:
    assert Speller([REPORT], DICTIONARY).correct(question) == (question, [])


def test_without_a_dictionary_nothing_is_corrected() -> None:
    assert Speller([REPORT], frozenset()).correct("refugess") == ("refugess", [])


def test_the_packaged_dictionary_knows_everyday_words() -> None:
    speller = Speller([REPORT])
    assert "reason" in speller.dictionary and speller.correct("the reason")[1] == []
