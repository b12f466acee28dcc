"""What happens when a chat can no longer be written to, wherever we found out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import ChatRef
from bot.models import Account, Person
from bot.services import groups


async def gone(session: AsyncSession, chat: ChatRef, now: datetime) -> None:
    """A group that removed the bot is made inactive; a person who blocked it is marked blocked."""
    if chat.group:
        await groups.left(session, chat=chat, now=now)
        return
    person = await session.scalar(
        select(Person).join(Account).where(Account.channel == chat.channel, Account.external_id == chat.id)
    )
    if person is not None and person.blocked_at is None:
        person.blocked_at = now
