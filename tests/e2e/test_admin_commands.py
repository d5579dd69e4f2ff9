"""Admins in the chat: who is one, adding commitments in one line or step by step, editing, verdicts, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.e2e.admin_helpers import ANONYMOUS_GROUP_ADMIN, EDITOR, OWNER, STRANGER, reply_to, say
from tests.e2e.delivery_support import enqueue
from trackers.models import AuditEntry, Commitment, CommitmentRevision, Conversation, Notification, Status
from trackers.runtime.db import create_engine, create_sessionmaker

ONE_LINE = "/add 集成电路产业链群规模 >500亿元 到2030年底 #集成电路 @济南 source=https://news.example.cn/a/1"


@pytest.fixture
async def admin_bot(start_bot):
    async with start_bot(bot={"owner_ids": [OWNER]}) as application:
        yield application


async def _rows(settings, model, *where):
    engine = create_engine(settings.database.url)
    try:
        async with create_sessionmaker(engine)() as session:
            return list((await session.scalars(select(model).where(*where))).all())
    finally:
        await engine.dispose()


ADMIN_COMMANDS = [
    "/add 主题 500亿元",
    "/edit 1 subject x",
    "/archive 1",
    "/setstatus 1 achieved x",
    "/progress 1 5个 2024年底",
    "/history 1",
    "/ingest https://example.cn/",
    "/review",
    "/feeds list",
    "/stats",
    "/admin",
    "/admins",
    "/grant 5",
    "/revoke 5",
    "/broadcast 你好",
]


async def test_a_stranger_is_refused_politely_and_every_attempt_is_audited(admin_bot, client, settings):
    for command in ADMIN_COMMANDS:
        answer = await reply_to(client, command, user=STRANGER)
        assert "抱歉" in answer and "Traceback" not in answer, command
    refused = await _rows(settings, AuditEntry, AuditEntry.allowed.is_(False), AuditEntry.actor_id == STRANGER)
    assert len(refused) == len(ADMIN_COMMANDS)


async def test_an_admin_who_is_not_an_owner_cannot_broadcast_or_grant(admin_bot, client):
    await reply_to(client, f"/grant {EDITOR}")
    assert "所有者" in await reply_to(client, "/broadcast 你好", user=EDITOR)
    assert "所有者" in await reply_to(client, "/revoke 1001", user=EDITOR)


async def test_owners_grant_and_revoke_admin_rights_by_id(admin_bot, client, settings):
    assert "管理员" in await reply_to(client, "/stats", user=EDITOR)
    assert "3003" in await reply_to(client, f"/grant {EDITOR}")
    assert "统计" in await reply_to(client, "/stats", user=EDITOR)
    # An admin is not an owner: granting stays with the owners.
    assert "所有者" in await reply_to(client, "/grant 4444", user=EDITOR)
    assert "不再是管理员" in await reply_to(client, f"/revoke {EDITOR}")
    assert "管理员的功能" in await reply_to(client, "/stats", user=EDITOR)


async def test_the_anonymous_group_admin_is_never_an_admin(admin_bot, client):
    assert "无法授予" in await reply_to(client, f"/grant {ANONYMOUS_GROUP_ADMIN}")
    assert "管理员的功能" in await reply_to(client, "/stats", user=ANONYMOUS_GROUP_ADMIN)


async def test_an_admin_adds_a_commitment_in_one_line(admin_bot, client, settings):
    answer = await reply_to(client, ONE_LINE)
    assert "已保存为承诺 #1" in answer
    assert "超过500亿元" in answer and "2030-12-31" in answer and "#集成电路" in answer and "济南" in answer
    [commitment] = await _rows(settings, Commitment)
    assert commitment.value_normalized == 50_000_000_000 and commitment.unit_normalized == "CNY"
    assert commitment.source_url == "https://news.example.cn/a/1"


async def test_a_commitment_whose_deadline_passed_is_recorded_waiting_for_its_verdict(admin_bot, client, settings):
    # The editor's usual case: did last year's target hold?
    answer = await reply_to(client, "/add 全省粮食产量 725亿斤以上 2025年底 @四川")
    assert "已保存为承诺 #1" in answer and "2025-12-31" in answer
    [commitment] = await _rows(settings, Commitment)
    assert commitment.status == Status.OVERDUE
    assert "逾期待定" in await reply_to(client, "/show 1")
    # Its deadline moved out: open again, not 逾期待定 beside a countdown.
    await reply_to(client, "/edit 1 deadline 2099年底")
    card = await reply_to(client, "/show 1")
    assert "逾期待定" not in card and "2099-12-31" in card
    [commitment] = await _rows(settings, Commitment)
    assert commitment.status == Status.NOT_RATED


async def test_one_line_add_explains_a_bad_target_and_parent_and_saves_nothing(admin_bot, client, settings):
    assert "看不懂目标" in await reply_to(client, "/add 产业规模 很多 2030年底")
    assert "找不到上级计划" in await reply_to(client, "/add 产业规模 500亿元 2030年底 parent=99")
    assert await _rows(settings, Commitment) == []


async def test_the_guided_add_asks_step_by_step_and_saves_from_the_preview(admin_bot, client, settings):
    assert "关于什么" in await reply_to(client, "/add")
    assert "目标是多少" in await reply_to(client, "三年行动计划重点项目数")
    assert "看不懂目标" in await reply_to(client, "很多很多")
    assert "截止日期" in await reply_to(client, "1301个")
    assert "看不懂日期" in await reply_to(client, "总有一天")
    assert "地点" in await reply_to(client, "in 18 months")
    assert "找不到上级计划" in await reply_to(client, "@济南 parent=42")
    preview = (await say(client, "@济南 #重点项目"))[-1]
    assert "请确认" in preview["text"] and "1301个" in preview["text"] and "#重点项目" in preview["text"]
    await client.press_button(OWNER, OWNER, "修改")
    await client.wait_for_messages(OWNER, count=1, after=preview["message_id"], timeout=10)
    edited = (await say(client, "target 1400个"))[-1]
    assert "1400个" in edited["text"]
    await client.press_button(OWNER, OWNER, "保存")
    saved = await client.wait_for_messages(OWNER, count=1, after=edited["message_id"], timeout=10)
    assert "已保存为承诺 #1" in saved[-1]["text"]
    [commitment] = await _rows(settings, Commitment)
    assert commitment.value == 1400 and commitment.place == "济南"


async def test_the_guided_add_can_be_cancelled_by_command_and_by_button(admin_bot, client, settings):
    await reply_to(client, "/add")
    await reply_to(client, "某个主题")
    assert "已取消" in await reply_to(client, "/cancel")
    # After cancelling, text is no longer an answer to the conversation.
    assert "至少" in await reply_to(client, "随便说说")
    await reply_to(client, "/add")
    await reply_to(client, "某个主题")
    await reply_to(client, "-")
    await reply_to(client, "-")
    preview = (await say(client, "-"))[-1]
    await client.press_button(OWNER, OWNER, "取消")
    done = await client.wait_for_messages(OWNER, count=1, after=preview["message_id"], timeout=10)
    assert "已取消" in done[-1]["text"]
    assert await _rows(settings, Commitment) == []


async def test_markup_in_what_an_admin_types_is_shown_literally(admin_bot, client):
    answer = await reply_to(client, "/add <b>x</i>&<script> 500亿元 2030年底")
    assert "<b>x</i>&<script>" in answer


async def test_editing_the_target_keeps_the_old_one_and_tells_followers(admin_bot, client, settings):
    await reply_to(client, ONE_LINE)
    await reply_to(client, "/start", user=STRANGER)
    engine = create_engine(settings.database.url)
    async with create_sessionmaker(engine).begin() as session:
        from datetime import UTC, datetime

        from trackers.models import Subscription, SubscriptionKind

        session.add(
            Subscription(chat_id=STRANGER, kind=SubscriptionKind.TAG, target="集成电路", created_at=datetime.now(UTC))
        )
    await engine.dispose()
    answer = await reply_to(client, "/edit 1 target 突破400亿元")
    assert "修订记录" in answer and "1 位关注者" in answer
    [revision] = await _rows(settings, CommitmentRevision)
    assert revision.old["value"] == 500 and revision.new["value"] == 400
    notices = await _rows(settings, Notification, Notification.kind == "target_revised")
    assert [n.chat_id for n in notices] == [STRANGER] and "500亿元" in notices[0].text
    await reply_to(client, "/edit 1 target 突破400亿元")  # changes nothing: left out of the history
    assert "承诺 #1 的主题已修改" in await reply_to(client, "/edit 1 subject 集成电路产业规模")
    history = await reply_to(client, "/history 1")
    lines = history.splitlines()[1:]
    assert [line.split("：", 1)[1] for line in lines] == [
        "创建：超过500亿元，截止 2030-12-31",
        "目标：超过500亿元 → 超过400亿元",
        "主题：集成电路产业链群规模 → 集成电路产业规模",
    ]
    assert all(f"用户 {OWNER}" in line for line in lines)
    assert "value_normalized" not in history and "{" not in history
    await reply_to(client, "/lang en")
    assert "target: over 500亿元 → over 400亿元" in await reply_to(client, "/history 1")


async def test_verdicts_need_evidence_and_progress_is_recorded(admin_bot, client):
    await reply_to(client, ONE_LINE)
    assert "需要证据" in await reply_to(client, "/setstatus 1 已兑现")
    assert "已兑现" in await reply_to(client, "/setstatus 1 achieved https://news.example.cn/a/2")
    assert "有风险" in await reply_to(client, "/setstatus 1 at_risk")
    assert "自动" in await reply_to(client, "/setstatus 1 overdue")
    answer = await reply_to(client, "/progress 1 320亿元 2024年底 https://news.example.cn/a/3")
    assert "320亿元" in answer and "2024-12-31" in answer
    assert "320" in await reply_to(client, "/progress 1 320 2024-12-31")
    assert "没有编号为 9" in await reply_to(client, "/progress 9 1个 2024年底")
    assert "已归档" in await reply_to(client, "/archive 1")
    assert "已经归档" in await reply_to(client, "/archive 1")
    history = await reply_to(client, "/history 1")
    assert "状态：未评估 → 已兑现" in history and "状态：已兑现 → 有风险" in history
    assert "记录进展：320亿元（截至 2024-12-31）" in history and history.endswith("：归档")


async def test_stats_and_broadcast(admin_bot, client, settings):
    await reply_to(client, ONE_LINE)
    await reply_to(client, "/start", user=STRANGER)
    stats = await reply_to(client, "/stats")
    assert "承诺：1" in stats and "未评估: 1" in stats.replace("：", ": ")
    assert "2 个聊天" in await reply_to(client, "/broadcast 明天系统维护 <b>不是标签</b>")
    rows = await _rows(settings, Notification, Notification.kind == "broadcast")
    assert sorted(r.chat_id for r in rows) == [OWNER, STRANGER]
    assert "&lt;b&gt;" in rows[0].text


async def test_a_command_typed_during_the_guided_add_ends_it_and_runs(admin_bot, client, settings):
    await reply_to(client, "/add")
    assert "活跃聊天" in await reply_to(client, "/stats")
    assert "至少" in await reply_to(client, "随便说说")  # no longer taken as the subject
    await reply_to(client, "/add")
    await reply_to(client, "某个主题")
    # A command of a feature registered before /add ends it too: the next text is not the target.
    assert "承诺清单" in await reply_to(client, "/list")
    assert "至少" in await reply_to(client, "随便说说")
    await reply_to(client, "/add")
    # /add again, one line: saves at once rather than "unknown command".
    assert "已保存为承诺 #1" in await reply_to(client, ONE_LINE)
    assert "至少" in await reply_to(client, "随便说说")
    assert len(await _rows(settings, Commitment)) == 1


async def test_skip_answers_the_questions_that_have_a_none_and_a_guess_at_a_command_loses_nothing(
    admin_bot, client, settings
):
    await reply_to(client, "/add")
    # No subject can be skipped: /skip is then a command the bot does not have, and the question still waits.
    answer = await reply_to(client, "/skip")
    assert "/skip" in answer and "还在等你回答" in answer
    assert "/skip" in await reply_to(
        client, "社区养老服务中心覆盖率"
    )  # the subject; the target's question offers /skip
    assert "截止日期" in await reply_to(client, "/skip")
    # A typo is answered as unknown and ends nothing: the deadline's question is still the one answered next.
    assert "我不认识命令 /skp" in await reply_to(client, "/skp")
    assert "看不懂日期" in await reply_to(client, "不少于90%")
    assert "地点" in await reply_to(client, "/skip")
    preview = (await say(client, "/skip"))[-1]
    assert "请确认" in preview["text"] and "无数字目标" in preview["text"]
    await client.press_button(OWNER, OWNER, "保存")
    saved = await client.wait_for_messages(OWNER, count=1, after=preview["message_id"], timeout=10)
    assert "已保存为承诺 #1" in saved[-1]["text"]
    [commitment] = await _rows(settings, Commitment)
    assert commitment.subject == "社区养老服务中心覆盖率"
    assert commitment.value is None and commitment.deadline is None and commitment.place is None
    # With nothing asked, /skip is only a command the bot does not have.
    answer = await reply_to(client, "/skip")
    assert "我不认识命令 /skip" in answer and "还在等" not in answer


async def test_an_english_admin_is_offered_skip_and_told_the_question_still_waits(admin_bot, client):
    await reply_to(client, "/lang en")
    await reply_to(client, "/add", language="en")
    assert "/skip" in await reply_to(client, "Pocket parks", language="en")
    assert "Deadline?" in await reply_to(client, "/skip", language="en")
    answer = await reply_to(client, "/nosuch", language="en")
    assert "I don't know the command /nosuch" in answer and "still waits for your answer" in answer
    assert "Place, tags" in await reply_to(client, "2027-06-30", language="en")


async def test_followers_hear_of_a_verdict_set_by_hand_and_of_an_archive_in_their_language(admin_bot, client):
    await reply_to(client, ONE_LINE)
    await reply_to(client, "/lang en", user=STRANGER)
    assert "#1" in await reply_to(client, "/follow 1", user=STRANGER, language="en")
    before = len(await client.messages(STRANGER))
    await reply_to(client, "/setstatus 1 achieved 全年产业规模达到520亿元")
    await reply_to(client, "/archive 1")
    notices = (await client.wait_for_messages(STRANGER, count=before + 2, timeout=15))[before:]
    assert len(notices) == 2
    assert "is now <b>achieved</b>" in notices[0]["html"] and "全年产业规模达到520亿元" in notices[0]["text"]
    assert "was archived" in notices[1]["text"]


async def test_a_guided_add_goes_on_after_a_restart_from_the_same_question(start_bot, client, settings):
    # Its step and draft are in the database, written with each answer: a restarted bot (or another worker of a
    # deployment) asks the next question, keeps what was answered, and saves from the preview's buttons.
    async with start_bot(bot={"owner_ids": [OWNER]}):
        assert "关于什么" in await reply_to(client, "/add")
        assert "目标是多少" in await reply_to(client, "三年行动计划重点项目数")
    async with start_bot(bot={"owner_ids": [OWNER]}):
        assert "截止日期" in await reply_to(client, "1301个")
        assert "地点" in await reply_to(client, "2025年底")
    async with start_bot(bot={"owner_ids": [OWNER]}):
        preview = (await say(client, "@济南 #重点项目"))[-1]
        assert "三年行动计划重点项目数" in preview["text"] and "1301个" in preview["text"]
    async with start_bot(bot={"owner_ids": [OWNER]}):
        await client.press_button(OWNER, OWNER, "保存")
        saved = await client.wait_for_messages(OWNER, count=1, after=preview["message_id"], timeout=10)
        assert "已保存为承诺 #1" in saved[-1]["text"]
        assert "至少" in await reply_to(client, "随便说说")  # the conversation is over: text is chat again
    [commitment] = await _rows(settings, Commitment)
    assert (commitment.subject, commitment.value, commitment.place) == ("三年行动计划重点项目数", 1301, "济南")
    assert commitment.deadline.isoformat() == "2025-12-31"


async def test_a_guided_add_left_for_half_an_hour_is_over(admin_bot, client, settings):
    await reply_to(client, "/add")
    assert "目标是多少" in await reply_to(client, "某个主题")
    engine = create_engine(settings.database.url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            # As if the admin had answered 31 minutes ago.
            conversation = (await session.scalars(select(Conversation))).one()
            conversation.updated_at -= timedelta(minutes=31)
    finally:
        await engine.dispose()
    assert "至少" in await reply_to(client, "1301个")  # not an answer any more: an admin's short text
    assert "已取消" not in await reply_to(client, "/cancel")  # nothing left to cancel


async def test_a_group_upgraded_to_a_supergroup_keeps_its_follows_language_and_guided_add(admin_bot, client, settings):
    # Telegram gives the supergroup a new id and tells the bot in both chats; the conversation, the follows and the
    # language the group chose go on there, without the group having to start again.
    group, supergroup = -4001, -1004001
    for chat_id in (group, -4002):
        await client.set_chat(chat_id, "group", title="编辑部", admins=[OWNER], members=[OWNER, STRANGER])

    async def in_chat(chat_id: int, text: str) -> str:
        before = await client.messages(chat_id)
        await client.send_text(OWNER, text, chat_id=chat_id, chat_type="group", first_name="Owner")
        after = before[-1]["message_id"] if before else 0
        return (await client.wait_for_messages(chat_id, count=1, timeout=10, after=after))[-1]["text"]

    assert "English" in await in_chat(group, "/lang en")
    assert "⭐ Following" in await in_chat(group, "/follow all")
    assert "What is it about" in await in_chat(group, "/add")
    assert "target" in await in_chat(group, "Key projects of the three-year plan")

    await client.upgrade_group(OWNER, group, supergroup)
    assert "Deadline" in await in_chat(supergroup, "1301个")
    assert "Place, tags" in await in_chat(supergroup, "2025年底")
    preview = await in_chat(supergroup, "@济南")
    assert "Key projects of the three-year plan" in preview and "1301" in preview
    [moved] = await _rows(settings, Conversation)
    assert (moved.chat_id, moved.step) == (supergroup, "preview")
    # Another group, for comparison: Chinese (the default) and following nothing.
    assert "你还没有关注任何内容" in await in_chat(-4002, "/following")
    assert "You follow (1)" in await in_chat(supergroup, "/following")


async def test_a_group_upgraded_while_the_bot_heard_nothing_is_moved_at_its_next_alert(start_bot, client, settings):
    # The supergroup's first update never reached the bot: the outbox's first send to the old id is refused with
    # the new one, the group's rows move then, and the admin's guided /add goes on in the supergroup.
    group, supergroup = -4011, -1004011
    await client.set_chat(group, "group", title="编辑部", admins=[OWNER], members=[OWNER])

    async def in_chat(chat_id: int, text: str) -> str:
        before = await client.messages(chat_id)
        await client.send_text(OWNER, text, chat_id=chat_id, chat_type="group")
        after = before[-1]["message_id"] if before else 0
        return (await client.wait_for_messages(chat_id, count=1, timeout=10, after=after))[-1]["text"]

    async with start_bot(bot={"owner_ids": [OWNER]}, delivery={"sweep_seconds": 0.25}) as app:
        assert "关于什么" in await in_chat(group, "/add")
        assert "目标是多少" in await in_chat(group, "三年行动计划重点项目数")
        await client.set_chat(group, "group", migrated_to=supergroup)
        await client.set_chat(supergroup, "supergroup", title="编辑部", admins=[OWNER], members=[OWNER])
        await enqueue(app.bot_data.sessionmaker, [group], text="截止日期临近")
        [alert] = await client.wait_for_messages(supergroup, count=1, timeout=10)
        assert alert["text"] == "截止日期临近"
        assert "截止日期" in await in_chat(supergroup, "1301个")
    [moved] = await _rows(settings, Conversation)
    assert (moved.chat_id, moved.step) == (supergroup, "deadline")
