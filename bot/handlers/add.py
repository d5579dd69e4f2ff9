"""/add: a commitment in one line when the admin knows what they want, a guided conversation when they don't.

    /add 集成电路产业链群规模 >500亿元 到2025年底 #集成电路 @济南 source=https://…
    /add                      → subject → target → deadline → place, tags, parent, source → preview → Save

The draft lives in user_data while the conversation runs (a restart loses an unsaved draft, nothing else).
"""

from __future__ import annotations

import warnings
from dataclasses import replace

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.context import Context
from bot.handlers.followers import tell_followers_of_new
from bot.handlers.turn import Turn, admit, language_of
from bot.render import drafts
from bot.render.drafts import draft_card, preview_keyboard
from bot.render.errors import BadInput, error_text
from bot.texts import t
from trackers.commitments.editing import (
    Draft,
    InvalidValue,
    UnknownParent,
    create_commitment,
    parse_tags,
    resolve_parent,
)
from trackers.commitments.targets import (
    UnparseableDate,
    UnparseableTarget,
    parse_date,
    parse_target,
)
from trackers.runtime.clock import utcnow

SUBJECT, TARGET, DEADLINE, EXTRAS, PREVIEW, EDITING = range(6)
DRAFT = "add_draft"
PARENT_NAME = "add_parent_name"
SKIP = {"-", "—", "无", "skip", "none"}
# Why what the admin typed cannot make a commitment; each reads through bot.render.errors.
ADD_ERRORS = (BadInput, UnknownParent, UnparseableDate, UnparseableTarget)


def _timezone(context: Context) -> str:
    return context.bot_data.settings.bot.timezone


async def _extras(turn: Turn, tokens: list[str], draft: Draft) -> tuple[Draft, str | None]:
    """@place, #tag, parent=ID-or-name and source=URL from `tokens`; the draft with them and the parent's name."""
    parent_name = None
    place, tags, source, parent_id = draft.place, list(draft.tags), draft.source_url, draft.parent_id
    for token in tokens:
        if token.startswith("@") and len(token) > 1:
            place = token[1:]
        elif token.startswith("#") and len(token) > 1:
            try:
                tags += [tag for tag in parse_tags(token) if tag not in tags]
            except InvalidValue:
                raise BadInput("adm_bad_tag", tag=token) from None
        elif token.lower().startswith(("source=", "url=")):
            source = token.split("=", 1)[1]
            if not source.startswith(("http://", "https://")):
                raise BadInput("adm_bad_source")
        elif token.lower().startswith("parent="):
            parent = await resolve_parent(turn.session, token.split("=", 1)[1])
            parent_id, parent_name = parent.id, parent.subject
        elif token not in SKIP:
            raise BadInput("adm_bad_extra", token=token)
    return replace(draft, place=place, tags=tags, source_url=source, parent_id=parent_id), parent_name


def _target(text: str):
    try:
        return parse_target(text)
    except UnparseableTarget as error:
        if type(error) is not UnparseableTarget:
            raise  # a reason of its own (a negative amount, an absurd size): said as it is
        raise UnparseableTarget(text) from None  # as typed, comparator and all, so the admin sees what they wrote


def _deadline(text: str, context: Context):
    if text.strip() in SKIP:
        return None
    return parse_date(text, now=utcnow(), timezone=_timezone(context))


async def _one_line(turn: Turn, words: list[str]) -> tuple[Draft, str | None]:
    """subject… target [deadline…] [@place] [#tag…] [parent=…] [source=…]."""
    extras = [w for w in words if w.startswith(("@", "#")) or "=" in w]
    rest = [w for w in words if w not in extras]
    at = next((i for i, word in enumerate(rest) if i > 0 and _is_target(word)), None)
    if at is None:
        # "subject target …" with a target we can't read: say so, rather than repeat the usage.
        raise BadInput("adm_bad_target", text=rest[1]) if len(rest) > 1 else BadInput("adm_add_usage")
    draft = Draft(
        subject=" ".join(rest[:at]),
        target=_target(rest[at]),
        deadline=_deadline(" ".join(rest[at + 1 :]), turn.context) if rest[at + 1 :] else None,
    )
    return await _extras(turn, extras, draft)


def _is_target(word: str) -> bool:
    """Whether `word` is the target: one that reads, or one that reads but cannot be used (-5亿元), whose reason
    `_target` will then give."""
    try:
        return parse_target(word) is not None
    except UnparseableTarget as error:
        return type(error) is not UnparseableTarget


async def _save(turn: Turn, draft: Draft) -> str:
    """Create the commitment and tell its followers; the confirmation to send once committed."""
    try:
        commitment = await create_commitment(
            turn.session, draft, actor_id=turn.user_id, now=utcnow(), timezone=_timezone(turn.context)
        )
    except InvalidValue:
        raise BadInput("adm_bad_subject") from None
    await tell_followers_of_new(turn.session, commitment, now=utcnow(), default_language=turn.settings.bot.language)
    return t(turn.language, "adm_saved", id=commitment.id) + "\n\n" + draft_card(turn.language, draft)


