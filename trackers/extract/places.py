"""Places in Chinese coverage: which province or city a figure is about, and what lies within what.

A place is a path from the country down: ("全国",), ("全国", "山东"), ("全国", "山东", "济南"), and below a city the
zones coverage treats as places of their own: ("全国", "山东", "济南", "起步区"). Paths make "the same place" and
"a place within another" plain tuple comparisons.

The table lists every province-level division with its prefecture-level cities (short names, as coverage writes
them). Short names that are also common words (长治 in 长治久安, 来宾 "guests", 三明治) count only when written with
市. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from trackers.extract.trie import alternation

if TYPE_CHECKING:
    from trackers.extract.models import Extraction

Place = tuple[str, ...]
NATIONAL: Place = ("全国",)

# Province-level division -> its prefecture-level cities (municipalities have none listed: they are cities).
PROVINCES = {
    "上海": "",
    "云南": "临沧 丽江 保山 大理 德宏 怒江 文山 昆明 昭通 普洱 曲靖 楚雄 玉溪 红河 西双版纳 迪庆",
    "内蒙古": "乌兰察布 乌海 兴安盟 包头 呼伦贝尔 呼和浩特 巴彦淖尔 赤峰 通辽 鄂尔多斯 锡林郭勒 阿拉善",
    "北京": "",
    "台湾": "台北 新北 桃园 台中 台南 高雄",
    "吉林": "吉林市 四平 延边 松原 白城 白山 辽源 通化 长春",
    "四川": "乐山 内江 凉山 南充 宜宾 巴中 广元 广安 德阳 成都 攀枝花 泸州 甘孜 眉山 绵阳 自贡 资阳 达州 遂宁 "
    "阿坝 雅安",
    "天津": "",
    "宁夏": "中卫 吴忠 固原 石嘴山 银川",
    "安徽": "亳州 六安 合肥 安庆 宣城 宿州 池州 淮北 淮南 滁州 芜湖 蚌埠 铜陵 阜阳 马鞍山 黄山",
    "山东": "东营 临沂 威海 德州 日照 枣庄 泰安 济南 济宁 淄博 滨州 潍坊 烟台 聊城 菏泽 青岛",
    "山西": "临汾 吕梁 大同 太原 忻州 晋中 晋城 朔州 运城 长治 阳泉",
    "广东": "东莞 中山 云浮 佛山 广州 惠州 揭阳 梅州 汕头 汕尾 江门 河源 深圳 清远 湛江 潮州 珠海 肇庆 茂名 阳江 韶关",
    "广西": "北海 南宁 崇左 来宾 柳州 桂林 梧州 河池 玉林 百色 贵港 贺州 钦州 防城港",
    "新疆": "乌鲁木齐 伊犁 克州 克拉玛依 博尔塔拉 吐鲁番 和田 哈密 喀什 塔城 巴州 昌吉 阿克苏 阿勒泰",
    "江苏": "南京 南通 宿迁 常州 徐州 扬州 无锡 泰州 淮安 盐城 苏州 连云港 镇江",
    "江西": "上饶 九江 南昌 吉安 宜春 抚州 新余 景德镇 萍乡 赣州 鹰潭",
    "河北": "保定 唐山 廊坊 张家口 承德 沧州 石家庄 秦皇岛 衡水 邢台 邯郸",
    "河南": "三门峡 信阳 南阳 周口 商丘 安阳 平顶山 开封 新乡 洛阳 漯河 濮阳 焦作 许昌 郑州 驻马店 鹤壁",
    "浙江": "丽水 台州 嘉兴 宁波 杭州 温州 湖州 绍兴 舟山 衢州 金华",
    "海南": "三亚 三沙 儋州 海口",
    "湖北": "十堰 咸宁 孝感 宜昌 恩施 武汉 荆州 荆门 襄阳 鄂州 随州 黄冈 黄石",
    "湖南": "娄底 岳阳 常德 张家界 怀化 株洲 永州 湘潭 湘西 益阳 衡阳 邵阳 郴州 长沙",
    "澳门": "",
    "甘肃": "临夏 兰州 嘉峪关 天水 定西 平凉 庆阳 张掖 武威 甘南 白银 酒泉 金昌 陇南",
    "福建": "三明 南平 厦门 宁德 泉州 漳州 福州 莆田 龙岩",
    "西藏": "山南 拉萨 日喀则 昌都 林芝 那曲 阿里地区",
    "贵州": "六盘水 安顺 毕节 贵阳 遵义 铜仁 黔东南 黔南 黔西南",
    "辽宁": "丹东 大连 抚顺 朝阳 本溪 沈阳 盘锦 营口 葫芦岛 辽阳 铁岭 锦州 阜新 鞍山",
    "重庆": "",
    "陕西": "咸阳 商洛 安康 宝鸡 延安 榆林 汉中 渭南 西安 铜川",
    "青海": "果洛 海东 海北 海南州 海西 玉树 西宁 黄南",
    "香港": "",
    "黑龙江": "七台河 伊春 佳木斯 双鸭山 哈尔滨 大兴安岭 大庆 牡丹江 绥化 鸡西 鹤岗 黑河 齐齐哈尔",
}
MUNICIPALITIES = frozenset({"北京", "上海", "天津", "重庆", "香港", "澳门"})
# City short names that are everyday words too: only "X市" counts as the city.
AMBIGUOUS = frozenset(
    "来宾 三明 安康 白银 长治 大同 中山 朝阳 海西 海东 海北 开封 红河 黄山 普洱 大庆 吉安 和田 文山 玉树 北海 本溪 "
    "铜仁 通化 四平 山南 阳江 江门 白山 延边 怒江 伊犁 阿里地区 抚州 新余 宜春 南平 丽江 保山 临沧 日照 德州 泰州 "
    "安庆 金华 衡水 宣城 池州 南充 广安 眉山 资阳 承德 锦州 盘锦 营口 辽阳 鹤岗 黑河 七台河 随州 恩施 常德 永州".split()
)
# Zones below a city that coverage reports on as places of their own (new districts, development zones).
ZONE_WORDS = ("新旧动能转换起步区", "起步区", "工业园区", "高新区", "开发区", "经开区", "自贸区", "新区", "综保区")
# Words for "the whole country" and for "this province / this city" (resolved against the document's place).
_NATIONAL_WORDS = ("全国", "我国", "国务院", "中央", "国内生产总值", "中国")
_ITEM_NATIONAL_WORDS = ("全国", "我国", "国内生产总值")
_PROVINCE_WORDS = ("全省", "我省", "本省")
_CITY_WORDS = ("全市", "我市", "本市")
_SUFFIXES = ("省", "市", "自治区", "特别行政区", "地区", "自治州", "州", "盟")


@dataclass(frozen=True)
class Mention:
    place: Place
    start: int
    end: int


def _build() -> tuple[dict[str, Place], re.Pattern[str]]:
    names: dict[str, Place] = {}
    for province, cities in PROVINCES.items():
        names[province] = (*NATIONAL, province)
        for city in cities.split():
            short = city.removesuffix("市") if city.endswith("市") and len(city) > 2 else city
            path = (*NATIONAL, province, short)
            names[short + "市"] = path
            if short not in AMBIGUOUS and city == short:
                names[short] = path
    for province in PROVINCES:
        for suffix in ("省", "市", "自治区", "特别行政区"):
            names.setdefault(province + suffix, names[province])
    for word in _NATIONAL_WORDS:
        names[word] = NATIONAL
    # The names as a trie: the engine follows one branch instead of trying four hundred names at every position.
    return names, re.compile(alternation(names))


_NAMES, _NAME_PATTERN = _build()
_ZONE = re.compile("|".join(map(re.escape, ZONE_WORDS)))
# "全国人民代表大会" and "全国开放程度最高" speak of national institutions or rankings, not a national figure.
_NOT_NATIONAL = re.compile(
    r"全国(?:人民代表大会|人大|政协|各族|排名|第一|前列|领先|率先|首个|首家|首创|首批|首例|首单|首票|首次|唯一|开放|最|"
    r"同类|双拥|文明|统一大市场|示范|先进|百强|重点)"
)
_SENTENCE_MAX = 400
# A city's short name inside the name of a river, a road or a bay is not the city: 苏州河 runs through Shanghai.
_NOT_A_CITY_AFTER = frozenset("河路街桥湾湖江")


def _zone_key(word: str) -> str:
    # Every spelling of the start-up area (济南起步区, 济南新旧动能转换起步区, 起步区) is one zone.
    return "起步区" if word.endswith("起步区") else word


def mentions(text: str) -> list[Mention]:
    """Every place named in `text`, in order; a zone right after its city (济南起步区) is one mention."""
    found: list[Mention] = []
    for m in _NAME_PATTERN.finditer(text):
        if m.group() == "全国" and _NOT_NATIONAL.match(text, m.start()):
            continue
        if len(_NAMES[m.group()]) == 3 and text[m.end() : m.end() + 1] in _NOT_A_CITY_AFTER:
            continue
        found.append(Mention(_NAMES[m.group()], m.start(), m.end()))
    zones: list[Mention] = []
    absorbed: set[int] = set()
    ends = [x.end for x in found]  # in order: the names were found left to right
    for m in _ZONE.finditer(text):
        # A zone belongs to the city named just before it; the document's city fills in otherwise (resolve()).
        i = bisect_right(ends, m.start()) - 1
        city = found[i] if i >= 0 and m.start() - found[i].end <= 12 else None
        parent = city.place if city is not None and len(city.place) == 3 else ()
        if city is not None and parent and m.start() - city.end <= 1:
            absorbed.add(id(city))  # 济南起步区: one mention, of the zone
        zones.append(
            Mention((*parent, _zone_key(m.group())) if parent else ("?", _zone_key(m.group())), m.start(), m.end())
        )
    if not zones:
        return found
    return sorted([x for x in found if id(x) not in absorbed] + zones, key=lambda x: x.start)


def resolve(place: Place, context: Place | None) -> Place:
    """A zone named without its city takes the context's city (起步区 in a Jinan article is Jinan's)."""
    if place and place[0] == "?":
        if context is not None and len(context) >= 3:
            return (*context[:3], place[1])
        return place
    return place


def document_place(text: str, hint: str | None = None) -> Place | None:
    """Where an article is about: the most named place, or a zone within it named nearly as often.

    `hint` is a place name given with the article (a feed's or corpus file's own `place`), which wins when it parses.
    """
    if hint:
        parsed = parse_place(hint)
        if parsed is not None:
            return parsed
    return place_of_mentions(mentions(text))


def place_of_mentions(raw: list[Mention]) -> Place | None:
    """document_place() for the mentions of a text already found."""
    counts: Counter[Place] = Counter()
    national = 0
    first_city = next((m.place for m in raw if len(m.place) == 3), None)
    for m in raw:
        place = resolve(m.place, first_city)
        if place[0] == "?":
            continue
        if place == NATIONAL:
            national += 1
            continue
        # A mention of a place counts for every place above it too: 济南 is in 山东.
        for depth in range(2, len(place) + 1):
            counts[place[:depth]] += 1
    regional = [p for p in counts if len(p) >= 2]
    if not regional or national >= max(counts[p] for p in regional if len(p) == 2) * 1.5:
        return NATIONAL if national else None
    best = max((p for p in regional if len(p) == 2), key=lambda p: counts[p])
    # Walk down while one child holds most of its parent's mentions.
    while True:
        children = [p for p in counts if len(p) == len(best) + 1 and p[: len(best)] == best]
        if not children:
            return best
        child = max(children, key=lambda p: counts[p])
        if counts[child] < 0.6 * counts[best]:
            return best
        best = child


def parse_place(name: str | None) -> Place | None:
    """A place name as people write it: 济南, 济南市, 山东省, 中国（全国）, 济南新旧动能转换起步区（济南市）."""
    if not name:
        return None
    name = name.strip()
    found = mentions(name)
    if not found:
        return None
    # "X（Y）": the part before the bracket says what, the bracket says where it lies.
    context = next((m.place for m in found if len(m.place) == 3), None)
    zone = next((m.place for m in found if m.place[-1] in {_zone_key(w) for w in ZONE_WORDS}), None)
    if zone is not None:
        return resolve(zone, context)
    return max((m.place for m in found), key=len)


_LEVEL_WORDS = re.compile("|".join((*_PROVINCE_WORDS, *_CITY_WORDS)))
_SENTENCE_END = re.compile("[。！？；\n]")


def sentence_bounds(text: str, at: int) -> tuple[int, int]:
    """The sentence around text[at]. Sentences are short: a bounded look keeps this linear on a whole document."""
    floor = max(0, at - _SENTENCE_MAX)
    start = max(floor - 1, *(text.rfind(ch, floor, max(at, 0)) for ch in "。！？；\n")) + 1
    m = _SENTENCE_END.search(text, at, at + _SENTENCE_MAX)
    return start, m.end() if m else min(len(text), at + _SENTENCE_MAX)


def mentions_in(text: str, start: int, end: int) -> list[Mention]:
    """mentions() of text[start:end], at their offsets in `text`."""
    if not _NAME_PATTERN.search(text, start, end) and not _ZONE.search(text, start, end):
        return []
    return [Mention(m.place, m.start + start, m.end + start) for m in mentions(text[start:end])]


def level_place(text: str, start: int, end: int, document: Place | None) -> Place | None:
    """The document's place at the level text[start:end] names: 全省 its province, 全市 its city; else itself."""
    m = _LEVEL_WORDS.search(text, start, end)
    if m is None or document is None:
        return document
    if m.group() in _PROVINCE_WORDS and len(document) >= 2:
        return document[:2]
    if m.group() in _CITY_WORDS and len(document) >= 3:
        return document[:3]
    return document


