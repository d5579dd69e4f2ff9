"""/add: a commitment in one line when the admin knows what they want, a guided conversation when they don't.

    /add 集成电路产业链群规模 >500亿元 到2025年底 #集成电路 @济南 source=https://…
    /add                      → subject → target → deadline → place, tags, parent, source → preview → Save

The guided /add is a conversation kept in the database (trackers.people.conversations): its step and its draft are
written in the turn of the answer that moved it on, with the update's done mark, so after a restart, or in another
process of a deployment that takes the chat, the admin goes on from the same question. Its handlers run before
every feature's (bot.handlers.answers), and only an update the conversation expects is theirs.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardMarkup, Update

from bot.context import Context
from bot.handlers.followers import tell_followers_of_new
from bot.handlers.turn import Turn, admit, ask, asked, stop_asking
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

KIND = "add"  # the conversation's kind (trackers.people.conversations)
SUBJECT, TARGET, DEADLINE, EXTRAS, PREVIEW, EDITING = "subject", "target", "deadline", "extras", "preview", "editing"
# The steps a text answers; at PREVIEW the buttons do.
TYPED = frozenset({SUBJECT, TARGET, DEADLINE, EXTRAS, EDITING})
SKIP = {"-", "—", "无", "skip", "none"}
# The steps whose question has a "none" (SKIP), which /skip answers too.
SKIPPABLE = frozenset({TARGET, DEADLINE, EXTRAS})
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


Reply = tuple[str, InlineKeyboardMarkup | None]


async def _go_to(turn: Turn, step: str, draft: Draft | None = None, parent_name: str | None = None) -> None:
    """The conversation waits for `step` next, with the draft so far."""
    data = {} if draft is None else {"draft": draft.as_data(), "parent_name": parent_name}
    await ask(turn, KIND, step, data)


def _preview(turn: Turn, draft: Draft, parent_name: str | None) -> Reply:
    card = draft_card(turn.language, draft, parent_subject=parent_name)
    return t(turn.language, "adm_preview") + "\n\n" + card, preview_keyboard(turn.language)


async def add_start(update: Update, context: Context) -> None:
    """/add with words: save in one go; /add alone: start the guided conversation (afresh, if one was open)."""
    async with Turn.begin(update, context) as turn:
        admitted = await admit(turn, "add")
        # Any /add ends a conversation that was open; a bare one opens a new one.
        await stop_asking(turn, KIND)
        if admitted and context.args:
            try:
                draft, _ = await _one_line(turn, context.args)
                answer = await _save(turn, draft)
            except ADD_ERRORS as error:
                answer = error_text(turn.language, error)
        elif admitted:
            await _go_to(turn, SUBJECT)
            answer = t(turn.language, "adm_ask_subject")
    if not turn.refused:
        await update.effective_message.reply_text(answer)


async def answer(update: Update, context: Context, *, skip: bool = False) -> bool:
    """A text while the conversation waits for one (bot.handlers.answers found it so): the next step, or what is
    wrong with the answer and the same question. False if it lapsed meanwhile (the text is not an answer).
    `skip` (/skip) answers "none" to a question that has one; False if this question has none."""
    reply: Reply | None = None
    async with Turn.begin(update, context) as turn:
        waiting = await asked(turn, KIND)
        if waiting is None or (skip and waiting.step not in SKIPPABLE):
            return False
        if not await admit(turn, "add"):  # rights can be revoked midway
            await stop_asking(turn, KIND)
        else:
            draft = Draft.from_data(waiting.data["draft"]) if waiting.data else None
            parent_name = waiting.data.get("parent_name")
            try:
                typed = "-" if skip else update.effective_message.text
                reply = await _step(turn, waiting.step, typed, draft, parent_name)
            except ADD_ERRORS as error:
                # The same question again; the answer counts as activity (the conversation's time starts anew).
                await _go_to(turn, waiting.step, draft, parent_name)
                reply = error_text(turn.language, error), None
    if reply is not None:
        await update.effective_message.reply_text(reply[0], reply_markup=reply[1])
    return True


async def _step(turn: Turn, step: str, text: str, draft: Draft | None, parent_name: str | None) -> Reply:
    """Take the answer to `step` into the draft and move on: the reply. One of ADD_ERRORS when it cannot be."""
    language = turn.language
    if step == SUBJECT:
        subject = text.strip()
        if not subject or len(subject) > 300:
            raise BadInput("adm_bad_subject")
        await _go_to(turn, TARGET, Draft(subject=subject))
        return t(language, "adm_ask_target"), None
    if step == TARGET:
        await _go_to(turn, DEADLINE, replace(draft, target=_target(text)))
        return t(language, "adm_ask_deadline"), None
    if step == DEADLINE:
        await _go_to(turn, EXTRAS, replace(draft, deadline=_deadline(text, turn.context)))
        return t(language, "adm_ask_extras"), None
    if step == EXTRAS:
        draft, named = await _extras(turn, text.split(), draft)
    else:  # EDITING
        draft, named = await _edited(turn, text, draft)
    parent_name = named or parent_name
    await _go_to(turn, PREVIEW, draft, parent_name)
    return _preview(turn, draft, parent_name)


async def press_save(update: Update, context: Context) -> None:
    """Save: the draft becomes a commitment."""
    async with Turn.begin(update, context) as turn:
        waiting = await asked(turn, KIND)
        answer_text = None
        if waiting is not None and await admit(turn, "add"):
            try:
                answer_text = await _save(turn, Draft.from_data(waiting.data["draft"]))
            except ADD_ERRORS as error:
                answer_text = error_text(turn.language, error)
                await _go_to(turn, PREVIEW, Draft.from_data(waiting.data["draft"]), waiting.data.get("parent_name"))
            else:
                await stop_asking(turn, KIND)
        elif waiting is not None:
            await stop_asking(turn, KIND)
    if turn.refused:
        return
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    if answer_text is not None:
        await update.effective_message.reply_text(answer_text)


async def press_edit(update: Update, context: Context) -> None:
    """Edit: ask which field to change."""
    async with Turn.begin(update, context) as turn:
        waiting = await asked(turn, KIND)
        if waiting is not None and await admit(turn, "add"):
            await _go_to(turn, EDITING, Draft.from_data(waiting.data["draft"]), waiting.data.get("parent_name"))
        elif waiting is not None:
            await stop_asking(turn, KIND)
    if turn.refused:
        return
    await update.callback_query.answer()
    await update.effective_message.reply_text(t(turn.language, "adm_ask_edit"))


async def _edited(turn: Turn, text: str, draft: Draft) -> tuple[Draft, str | None]:
    """The draft with the field the admin's message names changed, and a parent's name if one was set; one of
    ADD_ERRORS when it cannot be."""
    name, _, value = text.strip().partition(" ")
    if name == "subject" and value.strip():
        return replace(draft, subject=value.strip()), None
    if name == "target":
        return replace(draft, target=_target(value)), None
    if name == "deadline":
        return replace(draft, deadline=_deadline(value, turn.context)), None
    if name == "place":
        return replace(draft, place=value.strip() or None), None
    if name == "tags":
        try:
            return replace(draft, tags=parse_tags(value)), None
        except InvalidValue:
            raise BadInput("adm_ask_edit") from None
    return await _extras(turn, text.split(), draft)


async def press_cancel(update: Update, context: Context) -> None:
    """Cancel from the preview card."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    await cancel(update, context)


async def cancel(update: Update, context: Context) -> None:
    """/cancel (or the preview's Cancel) while the bot waits for an answer: drop what was asked and say so."""
    async with Turn.begin(update, context) as turn:
        await stop_asking(turn)
    await update.effective_message.reply_text(t(turn.language, "adm_add_cancelled"))
