"""Districts and provinces: a tree of regions whose leaves hold centers. A region officer reads the
summed totals of every center below their region, and nothing personal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Center, Person, Region, RoleKind
from bot.text import clean_name


async def create(session: AsyncSession, *, name: str, now: datetime, parent_id: int | None = None) -> Region:
    if not clean_name(name, 200):
        raise ValueError("the region needs a name")
    if parent_id is not None and await session.get(Region, parent_id) is None:
        raise ValueError(f"there is no region #{parent_id}")
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


def officer_region(person: Person | None) -> int | None:
    """The region a person is an officer of, if any."""
    if person is None:
        return None
    return next((r.region_id for r in person.roles if r.kind is RoleKind.REGION and r.region_id is not None), None)
