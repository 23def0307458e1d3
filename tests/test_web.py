"""The web app's Python side: rendering and escaping, streaming, per-session history, export, feedback, the API.

Uses a real Assistant on an index of the bundled report, built once for the module.
"""

from __future__ import annotations

import html
import json
import os
import socket
from pathlib import Path

import gradio as gr
import pytest

from assistant import web
from assistant.core import Assistant
from assistant.paths import bundled_corpus
from assistant.records import Citation, Reply
from index.errors import ConfigError
from index.settings import Settings
from index.store import build_index

pytestmark = pytest.mark.model

XSS_QUESTIONS = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script> What tier is Lithuania on?"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-index")
    build_index([bundled_corpus()], folder, Settings.load({"index_dir": folder}, env={}))
    return folder


@pytest.fixture(scope="module")
def settings(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    feedback = tmp_path_factory.mktemp("web-feedback") / "feedback.jsonl"
    return Settings.load({"index_dir": index_dir, "feedback_path": feedback}, env={})


@pytest.fixture(scope="module")
def bot(settings: Settings) -> Assistant:
    return Assistant.load(settings=settings)


@pytest.fixture()
def service(bot: Assistant, settings: Settings) -> web.ChatService:
    return web.ChatService(bot, settings)


def run(service: web.ChatService, question: str, turns: list[web.Turn], country: str = web.ALL_COUNTRIES):
    """All the steps the respond handler yields, and the session's turns after it."""
    steps = list(service.respond(question, turns, country))
    final_turns = steps[-1][2]
    return steps, final_turns


def last_message(step: tuple) -> str:
    return step[1][-1]["content"]


# Rendering


def test_answer_html_formats_bullets_bold_and_markers_and_escapes() -> None:
    text = "- **Lithuania**: first <b>claim</b> [1]\n- second & more [2]\n\nThe report does not cover Narnia."
    out = web.answer_html(text)
    assert out.startswith("<ul><li><strong>Lithuania</strong>: first &lt;b&gt;claim&lt;/b&gt; ")
    assert '<span class="tip-ref">[1]</span>' in out and '<span class="tip-ref">[2]</span>' in out
    assert "second &amp; more" in out
    assert out.endswith("<p>The report does not cover Narnia.</p>")
    assert "<b>" not in out


def test_excerpt_marks_quote_inside_its_paragraph_only() -> None:
    text = "First paragraph.\n\nBefore <the> quote. The quoted sentence & more. After it.\n\nThird paragraph."
    start = text.index("The quoted")
    end = text.index("more.") + len("more.")
    out = web.excerpt_html(text, start, end)
    assert "<mark>The quoted sentence &amp; more.</mark>" in out
    assert "Before &lt;the&gt; quote. " in out and " After it." in out
    assert "First paragraph" not in out and "Third paragraph" not in out


def test_excerpt_trims_long_paragraphs_around_the_quote() -> None:
    text = ("word " * 400) + "QUOTE HERE." + (" tail" * 400)
    start = text.index("QUOTE")
    out = web.excerpt_html(text, start, start + len("QUOTE HERE."), context=100)
    assert out.startswith("<p>…") and out.endswith("…</p>")
    assert "<mark>QUOTE HERE.</mark>" in out
    assert len(out) < 400


def test_cited_answer_renders_numbered_expandable_sources(bot: Assistant) -> None:
    reply = bot.ask("What tier is Lithuania on?")
    out = web.reply_html(reply, bot.index.documents)
    assert "Tier 1" in out and '<span class="tip-ref">[1]</span>' in out
    assert "tip-refusal" not in out
    assert out.count('<details class="tip-source">') == len(reply.citations) >= 1
    first = reply.citations[0]
    assert f'<span class="tip-source-n">[1]</span> {html.escape(web.source_label(first))}</summary>' in out
    assert web.source_label(first) == f"{first.country} {first.year} · {first.tier} · {first.section}"
    assert f"<mark>{html.escape(first.quote)}</mark>" in out


def test_refusal_is_labelled_as_one(bot: Assistant) -> None:
    reply = bot.ask("What is the capital of France?")
    assert reply.refused
    out = web.reply_html(reply, bot.index.documents)
    assert '<div class="tip-refusal"><span class="tip-label">⚠ The report does not say</span>' in out


def test_untrusted_reply_and_quote_text_is_escaped() -> None:
    evil = "<img src=x onerror=alert(1)><script>alert(1)</script>"
    citation = Citation(1, "doc", evil, evil, evil, evil, 0, len(evil), 1.0)
    reply = Reply(evil, f"{evil} [1]", [citation], refused=False, notes=[evil])
    out = web.reply_html(reply, documents=None)
    assert "<img" not in out and "<script" not in out
    assert html.escape(evil) in out
    assert "<img" not in web.user_html(evil) and "<script" not in web.error_html(evil)


def test_stream_prefixes_grow_to_the_whole_answer() -> None:
    text = "Lithuania is on Tier 1 in the 2023 report, which says so plainly [1]."
    prefixes = web.stream_prefixes(text)
    assert 2 <= len(prefixes) <= web.STREAM_STEPS + 1
    assert prefixes[-1] == text
    assert all(text.startswith(p) for p in prefixes)
    assert [len(p) for p in prefixes] == sorted({len(p) for p in prefixes})
    assert web.stream_prefixes("One") == ["One"]


# The respond handler: streaming, errors, per-session history


def test_respond_streams_the_answer_then_shows_sources(service: web.ChatService) -> None:
    steps, turns = run(service, "What does the report recommend about a national rapporteur?", [])
    assert steps[0][0] == ""  # the textbox is cleared at once
    assert "Searching the report" in last_message(steps[0])
    partial = [last_message(s) for s in steps[1:-1]]
    assert len(partial) >= 2 and all("tip-sources" not in p for p in partial)
    final = last_message(steps[-1])
    assert "tip-final" in final and "tip-sources" in final and "<mark>" in final
    assert len(turns) == 1 and turns[0].reply is not None
    assert [m["role"] for m in steps[-1][1]] == ["user", "assistant"]


@pytest.mark.parametrize("question", ["", "   ", "?!"])
def test_errors_are_shown_in_the_chat_not_raised(service: web.ChatService, question: str) -> None:
    steps, turns = run(service, question, [])
    final = last_message(steps[-1])
    assert "⚠ Could not answer" in final and "Traceback" not in final
    assert turns[0].error and turns[0].reply is None
    assert web.history_of(turns) == []


@pytest.mark.parametrize("question", XSS_QUESTIONS)
def test_questions_with_markup_are_shown_as_literal_text(service: web.ChatService, question: str) -> None:
    steps, _ = run(service, question, [])
    for step in steps:
        for message in step[1]:
            assert "<img" not in message["content"] and "<script" not in message["content"]
    assert steps[-1][1][0]["content"] == html.escape(question)


def test_each_session_keeps_its_own_history(service: web.ChatService, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, list[str]]] = []
    real_ask = service.ask

    def spy(question: str, history: list[str], country: str | None) -> Reply:
        calls.append((question, list(history)))
        return real_ask(question, history, country)

    monkeypatch.setattr(service, "ask", spy)
    _, session_a = run(service, "What tier is Lithuania on?", [])
    _, session_b = run(service, "Who is most at risk?", [])
    _, session_a = run(service, "What does the report recommend about a rapporteur?", session_a)
    _, session_b = run(service, "", session_b)  # an error: not part of the history
    _, session_b = run(service, "And the labor inspectorate?", session_b)
    assert calls == [
        ("What tier is Lithuania on?", []),
        ("Who is most at risk?", []),
        ("What does the report recommend about a rapporteur?", ["What tier is Lithuania on?"]),
        ("", ["Who is most at risk?"]),
        ("And the labor inspectorate?", ["Who is most at risk?"]),
    ]
    assert [t.question for t in session_a] == ["What tier is Lithuania on?",
                                               "What does the report recommend about a rapporteur?"]
    assert len(session_b) == 3


