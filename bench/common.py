"""What the scale benchmarks share: the machine they ran on, fresh databases, real `loalang` processes
against the fake Bot API over loopback, and percentiles."""

from __future__ import annotations

import asyncio
import math
import os
import platform
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ first, not the project
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from bot.database import Database  # noqa: E402

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@localhost:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://localhost:6379/14")
WORK = ROOT / "data" / "bench"


def machine() -> str:
    """One line: CPU, cores, memory, OS and Python."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "? GiB"
    return (
        f"{model}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def cpu_seconds(groups: dict[str, Callable[[int, str], bool]]) -> dict[str, float]:
    """CPU time (user + system, all threads) used so far by the live processes of each group, from /proc; a
    group picks processes by pid and command line. A process that has exited is no longer counted."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(groups, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        for name, member in groups.items():
            if member(int(entry.name), command):
                used[name] += (int(fields[11]) + int(fields[12])) / tick
    return used


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


async def fresh_database(kind: str, name: str) -> str:
    """An empty, migrated database: SQLite under data/bench/, or a PostgreSQL database made anew."""
    if kind == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"{name}.db"
        for leftover in (path, path.with_suffix(".db-wal"), path.with_suffix(".db-shm")):
            leftover.unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        admin = await asyncpg.connect(f"{POSTGRES}/postgres")
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            await admin.execute(f"CREATE DATABASE {name}")
        finally:
            await admin.close()
        url = f"{POSTGRES.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def spawn(arguments: list[str], env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    """`loalang ARGUMENTS` as its own process, its output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            f"from bot.cli import main; raise SystemExit(main({arguments!r}))",
            env={**os.environ, **env},
            cwd=ROOT,
            stdout=out,
            stderr=out,
        )


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()
