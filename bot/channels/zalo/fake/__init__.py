"""An in-repo fake of the Zalo Bot API, for tests, the local sandbox and benchmarks. The bot's Zalo client talks
to it through the same HTTP requests and answers as to Zalo: in-process via `FakeZalo.transport()`, or over
loopback via `FakeZalo.serve()`. Test code plays the people (`FakeZaloUser`).

    fake = FakeZalo()
    lan = fake.add_user("Lan")
    lan.send("Xin chào")                 # the bot gets it on its next getUpdates
    await fake.wait_for(lambda: lan.private_chat.bot_messages)
"""

from __future__ import annotations

from bot.channels.zalo.fake.fake import DEFAULT_TOKEN, FakeZalo
from bot.channels.zalo.fake.server import ZaloCall, ZaloFault
from bot.channels.zalo.fake.world import FakeZaloChat, FakeZaloMessage, FakeZaloUser

__all__ = ["DEFAULT_TOKEN", "FakeZalo", "FakeZaloChat", "FakeZaloMessage", "FakeZaloUser", "ZaloCall", "ZaloFault"]
