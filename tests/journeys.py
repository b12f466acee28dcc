"""Steps that many end-to-end tests share, written as a person would do them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.channels import telegram
from bot.channels.telegram.fake import FakeChat, FakeTelegram, FakeUser
from bot.database import Database
from bot.i18n import Translator
from bot.models import Account, ActivityKind, Center, Gender, Person, RoleKind, Village
from bot.services import activities, people, roles
from tests.conftest import Bot


def tr(lang: str, message: str, you: str = "", **fields: object) -> str:
    """A message as the bot says it in `lang`, to someone it addresses as `you` ("bà"; none: "ông/bà")."""
    text = Translator(lang, you=you).gettext(message)
    return text.format(**fields) if fields else text


AGREE = "✅ Đồng ý (I agree)"


async def onboard(
    bot: Bot,
    user: FakeUser,
    *,
    name: str = "Nguyễn Thị Lan",
    gender: str = "female",
    year: str = "1965",
    village: str = "Thôn Đông",
    start: str = "/start",
) -> None:
    """Consent and profile, pressing the buttons as shown."""
    notice = (await bot.say(user, start))[-1]
    lang = user.language_code if user.language_code in ("vi", "en") else "vi"
    await bot.press(user, notice, tr(lang, AGREE))
    await bot.say(user, name)
    gender_question = user.private_chat.bot_messages[-1]
    if gender_question.buttons:  # not asked when the middle name says it ("Thị", "Văn")
        await bot.press(user, gender_question, next(b for b in gender_question.buttons if _is(gender, b)))
    await bot.say(user, year)
    village_question = user.private_chat.bot_messages[-1]
    await bot.press(user, village_question, village)


def _is(gender: str, label: str) -> bool:
    return label in {"female": ("Nữ", "Female"), "male": ("Nam", "Male"), "other": ("Khác", "Other")}[gender]


async def center_with_director(bot: Bot, fake: FakeTelegram, lang: str = "vi") -> FakeUser:
    """A new center whose director, Phạm Văn Hùng, has claimed it and filled in the profile."""
    payload = await bot.create_center()
    director = fake.add_user("Hùng", language_code=lang)
    await onboard(bot, director, name="Phạm Văn Hùng", gender="male", start=f"/start {payload}")
    return director


async def people_count(bot: Bot) -> int:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def person_of(bot: Bot, user: FakeUser) -> Person | None:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return await people.by_account(session, telegram.NAME, str(user.id))


def account(user: FakeUser, at: datetime) -> Account:
    """A Telegram user's account, for people written straight to the database."""
    return Account(channel=telegram.NAME, external_id=str(user.id), created_at=at)


def chat_menu(fake: FakeTelegram, chat_id: int) -> list[str]:
    """The command menu set for one private chat, as Telegram would show it."""
    for (scope, _language), commands in fake.commands.items():
        parsed = json.loads(scope)
        if parsed.get("type") == "chat" and parsed.get("chat_id") == chat_id:
            return [c["command"] for c in commands]
    return []


def default_menu(fake: FakeTelegram, scope_type: str, language: str = "") -> list[str]:
    for (scope, lang), commands in fake.commands.items():
        if json.loads(scope).get("type") == scope_type and lang == language:
            return [c["command"] for c in commands]
    return []


@dataclass
class Commune:
    """A center with three villages, a linked group for each and one for the whole commune."""

    center_id: int
    director: FakeUser
    groups: dict[str, FakeChat]
    villages: dict[str, int]


async def commune(bot: Bot, fake: FakeTelegram) -> Commune:
    payload = await bot.create_center()
    director = fake.add_user("Hùng", language_code="vi")
    await onboard(bot, director, name="Phạm Văn Hùng", gender="male", start=f"/start {payload}")
    groups = {}
    for name, target in (("Thôn Đông", "Thôn Đông"), ("Thôn Tây", "Thôn Tây"), ("Thôn Bắc", "Thôn Bắc"), ("Xã", "all")):
        group = fake.add_group(f"Nhóm {name}")
        group.add_bot(director)
        await bot.settle()
        await bot.say(director, f"/link {target}", group)
        groups[name] = group
    assert bot.app is not None
    async with bot.app.db.session() as session:
        center = await session.scalar(select(Center))
        assert center is not None
        # A fixed secret: four-digit check-in codes of two sessions match by chance one time in a few hundred,
        # and a test must give the same answer at every run.
        center.secret = "a fixed secret for tests"
        await session.commit()
        villages = {v.name: v.id for v in await session.scalars(select(Village).where(Village.center_id == center.id))}
    return Commune(center.id, director, groups, villages)


def local(text: str) -> datetime:
    """ "06/10/2025 13:30" in Vietnam, as a UTC moment."""
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)


async def publish(
    bot: Bot,
    place: Commune,
    title: str = "Chuyên đề phòng chống lừa đảo qua mạng",
    *,
    start: str = "06/10/2025 13:30",
    hours: float = 2,
    villages: tuple[str, ...] = (),
    capacity: int | None = 100,
    reminders: str | None = None,
    db: Database | None = None,
) -> int:
    """The director's activity, published: returns its id. With `db`, written there while the bot is stopped."""
    if db is None:
        assert bot.app is not None
        db = bot.app.db
    begins = local(start)
    async with db.session() as session, session.begin():
        center = await session.get(Center, place.center_id)
        assert center is not None
        draft = activities.Draft(
            title=title,
            kind=ActivityKind.TALK,
            sessions=[(begins, begins + timedelta(hours=hours))],
            place="Hội trường UBND xã",
            partner="Công an xã",
            capacity=capacity,
            village_ids=[place.villages[v] for v in villages],
            reminders=reminders,
        )
        activity = await activities.create(session, center, draft, now=bot.clock(), by=None)
        await activities.publish(session, activity, now=bot.clock(), by=None)
        return activity.id


async def residents_with_profiles(bot: Bot, place: Commune, users: list[FakeUser]) -> None:
    """Many people who agreed and filled in their profile long ago (faster than chatting each one through)."""
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        village = await session.scalar(select(Village).where(Village.center_id == place.center_id))
        assert village is not None
        session.add_all(
            Person(
                accounts=[account(user, bot.clock())],
                center_id=place.center_id,
                full_name=f"Người Số {index}",
                gender=Gender.FEMALE if index % 2 else Gender.MALE,
                birth_year=1950 + index % 50,
                village_id=village.id,
                consent_at=bot.clock(),
                created_at=bot.clock(),
                roles=[],
            )
            for index, user in enumerate(users)
        )


def checkin_code(text: str | None) -> str:
    """The four numbers on a staff member's check-in screen ("Mã: 1234")."""
    found = re.search(r"Mã: (\d{4})", text or "")
    assert found is not None, text
    return found.group(1)


async def make_head(bot: Bot, center_id: int, full_name: str, villages: dict[str, int], *names: str) -> None:
    """The person called `full_name` becomes head of the villages `names`, as the director's /appoint does."""
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        person = await session.scalar(select(Person).where(Person.full_name == full_name))
        assert person is not None
        for name in names:
            await roles.grant(
                session,
                person=person,
                center_id=center_id,
                kind=RoleKind.VILLAGE_HEAD,
                now=bot.clock(),
                village_id=villages[name],
            )
