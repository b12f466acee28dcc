"""The report rows ("areas") a center counts its activities under."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator
from bot.models import Area

# The ten rows of the national yearly report, in order (DOMAIN.md). Message ids are English;
# the Vietnamese catalog holds the official wording, which is also what a new center stores.
DEFAULT_AREAS = (
    ("literacy", N_("Literacy and post-literacy education")),
    ("vocational", N_("Short vocational training")),
    ("law", N_("Topic: law education")),
    ("health", N_("Topic: health education")),
    ("environment", N_("Topic: environmental education")),
    ("culture", N_("Topic: culture and society")),
    ("economy", N_("Topic: economic development")),
    ("life_skills", N_("Topic: life skills education")),
    ("other", N_("Topics of other programmes")),
    ("arts_sports", N_("Arts, culture and sports programmes")),
)
_ENGLISH = dict(DEFAULT_AREAS)


def default_areas(center_id: int) -> list[Area]:
    vi = Translator("vi")
    return [
        Area(center_id=center_id, position=i, code=code, name=vi.gettext(msgid))
        for i, (code, msgid) in enumerate(DEFAULT_AREAS, 1)
    ]


def display_name(area: Area, t: Translator) -> str:
    """A built-in row keeps its translation until the center renames it."""
    msgid = _ENGLISH.get(area.code or "")
    if msgid and area.name == Translator("vi").gettext(msgid):
        return t.gettext(msgid)
    return area.name


async def areas_of(session: AsyncSession, center_id: int) -> list[Area]:
    return list(await session.scalars(select(Area).where(Area.center_id == center_id).order_by(Area.position)))
