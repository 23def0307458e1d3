"""Start and stop a real `tip-assistant serve` process on a free loopback port, for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# Generous: the machine can be slow and busy. An upper bound for waiting, never a timed assertion.
START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli() -> list[str]:
    script = Path(sys.executable).with_name("tip-assistant")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


@dataclass
class Server:
    """A running `tip-assistant serve` process and where it writes."""

    process: subprocess.Popen
    url: str
    feedback: Path
    log: Path


def wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"the server did not answer at {url} within {START_TIMEOUT_S}s:\n{log.read_text(errors='replace')}")


@contextmanager
def running_server(root: Path, index_dir: Path, extra: list[str] | None = None,
                   env_extra: dict[str, str] | None = None) -> Iterator[Server]:
    """`tip-assistant serve` on a free port for ``index_dir``; always stopped on exit."""
    port = free_port()
    feedback = root / "feedback.jsonl"
    log = root / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIP_ASSISTANT_")}
    env.update(TIP_ASSISTANT_HOME=str(root / "home"), PYTHONUNBUFFERED="1", GRADIO_ANALYTICS_ENABLED="False")
    # A fresh home, sharing the ONNX export cache (exporting again would only cost start-up time).
    from index.settings import data_home

    (root / "home").mkdir(parents=True, exist_ok=True)
    if (data_home() / "models").is_dir() and not (root / "home" / "models").exists():
        (root / "home" / "models").symlink_to(data_home() / "models", target_is_directory=True)
    # The server runs this checkout's code, even where the installed package points at another one.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(env_extra or {})
    command = [*cli(), "serve", "--port", str(port), "--index", str(index_dir), "--feedback", str(feedback),
               *(extra or [])]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(process, url, log)
        yield Server(process, url, feedback, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
