"""Memory: the peak resident memory of one `loalang run` process serving a commune of 30,000 people in 25
villages with a year of activity behind it, while it is used as a commune uses it: the director's /stats
and yearly report, residents browsing /events and reading /mydata, 500 check-ins, and an announcement to
every village group.

    uv run python bench/memory_bench.py [--db sqlite|postgres] [--people 30000]

The figure is the kernel's VmHWM (peak resident set) of the bot's process, read from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import WORK, fresh_database, machine, spawn, stop
from sqlalchemy import insert, select

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.database import Database
from bot.models import (
    Account,
    Activity,
    ActivityKind,
    ActivitySession,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    Center,
    Gender,
    GroupChat,
    Person,
    Registration,
    RegistrationStatus,
    Role,
    RoleKind,
)
from bot.services import activities, centers, checkin
from bot.text import fold

VILLAGES = [f"Thôn {n}" for n in range(1, 26)]
FIRST_USER = 10_000_000


async def seed(url: str, people: int, fake: FakeTelegram) -> tuple[FakeUser, list[FakeUser], int, str]:
    """The commune, its year, and the fake accounts of the director and 1,000 residents."""
    rng = random.Random(2025)
    now = datetime.now(UTC)
    accounts = [fake.add_user("Hùng")] + [fake.add_user(f"Người {n}") for n in range(1, 1001)]
    db = Database(url)
    async with db.session() as session, session.begin():
        center = await centers.create_center(session, name="TTHTCĐ xã Thanh Bình", villages=VILLAGES, now=now)
        villages = [v.id for v in center.villages]
        rows = [
            {
                "center_id": center.id,
                "full_name": f"Người Số {n}",
                "name_key": fold(f"Người Số {n}"),  # as the ORM keeps it (bot/models.py)
                "gender": Gender.FEMALE if n % 2 else Gender.MALE,
                "birth_year": 1940 + n % 65,
                "village_id": villages[n % len(villages)],
                "consent_at": now,
                "created_at": now,
                "private_notices": False,
            }
            for n in range(people)
        ]
        await session.execute(insert(Person), rows)
        ids = list(await session.scalars(select(Person.id).order_by(Person.id)))
        user_ids = [accounts[n].id if n < len(accounts) else FIRST_USER + n for n in range(people)]
        await session.execute(
            insert(Account),
            [
                {"person_id": person, "channel": "telegram", "external_id": str(user), "created_at": now}
                for person, user in zip(ids, user_ids, strict=True)
            ],
        )
        director_id = ids[0]
        session.add(Role(person_id=director_id, center_id=center.id, kind=RoleKind.DIRECTOR, granted_at=now))
        groups = []
        for index, village in enumerate(villages):
            chat = fake.add_group(f"Nhóm {VILLAGES[index]}")
            groups.append(chat)
            session.add(
                GroupChat(
                    channel="telegram",
                    external_id=str(chat.id),
                    title=chat.title,
                    center_id=center.id,
                    village_id=village,
                    active=True,
                    updated_at=now,
                )
            )
        start = now - timedelta(days=365)
        for number in range(240):  # a year: talks and classes, about five a week
            begins = start + timedelta(days=number * 1.5, hours=1)
            sessions = rng.choice([1, 1, 1, 3, 6])
            activity = Activity(
                center_id=center.id,
                title=f"Chuyên đề số {number}",
                kind=ActivityKind.TALK if sessions == 1 else ActivityKind.CLASS,
                status=ActivityStatus.FINISHED,
                capacity=None,
                created_at=begins,
                updated_at=begins,
            )
            session.add(activity)
            await session.flush()
            came = rng.sample(ids, 60)
            await session.execute(
                insert(Registration),
                [
                    {
                        "activity_id": activity.id,
                        "person_id": p,
                        "status": RegistrationStatus.REGISTERED,
                        "created_at": begins,
                        "updated_at": begins,
                    }
                    for p in came
                ],
            )
            for index in range(sessions):
                at = begins + timedelta(days=7 * index)
                current = ActivitySession(
                    activity_id=activity.id,
                    starts_at=at,
                    ends_at=at + timedelta(hours=2),
                    visits=50,
                    women_visits=25,
                )
                session.add(current)
                await session.flush()
                await session.execute(
                    insert(Attendance),
                    [
                        {"session_id": current.id, "person_id": p, "method": AttendanceMethod.CODE, "at": at}
                        for p in came[:50]
                    ],
                )
        soon = now + timedelta(minutes=10)
        draft = activities.Draft(
            title="Lớp dưỡng sinh", kind=ActivityKind.TALK, sessions=[(soon, soon + timedelta(hours=2))]
        )
        today = await activities.create(session, await session.get(Center, center.id), draft, now=now, by=None)
        await activities.publish(session, today, now=now, by=None)  # announced to every village group
        await session.flush()
        session_id = today.sessions[0].id
        secret = center.secret
    await db.dispose()
    for group in groups:
        group.add_bot(accounts[0])
    fake.drop_pending_updates()
    return accounts[0], accounts[1:], session_id, secret


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def run(args: argparse.Namespace) -> None:
    print(f"machine: {machine()}")
    fake = FakeTelegram()
    url = await fresh_database(args.db, "loalang_bench_memory")
    began = time.monotonic()
    director, residents, session_id, secret = await seed(url, args.people, fake)
    print(f"seeded {args.people} people, 25 villages, 240 activities in {time.monotonic() - began:.0f} s")
    async with fake.serve() as base_url:
        env = {"BOT_TOKEN": fake.token, "BOT_API_BASE_URL": base_url, "DATABASE_URL": url}
        bot = await spawn(["run"], env, WORK / "memory.log")
        try:
            await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), timeout=60)
            print(f"started: {peak_kib(bot.pid) / 1024:.0f} MiB peak so far")

            async def said(user: FakeUser, text: str, replies: int) -> None:
                before = len(user.private_chat.bot_messages)
                user.send(text)
                await fake.wait_for(lambda: len(user.private_chat.bot_messages) >= before + replies, timeout=300)

            def phase(name: str) -> None:
                print(f"  after {name}: {peak_kib(bot.pid) / 1024:.0f} MiB peak")

            await said(director, "/stats", replies=2)  # the figures, then the chart
            phase("/stats")
            await said(director, "/report 2025", replies=1)
            phase("/report (Excel)")
            await said(director, "/report 2025 pdf", replies=1)
            phase("/report 2025 pdf")
            for resident in residents[:300]:
                resident.send("/events")
            await fake.wait_for(  # "Coming up:" and the one activity not over yet
                lambda: all(len(r.private_chat.bot_messages) >= 2 for r in residents[:300]), timeout=300
            )
            phase("300 /events")
            for resident in residents[300:400]:
                resident.send("/mydata")
            await fake.wait_for(lambda: all(r.private_chat.bot_messages for r in residents[300:400]), timeout=300)
            phase("100 /mydata")
            code = checkin.code(secret, session_id, checkin.minute_of(datetime.now(UTC)))
            for resident in residents[400:900]:
                resident.send(code)
            await fake.wait_for(lambda: all(r.private_chat.bot_messages for r in residents[400:900]), timeout=300)
            phase("500 check-ins")
            await said(director, "/stats 2025", replies=2)
            print(f"after the load: {peak_kib(bot.pid) / 1024:.0f} MiB peak (VmHWM) — target under 200 MB")
        finally:
            await stop(bot)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--people", type=int, default=30_000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
