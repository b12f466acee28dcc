"""Activities: creating, publishing, changing and cancelling them, and the messages each step owes.

Every message is written to the outbox in the same transaction as the change (save first, send
second); the sender delivers it when due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import ChatRef
from bot.models import (
    Account,
    Activity,
    ActivityKind,
    ActivitySession,
    ActivityStatus,
    Budget,
    BudgetSource,
    Center,
    DateKnown,
    Delivery,
    DeliveryKind,
    GroupChat,
    HeadCount,
    Person,
    Registration,
    RegistrationStatus,
    Role,
    RoleKind,
    Village,
)
from bot.services import audit, campaigns, helped, outbox, partners, people, reminders
from bot.services.outbox import Recipient

SHEET_DAYS = 7  # a village head may enter a paper sheet up to a week after the session


class ActivityError(ValueError):
    """The activity cannot be published or changed as asked (no session, a past date...)."""


class DateNotSet(ActivityError):
    """The activity is planned only for a month or a day (a plan as written): its day and time must be set
    (/change) before it is announced, or people would be told to come at midnight."""


@dataclass
class Draft:
    """What the wizard, the importer or the CLI collect before an activity exists."""

    title: str
    kind: ActivityKind
    sessions: list[tuple[datetime, datetime]]
    area_id: int | None = None
    place: str | None = None
    target_group: str | None = None
    partner: str | None = None
    capacity: int | None = None
    expected: int | None = None
    budgets: dict[BudgetSource, int] = field(default_factory=dict)  # planned, per source (đồng)
    campaign: str | None = None  # its name: found or made (bot.services.campaigns)
    village_ids: list[int] = field(default_factory=list)  # empty: all villages
    reminders: str | None = None
    import_key: str | None = None


async def create(
    session: AsyncSession, center: Center, draft: Draft, *, now: datetime, by: Person | None, audited: bool = True
) -> Activity:
    if not draft.sessions:
        raise ActivityError("an activity needs at least one session")
    if draft.reminders is not None:
        reminders.parse(draft.reminders)
    villages = []
    if draft.village_ids:
        villages = list(
            await session.scalars(
                select(Village).where(Village.center_id == center.id, Village.id.in_(draft.village_ids))
            )
        )
        if len(villages) != len(set(draft.village_ids)):
            raise ActivityError("a village is not one of this center's")
    activity = Activity(
        center_id=center.id,
        title=draft.title,
        kind=draft.kind,
        area_id=draft.area_id,
        place=draft.place,
        target_group=draft.target_group,
        partner=draft.partner,
        capacity=draft.capacity,
        expected=draft.expected,
        campaign=await campaigns.named(session, center, draft.campaign, sorted(draft.sessions)[0][0], now)
        if draft.campaign
        else None,
        budgets=[Budget(source=source, planned_vnd=vnd) for source, vnd in draft.budgets.items()],
        all_villages=not villages,
        villages=villages,
        reminders=draft.reminders,
        import_key=draft.import_key,
        status=ActivityStatus.DRAFT,
        created_by_id=by.id if by else None,
        created_at=now,
        updated_at=now,
        sessions=[ActivitySession(starts_at=s, ends_at=e) for s, e in sorted(draft.sessions)],
    )
    session.add(activity)
    # the partner text as written (a plan's "Đơn vị phối hợp / Người dạy", the wizard's answer) names roster entries
    organisation, speaker = await partners.match_text(session, center.id, draft.partner, now)
    activity.partner_id = organisation.id if organisation else None
    activity.speaker_id = speaker.id if speaker else None
    await session.flush()
    if audited:
        _audit(session, "activity.create", activity, by, now)
    return activity


def afterwards_since(person: Person | None, timezone: str, now: datetime) -> datetime | None:
    """The earliest start this person may enter afterwards (None: any). The director brings in any earlier
    year's records (a new center's last year); staff enter this calendar year's, in the center's zone; others
    (a village head at the desk) only the paper sheet of the past week."""
    if people.has_role(person, RoleKind.DIRECTOR):
        return None
    if people.has_role(person, RoleKind.STAFF):
        local = now.astimezone(ZoneInfo(timezone))
        return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    return now - timedelta(days=SHEET_DAYS)


async def record_held(
    session: AsyncSession,
    center: Center,
    draft: Draft,
    counts: list[tuple[int, int] | None],
    *,
    now: datetime,
    by: Person | None,
) -> Activity:
    """An activity already held, entered afterwards with the head count of each session (total, women; None:
    none given, names may follow at the desk). It is FINISHED at once: never announced, no reminders, nothing
    owed to anyone; the figures count it like any other. Audited with who entered it and when."""
    if not draft.sessions or any(ends > now for _, ends in draft.sessions):
        raise ActivityError("every session must be over to record it as held")
    if len(counts) != len(draft.sessions):
        raise ActivityError("one head count per session")
    for count in counts:
        if count is not None and not 0 <= count[1] <= count[0]:
            raise ActivityError("there cannot be more women than people")
    activity = await create(session, center, draft, now=now, by=by, audited=False)
    activity.status = ActivityStatus.FINISHED
    activity.entered_afterwards = True
    for sitting, count in zip(activity.sessions, counts, strict=True):
        if count is not None:
            session.add(
                HeadCount(
                    session_id=sitting.id,
                    total=count[0],
                    women=count[1],
                    recorded_by_id=by.id if by else None,
                    at=now,
                    afterwards=True,
                )
            )
    _audit(
        session,
        "activity.record_held",
        activity,
        by,
        now,
        sessions=len(activity.sessions),
        counted=sum(c[0] for c in counts if c),
        women=sum(c[1] for c in counts if c),
    )
    return activity


async def places_used(session: AsyncSession, center_id: int, limit: int = 4) -> list[str]:
    """Places this center's activities have been held at, the most used first (then the most recent), for the
    wizard to offer as one tap instead of typing the commune hall's name again."""
    rows = await session.scalars(
        select(Activity.place)
        .where(Activity.center_id == center_id, Activity.place.is_not(None), Activity.place != "")
        .group_by(Activity.place)
        .order_by(func.count().desc(), func.max(Activity.created_at).desc(), Activity.place)
        .limit(limit)
    )
    return [place for place in rows if place]


