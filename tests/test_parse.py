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


BODY = ("The government made some efforts. It convicted 3 traffickers.\n\nTrafficking Profile\n\n"
        "Traffickers exploit workers.")


@pytest.mark.parametrize(("heading", "country", "tier"), [
    ("LITHUANIA: TIER 1", "Lithuania", "Tier 1"),
    ("Madagascar (Tier 2 Watch List)", "Madagascar", "Tier 2 Watch List"),
    ("Haiti: Tier 2 Watch List", "Haiti", "Tier 2 Watch List"),
    ("Cambodia (Tier 3)", "Cambodia", "Tier 3"),
    ("Yemen: Special Case", "Yemen", "Special Case"),
    ("LIBYA (SPECIAL CASE)", "Libya", "Special Case"),
    ("Côte d'Ivoire (Tier 2)", "Côte d'Ivoire", "Tier 2"),
    ("CÔTE D'IVOIRE: TIER 2", "Côte d'Ivoire", "Tier 2"),
    ("Guinea-Bissau: Tier 3", "Guinea-Bissau", "Tier 3"),
    ("TIMOR-LESTE: TIER 2", "Timor-Leste", "Tier 2"),
    ("Congo, Democratic Republic of the: Tier 3", "Democratic Republic of the Congo", "Tier 3"),
    ("KOREA, NORTH: TIER 3", "North Korea", "Tier 3"),
    ("The Gambia (Tier 2)", "Gambia", "Tier 2"),
    ("Saint Vincent and the Grenadines (Tier 1)", "Saint Vincent and the Grenadines", "Tier 1"),
    ("RURITANIA (Tier 2 Watchlist)", "Ruritania", "Tier 2 Watch List"),
])
def test_every_heading_rendering_starts_a_narrative(heading: str, country: str, tier: str) -> None:
    first = "" if country == "Lithuania" else f"LITHUANIA: TIER 1\n\n{BODY}\n\n"
    raw = f"{first}{heading}\n\n{BODY}\n"
    docs = parse_text(raw, "report.txt", stem="2023-tip-report")
    assert (docs[-1].country, docs[-1].tier, docs[-1].year) == (country, tier, 2023)
    assert docs[-1].text.startswith(heading) and docs[-1].source_line == heading
    assert [s.title for s in docs[-1].sections] == ["Summary", "Trafficking Profile"]


@pytest.mark.parametrize(("first", "second", "country"), [
    ("SAINT VINCENT AND THE", "GRENADINES: TIER 1", "Saint Vincent and the Grenadines"),
    ("CONGO, DEMOCRATIC REPUBLIC OF THE:", "TIER 2 WATCH LIST", "Democratic Republic of the Congo"),
    ("Bosnia and Herzegovina", "(Tier 2)", "Bosnia and Herzegovina"),
])
def test_a_heading_split_over_two_lines(first: str, second: str, country: str) -> None:
    docs = parse_text(f"LITHUANIA: TIER 1\n\n{BODY}\n\n{first}\n{second}\n\n{BODY}\n", "r.txt", stem="r-2023")
    assert [d.country for d in docs] == ["Lithuania", country]
    assert docs[1].source_line == f"{first} {second}"


def test_mentions_and_lists_inside_text_start_no_narrative() -> None:
    raw = (f"LITHUANIA: TIER 1\n\n{BODY} Officials from\nKuwait (Tier 2 Watch List) visited, as did\n"
           "the delegation of Haiti (Tier 2 Watch List).\n\nPrevention\nHAITI: the plan was adopted.\n")
    docs = parse_text(raw, "r.txt")
    assert [d.country for d in docs] == ["Lithuania"]
    assert "Kuwait (Tier 2 Watch List) visited" in docs[0].text


