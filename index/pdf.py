"""Read a report PDF's layout: text lines with their positions, running heads and page numbers removed,
columns read in order, paragraph breaks and headings recognised from spacing and type.

pdfminer.six (MIT) gives each text line's box and fonts. Page furniture is found by what repeats: a line
in the outermost rows of a page whose text (digits aside) recurs at the same height on other pages, or a
bare page number there; the bands those lines occupy are then cleared on every page. A page whose lines
leave a vertical gutter free is read column by column, full-width lines (titles, tables) dividing it
into bands read top to bottom.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.errors import ParseError
from index.layout import SourceLine

_CID = re.compile(r"\(cid:\d+\)")
_PRIVATE_BULLETS = str.maketrans({"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "•", "\uf076": "•", "\u25cf": "•"})
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
              "\ufb06": "st"}
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s+of\s+\d{1,4})?$", re.I)
_TERMINAL = ".!?:;\"'”’)]"
FURNITURE_ROWS = 3  # at most this many rows at the top and at the bottom of a page are furniture
ROW_TOLERANCE = 2.5  # points: lines this close in height are one row
POSITION_TOLERANCE = 3.0  # points: a repeated line is at "the same height" within this


@dataclass(frozen=True)
class PdfLine:
    """A text line on a page: its box in PDF points (origin bottom left), its text and type."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    bold: bool

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class PdfPage:
    number: int  # 1-based, as a PDF viewer counts
    width: float
    height: float
    lines: list[PdfLine] = field(default_factory=list)


@dataclass
class PdfText:
    """A PDF's body text as source lines in reading order, and what was set aside."""

    lines: list[SourceLine]
    pages: int
    furniture: list[str]  # distinct running heads, footers and page numbers removed
    cover: str  # the text of the first page that has any
    title: str  # the document information's title, if any


def read_pdf(data: bytes) -> PdfText:
    """The body text of a PDF; ParseError when it cannot be read."""
    pages, title = extract_pages(data)
    if not any(page.lines for page in pages):
        raise ParseError("no text in the PDF (a scanned document needs OCR first)")
    body_size, leading = _body_metrics(pages)
    furniture = find_furniture(pages, leading)
    removed = sorted({line.text for page in pages for line in page.lines if line in furniture})
    cover = next((" ".join(line.text for line in _top_down(page.lines)) for page in pages if page.lines), "")
    lines: list[SourceLine] = []
    flow = _Flow()
    for page in pages:
        body = [line for line in page.lines if line not in furniture]
        lines += page_lines(page, body, body_size, leading, flow)
    return PdfText(lines, len(pages), removed, cover, title)


def _normalise(text: str) -> str:
    text = _CID.sub("•", text).translate(_PRIVATE_BULLETS)
    if any(ch in _LIGATURES for ch in text):
        text = "".join(_LIGATURES.get(ch, ch) for ch in text)
    return _SPACES.sub(" ", text).strip()


def extract_pages(data: bytes) -> tuple[list[PdfPage], str]:
    """Every page's text lines with boxes, sizes and boldness (pdfminer layout analysis), and the title."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        title = _info_title(document)
        manager = PDFResourceManager(caching=True)
        device = PDFPageAggregator(manager, laparams=LAParams(boxes_flow=None, detect_vertical=False))
        interpreter = PDFPageInterpreter(manager, device)
        pages: list[PdfPage] = []
        for number, pdf_page in enumerate(PDFPage.create_pages(document), start=1):
            interpreter.process_page(pdf_page)
            layout = device.get_result()
            page = PdfPage(number, float(layout.width), float(layout.height))
            for box in layout:
                if not isinstance(box, LTTextBox):
                    continue
                for line in box:
                    if not isinstance(line, LTTextLine):
                        continue
                    chars = [c for c in line if isinstance(c, LTChar)]
                    if not chars or sum(1 for c in chars if c.upright) * 2 < len(chars):
                        continue  # rotated text: side tabs and stamps, not body text
                    text = _normalise(line.get_text())
                    if not text:
                        continue
                    sizes = Counter(round(c.size, 1) for c in chars)
                    fonts = Counter(c.fontname for c in chars)
                    bold = re.search(r"bold|black|heavy|semibold|demi|,b$", fonts.most_common(1)[0][0], re.I)
                    page.lines.append(PdfLine(number, line.x0, line.y0, line.x1, line.y1, text,
                                              sizes.most_common(1)[0][0], bool(bold)))
            pages.append(page)
        return pages, title
    except ParseError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files; each means "unreadable"
        raise ParseError(f"corrupt or unreadable PDF ({exc.__class__.__name__}: {exc})") from exc


def _info_title(document) -> str:
    for info in getattr(document, "info", []) or []:
        value = info.get("Title") if isinstance(info, dict) else None
        if hasattr(value, "resolve"):
            value = value.resolve()
        if isinstance(value, bytes):
            if value.startswith(b"\xfe\xff"):
                return value[2:].decode("utf-16-be", errors="replace")
            return value.decode("latin-1", errors="replace")
        if isinstance(value, str):
            return value
    return ""


def _key(text: str) -> str:
    """A line's text with numbers masked, for recognising a running head whatever its page number."""
    return re.sub(r"\d+", "#", unicodedata.normalize("NFKC", text).lower())


