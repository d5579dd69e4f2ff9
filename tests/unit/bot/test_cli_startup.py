"""`luoshi` starts fast: its help and `luoshi extract` load none of the bot's heavy packages.

Each check runs in a fresh interpreter, as a user's `luoshi` does: in this process the other tests have long since
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

# Seconds of start-up between them; none is needed to list the commands or to read an article.
HEAVY = ("telegram", "sqlalchemy", "alembic", "trafilatura")

REPORT = "import json, sys; print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"


def loaded_packages(code: str) -> set[str]:
    """The top-level packages imported by `code` run in a new interpreter."""
    result = subprocess.run([sys.executable, "-c", f"{code}\n{REPORT}"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_listing_the_commands_loads_no_heavy_package():
    loaded = loaded_packages("import bot.cli; bot.cli.build_parser().format_help()")
    assert sorted(loaded & set(HEAVY)) == []


def test_extracting_an_article_loads_no_heavy_package(tmp_path):
    article = tmp_path / "plan.txt"
    article.write_text("到2027年，全市新建充电桩2万个，公共充电站达到500座。", encoding="utf-8")
    code = (
        "import contextlib, io, bot.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert bot.cli.main(['extract', {str(article)!r}, '--published', '2025-03-01']) == 0\n"
        "assert '2 commitments' in out.getvalue(), out.getvalue()"
    )
    loaded = loaded_packages(code)
    assert sorted(loaded & set(HEAVY)) == []
