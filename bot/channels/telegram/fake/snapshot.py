"""Save the fake's world to a folder and load it back, so the local sandbox survives a restart.

The bot's database outlives the process, so the people, chats, histories, files and counters it
refers to must too. Pending updates are not kept: after a restart the bot simply never gets them.
Layout: `world.json`, plus each stored file's bytes under `files/<file_path>`.
"""

from __future__ import annotations

import json
import os
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from bot.channels.telegram.fake.chats import FakeChat
from bot.channels.telegram.fake.files import StoredFile
from bot.channels.telegram.fake.messages import JSON, FakeMessage
from bot.channels.telegram.fake.people import FakeUser
from bot.channels.telegram.fake.world import World

VERSION = 1
WORLD_FILE = "world.json"
FILES_DIR = "files"
BOT = "bot"  # a message's sender when the bot wrote it; user ids are ints


def save(world: World, folder: Path, *, extra: dict[str, Any] | None = None) -> None:
    """Write the world to `folder`; files first and the JSON last and atomically, so a kill never
    leaves a snapshot that refers to missing bytes or is half written."""
    snapshot: JSON = {
        "version": VERSION,
        "bot_id": world.bot.id,
        "extra": {} if extra is None else extra,
        "privacy_mode": world.privacy_mode,
        "allowed_updates": list(world.allowed_updates),
        "callback_queries": dict(world.callback_queries),
        "counters": {
            "last_update_id": world._last_update_id,
            "next_user_id": world._next_user_id,
            "next_group": world._next_group,
        },
        "files": [
            {f.name: getattr(stored, f.name) for f in fields(stored) if f.name != "content"}
            for stored in world.files.by_id.values()
        ],
        "users": [_user_json(user) for user in world.users.values()],
        "chats": [_chat_json(chat) for chat in world.chats.values()],
    }
    text = json.dumps(snapshot, ensure_ascii=False, indent=1)  # before touching disk: a bad `extra` changes nothing
    folder.mkdir(parents=True, exist_ok=True)
    for stored in world.files.by_id.values():
        target = _file_on_disk(folder, stored.file_path)
        if not (target.is_file() and target.stat().st_size == len(stored.content)):
            target.parent.mkdir(parents=True, exist_ok=True)
            _replace(target, stored.content)
    _replace(folder / WORLD_FILE, text.encode())


def load(world: World, folder: Path) -> dict[str, Any] | None:
    """Fill an empty, freshly built `world` from `folder` in place; return the saved `extra`
    ({} if none was given), or None when there is no snapshot (a first start)."""
    path = folder / WORLD_FILE
    if not path.is_file():
        return None
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    if snapshot.get("version") != VERSION:
        raise ValueError(f"{path}: unknown snapshot version {snapshot.get('version')!r}, expected {VERSION}")
    if snapshot["bot_id"] != world.bot.id:
        raise ValueError(
            f"{path} was saved for bot id {snapshot['bot_id']}, but this world's token is for bot {world.bot.id}; "
            "use the same token or another snapshot folder"
        )
    if world.users or world.chats or world.files.by_id or world.last_update_id:
        raise ValueError("load() fills a freshly built world; this one already has people, chats or updates")

    world.privacy_mode = snapshot["privacy_mode"]
    world.allowed_updates = list(snapshot["allowed_updates"])
    world.callback_queries = dict(snapshot["callback_queries"])
    counters = snapshot["counters"]
    world._last_update_id = counters["last_update_id"]
    world._next_user_id = counters["next_user_id"]
    world._next_group = counters["next_group"]
    for record in snapshot["files"]:
        target = _file_on_disk(folder, record["file_path"])
        if not target.is_file():
            raise ValueError(f"{path} refers to {target}, which is missing")
        stored = StoredFile(content=target.read_bytes(), **record)
        world.files.by_id[stored.file_id] = stored
        world.files.by_path[stored.file_path] = stored
    for record in snapshot["users"]:
        user = FakeUser(
            world, record["id"], record["first_name"], record["last_name"], record["username"], record["language_code"]
        )
        user.blocked_bot, user.started = record["blocked_bot"], record["started"]
        world.users[user.id] = user
    for record in snapshot["chats"]:
        chat = _restore_chat(world, record)
        world.chats[chat.id] = chat
    return snapshot["extra"]


