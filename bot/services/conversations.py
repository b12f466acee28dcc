"""Conversation steps live in the database so that a restart mid-question loses nothing."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.database import Database
from bot.messaging import ChatRef
from bot.models import Conversation

# Built once: every text asks. FOR UPDATE: two processes handed one person's two answers at once take them
# one after the other, the second reading the step the first moved to (SQLite, one process, has no need).
_CURRENT = select(Conversation).where(Conversation.person_id == bindparam("person_id")).with_for_update()


async def current(session: AsyncSession, person_id: int) -> Conversation | None:
    """The step the person is at, held until this transaction ends."""
    return await session.scalar(_CURRENT, {"person_id": person_id})


async def move_to(
    session: AsyncSession,
    person_id: int,
    journey: str,
    step: enum.Enum,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> Conversation:
    """Put the person at `step` of `journey`, replacing whatever journey they were in."""
    conversation = await current(session, person_id)
    if conversation is None:
        conversation = Conversation(person_id=person_id, journey=journey, step=step.value, data={})
        session.add(conversation)
    elif conversation.journey != journey:  # the same row, so that an answer waiting on it reads the new journey
        conversation.journey, conversation.data = journey, {}
    conversation.step = step.value
    conversation.data = {**conversation.data, **(data or {})}
    conversation.updated_at = now
    await session.flush()
    return conversation


async def finish(session: AsyncSession, person_id: int) -> None:
    await session.execute(delete(Conversation).where(Conversation.person_id == person_id))


QUESTION = "question"  # the tag of a journey's question when sent (bot/dispatcher.py)
ASKED = "asked"  # in a conversation's data: the message id of the question on show, to take its buttons off


async def asked(db: Database, tag: str, chat: ChatRef, message_id: str) -> None:
    """A journey's question was sent: keep its id, so that an answer typed instead of pressed closes it."""
    kind, _, key = tag.partition(":")
    if kind != QUESTION or not key.isdigit():
        return
    async with db.session() as session, session.begin():
        conversation = await session.get(Conversation, int(key))
        if conversation is not None:
            conversation.data = {**conversation.data, ASKED: message_id}
