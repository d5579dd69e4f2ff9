"""Feeding articles: pasted, uploaded, forwarded or fetched; reviewed card by card; URLs fetched safely."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web

from tests.documents import docx_of
from tests.e2e.admin_helpers import ARTICLE, OWNER, STRANGER, reply_to, rows, say
from trackers.models import Article, Commitment, Evidence, ReviewItem, Subscription, SubscriptionKind
from trackers.runtime.db import create_engine, create_sessionmaker

PAGE = """<html><head><title>东湖区 &lt;script&gt;新闻&lt;/script&gt;</title>
<meta property="article:published_time" content="2024-05-10"></head>
<body><nav>首页 | 新闻 | 关于</nav><article><h1>东湖区 &lt;script&gt;新闻&lt;/script&gt; 产业园</h1>
<p>记者从南昌市东湖区工信局获悉，东湖区新能源汽车产业园建设全面提速，多个项目陆续开工建设，产业链条不断延伸。</p>
<p>到2026年，全区新能源汽车产业规模突破300亿元，带动就业超过2万人。</p>
<script>document.write('不应出现')</script></article><footer>版权所有</footer></body></html>"""

LATER = """泉城日报 2025-01-20 09:00
东湖区新能源汽车产业稳步增长

2024年，南昌市东湖区新能源汽车产业规模达到180亿元，同比增长25%，产业园新增入驻企业12家，发展势头良好。
"""


class Site:
    """A local web server for the tests, counting the requests it gets."""

    def __init__(self) -> None:
        self.hits = 0
        self.routes: dict[str, web.Response] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits += 1
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(status=404)
        return route()

    async def __aenter__(self) -> Site:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def news_site():
    async with Site() as site:
        site.routes["/news/1.html"] = lambda: web.Response(text=PAGE, content_type="text/html")
        site.routes["/image.png"] = lambda: web.Response(body=b"\x89PNG", content_type="image/png")
        yield site


@pytest.fixture
async def canary():
    """A server the bot must never reach: every test asserts it got no request."""
    async with Site() as site:
        site.routes["/"] = lambda: web.Response(text="<html>secret</html>", content_type="text/html")
        yield site
    assert site.hits == 0


@pytest.fixture
async def admin_bot(start_bot, news_site, canary):
    news_site.routes["/go"] = lambda: web.Response(status=302, headers={"Location": f"http://127.0.0.1:{canary.port}/"})
    allow = [f"127.0.0.1:{news_site.port}"]
    async with start_bot(bot={"owner_ids": [OWNER]}, fetch={"allow_hosts": allow, "timeout_seconds": 5}) as app:
        yield app


async def _cards(client, text: str, count: int, **kwargs) -> list[dict]:
    """Send an article; the bot answers with a summary and `count` cards."""
    messages = await say(client, text, count=count + 1, **kwargs)
    return messages[1:]


async def test_a_pasted_article_becomes_review_cards_and_confirm_makes_a_commitment(admin_bot, client, settings):
    messages = await say(client, ARTICLE, count=2)
    assert "已保存" in messages[0]["text"] and "2024-05-10" in messages[0]["text"]
    card = next(m for m in messages if "300亿元" in m["text"])
    assert "突破300亿元" in card["text"] or "超过300亿元" in card["text"]
    assert "2026-12-31" in card["text"]
    await client.press(OWNER, OWNER, card["message_id"], card["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await client.wait_for_calls("editMessageText", count=1)
    [commitment] = await rows(settings, Commitment, Commitment.value == 300)
    assert commitment.quote and "300亿元" in commitment.quote and commitment.source_article_id is not None
    assert commitment.deadline.isoformat() == "2026-12-31"
    # The card now says what became of it, and has no buttons.
    edited = next(m for m in await client.messages(OWNER) if m["message_id"] == card["message_id"])
    assert "已确认" in edited["text"] and not edited.get("reply_markup")


# A later article restating the tracked target (written for this test).
RESTATED = """南昌晚报 2024-06-02 10:00
东湖区召开新能源汽车产业推进会

