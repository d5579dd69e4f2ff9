"""A document's summary and its buttons: confirm a group of targets in one press, review a group card by card, see
and confirm the suggested verdicts (bot/render/documents.py draws them; trackers/coverage/batch.py decides)."""

from __future__ import annotations

from collections import Counter

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.context import Context
from bot.handlers.followers import tell_followers_of_new, tell_followers_of_verdict
from bot.handlers.review import Cards, cards_of, send_cards
from bot.handlers.turn import Turn, admit
from bot.render.documents import (
    ANSWERS,
    CONFIRM_ANSWERS,
    CONFIRM_GROUP,
    PAGE_SIZE,
    REVIEW_GROUP,
    SUMMARY,
    group_label,
    id_list,
    page_keyboard,
    summary_keyboard,
    summary_text,
)
from bot.render.errors import EDITING_ERRORS, error_text
from bot.texts import t
from trackers.coverage.batch import confirm_group, confirm_verdicts, pending_answers, pending_in_group
from trackers.coverage.review import AlreadyDecided, NothingToLink, UnknownItem, items_of_article
from trackers.coverage.summary import summarize
from trackers.models import Article, Commitment, ReviewItem
from trackers.runtime.clock import utcnow

Answer = tuple[str, InlineKeyboardMarkup | None]


async def document_summary(turn: Turn, article: Article) -> Answer:
    """The summary message of a stored document and its buttons."""
    items = await items_of_article(turn.session, article.id)
    summary = summarize(items)
    summary.article_id = article.id
    places = Counter(item.data.get("place") for item in items if item.data.get("place"))
    place = places.most_common(1)[0][0] if places else None
    return summary_text(turn.language, article, summary, place=place), summary_keyboard(turn.language, summary)


async def _document(turn: Turn) -> Article | None:
    return await turn.session.get(Article, int(turn.context.match.group(1)))


async def show_summary(update: Update, context: Context) -> None:
    """📄: the summary again, as it stands now, in place of the page it was pressed under."""
    answer = None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "document") and (article := await _document(turn)) is not None:
            answer = await document_summary(turn, article)
    if turn.refused:
        return
    await update.callback_query.answer()
    if answer is not None:
        await context.bot.send_message(update.effective_chat.id, answer[0], reply_markup=answer[1])


async def press_confirm_group(update: Update, context: Context) -> None:
    """✅ a group: every target in it waiting becomes a commitment (the ones already tracked stay for one by one);
    the summary is redrawn with the new counts."""
    group = context.match.group(2)
    alert, note, answer = None, "", None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "document_confirm") and (article := await _document(turn)) is not None:
            try:
                confirmed, left = await confirm_group(
                    turn.session,
                    article.id,
                    group,
                    actor_id=turn.user_id,
                    now=utcnow(),
                    timezone=turn.settings.bot.timezone,
                )
            except (UnknownItem, AlreadyDecided, *EDITING_ERRORS) as error:
                alert = error_text(turn.language, error)
            else:
                for item in confirmed:
                    commitment = await turn.session.get(Commitment, item.result_commitment_id)
                    await tell_followers_of_new(
                        turn.session, commitment, now=utcnow(), default_language=turn.settings.bot.language
                    )
                ids = id_list([item.result_commitment_id for item in confirmed])
                note = (
                    t(turn.language, "doc_group_confirmed", count=len(confirmed), ids=ids)
                    if confirmed
                    else t(turn.language, "doc_nothing_pending")
                )
                if left:
                    note += "\n" + t(turn.language, "doc_group_duplicates_left", count=left)
                answer = await document_summary(turn, article)
    if turn.refused or not await _answered(update, alert, note):
        return
    if answer is not None:
        await update.callback_query.edit_message_text(answer[0], reply_markup=answer[1])
        await context.bot.send_message(update.effective_chat.id, note)


