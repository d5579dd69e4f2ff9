"""Finding commitments: /list with pages and filters, /show and its card, /chart, /search, /upcoming."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import MenuCommand
from bot.context import Context
from bot.handlers.common import current_chat, language_for
from bot.handlers.replies import redraw, reply
from bot.render.cards import button_label, card_text, list_line
from bot.render.format import esc, shorten, status_label
from bot.texts import t
from trackers.commitments import catalog
from trackers.commitments.catalog import ArchivedCommitment, Filters, UnknownCommitment
from trackers.models import Status
from trackers.runtime.clock import utcnow

COMMANDS = [
    MenuCommand("list", "cmd_list"),
    MenuCommand("show", "cmd_show"),
    MenuCommand("search", "cmd_search"),
    MenuCommand("upcoming", "cmd_upcoming"),
    MenuCommand("chart", "cmd_chart"),
]

PAGE_SIZE = 8
DEFAULT_UPCOMING_DAYS = 30
MAX_UPCOMING_DAYS = 3650
SEARCH_LIMIT = 20
OVERDUE_IN_UPCOMING = 10
FILTER_CHOICES = 30  # buttons in one filter menu
STATUSES = list(Status)  # a status travels in callback data as its index here

# Callback data, one pattern each (all well under Telegram's 64 bytes):
#   l:S.T.P.N.PAGE       a list page; S status index, T tag id, P place key, N plan id; "-" for none
#   lf:K:S.T.P.N.PAGE    the menu for filter K (s, t, p, n) over that list
#   s:ID                 a commitment's card
#   c:ID                 a commitment's chart
LIST_PATTERN = r"^l:([0-9-]+)\.([0-9-]+)\.([0-9a-f-]+)\.([0-9-]+)\.(\d+)$"
FILTER_PATTERN = r"^lf:([stpn]):([0-9-]+)\.([0-9-]+)\.([0-9a-f-]+)\.([0-9-]+)\.(\d+)$"
SHOW_PATTERN = r"^s:(\d+)$"
CHART_PATTERN = r"^c:(\d+)$"


@dataclass(frozen=True)
class ListState:
    """What a list message shows: its filters (the place as its short key) and page."""

    status: int | None = None
    tag_id: int | None = None
    place_key: str | None = None
    plan_id: int | None = None
    page: int = 0

    def encode(self) -> str:
        parts = (self.status, self.tag_id, self.place_key, self.plan_id)
        return ".".join("-" if p is None else str(p) for p in parts) + f".{self.page}"

    @classmethod
    def decode(cls, groups: tuple[str, ...]) -> ListState:
        status, tag, place, plan, page = groups

        def number(text: str) -> int | None:
            return None if text == "-" else int(text)

        return cls(number(status), number(tag), None if place == "-" else place, number(plan), int(page))


class StaleList(Exception):
    """The callback data names a filter that no longer exists (a tag removed since the list was sent)."""


def _parse_id(text: str | None) -> int | None:
    text = (text or "").strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 10 else None


async def _language(session, update: Update, context: Context) -> str:
    return language_for(await current_chat(session, update), update, context)


# -- /list --------------------------------------------------------------------------------------------------------


async def _filters(session, state: ListState) -> Filters:
    if state.status is not None and not 0 <= state.status < len(STATUSES):
        raise StaleList
    place = None
    if state.place_key is not None:
        place = await catalog.place_by_key(session, state.place_key)
        if place is None:
            raise StaleList
    return Filters(
        status=STATUSES[state.status] if state.status is not None else None,
        tag_id=state.tag_id,
        place=place,
        plan_id=state.plan_id,
    )


async def _list_view(session, language: str, state: ListState) -> tuple[str, InlineKeyboardMarkup]:
    filters = await _filters(session, state)
    page = await catalog.list_commitments(session, filters, page=state.page, page_size=PAGE_SIZE)
    state = replace(state, page=page.number)
    now = utcnow()
    lines = [t(language, "list_header", total=page.total, page=page.number + 1, pages=page.count)]
    if filters.any:
        lines.append(t(language, "list_filters", filters=await _describe_filters(session, language, filters)))
    lines.append("")
    if not page.items:
        lines.append(t(language, "list_empty_filtered" if filters.any else "list_empty"))
    lines += [list_line(language, c, now) for c in page.items]
    if page.items:
        lines += ["", t(language, "list_hint")]

    rows = [
        [InlineKeyboardButton(button_label(c), callback_data=f"s:{c.id}") for c in page.items[i : i + 2]]
        for i in range(0, len(page.items), 2)
    ]
    navigation = []
    if page.number > 0:
        navigation.append(
            InlineKeyboardButton(
                t(language, "btn_prev"), callback_data="l:" + replace(state, page=page.number - 1).encode()
            )
        )
    if page.number < page.count - 1:
        navigation.append(
            InlineKeyboardButton(
                t(language, "btn_next"), callback_data="l:" + replace(state, page=page.number + 1).encode()
            )
        )
    if navigation:
        rows.append(navigation)
    rows.append(
        [
            InlineKeyboardButton(t(language, f"btn_filter_{kind}"), callback_data=f"lf:{kind}:{state.encode()}")
            for kind in "stpn"
        ]
    )
    if filters.any:
        rows.append([InlineKeyboardButton(t(language, "btn_clear_filters"), callback_data="l:" + ListState().encode())])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _describe_filters(session, language: str, filters: Filters) -> str:
    parts = []
    if filters.status is not None:
        parts.append(t(language, "filter_status", value=status_label(language, filters.status)))
    if filters.tag_id is not None:
        tag = await catalog.tag_by_id(session, filters.tag_id)
        parts.append(t(language, "filter_tag", value=esc(tag.name if tag else filters.tag_id)))
    if filters.place is not None:
        parts.append(t(language, "filter_place", value=esc(filters.place)))
    if filters.plan_id is not None:
        parts.append(t(language, "filter_plan", value=filters.plan_id))
    return " · ".join(parts)


async def list_commitments(update: Update, context: Context) -> None:
    """Show the first page of commitments with buttons to page, filter and open each."""
    async with context.bot_data.transaction() as session:
        language = await _language(session, update, context)
        text, keyboard = await _list_view(session, language, ListState())
    await reply(update, text, keyboard)


async def turn_list_page(update: Update, context: Context) -> None:
    """A page or filter button under a list: redraw the same message."""
    query = update.callback_query
    state = ListState.decode(context.match.groups())
    async with context.bot_data.transaction() as session:
        language = await _language(session, update, context)
        try:
            text, keyboard = await _list_view(session, language, state)
        except StaleList:
            text = None
    if text is None:
        await query.answer(t(language, "list_gone"), show_alert=True)
        return
    await query.answer()
    await redraw(query, text, keyboard)


async def pick_list_filter(update: Update, context: Context) -> None:
    """A filter button: offer its choices (statuses, tags, places or plans) in place of the list's buttons."""
    query = update.callback_query
    kind, *groups = context.match.groups()
    state = replace(ListState.decode(tuple(groups)), page=0)
    async with context.bot_data.transaction() as session:
        language = await _language(session, update, context)
        choices: list[tuple[str, ListState]] = []
        if kind == "s":
            choices = [(status_label(language, s), replace(state, status=i)) for i, s in enumerate(STATUSES)]
            cleared = replace(state, status=None)
        elif kind == "t":
            tags = await catalog.tags_in_use(session)
            choices = [(tag.name, replace(state, tag_id=tag.id)) for tag in tags]
            cleared = replace(state, tag_id=None)
        elif kind == "p":
            places = await catalog.places_in_use(session)
            choices = [(place, replace(state, place_key=catalog.place_key(place))) for place in places]
            cleared = replace(state, place_key=None)
        else:
            plans = await catalog.plans(session)
            choices = [(f"#{p.id} {shorten(p.subject, 18)}", replace(state, plan_id=p.id)) for p in plans]
            cleared = replace(state, plan_id=None)
    buttons = [
        InlineKeyboardButton(shorten(label, 30), callback_data="l:" + choice.encode())
        for label, choice in choices[:FILTER_CHOICES]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(t(language, "btn_any"), callback_data="l:" + cleared.encode()),
            InlineKeyboardButton(t(language, "btn_back"), callback_data="l:" + state.encode()),
        ]
    )
    text = t(language, f"filter_pick_{kind}")
    if not choices:
        text += "\n" + t(language, "filter_none_available")
    await query.answer()
    await redraw(query, text, InlineKeyboardMarkup(rows))


