"""Reviewing what extraction found: /review, each card's Confirm / Edit / Reject / Link buttons, and the admin's
"field value" answer after Edit."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.handlers.followers import tell_followers_of_new, tell_followers_of_verdict
from bot.handlers.ids import looks_like_id, parse_id
from bot.handlers.turn import Turn, admit, ask, asked, stop_asking
from bot.render.errors import EDITING_ERRORS, error_text
from bot.render.review import CONFIRM, EDIT, LINK, MERGE, NEXT_PAGE, REJECT, review_card, review_keyboard
from bot.texts import t
from bot.texts.keys import STATUS
from trackers.coverage.batch import merge_item
from trackers.coverage.review import (
    EDITABLE,
    AlreadyDecided,
    NothingToLink,
    UnknownItem,
    confirm_item,
    edit_item,
    get_item,
    pending_items,
    reject_item,
)
from trackers.models import Article, Commitment, ReviewItem
from trackers.runtime.clock import utcnow

# After a card's Edit, the bot waits for the admin's "field value" for it (trackers.people.conversations: data
# {"item_id": ...}); bot.handlers.answers hands that text to edit_card.
EDIT_KIND = "review_edit"
REVIEW_PAGE = 10

Cards = list[tuple[str, InlineKeyboardMarkup | None]]


async def _card(turn: Turn, item: ReviewItem) -> str:
    article = await turn.session.get(Article, item.article_id)
    linked = {}
    for commitment_id in (item.suggested_commitment_id, item.data.get("duplicate_of")):
        commitment = await turn.session.get(Commitment, commitment_id) if commitment_id else None
        if commitment is not None:
            linked[commitment.id] = commitment.subject
    return review_card(turn.language, item, linked=linked, article_title=article.title if article else None)


async def cards_of(turn: Turn, items: list[ReviewItem]) -> Cards:
    """Each item's card and its buttons."""
    return [(await _card(turn, item), review_keyboard(turn.language, item)) for item in items]


async def send_cards(context: Context, chat_id: int, cards: Cards) -> None:
    for text, keyboard in cards:
        await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def review(update: Update, context: Context) -> None:
    """/review: the oldest pending cards, with their buttons, and a button to the next page; /review ID: that one
    card."""
    more = None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "review"):
            head, items, cards = await _review(turn)
            more = await _more(turn, cards, items)
    if turn.refused:
        return
    if head is not None:
        await update.effective_message.reply_text(head)
    await send_cards(context, update.effective_chat.id, cards)
    if more is not None:
        await context.bot.send_message(update.effective_chat.id, more[0], reply_markup=more[1])


async def press_next_page(update: Update, context: Context) -> None:
    """▶ under /review: the next page of waiting cards, after the last one shown."""
    after = int(context.match.group(1))
    cards, more = [], None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "review"):
            items, _ = await pending_items(turn.session, limit=REVIEW_PAGE, after=after)
            cards = await cards_of(turn, items)
            more = await _more(turn, cards, items)
    if turn.refused:
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    if not cards:
        await context.bot.send_message(update.effective_chat.id, t(turn.language, "adm_review_empty"))
    await send_cards(context, update.effective_chat.id, cards)
    if more is not None:
        await context.bot.send_message(update.effective_chat.id, more[0], reply_markup=more[1])


async def _more(turn: Turn, cards: Cards, items: list[ReviewItem]) -> tuple[str, InlineKeyboardMarkup] | None:
    """After a page of cards: how many more wait, with ▶ to see them (None when none do)."""
    if not cards or not items:
        return None
    _, left = await pending_items(turn.session, limit=0, after=items[-1].id)
    if not left:
        return None
    keyboard = InlineKeyboardMarkup([[NEXT_PAGE.button(t(turn.language, "doc_btn_next"), items[-1].id)]])
    return t(turn.language, "adm_review_more", count=left), keyboard


async def _review(turn: Turn) -> tuple[str | None, list[ReviewItem], Cards]:
    """What /review answers (a line, or None for one card alone), the page of cards shown (none for one card asked
    for by id), and the cards to send after the line."""
    args = turn.context.args
    if args and looks_like_id(args[0]):
        try:
            item_id = parse_id(args[0])
            if item_id is None:  # no card has an id that large
                raise UnknownItem(args[0])
            item = await get_item(turn.session, item_id)
        except UnknownItem as error:
            return error_text(turn.language, error), [], []
        return None, [], await cards_of(turn, [item])
    items, total = await pending_items(turn.session, limit=REVIEW_PAGE)
    if not items:
        return t(turn.language, "adm_review_empty"), [], []
    head = t(turn.language, "adm_review_head", shown=len(items), total=total)
    return head, items, await cards_of(turn, items)


async def _decided(update: Update, *, alert: str | None, card: str, note: str) -> None:
    """After the decision is committed: show why it could not be made, or rewrite the card with what happened to
    it, without buttons."""
    if alert is not None:
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
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "review_confirm"):
            try:
                item = await confirm_item(
                    turn.session,
                    item_id,
                    actor_id=turn.user_id,
                    now=utcnow(),
                    timezone=turn.settings.bot.timezone,
                    link_to=link_to,
                )
            except (UnknownItem, AlreadyDecided, NothingToLink, *EDITING_ERRORS) as error:
                alert = error_text(turn.language, error)
            else:
                note = await _confirmed(turn, item)
                card = await _card(turn, item)
    if not turn.refused:
        await _decided(update, alert=alert, card=card, note=note)


