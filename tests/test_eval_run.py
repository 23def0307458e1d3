"""The evaluation runner: gold loading, side-by-side configurations, outputs. Uses the hashing embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from eval.run import CONFIGS, GoldFormatError, load_gold, markdown_table, run, write_outputs
from index.settings import Settings

BASE = Settings.load({"model": "hashing-256"}, env={})

GOLD = [
    {"id": "t1", "question": "What tier is Lithuania on?", "answer": "Tier 1", "facts": [["Tier 1"]],
     "evidence": ["therefore Lithuania remained on Tier 1."], "answerable": True},
    {"id": "t2", "question": "How many inspections did the SLI conduct?", "answer": "83",
     "facts": [["83"]], "evidence": ["conducted 83 inspections in agriculture"], "answerable": True},
    {"id": "t3", "question": "What does the report recommend it do about a rapporteur?",
     "history": ["What tier is Lithuania on?"], "answer": "Appoint a national rapporteur",
     "facts": [["national rapporteur"]], "evidence": ["Appoint a national rapporteur"], "answerable": True},
    {"id": "t4", "question": "What tier is Canada on?", "answer": "Not covered.", "facts": [], "evidence": [],
     "answerable": False},
]


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in GOLD), encoding="utf-8")
    return path


def test_load_gold_accepts_the_format(gold_file: Path) -> None:
    items = load_gold(gold_file)
    assert [i.id for i in items] == ["t1", "t2", "t3", "t4"]
    assert items[2].history == ["What tier is Lithuania on?"] and items[0].history == []


@pytest.mark.parametrize(("line", "message"), [
    ("not json", "not JSON"),
    ('{"id": 1, "question": "q", "answer": "a", "facts": [], "evidence": [], "answerable": true}', "'id' must be"),
    ('{"id": "x", "question": "q", "answer": "a", "facts": ["flat"], "evidence": [], "answerable": true}',
     "'facts' must be a list of lists"),
    ('{"id": "x", "question": "q", "answer": "a", "facts": [], "evidence": [], "answerable": true, "history": "h"}',
     "'history' must be"),
])
def test_load_gold_names_the_bad_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOLD[0]) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match=f"bad.jsonl:2: .*{message}"):
        load_gold(path)


def test_side_by_side_run_and_outputs(gold_file: Path, seed_path: Path, tmp_path: Path) -> None:
    results = run([gold_file], [seed_path], None, ["bm25", "hybrid+routing", "naive"], BASE, progress=False)
    assert list(results["configs"]) == ["bm25", "hybrid+routing", "naive"]
    overall = results["configs"]["hybrid+routing"]["gold"][str(gold_file)]["overall"]
    for key in ("hit@1", "hit@3", "hit@5", "mrr", "ndcg@10", "recall@10", "fact_recall", "all_facts", "supported",
                "citation_precision", "refusal_accuracy", "false_refusal_rate", "median_quote_chars",
                "total_ms_p50", "total_ms_p95"):
        assert key in overall, key
    assert overall["refusal_accuracy"] == 1.0  # Canada is not covered, whatever the embedder
    items = results["configs"]["hybrid+routing"]["gold"][str(gold_file)]["items"]
    assert items[0]["fact_recall"] == 1.0 and items[0]["supported"] == 1.0
    naive = results["configs"]["naive"]["settings"]
    assert naive == {**CONFIGS["naive"], "llm": False} and naive["chunk_size"] == 1024 and naive["top_k"] == 2
    table = markdown_table(results, str(gold_file))
    assert table.count("\n") == 4 and "**" in table
    written = write_outputs(results, tmp_path / "out")
    assert {p.name for p in written} >= {"table.md", "results.json"}
    written_results = json.loads((tmp_path / "out" / "results.json").read_text())
    # What ships keeps every reply; the other configurations keep each item's scores only.
    shipped_item = written_results["configs"]["hybrid+routing"]["gold"][str(gold_file)]["items"][0]
    other_item = written_results["configs"]["bm25"]["gold"][str(gold_file)]["items"][0]
    assert "answer" in shipped_item and "quotes" in shipped_item
    assert "answer" not in other_item and "quotes" not in other_item and "fact_recall" in other_item
    assert set(other_item) <= {"id", "answerable", "refused", "fact_recall", "supported"}
    # Scores to six decimals and stage timings to a tenth of a millisecond keep the file small.
    assert all(len(repr(v).split(".")[-1]) <= 6 for v in other_item.values() if isinstance(v, float))
    assert all(round(v, 1) == v for v in shipped_item["timings"].values())


def test_best_value_is_marked_per_column() -> None:
    results = {"configs": {
        "a": {"gold": {"g": {"overall": {"hit@1": 0.5, "false_refusal_rate": 0.1, "total_ms_p50": 5.0}}}},
        "b": {"gold": {"g": {"overall": {"hit@1": 0.7, "false_refusal_rate": 0.3, "total_ms_p50": 9.0}}}},
    }}
    rows = markdown_table(results, "g").splitlines()
    assert "**0.700**" in rows[3] and "0.500" in rows[2] and "**0.500**" not in rows[2]
    assert "**0.100**" in rows[2] and "**5**" in rows[2]  # lower is better for refusals in error and latency


def test_cli_eval_json(gold_file: Path, seed_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["eval", "--gold", str(gold_file), "--corpus", str(seed_path), "--model", "hashing-256",
                 "--config", "bm25", "--config", "dense", "--json", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    summary = json.loads(out)
    assert set(summary) == {"bm25", "dense"}
    assert summary["bm25"][str(gold_file)]["refusal_accuracy"] == 1.0


def test_cli_eval_rejects_unknown_config(gold_file: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["eval", "--gold", str(gold_file), "--config", "magic"]) == 2
    assert "unknown configuration 'magic'" in capsys.readouterr().err


def test_llm_answers_side_by_side(gold_file: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import llm

    def post(url: str, payload: bytes, timeout: float) -> bytes:
        raise llm.LlmError("cannot reach the test server")

    monkeypatch.setattr(llm, "http_post", post)
    results = run([gold_file], [seed_path], None, ["hybrid+routing"], BASE.replace(llm_url="http://127.0.0.1:9/v1"),
                  progress=False)
    assert list(results["configs"]) == ["hybrid+routing", "hybrid+routing+llm"]
    items = results["configs"]["hybrid+routing+llm"]["gold"][str(gold_file)]["items"]
    assert {i["answerer"] for i in items} == {"extractive"}  # every LLM call failed and fell back
