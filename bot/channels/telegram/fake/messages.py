"""Messages and the bot's identity, serialised exactly as the Bot API shows them."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.channels.telegram.fake.files import StoredFile
from bot.channels.telegram.fake.keyboards import inline_buttons

if TYPE_CHECKING:
    from bot.channels.telegram.fake.chats import FakeChat
    from bot.channels.telegram.fake.people import FakeUser

JSON = dict[str, Any]


def timestamp(moment: datetime) -> int:
    return int(moment.timestamp())


def member_json(person: JSON, status: str) -> JSON:
    """A ChatMember object in one of the shapes python-telegram-bot parses."""
    member: JSON = {"status": status, "user": person}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


def chat_instance(bot_id: int, chat_id: int) -> str:
    """Stable per chat, opaque like Telegram's."""
    digest = hashlib.sha256(f"{bot_id}:{chat_id}".encode()).digest()
    return str(int.from_bytes(digest[:8], "big", signed=True))


class BotIdentity:
    """The bot as it appears in messages and member lists."""

    def __init__(self, id: int, first_name: str, username: str) -> None:
        self.id = id
        self.first_name = first_name
        self.username = username

    @property
    def full_name(self) -> str:
        return self.first_name

    def to_json(self) -> JSON:
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}


class FakeMessage:
    """One message in a chat, with the bot's later edits applied."""

    def __init__(
        self,
        *,
        chat: FakeChat,
        sender: FakeUser | BotIdentity,
        message_id: int,
        date: datetime,
        text: str | None = None,
        entities: list[JSON] | None = None,
        reply_markup: JSON | None = None,
        photo: StoredFile | None = None,
        document: StoredFile | None = None,
        reply_to: FakeMessage | None = None,
        extra: JSON | None = None,
    ) -> None:
        self.chat = chat
        self.sender = sender
        self.message_id = message_id
        self.date = date
        self.text = text  # the caption, for a photo or document
        self.entities: list[JSON] = entities or []
        self.reply_markup = reply_markup
        self.photo_file = photo
        self.document_file = document
        self.reply_to = reply_to
        self.extra: JSON = extra or {}  # service fields: new_chat_members, migrate_to_chat_id, forward_origin…
        self.edits = 0
        self.edit_date: datetime | None = None

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def from_id(self) -> int:
        return self.sender.id

    @property
    def from_bot(self) -> bool:
        return isinstance(self.sender, BotIdentity)

    @property
    def buttons(self) -> list[str]:
        return [button["text"] for button in inline_buttons(self.reply_markup)]

    @property
    def photo(self) -> bytes | None:
        return self.photo_file.content if self.photo_file else None

    @property
    def document(self) -> tuple[str, bytes] | None:
        if self.document_file is None:
            return None
        return self.document_file.file_name or "", self.document_file.content

    def to_json(self, *, with_reply: bool = True) -> JSON:
        data: JSON = {
            "message_id": self.message_id,
            "from": self.sender.to_json(),
            "chat": self.chat.to_json(),
            "date": timestamp(self.date),
        }
        if self.edit_date is not None:
            data["edit_date"] = timestamp(self.edit_date)
        if self.reply_to is not None and with_reply:
            data["reply_to_message"] = self.reply_to.to_json(with_reply=False)
        media = self.photo_file or self.document_file
        if self.photo_file is not None:
            data["photo"] = self.photo_file.photo_sizes()
        elif self.document_file is not None:
            data["document"] = self.document_file.document()
        if self.text is not None:
            data["caption" if media else "text"] = self.text
            if self.entities:
                data["caption_entities" if media else "entities"] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup  # reply keyboards are never echoed back
        data.update(self.extra)
        return data

    def __repr__(self) -> str:
        return f"FakeMessage({self.chat_id}/{self.message_id} from {self.from_id}: {self.text!r} {self.buttons})"
