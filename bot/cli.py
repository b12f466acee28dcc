"""`loalang`: the command line. It parses arguments and calls a service; nothing more.

It speaks the operator's language (`--lang`, else the settings' DEFAULT_LOCALE) through the same catalogs as
the bot, and never needs a terminal: a command that would ask, run by a script or a scheduled job (no terminal
on its input) and without `--yes`, shows what it would do and exits 1 with one line saying what to add.
The argparse help stays English."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot import channels as messengers
from bot import logs
from bot.bootstrap import bootstrap, utcnow
from bot.config import SUPPORTED_LOCALES, ConfigError, Settings, load_settings
from bot.database import Database
from bot.i18n import N_, Translator
from bot.models import Center, InviteKind, Region
from bot.reports import document
from bot.services import areas, audit, centers, invites, plan_import, regions, stats, targets
from bot.text import fold

NO_TOKEN = N_(
    "Neither BOT_TOKEN nor ZALO_BOT_TOKEN is set, so this is the local sandbox. To run on Telegram, put the token "
    "from @BotFather in BOT_TOKEN; on Zalo, the one from Zalo Bot Creator in ZALO_BOT_TOKEN (environment or .env)."
)
YES = ("y", "yes", "c", "co", "có")


def main(argv: Sequence[str] | None = None, *, clock: Callable[[], datetime] = utcnow) -> int:
    """The console script. `clock` lets tests run the commands at a chosen moment."""
    args = _parser().parse_args(argv)
    args.clock = clock
    logs.configure()
    try:
        settings = load_settings()
        args.t = Translator(getattr(args, "lang", None) or settings.default_locale, settings.timezone)
        return asyncio.run(args.action(settings, args))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    except Exception:  # e.g. Telegram refusing the token: logged, so its text is scrubbed of the token
        logging.getLogger("loalang").error("Loa Làng stopped", exc_info=True)
        return 1


def _say(args: argparse.Namespace, message: str, *, stderr: bool = False, **fields: object) -> None:
    """Print a message id in the operator's language (to stderr for an error)."""
    text = args.t.gettext(message)
    print(text.format(**fields) if fields else text, file=sys.stderr if stderr else sys.stdout)


def _reason(args: argparse.Namespace, error: ValueError) -> str:
    """A service's ValueError (a message id, and its fields as a second argument) in the operator's language."""
    message, *rest = error.args or ("",)
    fields = rest[0] if rest and isinstance(rest[0], dict) else {}
    return str(args.t.gettext(str(message))).format(**fields)


