"""The SCHEMA.md shape of a result."""

import json

from trackers.extract import extract

COMMITMENT_KEYS = {
    "quote",
    "subject",
    "comparator",
    "value",
    "unit",
    "value_normalized",
    "unit_normalized",
    "deadline",
    "period_start",
}
FACT_KEYS = {"quote", "subject", "value", "unit", "value_normalized", "unit_normalized", "as_of", "growth_percent"}


def test_schema_dict_has_every_schema_field_and_is_json():
    text = "2022年,全市实现收入85.6亿元,同比增长12%。到2025年,全市产业规模突破500亿元。"
    doc = extract(text, "2023-03-05").to_schema_dict()
    json.dumps(doc, ensure_ascii=False)
    assert doc["published"] == "2023-03-05"
    (c,) = doc["commitments"]
    (f,) = doc["facts"]
    assert COMMITMENT_KEYS <= set(c)
    assert FACT_KEYS <= set(f)
    assert (c["comparator"], c["value"], c["unit"], c["value_normalized"]) == (">", 500, "亿元", 50_000_000_000)
    assert (c["deadline"], c["period_start"]) == ("2025-12-31", None)
    assert (f["as_of"], f["growth_percent"], f["value_normalized"]) == ("2022-12-31", 12, 8_560_000_000)


def test_range_carries_value_max_as_an_extra_key():
    doc = extract("今年计划投资50—60亿元。", "2023-03-05").to_schema_dict()
    assert doc["commitments"][0]["value_max"] == 60


def test_partial_publication_date_is_kept_as_given():
    assert extract("", "2022").to_schema_dict()["published"] == "2022"
