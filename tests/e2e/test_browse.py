"""Finding commitments in the chat: the list and its filters, the card, the chart, search and upcoming deadlines."""

from __future__ import annotations

import io

from PIL import Image

from tests.e2e.reader_helpers import GDP, IC, PLAN, SOON, Reader


async def test_list_shows_each_commitment_on_one_line_with_buttons_to_open_it(ada, bob):
    text = await ada.text("/list")
    assert "承诺清单" in text and "共8条" in text
    assert "#3 集成电路产业链群规模 · 超过500亿元 · 2025-12-31（已过" in text
    assert "⏰" in text and "✅" in text  # status marks
    assert "#7 城区老旧小区改造开工（示例） · 不低于120个 · " in text and "还剩10天" in text
    assert "#3 集成电路产业链群规模" in await ada.keyboard()

    english = await bob.text("/list")
    assert "Commitments" in english and "over 500亿元" in english and "days ago" in english
    assert {"🔖 Status", "🏷 Tag", "📍 Place", "🗂 Plan"} <= set(await bob.keyboard())


async def test_list_pages_forward_and_back(demo_bot, client):
    from bot.handlers import browse

    ada = Reader(demo_bot, client)
    browse.PAGE_SIZE, saved = 3, browse.PAGE_SIZE
    try:
        first = await ada.text("/list")
        assert "第1/3页" in first
        await ada.press("下一页")
        second = (await ada.latest())["text"]
        assert "第2/3页" in second and second != first
        await ada.press("上一页")
        assert "第1/3页" in (await ada.latest())["text"]
    finally:
        browse.PAGE_SIZE = saved


async def test_list_filters_by_status_tag_place_and_plan_and_clears_them(ada, bob):
    await ada.say("/list")
    await ada.press("🔖 状态")
    assert "按状态筛选" in (await ada.latest())["text"]
    await ada.press("✅ 已兑现")
    text = (await ada.latest())["text"]
    assert "共2条" in text and "状态=✅ 已兑现" in text and "国内生产总值增长" in text and "集成电路" not in text

    await ada.press("清除筛选")
    await ada.press("🏷 标签")
    await ada.press("集成电路")
    text = (await ada.latest())["text"]
    assert "共2条" in text and "标签=集成电路" in text

    await ada.press("✖ 清除筛选")
    await ada.press("📍 地区")
    await ada.press("全国")
    assert "共2条" in (await ada.latest())["text"]

    await ada.press("✖ 清除筛选")
    await ada.press("🗂 规划")
    await ada.press(f"#{PLAN} ")
    text = (await ada.latest())["text"]
    assert "共4条" in text and "规划=#1" in text and "国内生产总值" not in text

    await bob.say("/list")
    await bob.press("🔖 Status")
    await bob.press("🔵 in progress")
    assert "status=🔵 in progress" in (await bob.latest())["text"]
    await bob.press("🏷 Tag")
    await bob.press("就业")
    assert "No commitment matches these filters" in (await bob.latest())["text"]


async def test_callback_data_stays_within_telegrams_64_bytes(ada):
    await ada.say("/list")
    await ada.press("🏷 标签")
    data = await ada.callback_data()
    await ada.press("集成电路")
    data += await ada.callback_data()
    await ada.say(f"/show {IC}")
    data += await ada.callback_data()
    assert data and all(len(item.encode()) <= 64 for item in data)


async def test_a_stale_list_button_is_answered_not_ignored(ada, client):
    await ada.say("/list")
    messages = await ada.messages()
    result = await client.press(ada.user, ada.chat, messages[-1]["message_id"], "l:-.-.deadbeef.-.0")
    await ada._handled(result)
    answers = await client.callback_answers()
    answer = next(a for a in answers if a["id"] == result["callback_query_id"])
    assert "过期" in answer["answer"]["text"]


