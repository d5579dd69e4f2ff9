"""Where a bot finds the sandbox's Bot API: the same two addresses for the server, its child process and a client."""

from __future__ import annotations


class BotApiAddresses:
    """For anything that knows the sandbox's root `url` (None until it has started)."""

    url: str | None

    @property
    def bot_api_base(self) -> str:
        return f"{self._started_url()}/bot"

    @property
    def bot_file_base(self) -> str:
        return f"{self._started_url()}/file/bot"

    def _started_url(self) -> str:
        if self.url is None:
            raise RuntimeError("the sandbox has not been started")
        return self.url
