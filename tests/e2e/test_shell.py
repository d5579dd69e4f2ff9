"""`luoshi shell`: a person chats with the bot in a terminal, no token needed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url

from bot.settings import load_settings
from tests.conftest import _postgres_base
from trackers.runtime.clock import local_date, utcnow


def luoshi_shell(tmp_path, *args: str, stdin: str = "", **extra_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"} | extra_env
    env["LUOSHI_SANDBOX_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'shell.db'}"
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )


def test_piped_start_shows_the_chinese_welcome(tmp_path):
    result = luoshi_shell(tmp_path, stdin="/start\n")
    assert result.returncode == 0, result.stderr
    assert "1001> /start" in result.stdout
    assert "🤖 👋 你好，Ada！我是落实" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_script_replays_a_conversation_with_user_switches_and_shell_commands(tmp_path):
    script = tmp_path / "conversation.txt"
    script.write_text(
        "# comments and blank lines are skipped\n\n/help\n:user 2002 Bob en\n/start\n:press 3\n:nonsense\n/lang zh\n",
        encoding="utf-8",
    )
    result = luoshi_shell(tmp_path, "--script", str(script))
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "comments" not in out
    assert "/lang — 切换语言" in out
    assert "(shell) you are now user 2002 (Bob, en)" in out
    assert "👋 Hello, Bob!" in out
    assert "there is no button 3" in out
    assert "I don't understand ':nonsense'" in out
    assert "好的，以后用中文和你交流。" in out
    # Each answer comes after the line that asked for it.
    assert out.index("2002> /start") < out.index("👋 Hello, Bob!") < out.index("2002> /lang zh")


def test_the_shell_keeps_its_own_database_between_runs(tmp_path):
    luoshi_shell(tmp_path, stdin="/lang en\n")
    result = luoshi_shell(tmp_path, stdin="/start\n")
    assert "👋 Hello, Ada!" in result.stdout


def test_a_missing_script_is_one_clear_line(tmp_path):
    result = luoshi_shell(tmp_path, "--script", "no-such-file.txt")
    assert result.returncode == 2
    assert result.stderr.strip() == "luoshi: cannot read script no-such-file.txt: No such file or directory"


def test_a_database_that_cannot_be_opened_is_one_clear_line(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    database = f"sqlite+aiosqlite:///{tmp_path / 'a-file' / 'shell.db'}"
    for verbose in ((), ("--verbose",)):  # the log's folder fails first without --verbose, the database with it
        result = luoshi_shell(tmp_path, "--database", database, *verbose, stdin="/start\n")
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("luoshi: ") and "a-file" in line


@pytest.mark.postgres
def test_a_postgresql_database_that_does_not_exist_is_one_line_without_the_password(tmp_path):
    url = make_url(_postgres_base()).set(database="luoshi_no_such_database", password="s3cret")
    result = luoshi_shell(tmp_path, "--database", url.render_as_string(hide_password=False), stdin="/start\n")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert 'database "luoshi_no_such_database" does not exist' in line and "s3cret" not in line


def test_messages_sent_to_another_user_show_when_you_become_them(tmp_path):
    conversation = "/start\n:user 1001 Ada\n/broadcast 明天上午九点系统维护\n:user 2002 Bob\n"
    result = luoshi_shell(tmp_path, "--user", "2002", stdin=conversation, LUOSHI_BOT_OWNER_IDS="1001")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    after_switch = out[out.rindex("you are now user 2002") :]
    assert "明天上午九点系统维护" in after_switch


def test_moving_the_clock_shows_the_demo_deadline_alert(tmp_path):
    # The demo commitment due in ten days gets its seven-day reminder at 09:00 (alerts.local_hour) three days on.
    today = local_date(utcnow(), load_settings().bot.timezone)
    reminder_day = today + timedelta(days=3)
    script = tmp_path / "time.txt"
    script.write_text(f"/follow 济南\n:clock {reminder_day} 09:00\n:clock\n", encoding="utf-8")
    result = luoshi_shell(tmp_path, "--script", str(script))
    out = result.stdout
    assert result.returncode == 0, result.stderr
    after_move = out[out.index(f"> :clock {reminder_day} 09:00") :]
    assert f"(shell) the bot's time is now {reminder_day} 09:00" in after_move
    assert "🤖 ⏰ 城区老旧小区改造开工（示例）" in after_move
    assert "还有 7 天" in after_move
    assert after_move.index("还有 7 天") < after_move.index("> :clock\n")


def test_a_long_move_of_the_clock_brings_every_alert_due_on_the_way_each_under_its_time(tmp_path):
    # In one jump, what fell due more than a day before the new time would be recorded as too late to send, as
    # after downtime; the shell moves in steps, as a running bot sweeps, and says when each alert came.
    result = luoshi_shell(tmp_path, stdin="/follow 济南\n:clock +14d\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    after_move = out[out.index("> :clock +14d") :]
    texts = ["还有 7 天", "明天到期", "今天到期", "已过 1 天"]
    positions = [after_move.index(text) for text in texts]
    assert positions == sorted(positions)
    assert positions[-1] < after_move.index("(shell) the bot's time is now")
    assert after_move[: positions[0]].count("(shell) the bot's time: ") == 1


def test_an_alert_reaches_a_follower_from_an_earlier_session_before_they_write_again(tmp_path):
    # The sandbox starts empty each time; the shell's database remembers the follower, and so must "Telegram".
    today = local_date(utcnow(), load_settings().bot.timezone)
    luoshi_shell(tmp_path, stdin="/follow 济南\n")
    result = luoshi_shell(tmp_path, stdin=f":clock {today + timedelta(days=3)} 09:00\n")
    assert result.returncode == 0, result.stderr
    assert "🤖 ⏰ 城区老旧小区改造开工（示例）" in result.stdout
    assert "还有 7 天" in result.stdout


def test_thirty_script_lines_get_thirty_answers(tmp_path):
    script = tmp_path / "many.txt"
    script.write_text("/start\n" * 30, encoding="utf-8")
    result = luoshi_shell(tmp_path, "--script", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("🤖 👋 你好，Ada！") == 30


def test_a_button_toast_is_printed(tmp_path):
    result = luoshi_shell(tmp_path, stdin="/alerts\n:press 1\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "🤖 (toast) 已保存" in out[out.index("> :press 1") :]


def test_the_bot_logs_go_to_a_file_not_the_conversation(tmp_path):
    result = luoshi_shell(tmp_path, stdin="/start\n")
    assert f"(shell) the bot's warnings and errors go to {tmp_path / 'shell.log'}" in result.stdout
    assert (tmp_path / "shell.log").exists()
