"""Centers and their villages. Errors are message ids (N_), with their fields as a second argument, which the
command line shows in the operator's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.models import Center, Village
from bot.services.areas import default_areas
from bot.text import clean_name, fold


async def create_center(
    session: AsyncSession,
    *,
    name: str,
    villages: list[str],
    now: datetime,
    commune: str | None = None,
    timezone: str = "Asia/Ho_Chi_Minh",
    locale: str = "vi",
    population_15_plus: int | None = None,
) -> Center:
    if not clean_name(name, 200):
        raise ValueError(N_("the center needs a name"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(N_("unknown time zone “{zone}”; try Asia/Ho_Chi_Minh"), {"zone": timezone}) from None
    if population_15_plus is not None and population_15_plus < 0:
        raise ValueError(N_("the population cannot be negative"))
    names = list(dict.fromkeys(clean_name(v, 200) for v in villages if v.strip()))
    if not names:
        raise ValueError(N_("a center needs at least one village"))
    if len({fold(n) for n in names}) != len(names):
        raise ValueError(N_("two villages have the same name"))
    center = Center(
        name=clean_name(name, 200),
        commune=clean_name(commune or name, 200),
        timezone=timezone,
        locale=locale,
        population_15_plus=population_15_plus,
        created_at=now,
    )
    center.villages = [Village(name=n) for n in names]
    session.add(center)
    await session.flush()
    session.add_all(default_areas(center.id))
    await session.flush()
    return center


async def villages_of(session: AsyncSession, center_id: int) -> list[Village]:
    rows = await session.scalars(select(Village).where(Village.center_id == center_id).order_by(Village.name))
    return list(rows)


async def all_centers(session: AsyncSession) -> list[Center]:
    return list(await session.scalars(select(Center).order_by(Center.name)))


def village_key(village: Village) -> str:
    """What a button sends for a village: short, so it fits Telegram's 64 bytes whatever the name."""
    return f"#{village.id}"


def match_village(villages: list[Village], typed: str) -> Village | None:
    """Find the village a person means: "#<id>" (what buttons send), or its name typed with or
    without accents. Names are compared whole, then by a unique run of whole words, so "dong" finds
    "Thôn Đông" and "5" finds "Thôn 5", but nothing is guessed between two villages.
    """
    wanted = fold(typed)
    if not wanted:
        return None
    if wanted.startswith("#"):
        return next((v for v in villages if f"#{v.id}" == wanted), None)
    exact = [v for v in villages if fold(v.name) == wanted]
    if exact:
        return exact[0]
    partial = [v for v in villages if f" {wanted}" in f" {fold(v.name)}"]
    return partial[0] if len(partial) == 1 else None
