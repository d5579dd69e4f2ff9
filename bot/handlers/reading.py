"""Reading a document an admin gave: what it is missing is asked, not guessed; then extraction, the review queue
and the answer (a short article's cards, or a long document's summary).

A document with no date of its own is stored and the admin is asked for one (today, or another date typed in),
because the date decides what 今年 and 过去一年 mean. A document whose place cannot be told from its text is asked
about too, offering the place the admin chose last. The questions are buttons under a message, so they survive a
restart; the typed answer is read by bot/handlers/ingest.py as the admin's next text.
"""

from __future__ import annotations

import html
from datetime import date

from sqlalchemy import select
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.context import Context
from bot.handlers.documents import document_summary
from bot.handlers.review import Cards, cards_of, send_cards
from bot.handlers.turn import Turn, admit, ask, asked, stop_asking
from bot.render.buttons import ID, ButtonKind
from bot.render.documents import document_title
from bot.render.errors import error_text
from bot.texts import t
from trackers.commitments.targets import UnparseableDate, parse_date
from trackers.coverage.articles import ArticleText, EmptyArticle, Extracted, extract_article, store_article
from trackers.coverage.review import items_of_article, queue_extraction
from trackers.extract import ExtractionError, places
from trackers.models import Article, AuditEntry, ReviewState
from trackers.runtime.audit import record
from trackers.runtime.clock import local_date, utcnow

DATE_TODAY = ButtonKind("dq:t", (ID,))  # the document dated today
DATE_OTHER = ButtonKind("dq:o", (ID,))  # the admin types its date
PLACE_LAST = ButtonKind("pq:l", (ID,))  # the place the admin chose last
PLACE_OTHER = ButtonKind("pq:o", (ID,))  # the admin types its place
PLACE_NONE = ButtonKind("pq:n", (ID,))  # read it with no place
# After "another date" or "another place", the bot waits for the admin's text (trackers.people.conversations: step
# "date" or "place", data {"article_id": ...}); bot.handlers.answers hands it to answer_question.
QUESTION_KIND = "document"
# A document with more cards than this is answered with its summary; fewer come as cards at once.
CARDS_AT_ONCE = 5


async def ingest_document(
    context: Context,
    chat_id: int,
    user_id: int | None,
    article_text: ArticleText,
    language: str,
    place: str | None = None,
    *,
    pasted_by: int | None = None,
) -> None:
    """Store the document; ask for its date if it shows none, else read it."""
    if article_text.published is None:
        async with Turn.for_chat(context, chat_id, user_id) as turn:
            try:
                article, new = await store_article(turn.session, article_text, now=utcnow())
            except EmptyArticle as error:
                article, text = None, error_text(turn.language, error)
            else:
                if new:
                    article.pasted_by = pasted_by
                known = not new and (article.published is not None or await items_of_article(turn.session, article.id))
        if article is None:
            await context.bot.send_message(chat_id, text)
            return
        if not known:
            await _ask_date(context, chat_id, language, article)
            return
        article_text = _text_of(article)
    await read_document(context, chat_id, user_id, article_text, language, place, pasted_by=pasted_by)


def _text_of(article: Article) -> ArticleText:
    return ArticleText(
        text=article.text,
        url=article.canonical_url,
        title=article.title,
        published=article.published,
        source=article.source,
    )


async def _ask_date(context: Context, chat_id: int, language: str, article: Article) -> None:
    today = local_date(utcnow(), context.bot_data.settings.bot.timezone)
    keyboard = InlineKeyboardMarkup(
        [
            [
                DATE_TODAY.button(t(language, "doc_date_today", date=today.isoformat()), article.id),
                DATE_OTHER.button(t(language, "doc_date_other"), article.id),
            ]
        ]
    )
    await _ask(context, chat_id, language, article, "doc_ask_date", keyboard)


async def _ask(
    context: Context, chat_id: int, language: str, article: Article, key: str, keyboard: InlineKeyboardMarkup
) -> None:
    title = html.escape(document_title(language, article))
    await context.bot.send_message(chat_id, t(language, key, id=article.id, title=title), reply_markup=keyboard)


