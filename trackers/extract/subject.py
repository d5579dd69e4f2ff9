"""The subject phrase: what a figure measures (软件产业规模, 城镇新增就业人数, 国内生产总值增长率).

News sentences put the measured thing in a few places, and the rules follow them:

- before the figure: 全市软件产业规模突破800亿元 → the words before, less scope (全市), time, plan verbs
  (力争, 预计) and the verb that joins subject and figure (突破, 达到, 控制在);
- after a counter: 引进了45个制造业项目 → the words before (the actor and verb) + the noun after + 数;
- a bare attribute: 总投资96亿元 after a count of projects → that count's noun + 总投资;
- a growth rate: 国内生产总值增长5.5%左右 → 国内生产总值增长率; 居民消费价格上涨2% → 居民消费价格涨幅;
- a clause without its own actor (如今已集聚600多家科技企业) borrows the sentence's topic (高新区).

No word segmenter is used: a small list of verbs common in policy coverage marks where a noun phrase ends, which is
enough for these few patterns and keeps extraction fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from trackers.extract.dates import TIME_RE
from trackers.extract.trie import alternation

# Verbs that end a topic noun phrase or start a verb phrase in policy coverage.
VERBS = (
    "形成 引进 引入 落地 建成 建设 开工 实施 推进 签约 集聚 聚集 完成 实现 达到 突破 超过 培育 打造 新建 改造 "
    "建立 设立 认定 创建 招引 贡献 带动 吸引 提供 投入 发放 减免 支持 举办 开展 规划 谋划 布局 明确 提出 部署 "
    "印发 出台 发布 组织 帮助 解决 惠及 覆盖 开通 投运 投产 达产 坚持 编制 塑造 锚定 聚焦 推动 加快 成立 拥有 "
    "位居 排在 获得 获批 争取 力争 确保 涉及 包括 累计 新开工 竣工 招商 签署 收获 增长 下降 上涨 提高 提升 "
    "保持 稳定 控制 降到 降至 突破 拓展 扩大 增加到 增加至 跃升 增至 达 为 是 占"
).split()
_VERB_RE = re.compile(alternation(VERBS))
# Where a topic phrase ends: a verb, a preposition or an adverb.
_TOPIC_STOP = re.compile(
    "(?:" + _VERB_RE.pattern + r")|在|于|对|将|已|把|被|从|向|以|按|要|同样|也|都|还|正|更|均|仍|又|颇|十分|非常|"
    r"正在|已经|持续|不断|积极|全面|进一步|就|首月|通过|围绕|作为|成为|共|和|连续|[\d两]"
)

_LEAD = re.compile(
    r"^(?:[\s●•·▪■◆○\-*#]+|\d{1,2}[.、)]|[(（]?[一二三四五六七八九十]{1,3}[)）、.]|[一二三四五六七八九十]{1,3}是|"
    r"其中|同时|此外|另外|并且|并|而且|而|指出|表示|强调|介绍|指(?![标导数引南])|称(?![号为])|"
    r"据悉|据介绍|据了解|数据显示|统计显示|以及|及|和|与|且|则|即|从[^,]{1,8}看)+"
)
# Where a figure counts, which subjects leave out; 全社会 (society-wide) stays: it is part of indicators' official
# names (全社会研发经费支出, 全社会用电量, 全社会固定资产投资), not a place.
_SCOPE = re.compile(r"^(?:全市|全省|全国|全区|全县|全州|我国|我市|我省|我区|本市|本省|该市|该省|该区|该县|我们)")
_INTENT = re.compile(
    r"(?:主要)?(?:预期)?目标(?:是|为)|力争|争取|确保|预计|预期|计划|(?<!即)将(?!近)|拟|努力|谋划|力求|"
    r"有望|(?<![为除])了(?![解望])|已经|已|就(?![业医学读])|仅"
)
_GENERIC_START = re.compile(
    r"^(?:实施|推进|开展|组织|推动|加快|加大|启动|安排|明确|提出|包括|涉及|部署|确定|印发|出台|共有|拥有|现有)"
)
_COUNTED_GROUP = re.compile(r"^[^、]{1,8}?((?:[一二三四五六七八九十两]+)(?:大|个|类|条|项|家).+)$")
_GENERIC_TASK_END = re.compile(r"(?:推进|实施|推动|加快|开展|抓好|做好|谋划|部署)$")
# 实现 and 完成 join an actor to what it achieved (企业实现收入); they are not part of what is measured, except in
# the names of indicators: 投资完成率, and 完成投资 (investment completed, as statistics name it; 投资 is the plan's).
_ACHIEVE = re.compile(r"可?(?:实现|完成(?!率|投资))")
# The verb that joins the subject and the figure: 规模[突破]500亿元, 失业率[控制在]5.5%以内.
_LINK_WORDS = (
    "实现 达到 达 突破 超过 完成 为 是 共 共计 总计 合计 约为 约 拥有 共有 有 保持在 稳定在 控制在 降到 降至 下降到 "
    "提高到 提升到 提高至 提升至 增加到 增至 上升到 上升至 跃升到 跃升至 增加至 减少到 缩小到 缩小至 增长到 增长至 "
    "拓展到 拓展至 扩大到 扩大至 跨越 平均为 折合 从 由 在 至 到 了 的 可 将"
).split()
# 能 (can) links too (产量能达到…), but it also ends nouns that are the subject: 粮食产能稳定在…, 新型储能达到….
_MODAL_NENG = "(?<![产动储节效功智性技职体热电核风光势潜赋机才本])能"
_LINK_FIRST = "".join(sorted({w[0] for w in _LINK_WORDS} | {"能"}))
_LINK_END = re.compile(f"(?=[{_LINK_FIRST}])(?:" + alternation(_LINK_WORDS) + f"|{_MODAL_NENG})+$")
# Only multi-character adverbs: single ones (都, 还, 再) are also parts of nouns (首都, 还款, 再生能源).
_ADVERBS = re.compile(r"全部|基本|初步|进一步|持续|继续|稳步|大力|积极|总共|同样|单独|分别|连续")
_BASE_PHRASE = re.compile(
    r"(?:较|比|相比|相较|与)(?:上年末|上年底|上年同期|上年|去年同期|去年底|去年|同期|\d{4}年(?:末|底)?|"
    r"[〇零一二三四五六七八九]{4}年)(?:同期)?|同比"
)
_TITLE = re.compile(r"《[^》]{1,80}》")
# A time goes with the preposition that introduces it (力争[到2026年底]产量达到…); left behind, 到 would
# start the subject.
_TIME_WITH_PREPOSITION = re.compile(r"(?:截至|截止到?|到|至)?(?:" + TIME_RE.pattern + ")", TIME_RE.flags)
_ANAPHOR = re.compile(r"^(?:相关|该|其|这些|上述|此类|这)")
_GROWTH_END = re.compile(r"(?:增长|增速|增幅|上涨|涨幅|下降|降幅|回落|提高|提升|减少|降低|增加|下跌|跌)$")
# A fall: reported as a negative growth (跌2.8% → 增长率 −2.8).
_DECLINE = frozenset({"下降", "降幅", "回落", "减少", "降低", "下跌", "跌"})
_METRIC_TAIL = re.compile(r"(?:年均)?(?:增长率|增速|增幅|涨幅|降幅)$")
_ATTRIBUTE = re.compile(
    r"(?:总投资额?|投资额?|总额|金额|总金额|产值|总产值|营收|营业收入|收入|规模|面积|总面积|占比|比重|增加值|"
    r"销售额|交易额|总量|产量|税收|利润)$"
)
# What a physical quantity measures when the text only names the thing: 5200亩的产业园 → 产业园面积.
_MEASURE_NAME = {"mu": "面积", "m2": "面积", "km2": "面积", "ha": "面积", "km": "里程"}
# A change or a comparison attached to the figure before it: 增产74亿斤, 高于全省1.2个百分点.
_CHANGE_ONLY = re.compile(
    r"^(?:增产|减产|增加|减少|增收|减收|多|少|提高|下降|增长|回落|上升)$|^(?:高于|低于|快于|慢于|超出|领先)|"
    r"^比.{1,12}(?:高|低|快|慢|多|少)$"
)
# The counted noun ends at a conjunction (40亿元产值并带动…); a verb right after it stays (77个重大项目集中开工).
_NOUN_STOP = re.compile(r"并|和|及|以及|与|或者|等|的|其中|同时|取得|完成|实现|\d")
_NOUN_AFTER = re.compile(r"[^\s,;:。!?、()《》\[\]]{1,18}")
_GOAL_END = re.compile(
    r"(?:持续|继续|稳步|基本|明显|显著|进一步|不断|稳中有|总体|保持|全面|有效|大幅|逐步|更加|更为)?"
    r"(?:改善|下降|降低|提高|提升|增强|优化|平衡|同步|提质|增长|稳定|好转|扩大|缩小|减少|增加|达标|向好|跃升|"
    r"均衡|幸福美好|美好|完善|健全|巩固|提速|领先|"
    # an outcome named as a step: 迈上新台阶, 取得新突破, 取得更大成效, 取得决定性进展, 达到国家要求
    r"迈上新台阶|再上新台阶|取得(?:新|更大|重大|决定性|显著|明显|实质性)?(?:突破|成效|进展|成果)|"
    r"达到国家要求|完成国家下达(?:的)?(?:目标|任务))$"
)
_COMPLETION_START = re.compile(
    r"^(?:要|必须|须|将)?(?:(?:基本|全面|初步|率先|加快|努力|力争|确保|总体|整体|顺利|如期|按期|按照国家要求|按国家要求)+)?"
    r"(?:建成|建设成为|打造成为|打造|形成|实现|完成|成为|构建|培育|基本形成|跻身|迈入|进入|呈现)"
)
# A clause that sets a task rather than states an outcome: 保持社会和谐稳定, 推动经济实现质的有效提升.
_TASK_START = re.compile(
    r"^(?:保持|推动|推进|加快|坚持|着力|深入|持续|促进|加强|扎实|大力|积极|统筹|做好|抓好|强化|"
    r"坚决|全力|聚焦|围绕|发挥|用好|落实|深化|奋力|努力推动|全面推进)"
)
# A target relative to something else, with no figure (接近发达经济体水平, 高于全省平均水平).
_RELATIVE = re.compile(
    r"(?:接近|赶上|追上|高于|低于|快于|慢于|领先于|不低于|超过).{0,12}水平|平均水平|全国前列|第一方阵"
)
# What only qualifies the target before it: 努力争取更好结果, 争取更优水平, 等等; or how a target is assessed.
_HEDGE = re.compile(
    r"争取更好|更好结果|更优水平|更好水平|^等等$|考核|弹性|不纳入|留有|^在.{0,12}(?:中|下|上)$|"
    # a generic completion says nothing trackable: 完成“十五五”规划目标任务, 确保完成各项任务
    r"(?:目标任务|各项任务|各项目标|规划目标|全年目标|年度目标)$"
)
_ANAPHORIC = re.compile(r"上述|以上|这一|此项|这些|前述")


# Patterns the functions below use on every figure, compiled once.
_GROWTH_ONLY = re.compile(r"(?:实际)?(?:增长|增速|增幅|上涨|涨幅|增|长|下降|降幅|回落|减少|下跌|跌)")
_DECLINE_END = re.compile(r"(?:下降|降幅|回落|减少|降低|下跌|跌)$")
_CONSTRUCTION_OF = re.compile(r"(?<=项目|工程)(?:建设|实施)$")
_AVERAGE_END = re.compile(r"(?:年均|平均)$")
_RATE_END = re.compile(r"(?:率|比重|占比)$")
_RATE_WORD = re.compile(r"率|比重|占比|强度")
_COUNT_END = re.compile(r"(?:数|数量|总量|产量|人口|人次|规模)$")
_LENGTH_END = re.compile(r"(?:长|长度|里程|全长|总长)$")
_STEADY_END = re.compile(r"(?:保稳|促稳|稳中|保持|基本|总体)$")


# What never belongs to a subject, wherever it stands, in one pass: a comparison's base (较2020年), a time with its
# preposition (到2025年底), plan verbs (力争, 将) and adverbs (进一步).
_NOT_THE_SUBJECT = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (_BASE_PHRASE, _TIME_WITH_PREPOSITION, _INTENT, _ADVERBS))
)
# The characters those words start with, looked at first: most positions of a subject start none of them.
_STARTS_NOT_SUBJECT = "较比相与同主预目力争确计将拟努谋有了已就仅全基初进持继稳大积总单分连"


# The same without times, for a caller that has cut them out already (it knows where they stand).
_NOT_THE_SUBJECT_BUT_TIMES = re.compile(
    f"(?=[{_STARTS_NOT_SUBJECT}])(?:" + "|".join(f"(?:{p.pattern})" for p in (_BASE_PHRASE, _INTENT, _ADVERBS)) + ")"
)


def clean_left(text: str, *, times_removed: bool = False) -> str:
    """The words before a figure, less time, comparison bases, plan verbs and the linking verb."""
    text = text.lstrip("、 ")
    if "》" in text:
        text = text[text.rindex("》") + 1 :]
    if "——" in text:
        text = text[text.rindex("——") + 2 :]
    text = (_NOT_THE_SUBJECT_BUT_TIMES if times_removed else _NOT_THE_SUBJECT).sub("", text)
    text = _LEAD.sub("", text)
    text = _SCOPE.sub("", text)
    text = _LINK_END.sub("", text)
    text = _GENERIC_START.sub("", text)
    text = _ACHIEVE.sub("", text)
    return text.strip(" “”\"'")


def is_growth_only(left_clean: str) -> bool:
    """增长8.1% / 同比增速36% / 下降7.4% right after a level: its growth, not a new item (年均增长 is a rate of its
    own, over a period)."""
    return bool(_GROWTH_ONLY.fullmatch(left_clean))


def is_decline(left_clean: str) -> bool:
    return bool(_DECLINE_END.search(left_clean))


def is_change_only(left_clean: str) -> bool:
    """增产74亿斤 right after 粮食产量1.37万亿斤: the change of that figure."""
    return bool(_CHANGE_ONLY.match(left_clean))


# A count right after a figure (三个大台阶, 两大目标): it counts the figures before it, it is no noun they measure.
_COUNT_PHRASE = re.compile(r"[一二三四五六七八九十两几]+(?:个|大|项|条|类|批)")
# Quote marks a subject lost the other half of (to a time taken out, or to the window's edge).
_OPEN_QUOTE, _CLOSE_QUOTE = "“", "”"
# An abbreviation in brackets after the name it abbreviates: 居民消费价格(CPI), 研发(R&D).
_ABBREVIATION = re.compile(r"[（(][A-Za-z][A-Za-z0-9.&]*[)）]")
# Words that only qualify a figure: with nothing else before it (累计达到1100座), the figure names no subject.
_QUALIFIER_ONLY = re.compile(r"^(?:累计|共计|总计|合计|总共|全年|共)$")


def tidy_subject(subject: str) -> str:
    """A subject's last touches: no abbreviation in brackets beside its name; quote marks in pairs (“十五五”良好开局
    lost its period to the time taken out and keeps no lone “; 千项万亿”重大项目 gets back the “ the window cut)."""
    subject = _ABBREVIATION.sub("", subject)
    first = next((ch for ch in subject if ch in (_OPEN_QUOTE, _CLOSE_QUOTE)), None)
    if first is None:
        return subject
    if first == _CLOSE_QUOTE and not subject.startswith(_CLOSE_QUOTE):
        subject = _OPEN_QUOTE + subject
    kept: list[str] = []
    opens: list[int] = []  # where the marks still open stand in `kept`
    for ch in subject:
        if ch == _OPEN_QUOTE:
            opens.append(len(kept))
        elif ch == _CLOSE_QUOTE:
            if not opens:
                continue  # closes nothing
            opens.pop()
        kept.append(ch)
    for at in reversed(opens):  # opened, never closed
        del kept[at]
    return "".join(kept)


def noun_after(right: str) -> str:
    """The noun a counter counts: 45个[制造业项目], 6家[省级重点实验室]."""
    right = right.lstrip("的")
    m = _NOUN_AFTER.match(right)
    if not m:
        return ""
    noun = m.group()
    if _COUNT_PHRASE.match(noun):
        return ""  # 跨越7万亿、8万亿、9万亿三个大台阶: the figures are counted, nothing is named
    stop = _NOUN_STOP.search(noun, 1)
    noun = noun[: stop.start()] if stop else noun
    # 重点项目建设: the construction of the projects; the projects are what is counted.
    return _CONSTRUCTION_OF.sub("", noun)


_ACTOR_END = re.compile(
    r"(?:区|市|省|县|镇|乡|村|园|城|港|站|项目|企业|公司|集团|局|委|厅|部|办|政府|中心|基地|产业|行业|平台|学校|"
    r"医院|银行|机构|工程|片区|街道|社区)$"
)


def topic_of(clause: str, strict: bool = True) -> str:
    """The noun phrase a sentence is about, from one of its first clauses (高新区在2012年… → 高新区).

    Strict: only an actor (a place, a body, a project). Lenient: any leading noun phrase, for a figure that has no
    words of its own (2022年达到1.2万亿元 after 全市经济总量…).
    """
    text = TIME_RE.sub("", _TITLE.sub("", clause))
    text = _LEAD.sub("", text).strip(" “”\"'")
    if not text or _VERB_RE.match(text):
        return ""
    m = _TOPIC_STOP.search(text)
    topic = text[: m.start()] if m else ""
    if "的" in topic:
        topic = topic[topic.rindex("的") + 1 :]
    topic = _SCOPE.sub("", _INTENT.sub("", topic))
    # A topic is an actor: a place, a body, a project, an industry. A measure (增加值, 比重) is not.
    if strict and (not _ACTOR_END.search(topic) or topic.startswith(("新增", "新建"))):
        return ""
    return topic if 2 <= len(topic) <= 12 else ""


def _drop_enumeration(left: str) -> str:
    """智能制造、生物医药、新材料三条产业链: keep the verb phrase before the list (形成), drop its members."""
    first_sep = len(left)
    for sep in ("、", "和", "及", "与"):
        i = left.find(sep)
        if i != -1:
            first_sep = min(first_sep, i)
    if first_sep == len(left):
        return left
    last_verb_end = 0
    for m in _VERB_RE.finditer(left, 0, first_sep):
        last_verb_end = m.end()
    return left[:last_verb_end]


# Money handed out, named as the amount of what was handed out (安排省级财政资金1042.8亿元 → 省级财政资金安排额,
# 发放消费券7亿元 → 消费券发放额): the verb is part of the indicator, whoever acted before it is not.
_DISBURSED = re.compile(r"(?P<verb>安排|发放|兑现|下达|拨付|新增)(?P<what>[^\s,;:、。()]{2,20})$")


def _disbursed(left: str) -> str:
    """The subject of a money figure whose words end with a verb of handing out and what was handed out, else ""."""
    m = _DISBURSED.search(left)
    if m is None:
        return ""
    named = _TIME_WITH_PREPOSITION.sub("", m["what"])  # 下达2025年育儿补贴资金: the year is no part of the name
    what = named.strip("“”\"'")
    if _VERB_RE.search(what) or _LINK_END.search(what) or what.endswith(("额", "额度")) or len(what) < 2:
        return ""  # 安排资金支持…: a clause, not a thing; 新增贷款额: named already
    return named + m["verb"] + "额"


def figure_subject(
    left: str,
    right: str,
    unit_normalized: str,
    *,
    previous_base: str,
    topic: Callable[[], str],
    plan: str,
    cleaned: str | None = None,
    lenient_topic: Callable[[], str] | None = None,
    same_clause_subject: str = "",
    previous_subject: str = "",
) -> tuple[str, str, bool]:
    """(subject, base noun phrase for later attributes, is_growth) for one figure; `topic` gives the sentence's
    topic when a rule needs it (most figures name their subject themselves).

    `left` is the clause up to the figure's comparator, `right` what follows the figure in the clause;
    `cleaned` is clean_left(left) when the caller has it already.
    """
    after_title = "》" in left
    clean = clean_left(left) if cleaned is None else cleaned
    if _QUALIFIER_ONLY.match(clean):
        clean = ""
    if unit_normalized in ("CNY", "USD"):
        disbursed = _disbursed(left)
        if disbursed:
            return disbursed, disbursed, False
    counted = unit_normalized in ("count", "person", "person_time")
    noun = noun_after(right) if counted or unit_normalized not in ("percent", "pp") else ""
    if noun and _VERB_RE.match(noun):
        noun = ""  # 3家落户: a verb, not a noun, follows the counter
    if counted and noun:
        clean = _drop_enumeration(clean)
    elif "、" in clean:
        clean = clean[clean.rindex("、") + 1 :]
        # 集成电路、生物医药、人工智能三大先导产业: the members are named, the measure is the group's.
        counted_group = _COUNTED_GROUP.match(clean)
        if counted_group:
            clean = counted_group.group(1)

    growth = False
    anaphor = bool(_ANAPHOR.match(clean))
    if unit_normalized == "percent":
        m = _GROWTH_END.search(clean)
        if m:
            head, verb = clean[: m.start()], m.group()
            head = _LINK_END.sub("", head)
            average = _AVERAGE_END.search(head)
            if average:
                head = head[: average.start()]
            if not head:
                # 年均增长5.9% right after the level it belongs to: that level's indicator.
                head = _METRIC_TAIL.sub("", same_clause_subject or previous_subject or topic())
            prefix = average.group() if average else ""
            if _RATE_END.search(head):
                clean = head
            elif verb in _DECLINE:
                growth = True
                clean = head + prefix + "增长率"
            elif verb in ("上涨", "涨幅") or "居民消费价格" in head:
                growth = True
                clean = head + prefix + "涨幅"
            else:
                growth = verb not in ("提高", "提升", "增加") or not _RATE_WORD.search(head)
                clean = head + prefix + ("增长率" if growth else "")
            base = head
        else:
            base = clean
    elif unit_normalized == "pp":
        base = clean
    else:
        base = clean

    # A bare attribute (总投资, 产值) belongs to the thing counted just before; verb + attribute to the topic.
    attribute = _ATTRIBUTE.search(clean)
    if anaphor and topic():
        clean = topic() + clean
    elif clean and attribute and not counted:
        rest = clean[: attribute.start()]
        if not rest:
            clean = (previous_base or topic()) + clean
        elif _VERB_RE.fullmatch(rest) or (_VERB_RE.match(rest) and len(rest) <= 4):
            clean = topic() + clean
    elif clean and _VERB_RE.match(clean) and not after_title and topic():
        clean = topic() + clean
    elif not clean and not noun:
        # No words of its own: 增长6.1%和7.8% repeats the subject before it; otherwise borrow a name.
        if same_clause_subject:
            return same_clause_subject, previous_base, growth
        clean = previous_base or topic() or (lenient_topic() if lenient_topic else "")

    if noun and not counted:
        # 贡献了25亿元产值: the actor before the verb + the noun after the figure.
        m = _VERB_RE.search(clean)
        actor = clean[: m.start()] if m else clean
        actor = actor.removeprefix("在")
        if actor:
            clean = actor + noun
        else:
            clean = (previous_base or topic()) + noun
        base = clean
    if counted:
        if noun and _GENERIC_TASK_END.search(clean):
            clean = ""  # 扎实推进320个重点项目: a task verb says nothing of what is counted
        base = clean + noun
        suffix = "人数" if unit_normalized == "person" else "数"
        if unit_normalized == "person_time":
            suffix = "人次"
        if _COUNT_END.search(base):
            suffix = ""
        subject = base + suffix if base else ""
    else:
        base = previous_base  # only counted things lend their name to a later bare attribute (总投资)
        named = _ATTRIBUTE.search(clean) or _LENGTH_END.search(clean)
        subject = clean + _MEASURE_NAME.get(unit_normalized, "") if clean and not named else clean
    if plan and after_title and subject and not subject.startswith(plan):
        subject = plan + subject
        base = plan + base
    return subject[:40], base[:40], growth


_IN_STEP = re.compile(r"^(?:城乡)?居民(?:人均可支配)?收入增长(?:和|与|同)经济增长$")


def qualitative_subject(clause: str) -> str:
    """打造…的数字经济创新高地 → 数字经济创新高地; 生态环境质量持续改善 → 生态环境质量."""
    text = _bare(clause)
    m = _COMPLETION_START.match(text)
    if m:
        obj = text[m.end() :]
        if "的" in obj and len(obj) - obj.rindex("的") > 2:
            obj = obj[obj.rindex("的") + 1 :]
        return obj[:40]
    m = _GOAL_END.search(text)
    if m:
        head = text[: m.start()]
        head = _STEADY_END.sub("", head)
        if m.group().endswith("同步") and _IN_STEP.search(head):
            # The goal is the two growing in step, and reports word it many ways (居民人均可支配收入增长和经济增长
            # 基本同步): one name for it, as targets lists have it.
            return _IN_STEP.sub("居民收入增长与经济增长", head) + "同步"
        return head[:40] or text[:40]
    return text[:40]


def _bare(clause: str) -> str:
    """A clause without its time (and the preposition before it), enumerators and quotes left around a time."""
    text = _TIME_WITH_PREPOSITION.sub("", clause).replace("“”", "").replace('""', "")
    return _LEAD.sub("", text).strip(" “”\"'")


def is_goal_clause(clause: str) -> bool:
    """A clause that states an outcome without a figure: 生态环境质量持续改善, 基本建成现代化产业体系."""
    text = _bare(clause)
    if len(text) < 4 or len(text) > 60 or _HEDGE.search(text) or _ANAPHORIC.search(text):
        return False
    if _COMPLETION_START.match(text):
        return True
    return bool(_GOAL_END.search(text)) and not _TASK_START.match(text)


def is_dated_goal(clause: str) -> bool:
    """Outside a list of targets, a dated clause is a commitment only when it states an outcome of its own:
    到2030年,经济实力大幅跃升 — not a task (保持社会和谐稳定) nor a target relative to another (接近发达经济体水平)."""
    text = _bare(clause)
    return is_goal_clause(clause) and not _RELATIVE.search(text)


def is_hedge(clause: str) -> bool:
    """努力争取更好结果 after a growth target only qualifies it."""
    return bool(_HEDGE.search(_bare(clause)))


def starts_with_completion(clause: str) -> bool:
    text = _bare(clause)
    return bool(_COMPLETION_START.match(text)) and len(text) >= 4
