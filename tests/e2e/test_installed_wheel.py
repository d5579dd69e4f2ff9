"""The wheel, installed (not editable) in a fresh environment, works from any directory: the default settings, the
migrations and the extraction tables travel inside the packages, and nothing is read from the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

# Builds a wheel and an environment: make test-slow, not the default suite.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# What a build must not see: the environments, caches, local data and earlier builds (setuptools would pack a module
# left in build/ even after it was deleted from the source).
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", "data", "shell-files", ".*_cache", "*-out"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtual environment with the wheel of this checkout installed in it."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    # No network needed: the build backend comes from the test environment (no build isolation), and so do the
    # dependencies, through a .pth file listing its import path less the checkout (whose packages the wheel must
    # supply). A .pth line only adds a path, so the test environment's editable install of this project (a finder
    # that its own .pth file registers) does not come along.
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work), str(source)], check=True)
    (wheel,) = work.glob("luoshi-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    dependencies = [path for path in sys.path if path and Path(path).is_dir() and not (Path(path) / "bot").exists()]
    (site_packages / "dependencies.pth").write_text("\n".join(dependencies) + "\n", encoding="utf-8")
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True)
    return venv / "bin"


def run(command: list[str | Path], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "TELEGRAM_")) and k != "PYTHONPATH"}
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=cwd, env=keep, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_the_code_comes_from_the_environment_not_the_checkout(installed, tmp_path):
    where = run([installed / "python", "-c", "import bot, trackers; print(bot.__file__, trackers.__file__)"], tmp_path)
    for path in where.stdout.split():
        assert Path(path).is_relative_to(installed.parent) and not Path(path).is_relative_to(ROOT), path


def test_the_installed_shell_answers_start_with_the_chinese_welcome(installed, tmp_path):
    result = run([installed / "luoshi", "shell"], tmp_path, stdin="/start\n")
    assert "🤖 👋 你好，Ada！我是落实" in result.stdout
    assert (tmp_path / "data" / "shell.db").is_file()  # the shell's own database, migrated where it was started


def test_the_installed_extractor_reads_its_indicator_names(installed, tmp_path):
    article = tmp_path / "plan.txt"
    article.write_text("到2025年，全市GDP突破1万亿元。\n", encoding="utf-8")
    result = run([installed / "luoshi", "extract", article, "--published", "2023-03-05", "--json"], tmp_path)
    # GDP is spelled 地区生产总值 by indicators.toml.
    assert [c["subject"] for c in json.loads(result.stdout)["commitments"]] == ["地区生产总值"]
