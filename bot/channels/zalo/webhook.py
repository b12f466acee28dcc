"""Zalo's side of webhook mode (bot/webhook.py serves it): its header, its two body shapes, and telling Zalo
where to post. Zalo's updates carry no id; the message's id stands for one, so a post repeated is handled once."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.channels.zalo.channel import ZaloChannel

HEADER = "X-Bot-Api-Secret-Token"


def unwrap(data: object) -> dict[str, Any] | None:
    """The update in a posted body: seen both as `{"ok": true, "result": {…}}` and as the update itself."""
    if not isinstance(data, dict):
        return None
    if "event_name" not in data and isinstance(data.get("result"), dict):
        data = data["result"]
    return data if isinstance(data, dict) and isinstance(data.get("message"), dict) else None


class ZaloWebhook:
    header = HEADER

    def __init__(self, channel: ZaloChannel) -> None:
        self.channel = channel

    def parse(self, body: bytes) -> tuple[str, dict[str, Any], object] | None:
        from bot.channels.zalo.channel import update_key

        try:
            update = unwrap(json.loads(body))
        except ValueError:
            return None
        key = update_key(update) if update is not None else None
        return None if update is None or key is None else (key, update, update)

    def revive(self, payload: dict[str, Any]) -> object:
        return payload

    async def enqueue(self, update: object) -> None:
        assert isinstance(update, dict)
        await self.channel.queue.put(update)

    async def register(self, url: str, secret: str) -> None:
        await self.channel.client.set_webhook(url, secret)

    @property
    def taking(self) -> bool:
        return self.channel.running