# -- the card --------------------------------------------------------------------------------------------------------


def card_keyboard(language: str, card: catalog.Card, following: bool) -> InlineKeyboardMarkup:
    c = card.commitment
    follow = (
        InlineKeyboardButton(t(language, "btn_unfollow"), callback_data=f"uf:{c.id}")
        if following
        else InlineKeyboardButton(t(language, "btn_follow"), callback_data=f"f:{c.id}")
    )
    rows = [[follow]]
    if c.value is not None:
        rows[0].append(InlineKeyboardButton(t(language, "btn_chart"), callback_data=f"c:{c.id}"))
    links = []
    if card.parent is not None:
        links.append(InlineKeyboardButton(t(language, "btn_plan"), callback_data=f"s:{card.parent.id}"))
    if card.children:
        links.append(
            InlineKeyboardButton(t(language, "btn_children"), callback_data="l:" + ListState(plan_id=c.id).encode())
        )
    if links:
        rows.append(links)
    return InlineKeyboardMarkup(rows)


def _lookup_error_text(language: str, error: Exception) -> str:
    if isinstance(error, ArchivedCommitment):
        return t(language, "archived_commitment", id=error.commitment_id)
    return t(language, "unknown_commitment", id=error.commitment_id)


async def _send_card(update: Update, context: Context, commitment_id: int) -> None:
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        try:
            card = await catalog.get_card(session, commitment_id)
        except (UnknownCommitment, ArchivedCommitment) as error:
            text, keyboard = _lookup_error_text(language, error), None
        else:
            following = await catalog.is_following_commitment(session, chat.id, commitment_id)
            text = card_text(language, card, utcnow())
            keyboard = card_keyboard(language, card, following)
    await reply(update, text, keyboard)


