"""People: created only with explicit consent, looked up by their account on a messenger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.messaging import ChatRef
from bot.models import Account, Gender, Person, Role, RoleKind
from bot.services import audit
from bot.text import fold

BIRTH_YEAR_MIN = 1900
OLDEST_AGE = 120
YOUNGEST_AGE = 6


# Every update asks this, so it is one query (roles and center joined) built once: SQLAlchemy prepares a
# statement it has seen before in less time than a new one (bench/checkin_storm.py measures the hot path).
_BY_ACCOUNT = (
    select(Person)
    .join(Account, Account.person_id == Person.id)
    .where(Account.channel == bindparam("channel"), Account.external_id == bindparam("external_id"))
    .options(joinedload(Person.roles), joinedload(Person.center), joinedload(Person.accounts))
)
HAS_ACCOUNT = exists().where(Account.person_id == Person.id)  # in SQL: the person can be written to at all
# In SQL, as chat_of: join Account ON Account.id == NEWEST_ACCOUNT to reach each person once, where they are now:
# the account they last wrote from (`used_at`, kept only for people with two), else the newest.
NEWEST_ACCOUNT = (
    select(Account.id)
    .where(Account.person_id == Person.id)
    .order_by(func.coalesce(Account.used_at, Account.created_at).desc(), Account.id.desc())
    .limit(1)
    .correlate(Person)
    .scalar_subquery()
)


async def by_account(session: AsyncSession, channel: str, external_id: str) -> Person | None:
    """The person behind an update (the channel's name and its id for them), with roles, center and accounts."""
    found = await session.scalars(_BY_ACCOUNT, {"channel": channel, "external_id": external_id})
    return found.unique().one_or_none()


def chat_of(person: Person) -> ChatRef | None:
    """Where to write to a person: the private chat of the account they last wrote from (their newest, for the
    many with one); None for a person without a phone."""
    return _reached(person).chat if person.accounts else None


def _reached(person: Person) -> Account:
    return max(person.accounts, key=lambda a: (a.used_at or a.created_at, a.id))


def wrote_from(person: Person, channel: str, external_id: str, now: datetime) -> None:
    """A person with two messengers wrote from one: reach them there from now on. One account (nearly everyone):
    nothing is written."""
    if len(person.accounts) < 2:
        return
    account = next((a for a in person.accounts if (a.channel, a.external_id) == (channel, external_id)), None)
    if account is not None and _reached(person) is not account:
        account.used_at = now


async def by_id(session: AsyncSession, person_id: int) -> Person | None:
    return await session.get(Person, person_id)


async def consent(
    session: AsyncSession,
    *,
    channel: str,
    external_id: str,
    now: datetime,
    language: str | None,
    center_id: int | None,
    messenger_language: str | None = None,
) -> Person:
    """Record the explicit "I agree": the first moment anything about the person is stored."""
    person = Person(
        accounts=[Account(channel=channel, external_id=external_id, created_at=now)],
        consent_at=now,
        created_at=now,
        language=language,
        messenger_language=messenger_language,
        center_id=center_id,
        roles=[],
    )
    session.add(person)
    await session.flush()
    return person


CONSENTING = Person.consent_withdrawn_at.is_(None)  # people who took consent back are not looked up by name


async def named(
    session: AsyncSession,
    center_id: int,
    typed: str,
    *criteria: ColumnElement[bool],
    whole: bool = False,
    limit: int = 8,
) -> list[Person]:
    """People of a center whose name holds what was typed (or is it, `whole`), accents and case aside, oldest
    record first. Searched in SQL on the folded name: a commune has 30,000 people to look through."""
    key = fold(typed)
    matches = Person.name_key == key if whole else Person.name_key.contains(key, autoescape=True)
    rows = await session.scalars(
        select(Person).where(Person.center_id == center_id, matches, *criteria).order_by(Person.id).limit(limit)
    )
    return list(rows)


async def fold_missing_names(session: AsyncSession) -> int:
    """Give a folded copy to names written without one (by a process still running code older than migration
    0013 during a rolling restart, or by hand in SQL), so that a name search finds them. Returns how many."""
    unfolded = (
        select(Person.id, Person.full_name)
        .where(Person.full_name.is_not(None), Person.name_key.is_(None))
        .limit(1000)  # a thousand at a time: a backlog of a whole commune is not read into memory at once
    )
    folded = 0
    while batch := (await session.execute(unfolded)).all():
        await session.execute(update(Person), [{"id": row.id, "name_key": fold(row.full_name)} for row in batch])
        folded += len(batch)
    return folded


def birth_year_bounds(now: datetime) -> tuple[int, int]:
    return max(BIRTH_YEAR_MIN, now.year - OLDEST_AGE), now.year - YOUNGEST_AGE


async def started_in_center(session: AsyncSession, center_id: int, limit: int = 20) -> list[Person]:
    """People of the center who have opened the bot, newest first: candidates to appoint."""
    rows = await session.scalars(
        select(Person)
        .where(Person.center_id == center_id, HAS_ACCOUNT)
        .where(Person.full_name.is_not(None), Person.consent_withdrawn_at.is_(None))
        .order_by(Person.created_at.desc())
        .limit(limit)
    )
    return list(rows)


def roles_in(person: Person, center_id: int | None) -> list[Role]:
    return [r for r in person.roles if r.center_id == center_id]


def reachable(person: Person | None) -> bool:
    """Whether the bot may write to this person at all: they have a messenger account, have not blocked the bot, and
    have neither withdrawn their consent nor been forgotten. Every message to someone else checks it."""
    return (
        person is not None
        and bool(person.accounts)
        and person.blocked_at is None
        and person.consent_withdrawn_at is None
        and person.forgotten_at is None
    )


def has_role(person: Person | None, *kinds: RoleKind) -> bool:
    if person is None:
        return False
    return any(r.kind in kinds for r in roles_in(person, person.center_id))


def headed_village_ids(person: Person) -> set[int]:
    return {
        r.village_id
        for r in roles_in(person, person.center_id)
        if r.kind is RoleKind.VILLAGE_HEAD and r.village_id is not None
    }


async def add_without_phone(
    session: AsyncSession,
    helper: Person,
    center_id: int | None,
    *,
    name: str,
    gender: Gender,
    birth_year: int,
    village_id: int,
    now: datetime,
) -> Person:
    """A person with no phone, entered by a village head or staff who have asked and been given their consent
    (/add, a survey answered for them): created with that consent, and audited with who entered them."""
    person = Person(
        center_id=center_id,
        full_name=name,
        gender=gender,
        birth_year=birth_year,
        village_id=village_id,
        consent_at=now,
        created_at=now,
        registered_by_id=helper.id,
        roles=[],
    )
    session.add(person)
    await session.flush()
    audit.record(
        session,
        action="person.add_without_phone",
        at=now,
        center_id=center_id,
        actor_id=helper.id,
        person_id=person.id,
    )
    return person