def _interactive() -> bool:
    """Whether a person can answer: stdin is a terminal (not a script's pipe, a scheduled job or /dev/null)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed or replaced
        return False


def _parser() -> argparse.ArgumentParser:
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument(
        "--lang",
        choices=SUPPORTED_LOCALES,
        default=argparse.SUPPRESS,  # given before or after the command name, neither place unsets the other
        help="the language of the messages (default: DEFAULT_LOCALE)",
    )
    parser = argparse.ArgumentParser(
        prog="loalang", description="Loa Làng, the community learning center bot.", parents=[language]
    )
    parser.set_defaults(action=_default)
    commands = parser.add_subparsers(title="commands")

    def command(group: argparse._SubParsersAction, name: str, **kwargs: object) -> argparse.ArgumentParser:
        return group.add_parser(name, parents=[language], **kwargs)  # type: ignore[no-any-return]

    run = command(
        commands,
        "run",
        help="start the bot (long polling, or a webhook with --webhook); applies pending migrations first",
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="serve the messengers' webhooks: the public https:// address (a second messenger's is URL/<its name>)",
    )
    run.add_argument("--listen", default="127.0.0.1", help="web server: the address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8443, help="web server: the port to listen on (default 8443)")
    run.set_defaults(action=_run)

    sandbox = command(
        commands, "sandbox", help="the whole bot in a browser, on this computer only, with no Telegram account"
    )
    sandbox.add_argument("--fresh", action="store_true", help="start over with an empty center (no demo data)")
    sandbox.add_argument("--port", type=int, default=8080, help="default 8080; 0 picks a free one")
    sandbox.add_argument("--data", default="data/sandbox", help="where it keeps its files (default data/sandbox)")
    sandbox.set_defaults(action=_sandbox)

    db = commands.add_parser("db", help="database tasks").add_subparsers(title="database tasks", required=True)
    command(db, "upgrade", help="apply pending migrations").set_defaults(action=_db_upgrade)

    center = commands.add_parser("center", help="centers").add_subparsers(title="center tasks", required=True)
    add = command(center, "add", help="create a center and print the director's one-time claim link")
    add.add_argument("name", help='e.g. "TTHTCĐ xã Thanh Bình"')
    add.add_argument("--villages", required=True, help='comma-separated, e.g. "Thôn Đông,Thôn Tây"')
    add.add_argument("--commune", help="the commune's name, if different from the center's")
    add.add_argument("--timezone", help="default: TIMEZONE")
    add.add_argument("--locale", choices=["vi", "en"], help="default: DEFAULT_LOCALE")
    add.add_argument("--population", type=int, help="population aged 15 and over")
    add.add_argument("--region", type=int, help="the number of its district or province (see `loalang region add`)")
    add.set_defaults(action=_center_add)
    handover = command(
        center, "handover", help="print a one-time link that makes its opener the director; the present one steps down"
    )
    handover.add_argument("center", type=int, help="the center's number")
    handover.set_defaults(action=_center_handover)

    region = commands.add_parser("region", help="districts and provinces").add_subparsers(
        title="region tasks", required=True
    )
    new_region = command(region, "add", help="create a district or province")
    new_region.add_argument("name", help='e.g. "Tỉnh Quảng Ninh"')
    new_region.add_argument("--parent", type=int, help="the province a district belongs to")
    new_region.add_argument("--centers", help="comma-separated numbers of centers to put in it")
    new_region.set_defaults(action=_region_add)
    officer = command(
        region, "officer", help="list a region's officers and print a one-time link that makes its opener one"
    )
    officer.add_argument("region", type=int)
    officer.add_argument("--revoke", type=int, metavar="PERSON", help="take the role back from this officer")
    officer.set_defaults(action=_region_officer)

    report = commands.add_parser(
        "report", help="write the report file of a month, quarter or year (the same figures as /stats)"
    )
    whose = report.add_mutually_exclusive_group(required=True)
    whose.add_argument("--center", type=int, help="the center's number")
    whose.add_argument("--region", type=int, help="a region's number: one block of rows per center")
    when = report.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", type=_period, help="2025-10 (a month), 2025-Q4 (a quarter) or 2025 (a year)")
    when.add_argument("--year", type=_year, help="the same as --period YEAR")
    report.add_argument("--format", choices=["xlsx", "csv", "pdf"], default="xlsx")
    report.add_argument(
        "--lang",
        choices=SUPPORTED_LOCALES,
        default=argparse.SUPPRESS,
        help="the report's and the messages' language (default: the center's)",
    )
    report.add_argument("-o", "--output", required=True, help="the file to write")
    report.set_defaults(action=_report)

    plan = commands.add_parser("plan", help="plans").add_subparsers(title="plan tasks", required=True)
    load = command(plan, "import", help="import activities from an .xlsx or .csv plan (see samples/)")
    load.add_argument("file")
    load.add_argument("--center", type=int, required=True, help="the center's number")
    load.add_argument(
        "--yes", action="store_true", help="create without asking (needed when there is no terminal to ask in)"
    )
    load.set_defaults(action=_plan_import)
    return parser


def _year(text: str) -> int:
    if not (text.isdigit() and int(text) in stats.YEARS):
        raise argparse.ArgumentTypeError("expected a year between 2000 and 2100")
    return int(text)


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?$")


def _period(text: str) -> stats.Period:
    """`--period`: "2025-10" a month, "2025-Q4" a quarter, "2025" a year."""
    match = _PERIOD.match(text.strip())
    if match is None or int(match.group(1)) not in stats.YEARS or not 1 <= int(match.group(2) or 1) <= 12:
        raise argparse.ArgumentTypeError("expected 2025-10 (a month), 2025-Q4 (a quarter) or 2025 (a year)")
    year = int(match.group(1))
    if match.group(2):
        return stats.Period(year, stats.PeriodKind.MONTH, int(match.group(2)))
    if match.group(3):
        return stats.Period(year, stats.PeriodKind.QUARTER, int(match.group(3)))
    return stats.Period(year)


async def _default(settings: Settings, args: argparse.Namespace) -> int:
    if settings.bot_token is None and settings.zalo_bot_token is None:
        _say(args, NO_TOKEN)
        args.fresh, args.port, args.data = False, 8080, "data/sandbox"
        return await _sandbox(settings, args)
    return await _run(settings, args)


async def _sandbox(settings: Settings, args: argparse.Namespace) -> int:
    sandbox = messengers.load_sandbox()  # loaded only for the sandbox

    def ready(url: str) -> None:
        _say(args, N_("Loa Làng sandbox: open {url} in a browser. Ctrl-C stops it."), url=url)
        sys.stdout.flush()

    try:
        return await sandbox.run(settings, folder=Path(args.data), fresh=args.fresh, port=args.port, ready=ready)
    except (OSError, ValueError) as error:  # a port in use, or damaged files
        problem = N_("The sandbox could not start: {error}. Try another --port, or --fresh.")
        _say(args, problem, stderr=True, error=error)
        return 2


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    """Polling, or webhooks with --webhook. The web server (bot/webhook.py) runs for webhooks, and also while
    polling when PUBLIC_BASE_URL is set: Zalo fetches pictures from it and people open files there."""
    webhook_url = getattr(args, "webhook", None)
    if webhook_url is not None and not webhook_url.startswith("https://"):
        _say(args, N_("--webhook must be the public https:// address the messenger posts to."), stderr=True)
        return 2
    if webhook_url is not None or settings.public_base_url:  # starlette and uvicorn are loaded only then
        from bot import webhook

        concurrent = webhook.concurrency(settings.database_url) if webhook_url else 1
        app = bootstrap(settings, concurrent_updates=concurrent)
        token = next(t for t in (settings.bot_token, settings.zalo_bot_token) if t is not None)
        configured = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        secret = webhook.secret_for(token.get_secret_value(), configured)
        hook = webhook.Webhook(app, url=webhook_url, secret=secret)
        await hook.server(args.listen, args.port).serve()
        return 0
    app = bootstrap(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.start()
    names = ", ".join(channel.name for channel in app.channels)
    logging.getLogger("loalang").info("Loa Làng is running on %s; Ctrl-C stops it.", names)
    await stop.wait()
    await app.stop()
    return 0


async def _db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    await db.upgrade()
    await db.dispose()
    _say(args, N_("Database is up to date."))
    return 0


async def _center_add(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    now = args.clock()
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            center = await centers.create_center(
                session,
                name=args.name,
                villages=args.villages.split(","),
                now=now,
                commune=args.commune,
                timezone=args.timezone or settings.timezone,
                locale=args.locale or settings.default_locale,
                population_15_plus=args.population,
            )
            if args.region is not None:
                if await session.get(Region, args.region) is None:
                    raise ValueError(N_("there is no region #{number}"), {"number": args.region})
                center.region_id = args.region
            claim = await invites.create(session, center_id=center.id, kind=InviteKind.DIRECTOR, now=now)
            payload = invites.payload(claim)
    except ValueError as error:
        _say(args, N_("Could not create the center: {reason}."), stderr=True, reason=_reason(args, error))
        return 2
    finally:
        await db.dispose()
    _say(
        args,
        N_("Created center #{number}: {name} ({count} villages)."),
        number=center.id,
        name=center.name,
        count=len(center.villages),
    )
    _say(args, N_("The director claims it by opening this one-time link in a private chat with the bot:"))
    print(await _deep_link(settings, payload))
    return 0


async def _named_center(session: AsyncSession, args: argparse.Namespace) -> Center | None:
    """The center a command names, or None once it has said there is no such center."""
    center = await session.get(Center, args.center)
    if center is None:
        _say(args, N_("There is no center #{number}."), stderr=True, number=args.center)
    return center


async def _center_handover(settings: Settings, args: argparse.Namespace) -> int:
    """For the authority above a center: a new director, or the old one leaving (only then can they use
    their own right to be forgotten)."""
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            center = await _named_center(session, args)
            if center is None:
                return 2
            await invites.cancel_unused(session, center.id, InviteKind.DIRECTOR, now=args.clock())  # one link only
            link = await invites.create(session, center_id=center.id, kind=InviteKind.DIRECTOR, now=args.clock())
            payload = invites.payload(link)
    finally:
        await db.dispose()
    _say(
        args,
        N_("The new director of {name} opens this one-time link in a private chat with the bot:"),
        name=center.name,
    )
    print(await _deep_link(settings, payload))
    _say(args, N_("The present director then steps down and is told."))
    return 0


async def _plan_import(settings: Settings, args: argparse.Namespace) -> int:
    """Show what the file holds, then create the activities once confirmed (at once with --yes). Exits 1, with one
    line saying why, when nothing is created: nothing to create, no answer possible (no terminal and no --yes),
    or the operator said no."""
    path = Path(args.file)
    if not await asyncio.to_thread(path.is_file):
        _say(args, N_("There is no file {file}."), stderr=True, file=str(path))
        return 2
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            center = await _named_center(session, args)
            if center is None:
                return 2
            t = Translator(args.t.locale, center.timezone)
            content = await asyncio.to_thread(path.read_bytes)
            try:
                plan, goals = await plan_import.read_file(session, center, path.name, content, args.clock())
            except plan_import.PlanFileError as error:
                _say(args, str(error), stderr=True)
                return 2
            known = await areas.areas_of(session, center.id)
            names = {a.id: areas.display_name(a, t) for a in known}
            if plan.planned or plan.problems or goals is None:
                print(plan_import.describe(plan, t, names))
            if goals is not None:
                print(targets.describe(goals, t, {a.id: f"{a.position}. {names[a.id]}" for a in known}))
            if not plan.planned and not (goals and goals.lines):
                _say(args, plan_import.nothing_created(plan), stderr=True)
                return 1
            if not args.yes:
                if not _interactive():
                    _say(args, N_("Nothing was created yet: add --yes to the command to create them."), stderr=True)
                    return 1
                answer = await asyncio.to_thread(input, t.gettext("Create them? [y/N] "))
                if fold(answer.strip()) not in YES:
                    _say(args, N_("Nothing was created."), stderr=True)
                    return 1
            made = await plan_import.create(session, center, plan, now=args.clock(), by=None)
            for line in goals.lines if goals else []:
                await targets.put(session, center.id, line, now=args.clock(), by=None)
            saved = len(goals.lines) if goals else 0
            audit.record(
                session,
                action="plan.import",
                at=args.clock(),
                center_id=center.id,
                actor_id=None,
                file=path.name,
                created=made.total,
                ready=made.ready,
                planned_for_month=made.month,
                planned_for_day=made.day,
                held=made.held,
                refused=len(plan.problems),
                targets=saved,
            )
        if not made.total and not saved:
            _say(args, N_("Nothing was created: every row of this file was imported meanwhile."), stderr=True)
            return 1
        if not (plan.planned or plan.problems):  # a file of targets alone
            _say(args, N_("Saved {count} targets."), count=saved)
            return 0
        _say(
            args,
            N_(
                "Created {ready} draft activities ready to announce, {month} planned for a month and {day} for a day "
                "(their day and time still to set), {held} recorded as held; {refused} rows refused; {targets} "
                "targets saved."
            ),
            ready=made.ready,
            month=made.month,
            day=made.day,
            held=made.held,
            refused=len(plan.problems),
            targets=saved,
        )
        return 0
    finally:
        await db.dispose()


async def _region_add(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            region = await regions.create(session, name=args.name, now=args.clock(), parent_id=args.parent)
            for number in filter(None, (args.centers or "").split(",")):
                center = await session.get(Center, int(number))
                if center is None:
                    raise ValueError(N_("there is no center #{number}"), {"number": number})
                center.region_id = region.id
    except ValueError as error:
        _say(args, N_("Could not create the region: {reason}."), stderr=True, reason=_reason(args, error))
        return 2
    finally:
        await db.dispose()
    _say(args, N_("Created region #{number}: {name}."), number=region.id, name=region.name)
    return 0


async def _region_officer(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            region = await session.get(Region, args.region)
            if region is None:
                _say(args, N_("There is no region #{number}."), stderr=True, number=args.region)
                return 2
            if args.revoke is not None:
                if not await regions.revoke(session, region.id, args.revoke, now=args.clock()):
                    _say(
                        args,
                        N_("Person #{number} is not an officer of {name}."),
                        stderr=True,
                        number=args.revoke,
                        name=region.name,
                    )
                    return 2
                gone = N_("Person #{number} is no longer an officer of {name}.")
                _say(args, gone, number=args.revoke, name=region.name)
                return 0
            for person_id, since in await regions.officers(session, region.id):
                _say(args, N_("Officer: person #{number}, since {date}"), number=person_id, date=f"{since:%d/%m/%Y}")
            invite = await invites.create(
                session, center_id=None, kind=InviteKind.REGION, region_id=region.id, now=args.clock()
            )
            payload = invites.payload(invite)
    finally:
        await db.dispose()
    _say(args, N_("An officer of {name} opens this one-time link in a private chat with the bot:"), name=region.name)
    print(await _deep_link(settings, payload))
    return 0


async def _report(settings: Settings, args: argparse.Namespace) -> int:
    """The same file `/report` sends, written to disk."""
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session:
            if args.center is not None:
                center = await _named_center(session, args)
                if center is None:
                    return 2
                scope = stats.Scope((center.id,), center.timezone)
                locale = getattr(args, "lang", None) or center.locale
            else:
                found = await stats.region_scope(session, args.region)
                if found is None:
                    _say(args, N_("There is no region #{number} with centers."), stderr=True, number=args.region)
                    return 2
                scope = found
                locale = getattr(args, "lang", None) or settings.default_locale
            period = args.period or stats.Period(args.year)
            attachment, figures = await document(
                session, scope, period, args.clock(), Translator(locale, scope.timezone), args.format
            )
    finally:
        await db.dispose()
    await asyncio.to_thread(Path(args.output).write_bytes, attachment.content)
    total = figures.table.total
    _say(
        args,
        N_("Wrote {file}: {classes} classes, {visits} learner-visits ({women} women)."),
        file=args.output,
        classes=total.classes,
        visits=total.visits,
        women=total.women,
    )
    return 0


async def _deep_link(settings: Settings, payload: str) -> str:
    """A link that opens the bot when a channel can make one (t.me); otherwise the /start line to send it."""
    return await messengers.link(settings, payload)