async def read_document(
    context: Context,
    chat_id: int,
    user_id: int | None,
    article_text: ArticleText,
    language: str,
    place: str | None = None,
    *,
    pasted_by: int | None = None,
    ask_place: bool = True,
) -> None:
    """Extract (outside any transaction: a long report takes a good part of a second), ask for the place if the text
    does not tell it (unless the admin chose to go on without one), then store and queue, and answer."""
    head, cards, keyboard = None, [], None
    try:
        today = local_date(utcnow(), context.bot_data.settings.bot.timezone)
        extracted = await extract_article(article_text, today=today, place=place)
    except (EmptyArticle, ExtractionError) as error:
        head = error_text(language, error)
    if head is None and ask_place and place is None and extracted.extraction.place is None:
        async with Turn.for_chat(context, chat_id, user_id) as turn:
            article, new = await store_article(turn.session, article_text, now=utcnow())
            if new:
                article.published, article.pasted_by = extracted.published, pasted_by
            queued = not new and bool(await items_of_article(turn.session, article.id))
            last = await _last_place(turn, user_id) if not queued else None
        if not queued:
            await _ask_place(context, chat_id, language, article, last)
            return
    if head is None:
        async with Turn.for_chat(context, chat_id, user_id) as turn:
            head, keyboard, cards = await _intake(turn, article_text, extracted, place, pasted_by=pasted_by)
    # Sent once committed, so a press on a card always finds it.
    await context.bot.send_message(chat_id, head, reply_markup=keyboard)
    await send_cards(context, chat_id, cards)


async def _last_place(turn: Turn, user_id: int | None) -> str | None:
    """The place this admin last gave a document (from the audit log)."""
    detail = await turn.session.scalar(
        select(AuditEntry.detail)
        .where(AuditEntry.actor_id == user_id, AuditEntry.action == "document_place")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return (detail or {}).get("place")


async def _ask_place(context: Context, chat_id: int, language: str, article: Article, last: str | None) -> None:
    row = [PLACE_LAST.button(t(language, "doc_place_last", place=last), article.id)] if last else []
    row.append(PLACE_OTHER.button(t(language, "doc_place_other"), article.id))
    keyboard = InlineKeyboardMarkup([row, [PLACE_NONE.button(t(language, "doc_place_none"), article.id)]])
    await _ask(context, chat_id, language, article, "doc_ask_place", keyboard)


async def _intake(
    turn: Turn,
    article_text: ArticleText,
    extracted: Extracted,
    place: str | None = None,
    *,
    pasted_by: int | None = None,
) -> tuple[str, InlineKeyboardMarkup | None, Cards]:
    """The article stored and its candidates queued (once: a document asked about is stored before it is read):
    what to answer, its buttons, and the cards to send after it."""
    now = utcnow()
    session, language = turn.session, turn.language
    article, new = await store_article(session, article_text, now=now)
    fresh = new or not await items_of_article(session, article.id)
    if fresh:
        if article.published is None:
            article.published = extracted.published
        if new:
            article.pasted_by = pasted_by
        thresholds = turn.settings.linking.thresholds()
        await queue_extraction(session, article, extracted.extraction, now=now, thresholds=thresholds, place_hint=place)
    pending = [i for i in await items_of_article(session, article.id) if i.state == ReviewState.PENDING]
    if len(pending) > CARDS_AT_ONCE:
        text, keyboard = await document_summary(turn, article)
        return text, keyboard, []
    if fresh:
        published = article.published.isoformat()
        key = "adm_ingest_stored" if pending else "adm_ingest_stored_nothing"
        head = t(language, key, id=article.id, published=published, cards=len(pending))
    else:
        head = t(
            language, "adm_ingest_known" if pending else "adm_ingest_known_nothing", id=article.id, cards=len(pending)
        )
    return head, None, await cards_of(turn, pending)


# -- the answers ------------------------------------------------------------------------------------------------


async def _stored(turn: Turn) -> Article | None:
    return await turn.session.get(Article, int(turn.context.match.group(1)))


async def date_today(update: Update, context: Context) -> None:
    """📅 today: the document is dated today (in the bot's time zone) and read."""
    today = local_date(utcnow(), context.bot_data.settings.bot.timezone)
    await _dated(update, context, today)


async def _dated(update: Update, context: Context, day: date) -> None:
    article_text = None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "document_date") and (article := await _stored(turn)) is not None:
            if article.published is None:
                article.published = day
            article_text = _text_of(article)
    if turn.refused:
        return
    await update.callback_query.answer()
    if article_text is not None:
        await update.callback_query.edit_message_reply_markup(None)
        await read_document(context, update.effective_chat.id, turn.user_id, article_text, turn.language)


