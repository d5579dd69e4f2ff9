"""Reading an uploaded report: the time to get a 30,000-character PDF back as text, and what comes back changed.

The PDF is made with fpdf2 (a dev extra) in the CJK font mplfonts ships, from the Zhejiang work report of the shared
corpus (`../shared/corpus/reports/浙江省.txt`, or under LUOSHI_CORPUS_DIR) when it is there, else from a generated
text of the same length: paragraphs separated by a gap, a running header and a page number on every page, Chinese
lines breaking wherever the width runs out. pdfminer.six (the bench extra) reads the same file as the baseline the
reader was chosen against.

Output lines are ``name: value unit``. Times are CPU seconds of this process, the best of RUNS.

    python bench/bench_documents.py
"""

from __future__ import annotations

import difflib
import io
import os
import random
import re
import time
from pathlib import Path

from trackers.coverage.documents import text_from_upload

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
HEADER = "浙江省人民政府工作报告（2026年）"
FONT_FILE = "SimHei.ttf"  # TrueType: fpdf2 embeds mplfonts' CFF .otf fonts in a way no reader reads back


def report() -> tuple[str, list[str]]:
    folder = os.environ.get("LUOSHI_CORPUS_DIR")
    for base in [Path(folder)] if folder else [ROOT.parent / "shared" / "corpus"]:
        path = base / "reports" / "浙江省.txt"
        if path.is_file():
            return path.name, [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
    rng = random.Random(7)
    paragraphs, size = [], 0
    while size < 30_000:
        sentences = [
            f"全市地区生产总值增长{rng.randint(40, 80) / 10}%，规模以上工业增加值增长{rng.randint(40, 90) / 10}%。",
            f"到{rng.randint(2025, 2030)}年，集成电路产业规模突破{rng.randint(3, 9) * 100}亿元，新增高新技术企业"
            f"{rng.randint(100, 900)}家。",
            "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。",
        ]
        paragraph = "".join(rng.choice(sentences) for _ in range(rng.randint(2, 8)))
        paragraphs.append(paragraph)
        size += len(paragraph)
    return "generated", paragraphs


def make_pdf(paragraphs: list[str]) -> bytes:
    import mplfonts
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("cjk", size=8)
            self.cell(0, 6, HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)
            self.set_font("cjk", size=11)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 8, f"— {self.page_no()} —", align="C")
            self.set_font("cjk", size=11)

    pdf = Report()
    pdf.add_font("cjk", fname=str(Path(mplfonts.__file__).parent / "fonts" / FONT_FILE))
    pdf.set_font("cjk", size=11)
    pdf.add_page()
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def best_of(runs: int, fn):
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    return best, result


def changed(read: str, paragraphs: list[str]) -> tuple[int, int]:
    """Characters lost or changed, and characters added, with whitespace left out of both."""
    a, b = re.sub(r"\s+", "", "".join(paragraphs)), re.sub(r"\s+", "", read)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    lost = sum(i2 - i1 for op, i1, i2, _, _ in opcodes if op in ("delete", "replace"))
    added = sum(j2 - j1 for op, _, _, j1, j2 in opcodes if op in ("insert", "replace"))
    return lost, added


def cjk_spaces(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff，。、；：“”（）] +[\u4e00-\u9fff，。、；：“”（）]", text))


def main() -> int:
    source, paragraphs = report()
    data = make_pdf(paragraphs)
    print(f"document: {source}")
    print(f"document_chars: {sum(len(p) for p in paragraphs)} chars")
    print(f"document_pdf_size: {len(data) / 1000:.0f} kB")
    print(f"document_paragraphs: {len(paragraphs)} paragraphs")

    seconds, article = best_of(RUNS, lambda: text_from_upload(data, "report.pdf"))
    lost, added = changed(article.text, paragraphs)
    print(f"pypdf_read_seconds: {seconds:.3f} s")
    print(f"pypdf_chars_lost_or_changed: {lost} chars")
    print(f"pypdf_chars_added: {added} chars")
    print(f"pypdf_paragraphs_as_written: {sum(p in paragraphs for p in article.text.split(chr(10)))} paragraphs")
    print(f"pypdf_spaces_between_chinese: {cjk_spaces(article.text) - cjk_spaces(chr(10).join(paragraphs))} spaces")

    try:
        from pdfminer.high_level import extract_text
    except ImportError as exc:
        print(f"pdfminer: unavailable ({type(exc).__name__}: {exc}; pip install -e '.[bench]')")
        return 0
    seconds_pdfminer, text = best_of(RUNS, lambda: extract_text(io.BytesIO(data)))
    lost, added = changed(text, paragraphs)
    print(f"pdfminer_read_seconds: {seconds_pdfminer:.3f} s")
    print(f"pdfminer_chars_lost_or_changed: {lost} chars")
    # Its added characters are the running header and the page numbers, which it leaves in.
    print(f"pdfminer_chars_added: {added} chars")
    print(f"pdfminer_vs_pypdf_time_ratio: {seconds_pdfminer / seconds:.2f} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
