"""A deployment on several cores (PostgreSQL only): one receiver process and N worker processes, supervised.

    run_deployment(settings, workers=3)          # what `luoshi run --workers 3` calls
    python -m bot.workers --workers 3            # the same, from a shell
    python -m bot.workers --role receiver        # one part alone (the supervisor starts them this way)
    python -m bot.workers --role worker --slot 0 --workers 3

- The receiver polls Telegram (or serves the webhook) and stores each update in the update log before it is
  acknowledged, as `luoshi run` does, but hands none to its handlers: it wakes the workers (NOTIFY, in the
  transaction that stores the batch). It runs the repeating jobs (dispatch, alert rules, feeds, coverage, pastes,
  pruning); there is no replay sweep, the workers take every undone update themselves.
- Each worker (bot.worker) takes chats with undone updates, one worker per chat at a time, and handles a chat's
  updates in order.
- Their sends (the receiver's alerts, the workers' replies) keep together to Telegram's overall budget: each takes
  its moment on one timeline in the database (bot.delivery.pace).
- The supervisor restarts a part that dies (a worker keeps its slot, so its chats come back to it) and stops all
  of them on SIGINT or SIGTERM.

What holds when a worker is killed (kill -9) at any moment: no update is lost (an update is done only once the
transaction with its effects committed; until then it stays in the table and is taken again, by the restarted
worker or, after TAKEOVER_SECONDS, by any); an update's database effects commit at most once (the chat's lock dies
with the worker's connection, and a commit that finds its update already done is rolled back); a chat's updates
are handled in order. A reply goes out after its handler's commit, so a worker killed between the two loses that
one reply (the update is done and not handled again); a handler that commits nothing is marked done after it
replies, so a kill in between repeats that reply. An update that kills its worker MAX_ATTEMPTS times is given up.

What holds when PostgreSQL itself crashes: no commit on an update's way waits for the disk (bot.update_log's "a
receiver's acknowledgements"; bot.app.database_engine), so the last moments' stored updates and handled effects
may be lost, in order. An update is acknowledged to Telegram only once it is on disk, so a lost one is sent again;
a lost effect goes with its done mark, so its update is handled again (its reply repeats). No alert goes out twice:
the dispatcher's commits wait for the disk.

SQLite stays one process (`luoshi run`): it has neither LISTEN nor advisory locks, and one writer at a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot import event_loop
from bot.settings import SECRET_ENV, Settings, SettingsError, load_settings
from bot.worker import TAKEOVER_SECONDS

log = logging.getLogger(__name__)

# The supervisor hands its settings to its children (without the secrets, which they read from the environment as
# it did), so a --config file or changed settings reach every part.
SETTINGS_ENV = "LUOSHI_DEPLOYMENT_SETTINGS"
_ROOT = Path(__file__).resolve().parents[1]
# A part that dies is started again after this long, doubling while it keeps dying young, up to the maximum.
RESTART_DELAY, RESTART_DELAY_MAX, YOUNG = 0.5, 30.0, 30.0
STOP_TIMEOUT = 20.0


class DeploymentRefused(Exception):
    """The deployment cannot run as asked; the message is one line for the operator."""


def check_deployment(settings: Settings, workers: int) -> None:
    """Raise DeploymentRefused when `workers` worker processes cannot serve this configuration."""
    if workers < 1:
        raise DeploymentRefused("--workers must be at least 1")
    if not settings.database.url.startswith("postgresql"):
        raise DeploymentRefused(
            "several worker processes need PostgreSQL (database.url); SQLite runs as one process: drop --workers"
        )
    if settings.token is None:
        raise DeploymentRefused(
            "TELEGRAM_BOT_TOKEN is not set; to chat with the bot without Telegram, run `luoshi shell`."
        )
    if settings.telegram.mode == "webhook" and not settings.telegram.webhook_url:
        raise DeploymentRefused("configuration error: telegram.webhook_url is needed when telegram.mode is 'webhook'")


# -- the supervisor ------------------------------------------------------------------------------------------------


@dataclass
class _Part:
    role: str
    slot: int = 0
    process: subprocess.Popen | None = None
    started: float = 0.0
    delay: float = RESTART_DELAY
    restart_at: float | None = None
    extra: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "receiver" if self.role == "receiver" else f"worker {self.slot}"


def run_deployment(settings: Settings, workers: int, *, takeover_seconds: float = TAKEOVER_SECONDS) -> int:
    """Run the receiver and `workers` workers until SIGINT or SIGTERM; the exit status.

    Raises DeploymentRefused (SQLite, no token, workers < 1). The database is upgraded first."""
    check_deployment(settings, workers)
    from trackers.runtime.migrate import upgrade

    upgrade(settings.database.url)
    env = _child_environment(settings)
    common = ["--workers", str(workers), "--takeover-seconds", str(takeover_seconds)]
    parts = [_Part("receiver", extra=common)]
    parts += [_Part("worker", slot, extra=[*common, "--slot", str(slot)]) for slot in range(workers)]
    stopping: list[int] = []

    def on_signal(signum, _frame) -> None:
        stopping.append(signum)

    previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        for part in parts:
            _start(part, env)
        while not stopping:
            now = time.monotonic()
            for part in parts:
                if part.restart_at is not None:
                    if now >= part.restart_at:
                        _start(part, env)
                    continue
                status = part.process.poll()
                if status is None:
                    continue
                young = now - part.started < YOUNG
                part.delay = min(part.delay * 2, RESTART_DELAY_MAX) if young else RESTART_DELAY
                part.restart_at = now + part.delay
                log.warning("the %s (pid %s) exited with %s; starting it again", part.name, part.process.pid, status)
            time.sleep(0.1)
        log.info("stopping the deployment")
    finally:
        _stop_all(parts)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def _child_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env[SETTINGS_ENV] = settings.model_dump_json(exclude=set(SECRET_ENV))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    return env


def _start(part: _Part, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "bot.workers", "--role", part.role, "--parent", str(os.getpid()), *part.extra]
    part.process = subprocess.Popen(command, env=env)
    part.started, part.restart_at = time.monotonic(), None
    log.info("the %s started (pid %s)", part.name, part.process.pid)


def _stop_all(parts: list[_Part]) -> None:
    running = [part.process for part in parts if part.process is not None and part.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in running:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the parts -----------------------------------------------------------------------------------------------------


def serve_receiver(settings: Settings, *, workers: int, parent_pid: int | None = None) -> None:
    """Poll (or serve the webhook), store and announce updates to the `workers` workers, run the repeating jobs;
    until a signal."""
    from bot.app import build_application
    from bot.running import serve

    event_loop.use_fast_loop()
    application = build_application(settings, role="receiver")
    application.bot.update_log.workers = workers
    if parent_pid:

        async def watch_parent(_context) -> None:
            if os.getppid() != parent_pid:
                log.warning("the supervisor (pid %s) is gone; stopping", parent_pid)
                application.stop_running()

        application.job_queue.run_repeating(watch_parent, interval=1.0, first=1.0, name="watch_parent")
    serve(application, settings, poll_interval=settings.telegram.receiver_poll_interval)


def run_worker(settings: Settings, *, slot: int, slots: int, takeover_seconds: float, parent_pid: int | None) -> None:
    from bot.app import build_application
    from bot.worker import serve_worker

    application = build_application(settings, role="worker")
    event_loop.run(
        serve_worker(application, slot=slot, slots=slots, takeover_seconds=takeover_seconds, parent_pid=parent_pid)
    )


# -- the command line ----------------------------------------------------------------------------------------------


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options `luoshi run` takes for a deployment (besides --config)."""
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        default=None,
        help="handle updates in N worker processes beside one receiver (PostgreSQL only)",
    )


