"""What a document does not say is asked, not guessed: its date (which decides what 今年 means) and its place; and a
paste Telegram split into several messages is read as one document."""

from __future__ import annotations

from tests.e2e.admin_helpers import OWNER, say
from trackers.coverage.pastes import split_like_telegram

# Written for these tests: no date anywhere, and a place only in the second.
UNDATED = """本市推进城市更新
今年，全市计划改造老旧小区120个，新建口袋公园50个，确保完成年度任务。
"""
NOWHERE = """区里推进公园城市建设
今年，全区新建口袋公园30个，改造提升绿道50公里，力争完成年度目标任务。
园林部门表示，将同步完善公园的配套设施和日常管护。
"""
THIRD = """区里加快养老服务设施建设
今年，全区新增养老床位800张，建成社区食堂20个，更好满足群众需求。
民政部门表示，将加快推进设施建设和运营招标工作。
"""


def _buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


async def _press(client, message: dict, label: str, *, answers: int = 1) -> list[dict]:
    last = (await client.messages(OWNER))[-1]["message_id"]
    [data] = [value for text, value in _buttons(message).items() if label in text]
    await client.press(OWNER, OWNER, message["message_id"], data)
    return await client.wait_for_messages(OWNER, count=answers, after=last, timeout=15)


async def test_an_undated_document_is_dated_by_the_admin_and_read_for_that_year(start_bot, client):
    async with start_bot(bot={"owner_ids": [OWNER]}):
        [asked] = await say(client, UNDATED + "杭州市住建局供稿。")
        assert "没有找到日期" in asked["text"] and any("今天" in label for label in _buttons(asked))
        [typing] = await _press(client, asked, "另一个日期")
        assert "请发送日期" in typing["text"]
        [again] = await say(client, "明天见")
        assert "请发送日期" in again["text"]  # not a date: asked again, nothing lost
        answer = await say(client, "2025-03-10", count=3)
        assert "已保存" in answer[0]["text"] and "2025-03-10" in answer[0]["text"]
        cards = [m["text"] for m in answer[1:]]
        assert all("2025-12-31" in card for card in cards) and any("120个" in card for card in cards)


async def test_a_document_without_a_place_is_placed_by_the_admin_who_is_offered_it_next_time(start_bot, client):
    async with start_bot(bot={"owner_ids": [OWNER]}):
        [asked] = await say(client, NOWHERE)
        [where] = await _press(client, asked, "今天")
        assert "看不出它说的是哪里" in where["text"] and not any("上次" in label for label in _buttons(where))
        await _press(client, where, "另一个地方")
        [refused] = await say(client, "月球")
        assert "不认识地方「月球」" in refused["text"]
        answer = await say(client, "绍兴", count=3)
        assert "已保存" in answer[0]["text"] and all("📍 地点：绍兴" in m["text"] for m in answer[1:])

        [asked] = await say(client, THIRD)
        [where] = await _press(client, asked, "今天")
        answer = await _press(client, where, "绍兴（上次）", answers=3)
        assert "已保存" in answer[0]["text"] and all("📍 地点：绍兴" in m["text"] for m in answer[1:])


async def test_a_paste_split_into_several_messages_is_one_document(start_bot, client):
    paragraph = "2025年，全市规模以上工业增加值增长6.1%，固定资产投资增长4.2%，社会消费品零售总额增长5.0%，稳中有进。"
    text = "\n".join(
        ["2026-01-20 宁波日报", "宁波市2026年政府工作报告", *[paragraph] * 150, "今年，全市地区生产总值增长5.5%左右。"]
    )
    parts = split_like_telegram(text)
    assert len(parts) >= 3
    async with start_bot(bot={"owner_ids": [OWNER]}):
        last = (await client.messages(OWNER) or [{"message_id": 0}])[-1]["message_id"]
        for part in parts:
            await client.send_text(OWNER, part, first_name="Owner")
        answers = await client.wait_for_messages(OWNER, count=2, after=last, timeout=15)
        stored = [m for m in answers if "已保存" in m["text"] or "📄" in m["text"]]
        assert len(stored) == 1, [m["text"] for m in answers]
        # The target at the end of the last part was read with the date at the top of the first.
        assert any("5.5%" in m["text"] and "2026-12-31" in m["text"] for m in answers)
