"""PDF and Word files made in the tests, from text written for them, the way offices lay reports out: a running
header and a page number on every page, paragraphs set apart by a gap or by an indented first line, Chinese lines
that break wherever the width runs out. The CJK font comes from the `mplfonts` package, so nothing is fetched."""

from __future__ import annotations

import io
from pathlib import Path

# A TrueType font: fpdf2 embeds the CFF-based .otf fonts mplfonts also ships in a way that neither pypdf nor
# pdfminer reads back.
FONT_FILE = "SimHei.ttf"


def cjk_font() -> str:
    import mplfonts

    return str(Path(mplfonts.__file__).parent / "fonts" / FONT_FILE)


def pdf_of(
    paragraphs: list[str],
    *,
    title: str | None = None,
    header: str | None = None,
    indented: bool = False,
    font_size: float = 11,
) -> bytes:
    """A PDF of `paragraphs`: set apart by a gap, or (`indented`) justified with an indented first line and no gap;
    `header` at the top of every page and "— N —" at the bottom."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    class Report(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("cjk", size=8)
                self.cell(0, 6, header, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(4)
                self.set_font("cjk", size=font_size)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 8, f"— {self.page_no()} —", align="C")
            self.set_font("cjk", size=font_size)

    pdf = Report()
    pdf.add_font("cjk", fname=cjk_font())
    pdf.set_font("cjk", size=font_size)
    if title:
        pdf.set_title(title)
    pdf.add_page()
    if indented:
        with pdf.text_columns(text_align="J", line_height=1.5, wrapmode=WrapMode.WORD) as columns:
            for text in paragraphs:
                with columns.paragraph(first_line_indent=2 * font_size * 0.3528) as paragraph:
                    paragraph.write(text)
    else:
        for text in paragraphs:
            pdf.multi_cell(0, font_size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(font_size * 0.3)
    return bytes(pdf.output())


def docx_of(paragraphs: list[str], *, title: str | None = None, table: list[list[str]] | None = None) -> bytes:
    """A Word document of `paragraphs`, with `table` (rows of cells) after the first one."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for i, text in enumerate(paragraphs):
        document.add_paragraph(text)
        if i == 0 and table:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for row, cells in zip(grid.rows, table, strict=True):
                for cell, value in zip(row.cells, cells, strict=True):
                    cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_of_lines(lines: list[str], *, font_size: float = 11) -> bytes:
    """A PDF whose lines break exactly where `lines` do, as another program laid them out; "" leaves a blank line."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", fname=cjk_font())
    pdf.set_font("cjk", size=font_size)
    pdf.add_page()
    for line in lines:
        pdf.cell(0, font_size * 0.55, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