async def audience(session: AsyncSession, activity: Activity) -> list[Recipient]:
    """The linked groups of the activity's villages (and the whole-commune groups), then the residents
    of those villages who asked for notices in private."""
    village_ids = [v.id for v in activity.villages]
    group_filter = [GroupChat.village_id.is_(None)]
    if activity.all_villages:
        group_filter.append(GroupChat.village_id.is_not(None))
    else:
        group_filter.append(GroupChat.village_id.in_(village_ids))
    groups = await session.scalars(
        select(GroupChat)
        .where(GroupChat.center_id == activity.center_id, GroupChat.active.is_(True), or_(*group_filter))
        .order_by(GroupChat.id)
    )
    person_query = _readers().where(
        Person.center_id == activity.center_id,
        Person.private_notices.is_(True),
        Person.blocked_at.is_(None),
        Person.consent_at.is_not(None),
    )
    if not activity.all_villages:
        person_query = person_query.where(Person.village_id.in_(village_ids))
    readers = await session.execute(person_query.order_by(Person.id))
    return [Recipient(group.chat) for group in groups] + [
        Recipient(ChatRef(channel, chat), pid) for channel, chat, pid in readers
    ]


def _readers() -> Select[tuple[str, str, int]]:
    """Each person's (channel, chat, id), at their newest account: people without a phone are left out."""
    return select(Account.channel, Account.external_id, Person.id).join(Account, Account.id == people.NEWEST_ACCOUNT)


async def soonest(
    session: AsyncSession,
    center_id: int,
    now: datetime,
    *,
    statuses: tuple[ActivityStatus, ...],
    offset: int = 0,
    limit: int = 6,
) -> list[tuple[Activity, datetime]]:
    """The center's activities not over yet, soonest first, each with its first session's start: what a person
    picks from instead of typing a number they cannot see. One more than `limit` says there are more."""
    first = (
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("starts"))
        .group_by(ActivitySession.activity_id)
        .having(func.max(ActivitySession.ends_at) > now)
        .subquery()
    )
    rows = await session.execute(
        select(Activity, first.c.starts)
        .join(first, first.c.activity_id == Activity.id)
        .where(Activity.center_id == center_id, Activity.status.in_(statuses))
        .order_by(first.c.starts, Activity.id)
        .offset(offset)
        .limit(limit + 1)
    )
    return [(activity, starts) for activity, starts in rows]


