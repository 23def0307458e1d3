"""Write report-like PDFs laid out as the State Department's TIP report is, and record what was printed where.

The layout: a cover ("TRAFFICKING IN PERSONS REPORT", "JUNE 2023"), an introduction in two columns, a
full-width tier placement table, then the country narratives flowing on in two columns from page to page.
Every page after the cover has a running head with the printed page number (alternating sides) and a
footer naming the part of the report. Body text is justified, and words that do not fit at a line's end
are hyphenated (compounds only at their own hyphen). Narrative headings come in every rendering seen in
published editions ("LITHUANIA: TIER 1", "Madagascar (Tier 2 Watch List)", "Haiti: Tier 2 Watch List",
"Cambodia (Tier 3)", optionally split over two lines), and recommendation lists in three renderings
(one bullet per line, several on one line joined by " • ", run together with no separator).

The writer also returns the ground truth the parser should recover: each narrative's country, tier and
year, the PDF page (1-based) on which every word of every paragraph was printed, and the words split at
line ends. It uses reportlab (BSD; in the ``test`` extra) and imports it only when called.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PAGE_W, PAGE_H = 612.0, 792.0  # US letter, points
MARGIN_X = 54.0
BODY_TOP = PAGE_H - 78.0
BODY_BOTTOM = 62.0
GUTTER = 20.0
COLUMN_W = (PAGE_W - 2 * MARGIN_X - GUTTER) / 2
BODY_FONT, BODY_SIZE, LEADING = "Times-Roman", 9.5, 11.6
HEAD_FONT = "Helvetica-Bold"
NARRATIVE_HEAD_SIZE, SECTION_HEAD_SIZE = 12.0, 9.0
FURNITURE_FONT, FURNITURE_SIZE = "Helvetica", 7.0
PARAGRAPH_GAP = 4.5
BULLET = "•"
BULLET_STYLES = ("lines", "inline", "runon")

INTRODUCTION = (
    "The Trafficking Victims Protection Act requires the Secretary of State to submit to Congress each year a "
    "report on the efforts of foreign governments to eliminate severe forms of trafficking in persons. This "
    "report is the most comprehensive resource of governmental anti-trafficking efforts and reflects the "
    "commitment of the United States to global leadership on this key human rights and law enforcement issue.",
    "Governments that fully meet the minimum standards are placed on Tier 1. Governments that do not fully meet "
    "the minimum standards but are making significant efforts to do so are placed on Tier 2. Countries such as "
    "Cambodia (Tier 3) and Haiti (Tier 2 Watch List) are discussed in their own narratives below. The report "
    "covers government-compelled labor, forced criminality and the recruitment of children by armed groups.",
    "Each country narrative opens with a summary of the government's efforts, then gives prioritized "
    "recommendations and describes prosecution, protection and prevention efforts during the reporting period. "
    "Each narrative closes with a trafficking profile that describes how traffickers exploit victims.",
)
METHODOLOGY = (
    "The Department of State prepared this report using information from U.S. embassies, government officials, "
    "nongovernmental and international organizations, published reports, news articles, academic studies, "
    "consultations with authorities and organizations in every region of the world, and information submitted "
    "to an email address established for this purpose. A tier placement reflects the extent of a government's "
    "efforts to meet the minimum standards, not the size of the country's problem.",
)
TIER_COLUMNS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")
# A list in the front matter that looks like narrative headings but is plain text in a table.
CHANGES_TITLE = "TIER CHANGES SINCE THE PREVIOUS REPORT"


@dataclass
class NarrativeSpec:
    """One narrative to print: the country the parser should report, and how its heading is rendered."""

    country: str
    tier: str
    heading: str  # as printed, e.g. "LITHUANIA: TIER 1" or "Madagascar (Tier 2 Watch List)"
    summary: list[str]
    recommendations: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # (title as printed, paragraphs)
    bullet_style: str = "lines"
    heading_lines: tuple[str, ...] = ()  # print the heading over these lines (joined by spaces: ``heading``)


@dataclass
class PrintedParagraph:
    """A paragraph as the parser should rebuild it, with the PDF page of each of its words."""

    text: str
    word_pages: list[int]
    narrative: int | None  # index into the narratives, None for front matter
    kind: str  # "body", "bullet", "heading"


@dataclass
class SplitWord:
    """A word printed across a line end: ``word`` is how it reads joined (compounds keep their hyphen)."""

    word: str
    printed: str  # "cons-|idering"
    compound: bool
    page: int


@dataclass
class PrintedReport:
    path: Path
    year: int
    pages: int
    narratives: list[NarrativeSpec]
    first_pages: list[int]  # PDF page of each narrative's heading
    paragraphs: list[PrintedParagraph]
    split_words: list[SplitWord]
    running_head: str
    front_matter_words: int

    def printed_page(self, narrative: int, text: str, offset: int) -> int:
        """The page on which the word at ``offset`` of ``text`` was printed, ``text`` being narrative
        ``narrative`` as a parser rebuilds it (its words in order, whatever whitespace separates them)."""
        printed = [(word, page) for p in self.paragraphs if p.narrative == narrative
                   for word, page in zip(p.text.split(" "), p.word_pages, strict=True)]
        for index, match in enumerate(re.finditer(r"\S+", text)):
            # A compound the corpus also spells closed may come back joined ("inter-agency", "interagency").
            if index >= len(printed) or match.group().replace("-", "") != printed[index][0].replace("-", ""):
                raise ValueError(f"word {index} of narrative {narrative} is not the printed one: {match.group()!r}")
            if match.end() > offset:
                return printed[index][1]
        raise ValueError(f"offset {offset} is past narrative {narrative}'s text")


def same_text(parsed: str, printed: str) -> bool:
    """Whether a parser's text is the printed text, a bullet starting a new paragraph or not."""
    return re.sub(r"\n\n(?=• )", " ", parsed) == re.sub(r"\n\n(?=• )", " ", printed)


