"""/loa: the bulletin to read aloud on the village loudspeaker, for a village head, staff or the director.

    /loa ──> the choices: this week or the coming days, for the whole commune or a village (a head: their own),
        and the weekly bulletin turned on or off
    /loa week [Thôn Đông | 12 | all] ──> the bulletin's text, [📄 Text file] [🔔 Every week]
    /loa days … ──> the same for today and the next two days
    /loa 2025-10-06 2025-10-12 12 file ──> those days' bulletin as a .txt file (a link where the messenger takes none)
    /loa on | /loa off ──> the automatic bulletin: Sunday 17:00 for the coming week, and during a campaign each
        evening for the next day (scheduler/bulletins.py)

The text is written by bot/services/bulletin.py. A head asking for another village's, or the commune's, is told
they get their own village's.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Attachment, Choice
from bot.models import Center, Person, RoleKind, Village
from bot.notices import BULLETIN_FILE
from bot.registry import Access, Command
from bot.services import bulletin, outbox
from bot.services.people import has_role, headed_village_ids
from bot.text import fold

WEEK_WORDS = {"week", "tuan", "tuan nay"}
DAYS_WORDS = {"days", "ngay", "ngay toi"}
FILE_WORDS = {"file", "txt", "tep", "tap tin"}
ALL_WORDS = {"all", "xa", "ca xa", "commune"}
ON_WORDS = {"on", "bat"}
OFF_WORDS = {"off", "tat"}
LONGEST = 31  # days in one bulletin typed with two dates

USAGE = N_(
    "I could not read “{typed}”. Send /loa alone to choose, or for example:\n/loa week\n/loa days Thôn Đông\n/loa on"
)
OWN_VILLAGE = N_("You can get the bulletin of your own village only.")
EVERY_WEEK = N_("🔔 Every week")
CHOOSE = N_("Please choose the bulletin to read on the loudspeaker:")
WEEK_BUTTON = N_("This week · {place}")
NEXT_WEEK_BUTTON = N_("Next week · {place}")  # on a Sunday, the week asked for is the one after
DAYS_BUTTON = N_("Next three days · {place}")
WHOLE_COMMUNE = N_("Whole commune")
TURNED_ON = N_(
    "Done: every Sunday at 17:00 Loa Làng will send you the loudspeaker bulletin of the coming week, and during "
    "a campaign, each evening, the next day's. To stop it, send:"
)
TURNED_OFF = N_("Done: the automatic loudspeaker bulletin is stopped. To turn it on again, send:")
FILE_TEXT = N_("The loudspeaker bulletin as a text file, to print or to pass to the announcer.")


def _is_staff(person: Person) -> bool:
    return has_role(person, RoleKind.DIRECTOR, RoleKind.STAFF)


async def loa(ctx: Context, args: str) -> None:
    center, person = ctx.center, ctx.person
    assert isinstance(center, Center) and person is not None
    words = [fold(w) for w in args.split()]
    if not words:
        await _menu(ctx, center, person)
        return
    if len(words) == 1 and words[0] in ON_WORDS | OFF_WORDS:
        _turn(ctx, person, words[0] in ON_WORDS)
        return
    wants_file = any(w in FILE_WORDS for w in words)
    rest = [w for w in args.split() if fold(w) not in FILE_WORDS]
    today = bulletin.local_today(ctx.now, center.timezone)
    first, last, rest = _span(rest, today)
    if first is None or last is None:
        raise Refusal(USAGE, typed=args.strip()[:40])
    village = await _village(ctx, center, person, " ".join(rest), args.strip())
    words_said, _count = await bulletin.text(ctx.session, center, village, first, last, ctx.t)
    target = str(village.id) if village else "all"
    if wants_file:
        name = f"loa-{first.isoformat()}-{last.isoformat()}.txt"
        ctx.reply(ctx._(FILE_TEXT), file=Attachment(name, (words_said + "\n").encode()))
        return
    rows: list[tuple[Choice, ...]] = [
        (Choice(ctx._(BULLETIN_FILE), f"/loa {first.isoformat()} {last.isoformat()} {target} file"),)
    ]
    if not person.weekly_bulletin:
        rows[0] += (Choice(ctx._(EVERY_WEEK), "/loa on"),)
    ctx.reply(words_said, tuple(rows))


def _span(words: list[str], today: date) -> tuple[date | None, date | None, list[str]]:
    """The days asked for, and the words left (the village): "week", "days", or two dates; the week by default."""
    dates: list[date] = []
    rest = []
    span = bulletin.week_of(today)
    for word in words:
        folded = fold(word)
        if folded in WEEK_WORDS:
            span = bulletin.week_of(today)
        elif folded in DAYS_WORDS:
            span = bulletin.coming_days(today)
        else:
            try:
                dates.append(date.fromisoformat(word))
            except ValueError:
                rest.append(word)
    if dates:
        if len(dates) > 2 or dates[-1] < dates[0] or dates[-1] - dates[0] > timedelta(days=LONGEST):
            return None, None, rest
        return dates[0], dates[-1], rest
    return span[0], span[1], rest


async def _village(ctx: Context, center: Center, person: Person, typed: str, said: str) -> Village | None:
    """The village asked for (None: the whole commune); a head gets their own village whatever they ask."""
    headed = headed_village_ids(person)
    village: Village | None = None
    if typed and fold(typed) not in ALL_WORDS:
        villages = list(await ctx.session.scalars(select(Village).where(Village.center_id == center.id)))
        village = next(
            (
                v
                for v in villages
                if str(v.id) == typed or fold(v.name) == fold(typed) or fold(v.name).endswith(" " + fold(typed))
            ),
            None,
        )
        if village is None:
            raise Refusal(USAGE, typed=said[:40])
    if _is_staff(person):
        return village
    if village is None:
        return await ctx.session.get(Village, min(headed))
    if village.id not in headed:
        raise Refusal(OWN_VILLAGE)
    return village


async def _menu(ctx: Context, center: Center, person: Person) -> None:
    if _is_staff(person):
        places: list[tuple[str, str]] = [(ctx._(WHOLE_COMMUNE), "all")]
        villages = await ctx.session.scalars(
            select(Village).where(Village.center_id == center.id).order_by(Village.name)
        )
        places += [(v.name, str(v.id)) for v in villages]
    else:
        headed = headed_village_ids(person)
        villages = await ctx.session.scalars(select(Village).where(Village.id.in_(headed)).order_by(Village.name))
        places = [(v.name, str(v.id)) for v in villages]
    sunday = bulletin.local_today(ctx.now, center.timezone).weekday() == 6
    week = NEXT_WEEK_BUTTON if sunday else WEEK_BUTTON
    rows: list[tuple[Choice, ...]] = [
        (
            Choice(ctx._(week, place=name), f"/loa week {target}"),
            Choice(ctx._(DAYS_BUTTON, place=name), f"/loa days {target}"),
        )
        for name, target in places
    ]
    rows.append(_toggle(ctx, person))
    ctx.reply(ctx._(CHOOSE), tuple(rows))


def _toggle(ctx: Context, person: Person) -> tuple[Choice, ...]:
    if person.weekly_bulletin:
        return (Choice(ctx._(N_("🔕 Stop the weekly bulletin")), "/loa off"),)
    return (Choice(ctx._(EVERY_WEEK), "/loa on"),)


def _turn(ctx: Context, person: Person, on: bool) -> None:
    """The automatic bulletin on or off. Turned on, it starts from the next one due: the week under way and
    today are marked as told, so nothing late arrives at once (unless it is past Sunday 17:00: then the coming
    week is owed now, and the wake-up is moved to send it)."""
    person.weekly_bulletin = on
    if on:
        center = ctx.center
        assert isinstance(center, Center)
        today = bulletin.local_today(ctx.now, center.timezone)
        person.bulletin_week = bulletin.week_key(today - timedelta(days=today.weekday()))
        person.bulletin_day = today.isoformat()
        ctx.session.info[outbox.WAKE] = True
        ctx.reply(ctx._(TURNED_ON) + "\n/loa off")
        return
    ctx.reply(ctx._(TURNED_OFF) + "\n/loa on")


COMMANDS = (Command("loa", loa, N_("The bulletin to read on the village loudspeaker"), Access.HELPER),)
