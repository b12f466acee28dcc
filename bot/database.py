"""Engine, sessions and migrations. SQLite by default; PostgreSQL through asyncpg."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Insert, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # A generic plan, which PostgreSQL may switch to after five runs of a statement, guesses badly at the
    # date ranges of /stats (91 sessions for 18,000): plan each run for its own values.
    # Enough connections for the updates handled at once (bot/webhook.py's 16) and the sender, the inbox and
    # the wake-ups beside them: a pool smaller than that opens and closes a connection for every update.
    # No ping before each use: after PostgreSQL restarts, the first statement on a stale connection fails,
    # the pool is emptied and that person is asked to try again (bench/checkin_storm.py --restart-postgres).
    return create_async_engine(  # errors are logged without their SQL parameters: those are names
        url,
        pool_size=20,
        max_overflow=10,
        hide_parameters=True,
        connect_args={"server_settings": {"plan_cache_mode": "force_custom_plan"}},
    )


def insert_unless_there(session: AsyncSession, entity: type, *keys: object) -> Insert:
    """INSERT … ON CONFLICT (keys) DO NOTHING, in the dialect of the session's database: one statement that
    races safely, where a SELECT then an INSERT would not."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    return insert(entity).on_conflict_do_nothing(index_elements=list(keys))


class Database:
    """One engine and its session factory, handed to everything that needs data."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> AsyncSession:
        return self.sessions()

    async def upgrade(self, revision: str = "head") -> None:
        """Apply pending migrations on this database's own connection."""
        await self._migrate(lambda connection: _upgrade(connection, revision))

    async def downgrade(self, revision: str) -> None:
        await self._migrate(lambda connection: command.downgrade(alembic_config(connection), revision))

    async def _migrate(self, work: Callable[[Connection], None]) -> None:
        """One transaction, on both databases. SQLite changes a table by building a new copy and dropping the old
        one, and dropping `person` with foreign keys on would delete every row that points at it (ON DELETE
        CASCADE): on SQLite migrations run with foreign keys off (the pragma takes effect only outside a
        transaction, hence its own commit), and the keys are checked before the commit. Python's sqlite3 opens a
        transaction only before a data change, so its DDL would commit statement by statement: an explicit BEGIN
        keeps a migration that fails half way (a refused downgrade, say) from leaving its first steps behind."""
        async with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                await connection.commit()
            try:
                async with connection.begin():
                    if sqlite:
                        await connection.exec_driver_sql("BEGIN")
                    await connection.run_sync(work)
                    if sqlite:
                        broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                        if broken:
                            raise RuntimeError(f"the migration left {len(broken)} rows pointing nowhere: {broken[:5]}")
            finally:
                if sqlite:
                    await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    await connection.commit()

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":  # processes starting together migrate one after another
        connection.execute(text("SELECT pg_advisory_xact_lock(7155)"))
    command.upgrade(alembic_config(connection), revision)
