"""The web chat: a Gradio app over one loaded Assistant, with cited, expandable sources.

Start it with ``tip-assistant serve`` (http://127.0.0.1:7860 by default). Everything runs locally: no share
links, no analytics, no fonts or scripts from other hosts.

Calling it from Python
----------------------
The app exposes one named endpoint, ``/ask``: (question, history, country) -> the reply as JSON
(``answer`` with inline [n] markers, ``citations`` with verbatim ``quote`` and offsets, ``refused``,
``timings``). ``history`` is the earlier questions of the conversation, oldest first, as a JSON list or
one per line; ``country`` is "All" or one country of the index. An empty question raises an error::

    from gradio_client import Client

    client = Client("http://127.0.0.1:7860/", verbose=False)  # add auth=("user", "password") with --auth
    reply = client.predict("What tier is Lithuania on?", "[]", "All", api_name="/ask")
    print(reply["answer"])  # Lithuania is on Tier 1 in the 2023 report [1].
    for c in reply["citations"]:
        print(f'[{c["n"]}] {c["country"]} · {c["tier"]} · {c["section"]}: {c["quote"]}')

    # A follow-up: pass the earlier questions so "the report" resolves to the same country.
    reply = client.predict(
        question="What does the report recommend about a rapporteur?",
        history='["What tier is Lithuania on?"]',
        country="All",
        api_name="/ask",
    )
"""

from __future__ import annotations

import os

# Set before gradio is imported anywhere: no telemetry or version-check requests.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import atexit
import dataclasses
import html
import ipaddress
import json
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.core import Assistant
from assistant.paths import feedback_file
from assistant.records import Citation, Reply
from assistant.tiers import tier_rank
from index.chunk import is_list_section
from index.errors import ConfigError, QuestionError, TipAssistantError, UnknownCountryError
from index.records import Document
from index.settings import Settings
from index.text import paragraph_spans

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

ALL_COUNTRIES = "All"
WARM_UP_QUESTION = "What does the report recommend?"
PLACEHOLDER = (
    '<div class="tip-placeholder"><strong>Ask about the report</strong>Answers quote the report verbatim, and every '
    "claim carries a numbered source you can open.<br>Type a question below or pick an example.</div>"
)
STREAM_STEPS = 4
STREAM_PAUSE_S = 0.04
# Context shown on each side of a highlighted quote when its paragraph is long.
EXCERPT_CONTEXT_CHARS = 450

