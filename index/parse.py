"""Parse report files (.txt, .md, .html, .pdf) into country narratives with normalised text and sections."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from index.errors import ParseError, SourceNotFoundError
from index.records import Document, Section

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
KNOWN_HEADINGS = (
    "Prioritized Recommendations",
    "Recommendations",
    "Prosecution",
    "Protection",
    "Prevention",
    "Trafficking Profile",
)
SUMMARY = "Summary"
TIERS = ("Tier 1", "Tier 2 Watch List", "Tier 2", "Tier 3", "Special Case")

_TIER = r"(Tier\s+2\s+Watch\s+List|Tier\s+[123]|Special\s+Case)"
# "LITHUANIA (Tier 1) Extracted in part from the U.S. State Dept 2023 TIP Report"
_HEADER_PAREN = re.compile(r"^\s*(?:#+\s*)?([A-Z][A-Z0-9 .,'’()&\-]*?[A-Z.)])\s*\(" + _TIER + r"\)(.*)$", re.I)
# "LITHUANIA: TIER 1" (the report's own layout)
_HEADER_COLON = re.compile(r"^\s*(?:#+\s*)?([A-Z][A-Z0-9 .,'’()&\-]*?[A-Z.)])\s*:\s*" + _TIER + r"\s*$", re.I)
_YEAR = re.compile(r"\b(20\d\d|19\d\d)\b")
_NBSP = re.compile("[\u00a0\u2007\u202f]")
# A Markdown heading's marker is "#" to "######" and a space; "#0" or a lone "#" is text.
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?=\S)")
_TERMINAL = ".!?:;\"'”’)]"
_KNOWN_LOWER = {h.lower() for h in KNOWN_HEADINGS}
_SMALL_WORDS = {"and", "of", "the", "de", "da", "du", "la", "le", "del", "for", "on", "in"}


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
        if from_folder and not any(doc.tier for doc in documents):
            result.ignored.append((str(file), "no country narrative header such as 'COUNTRY (Tier 1)'"))
            continue
        result.files[str(file.resolve())] = hashlib.sha256(data).hexdigest()
        for doc in documents:
            digest = hashlib.sha256(doc.text.encode()).hexdigest()
            if digest in seen_texts:
                result.skipped.append((f"{file} ({doc.country})", f"same text as {seen_texts[digest]}"))
                continue
            seen_texts[digest] = doc.doc_id
            doc_id = doc.doc_id
            suffix = 2
            while doc_id in seen_ids:
                doc_id = f"{doc.doc_id}-{suffix}"
                suffix += 1
            seen_ids.add(doc_id)
            if doc_id != doc.doc_id:
                doc = _with_id(doc, doc_id)
            result.documents.append(doc)
    return result


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _with_id(doc: Document, doc_id: str) -> Document:
    return dataclasses.replace(doc, doc_id=doc_id)


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


def parse_bytes(data: bytes, path: Path) -> list[Document]:
    """Parse one file's bytes by its suffix into one or more narratives."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParseError(f"unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED_SUFFIXES)}")
    if suffix == ".pdf":
        pages = _pdf_pages(data)
        # A form feed on its own line marks each page break; paragraphs split by one are rejoined later.
        return parse_text("\n\f\n".join(pages), str(path), stem=path.stem)
    if b"\x00" in data[:8192]:
        raise ParseError("binary data, not text")
    text = _decode(data)
    if suffix in (".html", ".htm"):
        text = html_to_text(text)
    return parse_text(text, str(path), stem=path.stem)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Legacy Windows exports are the usual non-UTF-8 text; cp1252 maps nearly every byte.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ParseError("text is neither UTF-8 nor Windows-1252") from exc