def _rows(lines: Sequence[PdfLine]) -> list[list[PdfLine]]:
    """Lines grouped into rows of (nearly) the same height, top row first."""
    rows: list[list[PdfLine]] = []
    for line in sorted(lines, key=lambda ln: -ln.middle):
        if rows and abs(rows[-1][0].middle - line.middle) <= ROW_TOLERANCE:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def find_furniture(pages: Sequence[PdfPage], leading: float) -> set[PdfLine]:
    """Running heads, footers and page numbers: see the module docstring.

    Furniture is also set apart from the text: the outermost row by a gap of at least 1.5 lines, a row
    further in (a two-line running head) by being nearer the row outside it than the text inside it. A
    section heading that happens to top a column on several pages is neither.
    """
    with_text = [page for page in pages if page.lines]
    minimum = 2 if len(with_text) <= 10 else 3
    positions: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for page in with_text:
        for line in page.lines:
            positions[_key(line.text)].append((page.number, line.middle))

    def repeated(line: PdfLine) -> bool:
        pages_there = {n for n, middle in positions[_key(line.text)]
                       if abs(middle - line.middle) <= POSITION_TOLERANCE}
        return len(pages_there) >= minimum

    def is_furniture(line: PdfLine) -> bool:
        return bool(_PAGE_NUMBER.match(line.text)) or repeated(line)

    found: set[PdfLine] = set()
    top_edges: list[float] = []
    bottom_edges: list[float] = []
    for page in with_text:
        rows = _rows(page.lines)
        for ordered, edges in ((rows, top_edges), (rows[::-1], bottom_edges)):
            for k, row in enumerate(ordered[: min(FURNITURE_ROWS, len(ordered) - 1)]):
                inward = abs(row[0].middle - ordered[k + 1][0].middle)
                outward = abs(row[0].middle - ordered[k - 1][0].middle) if k else None
                apart = inward >= 1.5 * leading if outward is None else outward < inward
                if not apart or not all(is_furniture(line) for line in row):
                    break
                found.update(row)
                if any(repeated(line) for line in row):
                    edges += [line.y0 if edges is top_edges else line.y1 for line in row]
    # The bands that repeated furniture occupies hold furniture on every page (a footer seen once, too).
    if len({line.page for line in found}) >= minimum:
        top = min(top_edges) - 1.0 if len(top_edges) >= minimum else None
        bottom = max(bottom_edges) + 1.0 if len(bottom_edges) >= minimum else None
        for page in with_text:
            for line in page.lines:
                if (top is not None and line.y0 >= top) or (bottom is not None and line.y1 <= bottom):
                    found.add(line)
    return found


def _top_down(lines: Sequence[PdfLine]) -> list[PdfLine]:
    return sorted(lines, key=lambda ln: (-round(ln.middle, 0), ln.x0))