CSS = """
.tip-header h1 { margin: 0 0 .15em; font-size: 1.6em; }
.tip-header p { margin: 0; color: var(--body-text-color-subdued); }
.tip-answer p { margin: 0 0 .5em; }
.tip-answer p:last-child { margin-bottom: 0; }
.tip-answer ul { margin: .2em 0 .5em 1.2em; padding: 0; }
.tip-answer li { margin: .25em 0; }
.tip-ref { font-weight: 600; color: var(--color-accent); white-space: nowrap; }
.tip-cursor { opacity: .6; }
.tip-pending { color: var(--body-text-color-subdued); font-style: italic; }
.tip-refusal {
  border-left: 4px solid #d97706; background: rgba(217, 119, 6, .09);
  padding: .55em .8em; border-radius: 6px;
}
.tip-error {
  border-left: 4px solid #dc2626; background: rgba(220, 38, 38, .08);
  padding: .55em .8em; border-radius: 6px;
}
.tip-label {
  display: block; font-size: .78em; font-weight: 700; letter-spacing: .04em; text-transform: uppercase;
  margin-bottom: .3em;
}
.tip-refusal .tip-label { color: #b45309; }
.tip-error .tip-label { color: #b91c1c; }
.tip-sources { margin-top: .8em; padding-top: .55em; border-top: 1px solid var(--border-color-primary); }
.tip-sources-title {
  font-size: .75em; font-weight: 700; letter-spacing: .06em; text-transform: uppercase;
  color: var(--body-text-color-subdued); margin-bottom: .35em;
}
details.tip-source {
  border: 1px solid var(--border-color-primary); border-radius: 8px; margin: .4em 0;
  background: var(--background-fill-primary); overflow: hidden;
}
details.tip-source > summary {
  cursor: pointer; padding: .45em .75em; font-weight: 600; font-size: .93em; list-style-position: inside;
}
details.tip-source > summary:hover { background: var(--background-fill-secondary); }
details.tip-source[open] > summary { border-bottom: 1px solid var(--border-color-primary); }
.tip-source-n { color: var(--color-accent); margin-right: .25em; }
.tip-excerpt { padding: .6em .9em .7em; font-size: .93em; line-height: 1.6; }
.tip-excerpt p { margin: 0; white-space: pre-wrap; }
.tip-excerpt mark {
  background: #fde68a; color: #1f2937; padding: .05em .15em; border-radius: 3px;
  box-decoration-break: clone; -webkit-box-decoration-break: clone;
}
.tip-source-meta { margin-top: .45em; font-size: .82em; color: var(--body-text-color-subdued); }
.tip-about code { font-size: .9em; word-break: break-all; }
.tip-about dl { display: grid; grid-template-columns: max-content 1fr; gap: .3em 1em; margin: 0; }
.tip-about dt { font-weight: 600; }
.tip-about dd { margin: 0; }
.tip-about p { margin: .8em 0 0; color: var(--body-text-color-subdued); }
.tip-examples-label { font-size: .85em; color: var(--body-text-color-subdued); margin-top: .3em; }
.tip-examples { gap: 6px !important; }
.tip-placeholder { text-align: center; color: var(--body-text-color-subdued); }
.tip-placeholder strong { display: block; font-size: 1.15em; color: var(--body-text-color); margin-bottom: .3em; }
"""


def example_questions(bot: Assistant) -> list[str]:
    """Example questions for the loaded index: its richest narratives' countries, and what they hold."""
    docs = sorted((d for d in bot.index.documents.values() if d.country), key=lambda d: (-len(d.text), d.country))
    if not docs:
        return []
    first = docs[0]
    second = next((d for d in docs[1:] if d.country != first.country and d.tier != first.tier),
                  next((d for d in docs[1:] if d.country != first.country), None))
    examples = [f"What tier is {first.country} on?"]
    if any(is_list_section(s.title) for s in first.sections):
        examples.append(f"What does the report recommend for {first.country}?")
    examples.append(f"Who is most at risk in {first.country}?")
    if second is not None:
        tiers = sorted({d.tier for d in bot.index.documents.values() if d.tier}, key=tier_rank)
        examples.append(f"Tell me about trafficking in {second.country}.")
        examples.append(f"Which countries are on {tiers[-1]}?" if len(tiers) > 1 else
                        f"Compare {first.country} and {second.country}")
    else:
        examples.append(f"Tell me about trafficking in {first.country}.")
    return examples[:4]


def theme() -> gr.themes.Base:
    """The default theme with system fonts only, so the page requests no fonts from other hosts."""
    return gr.themes.Default(
        primary_hue="blue",
        font=[gr.themes.Font("system-ui"), gr.themes.Font("-apple-system"), "Segoe UI", "Roboto", "sans-serif"],
        font_mono=[gr.themes.Font("ui-monospace"), "SFMono-Regular", "Menlo", "monospace"],
    )


# Rendering. Every piece of report text or user input is html.escape()d before it is wrapped in markup.

_REF = re.compile(r"\[(\d{1,3})\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")


def _inline(text: str) -> str:
    """One escaped line of answer text, with **bold** and [n] markers styled."""
    escaped = html.escape(text, quote=True)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _REF.sub(r'<span class="tip-ref">[\1]</span>', escaped)


