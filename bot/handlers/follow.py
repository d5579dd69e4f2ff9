"""Following: /follow, /unfollow, /following with buttons to drop each, and the follow buttons on cards.

The follows themselves are kept by trackers.people.follows; in a group only its admins may change them.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import MenuCommand
from bot.context import Context
from bot.handlers.browse import card_keyboard
from bot.handlers.common import current_chat, language_for
from bot.handlers.replies import may_change_chat_settings, redraw, redraw_buttons, reply
from bot.render.format import esc, shorten
from bot.texts import t
from trackers.commitments import catalog
from trackers.models import Commitment, Subscription, SubscriptionKind
from trackers.people import follows
from trackers.runtime.clock import utcnow

COMMANDS = [
    MenuCommand("follow", "cmd_follow"),
    MenuCommand("unfollow", "cmd_unfollow"),
    MenuCommand("following", "cmd_following"),
]

ALL_WORDS = frozenset({"all", "全部", "所有", "everything"})

# Callback data: f:ID follow from a card, uf:ID unfollow from a card, d:SUBSCRIPTION drop from /following.
FOLLOW_PATTERN = r"^f:(\d+)$"
UNFOLLOW_PATTERN = r"^uf:(\d+)$"
DROP_PATTERN = r"^d:(\d+)$"


async def _describe(session, language: str, kind: SubscriptionKind, target: str) -> str:
    """What a follow is about, in words: "#3 集成电路产业链群规模", "标签“集成电路”", "全部承诺"."""
    if kind == SubscriptionKind.ALL:
        return t(language, "what_all")
    if kind in (SubscriptionKind.COMMITMENT, SubscriptionKind.PLAN):
        commitment = await session.get(Commitment, int(target)) if target.isdigit() else None
        subject = esc(shorten(commitment.subject, 40)) if commitment else ""
        key = "what_plan" if kind == SubscriptionKind.PLAN else "what_commitment"
        return t(language, key, id=esc(target), subject=subject)
    key = "what_tag" if kind == SubscriptionKind.TAG else "what_place"
    return t(language, key, name=esc(target))


async def _commitment_kind(session, commitment_id: int) -> SubscriptionKind:
    """A commitment with parts is followed as a plan, so its parts come along."""
    card = await catalog.get_card(session, commitment_id)
    return SubscriptionKind.PLAN if card.children else SubscriptionKind.COMMITMENT


async def _resolve(session, text: str) -> tuple[SubscriptionKind, str] | None:
    """What /follow's argument names: an id, "all", a tag or a place (tags first); None when nothing."""
    word = text.strip().lstrip("#")
    if word.lower() in ALL_WORDS:
        return SubscriptionKind.ALL, ""
    if word.isdigit() and len(word) < 10:
        return await _commitment_kind(session, int(word)), word
    tag = await catalog.tag_by_name(session, word)
    if tag is not None:
        return SubscriptionKind.TAG, tag.name
    place = await catalog.place_named(session, word)
    if place is not None:
        return SubscriptionKind.PLACE, place
    return None


async def _refusal(update: Update, context: Context, argument: str, usage: str) -> str | None:
    """/follow and /unfollow need an argument, and in a group an admin: the text key saying what is missing.

    Asked of Telegram before the transaction opens, so the database is not held over the round trip.
    """
    if not argument:
        return usage
    if not await may_change_chat_settings(update, context):
        return "group_admins_only"
    return None


async def follow(update: Update, context: Context) -> None:
    """/follow ID|tag|place|all: hear about deadlines and new coverage."""
    argument = " ".join(context.args or []).strip()
    refusal = await _refusal(update, context, argument, "follow_usage")
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        answer = t(language, refusal) if refusal else await _follow(session, chat.id, language, argument)
    await reply(update, answer)


async def _follow(session, chat_id: int, language: str, argument: str) -> str:
    try:
        resolved = await _resolve(session, argument)
    except catalog.UnknownCommitment as error:
        return t(language, "unknown_commitment", id=error.commitment_id)
    except catalog.ArchivedCommitment as error:
        return t(language, "archived_commitment", id=error.commitment_id)
    if resolved is None:
        return t(language, "follow_unknown", value=esc(shorten(argument, 40)))
    kind, target = resolved
    what = await _describe(session, language, kind, target)
    try:
        await follows.follow(session, chat_id, kind, target, now=utcnow())
    except follows.AlreadyFollowing:
        return t(language, "already_following", what=what)
    return t(language, "followed", what=what)


def _matching(followed: list[Subscription], text: str) -> Subscription | None:
    word = text.strip().lstrip("#").lower()
    for sub in followed:
        if sub.kind == SubscriptionKind.ALL and word in ALL_WORDS:
            return sub
        if sub.kind != SubscriptionKind.ALL and sub.target.lower() == word:
            return sub
    return None


