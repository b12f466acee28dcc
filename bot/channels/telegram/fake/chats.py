"""Chats: a person's private chat with the bot, or a group the bot may be in, with its history."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.channels.telegram.fake.messages import JSON, BotIdentity, FakeMessage, member_json, timestamp

if TYPE_CHECKING:
    from bot.channels.telegram.fake.people import FakeUser
    from bot.channels.telegram.fake.world import World

COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?")
PRESENT = ("creator", "administrator", "member", "restricted")


class FakeChat:
    """A private chat with the bot, or a group the bot may be in."""

    def __init__(
        self, world: World, id: int, type: str, *, title: str | None = None, user: FakeUser | None = None
    ) -> None:
        self.world = world
        self.id = id
        self.type = type
        self.title = title
        self.user = user  # the other side of a private chat
        self.members: dict[int, str] = {}  # user id -> creator | member | left | kicked
        self.migrated_to: int | None = None
        self.bot_removed = False
        self._bot_status = "left"
        self.messages: list[FakeMessage] = []

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    @property
    def bot_status(self) -> str:
        if self.user is not None:
            return "kicked" if self.user.blocked_bot else "member"
        return self._bot_status

    @property
    def bot_messages(self) -> list[FakeMessage]:
        return [message for message in self.messages if message.from_bot]

    def message(self, message_id: int) -> FakeMessage | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        if self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title
        return data

    def full_info(self) -> JSON:
        """A ChatFullInfo with every field python-telegram-bot 22 requires."""
        return {
            **self.to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    def status_of(self, user_id: int) -> str:
        if user_id == self.world.bot.id:
            return self.bot_status
        if self.user is not None:
            return "member" if user_id == self.user.id else "left"
        return self.members.get(user_id, "left")

    # --- what people do ---

    def add_bot(self, by: FakeUser) -> None:
        """`by` adds the bot: a my_chat_member update, then the service message naming the bot."""
        self._require_group()
        if self._bot_status == "member":
            raise AssertionError(f"the bot is already in {self.title!r}")
        self._join(by)
        self._bot_status, self.bot_removed = "member", False
        self._bot_membership(by, "left", "member")
        self._deliver(self.post(by, extra={"new_chat_members": [self.world.bot.to_json()]}))

    def remove_bot(self, by: FakeUser) -> None:
        """Afterwards Telegram answers sends with 403 "bot was kicked from the group chat"."""
        self._require_group()
        if self._bot_status != "member":
            raise AssertionError(f"the bot is not in {self.title!r}")
        self._bot_status, self.bot_removed = "left", True
        self._bot_membership(by, "member", "left")

    def add_member(self, user: FakeUser, *, by: FakeUser | None = None) -> None:
        """The first member is the group's creator, as whoever makes a group owns it."""
        self._require_group()
        if self.members.get(user.id) in PRESENT:
            return
        self._join(user)
        self._deliver(self.post(by or user, extra={"new_chat_members": [user.to_json()]}))

    def migrate_to_supergroup(self, *, by: FakeUser | None = None) -> FakeChat:
        """Telegram's upgrade: a new chat id, one service message in each chat, the old id refused."""
        if self.type != "group" or self.migrated_to is not None:
            raise AssertionError(f"only a basic group can be upgraded, not {self.type} {self.id}")
        by = by or self._creator()
        new = FakeChat(self.world, -(1_000_000_000_000 + abs(self.id)), "supergroup", title=self.title)
        new.members = dict(self.members)
        new._bot_status = self._bot_status
        self.world.chats[new.id] = new
        self._deliver(self.post(by, extra={"migrate_to_chat_id": new.id}))
        self.migrated_to = new.id
        new._deliver(new.post(by, extra={"migrate_from_chat_id": self.id}))
        return new

    # --- plumbing ---

    def post(self, sender: FakeUser | BotIdentity, **fields: Any) -> FakeMessage:
        """Append a message to the history (without telling the bot)."""
        number = self.messages[-1].message_id + 1 if self.messages else 1
        message = FakeMessage(chat=self, sender=sender, message_id=number, date=self.world.now(), **fields)
        self.messages.append(message)
        return message

    def _deliver(self, message: FakeMessage) -> None:
        """Enqueue the `message` update if the bot can see it."""
        if self.is_group:
            if self._bot_status != "member":
                return
            if self.world.privacy_mode and not self._addressed_to_bot(message):
                return
        self.world.enqueue("message", message.to_json())

    def _addressed_to_bot(self, message: FakeMessage) -> bool:
        """What a bot in privacy mode still gets in groups: commands for it, replies to it, service."""
        if message.text is None:
            return True
        if message.reply_to is not None and message.reply_to.from_bot:
            return True
        command = COMMAND.match(message.text)
        if command is None:
            return False
        _, _, to = command.group().partition("@")
        return not to or to.lower() == self.world.bot.username.lower()

    def _join(self, user: FakeUser) -> None:
        if self.members.get(user.id) == "kicked":
            raise AssertionError(f"{user.first_name} was banned from {self.title!r}")
        if self.members.get(user.id) not in PRESENT:
            self.members[user.id] = "member" if any(s == "creator" for s in self.members.values()) else "creator"

    def _creator(self) -> FakeUser:
        for user_id, status in self.members.items():
            if status == "creator":
                return self.world.users[user_id]
        raise AssertionError(f"{self.title!r} has no creator; pass by=")

    def _bot_membership(self, by: FakeUser, old: str, new: str) -> None:
        bot = self.world.bot.to_json()
        self.world.enqueue(
            "my_chat_member",
            {
                "chat": self.to_json(),
                "from": by.to_json(),
                "date": timestamp(self.world.now()),
                "old_chat_member": member_json(bot, old),
                "new_chat_member": member_json(bot, new),
            },
        )

    def _require_group(self) -> None:
        if not self.is_group:
            raise AssertionError(f"chat {self.id} is a {self.type} chat, not a group")
        if self.migrated_to is not None:
            raise AssertionError(f"group {self.id} was upgraded to supergroup {self.migrated_to}")

    def __repr__(self) -> str:
        return f"FakeChat({self.id}, {self.type}, {self.title or (self.user and self.user.first_name)!r})"