会议提出，南昌市东湖区将继续招引整车和零部件项目，到2026年，全区新能源汽车产业规模突破300亿元。
"""


async def test_a_commitment_already_tracked_is_merged_not_copied(admin_bot, client, settings):
    messages = await say(client, ARTICLE, count=2)
    card = next(m for m in messages if "300亿元" in m["text"])
    await client.press(OWNER, OWNER, card["message_id"], card["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await client.wait_for_calls("editMessageText", count=1)
    [tracked] = await rows(settings, Commitment, Commitment.value == 300)

    answers = await say(client, RESTATED, count=2)
    [again] = [m for m in answers if "300亿元" in m["text"] and m.get("reply_markup")]
    assert f"已在跟踪：#{tracked.id}" in again["text"]
    buttons = {b["text"]: b["callback_data"] for row in again["reply_markup"]["inline_keyboard"] for b in row}
    assert f"♻️ 合并到 #{tracked.id}" in buttons and "➕ 仍然新建" in buttons
    await client.press(OWNER, OWNER, again["message_id"], buttons[f"♻️ 合并到 #{tracked.id}"])
    await client.wait_for_calls("editMessageText", count=2)
    # One commitment still, with the second article as one more source of it.
    assert [c.id for c in await rows(settings, Commitment, Commitment.value == 300)] == [tracked.id]
    [second] = [a for a in await rows(settings, Article) if "推进会" in a.text]
    sources = await rows(settings, Evidence, Evidence.commitment_id == tracked.id, Evidence.article_id == second.id)
    assert len(sources) == 1 and "300亿元" in sources[0].quote
    edited = next(m for m in await client.messages(OWNER) if m["message_id"] == again["message_id"])
    assert "已合并" in edited["text"] and not edited.get("reply_markup")


async def test_the_same_article_is_stored_once(admin_bot, client, settings):
    await say(client, ARTICLE, count=2)
    again = await say(client, ARTICLE.replace("\n", "\n\n"), count=1)
    assert "之前已经保存过" in again[0]["text"]
    assert len(await rows(settings, Article)) == 1


async def test_reject_and_edit_on_a_review_card(admin_bot, client, settings):
    messages = await say(client, ARTICLE, count=3)
    cards = [m for m in messages if m.get("reply_markup")]
    first, second = cards[0], cards[-1]
    await client.press(
        OWNER, OWNER, first["message_id"], first["reply_markup"]["inline_keyboard"][0][2]["callback_data"]
    )
    await client.wait_for_calls("editMessageText", count=1)
    await client.press(
        OWNER, OWNER, second["message_id"], second["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    )
    asked = await client.wait_for_messages(OWNER, count=1, after=messages[-1]["message_id"], timeout=5)
    assert "字段" in asked[-1]["text"]
    edited = (await say(client, "subject <b>就业</i> & <script>"))[-1]
    assert "<b>就业</i> & <script>" in edited["text"]
    pending = await say(client, "/review")
    assert "共 1 项" in pending[0]["text"]
    states = {item.id: item.state for item in await rows(settings, ReviewItem)}
    assert "rejected" in states.values()


async def test_a_cards_edit_waits_through_a_restart_and_cancel_drops_it(start_bot, client, settings):
    async with start_bot(bot={"owner_ids": [OWNER]}):
        messages = await say(client, ARTICLE, count=3)
        card = [m for m in messages if m.get("reply_markup")][-1]
        edit = card["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
        await client.press(OWNER, OWNER, card["message_id"], edit)
        await client.wait_for_messages(OWNER, count=1, after=messages[-1]["message_id"], timeout=5)
    async with start_bot(bot={"owner_ids": [OWNER]}):
        # After the restart the answer still edits the card.
        edited = (await say(client, "subject 新的主题"))[-1]
        assert "新的主题" in edited["text"]
        await client.press(OWNER, OWNER, card["message_id"], edit)
        await client.wait_for_messages(OWNER, count=1, after=edited["message_id"], timeout=5)
        assert "已取消" in await reply_to(client, "/cancel")
        assert "至少" in await reply_to(client, "subject 不再是修改")  # an admin's short text again
    subjects = [item.data.get("subject") for item in await rows(settings, ReviewItem)]
    assert "新的主题" in subjects and "不再是修改" not in subjects


async def test_a_later_fact_is_offered_as_progress_and_confirmed_with_its_quote(admin_bot, client, settings):
    messages = await say(client, ARTICLE, count=2)
    card = next(m for m in messages if "300亿元" in m["text"])
    await client.press(OWNER, OWNER, card["message_id"], card["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await client.wait_for_calls("editMessageText", count=1)
    later = await say(client, LATER, count=2)
    fact = next(m for m in later if "180亿元" in m["text"])
    assert "进展" in fact["text"]
    await client.press(OWNER, OWNER, fact["message_id"], fact["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await client.wait_for_calls("editMessageText", count=2)
    [point] = await rows(settings, Evidence)
    assert point.value == 180 and point.as_of.isoformat() == "2024-12-31" and "180亿元" in point.quote


async def test_an_uploaded_text_file_is_ingested(admin_bot, client):
    await client.send_document(OWNER, "东湖区.txt", ARTICLE.encode("utf-8"), mime_type="text/plain")
    answers = await client.wait_for_messages(OWNER, count=2, timeout=10)
    assert "已保存" in answers[0]["text"]
    assert any("300亿元" in m["text"] for m in answers[1:])


async def test_an_uploaded_word_document_is_ingested_with_its_title_and_the_date_it_prints(admin_bot, client, settings):
    document = docx_of(ARTICLE.strip().split("\n"), title="东湖区加快建设新能源汽车产业园")
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    await client.send_document(OWNER, "东湖区.docx", document, mime_type=docx_type)
    answers = await client.wait_for_messages(OWNER, count=2, timeout=10)
    assert "已保存" in answers[0]["text"] and "2024-05-10" in answers[0]["text"]
    assert any("300亿元" in m["text"] for m in answers[1:])
    [article] = await rows(settings, Article)
    assert article.title == "东湖区加快建设新能源汽车产业园" and article.published.isoformat() == "2024-05-10"


async def test_a_forwarded_article_is_ingested(admin_bot, client):
    await client.forward(OWNER, ARTICLE, origin_title="泉城日报")
    answers = await client.wait_for_messages(OWNER, count=2, timeout=10)
    assert "已保存" in answers[0]["text"]


async def test_a_stranger_who_pastes_text_gets_the_usual_pointer(admin_bot, client, settings):
    assert "/help" in await reply_to(client, ARTICLE, user=STRANGER)
    assert await rows(settings, Article) == []


async def test_a_url_is_fetched_from_an_allowlisted_local_server(admin_bot, client, news_site):
    url = f"http://127.0.0.1:{news_site.port}/news/1.html"
    answers = await say(client, f"/ingest {url}", count=2)
    assert "已保存" in answers[0]["text"] and "2024-05-10" in answers[0]["text"]
    card = answers[1]["text"]
    assert "300亿元" in card and "<script>新闻</script>" in card and "不应出现" not in card
    assert "不是网页" in await reply_to(client, f"/ingest http://127.0.0.1:{news_site.port}/image.png")


REFUSED = [
    ("http://127.0.0.1:{canary}/", "内部或保留地址"),
    ("http://localhost:{canary}/", "内部或保留地址"),
    ("http://[::ffff:127.0.0.1]:{canary}/", "内部或保留地址"),
    ("http://2130706433:{canary}/", "数字形式"),
    ("http://169.254.169.254/latest/meta-data/", "内部或保留地址"),
    ("http://127.0.0.1:{site}/go", "内部或保留地址"),  # a redirect to the canary
    ("file:///etc/passwd", "只能读取 http"),
]


async def test_urls_into_our_own_network_are_refused_and_the_canary_hears_nothing(admin_bot, client, canary, news_site):
    for target, expected in REFUSED:
        url = target.format(canary=canary.port, site=news_site.port)
        assert expected in await reply_to(client, f"/ingest {url}"), url
    assert canary.hits == 0


SEED = Path(os.environ.get("LUOSHI_CORPUS_DIR", Path(__file__).resolve().parents[3] / "shared" / "corpus")) / "dev"


@pytest.mark.skipif(not (SEED / "000.txt").exists(), reason="the seed article (../shared/corpus/dev/000.txt) is absent")
async def test_the_seed_article_gives_the_ic_target_the_plan_and_its_projects(admin_bot, client, settings):
    text = (SEED / "000.txt").read_text(encoding="utf-8")
    [summary] = await say(client, text)
    # A document with many cards answers with one summary; each group of targets is confirmed in one press.
    assert "📄" in summary["text"] and "2025年" in summary["text"]
    while True:
        [now] = [m for m in await client.messages(OWNER) if m["message_id"] == summary["message_id"]]
        buttons = [b for row in (now.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        confirm = next((b for b in buttons if b["callback_data"].startswith("dc:ok:")), None)
        if confirm is None:
            break
        before = await client.messages(OWNER)
        await client.press(OWNER, OWNER, summary["message_id"], confirm["callback_data"])
        [note] = await client.wait_for_messages(OWNER, count=1, after=before[-1]["message_id"], timeout=10)
        assert "已确认" in note["text"]
    by_id = {c.id: c for c in await rows(settings, Commitment)}
    ic = next(c for c in by_id.values() if "集成电路" in c.subject)
    assert ic.value_normalized == 50_000_000_000 and ic.deadline.isoformat() == "2025-12-31"
    projects = next(c for c in by_id.values() if c.value == 1301)
    assert projects.parent_id is not None and "计划" in by_id[projects.parent_id].subject


async def test_a_follower_of_the_tag_hears_about_a_confirmed_commitment(admin_bot, client, settings):
    await say(client, "/start", user=STRANGER)
    engine = create_engine(settings.database.url)
    async with create_sessionmaker(engine).begin() as session:
        session.add(
            Subscription(chat_id=STRANGER, kind=SubscriptionKind.TAG, target="新能源汽车", created_at=datetime.now(UTC))
        )
    await engine.dispose()
    messages = await say(client, ARTICLE, count=2)
    card = next(m for m in messages if "300亿元" in m["text"])
    assert "#新能源汽车" in card["text"]
    await client.press(OWNER, OWNER, card["message_id"], card["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    before = (await client.messages(STRANGER))[-1]["message_id"]
    notice = await client.wait_for_messages(STRANGER, count=1, after=before, timeout=10)
    assert notice and "新的承诺" in notice[-1]["text"] and "300亿元" in notice[-1]["text"]


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>泉城日报</title>
<item><title>东湖区产业园提速</title><link>{base}/news/1.html</link>
<pubDate>Fri, 10 May 2024 08:30:00 +0800</pubDate></item>
<item><title>西湖区新建学校</title><link>{base}/news/2.html</link></item>
</channel></rss>"""


