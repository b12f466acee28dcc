"""The chat groups the bot sits in, and which village (or the whole commune) each speaks to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import GroupChat, Person, Village
from bot.services import audit


async def by_chat(session: AsyncSession, chat_id: int) -> GroupChat | None:
    return await session.scalar(select(GroupChat).where(GroupChat.telegram_chat_id == chat_id))


async def joined(session: AsyncSession, *, chat_id: int, title: str | None, now: datetime) -> GroupChat:
    group = await by_chat(session, chat_id)
    if group is None:
        group = GroupChat(telegram_chat_id=chat_id, title=title, active=True, updated_at=now)
        session.add(group)
    group.active = True
    group.title = title or group.title
    group.updated_at = now
    await session.flush()
    return group


async def left(session: AsyncSession, *, chat_id: int, now: datetime) -> GroupChat | None:
    group = await by_chat(session, chat_id)
    if group is not None:
        group.active = False
        group.updated_at = now
    return group


async def migrated(session: AsyncSession, *, chat_id: int, new_chat_id: int, now: datetime) -> None:
    """Follow a group that became a supergroup. Telegram tells both the old and the new chat,
    so this is idempotent: a second notice finds the row already moved."""
    group = await by_chat(session, chat_id)
    if group is None or await by_chat(session, new_chat_id) is not None:
        return
    group.telegram_chat_id = new_chat_id
    group.updated_at = now
    audit.record(
        session,
        action="group.migrate",
        at=now,
        center_id=group.center_id,
        actor_id=None,
        old_chat_id=chat_id,
        new_chat_id=new_chat_id,
    )


async def link(
    session: AsyncSession,
    *,
    chat_id: int,
    title: str | None,
    center_id: int,
    village: Village | None,
    by: Person,
    now: datetime,
) -> GroupChat:
    group = await joined(session, chat_id=chat_id, title=title, now=now)
    group.center_id = center_id
    group.village_id = village.id if village else None
    group.village = village
    group.linked_by_id = by.id
    audit.record(
        session,
        action="group.link",
        at=now,
        center_id=center_id,
        actor_id=by.id,
        chat_id=chat_id,
        village_id=group.village_id,
    )
    return group
