"""People with Telegram accounts: test code acts through them, and Telegram tells the bot."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from bot.channels.telegram.fake import qr
from bot.channels.telegram.fake.chats import COMMAND, FakeChat
from bot.channels.telegram.fake.formatting import utf16_len
from bot.channels.telegram.fake.keyboards import forwardable, inline_buttons
from bot.channels.telegram.fake.messages import JSON, FakeMessage, chat_instance, timestamp

if TYPE_CHECKING:
    from bot.channels.telegram.fake.world import World


class FakeUser:
    """A person with a Telegram account; test code acts through them."""

    def __init__(
        self,
        world: World,
        id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        self.world = world
        self.id = id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked_bot = False
        self.started = False  # has written to the bot: until then the bot cannot message them
        self.private_chat = FakeChat(world, id, "private", user=self)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def send(self, text: str, chat: FakeChat | None = None) -> FakeMessage:
        """Type a message; a leading /command gets its bot_command entity, as Telegram's apps do."""
        target = self._into(chat)
        command = COMMAND.match(text)
        entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}] if command else []
        message = target.post(self, text=text, entities=entities)
        target._deliver(message)
        return message

    def reply(self, message: FakeMessage, text: str) -> FakeMessage:
        """Answer a message with Telegram's reply feature."""
        target = self._into(message.chat)
        reply = target.post(self, text=text, reply_to=message)
        target._deliver(reply)
        return reply

    def press(self, message: FakeMessage, button: str) -> str:
        """Tap an inline button (by label, else by callback_data) on the message as it is now."""
        buttons = [b for b in inline_buttons(message.reply_markup) if "callback_data" in b]
        found = next((b for b in buttons if b["text"] == button), None)
        found = found or next((b for b in buttons if b["callback_data"] == button), None)
        if found is None:
            available = [f"{b['text']!r} ({b['callback_data']!r})" for b in buttons]
            raise AssertionError(
                f"no button {button!r} on message {message.message_id} in chat {message.chat_id}; "
                f"available: {', '.join(available) or 'none'}"
            )
        query_id = self.world.new_callback_query()
        self.world.enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": self.to_json(),
                "message": message.to_json(),
                "chat_instance": chat_instance(self.world.bot.id, message.chat_id),
                "data": found["callback_data"],
            },
        )
        return query_id

    def follow(self, message: FakeMessage, button: str) -> FakeMessage | None:
        """Tap a link button (by label) on the message as it is now: `open_link` of its url."""
        buttons = [b for b in inline_buttons(message.reply_markup) if "url" in b]
        found = next((b for b in buttons if b["text"] == button), None)
        if found is None:
            available = [repr(b["text"]) for b in buttons]
            raise AssertionError(
                f"no link button {button!r} on message {message.message_id} in chat {message.chat_id}; "
                f"available: {', '.join(available) or 'none'}"
            )
        return self.open_link(found["url"])

    def forward(self, message: FakeMessage, chat: FakeChat | None = None, *, hidden: bool = False) -> FakeMessage:
        """Forward someone's message; `hidden` is a sender whose privacy settings hide their account. Its link
        buttons come along, its callback buttons do not, as in Telegram."""
        target = self._into(chat)
        origin = message.extra.get("forward_origin")
        if origin is None:
            date = timestamp(message.date)
            sender = message.sender
            origin = (
                {"type": "hidden_user", "sender_user_name": sender.full_name, "date": date}
                if hidden
                else {"type": "user", "sender_user": sender.to_json(), "date": date}
            )
        forwarded = target.post(
            self,
            text=message.text,
            entities=list(message.entities),
            photo=message.photo_file,
            document=message.document_file,
            reply_markup=forwardable(message.reply_markup),
            extra={"forward_origin": origin},
        )
        target._deliver(forwarded)
        return forwarded

    def send_document(
        self, filename: str, content: bytes, chat: FakeChat | None = None, caption: str | None = None
    ) -> FakeMessage:
        target = self._into(chat)
        stored = self.world.files.add_document(filename, content)
        message = target.post(self, text=caption, document=stored)
        target._deliver(message)
        return message

    def send_photo(self, content: bytes, chat: FakeChat | None = None, caption: str | None = None) -> FakeMessage:
        target = self._into(chat)
        message = target.post(self, text=caption, photo=self.world.files.add_photo(content))
        target._deliver(message)
        return message

    def open_link(self, url: str) -> FakeMessage | None:
        """Tap a t.me link to this bot: the private chat opens and Start sends "/start <payload>".
        None for any other link (the app would leave Telegram for it)."""
        parsed = urlsplit(url.strip())
        if parsed.scheme not in ("https", "http") or parsed.netloc.lower() not in ("t.me", "telegram.me"):
            return None
        if parsed.path.strip("/").lower() != self.world.bot.username.lower():
            return None
        payload = parse_qs(parsed.query).get("start", [""])[0]
        return self.send(f"/start {payload}" if payload else "/start")

    def scan(self, message: FakeMessage) -> tuple[str | None, FakeMessage | None]:
        """Point the phone's camera at a photo: (the QR's text, the /start sent if it links to the bot)."""
        texts = qr.read(message.photo) if message.photo else []
        if not texts:
            return None, None
        return texts[0], self.open_link(texts[0])

    def block_bot(self) -> None:
        if not self.blocked_bot:
            self.blocked_bot = True
            self.private_chat._bot_membership(self, "member", "kicked")

    def unblock_bot(self) -> None:
        if self.blocked_bot:
            self.blocked_bot = False
            self.private_chat._bot_membership(self, "kicked", "member")

    def _into(self, chat: FakeChat | None) -> FakeChat:
        """The chat this person writes in, joining what writing there implies."""
        target = chat or self.private_chat
        if target.migrated_to is not None:
            raise AssertionError(f"group {target.id} was upgraded; write in {target.migrated_to}")
        if target.user is not None:
            if target.user is not self:
                raise AssertionError(f"chat {target.id} is {target.user.first_name}'s private chat with the bot")
            self.unblock_bot()  # writing to a bot you blocked restarts it, like the app's Restart button
            self.started = True
        else:
            target._join(self)
        return target

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.full_name!r})"
