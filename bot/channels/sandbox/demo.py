"""The sandbox's cast and demo data: the center of seed 003 (TTHTCĐ xã Thanh Bình, Ninh Bình), its
people and chat groups, and the Lifelong Learning Week 2025 programme from `samples/`, moved so
that the week starts tomorrow.

Two of the cast are on Zalo (a newcomer, and a village head whose village has no group the bot is in): they
are played through the fake Zalo.

The Telegram side (accounts, groups, the bot joining them, `/link` typed in each group) is played
through the fake, so the bot handles it as it would in production and the groups' histories show
it. The center's own rows (people who agreed long ago, their roles, the published programme, a
few registrations) are written with the same services the journeys use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bootstrap import LoaLang
from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.channels.zalo.fake import FakeZalo
from bot.models import Account, Activity, Campaign, Center, Gender, InviteKind, Person, RoleKind
from bot.services import activities, centers, invites, plan_import, registrations, roles

PLAN = Path(__file__).resolve().parents[3] / "samples" / "tuan-le-hoc-tap-suot-doi-2025.csv"
CENTER = "TTHTCĐ xã Thanh Bình"
VILLAGES = ("Thôn Thượng", "Thôn Trung", "Thôn Hạ", "Thôn Đồng Tâm")
POPULATION_15_PLUS = 6850


@dataclass(frozen=True)
class Persona:
    """One person of the cast, as Telegram knows them and as the center does."""

    role: str  # director | staff | head | resident | newcomer
    first_name: str
    last_name: str
    full_name: str
    gender: Gender
    birth_year: int
    village: str


PEOPLE = (
    Persona("director", "Hùng", "Phạm Văn", "Phạm Văn Hùng", Gender.MALE, 1972, "Thôn Trung"),
    Persona("staff", "Thu", "Đinh Thị", "Đinh Thị Thu", Gender.FEMALE, 1986, "Thôn Hạ"),
    Persona("head", "Thắng", "Nguyễn Văn", "Nguyễn Văn Thắng", Gender.MALE, 1961, "Thôn Thượng"),
    Persona("head", "Hoa", "Trần Thị", "Trần Thị Hoa", Gender.FEMALE, 1968, "Thôn Trung"),
    Persona("resident", "Lan", "Bùi Thị", "Bùi Thị Lan", Gender.FEMALE, 1962, "Thôn Thượng"),
    Persona("resident", "Tâm", "Lê Văn", "Lê Văn Tâm", Gender.MALE, 1979, "Thôn Trung"),
    Persona("newcomer", "Mai", "Vũ Thị", "", Gender.FEMALE, 0, "Thôn Thượng"),  # has not opened the bot yet
)

# On Zalo: a resident who has never written to the bot, and the head of a village with no group the bot is in
# (bots cannot join Zalo groups): he gets each announcement as text to paste into his village's Zalo group.
ON_ZALO = (
    Persona("zalo-newcomer", "Sen", "Lò Thị", "", Gender.FEMALE, 0, "Thôn Hạ"),
    Persona("zalo-head", "Bình", "Đỗ Văn", "Đỗ Văn Bình", Gender.MALE, 1958, "Thôn Hạ"),
)
ZALO_CHATS = 9_000_000_001  # the page numbers Zalo's chats from here: Zalo's own ids are strings

# (group title, the village it is linked to or None for the whole commune, who is in it by PEOPLE index)
GROUPS = (
    ("Xã Thanh Bình", None, (0, 1, 2, 3, 4, 5, 6)),
    ("Thôn Thượng", "Thôn Thượng", (0, 2, 4, 6)),
    ("Thôn Trung", "Thôn Trung", (0, 1, 3, 5)),
)


@dataclass(frozen=True)
class Chat:
    """A chat of the page's list: whose private chat it is, or which group; on Zalo, the page's number for the
    chat and Zalo's id."""

    chat_id: int
    kind: str  # private | group | zalo
    role: str  # a Persona role, or commune | village
    village: str | None = None
    zalo_id: str | None = None


@dataclass
class Cast:
    chats: list[Chat]
    claim: str | None = None  # the director's claim payload, in an empty sandbox

    def to_json(self) -> dict[str, object]:
        return {"chats": [asdict(chat) for chat in self.chats], "claim": self.claim}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Cast:
        return cls([Chat(**chat) for chat in data["chats"]], data.get("claim"))  # type: ignore[arg-type, union-attr]


