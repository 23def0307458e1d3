"""Parse report files (.txt, .md, .html, .pdf) into documents: country narratives, and the report's other text.

A file is read into source lines (``index/layout.py``; PDFs through ``index/pdf.py``), split at narrative
headings in any published rendering ("LITHUANIA: TIER 1", "Madagascar (Tier 2 Watch List)", "Haiti: Tier 2
Watch List", "Cambodia (Tier 3)", "YEMEN: SPECIAL CASE", also split over two lines), and each part becomes
a ``Document`` with normalised text, sections, the PDF page of every offset, and its edition's year. Text
before the first narrative (introduction, topic chapters, methodology, tier tables) becomes a document
without a country, as does text after the narratives that a report-level heading introduces.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from index.countries import CountryMatcher, canonical_country, country_title, fold
from index.errors import ParseError, SourceNotFoundError
from index.layout import KNOWN_HEADINGS, SMALL_WORDS, SourceLine, Vocabulary, is_heading, paragraphs, text_lines
from index.records import BACK_MATTER, FRONT_MATTER, NARRATIVE, TEXT, Document, Section

__all__ = ["KNOWN_HEADINGS", "TIERS", "LoadResult", "country_title", "load_paths", "parse_bytes", "parse_text"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
SUMMARY = "Summary"
TIERS = ("Tier 1", "Tier 2 Watch List", "Tier 2", "Tier 3", "Special Case")
# Report text outside the narratives becomes a document of its own from this many words.
MIN_REPORT_TEXT_WORDS = 40

_TIER = r"(Tier\s+2\s+Watch\s*List|Tier\s+[123]|Special\s+Case)"
# "LITHUANIA (Tier 1) Extracted in part from the U.S. State Dept 2023 TIP Report", "Cambodia (Tier 3)"
_HEADER_PAREN = re.compile(r"^\s*(?:#+\s*)?(?P<name>[^\W\d_].*?)\s*\(\s*" + _TIER + r"\s*\)(?P<rest>.*)$", re.I)
# "LITHUANIA: TIER 1", "Haiti: Tier 2 Watch List", "YEMEN: SPECIAL CASE"
_HEADER_COLON = re.compile(r"^\s*(?:#+\s*)?(?P<name>[^\W\d_].*?)\s*:\s*" + _TIER + r"\s*$", re.I)
_NAME_WORD = re.compile(r"^\(?(?:[^\W\d_][’'])?[^\W\d_]+(?:[’'.\-][^\W\d_]+)*\.?\)?$|^&$")
_KNOWN_LOWER = {h.lower() for h in KNOWN_HEADINGS}
_STAMP = re.compile(r"report|extracted|summarized|summarised", re.I)
_NBSP = re.compile("[\u00a0\u2007\u202f]")
# An edition named in a cover, running head, page title or header: "2023 Trafficking in Persons Report",
# "TRAFFICKING IN PERSONS REPORT | JUNE 2023", "Trafficking in Persons Report 2023", "2023 TIP Report".
_EDITION = (
    re.compile(r"\b((?:19|20)\d\d)\s+(?:Trafficking\s+in\s+Persons|TIP)\s+Report", re.I),
    re.compile(r"(?:Trafficking\s+in\s+Persons|TIP)\s+Report\W{0,8}(?:[A-Z][a-z]+\.?\s+|[A-Z]{3,9}\s+)?"
               r"((?:19|20)\d\d)\b", re.I),
)
_FILE_YEAR = re.compile(r"(?<![0-9])((?:19|20)\d\d)(?![0-9])")
# "2023 Trafficking in Persons Report: Lithuania", the title of a per-country web page.
_PAGE_TITLE = re.compile(r"\b((?:19|20)\d\d)\s+Trafficking\s+in\s+Persons\s+Report\s*[:\-–—|]\s*(?P<country>[^|\-–—]+)",
                         re.I)
# "therefore Lithuania remained on Tier 1", "therefore, Kuwait was upgraded to Tier 2"
_TIER_SENTENCE = re.compile(
    r"\btherefore,?\s+[^;.]{1,80}?\s+(?:remained|remains|was\s+(?:upgraded|downgraded)\s+to|was\s+placed\s+on|"
    r"is\s+placed\s+on|was\s+moved\s+to)\s+(?:on\s+)?" + _TIER, re.I)


@dataclass
class LoadResult:
    """Documents read from some paths, and the files skipped with the reason for each."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Readable files in a searched folder that hold no narrative (a README, say): noted, not errors.
    ignored: list[tuple[str, str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256 of the file's bytes


def load_paths(paths: list[Path], max_file_bytes: int = 200 * 1024 * 1024) -> LoadResult:
    """Read every supported file under ``paths`` (files or folders, searched recursively).

    Unreadable or unparseable files are skipped with a reason; a missing path raises FileNotFoundError.
    Document ids are unique: one edition of one country is "lithuania-2023"; repeats get "-2", "-3".
    """
    result = LoadResult()
    seen_ids: set[str] = set()
    seen_texts: dict[str, str] = {}
    for file, from_folder in _expand(paths):
        try:
            if file.stat().st_size > max_file_bytes:
                raise ParseError(f"larger than {max_file_bytes // (1024 * 1024)} MB")
            data = file.read_bytes()
        except (OSError, ParseError) as exc:
            result.skipped.append((str(file), _reason(exc)))
            continue
        try:
            documents = parse_bytes(data, file)
        except ParseError as exc:
            result.skipped.append((str(file), str(exc)))
            continue
        if from_folder and not any(doc.kind == NARRATIVE and doc.source_line for doc in documents):
            result.ignored.append((str(file), "no country narrative header such as 'COUNTRY (Tier 1)'"))
            continue
        result.files[str(file.resolve())] = hashlib.sha256(data).hexdigest()
        for doc in documents:
            # The same text given twice is skipped; the same text in another edition is that edition's.
            digest = hashlib.sha256(f"{doc.year}\0{doc.text}".encode()).hexdigest()
            if digest in seen_texts:
                result.skipped.append((f"{file} ({doc.title})", f"same text as {seen_texts[digest]}"))
                continue
            seen_texts[digest] = doc.doc_id
            doc_id = doc.doc_id
            suffix = 2
            while doc_id in seen_ids:
                doc_id = f"{doc.doc_id}-{suffix}"
                suffix += 1
            seen_ids.add(doc_id)
            if doc_id != doc.doc_id:
                doc = dataclasses.replace(doc, doc_id=doc_id)
            result.documents.append(doc)
    return result


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _expand(paths: list[Path]) -> list[tuple[Path, bool]]:
    """Files to read, each with whether it was found by searching a folder (then it needs a header)."""
    files: list[tuple[Path, bool]] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise SourceNotFoundError(f"no such file or folder: {path}")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            )
            files.extend((p, True) for p in found if not p.is_dir())
        else:
            files.append((path, False))
    return files


@dataclass
class _Source:
    """What is known about a file besides its lines: where it came from, titles, page furniture."""

    source: str
    stem: str
    titles: list[str] = field(default_factory=list)  # page titles, the PDF's cover and running heads
    paged: bool = False  # a PDF: report text before the narratives is kept even with one narrative


def parse_bytes(data: bytes, path: Path) -> list[Document]:
    """Parse one file's bytes by its suffix into one or more documents."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParseError(f"unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED_SUFFIXES)}")
    if suffix == ".pdf":
        from index.pdf import read_pdf

        pdf = read_pdf(data)
        info = _Source(str(path), path.stem, [pdf.title, pdf.cover, *pdf.furniture], paged=True)
        return parse_lines(pdf.lines, info)
    if b"\x00" in data[:8192]:
        raise ParseError("binary data, not text")
    text = _decode(data)
    titles: list[str] = []
    if suffix in (".html", ".htm"):
        text, titles = html_text_and_titles(text)
    return parse_lines(text_lines(_clean(text)), _Source(str(path), path.stem, titles))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Legacy Windows exports are the usual non-UTF-8 text; cp1252 maps nearly every byte.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ParseError("text is neither UTF-8 nor Windows-1252") from exc


def _clean(raw: str) -> str:
    return _NBSP.sub(" ", raw.replace("\r\n", "\n").replace("\r", "\n"))


class _TextExtractor(HTMLParser):
    _BLOCKS: ClassVar[set[str]] = {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "ul", "ol",
        "table", "header", "blockquote", "title", "main", "dd", "dt", "figcaption",
    }
    # Site chrome around a report page (menus, footers, forms) is not report text.
    _SKIP: ClassVar[set[str]] = {"script", "style", "noscript", "template", "head", "nav", "footer", "aside", "form",
                                 "button", "svg", "select", "menu"}
    _TITLES: ClassVar[set[str]] = {"title", "h1", "h2"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.titles: list[str] = []
        self._title: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._TITLES:
            self._title = []
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._TITLES and self._title is not None:
            self.titles.append(" ".join("".join(self._title).split()))
            self._title = None
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        if not self.skipping:
            self.parts.append(data)


def html_text_and_titles(markup: str) -> tuple[str, list[str]]:
    """Visible text of an HTML page (block elements as paragraphs; scripts, styles, menus and footers
    dropped), and its title and top headings."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return html.unescape("".join(extractor.parts)), [html.unescape(t) for t in extractor.titles if t]


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, block elements as paragraphs; scripts and styles dropped."""
    return html_text_and_titles(markup)[0]


def parse_text(raw: str, source: str, stem: str = "report") -> list[Document]:
    """Split plain text into documents (one per narrative heading, and the report's other text).

    Form feeds in ``raw`` mark page breaks; each document keeps the page of every offset.
    """
    return parse_lines(text_lines(_clean(raw)), _Source(source, stem))


# Narrative headings


@dataclass(frozen=True)
class _Header:
    line: int  # index of its first source line
    count: int  # source lines it spans (2: split over two lines)
    country: str
    tier: str
    rest: str
    text: str
    styled: bool  # set as a heading (bold or larger type)


def match_header(line: str, mixed_case: bool = True) -> tuple[str, str, str] | None:
    """(country as written, canonical tier, text after the tier) when ``line`` is a narrative heading.

    Upper-case names match anywhere ("LITHUANIA (Tier 1) Extracted in part from ... 2023 TIP Report");
    mixed-case names ("Côte d'Ivoire (Tier 2)", "Congo, Democratic Republic of the: Tier 2") only when
    ``mixed_case`` and the line holds nothing else but an edition stamp.
    """
    line = line.strip()
    if len(line) > 300:
        return None
    match = _HEADER_PAREN.match(line) or _HEADER_COLON.match(line)
    if not match:
        return None
    name = " ".join(match.group("name").split()).strip(" ,")
    rest = match.group("rest").strip() if match.re is _HEADER_PAREN else ""
    case = _name_case(name)
    if case is None or (case == "mixed" and (not mixed_case or (rest and not _STAMP.search(rest)))):
        return None
    return name, _canonical_tier(match.group(2)), rest


def _name_case(name: str) -> str | None:
    """'upper' or 'mixed' when ``name`` reads as a country's name, else None."""
    if not name or len(name) > 60 or any(ch.isdigit() for ch in name):
        return None
    words = [w for w in re.split(r"[\s,]+", name) if w]
    if not words or len(words) > 8 or not all(_NAME_WORD.match(w) for w in words):
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    if name == name.upper():
        return "upper"
    if not words[0].lstrip("(")[:1].isupper():
        return None
    for word in words[1:]:
        bare = word.strip("()")
        elided = re.match(r"^[a-z][’'](\w)", bare)
        capitalised = bare[:1].isupper() or bool(elided and elided.group(1).isupper())
        if not (capitalised or bare.lower() in SMALL_WORDS or bare == "&"):
            return None
    return "mixed"


def _canonical_tier(value: str) -> str:
    value = " ".join(value.split()).lower().replace("watchlist", "watch list")
    for tier in TIERS:
        if tier.lower() == value:
            return tier
    raise ParseError(f"unknown tier {value!r}")


def find_headers(lines: list[SourceLine]) -> list[_Header]:
    """Narrative headings among ``lines``, also those split over two lines.

    When the source tells headings by their type (a PDF), a heading set in body type ("LITHUANIA: TIER 1"
    in a table or list) does not start a narrative, as long as some heading is set as one.
    """
    found: list[_Header] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        starts = i == 0 or line.new_paragraph or bool(line.heading)
        match = match_header(line.text, starts)
        count = 1
        if match is None and starts and i + 1 < len(lines) and _joins(line, lines[i + 1]):
            following = lines[i + 1]
            alone = match_header(following.text, True)
            joined = match_header(f"{line.text} {following.text}", True)
            # "Saint Vincent and the" / "Grenadines (Tier 1)": the name began on the line before.
            if joined is not None and (alone is None or _name_case(line.text.rstrip(":, ")) == _name_case(alone[0])):
                match, count = joined, 2
        if match is not None:
            text = " ".join(lines[k].text for k in range(i, i + count))
            found.append(_Header(i, count, *match, text=text, styled=bool(line.heading)))
            i += count
            continue
        i += 1
    if any(h.styled for h in found):
        found = [h for h in found if lines[h.line].heading is not False]
    return found


def _joins(line: SourceLine, following: SourceLine) -> bool:
    """Whether two lines may be one heading set over two lines."""
    if len(line.text) > 80 or len(following.text) > 80 or line.text.rstrip(":").strip().lower() in _KNOWN_LOWER:
        return False
    if line.heading is not None:
        return bool(line.heading and following.heading) and following.size == line.size
    return not following.new_paragraph


# Documents


def parse_lines(lines: list[SourceLine], info: _Source) -> list[Document]:
    """Documents of a file's source lines: see the module docstring."""
    lines = [line for line in lines if line.text.strip()]
    if not lines:
        raise ParseError("empty file")
    vocabulary = Vocabulary(line.text for line in lines)
    edition = _edition_year(info, lines)
    headers = find_headers(lines)
    if not headers:
        return [_headerless(lines, info, edition, vocabulary)]
    documents: list[Document] = []
    keep_front = info.paged or len(headers) > 1
    front = lines[: headers[0].line]
    if front and keep_front and _words(front) >= MIN_REPORT_TEXT_WORDS:
        documents.append(_build(front, info, FRONT_MATTER, edition, vocabulary))
    header_size = min((lines[h.line].size for h in headers if lines[h.line].size), default=None)
    body_sizes = Counter(line.size for line in lines if line.heading is False and line.size)
    if header_size is not None and (not body_sizes or header_size < body_sizes.most_common(1)[0][0] + 1.5):
        header_size = None  # narrative headings not set apart by size: no report-level heading to find
    for n, header in enumerate(headers):
        stop = headers[n + 1].line if n + 1 < len(headers) else len(lines)
        body = lines[header.line + header.count : stop]
        after: list[SourceLine] = []
        cut = _report_heading(body, header_size)
        if cut is not None:
            body, after = body[:cut], body[cut:]
        documents.append(_build(body, info, NARRATIVE, edition, vocabulary, header, lines[header.line].page))
        if after and _words(after) >= MIN_REPORT_TEXT_WORDS:
            documents.append(_build(after, info, BACK_MATTER, edition, vocabulary))
    return documents


def _words(lines: list[SourceLine]) -> int:
    return sum(len(line.text.split()) for line in lines)


def _report_heading(body: list[SourceLine], header_size: float | None) -> int | None:
    """Where a narrative's text gives way to report text: a heading set as large as narrative headings
    (glossaries, appendices after the last narrative). Only sources that tell type sizes have one."""
    if header_size is None:
        return None
    for i, line in enumerate(body):
        if line.heading and line.size is not None and line.size >= header_size - 0.1 and line.new_paragraph \
                and line.text.rstrip(":").strip().lower() not in _KNOWN_LOWER:
            return i or None
    return None


def _edition_year(info: _Source, lines: list[SourceLine]) -> int | None:
    """The report edition's year from the cover, running heads or page title; then the opening text; then
    the file name."""
    opening = " ".join(line.text for line in lines[:60])[:4000]
    for text in [*info.titles, opening]:
        year = edition_year(text)
        if year:
            return year
    found = _FILE_YEAR.findall(info.stem)
    return int(found[-1]) if found else None


def edition_year(text: str) -> int | None:
    """The year of the edition a text names ("2023 Trafficking in Persons Report", "TIP REPORT | JUNE 2023")."""
    for pattern in _EDITION:
        match = pattern.search(text or "")
        if match:
            return int(match.group(1))
    return None


def _headerless(lines: list[SourceLine], info: _Source, edition: int | None, vocabulary: Vocabulary) -> Document:
    """A file without a narrative heading: a country's page titled so ("2023 Trafficking in Persons Report:
    Lithuania"), a country's file named so ("lithuania-2023.txt"), or report text without a country."""
    for title in info.titles:
        match = _PAGE_TITLE.search(title)
        if match:
            country = canonical_country(match.group("country").strip())
            year = int(match.group(1))
            doc = _build(lines, info, NARRATIVE, year, vocabulary)
            tier = _TIER_SENTENCE.search(doc.text)
            return dataclasses.replace(doc, doc_id=_doc_id(country, year), country=country, title=country,
                                       tier=_canonical_tier(tier.group(1)) if tier else None,
                                       source_line=" ".join(title.split()))
    name = re.sub(r"[-_ ]+", " ", re.sub(r"[-_ ]?(19|20)\d\d$", "", info.stem)).strip()
    country = _known_country(name)
    doc = _build(lines, info, NARRATIVE if country else TEXT, edition, vocabulary)
    if country is None:
        return doc
    return dataclasses.replace(doc, doc_id=_doc_id(country, edition), country=country, title=country)


def _known_country(name: str) -> str | None:
    if not name:
        return None
    found = CountryMatcher([]).find(name)
    if len(found) == 1 and len(name.split()) <= len(found[0].split()) + 1:
        return canonical_country(found[0])
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "doc"


def _doc_id(country: str, year: int | None) -> str:
    return _slug(fold(f"{country} {year}" if year else country))


def _build(
    lines: list[SourceLine],
    info: _Source,
    kind: str,
    edition: int | None,
    vocabulary: Vocabulary,
    header: _Header | None = None,
    header_page: int | None = None,
) -> Document:
    found = paragraphs(lines, vocabulary)
    if not any(p.text for p in found):
        raise ParseError("no text after the header" if header else "no text")
    # Compilation banners such as "[ Human Trafficking, Country-by-Country ]" are not report text.
    found = [p for p in found if not (p.text.startswith("[") and p.text.endswith("]") and len(p.text) < 120)]
    parts: list[str] = []
    marks: list[tuple[int, int]] = []  # (offset in text, page)
    offset = 0
    header_text = header.text.strip() if header else ""
    if header_text:
        parts.append(header_text)
        if header_page is not None:
            marks.append((0, header_page))
        offset = len(header_text) + 2
    sections: list[Section] = []
    title = SUMMARY
    section_start: int | None = None
    first_heading = ""
    for paragraph in found:
        marks += [(offset + at, page) for at, page in paragraph.pages]
        text = paragraph.text
        # Where type tells headings (a PDF), it decides, but the standard section titles are headings anyway.
        if paragraph.heading is None:
            heading = is_heading(text)
        else:
            heading = (paragraph.heading and len(text) <= 120) or text.rstrip(":").strip().lower() in _KNOWN_LOWER
        if heading:
            if section_start is not None:
                sections.append(Section(title, section_start, offset - 2))
            title = _heading_title(text)
            first_heading = first_heading or title
            section_start = None
        elif section_start is None:
            section_start = offset
        parts.append(text)
        offset += len(text) + 2
    if section_start is not None:
        sections.append(Section(title, section_start, offset - 2))
    full = "\n\n".join(parts)
    pages = _page_spans(marks, len(full))
    if header is not None:
        country = canonical_country(header.country)
        year_match = edition_year(header.rest) or _first_year(header.rest)
        year = year_match or edition
        return Document(doc_id=_doc_id(country, year), source=info.source, country=country, tier=header.tier,
                        year=year, source_line=header_text, text=full, sections=tuple(sections), pages=pages,
                        kind=NARRATIVE, title=country)
    name = {FRONT_MATTER: "front matter", BACK_MATTER: "back matter"}.get(kind, "text")
    title_text = first_heading or {FRONT_MATTER: "Front matter", BACK_MATTER: "Back matter"}.get(kind, info.stem)
    doc_id = _slug(info.stem if kind == TEXT else f"{info.stem} {name}")
    return Document(doc_id=doc_id, source=info.source, country=None, tier=None, year=edition,
                    source_line="", text=full, sections=tuple(sections), pages=pages, kind=kind, title=title_text)


def _first_year(text: str) -> int | None:
    found = _FILE_YEAR.search(text or "")
    return int(found.group(1)) if found else None


def _page_spans(marks: list[tuple[int, int]], length: int) -> tuple[tuple[int, int, int], ...]:
    """(start, end, page) spans covering ``[0, length)``, one per run of one page."""
    runs: list[tuple[int, int]] = []
    for start, page in marks:
        if runs and runs[-1][1] == page:
            continue
        if runs and start <= runs[-1][0]:
            runs[-1] = (runs[-1][0], page)
            continue
        runs.append((start, page))
    spans = []
    for i, (start, page) in enumerate(runs):
        end = runs[i + 1][0] if i + 1 < len(runs) else length
        spans.append((0 if i == 0 else start, end, page))
    return tuple(spans)


def _heading_title(text: str) -> str:
    bare = " ".join(text.rstrip(":").split())
    return country_title(bare) if bare.isupper() else bare