def _pdf_pages(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ParseError(f"corrupt or unreadable PDF ({exc.__class__.__name__}: {exc})") from exc


class _TextExtractor(HTMLParser):
    _BLOCKS: ClassVar[set[str]] = {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "ul", "ol",
        "table", "header", "footer", "blockquote", "title",
    }
    _SKIP: ClassVar[set[str]] = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, block elements as paragraphs; scripts and styles dropped."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return html.unescape("".join(extractor.parts))


def parse_text(raw: str, source: str, stem: str = "report") -> list[Document]:
    """Split raw text into narratives (one per country header) and parse each.

    Form feeds in ``raw`` mark page breaks (PDF); page spans are kept on each document.
    """
    raw = _NBSP.sub(" ", raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = raw.split("\n")
    headers = [i for i, line in enumerate(lines) if _match_header(line.replace("\f", ""))]
    if not raw.strip():
        raise ParseError("empty file")
    if not headers:
        return [_build(lines, None, source, stem, stem)]
    documents = []
    multiple = len(headers) > 1
    for n, line_no in enumerate(headers):
        stop = headers[n + 1] if n + 1 < len(headers) else len(lines)
        # A page break just before the next header belongs to this narrative.
        header = _match_header(lines[line_no].replace("\f", ""))
        doc_stem = f"{stem}-{_slug(header[0])}" if multiple else stem
        documents.append(_build(lines[line_no + 1 : stop], header, source, doc_stem, stem, lines[line_no]))
    return documents


def _match_header(line: str) -> tuple[str, str, str] | None:
    line = line.strip()
    if len(line) > 300:
        return None
    match = _HEADER_PAREN.match(line) or _HEADER_COLON.match(line)
    if not match:
        return None
    country = match.group(1).strip()
    if not any(c.isalpha() for c in country) or country != country.upper():
        return None
    rest = match.group(3) if match.re is _HEADER_PAREN else ""
    return country, _canonical_tier(match.group(2)), rest.strip()


def _canonical_tier(value: str) -> str:
    value = " ".join(value.split()).lower()
    for tier in TIERS:
        if tier.lower() == value:
            return tier
    raise ParseError(f"unknown tier {value!r}")


def country_title(name: str) -> str:
    """'DOMINICAN REPUBLIC' -> 'Dominican Republic'; 'GUINEA-BISSAU' -> 'Guinea-Bissau'."""
    words = []
    for i, word in enumerate(name.lower().split()):
        if i and word in _SMALL_WORDS:
            words.append(word)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(words)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "doc"


def _build(
    lines: list[str],
    header: tuple[str, str, str] | None,
    source: str,
    doc_id: str,
    stem: str,
    header_line: str = "",
) -> Document:
    paragraphs = _paragraphs(lines)
    if not any(text for text, _ in paragraphs):
        raise ParseError("no text after the header" if header else "no text")
    # Compilation banners such as "[ Human Trafficking, Country-by-Country ]" are not narrative text.
    paragraphs = [(t, p) for t, p in paragraphs if not (t.startswith("[") and t.endswith("]") and len(t) < 120)]
    parts: list[str] = []
    page_marks: list[tuple[int, int]] = []  # (offset in text, page number)
    offset = 0
    header_text = header_line.replace("\f", "").strip() if header else ""
    if header_text:
        parts.append(header_text)
        offset = len(header_text) + 2
    sections: list[Section] = []
    title = SUMMARY
    section_start: int | None = None
    for text, page in paragraphs:
        if page is not None and (not page_marks or page_marks[-1][1] != page):
            page_marks.append((offset, page))
        if _is_heading(text):
            if section_start is not None:
                sections.append(Section(title, section_start, offset - 2))
            title = _heading_title(text)
            section_start = None
        elif section_start is None:
            section_start = offset
        parts.append(text)
        offset += len(text) + 2
    if section_start is not None:
        sections.append(Section(title, section_start, offset - 2))
    full = "\n\n".join(parts)
    pages = _page_spans(page_marks, len(full))
    if header:
        country, tier, rest = header
        country = country_title(country)
        year_match = _YEAR.search(rest)
        year = int(year_match.group(1)) if year_match else None
    else:
        country = country_title(re.sub(r"[-_]+", " ", re.sub(r"[-_ ]?(19|20)\d\d$", "", stem)))
        tier = None
        years = _YEAR.findall(full[:2000])
        year = int(years[0]) if years else None
    return Document(
        doc_id=_slug(doc_id),
        source=source,
        country=country,
        tier=tier,
        year=year,
        source_line=header_text,
        text=full,
        sections=tuple(sections),
        pages=pages,
    )


def _page_spans(marks: list[tuple[int, int]], length: int) -> tuple[tuple[int, int], ...]:
    if not marks:
        return ()
    spans = []
    for i, (start, _page) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else length
        spans.append((0 if i == 0 else start, end))
    return tuple(spans)


def _paragraphs(lines: list[str]) -> list[tuple[str, int | None]]:
    """Join hard-wrapped lines into paragraphs and repair paragraphs broken mid-sentence.

    Returns (paragraph text, page index or None) pairs; pages come from form feeds.
    """
    has_pages = any("\f" in line for line in lines)
    page = 0
    blocks: list[tuple[list[str], int | None]] = []
    current: list[str] = []
    current_page = 0
    for raw_line in lines:
        if "\f" in raw_line:
            page += raw_line.count("\f")
        line = _MARKDOWN_HEADING.sub("", raw_line.replace("\f", " ").strip())
        if not line:
            if current:
                blocks.append((current, current_page if has_pages else None))
                current = []
            continue
        # A heading on its own line is its own paragraph even inside a hard-wrapped block.
        if line.rstrip(":").strip().lower() in _KNOWN_LOWER:
            if current:
                blocks.append((current, current_page if has_pages else None))
            blocks.append(([line], page if has_pages else None))
            current = []
            continue
        if not current:
            current_page = page
        current.append(line)
    if current:
        blocks.append((current, current_page if has_pages else None))
    paragraphs: list[tuple[str, int | None]] = []
    for block_lines, block_page in blocks:
        text = _join_lines(block_lines)
        if paragraphs and _continues(paragraphs[-1][0], text):
            paragraphs[-1] = (paragraphs[-1][0] + " " + text, paragraphs[-1][1])
        else:
            paragraphs.append((text, block_page))
    return [(p, pg + 1 if pg is not None else None) for p, pg in paragraphs]


def _join_lines(lines: list[str]) -> str:
    joined = lines[0]
    for line in lines[1:]:
        # Words hyphenated across a line break ("anti-\ntrafficking") keep the hyphen and no space.
        joined += line if joined.endswith("-") and not joined.endswith(" -") else " " + line
    return joined


def _continues(previous: str, following: str) -> bool:
    """True when ``following`` is the rest of a sentence that ``previous`` left unfinished."""
    return (
        bool(previous)
        and previous[-1] not in _TERMINAL
        and not _is_heading(previous)
        and following[:1].islower()
    )


def _is_heading(text: str) -> bool:
    bare = text.rstrip(":").strip()
    if bare in KNOWN_HEADINGS or bare.title() in KNOWN_HEADINGS:
        return True
    words = bare.split()
    if not words or len(words) > 6 or len(bare) > 60 or bare[-1] in ".!?;,":
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(significant) and all(w[:1].isupper() for w in significant) and bare[:1].isupper()


def _heading_title(text: str) -> str:
    bare = text.rstrip(":").strip()
    return bare.title() if bare.isupper() else bare
