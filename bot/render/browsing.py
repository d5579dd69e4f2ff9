"""Browsing as a reader sees it: a page of commitments with its filter menus, search and upcoming results, and the
buttons under a card. Each button kind's data and pattern are defined here, beside the keyboards that use them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.render.buttons import ID, ButtonKind, in_rows
from bot.render.cards import button_label, list_line
from bot.render.format import esc, shorten, status_label
from bot.texts import t
from trackers.commitments import catalog
from trackers.commitments.catalog import Card, Filters, Page, Upcoming
from trackers.models import Commitment, Status, Tag

STATUSES = list(Status)  # a status travels in callback data as its index here
FILTER_CHOICES = 30  # buttons in one filter menu
RESULT_BUTTONS = 20
OVERDUE_IN_UPCOMING = 10


@dataclass(frozen=True)
class ListState:
    """What a list message shows: its filters (the place as its short key) and page."""

    status: int | None = None
    tag_id: int | None = None
    place_key: str | None = None
    plan_id: int | None = None
    page: int = 0

    def encode(self) -> str:
        """S.T.P.N.PAGE: status index, tag id, place key, plan id ("-" for none) and the page."""
        parts = (self.status, self.tag_id, self.place_key, self.plan_id)
        return ".".join("-" if p is None else str(p) for p in parts) + f".{self.page}"

    @classmethod
    def decode(cls, text: str) -> ListState:
        status, tag, place, plan, page = text.split(".")

        def number(part: str) -> int | None:
            return None if part == "-" else int(part)

        return cls(number(status), number(tag), None if place == "-" else place, number(plan), int(page))


# Each part as encode() writes it; a forged id larger than any row id, or a longer page number, matches no button.
_OPTIONAL_ID = rf"(?:-|{ID})"
LIST_STATE = rf"(?:-|\d{{1,2}})\.{_OPTIONAL_ID}\.(?:-|[0-9a-f]{{1,16}})\.{_OPTIONAL_ID}\.\d{{1,9}}"

# A list page (its filters and page number).
LIST_PAGE = ButtonKind("l", (LIST_STATE,))
# A commitment's card, and its chart.
SHOW = ButtonKind("s", (ID,))
CHART = ButtonKind("c", (ID,))
# Follow and unfollow from a card.
FOLLOW = ButtonKind("f", (ID,))
UNFOLLOW = ButtonKind("uf", (ID,))


@dataclass(frozen=True)
class FilterMenu:
    """One of a list's filters: the button that opens its menu (over the list it sits under), and its texts."""

    button: ButtonKind
    label_key: str
    title_key: str


STATUS_FILTER = FilterMenu(ButtonKind("lf:s", (LIST_STATE,)), "btn_filter_s", "filter_pick_s")
TAG_FILTER = FilterMenu(ButtonKind("lf:t", (LIST_STATE,)), "btn_filter_t", "filter_pick_t")
PLACE_FILTER = FilterMenu(ButtonKind("lf:p", (LIST_STATE,)), "btn_filter_p", "filter_pick_p")
PLAN_FILTER = FilterMenu(ButtonKind("lf:n", (LIST_STATE,)), "btn_filter_n", "filter_pick_n")
FILTER_MENUS = (STATUS_FILTER, TAG_FILTER, PLACE_FILTER, PLAN_FILTER)


# -- a page of the list ------------------------------------------------------------------------------------------


def _describe_filters(language: str, filters: Filters, tag: Tag | None) -> str:
    parts = []
    if filters.status is not None:
        parts.append(t(language, "filter_status", value=status_label(language, filters.status)))
    if filters.tag_id is not None:
        parts.append(t(language, "filter_tag", value=esc(tag.name if tag else filters.tag_id)))
    if filters.place is not None:
        parts.append(t(language, "filter_place", value=esc(filters.place)))
    if filters.plan_id is not None:
        parts.append(t(language, "filter_plan", value=filters.plan_id))
    return " · ".join(parts)


