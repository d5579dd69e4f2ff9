"""Indicator names: one spelling for each indicator in subjects, and families of names for linking.

The tables are data, in indicators.toml beside this file; this module only reads them and applies them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("indicators.toml")
_AND = re.compile(r"、|和|与|及")
# A member of a list that names a measure of its own (起数, 死亡人数, 满意率, 进出口总额).
_COMPLETE = re.compile(r"(?:数|率|额|量|值|收入|比重|占比|规模|面积|里程|产值|指数)$")
# A share written as a comparison, in the words statistics use for it: 研发经费支出相当于地区生产总值的比例 →
# 研发经费支出占地区生产总值比例 (a grammatical pattern, not a spelling the tables could hold).
_SHARE_AS_COMPARISON = re.compile(r"相当于(.{2,16}?)的(比例|比重)$")


@dataclass(frozen=True)
class Tables:
    spellings: dict[str, str]
    keep: frozenset[str]
    families: dict[str, str]  # a name → its family's key
    split: dict[str, tuple[str, ...]]
    heads: tuple[str, ...]
    qualifiers: tuple[str, ...]
    spelling_pattern: re.Pattern[str]
    family_pattern: re.Pattern[str]


def _alternation(words) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


@cache
def tables() -> Tables:
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    spellings = dict(data["spellings"])
    keep = frozenset(data["keep"]["names"])
    families = {name: key for key, names in data["families"].items() for name in names}
    return Tables(
        spellings=spellings,
        keep=keep,
        families=families,
        split={word: tuple(parts) for word, parts in data["split"].items()},
        heads=tuple(sorted(data["heads"]["names"], key=len, reverse=True)),
        qualifiers=tuple(data["qualifiers"]["words"]),
        spelling_pattern=_alternation([*spellings, *keep]),
        family_pattern=_alternation(families),
    )


def canonical(subject: str) -> str:
    """全省生产总值增长率 → 地区生产总值增长率, 规上工业企业数 → 规模以上工业企业数; names kept whole stay."""
    t = tables()

    def one(m: re.Match[str]) -> str:
        word = m.group()
        return word if word in t.keep else t.spellings[word]

    return _SHARE_AS_COMPARISON.sub(r"占\1\2", t.spelling_pattern.sub(one, subject))


def family_key(subject: str) -> str:
    """Every name of a family folded to its key (一般公共预算收入 and 地方财政收入 both → 财政收入)."""
    t = tables()
    return t.family_pattern.sub(lambda m: t.families[m.group()], subject)


def qualifiers_in(subject: str) -> frozenset[str]:
    """The narrowing words a subject carries; 进出口 counts as neither 进口 nor 出口."""
    text = subject.replace("进出口", "")
    return frozenset(q for q in tables().qualifiers if q in text)


def split_members(phrase: str, count: int) -> list[str] | None:
    """城乡居民人均可支配收入 → [城镇居民…, 农村居民…]; 金融业、软件和信息服务业增加值 → [金融业增加值, 软件和信息服务业
    增加值]: one subject per value of a 分别 list, or None when the phrase does not name `count` members."""
    t = tables()
    for word, parts in t.split.items():
        if phrase.startswith(word) and len(parts) == count:
            rest = phrase[len(word) :]
            return [part + rest for part in parts]
    members = [m.strip('“”"') for m in phrase.split("、") if m]
    if len(members) != count:
        members = [m.strip('“”"') for m in _AND.split(phrase) if m]
    if len(members) != count or not all(members):
        return None
    if all(_COMPLETE.search(m) for m in members):
        return members  # 诉求解决率、满意率: each names its own measure
    last = members[-1]
    head = next((h for h in t.heads if last.endswith(h) and len(last) > len(h)), None)
    if head is None:
        # 城镇、农村居民人均可支配收入: the last member's own part is as long as the others.
        cut = len(members[0])
        if cut >= len(last):
            return members  # “上海标准”、“上海品牌”: names with nothing in common
        head = last[cut:]
    return [m if m.endswith(head) else m + head for m in members]
