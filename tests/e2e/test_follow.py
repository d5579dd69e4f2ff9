"""Following commitments, tags, places and everything; the buttons on cards and under /following; groups."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.reader_helpers import IC, PLAN, Reader
from trackers.models import Commitment

GROUP = -100500
GROUP_ADMIN = 4001
MEMBER = 4002


async def test_follow_by_id_tag_place_and_all_then_list_and_unfollow(ada):
    assert "⭐ 已关注：#3 集成电路产业链群规模" in await ada.text(f"/follow {IC}")
    assert "你已经在关注：#3" in await ada.text(f"/follow {IC}")
    assert "已关注：标签“就业”" in await ada.text("/follow 就业")
    assert "已关注：地区“全国”" in await ada.text("/follow 全国")
    assert "已关注：全部承诺" in await ada.text("/follow all")
    assert "已关注：规划 #1" in await ada.text(f"/follow {PLAN}")  # a plan brings its parts

    following = await ada.text("/following")
    assert "你关注的（5）" in following
    for item in ("#3 集成电路产业链群规模", "标签“就业”", "地区“全国”", "全部承诺", "规划 #1"):
        assert item in following

    assert "已取消关注：标签“就业”" in await ada.text("/unfollow 就业")
    assert "已取消关注：全部承诺" in await ada.text("/unfollow all")
    assert "你没有关注：火星" in await ada.text("/unfollow 火星")
    assert "你关注的（3）" in await ada.text("/following")


async def test_follow_explains_bad_input(ada, bob):
    assert "用法：/follow 编号 | 标签 | 地区 | all" in await ada.text("/follow")
    assert "没有找到编号、标签或地区“火星”" in await ada.text("/follow 火星")
    assert "没有编号为 999 的承诺" in await ada.text("/follow 999")
    assert "Usage: /follow ID | tag | place | all" in await bob.text("/follow")
    assert "No commitment ID, tag or place “&lt;x&gt;”" not in await bob.text("/follow <x>")
    assert "No commitment ID, tag or place “<x>”" in await bob.text("/follow <x>")
    assert "Usage: /unfollow" in await bob.text("/unfollow")
    assert "You follow nothing yet" in await bob.text("/following")


async def test_the_card_buttons_follow_and_unfollow(ada, bob):
    await ada.say(f"/show {IC}")
    answer = await ada.press("⭐ 关注")
    assert answer["answer"]["text"] == "已关注"
    assert "✖ 取消关注" in await ada.keyboard()
    assert "#3 集成电路产业链群规模" in await ada.text("/following")
    await ada.say(f"/show {IC}")
    await ada.press("✖ 取消关注")
    assert "⭐ 关注" in await ada.keyboard()
    assert "你还没有关注任何内容" in await ada.text("/following")

    await bob.say(f"/show {IC}")
    assert (await bob.press("⭐ Follow"))["answer"]["text"] == "Following"
    assert "✖ Unfollow" in await bob.keyboard()


async def test_following_has_a_button_to_drop_each_follow(ada, bob, client):
    await ada.say(f"/follow {IC}")
    await ada.say("/follow 济南")
    await ada.say("/following")
    assert await ada.keyboard() == ["✖ #3 集成电路产业链群规模", "✖ 地区“济南”"]
    await ada.press("地区“济南”")
    latest = await ada.latest()
    assert "你关注的（1）" in latest["text"] and await ada.keyboard(latest) == ["✖ #3 集成电路产业链群规模"]
    await ada.press("#3")
    assert "你还没有关注任何内容" in (await ada.latest())["text"]

    # A forged button naming somebody else's follow does nothing to it.
    await ada.say(f"/follow {IC}")
    await bob.say("/follow all")
    await bob.say("/following")
    bob_data = await bob.callback_data()
    messages = await ada.messages()
    result = await client.press(ada.user, ada.chat, messages[-1]["message_id"], bob_data[0])
    await ada._handled(result)
    assert "You follow (1)" in await bob.text("/following")


async def test_in_a_group_commands_with_the_bots_name_work_and_only_admins_change_follows(demo_bot, client):
    await client.set_chat(GROUP, "group", title="Newsroom", admins=[GROUP_ADMIN], members=[MEMBER])
    username = demo_bot.bot.username
    admin = Reader(demo_bot, client, GROUP_ADMIN, chat_id=GROUP, title="Newsroom")
    member = Reader(demo_bot, client, MEMBER, chat_id=GROUP, title="Newsroom")

    assert "#3 集成电路产业链群规模" in await member.text(f"/search@{username} 集成电路")
    assert "只有本群的管理员" in await member.text(f"/follow@{username} {IC}")
    assert "⭐ 已关注：#3" in await admin.text(f"/follow@{username} {IC}")
    assert "只有本群的管理员" in await member.text("/unfollow 3")
    assert "只有本群的管理员" in await member.text("/tz Europe/Berlin")

    await member.say("/following")
    answer = await member.press("#3")
    assert answer["answer"]["show_alert"] and "管理员" in answer["answer"]["text"]
    await member.say(f"/show {IC}")
    answer = await member.press("取消关注")
    assert "管理员" in answer["answer"]["text"]
    assert "你关注的（1）" in await admin.text("/following")
    assert "已取消关注" in await admin.text(f"/unfollow {IC}")

    # The group's alert settings are the admins' too.
    await member.say("/alerts")
    assert "管理员" in (await member.press("每日摘要"))["answer"]["text"]
    await admin.say("/alerts")
    assert (await admin.press("每日摘要"))["answer"]["text"] == "已保存"


async def test_in_a_group_only_admins_change_its_language(demo_bot, client):
    await client.set_chat(GROUP, "group", title="Newsroom", admins=[GROUP_ADMIN], members=[MEMBER])
    admin = Reader(demo_bot, client, GROUP_ADMIN, chat_id=GROUP, title="Newsroom")
    member = Reader(demo_bot, client, MEMBER, chat_id=GROUP, title="Newsroom")

    assert "只有本群的管理员" in await member.text("/lang en")
    assert "当前：中文" in await member.text("/lang")  # asking is not changing: anyone may
    assert "只有本群的管理员" in await member.text("/lang zh")  # still refused, still in Chinese
    assert "speak English in this group" in await admin.text("/lang en")
    assert "Only this group's admins" in await member.text("/lang zh")


async def test_following_marks_a_commitment_taken_out_of_the_lists(ada, bob, bot_sessions):
    await ada.text(f"/follow {IC}")
    await bob.text(f"/follow {IC}")
    async with bot_sessions.begin() as session:
        commitment = await session.get(Commitment, IC)
        commitment.archived_at = datetime.now(UTC)
    assert f"#{IC} 集成电路产业链群规模（已归档）" in await ada.text("/following")
    assert "(archived)" in await bob.text("/following")
