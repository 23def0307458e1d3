"""The running web server under bounded concurrent load, and its exposure settings (auth, loopback)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.load import check_loopback, run_load
from tests.servers import Server, cli, running_server

pytestmark = [pytest.mark.slow, pytest.mark.model]
gradio_client = pytest.importorskip("gradio_client")

COUNTRIES = ["Mozambique", "Haiti", "Malaysia", "Cambodia", "Vietnam", "Russia", "Cuba", "Serbia"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_index_dir: Path) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("load"), corpus_index_dir) as server:
        yield server


def test_twenty_sessions_of_ten_questions(server: Server) -> None:
    result = run_load(server.url, COUNTRIES, sessions=20, questions=10, timeout=900)
    summary = result.summary()
    print("\nload test:", json.dumps(summary))  # the README quotes these figures
    assert result.errors == []
    assert result.leaks == []
    assert summary["requests"] == 200 and len(result.latencies) == 200
    assert server.process.poll() is None


def test_load_tool_refuses_non_loopback_targets() -> None:
    for url in ("http://10.0.0.1:7860/", "http://192.168.1.2/", "http://example.org/"):
        with pytest.raises(ValueError, match="loopback"):
            check_loopback(url)
    check_loopback("http://127.0.0.1:7860/")
    check_loopback("http://localhost:7860/")


def test_basic_auth(tmp_path: Path, seed_index_dir: Path) -> None:
    with running_server(tmp_path, seed_index_dir, env_extra={"TIP_ASSISTANT_AUTH": "analyst:s3cret"}) as server:
        client = gradio_client.Client(server.url, verbose=False, auth=("analyst", "s3cret"))
        reply = client.predict("What tier is Lithuania on?", "[]", "All", api_name="/ask")
        assert "Tier 1" in reply["answer"]
        with pytest.raises(Exception, match=r"(?i)auth|login|credentials|401|403"):
            gradio_client.Client(server.url, verbose=False, auth=("analyst", "wrong"))


def test_binding_beyond_loopback_needs_a_flag(seed_index_dir: Path) -> None:
    result = subprocess.run([*cli(), "serve", "--index", str(seed_index_dir), "--host", "0.0.0.0", "--port", "1"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--allow-remote" in result.stderr


def test_server_serves_no_file_outside_its_own(server: Server) -> None:
    import urllib.error
    import urllib.request

    secret_paths = ["/etc/passwd", "/proc/self/environ", str(Path(__file__).resolve())]
    for path in secret_paths:
        for route in (f"gradio_api/file={path}", f"file={path}", f"gradio_api/file/{path.lstrip('/')}",
                      f"static/..%2F..%2F..%2F..{path}"):
            try:
                with urllib.request.urlopen(server.url + route, timeout=30) as response:
                    body = response.read(4096)
            except urllib.error.HTTPError as exc:
                assert exc.code in (400, 403, 404, 405), (route, exc.code)
                continue
            assert b"root:" not in body and b"PATH=" not in body and b"secret_paths" not in body, route
