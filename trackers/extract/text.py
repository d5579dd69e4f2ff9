"""Text cleanup and segmentation: paragraphs, sentences and clauses.

Every later step works on a *folded view* of the text: the same length as the text, character for character, with
full-width ASCII turned into ASCII and common traditional characters into simplified ones. Because the view keeps
every offset, a span found in the view is also the span of the exact quote in the original text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from trackers.extract.errors import ExtractionError

# Full-width ASCII (！ to ～) sits at a fixed distance from ASCII; the ideographic space becomes a plain space.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
# Dashes used in ranges (2023—2025年, 50–60亿元) all become one em dash so the grammars list a single character.
for _dash in "–―─－":
    _FOLD[ord(_dash)] = ord("—")
_FOLD[ord("～")] = ord("~")

# Traditional characters that occur in policy coverage and matter to the grammars (units, cues, time words).
# One character for one character keeps the view the same length as the text; a full converter (OpenCC) maps some
# words to words of another length, which would break the quotes.
_TRADITIONAL = (
    "億亿 萬万 達达 預预 計计 劃划 標标 準准 確确 爭争 實实 現现 發发 動动 產产 業业 區区 縣县 "
    "經经 濟济 項项 條条 臺台 個个 類类 頭头 廠厂 點点 數数 總总 額额 長长 兩两 強强 開开 設设 "
    "將将 於于 為为 與与 務务 對对 進进 價价 資资 貨货 幣币 場场 農农 糧粮 噸吨 畝亩 戶户 員员 "
    "歲岁 學学 醫医 療疗 衛卫 電电 網网 車车 鐵铁 線线 橋桥 園园 鄉乡 鎮镇 環环 綠绿 華华 國国 "
    "內内 來来 時时 間间 門门 問问 關关 係系 後后 會会 議议 報报 導导 組组 織织 構构 機机 體体 "
    "製制 較较 漲涨 規规 續续 穩稳 歷历 屆届 約约 餘余 陸陆 擴扩 範范 圍围 這这 礎础 雙双 倉仓 "
    "滿满 礦矿 氣气 熱热 節节 減减 稅税 銷销 貿贸 際际 蓋盖 單单 邊边 號号 圖图 維维 優优 勢势 "
    "質质 營营 運运 輸输 該该 崗岗 調调 統统 職职 選选 專专 藝艺 飛飞 況况 權权 費费 級级 積积 "
    "極极 輕轻 參参 絕绝 並并 還还 當当 從从 們们 說说 裡里 邊边 過过 讓让 認认 識识 應应 該该 "
    "億亿 預预 稱称 辦办 處处 聯联 擬拟 務务 層层 歸归 勞劳 隊队 藥药 師师 險险 賣卖 買买 貸贷 "
    "儲储 備备 創创 傳传 補补 貼贴 稅税 費费 檔档 紀纪 錄录 鐘钟 於于 與与 麼么 廣广 東东 蘇苏 "
    "瀋沈 門门 陽阳 寧宁 蘭兰 烏乌 齊齐 廈厦 漢汉 號号 態态 變变 壓压 濟济 歲岁 療疗 幾几 "
    "鄰邻 圓圆 億亿 僅仅 夠够 將将 達达 跡迹 舊旧 興兴 擴扩 漲涨 跌跌 瀉泻"
)
for _pair in _TRADITIONAL.split():
    _FOLD[ord(_pair[0])] = ord(_pair[1])

_HTML_HINT = re.compile(
    r"</?(?:p|br|div|span|html|body|a|table|td|tr|li|ul|ol|h[1-6]|strong|em|b|i|img|meta|"
    r"script|style|section|article|head|title)\b[^>]*>",
    re.I,
)
_HTML_DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.I | re.S)
_HTML_BLOCK = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|/h[1-6]|/section|/article|p|div|li|tr|h[1-6])\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"<[^>]{0,2000}>")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def prepare(raw: str | bytes) -> str:
    """The text that quotes refer to: decoded, with HTML markup removed when the input is a web page."""
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"the input is not UTF-8 text (bad byte at offset {exc.start})") from None
    if not isinstance(raw, str):
        raise ExtractionError(f"expected text, got {type(raw).__name__}")
    if raw and len(_CONTROL.findall(raw[:100_000])) > max(8, len(raw[:100_000]) // 100):
        raise ExtractionError("the input looks like binary data, not text")
    if _HTML_HINT.search(raw[:100_000]):
        raw = strip_html(raw)
    return raw


def strip_html(page: str) -> str:
    """Markup out, entities decoded, block tags turned into line breaks (they end paragraphs)."""
    page = _HTML_DROP.sub(" ", page)
    page = _HTML_BLOCK.sub("\n", page)
    page = _HTML_TAG.sub("", page)
    return html.unescape(page)


_FOLD_CHARS = {chr(k): chr(v) for k, v in _FOLD.items()}
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLD_CHARS)) + "]")


def fold(text: str) -> str:
    """The folded view (see the module docstring); same length as `text`."""
    # A substitution of only the characters that fold is several times faster than str.translate, which looks
    # every character of the text up in the table.
    return _FOLDABLE.sub(lambda m: _FOLD_CHARS[m.group()], text)


@dataclass(slots=True)
class Span:
    start: int
    end: int
    parent: int  # index of the enclosing sentence (for a clause) or paragraph (for a sentence)


@dataclass(slots=True)
class Segments:
    paragraphs: list[Span]
    sentences: list[Span]


_SENTENCE_MARKS = frozenset("。!?…")
_BOUNDARY_CHAR = re.compile(r"[\n。!?…]")
# After folding, full-width ，；：（） are ASCII. A comma between digits is a thousands separator.
# 、 lists items inside one clause and is not a boundary; the subject finder splits on it where it needs to.
_CLAUSE_BOUNDARY = re.compile(r"[,;:()《》\[\]【】]")
_OPEN = frozenset("(《[【")
_CLOSE = frozenset(")》]】")
# Inside brackets a comma does not end the clause, but a bracket left open must not swallow a whole sentence.
_MAX_BRACKET = 200


def segment(view: str) -> Segments:
    """Paragraphs (lines) and sentences (ended by 。!?… or a line end). Clauses are split on demand (clauses())."""
    paragraphs: list[Span] = []
    sentences: list[Span] = []
    para_start = sent_start = 0
    n = len(view)
    run_end = -1  # the end of a run of sentence marks already read (。。 or !?)
    # One character class is searched several times faster than an alternation; runs are joined here.
    for m in _BOUNDARY_CHAR.finditer(view):
        pos = m.start()
        if view[pos] == "\n":
            if _has_content(view, sent_start, pos):
                sentences.append(Span(sent_start, pos, len(paragraphs)))
            if _has_content(view, para_start, pos):
                paragraphs.append(Span(para_start, pos, -1))
            para_start = sent_start = pos + 1
            continue
        if pos < run_end:
            continue
        run_end = pos + 1
        while run_end < n and view[run_end] in _SENTENCE_MARKS:
            run_end += 1
        if _has_content(view, sent_start, pos):
            sentences.append(Span(sent_start, run_end, len(paragraphs)))
        sent_start = run_end
    if _has_content(view, sent_start, n):
        sentences.append(Span(sent_start, n, len(paragraphs)))
    if _has_content(view, para_start, n):
        paragraphs.append(Span(para_start, n, -1))
    return Segments(paragraphs, sentences)


def clauses(view: str, sentence: Span, index: int = -1) -> list[Span]:
    """The clauses of one sentence: split on , ; : outside brackets (《…(2023—2025年)》 stays whole)."""
    start, end = sentence.start, sentence.end
    while end > start and view[end - 1] in "。!?…":
        end -= 1
    out: list[Span] = []
    clause_start = start
    depth = opened_at = 0
    for m in _CLAUSE_BOUNDARY.finditer(view, start, end):
        ch = m.group()
        pos = m.start()
        if depth and pos - opened_at > _MAX_BRACKET:
            depth = 0
        if ch in _OPEN:
            if depth == 0:
                opened_at = pos
            depth += 1
            continue
        if ch in _CLOSE:
            depth = max(0, depth - 1)
            continue
        if depth:
            continue
        if ch == "," and start < pos < end - 1 and view[pos - 1].isdigit() and view[pos + 1].isdigit():
            continue
        if _has_content(view, clause_start, pos):
            out.append(Span(clause_start, pos, index))
        clause_start = pos + 1
    if _has_content(view, clause_start, end):
        out.append(Span(clause_start, end, index))
    return out


_BLANK = re.compile(r"[\s,;:。!?…、()《》\[\]【】“”\"']*")


_BLANK_CHARS = frozenset(" \t\r\n\u3000\f\v,;:。!?…、()《》[]【】“”\"'")


def _has_content(view: str, start: int, end: int) -> bool:
    if end <= start:
        return False
    if view[start] not in _BLANK_CHARS:
        return True
    m = _BLANK.match(view, start, end)
    return m is not None and m.end() < end


_ENUMERATOR = re.compile(r"[一二三四五六七八九十]{1,3}是(?=[\u4e00-\u9fff“\"])")


def trim(view: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding blanks and punctuation that a quote should not start or end with."""
    lead = " \t\r\n\u3000,;:、。!?…●•·▪■◆○-*"
    while start < end and view[start] in lead:
        start += 1
    # 一是首都功能持续提升: the enumerator is not part of the quote.
    m = _ENUMERATOR.match(view, start, end)
    if m and m.end() < end:
        start = m.end()
    while end > start and view[end - 1] in lead:
        end -= 1
    return start, end


# -- likeness -----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def bigrams(text: str) -> frozenset[str]:
    """Overlapping two-character pieces (集成电路 → 集成, 成电, 电路): Chinese runs words together, so names and
    queries are compared piece by piece rather than word by word. One character is its own piece."""
    return frozenset({text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set()))


def dice(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1: twice the shared pieces over all pieces (Dice's coefficient)."""
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0