async def test_feeds_are_added_listed_tested_and_removed(admin_bot, client, news_site):
    base = f"http://127.0.0.1:{news_site.port}"
    news_site.routes["/rss.xml"] = lambda: web.Response(text=RSS.format(base=base), content_type="application/rss+xml")
    assert "不认识地方「月球」" in await reply_to(client, f"/feeds add {base}/rss.xml 泉城日报 30 @月球")
    added = await reply_to(client, f"/feeds add {base}/rss.xml 泉城日报 30 @济南")
    assert "#1" in added and "报道所在地：济南" in added
    assert "已经有了" in await reply_to(client, f"/feeds add {base}/rss.xml")
    listing = await reply_to(client, "/feeds list")
    assert "泉城日报" in listing and "30 分钟" in listing and "济南" in listing
    await say(client, f"/ingest {base}/news/1.html", count=2)
    tested = await reply_to(client, f"/feeds test {base}/rss.xml")
    assert "2 篇" in tested and "1 篇新文章" in tested and "西湖区新建学校" in tested and "东湖区" not in tested
    assert "不是 RSS" in await reply_to(client, f"/feeds test {base}/news/1.html")
    assert "已删除" in await reply_to(client, "/feeds remove 1")
    assert "还没有" in await reply_to(client, "/feeds")


