"""What a chat follows, in words: "#3 集成电路产业链群规模", "标签“集成电路”", "全部承诺"; and /following with a button
to drop each."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.render.buttons import ID, ButtonKind
from bot.render.format import esc, shorten
from bot.texts import t
from trackers.models import Subscription, SubscriptionKind

# Drop a follow from /following: the subscription's id.
DROP = ButtonKind("d", (ID,))


def describe(language: str, kind: SubscriptionKind, target: str, subject: str | None = None) -> str:
    """What a follow is about; `subject` is the followed commitment's, when it is one."""
    if kind == SubscriptionKind.ALL:
        return t(language, "what_all")
    if kind in (SubscriptionKind.COMMITMENT, SubscriptionKind.PLAN):
        key = "what_plan" if kind == SubscriptionKind.PLAN else "what_commitment"
        return t(language, key, id=esc(target), subject=esc(shorten(subject, 40)) if subject else "")
    key = "what_tag" if kind == SubscriptionKind.TAG else "what_place"
    return t(language, key, name=esc(target))


def following_view(
    language: str, followed: list[Subscription], subjects: dict[str, str], *, archived: set[str] = frozenset()
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/following: each follow on a line and on a ✖ button; `subjects` are the followed commitments' by id, and
    `archived` the ids of those taken out of the lists (their follows stay until dropped)."""
    if not followed:
        return t(language, "following_empty"), None
    lines = [t(language, "following_header", count=len(followed)), ""]
    buttons = []
    for sub in followed:
        what = describe(language, sub.kind, sub.target, subjects.get(sub.target))
        if sub.target in archived:
            what += t(language, "following_archived")
        lines.append(f"• {what}")
        # Button labels are plain text: the description without its HTML escapes, shortened.
        label = what.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        buttons.append([DROP.button(f"✖ {shorten(label, 36)}", sub.id)])
    lines += ["", t(language, "following_drop_hint")]
    return "\n".join(lines), InlineKeyboardMarkup(buttons)
