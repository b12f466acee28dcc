"""Partners and speakers: a center's roster of partner organisations (Hội Nông dân, Trạm Y tế, ...) and the
speakers who give its talks (seed 000), which activities name (`Activity.partner_id`, `speaker_id`).

A speaker or an organisation's contact who uses the bot (`Partner.person_id`) gets, through the outbox, the
reminders of their sessions and, after each session, how many came and how many were women. Names are never
sent to them: attendance is personal data and the center has no setting yet that lets a partner see names.
The plan's own text (`Activity.partner`) is kept as written; the roster is matched to it, or grows from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.models import (
    LIVE,
    Activity,
    ActivitySession,
    ActivityStatus,
    Attendance,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Gender,
    HeadCount,
    Partner,
    PartnerKind,
    Person,
)
from bot.services import outbox, people
from bot.text import fold

ATTENDANCE_NOTICE = "session_attendance"  # bot/notices.py's Notice of the same value
AFTER = timedelta(hours=1)  # time for the desk to type its head count before the speaker is told the figures
NAME_LIMIT = 200
_SPLIT = re.compile(r"\s*[/;]\s*|\s*\n\s*")  # "Hội Nông dân xã / Ông Nguyễn Văn Bình"


class PartnerError(ValueError):
    """A name that cannot be added (empty or too long) or an organisation not in the roster."""


@dataclass(frozen=True)
class Figures:
    """Who came to one session: everyone counted, and the women among them."""

    total: int
    women: int


async def roster(session: AsyncSession, center_id: int) -> list[Partner]:
    """The center's organisations, then its speakers, each by name."""
    found = await session.scalars(
        select(Partner).where(Partner.center_id == center_id).order_by(Partner.kind, Partner.name, Partner.id)
    )
    return list(found)


async def get(session: AsyncSession, center_id: int, partner_id: int) -> Partner | None:
    """One of this center's partners, or None (another center's id is no one here)."""
    partner = await session.get(Partner, partner_id)
    return partner if partner is not None and partner.center_id == center_id else None


async def find(session: AsyncSession, center_id: int, kind: PartnerKind, name: str) -> Partner | None:
    """The roster's entry of that kind whose name reads the same once case and accents are set aside."""
    wanted = fold(name)
    for partner in await session.scalars(select(Partner).where(Partner.center_id == center_id, Partner.kind == kind)):
        if fold(partner.name) == wanted:
            return partner
    return None


async def add(
    session: AsyncSession,
    center_id: int,
    kind: PartnerKind,
    name: str,
    now: datetime,
    *,
    organisation: Partner | None = None,
) -> Partner:
    """The entry of that name, added when it is new (typing a name twice never makes two)."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_LIMIT:
        raise PartnerError("a partner's name must be 1 to 200 characters")
    if organisation is not None and (
        organisation.center_id != center_id or organisation.kind is not PartnerKind.ORGANISATION
    ):
        raise PartnerError("a speaker belongs to one of the center's organisations")
    found = await find(session, center_id, kind, name)
    if found is not None:
        if organisation is not None and found.organisation_id is None:
            found.organisation_id = organisation.id
        return found
    partner = Partner(
        center_id=center_id,
        kind=kind,
        name=name,
        organisation_id=organisation.id if organisation else None,
        created_at=now,
    )
    session.add(partner)
    await session.flush()
    return partner


async def match_text(
    session: AsyncSession, center_id: int, text: str | None, now: datetime
) -> tuple[Partner | None, Partner | None]:
    """A plan's "Đơn vị phối hợp / Người dạy" cell as (organisation, speaker): the part before a slash is the
    organisation, the part after it the speaker; each is found in the roster or added to it."""
    parts = [part for part in _SPLIT.split(text or "") if part.strip()]
    if not parts:
        return None, None
    known = await find(session, center_id, PartnerKind.SPEAKER, " ".join(parts)) if len(parts) == 1 else None
    if known is not None:  # a speaker of the roster named alone: their organisation goes with them
        return (await session.get(Partner, known.organisation_id) if known.organisation_id else None), known
    organisation = await add(session, center_id, PartnerKind.ORGANISATION, parts[0][:NAME_LIMIT], now)
    speaker = None
    if len(parts) > 1:
        speaker = await add(
            session, center_id, PartnerKind.SPEAKER, parts[1][:NAME_LIMIT], now, organisation=organisation
        )
    return organisation, speaker


def link(partner: Partner, person: Person) -> None:
    """The partner's contact (or the speaker themself) is this person who uses the bot."""
    if person.center_id != partner.center_id:
        raise PartnerError("the person belongs to another center")
    partner.person_id = person.id