def test_report_text_before_the_narratives_is_a_document_without_a_country() -> None:
    intro = ("INTRODUCTION\n\nThis report covers the efforts of governments to combat trafficking in persons. "
             "It describes each government's efforts to meet the minimum standards and places each country on "
             "a tier. The tier placements below list the countries by tier; each narrative follows.\n\n"
             "TIER PLACEMENTS\n\nLithuania\nKuwait\n\n")
    docs = parse_text(intro + f"LITHUANIA: TIER 1\n\n{BODY}\n\nKuwait (Tier 3)\n\n{BODY}\n", "r.txt", stem="tip-2021")
    assert [(d.kind, d.country, d.year) for d in docs] == [
        ("front_matter", None, 2021), ("narrative", "Lithuania", 2021), ("narrative", "Kuwait", 2021)]
    assert docs[0].title == "Introduction" and "efforts of governments" in docs[0].text
    assert [d.doc_id for d in docs] == ["tip-2021-front-matter", "lithuania-2021", "kuwait-2021"]
    single = parse_text("Short preamble here.\n\n" + f"LITHUANIA: TIER 1\n\n{BODY}\n", "one.txt")
    assert [d.kind for d in single] == ["narrative"]  # a lone narrative's preamble is not report text


def test_edition_year_from_header_title_running_head_or_file_name() -> None:
    from index.parse import edition_year

    assert edition_year("TRAFFICKING IN PERSONS REPORT | JUNE 2022 3") == 2022
    assert edition_year("2021 Trafficking in Persons Report: Lithuania") == 2021
    assert edition_year("Trafficking in Persons Report 2020") == 2020
    assert edition_year("Extracted in part from the U.S. State Dept 2019 TIP Report") == 2019
    assert edition_year("In 2021 the government convicted 3 traffickers.") is None
    assert parse_text(f"LITHUANIA: TIER 1\n\n{BODY}", "x.txt", stem="tip-report-2018")[0].year == 2018
    assert parse_text(f"LITHUANIA: TIER 1\n\n{BODY}", "x.txt", stem="report")[0].year is None


WEB_PAGE = """<!doctype html><html><head><title>Lithuania - United States Department of State</title>
<script>var tracking = 1;</script></head><body>
<nav><ul><li>Home</li><li>Reports</li><li>Countries &amp; Areas</li></ul></nav>
<header><h1>2023 Trafficking in Persons Report: Lithuania</h1></header>
<main><article>
<p><strong>LITHUANIA: Tier 1</strong></p>
<p>The Government of Lithuania fully meets the minimum standards for the elimination of trafficking. The
government continued to demonstrate serious and sustained efforts; therefore Lithuania remained on Tier 1.</p>
<h3>PRIORITIZED RECOMMENDATIONS:</h3>
<ul><li>Increase efforts to prosecute traffickers.</li><li>Develop, adopt, and implement a new NAP.</li></ul>
<h3>PROSECUTION</h3><p>The government increased law enforcement efforts.</p>
</article></main>
<aside>Related: Latvia, Estonia</aside>
<footer>U.S. Department of State | Privacy Policy | Accessibility</footer></body></html>"""


def test_a_per_country_web_page(tmp_path: Path) -> None:
    doc = parse_bytes(WEB_PAGE.encode(), Path("lithuania.html"))[-1]
    assert (doc.country, doc.tier, doc.year, doc.doc_id) == ("Lithuania", "Tier 1", 2023, "lithuania-2023")
    for chrome in ("Home", "Privacy Policy", "Related", "tracking"):
        assert chrome not in doc.text
    assert [s.title for s in doc.sections] == ["Summary", "Prioritized Recommendations", "Prosecution"]
    recommendations = [c.text for c in chunk_documents([doc]) if c.section == "Prioritized Recommendations"]
    assert recommendations == ["Increase efforts to prosecute traffickers.", "Develop, adopt, and implement a new NAP."]


def test_a_web_page_titled_with_its_country_and_edition_but_no_tier_heading(tmp_path: Path) -> None:
    page = ("<html><head><title>Kuwait</title></head><body><h1>2022 Trafficking in Persons Report: Kuwait</h1>"
            "<p>The Government of Kuwait does not fully meet the minimum standards and is not making significant "
            "efforts to do so; therefore Kuwait was downgraded to Tier 3.</p></body></html>")
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "kuwait.html").write_text(page, encoding="utf-8")
    (folder / "lithuania.html").write_text(WEB_PAGE, encoding="utf-8")
    result = load_paths([folder])
    assert not result.ignored and not result.skipped
    by_id = {d.doc_id: d for d in result.documents}
    assert (by_id["kuwait-2022"].country, by_id["kuwait-2022"].tier) == ("Kuwait", "Tier 3")
    assert by_id["lithuania-2023"].tier == "Tier 1"
