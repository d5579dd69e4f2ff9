"""A local web server on 127.0.0.1 for feed tests: RSS/Atom documents and article pages whose content a test
changes between polls. It answers conditional GETs (ETag / If-None-Match, Last-Modified / If-Modified-Since) the
way real servers do, counts hits per path, and can stream a huge body or fail on purpose."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.utils import formatdate

from aiohttp import web

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
HTML = "text/html"


@dataclass
class Page:
    content_type: str
    body: bytes
    status: int = 200
    stream_bytes: int = 0  # > 0: stream this many bytes of filler instead of `body`, with no Content-Length
    last_modified: str = field(default_factory=lambda: formatdate(usegmt=True))

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class FeedServer:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.hits: dict[str, int] = {}
        self.not_modified: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def put(self, path: str, content_type: str, body: str | bytes, **options) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(content_type, data, **options)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        page = self.pages.get(path)
        if page is None:
            return web.Response(status=404, text="not found")
        if page.status != 200:
            return web.Response(status=page.status, text="server error")
        if request.headers.get("If-None-Match") == page.etag:
            self.not_modified[path] = self.not_modified.get(path, 0) + 1
            return web.Response(status=304, headers={"ETag": page.etag})
        headers = {"ETag": page.etag, "Last-Modified": page.last_modified}
        if page.stream_bytes:
            response = web.StreamResponse(headers={**headers, "Content-Type": page.content_type})
            await response.prepare(request)
            chunk = b"<item><title>x</title></item>" * 2000
            sent = 0
            try:
                while sent < page.stream_bytes:
                    await response.write(chunk)
                    sent += len(chunk)
            except (ConnectionError, RuntimeError):
                pass  # the client hung up, as it should
            return response
        return web.Response(body=page.body, headers={**headers, "Content-Type": page.content_type})

    async def __aenter__(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def rss(items: list[tuple[str, str, str]], title: str = "市政新闻") -> str:
    """An RSS 2.0 document; items are (guid, link, title)."""
    entries = "".join(
        f"<item><guid>{guid}</guid><link>{link}</link><title>{name}</title>"
        f"<pubDate>Mon, 20 Jan 2025 08:00:00 +0800</pubDate></item>"
        for guid, link, name in items
    )
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">'
    return f"{head}<channel><title>{title}</title>{entries}</channel></rss>"


def atom(items: list[tuple[str, str, str]], title: str = "市政新闻") -> str:
    entries = "".join(
        f'<entry><id>{guid}</id><link href="{link}"/><title>{name}</title>'
        f"<updated>2025-01-20T08:00:00+08:00</updated></entry>"
        for guid, link, name in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:feed</id><updated>2025-01-20T08:00:00+08:00</updated>{entries}</feed>"
    )


def article_page(title: str, paragraphs: list[str], published: str = "2025-01-20") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="date" content="{published}"></head><body><nav>首页 | 新闻 | 政务</nav>'
        f"<article><h1>{title}</h1><p>{published} 来源:泉城日报</p>{body}</article>"
        "<footer>版权所有</footer></body></html>"
    )


# Articles written for these tests: short municipal-news texts in the style of the coverage Luoshi reads.
IC_PLAN = [
    "济南市政府近日印发《集成电路产业高质量发展行动方案》,提出做强设计、制造、封测全链条。",
    "方案明确,到2025年,全市集成电路产业规模突破600亿元,培育一批具有核心竞争力的骨干企业。",
    "市工信局有关负责人表示,将围绕车规级芯片和功率半导体两个方向,加快引进一批重点项目,完善产业配套。",
]
IC_PROGRESS = [
    "记者从市工业和信息化局获悉,济南集成电路产业保持较快增长势头,一批重点项目相继投产达效。",
    "2024年,全市集成电路产业规模达到268亿元,同比增长31%,产业链条进一步完善。",
    "下一步,济南将继续聚焦车规级芯片、功率半导体等细分领域,推动产业链上下游协同发展,加快建设特色产业集群。",
]
UNRELATED = [
    "连日来,济南市园林部门组织力量对城区主要道路绿化带进行修剪养护,提升城市景观品质。",
    "截至目前,已完成修剪绿篱12万平方米,补植花木3000余株,清理绿地垃圾200余吨。",
    "市园林部门提醒市民爱护公共绿地,共同营造整洁有序的城市环境,让泉城更加宜居宜游。",
]