def test_follow_up_answer_uses_the_session_history(service: web.ChatService) -> None:
    _, turns = run(service, "What tier is Lithuania on?", [])
    _, turns = run(service, "What does the report recommend about a rapporteur?", turns)
    reply = turns[-1].reply
    assert reply is not None and not reply.refused
    assert "rapporteur" in reply.answer.lower() and "[1]" in reply.answer


def test_country_filter(service: web.ChatService) -> None:
    assert service.countries_filter(web.ALL_COUNTRIES) is None
    assert service.countries_filter("lithuania") == ["Lithuania"]
    _, turns = run(service, "What tier is it on?", [], country="Lithuania")
    assert turns[0].reply is not None and "Tier 1" in turns[0].reply.answer
    _, turns = run(service, "What tier is it on?", [], country="Narnia")
    assert turns[0].error and "unknown country" in turns[0].error


def test_clear_resets_the_session(service: web.ChatService) -> None:
    chat, turns, export, comment, status = service.clear()
    assert chat == [] and turns == [] and comment == "" and status == ""
    assert export["interactive"] is False and export["value"] is None


# Export and feedback


def test_export_markdown_has_questions_answers_and_verbatim_quotes(service: web.ChatService) -> None:
    _, turns = run(service, "What tier is Lithuania on?", [])
    _, turns = run(service, "", turns)
    _, turns = run(service, "How many inspections did the labor inspectorate conduct?", turns)
    text = web.export_markdown(turns)
    assert text.startswith("# TIP Assistant conversation")
    assert "## 1. What tier is Lithuania on?" in text and "## 2. (empty question)" in text
    assert "*Not answered: " in text
    for turn in (turns[0], turns[2]):
        assert turn.reply is not None and turn.reply.answer in text
        for c in turn.reply.citations:
            assert f"[{c.n}] {web.source_label(c)}" in text
            for line in c.quote.split("\n"):
                assert f"> {line}" in text
    update = service.export_update(turns)
    path = Path(update["value"])
    assert update["interactive"] is True and path.suffix == ".md"
    written = path.read_text(encoding="utf-8").splitlines()
    assert written[2].startswith("Exported ")
    assert written[:2] + written[3:] == text.splitlines()[:2] + text.splitlines()[3:]