def list_page(
    language: str, page: Page, state: ListState, filters: Filters, tag: Tag | None, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """The page's lines, a button for each commitment, then paging, the filter menus and (when filtered) clearing.
    `tag` is the tag filtered on, if any."""
    lines = [t(language, "list_header", total=page.total, page=page.number + 1, pages=page.count)]
    if filters.any:
        lines.append(t(language, "list_filters", filters=_describe_filters(language, filters, tag)))
    lines.append("")
    if not page.items:
        lines.append(t(language, "list_empty_filtered" if filters.any else "list_empty"))
    lines += [list_line(language, c, now) for c in page.items]
    if page.items:
        lines += ["", t(language, "list_hint")]

    rows = in_rows([SHOW.button(button_label(c), c.id) for c in page.items])
    navigation = []
    if page.number > 0:
        navigation.append(LIST_PAGE.button(t(language, "btn_prev"), replace(state, page=page.number - 1).encode()))
    if page.number < page.count - 1:
        navigation.append(LIST_PAGE.button(t(language, "btn_next"), replace(state, page=page.number + 1).encode()))
    if navigation:
        rows.append(navigation)
    rows.append([menu.button.button(t(language, menu.label_key), state.encode()) for menu in FILTER_MENUS])
    if filters.any:
        rows.append([LIST_PAGE.button(t(language, "btn_clear_filters"), ListState().encode())])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


# -- the filter menus --------------------------------------------------------------------------------------------


def _filter_menu(
    language: str, menu: FilterMenu, choices: list[tuple[str, ListState]], cleared: ListState, back: ListState
) -> tuple[str, InlineKeyboardMarkup]:
    """A filter's choices in place of the list's buttons, then Any (the filter cleared) and Back (the list)."""
    rows = in_rows(
        [LIST_PAGE.button(shorten(label, 30), choice.encode()) for label, choice in choices[:FILTER_CHOICES]]
    )
    rows.append(
        [
            LIST_PAGE.button(t(language, "btn_any"), cleared.encode()),
            LIST_PAGE.button(t(language, "btn_back"), back.encode()),
        ]
    )
    text = t(language, menu.title_key)
    if not choices:
        text += "\n" + t(language, "filter_none_available")
    return text, InlineKeyboardMarkup(rows)


def status_menu(language: str, state: ListState) -> tuple[str, InlineKeyboardMarkup]:
    choices = [(status_label(language, s), replace(state, status=i)) for i, s in enumerate(STATUSES)]
    return _filter_menu(language, STATUS_FILTER, choices, replace(state, status=None), state)


def tag_menu(language: str, state: ListState, tags: list[Tag]) -> tuple[str, InlineKeyboardMarkup]:
    choices = [(tag.name, replace(state, tag_id=tag.id)) for tag in tags]
    return _filter_menu(language, TAG_FILTER, choices, replace(state, tag_id=None), state)


def place_menu(language: str, state: ListState, places: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    choices = [(place, replace(state, place_key=catalog.place_key(place))) for place in places]
    return _filter_menu(language, PLACE_FILTER, choices, replace(state, place_key=None), state)


def plan_menu(language: str, state: ListState, plans: list[Commitment]) -> tuple[str, InlineKeyboardMarkup]:
    choices = [(f"#{p.id} {shorten(p.subject, 18)}", replace(state, plan_id=p.id)) for p in plans]
    return _filter_menu(language, PLAN_FILTER, choices, replace(state, plan_id=None), state)


# -- the card's buttons ------------------------------------------------------------------------------------------


def card_keyboard(language: str, card: Card, following: bool) -> InlineKeyboardMarkup:
    """Follow or Unfollow, the chart (when there is a figure to draw), the plan it belongs to and its parts."""
    c = card.commitment
    follow = (
        UNFOLLOW.button(t(language, "btn_unfollow"), c.id)
        if following
        else FOLLOW.button(t(language, "btn_follow"), c.id)
    )
    rows = [[follow]]
    if c.value is not None:
        rows[0].append(CHART.button(t(language, "btn_chart"), c.id))
    links = []
    if card.parent is not None:
        links.append(SHOW.button(t(language, "btn_plan"), card.parent.id))
    if card.children:
        links.append(LIST_PAGE.button(t(language, "btn_children"), ListState(plan_id=c.id).encode()))
    if links:
        rows.append(links)
    return InlineKeyboardMarkup(rows)


# -- /search and /upcoming ---------------------------------------------------------------------------------------


def results_keyboard(commitments: list[Commitment]) -> InlineKeyboardMarkup | None:
    buttons = [SHOW.button(button_label(c), c.id) for c in commitments[:RESULT_BUTTONS]]
    return InlineKeyboardMarkup(in_rows(buttons)) if buttons else None


def search_text(language: str, words: str, found: list[Commitment], now: datetime) -> str:
    shown = esc(shorten(words, 40))
    if not found:
        return t(language, "search_empty", words=shown)
    lines = [t(language, "search_header", words=shown, count=len(found)), ""]
    lines += [list_line(language, c, now) for c in found]
    return "\n".join(lines)


def upcoming_text(language: str, result: Upcoming, days: int, now: datetime) -> str:
    """Deadlines in the next `days` days (of what the chat follows, or of everything), then those past with no
    verdict."""
    if result.items:
        header = "upcoming_header_followed" if result.followed_only else "upcoming_header_all"
        lines = [t(language, header, days=days), ""]
        lines += [list_line(language, c, now) for c in result.items]
    else:
        empty = t(language, "upcoming_empty_followed" if result.followed_only else "upcoming_empty_all", days=days)
        # A longer look is worth suggesting only to someone who looked less than a year ahead.
        lines = [empty + (t(language, "upcoming_try_a_year") if days < 365 else "")]
    if result.overdue:
        lines += ["", t(language, "upcoming_overdue_header", count=len(result.overdue))]
        lines += [list_line(language, c, now) for c in result.overdue[:OVERDUE_IN_UPCOMING]]
    return "\n".join(lines)
