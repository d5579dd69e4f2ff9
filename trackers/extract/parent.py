"""Parent plans: the document a sub-target belongs to (the 1301 projects belong to the three-year plan).

The text makes the link in two ways, and only those are followed: a plan named in 《》 as the actor of the sentence
that states the figures (《…三年行动计划》明确了…1301个重点项目), and 其中 ("of which") pointing back at the figure
just before.
"""

from __future__ import annotations

import re

_PLAN_TITLE = re.compile(r"《([^》]{2,80}?(?:计划|方案|规划|纲要|意见|措施|办法|行动|清单|政策)(?:\([^)]{0,20}\))?)》")
_SHORT = re.compile(
    r"(?:[一二三四五六七八九十\d]+年)?(?:行动计划|行动方案|实施方案|工作方案|专项规划|发展规划|规划纲要|实施意见|"
    r"若干措施|若干政策|规划|计划|方案|纲要|意见|措施|办法|清单)$"
)
_OF_WHICH = re.compile(r"^\s*(?:其中|内含|包括)")


def plan_in(text: str) -> tuple[int, int, str, str] | None:
    """The last plan title in `text`: (start, end, full name, short name such as 三年行动计划)."""
    last = None
    for m in _PLAN_TITLE.finditer(text):
        last = m
    if last is None:
        return None
    name = last.group(1)
    bare = re.sub(r"\([^)]*\)$", "", name)
    short = _SHORT.search(bare)
    return last.start(), last.end(), name, short.group() if short else bare[-8:]


def points_back(clause: str) -> bool:
    """A clause starting with 其中 is a part of the figure before it."""
    return bool(_OF_WHICH.match(clause))