def heading_text(country: str, tier: str, style: str) -> str:
    """A narrative heading in one of the published renderings."""
    if style == "upper-colon":
        return f"{country.upper()}: {tier.upper()}"
    if style == "colon":
        return f"{country}: {tier}"
    if style == "upper-paren":
        return f"{country.upper()} ({tier})"
    return f"{country} ({tier})"


def narrative_from(document, country: str | None = None, tier: str | None = None, style: str = "upper-colon",
                   bullet_style: str = "lines", recommendations: Sequence[str] | None = None,
                   heading_lines: Sequence[str] = ()) -> NarrativeSpec:
    """A narrative to print from a parsed ``index.records.Document``: its summary, recommendations and other
    sections, optionally under another country's name (every mention renamed) and tier.

    ``style`` is a ``heading_text`` rendering; section titles follow its case. ``heading_lines`` prints the
    heading over those lines instead (their words joined by spaces are the heading).
    """
    country = country or document.country
    tier = tier or document.tier

    def rename(text: str) -> str:
        text = re.sub(rf"(?<![\w-]){re.escape(document.country)}(?![\w-])", country, text)
        if tier != document.tier:
            replacement = "a Special Case" if tier == "Special Case" else tier
            text = re.sub(r"(remained on|downgraded to|upgraded to) (Tier 2 Watch List|Tier [123])",
                          lambda m: f"{m.group(1) if tier != 'Special Case' else 'remained'} {replacement}", text)
        return text

    summary: list[str] = []
    items: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for n, section in enumerate(document.sections):
        paragraphs = [rename(p.strip()) for p in document.text[section.start:section.end].split("\n\n") if p.strip()]
        if n == 0:
            summary = paragraphs
        elif "recommendation" in section.title.lower():
            items = [p.lstrip("•▪ ").strip() for p in paragraphs]
        else:
            title = section.title.upper() if style.startswith("upper") else section.title
            sections.append((title, paragraphs))
    if recommendations is not None:
        items = [rename(item) for item in recommendations]
    heading = " ".join(heading_lines) if heading_lines else heading_text(country, tier, style)
    return NarrativeSpec(country, tier, heading, summary, items, sections, bullet_style, tuple(heading_lines))