# Twelve targets of one city's year, written for this test.
TWELVE = "2025-02-10 某市日报\n今年全市主要工作目标如下。\n" + "\n".join(
    f"今年，全市{what}{n}{unit}。"
    for what, n, unit in [
        ("新建5G基站", 3000, "个"),
        ("新增城镇就业", 12, "万人"),
        ("改造老旧小区", 120, "个"),
        ("新建口袋公园", 50, "个"),
        ("新增养老床位", 800, "张"),
        ("新建中小学校", 15, "所"),
        ("新开公交线路", 20, "条"),
        ("新建污水处理厂", 3, "座"),
        ("新增高新技术企业", 300, "家"),
        ("新建高标准农田", 5, "万亩"),
        ("新增城市绿地", 80, "万平方米"),
        ("新建城市道路", 60, "公里"),
    ]
)


async def test_review_pages_through_every_waiting_card(admin_bot, client):
    [summary] = await say(client, TWELVE + "\n以上目标均由南昌市东湖区提出。")
    assert "📄" in summary["text"]
    answer = await say(client, "/review", count=12)
    assert "显示 10 项，共 12 项" in answer[0]["text"]
    [more] = [m for m in answer if "还有 2 项待审核" in m["text"]]
    [next_page] = [b["callback_data"] for row in more["reply_markup"]["inline_keyboard"] for b in row]
    await client.press(OWNER, OWNER, more["message_id"], next_page)
    rest = await client.wait_for_messages(OWNER, count=2, after=answer[-1]["message_id"], timeout=10)
    assert len([m for m in rest if "待审核 #" in m["text"]]) == 2
