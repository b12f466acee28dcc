"""The fake Zalo's world saved to a folder and loaded back, for the sandbox: a restart carries on where it
stopped. Only what the people see is kept: who they are and what was said (a picture as its address; the bot's
own web server keeps the picture until its link expires)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.channels.zalo.fake.fake import FakeZalo
from bot.channels.zalo.fake.world import FakeZaloChat, FakeZaloMessage

FILE = "world.json"


def save(fake: FakeZalo, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "users": [
            {"id": user.id, "display_name": user.display_name, "blocked_bot": user.blocked_bot}
            for user in fake.users.values()
        ],
        "chats": [
            {
                "id": chat.id,
                "group": chat.group,
                "messages": [{**asdict(message), "photo": None} for message in chat.messages],
            }
            for chat in fake.chats.values()
        ],
    }
    partial = folder / (FILE + ".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False))
    os.replace(partial, folder / FILE)  # a kill mid-write leaves the last whole save


def load(fake: FakeZalo, folder: Path) -> bool:
    """Fill `fake` from the folder; False when nothing was saved there."""
    path = folder / FILE
    if not path.exists():
        return False
    data: dict[str, Any] = json.loads(path.read_text())
    for chat in data["chats"]:
        fake.chats[chat["id"]] = FakeZaloChat(
            chat["id"], chat["group"], [FakeZaloMessage(**message) for message in chat["messages"]]
        )
    for user in data["users"]:
        added = fake.add_user(user["display_name"], user["id"])
        added.blocked_bot = user["blocked_bot"]
    return True
