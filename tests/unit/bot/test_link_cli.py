"""`luoshi link DIR`: progress links between the documents of a folder, printed and written for the scorer."""

from __future__ import annotations

import json
import subprocess
import sys


def write_doc(folder, stem: str, text: str, published: str, place: str) -> None:
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    (folder / f"{stem}.json").write_text(json.dumps({"published": published, "place": place}), encoding="utf-8")


def test_link_shows_and_writes_progress_links_across_documents_and_skips_other_cities(tmp_path):
    pledge = "到2025年，全市集成电路产业规模突破500亿元，新能源汽车产量达到50万辆。"
    write_doc(tmp_path, "001", pledge, "2023-03-01", "济南")
    write_doc(
        tmp_path,
        "002",
        "2024年，济南市集成电路产业实现营收380亿元，同比增长22%。同期，青岛市集成电路产业规模达到300亿元。",
        "2025-01-20",
        "济南",
    )
    out = tmp_path / "links.json"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "link", str(tmp_path), "--out", str(out), "--show"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    links = json.loads(out.read_text(encoding="utf-8"))
    assert [(link["fact_file"], link["commitment_quote"]) for link in links] == [
        ("002.json", "到2025年，全市集成电路产业规模突破500亿元")
    ]
    assert "380亿元" in links[0]["fact_quote"]
    assert "青岛" not in result.stdout and "1 links written" in result.stdout
