"""A person on either messenger, driven as they would use it: they type, or they choose what is on show (a
button on Telegram, a numbered line on Zalo, where they type its number). Journeys written with these run once
per channel."""

from __future__ import annotations

import re
from typing import Protocol

from bot.channels.telegram.fake import FakeUser
from bot.channels.zalo.fake import FakeZaloUser
from tests.conftest import Bot


class Person(Protocol):
    channel: str
    sent: int  # how many messages they typed or buttons they pressed

    @property
    def account(self) -> str: ...

    async def say(self, text: str) -> list[str]: ...

    async def choose(self, label: str) -> list[str]: ...

    @property
    def read(self) -> list[str]: ...


class OnTelegram:
    channel = "telegram"

    def __init__(self, bot: Bot, user: FakeUser) -> None:
        self.bot = bot
        self.user = user
        self.sent = 0

    @property
    def account(self) -> str:
        return str(self.user.id)

    async def say(self, text: str) -> list[str]:
        self.sent += 1
        return [message.text or "" for message in await self.bot.say(self.user, text)]

    async def choose(self, label: str) -> list[str]:
        """Press the newest button whose label starts with `label`."""
        for message in reversed(self.user.private_chat.bot_messages):
            found = next((button for button in message.buttons if button.startswith(label)), None)
            if found is not None:
                self.sent += 1
                return [answer.text or "" for answer in await self.bot.press(self.user, message, found)]
        raise AssertionError(f"no button “{label}” on show")

    @property
    def read(self) -> list[str]:
        return [message.text or "" for message in self.user.private_chat.bot_messages]


class OnZalo:
    channel = "zalo"

    def __init__(self, bot: Bot, user: FakeZaloUser) -> None:
        self.bot = bot
        self.user = user
        self.sent = 0

    @property
    def account(self) -> str:
        return self.user.id

    async def say(self, text: str) -> list[str]:
        self.sent += 1
        before = len(self.user.private_chat.bot_messages)
        self.user.send(text)
        await self.bot.settle()
        return [message.shown for message in self.user.private_chat.bot_messages[before:]]

    async def choose(self, label: str) -> list[str]:
        """Type the number of the newest numbered line that starts with `label`."""
        shown = "\n".join(self.read[-6:])
        found = re.findall(rf"^(\d+)\. {re.escape(label)}", shown, flags=re.MULTILINE)
        assert found, f"no choice “{label}” among:\n{shown}"
        return await self.say(found[-1])

    @property
    def read(self) -> list[str]:
        return [message.shown for message in self.user.private_chat.bot_messages]


def person(bot: Bot, channel: str, name: str) -> OnTelegram | OnZalo:
    """A new person on `channel`, whose phone is set to Vietnamese (Zalo tells the bot no language)."""
    if channel == "zalo":
        assert bot.zalo is not None
        return OnZalo(bot, bot.zalo.add_user(name))
    return OnTelegram(bot, bot.fake.add_user(name, language_code="vi"))


async def director_on_zalo(bot: Bot) -> OnZalo:
    """Hùng claims a new center from Zalo, typing the notice's agreement and his profile ("Văn": not asked his
    gender)."""
    assert bot.zalo is not None
    payload = await bot.create_center()
    hung = OnZalo(bot, bot.zalo.add_user("Hùng"))
    await hung.say(f"start {payload}")
    for answer in ("Đồng ý", "Phạm Văn Hùng", "1970", "1"):
        await hung.say(answer)
    return hung
