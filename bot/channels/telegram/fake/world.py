"""Everyone the fake knows, and the update queue the bot polls.

Test code acts as the people (`user.send`, `user.press`, `chat.add_bot`…); every action appends
to the chat's history and, when Telegram would tell the bot, enqueues an update shaped exactly
like Telegram's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

from bot.channels.telegram.fake.chats import FakeChat
from bot.channels.telegram.fake.files import FileStore
from bot.channels.telegram.fake.messages import JSON, BotIdentity
from bot.channels.telegram.fake.people import FakeUser

# Types delivered when getUpdates/setWebhook never named any (Telegram's default leaves these out).
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}


class World:
    """Everyone and everything the fake knows, plus the pending updates."""

    def __init__(
        self, *, token: str, bot_username: str, bot_first_name: str, clock: Callable[[], datetime] | None
    ) -> None:
        head, colon, secret = token.partition(":")
        if not (head.isdigit() and colon and secret):
            raise ValueError("a bot token looks like 123456:ABC…")
        self.token = token
        self.bot = BotIdentity(int(head), bot_first_name, bot_username)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.privacy_mode = False  # True: in groups the bot only sees commands, replies to it and service messages
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.files = FileStore()
        self.callback_queries: dict[str, bool] = {}  # id -> answered
        self.allowed_updates: list[str] = []
        self._updates: list[JSON] = []
        self._last_update_id = 0
        self._next_user_id = 1001
        self._next_group = 5001
        self._waiters: set[asyncio.Future[None]] = set()

    @property
    def bot_id(self) -> int:
        return self.bot.id

    @property
    def bot_username(self) -> str:
        return self.bot.username

    @property
    def last_update_id(self) -> int:
        """The id of the newest update ever enqueued (0 before the first)."""
        return self._last_update_id

    @property
    def pending_updates(self) -> list[JSON]:
        return list(self._updates)

    def drop_pending_updates(self) -> int:
        """Forget updates nobody has fetched, as `deleteWebhook(drop_pending_updates=True)` does."""
        dropped = len(self._updates)
        self._updates.clear()
        return dropped

    @property
    def waiting_polls(self) -> int:
        """getUpdates calls currently parked in long polling."""
        return len(self._waiters)

    def now(self) -> datetime:
        moment = self.clock()
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        *,
        language_code: str | None = "vi",
        username: str | None = None,
    ) -> FakeUser:
        user = FakeUser(self, self._next_user_id, first_name, last_name, username, language_code)
        self._next_user_id += 1
        self.users[user.id] = user
        self.chats[user.id] = user.private_chat
        return user

    def add_group(self, title: str, *, supergroup: bool = False) -> FakeChat:
        number = self._next_group
        self._next_group += 1
        chat = (
            FakeChat(self, -(1_000_000_000_000 + number), "supergroup", title=title)
            if supergroup
            else FakeChat(self, -number, "group", title=title)
        )
        self.chats[chat.id] = chat
        return chat

    def chat(self, chat_id: int) -> FakeChat:
        try:
            return self.chats[chat_id]
        except KeyError:
            raise KeyError(f"no chat {chat_id}; known: {sorted(self.chats)}") from None

    def new_callback_query(self) -> str:
        query_id = str(4_000_000_000_000_000_000 + len(self.callback_queries) + 1)
        self.callback_queries[query_id] = False
        return query_id

    # --- the update queue ---

    def enqueue(self, kind: str, payload: JSON) -> JSON:
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        self._updates.append(update)
        self.wake()
        return update

    def take_updates(self, offset: int | None, limit: int) -> list[JSON]:
        """getUpdates' queue rules: ids below a positive offset are confirmed and forgotten;
        a negative offset keeps only that many of the newest."""
        if offset is not None and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        wanted = set(self.allowed_updates) if self.allowed_updates else None
        kept = (
            [u for u in self._updates if _kind(u) in wanted]
            if wanted
            else [u for u in self._updates if _kind(u) not in NOT_BY_DEFAULT]
        )
        self._updates = kept  # updates of types the bot does not want are never stored
        return kept[:limit]

    def confirm_update(self, update_id: int) -> None:
        """A webhook post was answered 2xx: Telegram forgets that update."""
        self._updates = [u for u in self._updates if u["update_id"] != update_id]

    def drop_updates(self) -> None:
        self._updates.clear()

    def wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def changed(self, seconds: float) -> None:
        """Return when something is enqueued (or another poller starts), or after `seconds`."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, seconds)
        finally:
            self._waiters.discard(waiter)


def _kind(update: JSON) -> str:
    return next(key for key in update if key != "update_id")
