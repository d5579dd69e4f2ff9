"""Feeding articles and reviewing what was found in them.

An admin sends /ingest URL, pastes or forwards an article in a private chat, or uploads a .txt / .html file. The
article is stored once, extraction runs, and each candidate comes back as a card with Confirm / Edit / Reject
(and "link to …" for a fact that may report progress on a tracked commitment). /review lists what is pending.

Anyone else who writes plain text gets the usual pointer to /help: these handlers pass such messages on.
"""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import Context
from bot.handlers import fallback
from bot.handlers.admin_gate import admit, refuse, role_for
from bot.handlers.admin_render import review_card
from bot.handlers.common import current_chat, language_for
from bot.handlers.editing import DOMAIN_ERRORS, _error_text
from bot.handlers.followers import tell_followers_of_new
from bot.texts import t
from trackers.coverage.articles import (
    ArticleText,
    EmptyArticle,
    Extracted,
    extract_article,
    published_in,
    store_article,
    text_from_page,
    text_from_upload,
)
from trackers.coverage.fetch import FetchRefused, fetch
from trackers.coverage.linking import Thresholds
from trackers.coverage.review import (
    EDITABLE,
    AlreadyDecided,
    NothingToLink,
    UnknownItem,
    confirm_item,
    edit_item,
    get_item,
    items_of_article,
    pending_items,
    queue_extraction,
    reject_item,
)
from trackers.extract import ExtractionError, places
from trackers.models import Article, Commitment, ReviewItem, ReviewState
from trackers.people.admins import Role
from trackers.runtime.clock import local_date, utcnow

log = logging.getLogger(__name__)

# Shorter messages from an admin are chat, not articles.
MIN_ARTICLE_CHARS = 50
MAX_UPLOAD_BYTES = 2_000_000
UPLOAD_TYPES = (".txt", ".html", ".htm")
# The card whose Edit button was pressed: the admin's next text is "field value" for it.
EDITING_CARD = "review_editing"
REVIEW_PAGE = 10


def _keyboard(item: ReviewItem, language: str) -> InlineKeyboardMarkup | None:
    if item.state != ReviewState.PENDING:
        return None
    row = [
        InlineKeyboardButton(t(language, "adm_btn_confirm"), callback_data=f"rv:ok:{item.id}"),
        InlineKeyboardButton(t(language, "adm_btn_edit"), callback_data=f"rv:ed:{item.id}"),
        InlineKeyboardButton(t(language, "adm_btn_reject"), callback_data=f"rv:no:{item.id}"),
    ]
    rows = [row]
    if item.kind == "fact":
        others = [cid for cid in item.data.get("candidates", []) if cid != item.suggested_commitment_id]
        links = [
            InlineKeyboardButton(t(language, "adm_btn_link", id=cid), callback_data=f"rv:ln:{item.id}:{cid}")
            for cid in others
        ]
        if links:
            rows.append(links)
    return InlineKeyboardMarkup(rows)


async def _card(session, item: ReviewItem, language: str) -> str:
    article = await session.get(Article, item.article_id)
    linked = {}
    if item.suggested_commitment_id:
        commitment = await session.get(Commitment, item.suggested_commitment_id)
        if commitment is not None:
            linked[commitment.id] = commitment.subject
    return review_card(language, item, linked=linked, article_title=article.title if article else None)


Cards = list[tuple[str, InlineKeyboardMarkup | None]]


async def _cards(session, items: list[ReviewItem], language: str) -> Cards:
    return [(await _card(session, item, language), _keyboard(item, language)) for item in items]


async def _send_cards(update: Update, context: Context, cards: Cards) -> None:
    for text, keyboard in cards:
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=keyboard)


