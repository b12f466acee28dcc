"""A small async client for the Zalo Bot Platform (https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>).

Strict about what it sends (JSON bodies with string ids, only the fields the platform documents), lenient about
what it receives (an answer's extra fields are ignored; a field it needs but is missing is logged). Every call
answers the envelope `{"ok": true, "result": …}` or `{"ok": false, "error_code": N, "description": "…"}`; the
second is raised as `ZaloError`. Nothing here knows about the core."""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

EMPTY = 408  # getUpdates: nothing came during the wait


class NotZalo(Exception):
    """An answer that is not the platform's envelope (a proxy's error page, a wrong ZALO_API_BASE_URL): nothing
    can be concluded about the chat, so it is a failure to try again, never a person gone."""


class ZaloError(Exception):
    """The platform said no: its error code (an HTTP status, as Zalo uses them) and its words."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.parameters = parameters or {}


class ZaloClient:
    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 20.0,
    ) -> None:
        self._root = f"{base_url.rstrip('/')}{token}"
        self._timeout = timeout
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)

    async def call(self, method: str, *, wait: float = 0.0, **params: Any) -> Any:
        """POST `params` as JSON to `method`; the result, or ZaloError. httpx's own errors (a timeout, a refused
        connection) are left to the caller: whether the call took effect is unknown. `wait` is how long the
        platform may hold the answer back (a long poll), added to the usual timeout."""
        body = {name: value for name, value in params.items() if value is not None}
        response = await self._http.post(f"{self._root}/{method}", json=body, timeout=self._timeout + wait)
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
            raise NotZalo(f"not the platform's answer (HTTP {response.status_code})")
        if data.get("ok") is True:
            return data.get("result")
        code = data.get("error_code")
        raise ZaloError(
            code if isinstance(code, int) else response.status_code,
            str(data.get("description") or "no description"),
            data.get("parameters") if isinstance(data.get("parameters"), dict) else None,
        )

    async def get_me(self) -> dict[str, Any]:
        me = await self.call("getMe")
        return me if isinstance(me, dict) else {}

    async def get_updates(self, seconds: int) -> list[dict[str, Any]]:
        """The update that came within `seconds` (Zalo gives one at a time), or none. Taking removes it from the
        platform, so a list, should Zalo ever answer one, is kept whole."""
        try:
            update = await self.call("getUpdates", wait=seconds, timeout=str(seconds))
        except ZaloError as error:
            if error.code == EMPTY:
                return []
            raise
        if isinstance(update, list):
            log.warning("getUpdates answered a list of %s updates", len(update))
            return [item for item in update if isinstance(item, dict) and item]
        return [update] if isinstance(update, dict) and update else []

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", url=url, secret_token=secret_token)

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        sent = await self.call("sendMessage", chat_id=chat_id, text=text)
        return sent if isinstance(sent, dict) else {}

    async def send_photo(self, chat_id: str, photo: str, caption: str | None = None) -> dict[str, Any]:
        sent = await self.call("sendPhoto", chat_id=chat_id, photo=photo, caption=caption or None)
        return sent if isinstance(sent, dict) else {}

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", chat_id=chat_id, action=action)

    async def aclose(self) -> None:
        await self._http.aclose()
