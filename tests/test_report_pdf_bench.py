"""The report-PDF benchmark at a small size: it prints, parses and indexes a report and reports its figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("reportlab")
pytestmark = pytest.mark.slow


def test_small_report_pdf_benchmark(tmp_path: Path, factbook_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import report_pdf

    monkeypatch.setenv("TIP_FACTBOOK_DIR", str(factbook_dir))
    out = tmp_path / "results.json"
    assert report_pdf.main(["--narratives", "12", "--words", "15000", "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    parse = result["parse"]
    assert parse["narratives_found"] == parse["narratives_expected"] == 12 and parse["all_narratives_exact"]
    assert parse["chunks_with_page_furniture"] == 0
    # A closed compound split where its parts meet ("brick-|making") that the text never spells elsewhere can
    # keep its hyphen: at most 1%, and each is listed.
    assert parse["split_words"] > 20 and parse["split_words_rejoined"] >= 0.99 * parse["split_words"]
    assert len(parse["split_words_left_hyphenated"]) == parse["split_words"] - parse["split_words_rejoined"]
    assert parse["sentences_checked"] > 100 and parse["sentences_on_printed_page"] == parse["sentences_checked"]
    assert parse["report_text_documents"] == 2  # the introduction and tables, the glossary
    assert parse["pages"] > 5 and parse["parse_s"] > 0
    (build,) = result["build"]
    assert build["model"] == "hashing-256" and build["documents"] == 14 and build["chunks"] == parse["chunks"]
