"""The gold question sets are well-formed and every evidence quote is verbatim in its corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from eval.metrics import all_facts, contains_fact, fold

GOLD_DIR = Path(__file__).resolve().parent.parent / "eval" / "gold"
# file name -> (id prefix pattern, minimum number of items)
GOLD_FILES = {"seed.jsonl": ("seed", 50), "factbook.jsonl": ("fb", 60), "blind-dev.jsonl": ("d(v[a-z]|w[a-f])", 200),
              "blind-test.jsonl": ("ts[ab]", 150)}
BLIND = ("blind-dev.jsonl", "blind-test.jsonl")
REQUIRED = {"id": str, "question": str, "answer": str, "facts": list, "evidence": list, "answerable": bool}
# Blind items also say which covered countries they are about (file slugs) and their class.
OPTIONAL = {"history": list, "countries": list, "class": str}


def load(name: str) -> list[dict[str, Any]]:
    lines = (GOLD_DIR / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def seed_text(seed_path: Path) -> str:
    return fold(seed_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def factbook_texts(seed_text: str, factbook_dir: Path) -> list[str]:
    files = sorted(factbook_dir.glob("*.txt"))
    assert len(files) == 50, f"expected 50 factbook files in {factbook_dir}, found {len(files)}"
    return [seed_text] + [fold(f.read_text(encoding="utf-8")) for f in files]


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_every_line_is_a_json_object(name: str) -> None:
    for number, line in enumerate((GOLD_DIR / name).read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"{name}:{number} is blank"
        assert isinstance(json.loads(line), dict), f"{name}:{number} is not a JSON object"


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_schema(name: str) -> None:
    for item in load(name):
        where = f"{name} {item.get('id')}"
        missing = REQUIRED.keys() - item.keys()
        assert not missing, f"{where}: missing {sorted(missing)}"
        unknown = item.keys() - REQUIRED.keys() - OPTIONAL.keys()
        assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
        for key, kind in {**REQUIRED, **OPTIONAL}.items():
            if key in item:
                assert isinstance(item[key], kind), f"{where}: {key} is not {kind.__name__}"
        assert item["question"].strip() and item["answer"].strip(), f"{where}: empty question or answer"
        for turn in item.get("history", []):
            assert isinstance(turn, str) and turn.strip(), f"{where}: bad history entry {turn!r}"
        for fact in item["facts"]:
            assert isinstance(fact, list) and fact, f"{where}: a fact must be a non-empty list"
            assert all(isinstance(alt, str) and alt.strip() for alt in fact), f"{where}: bad fact {fact!r}"
        assert all(isinstance(q, str) and q.strip() for q in item["evidence"]), f"{where}: bad evidence"


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_ids_unique_and_well_formed(name: str) -> None:
    prefix, _ = GOLD_FILES[name]
    ids = [item["id"] for item in load(name)]
    assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
    for item_id in ids:
        assert re.fullmatch(rf"{prefix}-\d{{3}}", item_id), f"{name}: bad id {item_id!r}"
    questions = [fold(" | ".join([*item.get("history", []), item["question"]])) for item in load(name)]
    assert len(questions) == len(set(questions)), f"{name}: duplicate questions"


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_answerable_items_have_facts_and_evidence(name: str) -> None:
    for item in load(name):
        if item["answerable"]:
            assert item["facts"] and item["evidence"], f"{item['id']}: answerable needs facts and evidence"
        else:
            assert not item["facts"] and not item["evidence"], (
                f"{item['id']}: unanswerable has facts or evidence"
            )


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_facts_are_in_reference_answer_and_evidence(name: str) -> None:
    """Facts are words of the supporting sentences, and the reference answer states all of them."""
    for item in load(name):
        if not item["answerable"]:
            continue
        assert all_facts(item["answer"], item["facts"]), f"{item['id']}: reference answer misses a fact"
        evidence = " \n ".join(item["evidence"])
        # A blind item's fact may also be the name of the country its narrative is about (a which-country answer).
        names = " ".join(slug.replace("-", " ") for slug in item.get("countries", []))
        for fact in item["facts"]:
            assert contains_fact(evidence, fact) or contains_fact(names, fact), (
                f"{item['id']}: fact {fact} not in its evidence")


@pytest.mark.parametrize("name", sorted(GOLD_FILES))
def test_counts(name: str) -> None:
    _, minimum = GOLD_FILES[name]
    items = load(name)
    assert len(items) >= minimum
    unanswerable = sum(not item["answerable"] for item in items)
    assert 0.10 <= unanswerable / len(items) <= 0.30, f"{name}: {unanswerable} unanswerable of {len(items)}"
    assert sum(bool(item.get("history")) for item in items) >= 3, f"{name}: too few multi-turn items"


def test_seed_evidence_is_verbatim(seed_text: str) -> None:
    for item in load("seed.jsonl"):
        for quote in item["evidence"]:
            assert fold(quote) in seed_text, f"{item['id']}: evidence not in the seed report: {quote[:80]!r}"


def test_factbook_evidence_is_verbatim(factbook_texts: list[str]) -> None:
    for item in load("factbook.jsonl"):
        for quote in item["evidence"]:
            folded = fold(quote)
            assert any(folded in text for text in factbook_texts), (
                f"{item['id']}: evidence not in the seed or factbook corpus: {quote[:80]!r}"
            )


def test_blind_evidence_is_verbatim_in_the_named_countries(seed_path: Path, factbook_dir: Path) -> None:
    def text_of(slug: str) -> str:
        return fold((seed_path if slug == "lithuania" else factbook_dir / f"{slug}.txt").read_text(encoding="utf-8"))

    for name in BLIND:
        for item in load(name):
            texts = [text_of(slug) for slug in item.get("countries", [])]
            for quote in item["evidence"]:
                assert any(fold(quote) in text for text in texts), f"{item['id']}: evidence not verbatim"


def test_blind_split_is_by_country() -> None:
    """Dev and test share no covered country, so tuning on dev says nothing of test's narratives."""
    dev, test = ({slug for item in load(name) for slug in item.get("countries", [])} for name in BLIND)
    assert dev and test and not dev & test


@pytest.mark.parametrize("name", BLIND)
def test_blind_sets_cover_every_class(name: str) -> None:
    classes = {item.get("class") for item in load(name)}
    assert {"country", "quantity", "entity", "yesno", "overview", "tier", "followup", "unanswerable-fact",
            "unanswerable-country", "out-of-scope"} <= classes
    items = load(name)
    assert sum(bool(item.get("history")) for item in items) >= len(items) / 9
