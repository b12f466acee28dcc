"""The audit log of administrative actions: role changes, links, claims, edits, cancellations, imports and
deletions of personal data. It holds ids, never names, so forgetting a person leaves nothing of them here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import AuditEntry


def record(
    session: AsyncSession,
    *,
    action: str,
    at: datetime,
    center_id: int | None,
    actor_id: int | None,
    **detail: Any,
) -> None:
    session.add(AuditEntry(action=action, at=at, center_id=center_id, actor_id=actor_id, detail=detail))


async def latest(session: AsyncSession, center_id: int, *, limit: int, offset: int = 0) -> list[AuditEntry]:
    """The center's log, newest first (what /audit pages through)."""
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.center_id == center_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows)