async def date_other(update: Update, context: Context) -> None:
    """📅 another date: the admin's next text is the date."""
    await _ask_typed(update, context, "date", "doc_type_date")


async def place_other(update: Update, context: Context) -> None:
    """📍 another place: the admin's next text is the place."""
    await _ask_typed(update, context, "place", "doc_type_place")


async def _ask_typed(update: Update, context: Context, question: str, key: str) -> None:
    async with Turn.begin(update, context) as turn:
        allowed = await admit(turn, "document_" + question)
        if allowed:
            await ask(turn, QUESTION_KIND, question, {"article_id": int(context.match.group(1))})
    if turn.refused or not allowed:
        return
    await update.callback_query.answer()
    await context.bot.send_message(update.effective_chat.id, t(turn.language, key))


async def place_last(update: Update, context: Context) -> None:
    """📍 the last place: read the document as being about it."""
    async with Turn.begin(update, context) as turn:
        place = await _last_place(turn, turn.user_id) if await admit(turn, "document_place") else None
    if not turn.refused:
        await _placed(update, context, place)


async def place_none(update: Update, context: Context) -> None:
    """No place: read it as it is (its items carry the places their own sentences name)."""
    await _placed(update, context, None)


async def _placed(update: Update, context: Context, place: str | None) -> None:
    article_text = None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "document_place") and (article := await _stored(turn)) is not None:
            article_text = _text_of(article)
            await _remember_place(turn, article, place)
    if turn.refused:
        return
    await update.callback_query.answer()
    if article_text is not None:
        await update.callback_query.edit_message_reply_markup(None)
        await read_document(
            context, update.effective_chat.id, turn.user_id, article_text, turn.language, place, ask_place=False
        )


async def _remember_place(turn: Turn, article: Article, place: str | None) -> None:
    """The admin's choice, in the audit log: offered first the next time a document's place is asked."""
    if place:
        await record(
            turn.session,
            actor_id=turn.user_id,
            action="document_place",
            now=utcnow(),
            target=f"article:{article.id}",
            detail={"place": place},
        )


async def answer_question(update: Update, context: Context, text: str) -> bool:
    """The admin's text after "another date" or "another place": True if it was taken as the answer."""
    text = text.strip()
    problem, article_text, day = None, None, None
    async with Turn.begin(update, context) as turn:
        waiting = await asked(turn, QUESTION_KIND)
        if waiting is None:
            return False  # lapsed since the look: the text is not an answer
        kind = waiting.step
        admitted = await admit(turn, "document_" + kind)
        article = await turn.session.get(Article, waiting.data["article_id"]) if admitted else None
        if article is not None:
            if kind == "date":
                try:
                    day = parse_date(text, now=utcnow(), timezone=turn.settings.bot.timezone)
                except UnparseableDate as error:
                    problem = error_text(turn.language, error)
                else:
                    article.published = article.published or day
            elif places.parse_place(text) is None:
                problem = t(turn.language, "adm_feed_bad_place", place=html.escape(text))
            else:
                await _remember_place(turn, article, text)
            article_text = _text_of(article)
        if problem is None:
            await stop_asking(turn)  # answered, refused, or its document gone
        else:
            await ask(turn, QUESTION_KIND, kind, waiting.data)  # asked again: its 30 minutes start anew
    if turn.refused:
        return True
    if problem is not None:
        again = t(turn.language, "doc_type_date" if kind == "date" else "doc_type_place")
        await update.effective_message.reply_text(problem + "\n" + again)
        return True
    if article_text is None:  # the document is gone (or the admin is no longer one): the text is chat again
        return False
    place = text if kind == "place" else None
    await read_document(
        context, update.effective_chat.id, turn.user_id, article_text, turn.language, place, ask_place=kind == "date"
    )
    return True


HANDLERS = [
    CallbackQueryHandler(date_today, pattern=DATE_TODAY.pattern),
    CallbackQueryHandler(date_other, pattern=DATE_OTHER.pattern),
    CallbackQueryHandler(place_last, pattern=PLACE_LAST.pattern),
    CallbackQueryHandler(place_other, pattern=PLACE_OTHER.pattern),
    CallbackQueryHandler(place_none, pattern=PLACE_NONE.pattern),
]
