"""The director's numbers: the report table, progress against targets, today's and upcoming activities,
per-village totals and the month-by-month series of the chart.

Every figure is a SQL aggregate (`count`, `sum ... group by`), never a loop over rows in Python, so a
province with years of data answers as fast as a new commune. `/stats`, the report files and the chart
all read one `Figures` built here at one moment, so they always agree.

Counting rules (README, "Counting"):
- A learner-visit is one person at one session (an `attendance` row: code, ticket, desk or sheet); the
  walk-ins of a head count are added on top. Visits count in the period of their session's start.
- A class counts once however many sessions it has, in the period of its first session, once that first
  session has begun.
- Drafts and cancelled activities count nothing.
- Women are counted from the person's gender, or from a head count's women field.
- In a village's view, visits are those of the village's residents (head counts have no village), and
  classes are those held for the village (for all villages, or naming it).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import (
    LIVE,
    Activity,
    ActivitySession,
    ActivityStatus,
    Area,
    Attendance,
    Budget,
    Center,
    Gender,
    HeadCount,
    Person,
    Registration,
    RegistrationStatus,
    Target,
    Village,
    activity_village,
)
from bot.services import regions
from bot.text import fold

COUNTED = (ActivityStatus.PUBLISHED, ActivityStatus.CHANGED, ActivityStatus.FINISHED)
UNCLASSIFIED = "unclassified"  # the key of the row for activities with no report row chosen
UPCOMING_SHOWN = 5


class PeriodKind(enum.StrEnum):
    YEAR = "y"
    QUARTER = "q"
    MONTH = "m"


@dataclass(frozen=True)
class Period:
    """A calendar year, quarter or month in the center's time zone."""

    year: int
    kind: PeriodKind = PeriodKind.YEAR
    number: int = 0  # the quarter (1-4) or the month (1-12)

    @classmethod
    def containing(cls, moment: datetime, zone: str, kind: PeriodKind = PeriodKind.YEAR) -> Period:
        local = moment.astimezone(ZoneInfo(zone))
        if kind is PeriodKind.QUARTER:
            return cls(local.year, kind, (local.month - 1) // 3 + 1)
        if kind is PeriodKind.MONTH:
            return cls(local.year, kind, local.month)
        return cls(local.year)

    @property
    def code(self) -> str:
        """What a button sends: "y2025", "q2025-4", "m2025-10"."""
        return f"y{self.year}" if self.kind is PeriodKind.YEAR else f"{self.kind}{self.year}-{self.number}"

    @property
    def months(self) -> range:
        if self.kind is PeriodKind.QUARTER:
            return range(3 * self.number - 2, 3 * self.number + 1)
        if self.kind is PeriodKind.MONTH:
            return range(self.number, self.number + 1)
        return range(1, 13)

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """The period's first moment and the first moment after it, in UTC."""
        return month_start(self.year, self.months.start, zone), month_start(self.year, self.months.stop, zone)

    def previous(self) -> Period:
        if self.kind is PeriodKind.YEAR:
            return Period(self.year - 1)
        last = 4 if self.kind is PeriodKind.QUARTER else 12
        return (
            Period(self.year - 1, self.kind, last)
            if self.number == 1
            else Period(self.year, self.kind, self.number - 1)
        )


def month_start(year: int, month: int, zone: str) -> datetime:
    """The first moment of a local month, in UTC; month 13 is January of the next year."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=ZoneInfo(zone)).astimezone(UTC)


_PERIOD_CODE = re.compile(r"^(?:y(\d{4})|([qm])(\d{4})-(\d{1,2}))$")
_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")
_QUARTER = re.compile(r"^(?:q|quy|quarter)\s*([1-4])(?:\s*[/-]?\s*(\d{4}))?$")
_MONTH = re.compile(r"^(?:(?:t|thang|month)\s*)?(\d{1,2})\s*[/-]\s*(\d{4})$|^(?:t|thang|month)\s*(\d{1,2})$")


YEARS = range(2000, 2101)


def parse_period(text: str, today: Period) -> Period | None:
    """A period as a button sends it ("q2025-4") or as people type it ("2025", "quý 4", "10/2025",
    "tháng 10", "10"); a quarter or month without a year is of `today`'s year. None when it is none of
    these, or its year is not between 2000 and 2100."""
    period = _period(fold(text), today)
    return period if period is not None and period.year in YEARS else None


def _period(plain: str, today: Period) -> Period | None:
    if plain.isascii() and plain.isdigit() and len(plain) <= 2 and 1 <= int(plain) <= 12:
        return Period(today.year, PeriodKind.MONTH, int(plain))
    if match := _PERIOD_CODE.match(plain):
        if match.group(1):
            return Period(int(match.group(1)))
        kind, number = PeriodKind(match.group(2)), int(match.group(4))
        limit = 4 if kind is PeriodKind.QUARTER else 12
        return Period(int(match.group(3)), kind, number) if 1 <= number <= limit else None
    if match := _YEAR.match(plain):
        return Period(int(match.group(1)))
    if match := _QUARTER.match(plain):
        return Period(int(match.group(2) or today.year), PeriodKind.QUARTER, int(match.group(1)))
    if match := _MONTH.match(plain):
        month = int(match.group(1) or match.group(3))
        year = int(match.group(2) or today.year)
        return Period(year, PeriodKind.MONTH, month) if 1 <= month <= 12 else None
    return None


@dataclass(frozen=True)
class Scope:
    """Whose numbers: one center, one village of it, or the centers of a region."""

    center_ids: tuple[int, ...]
    timezone: str = "Asia/Ho_Chi_Minh"
    village_id: int | None = None
    area_id: int | None = None  # narrows the upcoming activities to one report row
    region_id: int | None = None


async def region_scope(session: AsyncSession, region_id: int) -> Scope | None:
    """The centers below a region, read in the first one's time zone; None when it has none (or is none)."""
    ids = await regions.center_ids(session, region_id)
    first = await session.get(Center, ids[0]) if ids else None
    return None if first is None else Scope(tuple(ids), first.timezone, region_id=region_id)


@dataclass
class Row:
    """One line of the report table."""

    key: str  # the area's code, or its folded name for a center's own rows
    name: str
    classes: int = 0
    visits: int = 0
    women: int = 0

    def add(self, other: Row) -> None:
        self.classes += other.classes
        self.visits += other.visits
        self.women += other.women


@dataclass
class Table:
    """The report table of DOMAIN.md for one center (or summed over a region), in the form's order."""

    rows: list[Row]

    @property
    def total(self) -> Row:
        total = Row("total", "")
        for row in self.rows:
            total.add(row)
        return total


@dataclass
class Goal:
    """A target and how far the period has come towards it."""

    key: str  # an area's key, or "total"
    quarter: int  # 0 for the year
    classes_target: int | None
    learners_target: int | None
    classes: int
    learners: int


@dataclass
class Upcoming:
    """One of today's or the coming activities, for the session on today or next."""

    activity_id: int
    title: str
    starts_at: datetime
    capacity: int | None
    registered: int = 0
    waitlisted: int = 0
    checked_in: int = 0
    women: int = 0
    walk_ins: int = 0
    registered_present: int = 0

    @property
    def rate(self) -> float | None:
        """Attendance rate: registered people who came, in percent of those registered (unrounded: how
        many digits to show is the reader's business)."""
        return 100 * self.registered_present / self.registered if self.registered else None


@dataclass
class VillageLine:
    village_id: int | None  # None: head counts, which have no village, and people with none
    name: str
    center_id: int | None = None
    visits: int = 0
    women: int = 0
    registered: int = 0  # for today's and upcoming activities
    waitlisted: int = 0
    checked_in: int = 0
    # The village head's work: seats taken through the village's group card or pasted text ("via" the
    # village), at activities whose first session is in the period, and how many of those people came.
    via_registered: int = 0
    via_came: int = 0


@dataclass
class ActivityLine:
    """A row of the report's second sheet."""

    activity_id: int
    center_id: int
    starts_at: datetime
    title: str
    area_key: str
    partner: str | None
    place: str | None
    classes: int
    visits: int
    women: int
    budget_vnd: int | None  # planned, all sources


@dataclass
class CenterFigures:
    center_id: int
    name: str
    commune: str
    table: Table


@dataclass
class Figures:
    """Everything `/stats`, the report files and the chart show, read at one moment."""

    scope: Scope
    period: Period
    now: datetime
    centers: list[CenterFigures]
    table: Table  # summed over the centers
    goals: list[Goal]
    population_15_plus: int | None
    year_visits: int  # learner-visits of the year in the centers that gave their population, for the ratio
    upcoming: list[Upcoming]
    monthly: dict[str, list[int]]  # area key -> learner-visits per month of the period's year
    monthly_women: list[int]
    villages: list[VillageLine] = field(default_factory=list)
    activities: list[ActivityLine] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """Learner-visits of the year ÷ population aged 15 and over, in percent."""
        if not self.population_15_plus:
            return None
        return 100 * self.year_visits / self.population_15_plus


# (center, area, local month of the year) -> [classes, visits, women]
Counts = dict[tuple[int, int | None, int], list[int]]


async def figures(
    session: AsyncSession,
    scope: Scope,
    period: Period,
    now: datetime,
    *,
    villages: bool = False,
    activities: bool = False,
) -> Figures:
    """Read every figure for a scope and period; `villages` and `activities` add the report's other sheets."""
    center_rows = list(
        await session.execute(
            select(Center.id, Center.name, Center.commune, Center.population_15_plus)
            .where(Center.id.in_(scope.center_ids))
            .order_by(Center.name, Center.id)
        )
    )
    area_rows = list(
        await session.execute(
            select(Area.id, Area.center_id, Area.code, Area.name)
            .where(Area.center_id.in_(scope.center_ids))
            .order_by(Area.center_id, Area.position)
        )
    )
    key_of = {area_id: (code or fold(name)) for area_id, _, code, name in area_rows}
    counts = await _year_counts(session, scope, period.year, now)
    months = set(period.months)
    in_period: dict[int, list[tuple[int | None, list[int]]]] = {}  # center -> its counts of the period
    for (c_id, area_id, month), values in counts.items():
        if month in months:
            in_period.setdefault(c_id, []).append((area_id, values))
    per_center = []
    for center_id, name, commune, _ in center_rows:
        rows = {a_id: Row(key_of[a_id], a_name) for a_id, c_id, _, a_name in area_rows if c_id == center_id}
        unclassified = Row(UNCLASSIFIED, "")
        for area_id, (classes, visits, women) in in_period.get(center_id, []):
            rows.get(area_id or 0, unclassified).add(Row("", "", classes, visits, women))
        table = Table([*rows.values(), *([unclassified] if unclassified.classes or unclassified.visits else [])])
        per_center.append(CenterFigures(center_id, name, commune, table))
    monthly: dict[str, list[int]] = {}
    monthly_women = [0] * 12
    for (_, area_id, month), (_, visits, women) in counts.items():
        monthly.setdefault(key_of.get(area_id or 0, UNCLASSIFIED), [0] * 12)[month - 1] += visits
        monthly_women[month - 1] += women
    populations = {c: p for c, *_, p in center_rows if p}
    upcoming = await _upcoming(session, scope, now)
    start, end = period.bounds(scope.timezone)
    return Figures(
        scope=scope,
        period=period,
        now=now,
        centers=per_center,
        table=_sum_tables([c.table for c in per_center]),
        goals=await _goals(session, scope, period, counts, key_of),
        population_15_plus=sum(populations.values()) if populations else None,
        year_visits=sum(v for (c, _, _), (_, v, _) in counts.items() if c in populations),
        upcoming=upcoming,
        monthly=monthly,
        monthly_women=monthly_women,
        villages=await _villages(session, scope, start, end, upcoming) if villages else [],
        activities=await _activities(session, scope, start, end, now, key_of) if activities else [],
    )


def _sum_tables(tables: list[Table]) -> Table:
    """Rows with the same key (the national form's rows, or a custom row named alike) are added up."""
    summed: dict[str, Row] = {}
    for table in tables:
        for row in table.rows:
            summed.setdefault(row.key, Row(row.key, row.name)).add(row)
    return Table(sorted(summed.values(), key=lambda r: r.key == UNCLASSIFIED))


def _activity_filter(scope: Scope, statuses: tuple[ActivityStatus, ...] = COUNTED) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Activity.center_id.in_(scope.center_ids), Activity.status.in_(statuses)]
    if scope.village_id is not None:
        for_village = select(activity_village.c.activity_id).where(activity_village.c.village_id == scope.village_id)
        conditions.append(or_(Activity.all_villages.is_(True), Activity.id.in_(for_village)))
    return conditions


