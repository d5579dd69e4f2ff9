"""Links from a sub-target to its parent plan or the figure it is part of."""

from trackers.extract import extract


def test_figures_stated_by_a_named_plan_link_to_it():
    text = "《新区三年行动计划(2023—2025年)》明确了首批重点项目520个、总投资超过3000亿元。"
    result = extract(text, "2023-02-01")
    assert {c.parent_plan for c in result.commitments} == {"新区三年行动计划(2023—2025年)"}


def test_qizhong_links_to_the_figure_before_it():
    result = extract("三年来,新区累计引进项目300个,其中500强企业项目45个。", "2024-04-26")
    whole, part = result.facts
    assert (part.parent_index, part.parent_quote) == (0, whole.quote)


def test_figures_without_a_plan_have_no_parent():
    result = extract("到2025年,全市产值突破500亿元。", "2023-02-01")
    assert result.commitments[0].parent_plan is None
    assert "parent_plan" not in result.to_schema_dict()["commitments"][0]
