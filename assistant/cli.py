"""The `tip-assistant` command: index, search, ask, chat, serve, eval, bench.

Heavy libraries (torch, faiss, gradio) are imported inside the handlers so that `--help` and
argument errors return at once. Every expected failure becomes a one-line message and an exit code:
0 success, 1 error, 2 bad usage, 3 index built but some files were skipped, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from index.errors import EXIT_ERROR, EXIT_USAGE, TipAssistantError

EXIT_OK, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 3, 130


class CliError(TipAssistantError):
    """A bad combination of command-line arguments, or a CLI-level failure, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = code


def _add_settings_flags(parser: argparse.ArgumentParser, retrieval: bool = True) -> None:
    parser.add_argument("--index", dest="index_dir", metavar="DIR",
                        help="index directory (default: the bundled report's)")
    parser.add_argument("--model", help="sentence-transformers model name or path (default: all-MiniLM-L6-v2)")
    parser.add_argument("--embed-backend", dest="embed_backend", choices=["onnx", "openvino", "torch"],
                        help="what runs the embedding model: onnx (ONNX Runtime, exported once), openvino (the "
                             "same export in bf16, needs openvino) or torch (default: onnx)")
    if retrieval:
        parser.add_argument("--retrieval", choices=["hybrid", "bm25", "dense"], help="retriever (default: hybrid)")
        parser.add_argument("--top-k", type=int, dest="top_k", metavar="N", help="passages retrieved per question")


def _add_llm_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm-url", dest="llm_url", metavar="URL",
                        help="OpenAI-compatible local server for generative answers, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--llm-model", dest="llm_model", metavar="NAME", help="model name to ask the server for")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tip-assistant",
        description="Offline answers about the Trafficking in Persons report, with cited verbatim excerpts.",
        epilog="Settings can also come from TIP_ASSISTANT_<NAME> environment variables (e.g. TIP_ASSISTANT_TOP_K=10).",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    index = commands.add_parser("index", help="build or describe an index")
    index_commands = index.add_subparsers(dest="index_command", metavar="ACTION")
    build = index_commands.add_parser("build", help="parse, chunk and embed report files into an index")
    build.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="files or folders (.txt .md .html .pdf); none: the bundled report")
    _add_settings_flags(build, retrieval=False)
    build.add_argument("--chunker", choices=["sentence", "fixed"], help="chunking strategy (default: sentence)")
    build.add_argument("--chunk-size", type=int, dest="chunk_size", metavar="WORDS")
    build.add_argument("--chunk-overlap", type=int, dest="chunk_overlap", metavar="WORDS")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    info = index_commands.add_parser("info", help="describe an index (its manifest)")
    info.add_argument("--index", dest="index_dir", metavar="DIR")
    info.add_argument("--model")
    info.add_argument("--json", action="store_true")

    search = commands.add_parser("search", help="retrieve passages for a query")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=5, help="number of hits (default 5)")
    search.add_argument("--country", action="append", help="only this country (repeatable)")
    search.add_argument("--year", action="append", type=int, metavar="YEAR",
                        help="only this edition of the report (repeatable)")
    search.add_argument("--json", action="store_true", help="JSON lines output")
    _add_settings_flags(search)

    ask = commands.add_parser("ask", help="answer a question with cited excerpts")
    ask.add_argument("question", nargs="?", help='the question; "-" reads it from standard input')
    ask.add_argument("--history", action="append", default=[], metavar="EARLIER_QUESTION",
                     help="an earlier question of the conversation (repeatable, oldest first)")
    ask.add_argument("--batch", type=Path, metavar="FILE",
                     help='JSONL file of {"question": ..., "history": [...], "id": ...}; "-" reads stdin')
    ask.add_argument("--country", action="append", help="only this country (repeatable)")
    ask.add_argument("--json", action="store_true", help="print the reply as JSON")
    ask.add_argument("--refusal-threshold", type=float, dest="refusal_threshold")
    _add_settings_flags(ask)
    _add_llm_flags(ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal")
    _add_settings_flags(chat)
    _add_llm_flags(chat)

    serve = commands.add_parser("serve", help="start the web chat")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 7860)")
    serve.add_argument("--allow-remote", action="store_true",
                       help="required to bind an address other than loopback")
    serve.add_argument("--auth", metavar="USER:PASSWORD", help="require basic login (or TIP_ASSISTANT_AUTH)")
    serve.add_argument("--feedback", dest="feedback_path", type=Path, metavar="FILE",
                       help="where thumbs up/down are appended (JSONL)")
    _add_settings_flags(serve)
    _add_llm_flags(serve)

    evaluate = commands.add_parser("eval", help="score answers against a gold set")
    evaluate.add_argument("--gold", type=Path, action="append", metavar="FILE",
                          help="gold JSONL file (repeatable)")
    evaluate.add_argument("--corpus", type=Path, action="append", metavar="PATH",
                          help="build temporary indexes from these paths (repeatable)")
    evaluate.add_argument("--config", action="append", metavar="NAME",
                          help="named configuration(s) side by side (default: hybrid+routing, what ships); "
                               "'all' runs every one")
    evaluate.add_argument("--out", type=Path, metavar="DIR", help="write table.md, results.json and chart.png here")
    evaluate.add_argument("--json", action="store_true", help="print metrics as JSON")
    evaluate.add_argument("--quiet", action="store_true", help="no progress bar")
    evaluate.add_argument("--fit", action="append", metavar="GOLD=CORPUS[,CORPUS]",
                          help="fit the answer model on dev gold sets, each with its corpus (repeatable); "
                               "writes --model-out")
    evaluate.add_argument("--model-out", type=Path, metavar="FILE",
                          help="where --fit writes the answer model (default: the bundled one)")
    _add_llm_flags(evaluate)
    _add_settings_flags(evaluate)

    config = commands.add_parser("settings", help="show every setting: its group, value and what it does")
    config.add_argument("--markdown", action="store_true", help="a Markdown table of the defaults (the README's)")
    config.add_argument("--json", action="store_true", help="the current values as JSON")

    bench = commands.add_parser("bench", help="benchmark build, search and ask at several corpus sizes")
    bench.add_argument("--sizes", default="seed,factbook,full", help="comma list of seed, factbook, full, full10x")
    bench.add_argument("--backends", default=None,
                       help="comma list of embedding backends to measure: torch, onnx, openvino (torch is the "
                            "reference; default: torch,onnx, and openvino where it is installed)")
    bench.add_argument("--out", type=Path, default=None, metavar="FILE", help="write the JSON results here")
    bench.add_argument("--queries", type=int, default=40, help="timed queries per corpus")
    return parser