def _start(m: Mention) -> int:
    return m.start


def item_place(
    text: str,
    start: int,
    end: int,
    document: Place | None,
    at: int | None = None,
    found: list[Mention] | None = None,
    sentence_start: int | None = None,
    clause_start: int | None = None,
) -> Place | None:
    """The place a figure is about; text[start:end] is its quote and `at` (when known) where the figure itself
    stands. A place named in the figure's own clause before it wins; else one that opens a clause of its sentence
    before it (济南起步区全域实现…; 固定资产投资增长… in the same sentence is the zone's too); else the document's.
    全市 / 全省 resolve against the document's place; of the national words only those that speak of a national
    figure (全国, 我国, 国内生产总值) count, not 中国 in a name or 国务院 approving. `found` is mentions(text),
    when the caller places many items of one text."""
    at = max(end, start) if at is None else at
    if sentence_start is None:
        sentence_start = sentence_bounds(text, start)[0]
    if clause_start is None:
        clause_start = max(sentence_start - 1, *(text.rfind(ch, sentence_start, at) for ch in "，,；;：:")) + 1
    if found is None:
        window_mentions = [
            Mention(m.place, m.start + sentence_start, m.end + sentence_start)
            for m in mentions(text[sentence_start:at])
        ]
    else:
        lo = bisect_left(found, sentence_start, key=_start)
        hi = bisect_left(found, at, lo, key=_start)
        window_mentions = [m for m in found[lo:hi] if m.end <= at]
    own: Place | None = None
    topic: Place | None = None
    for m in window_mentions:
        if m.place == NATIONAL and text[m.start : m.end] not in _ITEM_NATIONAL_WORDS:
            continue
        place = resolve(m.place, document)
        if place[0] == "?":
            continue
        if m.start >= clause_start:
            own = place
        elif (
            m.start == sentence_start
            or text[m.start - 1] in "，,；;：:"
            or (m.start - sentence_start <= 6 and "年" in text[sentence_start : m.start])
        ):
            topic = place
    best = own or topic
    if best is None and document is not None:
        own_words = text[clause_start:at]
        if any(w in own_words for w in _PROVINCE_WORDS) and len(document) >= 2:
            return document[:2]
        if any(w in own_words for w in _CITY_WORDS) and len(document) >= 3:
            return document[:3]
    return best or document


