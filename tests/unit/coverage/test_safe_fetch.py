"""The fetcher's rule, on its own: public http(s) only, checked after DNS and on every redirect."""

from __future__ import annotations

import pytest
from aiohttp import web

from trackers.coverage.fetch import FetchPolicy, FetchRefused, address_allowed, fetch


def policy(*allow: str) -> FetchPolicy:
    return FetchPolicy(
        allow_hosts=frozenset(allow), timeout_seconds=5, max_bytes=10_000, max_redirects=3, user_agent="test"
    )


@pytest.fixture
async def canary():
    """A local server that must never be reached."""
    hits = []

    async def handle(request):
        hits.append(request.path)
        return web.Response(text="<html>secret</html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield site._server.sockets[0].getsockname()[1]
    await runner.cleanup()
    assert hits == []


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("64:ff9b::a00:1", False),
        ("fe80::1", False),
        ("224.0.0.1", False),
    ],
)
def test_only_public_unicast_addresses_are_allowed(address, allowed):
    assert address_allowed(address) is allowed


async def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(canary):
    async def intranet(host, port):
        return ["10.0.0.5"]

    with pytest.raises(FetchRefused) as refused:
        await fetch("http://intranet.example/report", policy(), resolve=intranet)
    assert refused.value.reason == "address"


async def test_a_name_with_one_private_address_among_public_ones_is_refused(canary):
    async def mixed(host, port):
        return ["93.184.216.34", "127.0.0.1"]

    with pytest.raises(FetchRefused) as refused:
        await fetch(f"http://mixed.example:{canary}/", policy(), resolve=mixed)
    assert refused.value.reason == "address"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://example.com/", "scheme"),
        ("http://2130706433/", "numeric_host"),
        ("http://0x7f000001/", "numeric_host"),
        ("http://0177.0.0.1/", "numeric_host"),
        ("http://127.1/", "numeric_host"),
        ("http://[::ffff:127.0.0.1]/", "address"),
        ("http://169.254.169.254/latest/meta-data/", "address"),
    ],
)
async def test_refused_forms(url, reason, canary):
    with pytest.raises(FetchRefused) as refused:
        await fetch(url, policy())
    assert refused.value.reason == reason


async def test_size_and_content_type_are_capped():
    async def big(request):
        return web.Response(text="<html>" + "字" * 20_000 + "</html>", content_type="text/html")

    async def binary(request):
        return web.Response(body=b"\0" * 10, content_type="application/octet-stream")

    app = web.Application()
    app.router.add_get("/big", big)
    app.router.add_get("/bin", binary)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        allow = policy(f"127.0.0.1:{port}")
        with pytest.raises(FetchRefused) as too_large:
            await fetch(f"http://127.0.0.1:{port}/big", allow)
        assert too_large.value.reason == "too_large"
        with pytest.raises(FetchRefused) as wrong_type:
            await fetch(f"http://127.0.0.1:{port}/bin", allow)
        assert wrong_type.value.reason == "content_type"
    finally:
        await runner.cleanup()