async def _ingest(
    update: Update, context: Context, article_text: ArticleText, language: str, place: str | None = None
) -> None:
    """Extract, then store and queue, and show the cards; the same article twice shows its cards from the first time.
    `place` is where the article is about when the admin said (/ingest URL @济南); otherwise the text says."""
    head, cards = None, []
    try:
        # Before the transaction: extraction can take a good part of a second
        # (trackers.coverage.articles.extract_article).
        today = local_date(utcnow(), context.bot_data.settings.bot.timezone)
        extracted = await extract_article(article_text, today=today, place=place)
    except EmptyArticle:
        head = t(language, "adm_ingest_empty")
    except ExtractionError:
        head = t(language, "adm_ingest_unreadable")
    if head is None:
        async with context.bot_data.transaction() as session:
            limits = context.bot_data.settings.linking.thresholds()
            head, cards = await _intake(session, article_text, extracted, language, limits, place)
    # Sent once committed, so a press on a card always finds it.
    await update.effective_message.reply_text(head)
    await _send_cards(update, context, cards)


async def _intake(
    session, article_text: ArticleText, extracted: Extracted, language: str, thresholds: Thresholds,
    place: str | None = None,
) -> tuple[str, Cards]:
    """The article stored and its candidates queued: what to answer, and the cards to send after it."""
    now = utcnow()
    article, new = await store_article(session, article_text, now=now)
    if new:
        if article.published is None:
            article.published = extracted.published
        items = await queue_extraction(
            session, article, extracted.extraction, now=now, thresholds=thresholds, place_hint=place
        )
        published = extracted.published.isoformat()
        head = t(language, "adm_ingest_stored", id=article.id, published=published, cards=len(items))
    else:
        items = [i for i in await items_of_article(session, article.id) if i.state == ReviewState.PENDING]
        head = t(language, "adm_ingest_known", id=article.id, cards=len(items))
    return head, await _cards(session, items, language)


async def ingest_url(update: Update, context: Context) -> None:
    """/ingest URL: fetch the page safely, keep its main text, extract."""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "ingest")
    if not allowed:
        await refuse(update, language)
        return
    urls = [arg for arg in context.args or [] if not arg.startswith("@")]
    place = next((arg[1:] for arg in context.args or [] if arg.startswith("@") and len(arg) > 1), None)
    if len(urls) != 1:
        await update.effective_message.reply_text(t(language, "adm_ingest_usage"))
        return
    if place is not None and places.parse_place(place) is None:
        await update.effective_message.reply_text(t(language, "adm_feed_bad_place", place=html.escape(place)))
        return
    url = urls[0]
    try:
        page = await fetch(url, context.bot_data.settings.fetch.policy())
        if page.content_type == "text/plain":
            article_text = text_from_upload(page.body, "page.txt")
            article_text = ArticleText(text=article_text.text, url=page.url, published=article_text.published)
        else:
            article_text = await text_from_page(page.body, page.url)
    except FetchRefused as exc:
        await update.effective_message.reply_text(
            t(language, f"adm_fetch_{exc.reason}", detail=html.escape(exc.detail))
        )
        return
    except EmptyArticle:
        await update.effective_message.reply_text(t(language, "adm_ingest_empty"))
        return
    await _ingest(update, context, article_text, language, place)


async def ingest_message(update: Update, context: Context) -> None:
    """Text in a private chat: from an admin, an article to ingest (or a card edit); from anyone else, chat."""
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        role = await role_for(session, update, context)
    if role < Role.ADMIN:
        await fallback.plain_text(update, context)
        return
    message = update.effective_message
    text = message.text or message.caption or ""
    editing = context.user_data.get(EDITING_CARD)
    if editing is not None and message.forward_origin is None:
        await _edit_card(update, context, editing, text, language)
        return
    if len(text.strip()) < MIN_ARTICLE_CHARS:
        await message.reply_text(t(language, "adm_ingest_too_short", chars=MIN_ARTICLE_CHARS))
        return
    source = None
    if message.forward_origin is not None:
        origin = message.forward_origin
        chat_origin = getattr(origin, "chat", None)
        source = (chat_origin.title if chat_origin else None) or getattr(origin, "sender_user_name", None)
    await _ingest(update, context, ArticleText(text=text, published=published_in(text), source=source), language)


