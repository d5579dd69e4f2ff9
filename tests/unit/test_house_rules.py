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
