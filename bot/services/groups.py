"""The chat groups the bot sits in, and which village (or the whole commune) each speaks to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import ChatRef
from bot.models import GroupChat, Person, Village
from bot.services import audit


async def by_chat(session: AsyncSession, chat: ChatRef) -> GroupChat | None:
    return await session.scalar(
        select(GroupChat).where(GroupChat.channel == chat.channel, GroupChat.external_id == chat.id)
    )


async def joined(session: AsyncSession, *, chat: ChatRef, title: str | None, now: datetime) -> GroupChat:
    group = await by_chat(session, chat)
    if group is None:
        group = GroupChat(channel=chat.channel, external_id=chat.id, title=title, active=True, updated_at=now)
        session.add(group)
    group.active = True
    group.title = title or group.title
    group.updated_at = now
    await session.flush()
    return group


async def left(session: AsyncSession, *, chat: ChatRef, now: datetime) -> GroupChat | None:
    group = await by_chat(session, chat)
    if group is not None:
        group.active = False
        group.updated_at = now
    return group


async def migrated(session: AsyncSession, *, chat: ChatRef, new_chat: ChatRef, now: datetime) -> None:
    """Follow a group that moved to a new id (on Telegram, a group that became a supergroup). The messenger may
    tell both the old and the new chat, so this is idempotent: a second notice finds the row already moved."""
    group = await by_chat(session, chat)
    if group is None or await by_chat(session, new_chat) is not None:
        return
    group.external_id = new_chat.id
    group.updated_at = now
    audit.record(
        session,
        action="group.migrate",
        at=now,
        center_id=group.center_id,
        actor_id=None,
        channel=chat.channel,
        old_chat_id=chat.id,
        new_chat_id=new_chat.id,
    )


async def link(
    session: AsyncSession,
    *,
    chat: ChatRef,
    title: str | None,
    center_id: int,
    village: Village | None,
    by: Person,
    now: datetime,
) -> GroupChat:
    group = await joined(session, chat=chat, title=title, now=now)
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
        channel=chat.channel,
        chat_id=chat.id,
        village_id=group.village_id,
    )
    return group
