"""The databases the suite runs on: SQLite (a copy of one migrated file per test) and PostgreSQL (a copy
of one migrated template database per test, made with CREATE DATABASE … TEMPLATE, which takes a few
milliseconds). TEST_DATABASES chooses them: "sqlite,postgresql" by default, "sqlite" on a machine with
no PostgreSQL. TEST_POSTGRES_URL names the server (default: postgres@localhost:5432, trust auth); where
none answers there, the run starts its own (tests/servers.py)."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import make_url

from bot.database import Database

BACKENDS = tuple(name.strip() for name in os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",") if name)
SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432")
_numbers = itertools.count()
T = TypeVar("T")


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run admin work on its own loop, whether or not a test's loop is running in this thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def admin_dsn(server: str) -> str:
    """asyncpg's URL of the server's own database, for creating and dropping the others."""
    return make_url(server).set(drivername="postgresql", database="postgres").render_as_string(False)


async def execute(server: str, *statements: str) -> None:
    connection = await asyncpg.connect(admin_dsn(server))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


class Postgres:
    """One migrated template per test run; a fresh copy of it per test."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.template = f"loalang_template_{os.getpid()}"

    def create_template(self) -> None:
        async def migrate() -> None:
            await execute(self.server, f"DROP DATABASE IF EXISTS {self.template}", f"CREATE DATABASE {self.template}")
            database = Database(self.url(self.template))
            await database.upgrade()
            await database.dispose()

        run(migrate())

    def url(self, name: str) -> str:
        """The product's URL of one database on this server (a host and port, or a Unix socket in ?host=)."""
        return make_url(self.server).set(drivername="postgresql+asyncpg", database=name).render_as_string(False)

    def copy(self) -> str:
        """A new database like the template; returns its name."""
        name = f"loalang_test_{os.getpid()}_{next(_numbers)}"
        run(execute(self.server, f"CREATE DATABASE {name} TEMPLATE {self.template} STRATEGY FILE_COPY"))
        return name

    def drop(self, name: str) -> None:
        run(execute(self.server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