async def _heads_to_paste(session: AsyncSession, activity: Activity) -> list[tuple[Recipient, int]]:
    """The heads of the activity's villages that have no group linked to the bot (on Zalo, none can be: bots
    cannot join Zalo groups). Each gets the announcement as text to paste in the village's own group, telling
    readers what to type so that their registration credits the village."""
    linked = select(GroupChat.village_id).where(
        GroupChat.center_id == activity.center_id, GroupChat.active.is_(True), GroupChat.village_id.is_not(None)
    )
    query = (
        _readers()
        .add_columns(Role.village_id)
        .join(Role, Role.person_id == Person.id)
        .where(
            Role.kind == RoleKind.VILLAGE_HEAD,
            Role.center_id == activity.center_id,
            Role.village_id.not_in(linked),
            Person.blocked_at.is_(None),
            Person.consent_at.is_not(None),
            Person.consent_withdrawn_at.is_(None),
        )
    )
    if not activity.all_villages:
        query = query.where(Role.village_id.in_([v.id for v in activity.villages]))
    rows = await session.execute(query.order_by(Role.village_id, Person.id))
    heads: dict[ChatRef, tuple[Recipient, int]] = {}
    for channel, chat, pid, village in rows:  # the head of two villages gets one text, for the first of them
        heads.setdefault(ChatRef(channel, chat), (Recipient(ChatRef(channel, chat), pid), village))
    return list(heads.values())


async def publish(session: AsyncSession, activity: Activity, *, now: datetime, by: Person | None) -> int:
    """Announce now to the whole audience and plan the reminders; returns how many chats are told."""
    if activity.status not in (ActivityStatus.DRAFT,):
        raise ActivityError("only a draft can be published")
    if activity.date_known is not DateKnown.EXACT:
        raise DateNotSet("its day and time are not set yet")
    if activity.ends_at <= now:
        raise ActivityError("the activity is already over")
    activity.status = ActivityStatus.PUBLISHED
    activity.updated_at = now
    recipients = await audience(session, activity)
    heads = await _heads_to_paste(session, activity)
    pasting = {head.chat for head, _ in heads}  # their text to paste holds the announcement: one message, not two
    _owe(session, activity, [r for r in recipients if r.chat not in pasting], DeliveryKind.ANNOUNCE, now)
    for head, village_id in heads:
        _owe(session, activity, [head], DeliveryKind.ANNOUNCE, now, {"paste": village_id})
    await plan_reminders(session, activity, recipients, now)
    await partners.plan(session, activity, now)  # the speaker's reminders and the attendance after
    _audit(session, "activity.publish", activity, by, now, recipients=len(recipients))
    return len(recipients)


async def reschedule(
    session: AsyncSession,
    activity: Activity,
    *,
    now: datetime,
    by: Person | None,
    sessions: list[tuple[datetime, datetime]] | None = None,
    place: str | None = None,
    reminder_rules: str | None = None,
) -> None:
    """A new time, place or reminder rule. Everyone already told (groups, residents, registrants) gets a
    short update when the time or place moves; reminders follow the new time. A draft just changes."""
    if activity.status in (ActivityStatus.CANCELLED, ActivityStatus.FINISHED):
        raise ActivityError("a cancelled or finished activity cannot be changed")
    if sessions is not None:
        if not sessions:
            raise ActivityError("an activity needs at least one session")
        if len(sessions) != len(activity.sessions):
            raise ActivityError("the number of sessions cannot change this way")
        for old, (starts, ends) in zip(activity.sessions, sorted(sessions), strict=True):
            old.starts_at, old.ends_at = starts, ends  # the same sessions, moved: attendance stays attached
        activity.date_known = DateKnown.EXACT  # a time given: a plan's month or day is now a moment
    if place is not None:
        activity.place = place
    if reminder_rules is not None:
        reminders.parse(reminder_rules)
        activity.reminders = reminder_rules
    activity.updated_at = now
    _audit(session, "activity.change", activity, by, now)
    if activity.status is ActivityStatus.DRAFT:
        return
    await session.flush()
    await outbox.withdraw_waiting(session, activity.id, (DeliveryKind.REMINDER,))
    await plan_reminders(session, activity, await _everyone_told(session, activity, waiting_too=True), now)
    await partners.plan(session, activity, now)
    await helped.plan(session, activity, now)  # the lists of those who registered people without a phone
    if sessions is None and place is None:
        return
    activity.status = ActivityStatus.CHANGED
    told = await _everyone_told(session, activity, waiting_too=False)
    _owe(session, activity, told, DeliveryKind.UPDATE, now)


