"""What happens when a chat can no longer be written to, wherever we found out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Person
from bot.services import groups


async def gone(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """A group that removed the bot is made inactive; a person who blocked it is marked blocked."""
    if chat_id < 0:
        await groups.left(session, chat_id=chat_id, now=now)
        return
    person = await session.scalar(select(Person).where(Person.telegram_user_id == chat_id))
    if person is not None and person.blocked_at is None:
        person.blocked_at = now