def relation(a: Place | None, b: Place | None) -> str:
    """ "same", "unknown" (one side not known), "within" (one lies inside the other) or "other"."""
    if a is None or b is None:
        return "unknown"
    if a == b:
        return "same"
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    if longer[: len(shorter)] == shorter:
        return "within"
    return "other"


@lru_cache(maxsize=1)
def place_words() -> tuple[str, ...]:
    """Every name and word for a place, longest first: subjects are compared with these taken out."""
    words = (
        (set(_NAMES) - {"国内生产总值", "国务院", "中央"})
        | set(ZONE_WORDS)
        | set(_PROVINCE_WORDS)
        | set(_CITY_WORDS)
        | {"全区", "本区", "全县"}
    )
    return tuple(sorted(words, key=len, reverse=True))


# What may follow a bare city or province name that is only the place of the figure: a zone that names itself
# (济南起步区), or the place's own output (泸州地区生产总值). Before anything else the name may be part of a proper
# name (北京证券交易所, 宁波舟山港, 上海品牌), so it stays.
_AFTER_A_BARE_PLACE = ("新旧动能转换起步区", "起步区", "地区生产总值")
# The suffixes that make a name the administrative unit (济南市, 浙江省); a bare 州 ends city names too (杭州).
_ADMINISTRATIVE = tuple(suffix for suffix in _SUFFIXES if suffix != "州")


