"""Settings: loaded once (defaults < config file < environment), validated, frozen, passed down.

`config/default.toml` holds every setting with its default and a comment; the models below declare no defaults of
their own, so a key missing from that file is an error rather than a silent second default.
"""

from __future__ import annotations

import os
import tomllib
import zoneinfo
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

if TYPE_CHECKING:  # the policies are imported where built: settings load before (and without) the domain
    from trackers.coverage.fetch import FetchPolicy
    from trackers.coverage.linking import Thresholds
    from trackers.coverage.polling import PollPolicy
    from trackers.notifications.rules import AlertRules
    from trackers.people.preferences import AlertDefaults


def default_config_path() -> Path:
    """Where config/default.toml is. The repository keeps config/ a top-level folder of files; a wheel carries it
    inside this package as bot/_config/ (setup.py maps it there), where an installed bot finds it."""
    installed = Path(__file__).with_name("_config") / "default.toml"
    return installed if installed.is_file() else Path(__file__).resolve().parents[1] / "config" / "default.toml"


DEFAULT_CONFIG = default_config_path()

ENV_PREFIX = "LUOSHI_"
# LUOSHI_ variables that are not settings: where the config file is, and what tests and tools read.
NON_SETTING_ENV = ("LUOSHI_CONFIG", "LUOSHI_TEST_", "LUOSHI_CORPUS_DIR")
SECRET_ENV = {"token": "TELEGRAM_BOT_TOKEN", "webhook_secret": "TELEGRAM_WEBHOOK_SECRET"}


