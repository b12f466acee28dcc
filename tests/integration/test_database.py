"""The database is the source of truth: migrations build exactly the models, and a failed journey
leaves neither data nor messages behind."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, insert, select, text

from bot.config import Settings
from bot.context import Context
from bot.database import Database, alembic_config
from bot.dispatcher import Dispatcher
from bot.messaging import Capabilities, ChatRef, Edit, Event, Incoming, Menu, Send, Sender
from bot.models import Base, Person
from bot.registry import Command, Registry
from bot.services import centers, people

NOW = datetime(2025, 10, 1, 1, 0, tzinfo=UTC)


CHAT = ChatRef("test", "42")


class RecordingMessenger:
    name = "test"
    capabilities = Capabilities()

    def __init__(self) -> None:
        self.sent: list[Send] = []

    async def send(self, message: Send) -> str | None:
        self.sent.append(message)
        return str(len(self.sent))

    async def edit(self, edit: Edit) -> None: ...

    async def set_menu(self, menu: Menu) -> None: ...

    def deep_link(self, payload: str) -> str:
        return f"https://t.me/test_bot?start={payload}"

    async def download(self, ref: str) -> bytes:
        raise AssertionError("no files in these tests")


@pytest.fixture
async def db(database_url: str):  # type: ignore[no-untyped-def]
    database = Database(database_url)
    await database.upgrade()
    yield database
    await database.dispose()


async def test_migrations_create_exactly_the_tables_of_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        diff = await connection.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    assert diff == []


async def test_upgrading_twice_is_harmless_and_reaches_the_head(db: Database) -> None:
    await db.upgrade()
    async with db.engine.connect() as connection:
        current = await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current == head is not None


async def test_people_named_before_names_were_folded_are_found_without_accents(db: Database) -> None:
    async with db.session() as session, session.begin():
        center = await centers.create_center(session, name="TTHTCĐ xã Thanh Bình", villages=["Thôn Đông"], now=NOW)
    await db.downgrade("0012")  # back to the database as it was before 0013 folded names
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO person (center_id, full_name, created_at, private_notices, anonymous)"
                " VALUES (:center, 'Nguyễn Thị Đào', :now, :no, :no)"
            ),
            {"center": center.id, "now": NOW.replace(tzinfo=None), "no": False},
        )
    await db.upgrade()
    async with db.session() as session:
        found = await people.named(session, center.id, "nguyen thi dao")
    assert [p.full_name for p in found] == ["Nguyễn Thị Đào"]


async def test_a_name_written_by_an_older_process_is_folded_by_the_daily_upkeep(db: Database) -> None:
    async with db.session() as session, session.begin():
        center = await centers.create_center(session, name="TTHTCĐ xã Thanh Bình", villages=["Thôn Đông"], now=NOW)
        names = ["Lê Văn Đức", *(f"Người Số {n}" for n in range(1000))]  # more than one batch
        await session.execute(  # as code older than 0013 writes people: no folded copy
            insert(Person),
            [{"center_id": center.id, "full_name": n, "created_at": NOW, "private_notices": False} for n in names],
        )
    async with db.session() as session, session.begin():
        assert await people.named(session, center.id, "le van duc") == []
        assert await people.fold_missing_names(session) == 1001
    async with db.session() as session:
        assert [p.full_name for p in await people.named(session, center.id, "Van Duc")] == ["Lê Văn Đức"]


async def _dispatch(db: Database, handler, text: str = "/try") -> tuple[RecordingMessenger, Dispatcher]:  # type: ignore[no-untyped-def]
    registry = Registry()
    registry.add(Command("try", handler, "try"))
    messenger = RecordingMessenger()
    settings = Settings(bot_token=None, _env_file=None)  # type: ignore[call-arg]
    dispatcher = Dispatcher(
        db=db, settings=settings, registry=registry, channels={"test": messenger}, clock=lambda: NOW
    )
    await dispatcher.handle(Incoming(Event.MESSAGE, CHAT, sender=Sender("42", "Lan", language_code="vi"), text=text))
    return messenger, dispatcher


async def _count(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def test_a_journey_that_fails_sends_nothing_it_prepared_and_saves_nothing(db: Database) -> None:
    async def fails_after_work(ctx: Context, args: str) -> None:
        await people.consent(ctx.session, channel="test", external_id="42", now=ctx.now, language=None, center_id=None)
        ctx.reply("You are registered!")
        raise RuntimeError("disk full")

    messenger, _ = await _dispatch(db, fails_after_work)
    assert [m.text for m in messenger.sent] == [
        "Xin lỗi, Loa Làng vừa gặp trục trặc. Chưa có gì được lưu; xin thử lại."
    ]
    assert await _count(db) == 0


async def test_a_journey_that_succeeds_commits_before_it_sends(db: Database) -> None:
    seen_at_send: list[int] = []

    async def works(ctx: Context, args: str) -> None:
        await people.consent(ctx.session, channel="test", external_id="42", now=ctx.now, language=None, center_id=None)
        ctx.reply("Saved")

    class CheckingMessenger(RecordingMessenger):
        async def send(self, message: Send) -> str | None:
            seen_at_send.append(await _count(db))  # another connection sees the row already
            return await super().send(message)

    registry = Registry()
    registry.add(Command("try", works, "try"))
    settings = Settings(bot_token=None, _env_file=None)  # type: ignore[call-arg]
    dispatcher = Dispatcher(
        db=db, settings=settings, registry=registry, channels={"test": CheckingMessenger()}, clock=lambda: NOW
    )
    await dispatcher.handle(Incoming(Event.MESSAGE, CHAT, sender=Sender("42", "Lan"), text="/try"))
    assert seen_at_send == [1]
