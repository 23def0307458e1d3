"""The command line: build, search, ask (single, history, batch), errors as messages with exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.cli import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, main


def run(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_help_is_fast_and_imports_no_heavy_library() -> None:
    code = ("import sys; from assistant.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('torch', 'faiss', 'gradio', 'sentence_transformers', 'numpy') if m in sys.modules]\n"
            "assert not heavy, heavy")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "index" in result.stdout and "serve" in result.stdout


def test_no_command_prints_help(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run([], capsys)
    assert code == EXIT_USAGE and "usage: tip-assistant" in out


def test_build_reports_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(["index", "build", str(tmp_path / "nope"), "--index", str(tmp_path / "i")], capsys)
    assert code == EXIT_ERROR and "no such file or folder" in err and "Traceback" not in err


def test_build_reports_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(["index", "build", str(tmp_path / "empty"), "--index", str(tmp_path / "i"),
                        "--model", "hashing-64"], capsys)
    assert code == EXIT_ERROR and "no report text found" in err


def test_build_skips_unreadable_file_and_indexes_the_rest(tmp_path: Path, seed_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / "lithuania.txt")
    (corpus / "broken.txt").write_bytes(b"\x00\xff" * 64)
    os.symlink(corpus / "missing.txt", corpus / "dangling.txt")
    code, out, err = run(["index", "build", str(corpus), "--index", str(tmp_path / "i"), "--model", "hashing-64",
                          "--quiet"], capsys)
    assert code == EXIT_PARTIAL
    assert "skipped" in err and "broken.txt" in err and "dangling.txt" in err
    assert "indexed 1 narrative(s)" in out and "2 file(s) skipped" in out
    code, out, _ = run(["index", "info", "--index", str(tmp_path / "i")], capsys)
    assert code == EXIT_OK and "Lithuania" in out and "hashing-64" in out


def test_bad_setting_in_environment_is_named(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("TIP_ASSISTANT_TOPK", "3")
    code, _, err = run(["search", "forced labor"], capsys)
    assert code == EXIT_ERROR and "unknown setting TIP_ASSISTANT_TOPK" in err


@pytest.mark.model
def test_search_json(seed_index_dir: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["search", "--json", "--index", str(seed_index_dir),
                        "How many new labor inspector positions were created?"], capsys)
    assert code == EXIT_OK
    hits = [json.loads(line) for line in out.splitlines()]
    assert "SLI created 10 new inspector positions" in hits[0]["text"]
    assert hits[0]["country"] == "Lithuania" and hits[0]["section"] == "Summary" and hits[0]["rank"] == 1
    assert {"document", "tier", "year", "start", "end", "score"} <= set(hits[0])


@pytest.mark.model
def test_search_country_filter(corpus_index_dir: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["search", "--json", "--index", str(corpus_index_dir), "--country", "Haiti", "--k", "6",
                        "forced labor"], capsys)
    assert code == EXIT_OK
    assert {json.loads(line)["country"] for line in out.splitlines()} == {"Haiti"}
    code, _, err = run(["search", "--index", str(corpus_index_dir), "--country", "Atlantis", "x"], capsys)
    assert code == EXIT_ERROR and "not in this index" in err


@pytest.mark.model
def test_ask_json_with_history(seed_index_dir: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["ask", "--json", "--index", str(seed_index_dir), "--history", "What tier is Lithuania on?",
                        "What does the report recommend it do about a rapporteur?"], capsys)
    assert code == EXIT_OK
    reply = json.loads(out)
    assert "national rapporteur" in reply["answer"] and reply["refused"] is False
    assert reply["citations"][0]["section"] == "Prioritized Recommendations"


@pytest.mark.model
def test_ask_refusal_and_empty_question(seed_index_dir: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(["ask", "--json", "--index", str(seed_index_dir), "What tier is Canada on?"], capsys)
    reply = json.loads(out)
    assert code == EXIT_OK and reply["refused"] is True and "Tier" not in reply["answer"].replace("(Tier", "")
    code, _, err = run(["ask", "--index", str(seed_index_dir), "   "], capsys)
    assert code == EXIT_USAGE and "empty" in err


@pytest.mark.model
def test_batch_answers_forty_questions_with_one_model_load(seed_index_dir: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import onnxruntime
    import sentence_transformers

    import index.embed

    loads = []

    def counting(cls: type) -> None:  # counts model loads by either backend
        original = cls.__init__

        def counting_init(self, *args, **kwargs) -> None:
            loads.append(cls.__name__)
            original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counting_init)

    counting(sentence_transformers.SentenceTransformer)
    counting(onnxruntime.InferenceSession)
    counting(index.embed.OpenVinoEmbedder)
    questions = ["What tier is Lithuania on?", "How many inspections did the SLI conduct?",
                 "What does the report recommend?", "What tier is Canada on?"] * 10
    lines = [json.dumps({"id": f"q{i}", "question": q, "history": []}) for i, q in enumerate(questions)]
    lines.insert(3, "not json")
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(["ask", "--batch", str(batch), "--index", str(seed_index_dir)], capsys)
    replies = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == 41 and code == EXIT_ERROR  # the bad line is reported, the rest answered
    assert "error" in replies[3] and "line 4" in replies[3]["error"]
    answered = [r for r in replies if "error" not in r]
    assert [r["id"] for r in answered] == [f"q{i}" for i in range(40)]
    assert "Tier 1" in answered[0]["answer"] and answered[3]["refused"] is True
    assert loads == ["OpenVinoEmbedder"]  # the default backend, loaded once


def test_chat_keeps_the_conversation(tmp_path: Path, seed_path: Path) -> None:
    env = {**os.environ, "TIP_ASSISTANT_MODEL": "hashing-64", "TIP_ASSISTANT_HOME": str(tmp_path)}
    script = "What tier is Lithuania on?\nWhat does the report recommend about a rapporteur?\n/clear\n\n/quit\n"
    result = subprocess.run([sys.executable, "-m", "assistant", "chat"], input=script, capture_output=True,
                            text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert "Tier 1" in result.stdout and "national rapporteur" in result.stdout
    assert "(conversation cleared)" in result.stdout and "empty" in result.stdout
    assert "Sources:" in result.stdout and "Traceback" not in result.stderr


def test_build_progress_bar_shows_texts_per_second_and_time_left(capsys: pytest.CaptureFixture) -> None:
    from assistant.cli import _progress_bar

    update, close = _progress_bar("embedding", True)
    assert update is not None
    for done in (256, 512, 768):
        time.sleep(0.15)  # past tqdm's minimum refresh interval
        update(done, 1000)
    close()
    drawn = capsys.readouterr().err
    # done/total [elapsed<remaining, rate]
    assert re.search(r" [1-9]\d+/1000 \[\d\d:\d\d<\d\d:\d\d, [\d.]+ texts/s\]", drawn), drawn
    assert _progress_bar("embedding", False)[0] is None
