"""Pictures and files handed out as links: for a messenger that takes a picture only as a URL it fetches (Zalo),
or takes no files at all. Each is a row (`shared_file`) served by the bot's web server (bot/web.py) at
PUBLIC_BASE_URL/f/<token>/<name>, where the token is 32 random bytes: unguessable, and gone after `KEEP`.

A picture's link is fetched by the messenger at once; a file's is opened by a person, maybe the next morning,
so it keeps a day too; expired rows go whenever another is put. A report or someone's own data is personal:
the address is the only key, so it is sent only to the person who asked, and it expires."""

from __future__ import annotations

import mimetypes
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.database import Database
from bot.models import SharedFile

KEEP = timedelta(days=1)
PATH = "/f/{token}/{name}"
ROUTE = "/f/{token}/{name:path}"  # PATH as a web server's route
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def keep(
    session: AsyncSession, base_url: str, content: bytes, filename: str, now: datetime, *, owner: int | None = None
) -> str:
    """Add `content` to the session's transaction, kept for `KEEP`; its public address once committed. `owner`:
    the person it is about, with whom it goes when they are forgotten."""
    name = _SAFE.sub("-", filename).strip("-")[:200] or "file"
    token = secrets.token_urlsafe(32)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    session.add(
        SharedFile(
            token=token,
            person_id=owner,
            filename=name,
            media_type=media_type,
            content=content,
            created_at=now,
            expires_at=now + KEEP,
        )
    )
    return base_url.rstrip("/") + PATH.format(token=token, name=quote(name))


class Shelf:
    def __init__(self, db: Database, public_base_url: str, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.base = public_base_url.rstrip("/")
        self.clock = clock

    async def put(self, content: bytes, filename: str) -> str:
        """Keep `content` for `KEEP` in a transaction of its own (expired rows go in it); its public address."""
        now = self.clock()
        async with self.db.session() as session, session.begin():
            await purge(session, now)
            return keep(session, self.base, content, filename, now)

    async def take(self, token: str) -> SharedFile | None:
        """The file under `token`, unless it has expired."""
        async with self.db.session() as session:
            found = await session.scalar(select(SharedFile).where(SharedFile.token == token))
        return found if found is not None and found.expires_at > self.clock() else None


async def purge(session: AsyncSession, now: datetime) -> None:
    """What has expired goes (retention runs it daily, and each new picture)."""
    await session.execute(delete(SharedFile).where(SharedFile.expires_at <= now))
