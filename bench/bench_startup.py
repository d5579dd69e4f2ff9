"""Start-up time of the `luoshi` command: wall seconds of whole processes, as a user at the terminal waits for them.

- help: `luoshi --help`, which loads every subcommand's arguments. Goal: under 0.5 s.
- extract_help: `luoshi extract --help`. Goal: under 0.5 s.
- extract_file: `luoshi extract` on a short article (written here, a made-up municipal plan), which loads the
  extractor and nothing of the bot (no Telegram, no database).
- python: `python -c pass`, the interpreter's own start-up, as the floor of the three above.

Each is run --runs times in a fresh process; the median (and the fastest) is printed as ``name: value unit``;
nothing is asserted. The machine is shared, so figures are noisy.

    python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ARTICLE = """\
某市人民政府办公厅关于印发《某市充电基础设施建设三年行动计划（2025—2027年）》的通知

为加快新能源汽车推广应用，市政府制定本计划。到2027年，全市新建充电桩2万个，公共充电站达到500座。
2025年底前，实现高速公路服务区快充站全覆盖。到2026年，城区公共充电服务半径缩小至1公里以内。
"""


def line(name: str, value: float, unit: str = "") -> None:
    print(f"{name}: {value:.3f} {unit}".rstrip(), flush=True)


def luoshi() -> list[str]:
    """The installed `luoshi` script beside this interpreter (what users run), else `python -m bot.cli`."""
    script = Path(sys.executable).parent / "luoshi"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "bot.cli"]


def wall_times(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    return times


def report(name: str, command: list[str], runs: int) -> None:
    times = wall_times(command, runs)
    line(f"startup_{name}_median_s", statistics.median(times), "s")
    line(f"startup_{name}_min_s", min(times), "s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="processes per command (default 5)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="luoshi-bench-startup-"))
    try:
        article = folder / "article.txt"
        article.write_text(ARTICLE, encoding="utf-8")
        # Once before timing: the listing must have found something, or the benchmark times an error path.
        listing = subprocess.run(
            [*luoshi(), "extract", str(article), "--published", "2025-03-01"], capture_output=True, text=True
        )
        if listing.returncode != 0 or "0 commitments" in listing.stdout:
            raise SystemExit(f"luoshi extract found nothing or failed:\n{listing.stdout}{listing.stderr}")

        report("python", [sys.executable, "-c", "pass"], args.runs)
        report("help", [*luoshi(), "--help"], args.runs)
        report("extract_help", [*luoshi(), "extract", "--help"], args.runs)
        report("extract_file", [*luoshi(), "extract", str(article), "--published", "2025-03-01"], args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
