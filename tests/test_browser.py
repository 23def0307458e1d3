"""The web chat in a real browser: `tip-assistant serve` in a subprocess, driven by headless Chromium.

Checks a cited answer and its expandable source, a follow-up, that markup in a question stays literal text,
thumbs-up feedback, the Markdown export, the gradio_client API, and that the page requests nothing from any
host but the local server. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant.paths import bundled_corpus
from index.settings import Settings
from index.store import build_index
from tests.servers import Server, running_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
# Generous: the machine can be slow and busy. An upper bound for waiting, never a timed assertion.
UI_TIMEOUT_MS = 90_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("browser")
    index_dir = root / "index"
    build_index([bundled_corpus()], index_dir, Settings.load({"index_dir": index_dir}, env={}))
    with running_server(root, index_dir) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Page:
    """One browser tab on the app, recording every request and dialog."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(UI_TIMEOUT_MS)
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(url, wait_until="load")
        self.page.wait_for_selector("#tip-question textarea")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def ask(self, question: str) -> object:
        """Type and send a question; wait for its final answer and return that message's locator."""
        done = self.page.locator("#tip-chat .tip-final").count()
        box = self.page.locator("#tip-question textarea")
        box.fill(question)
        box.press("Enter")
        self.page.wait_for_function(
            f"document.querySelectorAll('#tip-chat .tip-final').length > {done}", timeout=UI_TIMEOUT_MS
        )
        return self.page.locator("#tip-chat .tip-final").nth(done)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if urlparse(u).scheme not in {"data", "blob"}
                and urlparse(u).hostname not in LOOPBACK_HOSTS]

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def tab(browser, server: Server) -> Iterator[Page]:
    page = Page(browser, server.url)
    try:
        yield page
    finally:
        page.close()


def test_cited_answer_follow_up_and_literal_markup(tab: Page) -> None:
    page = tab.page
    answer = tab.ask("What tier is Lithuania on?")
    sync_api.expect(answer).to_contain_text("Tier 1")
    sync_api.expect(answer.locator(".tip-ref").first).to_have_text("[1]")
    summary = answer.locator("details.tip-source summary").first
    sync_api.expect(summary).to_contain_text("[1] Lithuania 2023 · Tier 1 ·")
    highlight = answer.locator("details.tip-source mark").first
    sync_api.expect(highlight).to_be_hidden()
    summary.click()
    sync_api.expect(highlight).to_be_visible()
    assert len(highlight.inner_text().strip()) > 20
    tab.screenshot("cited-answer.png")

    follow_up = tab.ask("What does the report recommend about a rapporteur?")
    sync_api.expect(follow_up).to_contain_text("rapporteur")
    sync_api.expect(follow_up.locator(".tip-ref").first).to_have_text("[1]")
    sync_api.expect(follow_up.locator(".tip-refusal")).to_have_count(0)

    evil = "<img src=x onerror=alert(1)> <script>alert(1)</script>"
    tab.ask(evil)
    users = page.locator('#tip-chat [data-testid="user"]')
    sync_api.expect(users.last).to_contain_text(evil)
    assert page.locator('#tip-chat img[src="x"]').count() == 0
    assert page.locator("#tip-chat script").count() == 0
    page.wait_for_timeout(500)  # let any (wrongly) injected handler fire before looking for dialogs
    assert tab.dialogs == []

    refusal = tab.ask("What is the capital of France?")
    sync_api.expect(refusal.locator(".tip-refusal .tip-label")).to_contain_text("The report does not say")
    tab.screenshot("conversation.png")
    assert tab.foreign_requests() == []