async def _id_argument(update: Update, context: Context, usage: str) -> int | None:
    """The commitment id a command names; when missing or malformed, say how to use it and return None."""
    raw = context.args[0] if context.args else None
    commitment_id = _parse_id(raw)
    if commitment_id is None:
        async with context.bot_data.transaction() as session:
            language = await _language(session, update, context)
        key = usage if raw is None else "bad_id"
        await reply(update, t(language, key, value=esc(shorten(raw or "", 40))))
    return commitment_id


async def show(update: Update, context: Context) -> None:
    """/show ID: the commitment's card with follow and chart buttons."""
    commitment_id = await _id_argument(update, context, "show_usage")
    if commitment_id is not None:
        await _send_card(update, context, commitment_id)


async def show_from_button(update: Update, context: Context) -> None:
    """A commitment's button in a list: send its card."""
    await update.callback_query.answer()
    await _send_card(update, context, int(context.match.group(1)))


# -- /chart ------------------------------------------------------------------------------------------------------------


async def _send_chart(update: Update, context: Context, commitment_id: int) -> None:
    async with context.bot_data.transaction() as session:
        language = await _language(session, update, context)
        try:
            card = await catalog.get_card(session, commitment_id)
        except (UnknownCommitment, ArchivedCommitment) as error:
            card, missing = None, _lookup_error_text(language, error)
    if card is None:
        await reply(update, missing)
        return
    if card.commitment.value is None:
        await reply(update, t(language, "chart_no_target", id=commitment_id))
        return
    await update.effective_chat.send_chat_action("upload_photo")
    # Drawing takes a few hundred milliseconds of CPU: off the event loop, so other chats are not kept waiting.
    # matplotlib is imported on the first chart, not at start-up: it is half of the bot's resident memory.
    from bot.charts import render_chart

    png = await asyncio.to_thread(render_chart, card, language, utcnow())
    caption = t(language, "chart_caption", id=commitment_id, subject=esc(shorten(card.commitment.subject, 60)))
    await update.effective_message.reply_photo(InputFile(png, filename=f"chart-{commitment_id}.png"), caption=caption)