def _owe(
    session: AsyncSession,
    activity: Activity,
    recipients: list[Recipient],
    kind: DeliveryKind,
    due_at: datetime,
    detail: dict | None = None,
) -> None:
    """Write the messages this activity now owes into the outbox, in the caller's transaction."""
    outbox.enqueue(
        session,
        center_id=activity.center_id,
        activity_id=activity.id,
        recipients=recipients,
        kind=kind,
        due_at=due_at,
        detail=detail,
    )


def _audit(
    session: AsyncSession, action: str, activity: Activity, by: Person | None, now: datetime, **detail: object
) -> None:
    audit.record(
        session,
        action=action,
        at=now,
        center_id=activity.center_id,
        actor_id=by.id if by else None,
        activity_id=activity.id,
        **detail,
    )


async def _everyone_told(session: AsyncSession, activity: Activity, *, waiting_too: bool) -> list[Recipient]:
    """The chats that got (or, with `waiting_too`, are owed) the announcement, and the registrants."""
    told = await outbox.announced_chats(session, activity.id, waiting_too=waiting_too)
    seen = {r.chat for r in told}
    registrants = await session.execute(
        _readers()
        .join(Registration, Registration.person_id == Person.id)
        .where(
            Registration.activity_id == activity.id,
            Registration.status == RegistrationStatus.REGISTERED,
            Person.blocked_at.is_(None),
        )
    )
    return told + [
        Recipient(ChatRef(channel, chat), pid)
        for channel, chat, pid in registrants
        if ChatRef(channel, chat) not in seen
    ]


async def cancel(session: AsyncSession, activity: Activity, *, now: datetime, by: Person | None) -> None:
    if activity.status is ActivityStatus.CANCELLED:
        return
    told = await _everyone_told(session, activity, waiting_too=False)
    was_published = activity.status is not ActivityStatus.DRAFT
    activity.status = ActivityStatus.CANCELLED
    activity.updated_at = now
    await outbox.drop_waiting(
        session, activity.id, (DeliveryKind.ANNOUNCE, DeliveryKind.REMINDER, DeliveryKind.UPDATE), "cancelled", now
    )
    if was_published:
        _owe(session, activity, told, DeliveryKind.CANCEL, now)
    _audit(session, "activity.cancel", activity, by, now)


async def plan_reminders(session: AsyncSession, activity: Activity, recipients: list[Recipient], now: datetime) -> None:
    """Queue the future reminders of every session for these recipients, unless they already have some."""
    waiting = set(
        await session.execute(
            select(Delivery.channel, Delivery.chat).where(
                Delivery.activity_id == activity.id,
                Delivery.kind == DeliveryKind.REMINDER,
                Delivery.status.in_(outbox.WAITING),
            )
        )
    )
    recipients = [r for r in recipients if (r.chat.channel, r.chat.id) not in waiting]
    center = await session.get(Center, activity.center_id)
    assert center is not None
    rules = activity.reminders if activity.reminders is not None else center.reminders
    people = [r for r in recipients if not r.chat.group]
    groups = [r for r in recipients if r.chat.group]  # one reminder per activity (bot/services/reminders.py)
    for index, activity_session in enumerate(activity.sessions):
        for told, only_groups in ((people, False), (groups if index == 0 else [], True)):
            for due in reminders.due_times(rules, activity_session.starts_at, center.timezone, groups=only_groups):
                if due > now and told:
                    _owe(
                        session,
                        activity,
                        told,
                        DeliveryKind.REMINDER,
                        due,
                        detail={"session_id": activity_session.id},
                    )
