"""The Zalo channel: the Zalo Bot Platform (bot/channels/zalo/client.py) on one side, the messaging port on the
other.

Zalo does far less than Telegram (../shared/ZALO.md): no buttons, no edits, no groups, no files, no command
menus, no link that opens the bot on a payload. The capabilities say so and the core falls back: numbered
choices, new messages, links to files. A picture goes out as a URL Zalo fetches, served by the bot's own web
server (bot/shelf.py); without PUBLIC_BASE_URL only its caption is sent. A text longer than Zalo's 2,000
characters goes as several messages, split on line breaks; if a later part fails, the outbox sends them all
again (a part read twice is better than a part missing).

Updates come from long polling (one per call) or the webhook; either way they wait in one queue, worked
through by one task when polling (in order) or several when posted (each chat's in turn)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

from bot.channels.turns import ChatTurns
from bot.channels.zalo.client import NotZalo, ZaloClient, ZaloError
from bot.channels.zalo.webhook import ZaloWebhook
from bot.messaging import (
    Capabilities,
    ChatRef,
    Edit,
    Event,
    Incoming,
    Menu,
    RateLimited,
    RecipientGone,
    Send,
    Sender,
    TransientFailure,
)

if TYPE_CHECKING:
    from bot.dispatcher import Dispatcher
    from bot.shelf import Shelf
    from scheduler.limits import Limits

log = logging.getLogger(__name__)

NAME = "zalo"
TEXT = 2000  # characters in a text or a caption
POLL = 30  # seconds a long poll may wait
QUICKEST_EMPTY_POLL = 0.5  # seconds: an empty answer sooner than this waits so long before asking again
RETRY_AFTER = 5.0  # Zalo publishes no limits and no retry_after: wait this long after a 429
GONE = (403, 404)  # blocked, or a chat the platform does not know
TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"


def chat_ref(chat: dict[str, Any]) -> ChatRef:
    return ChatRef(NAME, str(chat.get("id", "")), str(chat.get("chat_type", "PRIVATE")).upper() == "GROUP")


class ZaloChannel:
    """Implements `bot.messaging.Channel` on the Zalo Bot Platform."""

    name = NAME

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        shelf: Shelf | None = None,
        concurrent_updates: int = 1,
    ) -> None:
        self.client = ZaloClient(token, base_url, transport=transport)
        self.shelf = shelf
        self.capabilities = Capabilities(
            buttons=False,
            edit=False,
            files=False,
            pictures=shelf is not None,
            groups=False,
            chat_menus=False,
            links=False,
        )
        self.limits: Limits | None = None  # the sending limits Zalo does not publish: a setting (bootstrap)
        self.limits_key = f"zalo:{token.split(':', 1)[0]}"  # the bot's id; Telegram's keys are bare numbers
        self.webhook = ZaloWebhook(self)
        self.workers = max(1, concurrent_updates)
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.dispatcher: Dispatcher | None = None
        self.handled = 0  # updates finished with (tests and the sandbox wait on it)
        self.on_handled: Callable[[str], Awaitable[None]] | None = None  # webhook mode: bot/inbox.py forgets it
        self.account_name = ""
        self.running = False
        self._tasks: list[asyncio.Task[None]] = []
        self._poller: asyncio.Task[None] | None = None
        self._turns = ChatTurns()

    async def start(self, *, poll: bool = True) -> None:
        me = await self.client.get_me()
        self.account_name = str(me.get("account_name") or me.get("display_name") or "")
        self.running = True
        self._tasks = [asyncio.create_task(self._work()) for _ in range(1 if poll else self.workers)]
        if poll:
            await self.client.delete_webhook()  # Zalo serves no polls while a webhook is set
            self._poller = asyncio.create_task(self._poll())
        if self.shelf is None:
            log.warning("PUBLIC_BASE_URL is not set: Zalo gets no pictures, and files are not offered as links")
        log.info("on Zalo as %s", self.account_name or "the bot")

    async def drain(self) -> None:
        """Take no more updates and finish the ones received; sending still works until `stop`."""
        self.running = False
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self._tasks:
            await self.queue.join()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._tasks = []

    async def stop(self) -> None:
        await self.drain()
        await self.client.aclose()

    async def _poll(self) -> None:
        pause = 1.0
        while True:
            asked = time.monotonic()
            try:
                updates = await self.client.get_updates(POLL)
                pause = 1.0
            except (ZaloError, NotZalo, httpx.HTTPError) as error:
                if isinstance(error, httpx.TimeoutException):
                    continue  # a long poll that outlived our patience: ask again
                log.warning("Zalo getUpdates failed (%s); trying again in %.0f s", error, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 60.0)
                continue
            for update in updates:
                await self.queue.put(update)
            if not updates and time.monotonic() - asked < QUICKEST_EMPTY_POLL:
                await asyncio.sleep(QUICKEST_EMPTY_POLL)  # an empty answer at once: no long poll, so no hammering

    async def _work(self) -> None:
        while True:
            update = await self.queue.get()
            try:
                await self._in_turn(update)
            except Exception:
                log.exception("a Zalo update could not be processed")
            finally:
                self.queue.task_done()

    async def _in_turn(self, update: dict[str, Any]) -> None:
        """Each chat's updates are handled in the order they came, whatever the number of workers."""
        async with self._turns.turn(str(_chat_of(update).get("id", ""))):
            await self._handle(update)

    async def _handle(self, update: dict[str, Any]) -> None:
        assert self.dispatcher is not None, "bootstrap wires the dispatcher before starting"
        try:
            incoming = to_incoming(update)
            if incoming is not None:
                await self.dispatcher.handle(incoming)
        finally:
            try:
                key = update_key(update)
                if self.on_handled is not None and key is not None:
                    await self.on_handled(key)
            finally:
                self.handled += 1

    # --- the Messenger port ---

    async def send(self, message: Send) -> str | None:
        parts = split(message.text, TEXT)
        sent: dict[str, Any] = {}
        try:
            if message.image is not None and self.shelf is not None:
                url = await self.shelf.put(message.image, "image.png")
                caption = parts.pop(0) if parts and len(parts[0]) <= TEXT else None
                sent = await self.client.send_photo(message.chat.id, url, caption)
            for part in parts:
                sent = await self.client.send_message(message.chat.id, part)
        except ZaloError as error:
            raise _port_error(message.chat, error) from None
        except (httpx.HTTPError, NotZalo) as failure:
            raise TransientFailure(f"{type(failure).__name__}: {failure}") from None
        # Zalo edits nothing, so the id is only a receipt: a check-in screen is renewed whether or not it came
        return str(sent.get("message_id") or "")

    async def edit(self, edit: Edit) -> None:
        """Zalo edits nothing; the core sends a new message instead (bot/dispatcher.py), so this is a last guard."""
        if edit.text is not None:
            await self.send(Send(edit.chat, edit.text))

    async def set_menu(self, menu: Menu) -> None:
        """Zalo has no command menus."""

    def deep_link(self, payload: str) -> str:
        """Zalo has no link that opens the bot on a payload: what to type to the bot instead."""
        return f"/start {payload}".strip() if payload else "/start"

    async def download(self, ref: str) -> bytes:
        raise LookupError("files cannot be sent to a Zalo bot")