async def chart(update: Update, context: Context) -> None:
    """/chart ID: a PNG of progress against the target, with the deadline and the projection."""
    commitment_id = await _id_argument(update, context, "chart_usage")
    if commitment_id is not None:
        await _send_chart(update, context, commitment_id)


async def chart_from_button(update: Update, context: Context) -> None:
    """The chart button on a card."""
    await update.callback_query.answer()
    await _send_chart(update, context, int(context.match.group(1)))


# -- /search and /upcoming -------------------------------------------------------------------------------------------


def _results_keyboard(commitments) -> InlineKeyboardMarkup | None:
    buttons = [InlineKeyboardButton(button_label(c), callback_data=f"s:{c.id}") for c in commitments[:SEARCH_LIMIT]]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)]) if buttons else None


async def search(update: Update, context: Context) -> None:
    """/search WORDS: commitments whose subject, place, tags or quotes match."""
    words = " ".join(context.args or []).strip()
    async with context.bot_data.transaction() as session:
        language = await _language(session, update, context)
        found = await catalog.search(session, words, limit=SEARCH_LIMIT) if words else []
    if not words:
        await reply(update, t(language, "search_usage"))
        return
    shown = esc(shorten(words, 40))
    if not found:
        await reply(update, t(language, "search_empty", words=shown))
        return
    now = utcnow()
    lines = [t(language, "search_header", words=shown, count=len(found)), ""]
    lines += [list_line(language, c, now) for c in found]
    await reply(update, "\n".join(lines), _results_keyboard(found))


async def upcoming(update: Update, context: Context) -> None:
    """/upcoming [days]: deadlines of followed commitments (or all) in the next N days, soonest first."""
    raw = context.args[0] if context.args else None
    days = DEFAULT_UPCOMING_DAYS if raw is None else (int(raw) if re.fullmatch(r"\d{1,4}", raw) else 0)
    valid = 1 <= days <= MAX_UPCOMING_DAYS
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        if valid:
            timezone = chat.timezone or context.bot_data.settings.bot.timezone
            result = await catalog.upcoming(session, chat.id, now=utcnow(), days=days, timezone=timezone)
    if not valid:
        await reply(
            update, t(language, "bad_days", value=esc(shorten(raw or "", 20))) + "\n" + t(language, "upcoming_usage")
        )
        return
    scope = "followed" if result.followed_only else "all"
    now = utcnow()
    if result.items:
        lines = [t(language, f"upcoming_header_{scope}", days=days), ""]
        lines += [list_line(language, c, now) for c in result.items]
    else:
        lines = [t(language, f"upcoming_empty_{scope}", days=days)]
    if result.overdue:
        lines += ["", t(language, "upcoming_overdue_header", count=len(result.overdue))]
        lines += [list_line(language, c, now) for c in result.overdue[:OVERDUE_IN_UPCOMING]]
    await reply(update, "\n".join(lines), _results_keyboard([*result.items, *result.overdue]))


HANDLERS = [
    CommandHandler("list", list_commitments),
    CommandHandler("show", show),
    CommandHandler("chart", chart),
    CommandHandler("search", search),
    CommandHandler("upcoming", upcoming),
    CallbackQueryHandler(turn_list_page, pattern=LIST_PATTERN),
    CallbackQueryHandler(pick_list_filter, pattern=FILTER_PATTERN),
    CallbackQueryHandler(show_from_button, pattern=SHOW_PATTERN),
    CallbackQueryHandler(chart_from_button, pattern=CHART_PATTERN),
]