def _first_sessions():  # type: ignore[no-untyped-def]
    return (
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("first"))
        .group_by(ActivitySession.activity_id)
        .subquery()
    )


def _women(column: ColumnElement) -> ColumnElement[int]:  # type: ignore[type-arg]
    return func.coalesce(func.sum(case((column == Gender.FEMALE, 1), else_=0)), 0)


def _month_of(column: ColumnElement, year: int, zone: str) -> ColumnElement[int]:  # type: ignore[type-arg]
    """The local month (1-12) of a UTC moment of `year`, as portable SQL: compared with the month edges."""
    edges = [month_start(year, m, zone) for m in range(2, 13)]
    return case(*((column < edge, literal(m)) for m, edge in enumerate(edges, 1)), else_=literal(12))


async def _year_counts(session: AsyncSession, scope: Scope, year: int, now: datetime) -> Counts:
    """Classes held, learner-visits and women, by center, area and month of the year: three aggregates."""
    start, end = Period(year).bounds(scope.timezone)
    counts: Counts = {}

    def add(center_id: int, area_id: int | None, month: int, index: int, value: int) -> None:
        counts.setdefault((center_id, area_id, int(month)), [0, 0, 0])[index] += int(value or 0)

    first = _first_sessions()
    held = _month_of(first.c.first, year, scope.timezone)
    for c, a, m, n in await session.execute(
        select(Activity.center_id, Activity.area_id, held, func.count())
        .join(first, first.c.activity_id == Activity.id)
        .where(*_activity_filter(scope), first.c.first >= start, first.c.first < min(end, now))
        .group_by(Activity.center_id, Activity.area_id, held)
    ):
        add(c, a, m, 0, n)
    month = _month_of(ActivitySession.starts_at, year, scope.timezone)
    in_year = and_(ActivitySession.starts_at >= start, ActivitySession.starts_at < end)
    if scope.village_id is None:  # the sessions' tallies: thousands of rows where visits are millions
        named = (
            select(
                Activity.center_id,
                Activity.area_id,
                month,
                func.sum(ActivitySession.visits),
                func.sum(ActivitySession.women_visits),
            )
            .join(Activity, Activity.id == ActivitySession.activity_id)
            .where(*_activity_filter(scope), in_year)
            .group_by(Activity.center_id, Activity.area_id, month)
        )
    else:  # a village's residents: their own rows
        named = (
            select(Activity.center_id, Activity.area_id, month, func.count(Attendance.id), _women(Person.gender))
            .select_from(Attendance)
            .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            .join(Activity, Activity.id == ActivitySession.activity_id)
            .join(Person, Person.id == Attendance.person_id)
            .where(*_activity_filter(scope), in_year, Person.village_id == scope.village_id)
            .group_by(Activity.center_id, Activity.area_id, month)
        )
    for c, a, m, n, w in await session.execute(named):
        add(c, a, m, 1, n)
        add(c, a, m, 2, w)
    if scope.village_id is None:  # head counts have no village
        for c, a, m, n, w in await session.execute(
            select(Activity.center_id, Activity.area_id, month, func.sum(HeadCount.total), func.sum(HeadCount.women))
            .select_from(HeadCount)
            .join(ActivitySession, ActivitySession.id == HeadCount.session_id)
            .join(Activity, Activity.id == ActivitySession.activity_id)
            .where(*_activity_filter(scope), in_year)
            .group_by(Activity.center_id, Activity.area_id, month)
        ):
            add(c, a, m, 1, n)
            add(c, a, m, 2, w)
    return counts


