"""Following: /follow, /unfollow, /following with buttons to drop each, and the follow buttons on cards.

The follows themselves are kept by trackers.people.follows; in a group only its admins may change them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import MenuCommand
from bot.context import Context
from bot.handlers.ids import parse_id
from bot.handlers.replies import may_change_chat_settings, redraw, redraw_buttons, reply
from bot.handlers.turn import Turn
from bot.render.browsing import FOLLOW, UNFOLLOW, card_keyboard
from bot.render.errors import error_text
from bot.render.following import DROP, describe, following_view
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


async def _subjects(turn: Turn, followed: list[tuple[SubscriptionKind, str]]) -> dict[str, str]:
    """The subjects of the commitments among `followed`, by id as the follow names it."""
    subjects = {}
    for kind, target in followed:
        if kind in (SubscriptionKind.COMMITMENT, SubscriptionKind.PLAN) and target.isdigit():
            commitment = await turn.session.get(Commitment, int(target))
            if commitment is not None:
                subjects[target] = commitment.subject
    return subjects


async def _describe(turn: Turn, kind: SubscriptionKind, target: str) -> str:
    subjects = await _subjects(turn, [(kind, target)])
    return describe(turn.language, kind, target, subjects.get(target))


async def _commitment_kind(turn: Turn, commitment_id: int) -> SubscriptionKind:
    """A commitment with parts is followed as a plan, so its parts come along."""
    card = await catalog.get_card(turn.session, commitment_id, now=utcnow())
    return SubscriptionKind.PLAN if card.children else SubscriptionKind.COMMITMENT


async def _resolve(turn: Turn, text: str) -> tuple[SubscriptionKind, str] | None:
    """What /follow's argument names: an id, "all", a tag or a place (tags first); None when nothing."""
    word = text.strip().lstrip("#")
    if word.lower() in ALL_WORDS:
        return SubscriptionKind.ALL, ""
    if (commitment_id := parse_id(word)) is not None:
        return await _commitment_kind(turn, commitment_id), str(commitment_id)
    tag = await catalog.tag_by_name(turn.session, word)
    if tag is not None:
        return SubscriptionKind.TAG, tag.name
    place = await catalog.place_named(turn.session, word)
    if place is not None:
        return SubscriptionKind.PLACE, place
    return None


async def _may_change(update: Update, context: Context, argument: str) -> bool:
    """/follow and /unfollow with an argument in a group need an admin; asked of Telegram before the turn opens,
    so the database is not held over the round trip."""
    return not argument or await may_change_chat_settings(update, context)


async def _change_follows(
    update: Update, context: Context, change: Callable[[Turn, str], Awaitable[str]], usage: str
) -> None:
    """/follow and /unfollow: the argument, the group-admin check, the change in one turn, then the answer."""
    argument = " ".join(context.args or []).strip()
    allowed = await _may_change(update, context, argument)
    async with Turn.begin(update, context) as turn:
        if not allowed:
            turn.refuse("group_admins_only")
        elif argument:
            answer = await change(turn, argument)
    if turn.refused:
        return
    await reply(update, answer if argument else t(turn.language, usage))


async def follow(update: Update, context: Context) -> None:
    """/follow ID|tag|place|all: hear about deadlines and new coverage."""
    await _change_follows(update, context, _follow, "follow_usage")


async def _follow(turn: Turn, argument: str) -> str:
    language = turn.language
    try:
        resolved = await _resolve(turn, argument)
    except (catalog.UnknownCommitment, catalog.ArchivedCommitment) as error:
        return error_text(language, error, readers=True)
    if resolved is None:
        return t(language, "follow_unknown", value=esc(shorten(argument, 40)))
    kind, target = resolved
    what = await _describe(turn, kind, target)
    try:
        await follows.follow(turn.session, turn.chat.id, kind, target, now=utcnow())
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
    await _change_follows(update, context, _unfollow, "unfollow_usage")


