"""One settings object in documented groups: defaults, environment, overrides, every name unique and described."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import SettingsError
from index.settings import GROUPS, Settings, describe


def test_defaults_by_group() -> None:
    settings = Settings.load(env={})
    assert settings.search.top_k == 8 and settings.search.retrieval == "hybrid"
    assert settings.answering.refusal_threshold is None and settings.answering.max_citations == 4
    assert settings.indexing.chunker == "sentence" and settings.web.host == "127.0.0.1"


def test_environment_then_overrides_by_name_or_group() -> None:
    env = {"TIP_ASSISTANT_TOP_K": "12", "TIP_ASSISTANT_COUNTRY_ROUTING": "no", "TIP_ASSISTANT_INDEX_DIR": "/tmp/x"}
    settings = Settings.load({"answering.max_citations": 2, "top_k": None}, env=env)
    assert settings.search.top_k == 12 and settings.search.country_routing is False
    assert settings.indexing.index_dir == Path("/tmp/x") and settings.answering.max_citations == 2
    assert Settings.load({"search.top_k": 3}, env=env).search.top_k == 3
    assert settings.replace(top_k=5).search.top_k == 5 and settings.get("top_k") == 12


@pytest.mark.parametrize(("overrides", "env", "message"), [
    ({"topk": 3}, {}, "unknown setting 'topk'"),
    ({}, {"TIP_ASSISTANT_TOPK": "3"}, "unknown setting TIP_ASSISTANT_TOPK"),
    ({"retrieval": "magic"}, {}, "is not one of hybrid, bm25, dense"),
    ({"top_k": 0}, {}, "must be at least 1"),
    ({"chunk_size": 10, "chunk_overlap": 10}, {}, "must be >= 0 and below chunk_size"),
    ({"port": "eighty"}, {}, "not a valid int"),
])
def test_bad_settings_are_named(overrides: dict, env: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.load(overrides, env=env)


def test_every_setting_is_unique_and_described() -> None:
    rows = list(describe())
    names = [name for _, name, _, _ in rows]
    assert len(names) == len(set(names)) and {group for group, *_ in rows} == set(GROUPS)
    assert all(len(help_text) > 10 for *_, help_text in rows)
    assert set(Settings.load(env={}).to_dict()) == set(names)


def test_settings_command_lists_every_setting(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.cli import main

    monkeypatch.setenv("TIP_ASSISTANT_TOP_K", "11")
    assert main(["settings"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(list(describe()))
    assert any(line.split()[:3] == ["search", "top_k", "11"] for line in lines)
    assert main(["settings", "--markdown"]) == 0
    assert "| answering | `refusal_threshold` |" in capsys.readouterr().out


def test_readme_configuration_table_is_the_settings_command_output(capsys: pytest.CaptureFixture) -> None:
    """The README's table is pasted from `tip-assistant settings --markdown`: it must not drift from the code."""
    from pathlib import Path

    from assistant.cli import main

    assert main(["settings", "--markdown"]) == 0
    table = capsys.readouterr().out.strip()
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert table in readme