async def _goals(
    session: AsyncSession, scope: Scope, period: Period, counts: Counts, key_of: dict[int, str]
) -> list[Goal]:
    """The targets of the period's year, each with what was reached: the year's against the whole year,
    a quarter's against that quarter. A quarter's view shows its own quarter and the year; a month, none.
    A village's view has none: targets are the center's."""
    if period.kind is PeriodKind.MONTH or scope.village_id is not None:
        return []
    rows = await session.execute(
        select(Target.center_id, Target.area_id, Target.quarter, Target.classes, Target.learners).where(
            Target.center_id.in_(scope.center_ids), Target.year == period.year
        )
    )
    # (key, quarter) -> the summed targets (classes, learners), and the centers that set each of them:
    # in a region, a target is compared with what those centers reached, not with every center's work.
    wanted: dict[tuple[str, int], tuple[list[int | None], list[set[int]]]] = {}
    for center_id, area_id, quarter, classes_target, learners_target in rows:
        if period.kind is PeriodKind.QUARTER and quarter not in (0, period.number):
            continue
        key = "total" if area_id is None else key_of.get(area_id, UNCLASSIFIED)
        sums, setters = wanted.setdefault((key, quarter), ([None, None], [set(), set()]))
        for index, value in enumerate((classes_target, learners_target)):
            if value is not None:
                sums[index] = (sums[index] or 0) + int(value)
                setters[index].add(center_id)
    # (center, key, quarter) -> classes and visits reached; quarter 0 is the whole year, "total" every row
    reached: dict[tuple[int, str, int], list[int]] = {}
    for (center_id, area_id, month), (classes, visits, _) in counts.items():
        for key in ("total", key_of.get(area_id or 0, UNCLASSIFIED)):
            for quarter in (0, (month - 1) // 3 + 1):
                into = reached.setdefault((center_id, key, quarter), [0, 0])
                into[0] += classes
                into[1] += visits
    goals = []
    for (key, quarter), (sums, setters) in sorted(wanted.items(), key=lambda i: (i[0][1], i[0][0] != "total")):
        done = [sum(reached.get((c, key, quarter), [0, 0])[index] for c in setters[index]) for index in (0, 1)]
        goals.append(Goal(key, quarter, sums[0], sums[1], done[0], done[1]))
    return goals


async def _upcoming(session: AsyncSession, scope: Scope, now: datetime) -> list[Upcoming]:
    """Today's and the coming activities, nearest first, each counted at its session on today or next.

    Walk-ins are the people checked in without a seat, plus head counts; the attendance rate is the share
    of registered people who came."""
    if scope.region_id is not None:
        return []
    zone = ZoneInfo(scope.timezone)
    today = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone).astimezone(UTC)
    focus = (
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("starts_at"))
        .where(ActivitySession.ends_at >= today)
        .group_by(ActivitySession.activity_id)
        .subquery()
    )
    conditions = _activity_filter(scope, LIVE)
    if scope.area_id is not None:
        conditions.append(Activity.area_id == scope.area_id)
    found = list(
        await session.execute(
            select(Activity.id, Activity.title, focus.c.starts_at, Activity.capacity)
            .join(focus, focus.c.activity_id == Activity.id)
            .where(*conditions)
            .order_by(focus.c.starts_at, Activity.id)
            .limit(UPCOMING_SHOWN)
        )
    )
    lines = {a_id: Upcoming(a_id, title, starts, capacity) for a_id, title, starts, capacity in found}
    if not lines:
        return []
    village = [Person.village_id == scope.village_id] if scope.village_id is not None else []
    for a_id, status, n in await session.execute(
        select(Registration.activity_id, Registration.status, func.count())
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.activity_id.in_(list(lines)), *village)
        .group_by(Registration.activity_id, Registration.status)
    ):
        if status is RegistrationStatus.REGISTERED:
            lines[a_id].registered = n
        elif status is RegistrationStatus.WAITLISTED:
            lines[a_id].waitlisted = n
    seated = (
        select(Registration.id)
        .where(
            Registration.activity_id == ActivitySession.activity_id,
            Registration.person_id == Attendance.person_id,
            Registration.status == RegistrationStatus.REGISTERED,
        )
        .exists()
    )
    for a_id, n, w, present in await session.execute(
        select(
            ActivitySession.activity_id,
            func.count(Attendance.id),
            _women(Person.gender),
            func.sum(case((seated, 1), else_=0)),
        )
        .select_from(Attendance)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .join(Person, Person.id == Attendance.person_id)
        .where(_in_focus(list(lines.values())), *village)
        .group_by(ActivitySession.activity_id)
    ):
        line = lines[a_id]
        line.checked_in, line.women, line.registered_present = n, w, int(present or 0)
        line.walk_ins = n - line.registered_present
    if scope.village_id is None:
        for a_id, n, w in await session.execute(
            select(ActivitySession.activity_id, func.sum(HeadCount.total), func.sum(HeadCount.women))
            .join(ActivitySession, ActivitySession.id == HeadCount.session_id)
            .where(_in_focus(list(lines.values())))
            .group_by(ActivitySession.activity_id)
        ):
            line = lines[a_id]
            line.checked_in += int(n or 0)
            line.women += int(w or 0)
            line.walk_ins += int(n or 0)
    return list(lines.values())


