"""Every text key the code uses is in both catalogs, every key in them is used, and the two hold the same keys.

Keys are found by reading the code: a key written out where a text is looked up (`t(language, "list_header")`),
or where one is handed on to be looked up later (a menu command's description, an error's text, a refusal). A key
built from a value (`status_achieved`) comes from one of the families in bot/texts/keys.py, which list every value.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.texts import en, zh
from bot.texts.keys import FAMILIES

ROOT = Path(__file__).resolve().parents[3]
CATALOGS = {ROOT / "bot" / "texts" / "zh.py", ROOT / "bot" / "texts" / "en.py"}

# Calls that take a text key, and where: the positions of the arguments, and the keywords, that hold one.
KEY_ARGUMENTS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "t": ((1,), ()),
    "MenuCommand": ((1,), ("description_key",)),
    "Said": ((0,), ("key", "readers")),  # bot/render/errors.py: a domain error's text
    "BadInput": ((0,), ("key",)),
    "refuse": ((0,), ("key",)),  # Turn.refuse: the refusal sent after the commit
    "FilterMenu": ((1, 2), ("label_key", "title_key")),
    "_id_argument": ((2,), ("usage",)),  # bot/handlers/browse.py: a command's usage, said when its id is missing
}


def _code() -> list[tuple[Path, ast.AST]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if path not in CATALOGS
    ]


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _key_expressions(call: ast.Call) -> list[ast.expr]:
    positions, keywords = KEY_ARGUMENTS.get(_name(call), ((), ()))
    found = [call.args[i] for i in positions if i < len(call.args)]
    return found + [keyword.value for keyword in call.keywords if keyword.arg in keywords]


def _literal_keys(expression: ast.expr, assigned: dict[str, list[ast.expr]]) -> list[str]:
    """The keys an expression names outright: a string, either side of `a if … else b`, or what a local variable
    was set to (`key = "a" if … else "b"`)."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, ast.IfExp):
        return _literal_keys(expression.body, assigned) + _literal_keys(expression.orelse, assigned)
    if isinstance(expression, ast.Name):
        return [key for value in assigned.get(expression.id, []) for key in _literal_keys(value, {})]
    return []


def _assignments(function: ast.AST) -> dict[str, list[ast.expr]]:
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)
    return assigned


def _keys_written_out() -> dict[str, list[str]]:
    """Each key written where a text is looked up or handed on, with where."""
    keys: dict[str, list[str]] = {}
    for path, tree in _code():
        # Each function with its own variables; the module as a whole for calls outside any function.
        scopes = [(tree, {})] + [
            (node, _assignments(node))
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        ]
        for scope, assigned in scopes:
            for node in ast.walk(scope):
                if isinstance(node, ast.Call):
                    for expression in _key_expressions(node):
                        for key in _literal_keys(expression, assigned):
                            keys.setdefault(key, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return keys


def test_zh_and_en_hold_the_same_keys():
    assert sorted(set(zh.TEXTS) ^ set(en.TEXTS)) == []


def test_every_key_written_out_in_the_code_is_in_both_catalogs():
    missing = {key: places for key, places in _keys_written_out().items() if key not in zh.TEXTS or key not in en.TEXTS}
    assert missing == {}


def test_every_key_of_every_family_is_in_both_catalogs():
    keys = [key for family in FAMILIES for key in family.keys()]
    assert [key for key in keys if key not in zh.TEXTS or key not in en.TEXTS] == []


def test_keys_built_with_an_f_string_belong_to_a_family():
    # t(language, f"cmp_{comparator}") is checked through the family whose prefix it starts with.
    prefixes = {family.prefix for family in FAMILIES}
    strays = []
    for path, tree in _code():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for expression in _key_expressions(node):
                if not isinstance(expression, ast.JoinedStr):
                    continue
                parts = expression.values
                fits = (
                    len(parts) == 2
                    and isinstance(parts[0], ast.Constant)
                    and parts[0].value in prefixes
                    and isinstance(parts[1], ast.FormattedValue)
                )
                if not fits:
                    strays.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(expression)}")
    assert strays == []


def test_every_key_in_the_catalogs_is_used():
    written = {
        node.value
        for _, tree in _code()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    built = {key for family in FAMILIES for key in family.keys()}
    assert sorted(set(zh.TEXTS) - written - built) == []
    assert sorted(set(en.TEXTS) - written - built) == []