def _settings(args: argparse.Namespace, **extra: Any):
    from index.settings import Settings

    keys = ("index_dir", "model", "embed_backend", "retrieval", "top_k", "chunker", "chunk_size", "chunk_overlap",
            "refusal_threshold", "host", "port", "auth", "feedback_path", "llm_url", "llm_model")
    overrides = {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}
    overrides.update({k: v for k, v in extra.items() if v is not None})
    return Settings.load(overrides)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from index.store import package_version

        print(package_version())
        return EXIT_OK
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    try:
        code = _run(args, parser)
        sys.stdout.flush()  # inside the try: a reader that went away is noticed here, not at exit
        return code
    except BrokenPipeError:
        return _reader_gone()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except TipAssistantError as exc:  # every expected failure; anything else is a bug and keeps its traceback
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the file system refused (permission denied, disk full): the user can fix it
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _reader_gone() -> int:
    """The reader of standard output closed it (``| head -1``): stop quietly, as standard tools do."""
    # Python flushes stdout again at exit; pointing it at /dev/null keeps that flush from failing too.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_OK


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    command = args.command
    if command == "index":
        if args.index_command == "build":
            return cmd_index_build(args)
        if args.index_command == "info":
            return cmd_index_info(args)
        parser.parse_args(["index", "--help"])
        return EXIT_USAGE
    handlers = {"search": cmd_search, "ask": cmd_ask, "chat": cmd_chat, "serve": cmd_serve, "eval": cmd_eval,
                "bench": cmd_bench, "settings": cmd_settings}
    return handlers[command](args)


