"""Build the Application in one place: shared resources opened in post_init and closed in post_shutdown."""

from __future__ import annotations

import gc

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.commands import register_menu
from bot.concurrency import PerChatUpdateProcessor
from bot.context import CONTEXT_TYPES, BotData
from bot.delivery import service as delivery
from bot.delivery.limits import flood_limiter
from bot.delivery.pace import DeploymentPace
from bot.delivery.ratelimit import SharedFloodLimiter
from bot.errors import report_error
from bot.handlers import (
    admins,
    answers,
    broadcast,
    browse,
    documents,
    editing,
    fallback,
    feeds,
    follow,
    guards,
    health,
    ingest,
    journalist,
    reading,
    review,
    start,
    upgrades,
)
from bot.jobs import schedule_jobs
from bot.request import api_request, bot_options
from bot.settings import Settings
from bot.throttle import UserThrottle
from bot.update_log import LoggingBot, LoggingQueue, ReceivingQueue, UpdateLog
from bot.waits import Waits
from trackers.runtime.db import create_engine, create_sessionmaker, open_pool

# Feature modules in the order their menus appear; each has HANDLERS and may have COMMANDS.
FEATURES = [start]
# Readers and journalists: browse, follow, progress, calendar and export.
FEATURES += [browse, follow, journalist]
# Admin features; ingest goes last: it takes an admin's plain text in a private chat as an article.
FEATURES += [admins, editing, broadcast, feeds, review, documents, reading, ingest]

# Delivery: /health for admins (the sweeps are scheduled in bot/jobs.py).
FEATURES += [health]


# What a process does (bot.workers): "all" receives and handles (one process, as `luoshi run`); a "receiver"
# stores updates, wakes the workers and runs the repeating jobs; a "worker" handles what the receiver stored.
ROLES = ("all", "receiver", "worker")


def build_application(settings: Settings, *, token: str | None = None, role: str = "all") -> Application:
    token = token or (settings.token.get_secret_value() if settings.token else None)
    if not token:
        raise ValueError("a bot token is needed (TELEGRAM_BOT_TOKEN)")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    telegram = settings.telegram
    limiter = flood_limiter(settings.delivery)
    update_log = UpdateLog(role=role)
    bot = LoggingBot(
        token,
        **bot_options(telegram, connection_pool_size=telegram.connection_pool_size, pool_timeout=1.0),
        # getUpdates long-polls on a connection of its own, so replies never wait behind it. Its read timeout
        # is PTB's default; PTB adds the long-poll timeout to it.
        get_updates_request=api_request(telegram, connection_pool_size=1, pool_timeout=1.0, read_timeout=5.0),
        defaults=Defaults(parse_mode=ParseMode.HTML),
        # Replies and the dispatcher's notifications draw on one flood budget (overall and per group).
        rate_limiter=SharedFloodLimiter(limiter),
        update_log=update_log,
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        # Updates are stored before they are acknowledged, and handled again after a crash (bot.update_log).
        .update_queue(ReceivingQueue(update_log) if role == "receiver" else LoggingQueue(update_log))
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(PerChatUpdateProcessor(settings.bot.concurrent_updates, update_log=update_log))
        .post_init(_open_resources)
        .post_shutdown(_close_resources)
        .build()
    )
    bot_data: BotData = application.bot_data
    bot_data.settings = settings
    bot_data.flood_limiter = limiter
    bot_data.throttle = UserThrottle(burst=settings.bot.user_burst, per_second=settings.bot.user_per_second)

    # Guards first: they may stop an update before anything else sees it.
    application.add_handlers(guards.HANDLERS, group=guards.GROUP)
    # Then the answers to what the bot asked (a guided /add's steps); what they leave goes on to the features.
    application.add_handlers(answers.HANDLERS, group=answers.GROUP)
    # A group's upgrade to a supergroup before the features: nothing else may take its service message.
    application.add_handlers(upgrades.HANDLERS)
    for feature in FEATURES:
        application.add_handlers(feature.HANDLERS)
        bot_data.menu.extend(getattr(feature, "COMMANDS", []))
    # Last in group 0, so they answer only what no feature matched (PTB runs the first match of a group).
    application.add_handlers(fallback.HANDLERS)
    application.add_error_handler(report_error)
    delivery.install(application)
    bot_data.role = role
    if role != "worker":
        # Workers run no sweeps (the receiver does); their JobQueue still runs the jobs handlers set (a paste's
        # run_once), and the receiver's paste sweep picks up one a dead worker lost. Nobody replays: the workers
        # take every undone update from the table themselves.
        schedule_jobs(application, replay=role == "all")
    return application


