"""Rules of the house that code review alone would let slip."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_domain_imports_nothing_from_the_telegram_layer():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] in ("bot", "telegram")
        )
        for path in (ROOT / "trackers").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_sandbox_knows_nothing_of_the_domain():
    offenders = {
        str(path.relative_to(ROOT)): sorted(name for name in imported_modules(path) if name.split(".")[0] == "trackers")
        for path in (ROOT / "bot" / "sandbox").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_every_text_exists_in_both_languages():
    from bot.texts import en, zh

    assert sorted(set(zh.TEXTS) ^ set(en.TEXTS)) == []


def _opens_transaction(expression: ast.expr) -> bool:
    # bot_data.transaction(), sessionmaker.begin(), and Turn.begin() (bot/handlers/turn.py), which holds one.
    return (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Attribute)
        and expression.func.attr in ("transaction", "begin")
    )


def _is_the_session(expression: ast.expr) -> bool:
    """`session`, or `turn.session`: the session a turn holds."""
    if isinstance(expression, ast.Name):
        return expression.id == "session"
    return (
        isinstance(expression, ast.Attribute)
        and expression.attr == "session"
        and isinstance(expression.value, ast.Name)
        and expression.value.id == "turn"
    )


def _hands_on_the_session(expression: ast.expr) -> bool:
    """The session, or the turn that holds it: whoever receives either is watched in turn (see below)."""
    return _is_the_session(expression) or (isinstance(expression, ast.Name) and expression.id == "turn")


def _works_on_the_session(call: ast.Call) -> bool:
    """A method of the session, or a call handed the session (or the turn holding it)."""
    func = call.func
    if isinstance(func, ast.Attribute) and _is_the_session(func.value):
        return True
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    return any(_hands_on_the_session(arg) for arg in arguments)


def test_no_telegram_call_while_a_transaction_is_open():
    # On SQLite every transaction of the process takes its turn (trackers.runtime.db): a Telegram round trip inside one
    # holds up every other database user. So inside a transaction, and in the helpers it hands its session (or the
    # turn holding it) to, each await works on that session; Telegram is called before the transaction opens or
    # after it commits, and slow work sent to a thread (extraction, charts) runs before it opens too.
    offenders = []
    # The handlers and what they render, the jobs, and the feed poller, which fetches pages between its transactions.
    watched = [
        *(ROOT / "bot" / "handlers").glob("*.py"),
        *(ROOT / "bot" / "render").glob("*.py"),
        ROOT / "bot" / "jobs.py",
        ROOT / "trackers" / "coverage" / "polling.py",
    ]
    for path in watched:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.AsyncWith):
                inside = any(_opens_transaction(item.context_expr) for item in node.items)
            elif isinstance(node, ast.AsyncFunctionDef):
                inside = bool({"session", "turn"} & {arg.arg for arg in [*node.args.args, *node.args.kwonlyargs]})
            else:
                continue
            if not inside:
                continue
            for statement in node.body:
                for awaited in ast.walk(statement):
                    if isinstance(awaited, ast.Await) and not (
                        isinstance(awaited.value, ast.Call) and _works_on_the_session(awaited.value)
                    ):
                        offenders.append(f"{path.relative_to(ROOT)}:{awaited.lineno}: {ast.unparse(awaited.value)}")
    assert offenders == []
