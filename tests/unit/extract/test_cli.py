"""`luoshi extract`: one file, a folder, and the errors a person may make."""

import json

from bot.cli import main

ARTICLE = "2022年,全市实现收入85.6亿元,同比增长12%。到2025年,全市产业规模突破500亿元。\n"


def test_listing_is_readable(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert main(["extract", str(path), "--published", "2023-03-05"]) == 0
    out = capsys.readouterr().out
    assert "commitment 1: 产业规模" in out
    assert "deadline: 2025-12-31" in out
    assert "fact 1" in out


def test_json_output_follows_the_schema(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert main(["extract", str(path), "--published", "2023-03-05", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["commitments"][0]["value_normalized"] == 50_000_000_000


def test_folder_takes_each_publication_date_from_the_sibling_json(tmp_path, capsys):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    (corpus / "001.txt").write_text("今年城镇新增就业8万人以上。", encoding="utf-8")
    (corpus / "001.json").write_text(json.dumps({"published": "2024-01-20"}), encoding="utf-8")
    (corpus / "002.txt").write_text("今年城镇新增就业9万人以上。", encoding="utf-8")
    assert main(["extract", str(corpus), "--out", str(out), "--published", "2023-01-10"]) == 0
    first = json.loads((out / "001.json").read_text(encoding="utf-8"))
    second = json.loads((out / "002.json").read_text(encoding="utf-8"))
    assert first["commitments"][0]["deadline"] == "2024-12-31"
    assert second["commitments"][0]["deadline"] == "2023-12-31"


def test_folder_without_any_date_reports_the_document(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "001.txt").write_text("今年城镇新增就业8万人以上。", encoding="utf-8")
    assert main(["extract", str(corpus), "--out", str(tmp_path / "out")]) == 2
    assert "001.txt: no publication date" in capsys.readouterr().err


def test_missing_file_is_one_line_and_status_2(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.txt"), "--published", "2023-03-05"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err


def test_bad_date_is_one_line_and_status_2(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert main(["extract", str(path), "--published", "2023-02-30"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2023-02-30" in err


def test_single_file_without_a_date_says_what_to_give(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert main(["extract", str(path)]) == 2
    assert "--published" in capsys.readouterr().err


def test_binary_file_is_refused_with_one_line(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xff\xfe\x81\x00" * 50)
    assert main(["extract", str(path), "--published", "2023-03-05"]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_folder_without_out_is_an_error(tmp_path, capsys):
    assert main(["extract", str(tmp_path), "--published", "2023-03-05"]) == 2
    assert "--out" in capsys.readouterr().err


def test_a_whole_report_is_listed_by_section_with_each_sections_frame(tmp_path, capsys):
    report = (
        "一、2024年工作回顾\n过去一年,全市地区生产总值增长5.6%,新建5G基站3200个。\n"
        "二、2025年重点工作\n今年全市经济社会发展主要预期目标是:地区生产总值增长5.5%左右。\n"
        "(一)扩大有效投资\n新开工重点项目120个。\n"
    )
    path = tmp_path / "report.txt"
    path.write_text(report, encoding="utf-8")
    assert main(["extract", str(path), "--published", "2025-01-20", "--place", "济南"]) == 0
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if line.startswith("【")]
    assert headers == [
        "【一、2024年工作回顾 › 过去一年】review of 2024 · 2 facts",
        "【二、2025年重点工作 › 今年全市经济社会发展主要预期目标是】plan for 2025 · 2 commitments",
    ]
    assert "place: 济南" in out