def _in_focus(upcoming: list[Upcoming]) -> ColumnElement[bool]:
    """The sessions the upcoming lines are counted at."""
    return or_(
        *(
            and_(ActivitySession.activity_id == u.activity_id, ActivitySession.starts_at == u.starts_at)
            for u in upcoming
        )
    )


async def _villages(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime, upcoming: list[Upcoming]
) -> list[VillageLine]:
    """Per village of residence: learner-visits of the period, and registrations and check-ins for today's
    and the coming activities. Head counts come last, as a line without a village."""
    only = [Village.id == scope.village_id] if scope.village_id is not None else []
    names = await session.execute(
        select(Village.id, Village.name, Village.center_id)
        .where(Village.center_id.in_(scope.center_ids), *only)
        .order_by(Village.center_id, Village.name)
    )
    lines = {v_id: VillageLine(v_id, name, center_id) for v_id, name, center_id in names}
    elsewhere = VillageLine(None, "")  # head counts, and people with no village of this scope
    in_period = and_(ActivitySession.starts_at >= start, ActivitySession.starts_at < end)
    for v_id, n, w in await session.execute(
        select(Person.village_id, func.count(Attendance.id), _women(Person.gender))
        .select_from(Attendance)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .join(Person, Person.id == Attendance.person_id)
        .where(
            *_activity_filter(scope), in_period, *([Person.village_id == scope.village_id] if scope.village_id else [])
        )
        .group_by(Person.village_id)
    ):
        line = lines.get(v_id, elsewhere)
        line.visits += n
        line.women += w
    if upcoming:
        # places count for the village credited with them: the one whose announcement brought the person (a
        # village head's pasted text, a group's card), else their own
        for v_id, status, n in await session.execute(
            select(Registration.village_id, Registration.status, func.count())
            .where(Registration.activity_id.in_([u.activity_id for u in upcoming]))
            .group_by(Registration.village_id, Registration.status)
        ):
            if v_id in lines and status is RegistrationStatus.REGISTERED:
                lines[v_id].registered = n
            elif v_id in lines and status is RegistrationStatus.WAITLISTED:
                lines[v_id].waitlisted = n
        for v_id, n in await session.execute(
            select(Person.village_id, func.count(Attendance.id))
            .select_from(Attendance)
            .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            .join(Person, Person.id == Attendance.person_id)
            .where(_in_focus(upcoming))
            .group_by(Person.village_id)
        ):
            if v_id in lines:
                lines[v_id].checked_in = n
    await _credit(session, scope, start, end, lines)
    result = list(lines.values())
    if scope.village_id is None:
        total, women = (
            await session.execute(
                select(func.coalesce(func.sum(HeadCount.total), 0), func.coalesce(func.sum(HeadCount.women), 0))
                .select_from(HeadCount)
                .join(ActivitySession, ActivitySession.id == HeadCount.session_id)
                .join(Activity, Activity.id == ActivitySession.activity_id)
                .where(*_activity_filter(scope), in_period)
            )
        ).one()
        elsewhere.visits += int(total)
        elsewhere.women += int(women)
    if elsewhere.visits:
        result.append(elsewhere)
    return result


