"""A whole report from upload to summary: an admin uploads a 33,000-character government work report (as .txt and as
a PDF) and the bot answers with the document's summary. The goal is under 2 s on this machine.

The sandbox runs in a process of its own, the bot in this one, as in production; each run gets a fresh database, so
every upload is read, linked and queued in full. The report is the longest of ../shared/corpus/reports (or under
LUOSHI_CORPUS_DIR), followed by paragraphs of the others up to 33,000 characters; without the corpus a generated
report of the same length (bench_documents.report()).

Output lines are ``name: value unit``; times are wall-clock seconds, the median and the worst of RUNS.

    python bench/bench_report.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_documents import make_pdf
from bench_documents import report as generated_report

from bot.running import running_bot, settings_for_local_api
from bot.sandbox import SandboxClient, SandboxProcess
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CHARS = 33_000
RUNS = 5
OWNER = 1001


def report() -> tuple[str, list[str]]:
    folder = Path(os.environ.get("LUOSHI_CORPUS_DIR", ROOT.parent / "shared" / "corpus")) / "reports"
    files = sorted(folder.glob("*.txt"), key=lambda path: path.stat().st_size, reverse=True) if folder.is_dir() else []
    if not files:
        source, paragraphs = generated_report()
    else:
        source = files[0].name
        paragraphs = [
            line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    kept, size = [], 0
    for paragraph in paragraphs:
        if size >= CHARS:
            break
        paragraph = paragraph[: CHARS - size]
        kept.append(paragraph)
        size += len(paragraph)
    return source, kept


async def upload_to_summary(sandbox: SandboxProcess, name: str, data: bytes) -> float:
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_for_local_api(
            load_settings(environ={}), sandbox.bot_api_base, sandbox.bot_file_base, f"sqlite+aiosqlite:///{folder}/b.db"
        ).with_changes(bot={"owner_ids": [OWNER]})
        async with running_bot(settings), SandboxClient(sandbox.url, timeout=60) as client:
            before = await client.messages(OWNER)
            last = before[-1]["message_id"] if before else 0
            started = time.perf_counter()
            await client.send_document(OWNER, name, data)
            [answer] = await client.wait_for_messages(OWNER, count=1, after=last, timeout=30)
            elapsed = time.perf_counter() - started
            if not answer["text"].startswith("📄"):
                raise SystemExit(f"expected the document's summary, got: {answer['text'][:200]}")
            return elapsed


async def run() -> None:
    source, paragraphs = report()
    text = "\n".join(paragraphs)
    print(f"report: {source}")
    print(f"report_chars: {len(text)} chars")
    forms = {"txt": ("report.txt", text.encode("utf-8")), "pdf": ("report.pdf", make_pdf(paragraphs))}
    async with SandboxProcess() as sandbox:
        for form, (name, data) in forms.items():
            await upload_to_summary(sandbox, name, data)  # warm up: imports, the extraction tables
            times = [await upload_to_summary(sandbox, name, data) for _ in range(RUNS)]
            print(f"upload_to_summary_{form}_median: {statistics.median(times):.2f} s")
            print(f"upload_to_summary_{form}_worst: {max(times):.2f} s")
    print("upload_to_summary_goal: 2.00 s")


if __name__ == "__main__":
    asyncio.run(run())
