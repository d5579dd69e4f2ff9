"""A group upgraded to a supergroup: Telegram gives it a new id, and what the bot keeps for the group moves to it at
once (its follows, language, time zone, alert settings, owed alerts, and what the bot was asking its people).

Telegram says so twice: a service message in the old group (migrate_to_chat_id), then the first message of the
supergroup (migrate_from_chat_id). The move is made on the second: it comes first in the supergroup's own updates,
which are handled in order, so it is done before anyone's next message there is read (an admin's answer to a
guided /add's question goes on in the supergroup). Making it on the first as well would race it, chat against chat,
on a deployment with several workers. Had the second never come, the outbox still moves the chat at its first send
to the old id ("group chat was upgraded", bot.delivery.dispatcher).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import Context
from bot.handlers.turn import Turn
from trackers.people.chats import move_chat
from trackers.runtime.clock import utcnow

log = logging.getLogger(__name__)


async def group_upgraded(update: Update, context: Context) -> None:
    old_id = update.effective_message.migrate_from_chat_id
    if old_id is None:
        return  # the old group's notice (migrate_to_chat_id): the supergroup's own makes the move
    async with Turn.begin(update, context) as turn:
        # If the outbox moves the group at this moment (a send to the old id refused), one gives way (move_chat).
        moved = await move_chat(turn.session, old_id, turn.chat.id, now=utcnow())
    for user_id in moved:
        context.bot_data.waits.asked(turn.chat.id, user_id)
    log.info("group %s became supergroup %s; %d conversations moved with it", old_id, turn.chat.id, len(moved))


HANDLERS = [MessageHandler(filters.StatusUpdate.MIGRATE, group_upgraded)]
