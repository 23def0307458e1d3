"""Metric functions checked on tiny hand-computed examples and edge cases."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    all_facts,
    citation_metrics,
    contains_fact,
    fact_recall,
    fold,
    is_relevant,
    mean,
    percentile,
    quote_covers,
    quotes_overlap,
    refusal_metrics,
    retrieval_metrics,
)

EVIDENCE = "SLI created 10 new inspector positions and conducted 83 inspections in agriculture."
OTHER = "Courts convicted fewer traffickers during the reporting period than in the year before."


# fold -------------------------------------------------------------------------------------------


def test_fold_curly_quotes_case_and_whitespace() -> None:
    assert fold("  Russia\u2019s  \u201cFull-Scale\u201d\n\nInvasion\t") == 'russia\'s "full-scale" invasion'
    assert fold("\u2018a\u2019") == "'a'"


def test_fold_nbsp_and_empty() -> None:
    assert fold("Tier\u00a01") == "tier 1"
    assert fold("") == ""
    assert fold(" \n\t ") == ""


def test_fold_joins_a_paragraph_broken_mid_sentence() -> None:
    raw = "such as law\n\nenforcement and labor inspectors"
    assert fold(raw) == fold("such as law enforcement and labor inspectors")


# facts ------------------------------------------------------------------------------------------


def test_contains_fact_any_alternative_case_insensitive() -> None:
    answer = "Police employed and trained FOURTEEN Ukrainians."
    assert contains_fact(answer, ["14", "fourteen"])
    assert not contains_fact(answer, ["15", "fifteen"])


def test_contains_fact_folds_quotes_and_whitespace_in_both() -> None:
    assert contains_fact("the government\u2019s actions", ["government's actions"])
    assert contains_fact("the government's\nactions", ["GOVERNMENT\u2019S   actions"])


def test_contains_fact_ignores_empty_alternatives() -> None:
    assert not contains_fact("anything at all", [""])
    assert not contains_fact("anything at all", [])
    assert not contains_fact("", ["tier 1"])


def test_fact_recall_and_all_facts() -> None:
    facts = [["Tier 1"], ["83"], ["Kaunas"], ["rapporteur"]]
    answer = "Lithuania is on tier 1; SLI conducted 83 inspections."
    assert fact_recall(answer, facts) == 0.5
    assert all_facts(answer, facts) is False
    assert fact_recall(answer, facts[:2]) == 1.0
    assert all_facts(answer, facts[:2]) is True
    assert fact_recall("nothing relevant", facts) == 0.0


def test_fact_metrics_none_without_facts() -> None:
    assert fact_recall("any answer", []) is None
    assert all_facts("any answer", []) is None


# relevance --------------------------------------------------------------------------------------


def test_is_relevant_chunk_containing_quote() -> None:
    chunk = f"Intro sentence. {EVIDENCE.upper()} Closing sentence."
    assert is_relevant(chunk, [EVIDENCE])
    assert not is_relevant(chunk, [OTHER])
    assert is_relevant(chunk, [OTHER, EVIDENCE])


def test_is_relevant_chunk_inside_longer_quote_needs_40_chars() -> None:
    inside = "10 new inspector positions and conducted 83"  # 43 chars, inside EVIDENCE
    assert len(fold(inside)) >= 40
    assert is_relevant(inside, [EVIDENCE])
    short = "new inspector positions"  # under 40 chars
    assert not is_relevant(short, [EVIDENCE])


def test_is_relevant_edge_cases() -> None:
    assert not is_relevant("", [EVIDENCE])
    assert not is_relevant(EVIDENCE, [])
    assert not is_relevant(EVIDENCE, [""])  # an empty quote never matches everything


# retrieval --------------------------------------------------------------------------------------


def test_retrieval_first_relevant_at_rank_2() -> None:
    ranked = [OTHER, f"Before. {EVIDENCE} After.", "Unrelated text about something else entirely."]
    m = retrieval_metrics(ranked, [EVIDENCE])
    assert m is not None
    assert m["hit@1"] == 0.0
    assert m["hit@3"] == 1.0
    assert m["hit@5"] == 1.0
    assert m["mrr"] == 0.5
    # DCG = 1/log2(3); ideal DCG (one quote) = 1/log2(2) = 1
    assert m["ndcg@10"] == pytest.approx(1 / math.log2(3))
    assert m["ndcg@10"] == pytest.approx(0.6309, abs=1e-4)
    assert m["recall@10"] == 1.0


def test_retrieval_two_quotes_ranks_1_and_3() -> None:
    ranked = [EVIDENCE, "filler text one", OTHER, "filler text two"]
    m = retrieval_metrics(ranked, [EVIDENCE, OTHER])
    assert m is not None
    assert m["hit@1"] == 1.0
    assert m["mrr"] == 1.0
    # DCG = 1 + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) = 1.6309
    assert m["ndcg@10"] == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert m["ndcg@10"] == pytest.approx(0.9197, abs=1e-4)
    assert m["recall@10"] == 1.0


def test_retrieval_ndcg_capped_at_one() -> None:
    # Two chunks both hold the only quote: DCG = 1 + 0.63 > ideal 1, capped.
    m = retrieval_metrics([EVIDENCE, f"{EVIDENCE} again"], [EVIDENCE])
    assert m is not None
    assert m["ndcg@10"] == 1.0


def test_retrieval_nothing_relevant() -> None:
    m = retrieval_metrics(["a", "b", "c"], [EVIDENCE])
    assert m == {"hit@1": 0.0, "hit@3": 0.0, "hit@5": 0.0, "mrr": 0.0, "ndcg@10": 0.0, "recall@10": 0.0}
    m = retrieval_metrics([], [EVIDENCE])
    assert m is not None
    assert m["mrr"] == 0.0
    assert m["recall@10"] == 0.0


def test_retrieval_only_top_10_count() -> None:
    ranked = [f"filler {i}" for i in range(10)] + [EVIDENCE]
    m = retrieval_metrics(ranked, [EVIDENCE])
    assert m is not None
    assert m["mrr"] == pytest.approx(1 / 11)  # mrr looks at the whole list
    assert m["hit@5"] == 0.0
    assert m["ndcg@10"] == 0.0
    assert m["recall@10"] == 0.0


def test_retrieval_hit_at_5_not_3() -> None:
    ranked = ["x1", "x2", "x3", "x4", EVIDENCE]
    m = retrieval_metrics(ranked, [EVIDENCE])
    assert m is not None
    assert (m["hit@3"], m["hit@5"], m["mrr"]) == (0.0, 1.0, 0.2)
    assert m["ndcg@10"] == pytest.approx(1 / math.log2(6))


def test_retrieval_recall_half_of_quotes() -> None:
    m = retrieval_metrics([EVIDENCE, "filler"], [EVIDENCE, OTHER])
    assert m is not None
    assert m["recall@10"] == 0.5
    assert m["ndcg@10"] == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_retrieval_partial_chunk_is_relevant_but_covers_only_if_half() -> None:
    evidence = "a" * 20 + " " + "b" * 79  # 100 folded characters
    long_part = "a" * 20 + " " + "b" * 40  # 61 chars: relevant and >= 50 % -> covered
    short_part = "b" * 45  # 45 chars: relevant (>= 40) but < 50 % -> not covered
    m = retrieval_metrics([long_part], [evidence])
    assert m is not None
    assert (m["mrr"], m["recall@10"]) == (1.0, 1.0)
    m = retrieval_metrics([short_part], [evidence])
    assert m is not None
    assert (m["mrr"], m["recall@10"]) == (1.0, 0.0)


def test_retrieval_none_without_evidence() -> None:
    assert retrieval_metrics([EVIDENCE], []) is None
    assert retrieval_metrics([EVIDENCE], [""]) is None


# citations --------------------------------------------------------------------------------------


def test_quote_covers() -> None:
    assert quote_covers(f"Before. {EVIDENCE}", EVIDENCE)  # contains the evidence
    assert quote_covers(EVIDENCE.replace("\u2019", "'").lower(), EVIDENCE)
    half = EVIDENCE[: len(EVIDENCE) // 2 + 1]
    assert quote_covers(half, EVIDENCE)  # inside and at least half as long
    assert not quote_covers(EVIDENCE[:20], EVIDENCE)  # inside but too short
    assert not quote_covers(OTHER, EVIDENCE)
    assert not quote_covers("", EVIDENCE)
    assert not quote_covers(EVIDENCE, "")


def test_quote_covers_curly_quotes() -> None:
    curly = "Russia\u2019s full-scale invasion of Ukraine"
    assert quote_covers("Russia's full-scale invasion of Ukraine", curly)
    assert quote_covers(curly, "RUSSIA'S FULL-SCALE INVASION")


def test_quotes_overlap_30_char_substring() -> None:
    shared = "conducted 83 inspections in agr"  # 31 chars shared with EVIDENCE
    assert quotes_overlap(f"Something different then {shared} and so on", EVIDENCE)
    shared29 = "conducted 83 inspections in a"  # 29 chars
    assert len(shared29) == 29
    assert not quotes_overlap(f"zzz{shared29}zzz", EVIDENCE)  # no shared neighbours
    assert len("conducted 83 inspections in ag") == 30
    assert quotes_overlap("zzzconducted 83 inspections in agzzz", EVIDENCE)


def test_quotes_overlap_containment_and_empty() -> None:
    assert quotes_overlap("83 inspections", EVIDENCE)  # short but contained
    assert not quotes_overlap(EVIDENCE, "Tier 1")
    assert quotes_overlap(f"{EVIDENCE} more", EVIDENCE)
    assert not quotes_overlap("", EVIDENCE)
    assert not quotes_overlap(EVIDENCE, "")


def test_citation_metrics_values() -> None:
    quotes = [EVIDENCE, "an unrelated sentence about the weather in Vilnius today"]
    assert citation_metrics(quotes, [EVIDENCE]) == {"supported": 1.0, "precision": 0.5}
    # one quote overlaps but does not cover (too short a share), the other is unrelated
    partial = "conducted 83 inspections in agriculture"
    assert citation_metrics([partial, "nothing"], [EVIDENCE]) == {"supported": 0.0, "precision": 0.5}
    assert citation_metrics([OTHER, EVIDENCE], [EVIDENCE, OTHER]) == {"supported": 1.0, "precision": 1.0}


def test_citation_metrics_none_cases() -> None:
    assert citation_metrics([], [EVIDENCE]) == {"supported": 0.0, "precision": None}
    assert citation_metrics([EVIDENCE], []) == {"supported": None, "precision": None}
    assert citation_metrics([], []) == {"supported": None, "precision": None}


# refusals ---------------------------------------------------------------------------------------


def test_refusal_metrics() -> None:
    items = [
        (False, True),
        (False, True),
        (False, False),
        (True, False),
        (True, False),
        (True, True),
        (True, False),
    ]
    m = refusal_metrics(items)
    assert m["refusal_accuracy"] == pytest.approx(2 / 3)
    assert m["false_refusal_rate"] == 0.25


def test_refusal_metrics_empty_groups() -> None:
    assert refusal_metrics([]) == {"refusal_accuracy": None, "false_refusal_rate": None}
    assert refusal_metrics([(True, False)]) == {"refusal_accuracy": None, "false_refusal_rate": 0.0}
    assert refusal_metrics([(False, True)]) == {"refusal_accuracy": 1.0, "false_refusal_rate": None}


# summaries --------------------------------------------------------------------------------------


def test_percentile_linear_interpolation() -> None:
    values = [4.0, 1.0, 3.0, 2.0]  # sorted 1,2,3,4
    assert percentile(values, 50) == 2.5
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    # position = 3 * 0.9 = 2.7 -> 3 + 0.7 * (4 - 3)
    assert percentile(values, 90) == pytest.approx(3.7)
    assert percentile([7.0], 95) == 7.0


def test_percentile_matches_numpy_when_available() -> None:
    np = pytest.importorskip("numpy")
    values = [0.12, 3.5, 1.25, 9.0, 2.0, 2.0, 7.75]
    for p in (0, 5, 25, 50, 75, 90, 95, 99, 100):
        assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)))


def test_percentile_empty_and_invalid() -> None:
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)
    with pytest.raises(ValueError):
        percentile([1.0], -1)


def test_mean_ignores_none() -> None:
    assert mean([1.0, None, 2.0, 3.0]) == 2.0
    assert mean([0.0, 1.0]) == 0.5
    assert mean([None, None]) is None
    assert mean([]) is None