async def ingest_file(update: Update, context: Context) -> None:
    """An uploaded .txt or .html file from an admin: its text, as an article."""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        role = await role_for(session, update, context)
    if role < Role.ADMIN:
        await fallback.plain_text(update, context)
        return
    document = update.effective_message.document
    name = document.file_name or "upload.txt"
    if not name.lower().endswith(UPLOAD_TYPES):
        await update.effective_message.reply_text(t(language, "adm_upload_type"))
        return
    if document.file_size and document.file_size > MAX_UPLOAD_BYTES:
        await update.effective_message.reply_text(t(language, "adm_upload_too_large"))
        return
    telegram_file = await document.get_file()
    data = bytes(await telegram_file.download_as_bytearray())
    try:
        article_text = text_from_upload(data, name)
    except EmptyArticle:
        await update.effective_message.reply_text(t(language, "adm_ingest_empty"))
        return
    await _ingest(
        update, context, ArticleText(text=article_text.text, title=name, published=article_text.published), language
    )


async def review(update: Update, context: Context) -> None:
    """/review: the oldest pending cards, with their buttons; /review ID: that one card."""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "review")
        if allowed:
            head, cards = await _review(session, context, language)
    if not allowed:
        await refuse(update, language)
        return
    if head is not None:
        await update.effective_message.reply_text(head)
    await _send_cards(update, context, cards)


async def _review(session, context: Context, language: str) -> tuple[str | None, Cards]:
    """What /review answers (a line, or None for one card alone) and the cards to send after it."""
    if context.args and context.args[0].lstrip("#").isdigit():
        try:
            item = await get_item(session, int(context.args[0].lstrip("#")))
        except UnknownItem as exc:
            return _review_error(language, exc), []
        return None, await _cards(session, [item], language)
    items, total = await pending_items(session, limit=REVIEW_PAGE)
    if not items:
        return t(language, "adm_review_empty"), []
    return t(language, "adm_review_head", shown=len(items), total=total), await _cards(session, items, language)


async def _decided(update: Update, language: str, *, allowed: bool, alert: str | None, card: str, note: str) -> None:
    """After the decision is committed: refuse a non-admin, show why it could not be made, or rewrite the card with
    what happened to it, without buttons."""
    if not allowed:
        await refuse(update, language)
    elif alert is not None:
        await update.callback_query.answer(alert, show_alert=True)
    else:
        await update.callback_query.answer(note)
        await update.callback_query.edit_message_text(card + "\n\n" + note)


async def press_confirm(update: Update, context: Context) -> None:
    """Confirm: the card becomes a commitment (or a progress point on the linked commitment)."""
    await _confirm(update, context, link_to=None)


async def press_link(update: Update, context: Context) -> None:
    """Link to …: the fact becomes a progress point on the commitment the button names."""
    await _confirm(update, context, link_to=int(context.match.group(2)))


async def _confirm(update: Update, context: Context, *, link_to: int | None) -> None:
    item_id = int(context.match.group(1))
    alert, card, note = None, "", ""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "review_confirm")
        if allowed:
            try:
                item = await confirm_item(
                    session,
                    item_id,
                    actor_id=update.effective_user.id,
                    now=utcnow(),
                    timezone=context.bot_data.settings.bot.timezone,
                    link_to=link_to,
                )
            except (UnknownItem, AlreadyDecided, NothingToLink, *DOMAIN_ERRORS) as exc:
                alert = _review_error(language, exc)
            else:
                note = await _confirmed(session, item, language, context.bot_data.settings.bot.language)
                card = await _card(session, item, language)
    await _decided(update, language, allowed=allowed, alert=alert, card=card, note=note)


async def _confirmed(session, item: ReviewItem, language: str, default_language: str) -> str:
    """A new commitment's followers are told; the note for the confirmed card."""
    if item.kind == "fact":
        return t(language, "adm_confirmed_progress", id=item.result_commitment_id)
    commitment = await session.get(Commitment, item.result_commitment_id)
    await tell_followers_of_new(session, commitment, now=utcnow(), default_language=default_language)
    return t(language, "adm_confirmed_commitment", id=item.result_commitment_id)