class _Writer:
    """Flows paragraphs through two columns on reportlab canvas pages and records where each word lands."""

    def __init__(self, path: Path, year: int) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfgen.canvas import Canvas

        self.width = stringWidth
        self.canvas = Canvas(str(path), pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        self.canvas.setTitle(f"Trafficking in Persons Report {year}")
        self.year = year
        self.running_head = f"TRAFFICKING IN PERSONS REPORT | JUNE {year}"
        self.page = 1
        self.part = ""
        self.column = 0
        self.y = BODY_TOP
        self.page_has_body = False
        self.paragraphs: list[PrintedParagraph] = []
        self.split_words: list[SplitWord] = []

    # Pages

    def _furniture(self) -> None:
        if self.page == 1:
            return
        c = self.canvas
        folio = str(self.page - 1)  # the cover is not numbered: printed numbers lag the PDF's by one
        c.setFont(FURNITURE_FONT, FURNITURE_SIZE)
        if self.page % 2 == 0:
            c.drawString(MARGIN_X, PAGE_H - 40, folio)
            c.drawString(MARGIN_X + 24, PAGE_H - 40, self.running_head)
        else:
            c.drawRightString(PAGE_W - MARGIN_X - 24, PAGE_H - 40, self.running_head)
            c.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 40, folio)
        if self.part:
            c.drawCentredString(PAGE_W / 2, 32, self.part)

    def new_page(self) -> None:
        self._furniture()
        self.canvas.showPage()
        self.page += 1
        self.column = 0
        self.y = BODY_TOP
        self.page_has_body = False

    def finish(self) -> int:
        self._furniture()
        self.canvas.save()
        return self.page

    def _next_column(self) -> None:
        if self.column == 0:
            self.column = 1
            self.y = BODY_TOP
        else:
            self.new_page()

    def _x(self) -> float:
        return MARGIN_X + self.column * (COLUMN_W + GUTTER)

    # Text

    def _wrap(self, words: list[str], font: str, size: float, width: float,
              hyphenate: bool) -> list[tuple[list[tuple[int, str]], bool]]:
        """Lines of (word index, printed piece) with whether the line ends in a hyphenated split."""
        space = self.width(" ", font, size)
        lines: list[tuple[list[tuple[int, str]], bool]] = []
        current: list[tuple[int, str]] = []
        used = 0.0
        queue = [(i, w) for i, w in enumerate(words)]
        while queue:
            index, word = queue.pop(0)
            need = self.width(word, font, size) + (space if current else 0)
            if used + need <= width:
                current.append((index, word))
                used += need
                continue
            room = width - used - (space if current else 0)
            piece = _split_for(word, room, lambda s: self.width(s, font, size)) if hyphenate else None
            if piece is not None:
                head, tail = piece
                current.append((index, head))
                lines.append((current, True))
                queue.insert(0, (index, tail))
            elif current:
                lines.append((current, False))
                queue.insert(0, (index, word))
            else:  # a single word wider than the column: print it as it is
                lines.append(([(index, word)], False))
            current, used = [], 0.0
        if current:
            lines.append((current, False))
        return lines

    def flow(self, text: str, font: str = BODY_FONT, size: float = BODY_SIZE, narrative: int | None = None,
             kind: str = "body", gap: float = PARAGRAPH_GAP, indent: float = 0.0, hyphenate: bool = True,
             keep_with_next: int = 0, forced_lines: Sequence[str] = ()) -> None:
        """Print one paragraph in the column flow, moving to the next column or page as it fills.

        A bullet paragraph hangs: its first line starts at the column's edge, the others ``indent`` in.
        ``forced_lines`` prints a heading over those lines (their words joined by spaces make ``text``).
        """
        words = text.split(" ")
        leading = LEADING if size <= BODY_SIZE + 0.5 else size * 1.25
        if forced_lines:
            lines, at = [], 0
            for printed in forced_lines:
                parts = printed.split(" ")
                lines.append(([(at + k, w) for k, w in enumerate(parts)], False))
                at += len(parts)
        else:
            lines = self._wrap(words, font, size, COLUMN_W - indent, hyphenate)
        if self.page_has_body and self.y != BODY_TOP:
            self.y -= gap
        if self.y - (min(len(lines), 1 + keep_with_next) + keep_with_next) * leading < BODY_BOTTOM:
            self._next_column()
        pages = [0] * len(words)
        for n, (pieces, hyphenated) in enumerate(lines):
            if self.y - leading < BODY_BOTTOM:
                self._next_column()
            self.y -= leading
            offset = indent if (kind != "bullet" or n > 0) else 0.0
            printed = " ".join(p for _, p in pieces)
            last = n == len(lines) - 1
            justify = None if last or forced_lines or kind == "heading" else COLUMN_W - offset
            self._draw(self._x() + offset, self.y, printed, font, size, justify)
            self.page_has_body = True
            for index, _piece in pieces:
                pages[index] = pages[index] or self.page
            if hyphenated:
                index, head = pieces[-1]
                joined = words[index]
                compound = joined.startswith(head)
                tail = joined[len(head):] if compound else joined[len(head) - 1:]
                self.split_words.append(SplitWord(_bare(joined), f"{head}|{tail}", compound, self.page))
        self.paragraphs.append(PrintedParagraph(text, pages, narrative, kind))

    def _draw(self, x: float, y: float, text: str, font: str, size: float, justify_to: float | None) -> None:
        c = self.canvas
        t = c.beginText(x, y)
        t.setFont(font, size)
        gaps = text.count(" ")
        extra = (justify_to - self.width(text, font, size)) / gaps if justify_to is not None and gaps else 0.0
        # Word spacing is text state that outlives the text object: set it on every line, 0 when not justified.
        t.setWordSpace(extra if 0 < extra < 6 else 0.0)
        t.textOut(text)
        c.drawText(t)

    def draw_at(self, x: float, y: float, text: str, font: str, size: float, narrative: int | None = None,
                kind: str = "body", record: bool = True) -> None:
        """Print one line at a fixed position (cover, tables), recording it as a paragraph."""
        c = self.canvas
        c.setFont(font, size)
        c.drawString(x, y, text)
        self.page_has_body = True
        if record:
            self.paragraphs.append(PrintedParagraph(text, [self.page] * len(text.split(" ")), narrative, kind))