def _progress_bar(total_label: str, enabled: bool):
    """A callback(done, total) drawing a bar of texts embedded, with texts/s and the time left."""
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    # The build spreads text lengths evenly over its calls: the mean rate since the start predicts the rest.
    bar = tqdm(total=0, unit=" texts", desc=total_label, file=sys.stderr, leave=False, smoothing=0,
               dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.reset(total=total)  # the clock starts with the first batch, not at parse time
        bar.update(done - bar.n)

    return update, bar.close


def cmd_index_build(args: argparse.Namespace) -> int:
    from assistant.paths import bundled_corpus, default_index_dir
    from index.store import build_index

    settings = _settings(args)
    paths = args.paths or [bundled_corpus()]
    for path in paths:
        if not path.exists():
            raise CliError(f"no such file or folder: {path}")
    index_dir = default_index_dir(settings)
    progress, close = _progress_bar("embedding", not args.quiet)
    try:
        report = build_index(paths, index_dir, settings, progress=progress)
    finally:
        close()
    for path, reason in report.ignored:
        print(f"ignored {path}: {reason}", file=sys.stderr)
    for path, reason in report.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    print(
        f"indexed {report.documents} narrative(s), {report.chunks} chunks into {index_dir} in {report.seconds:.1f}s "
        f"({report.embedded_documents} embedded, {report.reused_documents} unchanged)"
        + (f"; {len(report.skipped)} file(s) skipped" if report.skipped else "")
    )
    return EXIT_PARTIAL if report.skipped else EXIT_OK


def cmd_index_info(args: argparse.Namespace) -> int:
    from assistant.paths import default_index_dir
    from index.store import read_manifest

    index_dir = default_index_dir(_settings(args))
    manifest = read_manifest(index_dir)
    editions, years, report_text = describe_documents(manifest["documents"])
    if args.json:
        print(json.dumps({"index_dir": str(index_dir), **manifest, "editions": editions}, indent=2,
                         ensure_ascii=False))
        return EXIT_OK
    narratives = sum(years.values())
    print(f"index      {index_dir}")
    print(f"built      {manifest['created']} by tip-assistant {manifest['package_version']}")
    from index.store import index_backends

    print(f"model      {manifest['model']} ({manifest['dimension']} dims, FAISS {manifest['faiss']}; "
          f"embedded by {', '.join(index_backends(manifest))})")
    print(f"chunking   {manifest['chunking']}")
    print(f"corpus     {narratives} narratives of {len(editions)} countries, {manifest['chunks']} chunks, "
          f"fingerprint {manifest['corpus_fingerprint'][:12]}")
    print("editions   " + ("; ".join(f"{year}: {count} narrative{'s' if count != 1 else ''}"
                                     for year, count in sorted(years.items(), key=lambda i: str(i[0])))))
    if report_text:
        print(f"report     {report_text} document(s) of report text without a country (introduction, "
              "topic chapters, tables)")
    print("countries  " + ", ".join(f"{c} ({', '.join(map(str, ys))})" if ys else c for c, ys in editions.items()))
    return EXIT_OK


def describe_documents(entries: list[dict]) -> tuple[dict[str, list[int]], dict[Any, int], int]:
    """From a manifest's document entries: each country's editions, narratives per year ("unknown" for none),
    and how many documents are report text without a country."""
    editions: dict[str, set[int]] = {}
    years: dict[Any, int] = {}
    report_text = 0
    for entry in entries:
        country, year = entry.get("country"), entry.get("year")
        if country is None:
            report_text += 1
            continue
        held = editions.setdefault(country, set())
        if year is not None:
            held.add(year)
        years[year if year is not None else "unknown"] = years.get(year if year is not None else "unknown", 0) + 1
    return {c: sorted(editions[c]) for c in sorted(editions)}, years, report_text


def _assistant(args: argparse.Namespace, **extra: Any):
    from assistant.core import Assistant

    settings = _settings(args, **extra)
    return Assistant.load(settings=settings)


def cmd_search(args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise CliError("the query is empty", EXIT_USAGE)
    if args.k < 1:
        raise CliError("--k must be at least 1", EXIT_USAGE)
    bot = _assistant(args)
    hits = bot.index.search(args.query, k=args.k, countries=args.country, years=args.year)
    if args.json:
        for hit in hits:
            print(json.dumps(hit.to_dict(), ensure_ascii=False))
        return EXIT_OK
    if not hits:
        print("no passages found")
    for hit in hits:
        chunk = hit.chunk
        where = [f"{chunk.country or bot.index.documents[chunk.document].label}"
                 + (f" {chunk.year}" if chunk.year else "")]
        where += [chunk.tier or "no tier"] if chunk.country else []
        where += [chunk.section] + ([f"p. {chunk.page}"] if chunk.page else [])
        print(f"#{hit.rank}  {' · '.join(where)}  "
              f"[{chunk.start}:{chunk.end}] score {hit.score:.4f} ({'+'.join(hit.retrievers)})")
        print(f"    {chunk.text}\n")
    return EXIT_OK


def format_reply(reply) -> str:
    """A reply as terminal text: the answer, then its numbered sources."""
    lines = [reply.answer]
    lines += [f"note: {note}" for note in reply.notes]
    if reply.citations:
        lines.append("")
        lines.append("Sources:")
        for c in reply.citations:
            lines.append(f"[{c.n}] {c.label} (chars {c.start}–{c.end})")
            lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    if args.batch is None and args.question is None:
        raise CliError("give a QUESTION or --batch FILE", EXIT_USAGE)
    if args.batch is not None and args.question is not None:
        raise CliError("give either a QUESTION or --batch FILE, not both", EXIT_USAGE)
    if args.question == "-":
        # Bytes that are not UTF-8 become U+FFFD rather than an exception.
        args.question = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    if args.question is not None:
        from assistant.question import clean

        clean(args.question, 10**9)  # an empty question fails before the model loads
    bot = _assistant(args)
    if args.batch is not None:
        return _ask_batch(bot, args.batch, args.country)
    reply = bot.ask(args.question, history=args.history, countries=args.country)
    print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2) if args.json else format_reply(reply))
    return EXIT_OK