async def stage(
    app: LoaLang, fake: FakeTelegram, clock: Callable[[], datetime], *, demo: bool, zalo: FakeZalo | None = None
) -> Cast:
    """Create the cast; with `demo`, also the people's profiles, the programme and registrations. With `zalo`,
    Zalo's people too."""
    users = [fake.add_user(p.first_name, p.last_name, language_code="vi") for p in PEOPLE]
    zalo_users = [zalo.add_user(f"{p.last_name} {p.first_name}") for p in ON_ZALO] if zalo else []
    async with app.db.session() as session, session.begin():
        center = await centers.create_center(
            session, name=CENTER, villages=list(VILLAGES), now=clock(), population_15_plus=POPULATION_15_PLUS
        )
        claim = (
            None
            if demo
            else invites.payload(
                await invites.create(session, center_id=center.id, kind=InviteKind.DIRECTOR, now=clock())
            )
        )
        if demo:
            await _people(session, center, users, clock(), channel=app.channel.name)
            for user, persona in zip(zalo_users, ON_ZALO, strict=True):
                if persona.role != "zalo-newcomer":
                    await _person(session, center, persona, str(user.id), clock(), channel="zalo")
    groups = []
    for title, _village, members in GROUPS:
        group = fake.add_group(title)
        for index in members:
            group.add_member(users[index])
        group.add_bot(users[0])
        groups.append(group)
    await settle(app, fake)
    if demo:
        for group, (_title, village, _members) in zip(groups, GROUPS, strict=True):
            users[0].send(f"/link {village or 'all'}", group)
        for user, persona in zip(users, PEOPLE, strict=True):
            if persona.role != "newcomer":
                user.send("/help")
        await settle(app, fake)
        if zalo is not None:  # Zalo lets a bot write only to someone who wrote to it
            for zalo_user, persona in zip(zalo_users, ON_ZALO, strict=True):
                if persona.role != "zalo-newcomer":
                    zalo_user.send("/help")
            await _settle_zalo(app, zalo)
        await _programme(app, clock)
        await app.wakeup.poke()  # the announcements go out now
    chats = [
        Chat(user.id, "private", persona.role, persona.village if persona.role == "head" else None)
        for user, persona in zip(users, PEOPLE, strict=True)
    ]
    chats += [
        Chat(group.id, "group", "village" if village else "commune", village)
        for group, (_title, village, _members) in zip(groups, GROUPS, strict=True)
    ]
    chats += [
        Chat(ZALO_CHATS + number, "zalo", persona.role, persona.village, zalo_id=user.id)
        for number, (user, persona) in enumerate(zip(zalo_users, ON_ZALO, strict=True))
    ]
    return Cast(chats, claim)


async def _settle_zalo(app: LoaLang, zalo: FakeZalo) -> None:
    served = next(channel for channel in app.channels if channel.name == "zalo")
    await zalo.wait_for(lambda: not zalo.pending and served.handled >= zalo.taken, timeout=30)


async def settle(app: LoaLang, fake: FakeTelegram) -> None:
    """Wait until the bot has handled every update handed out so far."""
    target = fake.last_update_id
    await fake.wait_for(lambda: app.channel.last_update_id >= target, timeout=30)


async def _people(session: AsyncSession, center: Center, users: list[FakeUser], now: datetime, *, channel: str) -> None:
    """The cast as people who agreed a month ago, with their accounts on the sandbox's channel."""
    for user, persona in zip(users, PEOPLE, strict=True):
        if persona.role != "newcomer":
            await _person(session, center, persona, str(user.id), now, channel=channel)


async def _person(
    session: AsyncSession, center: Center, persona: Persona, external_id: str, now: datetime, *, channel: str
) -> None:
    """One of the cast, who agreed a month ago on `channel`, with their role."""
    villages = {v.name: v for v in center.villages}
    person = Person(
        accounts=[Account(channel=channel, external_id=external_id, created_at=now - timedelta(days=30))],
        center_id=center.id,
        full_name=persona.full_name,
        gender=persona.gender,
        birth_year=persona.birth_year,
        village_id=villages[persona.village].id,
        messenger_language="vi" if channel != "zalo" else None,
        private_notices=channel == "zalo",  # no group brings Zalo's people the news
        consent_at=now - timedelta(days=30),
        created_at=now - timedelta(days=30),
        roles=[],
    )
    session.add(person)
    await session.flush()
    kind = {
        "director": RoleKind.DIRECTOR,
        "staff": RoleKind.STAFF,
        "head": RoleKind.VILLAGE_HEAD,
        "zalo-head": RoleKind.VILLAGE_HEAD,
    }.get(persona.role)
    if kind is not None:
        village_id = villages[persona.village].id if kind is RoleKind.VILLAGE_HEAD else None
        await roles.grant(session, person=person, center_id=center.id, kind=kind, now=now, village_id=village_id)


async def _programme(app: LoaLang, clock: Callable[[], datetime]) -> None:
    """The week's plan, moved to start tomorrow, published; Lan and Tâm have registered already."""
    async with app.db.session() as session, session.begin():
        center = await session.scalar(select(Center))
        assert center is not None
        now = clock()
        rows = plan_import.table(PLAN.name, await asyncio.to_thread(PLAN.read_bytes))
        tomorrow = now.astimezone(ZoneInfo(center.timezone)).date() + timedelta(days=1)
        first = min(_day(row["day"]) for _number, row in rows if row.get("day"))
        for _number, row in rows:
            if row.get("day"):
                row["day"] = (_day(row["day"]) + (tomorrow - first)).strftime("%d/%m/%Y")
        plan = await plan_import.read_plan(session, center, rows, now)
        await plan_import.create(session, center, plan, now=now, by=None)
        for campaign in await session.scalars(select(Campaign)):  # the week's days move with its activities
            campaign.starts_on = date(first.year, 10, 1) + (tomorrow - first)
            campaign.ends_on = date(first.year, 10, 7) + (tomorrow - first)
        programme = sorted(await session.scalars(select(Activity)), key=lambda activity: activity.starts_at)
        for second, activity in enumerate(programme):  # a second apart, so each group reads them in date order
            await activities.publish(session, activity, now=now + timedelta(seconds=second), by=None)
        people = {p.full_name: p for p in await session.scalars(select(Person).where(Person.full_name.is_not(None)))}
        for name, picks in (("Bùi Thị Lan", (0, 2)), ("Lê Văn Tâm", (1,))):
            for index in picks:
                person = people[name]
                await registrations.register(session, programme[index], person, village_id=person.village_id, now=now)


def _day(text: str) -> date:
    return datetime.strptime(text.strip(), "%d/%m/%Y").date()