def _port_error(chat: ChatRef, error: ZaloError) -> Exception:
    if error.code == 429:
        wait = error.parameters.get("retry_after")
        return RateLimited(chat, float(wait) if isinstance(wait, int | float) else RETRY_AFTER)
    if error.code in GONE:
        return RecipientGone(chat, error.description)
    if error.code >= 500:
        return TransientFailure(f"Zalo {error.code}: {error.description}")
    return error


def split(text: str, limit: int) -> list[str]:
    """`text` as parts of at most `limit` characters, cut at line breaks where it can, else at spaces."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip(" ")
        joined = f"{current}\n{line}" if current else line
        if len(joined) > limit:
            parts.append(current)
            current = line
        else:
            current = joined
    if current.strip() or not parts:
        parts.append(current)
    return [part for part in parts if part.strip()] or [text[:limit] or "…"]


def _chat_of(update: dict[str, Any]) -> dict[str, Any]:
    message = update.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    return chat if isinstance(chat, dict) else {}


def update_key(update: dict[str, Any]) -> str | None:
    """Zalo gives updates no id: the message's id names one (what a repeated post repeats)."""
    message = update.get("message")
    key = message.get("message_id") if isinstance(message, dict) else None
    return str(key) if key not in (None, "") else None


def to_incoming(update: dict[str, Any]) -> Incoming | None:
    """The messenger-neutral view of an update, or None for what no journey cares about. A picture, a sticker or
    what Zalo cannot show a bot (a protected user's message) arrives as a message with no words, so the person
    is told what can be typed."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    author = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = _chat_of(update) or ({"id": author.get("id")} if author.get("id") else {})
    if not chat.get("id") or author.get("is_bot"):
        return None
    event = str(update.get("event_name", ""))
    if event == TEXT_EVENT:
        text = message.get("text")
    elif event == IMAGE_EVENT:
        text = message.get("caption")
    else:
        text = None
    if event not in (TEXT_EVENT, IMAGE_EVENT) and not event.startswith("message."):
        log.info("a Zalo event no journey knows was ignored: %s", event[:64])
        return None
    sender = None
    if author.get("id"):
        name = str(author.get("display_name") or author.get("first_name") or author.get("name") or "")
        sender = Sender(str(author["id"]), name)
    return Incoming(
        Event.MESSAGE,
        chat_ref(chat),
        sender=sender,
        text=str(text) if isinstance(text, str) else "",
        message_id=update_key(update),
    )
