"""Stand-ins: the anonymous rows that keep a forgotten or expired person's registrations and check-ins in
the center's totals.

A stand-in holds a center, a village and a gender (what the totals are broken down by) and nothing else.
Stand-ins are shared. Within one activity each stand-in is one person, as the unique keys want (one
registration per activity, one check-in per session); in the next activity the same stand-in may be
somebody else, so no row follows a resident from class to class, which in a village of 300 would be
enough to tell who it was. Times go too: a registration is dated at the activity's start and a check-in
at its session's start, and who registered or recorded it is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import ScalarSelect, bindparam, case, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Activity, ActivitySession, Attendance, Feedback, Gender, Person, Registration

CENTER_LOCK = 7157  # advisory lock namespace: one folding per center at a time (retention uses it too)


class Folding:
    """One run of folding. Within it, a person's visits at different activities go to different
    stand-ins, so even the first person forgotten in a village leaves no trail behind."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._given: dict[int, set[int]] = defaultdict(set)

    async def lock(self, center_id: int) -> None:
        """One folding per center at a time (PostgreSQL): two picking the same free stand-in would break its
        one-visit-per-activity key. Retention takes the same lock, without waiting."""
        if self.session.bind.dialect.name == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:ns, :c)"), {"ns": CENTER_LOCK, "c": center_id}
            )

    async def fold(self, activity: Activity, person_ids: Collection[int]) -> None:
        """Move these people's registration and check-ins at this activity to stand-ins."""
        if not person_ids:
            return
        sessions = select(ActivitySession.id).where(ActivitySession.activity_id == activity.id).scalar_subquery()
        buckets: dict[tuple[int | None, Gender | None], list[int]] = defaultdict(list)
        for person_id, village_id, gender in await self.session.execute(
            select(Person.id, Person.village_id, Person.gender).where(Person.id.in_(person_ids)).order_by(Person.id)
        ):
            buckets[village_id, gender].append(person_id)
        moves: list[dict[str, int]] = []
        for (village_id, gender), people in buckets.items():
            free = list(
                await self.session.scalars(
                    select(Person.id)
                    .where(
                        Person.anonymous.is_(True),
                        Person.center_id == activity.center_id,
                        Person.village_id.is_(None) if village_id is None else Person.village_id == village_id,
                        Person.gender.is_(None) if gender is None else Person.gender == gender,
                        Person.id.not_in(select(Registration.person_id).where(Registration.activity_id == activity.id)),
                        Person.id.not_in(select(Attendance.person_id).where(Attendance.session_id.in_(sessions))),
                    )
                    .order_by(func.random())  # not the lowest first: that would hand one resident the same
                    .limit(len(people) + max(len(self._given[p]) for p in people))  # stand-in day after day
                )
            )
            for person_id in people:
                stand_in = next((s for s in free if s not in self._given[person_id]), None)
                if stand_in is None:
                    stand_in = await self._new(activity, village_id, gender)
                else:
                    free.remove(stand_in)
                self._given[person_id].add(stand_in)
                moves.append({"old": person_id, "new": stand_in})
        await self._move(activity, sessions, moves)

    async def _new(self, activity: Activity, village_id: int | None, gender: Gender | None) -> int:
        stand_in = Person(
            center_id=activity.center_id,
            village_id=village_id,
            gender=gender,
            anonymous=True,
            created_at=activity.starts_at,
            forgotten_at=activity.starts_at,
            roles=[],
        )
        self.session.add(stand_in)
        await self.session.flush()
        return stand_in.id

    async def _move(self, activity: Activity, sessions: ScalarSelect[int], moves: list[dict[str, int]]) -> None:
        connection = await self.session.connection()
        registrations = Registration.__table__
        await connection.execute(
            update(registrations)
            .where(registrations.c.activity_id == activity.id, registrations.c.person_id == bindparam("old"))
            .values(
                person_id=bindparam("new"),
                registered_by_id=None,
                created_at=activity.starts_at,
                updated_at=activity.starts_at,
                queued_at=case((registrations.c.queued_at.is_(None), None), else_=activity.starts_at),
            ),
            moves,
        )
        attendance = Attendance.__table__
        starts = ActivitySession.__table__
        await connection.execute(
            update(attendance)
            .where(attendance.c.session_id.in_(sessions), attendance.c.person_id == bindparam("old"))
            .values(
                person_id=bindparam("new"),
                recorded_by_id=None,
                at=select(starts.c.starts_at).where(starts.c.id == attendance.c.session_id).scalar_subquery(),
            ),
            moves,
        )
        answers = Feedback.__table__  # what they thought goes with the check-in, dated the same, without its words
        await connection.execute(
            update(answers)
            .where(answers.c.session_id.in_(sessions), answers.c.person_id == bindparam("old"))
            .values(
                person_id=bindparam("new"),
                word=None,
                asked_at=select(starts.c.starts_at).where(starts.c.id == answers.c.session_id).scalar_subquery(),
                answered_at=case(
                    (answers.c.answered_at.is_(None), None),
                    else_=select(starts.c.starts_at).where(starts.c.id == answers.c.session_id).scalar_subquery(),
                ),
            ),
            moves,
        )


async def activities_of(session: AsyncSession, person_id: int) -> list[Activity]:
    """Every activity the person registered for or checked in at."""
    checked_in = (
        select(ActivitySession.activity_id)
        .join(Attendance, Attendance.session_id == ActivitySession.id)
        .where(Attendance.person_id == person_id)
    )
    registered = select(Registration.activity_id).where(Registration.person_id == person_id)
    return list(
        await session.scalars(
            select(Activity).where(Activity.id.in_(checked_in.union(registered))).order_by(Activity.id)
        )
    )