# --- writing ---


def _user_json(user: FakeUser) -> JSON:
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "language_code": user.language_code,
        "blocked_bot": user.blocked_bot,
        "started": user.started,
    }


def _chat_json(chat: FakeChat) -> JSON:
    return {
        "id": chat.id,
        "type": chat.type,
        "title": chat.title,
        "user": chat.user.id if chat.user is not None else None,
        "members": {str(user_id): status for user_id, status in chat.members.items()},
        "migrated_to": chat.migrated_to,
        "bot_removed": chat.bot_removed,
        "bot_status": chat._bot_status,
        "messages": [_message_json(message) for message in chat.messages],
    }


def _message_json(message: FakeMessage) -> JSON:
    if message.reply_to is not None and message.reply_to.chat is not message.chat:
        raise ValueError(f"{message!r} replies to a message in another chat, which a snapshot cannot keep")
    data: JSON = {
        "message_id": message.message_id,
        "from": BOT if message.from_bot else message.sender.id,
        "date": _iso(message.date),
        "text": message.text,
        "entities": message.entities,
        "reply_markup": message.reply_markup,
        "photo": message.photo_file.file_id if message.photo_file else None,
        "document": message.document_file.file_id if message.document_file else None,
        "reply_to": message.reply_to.message_id if message.reply_to else None,
        "extra": message.extra,
        "edits": message.edits,
        "edit_date": _iso(message.edit_date) if message.edit_date else None,
    }
    empty = {"entities": [], "extra": {}, "edits": 0}  # what FakeMessage starts with anyway
    return {key: value for key, value in data.items() if value is not None and empty.get(key) != value}


# --- reading ---


def _restore_chat(world: World, record: JSON) -> FakeChat:
    if record["user"] is not None:
        chat = world.users[record["user"]].private_chat  # FakeUser built it; keep that very object
    else:
        chat = FakeChat(world, record["id"], record["type"], title=record["title"])
    chat.members = {int(user_id): status for user_id, status in record["members"].items()}
    chat.migrated_to = record["migrated_to"]
    chat.bot_removed = record["bot_removed"]
    chat._bot_status = record["bot_status"]
    by_id: dict[int, FakeMessage] = {}
    for data in record["messages"]:
        sender = world.bot if data["from"] == BOT else world.users[data["from"]]
        message = FakeMessage(
            chat=chat,
            sender=sender,
            message_id=data["message_id"],
            date=datetime.fromisoformat(data["date"]),
            text=data.get("text"),
            entities=data.get("entities"),
            reply_markup=data.get("reply_markup"),
            photo=world.files.by_id[data["photo"]] if "photo" in data else None,
            document=world.files.by_id[data["document"]] if "document" in data else None,
            reply_to=by_id[data["reply_to"]] if "reply_to" in data else None,
            extra=data.get("extra"),
        )
        message.edits = data.get("edits", 0)
        message.edit_date = datetime.fromisoformat(data["edit_date"]) if "edit_date" in data else None
        by_id[message.message_id] = message
        chat.messages.append(message)
    return chat


# --- disk ---


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _file_on_disk(folder: Path, file_path: str) -> Path:
    """Where a stored file's bytes live; a document's name decides its suffix, so refuse escapes."""
    parts = PurePosixPath(file_path).parts
    if not parts or parts[0] == "/" or ".." in parts or "\\" in file_path:
        raise ValueError(f"refusing to store a file at {file_path!r}: it would land outside {folder / FILES_DIR}")
    return folder.joinpath(FILES_DIR, *parts)


def _replace(target: Path, content: bytes) -> None:
    """Write beside `target`, then rename over it: readers see the old bytes or the new, never half."""
    temporary = target.with_name(f".{target.name}.tmp")
    with temporary.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
