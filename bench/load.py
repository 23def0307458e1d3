"""A bounded load test of the running web chat through Gradio's API, on loopback only.

Each simulated session asks a tier question about its own country, then follow-ups that depend on that
history; a reply citing another session's country would mean state leaked between sessions.

    python -m bench.load --url http://127.0.0.1:7860/ --sessions 20 --questions 10
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

FOLLOW_UPS = (
    "Who is most at risk there?",
    "What forms of exploitation does the report describe there?",
    "Which sectors are affected there?",
    "What did the government do there?",
    "Are children exploited there?",
    "What are the main shortcomings there?",
    "Does it have a national action plan?",
    "Who are the traffickers there?",
    "Are foreign workers exploited there?",
)


@dataclass
class LoadResult:
    """Latencies (ms) of every request, errors, and replies that cited a country other than the session's."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")

        return {"requests": len(self.latencies) + len(self.errors), "errors": len(self.errors),
                "leaks": len(self.leaks), "p50_ms": pct(50), "p95_ms": pct(95),
                "mean_ms": statistics.fmean(ordered) if ordered else float("nan"),
                "seconds": self.seconds,
                "throughput_rps": len(self.latencies) / self.seconds if self.seconds else float("nan")}


def check_loopback(url: str) -> None:
    """Refuse any target that is not this machine."""
    host = urlparse(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"load tests only target loopback addresses, not {host!r}")


def run_load(url: str, countries: list[str], sessions: int = 20, questions: int = 10,
             timeout: float = 600.0, auth: tuple[str, str] | None = None) -> LoadResult:
    """``sessions`` concurrent clients × ``questions`` questions each; stops by itself after ``timeout``."""
    from gradio_client import Client

    check_loopback(url)
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + timeout

    def session(number: int) -> None:
        country = countries[number % len(countries)]
        client = Client(url, verbose=False, auth=auth)
        history: list[str] = []
        asked = [f"What tier is {country} on?", *FOLLOW_UPS][:questions]
        for question in asked:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            try:
                reply = client.predict(question, json.dumps(history), "All", api_name="/ask")
            except Exception as exc:  # any client failure is a load-test error to report
                with lock:
                    result.errors.append(f"session {number}: {exc.__class__.__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            cited = {c["country"] for c in reply.get("citations", [])}
            with lock:
                result.latencies.append(elapsed)
                if cited - {country}:
                    result.leaks.append(f"session {number} ({country}) got {sorted(cited)} for {question!r}")
            history.append(question)

    threads = [threading.Thread(target=session, args=(n,), daemon=True) for n in range(sessions)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 5)
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--countries", default="Mozambique,Haiti,Malaysia,Cambodia,Vietnam,Russia,Cuba,Serbia",
                        help="comma list; sessions take them in turn")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    result = run_load(args.url, args.countries.split(","), args.sessions, args.questions, args.timeout)
    summary = result.summary()
    print(json.dumps(summary, indent=2))
    for line in (result.errors + result.leaks)[:10]:
        print(line, file=sys.stderr)
    return 0 if not result.errors and not result.leaks else 1


if __name__ == "__main__":
    sys.exit(main())