def answer_html(text: str) -> str:
    """The answer text as HTML: paragraphs, "- " bullet lists, **bold**, styled [n] markers; all escaped."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        items: list[str] = []
        plain: list[str] = []
        for line in lines:
            bullet = _BULLET.match(line)
            if bullet:
                if plain:
                    blocks.append(f"<p>{'<br>'.join(plain)}</p>")
                    plain = []
                items.append(f"<li>{_inline(bullet.group(1))}</li>")
            else:
                if items:
                    blocks.append(f"<ul>{''.join(items)}</ul>")
                    items = []
                plain.append(_inline(line))
        if items:
            blocks.append(f"<ul>{''.join(items)}</ul>")
        if plain:
            blocks.append(f"<p>{'<br>'.join(plain)}</p>")
    return "".join(blocks)


def source_label(citation: Citation) -> str:
    """The plain-text label of a source: "Country Year · Tier · Section · p. N" (see ``Citation.label``)."""
    return citation.label


def excerpt_html(text: str, start: int, end: int, context: int = EXCERPT_CONTEXT_CHARS) -> str:
    """The paragraph(s) holding ``text[start:end]``, escaped, with that quote in ``<mark>``.

    Long paragraphs are trimmed to about ``context`` characters each side of the quote, at word boundaries.
    """
    para_start, para_end = start, end
    for p_start, p_end in paragraph_spans(text):
        if p_start <= start < p_end or (p_start < end <= p_end):
            para_start, para_end = min(para_start, p_start), max(para_end, p_end)
    before_start = max(para_start, start - context)
    if before_start > para_start:
        space = text.find(" ", before_start, start)
        before_start = space + 1 if space != -1 else before_start
    after_end = min(para_end, end + context)
    if after_end < para_end:
        space = text.rfind(" ", end, after_end)
        after_end = space if space != -1 else after_end
    before = ("…" if before_start > para_start else "") + text[before_start:start]
    after = text[end:after_end] + ("…" if after_end < para_end else "")
    return (f"<p>{html.escape(before)}<mark>{html.escape(text[start:end])}</mark>{html.escape(after)}</p>")


def sources_html(citations: list[Citation], documents: Mapping[str, Document] | None = None) -> str:
    """The numbered sources, each a collapsed ``<details>`` card showing its excerpt in context."""
    if not citations:
        return ""
    cards = []
    for c in citations:
        doc = (documents or {}).get(c.document)
        if doc is not None and doc.text[c.start:c.end] == c.quote:
            excerpt = excerpt_html(doc.text, c.start, c.end)
        else:
            excerpt = f"<p><mark>{html.escape(c.quote)}</mark></p>"
        meta = [f"{c.year} TIP report" if c.year else "TIP report"]
        if c.page:
            meta.append(f"page {c.page}")
        meta.append(f"characters {c.start}–{c.end}")
        cards.append(
            '<details class="tip-source">'
            f'<summary><span class="tip-source-n">[{c.n}]</span> {html.escape(source_label(c))}</summary>'
            f'<div class="tip-excerpt">{excerpt}'
            f'<div class="tip-source-meta">{html.escape(" · ".join(meta))}</div></div>'
            "</details>"
        )
    return f'<div class="tip-sources"><div class="tip-sources-title">Sources</div>{"".join(cards)}</div>'


def reply_html(reply: Reply, documents: Mapping[str, Document] | None = None, answer: str | None = None,
               final: bool = True) -> str:
    """An assistant message: the (possibly partial) answer, a refusal label, and, when final, its sources."""
    body = answer_html(reply.answer if answer is None else answer)
    if not final:
        body += '<span class="tip-cursor">▍</span>'
    if reply.refused:
        body = f'<div class="tip-refusal"><span class="tip-label">⚠ The report does not say</span>{body}</div>'
    notes = "".join(f'<p class="tip-source-meta">{html.escape(n)}</p>' for n in reply.notes) if final else ""
    if final:
        notes += f'<p class="tip-source-meta tip-answerer">{html.escape(answerer_label(reply))}</p>'
    sources = sources_html(reply.citations, documents) if final else ""
    return f'<div class="tip-answer{" tip-final" if final else ""}">{body}{notes}{sources}</div>'


def answerer_label(reply: Reply) -> str:
    """Which answerer produced the reply, as shown under it."""
    if reply.answerer == "llm":
        return "Answered by the local language model; every sentence checked against its cited excerpt."
    return "Extractive answer: the cited sentences are quoted from the report."


def error_html(message: str) -> str:
    """An assistant message for a question that could not be asked."""
    label = '<span class="tip-label">⚠ Could not answer</span>'
    return f'<div class="tip-answer tip-final"><div class="tip-error">{label}{html.escape(message)}</div></div>'


def user_html(question: str) -> str:
    """A user message: the question as literal text."""
    return html.escape(question) if question.strip() else '<span class="tip-pending">(empty question)</span>'


def stream_prefixes(text: str, steps: int = STREAM_STEPS) -> list[str]:
    """Growing prefixes of ``text`` cut at word boundaries, the last one the whole text."""
    words = re.findall(r"\S+\s*", text)
    if len(words) <= 1 or steps <= 1:
        return [text]
    size = max(1, -(-len(words) // steps))
    prefixes = ["".join(words[:i]).rstrip() for i in range(size, len(words), size)]
    return [*prefixes, text]


# Conversation state, one per browser session (a gr.State value).


@dataclass
class Turn:
    """One question and what came back: a reply, or the error that stopped it."""

    question: str
    reply: Reply | None = None
    error: str | None = None
    html: str = ""

    @property
    def answered(self) -> bool:
        return self.reply is not None


def chat_messages(turns: list[Turn]) -> list[dict[str, str]]:
    """The chatbot value: a user and an assistant message for every turn (so message 2k+1 is turn k)."""
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": user_html(turn.question)})
        messages.append({"role": "assistant", "content": turn.html})
    return messages


def history_of(turns: list[Turn]) -> list[str]:
    """The earlier questions that follow-ups resolve against: this session's answered questions."""
    return [t.question for t in turns if t.answered]


