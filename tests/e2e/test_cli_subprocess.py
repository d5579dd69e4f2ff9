"""The `luoshi` command as a person at a terminal runs it: a separate process (`python -m bot.cli`), its exit status and
what it prints, on a temporary SQLite database. Mirrors tests/unit/bot/test_cli_messages.py, which calls main() in
the test's own process: here nothing the test process set up (logging, imports) can hide what the command prints."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import bot

ROOT = Path(bot.__file__).resolve().parents[1]  # the checkout under test
# Written for these tests: one commitment, no fact.
ARTICLE = "到2027年，全市新建充电桩2万个。\n"
UNREACHABLE = "sqlite+aiosqlite:////proc/no-such-folder/x.db"
INTERNALS = ("Traceback", "EmptyArticle", "Error:", "alembic", "Running upgrade", " INFO ")


def luoshi(*args: str, database: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return python("-m", "bot.cli", *args, database=database, timeout=timeout)


def python(*args: str, database: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LUOSHI_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    if database is not None:
        env["LUOSHI_DATABASE_URL"] = database
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture
def database(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "charging.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_the_command_under_test_is_this_checkout():
    where = python("-c", "import bot.cli; print(bot.cli.__file__)")
    assert Path(where.stdout.strip()).resolve().is_relative_to(ROOT), where.stdout + where.stderr
    result = luoshi("--help")
    assert result.returncode == 0 and "usage: luoshi" in result.stdout, result.stderr


def test_ingest_of_an_empty_file_fails_in_one_line_of_words(tmp_path, database):
    empty = tmp_path / "empty.txt"
    empty.write_text("短", encoding="utf-8")
    result = luoshi("ingest", str(empty), database=database)
    printed = result.stdout + result.stderr
    assert result.returncode != 0, printed
    assert len(lines(printed)) == 1, printed
    [line] = lines(printed)
    assert "empty.txt:" in line, line
    for internal in INTERNALS:
        assert internal not in printed, printed


def test_db_upgrade_of_a_database_that_cannot_be_made_fails_in_one_line_naming_it():
    result = luoshi("db", "upgrade", "--database", UNREACHABLE)
    printed = result.stdout + result.stderr
    assert result.returncode == 1, printed
    assert len(lines(printed)) == 1, printed
    assert f"database upgrade of {UNREACHABLE} failed" in result.stderr, printed
    assert "Traceback" not in printed and "sqlalche.me" not in printed


def test_extract_lists_in_english_with_and_without_config(tmp_path, article):
    config = tmp_path / "luoshi.toml"
    config.write_text('[bot]\nlanguage = "zh"\n', encoding="utf-8")
    plain = luoshi("extract", str(article), "--published", "2025-02-10")
    configured = luoshi("extract", "--config", str(config), str(article), "--published", "2025-02-10")
    for result in (plain, configured):
        assert result.returncode == 0, result.stdout + result.stderr
        assert "charging.txt (published 2025-02-10): 1 commitment, 0 facts" in result.stdout, result.stdout
        assert "项承诺" not in result.stdout and "Traceback" not in result.stderr
    assert plain.stdout == configured.stdout


def test_db_upgrade_still_takes_url_and_its_help_names_both_spellings(tmp_path):
    helped = luoshi("db", "upgrade", "--help")
    assert helped.returncode == 0 and "--database URL, --url URL" in " ".join(helped.stdout.split()), helped.stdout
    path = tmp_path / "by-url.db"
    result = luoshi("db", "upgrade", "--url", f"sqlite+aiosqlite:///{path}")
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
    assert {"alembic_version", "commitment"} <= tables, tables
