"""Districts and provinces: a tree of regions whose leaves hold centers. A region officer reads the
summed totals of every center below their region, and nothing personal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.models import Center, Person, Region, Role, RoleKind
from bot.services import audit
from bot.text import clean_name


async def create(session: AsyncSession, *, name: str, now: datetime, parent_id: int | None = None) -> Region:
    if not clean_name(name, 200):
        raise ValueError(N_("the region needs a name"))
    if parent_id is not None and await session.get(Region, parent_id) is None:
        raise ValueError(N_("there is no region #{number}"), {"number": parent_id})
    region = Region(name=clean_name(name, 200), parent_id=parent_id, created_at=now)
    session.add(region)
    await session.flush()
    return region


async def below(session: AsyncSession, region_id: int) -> list[int]:
    """The region and every region under it (a province's districts), in one small table."""
    parents: dict[int, int | None] = {
        row.id: row.parent_id for row in await session.execute(select(Region.id, Region.parent_id))
    }
    found, frontier = {region_id}, {region_id}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return sorted(found)


async def center_ids(session: AsyncSession, region_id: int) -> list[int]:
    regions = await below(session, region_id)
    return list(await session.scalars(select(Center.id).where(Center.region_id.in_(regions)).order_by(Center.id)))


async def officers(session: AsyncSession, region_id: int) -> list[tuple[int, datetime]]:
    rows = await session.execute(
        select(Role.person_id, Role.granted_at)
        .where(Role.region_id == region_id, Role.kind == RoleKind.REGION)
        .order_by(Role.granted_at)
    )
    return [(person_id, since) for person_id, since in rows]


async def revoke(session: AsyncSession, region_id: int, person_id: int, *, now: datetime) -> bool:
    """Take an officer's role back; False when they had none. Logged like every role change."""
    role = await session.scalar(
        select(Role).where(Role.region_id == region_id, Role.kind == RoleKind.REGION, Role.person_id == person_id)
    )
    if role is None:
        return False
    await session.delete(role)
    audit.record(
        session,
        action="role.revoke",
        at=now,
        center_id=None,
        actor_id=None,
        person_id=person_id,
        role="region",
        region_id=region_id,
    )
    return True


def officer_region(person: Person | None) -> int | None:
    """The region a person is an officer of, if any."""
    if person is None:
        return None
    return next((r.region_id for r in person.roles if r.kind is RoleKind.REGION and r.region_id is not None), None)