def parse_history(history: str | list[str] | None) -> list[str]:
    """API history: a JSON list of strings, or one question per line."""
    if history is None:
        return []
    if isinstance(history, list):
        return [str(h) for h in history if str(h).strip()]
    text = history.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise QuestionError(f"history is not a valid JSON list: {exc}") from exc
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise QuestionError("history must be a JSON list of strings")
        return [i for i in items if i.strip()]
    return [line for line in text.splitlines() if line.strip()]


def export_markdown(turns: list[Turn], title: str = "TIP Assistant conversation") -> str:
    """The conversation as Markdown: each question, its answer and its numbered sources, quotes verbatim."""
    lines = [f"# {title}", "", f"Exported {_now()}. Answers quote the U.S. State Department's Trafficking in "
             "Persons report verbatim; [n] marks the numbered source.", ""]
    for number, turn in enumerate(turns, start=1):
        lines += [f"## {number}. {turn.question.strip() or '(empty question)'}", ""]
        if turn.reply is None:
            lines += [f"*Not answered: {turn.error}*", ""]
            continue
        if turn.reply.refused:
            lines += ["**⚠ The report does not say.**", ""]
        lines += [turn.reply.answer, ""]
        if turn.reply.citations:
            lines += ["Sources:", ""]
            for c in turn.reply.citations:
                lines.append(f"[{c.n}] {source_label(c)} (characters {c.start}–{c.end})")
                lines.append("")
                lines += [f"> {line}" if line else ">" for line in c.quote.split("\n")]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def feedback_record(turn: Turn, vote: str, comment: str = "") -> dict[str, Any]:
    """One JSON line of feedback: when, the question, the answer, its citations, the vote and a comment."""
    reply = turn.reply
    return {
        "timestamp": _now(),
        "question": turn.question,
        "answer": reply.answer if reply else turn.error,
        "citations": [c.to_dict() for c in reply.citations] if reply else [],
        "refused": reply.refused if reply else None,
        "vote": vote,
        "comment": comment.strip(),
    }


