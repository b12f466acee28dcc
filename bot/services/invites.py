"""One-time deep links. Redeeming is a single conditional UPDATE, so two people opening the
same link at once can never both succeed."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Invite, InviteKind

PREFIX = "inv-"


async def create(
    session: AsyncSession,
    *,
    center_id: int | None,
    kind: InviteKind,
    now: datetime,
    village_id: int | None = None,
    region_id: int | None = None,
    created_by_id: int | None = None,
) -> Invite:
    invite = Invite(
        token=secrets.token_urlsafe(12),
        center_id=center_id,
        kind=kind,
        village_id=village_id,
        region_id=region_id,
        created_by_id=created_by_id,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    return invite


def payload(invite: Invite) -> str:
    return PREFIX + invite.token


def token_of(start_payload: str) -> str | None:
    return start_payload.removeprefix(PREFIX) if start_payload.startswith(PREFIX) else None


async def cancel_unused(session: AsyncSession, center_id: int, kind: InviteKind, now: datetime) -> None:
    """Older links of this kind stop working (marked used by no one): a handover has one live link."""
    await session.execute(
        update(Invite)
        .where(Invite.center_id == center_id, Invite.kind == kind, Invite.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


async def usable(session: AsyncSession, token: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.token == token, Invite.used_at.is_(None)))


async def redeem(session: AsyncSession, token: str, person_id: int, now: datetime) -> Invite | None:
    """Mark the invite used by this person; None when it was unknown or already used."""
    result = await session.execute(
        update(Invite)
        .where(Invite.token == token, Invite.used_at.is_(None))
        .values(used_at=now, used_by_id=person_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await session.scalar(select(Invite).where(Invite.token == token))
