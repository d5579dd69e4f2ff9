"""Schema upgrades through Alembic, for `luoshi db upgrade` and for start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


def migrations_path() -> Path:
    """Where the Alembic scripts are. The repository keeps migrations/ a top-level folder; a wheel carries it inside
    this package as trackers/runtime/_migrations/ (setup.py maps it there), where an installed bot finds it."""
    installed = Path(__file__).with_name("_migrations")
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "migrations"


MIGRATIONS = migrations_path()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would read a % in a password as a placeholder.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database at `url` to `revision` (every branch's head by default).

    Blocking: call it before the event loop starts, or in a thread of its own. Features that land side by side
    may each add a migration on a branch of their own; "heads" applies them all.
    """
    command.upgrade(alembic_config(url), revision)


def current_heads() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
