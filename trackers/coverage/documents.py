"""Reading an uploaded document: a report as plain text, whatever format it came in (.txt, .html, .pdf, .docx).

Government work reports run to 15,000–33,000 characters and come as PDF or Word files more often than as text. Each
reader gives the text in reading order with one line per paragraph, the title the file carries, and a publication
date only when the text itself prints one near its top (`published_in`): a file's creation or modification time is
when someone saved it, not when the report was given, and a wrong date turns every 今年 of the report into another
year. `published=None` means unknown; the caller decides what to do about it.

Files come from admins, but a file can still be hostile or broken: a PDF is read to at most `MAX_PAGES` pages and
`MAX_CHARS` characters, a .docx's zip to at most `MAX_DOCX_BYTES` unpacked, and whatever the libraries raise on a
damaged file becomes `UnreadableDocument` (an `EmptyArticle`, so every caller that handles an empty article handles
it too). PDF reading is CPU-bound (a 30,000-character report takes a few tenths of a second): call it off the event
loop.
"""

from __future__ import annotations

import io
import re
import statistics
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from trackers.coverage.articles import ArticleText, EmptyArticle, published_in, text_from_html
from trackers.extract import ExtractionError
from trackers.extract.text import prepare

UPLOAD_TYPES = (".txt", ".html", ".htm", ".pdf", ".docx")
# A work report is 30-80 pages; a 400-page upload is not one, and reading it would hold a worker for a minute.
MAX_PAGES = 400
# About 2,500 characters a page at most, over the page cap.
MAX_CHARS = 1_000_000
# A .docx is a zip: what it unpacks to is capped, so a small file cannot inflate to gigabytes (a zip bomb).
MAX_DOCX_BYTES = 100_000_000


class UnreadableDocument(EmptyArticle):
    """The file is not what its name says, or it is damaged."""


class EncryptedDocument(UnreadableDocument):
    """The PDF needs a password to open (one that only restricts copying or printing opens without it)."""


class DocumentTooLong(UnreadableDocument):
    """More pages or text than a report has: refused rather than read."""

    pages, chars = MAX_PAGES, MAX_CHARS


class NoTextLayer(EmptyArticle):
    """A PDF whose pages are pictures (a scan): there is no text to read without OCR."""


def text_from_upload(data: bytes, file_name: str) -> ArticleText:
    """An uploaded file's text, by its name's suffix: .pdf, .docx, .html/.htm, anything else as plain text. CPU-bound
    for PDFs. Raises EmptyArticle (or one of its kinds above) when there is nothing to read."""
    suffix = file_name.lower().rpartition(".")[2]
    if suffix == "pdf":
        return text_from_pdf(data, file_name)
    if suffix == "docx":
        return text_from_docx(data, file_name)
    raw = decode_text(data, file_name)
    if suffix in ("html", "htm"):
        return text_from_html(raw)
    try:
        text = prepare(raw).strip()
    except ExtractionError as exc:
        raise EmptyArticle(file_name) from exc
    return ArticleText(text=text, published=published_in(text))


