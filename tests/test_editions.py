"""Several editions of the report in one index: years from the documents, unique ids per country and edition,
the year and latest-edition filters, the editions each country has, and how the CLI and web chat show them.

Two report-like PDFs are printed at test time (``bench/pdfgen.py``): a 2023 edition and a 2022 edition in
which Kuwait is on Tier 3. Neither file name says its year; the cover and running heads do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.core import Assistant
from assistant.records import Citation
from bench.pdfgen import narrative_from, write_report
from index.errors import UnknownCountryError
from index.parse import load_paths
from index.records import BACK_MATTER, FRONT_MATTER
from index.search import TipIndex
from index.settings import Settings
from index.store import build_index

pytest.importorskip("reportlab")

SETTINGS = {"model": "hashing-64"}


def _edition(folder: Path, year: int, layout: list[tuple[str, str, str]], factbook_dir: Path, seed_path: Path) -> Path:
    specs = []
    for source, tier, style in layout:
        path = seed_path if source == "lithuania" else factbook_dir / f"{source}.txt"
        doc = load_paths([path]).documents[0]
        specs.append(narrative_from(doc, tier=tier, style=style))
    folder.mkdir(parents=True, exist_ok=True)
    return write_report(folder / "tip-report.pdf", specs, year=year).path


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, seed_path: Path, factbook_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("editions")
    latest = _edition(root / "latest", 2023, [("lithuania", "Tier 1", "upper-colon"),
                                              ("kuwait", "Tier 2 Watch List", "paren"),
                                              ("haiti", "Tier 2 Watch List", "colon")], factbook_dir, seed_path)
    older = _edition(root / "older", 2022, [("kuwait", "Tier 3", "upper-paren"),
                                            ("haiti", "Tier 2 Watch List", "upper-colon")], factbook_dir, seed_path)
    build_index([latest, older], root / "index", Settings.load(SETTINGS, env={}))
    return root / "index"


@pytest.fixture(scope="module")
def index(index_dir: Path) -> TipIndex:
    return TipIndex.load(index_dir, Settings.load(SETTINGS, env={}))


def test_each_edition_is_a_document_of_its_own(index: TipIndex) -> None:
    assert index.years == [2022, 2023]
    assert index.editions() == {"Haiti": [2022, 2023], "Kuwait": [2022, 2023], "Lithuania": [2023]}
    ids = set(index.documents)
    assert {"kuwait-2022", "kuwait-2023", "haiti-2022", "haiti-2023", "lithuania-2023"} <= ids
    report_text = [(d.kind, d.year) for d in index.documents.values() if d.country is None]
    # The same glossary in both editions is each edition's own document.
    assert sorted(report_text) == [(BACK_MATTER, 2022), (BACK_MATTER, 2023), (FRONT_MATTER, 2022),
                                   (FRONT_MATTER, 2023)]


def test_a_country_by_edition(index: TipIndex) -> None:
    history = [(d.year, d.tier) for d in index.documents_for("Kuwait")]
    assert history == [(2022, "Tier 3"), (2023, "Tier 2 Watch List")]
    assert index.document_for("kuwait", 2022).doc_id == "kuwait-2022"
    assert index.document_for("Kuwait").year == 2023  # no year: the latest edition
    assert index.document_for("Kuwait", 2019) is None
    assert [d.year for d in index.documents_for("Kuwait", years=[2023])] == [2023]
    with pytest.raises(UnknownCountryError):
        index.documents_for("Narnia")


def test_year_filter_and_latest_filter(index: TipIndex) -> None:
    query = "Kuwait migrant workers forced labor"
    older = index.search(query, k=10, years=[2022], retrieval="bm25")
    assert older and {h.chunk.year for h in older} == {2022}
    kuwait_2023 = index.search(query, k=10, countries=["Kuwait"], years=[2023], retrieval="bm25")
    assert kuwait_2023 and {h.chunk.document for h in kuwait_2023} == {"kuwait-2023"}
    assert index.search(query, k=10, years=[2019], retrieval="bm25") == []
    both = index.search(query, k=20, countries=["Kuwait"], retrieval="bm25")
    assert {h.chunk.year for h in both} == {2022, 2023}
    latest = index.search(query, k=20, latest=True, retrieval="bm25")
    assert latest and {h.chunk.year for h in latest} == {2023}
    assert set(index.latest_documents()) >= {"kuwait-2023", "haiti-2023", "lithuania-2023"}
    assert not {"kuwait-2022", "haiti-2022"} & set(index.latest_documents())


def test_tier_question_cites_the_latest_edition_with_its_page(index: TipIndex) -> None:
    bot = Assistant(index, Settings.load(SETTINGS, env={}))
    reply = bot.ask("What tier is Kuwait on?")
    assert reply.citations and reply.citations[0].document == "kuwait-2023"
    citation = reply.citations[0]
    assert citation.year == 2023 and citation.page is not None
    assert index.documents[citation.document].page_at(citation.start) == citation.page


def test_index_info_lists_editions(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "info", "--index", str(index_dir), "--model", "hashing-64"]) == 0
    out = capsys.readouterr().out
    assert "editions   2022: 2 narratives; 2023: 3 narratives" in out
    assert "Haiti (2022, 2023), Kuwait (2022, 2023), Lithuania (2023)" in out
    assert "4 document(s) of report text" in out
    assert main(["index", "info", "--index", str(index_dir), "--model", "hashing-64", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["editions"]["Kuwait"] == [2022, 2023]


def test_search_command_filters_by_year(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["search", "Kuwait workers", "--index", str(index_dir), "--model", "hashing-64", "--retrieval", "bm25"]
    assert main([*args, "--year", "2022", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert hits and {h["year"] for h in hits} == {2022} and all(h["page"] for h in hits)
    assert main([*args, "--year", "2023", "--country", "Kuwait"]) == 0
    out = capsys.readouterr().out
    assert "#1  Kuwait 2023 · Tier 2 Watch List · " in out and " · p. " in out


def test_web_chat_shows_editions_and_pages(index: TipIndex) -> None:
    web = pytest.importorskip("assistant.web")
    settings = Settings.load(SETTINGS, env={})
    bot = Assistant(index, settings)
    choices = web.country_choices(bot)
    assert ("Kuwait (2022, 2023)", "Kuwait") in choices and ("Lithuania (2023)", "Lithuania") in choices
    service = web.ChatService(bot, settings)
    assert service.countries_filter("Kuwait") == ["Kuwait"]
    assert service.countries_filter("Kuwait (2022, 2023)") == ["Kuwait"]
    assert "2022: 2 countries; 2023: 3 countries" in service.about_html()

    doc = index.document_for("Kuwait", 2022)
    start, end = index.unit_spans(doc.doc_id)[0]
    cited = Citation(1, doc.doc_id, doc.country, doc.tier, doc.section_at(start), doc.text[start:end], start, end,
                     1.0, year=doc.year, page=doc.page_at(start))
    front = next(d for d in index.documents.values() if d.kind == FRONT_MATTER and d.year == 2023)
    at = front.text.index("The Department of State prepared")
    report = Citation(2, front.doc_id, None, None, front.section_at(at), front.text[at:at + 40], at, at + 40, 1.0,
                      year=front.year, page=front.page_at(at))
    assert cited.page and report.page == 2
    assert web.source_label(cited) == f"Kuwait 2022 · Tier 3 · Summary · p. {cited.page}"
    assert web.source_label(report) == "Report 2023 · Methodology · p. 2"
    html = web.sources_html([cited, report], index.documents)
    assert f"Kuwait 2022 · Tier 3 · Summary · p. {cited.page}</summary>" in html
    assert "Report 2023 · Methodology · p. 2</summary>" in html
    reply = web.Reply("q", "Kuwait [1]. Methodology [2].", [cited, report], refused=False)
    markdown = web.export_markdown([web.Turn("What tier was Kuwait on in 2022?", reply=reply)])
    assert f"[1] Kuwait 2022 · Tier 3 · Summary · p. {cited.page} (characters {start}–{end})" in markdown
    assert "[2] Report 2023 · Methodology · p. 2 (characters" in markdown


def test_a_year_specific_question_uses_that_edition(index: TipIndex) -> None:
    bot = Assistant(index, Settings.load(SETTINGS, env={}))
    older = bot.ask("What tier was Kuwait on in the 2022 report?")
    assert older.answer.startswith("Kuwait is on Tier 3 in the 2022 report")
    assert {(c.country, c.year) for c in older.citations} == {("Kuwait", 2022)}
    latest = bot.ask("What tier is Kuwait on?")
    assert "Tier 2 Watch List in the 2023 report" in latest.answer
    assert {c.year for c in latest.citations} == {2023}


def test_tier_history_cites_every_edition(index: TipIndex) -> None:
    bot = Assistant(index, Settings.load(SETTINGS, env={}))
    reply = bot.ask("How has Kuwait's tier changed?")
    assert reply.answer.startswith("**Kuwait**: Tier 3 (2022) → Tier 2 Watch List (2023)")
    assert [c.year for c in reply.citations] == [2022, 2023]
    assert all(index.documents[c.document].text[c.start : c.end] == c.quote for c in reply.citations)
    steady = bot.ask("Has Haiti's placement changed over the years?")
    assert "(unchanged)" in steady.answer and len(steady.citations) == 2


def test_editions_compared_side_by_side(index: TipIndex) -> None:
    bot = Assistant(index, Settings.load(SETTINGS, env={}))
    reply = bot.ask("Compare Kuwait's tier in 2022 and 2023")
    assert reply.intent == "comparison"
    assert "**Kuwait 2022**: Tier 3" in reply.answer and "**Kuwait 2023**: Tier 2 Watch List" in reply.answer