async def _credit(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime, lines: dict[int, VillageLine]
) -> None:
    """Each village's credit, beside its residents: the seats at the period's activities (by their first
    session) that came through its group (`Registration.via_village_id`, whoever the people are and wherever
    they live), and how many of those people checked in at one of the activity's sessions at least."""
    own = select(Activity.id).where(Activity.center_id.in_(scope.center_ids), Activity.status.in_(COUNTED))
    first = (  # the first sessions of the scope's activities only: a province's report reads no other center's
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("first"))
        .where(ActivitySession.activity_id.in_(own))
        .group_by(ActivitySession.activity_id)
        .having(func.min(ActivitySession.starts_at) >= start, func.min(ActivitySession.starts_at) < end)
        .subquery()
    )
    came = (
        select(Attendance.id)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .where(
            ActivitySession.activity_id == Registration.activity_id,
            Attendance.person_id == Registration.person_id,
        )
        .exists()
    )
    only = [Registration.via_village_id == scope.village_id] if scope.village_id is not None else []
    for v_id, n, m in await session.execute(
        select(Registration.via_village_id, func.count(), func.sum(case((came, 1), else_=0)))
        .join(first, first.c.activity_id == Registration.activity_id)
        .where(
            Registration.status == RegistrationStatus.REGISTERED,
            Registration.via_village_id.is_not(None),
            *only,
        )
        .group_by(Registration.via_village_id)
    ):
        if v_id in lines:
            lines[v_id].via_registered, lines[v_id].via_came = int(n), int(m or 0)