class SettingsError(Exception):
    """A setting is missing, unknown or invalid; the message names the key and where it came from."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BotSettings(_Section):
    language: Literal["zh", "en"]
    timezone: str
    owner_ids: tuple[int, ...]
    admin_ids: tuple[int, ...]
    admin_chat_id: int
    concurrent_updates: int = Field(ge=1, le=256)
    replay_after_seconds: float = Field(gt=0)
    user_burst: int = Field(ge=1)
    user_per_second: float = Field(gt=0)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class TelegramSettings(_Section):
    api_url: str = Field(pattern=r"^https?://")
    file_url: str = Field(pattern=r"^https?://")
    mode: Literal["polling", "webhook"]
    webhook_url: str
    webhook_listen: str
    webhook_port: int = Field(ge=1, le=65535)
    webhook_path: str
    http_client: Literal["aiohttp", "httpx"]
    connection_pool_size: int = Field(ge=1, le=256)
    read_timeout: float = Field(gt=0)
    connect_timeout: float = Field(gt=0)
    poll_interval: float = Field(ge=0, le=60)
    receiver_poll_interval: float = Field(ge=0, le=60)


class DatabaseSettings(_Section):
    url: str = Field(min_length=1)
    busy_timeout_ms: int = Field(ge=0)
    echo: bool

    @field_validator("url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value


class AlertSettings(_Section):
    lead_days: tuple[int, ...]
    local_hour: int = Field(ge=0, le=23)
    overdue_days: tuple[int, ...]
    stale_after_days: int = Field(ge=1)
    sweep_seconds: float = Field(gt=0)

    @field_validator("lead_days", "overdue_days")
    @classmethod
    def _non_negative(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(day < 0 for day in value):
            raise ValueError("days must be 0 or more")
        return tuple(sorted(set(value), reverse=True))


class DeliverySettings(_Section):
    global_per_second: float = Field(gt=0)
    private_per_second: float = Field(gt=0)
    group_per_minute: float = Field(gt=0)
    sweep_seconds: float = Field(gt=0)
    batch_size: int = Field(ge=1, le=10_000)
    concurrency: int = Field(ge=1, le=256)
    connection_pool_size: int = Field(ge=1, le=256)
    lease_seconds: float = Field(gt=0)
    max_lateness_hours: float = Field(gt=0)
    retry_base_seconds: float = Field(gt=0)
    retry_max_seconds: float = Field(gt=0)
    max_pause_seconds: float = Field(ge=0)


class SandboxSettings(_Section):
    host: str
    port: int = Field(ge=0, le=65535)
    database_url: str
    demo_data: bool


class FetchSettings(_Section):
    allow_hosts: tuple[str, ...]
    timeout_seconds: float = Field(gt=0)
    max_bytes: int = Field(ge=1024)
    max_redirects: int = Field(ge=0, le=20)
    user_agent: str = Field(min_length=1)

    def policy(self, *, max_bytes: int | None = None) -> FetchPolicy:
        """What the safe fetcher may fetch and how (`max_bytes` lower for feeds)."""
        from trackers.coverage.fetch import FetchPolicy

        return FetchPolicy(
            allow_hosts=frozenset(self.allow_hosts),
            timeout_seconds=self.timeout_seconds,
            max_bytes=max_bytes or self.max_bytes,
            max_redirects=self.max_redirects,
            user_agent=self.user_agent,
        )


class LinkingSettings(_Section):
    confident: float = Field(gt=0, le=1)
    review: float = Field(gt=0, le=1)

    def thresholds(self) -> Thresholds:
        from trackers.coverage.linking import Thresholds

        return Thresholds(confident=self.confident, review=self.review)

    @model_validator(mode="after")
    def _review_below_confident(self) -> LinkingSettings:
        if self.review > self.confident:
            raise ValueError("review must not be above confident")
        return self


class FeedSettings(_Section):
    sweep_seconds: float = Field(gt=0)
    max_items: int = Field(ge=1, le=1000)
    max_bytes: int = Field(ge=1024)
    backoff_max_minutes: int = Field(ge=1)
    coverage_sweep_seconds: float = Field(gt=0)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Settings(_Section):
    bot: BotSettings
    telegram: TelegramSettings
    database: DatabaseSettings
    alerts: AlertSettings
    delivery: DeliverySettings
    sandbox: SandboxSettings
    fetch: FetchSettings
    linking: LinkingSettings
    feeds: FeedSettings
    logging: LoggingSettings
    # Secrets: only from the environment (see SECRET_ENV); SecretStr keeps them out of reprs and logs.
    token: SecretStr | None = None
    webhook_secret: SecretStr | None = None

    def polling(self) -> PollPolicy:
        """How feeds are polled: fetch policies for feeds (their own size cap) and pages, and what to take in."""
        from trackers.coverage.polling import PollPolicy

        return PollPolicy(
            feed_fetch=self.fetch.policy(max_bytes=self.feeds.max_bytes),
            page_fetch=self.fetch.policy(),
            max_items=self.feeds.max_items,
            backoff_max_minutes=self.feeds.backoff_max_minutes,
            thresholds=self.linking.thresholds(),
            timezone=self.bot.timezone,
        )

    def alert_rules(self) -> AlertRules:
        """The alert rules: lead days, prompts, staleness, how late is too late, and who hears as an admin."""
        from trackers.notifications.rules import AlertRules

        return AlertRules(
            defaults=self.alert_defaults(),
            overdue_days=self.alerts.overdue_days,
            stale_after_days=self.alerts.stale_after_days,
            max_lateness=timedelta(hours=self.delivery.max_lateness_hours),
            admin_ids=self.bot.owner_ids + self.bot.admin_ids,
        )

    def alert_defaults(self) -> AlertDefaults:
        """What a chat that never chose gets: the lead days, zone, hour and language of these settings."""
        from trackers.people.preferences import AlertDefaults

        return AlertDefaults(
            lead_days=tuple(self.alerts.lead_days),
            timezone=self.bot.timezone,
            local_hour=self.alerts.local_hour,
            language=self.bot.language,
        )

    def with_changes(self, **sections: Mapping[str, Any]) -> Settings:
        """A copy with some keys replaced, validated again (e.g. the shell's own database)."""
        data = self.model_dump()
        for section, values in sections.items():
            data[section] = {**data[section], **values}
        return Settings.model_validate(data)


def load_settings(config_file: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the defaults, then the config file (argument, else LUOSHI_CONFIG), then the environment."""
    environ = os.environ if environ is None else environ
    data = _read_toml(DEFAULT_CONFIG)
    origin = {(section, key): str(DEFAULT_CONFIG) for section, keys in data.items() for key in keys}

    config_file = config_file or environ.get("LUOSHI_CONFIG") or None
    if config_file:
        overlay = _read_toml(Path(config_file))
        for section, keys in overlay.items():
            if section not in data:
                raise SettingsError(f"unknown section [{section}] in {config_file}")
            if not isinstance(keys, dict):
                raise SettingsError(f"{section} in {config_file}: expected a [{section}] table")
            for key, value in keys.items():
                if key not in data[section]:
                    raise SettingsError(f"unknown key {section}.{key} in {config_file}")
                data[section][key] = value
                origin[(section, key)] = str(config_file)

    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name.startswith(NON_SETTING_ENV):
            continue
        section, key = _env_key(name, data)
        data[section][key] = _env_value(raw, data[section][key])
        origin[(section, key)] = f"environment variable {name}"

    for field, env_name in SECRET_ENV.items():
        if environ.get(env_name):
            data[field] = environ[env_name]

    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(part) for part in error["loc"]]
        key = ".".join(loc[:2])
        where = origin.get(tuple(loc[:2]), "the settings")
        raise SettingsError(f"{key} in {where}: {error['msg']}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None


def _env_key(name: str, data: dict[str, Any]) -> tuple[str, str]:
    """LUOSHI_DATABASE_URL -> ("database", "url"); sections and keys may themselves hold underscores."""
    rest = name[len(ENV_PREFIX) :].lower()
    for section in data:
        if rest.startswith(section + "_") and rest[len(section) + 1 :] in data[section]:
            return section, rest[len(section) + 1 :]
    raise SettingsError(f"unknown setting in environment variable {name}")


def _env_value(raw: str, default: Any) -> Any:
    """Environment values are text; read them in the shape of the default (lists comma-separated)."""
    if isinstance(default, list):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw
