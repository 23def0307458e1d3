"""Parsing report files into narratives: structure, normalisation, formats and bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.chunk import chunk_documents
from index.parse import ParseError, html_to_text, load_paths, parse_bytes, parse_text

TINY = """[ Human Trafficking, Country-by-Country ]

RURITANIA (Tier 2 Watch List) Extracted in part from the U.S. State Dept 2023 TIP Report

The Government of Ruritania does not fully meet the minimum standards. The government
identified 12 victims and
convicted three traffickers.

Prioritized Recommendations

Adopt a new NAP.

Train judges on victim-centered
approaches.

Trafficking Profile

Traffickers exploit workers in the timber sector.
"""


def test_seed_structure(seed_path: Path) -> None:
    doc = load_paths([seed_path]).documents[0]
    assert (doc.country, doc.tier, doc.year) == ("Lithuania", "Tier 1", 2023)
    assert doc.source_line == "LITHUANIA (Tier 1) Extracted in part  from the U.S. State Dept 2023 TIP Report"
    assert [s.title for s in doc.sections] == ["Summary", "Prioritized Recommendations"]
    summary = doc.text[doc.sections[0].start : doc.sections[0].end]
    assert summary.startswith("The Government of Lithuania fully meets the minimum standards")


def test_seed_recommendations_are_ten_items(seed_path: Path) -> None:
    doc = load_paths([seed_path]).documents[0]
    chunks = [c for c in chunk_documents([doc]) if c.section == "Prioritized Recommendations"]
    assert len(chunks) == 10
    assert chunks[0].text == "Increase efforts to prosecute and convict traffickers under the trafficking statute."
    assert chunks[-1].text.startswith("Appoint a national rapporteur")


def test_paragraph_broken_mid_sentence_is_repaired(seed_path: Path) -> None:
    doc = load_paths([seed_path]).documents[0]
    assert "such as law enforcement and labor inspectors, on implementation." in doc.text
    assert "such as law\n" not in doc.text


def test_hard_wrapped_lines_joined_and_many_narratives_split() -> None:
    other = TINY.replace("RURITANIA (Tier 2 Watch List)", "FREEDONIA (Tier 3)").replace("Ruritania", "Freedonia")
    docs = parse_text(TINY + "\n" + other, "both.txt", stem="both")
    assert [(d.country, d.tier) for d in docs] == [("Ruritania", "Tier 2 Watch List"), ("Freedonia", "Tier 3")]
    first = docs[0]
    assert "The government identified 12 victims and convicted three traffickers." in first.text
    assert "Train judges on victim-centered approaches." in first.text
    assert [s.title for s in first.sections] == ["Summary", "Prioritized Recommendations", "Trafficking Profile"]
    assert len({d.doc_id for d in docs}) == 2


def test_non_breaking_spaces_normalised_other_characters_kept() -> None:
    raw = TINY.replace("timber sector", "timber\u00a0sector’s “mills”")
    doc = parse_text(raw, "x.txt")[0]
    assert "timber sector’s “mills”" in doc.text
    assert "\u00a0" not in doc.text


def test_html_scripts_and_styles_dropped() -> None:
    page = ("<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
            "<h1>RURITANIA (Tier 1) Extracted from the 2023 TIP Report</h1><p>The government did well.</p>"
            "<script>document.write('x')</script><p>It convicted 4 traffickers &amp; more.</p></body></html>")
    text = html_to_text(page)
    assert "alert" not in text and "color" not in text and "document.write" not in text
    doc = parse_bytes(page.encode(), Path("r.html"))[0]
    assert doc.country == "Ruritania" and doc.tier == "Tier 1"
    assert "It convicted 4 traffickers & more." in doc.text


def test_pdf_pages_kept_as_metadata(tmp_path: Path) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    pdf = tmp_path / "report.pdf"
    with PdfPages(pdf) as pages:
        for text in ("RURITANIA (Tier 3) 2023 TIP Report\n\nThe government made no efforts.",
                     "Trafficking Profile\n\nTraffickers exploit children in mines."):
            fig = plt.figure()
            fig.text(0.1, 0.5, text)
            pages.savefig(fig)
            plt.close(fig)
    doc = load_paths([pdf]).documents[0]
    assert doc.country == "Ruritania" and doc.tier == "Tier 3"
    mines = doc.text.index("mines")
    assert doc.page_at(doc.text.index("no efforts")) == 1
    assert doc.page_at(mines) == 2
    chunk = next(c for c in chunk_documents([doc]) if "mines" in c.text)
    assert chunk.page == 2 and chunk.section == "Trafficking Profile"


def test_factbook_headers_give_country_and_tier(factbook_dir: Path) -> None:
    result = load_paths([factbook_dir])
    assert len(result.documents) == 50
    assert [p for p, _ in result.ignored] == [str(factbook_dir / "SOURCE.md")]
    by_country = {d.country: d for d in result.documents}
    assert by_country["Malaysia"].tier == "Tier 2 Watch List"
    assert by_country["North Korea"].tier == "Tier 3"
    assert by_country["Guinea-Bissau"].tier == "Tier 3"
    assert by_country["Trinidad and Tobago"].tier == "Tier 2 Watch List"
    for doc in result.documents:
        assert doc.year == 2023
        assert [s.title for s in doc.sections] == ["Summary", "Trafficking Profile"]
        assert doc.source_line.startswith(doc.country.upper().replace("-", "-")[:4])


def test_missing_path_raises() -> None:
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        load_paths([Path("/nonexistent/report.txt")])


def test_bad_files_are_skipped_the_rest_indexed(tmp_path: Path, seed_path: Path) -> None:
    (tmp_path / "good.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    result = load_paths([tmp_path])
    assert [d.country for d in result.documents] == ["Lithuania"]
    reasons = {Path(p).name: r for p, r in result.skipped}
    assert reasons["binary.txt"] == "binary data, not text"
    assert reasons["empty.txt"] == "empty file"
    assert "dangling.txt" in reasons


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(TINY.replace("timber sector", "timber sector’s").encode("cp1252"))
    doc = load_paths([path]).documents[0]
    assert "timber sector’s" in doc.text


def test_unsupported_suffix_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="unsupported file type"):
        parse_bytes(b"data", Path("report.docx"))


def test_corrupt_pdf_is_skipped_with_a_reason(tmp_path: Path, seed_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n%%EOF")
    (tmp_path / "good.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    result = load_paths([tmp_path])
    assert [d.country for d in result.documents] == ["Lithuania"]
    assert [Path(p).name for p, _ in result.skipped] == ["broken.pdf"]
    assert "PDF" in result.skipped[0][1]


def test_report_layout_with_upper_case_headings_and_bullets() -> None:
    path = Path(__file__).parent / "fixtures" / "ruritania-full-format.txt"
    doc = load_paths([path]).documents[0]
    assert (doc.country, doc.tier) == ("Ruritania", "Tier 2")
    assert [s.title for s in doc.sections] == ["Summary", "Prioritized Recommendations", "Prosecution",
                                               "Protection", "Prevention", "Trafficking Profile"]
    recommendations = [c.text for c in chunk_documents([doc]) if c.section == "Prioritized Recommendations"]
    assert recommendations == ["Increase proactive screening of migrant workers.",
                               "Fund the two new shelters adequately.", "Adopt a new national action plan."]
