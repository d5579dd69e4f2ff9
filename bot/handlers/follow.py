"""Following: /follow, /unfollow, /following with buttons to drop each, and the follow buttons on cards.

The follows themselves are kept by trackers.subscriptions; in a group only its admins may change them.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import MenuCommand
from bot.context import Context
from bot.handlers.browse import card_keyboard
from bot.handlers.common import current_chat, language_for, utcnow
from bot.handlers.replies import may_change_chat_settings, redraw, redraw_buttons, reply
from bot.render.format import esc, shorten
from bot.texts import t
from trackers import catalog, subscriptions
from trackers.models import Commitment, Subscription, SubscriptionKind

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


async def _may_change_follows(update: Update, context: Context, language: str, argument: str, usage: str) -> bool:
    """/follow and /unfollow need an argument, and in a group an admin; otherwise say so and refuse."""
    if not argument:
        await reply(update, t(language, usage))
        return False
    if not await may_change_chat_settings(update, context):
        await reply(update, t(language, "group_admins_only"))
        return False
    return True


async def follow(update: Update, context: Context) -> None:
    """/follow ID|tag|place|all: hear about deadlines and new coverage."""
    argument = " ".join(context.args or []).strip()
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        if not await _may_change_follows(update, context, language, argument, "follow_usage"):
            return
        try:
            resolved = await _resolve(session, argument)
        except catalog.UnknownCommitment as error:
            await reply(update, t(language, "unknown_commitment", id=error.commitment_id))
            return
        except catalog.ArchivedCommitment as error:
            await reply(update, t(language, "archived_commitment", id=error.commitment_id))
            return
        if resolved is None:
            await reply(update, t(language, "follow_unknown", value=esc(shorten(argument, 40))))
            return
        kind, target = resolved
        what = await _describe(session, language, kind, target)
        try:
            await subscriptions.follow(session, chat.id, kind, target, now=utcnow())
        except subscriptions.AlreadyFollowing:
            await reply(update, t(language, "already_following", what=what))
            return
    await reply(update, t(language, "followed", what=what))


def _matching(follows: list[Subscription], text: str) -> Subscription | None:
    word = text.strip().lstrip("#").lower()
    for sub in follows:
        if sub.kind == SubscriptionKind.ALL and word in ALL_WORDS:
            return sub
        if sub.kind != SubscriptionKind.ALL and sub.target.lower() == word:
            return sub
    return None


async def unfollow(update: Update, context: Context) -> None:
    """/unfollow ID|tag|place|all: stop hearing about it."""
    argument = " ".join(context.args or []).strip()
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        if not await _may_change_follows(update, context, language, argument, "unfollow_usage"):
            return
        sub = _matching(await subscriptions.follows_of(session, chat.id), argument)
        if sub is None:
            await reply(update, t(language, "not_following", what=esc(shorten(argument, 40))))
            return
        what = await _describe(session, language, sub.kind, sub.target)
        await subscriptions.unfollow(session, chat.id, sub.kind, sub.target)
    await reply(update, t(language, "unfollowed", what=what))


async def _following_view(session, language: str, chat_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    follows = await subscriptions.follows_of(session, chat_id)
    if not follows:
        return t(language, "following_empty"), None
    lines = [t(language, "following_header", count=len(follows)), ""]
    buttons = []
    for sub in follows:
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
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        if not await may_change_chat_settings(update, context):
            await query.answer(t(language, "group_admins_only"), show_alert=True)
            return
        sub = await session.get(Subscription, int(context.match.group(1)))
        # The id in the button must belong to this chat: callback data can be forged.
        if sub is None or sub.chat_id != chat.id:
            await query.answer(t(language, "toast_gone"))
        else:
            await subscriptions.unfollow(session, chat.id, sub.kind, sub.target)
            await query.answer(t(language, "toast_unfollowed"))
        text, keyboard = await _following_view(session, language, chat.id)
    await redraw(query, text, keyboard)


async def _toggle_from_card(update: Update, context: Context, *, follow_it: bool) -> None:
    query = update.callback_query
    commitment_id = int(context.match.group(1))
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        if not await may_change_chat_settings(update, context):
            await query.answer(t(language, "group_admins_only"), show_alert=True)
            return
        try:
            card = await catalog.get_card(session, commitment_id)
        except (catalog.UnknownCommitment, catalog.ArchivedCommitment) as error:
            key = "archived_commitment" if isinstance(error, catalog.ArchivedCommitment) else "unknown_commitment"
            await query.answer(t(language, key, id=commitment_id), show_alert=True)
            return
        kind = SubscriptionKind.PLAN if card.children else SubscriptionKind.COMMITMENT
        try:
            if follow_it:
                await subscriptions.follow(session, chat.id, kind, str(commitment_id), now=utcnow())
            else:
                for any_kind in (SubscriptionKind.COMMITMENT, SubscriptionKind.PLAN):
                    try:
                        await subscriptions.unfollow(session, chat.id, any_kind, str(commitment_id))
                    except subscriptions.NotFollowing:
                        pass
        except subscriptions.AlreadyFollowing:
            pass  # pressed twice: the result is what was wanted
        following_now = await catalog.is_following_commitment(session, chat.id, commitment_id)
        keyboard = card_keyboard(language, card, following_now)
    await query.answer(t(language, "toast_followed" if follow_it else "toast_unfollowed"))
    await redraw_buttons(query, keyboard)


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