@lru_cache(maxsize=1)
def _leading_place() -> re.Pattern[str]:
    """The longest place name a subject starts with (zones and the nation's words are not among them)."""
    return re.compile(alternation(w for w in place_words() if w not in ZONE_WORDS and w not in _NATIONAL_WORDS))


def without_leading_place(subject: str) -> str:
    """A subject without the place it starts with, where the words say it is only the place (the item's place
    says where): 济南市集成电路产业链群规模 → 集成电路产业链群规模, 我省… and 全省… → …, 济南起步区… → 起步区…,
    泸州地区生产总值 → 地区生产总值. A bare name before anything else stays (北京证券交易所), and so does 全国
    (全国重点实验室 are a kind of their own)."""
    m = _leading_place().match(subject)
    if m is None:
        return subject
    word, rest = m.group(), subject[m.end() :]
    administrative = word.endswith(_ADMINISTRATIVE) or word in _PROVINCE_WORDS or word in _CITY_WORDS
    return rest if len(rest) >= 2 and (administrative or rest.startswith(_AFTER_A_BARE_PLACE)) else subject


def label(place: Place | None) -> str | None:
    """The name to store and show: the most specific part (济南, 山东, 全国, 起步区 as 济南起步区)."""
    if not place:
        return None
    if len(place) >= 4:
        return place[2] + place[3]
    return place[-1]