def test_feedback_export_and_clear(tab: Page, server: Server) -> None:
    page = tab.page
    page.locator(".tip-example", has_text="What tier is Lithuania on?").click()
    page.wait_for_selector("#tip-chat .tip-final")
    page.locator("#tip-comment textarea").fill("cited and correct")
    before = server.feedback.read_text(encoding="utf-8").count("\n") if server.feedback.exists() else 0
    page.locator('#tip-chat button[aria-label="Like"], #tip-chat button[title="Like"]').first.click()
    sync_api.expect(page.locator("#tip-status")).to_contain_text("thumbs up")
    lines = server.feedback.read_text(encoding="utf-8").splitlines()
    assert len(lines) == before + 1
    record = json.loads(lines[-1])
    assert record["vote"] == "up" and record["comment"] == "cited and correct"
    assert record["question"] == "What tier is Lithuania on?" and record["citations"]
    sync_api.expect(page.locator("#tip-comment textarea")).to_have_value("")

    with page.expect_download(timeout=UI_TIMEOUT_MS) as download_info:
        page.locator("#tip-export").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("# TIP Assistant conversation")
    assert "## 1. What tier is Lithuania on?" in exported and "Tier 1" in exported
    assert record["citations"][0]["quote"].split("\n")[0] in exported

    page.locator("#tip-clear").click()
    sync_api.expect(page.locator("#tip-chat .tip-final")).to_have_count(0)
    answer = tab.ask("What does the report recommend about a national rapporteur?")
    sync_api.expect(answer).to_contain_text("rapporteur")
    assert tab.foreign_requests() == []


def test_sessions_do_not_share_conversations(browser, server: Server) -> None:
    first, second = Page(browser, server.url), Page(browser, server.url)
    try:
        first.ask("What tier is Lithuania on?")
        sync_api.expect(second.page.locator("#tip-chat .tip-final")).to_have_count(0)
        second.ask("Who is most at risk?")
        sync_api.expect(first.page.locator('#tip-chat [data-testid="user"]')).to_have_count(1)
        sync_api.expect(second.page.locator('#tip-chat [data-testid="user"]')).to_have_count(1)
    finally:
        first.close()
        second.close()


def test_api_docs_page_loads_nothing_from_outside(tab: Page) -> None:
    tab.page.get_by_text("Use via API").first.click()
    sync_api.expect(tab.page.get_by_text("/ask").first).to_be_visible()
    tab.page.wait_for_timeout(2000)  # the page keeps a live connection open: "networkidle" never comes
    assert tab.foreign_requests() == []


def test_api_with_gradio_client(server: Server) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(server.url, verbose=False)
    reply = client.predict("What tier is Lithuania on?", "[]", "All", api_name="/ask")
    assert "Tier 1" in reply["answer"] and "[1]" in reply["answer"]
    assert reply["citations"][0]["quote"] and reply["refused"] is False
    reply = client.predict("What does the report recommend about a rapporteur?",
                           "What tier is Lithuania on?", "Lithuania", api_name="/ask")
    assert "rapporteur" in reply["answer"].lower()
    with pytest.raises(AppError, match="empty"):
        client.predict("", "", "All", api_name="/ask")


def test_server_log_is_clean(server: Server) -> None:
    log = server.log.read_text(errors="replace")
    assert f"running at {server.url}" in log
    assert "gradio.live" not in log



EVIL_REPORT = (
    "RURITANIA (Tier 3) Extracted in part from the U.S. State Dept 2023 TIP Report\n\n"
    "The Government of Ruritania does not fully meet the minimum standards and is not making significant "
    "efforts to do so; therefore Ruritania remained on Tier 3. <script>alert('doc')</script> Officials ignored "
    "<img src=x onerror=alert('doc')> reports of forced labor in the timber sector.\n"
)


@pytest.fixture(scope="module")
def evil_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("browser-evil")
    (root / "corpus").mkdir()
    (root / "corpus" / "ruritania.txt").write_text(EVIL_REPORT, encoding="utf-8")
    index_dir = root / "index"
    build_index([root / "corpus", bundled_corpus()], index_dir, Settings.load({"index_dir": index_dir}, env={}))
    with running_server(root, index_dir) as server:
        yield server


def test_markup_inside_a_document_is_shown_as_text(browser, evil_server: Server) -> None:
    tab = Page(browser, evil_server.url)
    try:
        answer = tab.ask("What did Ruritania's officials ignore in the timber sector?")
        summary = answer.locator("details.tip-source summary").first
        sync_api.expect(summary).to_contain_text("Ruritania 2023 · Tier 3")
        summary.click()
        excerpt = answer.locator("details.tip-source").first
        sync_api.expect(excerpt).to_contain_text("<img src=x onerror=alert('doc')>")
        tab.page.wait_for_timeout(500)  # give any injected handler the chance to fire
        assert tab.dialogs == []
        assert tab.page.locator('#tip-chat img[src="x"]').count() == 0
        assert tab.page.locator("#tip-chat script").count() == 0
        assert tab.foreign_requests() == []
        tab.screenshot("document-markup.png")
    finally:
        tab.close()
