"""Figures: a number with its Chinese magnitude and unit (3.6万亿元, 650多家, 一千三百零一个, 50—60亿元, 5.5%).

A figure needs a unit. Bare numbers in news text are mostly years, dates, ordinals and slogans ("6+4+2"), and a
target or a fact is always a quantity of something, so requiring the unit removes most noise at no cost.

Why a grammar of our own: cn2an converts a numeral span once it is found but, run over whole sentences, turns words
into digits (十足 → 10足) and fails on mixed forms such as 2.4万亿 or 780多; dateparser reads 1301 and 45.7 as dates.
Here a regular grammar finds the span and cn2an only reads the Chinese-numeral part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from trackers.extract.comparators import SUFFIX as _SUFFIX_COMPARATOR
from trackers.extract.comparators import prefix_comparator
from trackers.extract.trie import alternation

# unit as written -> (normalized unit, factor to that unit)
UNITS: dict[str, tuple[str, float]] = {
    "元": ("CNY", 1),
    "人民币": ("CNY", 1),
    "元人民币": ("CNY", 1),
    "美元": ("USD", 1),
    "欧元": ("EUR", 1),
    "港元": ("HKD", 1),
    "日元": ("JPY", 1),
    "%": ("percent", 1),
    "个百分点": ("pp", 1),
    "百分点": ("pp", 1),
    "人": ("person", 1),
    "名": ("person", 1),
    "位": ("person", 1),
    "人次": ("person_time", 1),
    "公里": ("km", 1),
    "千米": ("km", 1),
    "米": ("m", 1),
    "平方公里": ("km2", 1),
    "平方米": ("m2", 1),
    "亩": ("mu", 1),
    "公顷": ("ha", 1),
    "吨": ("ton", 1),
    "斤": ("jin", 1),
    "公斤": ("kg", 1),
    "千克": ("kg", 1),
    "千瓦时": ("kWh", 1),
    "千瓦": ("kW", 1),
    "兆瓦": ("MW", 1),
    "立方米": ("m3", 1),
    "标箱": ("TEU", 1),
    "吨标准煤": ("tce", 1),
    "场次": ("count", 1),
    "成": ("percent", 10),  # 三成 is 30 %
}
# Rates written with a slash: 30万元/人, 29微克/立方米, 0.6人/百亿元 (the magnitude before the number's unit applies).
_PER_TOP = {
    "元": "CNY",
    "人": "person",
    "吨": "ton",
    "千克": "kg",
    "公斤": "kg",
    "千瓦时": "kWh",
    "微克": "ug",
    "毫克": "mg",
    "立方米": "m3",
    "美元": "USD",
    "件": "count",
    "个": "count",
}
_PER_BOTTOM = {
    "人": "person",
    "立方米": "m3",
    "平方米": "m2",
    "百亿元": "1e10 CNY",
    "亿元": "1e8 CNY",
    "万元": "1e4 CNY",
    "元": "CNY",
    "吨": "ton",
    "千瓦时": "kWh",
    "年": "year",
    "天": "day",
    "亩": "mu",
    "户": "household",
    "万人": "1e4 person",
    "公顷": "ha",
    "平方公里": "km2",
}
for _top, _top_norm in _PER_TOP.items():
    for _bottom, _bottom_norm in _PER_BOTTOM.items():
        UNITS[f"{_top}/{_bottom}"] = (f"{_top_norm}/{_bottom_norm}", 1)
# Counters: what they count is a plain number of things.
COUNTERS = "个 项 家 户 座 所 条 辆 台 套 间 张 件 处 栋 艘 架 场 只 头 株 棵 宗 笔 支 种 款 块 根 批 张"
for _c in COUNTERS.split():
    UNITS.setdefault(_c, ("count", 1))
_COUNTER_SET = frozenset(COUNTERS.split())

MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}

# The units as a trie: the engine follows one branch instead of trying two hundred units after every number.
_UNIT_ALT = alternation(UNITS)
_UNIT_FIRST = re.escape("".join(sorted({unit[0] for unit in UNITS})))
_ARABIC = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
# Chinese numerals without 万/亿: those are read as magnitudes so 三百万人 is 300 万人, as the text writes it.
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_CHINESE = f"[{_CN_DIGITS}]+"
_NUM = rf"(?:{_ARABIC}|{_CHINESE})"
# 千 is a magnitude unless it starts a unit (千瓦, 千米, 千克); 百 unless it starts 百分点.
_MAG = r"(?:万亿|亿|万|千(?![瓦米克])|百(?!分点))"

FIGURE_RE = re.compile(
    # The lookahead first: it rejects most positions at once, before the costlier lookbehind.
    rf"(?=[\d{_CN_DIGITS}])(?<![\d.第{_CN_DIGITS}])"
    # ...then whether a unit follows the run of number characters at all (most digits in text have none).
    rf"(?=[\d.,{_CN_DIGITS}万亿多余—~\-至到]{{0,24}}[{_UNIT_FIRST}])"
    rf"(?P<num>{_NUM})(?P<more1>多|余)?(?P<mag1>{_MAG})?"
    rf"(?:(?P<dash>[—~\-至到])(?P<num2>{_NUM})(?P<more2>多|余)?)?"
    rf"(?P<mag>{_MAG})?(?P<more>多|余)?"
    rf"(?P<unit>{_UNIT_ALT})"
    r"(?P<suffix>以上|以下|以内|左右|上下)?"
)

# 个月 / 个工作日 are durations, 人均 is "per person", 亿元级 a size class: none is a quantity of that unit.
_NOT_A_UNIT_AFTER = {
    "个": "月工小星季年头",
    "人": "均民员口才",
    "名": "单称义列",
    "位": "于居置列",
    "场": "所景合面",
    "所": "以有在属得需",
    "支": "持撑付出柱",
    "种": "植类养子",
    "条": "件例款",
    "处": "理置于罚长",
    "台": "阶湾账",
    "批": "准复示",
    "头": "部",
    "笔": "者",
    "间": "隔",
    "只": "有要是能",
    "块": "钱",
    "家": "庭乡长",
    "米": "粮面",
}
_SIZE_CLASS_AFTER = "级"
_WITHIN = re.compile(r"(?:范围)?(?:内|以内)[\u4e00-\u9fff]")
_NAMED_AFTER_PEOPLE = re.compile(r"(?:论坛|峰会|大会|会议|计划|工程|会(?![议计员]))")
# A percentage followed straight by a noun names a thing (1%人口抽样调查); a share is followed by 的 or a hedge.
_MODIFIES_NOUN = re.compile(r"(?![的以左上下和与及或为至到比提增降减扩缩跃达是分高低同就并较])[\u4e00-\u9fff]")
_SIZE_CLASS_NOUN = re.compile(r"[十百千万亿]+级(?:台阶|档次|门槛|关口)")
# A single Chinese digit before a counter is often not a figure at all: 一个 is "a", 两个主攻方向 an enumeration of
# ideas. These nouns name abstractions, not countable results.
_ABSTRACT_NOUNS = re.compile(
    r"方面|方向|领域|环节|重点|目标|任务|问题|作用|体系|机制|原则|理念|意识|优先|必须|坚持|统筹|关系|层面|阶段|步|"
    r"维度|路径|抓手|支撑|引擎|中心|战略|工程|行动|板块|主线|要求|能力|模式|格局|定位|特点|优势|短板|字|点|台阶|关口|"
    r"规定|精神|主张|保障|服务"
)


@dataclass(slots=True)
class Quantity:
    start: int  # first character of the number (a prefix comparator lies before it)
    end: int  # after the unit and any 以上/左右 suffix
    cmp_start: int  # where a prefix comparator (超过, 约 …) starts, else == start
    value: float
    value_max: float | None
    unit: str  # as written, with the magnitude: 亿元, 万人, %
    unit_normalized: str
    value_normalized: float
    comparator: str | None  # from the words around the number only
    approx_more: bool  # 多 / 余: "more than"
    chinese_numeral: bool


def find_figures(view: str) -> list[Quantity]:
    """Every figure in the folded view, in order."""
    out: list[Quantity] = []
    for m in FIGURE_RE.finditer(view):
        fig = _figure(view, m)
        if fig is not None:
            out.append(fig)
    out = _ranges(view, out)
    if "、" in view:
        milestones = []
        # Only where a magnitude is followed by 、 and another number can a list of milestones start.
        for hint in _MILESTONE_HINT.finditer(view):
            m = MILESTONES_RE.search(view, max(0, hint.start() - 16), hint.end() + 160)
            if (
                m is not None
                and m.start() <= hint.start() < m.end()
                and (not milestones or m.start() >= milestones[-1].end)
            ):
                fig = _milestones(view, m)
                if fig is not None:
                    milestones.append(fig)
        if milestones:
            out = [f for f in out if not any(ms.start <= f.start < ms.end for ms in milestones)] + milestones
            out.sort(key=lambda f: f.start)
    return out


def _ranges(view: str, figures: list[Quantity]) -> list[Quantity]:
    """5%—5.5%, 4.5%-5%: a range written with the unit at both ends is one figure (>= the low end)."""
    out: list[Quantity] = []
    for fig in figures:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.value_max is None
            and fig.start == prev.end + 1
            and view[prev.end] in "—~-至到"
            and prev.unit == fig.unit
            and fig.value > prev.value
            and prev.comparator is None
        ):
            out[-1] = Quantity(
                start=prev.start,
                end=fig.end,
                cmp_start=prev.cmp_start,
                value=prev.value,
                value_max=fig.value,
                unit=prev.unit,
                unit_normalized=prev.unit_normalized,
                value_normalized=prev.value_normalized,
                comparator=">=",
                approx_more=False,
                chinese_numeral=prev.chinese_numeral,
            )
            continue
        out.append(fig)
    return out


# 连续跨越7万亿、8万亿、9万亿三个大台阶: steps passed on the way, of which only the highest is the figure (the
# unit is often left out: the measure names it).
MILESTONES_RE = re.compile(
    rf"(?<![\d.])(?P<first>{_ARABIC})(?P<mag1>万亿|亿|万)(?:、(?:{_ARABIC})(?:万亿|亿|万)){{1,8}}元?"
)
_MILESTONE_HINT = re.compile(r"(?:万亿|亿|万)、\d")
_NUM_MAG = re.compile(rf"({_ARABIC})(万亿|亿|万)")
_STEP_VERB = re.compile(r"(?:跨越|突破|迈上|跃上|站上|越过|登上)(?:了)?$")
_MONEY_WORDS = re.compile(r"生产总值|收入|投资|规模|产值|总额|营收|消费|贸易|销售|GDP|经济总量|资金|贷款|存款|税")


def _milestones(view: str, m: re.Match) -> Quantity | None:
    values = [(float(num.replace(",", "")) * MAGNITUDES[mag], mag) for num, mag in _NUM_MAG.findall(m.group())]
    if len(values) < 2 or any(b[0] <= a[0] for a, b in pairwise(values)):
        return None  # milestones rise: anything else is a list of separate figures
    end = m.end()
    if (view[end : end + 1] and view[end] in UNITS) or _FIGURE_TAIL.match(view, end):
        return None  # the unit follows the last number: ordinary figures, read one by one
    top, mag = values[-1]
    left = view[max(0, m.start() - 16) : m.start()]
    money = bool(_MONEY_WORDS.search(left)) or m.group().endswith("元")
    pre = _STEP_VERB.search(left)
    last = _NUM_MAG.findall(m.group())[-1][0]
    return Quantity(
        start=m.start(),
        end=end,
        cmp_start=m.start() - len(pre.group()) if pre else m.start(),
        value=_tidy(float(last.replace(",", ""))),
        value_max=None,
        unit=mag + ("元" if money else ""),
        unit_normalized="CNY" if money else "count",
        value_normalized=_tidy(top),
        comparator=">" if pre else None,
        approx_more=False,
        chinese_numeral=False,
    )


_FIGURE_TAIL = re.compile(rf"(?:多|余)?(?:{_UNIT_ALT})")


def _figure(view: str, m: re.Match) -> Quantity | None:
    # One call for every group: this runs for each number with a unit in the text.
    num, more1, mag1, dash, num2, more2, mag, more, unit, suffix = m.group(
        "num", "more1", "mag1", "dash", "num2", "more2", "mag", "more", "unit", "suffix"
    )
    start, end = m.span()
    unit_end = m.end("unit")
    nxt = view[unit_end : unit_end + 1]
    after = view[end : end + 1]
    if nxt and nxt in _NOT_A_UNIT_AFTER.get(unit, ""):
        return None
    if nxt == _SIZE_CLASS_AFTER or after == _SIZE_CLASS_AFTER:
        return None
    counter = unit in _COUNTER_SET
    if suffix in ("以上", "以下") and _starts_noun(after) and not counter:
        # 10亿元以上关键配套项目: a size class that describes projects, not a quantity. (10家以上百亿级企业 is a
        # count of enterprises: a counter keeps it.)
        return None
    if counter and _SIZE_CLASS_NOUN.match(view, end):
        return None  # 两个千亿级台阶: steps of a size class, not a count of things to track
    norm_unit, unit_factor = UNITS[unit]
    if after and "\u4e00" <= after <= "\u9fff":  # only a character right after the figure can make it a name
        if unit in ("位", "名") and view[start - 1 : start] in ("前", "第", "居", "列"):
            return None  # 跻身全球城市前五位: a rank
        if norm_unit == "person" and _NAMED_AFTER_PEOPLE.match(view, end):
            return None  # 青年50人论坛, 千人计划: a name
        if norm_unit in ("m", "km") and _WITHIN.match(view, end):
            return None  # 50米内换乘: a distance that qualifies something else
        if unit == "%" and _MODIFIES_NOUN.match(view, end):
            return None  # 1%人口抽样调查: a name, not a share
    elif unit in ("位", "名") and view[start - 1 : start] in ("前", "第", "居", "列"):
        return None
    chinese = not num[0].isdigit()
    if unit == "成":
        # 三成 is a share only when nothing follows but punctuation or a hedge (一成不变, 建成 are words).
        if (nxt and "\u4e00" <= nxt <= "\u9fff" and not suffix) or (len(num) > 2 and chinese):
            return None
    elif chinese and not _plausible_chinese(view, m, num):
        return None
    value = _read(num)
    if value is None:
        return None
    mag = mag or mag1 or ""
    value_max = None
    if num2 is not None:
        value_max = _read(num2)
        if value_max is None or value_max <= value:
            # 2023-2025 is not a range of figures; a "range" going down is a date or a code.
            if dash in "—-~":
                return None
            value_max = None
    comparator = _SUFFIX_COMPARATOR.get(suffix) if suffix else None
    cmp_start = start
    pre, pre_len = prefix_comparator(view, start)
    if pre is not None:
        cmp_start = start - pre_len
        if comparator is None:
            comparator = pre
    approx_more = bool(more or more1 or more2)
    if comparator is None and approx_more:
        comparator = ">"
    if value_max is not None and comparator is None:
        comparator = ">="
    return Quantity(
        start=start,
        end=end,
        cmp_start=cmp_start,
        value=_tidy(value),
        value_max=_tidy(value_max) if value_max is not None else None,
        unit=mag + unit,
        unit_normalized=norm_unit,
        value_normalized=_tidy(value * MAGNITUDES.get(mag, 1.0) * unit_factor),
        comparator=comparator,
        approx_more=approx_more,
        chinese_numeral=chinese,
    )


def _starts_noun(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff") and ch not in "目"


def _plausible_chinese(view: str, m: re.Match, num: str) -> bool:
    """Chinese numerals are also words (一个 = "a", 十足, 千万 = "by all means"): accept only figure-like uses."""
    before = view[m.start() - 1 : m.start()]
    if before in '“"‘「『':  # “三个优先” is a slogan
        return False
    if num in ("一", "百", "千", "十百", "零", "〇"):
        return False
    if num[0] in "百千":
        return False
    if len(num) <= 2 and m.group("unit") in COUNTERS:
        after = view[m.end() : m.end() + 6]
        if _ABSTRACT_NOUNS.match(after) or _ABSTRACT_NOUNS.search(after[:4]):
            return False
    return True


@lru_cache(maxsize=4096)
def _read(num: str) -> float | None:
    if num[0].isdigit():
        try:
            return float(num.replace(",", ""))
        except ValueError:
            return None
    return read_chinese_numeral(num)


def read_chinese_numeral(span: str) -> float | None:
    """一千三百零一 → 1301, 二〇二五 → 2025 (digit by digit), 两 → 2. None when it is not a numeral."""
    if all(ch in "〇零一二三四五六七八九" for ch in span) and len(span) >= 2:
        return float("".join(str("〇一二三四五六七八九".index(ch)) if ch != "零" else "0" for ch in span))
    import cn2an  # imported here: it takes a fifth of a second to load and most texts need it rarely

    try:
        return float(cn2an.cn2an(span, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _tidy(x: float) -> float | int:
    """Whole numbers as int so JSON shows 1301, not 1301.0; others rounded off binary noise."""
    if x.is_integer() and -1e18 < x < 1e18:
        return int(x)
    return round(x, 10) if abs(x) < 1e6 else float(f"{x:.12g}")
