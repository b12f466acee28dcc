"""The audience of an announcement to a whole commune: 30,000 people who asked for notices in private, each
reached at one account (one in ten has two: Telegram and Zalo). Times `activities.audience` with the account
chosen as today (the one the person last wrote from, else the newest: an ordered subquery) and as before issue
17 (the highest account id), on SQLite and PostgreSQL.

    uv run python bench/audience_bench.py [--db sqlite,postgres] [--people 30000] [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

from common import fresh_database, machine
from sqlalchemy import func, insert, select

from bot.database import Database
from bot.models import Account, Activity, ActivityKind, ActivityStatus, Person
from bot.services import activities, centers, people

NOW = datetime(2025, 11, 20, 3, 0, tzinfo=UTC)
BEFORE = select(func.max(Account.id)).where(Account.person_id == Person.id).correlate(Person).scalar_subquery()


async def seed(url: str, count: int) -> int:
    db = Database(url)
    async with db.session() as session, session.begin():
        center = await centers.create_center(
            session, name="TTHTCĐ xã Bench", villages=[f"Thôn {n}" for n in range(25)], now=NOW
        )
        villages = list(center.villages)
        await session.execute(
            insert(Person),
            [
                {
                    "center_id": center.id,
                    "full_name": f"Người {n}",
                    "village_id": villages[n % 25].id,
                    "consent_at": NOW,
                    "created_at": NOW,
                    "private_notices": True,
                }
                for n in range(count)
            ],
        )
        ids = list(await session.scalars(select(Person.id).order_by(Person.id)))
        rows = [{"person_id": pid, "channel": "telegram", "external_id": str(pid), "created_at": NOW} for pid in ids]
        rows += [
            {"person_id": pid, "channel": "zalo", "external_id": f"z{pid}", "created_at": NOW, "used_at": NOW}
            for pid in ids[::10]
        ]
        await session.execute(insert(Account), rows)
        begins = NOW + timedelta(days=1)
        draft = activities.Draft(
            title="Chuyên đề", kind=ActivityKind.TALK, sessions=[(begins, begins + timedelta(hours=2))]
        )
        activity = await activities.create(session, center, draft, now=NOW, by=None)
        activity.status = ActivityStatus.PUBLISHED
    await db.dispose()
    return activity.id


async def timed(url: str, activity_id: int, runs: int) -> tuple[float, float, int]:
    db = Database(url)
    took = []
    for _ in range(runs + 2):
        async with db.session() as session:
            activity = await session.get(Activity, activity_id)
            assert activity is not None
            started = time.perf_counter()
            found = await activities.audience(session, activity)
            took.append(time.perf_counter() - started)
    await db.dispose()
    took = took[2:]
    return statistics.median(took), max(took), len(found)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(machine())
    today = people.NEWEST_ACCOUNT
    for kind in args.db.split(","):
        url = await fresh_database(kind, "loalang_audience")
        activity_id = await seed(url, args.people)
        for label, expression in (("before (max id)", BEFORE), ("now (last used)", today)):
            people.NEWEST_ACCOUNT = expression
            median, worst, count = await timed(url, activity_id, args.runs)
            shown = f"median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
            print(f"{kind:8} {label:16} audience of {count} chats: {shown}")
        people.NEWEST_ACCOUNT = today


if __name__ == "__main__":
    asyncio.run(main())
