"""Appointing and removing the director, staff and village heads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Person, Role, RoleKind
from bot.services import audit


async def grant(
    session: AsyncSession,
    *,
    person: Person,
    center_id: int | None,
    kind: RoleKind,
    now: datetime,
    village_id: int | None = None,
    region_id: int | None = None,
    granted_by: Person | None = None,
) -> Role:
    """Give a role (doing nothing if the person has it already), and log it."""
    existing = next(
        (
            r
            for r in person.roles
            if (r.center_id, r.kind, r.village_id, r.region_id) == (center_id, kind, village_id, region_id)
        ),
        None,
    )
    if existing is not None:
        return existing
    role = Role(
        person=person,
        center_id=center_id,
        kind=kind,
        village_id=village_id,
        region_id=region_id,
        granted_by_id=granted_by.id if granted_by else None,
        granted_at=now,
    )
    session.add(role)
    if person.center_id is None:
        person.center_id = center_id
    await session.flush()
    audit.record(
        session,
        action="role.grant",
        at=now,
        center_id=center_id,
        actor_id=granted_by.id if granted_by else person.id,
        person_id=person.id,
        role=kind.value,
        village_id=village_id,
        region_id=region_id,
    )
    return role


async def helpers_of(session: AsyncSession, center_id: int) -> list[Role]:
    """Staff and village heads of a center (the director is not removable here)."""
    rows = await session.scalars(
        select(Role)
        .where(Role.center_id == center_id, Role.kind != RoleKind.DIRECTOR)
        .order_by(Role.kind, Role.granted_at)
    )
    return list(rows)


async def revoke(session: AsyncSession, *, role: Role, now: datetime, by: Person) -> None:
    audit.record(
        session,
        action="role.revoke",
        at=now,
        center_id=role.center_id,
        actor_id=by.id,
        person_id=role.person_id,
        role=role.kind.value,
        village_id=role.village_id,
    )
    person = await session.get(Person, role.person_id)
    if person is not None and role in person.roles:
        person.roles.remove(role)
    await session.delete(role)
    await session.flush()