async def _activities(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime, now: datetime, key_of: dict[int, str]
) -> list[ActivityLine]:
    """Every activity that counts in the period: held in it (a class) or with learner-visits in it."""
    first = _first_sessions()
    in_period = and_(ActivitySession.starts_at >= start, ActivitySession.starts_at < end)
    own = select(Activity.id).where(Activity.center_id.in_(scope.center_ids))
    if scope.village_id is None:
        named = (
            select(
                ActivitySession.activity_id.label("activity_id"),
                func.sum(ActivitySession.visits).label("n"),
                func.sum(ActivitySession.women_visits).label("w"),
            )
            .where(in_period, ActivitySession.activity_id.in_(own))
            .group_by(ActivitySession.activity_id)
            .subquery()
        )
    else:
        named = (
            select(
                ActivitySession.activity_id.label("activity_id"),
                func.count(Attendance.id).label("n"),
                _women(Person.gender).label("w"),
            )
            .select_from(Attendance)
            .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            .join(Person, Person.id == Attendance.person_id)
            .where(in_period, ActivitySession.activity_id.in_(own), Person.village_id == scope.village_id)
            .group_by(ActivitySession.activity_id)
            .subquery()
        )
    counted = (
        select(
            ActivitySession.activity_id.label("activity_id"),
            func.sum(HeadCount.total).label("n"),
            func.sum(HeadCount.women).label("w"),
        )
        .join(ActivitySession, ActivitySession.id == HeadCount.session_id)
        .where(in_period, ActivitySession.activity_id.in_(own), *([literal(False)] if scope.village_id else []))
        .group_by(ActivitySession.activity_id)
        .subquery()
    )
    planned = (
        select(Budget.activity_id.label("activity_id"), func.sum(Budget.planned_vnd).label("vnd"))
        .where(Budget.activity_id.in_(own))
        .group_by(Budget.activity_id)
        .subquery()
    )
    held = and_(first.c.first >= start, first.c.first < min(end, now))
    visits = func.coalesce(named.c.n, 0) + func.coalesce(counted.c.n, 0)
    women = func.coalesce(named.c.w, 0) + func.coalesce(counted.c.w, 0)
    rows = await session.execute(
        select(
            Activity.id,
            Activity.center_id,
            first.c.first,
            Activity.title,
            Activity.area_id,
            Activity.partner,
            Activity.place,
            case((held, 1), else_=0),
            visits,
            women,
            planned.c.vnd,
        )
        .join(first, first.c.activity_id == Activity.id)
        .outerjoin(planned, planned.c.activity_id == Activity.id)
        .outerjoin(named, named.c.activity_id == Activity.id)
        .outerjoin(counted, counted.c.activity_id == Activity.id)
        .where(*_activity_filter(scope), or_(held, visits > 0))
        .order_by(Activity.center_id, first.c.first, Activity.id)
    )
    return [
        ActivityLine(
            a,
            c,
            s,
            t,
            key_of.get(area or 0, UNCLASSIFIED),
            p,
            pl,
            int(h),
            int(n),
            int(w),
            None if b is None else int(b),
        )
        for a, c, s, t, area, p, pl, h, n, w, b in rows
    ]