def decode_text(data: bytes, file_name: str) -> str:
    """Plain text as Chinese users save it: UTF-8 (with or without a BOM), UTF-16 with a BOM (Notepad's "Unicode"),
    or GB18030 (which reads GBK and GB2312 too)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(file_name)


# -- PDF ----------------------------------------------------------------------------------------------------------
#
# pypdf rather than pdfminer.six: on a 23,000-character report both give every character back, pypdf 1.5 to 2.5
# times as fast (bench/bench_documents.py), and where a justified line spreads its characters apart pdfminer puts a
# space between every two of them while pypdf keeps the words whole.
#
# Neither library knows where a Chinese paragraph ends. A PDF has no paragraphs, only lines placed on a page, and a
# Chinese line ends wherever the width ran out, inside a word or a number as often as not. The libraries give each
# line back on its own, ended by a newline, and whoever joins them with a space (as text tools do) splits the word or
# the number for the extractor. So the lines are joined here, from where each one sits on its page: a paragraph ends
# at a blank line, a wider gap than the usual line spacing, an indented next line or a line that stops short of the
# right margin. Lines of one paragraph are joined with nothing between them, but for a space between two Latin words.

# What pypdf raises on damaged or hostile files: its own errors, and the Python errors its parser lets through.
_PDF_ERRORS = (
    ArithmeticError,
    AssertionError,
    AttributeError,
    KeyError,
    IndexError,
    OSError,
    RecursionError,
    TypeError,
    ValueError,
    zlib.error,
)
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)[\s\-—–－_·•]*$",
    re.I,
)
_DIGITS = re.compile(r"\d+")
_LATIN = re.compile(r"[A-Za-z0-9]")
_FIRST_WORD = re.compile(r"[A-Za-z0-9.,%'’-]+|.")
# A justified line spreads Latin words apart; pypdf reads a wide gap as two spaces.
_SPACES = re.compile(r"[ \t]{2,}")
# Lines at a page's top and at its bottom where running headers, footers and page numbers sit.
_BAND = 2


@dataclass
class _Line:
    text: str
    page: int
    x: float | None = None  # where the line starts, in points from the page's left edge
    y: float | None = None  # its baseline, in points from the bottom
    size: float = 0.0  # its font size, in points

    @property
    def end(self) -> float:
        """Where the line ends, estimated: pypdf tells where text starts, not how wide it is. A Chinese character is
        one em wide, and so are the quotes and dashes a Chinese font draws (Unicode's "ambiguous" width); Latin
        letters and digits are about half of one."""
        ems = sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in self.text.strip())
        return (self.x or 0.0) + ems * self.size


def text_from_pdf(data: bytes, file_name: str) -> ArticleText:
    """A PDF's text layer, in paragraphs. Raises UnreadableDocument (EncryptedDocument, DocumentTooLong) or
    NoTextLayer."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        # An encrypted PDF that only restricts copying or printing opens with the empty password, which pypdf tries.
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PAGES:
            raise DocumentTooLong(file_name)
        pages, chars = [], 0
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES:  # the page tree said fewer than it holds
                raise DocumentTooLong(file_name)
            lines = _page_lines(page, number)
            chars += sum(len(line.text) for line in lines)
            if chars > MAX_CHARS:
                raise DocumentTooLong(file_name)
            pages.append(lines)
        title = _pdf_title(reader)
    except UnreadableDocument:
        raise
    except FileNotDecryptedError as exc:
        raise EncryptedDocument(file_name) from exc
    except (PyPdfError, *_PDF_ERRORS) as exc:
        raise UnreadableDocument(file_name) from exc
    text = "\n".join(_paragraphs(_without_furniture(pages)))
    if not text.strip():
        raise NoTextLayer(file_name)
    return ArticleText(text=text, title=title, published=published_in(text))


def _page_lines(page, number: int) -> list[_Line]:
    """The page's lines as pypdf reads them, each with where its text starts (pypdf reports each run of text with
    the text and page matrices at its start). A line of only spaces is kept: it may end a paragraph."""
    lines: list[_Line] = []
    current = _Line("", number)

    def visit(text: str, cm: list[float], tm: list[float], _font, font_size: float) -> None:
        nonlocal current
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append(current)
                current = _Line("", number)
            if part.strip() and current.x is None and any(tm) and any(cm):
                # The text's origin and scale on the page: the text matrix times the page's transformation matrix.
                current.x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                current.y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = ((tm[2] * cm[0] + tm[3] * cm[2]) ** 2 + (tm[2] * cm[1] + tm[3] * cm[3]) ** 2) ** 0.5
                current.size = abs(font_size * scale)
            current.text += part

    page.extract_text(visitor_text=visit)
    lines.append(current)
    return lines


def _pdf_title(reader) -> str | None:
    """The document's Title, unless it only names the file the PDF was made from ("Microsoft Word - 报告.docx")."""
    title = ((reader.metadata.title if reader.metadata else None) or "").strip()
    title = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", title)
    title = re.sub(r"\.(?:docx?|wps|pptx?|pdf)$", "", title, flags=re.I).strip()
    return title or None


def _without_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """The pages without what repeats at their top and bottom: page numbers (— 3 —, 第3页 共14页), and running headers
    and footers, the same line (digits aside) in the top or bottom band of at least half of the pages."""

    def key(line: _Line) -> str:
        return _DIGITS.sub("#", "".join(line.text.split()))

    def band(lines: list[_Line]) -> list[_Line]:
        written = [line for line in lines if line.text.strip()]
        if all(line.y is not None for line in written):
            written.sort(key=lambda line: -line.y)
        return written[:_BAND] + written[_BAND:][-_BAND:]

    bands = [band(lines) for lines in pages]
    seen = Counter(k for lines in bands for k in {key(line) for line in lines})
    repeated = {k for k, n in seen.items() if len(pages) > 1 and n >= max(2, len(pages) / 2)}
    out = []
    for lines, edge in zip(pages, bands, strict=True):
        drop = {id(line) for line in edge if _PAGE_NUMBER.match(line.text) or key(line) in repeated}
        out.append([line for line in lines if id(line) not in drop])
    return out


def _paragraphs(pages: list[list[_Line]]) -> list[str]:
    """The lines of every page joined into paragraphs (see the note above `_PDF_ERRORS`)."""
    placed = [line for lines in pages for line in lines if line.x is not None]
    size = statistics.median([line.size for line in placed if line.size > 0] or [10.0])
    # The usual distance from one baseline to the next, and each page's margins.
    gaps = [a.y - b.y for a, b in pairwise(placed) if a.page == b.page and 0 < a.y - b.y < 3 * size]
    # Not the median: where most paragraphs are a line or two, most gaps are between paragraphs.
    pitch = sorted(gaps)[len(gaps) // 5] if gaps else 1.5 * size
    margins = [_margins(lines) for lines in pages]

    paragraphs, current, before, blank = [], "", None, False
    for line in (line for lines in pages for line in lines):
        text = _SPACES.sub(" ", line.text.strip())
        if not text:
            blank = current != ""
            continue
        # A blank line ends a paragraph; one at the foot or head of a page does not (the page ended, not the text).
        blank = blank and before is not None and before.page == line.page
        if before is not None and (blank or _starts_paragraph(before, line, margins, pitch)):
            paragraphs.append(current)
            current = ""
        current, before, blank = _join(current, text), line, False
    paragraphs.append(current)
    return [paragraph for paragraph in paragraphs if paragraph]


def _margins(lines: list[_Line]) -> tuple[float, float] | None:
    """Where the page's lines start (the leftmost place many of them share) and where its full lines end."""
    placed = [line for line in lines if line.x is not None and line.text.strip()]
    if len(placed) < 3:
        return None
    starts = Counter(round(line.x) for line in placed)
    left = min((x for x, n in starts.items() if n >= max(2, len(placed) // 5)), default=min(starts))
    ends = sorted(line.end for line in placed)
    return left, ends[int(0.9 * (len(ends) - 1))]


def _starts_paragraph(before: _Line, line: _Line, margins: list, pitch: float) -> bool:
    """Whether `line` begins a new paragraph after the line `before` it."""
    if line.text.startswith(("\u3000", "  ")):
        return True  # indented with spaces
    if line.x is None or before.x is None:
        return False  # nothing to tell from: a line ends where the width ran out
    size = line.size or before.size
    if line.page == before.page and (line.y > before.y + 0.5 * size or before.y - line.y > 1.4 * pitch):
        return True  # a wider gap than between lines, or a new column
    margin, margin_before = margins[line.page], margins[before.page]
    if margin is not None and line.x > margin[0] + 0.9 * size:
        return True  # indented
    return margin_before is not None and _stopped_short(before, line, margin_before[1])


def _stopped_short(before: _Line, line: _Line, right: float) -> bool:
    """Whether the line before ended with room to spare: more than the next line's first word (a Latin word, or one
    Chinese character) and a space would have taken. A line that wrapped a long Latin word ends short too."""
    word = _FIRST_WORD.match(line.text.strip())
    needed = _Line(word.group() if word else "", before.page, 0.0, size=before.size).end + before.size
    return right - before.end > needed


def _join(text: str, line: str) -> str:
    """Two lines of one paragraph: a Latin word wrapped onto the next line keeps its space, nothing else gets one
    (a Chinese line breaks anywhere, inside words and numbers alike)."""
    if text and _LATIN.match(text[-1]) and _LATIN.match(line[0]) and not (text[-1].isdigit() and line[0].isdigit()):
        return f"{text} {line}"
    return text + line


# -- Word ---------------------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Elements that only wrap others: content controls and custom XML.
_W_WRAPPERS = (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml")


def text_from_docx(data: bytes, file_name: str) -> ArticleText:
    """A Word document's paragraphs and tables in document order, a table row to a line with its cells separated by
    tabs. Headers, footers and footnotes are left out. Raises UnreadableDocument."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_BYTES:
                raise DocumentTooLong(file_name)
        document = docx.Document(io.BytesIO(data))
        lines = [line for line in _docx_lines(document.element.body, document) if line]
        title = (document.core_properties.title or "").strip() or None
    except UnreadableDocument:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, LxmlError, KeyError, ValueError, EOFError) as exc:
        raise UnreadableDocument(file_name) from exc
    if sum(len(line) for line in lines) > MAX_CHARS:
        raise DocumentTooLong(file_name)
    if not lines:
        raise EmptyArticle(file_name)
    text = "\n".join(lines)
    return ArticleText(text=text, title=title, published=published_in(text))


def _docx_lines(element, parent) -> Iterator[str]:
    """Each paragraph's text and each table row's, in the order they appear. A row's cells are read one by one as
    they stand in the file (a merged cell once, not once per column or row it spans); content controls (w:sdt) and
    tables inside cells are looked into."""
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == f"{_W}p":
            yield Paragraph(child, parent).text.strip()
        elif child.tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                cells = [" ".join(line for line in _docx_lines(cell, parent) if line) for cell in _cells(row)]
                yield "\t".join(cells).strip()
        elif child.tag in _W_WRAPPERS:
            yield from _docx_lines(child, parent)


def _cells(row) -> Iterator:
    for child in row.iterchildren():
        if child.tag == f"{_W}tc":
            yield child
        elif child.tag in _W_WRAPPERS:
            yield from _cells(child)