def _bare(word: str) -> str:
    return word.strip(".,;:()“”\"'’")


_VOWELS = set("aeiouyAEIOUY")


def _split_for(word: str, room: float, width) -> tuple[str, str] | None:
    """Where a typesetter would break ``word`` to fill ``room``: (head ending in "-", tail), or None."""
    if room <= 0:
        return None
    if "-" in word.strip("-"):
        cuts = [m.end() for m in re.finditer("-", word) if 0 < m.start() < len(word) - 1]
        for cut in reversed(cuts):
            if width(word[:cut]) <= room:
                return word[:cut], word[cut:]
        return None
    core = re.match(r"^([A-Za-z]+)([.,;:)”’]*)$", word)
    if not core or len(core.group(1)) < 7:
        return None
    letters = core.group(1)
    for cut in range(len(letters) - 3, 2, -1):
        before, after = letters[cut - 1], letters[cut]
        if before not in _VOWELS and after in _VOWELS:  # break between syllables: "con-sid", "traf-fick"
            continue
        head = letters[:cut] + "-"
        if width(head) <= room:
            return head, word[cut:]
    return None


def _tier_table(writer: _Writer, narratives: list[NarrativeSpec]) -> None:
    """A full-width page: the tier placement table, then a plain list of tier changes."""
    writer.part = "TIER PLACEMENTS"
    y = BODY_TOP - 10
    writer.draw_at(MARGIN_X, y, "TIER PLACEMENTS", HEAD_FONT, 16)
    y -= 30
    width = (PAGE_W - 2 * MARGIN_X) / len(TIER_COLUMNS)
    for n, tier in enumerate(TIER_COLUMNS):
        x = MARGIN_X + n * width
        writer.draw_at(x, y, tier.upper(), HEAD_FONT, 9)
        names = sorted(s.country.upper() for s in narratives if s.tier == tier)
        for k, name in enumerate(names):
            writer.draw_at(x, y - 14 - k * 11, name, BODY_FONT, 8.5)
    rows = max((sum(1 for s in narratives if s.tier == t) for t in TIER_COLUMNS), default=0)
    y -= 14 + rows * 11 + 30
    special = sorted(s.country.upper() for s in narratives if s.tier == "Special Case")
    if special:
        writer.draw_at(MARGIN_X, y, "SPECIAL CASES", HEAD_FONT, 9)
        writer.draw_at(MARGIN_X, y - 14, ", ".join(special), BODY_FONT, 8.5)
        y -= 44
    writer.draw_at(MARGIN_X, y, CHANGES_TITLE, HEAD_FONT, 9)
    for k, spec in enumerate(narratives[:4]):
        # Plain-text rows in the very renderings of narrative headings: a list, not narratives.
        row = heading_text(spec.country, spec.tier, ("upper-colon", "paren", "colon", "upper-paren")[k % 4])
        writer.draw_at(MARGIN_X, y - 14 - k * 11, row, BODY_FONT, 8.5)


