"""How the bot talks HTTP to the Bot API: PTB's `BaseRequest` built on aiohttp, and which failures mean "not sent".

Why not PTB's default HTTPXRequest: on a 2-core machine httpx costs 1.9-2.6 s of CPU per 1,000 Bot API calls,
and more with many calls in flight (httpcore's pool assigns requests to connections in a loop over both);
aiohttp costs 0.9 s. Every reply and every notification is one call, so this is most of the bot's CPU under
load. `telegram.http_client = "httpx"` switches back to PTB's default.

The dispatcher must tell a request that never reached Telegram (safe to send again) from one that may have been
accepted (sending again could make a copy); `never_sent` answers that for both clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

if TYPE_CHECKING:
    from bot.settings import TelegramSettings

POOL_TIMEOUT_MESSAGE = "Pool timeout: no free connection in time; the request was not sent"


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session with up to `connection_pool_size` kept-alive connections."""

    __slots__ = ("_pool_size", "_session", "_timeouts")

    def __init__(
        self,
        *,
        connection_pool_size: int = 8,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {
            "read": read_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
            "media_write": media_write_timeout,
        }
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        # Made here, not in __init__: an aiohttp session belongs to the loop that runs it.
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}, raise_for_status=False
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._timeouts["read"] if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        connect = self._timeouts["connect"] if connect_timeout is BaseRequest.DEFAULT_NONE else connect_timeout
        pool = self._timeouts["pool"] if pool_timeout is BaseRequest.DEFAULT_NONE else pool_timeout
        # aiohttp has no write timeout; an upload's whole exchange is bounded instead.
        total = None
        if request_data is not None and request_data.contains_files:
            write = self._timeouts["media_write"] if write_timeout is BaseRequest.DEFAULT_NONE else write_timeout
            total = None if write is None or read is None else write + read
        # aiohttp's `connect` covers waiting for a pooled connection and opening a new one; both happen before
        # a byte of the request is written.
        waiting = None if pool is None or connect is None else pool + connect
        timeout = aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect, sock_read=read)
        try:
            data, headers = _body(request_data)
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise TimedOut(POOL_TIMEOUT_MESSAGE) from error
        except TimeoutError as error:
            # Written, and no answer in time: Telegram may have acted on it.
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _body(request_data: RequestData | None) -> tuple[aiohttp.FormData | bytes | None, dict[str, str] | None]:
    """The request body and its headers."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        # Form-encoded, as PTB's own client sends it. Encoded here rather than handed to aiohttp as a dict, which
        # builds a FormData (and a multipart writer) for every call: a third of the request's CPU.
        return request_data.url_encoded_parameters().encode(), _FORM
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, None


def make_request(
    client: str, *, connection_pool_size: int, read_timeout: float | None, connect_timeout: float, pool_timeout: float
) -> BaseRequest:
    """The request object for `telegram.http_client` ("aiohttp" or "httpx")."""
    if client == "httpx":
        return HTTPXRequest(
            connection_pool_size=connection_pool_size,
            read_timeout=read_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
    return AiohttpRequest(
        connection_pool_size=connection_pool_size,
        read_timeout=read_timeout,
        connect_timeout=connect_timeout,
        pool_timeout=pool_timeout,
    )


def api_request(
    telegram: TelegramSettings, *, connection_pool_size: int, pool_timeout: float, read_timeout: float | None = None
) -> BaseRequest:
    """A request with the settings' client and timeouts (`read_timeout` when a caller needs its own)."""
    return make_request(
        telegram.http_client,
        connection_pool_size=connection_pool_size,
        read_timeout=telegram.read_timeout if read_timeout is None else read_timeout,
        connect_timeout=telegram.connect_timeout,
        pool_timeout=pool_timeout,
    )


def bot_options(telegram: TelegramSettings, *, connection_pool_size: int, pool_timeout: float) -> dict[str, object]:
    """What a `Bot` needs to reach the Bot API the settings name: its addresses and its request."""
    return {
        "base_url": telegram.api_url,
        "base_file_url": telegram.file_url,
        "request": api_request(telegram, connection_pool_size=connection_pool_size, pool_timeout=pool_timeout),
    }


def never_sent(error: NetworkError) -> bool:
    """True when the request provably never reached the server (or the server answered that it failed)."""
    cause = error.__cause__
    if isinstance(
        cause,
        httpx.PoolTimeout
        | httpx.ConnectError
        | httpx.ConnectTimeout
        | aiohttp.ClientConnectorError
        | aiohttp.ConnectionTimeoutError,
    ):
        return True
    if isinstance(error, TimedOut):
        # Written, and no answer in time: Telegram may have acted on it.
        return False
    # No cause: an error status such as 502 came back; the Bot API did not act on the request.
    return cause is None