async def _unfollow(turn: Turn, argument: str) -> str:
    sub = _matching(await follows.follows_of(turn.session, turn.chat.id), argument)
    if sub is None:
        return t(turn.language, "not_following", what=esc(shorten(argument, 40)))
    what = await _describe(turn, sub.kind, sub.target)
    await follows.unfollow(turn.session, turn.chat.id, sub.kind, sub.target)
    return t(turn.language, "unfollowed", what=what)


async def _following_view(turn: Turn) -> tuple[str, InlineKeyboardMarkup | None]:
    followed = await follows.follows_of(turn.session, turn.chat.id)
    subjects = await _subjects(turn, [(sub.kind, sub.target) for sub in followed])
    archived = set()
    for sub in followed:
        if sub.target in subjects:
            commitment = await turn.session.get(Commitment, int(sub.target))
            if commitment is not None and commitment.archived_at is not None:
                archived.add(sub.target)
    return following_view(turn.language, followed, subjects, archived=archived)


async def following(update: Update, context: Context) -> None:
    """/following: what this chat follows, each with a button to drop it."""
    async with Turn.begin(update, context) as turn:
        text, keyboard = await _following_view(turn)
    await reply(update, text, keyboard)


async def drop_follow(update: Update, context: Context) -> None:
    """A ✖ button under /following: stop that follow and redraw the list."""
    query = update.callback_query
    allowed = await may_change_chat_settings(update, context)  # before the turn: a call to Telegram
    async with Turn.begin(update, context) as turn:
        if not allowed:
            turn.refuse("group_admins_only")
        else:
            sub = await turn.session.get(Subscription, int(context.match.group(1)))
            # The id in the button must belong to this chat: callback data can be forged.
            if sub is None or sub.chat_id != turn.chat.id:
                toast = t(turn.language, "toast_gone")
            else:
                await follows.unfollow(turn.session, turn.chat.id, sub.kind, sub.target)
                toast = t(turn.language, "toast_unfollowed")
            text, keyboard = await _following_view(turn)
    if turn.refused:
        return
    await query.answer(toast)
    await redraw(query, text, keyboard)


async def _toggle_from_card(update: Update, context: Context, *, follow_it: bool) -> None:
    query = update.callback_query
    commitment_id = int(context.match.group(1))
    allowed = await may_change_chat_settings(update, context)  # before the turn: a call to Telegram
    alert = None
    async with Turn.begin(update, context) as turn:
        if not allowed:
            turn.refuse("group_admins_only")
        else:
            try:
                keyboard = await _toggle(turn, commitment_id, follow_it=follow_it)
            except (catalog.UnknownCommitment, catalog.ArchivedCommitment) as error:
                alert = error_text(turn.language, error, readers=True)
    if turn.refused:
        return
    if alert is not None:
        await query.answer(alert, show_alert=True)
        return
    await query.answer(t(turn.language, "toast_followed" if follow_it else "toast_unfollowed"))
    await redraw_buttons(query, keyboard)


async def _toggle(turn: Turn, commitment_id: int, *, follow_it: bool) -> InlineKeyboardMarkup:
    """Follow or unfollow a commitment from its card; the card's buttons after."""
    chat_id = turn.chat.id
    card = await catalog.get_card(turn.session, commitment_id, now=utcnow())
    kind = SubscriptionKind.PLAN if card.children else SubscriptionKind.COMMITMENT
    try:
        if follow_it:
            await follows.follow(turn.session, chat_id, kind, str(commitment_id), now=utcnow())
        else:
            for any_kind in (SubscriptionKind.COMMITMENT, SubscriptionKind.PLAN):
                try:
                    await follows.unfollow(turn.session, chat_id, any_kind, str(commitment_id))
                except follows.NotFollowing:
                    pass
    except follows.AlreadyFollowing:
        pass  # pressed twice: the result is what was wanted
    following_now = await catalog.is_following_commitment(turn.session, chat_id, commitment_id)
    return card_keyboard(turn.language, card, following_now)


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
    CallbackQueryHandler(follow_from_card, pattern=FOLLOW.pattern),
    CallbackQueryHandler(unfollow_from_card, pattern=UNFOLLOW.pattern),
    CallbackQueryHandler(drop_follow, pattern=DROP.pattern),
]
