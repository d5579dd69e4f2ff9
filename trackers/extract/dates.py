"""Time expressions in running text, resolved against the publication date.

Why our own rules: dateparser reads a bare 2022年 as the year 1, turns 1301 or 45.7 into dates and finds nothing in
到2025年底, 2023—2025年 or 上半年. It stays in use for what admins type (parse_admin_date), where it is right;
running text goes through the grammar below.

A match is resolved in two steps because several words (年底, 全年, 一季度, 3月5日) name a part of "the year being
talked about", which the engine knows from context, not from the words themselves.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from trackers.extract.errors import ExtractionError


@dataclass(slots=True, frozen=True)
class Published:
    """A publication date that may be only a year or a year and month (SCHEMA.md)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> date:
        if self.day:
            return date(self.year, self.month, self.day)  # type: ignore[arg-type]
        if self.month:
            return _month_end(self.year, self.month)
        return date(self.year, 12, 31)

    def __str__(self) -> str:
        if self.day:
            return self.start.isoformat()
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_published(value: str | date | datetime | Published) -> Published:
    """YYYY, YYYY-MM or YYYY-MM-DD (or a date); anything else is an ExtractionError."""
    if isinstance(value, Published):
        return value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Published(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise ExtractionError(f"publication date must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    m = _PUBLISHED.fullmatch(value.strip())
    if not m:
        raise ExtractionError(f"publication date must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        pub = Published(y, int(mo) if mo else None, int(d) if d else None)
        pub.start  # noqa: B018 - validates month and day
    except ValueError:
        raise ExtractionError(f"not a real date: {value!r}") from None
    if not 1900 <= y <= 2200:
        raise ExtractionError(f"publication year out of range: {value!r}")
    return pub


@dataclass(slots=True, frozen=True)
class When:
    """A resolved time: what it covers and how the sentence uses it."""

    kind: str  # point | deadline | range | asof | present | future
    begin: date | None
    end: date | None
    whole_year: bool = False  # a named calendar year (2023年, 今年, 全年): annual targets start on its 1 January

    @property
    def year(self) -> int | None:
        return self.end.year if self.end else None


_YEAR = r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}"
_MONTH = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_DAY = r"3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
# 中 and 初 alone are left out: 2022年中国…, 2025年初步形成… are not mid-year or early-year.
_PART = r"上半年|下半年|前三季度|(?:第)?[一二三四1-4]季度末?|年底|年末|年中|年初|底|末"
_N = r"[一二两三四五六七八九十]|\d{1,2}"

TIME_RE = re.compile(
    # A quick look at the first character spares the engine trying every alternative at every position.
    r"(?=[\d〇零一二三四五六七八九十两今明去前后上本当全年下这如目现眼迄至近日首过未第头])"
    # ...and every time expression holds one of these within its first few characters (年, 月, 季度, 十四五, 如今…).
    r"(?=.{0,9}?[年月季五今明去如目现眼迄至近日首过未当上下/.\-])(?:"
    # "十四五"期间, 十四五时期, “十四五”末; 第十五个五年规划 (the plan written out)
    rf"(?P<fyp>十(?P<fypn>[一二三四五六])五)(?P<fypq>[”\"’]?)(?P<fyptail>规划期内|规划期间|规划|期间|时期末|时期|期末|期内|末)?"
    r"|第(?P<fypw>十[一二三四五六])个五年(?:规划|计划)"
    # 2023—2025年, 2023年至2025年
    rf"|(?P<ry1>{_YEAR})年?[—~\-至到](?P<ry2>{_YEAR})年(?P<rpart>底|末)?"
    # 2023-03-05, 2023/3/5
    rf"|(?P<iy>(?:19|20)\d{{2}})[-/.](?P<im>1[0-2]|0?[1-9])[-/.](?P<id>3[01]|[12]\d|0?[1-9])(?!\d)"
    # 2025年, 2025年底, 2025年6月, 2025年6月30日, 2023年上半年; 2025年1—4月, 2025年前11个月 (months from January)
    rf"|(?P<y>{_YEAR})年度?(?:(?P<ym>{_MONTH})(?:月?(?:份)?[—~\-至到](?P<yrm2>{_MONTH})月(?:份)?"
    rf"|月(?:(?P<yd>{_DAY})[日号])?(?P<ympart>底|末|初)?)|(?:首|前|头)(?P<yrn>{_MONTH})个?月|(?P<ypart>{_PART}))?"
    # 今年, 明年底, 今年一季度, 全年, 年内
    rf"|(?P<rel>今年|明年|去年|前年|后年|上年|本年度|本年|当年|全年|年度|年内)(?P<relpart>{_PART})?"
    rf"|(?P<bare>上半年|下半年|前三季度|(?:第)?[一二三四1-4]季度末?|年底|年末|年中|年初)"
    # 上个月, 本月
    r"|(?P<relm>上个月|上月|本月|这个月|当月|下个月|下月)(?P<relmpart>底|末|初)?"
    # 3月5日, 6月底; 1至4月, 1—10月份 (months from January of the year in context)
    rf"|(?P<m>{_MONTH})(?:月?(?:份)?[—~\-至到](?P<mr2>{_MONTH})月(?:份)?|月(?:份)?(?:(?P<d>{_DAY})[日号])?(?P<mpart>底|末|初)?)"
    # 前11个月, 首11个月
    rf"|(?:首|前|头)(?P<mrn>{_MONTH})个?月(?:份)?"
    # 一年来, 五年来, 这五年: the years just reviewed (in a report) or up to now (in news)
    rf"|(?:近|这)?(?P<sincen>{_N})年(?:以)?来|这(?P<thesen>{_N})年"
    # 如今, 目前, 今年以来
    r"|(?P<present>如今|目前|当前|现阶段|眼下|迄今|至今|近日|日前|首月|当月|近年来|近些年来)"
    rf"|过去(?:的)?(?P<pastn>{_N})年"
    # 未来五年, 今后一个时期, 未来, — not 未来产业 ("industries of the future")
    rf"|(?P<fut>未来|今后)(?:(?P<futn>{_N})(?:个)?年|(?=[,，:：]|将|一个时期|一段时期|一段时间|几年|一个阶段))"
    r")"
)

# A time right after these words is the base of a comparison (较2020年增长, 比“十三五”末), not the time of the figure.
_BASE_BEFORE = re.compile(r"(?:较|比|相比|与|同|对比|相较|较之|比较)[“\"‘]?$")
# 开局 is a period's first year and 收官 its last: “十五五”良好开局 is 2026, “十四五”规划收官之年 is 2025.
_YEAR_OF = re.compile(r"[”\"’]?[^,;:。“”\"]{0,4}?(?:良好|顺利|胜利|冲刺)?(?P<which>开局|起步|收官)")
_DEADLINE_BEFORE = re.compile(r"(?:到|至|力争到|争取到|力争在|争取在|确保到|确保在|于)$")
_ASOF_BEFORE = re.compile(r"(?:截至|截止|截止到|截至到)$")
_DIGITS_CN = "〇零一二三四五六七八九"
_DIGIT_VALUE = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(slots=True)
class TimeMatch:
    start: int
    end: int
    match: re.Match
    role: str  # plain | base | deadline | asof | since
    # "first" / "last": the words after it name the first or last year of the period (“十五五”开局, 收官之年).
    year_of: str | None = None


def find_times(view: str) -> list[TimeMatch]:
    out: list[TimeMatch] = []
    for m in TIME_RE.finditer(view):
        s, e = m.start(), m.end()
        prev = view[s - 1 : s]
        # 三年内 / 20年来 after a digit, or 12个月: part of another expression.
        if prev and (prev.isdigit() or prev in _DIGITS_CN or prev in "第个") and not m.group("y"):
            continue
        year_of = None
        if m.group("fyp") or m.group("fypw"):
            which = _YEAR_OF.match(view, e)
            if which:
                year_of = "last" if which.group("which") == "收官" else "first"
            elif m.group("fyp") and not (m.group("fyptail") or m.group("fypq") or prev in '“"‘'):
                continue
        role = "plain"
        if prev and prev in _ROLE_ENDINGS:  # most times follow none of the words that give them a role
            before = view[max(0, s - 4) : s]
            if _BASE_BEFORE.search(before):
                role = "base"
            elif _ASOF_BEFORE.search(before):
                role = "asof"
            elif _DEADLINE_BEFORE.search(before):
                role = "deadline"
        if role == "plain":
            after = _AFTER.match(view, e, e + 3)
            if after is not None:
                role = "deadline" if after.lastgroup == "until" else "since"
                e = after.end()
        out.append(TimeMatch(s, e, m, role, year_of))
    return out


# The last character of every word that gives a time its role (较, 比, 截至, 到, 于 …), and what may follow a time.
_ROLE_ENDINGS = frozenset('较比与同相之至止到于在“"‘')
_AFTER = re.compile(r"(?P<until>以前|之前|前)|(?P<since>以来|来)")


def resolve(tm: TimeMatch, context_year: int, pub: Published) -> When | None:
    """The time a match names; `context_year` is the year being talked about (for 年底, 全年, 3月5日)."""
    when = _resolve_plain(tm.match, context_year, pub)
    if when is None or when.kind in ("present", "future"):
        return when
    if tm.year_of and when.begin is not None and when.end is not None:
        y = when.begin.year if tm.year_of == "first" else when.end.year
        when = When("point", date(y, 1, 1), date(y, 12, 31), True)
    if tm.role == "since":
        reviewed_end = date(reviewed_year(pub), 12, 31)
        if in_report_season(pub) and when.begin is not None and when.begin <= reviewed_end < pub.start:
            # “十四五”以来 in a report of January 2026: up to the end of the year it reviews.
            return When("range", when.begin, reviewed_end)
        return When("present", when.begin, pub.end)
    if tm.role == "asof":
        return When("asof", None, when.end)
    if tm.role == "deadline":
        return When("deadline", None, when.end, False)
    return when


def _resolve_plain(m: re.Match, cy: int, pub: Published) -> When | None:
    g = m.group
    try:
        if g("fyp") or g("fypw"):
            digit = g("fypn") or g("fypw")[1]
            first = 2006 + 5 * ("一二三四五六".index(digit))
            return When("range", date(first, 1, 1), date(first + 4, 12, 31))
        if g("ry1"):
            y1, y2 = _year(g("ry1")), _year(g("ry2"))
            if not (y1 and y2 and y1 < y2 <= y1 + 30):
                return None
            return When("range", date(y1, 1, 1), date(y2, 12, 31))
        if g("iy"):
            d = date(int(g("iy")), int(g("im")), int(g("id")))
            return When("point", d, d)
        if g("y"):
            y = _year(g("y"))
            if y is None:
                return None
            if g("yrm2") or g("yrn"):
                return _months(y, g("ym") or "1", g("yrm2") or g("yrn"))
            if g("ym"):
                return _month_day(y, g("ym"), g("yd"), g("ympart"))
            if g("ypart"):
                return _part(y, g("ypart"))
            return When("point", date(y, 1, 1), date(y, 12, 31), True)
        if g("rel"):
            word = g("rel")
            offsets = {"今年": 0, "明年": 1, "去年": -1, "前年": -2, "后年": 2, "上年": -1}
            y = pub.year + offsets[word] if word in offsets else cy
            if g("relpart"):
                return _part(y, g("relpart"))
            if word in ("年内", "年度"):
                return When("point", None, date(y, 12, 31))
            return When("point", date(y, 1, 1), date(y, 12, 31), True)
        if g("bare"):
            return _part(cy, g("bare"))
        if g("relm"):
            if pub.month is None:
                return When("present", None, pub.end)
            shift = {"上个月": -1, "上月": -1, "下个月": 1, "下月": 1}.get(g("relm"), 0)
            y, mo = pub.year, pub.month + shift
            if mo == 0:
                y, mo = y - 1, 12
            elif mo == 13:
                y, mo = y + 1, 1
            return When("point", date(y, mo, 1), _month_end(y, mo))
        if g("mr2") or g("mrn"):
            return _months(cy, g("m") or "1", g("mr2") or g("mrn"))
        if g("m"):
            return _month_day(cy, g("m"), g("d"), g("mpart"))
        if g("sincen") or g("thesen"):
            return _years_up_to_now(_small(g("sincen") or g("thesen")), pub)
        if g("present"):
            return When("present", None, pub.end)
        if g("pastn"):
            n = _small(g("pastn"))
            last = reviewed_year(pub)
            if n == 1:
                return When("point", date(last, 1, 1), date(last, 12, 31), True)
            return When("range", date(last - n + 1, 1, 1), date(last, 12, 31))
        if g("fut"):
            if g("futn"):
                n = _small(g("futn"))
                return When("range", date(pub.year, 1, 1), date(pub.year + n - 1, 12, 31))
            return When("future", None, None)
    except ValueError:
        return None
    return None


def reviewed_year(pub: Published) -> int:
    """The year a report reviews: the one before publication, or the current one in a December report
    (a 2023 work report delivered in December 2022 reviews 2022)."""
    return pub.year if pub.month == 12 else pub.year - 1


def in_report_season(pub: Published) -> bool:
    """Work reports are delivered from December to March: then 一年来 and 五年来 are the calendar years reviewed."""
    return pub.month is not None and (pub.month <= 3 or pub.month == 12)


def _years_up_to_now(n: int, pub: Published) -> When:
    """一年来 / 五年来 / 这五年: in a report (a year's review, a five-year plan's or a government's term) the calendar
    years just ended; otherwise, and in news (三年来), up to the publication date."""
    if in_report_season(pub) and n in (1, 5):
        last = reviewed_year(pub)
        if n == 1:
            return When("point", date(last, 1, 1), date(last, 12, 31), True)
        return When("range", date(last - n + 1, 1, 1), date(last, 12, 31))
    return When("present", date(pub.year - n, 1, 1), pub.end)


def _months(y: int, first: str, last: str) -> When | None:
    """January (or month `first`) to the end of month `last` of year y: 1至4月, 前11个月."""
    a, b = _cn_int(first), _cn_int(last)
    if not 1 <= a <= b <= 12:
        return None
    return When("point", date(y, a, 1), _month_end(y, b))


def _year(text: str) -> int | None:
    if text[0].isdigit():
        return int(text)
    digits = "".join(str(_DIGIT_VALUE[c]) for c in text)
    y = int(digits)
    return y if 1900 <= y <= 2200 else None


def _small(text: str) -> int:
    if text.isdigit():
        return int(text)
    table = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
    return table[text]


def _cn_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + (_small(text[1]) if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _small(tens) * 10 + (_small(ones) if ones else 0)
    return _small(text)


def _month_end(y: int, mo: int) -> date:
    return date(y, mo, calendar.monthrange(y, mo)[1])


def _month_day(y: int, mo_text: str, d_text: str | None, part: str | None) -> When:
    mo = _cn_int(mo_text)
    if d_text:
        d = date(y, mo, _cn_int(d_text))
        return When("point", d, d)
    if part == "初":
        return When("point", date(y, mo, 1), date(y, mo, 10))
    return When("point", date(y, mo, 1), _month_end(y, mo))


_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _part(y: int, part: str) -> When:
    if part == "上半年":
        return When("point", date(y, 1, 1), date(y, 6, 30))
    if part == "下半年":
        return When("point", date(y, 7, 1), date(y, 12, 31))
    if part == "前三季度":
        return When("point", date(y, 1, 1), date(y, 9, 30))
    if "季度" in part:
        q = _QUARTER[part.lstrip("第")[0]]
        return When("point", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if part in ("年底", "年末", "底", "末"):
        return When("point", None, date(y, 12, 31))
    if part in ("年中", "中"):
        return When("point", None, date(y, 6, 30))
    if part in ("年初", "初"):
        return When("point", date(y, 1, 1), date(y, 1, 31))
    return When("point", date(y, 1, 1), date(y, 12, 31), True)


_ADMIN_AFTER = re.compile(r"(\d+|[一二三四五六七八九十两百]+)\s*个?\s*(天|日|周|星期|月|年)(?:以后|之后|后)")


def parse_admin_date(text: str, now: datetime) -> date | None:
    """A date an admin typed (明年6月底, 2025-12-31, in 3 months): dateparser is right for these.

    Short Chinese forms it misses (年底, 明年6月底) go through the project's grammar first.
    """
    text = text.strip()
    pub = Published(now.year, now.month, now.day)
    tms = find_times(text)
    if tms and tms[0].start == 0 and tms[-1].end >= len(text.rstrip("前底")):
        tm = tms[-1]
        context = now.year
        if len(tms) > 1:
            first = resolve(tms[0], now.year, pub)
            context = first.year if first and first.year else now.year
        when = resolve(tm, context, pub)
        if when and when.end:
            return when.end
    after = _ADMIN_AFTER.fullmatch(text)
    if after:
        # dateparser reads "in 3 months" but not 三个月后 / 18个月以后.
        from dateutil.relativedelta import relativedelta

        from trackers.extract.numbers import read_chinese_numeral

        amount, unit = after.group(1), after.group(2)
        count = int(amount) if amount.isdigit() else int(read_chinese_numeral(amount) or 0)
        if count:
            step = {"天": "days", "日": "days", "周": "weeks", "星期": "weeks", "月": "months", "年": "years"}[unit]
            return (now + relativedelta(**{step: count})).date()
    import dateparser  # imported here: slow to load and only admins' input needs it

    # Naming the languages spares dateparser guessing among its ~200 (seconds on the first call).
    parsed = dateparser.parse(
        text,
        languages=["zh", "en"],
        settings={"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future"},
    )
    return parsed.date() if parsed else None