def test_feedback_appends_json_lines(service: web.ChatService, tmp_path: Path) -> None:
    service.feedback_path = tmp_path / "sub" / "feedback.jsonl"
    _, turns = run(service, "What tier is Lithuania on?", [])
    _, turns = run(service, "What is the capital of France?", turns)
    liked = gr.LikeData(None, {"index": 1, "value": "x", "liked": True})
    comment, status = service.feedback(turns, "  clear and cited ", liked)
    assert comment == "" and "thumbs up" in status and "answer 1" in status
    disliked = gr.LikeData(None, {"index": [3, 0], "value": "x", "liked": False})
    service.feedback(turns, "", disliked)
    withdrawn = gr.LikeData(None, {"index": 3, "value": "x", "liked": ""})
    assert "withdrawn" in service.feedback(turns, "", withdrawn)[1]
    lines = [json.loads(line) for line in service.feedback_path.read_text(encoding="utf-8").splitlines()]
    assert [r["vote"] for r in lines] == ["up", "down", "cleared"]
    first = lines[0]
    assert set(first) >= {"timestamp", "question", "answer", "citations", "vote", "comment"}
    assert first["question"] == "What tier is Lithuania on?" and first["comment"] == "clear and cited"
    assert first["answer"] == turns[0].reply.answer
    assert first["citations"][0]["quote"] == turns[0].reply.citations[0].quote
    assert lines[1]["question"] == "What is the capital of France?" and lines[1]["comment"] == ""
    stale = gr.LikeData(None, {"index": 9, "value": "x", "liked": True})
    assert service.feedback(turns, "keep me", stale) == ("keep me", "That message is no longer in this conversation.")


