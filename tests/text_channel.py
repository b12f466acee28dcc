"""A second messenger, for tests only: text and nothing else. No buttons, no edits, no groups, no command menus;
ids are strings such as "hung". Driven in-process (no Bot API of its own), it shows that the core needs nothing
of Telegram: every journey falls back to numbered choices and new messages, as on Zalo."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict

from bot.dispatcher import Dispatcher
from bot.messaging import Capabilities, ChatRef, Edit, Event, Incoming, Menu, Send, Sender


class TextChannel:
    name = "text"
    capabilities = Capabilities(buttons=False, edit=False, groups=False, chat_menus=False)

    def __init__(self) -> None:
        self.chats: dict[str, list[Send]] = defaultdict(list)
        self.dispatcher: Dispatcher | None = None
        self._ids = itertools.count(1)

    async def send(self, message: Send) -> str:
        assert not message.choices, "a channel without buttons gets its choices as numbered text"
        self.chats[message.chat.id].append(message)
        return f"m{next(self._ids)}"

    async def edit(self, edit: Edit) -> None:
        raise AssertionError(f"this channel cannot edit, yet was asked to: {edit}")

    async def set_menu(self, menu: Menu) -> None:
        raise AssertionError(f"this channel has no command menus, yet was given one: {menu}")

    def deep_link(self, payload: str) -> str:
        return f"text:loalang?start={payload}"

    async def download(self, ref: str) -> bytes:
        raise AssertionError("nobody sends files on this channel")

    async def say(self, person: str, text: str, *, language: str = "vi") -> list[str]:
        """`person` types `text` in their chat with the bot; returns the texts of the bot's answers."""
        assert self.dispatcher is not None, "the test wires the bot's dispatcher first"
        before = len(self.chats[person])
        chat = ChatRef(self.name, person)
        await self.dispatcher.handle(
            Incoming(Event.MESSAGE, chat, sender=Sender(person, person.title(), language_code=language), text=text)
        )
        return [message.text for message in self.chats[person][before:]]

    async def pick(self, person: str, label: str, *, language: str = "vi") -> list[str]:
        """Read the numbered choice that starts with `label` in the last answers, and type its number."""
        shown = "\n".join(message.text for message in self.chats[person][-5:])
        found = re.findall(rf"^(\d+)\. {re.escape(label)}", shown, flags=re.MULTILINE)
        assert found, f"no choice “{label}” among:\n{shown}"
        return await self.say(person, found[-1], language=language)