async def test_card_shows_target_deadline_progress_arithmetic_and_evidence(ada, bob):
    text = await ada.text(f"/show {IC}")
    for expected in (
        "🧪 示例数据",
        "#3 集成电路产业链群规模",
        "🎯 目标：超过500亿元",
        "📅 期限：2025-12-31（已过",
        "📍 地区：济南",
        "🏛 发布：济南市工业和信息化局",
        "🗂 所属规划：#1 三年行动计划",
        "📌 状态：⏰ 逾期待定",
        "📈 最新进展：120.3亿元（2022-12-31），达到目标的24%",
        # The deadline has passed and the last figure is from before it: no forecast, no suggested mark.
        "🧮 期限已过，尚无截至期限的数据；最近一次为120.3亿元（2022-12-31），目标500亿元。",
        # The evidence with its outlet and the title of the article it came from.
        "2022-12-31 · 进展 · 舜网-济南日报 · 《示例数据：集成电路产业链群规模》 · 120.3亿元",
    ):
        assert expected in text, expected
    assert "每年需增长" not in text and "到期约达" not in text and "建议标记" not in text
    assert await ada.keyboard() == ["⭐ 关注", "📈 图表", "🗂 所属规划"]

    english = await bob.text(f"/show {IC}")
    assert "🎯 Target: over 500亿元" in english
    assert (
        "🧮 The deadline has passed and no figure for it is known yet; the last was 120.3亿元 (2022-12-31), "
        "against a target of 500亿元." in english
    )
    assert "📌 Status: ⏰ overdue, verdict pending" in english
    assert "a year" not in english and "Suggested mark" not in english


async def test_a_plan_card_lists_its_parts_and_opens_them_as_a_list(ada):
    text = await ada.text(f"/show {PLAN}")
    assert "🧩 子项（3）" in text and "#3 集成电路产业链群规模" in text
    await ada.press("🧩 子项清单")
    assert "规划=#1" in (await ada.latest())["text"]


async def test_a_button_in_a_list_opens_the_card_and_the_plan_button_opens_the_plan(ada):
    await ada.say("/search 集成电路")
    await ada.press("#3 集成电路产业链群规模")
    assert "🎯 目标：超过500亿元" in (await ada.latest())["text"]
    await ada.press("🗂 所属规划")
    assert (await ada.latest())["text"].startswith("🧪 示例数据（演示用）\n#1 三年行动计划")


async def test_a_national_target_shows_its_result_and_verdict(bob):
    text = await bob.text(f"/show {GDP}")
    assert "Target: about 5%" in text and "✅ achieved" in text
    assert "🧮 By the deadline: 5% against a target of 5%: met." in text
    assert "verdict" in text


async def test_show_explains_bad_input_in_the_readers_language(ada, bob, demo_bot):
    assert "用法：/show 编号" in await ada.text("/show")
    assert "“abc”不是承诺编号" in await ada.text("/show abc")
    assert "没有编号为 999 的承诺" in await ada.text("/show 999")
    assert "Usage: /show ID" in await bob.text("/show")
    assert "There is no commitment 999" in await bob.text("/show 999")
    assert "“&lt;b&gt;” is not" not in await bob.text("/show <b>")  # shown literally, not as markup
    assert "“<b>” is not a commitment ID" in await bob.text("/show <b>")


async def test_an_archived_commitment_says_so(ada, bob, demo_bot):
    from trackers.models import Commitment
    from trackers.runtime.clock import utcnow

    async with demo_bot.bot_data.transaction() as session:
        (await session.get(Commitment, SOON)).archived_at = utcnow()
    assert "承诺 #7 已归档" in await ada.text(f"/show {SOON}")
    assert "Commitment #7 is archived" in await bob.text(f"/chart {SOON}")
    assert "#7 " not in await ada.text("/list")


async def test_chart_sends_a_png_with_a_caption(ada, bob, client):
    message = (await ada.say(f"/chart {IC}"))[-1]
    assert message["kind"] == "photo" or message.get("file")
    assert "#3 集成电路产业链群规模" in message["caption"]
    image = Image.open(io.BytesIO(await client.file_bytes(message["file"]["file_id"])))
    assert image.format == "PNG" and image.size == (1200, 750)

    await bob.say(f"/show {IC}")
    await bob.press("📈 Chart")
    assert (await bob.latest())["caption"].startswith("📈 #3")
    assert "Usage: /chart ID" in await bob.text("/chart")
    assert "There is no commitment 77" in await bob.text("/chart 77")


