"""Finding commitments: /list with pages and filters, /show and its card, /chart, /search, /upcoming."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import MenuCommand
from bot.context import Context
from bot.handlers.ids import looks_like_id, parse_id
from bot.handlers.replies import redraw, reply
from bot.handlers.turn import Turn, language_of
from bot.render.browsing import (
    CHART,
    LIST_PAGE,
    PLACE_FILTER,
    PLAN_FILTER,
    SHOW,
    STATUS_FILTER,
    STATUSES,
    TAG_FILTER,
    ListState,
    card_keyboard,
    list_page,
    place_menu,
    plan_menu,
    results_keyboard,
    search_text,
    status_menu,
    tag_menu,
    upcoming_text,
)
from bot.render.cards import card_text
from bot.render.errors import error_text
from bot.render.format import esc, shorten
from bot.texts import t
from trackers.commitments import catalog
from trackers.commitments.catalog import ArchivedCommitment, Filters, UnknownCommitment
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


class StaleList(Exception):
    """The callback data names a filter that no longer exists (a tag removed since the list was sent)."""


def _parse_id(text: str | None) -> int | None:
    return parse_id(text)


# -- /list --------------------------------------------------------------------------------------------------------


async def _filters(turn: Turn, state: ListState) -> Filters:
    if state.status is not None and not 0 <= state.status < len(STATUSES):
        raise StaleList
    place = None
    if state.place_key is not None:
        place = await catalog.place_by_key(turn.session, state.place_key)
        if place is None:
            raise StaleList
    return Filters(
        status=STATUSES[state.status] if state.status is not None else None,
        tag_id=state.tag_id,
        place=place,
        plan_id=state.plan_id,
    )


async def _list_view(turn: Turn, state: ListState) -> tuple[str, InlineKeyboardMarkup]:
    filters = await _filters(turn, state)
    page = await catalog.list_commitments(turn.session, filters, page=state.page, page_size=PAGE_SIZE)
    tag = await catalog.tag_by_id(turn.session, filters.tag_id) if filters.tag_id is not None else None
    return list_page(turn.language, page, replace(state, page=page.number), filters, tag, utcnow())


async def list_commitments(update: Update, context: Context) -> None:
    """Show the first page of commitments with buttons to page, filter and open each."""
    async with Turn.begin(update, context) as turn:
        text, keyboard = await _list_view(turn, ListState())
    await reply(update, text, keyboard)


async def turn_list_page(update: Update, context: Context) -> None:
    """A page or filter button under a list: redraw the same message."""
    query = update.callback_query
    state = ListState.decode(context.match.group(1))
    async with Turn.begin(update, context) as turn:
        try:
            text, keyboard = await _list_view(turn, state)
        except StaleList:
            text = None
    if text is None:
        await query.answer(t(turn.language, "list_gone"), show_alert=True)
        return
    await query.answer()
    await redraw(query, text, keyboard)


def _menu_state(context: Context) -> ListState:
    """The list a filter menu opens over, back on its first page: a new filter changes the pages."""
    return replace(ListState.decode(context.match.group(1)), page=0)


async def _show_menu(update: Update, menu: tuple[str, InlineKeyboardMarkup]) -> None:
    await update.callback_query.answer()
    await redraw(update.callback_query, *menu)


async def pick_status_filter(update: Update, context: Context) -> None:
    """🔖 Status under a list: the statuses to filter on, in place of the list's buttons."""
    state = _menu_state(context)
    await _show_menu(update, status_menu(await language_of(update, context), state))


async def pick_tag_filter(update: Update, context: Context) -> None:
    """🏷 Tag under a list: the tags in use."""
    state = _menu_state(context)
    async with Turn.begin(update, context) as turn:
        tags = await catalog.tags_in_use(turn.session)
    await _show_menu(update, tag_menu(turn.language, state, tags))


async def pick_place_filter(update: Update, context: Context) -> None:
    """📍 Place under a list: the places in use."""
    state = _menu_state(context)
    async with Turn.begin(update, context) as turn:
        places = await catalog.places_in_use(turn.session)
    await _show_menu(update, place_menu(turn.language, state, places))


