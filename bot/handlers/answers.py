"""What a person types or presses while the bot waits for their answer (trackers.people.conversations): the next
step of a guided /add (bot.handlers.add), the "field value" for a review card whose Edit they pressed
(bot.handlers.review), a document's date or place (bot.handlers.reading), and /cancel for any of them; /skip for
a guided /add's question that has a "none".

These handlers are a group of their own (GROUP), after the guards and ahead of every feature (bot.app). PTB runs the
first matching handler of each group in turn: an update they leave (nothing is waited for from its sender, or not
this) goes on to the features as if they were not there; one they take stops here (ApplicationHandlerStop). They
look first (bot.waits, at next to no cost); the answering turn reads what is waited for again, in its transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import Context
from bot.handlers import add, fallback, reading, review
from bot.render import drafts
from trackers.runtime.clock import utcnow

GROUP = -1  # after the guards (-2), before the features (0 and up)

Callback = Callable[[Update, Context], Awaitable[None]]


async def _waiting(update: Update, context: Context) -> tuple[str, str] | None:
    """The kind and step the bot waits for from the update's sender in its chat, or None."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return await context.bot_data.waits.peek(chat.id, user.id, now=utcnow())


async def start_add(update: Update, context: Context) -> None:
    await add.add_start(update, context)
    raise ApplicationHandlerStop


async def cancel(update: Update, context: Context) -> None:
    """/cancel: drops what was asked; with nothing asked, the features answer it (in a private chat, that it is no
    command; in a group, nothing: it may be another bot's)."""
    if await _waiting(update, context) is None:
        return
    await add.cancel(update, context)
    raise ApplicationHandlerStop


async def text(update: Update, context: Context) -> None:
    """A text: the answer to what was asked, if it is one."""
    waiting = await _waiting(update, context)
    if waiting is None:
        return
    kind, step = waiting
    message = update.effective_message
    if kind == add.KIND and step in add.TYPED:
        taken = await add.answer(update, context)
    elif message.forward_origin is not None:
        taken = False  # a forwarded text is an article to read (bot.handlers.ingest), whatever was asked
    elif kind == review.EDIT_KIND:
        taken = await review.edit_card(update, context, message.text)
    elif kind == reading.QUESTION_KIND:
        taken = await reading.answer_question(update, context, message.text)
    else:
        taken = False  # the preview waits for a button
    # A text not taken (or whose question lapsed a moment ago, or whose document is gone) is read as if nothing
    # were asked.
    if taken:
        raise ApplicationHandlerStop


def _at_preview(press: Callback) -> Callback:
    """A preview button, taken only while the guided /add waits at its preview: an old card's is a button no
    feature knows (bot.handlers.fallback answers it)."""

    async def pressed(update: Update, context: Context) -> None:
        if await _waiting(update, context) != (add.KIND, add.PREVIEW):
            return
        await press(update, context)
        raise ApplicationHandlerStop

    return pressed


async def skip(update: Update, context: Context) -> None:
    """/skip: "none" for a guided /add's question that has one (its target, deadline, extras), as "-" is. With no
    such question asked, /skip is a command like any other."""
    waiting = await _waiting(update, context)
    if waiting is not None and waiting[0] == add.KIND and waiting[1] in add.SKIPPABLE:
        if await add.answer(update, context, skip=True):
            raise ApplicationHandlerStop
    await other_command(update, context)


async def other_command(update: Update, context: Context) -> None:
    """A command a feature takes ends a guided /add (the next text would not be an answer to it any more), then runs
    as if no conversation were open. One no feature takes leaves it open: a typo or a guess (/skip at a question
    with no "none") is answered by the fallback, which reminds the person of the question; in a group, it may be
    another bot's (/list@other_bot, or a command this bot does not have). A review card's edit stays asked."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    if not _taken(update, context):
        return
    await context.bot_data.waits.end(chat.id, user.id, add.KIND)


def _taken(update: Update, context: Context) -> bool:
    """Whether a feature's handler takes the update (the fallback's answers to what no feature takes do not count)."""
    for group, handlers in context.application.handlers.items():
        if group > GROUP:
            for handler in handlers:
                if handler in fallback.HANDLERS:
                    continue
                check = handler.check_update(update)
                if check is not None and check is not False:
                    return True
    return False


_TEXT = filters.TEXT & ~filters.COMMAND

HANDLERS = [
    CommandHandler("add", start_add),
    CommandHandler("cancel", cancel),
    CommandHandler("skip", skip),
    MessageHandler(_TEXT, text),
    CallbackQueryHandler(_at_preview(add.press_save), pattern=drafts.SAVE.pattern),
    CallbackQueryHandler(_at_preview(add.press_edit), pattern=drafts.EDIT.pattern),
    CallbackQueryHandler(_at_preview(add.press_cancel), pattern=drafts.CANCEL.pattern),
    MessageHandler(filters.COMMAND, other_command),
]
