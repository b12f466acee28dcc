"""An in-repo fake of the Telegram Bot API, for tests, the local sandbox and benchmarks.

The real python-telegram-bot `Application` runs against it unchanged, through the same HTTP
requests and answers as production: in-process via `FakeTelegram.transport()`, or over loopback
via `FakeTelegram.serve()`. Test code plays the people (`FakeUser`, `FakeChat`).

    fake = FakeTelegram()
    request = lambda: HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    app = (Application.builder().token(fake.token).base_url(fake.base_url)
           .base_file_url(fake.base_file_url).request(request()).get_updates_request(request()).build())
    lan = fake.add_user("Lan")
    lan.send("/start")                      # the bot gets it on its next getUpdates
    await fake.wait_for(lambda: lan.private_chat.bot_messages)
"""

from __future__ import annotations

from bot.channels.telegram.fake.chats import FakeChat
from bot.channels.telegram.fake.errors import ApiError
from bot.channels.telegram.fake.fake import DEFAULT_TOKEN, FakeTelegram
from bot.channels.telegram.fake.faults import Fault
from bot.channels.telegram.fake.files import UploadedFile
from bot.channels.telegram.fake.messages import FakeMessage
from bot.channels.telegram.fake.people import FakeUser
from bot.channels.telegram.fake.server import ApiCall

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "FakeChat",
    "FakeMessage",
    "FakeTelegram",
    "FakeUser",
    "Fault",
    "UploadedFile",
]
