"""Feeding articles and reviewing what was found in them.

An admin sends /ingest URL, pastes or forwards an article in a private chat, or uploads a .txt / .html file. The
article is stored once, extraction runs, and each candidate comes back as a card with Confirm / Edit / Reject
(and "link to …" for a fact that may report progress on a tracked commitment): see bot/handlers/review.py.

Anyone else who writes plain text gets the usual pointer to /help: these handlers pass such messages on.
"""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import timedelta

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.context import Context
from bot.handlers import fallback
from bot.handlers.reading import ingest_document
from bot.handlers.turn import Turn, admit, role
from bot.render.errors import error_text
from bot.texts import t
from trackers.coverage.articles import (
    ArticleText,
    EmptyArticle,
    published_in,
    text_from_page,
)
from trackers.coverage.documents import UPLOAD_TYPES, text_from_upload
from trackers.coverage.fetch import FetchRefused, fetch
from trackers.coverage.pastes import add_part, quiet_chats, quiet_since, take_paste
from trackers.extract import places
from trackers.people.admins import Role
from trackers.runtime.clock import utcnow

log = logging.getLogger(__name__)

# Shorter messages from an admin are chat, not articles.
MIN_ARTICLE_CHARS = 50
# Telegram lets a bot download files of up to 20 MB; a work report's PDF is a few.
MAX_UPLOAD_BYTES = 20_000_000


async def _ingest(
    update: Update,
    context: Context,
    article_text: ArticleText,
    language: str,
    place: str | None = None,
    *,
    pasted_by: int | None = None,
) -> None:
    user = update.effective_user
    await ingest_document(
        context, update.effective_chat.id, user.id if user else None, article_text, language, place, pasted_by=pasted_by
    )


async def ingest_url(update: Update, context: Context) -> None:
    """/ingest URL: fetch the page safely, keep its main text, extract."""
    async with Turn.begin(update, context) as turn:
        await admit(turn, "ingest")
    if turn.refused:
        return
    language = turn.language
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
    except (FetchRefused, EmptyArticle) as error:
        await update.effective_message.reply_text(error_text(language, error))
        return
    await _ingest(update, context, article_text, language, place)


async def _admin_language(update: Update, context: Context) -> str | None:
    """The language to answer an admin in; None for anyone else, whose plain text is chat (not refused, not
    audited)."""
    async with Turn.begin(update, context) as turn:
        is_admin = await role(turn) >= Role.ADMIN
    return turn.language if is_admin else None


async def ingest_message(update: Update, context: Context) -> None:
    """Text in a private chat: from an admin, an article to ingest; from anyone else, chat (an answer to a question
    the bot asked is taken before, by bot.handlers.answers)."""
    language = await _admin_language(update, context)
    if language is None:
        await fallback.plain_text(update, context)
        return
    message = update.effective_message
    text = message.text or message.caption or ""
    source = None
    if message.forward_origin is not None:
        origin = message.forward_origin
        chat_origin = getattr(origin, "chat", None)
        source = (chat_origin.title if chat_origin else None) or getattr(origin, "sender_user_name", None)
    chat_id = update.effective_chat.id
    async with context.bot_data.transaction() as session:
        waiting = await quiet_since(session, chat_id) is not None
        if waiting or len(text.strip()) >= MIN_ARTICLE_CHARS:
            await add_part(
                session,
                chat_id=chat_id,
                user_id=update.effective_user.id,
                message_id=message.message_id,
                text=text,
                source=source,
                now=utcnow(),
            )
    if not waiting and len(text.strip()) < MIN_ARTICLE_CHARS:
        await message.reply_text(t(language, "adm_ingest_too_short", chars=MIN_ARTICLE_CHARS))
        return
    # Telegram splits a long paste into messages that arrive a moment apart: the document is read once they stop.
    for job in context.job_queue.get_jobs_by_name(_paste_job(chat_id)):
        job.schedule_removal()
    context.job_queue.run_once(join_paste, PASTE_QUIET_SECONDS, data=chat_id, name=_paste_job(chat_id))


# How long a paste's sender must be quiet before its parts are joined and read.
PASTE_QUIET_SECONDS = 3.0


def _paste_job(chat_id: int) -> str:
    return f"paste:{chat_id}"


async def join_paste(context: Context) -> None:
    """The job run once a chat's paste has had no new part for a moment: its parts become one document."""
    await _join(context, context.job.data)


async def join_quiet_pastes(context: Context) -> None:
    """The sweep for pastes whose job was lost with its process (JobQueue jobs live in memory only)."""
    quiet = timedelta(seconds=PASTE_QUIET_SECONDS)
    async with context.bot_data.transaction() as session:
        chats = await quiet_chats(session, now=utcnow(), quiet=quiet)
    for chat_id in chats:
        try:
            await _join(context, chat_id)
        except Exception:  # one chat's paste never stops the others'
            log.exception("joining the paste of chat %s failed", chat_id)


async def _join(context: Context, chat_id: int) -> None:
    quiet = timedelta(seconds=PASTE_QUIET_SECONDS)
    async with context.bot_data.transaction() as session:
        newest = await quiet_since(session, chat_id)
        # A part came in since the job was set (its own job will do it), or the paste was joined already.
        paste = await take_paste(session, chat_id) if newest is not None and newest <= utcnow() - quiet * 0.9 else None
    if paste is None:
        return
    async with Turn.for_chat(context, chat_id, paste.user_id) as turn:
        pass  # only the chat's language, for what the reading says before its own turn
    text = ArticleText(text=paste.text, published=published_in(paste.text), source=paste.source)
    await ingest_document(
        context, chat_id, paste.user_id, text, turn.language, pasted_by=None if paste.source else paste.user_id
    )


async def ingest_file(update: Update, context: Context) -> None:
    """An uploaded report from an admin (PDF, Word .docx, .txt or .html): its text, as an article."""
    language = await _admin_language(update, context)
    if language is None:
        await fallback.plain_text(update, context)
        return
    document = update.effective_message.document
    name = document.file_name or "upload.txt"
    if not name.lower().endswith(UPLOAD_TYPES):
        await update.effective_message.reply_text(t(language, "adm_upload_type"))
        return
    if document.file_size and document.file_size > MAX_UPLOAD_BYTES:
        await update.effective_message.reply_text(t(language, "adm_upload_too_large", mb=MAX_UPLOAD_BYTES // 1_000_000))
        return
    telegram_file = await document.get_file()
    data = bytes(await telegram_file.download_as_bytearray())
    try:
        # Off the event loop: a long PDF takes the better part of a second to read.
        article_text = await asyncio.to_thread(text_from_upload, data, name)
    except EmptyArticle as error:  # and the ways a document cannot be read (trackers.coverage.documents)
        await update.effective_message.reply_text(error_text(language, error))
        return
    # The file's name when the document has no title of its own.
    title = article_text.title or name
    await _ingest(
        update, context, ArticleText(text=article_text.text, title=title, published=article_text.published), language
    )


_PRIVATE = filters.ChatType.PRIVATE
HANDLERS = [
    CommandHandler("ingest", ingest_url),
    MessageHandler(_PRIVATE & filters.Document.ALL, ingest_file),
    MessageHandler(_PRIVATE & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, ingest_message),
]
