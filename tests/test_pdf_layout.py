"""The real report's layout: report-like PDFs printed at test time (two columns, running heads and page
numbers, hyphenated line ends, every heading rendering, bullets three ways, front and back matter) and
read back into narratives, report text, pages and editions.

The PDFs are printed from the bundled narrative and the factbook narratives by ``bench/pdfgen.py``, which
also records where every word was printed: the ground truth these tests compare with.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.pdfgen import PrintedReport, narrative_from, same_text, write_report
from index.chunk import chunk_documents
from index.layout import Vocabulary, join_lines
from index.parse import load_paths
from index.records import BACK_MATTER, FRONT_MATTER, NARRATIVE, Document
from index.text import unit_spans

pytest.importorskip("reportlab")

# (factbook file or None for the bundled narrative, country printed, tier printed, heading style or lines,
#  recommendation bullets). Renamed narratives take the real text of another country, every mention renamed.
LAYOUT = (
    (None, "Lithuania", "Tier 1", "upper-colon", "lines"),
    ("madagascar", "Madagascar", "Tier 2 Watch List", "paren", None),
    ("haiti", "Haiti", "Tier 2 Watch List", "colon", "runon"),
    ("cambodia", "Cambodia", "Tier 3", "paren", None),
    ("guinea-bissau", "Guinea-Bissau", "Tier 3", "upper-colon", None),
    ("gabon", "Côte d'Ivoire", "Tier 2", "paren", None),
    ("vanuatu", "Timor-Leste", "Tier 2", "upper-paren", None),
    ("chad", "Democratic Republic of the Congo", "Tier 2 Watch List",
     ("CONGO, DEMOCRATIC REPUBLIC OF THE:", "TIER 2 WATCH LIST"), None),
    ("serbia", "Saint Vincent and the Grenadines", "Tier 1", ("Saint Vincent and the", "Grenadines (Tier 1)"), None),
    ("syria", "Yemen", "Special Case", "colon", None),
    ("kuwait", "Kuwait", "Tier 2 Watch List", "paren", "inline"),
)


def _specs(seed_path: Path, factbook_dir: Path, layout=LAYOUT, year_tiers: dict[str, str] | None = None):
    seed = load_paths([seed_path]).documents[0]
    items = [c.text for c in chunk_documents([seed]) if c.section == "Prioritized Recommendations"]
    specs = []
    for source, country, tier, style, bullets in layout:
        doc = seed if source is None else load_paths([factbook_dir / f"{source}.txt"]).documents[0]
        tier = (year_tiers or {}).get(country, tier)
        lines = style if isinstance(style, tuple) else ()
        kind = "upper-colon" if lines and lines[0].isupper() else ("paren" if lines else style)
        recommendations = None if source is None or bullets is None else items[:4]
        specs.append(narrative_from(doc, country, tier, kind, bullets or "lines", recommendations, lines))
    return specs


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, seed_path: Path, factbook_dir: Path) -> PrintedReport:
    return write_report(tmp_path_factory.mktemp("report-pdf") / "2023-TIP-Report.pdf", _specs(seed_path, factbook_dir))


@pytest.fixture(scope="module")
def documents(report: PrintedReport) -> list[Document]:
    result = load_paths([report.path])
    assert not result.skipped
    return result.documents


def _narratives(documents: list[Document]) -> list[Document]:
    return [d for d in documents if d.kind == NARRATIVE]


def test_every_narrative_found_with_its_tier_and_year(report: PrintedReport, documents: list[Document]) -> None:
    found = [(d.country, d.tier, d.year) for d in _narratives(documents)]
    assert found == [(s.country, s.tier, 2023) for s in report.narratives]
    assert len(found) == 11
    ids = [d.doc_id for d in documents]
    assert len(set(ids)) == len(ids) and "lithuania-2023" in ids and "cote-d-ivoire-2023" in ids
    # Mixed-case, diacritics, two-line and special-case headings all started their own narrative.
    headers = {d.country: d.source_line for d in _narratives(documents)}
    assert headers["Côte d'Ivoire"] == "Côte d'Ivoire (Tier 2)"
    assert headers["Democratic Republic of the Congo"] == "CONGO, DEMOCRATIC REPUBLIC OF THE: TIER 2 WATCH LIST"
    assert headers["Saint Vincent and the Grenadines"] == "Saint Vincent and the Grenadines (Tier 1)"
    assert headers["Yemen"] == "Yemen: Special Case"


def test_narrative_text_is_exactly_what_was_printed(report: PrintedReport, documents: list[Document]) -> None:
    """Heading, paragraphs in column order, words rejoined at line ends: nothing else (no page furniture)."""
    for n, doc in enumerate(_narratives(documents)):
        printed = [p.text for p in report.paragraphs if p.narrative == n]
        assert same_text(doc.text, "\n\n".join(printed)), doc.country


def test_no_running_head_or_page_number_in_any_chunk(report: PrintedReport, documents: list[Document]) -> None:
    chunks = chunk_documents(documents)
    assert chunks
    folios = {str(n) for n in range(1, report.pages + 1)}
    for chunk in chunks:
        assert report.running_head not in chunk.text
        assert "COUNTRY NARRATIVES" not in chunk.text and "TRAFFICKING IN PERSONS REPORT |" not in chunk.text
        # A page number would sit alone between paragraphs, or at a chunk's edge.
        assert not any(part.strip() in folios for part in chunk.text.split("\n\n"))
        assert chunk.text.split()[0] not in folios and chunk.text.split()[-1] not in folios
    for doc in documents:
        assert "(cid:" not in doc.text and "  " not in doc.text


def test_no_word_left_split_and_no_compound_joined(report: PrintedReport, documents: list[Document]) -> None:
    text = "\n".join(d.text for d in documents)
    splits = [w for w in report.split_words if not w.compound]
    compounds = [w for w in report.split_words if w.compound]
    assert len(splits) >= 30 and len(compounds) >= 3, "the printed report must hyphenate both kinds"
    for split in splits:
        head, tail = split.printed.split("|")
        assert f"{head}{tail}" not in text, f"left split: {split.printed}"
        assert re.search(rf"(?<!\w){re.escape(split.word)}(?!\w)", text), split
    for compound in compounds:
        head, tail = compound.printed.split("|")
        assert f"{head}{tail}" in text, f"compound lost its hyphen: {compound.printed}"
        assert f"{head[:-1]}{tail}" not in text, f"compound joined: {compound.printed}"


@pytest.mark.parametrize(("head", "tail", "expected"), [
    ("cons-", "idering", "considering"),
    ("Lithua-", "nia", "Lithuania"),
    ("traf-", "ficking", "trafficking"),
    ("anti-traf-", "ficking", "anti-trafficking"),
    ("anti-", "trafficking", "anti-trafficking"),
    ("government-", "compelled", "government-compelled"),
    ("COVID-", "19", "COVID-19"),
    ("Guinea-", "Bissau", "Guinea-Bissau"),
    ("Timor-", "Leste", "Timor-Leste"),
    ("re-", "victimization", "re-victimization"),
    ("Taiwan-", "flagged", "Taiwan-flagged"),
    ("trans-", "national", "transnational"),
    ("in-", "vestigations", "investigations"),
])
def test_line_end_hyphens_decided_from_the_vocabulary(seed_path: Path, head: str, tail: str, expected: str) -> None:
    vocabulary = Vocabulary(seed_path.read_text(encoding="utf-8").splitlines())
    joined, starts = join_lines([f"the {head}", f"{tail} and"], vocabulary)
    assert joined == f"the {expected} and"
    assert starts == [0, len(joined) - len(f"{tail} and")]


def test_unseen_split_words_join_and_the_corpus_wins() -> None:
    empty = Vocabulary([])
    assert not empty.keeps_hyphen("inspec", "tions")  # no such words: a split word
    assert empty.keeps_hyphen("child", "soldiers")  # a compound prefix
    corpus = Vocabulary(["the wellbeing of victims", "a well-being of x"])
    assert not corpus.keeps_hyphen("wellbe", "ing")
    assert Vocabulary(["wellbeing wellbeing well-being"]).keeps_hyphen("well", "being") is False
    assert Vocabulary(["well-being well-being wellbeing"]).keeps_hyphen("well", "being") is True
    # A soft hyphen always marks a split word.
    assert join_lines(["anti\u00ad", "trafficking"], None)[0] == "antitrafficking"


def _printed_page(report: PrintedReport, doc: Document, narrative: int, offset: int) -> int:
    return report.printed_page(narrative, doc.text, offset)


def test_every_sentence_is_on_the_page_it_was_printed_on(report: PrintedReport, documents: list[Document]) -> None:
    pages_seen = set()
    for n, doc in enumerate(_narratives(documents)):
        assert doc.page_at(0) == report.first_pages[n]
        for section in doc.sections:
            for start, _end in unit_spans(doc.text, section.start, section.end):
                assert doc.page_at(start) == _printed_page(report, doc, n, start), doc.text[start:start + 60]
                pages_seen.add(doc.page_at(start))
        for chunk in chunk_documents([doc]):
            assert chunk.page == _printed_page(report, doc, n, chunk.start)
    assert len(pages_seen) >= 4  # narratives flow over several pages
    assert any(len({p for *_, p in d.pages}) > 1 for d in _narratives(documents))  # some cross a page break


def test_front_and_back_matter_are_documents_without_a_country(documents: list[Document]) -> None:
    front = [d for d in documents if d.kind == FRONT_MATTER]
    back = [d for d in documents if d.kind == BACK_MATTER]
    assert len(front) == 1 and len(back) == 1
    intro = front[0]
    assert intro.country is None and intro.tier is None and intro.year == 2023
    assert "Secretary of State to submit to Congress" in intro.text and "TIER PLACEMENTS" in intro.text
    assert {"Introduction", "Methodology"} <= {s.title for s in intro.sections}
    assert intro.page_at(intro.text.index("The Trafficking Victims")) == 2
    # The tier table's rows and the introduction's mentions ("Cambodia (Tier 3)") start no narrative.
    assert "LITHUANIA: TIER 1" in intro.text and "Cambodia (Tier 3) and Haiti" in intro.text
    assert back[0].country is None and "GLOSSARY OF ACRONYMS" in back[0].text
    last = _narratives(documents)[-1]
    assert "Glossary" not in last.text and "TVPA" not in last.text
    for doc in _narratives(documents):
        assert "Secretary of State to submit" not in doc.text and "TIER PLACEMENTS" not in doc.text


def test_recommendations_are_one_unit_each_in_all_three_bullet_renderings(
        report: PrintedReport, documents: list[Document]) -> None:
    by_country = {d.country: d for d in _narratives(documents)}
    for spec in report.narratives:
        if not spec.recommendations:
            continue
        doc = by_country[spec.country]
        chunks = [c.text for c in chunk_documents([doc]) if c.section == "Prioritized Recommendations"]
        assert chunks == spec.recommendations, (spec.country, spec.bullet_style)
    assert {s.bullet_style for s in report.narratives if s.recommendations} == {"lines", "inline", "runon"}


def test_a_pdf_index_cites_the_printed_page(tmp_path: Path, report: PrintedReport, documents: list[Document]) -> None:
    from assistant.core import Assistant
    from index.search import TipIndex
    from index.settings import Settings
    from index.store import build_index

    settings = Settings.load({"model": "hashing-64"}, env={})
    build_index([report.path], tmp_path / "index", settings)
    bot = Assistant(TipIndex.load(tmp_path / "index", settings), settings)
    narratives = _narratives(documents)
    cited = 0
    for question in ("What does the report recommend for Kuwait?", "What tier is Haiti on?",
                     "Who is exploited in Madagascar?", "What does the report recommend for Lithuania?"):
        reply = bot.ask(question)
        for citation in reply.citations:
            doc = bot.index.documents[citation.document]
            n = next(i for i, d in enumerate(narratives) if d.doc_id == doc.doc_id)
            assert citation.page == _printed_page(report, doc, n, citation.start) is not None
            assert citation.year == 2023 and doc.text[citation.start:citation.end] == citation.quote
            cited += 1
    assert cited >= 4
    # Report text is searchable and citable, without a country.
    hits = bot.index.search("information from U.S. embassies consultations email address", k=3, retrieval="bm25")
    assert hits[0].chunk.country is None and hits[0].chunk.page == 2
    assert "Democratic Republic of the Congo" in bot.countries and None not in bot.countries


def test_columns_read_in_order_when_a_line_is_set_into_the_gutter(tmp_path: Path) -> None:
    """Two columns with a full-width title between bands; one left-column line runs a few points past where
    the right column starts (as a loosely set line can): it stays in its column, and the order is the left
    column, then the right."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    from index.pdf import read_pdf

    left = [f"left column line {n} of the text" for n in range(12)]
    left[11] += " that runs on into the gutter"
    right_x = 54 + stringWidth(left[11], "Times-Roman", 10) - 3  # the long line overlaps the right column
    path = tmp_path / "columns.pdf"
    canvas = Canvas(str(path), pagesize=(612, 792))
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(54, 740, "A TITLE ACROSS THE WHOLE PAGE THAT SPANS BOTH OF THE COLUMNS BELOW IT")
    canvas.setFont("Times-Roman", 10)
    for n in range(12):
        canvas.drawString(54, 700 - n * 12, left[n])
        if n < 11:  # the right column ends a line higher: nothing beside the long line
            canvas.drawString(right_x, 700 - n * 12, f"right column line {n} of the text")
    canvas.showPage()
    canvas.save()
    texts = [line.text for line in read_pdf(path.read_bytes()).lines]
    assert texts == ["A TITLE ACROSS THE WHOLE PAGE THAT SPANS BOTH OF THE COLUMNS BELOW IT", *left,
                     *(f"right column line {n} of the text" for n in range(11))]


def test_headings_the_size_of_section_headings_cut_no_narrative_short(
        tmp_path: Path, seed_path: Path, factbook_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where narrative headings are no larger than section headings, a bold subheading the parser does not
    know ("Key Findings") is a section of its narrative, not the start of report text."""
    import bench.pdfgen as pdfgen

    monkeypatch.setattr(pdfgen, "NARRATIVE_HEAD_SIZE", pdfgen.SECTION_HEAD_SIZE)
    specs = _specs(seed_path, factbook_dir, layout=LAYOUT[1:3])
    specs[0].sections.insert(0, ("Key Findings", ["Officials identified more victims than in the year before."]))
    report = write_report(tmp_path / "report.pdf", specs, back_matter=())
    docs = load_paths([report.path]).documents
    assert [(d.kind, d.country) for d in docs] == [(FRONT_MATTER, None), (NARRATIVE, "Madagascar"),
                                                   (NARRATIVE, "Haiti")]
    assert "Key Findings" in [s.title for s in docs[1].sections]
