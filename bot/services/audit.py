"""The audit log of administrative actions (role changes, links, claims)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