def _settings(config: str | None) -> Settings:
    from bot.logs import configure_logging

    packed = os.environ.get(SETTINGS_ENV)
    if packed:
        secrets = {name: os.environ[env] for name, env in SECRET_ENV.items() if os.environ.get(env)}
        settings = Settings.model_validate(json.loads(packed) | secrets)
    else:
        settings = load_settings(config)
    configure_logging(
        settings.logging.level, [s.get_secret_value() for s in (settings.token, settings.webhook_secret) if s]
    )
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.workers", description=__doc__.split("\n\n")[0])
    add_options(parser)
    parser.add_argument("--config", metavar="FILE", default=None, help="a TOML file of settings")
    parser.add_argument("--role", choices=["supervisor", "receiver", "worker"], default="supervisor")
    parser.add_argument("--slot", type=int, default=0, help="a worker's slot, 0 to N-1")
    parser.add_argument(
        "--takeover-seconds",
        type=float,
        default=TAKEOVER_SECONDS,
        help="how long a chat waits for its own worker before any worker takes it",
    )
    parser.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        settings = _settings(args.config)
    except SettingsError as error:
        print(f"luoshi: configuration error: {error}", file=sys.stderr)
        return 2
    workers = args.workers or 1
    if args.role == "supervisor":
        try:
            return run_deployment(settings, workers, takeover_seconds=args.takeover_seconds)
        except DeploymentRefused as error:
            print(f"luoshi: {error}", file=sys.stderr)
            return 2
    if args.role == "receiver":
        serve_receiver(settings, workers=workers, parent_pid=args.parent)
    else:
        run_worker(
            settings, slot=args.slot, slots=workers, takeover_seconds=args.takeover_seconds, parent_pid=args.parent
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