async def _confirmed(turn: Turn, item: ReviewItem) -> str:
    """A new commitment's or a verdict's followers are told; the note for the confirmed card."""
    if item.kind == "fact":
        return t(turn.language, "adm_confirmed_progress", id=item.result_commitment_id)
    if item.kind == "verdict":
        language = turn.settings.bot.language
        await tell_followers_of_verdict(turn.session, item, now=utcnow(), default_language=language)
        status = t(turn.language, STATUS.key(item.data.get("status")))
        return t(turn.language, "adm_confirmed_verdict", id=item.result_commitment_id, status=status)
    if item.kind == "shift":
        return t(turn.language, "adm_confirmed_commitment", id=item.result_commitment_id)
    commitment = await turn.session.get(Commitment, item.result_commitment_id)
    await tell_followers_of_new(turn.session, commitment, now=utcnow(), default_language=turn.settings.bot.language)
    return t(turn.language, "adm_confirmed_commitment", id=item.result_commitment_id)


async def press_merge(update: Update, context: Context) -> None:
    """Merge: a commitment already tracked; the card's source becomes evidence on that one."""
    item_id = int(context.match.group(1))
    alert, card, note = None, "", ""
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "review_merge"):
            try:
                item = await merge_item(turn.session, item_id, actor_id=turn.user_id, now=utcnow())
            except (UnknownItem, AlreadyDecided, *EDITING_ERRORS) as error:
                alert = error_text(turn.language, error)
            else:
                card = await _card(turn, item)
                note = t(turn.language, "adm_merged", id=item.result_commitment_id)
    if not turn.refused:
        await _decided(update, alert=alert, card=card, note=note)


async def press_reject(update: Update, context: Context) -> None:
    """Reject: the card is dropped (and remembered as rejected)."""
    item_id = int(context.match.group(1))
    alert, card = None, ""
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "review_reject"):
            try:
                item = await reject_item(turn.session, item_id, actor_id=turn.user_id, now=utcnow())
            except (UnknownItem, AlreadyDecided) as error:
                alert = error_text(turn.language, error)
            else:
                card = await _card(turn, item)
    if not turn.refused:
        await _decided(update, alert=alert, card=card, note=t(turn.language, "adm_rejected"))


async def press_edit(update: Update, context: Context) -> None:
    """Edit: the admin's next message is 'field value' for this card."""
    item_id = int(context.match.group(1))
    alert = None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "review_edit"):
            try:
                item = await get_item(turn.session, item_id)
            except UnknownItem as error:
                alert = error_text(turn.language, error)
            else:
                await ask(turn, EDIT_KIND, "value", {"item_id": item_id})
    if turn.refused:
        return
    if alert is not None:
        await update.callback_query.answer(alert, show_alert=True)
        return
    await update.callback_query.answer()
    fields = ", ".join(EDITABLE[item.kind])
    await context.bot.send_message(
        update.effective_chat.id, t(turn.language, "adm_review_ask_edit", id=item_id, fields=fields)
    )


async def edit_card(update: Update, context: Context, text: str) -> bool:
    """The admin's answer after Edit: 'field value' for the card. False if the question lapsed meanwhile (the text
    is not an answer)."""
    name, _, value = text.strip().partition(" ")
    answer = None
    async with Turn.begin(update, context) as turn:
        waiting = await asked(turn, EDIT_KIND)
        if waiting is None:
            return False
        if await admit(turn, "review_edit"):
            answer, keyboard = await _edited_card(turn, waiting.data["item_id"], name, value)
        else:
            await stop_asking(turn)
    if answer is not None:
        await update.effective_message.reply_text(answer, reply_markup=keyboard)
    return True


async def _edited_card(turn: Turn, item_id: int, name: str, value: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """Change one field of the card: the card to show again, or what went wrong."""
    language = turn.language
    try:
        item = await edit_item(
            turn.session,
            item_id,
            name.lower(),
            value,
            actor_id=turn.user_id,
            now=utcnow(),
            timezone=turn.settings.bot.timezone,
        )
    except (UnknownItem, AlreadyDecided) as error:
        await stop_asking(turn)
        return error_text(language, error), None
    except EDITING_ERRORS as error:
        await ask(turn, EDIT_KIND, "value", {"item_id": item_id})  # asked again: its 30 minutes start anew
        fields = ", ".join(EDITABLE.get((await get_item(turn.session, item_id)).kind, ()))
        return error_text(language, error) + "\n" + t(language, "adm_review_ask_edit", id=item_id, fields=fields), None
    await stop_asking(turn)
    return await _card(turn, item), review_keyboard(language, item)


HANDLERS = [
    CommandHandler("review", review),
    CallbackQueryHandler(press_confirm, pattern=CONFIRM.pattern),
    CallbackQueryHandler(press_edit, pattern=EDIT.pattern),
    CallbackQueryHandler(press_reject, pattern=REJECT.pattern),
    CallbackQueryHandler(press_link, pattern=LINK.pattern),
    CallbackQueryHandler(press_merge, pattern=MERGE.pattern),
    CallbackQueryHandler(press_next_page, pattern=NEXT_PAGE.pattern),
]