async def pick_plan_filter(update: Update, context: Context) -> None:
    """🗂 Plan under a list: the plans, to list one's parts."""
    state = _menu_state(context)
    async with Turn.begin(update, context) as turn:
        plans = await catalog.plans(turn.session)
    await _show_menu(update, plan_menu(turn.language, state, plans))


# -- the card --------------------------------------------------------------------------------------------------------


async def _send_card(update: Update, context: Context, commitment_id: int) -> None:
    async with Turn.begin(update, context) as turn:
        try:
            card = await catalog.get_card(turn.session, commitment_id, now=utcnow())
        except (UnknownCommitment, ArchivedCommitment) as error:
            text, keyboard = error_text(turn.language, error, readers=True), None
        else:
            following = await catalog.is_following_commitment(turn.session, turn.chat.id, commitment_id)
            text = card_text(turn.language, card, utcnow())
            keyboard = card_keyboard(turn.language, card, following)
    await reply(update, text, keyboard)


async def _id_argument(update: Update, context: Context, usage: str) -> int | None:
    """The commitment id a command names; when missing or malformed, say how to use it and return None."""
    raw = context.args[0] if context.args else None
    commitment_id = _parse_id(raw)
    if commitment_id is None:
        language = await language_of(update, context)
        if raw is None:
            text = t(language, usage)
        elif looks_like_id(raw):
            # A number, only one no commitment can have (0, or beyond any row id): no such commitment.
            text = t(language, "unknown_commitment", id=esc(shorten(raw.strip(), 40)))
        else:
            text = t(language, "bad_id", value=esc(shorten(raw, 40)))
        await reply(update, text)
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
    async with Turn.begin(update, context) as turn:
        try:
            card = await catalog.get_card(turn.session, commitment_id, now=utcnow())
        except (UnknownCommitment, ArchivedCommitment) as error:
            card, missing = None, error_text(turn.language, error, readers=True)
    language = turn.language
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


async def search(update: Update, context: Context) -> None:
    """/search WORDS: commitments whose subject, place, tags or quotes match."""
    words = " ".join(context.args or []).strip()
    async with Turn.begin(update, context) as turn:
        found = await catalog.search(turn.session, words, limit=SEARCH_LIMIT) if words else []
    if not words:
        await reply(update, t(turn.language, "search_usage"))
        return
    await reply(update, search_text(turn.language, words, found, utcnow()), results_keyboard(found))


async def upcoming(update: Update, context: Context) -> None:
    """/upcoming [days]: deadlines of followed commitments (or all) in the next N days, soonest first."""
    raw = context.args[0] if context.args else None
    days = DEFAULT_UPCOMING_DAYS if raw is None else (int(raw) if re.fullmatch(r"\d{1,4}", raw) else 0)
    valid = 1 <= days <= MAX_UPCOMING_DAYS
    async with Turn.begin(update, context) as turn:
        if valid:
            timezone = turn.chat.timezone or turn.settings.bot.timezone
            result = await catalog.upcoming(turn.session, turn.chat.id, now=utcnow(), days=days, timezone=timezone)
    language = turn.language
    if not valid:
        await reply(
            update, t(language, "bad_days", value=esc(shorten(raw or "", 20))) + "\n" + t(language, "upcoming_usage")
        )
        return
    keyboard = results_keyboard([*result.items, *result.overdue])
    await reply(update, upcoming_text(language, result, days, utcnow()), keyboard)


HANDLERS = [
    CommandHandler("list", list_commitments),
    CommandHandler("show", show),
    CommandHandler("chart", chart),
    CommandHandler("search", search),
    CommandHandler("upcoming", upcoming),
    CallbackQueryHandler(turn_list_page, pattern=LIST_PAGE.pattern),
    CallbackQueryHandler(pick_status_filter, pattern=STATUS_FILTER.button.pattern),
    CallbackQueryHandler(pick_tag_filter, pattern=TAG_FILTER.button.pattern),
    CallbackQueryHandler(pick_place_filter, pattern=PLACE_FILTER.button.pattern),
    CallbackQueryHandler(pick_plan_filter, pattern=PLAN_FILTER.button.pattern),
    CallbackQueryHandler(show_from_button, pattern=SHOW.pattern),
    CallbackQueryHandler(chart_from_button, pattern=CHART.pattern),
]
