"""The messaging port: what a journey receives and what it may answer, with no messenger in sight.

Who and where are small values the channel gives: a chat is a `ChatRef` (the channel's name, its own id for
the chat as an opaque string, and whether the chat is a group, as the channel says), a person is a `Sender`
with the channel's opaque id. Nothing outside `bot/channels/` looks inside an id.

A button is only a label over a short typed command ("/lang en"), so every button also works
on a messenger that has none: typing the command does exactly what pressing does.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from bot.text import clip


class Event(enum.StrEnum):
    MESSAGE = "message"
    BUTTON = "button"
    BOT_ADDED = "bot_added"
    BOT_REMOVED = "bot_removed"
    BOT_BLOCKED = "bot_blocked"
    BOT_UNBLOCKED = "bot_unblocked"
    CHAT_MIGRATED = "chat_migrated"


@dataclass(frozen=True)
class ChatRef:
    """A chat on one channel. `group` is the channel's answer, given where the chat was met (an update, a
    group's row, a delivery); an edit does not consult it."""

    channel: str
    id: str
    group: bool = False


@dataclass(frozen=True)
class Capabilities:
    """What a channel can do. Journeys ask, and where it cannot they fall back: a numbered list for buttons,
    a new message for an edit, a link for a file."""

    buttons: bool = True
    edit: bool = True
    files: bool = True
    pictures: bool = True
    groups: bool = True
    chat_menus: bool = True
    links: bool = True  # a link opens the bot on a payload (Telegram's t.me/…?start=); else it is typed


@dataclass(frozen=True)
class Sender:
    id: str  # the channel's own id for the person; with the chat's channel, it names their account
    first_name: str = ""
    last_name: str | None = None
    language_code: str | None = None

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class FileRef:
    """A file someone sent: its name, size and the messenger's handle to download it."""

    name: str
    ref: str
    size: int | None = None


@dataclass(frozen=True)
class Incoming:
    """One thing that happened in a chat. For a button, `text` is the button's command."""

    event: Event
    chat: ChatRef
    chat_title: str | None = None
    sender: Sender | None = None
    text: str | None = None
    message_id: str | None = None
    forwarded_from: Sender | None = None
    forwarded_hidden: bool = False
    migrated_to: ChatRef | None = None
    document: FileRef | None = None
    shown: str | None = None  # for a button: the text of the message it was pressed on
    pressed: str | None = None  # for a button: its label

    @property
    def is_group(self) -> bool:
        return self.chat.group

    @property
    def channel(self) -> str:
        return self.chat.channel

    @property
    def command(self) -> tuple[str, str] | None:
        """("start", "claim_abc") for "/start claim_abc"; None for plain text."""
        if not self.text or not self.text.startswith("/"):
            return None
        parts = self.text[1:].split(maxsplit=1)
        if not parts:
            return None
        name = parts[0].split("@", 1)[0].lower()
        return (name, parts[1].strip() if len(parts) > 1 else "") if name else None


@dataclass(frozen=True)
class Choice:
    """A button. With `url` it opens a link (a deep link into the bot, say) instead of sending `command`."""

    label: str
    command: str = ""
    url: str | None = None

    LONGEST: ClassVar[int] = 64  # characters a label keeps (a report row's full name fits): then a word and "…"

    def __post_init__(self) -> None:
        if len(self.label) > self.LONGEST:
            object.__setattr__(self, "label", clip(self.label, self.LONGEST))


Keyboard = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes


@dataclass(frozen=True)
class Send:
    chat: ChatRef
    text: str
    choices: Keyboard = ()
    image: bytes | None = None
    file: Attachment | None = None
    tag: str | None = None  # names a message the core will edit later; its id is handed back after sending
    # An image drawn only when its turn to be sent comes, after the messages before it are out: a chart
    # must not hold up the figures it illustrates. Drawing reads nothing from the database.
    draw: Callable[[], bytes] | None = None
    typed_answer: bool = False  # answered with a number of its own: see bot/choices.py


@dataclass(frozen=True)
class Edit:
    """Change a message already sent; `text=None` changes only its buttons."""

    chat: ChatRef
    message_id: str
    text: str | None = None
    choices: Keyboard = ()


@dataclass(frozen=True)
class Menu:
    """The command menu for one language: for everyone's private chats, for groups, or for one chat."""

    commands: tuple[tuple[str, str], ...]
    language: str | None = None
    chat: ChatRef | None = None
    groups: bool = False


Effect = Send | Edit | Menu


@dataclass
class Outcome:
    """What the core asks the channel to do after the transaction has committed."""

    effects: list[Effect] = field(default_factory=list)
    toast: str | None = None


class RecipientGone(Exception):
    """The chat can no longer be written to: the bot was blocked, kicked, or the chat vanished."""

    def __init__(self, chat: ChatRef, reason: str) -> None:
        super().__init__(f"{chat.channel} {chat.id}: {reason}")
        self.chat = chat
        self.reason = reason


class ChatMoved(Exception):
    """A group became a supergroup with a new id."""

    def __init__(self, chat: ChatRef, new_chat: ChatRef) -> None:
        super().__init__(f"{chat.channel} {chat.id} -> {new_chat.id}")
        self.chat = chat
        self.new_chat = new_chat


class RateLimited(Exception):
    """The messenger asks us to wait before writing to this chat again."""

    def __init__(self, chat: ChatRef, retry_after: float) -> None:
        super().__init__(f"{chat.channel} {chat.id}: retry after {retry_after}s")
        self.chat = chat
        self.retry_after = retry_after


class TransientFailure(Exception):
    """A server error or a timeout: the message may or may not have arrived; trying again is right."""


class Messenger(Protocol):
    """What a channel (Telegram today, Zalo tomorrow) must offer the core. `name` is stored with every account,
    chat and delivery of the channel; `send` returns the channel's id of the message sent, for a later edit."""

    name: str
    capabilities: Capabilities

    async def send(self, message: Send) -> str | None: ...

    async def edit(self, edit: Edit) -> None: ...

    async def set_menu(self, menu: Menu) -> None: ...

    def deep_link(self, payload: str) -> str: ...

    async def download(self, ref: str) -> bytes: ...


class WebhookSide(Protocol):
    """What bot/webhook.py needs of a channel to serve its webhook: the header that carries the shared secret,
    a posted body read as an update (its id, its payload to save, and the update to hand on), and telling the
    messenger where to post."""

    header: str

    def parse(self, body: bytes) -> tuple[str, dict[str, Any], object] | None: ...

    def revive(self, payload: dict[str, Any]) -> object: ...

    async def enqueue(self, update: object) -> None: ...

    async def register(self, url: str, secret: str) -> None: ...

    @property
    def taking(self) -> bool: ...


class Channel(Messenger, Protocol):
    """A messenger this process serves: updates come in (polled, or posted to the webhook) and go to the
    dispatcher; the port's calls go out. `limits_key` names the bot on its messenger, for the sending limits
    that several processes share; `handled` counts the updates this process finished with."""

    dispatcher: Any
    limits_key: str
    handled: int
    on_handled: Callable[[str], Awaitable[None]] | None
    webhook: WebhookSide

    async def start(self, *, poll: bool = True) -> None: ...

    async def drain(self) -> None: ...

    async def stop(self) -> None: ...