# Where a document is about shows in its first pages; a book-length input is not read twice.
_DOCUMENT_PREFIX = 20_000


def place_items(extraction: Extraction, where: dict[int, tuple[int, int, int, int]], hint: str | None = None) -> None:
    """Give every item of `extraction` its place: the document's (`hint` when it parses), unless its clause names
    another. `where` holds, by id() of an item made from a figure, its sentence's start and end, its clause's start
    and the figure's position; a pledge without a figure is placed by its quote."""
    document = parse_place(hint) if hint else None
    if document is None:
        document = place_of_mentions(mentions(extraction.text[:_DOCUMENT_PREFIX]))
    extraction.place = label(document)
    text = extraction.text
    named: dict[int, list[Mention]] = {}  # a sentence's start → the places it names
    for item in (*extraction.commitments, *extraction.facts):
        found_at = where.get(id(item))
        if found_at is None:
            found = item_place(text, item.start, item.start + len(item.quote), document)
        else:
            start, end, clause_start, at = found_at
            if start not in named:
                named[start] = mentions_in(text, start, end)
            if not named[start]:  # most sentences name no place: the document's, at the level they say
                item.place = label(level_place(text, clause_start, at, document))
                continue
            found = item_place(
                text,
                item.start,
                item.start + len(item.quote),
                document,
                at=at,
                found=named[start],
                sentence_start=start,
                clause_start=clause_start,
            )
        item.place = label(found)