async def _page(turn: Turn, items: list[ReviewItem], page: int) -> tuple[list[ReviewItem], int, int]:
    """The items of page `page` (from 0, kept in range), the page shown and the number of pages."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    return items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page, pages


async def press_review_group(update: Update, context: Context) -> None:
    """🔍 a group: its waiting cards, a page at a time, each with its own buttons."""
    group, page = context.match.group(2), int(context.match.group(3))
    head, cards, keyboard = None, [], None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "document_review") and (article := await _document(turn)) is not None:
            items = await pending_in_group(turn.session, article.id, group)
            shown, page, pages = await _page(turn, items, page)
            label = group_label(turn.language, group)
            head = t(turn.language, "doc_page_head", label=label, page=page + 1, pages=pages, count=len(items))
            cards = await cards_of(turn, shown)
            more = page + 1 < pages
            following = (
                REVIEW_GROUP.button(t(turn.language, "doc_btn_next"), article.id, group, page + 1) if more else None
            )
            keyboard = page_keyboard(turn.language, following, article.id)
    if turn.refused:
        return
    await update.callback_query.answer()
    await _send_page(update, context, head, cards, keyboard)


async def press_answers(update: Update, context: Context) -> None:
    """⚖️: the cards that answer tracked commitments, verdicts first, a page at a time, with "confirm all"."""
    page = int(context.match.group(2))
    head, cards, keyboard = None, [], None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "document_review") and (article := await _document(turn)) is not None:
            items = await pending_answers(turn.session, article.id)
            shown, page, pages = await _page(turn, items, page)
            head = t(turn.language, "doc_answers_head", page=page + 1, pages=pages, count=len(items))
            cards = await cards_of(turn, shown)
            verdicts = sum(item.kind == "verdict" for item in items)
            following = (
                ANSWERS.button(t(turn.language, "doc_btn_next"), article.id, page + 1) if page + 1 < pages else None
            )
            keyboard = page_keyboard(turn.language, following, article.id)
            if verdicts:
                confirm_all = CONFIRM_ANSWERS.button(
                    t(turn.language, "doc_btn_confirm_answers", count=verdicts), article.id
                )
                keyboard = InlineKeyboardMarkup([[confirm_all], *keyboard.inline_keyboard])
    if turn.refused:
        return
    await update.callback_query.answer()
    await _send_page(update, context, head, cards, keyboard)


async def _send_page(
    update: Update, context: Context, head: str | None, cards: Cards, keyboard: InlineKeyboardMarkup | None
) -> None:
    """The cards, then the page's head with its buttons last, where the admin's eyes are."""
    if head is None:
        return
    await send_cards(context, update.effective_chat.id, cards)
    await context.bot.send_message(update.effective_chat.id, head, reply_markup=keyboard)


async def press_confirm_answers(update: Update, context: Context) -> None:
    """✅ all: every suggested verdict of the document is confirmed; each commitment's followers hear of it once."""
    alert, note = None, ""
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "document_confirm") and (article := await _document(turn)) is not None:
            try:
                confirmed = await confirm_verdicts(
                    turn.session, article.id, actor_id=turn.user_id, now=utcnow(), timezone=turn.settings.bot.timezone
                )
            except (UnknownItem, AlreadyDecided, NothingToLink, *EDITING_ERRORS) as error:
                alert = error_text(turn.language, error)
            else:
                for item in confirmed:
                    await tell_followers_of_verdict(
                        turn.session, item, now=utcnow(), default_language=turn.settings.bot.language
                    )
                note = t(turn.language, "doc_answers_confirmed", count=len(confirmed))
    if turn.refused or not await _answered(update, alert, note):
        return
    await update.callback_query.edit_message_reply_markup(None)
    await context.bot.send_message(update.effective_chat.id, note)


async def _answered(update: Update, alert: str | None, note: str) -> bool:
    """The press answered: why it could not be done (False), or the short note of what was done (True)."""
    if alert is not None:
        await update.callback_query.answer(alert, show_alert=True)
        return False
    await update.callback_query.answer(note[:190])  # Telegram cuts a toast at 200 characters
    return True


HANDLERS = [
    CallbackQueryHandler(press_confirm_group, pattern=CONFIRM_GROUP.pattern),
    CallbackQueryHandler(press_review_group, pattern=REVIEW_GROUP.pattern),
    CallbackQueryHandler(press_answers, pattern=ANSWERS.pattern),
    CallbackQueryHandler(press_confirm_answers, pattern=CONFIRM_ANSWERS.pattern),
    CallbackQueryHandler(show_summary, pattern=SUMMARY.pattern),
]