async def press_reject(update: Update, context: Context) -> None:
    """Reject: the card is dropped (and remembered as rejected)."""
    item_id = int(context.match.group(1))
    alert, card = None, ""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "review_reject")
        if allowed:
            try:
                item = await reject_item(session, item_id, actor_id=update.effective_user.id, now=utcnow())
            except (UnknownItem, AlreadyDecided) as exc:
                alert = _review_error(language, exc)
            else:
                card = await _card(session, item, language)
    await _decided(update, language, allowed=allowed, alert=alert, card=card, note=t(language, "adm_rejected"))


async def press_edit(update: Update, context: Context) -> None:
    """Edit: the admin's next message is 'field value' for this card."""
    item_id = int(context.match.group(1))
    alert = None
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "review_edit")
        if allowed:
            try:
                item = await get_item(session, item_id)
            except UnknownItem as exc:
                alert = _review_error(language, exc)
    if not allowed:
        await refuse(update, language)
        return
    if alert is not None:
        await update.callback_query.answer(alert, show_alert=True)
        return
    context.user_data[EDITING_CARD] = item_id
    await update.callback_query.answer()
    fields = ", ".join(EDITABLE[item.kind])
    await context.bot.send_message(
        update.effective_chat.id, t(language, "adm_review_ask_edit", id=item_id, fields=fields)
    )


async def _edit_card(update: Update, context: Context, item_id: int, text: str, language: str) -> None:
    name, _, value = text.strip().partition(" ")
    async with context.bot_data.transaction() as session:
        allowed = await admit(session, update, context, "review_edit")
        if allowed:
            answer, keyboard = await _edited_card(session, update, context, item_id, name, value, language)
    if not allowed:
        await refuse(update, language)
        return
    await update.effective_message.reply_text(answer, reply_markup=keyboard)


async def _edited_card(
    session, update: Update, context: Context, item_id: int, name: str, value: str, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Change one field of the card: the card to show again, or what went wrong."""
    try:
        item = await edit_item(
            session,
            item_id,
            name.lower(),
            value,
            actor_id=update.effective_user.id,
            now=utcnow(),
            timezone=context.bot_data.settings.bot.timezone,
        )
    except (UnknownItem, AlreadyDecided) as exc:
        context.user_data.pop(EDITING_CARD, None)
        return _review_error(language, exc), None
    except DOMAIN_ERRORS as exc:
        fields = ", ".join(EDITABLE.get((await get_item(session, item_id)).kind, ()))
        return _error_text(language, exc) + "\n" + t(language, "adm_review_ask_edit", id=item_id, fields=fields), None
    context.user_data.pop(EDITING_CARD, None)
    return await _card(session, item, language), _keyboard(item, language)


def _review_error(language: str, exc: Exception) -> str:
    if isinstance(exc, UnknownItem):
        return t(language, "adm_review_unknown")
    if isinstance(exc, AlreadyDecided):
        return t(language, "adm_review_decided", state=t(language, f"adm_state_{exc.item.state.value}"))
    if isinstance(exc, NothingToLink):
        return t(language, "adm_review_nothing_to_link")
    return _error_text(language, exc)


_PRIVATE = filters.ChatType.PRIVATE
HANDLERS = [
    CommandHandler("ingest", ingest_url),
    CommandHandler("review", review),
    CallbackQueryHandler(press_confirm, pattern=r"^rv:ok:(\d+)$"),
    CallbackQueryHandler(press_edit, pattern=r"^rv:ed:(\d+)$"),
    CallbackQueryHandler(press_reject, pattern=r"^rv:no:(\d+)$"),
    CallbackQueryHandler(press_link, pattern=r"^rv:ln:(\d+):(\d+)$"),
    MessageHandler(_PRIVATE & filters.Document.ALL, ingest_file),
    MessageHandler(_PRIVATE & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, ingest_message),
]
