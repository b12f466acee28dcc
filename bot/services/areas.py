"""The report rows ("areas") a center counts its activities under."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator
from bot.models import ActivityKind, Area

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
# Short names for a phone screen (/stats), for the rows a center has not renamed.
SHORT = {
    "literacy": N_("Literacy"),
    "vocational": N_("Vocational training"),
    "law": N_("Law"),
    "health": N_("Health"),
    "environment": N_("Environment"),
    "culture": N_("Culture and society"),
    "economy": N_("Economy"),
    "life_skills": N_("Life skills"),
    "other": N_("Other programmes"),
    "arts_sports": N_("Arts and sports"),
}


# The built-in rows an activity of each kind may count under (DOMAIN.md): a talk (chuyên đề) counts under a
# topic row, never under literacy classes or vocational training; a vocational course only under vocational
# training; a class may be literacy, a topic taught over several weeks, or arts and sports; an event a
# cultural, sports or other programme. A row a center added itself (no code) fits every kind.
TOPICS = frozenset({"law", "health", "environment", "culture", "economy", "life_skills", "other"})
FITS = {
    ActivityKind.TALK: TOPICS,
    ActivityKind.CLASS: TOPICS | {"literacy", "arts_sports"},
    ActivityKind.COURSE: frozenset({"vocational"}),
    ActivityKind.EVENT: frozenset({"culture", "other", "arts_sports"}),
}


def fits(area: Area, kind: ActivityKind) -> bool:
    return area.code not in _ENGLISH or area.code in FITS[kind]


def default_areas(center_id: int) -> list[Area]:
    vi = Translator("vi")
    return [
        Area(center_id=center_id, position=i, code=code, name=vi.gettext(msgid))
        for i, (code, msgid) in enumerate(DEFAULT_AREAS, 1)
    ]


def display_name(area: Area, t: Translator) -> str:
    """A built-in row keeps its translation until the center renames it."""
    return label(area.code, area.name, t)


def label(code: str | None, name: str, t: Translator, *, short: bool = False) -> str:
    msgid = _ENGLISH.get(code or "")
    if msgid and name == Translator("vi").gettext(msgid):
        return t.gettext(SHORT[code] if short and code else msgid)
    return name


async def areas_of(session: AsyncSession, center_id: int) -> list[Area]:
    return list(await session.scalars(select(Area).where(Area.center_id == center_id).order_by(Area.position)))


async def fitting(session: AsyncSession, center_id: int, kind: ActivityKind) -> list[Area]:
    """The center's rows an activity of this kind may be counted under, in report order (all of them, should a
    center have removed every row that fits)."""
    rows = await areas_of(session, center_id)
    return [area for area in rows if fits(area, kind)] or rows
