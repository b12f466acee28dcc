"""An activity's money by source, planned and spent, and the report's budget table summed over a period.

The sources are those of the report's table (`BudgetSource`, in its order): state budget, social
contributions, learners' contributions, other. A plan's plain "Kinh phí" column is saved as planned money
of source "other"; staff set the rest with /budget. One `Budget` row per activity and source holds both
amounts; a source with neither amount has no row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Activity, ActivitySession, Budget, BudgetSource
from bot.services import audit
from bot.services.stats import COUNTED, Period, Scope
from bot.text import fold

SOURCES = tuple(BudgetSource)  # the table's order
# What a person types for a source (folded: no diacritics, lower case), in either language.
WORDS = {
    BudgetSource.STATE: ("nn", "ngan sach", "ngan sach nha nuoc", "nha nuoc", "state"),
    BudgetSource.SOCIAL: ("xh", "xa hoi", "xa hoi hoa", "social"),
    BudgetSource.LEARNERS: ("nh", "nguoi hoc", "hoc vien", "learners"),
    BudgetSource.OTHER: ("khac", "nguon khac", "other"),
}
CODES = {source: words[0] for source, words in WORDS.items()}  # what the buttons send
MAX_VND = 100_000_000_000  # a hundred billion đồng: anything above is a typing slip
_AMOUNT = re.compile(r"^(\d{1,3}(?:[.,\s]\d{3})+|\d+(?:[.,]\d+)?)\s*(tr|trieu|k|nghin|ngan|d|dong)?$")
_SCALE = {"tr": 1_000_000, "trieu": 1_000_000, "k": 1_000, "nghin": 1_000, "ngan": 1_000}


@dataclass
class Money:
    """Planned and spent đồng of one source (None: not said)."""

    planned: int | None = None
    spent: int | None = None


def source_of(word: str) -> BudgetSource | None:
    plain = fold(word).strip()
    return next((source for source, words in WORDS.items() if plain in words), None)


def parse_amount(text: str) -> int | None:
    """Đồng as people write them: "2000000", "2.000.000", "2,5 tr", "500k", "1 triệu"; "-" or "0" is 0.
    None when it is not an amount or is above a hundred billion."""
    plain = fold(text).strip()
    if plain in ("-", "0"):
        return 0
    match = _AMOUNT.match(plain)
    if match is None:
        return None
    digits, unit = match.group(1), match.group(2)
    scale = _SCALE.get(unit or "", 1)
    if re.fullmatch(r"\d{1,3}(?:[.,\s]\d{3})+", digits):
        value = int(re.sub(r"[.,\s]", "", digits)) * scale
    elif scale > 1:
        value = round(float(digits.replace(",", ".")) * scale)
    elif digits.isdigit():
        value = int(digits)
    else:
        return None
    return value if 0 <= value <= MAX_VND else None


async def of_activity(session: AsyncSession, activity_id: int) -> dict[BudgetSource, Money]:
    """Every source, in the table's order, with what is recorded (empty `Money` when nothing is)."""
    found = {
        source: Money(planned, spent)
        for source, planned, spent in await session.execute(
            select(Budget.source, Budget.planned_vnd, Budget.spent_vnd).where(Budget.activity_id == activity_id)
        )
    }
    return {source: found.get(source, Money()) for source in SOURCES}


async def record(
    session: AsyncSession,
    activity: Activity,
    source: BudgetSource,
    money: Money,
    *,
    by: int | None,
    now: datetime,
) -> None:
    """Save one source's planned and spent money (None keeps what was there), and audit it."""
    row = await session.scalar(select(Budget).where(Budget.activity_id == activity.id, Budget.source == source))
    if row is None:
        row = Budget(activity_id=activity.id, source=source)
        session.add(row)
    if money.planned is not None:
        row.planned_vnd = money.planned
    if money.spent is not None:
        row.spent_vnd = money.spent
    audit.record(
        session,
        action="activity.budget",
        at=now,
        center_id=activity.center_id,
        actor_id=by,
        activity_id=activity.id,
        source=source.value,
        planned=row.planned_vnd,
        spent=row.spent_vnd,
    )
    await session.flush()


async def by_source(session: AsyncSession, scope: Scope, period: Period) -> dict[BudgetSource, Money]:
    """The report's budget table: planned and spent money per source, summed over the activities that count
    (published, changed or finished) whose first session falls in the period, held yet or not: an activity's
    money belongs to the period it starts in, as its class does. One grouped query."""
    start, end = period.bounds(scope.timezone)
    first = (
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("first"))
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(Activity.center_id.in_(scope.center_ids), Activity.status.in_(COUNTED))
        .group_by(ActivitySession.activity_id)
        .subquery()
    )
    rows = await session.execute(
        select(Budget.source, func.sum(Budget.planned_vnd), func.sum(Budget.spent_vnd))
        .join(first, first.c.activity_id == Budget.activity_id)
        .where(and_(first.c.first >= start, first.c.first < end))
        .group_by(Budget.source)
    )
    found = {source: Money(None if p is None else int(p), None if s is None else int(s)) for source, p, s in rows}
    return {source: found.get(source, Money()) for source in SOURCES}
