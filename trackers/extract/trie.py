"""Word lists as regular expressions that run fast: the words as a trie (济(?:南市?|宁市?)…).

Python's regular-expression engine tries the alternatives of `a|b|c…` one after another at every position, so a
list of four hundred place names or two hundred units costs four hundred tries per character. As a trie the engine
follows one branch per character, and the longest word still wins (a word that is the prefix of another is made
optional after it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """A pattern matching any of `words`, longest first; no group is added around it."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(root)