def _recommendations(writer: _Writer, spec: NarrativeSpec, index: int) -> None:
    title = "PRIORITIZED RECOMMENDATIONS:" if spec.heading.isupper() else "Prioritized Recommendations:"
    writer.flow(title, HEAD_FONT, SECTION_HEAD_SIZE, index, "heading", hyphenate=False, keep_with_next=2)
    items = spec.recommendations
    if spec.bullet_style == "lines":
        for item in items:
            writer.flow(f"{BULLET} {item}", narrative=index, kind="bullet", indent=8.0, gap=1.5)
    elif spec.bullet_style == "inline":
        writer.flow(" ".join(f"{BULLET} {item}" for item in items), narrative=index)
    else:
        writer.flow("".join(items), narrative=index)


GLOSSARY = (
    ("GLOSSARY OF ACRONYMS", (
        "NAP: national action plan. NGO: nongovernmental organization. SLI: State Labor Inspection. "
        "TIP: trafficking in persons. TVPA: Trafficking Victims Protection Act of 2000, as amended.",
        "These acronyms appear throughout the country narratives; each narrative also spells out the acronyms "
        "it uses the first time it uses them.",
    )),
)


def write_report(path: Path, narratives: list[NarrativeSpec], year: int = 2023,
                 back_matter: Sequence[tuple[str, Sequence[str]]] = GLOSSARY) -> PrintedReport:
    """Print a report of ``narratives`` to ``path`` (then ``back_matter``: titled chapters after the last
    narrative) and return where everything landed."""
    path = Path(path)
    writer = _Writer(path, year)
    c = writer.canvas
    # Cover
    c.setFont(HEAD_FONT, 30)
    c.drawCentredString(PAGE_W / 2, PAGE_H / 2 + 40, "TRAFFICKING IN PERSONS REPORT")
    c.setFont("Helvetica", 20)
    c.drawCentredString(PAGE_W / 2, PAGE_H / 2, f"JUNE {year}")
    writer.paragraphs.append(PrintedParagraph("TRAFFICKING IN PERSONS REPORT", [1] * 4, None, "heading"))
    writer.paragraphs.append(PrintedParagraph(f"JUNE {year}", [1, 1], None, "heading"))
    writer.new_page()
    # Introduction and methodology, two columns
    writer.part = "INTRODUCTION"
    front_words = 0
    for title, paragraphs in (("INTRODUCTION", INTRODUCTION), ("METHODOLOGY", METHODOLOGY)):
        writer.flow(title, HEAD_FONT, NARRATIVE_HEAD_SIZE, None, "heading", hyphenate=False, keep_with_next=2)
        for paragraph in paragraphs:
            writer.flow(paragraph)
            front_words += len(paragraph.split())
    writer.new_page()
    _tier_table(writer, narratives)
    writer.new_page()
    # Country narratives
    writer.part = "COUNTRY NARRATIVES"
    first_pages = []
    for index, spec in enumerate(narratives):
        writer.flow(spec.heading, HEAD_FONT, NARRATIVE_HEAD_SIZE, index, "heading", gap=14.0, hyphenate=False,
                    keep_with_next=3, forced_lines=spec.heading_lines)
        first_pages.append(writer.paragraphs[-1].word_pages[0])
        for paragraph in spec.summary:
            writer.flow(paragraph, narrative=index)
        if spec.recommendations:
            _recommendations(writer, spec, index)
        for title, paragraphs in spec.sections:
            writer.flow(title, HEAD_FONT, SECTION_HEAD_SIZE, index, "heading", hyphenate=False, keep_with_next=2)
            for paragraph in paragraphs:
                writer.flow(paragraph, narrative=index)
    for title, paragraphs in back_matter:
        writer.flow(title, HEAD_FONT, NARRATIVE_HEAD_SIZE, None, "heading", gap=14.0, hyphenate=False,
                    keep_with_next=2)
        for paragraph in paragraphs:
            writer.flow(paragraph)
    pages = writer.finish()
    return PrintedReport(path, year, pages, narratives, first_pages, writer.paragraphs, writer.split_words,
                         writer.running_head, front_words)
