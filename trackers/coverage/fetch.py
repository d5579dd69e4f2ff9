"""Fetching a URL an admin sent, without letting it reach inside our own network (SSRF).

The rule: http and https only, to public addresses only. Loopback, private (RFC 1918), link-local (the cloud
metadata service at 169.254.169.254), CGNAT (100.64/10), multicast and reserved addresses are refused, in every
spelling: IPv4-mapped IPv6 ([::ffff:127.0.0.1]), and numeric hosts such as 2130706433 or 0x7f.1 are refused outright.

The check runs after DNS resolution and again on every redirect, and the connection goes to the address that was
checked: aiohttp asks our resolver, which only hands back addresses pinned by the check, so a DNS answer that
changes between check and connect (rebinding) is never used. Size and time are capped; the content type is checked.

Tests reach a local server only through `FetchPolicy.allow_hosts` (the `fetch.allow_hosts` setting), an explicit
list of host:port pairs, never by loosening the rule.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml"}
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|\d+)$", re.I)
# Addresses that embed an IPv4 address: NAT64 (64:ff9b::/96) is checked by its embedded address.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolve = Callable[[str, int], Awaitable[list[str]]]


class FetchRefused(Exception):
    """The fetch was refused or failed; `reason` is a short code the bot turns into a sentence."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason  # scheme | address | numeric_host | redirects | too_large | content_type | status
        self.detail = detail  # | network | timeout | bad_url


@dataclass(frozen=True)
class FetchPolicy:
    allow_hosts: frozenset[str]
    timeout_seconds: float
    max_bytes: int
    max_redirects: int
    user_agent: str


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    charset: str | None
    body: bytes
    # For conditional GETs (feeds): 304 means "not modified" and an empty body; the validators to send next time.
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host`."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def address_allowed(address: str) -> bool:
    """True only for a public unicast address, looking inside IPv4-mapped and NAT64 forms."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)


def _is_numeric_host(host: str) -> bool:
    """2130706433, 0x7f000001, 0177.0.0.1, 127.1: forms inet_aton accepts but no hostname looks like."""
    labels = host.rstrip(".").split(".")
    return all(_NUMERIC_LABEL.match(label) for label in labels)


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class _PinnedResolver(AbstractResolver):
    """Hands aiohttp only the addresses that passed the check, so the connection goes where we looked."""

    def __init__(self) -> None:
        self.pinned: dict[tuple[str, int], list[str]] = {}

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        addresses = self.pinned.get((host, port))
        if not addresses:
            raise OSError(f"{host} was not checked before connecting")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass


async def _check(url: URL, policy: FetchPolicy, resolve: Resolve, pinned: _PinnedResolver) -> None:
    """Refuse a URL that leaves the rule; pin the addresses it may connect to."""
    if url.scheme not in ("http", "https"):
        raise FetchRefused("scheme", url.scheme or "")
    host = url.raw_host
    if not host:
        raise FetchRefused("bad_url")
    port = url.port or (443 if url.scheme == "https" else 80)
    host_port = f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"
    allowed_anyway = host_port in policy.allow_hosts
    literal = _ip_literal(host)
    if literal is not None:
        if not allowed_anyway and not address_allowed(str(literal)):
            raise FetchRefused("address", str(literal))
        return  # aiohttp connects to a literal address directly
    if _is_numeric_host(host):
        raise FetchRefused("numeric_host", host)
    try:
        addresses = await resolve(host, port)
    except OSError as exc:
        raise FetchRefused("network", f"cannot resolve {host}") from exc
    if not addresses:
        raise FetchRefused("network", f"cannot resolve {host}")
    # Every address must pass: a name with one public and one private address could connect to either.
    refused = [a for a in addresses if not address_allowed(a)]
    if refused and not allowed_anyway:
        raise FetchRefused("address", refused[0])
    pinned.pinned[(host, port)] = addresses


# Refusals that are the rule itself, not the site being down: a URL refused for one of these never will be fetched.
RULE_REFUSALS = frozenset({"scheme", "address", "numeric_host", "bad_url"})


async def check_url(url: str, policy: FetchPolicy, *, resolve: Resolve = system_resolve) -> None:
    """FetchRefused if `fetch` would refuse to connect to `url`: the same check, run before anything is stored (a
    feed added, an item listed), with the name resolved within the policy's timeout."""
    try:
        parsed = URL(url.strip())
    except (ValueError, TypeError) as exc:
        raise FetchRefused("bad_url") from exc
    try:
        async with asyncio.timeout(policy.timeout_seconds):
            await _check(parsed, policy, resolve, _PinnedResolver())
    except TimeoutError as exc:
        raise FetchRefused("timeout", f"{policy.timeout_seconds:g} s") from exc


async def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    accept: Iterable[str] = HTML_TYPES,
    resolve: Resolve = system_resolve,
    validators: tuple[str | None, str | None] = (None, None),
) -> Fetched:
    """GET `url` under the rule above; FetchRefused on anything it does not allow or cannot do.

    `validators` (ETag, Last-Modified) from an earlier answer make the request conditional: an unchanged document
    comes back as status 304 with no body.
    """
    accept = frozenset(accept)
    try:
        current = URL(url.strip())
    except (ValueError, TypeError) as exc:
        raise FetchRefused("bad_url") from exc
    pinned = _PinnedResolver()
    connector = aiohttp.TCPConnector(resolver=pinned, use_dns_cache=False, limit=4)
    timeout = aiohttp.ClientTimeout(total=policy.timeout_seconds)
    headers = {"User-Agent": policy.user_agent, "Accept": ", ".join(sorted(accept))}
    etag, last_modified = validators
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with (
            asyncio.timeout(policy.timeout_seconds),
            aiohttp.ClientSession(
                connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False
            ) as session,
        ):
            for _hop in range(policy.max_redirects + 1):
                await _check(current, policy, resolve, pinned)
                async with session.get(current, allow_redirects=False, headers=headers) as response:
                    if response.status in REDIRECTS and "Location" in response.headers:
                        try:
                            current = current.join(URL(response.headers["Location"]))
                        except ValueError as exc:
                            raise FetchRefused("bad_url") from exc
                        continue
                    return await _read(response, current, policy, accept)
            raise FetchRefused("redirects", str(policy.max_redirects))
    except TimeoutError as exc:
        raise FetchRefused("timeout", f"{policy.timeout_seconds:g} s") from exc
    except aiohttp.ClientError as exc:
        raise FetchRefused("network", type(exc).__name__) from exc


async def _read(response: aiohttp.ClientResponse, url: URL, policy: FetchPolicy, accept: frozenset[str]) -> Fetched:
    etag, last_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    if response.status == 304:
        return Fetched(
            url=str(url), content_type="", charset=None, body=b"", status=304, etag=etag, last_modified=last_modified
        )
    if response.status != 200:
        raise FetchRefused("status", str(response.status))
    content_type = response.content_type or ""
    if content_type not in accept:
        raise FetchRefused("content_type", content_type or "none")
    if response.content_length is not None and response.content_length > policy.max_bytes:
        raise FetchRefused("too_large", str(response.content_length))
    body = bytearray()
    async for chunk in response.content.iter_chunked(65536):
        body += chunk
        if len(body) > policy.max_bytes:
            raise FetchRefused("too_large", f">{policy.max_bytes}")
    return Fetched(
        url=str(url),
        content_type=content_type,
        charset=response.charset,
        body=bytes(body),
        etag=etag,
        last_modified=last_modified,
    )
