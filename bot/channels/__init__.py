"""The messengers the bot serves. Each is a package here offering `configured(settings, **options)` (its channel
when the settings set it up, else None) and `link(settings, payload)` (a link that opens the bot on `payload`),
and may hold a `sandbox` (the messenger played on this computer, on a fake of its Bot API, for `loalang sandbox`).
The rest of the core knows them only through the messaging port (bot/messaging.py)."""

from __future__ import annotations

import importlib
import importlib.util
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


def sandbox() -> ModuleType:
    """The first messenger's sandbox: its module offers `run(settings, folder=, fresh=, port=, ready=)`."""
    for name in MESSENGERS:
        module = f"{__name__}.{name}.sandbox"
        if importlib.util.find_spec(module) is not None:
            return importlib.import_module(module)
    raise LookupError("no messenger here offers a sandbox")
