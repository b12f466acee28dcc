"""Broadcast: one announcement to 5,000 village groups, sent by real `loalang` processes to the fake Bot API,
which enforces Telegram's limits (30 messages a second overall, 20 a minute per group, 1 a second per chat)
and answers 429 to anything faster. --scale multiplies those limits to keep the run short; the bot's own
limiter is told the same factor (SEND_RATE_SCALE), as it would be for a bot Telegram allows more.

Prints the achieved send rate over the allowed one, the 429s, messages lost and duplicates.

    uv run python bench/broadcast_bench.py                     # 5,000 groups, x10, SQLite, one process
    uv run python bench/broadcast_bench.py --db postgres --processes 2      # two processes, limits in Redis
    uv run python bench/broadcast_bench.py --db postgres --processes 2 --kill   # SIGKILL one a third in
    uv run python bench/broadcast_bench.py --faults            # 5 % of sends answer 5xx, 2 % time out
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import signal
import time
from collections import Counter

from common import REDIS, free_port, fresh_database, machine, spawn, stop
from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram
from bot.database import Database
from bot.models import Delivery
from tests.broadcasts import TITLE, linked_groups

WEBHOOK = "https://loalang.example.org/telegram"


async def _resent(url: str) -> int:
    """Rows sent on a second claim after a process died: those it had in flight."""
    db = Database(url)
    async with db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.attempts >= 2, Delivery.status == "sent")
        )
    await db.dispose()
    return int(count or 0)


def delivered(fake: FakeTelegram) -> int:
    """Distinct groups answered 200 so far (cheap enough to ask ten times a second)."""
    return len({c.params.get("chat_id") for c in fake.calls if c.method == "sendMessage" and c.ok})


def received(fake: FakeTelegram) -> Counter[int]:
    return Counter(
        chat_id
        for chat_id, chat in fake.chats.items()
        if chat.is_group
        for m in chat.bot_messages
        if (m.text or "").startswith(TITLE)
    )


async def run(args: argparse.Namespace) -> None:
    print(f"machine: {machine()}")
    fake = FakeTelegram()
    fake.enforce_limits, fake.limit_scale = True, args.scale
    url = await fresh_database(args.db, "loalang_bench_broadcast")
    await linked_groups(url, fake, args.groups, center="TTHTCĐ huyện mẫu", village="Thôn")
    if args.faults:
        fake.faults.at_random(server_error=0.05, timeout=0.02, seed=7)
    async with fake.serve() as base_url:
        env = {
            "BOT_TOKEN": fake.token,
            "BOT_API_BASE_URL": base_url,
            "DATABASE_URL": url,
            "SEND_RATE_SCALE": str(args.scale),
        }
        if args.processes > 1:
            env["REDIS_URL"] = REDIS
        from common import WORK

        log = WORK / "broadcast.log"
        log.unlink(missing_ok=True)
        if args.processes == 1:
            commands = [["run"]]
        else:
            commands = [["run", "--webhook", WEBHOOK, "--port", str(free_port())] for _ in range(args.processes)]
        began = time.monotonic()
        processes = [await spawn(command, env, log) for command in commands]
        killed = None
        try:
            deadline = began + args.groups / (30 * args.scale) * 3 + 180
            while (done := delivered(fake)) < args.groups and time.monotonic() < deadline:
                if args.kill and killed is None and done >= args.groups // 3:
                    killed = processes[0]
                    killed.send_signal(signal.SIGKILL)
                    in_flight_at_kill = done
                await asyncio.sleep(0.1)
            await asyncio.sleep(2)  # anything still on its way
        finally:
            for process in processes:
                with contextlib.suppress(ProcessLookupError):
                    await stop(process)
    counts = received(fake)
    resent = await _resent(url)
    sends = sorted(c.at for c in fake.calls if c.method == "sendMessage" and c.ok)
    limited = sum(1 for c in fake.calls if c.status == 429)
    failed = sum(1 for c in fake.calls if c.method == "sendMessage" and not c.ok and c.status != 429)
    allowed = 30 * args.scale
    span = sends[-1] - sends[0] if len(sends) > 1 else float("nan")
    achieved = (len(sends) - 1) / span if len(sends) > 1 else 0.0
    lost = args.groups - len(counts)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    print(
        f"broadcast: {args.groups} groups, limits x{args.scale:g} (allowed {allowed:g}/s), {args.db}, "
        f"{args.processes} process(es){', faults 5% 5xx + 2% timeouts' if args.faults else ''}"
        f"{', one SIGKILLed at ' + str(in_flight_at_kill) + ' delivered' if killed else ''}"
    )
    print(f"  sent {len(sends)} in {span:.1f} s: {achieved:.1f}/s; achieved/allowed = {achieved / allowed:.3f}")
    print(f"  429s received: {limited}; other failed sends (injected): {failed}")
    gaps = sorted(b - a for a, b in itertools.pairwise(sends))
    print(
        f"  gaps between sends: longest {[round(g * 1000) for g in gaps[-5:]]} ms; over 50 ms: "
        f"{sum(1 for g in gaps if g > 0.05)}, adding up to {sum(g for g in gaps if g > 0.05):.1f} s"
    )
    print(f"  messages lost: {lost}; duplicates: {duplicates}; wall time {time.monotonic() - began:.1f} s")
    if killed:
        print(f"  in flight at the kill (taken back and sent again by the survivor): {resent}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--scale", type=float, default=10.0, help="multiply Telegram's limits (default 10)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the first process a third of the way in")
    parser.add_argument("--faults", action="store_true", help="5 %% of sends answer 5xx, 2 %% time out")
    args = parser.parse_args()
    if args.kill and args.processes < 2:
        parser.error("--kill needs --processes 2 (a survivor)")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
