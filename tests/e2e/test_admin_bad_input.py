"""What admins see when they type something the bot cannot use: a huge or negative number, an id no row has, a
link the fetcher would never follow, a figure in the wrong unit or a date out of range. Each gets an answer in the
admin's language, never a crash, and nothing is stored."""

from __future__ import annotations

import pytest

from tests.e2e.admin_helpers import OWNER, reply_to, rows
from tests.feed_server import RSS, FeedServer, rss
from trackers.models import Commitment, Evidence, Feed

ONE_LINE = "/add 集成电路产业链群规模 >500亿元 到2030年底 #集成电路 @济南"
HUGE = "99999999999999999999"


@pytest.fixture
async def server():
    async with FeedServer() as running:
        yield running


@pytest.fixture
async def admin_bot(start_bot, server):
    async with start_bot(bot={"owner_ids": [OWNER]}, fetch={"allow_hosts": [server.host]}) as application:
        yield application


async def test_a_feed_interval_outside_the_range_is_refused_in_the_admins_language(admin_bot, client, settings):
    answer = await reply_to(client, "/feeds add https://news.example.cn/rss.xml 测试 99999999999999")
    assert "5 分钟到 10080 分钟" in answer and "已添加" not in answer
    answer = await reply_to(client, "/feeds add https://news.example.cn/rss.xml test 1", language="en")
    assert "from 5 to 10080 minutes" in answer
    assert await rows(settings, Feed) == []


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://127.0.0.1/rss.xml", "内部或保留地址（127.0.0.1）"),
        ("http://169.254.169.254/latest/meta-data", "内部或保留地址（169.254.169.254）"),
        ("http://[::ffff:10.0.0.1]/", "内部或保留地址"),
        ("http://0x7f.1/rss", "数字形式的主机名"),
        ("http://", "不是有效的链接"),
        ("file:///etc/passwd", "只能读取 http 和 https"),
    ],
)
async def test_feeds_add_refuses_a_link_the_fetcher_would_never_follow(admin_bot, client, settings, url, said):
    answer = await reply_to(client, f"/feeds add {url} 测试")
    assert said in answer and "已添加" not in answer
    assert await rows(settings, Feed) == []


async def test_ids_no_row_can_have_get_the_normal_answer(admin_bot, client):
    assert f"没有编号为 {HUGE} 的订阅源" in await reply_to(client, f"/feeds remove {HUGE}")
    assert "没有编号为 0 的订阅源" in await reply_to(client, "/feeds remove 0")
    assert "用法：/grant" in await reply_to(client, f"/grant {HUGE}")
    assert "用法：/grant" in await reply_to(client, "/grant -5")
    assert "用法：/revoke" in await reply_to(client, f"/revoke {HUGE}")
    assert "用法：/edit" in await reply_to(client, f"/edit {HUGE} subject x")
    assert "用法：/progress" in await reply_to(client, f"/progress {HUGE} 5亿元 2024年底")
    assert "找不到" in await reply_to(client, f"/review {HUGE}")
    # A number is an id, however large: no such commitment, not "not a number".
    assert f"没有编号为 {HUGE} 的承诺" in await reply_to(client, f"/show {HUGE}")
    assert "没有编号为 0 的承诺" in await reply_to(client, "/chart 0")
    assert "“-5”不是承诺编号" in await reply_to(client, "/show -5")


async def test_feeds_test_lists_only_items_the_poller_would_fetch(admin_bot, client, server):
    server.put(
        "/rss.xml",
        RSS,
        rss(
            [
                ("g1", server.url("/a1.html"), "公开的文章"),
                ("g2", "http://169.254.169.254/latest/meta-data", "元数据"),
                ("g3", "file:///etc/passwd", "本地文件"),
            ]
        ),
    )
    answer = await reply_to(client, f"/feeds test {server.url('/rss.xml')}")
    assert "公开的文章" in answer
    assert "169.254" not in answer and "passwd" not in answer


async def test_progress_keeps_the_sign_the_unit_and_the_date_honest(admin_bot, client, settings):
    await reply_to(client, ONE_LINE)
    assert "不能为负" in await reply_to(client, "/progress 1 -5亿元 2024-01-01")
    assert "不能为负" in await reply_to(client, "/progress 1 -5 2024-01-01")
    assert "单位（亿元）" in await reply_to(client, "/progress 1 600万人 2024-01-01")
    assert "还没到" in await reply_to(client, "/progress 1 120亿元 2099-01-01")
    assert "不合常理" in await reply_to(client, "/progress 1 1e29 2024-01-01")
    assert "看不懂" in await reply_to(client, "/progress 1 1e29亿元 2024-01-01")
    assert "cannot be" in await reply_to(client, "/progress 1 -5亿元 2024-01-01", language="en")
    assert await rows(settings, Evidence) == []
    assert "120亿元" in await reply_to(client, "/progress 1 120亿元 2024-01-01")


async def test_a_deadline_beyond_the_horizon_is_refused(admin_bot, client):
    assert "太远了" in await reply_to(client, "/add 测试承诺 500亿元 到9999年")
    await reply_to(client, ONE_LINE)
    assert "太远了" in await reply_to(client, "/edit 1 deadline 到9999年")
    assert "too far off" in await reply_to(client, "/edit 1 deadline 9999-01-01", language="en")


async def test_a_one_line_add_says_why_a_target_cannot_be_used(admin_bot, client, settings):
    assert "是负数" in await reply_to(client, "/add 产业规模 -5亿元 2030年底")
    assert "看不懂目标" in await reply_to(client, "/add 产业规模 很多 2030年底")
    assert await rows(settings, Commitment) == []