def _ask_batch(bot, path: Path, countries: list[str] | None) -> int:
    from index.errors import QuestionError

    if str(path) == "-":
        lines = sys.stdin.buffer.read().decode("utf-8", errors="replace").splitlines()
    else:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise CliError(f"cannot read batch file {path}: {exc.strerror or exc}") from exc
    failures = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item_id = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise QuestionError('each line must be an object with a "question" string')
            item_id = item.get("id")
            history = item.get("history") or []
            if not isinstance(history, list):
                raise QuestionError('"history" must be a list of strings')
            reply = bot.ask(item["question"], history=[str(h) for h in history], countries=countries)
            out = reply.to_dict()
        except (json.JSONDecodeError, TipAssistantError) as exc:
            failures += 1
            out = {"error": f"line {number}: {exc}"}
        if item_id is not None:
            out = {"id": item_id, **out}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return EXIT_ERROR if failures else EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    from index.errors import QuestionError

    bot = _assistant(args)
    print(f"TIP Assistant — {len(bot.countries)} countr{'y' if len(bot.countries) == 1 else 'ies'} loaded. "
          "Ask a question; /clear starts over, /quit leaves.")
    history: list[str] = []
    while True:
        try:
            question = input("\n> ")
        except EOFError:
            print()
            return EXIT_OK
        command = question.strip().lower()
        if command in {"/quit", "/exit", "quit", "exit"}:
            return EXIT_OK
        if command == "/clear":
            history = []
            print("(conversation cleared)")
            continue
        try:
            reply = bot.ask(question, history=history)
        except QuestionError as exc:
            print(f"({exc})")
            continue
        print(format_reply(reply))
        history.append(question)


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.web import serve

    return serve(_settings(args), allow_remote=args.allow_remote)


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.run import run_cli

    return run_cli(args, _settings(args))


def cmd_settings(args: argparse.Namespace) -> int:
    """Every setting with its group, current value (defaults, then environment) and description."""
    from index.settings import ENV_PREFIX, describe

    current = _settings(args).to_dict()
    if args.json:
        print(json.dumps(current, indent=2))
        return EXIT_OK
    if args.markdown:
        print("| Group | Setting (`TIP_ASSISTANT_…`) | Default | What it does |\n|---|---|---|---|")
        for group, name, default, help_text in describe():
            shown = "none" if default is None else f"`{default}`"
            print(f"| {group} | `{name}` | {shown} | {help_text} |")
        return EXIT_OK
    for group, name, _, help_text in describe():
        print(f"{group:10} {name:20} {current[name]!s:24} {help_text}  [{ENV_PREFIX}{name.upper()}]")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from bench.run import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
