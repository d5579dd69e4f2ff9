"""Uploaded reports read back as the admin wrote them: every character once, paragraphs kept, no page furniture, the
date only when the document prints one. The PDFs and Word files are made here from a text written for the tests."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from bot.render.errors import error_text
from tests.documents import docx_of, pdf_of, pdf_of_lines
from trackers.coverage import documents
from trackers.coverage.articles import EmptyArticle
from trackers.coverage.documents import (
    MAX_PAGES,
    DocumentTooLong,
    EncryptedDocument,
    NoTextLayer,
    UnreadableDocument,
    text_from_upload,
)

# A made-up city's work report: a date under the title, figures, a Latin name, paragraphs long enough to wrap.
REPORT = [
    "2025年青河市人民政府工作报告",
    "2025年1月8日在青河市第十七届人民代表大会第五次会议上",
    "各位代表：现在，我代表市人民政府向大会报告工作，请予审议，并请市政协委员和其他列席人员提出意见。",
    "一、2024年工作回顾",
    "过去一年，全市地区生产总值增长5.2%，达到3865.4亿元；一般公共预算收入完成286.7亿元，增长4.1%；规模以上工业"
    "增加值增长6.8%，固定资产投资增长5.5%，社会消费品零售总额增长6.3%。城镇和农村居民人均可支配收入分别增长4.6%、"
    "6.2%，城镇调查失业率控制在5%以内。",
    "产业转型步伐加快。集成电路、新能源汽车、生物医药三大产业集群营业收入突破1200亿元，新增国家级专精特新“小巨人”"
    "企业23家、高新技术企业412家。青河AI创新港建成投用，引进Open Source Hardware Lab等研发机构15家，全社会研发经费"
    "投入强度达到2.85%。",
    "城市能级持续提升。地铁3号线一期建成通车，新增运营里程31.6公里；完成老旧小区改造186个、惠及居民5.4万户；新建"
    "和改扩建中小学、幼儿园27所，新增学位2.1万个。",
    "民生保障更加有力。城乡居民基础养老金月人均提高至268元，新增养老床位3200张，建成社区嵌入式服务设施41个；"
    "发放消费券1.5亿元，带动消费46亿元；全年筹集保障性租赁住房1.2万套（间）。",
    "二、2025年工作安排",
    "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，一般公共预算收入增长3%，城镇新增就业5.5万人以上，"
    "居民人均可支配收入增长与经济增长同步，单位地区生产总值能耗下降2.5%。",
    "（一）加快建设现代化产业体系。实施制造业重点产业链高质量发展行动，全年完成工业投资480亿元以上，新增规模以上"
    "工业企业150家；推进数字经济创新提质，数字经济核心产业增加值增长8%。",
    "（二）持续扩大有效需求。滚动实施重大项目320个、年度计划投资1100亿元，其中新开工项目不少于120个；办好"
    "“青河消费季”系列活动，社会消费品零售总额增长6%左右。",
    "到2027年，全市集成电路产业规模突破800亿元，新能源汽车年产量达到60万辆；“十四五”期间累计新增城市绿道500公里。",
]
HEADER = "青河市人民政府工作报告（2025年）"
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]"


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_whole(read: str, paragraphs: list[str]) -> None:
    """Every character back once and in order, no space put between two Chinese characters, paragraph for
    paragraph."""
    assert squeezed(read) == squeezed("".join(paragraphs))
    assert re.findall(f"{CJK} +{CJK}", read) == re.findall(f"{CJK} +{CJK}", "\n".join(paragraphs))
    assert [" ".join(p.split()) for p in read.split("\n")] == [" ".join(p.split()) for p in paragraphs]


def test_a_report_pdf_reads_back_whole_without_its_page_numbers_and_running_header():
    data = pdf_of(REPORT * 2 + REPORT[4:8], title="Microsoft Word - 青河市政府工作报告.docx", header=HEADER)
    article = text_from_upload(data, "报告.pdf")
    assert_whole(article.text, REPORT * 2 + REPORT[4:8])
    assert HEADER not in article.text and "—" not in article.text
    assert article.title == "青河市政府工作报告"
    assert article.published.isoformat() == "2025-01-08"  # printed under the title


def test_a_justified_pdf_whose_paragraphs_open_with_an_indent_keeps_them_apart():
    article = text_from_upload(pdf_of(REPORT * 2, indented=True, header=HEADER), "报告.pdf")
    assert_whole(article.text, REPORT * 2)


def test_lines_broken_inside_numbers_and_between_latin_words_join_as_they_were_written():
    # As a word processor sets them: every line of a paragraph full but its last, Chinese broken anywhere (inside a
    # number too), a Latin word carried whole to the next line.
    lines = [
        "过去一年，全市经济运行稳中有进，地区生产总值增长5.",
        "2%，青河AI创新港今年建成投用，首批引进Open Source",
        "Hardware Lab等一批研发机构共15家，项目累计总投资达1",
        "301亿元。",
        "",
        "到2027年，全市集成电路产业营业收入规模力争突破800",
        "亿元，新能源汽车年产量达到60万辆。",
    ]
    article = text_from_upload(pdf_of_lines(lines), "a.pdf")
    assert article.text == (
        "过去一年，全市经济运行稳中有进，地区生产总值增长5.2%，青河AI创新港今年建成投用，首批引进Open Source "
        "Hardware Lab等一批研发机构共15家，项目累计总投资达1301亿元。\n"
        "到2027年，全市集成电路产业营业收入规模力争突破800亿元，新能源汽车年产量达到60万辆。"
    )


def test_a_word_document_reads_back_whole_with_its_table_in_place():
    table = [
        ["指标", "2024年", "增长"],
        ["地区生产总值", "3865.4亿元", "5.2%"],
        ["一般公共预算收入", "286.7亿元", "4.1%"],
    ]
    data = docx_of(REPORT, title="青河市政府工作报告", table=table)
    article = text_from_upload(data, "报告.docx")
    rows = ["\t".join(row) for row in table]
    assert article.text.split("\n") == [REPORT[0], *rows, *REPORT[1:]]
    assert article.title == "青河市政府工作报告"
    assert article.published.isoformat() == "2025-01-08"


def test_a_files_own_dates_are_not_its_publication_date():
    undated = [p for p in REPORT if "2025年1月8日" not in p][3:]
    assert text_from_upload(pdf_of(undated, title="报告"), "a.pdf").published is None  # the PDF has a CreationDate
    assert text_from_upload(docx_of(undated), "a.docx").published is None  # python-docx sets created and modified


@pytest.mark.parametrize(
    "encoded",
    [
        "\n".join(REPORT).encode("gb18030"),
        "\n".join(REPORT).encode("utf-8-sig"),
        "\n".join(REPORT).encode("utf-8"),
        "\n".join(REPORT).encode("utf-16"),
    ],
    ids=["gb18030", "utf-8 with bom", "utf-8", "utf-16"],
)
def test_a_text_file_is_read_in_the_encodings_chinese_offices_save_in(encoded):
    article = text_from_upload(encoded, "报告.txt")
    assert article.text == "\n".join(REPORT)
    assert article.published.isoformat() == "2025-01-08"


def test_a_damaged_pdf_and_a_word_file_that_is_not_one_are_refused_in_plain_words():
    whole = pdf_of(REPORT[:3])
    for data, name in [
        (whole[: len(whole) // 3], "cut.pdf"),
        (b"%PDF-1.7\n" + os.urandom(2000), "noise.pdf"),
        (b"", "empty.pdf"),
        ("这不是Word文件".encode(), "fake.docx"),
        (b"PK\x03\x04" + os.urandom(500), "broken.docx"),
        (whole, "pdf-named.docx"),
    ]:
        with pytest.raises(UnreadableDocument) as refused:
            text_from_upload(data, name)
        assert error_text("zh", refused.value) == "无法读取这个文件：它已损坏，或者不是它的扩展名所说的格式。", name
        assert "damaged" in error_text("en", refused.value)


def test_a_pdf_that_needs_a_password_is_refused_and_one_that_only_forbids_copying_is_read():
    from pypdf import PdfReader, PdfWriter

    def encrypted(user_password: str) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(REPORT[:5]))))
        writer.encrypt(user_password=user_password, owner_password="owner", permissions_flag=0, algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert_whole(text_from_upload(encrypted(""), "copy-protected.pdf").text, REPORT[:5])
    with pytest.raises(EncryptedDocument) as refused:
        text_from_upload(encrypted("secret"), "locked.pdf")
    assert "密码" in error_text("zh", refused.value)


def test_a_pdf_over_the_page_cap_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(MAX_PAGES + 1):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DocumentTooLong) as refused:
        text_from_upload(out.getvalue(), "huge.pdf")
    assert str(MAX_PAGES) in error_text("zh", refused.value)


def test_more_text_than_a_report_holds_is_refused_and_so_is_a_word_file_that_unpacks_to_too_much(monkeypatch):
    monkeypatch.setattr(documents, "MAX_CHARS", 500)
    with pytest.raises(DocumentTooLong):
        text_from_upload(pdf_of(REPORT), "long.pdf")
    monkeypatch.setattr(documents, "MAX_DOCX_BYTES", 10_000)  # a zip bomb unpacks to gigabytes
    with pytest.raises(DocumentTooLong):
        text_from_upload(docx_of(REPORT), "bomb.docx")


def test_a_scanned_pdf_says_it_has_no_text_to_read():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(NoTextLayer) as refused:
        text_from_upload(out.getvalue(), "scan.pdf")
    assert isinstance(refused.value, EmptyArticle)
    assert "扫描" in error_text("zh", refused.value)


REPORTS = Path(os.environ.get("LUOSHI_CORPUS_DIR", Path(__file__).resolve().parents[4] / "shared" / "corpus"))
ZHEJIANG = REPORTS / "reports" / "浙江省.txt"


@pytest.mark.skipif(not ZHEJIANG.exists(), reason="the shared corpus (../shared/corpus/reports/浙江省.txt) is absent")
def test_a_provincial_work_report_of_thirty_thousand_characters_reads_back_whole():
    paragraphs = [p.strip() for p in ZHEJIANG.read_text(encoding="utf-8").split("\n") if p.strip()]
    article = text_from_upload(pdf_of(paragraphs, header="浙江省人民政府工作报告（2026年）"), "浙江省.pdf")
    assert_whole(article.text, paragraphs)
    assert article.published is not None