async def unfollow(update: Update, context: Context) -> None:
    """/unfollow ID|tag|place|all: stop hearing about it."""
    argument = " ".join(context.args or []).strip()
    refusal = await _refusal(update, context, argument, "unfollow_usage")
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        answer = t(language, refusal) if refusal else await _unfollow(session, chat.id, language, argument)
    await reply(update, answer)


async def _unfollow(session, chat_id: int, language: str, argument: str) -> str:
    sub = _matching(await follows.follows_of(session, chat_id), argument)
    if sub is None:
        return t(language, "not_following", what=esc(shorten(argument, 40)))
    what = await _describe(session, language, sub.kind, sub.target)
    await follows.unfollow(session, chat_id, sub.kind, sub.target)
    return t(language, "unfollowed", what=what)


async def _following_view(session, language: str, chat_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    followed = await follows.follows_of(session, chat_id)
    if not followed:
        return t(language, "following_empty"), None
    lines = [t(language, "following_header", count=len(followed)), ""]
    buttons = []
    for sub in followed:
        what = await _describe(session, language, sub.kind, sub.target)
        lines.append(f"• {what}")
        # Button labels are plain text: the description without its HTML escapes, shortened.
        label = what.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        buttons.append([InlineKeyboardButton(f"✖ {shorten(label, 36)}", callback_data=f"d:{sub.id}")])
    lines += ["", t(language, "following_drop_hint")]
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


async def following(update: Update, context: Context) -> None:
    """/following: what this chat follows, each with a button to drop it."""
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        text, keyboard = await _following_view(session, language, chat.id)
    await reply(update, text, keyboard)


async def drop_follow(update: Update, context: Context) -> None:
    """A ✖ button under /following: stop that follow and redraw the list."""
    query = update.callback_query
    allowed = await may_change_chat_settings(update, context)  # before the transaction: a call to Telegram
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        if allowed:
            sub = await session.get(Subscription, int(context.match.group(1)))
            # The id in the button must belong to this chat: callback data can be forged.
            if sub is None or sub.chat_id != chat.id:
                toast = t(language, "toast_gone")
            else:
                await follows.unfollow(session, chat.id, sub.kind, sub.target)
                toast = t(language, "toast_unfollowed")
            text, keyboard = await _following_view(session, language, chat.id)
    if not allowed:
        await query.answer(t(language, "group_admins_only"), show_alert=True)
        return
    await query.answer(toast)
    await redraw(query, text, keyboard)


async def _toggle_from_card(update: Update, context: Context, *, follow_it: bool) -> None:
    query = update.callback_query
    commitment_id = int(context.match.group(1))
    allowed = await may_change_chat_settings(update, context)  # before the transaction: a call to Telegram
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        alert = None if allowed else t(language, "group_admins_only")
        if allowed:
            try:
                keyboard = await _toggle(session, chat.id, language, commitment_id, follow_it=follow_it)
            except (catalog.UnknownCommitment, catalog.ArchivedCommitment) as error:
                key = "archived_commitment" if isinstance(error, catalog.ArchivedCommitment) else "unknown_commitment"
                alert = t(language, key, id=commitment_id)
    if alert is not None:
        await query.answer(alert, show_alert=True)
        return
    await query.answer(t(language, "toast_followed" if follow_it else "toast_unfollowed"))
    await redraw_buttons(query, keyboard)


async def _toggle(session, chat_id: int, language: str, commitment_id: int, *, follow_it: bool) -> InlineKeyboardMarkup:
    """Follow or unfollow a commitment from its card; the card's buttons after."""
    card = await catalog.get_card(session, commitment_id)
    kind = SubscriptionKind.PLAN if card.children else SubscriptionKind.COMMITMENT
    try:
        if follow_it:
            await follows.follow(session, chat_id, kind, str(commitment_id), now=utcnow())
        else:
            for any_kind in (SubscriptionKind.COMMITMENT, SubscriptionKind.PLAN):
                try:
                    await follows.unfollow(session, chat_id, any_kind, str(commitment_id))
                except follows.NotFollowing:
                    pass
    except follows.AlreadyFollowing:
        pass  # pressed twice: the result is what was wanted
    following_now = await catalog.is_following_commitment(session, chat_id, commitment_id)
    return card_keyboard(language, card, following_now)


async def follow_from_card(update: Update, context: Context) -> None:
    """⭐ Follow on a card."""
    await _toggle_from_card(update, context, follow_it=True)


async def unfollow_from_card(update: Update, context: Context) -> None:
    """✖ Unfollow on a card."""
    await _toggle_from_card(update, context, follow_it=False)


HANDLERS = [
    CommandHandler("follow", follow),
    CommandHandler("unfollow", unfollow),
    CommandHandler("following", following),
    CallbackQueryHandler(follow_from_card, pattern=FOLLOW_PATTERN),
    CallbackQueryHandler(unfollow_from_card, pattern=UNFOLLOW_PATTERN),
    CallbackQueryHandler(drop_follow, pattern=DROP_PATTERN),
]