async def test_search_finds_chinese_without_spaces_and_says_when_nothing_matches(ada, bob):
    text = await ada.text("/search 集成电路")
    assert "与“集成电路”相关的承诺（2）" in text and "#3 集成电路产业链群规模" in text
    assert "#3 集成电路产业链群规模" in await ada.text("/search 济南集成电路规模")  # no exact substring
    assert "城镇新增就业" in await ada.text("/search 全国 就业")
    assert "没有找到与“火星基地”相关的承诺" in await ada.text("/search 火星基地")
    assert "用法：/search 关键词" in await ada.text("/search")
    assert "Nothing matches “&lt;i&gt;”" not in await bob.text("/search <i>")
    assert "Nothing matches “<i>”" in await bob.text("/search <i>")


async def test_upcoming_lists_deadlines_in_the_window_and_the_overdue(ada, bob):
    text = await ada.text("/upcoming")
    assert "未来30天内到期的承诺（你还没有关注任何承诺" in text
    assert "#7 城区老旧小区改造开工" in text and "还剩10天" in text
    assert "已过期限、尚无评定" in text and "#8 新建口袋公园" in text
    assert "#5 " not in text  # decided ones are not on the to-do list

    assert "Nothing is due in the next 2 days. Try /upcoming 365." in await bob.text("/upcoming 2")
    # A year or more ahead, there is no longer look to suggest (bob follows only #8, whose deadline has passed).
    await bob.text("/follow 8")
    far = await bob.text("/upcoming 400")
    assert "Nothing you follow is due in the next 400 days." in far and "Try /upcoming" not in far
    assert "is not a number of days" in await bob.text("/upcoming soon")
    assert "is not a number of days" in await bob.text("/upcoming 0")


async def test_help_and_the_command_menu_list_what_readers_can_do_in_both_languages(ada, bob, client):
    help_zh = await ada.text("/help")
    for command in (
        "/list",
        "/show",
        "/search",
        "/upcoming",
        "/chart",
        "/follow",
        "/unfollow",
        "/following",
        "/alerts",
        "/calendar",
        "/export",
        "/tz",
        "/lang",
    ):
        assert f"{command} — " in help_zh, command
    assert "/calendar — Calendar of followed deadlines (.ics)" in await bob.text("/help")
    menus = {entry["language_code"] or "": entry["commands"] for entry in await client.registered_commands()}
    assert {"command": "follow", "description": "关注：/follow 编号|标签|地区|all"} in menus["zh"]
    assert {"command": "export", "description": "Export followed commitments (CSV)"} in menus["en"]


async def test_markup_in_a_subject_or_quote_is_shown_literally_and_long_replies_are_split(ada, demo_bot):
    from trackers.models import Commitment, Evidence, EvidenceKind
    from trackers.runtime.clock import utcnow

    async with demo_bot.bot_data.transaction() as session:
        odd = Commitment(
            subject="<b>x</i> & <script>",
            place="<i>",
            quote="_*[ & </a>",
            status="not_rated",
            timezone="Asia/Shanghai",
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        session.add(odd)
        await session.flush()
        # Many long evidence entries: the card shows the newest and says how many more there are.
        for day in range(1, 29):
            session.add(
                Evidence(
                    commitment_id=odd.id,
                    kind=EvidenceKind.NOTE,
                    quote="很长的引文" * 60,
                    as_of=utcnow().date().replace(day=day),
                    recorded_at=utcnow(),
                )
            )
        odd_id = odd.id
    text = await ada.text(f"/show {odd_id}")
    assert f"#{odd_id} <b>x</i> & <script>" in text and "📍 地区：<i>" in text and "_*[ & </a>" in text
    assert "另有23条更早的记录" in text
    assert "<b>x</i> & <script>" in await ada.text("/search script")