def test_feedback_write_failure_is_a_message(service: web.ChatService, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    service.feedback_path = blocker / "feedback.jsonl"
    _, turns = run(service, "What tier is Lithuania on?", [])
    comment, status = service.feedback(turns, "note", gr.LikeData(None, {"index": 1, "value": "", "liked": True}))
    assert comment == "note" and status.startswith("Could not save feedback")


def test_about_shows_index_and_feedback_file(service: web.ChatService, bot: Assistant, index_dir: Path) -> None:
    about = service.about_html()
    manifest = bot.index.stored.manifest
    assert html.escape(str(index_dir)) in about and html.escape(str(service.feedback_path)) in about
    assert "Lithuania" in about and f"<dd>{manifest['chunks']}</dd>" in about and manifest["model"] in about


# The API


def test_parse_history() -> None:
    assert web.parse_history("") == [] and web.parse_history(None) == []
    assert web.parse_history('["a", " ", "b"]') == ["a", "b"]
    assert web.parse_history("first\n\nsecond\n") == ["first", "second"]
    assert web.parse_history(["a", ""]) == ["a"]
    with pytest.raises(ValueError):
        web.parse_history("[not json")
    with pytest.raises(ValueError):
        web.parse_history("[1, 2]")


def test_api_ask_returns_reply_json_and_errors(service: web.ChatService) -> None:
    out = service.api_ask("What tier is Lithuania on?", "", "All")
    assert set(out) == {"answer", "citations", "refused", "answerer", "intent", "notes", "countries", "timings"}
    assert "Tier 1" in out["answer"] and out["citations"][0]["n"] == 1
    follow = service.api_ask("What does the report recommend about a rapporteur?", '["What tier is Lithuania on?"]')
    assert "rapporteur" in follow["answer"].lower()
    for bad in (("", "", "All"), ("What tier?", "", "Narnia"), ("What tier?", "[oops", "All")):
        with pytest.raises(gr.Error):
            service.api_ask(*bad)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_api_over_http_with_gradio_client(bot: Assistant, settings: Settings) -> None:
    """The module docstring's snippet, against a live server on a free loopback port."""
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    app = web.build_app(bot, settings)
    url = web.launch(app, "127.0.0.1", free_port())
    try:
        assert url.startswith("http://127.0.0.1:")
        client = Client(url, verbose=False)
        assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]
        reply = client.predict("What tier is Lithuania on?", "[]", "All", api_name="/ask")
        assert "Tier 1" in reply["answer"] and "[1]" in reply["answer"]
        assert reply["citations"][0]["country"] == "Lithuania" and reply["citations"][0]["quote"]
        reply = client.predict(question="What does the report recommend about a rapporteur?",
                               history='["What tier is Lithuania on?"]', country="All", api_name="/ask")
        assert "rapporteur" in reply["answer"].lower()
        with pytest.raises(AppError, match="empty"):
            client.predict("   ", "", "All", api_name="/ask")
    finally:
        app.close()


def test_module_docstring_has_the_client_snippet() -> None:
    doc = web.__doc__ or ""
    assert "from gradio_client import Client" in doc and 'api_name="/ask"' in doc


# Serving: host, auth, index errors, theme


def test_analytics_disabled_and_theme_uses_system_fonts_only() -> None:
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert web.theme()._stylesheets == []
    assert "googleapis" not in web.CSS


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                ("[::1]", True), ("127.0.0.2", True), ("0.0.0.0", False),
                                                ("192.168.1.5", False), ("example.org", False)])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert web.is_loopback(host) is loopback


def test_parse_auth() -> None:
    assert web.parse_auth(None) is None and web.parse_auth("") is None
    assert web.parse_auth("user:pa:ss") == ("user", "pa:ss")
    for bad in ("user", ":pass", "user:", " :x"):
        with pytest.raises(ConfigError, match="USER:PASSWORD"):
            web.parse_auth(bad)


def test_serve_refuses_remote_host_without_allow_remote(capsys: pytest.CaptureFixture[str]) -> None:
    assert web.serve(Settings.load({"host": "0.0.0.0"}, env={})) == web.EXIT_USAGE
    assert "--allow-remote" in capsys.readouterr().err


def test_serve_rejects_malformed_auth(capsys: pytest.CaptureFixture[str]) -> None:
    assert web.serve(Settings.load({"auth": "no-colon"}, env={})) == web.EXIT_USAGE
    assert "USER:PASSWORD" in capsys.readouterr().err


def test_serve_reports_index_errors_and_does_not_start(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    launched: list[object] = []
    monkeypatch.setattr(web, "launch", lambda *a, **k: launched.append(a))
    missing = Settings.load({"index_dir": tmp_path / "nowhere", "port": free_port()}, env={})
    assert web.serve(missing) == web.EXIT_ERROR
    assert "cannot load the index" in capsys.readouterr().err
    corrupt_dir = tmp_path / "corrupt"
    corrupt_dir.mkdir()
    (corrupt_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    assert web.serve(Settings.load({"index_dir": corrupt_dir}, env={})) == web.EXIT_ERROR
    err = capsys.readouterr().err
    assert "cannot load the index" in err and "Traceback" not in err
    assert launched == []