def database_engine(settings: Settings, role: str) -> AsyncEngine:
    """The engine of a process in `role` (ROLES)."""
    database = settings.database
    return create_engine(
        database.url,
        busy_timeout_ms=database.busy_timeout_ms,
        echo=database.echo,
        # Connections are held for a transaction, not while Telegram answers: a few per process are enough, as long as
        # updates in flight seldom open and close one of their own (on PostgreSQL a connect costs more than a command).
        pool_size=min(settings.bot.concurrent_updates, 16) + 2,
        # A worker's commits (an update's effects with its done mark) do not wait for the disk: on this kind of
        # host a flush sometimes took 100-500 ms, and every update behind it waited. What a server crash can lose
        # is the last moments' handled updates, effects and marks together: they are not done, so they are handled
        # again (a reply may repeat). An alert cannot go out twice: the receiver's dispatcher, whose commits do
        # wait, sends only what its own claim has flushed, and that flush takes every earlier commit with it.
        durable=role != "worker",
    )


async def _open_resources(application: Application) -> None:
    bot_data: BotData = application.bot_data
    bot_data.engine = database_engine(bot_data.settings, bot_data.role)
    bot_data.sessionmaker = create_sessionmaker(bot_data.engine)
    await open_pool(bot_data.engine)  # a database out of reach shows at the first transaction, as before
    bot_data.update_log = application.bot.update_log
    bot_data.update_log.open(bot_data.sessionmaker, application.bot.id)
    await bot_data.update_log.connect()
    bot_data.waits = Waits(bot_data.engine)
    if bot_data.role != "receiver":  # a deployment's receiver hands every update to the workers
        await bot_data.waits.open()
        application.update_processor.settle.append(bot_data.waits.settle)
    if bot_data.role != "all":
        # A deployment's processes (PostgreSQL) share Telegram's overall budget through the database.
        bot_data.flood_limiter.pace = DeploymentPace(
            bot_data.engine, application.bot.id, per_second=bot_data.settings.delivery.global_per_second
        )
        await bot_data.flood_limiter.pace.connect()
    if bot_data.role != "worker":  # once per deployment, not once per worker
        await register_menu(application.bot, bot_data.menu, bot_data.settings.bot.language)
    await delivery.open_delivery(application)
    # What is loaded by now (modules, PTB, SQLAlchemy, the extraction tables: ~170,000 objects) lives as long as
    # the process. Frozen, it is left out of the garbage collector's full passes, each of which otherwise
    # stopped the bot for ~100 ms, long enough to be the p99 of every command under load.
    gc.collect()
    gc.freeze()


async def _close_resources(application: Application) -> None:
    bot_data: BotData = application.bot_data
    gc.unfreeze()  # what was frozen may be garbage once this Application is gone (tests build many)
    await delivery.close_delivery(application)
    if bot_data.flood_limiter.pace is not None:
        await bot_data.flood_limiter.pace.close()
    if bot_data.update_log is not None:
        await bot_data.update_log.close()
    if bot_data.waits is not None:
        await bot_data.waits.close()
    if bot_data.engine is not None:
        await bot_data.engine.dispose()