async def contacts(session: AsyncSession, activity: Activity) -> list[Person]:
    """The people who use the bot for the activity's speaker and partner, speaker first, each once."""
    found: list[Person] = []
    for partner_id in (activity.speaker_id, activity.partner_id):
        partner = await session.get(Partner, partner_id) if partner_id else None
        person = await session.get(Person, partner.person_id) if partner and partner.person_id else None
        if person is not None and person not in found and people.reachable(person):
            found.append(person)
    return found


async def speaks_at(session: AsyncSession, activity: Activity, person_id: int | None) -> bool:
    """Whether this person is the activity's speaker or its partner's contact: their reminder says so."""
    if person_id is None or (activity.speaker_id is None and activity.partner_id is None):
        return False
    found = await session.scalar(
        select(Partner.id).where(
            Partner.id.in_([i for i in (activity.speaker_id, activity.partner_id) if i]), Partner.person_id == person_id
        )
    )
    return found is not None


async def plan(session: AsyncSession, activity: Activity, now: datetime) -> None:
    """What the speaker and partner contact are owed for a published activity: the reminders of each session
    (as residents get them) and, an hour after each session ends, its attendance. Called again whenever the
    activity changes, it owes each message once: a notice at a time no longer right is dropped, one already
    owed stays, one dropped before and right again is owed again (the outbox keeps one row per chat and time)."""
    from bot.services import activities  # activities calls here when it publishes or moves an activity

    told = [
        outbox.Recipient(chat, person.id)
        for person in await contacts(session, activity)
        if (chat := people.chat_of(person)) is not None
    ]
    wanted = {
        (r.chat.channel, r.chat.id, s.ends_at + AFTER): (r, s.id)
        for r in told
        for s in activity.sessions
        if s.ends_at + AFTER > now
    }
    for delivery in await session.scalars(
        select(Delivery).where(Delivery.activity_id == activity.id, Delivery.kind == DeliveryKind.NOTICE)
    ):
        if delivery.detail.get("notice") != ATTENDANCE_NOTICE:
            continue
        owed = wanted.pop((delivery.channel, delivery.chat, delivery.due_at), None)
        if owed is None and delivery.status in outbox.WAITING:
            delivery.status = DeliveryStatus.DROPPED
            delivery.last_error = "activity changed"
        elif owed is not None and delivery.status is DeliveryStatus.DROPPED:
            delivery.status, delivery.attempts, delivery.last_error = DeliveryStatus.PENDING, 0, None
            delivery.next_attempt_at = delivery.due_at
            delivery.person_id, delivery.detail = (
                owed[0].person_id,
                {"notice": ATTENDANCE_NOTICE, "session_id": owed[1]},
            )
    for (_, _, due), (recipient, session_id) in wanted.items():
        outbox.enqueue(
            session,
            center_id=activity.center_id,
            activity_id=activity.id,
            recipients=[recipient],
            kind=DeliveryKind.NOTICE,
            due_at=due,
            detail={"notice": ATTENDANCE_NOTICE, "session_id": session_id},
        )
    if told:
        await activities.plan_reminders(session, activity, told, now)


