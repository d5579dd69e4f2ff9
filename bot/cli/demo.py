"""`luoshi demo load` / `luoshi demo remove`: the demo set in the configured database, only when asked.

`luoshi shell` loads it into its own database by itself (sandbox.demo_data); `luoshi run` never does.
"""

from __future__ import annotations

import asyncio

from bot.cli.common import CONFIG_OPTION, settings_from
from bot.cli.db import upgrade_or_exit


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="load or remove the demo commitments",
        description="The demo set (Jinan's 2023—2025 plan, its integrated-circuit target, two national targets, "
        "one deadline a few days away and one overdue), marked as demo data.",
        parents=[CONFIG_OPTION],
    )
    actions = parser.add_subparsers(dest="demo_action", metavar="ACTION", required=True)
    for name, text in (
        ("load", "add the demo commitments (again: moves their relative deadlines)"),
        ("remove", "delete every demo commitment and its evidence"),
    ):
        action = actions.add_parser(name, help=text, parents=[CONFIG_OPTION])
        action.add_argument("--database", metavar="URL", help="database URL instead of database.url")
        action.set_defaults(func=demo_command)


def demo_command(args) -> int:
    settings = settings_from(args)
    url = args.database or settings.database.url
    upgrade_or_exit(url)
    if args.demo_action == "load":
        result = asyncio.run(_run(url, load=True, timezone=settings.bot.timezone))
        print(f"demo data: {result.created} commitments added, {result.updated} updated in {_safe(url)}")
    else:
        removed = asyncio.run(_run(url, load=False, timezone=settings.bot.timezone))
        print(f"demo data: {removed} commitments removed from {_safe(url)}")
    return 0


async def _run(url: str, *, load: bool, timezone: str):
    from trackers.commitments.demo import load_demo, remove_demo
    from trackers.runtime.clock import utcnow
    from trackers.runtime.db import create_engine, create_sessionmaker

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            if load:
                return await load_demo(session, now=utcnow(), timezone=timezone)
            return await remove_demo(session)
    finally:
        await engine.dispose()


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