def _body_metrics(pages: Sequence[PdfPage]) -> tuple[float, float]:
    """The body text's type size (the size most characters have) and line spacing (baseline to baseline)."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    steps = []
    for page in pages:
        # Lines of body size that start at the same x are lines of one column: their steps are the leading.
        by_x: dict[int, list[float]] = defaultdict(list)
        for line in page.lines:
            if abs(line.size - body) < 0.6:
                by_x[round(line.x0)].append(line.y0)
        for ys in by_x.values():
            ys.sort(reverse=True)
            steps += [round(a - b, 1) for a, b in itertools.pairwise(ys) if 0.8 * body < a - b < 2.5 * body]
    leading = statistics.median(steps) if steps else body * 1.2
    return body, leading


@dataclass
class _Column:
    lines: list[PdfLine]
    left: float
    right: float


def columns(page: PdfPage, lines: Sequence[PdfLine]) -> list[_Column]:
    """The page's lines in reading order, as runs of one column each.

    With a gutter, each band between full-width lines is read left column then right column; a full-width
    line is a run of its own. Without one, the page is one column read top to bottom.
    """
    if not lines:
        return []
    gutter = _gutter(page, lines)
    if gutter is None:
        lines = _merge_rows(lines)
        return [_Column(_top_down(lines), min(ln.x0 for ln in lines), max(ln.x1 for ln in lines))]
    left_side = [ln for ln in lines if ln.x1 <= gutter + 1]
    right_side = [ln for ln in lines if ln.x0 >= gutter - 1 and ln.x1 > gutter + 1]
    crossing = [ln for ln in lines if ln.x0 < gutter - 1 and ln.x1 > gutter + 1]
    # A line that only grazes the gutter (set a little wide) belongs to its column, not across both.
    left_end = max((ln.x1 for ln in left_side), default=gutter)
    right_start = min((ln.x0 for ln in right_side), default=gutter)
    spanning = []
    for line in crossing:
        if line.x1 <= right_start + 6:
            left_side.append(line)
        elif line.x0 >= left_end - 6:
            right_side.append(line)
        else:
            spanning.append(line)
    left = set(_merge_rows(left_side))
    right = set(_merge_rows(right_side))
    lines = [*left, *right, *spanning]
    ordered = _top_down(lines)
    edges = {id(side): (min(ln.x0 for ln in side), max(ln.x1 for ln in side)) for side in (left, right)}
    runs: list[_Column] = []
    band: list[PdfLine] = []

    def flush() -> None:
        for side in (left, right):
            chosen = [ln for ln in band if ln in side]
            if chosen:
                runs.append(_Column(chosen, *edges[id(side)]))
        band.clear()

    for line in ordered:
        if line in left or line in right:
            band.append(line)
        else:  # a full-width line ends the band above it
            flush()
            runs.append(_Column([line], line.x0, line.x1))
    flush()
    return runs


def _merge_rows(lines: Sequence[PdfLine]) -> list[PdfLine]:
    """Pieces of one line of one column that layout analysis split (wide justified word spaces) rejoined."""
    out: list[PdfLine] = []
    for row in _rows(lines):
        row.sort(key=lambda ln: ln.x0)
        current = row[0]
        for piece in row[1:]:
            if piece.size == current.size and piece.bold == current.bold and \
                    0 <= piece.x0 - current.x1 < 4 * current.size:
                current = PdfLine(current.page, current.x0, min(current.y0, piece.y0), piece.x1,
                                  max(current.y1, piece.y1), f"{current.text} {piece.text}", current.size,
                                  current.bold)
            else:
                out.append(current)
                current = piece
        out.append(current)
    return out


def _gutter(page: PdfPage, lines: Sequence[PdfLine]) -> float | None:
    """The x of a vertical gutter that splits the page into two columns of text, or None."""
    best: tuple[int, int, float] | None = None
    gutter = None
    width = page.width
    x = width * 0.3
    while x <= width * 0.7:
        crossing = sum(1 for ln in lines if ln.x0 < x - 1 and ln.x1 > x + 1)
        left = sum(1 for ln in lines if ln.x1 <= x + 1)
        right = sum(1 for ln in lines if ln.x0 >= x - 1)
        score = (crossing, -min(left, right), abs(x - width / 2))
        # A gutter has text on both sides; among those, the one fewest lines cross (full-width titles, tables).
        if min(left, right) >= 3 and (best is None or score < best):
            best, gutter = score, x
        x += 2.0
    if best is None or best[0] > 0.25 * len(lines):
        return None
    return gutter


@dataclass
class _Flow:
    """Where reading stopped: the last line read and its column (carried from page to page)."""

    line: PdfLine | None = None
    column: _Column | None = None
    in_bullet: bool = False
    heading: bool = False


def page_lines(page: PdfPage, lines: Sequence[PdfLine], body_size: float, leading: float,
               flow: _Flow) -> list[SourceLine]:
    """One page's body lines as source lines in reading order, each marked when it starts a paragraph."""
    out: list[SourceLine] = []
    for column in columns(page, lines):
        for line in column.lines:
            heading = line.bold or line.size >= body_size + 1.0
            previous = flow.line
            if previous is None:
                new = True
            elif flow.heading != heading:
                new = True  # a heading is a paragraph of its own
            elif column is not flow.column:
                # A new column or page: the paragraph goes on unless the text before it was complete.
                new = heading or _complete(previous, flow.column)
            else:
                step = previous.y0 - line.y0
                expected = max(leading, 1.2 * max(previous.size, line.size))
                indented = line.x0 - column.left > 4 and previous.x0 - column.left < 2 and not flow.in_bullet
                new = step > 1.2 * expected or indented or _complete(previous, column)
            if line.text.startswith(("•", "▪")):
                flow.in_bullet, new = True, True
            elif new:
                flow.in_bullet = False
            out.append(SourceLine(line.text, page.number, new_paragraph=new, heading=heading, size=line.size))
            flow.line, flow.column, flow.heading = line, column, heading
    return out


def _complete(line: PdfLine, column: _Column | None) -> bool:
    """Whether a line ends its paragraph: it ends a sentence and stops well short of its column's edge."""
    if line.text[-1] not in _TERMINAL:
        return False
    if column is None:
        return True
    return line.x1 < column.right - 0.12 * (column.right - column.left)
