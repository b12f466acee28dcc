"""Fixtures: a controllable clock, the fake Bot API, and the real bot running against it."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.bootstrap import LoaLang, bootstrap
from bot.channels.telegram.fake import FakeChat, FakeMessage, FakeTelegram, FakeUser
from bot.channels.zalo.fake import FakeZalo
from bot.config import Settings
from bot.database import Database
from bot.messaging import Channel, Messenger
from bot.models import InviteKind
from bot.services import centers, invites
from bot.webhook import Webhook
from scheduler.limits import Limits
from tests import databases, servers

PUBLIC = "http://loalang.test"  # PUBLIC_BASE_URL in tests: the fake Zalo fetches pictures from the bot there


class Clock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class Bot:
    """The real Application, on a file database, talking to the fake Bot API in-process; with `zalo`, to the fake
    Zalo Bot API too, whose photo fetches reach the bot's own web server (bot/webhook.py) in-process."""

    def __init__(
        self,
        settings: Settings,
        fake: FakeTelegram,
        clock: Clock,
        more_channels: tuple[Messenger, ...] = (),
        zalo: FakeZalo | None = None,
    ) -> None:
        self.settings = settings
        self.more_channels = more_channels
        self.fake = fake
        self.zalo = zalo
        self.clock = clock
        self.app: LoaLang | None = None
        # Our own limiter runs on real time; scaled up so retries in a frozen-clock test need no real waiting.
        # tests/e2e/test_outbox_faults.py runs the real limits against the fake's enforcement.
        self.limits = Limits().scaled(20)

    async def start(self) -> None:
        self.app = bootstrap(
            self.settings,
            clock=self.clock,
            transport=self.fake.transport(),
            transports={"zalo": self.zalo.transport()} if self.zalo else None,
            limits=self.limits,
            more_channels=self.more_channels,
        )
        if self.zalo is not None:
            web = Webhook(self.app, url=None, secret="a secret for tests")
            self.zalo.fetch_transport = httpx.ASGITransport(app=web.asgi)
        await self.app.start(migrate=False)  # the database is a copy of one migrated once per run

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def served(self, name: str) -> Channel:
        assert self.app is not None
        return next(channel for channel in self.app.channels if channel.name == name)

    async def settle(self) -> None:
        """Wait until the bot has handled every update the fakes have handed out."""
        if self.settings.bot_token is not None:
            target = self.fake.last_update_id
            await self.fake.wait_for(lambda: self.app is not None and self.served("telegram").last_update_id >= target)
        if self.zalo is not None:
            zalo = self.zalo
            await zalo.wait_for(lambda: not zalo.pending and self.served("zalo").handled >= zalo.taken)

    async def say(self, user: FakeUser, text: str, chat: FakeChat | None = None) -> list[FakeMessage]:
        """A person sends text; returns what the bot answered in that chat."""
        chat = chat or user.private_chat
        before = len(chat.bot_messages)
        user.send(text, chat)
        await self.settle()
        return chat.bot_messages[before:]

    async def press(self, user: FakeUser, message: FakeMessage, button: str) -> list[FakeMessage]:
        chat = self.fake.chat(message.chat_id)
        before = len(chat.bot_messages)
        user.press(message, button)
        await self.settle()
        return chat.bot_messages[before:]

    async def forward(self, user: FakeUser, message: FakeMessage, *, hidden: bool = False) -> list[FakeMessage]:
        before = len(user.private_chat.bot_messages)
        user.forward(message, hidden=hidden)
        await self.settle()
        return user.private_chat.bot_messages[before:]

    async def deliver(self) -> None:
        """Run the sender now, as the scheduler would when the frozen clock says rows are due."""
        assert self.app is not None
        await self.app.sender.run_due()

    async def create_center(
        self,
        name: str = "TTHTCĐ xã Thanh Bình",
        villages: tuple[str, ...] = ("Thôn Đông", "Thôn Tây", "Thôn Bắc"),
        locale: str = "vi",
    ) -> str:
        """A center as `loalang center add` makes it; returns the director's claim payload."""
        assert self.app is not None
        async with self.app.db.session() as session, session.begin():
            center = await centers.create_center(
                session, name=name, villages=list(villages), now=self.clock(), locale=locale
            )
            claim = await invites.create(session, center_id=center.id, kind=InviteKind.DIRECTOR, now=self.clock())
            return invites.payload(claim)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 9, 29, 2, 0, tzinfo=UTC))


@pytest.fixture
def fake(clock: Clock) -> FakeTelegram:
    return FakeTelegram(clock=clock)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database brought to the head revision by Alembic; each test starts from a copy of it."""
    path = tmp_path_factory.mktemp("template") / "loalang.db"

    async def migrate() -> None:
        database = Database(f"sqlite+aiosqlite:///{path}")
        await database.upgrade()
        await database.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture(scope="session", params=databases.BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every test that uses the database runs once per backend (see tests/databases.py)."""
    return str(request.param)


@pytest.fixture(scope="session")
def postgres() -> Iterator[databases.Postgres]:
    with servers.postgres(databases.SERVER) as url:
        server = databases.Postgres(url)
        server.create_template()
        yield server
        server.drop(server.template)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """TEST_REDIS_URL's Redis (default: the machine's, database 15), or a throwaway one (tests/servers.py)."""
    with servers.redis_server(os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/15")) as url:
        yield url


@pytest.fixture
def database_url(
    backend: str, tmp_path: Path, migrated_database: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    if backend == "sqlite":
        shutil.copyfile(migrated_database, tmp_path / "loalang.db")
        yield f"sqlite+aiosqlite:///{tmp_path / 'loalang.db'}"
        return
    server: databases.Postgres = request.getfixturevalue("postgres")
    name = server.copy()
    yield server.url(name)
    server.drop(name)


@pytest.fixture
def settings(fake: FakeTelegram, database_url: str) -> Settings:
    return Settings(
        bot_token=fake.token,
        bot_api_base_url=fake.base_url,
        database_url=database_url,
        flood_per_minute=10_000,  # tests type faster than any person; tests/e2e/test_flood.py sets the real one
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
async def bot(settings: Settings, fake: FakeTelegram, clock: Clock) -> AsyncIterator[Bot]:
    harness = Bot(settings, fake, clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
        await asyncio.sleep(0)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path) -> None:
    """`loalang` run as a command on the test's database, with no token."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("BOT_TOKEN", raising=False)


@pytest.fixture
def zalo(clock: Clock) -> FakeZalo:
    return FakeZalo(clock=clock)


@pytest.fixture
def both_settings(settings: Settings, zalo: FakeZalo) -> Settings:
    """Telegram and Zalo served from one database, as `loalang run` does with both tokens set."""
    return settings.model_copy(
        update={
            "zalo_bot_token": SecretStr(zalo.token),
            "zalo_api_base_url": zalo.base_url,
            "public_base_url": PUBLIC,
        }
    )


@pytest.fixture
async def both(both_settings: Settings, fake: FakeTelegram, zalo: FakeZalo, clock: Clock) -> AsyncIterator[Bot]:
    harness = Bot(both_settings, fake, clock, zalo=zalo)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
        await asyncio.sleep(0)


@pytest.fixture(params=["vi", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    """Run a journey once per language: the person's Telegram app is set to it."""
    return str(request.param)
