"""The people, chats and messages behind the fake Zalo Bot API, and what tests do as those people."""

from __future__ import annotations

import itertools
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def hex_id(length: int = 20) -> str:
    """Zalo's ids look like "e4ea2cd5189df1c3a88c": opaque hex strings."""
    return secrets.token_hex(length // 2)


@dataclass
class FakeZaloMessage:
    message_id: str
    chat_id: str
    from_bot: bool
    date: int  # milliseconds, as Zalo gives them
    text: str = ""
    photo_url: str | None = None
    photo: bytes | None = None  # what the fake fetched from photo_url when it was sent
    caption: str | None = None

    @property
    def shown(self) -> str:
        """What the person reads: the words, or a picture's caption."""
        return self.text or self.caption or ""


@dataclass
class FakeZaloChat:
    id: str
    group: bool = False
    messages: list[FakeZaloMessage] = field(default_factory=list)

    @property
    def bot_messages(self) -> list[FakeZaloMessage]:
        return [message for message in self.messages if message.from_bot]


class FakeZaloUser:
    def __init__(self, world: ZaloWorld, display_name: str, user_id: str | None = None) -> None:
        self.world = world
        self.id = user_id or hex_id()
        self.display_name = display_name
        self.blocked_bot = False
        self.protected = False  # a child or a protected person: Zalo shows the bot none of their messages
        self.private_chat = world.chat(self.id)

    def send(self, text: str) -> dict[str, Any]:
        """Type `text` to the bot; returns the update the bot will get."""
        if self.protected:
            return self.world.update(self, "message.unsupported.received", self.private_chat, {})
        return self.world.update(self, "message.text.received", self.private_chat, {"text": text})

    def send_sticker(self) -> dict[str, Any]:
        return self.world.update(self, "message.sticker.received", self.private_chat, {"sticker": hex_id(8)})

    def send_image(self, caption: str = "") -> dict[str, Any]:
        fields = {"photo_url": "https://photo.example/p.jpg", **({"caption": caption} if caption else {})}
        return self.world.update(self, "message.image.received", self.private_chat, fields)

    def block(self) -> None:
        self.blocked_bot = True


class ZaloWorld:
    """What happened on Zalo: updates waiting for the bot, the chats and what was said in them."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.users: dict[str, FakeZaloUser] = {}
        self.chats: dict[str, FakeZaloChat] = {}
        self.pending: deque[dict[str, Any]] = deque()
        self.taken = 0  # updates handed to the bot, by a poll or a post
        self._sequence = itertools.count(1)

    def add_user(self, display_name: str, user_id: str | None = None) -> FakeZaloUser:
        user = FakeZaloUser(self, display_name, user_id)
        self.users[user.id] = user
        return user

    def chat(self, chat_id: str, *, group: bool = False) -> FakeZaloChat:
        if chat_id not in self.chats:
            self.chats[chat_id] = FakeZaloChat(chat_id, group)
        return self.chats[chat_id]

    def now_ms(self) -> int:
        return int(self.clock().timestamp() * 1000) + next(self._sequence) % 1000  # distinct, in order

    def update(self, user: FakeZaloUser, event: str, chat: FakeZaloChat, fields: dict[str, Any]) -> dict[str, Any]:
        message = FakeZaloMessage(hex_id(32), chat.id, False, self.now_ms(), text=str(fields.get("text", "")))
        chat.messages.append(message)
        update = {
            "event_name": event,
            "message": {
                "from": {"id": user.id, "display_name": user.display_name, "is_bot": False},
                "chat": {"id": chat.id, "chat_type": "GROUP" if chat.group else "PRIVATE"},
                "message_id": message.message_id,
                "date": message.date,
                **fields,
            },
        }
        self.pending.append(update)
        self.on_update()
        return update

    def on_update(self) -> None:
        """Wakes a waiting poll (the fake's server sets it)."""

    def bot_said(self, chat_id: str, **fields: Any) -> FakeZaloMessage:
        message = FakeZaloMessage(hex_id(32), chat_id, True, self.now_ms(), **fields)
        self.chats[chat_id].messages.append(message)
        return message
