"""What the command line says when something goes wrong: the file and the reason, in one language, no class names,
no migration log for commands that only need the schema."""

from __future__ import annotations

import pytest

from bot.cli import main


def test_ingest_says_what_is_wrong_with_each_source_in_words(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LUOSHI_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    empty = tmp_path / "empty.txt"
    empty.write_text("短", encoding="utf-8")
    assert main(["ingest", str(tmp_path / "missing.txt"), str(empty)]) == 2
    captured = capsys.readouterr()
    assert f"missing.txt: no such file: {tmp_path / 'missing.txt'}" in captured.err
    assert "empty.txt:" in captured.err
    for internal in ("FileNotFoundError", "EmptyArticle", "Errno", "alembic", "Running upgrade"):
        assert internal not in captured.err + captured.out


def test_a_database_that_cannot_be_made_is_named_without_a_traceback(tmp_path, capsys):
    url = "sqlite+aiosqlite:////proc/no-such-folder/x.db"
    with pytest.raises(SystemExit) as exit:
        main(["db", "upgrade", "--database", url])
    assert exit.value.code == 1
    err = capsys.readouterr().err
    assert "database upgrade of sqlite+aiosqlite:////proc/no-such-folder/x.db failed" in err
    assert "sqlalche.me" not in err and "Traceback" not in err


def test_extract_counts_in_english_singular_and_plural(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text("今年，全市新建5G基站3000个。过去一年，全市地区生产总值增长5.2%。\n", encoding="utf-8")
    assert main(["extract", str(path), "--published", "2025-02-10", "--config", str(tmp_path / "none.toml")]) == 0
    assert "a.txt (published 2025-02-10): 1 commitment, 1 fact" in capsys.readouterr().out