_feedback_lock = threading.Lock()


def append_feedback(path: Path, record: Mapping[str, Any]) -> None:
    """Append one JSON line to the feedback file (creating its folder); raises OSError if it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _feedback_lock, open(path, "a", encoding="utf-8") as out:
        out.write(line)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ChatService:
    """The app's behaviour, independent of the page: answering, streaming, export, feedback, the API."""

    def __init__(self, bot: Assistant, settings: Settings) -> None:
        self.bot = bot
        self.settings = settings
        self.feedback_path = feedback_file(settings)
        self._export_dir = Path(tempfile.mkdtemp(prefix="tip-assistant-exports-"))
        atexit.register(shutil.rmtree, self._export_dir, True)

    @property
    def documents(self) -> Mapping[str, Document]:
        return self.bot.index.documents

    def countries_filter(self, country: str | None) -> list[str] | None:
        """The ``countries`` argument for a filter value: None for "All", else that one country."""
        if not country or country.strip().lower() in {ALL_COUNTRIES.lower(), "all countries", "any"}:
            return None
        by_name = {c.lower(): c for c in self.bot.countries}
        # The dropdown shows "Kuwait (2022, 2023)"; its value, and the API's, is the country's name.
        name = by_name.get(country.strip().lower()) or by_name.get(re.sub(r"\s*\([\d, ]+\)$", "", country).lower())
        if name is None:
            raise UnknownCountryError(f"unknown country {country!r}; this index holds {', '.join(self.bot.countries)}")
        return [name]

    def ask(self, question: str, history: list[str], country: str | None) -> Reply:
        """One answer; raises a TipAssistantError for a question or filter that cannot be asked."""
        countries = self.countries_filter(country)
        # Assistant.ask is safe to call from several threads (Gradio runs events concurrently).
        reply = self.bot.ask(question, history=history, countries=countries)
        return dataclasses.replace(reply, hits=[])

    def answer_turn(self, question: str, turns: list[Turn], country: str | None) -> Turn:
        """A finished turn for ``question``: its reply, or the message of the error that stopped it."""
        question = question or ""
        try:
            reply = self.ask(question, history_of(turns), country)
        except TipAssistantError as exc:
            return Turn(question, error=str(exc), html=error_html(str(exc)))
        except Exception as exc:  # the page shows a short message; the log keeps the traceback
            log.exception("answering %r failed", question)
            message = f"Something went wrong while answering ({type(exc).__name__}). Please try again."
            return Turn(question, error=message, html=error_html(message))
        return Turn(question, reply=reply, html=reply_html(reply, self.documents))

    def generated_turn(self, question: str, turns: list[Turn], country: str | None,
                       shown: list[dict[str, str]]) -> Iterator[tuple | Turn]:
        """With a local model: chat updates while it writes, then the finished Turn (last)."""
        try:
            countries = self.countries_filter(country)
            text = ""
            for item in self.bot.ask_stream(question or "", history=history_of(turns), countries=countries):
                if isinstance(item, str):
                    text += item
                    draft = Reply(question, text, [], refused=False, answerer="llm")
                    partial = reply_html(draft, self.documents, final=False)
                    yield gr.skip(), [*shown, {"role": "assistant", "content": partial}], gr.skip(), gr.skip()
                else:
                    reply = dataclasses.replace(item, hits=[])
                    yield Turn(question, reply=reply, html=reply_html(reply, self.documents))
        except TipAssistantError as exc:
            yield Turn(question, error=str(exc), html=error_html(str(exc)))

    def respond(self, question: str, turns: list[Turn] | None, country: str | None) -> Iterator[tuple]:
        """Gradio handler: yields (textbox, chatbot, turns, export button), the answer growing in steps."""
        turns = list(turns or [])
        pending = {"role": "assistant", "content": '<span class="tip-pending">Searching the report…</span>'}
        shown = [*chat_messages(turns), {"role": "user", "content": user_html(question or "")}]
        yield "", [*shown, pending], gr.skip(), gr.skip()
        if self.bot.generative is not None:
            for update in self.generated_turn(question, turns, country, shown):
                if isinstance(update, Turn):
                    turns.append(update)
                else:
                    yield update
            yield gr.skip(), chat_messages(turns), turns, self.export_update(turns)
            return
        turn = self.answer_turn(question, turns, country)
        if turn.reply is not None:
            for prefix in stream_prefixes(turn.reply.answer)[:-1]:
                partial = reply_html(turn.reply, self.documents, answer=prefix, final=False)
                yield gr.skip(), [*shown, {"role": "assistant", "content": partial}], gr.skip(), gr.skip()
                time.sleep(STREAM_PAUSE_S)
        turns.append(turn)
        yield gr.skip(), chat_messages(turns), turns, self.export_update(turns)

    def export_file(self, turns: list[Turn]) -> Path:
        """Write the conversation's Markdown to a fresh file and return its path."""
        folder = self._export_dir / uuid.uuid4().hex[:12]
        folder.mkdir(parents=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        path = folder / f"tip-assistant-conversation-{stamp}.md"
        path.write_text(export_markdown(turns), encoding="utf-8")
        return path

    def export_update(self, turns: list[Turn]) -> Any:
        """The export button: a download of the conversation so far (disabled while it is empty)."""
        if not turns:
            return gr.update(value=None, interactive=False)
        return gr.update(value=str(self.export_file(turns)), interactive=True)

    def clear(self) -> tuple:
        """Gradio handler: an empty conversation for this session."""
        return [], [], self.export_update([]), "", ""

    def feedback(self, turns: list[Turn] | None, comment: str, data: gr.LikeData) -> tuple[str, str]:
        """Gradio handler for thumbs up/down on an answer: append a JSON line; returns (comment box, status).

        Message 2k+1 of the chat is turn k's answer (see ``chat_messages``); a withdrawn vote is recorded as
        "cleared".
        """
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turns = turns or []
        number = int(index) // 2
        if not 0 <= number < len(turns):
            return comment, "That message is no longer in this conversation."
        if data.liked is True:
            vote = "up"
        elif data.liked is False:
            vote = "down"
        elif not data.liked:  # clicking the same thumb again withdraws the vote
            vote = "cleared"
        else:
            vote = str(data.liked)
        try:
            append_feedback(self.feedback_path, feedback_record(turns[number], vote, comment or ""))
        except OSError as exc:
            return comment, f"Could not save feedback to {self.feedback_path}: {exc.strerror or exc}"
        if vote == "cleared":
            return "", f"Your vote on answer {number + 1} was withdrawn (noted in `{self.feedback_path}`)."
        words = {"up": "thumbs up", "down": "thumbs down"}.get(vote, f'"{vote}"')
        return "", f"Thanks: your {words} on answer {number + 1} was saved to `{self.feedback_path}`."

    def api_ask(self, question: str, history: str = "", country: str = ALL_COUNTRIES) -> dict:
        """Answer a question with cited excerpts.

        Args:
            question: the question about the report.
            history: earlier questions of the conversation, oldest first: a JSON list of strings or one per line.
            country: "All", or one country of the index to restrict the answer to.

        Returns:
            The reply as JSON: answer (with inline [n] markers), citations (verbatim quotes), refused, timings.
        """
        try:
            earlier = parse_history(history)
            reply = self.ask(question if isinstance(question, str) else "", earlier, country)
        except TipAssistantError as exc:
            raise gr.Error(str(exc)) from exc
        return reply.to_dict()

    def about_html(self) -> str:
        """The about panel: the index (folder, countries, chunks, model), settings and the feedback file."""
        manifest = self.bot.index.stored.manifest
        countries = self.bot.countries
        listing = ", ".join(countries) if len(countries) <= 12 else f"{', '.join(countries[:12])}, …"
        per_year: dict[int, int] = {}
        for years in self.bot.index.editions().values():
            for year in years:
                per_year[year] = per_year.get(year, 0) + 1
        editions = "; ".join(f"{y}: {n} countr{'y' if n == 1 else 'ies'}" for y, n in sorted(per_year.items()))
        rows = [
            ("Index", f"<code>{html.escape(str(self.bot.index.stored.index_dir))}</code>"),
            ("Countries", f"{len(countries)}: {html.escape(listing)}"),
            ("Editions", html.escape(editions or "year not stated")),
            ("Chunks", html.escape(str(manifest.get("chunks", len(self.bot.index.chunks))))),
            ("Model", html.escape(f"{manifest.get('model', '?')} ({manifest.get('dimension', '?')} dimensions)")),
            ("Built", html.escape(f"{manifest.get('created', '?')} by tip-assistant "
                                  f"{manifest.get('package_version', '?')}")),
            ("Retrieval", html.escape(f"{self.settings.search.retrieval}, top {self.settings.search.top_k}, "
                                      f"refusal threshold {self.bot.tools.threshold:.2f} (answer model)")),
            ("Feedback file", f"<code>{html.escape(str(self.feedback_path))}</code>"),
        ]
        items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        return (f'<div class="tip-about"><dl>{items}</dl><p>Everything runs on this machine: questions, answers '
                "and feedback never leave it.</p></div>")


def country_choices(bot: Assistant) -> list[tuple[str, str]]:
    """The country filter's choices as (label, value): the label names the editions held ("Kuwait (2022,
    2023)"), the value is the country."""
    editions = bot.index.editions()
    return [(f"{c} ({', '.join(map(str, editions[c]))})" if editions.get(c) else c, c) for c in bot.countries]


def build_app(bot: Assistant, settings: Settings) -> gr.Blocks:
    """The chat page for ``bot``. Launch it with ``launch()`` (which adds the theme and CSS)."""
    service = ChatService(bot, settings)
    suggested = example_questions(bot)
    with gr.Blocks(title="TIP Assistant", analytics_enabled=False) as app:
        app.service = service  # type: ignore[attr-defined]  # for tests and embedding
        turns = gr.State([])
        gr.HTML(
            '<div class="tip-header"><h1>TIP Assistant</h1><p>Ask about the U.S. State Department\'s Trafficking '
            "in Persons report. Every answer cites verbatim excerpts; open a source to read it in context.</p></div>"
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=420):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    elem_id="tip-chat",
                    height=600,
                    render_markdown=False,  # messages are HTML built here from escaped text
                    sanitize_html=True,
                    allow_tags=False,
                    latex_delimiters=[],
                    buttons=[],
                    feedback_options=("Like", "Dislike"),
                    placeholder=PLACEHOLDER,
                    autoscroll=True,
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        placeholder=f"Ask about the report, e.g. {(suggested or ['What tier is it on?'])[0]}",
                        show_label=False,
                        lines=1,
                        max_lines=4,
                        scale=6,
                        elem_id="tip-question",
                        autofocus=True,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="tip-send")
                with gr.Column(elem_classes=["tip-examples"]):
                    gr.HTML('<div class="tip-examples-label">Examples: click one to ask it</div>')
                    with gr.Row():
                        examples = [gr.Button(text, size="sm", variant="secondary", elem_classes=["tip-example"])
                                    for text in suggested]
            with gr.Column(scale=1, min_width=240):
                country = gr.Dropdown(
                    choices=[ALL_COUNTRIES, *country_choices(bot)],
                    value=ALL_COUNTRIES,
                    label="Country",
                    info="Restrict answers to one country",
                    elem_id="tip-country",
                )
                clear = gr.Button("Clear chat", variant="secondary", elem_id="tip-clear")
                export = gr.DownloadButton(
                    "Export (Markdown)", value=None, interactive=False, variant="secondary", elem_id="tip-export"
                )
                comment = gr.Textbox(
                    label="Feedback comment (optional)",
                    placeholder="Type a comment, then click thumbs up or down under an answer.",
                    lines=2,
                    elem_id="tip-comment",
                )
                status = gr.Markdown("", elem_id="tip-status")
        with gr.Accordion("About this index & settings", open=False, elem_id="tip-about"):
            gr.HTML(service.about_html())

        chat_outputs = [question, chatbot, turns, export]
        answer = {"fn": service.respond, "outputs": chat_outputs, "api_visibility": "private",
                  "show_progress": "hidden", "concurrency_limit": 8}
        question.submit(inputs=[question, turns, country], **answer)
        send.click(inputs=[question, turns, country], **answer)
        for button in examples:
            button.click(inputs=[button, turns, country], **answer)
        clear.click(service.clear, outputs=[chatbot, turns, export, comment, status], api_visibility="private")
        chatbot.clear(service.clear, outputs=[chatbot, turns, export, comment, status], api_visibility="private")
        chatbot.like(service.feedback, inputs=[turns, comment], outputs=[comment, status], api_visibility="private")
        gr.api(service.api_ask, api_name="ask")
    return app


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
           prevent_thread_lock: bool = True) -> str:
    """Start serving ``app`` locally (no share link, no SSR node server); returns the local URL."""
    app.queue(default_concurrency_limit=8)
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        prevent_thread_lock=prevent_thread_lock,
        quiet=True,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        enable_monitoring=False,
        footer_links=["api", "settings"],
        theme=theme(),
        css=CSS,
    )
    return app.local_url or f"http://{host}:{port}/"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"user:password"`` as a (user, password) pair; None when unset."""
    if value is None or value == "":
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ConfigError('auth must be "USER:PASSWORD" with a non-empty user and password '
                             "(--auth or TIP_ASSISTANT_AUTH)")
    return user.strip(), password


def serve(settings: Settings, allow_remote: bool = False) -> int:
    """Load the assistant, then serve the chat until interrupted. Returns the process exit code."""
    host = settings.web.host or "127.0.0.1"
    if not is_loopback(host) and not allow_remote:
        print(f"error: refusing to serve on {host}, which other machines can reach; pass --allow-remote to do "
              "that on purpose (and consider --auth), or use the default 127.0.0.1", file=sys.stderr)
        return EXIT_USAGE
    try:
        auth = parse_auth(settings.web.auth)
    except TipAssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print("Loading the index and the embedding model (the default index is built on first run)…",
          file=sys.stderr, flush=True)
    try:
        bot = Assistant.load(settings=settings)
        bot.ask(WARM_UP_QUESTION)
    except (TipAssistantError, OSError) as exc:
        print(f"error: cannot load the index: {exc}", file=sys.stderr)
        return EXIT_ERROR
    app = build_app(bot, settings)
    if not is_loopback(host):
        print(f"warning: serving on {host}: anyone who can reach this machine on port {settings.web.port} can use the "
              f"assistant{'' if auth else ' (no login: consider --auth)'}; traffic is not encrypted.",
              file=sys.stderr, flush=True)
    try:
        url = launch(app, host, settings.web.port, auth)
    except OSError as exc:
        print(f"error: cannot serve on {host}:{settings.web.port}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"TIP Assistant is running at {url} ({len(bot.countries)} countr{'y' if len(bot.countries) == 1 else 'ies'}"
          f"; feedback goes to {feedback_file(settings)}). Press Ctrl+C to stop.", flush=True)
    try:
        app.block_thread()
    finally:
        app.close()
    return EXIT_OK