async def figures(session: AsyncSession, session_id: int) -> Figures:
    """Everyone counted at a session: the named check-ins and the walk-ins counted without names."""
    named = await session.execute(
        select(func.count(), func.count().filter(Person.gender == Gender.FEMALE))
        .select_from(Attendance)
        .join(Person, Person.id == Attendance.person_id)
        .where(Attendance.session_id == session_id)
    )
    named_total, named_women = named.one()
    heads = await session.execute(
        select(func.coalesce(func.sum(HeadCount.total), 0), func.coalesce(func.sum(HeadCount.women), 0)).where(
            HeadCount.session_id == session_id
        )
    )
    head_total, head_women = heads.one()
    return Figures(int(named_total) + int(head_total), int(named_women) + int(head_women))


async def sessions_of(session: AsyncSession, person_id: int) -> list[tuple[Activity, ActivitySession]]:
    """The sessions where this person speaks or stands for the partner, soonest first; cancelled ones and
    drafts left out."""
    speaker, partner = aliased(Partner), aliased(Partner)
    rows = await session.execute(
        select(Activity, ActivitySession)
        .join(ActivitySession, ActivitySession.activity_id == Activity.id)
        .outerjoin(speaker, speaker.id == Activity.speaker_id)
        .outerjoin(partner, partner.id == Activity.partner_id)
        .where(
            or_(speaker.person_id == person_id, partner.person_id == person_id),
            Activity.status.not_in((ActivityStatus.DRAFT, ActivityStatus.CANCELLED)),
        )
        .order_by(ActivitySession.starts_at, ActivitySession.id)
    )
    return [(activity, activity_session) for activity, activity_session in rows]


async def label(session: AsyncSession, partner: Partner) -> str:
    """How the roster entry reads as an activity's partner text: "Hội Nông dân xã / Ông Nguyễn Văn Bình" for a
    speaker of an organisation, the name alone otherwise (what `match_text` reads back to the same entries)."""
    if partner.kind is PartnerKind.SPEAKER and partner.organisation_id:
        organisation = await session.get(Partner, partner.organisation_id)
        if organisation is not None:
            return f"{organisation.name} / {partner.name}"
    return partner.name


async def is_partner(session: AsyncSession, person_id: int) -> bool:
    """Whether the person stands for a roster entry: /my then points them to /sessions."""
    found = await session.scalar(select(Partner.id).where(Partner.person_id == person_id).limit(1))
    return found is not None


async def assign(session: AsyncSession, activity: Activity, text: str, now: datetime) -> None:
    """/change's partner: a roster entry picked ("#p12") or a name typed (added to the roster), or "-" for none.
    The partner text becomes what the roster says; a published activity's new speaker is owed their reminders
    and attendance, and the one replaced is owed nothing more."""
    picked = re.fullmatch(r"#p(\d{1,9})", text.strip())
    if picked:
        partner = await get(session, activity.center_id, int(picked.group(1)))
        if partner is None:
            raise PartnerError("not one of this center's partners")
        text = await label(session, partner)
    before = {person.id for person in await contacts(session, activity)}
    activity.partner = None if text.strip() in ("", "-") else " ".join(text.split())[:300]
    organisation, speaker = await match_text(session, activity.center_id, activity.partner, now)
    activity.partner_id = organisation.id if organisation else None
    activity.speaker_id = speaker.id if speaker else None
    activity.updated_at = now
    gone = before - {person.id for person in await contacts(session, activity)}
    if gone:
        for delivery in await session.scalars(
            select(Delivery).where(
                Delivery.activity_id == activity.id,
                Delivery.person_id.in_(gone),
                Delivery.kind.in_((DeliveryKind.REMINDER, DeliveryKind.NOTICE)),
                Delivery.status.in_(outbox.WAITING),
            )
        ):
            if delivery.kind is DeliveryKind.REMINDER or delivery.detail.get("notice") == ATTENDANCE_NOTICE:
                delivery.status = DeliveryStatus.DROPPED
                delivery.last_error = "no longer the speaker"
    if activity.status in LIVE:
        await plan(session, activity, now)
