"""The messengers the bot serves. Each is a package here offering `configured(settings, **options)` (its channel
when the settings set it up, else None) and `link(settings, payload)` (a link that opens the bot on `payload`),
and a `fake` of its Bot API; `sandbox/` plays them all on this computer (`loalang sandbox`). The rest of the core
knows them only through the messaging port (bot/messaging.py)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from bot.config import Settings
from bot.messaging import Channel

MESSENGERS = ("telegram", "zalo")  # the order in which they are asked: the first found is the primary channel


def _packages() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{name}") for name in MESSENGERS]


def configured(settings: Settings, **options: Any) -> list[Channel]:
    """Every channel the settings set up."""
    return [channel for package in _packages() if (channel := package.configured(settings, **options)) is not None]


async def link(settings: Settings, payload: str) -> str:
    """A link that opens the bot on `payload`, from the first channel that can make one; otherwise the line to
    send it (`/start <payload>`), which works on every channel."""
    for package in _packages():
        made = await package.link(settings, payload)
        if made is not None:
            return made
    return f"/start {payload}"


def load_sandbox() -> ModuleType:
    """The sandbox (bot/channels/sandbox): every messenger played on this computer, on the fakes of their Bot
    APIs. Its module offers `run(settings, folder=, fresh=, port=, ready=)`; it is loaded only for the sandbox."""
    return importlib.import_module(f"{__name__}.sandbox")
