"""Settings: defaults < config file < environment; every mistake named with its key and where it came from."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.running import throwaway_token
from bot.settings import SettingsError, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "luoshi.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_come_from_the_documented_file():
    settings = load_settings(environ={})
    assert settings.bot.language == "zh"
    assert settings.bot.timezone == "Asia/Shanghai"
    assert settings.alerts.lead_days == (90, 30, 7, 1, 0)
    assert settings.database.url.startswith("sqlite+aiosqlite:///")
    assert settings.token is None


def test_a_config_file_overrides_defaults_and_the_environment_overrides_both(tmp_path):
    path = write(tmp_path, '[bot]\nlanguage = "en"\nowner_ids = [1, 2]\n[alerts]\nlocal_hour = 8\n')
    settings = load_settings(path, environ={"LUOSHI_ALERTS_LOCAL_HOUR": "10"})
    assert settings.bot.language == "en"
    assert settings.bot.owner_ids == (1, 2)
    assert settings.alerts.local_hour == 10


def test_the_config_file_can_be_named_by_luoshi_config(tmp_path):
    path = write(tmp_path, '[bot]\nlanguage = "en"\n')
    assert load_settings(environ={"LUOSHI_CONFIG": str(path)}).bot.language == "en"


def test_environment_lists_are_comma_separated_and_the_api_url_is_a_setting():
    settings = load_settings(
        environ={"LUOSHI_BOT_OWNER_IDS": "11, 22", "LUOSHI_TELEGRAM_API_URL": "http://127.0.0.1:8081/bot"}
    )
    assert settings.bot.owner_ids == (11, 22)
    assert settings.telegram.api_url == "http://127.0.0.1:8081/bot"


def test_the_token_comes_only_from_the_environment_and_stays_out_of_reprs():
    token = throwaway_token()
    settings = load_settings(environ={"TELEGRAM_BOT_TOKEN": token})
    assert settings.token.get_secret_value() == token
    assert token not in repr(settings)


def test_a_token_in_a_file_is_refused(tmp_path):
    path = write(tmp_path, 'token = "123:abc"\n')
    with pytest.raises(SettingsError, match="token"):
        load_settings(path, environ={})


@pytest.mark.parametrize(
    ("toml", "environ", "message"),
    [
        ('[bot]\nlanguag = "zh"\n', {}, "unknown key bot.languag in"),
        ('[bots]\nlanguage = "zh"\n', {}, r"unknown section \[bots\]"),
        ('[bot]\ntimezone = "Mars/Olympus"\n', {}, "bot.timezone in .*luoshi.toml: .*unknown time zone"),
        ("[alerts]\nlocal_hour = 25\n", {}, "alerts.local_hour in .*luoshi.toml"),
        ("[bot\n", {}, "not valid TOML"),
        ("", {"LUOSHI_DATABASE_URL": "mysql://x"}, "database.url in environment variable LUOSHI_DATABASE_URL"),
        ("", {"LUOSHI_DATABASE_UR": "x"}, "unknown setting in environment variable LUOSHI_DATABASE_UR"),
        ("", {"LUOSHI_BOT_OWNER_IDS": "alice"}, "bot.owner_ids in environment variable"),
    ],
)
def test_a_bad_setting_names_the_key_and_where_it_came_from(tmp_path, toml, environ, message):
    path = write(tmp_path, toml)
    with pytest.raises(SettingsError, match=message):
        load_settings(path, environ=environ)


def test_an_unreadable_file_is_named(tmp_path):
    with pytest.raises(SettingsError, match=r"cannot read config file .*missing\.toml"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_the_command_line_exits_2_with_one_line_and_no_traceback(tmp_path):
    path = write(tmp_path, '[database]\nurl = "oracle://nowhere"\n')
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "database.url" in lines[0] and "luoshi.toml" in lines[0]


def test_run_without_a_token_points_at_the_shell(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LUOSHI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "luoshi shell" in result.stderr