async def _show_preview(update: Update, context: Context, language: str) -> int:
    draft: Draft = context.user_data[DRAFT]
    card = draft_card(language, draft, parent_subject=context.user_data.get(PARENT_NAME))
    await update.effective_message.reply_text(
        t(language, "adm_preview") + "\n\n" + card, reply_markup=preview_keyboard(language)
    )
    return PREVIEW


async def add_start(update: Update, context: Context) -> int:
    """/add with words: save in one go; /add alone: start the guided conversation."""
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "add") and context.args:
            try:
                draft, _ = await _one_line(turn, context.args)
                answer = await _save(turn, draft)
            except ADD_ERRORS as error:
                answer = error_text(turn.language, error)
    if turn.refused:
        return ConversationHandler.END
    if context.args:
        await update.effective_message.reply_text(answer)
        return ConversationHandler.END
    context.user_data.pop(DRAFT, None)
    context.user_data.pop(PARENT_NAME, None)
    await update.effective_message.reply_text(t(turn.language, "adm_ask_subject"))
    return SUBJECT


async def _step(update: Update, context: Context) -> str | None:
    """The admin check for one answer of the conversation (rights can be revoked midway): the language to answer
    in, or None when refused."""
    async with Turn.begin(update, context) as turn:
        await admit(turn, "add")
    return None if turn.refused else turn.language


async def got_subject(update: Update, context: Context) -> int:
    """The first answer: what the commitment is about."""
    language = await _step(update, context)
    if language is None:
        return ConversationHandler.END
    subject = update.effective_message.text.strip()
    if len(subject) > 300:
        await update.effective_message.reply_text(t(language, "adm_bad_subject"))
        return SUBJECT
    context.user_data[DRAFT] = Draft(subject=subject)
    await update.effective_message.reply_text(t(language, "adm_ask_target"))
    return TARGET


async def got_target(update: Update, context: Context) -> int:
    """The target: 突破500亿元, 1301个, 5.5%左右, or - for a pledge without a figure."""
    language = await _step(update, context)
    if language is None:
        return ConversationHandler.END
    try:
        target = _target(update.effective_message.text)
    except UnparseableTarget as error:
        await update.effective_message.reply_text(error_text(language, error))
        return TARGET
    context.user_data[DRAFT] = replace(context.user_data[DRAFT], target=target)
    await update.effective_message.reply_text(t(language, "adm_ask_deadline"))
    return DEADLINE


async def got_deadline(update: Update, context: Context) -> int:
    """The deadline: 2025年底, 明年6月, 2025-12-31, in 18 months, or - for none."""
    language = await _step(update, context)
    if language is None:
        return ConversationHandler.END
    try:
        deadline = _deadline(update.effective_message.text, context)
    except UnparseableDate as error:
        await update.effective_message.reply_text(error_text(language, error))
        return DEADLINE
    context.user_data[DRAFT] = replace(context.user_data[DRAFT], deadline=deadline)
    await update.effective_message.reply_text(t(language, "adm_ask_extras"))
    return EXTRAS


async def got_extras(update: Update, context: Context) -> int:
    """Place, tags, parent plan and source in one line (@济南 #集成电路 parent=12 source=URL), or -."""
    error = None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "add"):
            try:
                draft, parent_name = await _extras(
                    turn, update.effective_message.text.split(), context.user_data[DRAFT]
                )
            except ADD_ERRORS as problem:
                error = error_text(turn.language, problem)
    if turn.refused:
        return ConversationHandler.END
    if error is not None:
        await update.effective_message.reply_text(error)
        return EXTRAS
    context.user_data[DRAFT] = draft
    if parent_name:
        context.user_data[PARENT_NAME] = parent_name
    return await _show_preview(update, context, turn.language)


async def press_save(update: Update, context: Context) -> int:
    """Save: the draft becomes a commitment."""
    saved = False
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "add"):
            try:
                answer = await _save(turn, context.user_data[DRAFT])
                saved = True
            except ADD_ERRORS as error:
                answer = error_text(turn.language, error)
    if turn.refused:
        return ConversationHandler.END
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    if not saved:
        await update.effective_message.reply_text(answer)
        return PREVIEW
    context.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(answer)
    return ConversationHandler.END


async def press_edit(update: Update, context: Context) -> int:
    """Edit: ask which field to change."""
    language = await _step(update, context)
    if language is None:
        return ConversationHandler.END
    await update.callback_query.answer()
    await update.effective_message.reply_text(t(language, "adm_ask_edit"))
    return EDITING


async def got_edit(update: Update, context: Context) -> int:
    """'field value' for the draft: subject, target, deadline, or extras such as @济南 #集成电路."""
    error = None
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "add"):
            try:
                draft = await _edited(turn)
            except ADD_ERRORS as problem:
                error = error_text(turn.language, problem)
    if turn.refused:
        return ConversationHandler.END
    if error is not None:
        await update.effective_message.reply_text(error)
        return EDITING
    context.user_data[DRAFT] = draft
    return await _show_preview(update, context, turn.language)


async def _edited(turn: Turn) -> Draft:
    """The draft with the field the admin's message names changed; one of ADD_ERRORS when it cannot be."""
    text = turn.update.effective_message.text
    user_data = turn.context.user_data
    name, _, value = text.strip().partition(" ")
    draft: Draft = user_data[DRAFT]
    if name == "subject" and value.strip():
        return replace(draft, subject=value.strip())
    if name == "target":
        return replace(draft, target=_target(value))
    if name == "deadline":
        return replace(draft, deadline=_deadline(value, turn.context))
    if name == "place":
        return replace(draft, place=value.strip() or None)
    if name == "tags":
        try:
            return replace(draft, tags=parse_tags(value))
        except InvalidValue:
            raise BadInput("adm_ask_edit") from None
    draft, parent_name = await _extras(turn, text.split(), draft)
    if parent_name:
        user_data[PARENT_NAME] = parent_name
    return draft


async def press_cancel(update: Update, context: Context) -> int:
    """Cancel from the preview card."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await cancel(update, context)


async def cancel(update: Update, context: Context) -> int:
    """/cancel: drop the draft and leave the conversation."""
    context.user_data.pop(DRAFT, None)
    context.user_data.pop(PARENT_NAME, None)
    language = await language_of(update, context)
    await update.effective_message.reply_text(t(language, "adm_add_cancelled"))
    return ConversationHandler.END


async def leave_for_command(update: Update, context: Context) -> int | None:
    """Any other command mid-conversation: drop the draft, leave, and run the command as if no conversation were
    open. The conversation is first in its group (bot.app), so the command is handed to the rest of that group.
    In a group chat, a command none of them takes (/list@another_bot) is meant for another bot, as the fallback
    answers take it there: the conversation stays as it was (None keeps its state)."""
    application = context.application
    group, conversation = next(
        (g, h)
        for g, handlers in application.handlers.items()
        for h in handlers
        if isinstance(h, ConversationHandler) and h.name == ADD_CONVERSATION
    )
    taker, check = None, None
    for handler in application.handlers[group]:
        if handler is conversation:
            continue
        check = handler.check_update(update)
        if check is not None and check is not False:
            taker = handler
            break
    if taker is None and update.effective_chat.type != ChatType.PRIVATE:
        return None
    context.user_data.pop(DRAFT, None)
    context.user_data.pop(PARENT_NAME, None)
    if taker is not None:
        try:
            await taker.handle_update(update, application, check, context)
        except Exception as error:  # as PTB would have: to the error handler, and the conversation still ends
            await application.process_error(update, error)
    return ConversationHandler.END


_TEXT = filters.TEXT & ~filters.COMMAND
ADD_CONVERSATION = "add"  # the ConversationHandler's name


def conversations() -> list[ConversationHandler]:
    """The guided /add, new for each Application: a ConversationHandler keeps its chats' states (and their timeout
    jobs, on the job queue of the Application that started them) in itself, so one shared by two Applications in
    a process (tests build many) would hand one bot's open conversations to the other."""
    with warnings.catch_warnings():
        # per_message=False is right here (the conversation follows the admin, not one message); PTB warns anyway.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CommandHandler("add", add_start)],
            states={
                SUBJECT: [MessageHandler(_TEXT, got_subject)],
                TARGET: [MessageHandler(_TEXT, got_target)],
                DEADLINE: [MessageHandler(_TEXT, got_deadline)],
                EXTRAS: [MessageHandler(_TEXT, got_extras)],
                PREVIEW: [
                    CallbackQueryHandler(press_save, pattern=drafts.SAVE.pattern),
                    CallbackQueryHandler(press_edit, pattern=drafts.EDIT.pattern),
                    CallbackQueryHandler(press_cancel, pattern=drafts.CANCEL.pattern),
                ],
                EDITING: [MessageHandler(_TEXT, got_edit)],
            },
            fallbacks=[CommandHandler("cancel", cancel), MessageHandler(filters.COMMAND, leave_for_command)],
            # /add mid-conversation starts afresh (or saves a one-line /add) instead of being an unknown command.
            allow_reentry=True,
            per_message=False,
            conversation_timeout=30 * 60,
            name=ADD_CONVERSATION,
        )
    # Registered ahead of every other feature in group 0 (bot.app), so a command typed mid-conversation reaches it.
    return [conversation]


HANDLERS: list = []
