"""/new: directors and staff create an activity in as few taps as the answers allow, ending with a preview.

    KIND -> TITLE -> AREA -> WHEN -> (SESSIONS, for a class or course) -> LENGTH -> PLACE -> PREVIEW
    PREVIEW --publish--> announced now, reminders planned
            --draft----> kept as a draft
            --villages / seats / partner / reminders--> that one question, then the preview again
            --campaign--> into the campaign under way or coming (bot/services/campaigns.py), or out again

A date already past is no mistake when the activity was held without the bot (a new center's earlier records,
a village's session): the wizard asks whether it was held and is being recorded, then the attendance of each
session (total and women, "25 14" or /headcount 25 14; "-" leaves the names for the desk):

    WHEN (past) -> HELD -> (SESSIONS) -> LENGTH -> PLACE -> COUNT (once per session) -> PREVIEW --record-->
    FINISHED at once, entered afterwards: never announced, no reminders; the head counts marked afterwards.

How far back: the director any year, staff this calendar year (bot.services.activities.afterwards_since).

Each question's first line echoes the answer just understood ("✅ Thứ Hai, 13:30 ngày 13/10/2025"), so a
misread date is seen at once, not at the preview. Only the report rows that fit the kind are offered, and
the question is skipped when one row fits (a vocational course); the length is not asked when the end time
came with the start ("13/10 13h30-16h30"). Places this center used before are offered
as choices. The villages (all), the seats (no limit), the partner (none) and the reminders (the center's)
start at their defaults, shown on the preview, where each can be changed: a talk is published in eight
actions, `/new` and the final tap included (README.md). /back goes one question back at any step; /cancel
drops everything.

Answers live in the stored conversation until the preview is confirmed, so a restart loses nothing
and a cancelled wizard leaves nothing behind.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import cards, dates
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import Activity, ActivityKind, ActivitySession, Area, Campaign, Center, Conversation, Person
from bot.registry import Access, Command, Journey
from bot.reports.summary import clip
from bot.services import activities, areas, campaigns, centers, conversations, partners, reminders
from bot.text import clean_name, fold

JOURNEY = "new_activity"
SKIP = "-"
ALL = "all"
DONE = "done"
AREA_FIXED = "area_fixed"  # the kind allows one report row only: chosen without asking
PLACES = "places"  # the places offered at the place question, in the order shown
ENDS = "ends"  # the end time came with the start ("13h30-16h30"): the length is known, not asked
AFTERWARDS = "afterwards"  # the date is past: the activity was held and is being recorded
COUNTS = "counts"  # recorded afterwards: [total, women] (or None: names at the desk) per session, in order
HELD = "held"
AGAIN = "again"
_COUNT = re.compile(r"^(?:/headcount\s+)?(\d{1,4})\s*[\s,;/]\s*(\d{1,4})$")
CAMPAIGN = "campaign"  # the name of the campaign under way or coming that the preview's one tap put it in
# "6/10 13h30-16h30", "thứ 2 tuần sau 14h đến 16h": a start, then the end time of the same day.
_UNTIL = re.compile(
    r"^(?P<start>.*\d.*?)\s*(?:-|–|đến|den|to|until)\s*(?P<hour>\d{1,2})\s*(?:h|:|giờ|gio)\s*(?P<minute>\d{2})?\s*$",
    re.IGNORECASE,
)


class Step(enum.StrEnum):
    KIND = "kind"
    TITLE = "title"
    AREA = "area"
    WHEN = "when"
    HELD = "held"  # the date is past: held already, being recorded?
    SESSIONS = "sessions"
    LENGTH = "length"
    PLACE = "place"
    COUNT = "count"  # recorded afterwards: how many came, per session
    PREVIEW = "preview"
    # Reached from the preview only, and back to it: their defaults are fine for most activities.
    VILLAGES = "villages"
    CAPACITY = "capacity"
    PARTNER = "partner"
    REMINDERS = "reminders"


DETAILS = (Step.VILLAGES, Step.CAPACITY, Step.PARTNER, Step.REMINDERS)
QUESTIONS = {
    Step.KIND: N_("What kind of activity is it?"),
    Step.TITLE: N_("What is the activity called? (for example: Chuyên đề phòng chống lừa đảo qua mạng)"),
    Step.AREA: N_("Which row of the yearly report does it count under?"),
    Step.WHEN: N_("When? For example: {example}-{until}, or thứ 2 tuần sau 14h."),
    Step.SESSIONS: N_("How many sessions, one a week? (1 to 52)"),
    Step.LENGTH: N_("How long is each session? For example 2h, 90m, or the end time 16h30."),
    Step.PLACE: N_("Where? (for example: Hội trường UBND xã)"),
    Step.HELD: N_(
        "That day has already passed. Was this activity already held, and are you recording it now for the "
        "figures and reports? It will not be announced to anyone."
    ),
    Step.COUNT: N_(
        "How many people came on {when}? Send the total, then how many of them were women, for example:\n"
        "/headcount 25 14\n"
        "(or just 25 14). To enter their names at the desk afterwards instead, press “Names at the desk”."
    ),
    Step.PARTNER: N_("Which partner or teacher runs it? Send - if none."),
    Step.VILLAGES: N_("For which villages? Press the villages, then “Done”; or choose “All villages”."),
    Step.CAPACITY: N_("How many seats are there? Send a number, or - for no limit."),
    Step.REMINDERS: N_(
        "When should reminders go out? For example 1d@19:00,2h (the day before at 19:00 and two hours "
        "before), or 30m. Send - for no reminders."
    ),
}
WHICH_YEAR = N_(
    "That day has already passed this year.\nTo record an activity already held, write the year too, for example: "
    "{held}\nFor an activity next year, write for example: {next_year}"
)
PLACE_USED = N_("Where? Choose a place used before, or write a new one.")
DOUBTS = {
    dates.Doubt.UNREADABLE: N_("I could not read that date. Please write it like {example}."),
    dates.Doubt.NO_TIME: N_("At what time? Please add the hour, like {example}."),
    dates.Doubt.NO_DATE: N_("On which day? Please add the date, like {example}."),
    dates.Doubt.NO_SUCH_DAY: N_("That day does not exist in the calendar. Please check the date."),
    dates.Doubt.WHICH_YEAR: N_(
        "That date has already passed this year. Please write the year too, like {example_with_year}."
    ),
    dates.Doubt.PAST: N_("{moment} has already passed. Please send a time in the future."),
}


def examples(ctx: Context) -> dict[str, str]:
    """The example answers to a date question, computed from the clock so that they are never past."""
    moment = dates.example(ctx.now, ctx.t.timezone)
    return {
        "example": ctx.t.datetime(moment, "d/M H'h'"),
        "example_with_year": ctx.t.datetime(moment, "d/M/y H'h'"),
        "until": ctx.t.datetime(moment + timedelta(hours=2), "H'h'"),
    }


async def start(ctx: Context, args: str) -> None:
    person = ctx.person
    assert person is not None
    ctx.reply(ctx._("Let's create an activity. You can go back or cancel at any question."))
    await _go(ctx, person.id, Step.KIND, {})


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    step = Step(conversation.step)
    data: dict[str, Any] = dict(conversation.data)
    text = text.strip()
    if step is Step.PREVIEW:
        await _on_preview(ctx, conversation.person_id, data, text)
        return
    if step is Step.HELD:
        await _on_held(ctx, conversation.person_id, data, text)
        return
    if step is Step.VILLAGES and not await _villages(ctx, data, text):
        await conversations.move_to(ctx.session, conversation.person_id, JOURNEY, step, ctx.now, data)
        await _ask(ctx, step, data)  # a village was ticked: show the list again
        return
    until = _UNTIL.match(text) if step is Step.WHEN else None
    if until and not dates.has_time(until.group("start")):
        until = None  # "6/10 - 13h30": a date and its time, not a range
    if until:
        text = until.group("start")
    if step is not Step.VILLAGES:
        data[step.value] = await _read(ctx, step, text, data)
    if step is Step.WHEN:
        await _settle_length(ctx, data, until)
    if step is Step.KIND:
        await _settle_area(ctx, data)
    if step is Step.PLACE:
        data[COUNTS] = []
    if step is Step.COUNT:  # this session's count, after those of the sessions before it
        data[COUNTS] = [*(data.get(COUNTS) or []), data.pop(Step.COUNT.value)]
    if data.get(AFTERWARDS) and step in (Step.WHEN, Step.SESSIONS, Step.LENGTH):
        await _all_held(ctx, step, data)
    ctx.close_buttons()
    await _go(ctx, conversation.person_id, _next(step, data), data, await _echo(ctx, step, data))


def counting(conversation: Conversation) -> bool:
    """Whether the person is at the attendance question, where /headcount 25 14 answers it."""
    return conversation.journey == JOURNEY and conversation.step == Step.COUNT


async def _on_held(ctx: Context, person_id: int, data: dict[str, Any], text: str) -> None:
    """Held already, recorded now; or the date was a mistake: asked again."""
    folded = fold(text)
    ctx.close_buttons()
    if folded in (HELD, "yes", "co", "da to chuc", "ghi nhan"):
        await _go(ctx, person_id, _next(Step.HELD, data), data, ctx._("Held already: it is being recorded."))
    elif folded in (AGAIN, "no", "khong", "ngay khac"):
        data[AFTERWARDS] = False
        await _go(ctx, person_id, Step.WHEN, data)
    else:
        raise Refusal(N_("Please choose one of the buttons."), await _choices(ctx, Step.HELD, data))


async def _all_held(ctx: Context, step: Step, data: dict[str, Any]) -> None:
    """An activity is recorded once every session is over: a class whose last weeks are still to come is
    refused at the question that made it so."""
    starts = datetime.fromisoformat(data[Step.WHEN])
    last = starts + timedelta(weeks=int(data.get(Step.SESSIONS) or 1) - 1)
    ends = last + timedelta(minutes=int(data[Step.LENGTH])) if data.get(Step.LENGTH) else last
    if step is Step.WHEN and not data.get(ENDS):
        return  # the number of sessions and the length are not known yet
    if ends > ctx.now:
        raise Refusal(
            N_(
                "Its last session, {moment}, is not over yet. An activity is recorded once every session has been "
                "held; please check the answer."
            ),
            await _choices(ctx, step, data),
            moment=ctx.t.datetime(last),
        )


async def on_back(ctx: Context, conversation: Conversation) -> None:
    step = Step(conversation.step)
    data = dict(conversation.data)
    if step is Step.COUNT and data.get(COUNTS):  # the previous session's count
        data[COUNTS] = data[COUNTS][:-1]
        await _go(ctx, conversation.person_id, Step.COUNT, data)
        return
    earlier = _previous(step, data)
    if earlier is None:
        raise Refusal(N_("There is no earlier question to go back to."))
    if earlier is Step.COUNT:  # from the preview: the last session's count again
        data[COUNTS] = (data.get(COUNTS) or [])[:-1]
    await _go(ctx, conversation.person_id, earlier, data)


async def _go(ctx: Context, person_id: int, step: Step, data: dict[str, Any], echo: str | None = None) -> None:
    """Save the step and ask its question, the answer just understood on its first line."""
    if step is Step.PLACE:
        data[PLACES] = await activities.places_used(ctx.session, _center(ctx).id)
    await conversations.move_to(ctx.session, person_id, JOURNEY, step, ctx.now, data)
    await _ask(ctx, step, data, echo)


def _order(data: dict[str, Any]) -> list[Step]:
    steps = [step for step in Step if step not in DETAILS]
    if data.get(Step.KIND) not in (ActivityKind.CLASS, ActivityKind.COURSE):
        steps.remove(Step.SESSIONS)
    if data.get(AREA_FIXED):
        steps.remove(Step.AREA)
    if data.get(ENDS):
        steps.remove(Step.LENGTH)
    if not data.get(AFTERWARDS):
        steps.remove(Step.HELD)
        steps.remove(Step.COUNT)
    return steps


def _next(step: Step, data: dict[str, Any]) -> Step:
    if not data.get(Step.KIND):
        return Step.KIND  # a wizard begun before the kind came first
    if step in DETAILS:
        return Step.PREVIEW
    if step is Step.COUNT and len(data.get(COUNTS) or []) < _session_count(data):
        return Step.COUNT  # the next session's count
    order = _order(data)
    return order[order.index(step) + 1]


def _session_count(data: dict[str, Any]) -> int:
    return int(data.get(Step.SESSIONS) or 1)


def _previous(step: Step, data: dict[str, Any]) -> Step | None:
    if step in DETAILS:
        return Step.PREVIEW
    order = _order(data)
    index = order.index(step) if step in order else 0
    return order[index - 1] if index > 0 else None


async def _settle_area(ctx: Context, data: dict[str, Any]) -> None:
    """A kind that fits one report row only is counted under it without a question; a row chosen before that
    no longer fits the kind is forgotten."""
    rows = await areas.fitting(ctx.session, _center(ctx).id, ActivityKind(data[Step.KIND]))
    fixed = len(rows) == 1
    if fixed:
        data[Step.AREA] = rows[0].id
    elif data.get(Step.AREA) not in {row.id for row in rows}:
        data[Step.AREA] = None
    data[AREA_FIXED] = fixed


async def _settle_length(ctx: Context, data: dict[str, Any], until: re.Match[str] | None) -> None:
    """An end time written with the start gives the length: the length question is skipped."""
    data[ENDS] = until is not None
    if until is None:
        return
    starts = datetime.fromisoformat(data[Step.WHEN])
    hour, minute = int(until.group("hour")), int(until.group("minute") or 0)
    minutes = (hour * 60 + minute) - (starts.hour * 60 + starts.minute)
    if hour > 23 or minute > 59 or not 10 <= minutes <= 12 * 60:
        raise Refusal(
            N_("It cannot end at {end}. Please check the start and end times."),
            await _choices(ctx, Step.WHEN, data),
            end=f"{hour:02d}:{minute:02d}",
        )
    data[Step.LENGTH] = minutes


KIND_WORDS = {
    ActivityKind.TALK: {"talk", "chuyen de", "1"},
    ActivityKind.CLASS: {"class", "lop", "lop hoc", "2"},
    ActivityKind.COURSE: {"course", "hoc nghe", "lop hoc nghe", "vocational course", "3"},
    ActivityKind.EVENT: {"event", "su kien", "4"},
}


async def _read(ctx: Context, step: Step, text: str, data: dict[str, Any]) -> Any:
    """The answer in stored form; bad input is refused with the question's buttons again."""
    again = await _choices(ctx, step, data)
    if step is Step.TITLE:
        return _words(text, again)
    if step is Step.PLACE:
        offered = list(data.get(PLACES) or [])
        picked = re.fullmatch(r"#(\d{1,2})", text)
        if picked and 1 <= int(picked.group(1)) <= len(offered):
            return offered[int(picked.group(1)) - 1]
        typed = _words(text, again)
        return next((place for place in offered if fold(place) == fold(typed)), typed)  # as it was written before
    if step is Step.PARTNER:
        picked = re.fullmatch(r"#p(\d{1,9})", text)
        partner = await partners.get(ctx.session, _center(ctx).id, int(picked.group(1))) if picked else None
        if partner is not None:  # one tap on the roster
            return await partners.label(ctx.session, partner)
        return None if text == SKIP else clean_name(text, 200) or None  # a new name joins the roster when saved
    if step is Step.KIND:
        kind = next((k for k, words in KIND_WORDS.items() if fold(text) in words or text == k.value), None)
        if kind is None:
            raise Refusal(N_("Please choose one of the buttons."), again)
        return kind.value
    if step is Step.AREA:
        rows = await areas.fitting(ctx.session, _center(ctx).id, ActivityKind(data[Step.KIND]))
        folded = fold(text)
        area = next(
            (a for a in rows if text == f"#{a.id}" or folded == str(a.position) or folded == fold(a.name)), None
        )
        if area is None:
            raise Refusal(N_("Please choose one of the buttons."), again)
        return area.id
    if step is Step.WHEN:
        reading = dates.read(text, ctx.now, _center(ctx).timezone)
        past = reading.doubt is dates.Doubt.PAST and reading.moment is not None
        if past and reading.moment is not None:
            since = activities.afterwards_since(ctx.person, ctx.t.timezone, ctx.now)
            if since is not None and reading.moment < since:
                raise Refusal(
                    N_(
                        "{moment} is in an earlier year: only the director records the activities of earlier "
                        "years. Please check the date."
                    ),
                    again,
                    moment=ctx.t.datetime(reading.moment),
                )
        elif reading.doubt is dates.Doubt.WHICH_YEAR:  # held already, or next year's: both offered
            year = ctx.now.astimezone(ZoneInfo(_center(ctx).timezone)).year
            typed = text[:40]
            raise Refusal(
                WHICH_YEAR, again, held=dates.with_year(typed, year), next_year=dates.with_year(typed, year + 1)
            )
        elif reading.doubt is not None:
            moment = ctx.t.datetime(reading.moment) if reading.moment else ""
            raise Refusal(DOUBTS[reading.doubt], again, moment=moment, **examples(ctx))
        assert reading.moment is not None
        data[AFTERWARDS] = past
        return reading.moment.isoformat()
    if step is Step.COUNT:
        return _count(text, again)
    if step is Step.SESSIONS:
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 52):
            raise Refusal(N_("Please send a number from 1 to 52."), again)
        return int(text)
    if step is Step.LENGTH:
        return _length(text, datetime.fromisoformat(data[Step.WHEN]), again)
    if step is Step.REMINDERS:
        try:
            return ",".join(reminders.parse("" if text == SKIP else text))
        except reminders.BadRule as bad:
            raise Refusal(
                N_("I could not read “{rule}”. Write for example 1d@19:00,2h or 30m."), again, rule=str(bad)
            ) from None
    # CAPACITY
    if text == SKIP:
        return None
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 100_000):
        raise Refusal(N_("Please send a number of seats, or - for no limit."), again)
    return int(text)


def _count(text: str, again: Keyboard) -> list[int] | None:
    """ "25 14" (or "/headcount 25 14"): 25 people, 14 of them women; "-": none counted, names at the desk."""
    if text.strip() == SKIP:
        return None
    found = _COUNT.match(text.strip())
    if found is None:
        raise Refusal(N_("Please write the walk-ins like /headcount 12 7: 12 people, 7 of them women."), again)
    total, women = int(found.group(1)), int(found.group(2))
    if women > total:
        raise Refusal(N_("There cannot be more women than people. Please write /headcount TOTAL WOMEN."), again)
    return [total, women]


def _words(text: str, again: Keyboard) -> str:
    value = clean_name(text, 200)
    if len(value) < 3 or not any(ch.isalpha() for ch in value):
        raise Refusal(N_("Please write a few words."), again)
    return value


def _length(text: str, starts: datetime, again: Keyboard) -> int:
    """Minutes: "2h", "90m", "1h30", or the end time "16h30"."""
    plain = fold(text).replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})(?:h|gio|:)(\d{2})?", plain)
    minutes = None
    if re.fullmatch(r"\d{1,3}(m|p|phut)", plain):
        minutes = int(re.match(r"\d+", plain).group())  # type: ignore[union-attr]
    elif match:
        hours, extra = int(match.group(1)), int(match.group(2) or 0)
        if (hours <= 8 and not match.group(2)) or hours < starts.hour:
            minutes = hours * 60 + extra  # "2h", "1h30": a length
        else:
            end = starts.replace(hour=hours % 24, minute=extra)  # "16h30": the end time
            minutes = int((end - starts).total_seconds() // 60)
    if minutes is None or not 10 <= minutes <= 12 * 60:
        raise Refusal(N_("Please write the length like 2h or 90m, or the end time like 16h30."), again)
    return minutes


async def _villages(ctx: Context, data: dict[str, Any], text: str) -> bool:
    """Tick villages one by one; returns True when the choice is complete."""
    folded = fold(text)
    if folded in (ALL, "tat ca", "ca xa", "all villages"):
        data[Step.VILLAGES] = []
        return True
    if folded == DONE or folded == "xong":
        if not data.get(Step.VILLAGES):
            raise Refusal(
                N_("Please tick at least one village, or choose “All villages”."),
                await _choices(ctx, Step.VILLAGES, data),
            )
        return True
    villages = await centers.villages_of(ctx.session, _center(ctx).id)
    chosen = set(data.get(Step.VILLAGES) or [])
    typed = [part for part in text.split(",") if part.strip()]
    for part in typed:
        village = centers.match_village(villages, part)
        if village is None:
            raise Refusal(
                N_("I could not find the village “{typed}”. Please choose from the list."),
                await _choices(ctx, Step.VILLAGES, data),
                typed=clean_name(part, 40),
            )
        chosen ^= {village.id}
    data[Step.VILLAGES] = sorted(chosen)
    ctx.close_buttons()
    return not ctx.is_button  # a typed list is complete; a pressed village is one tick among several


async def _echo(ctx: Context, step: Step, data: dict[str, Any]) -> str | None:
    """The answer to `step` as it was understood, in the reader's words; the preview shows the details (and the
    place, when it comes next: a past activity's head-count question echoes it)."""
    if step is Step.KIND:
        kind = ctx._(cards.KIND_NAMES[ActivityKind(data[Step.KIND])])
        return f"{kind} · {await _area_name(ctx, data)}" if data.get(AREA_FIXED) else kind
    if step is Step.AREA:
        return await _area_name(ctx, data)
    if step in (Step.TITLE, Step.PLACE):
        return str(data[step.value])
    if step is Step.WHEN:
        starts = datetime.fromisoformat(data[Step.WHEN])
        shown = ctx.t.datetime(starts, ctx._("EEEE, HH:mm 'on' dd/MM/yyyy"))
        if not data.get(ENDS):
            return shown
        ends = ctx.t.datetime(starts + timedelta(minutes=int(data[Step.LENGTH])), "HH:mm")
        return ctx._("{start}, until {end}", start=shown, end=ends)
    if step is Step.SESSIONS:
        count = int(data[Step.SESSIONS])
        return ctx.t.ngettext("{count} session, one a week", "{count} sessions, one a week", count).format(count=count)
    if step is Step.LENGTH:
        starts = datetime.fromisoformat(data[Step.WHEN])
        ends = starts + timedelta(minutes=int(data[Step.LENGTH]))
        return ctx._("From {start} to {end}", start=ctx.t.datetime(starts, "HH:mm"), end=ctx.t.datetime(ends, "HH:mm"))
    if step is Step.COUNT:
        counts = data.get(COUNTS) or []
        return _counted(ctx, data, len(counts) - 1, counts[-1])
    return None


def _sitting(ctx: Context, data: dict[str, Any], index: int) -> str:
    """The index-th session (from 0) as the director knows it: its day and time, and which of how many."""
    when = ctx.t.datetime(datetime.fromisoformat(data[Step.WHEN]) + timedelta(weeks=index))
    count = _session_count(data)
    return ctx._("{when} · session {index} of {count}", when=when, index=index + 1, count=count) if count > 1 else when


def _counted(ctx: Context, data: dict[str, Any], index: int, count: list[int] | None) -> str:
    if count is None:
        return ctx._("{when}: names at the desk afterwards", when=_sitting(ctx, data, index))
    return ctx._(
        "{when}: {total} people, {women} of them women", when=_sitting(ctx, data, index), total=count[0], women=count[1]
    )


async def _ask(ctx: Context, step: Step, data: dict[str, Any], echo: str | None = None) -> None:
    if step is Step.PREVIEW:
        ctx.reply(await _preview(ctx, data), await _choices(ctx, step, data))
        return
    question = ctx._(PLACE_USED) if step is Step.PLACE and data.get(PLACES) else ctx._(QUESTIONS[step])
    if step is Step.WHEN:
        question = question.format(**examples(ctx))
    if step is Step.COUNT:
        question = question.format(when=_sitting(ctx, data, len(data.get(COUNTS) or [])))
    text = f"✅ {echo}\n\n{question}" if echo else question
    counted = step in (Step.SESSIONS, Step.CAPACITY, Step.COUNT)  # "2" is two sessions, not the second choice
    ctx.reply(text, await _choices(ctx, step, data), typed_answer=counted)


async def _area_name(ctx: Context, data: dict[str, Any]) -> str:
    area = await ctx.session.get(Area, data[Step.AREA]) if data.get(Step.AREA) else None
    return areas.display_name(area, ctx.t) if area else ""


async def _preview(ctx: Context, data: dict[str, Any]) -> str:
    """The card as it will be announced, and the defaults the director accepts by publishing."""
    draft = _draft(ctx, data)
    preview = Activity(
        title=draft.title,
        kind=draft.kind,
        place=draft.place,
        partner=draft.partner,
        capacity=draft.capacity,
        area=await ctx.session.get(Area, draft.area_id) if draft.area_id else None,
        campaign=Campaign(name=draft.campaign) if draft.campaign else None,
        sessions=[ActivitySession(starts_at=s, ends_at=e) for s, e in draft.sessions],
    )
    villages = await centers.villages_of(ctx.session, _center(ctx).id)
    names = [v.name for v in villages if v.id in draft.village_ids] or [ctx._("All villages")]
    if data.get(AFTERWARDS):
        lines = [
            ctx._("Please check what will be recorded as held. Nothing will be announced."),
            "",
            cards.card(preview, ctx.t),
            "🏘 " + ", ".join(names),
        ]
        counts = data.get(COUNTS) or []
        lines += ["👥 " + _counted(ctx, data, index, count) for index, count in enumerate(counts)]
        return "\n".join(lines)
    lines = [ctx._("Please check the activity:"), "", cards.card(preview, ctx.t), "🏘 " + ", ".join(names)]
    if draft.capacity is None:
        lines.append("🪑 " + ctx._("No seat limit"))
    rules = draft.reminders if draft.reminders is not None else _center(ctx).reminders
    due = reminders.due_times(rules or "", draft.sessions[0][0], ctx.t.timezone)
    moments = "; ".join(ctx.t.datetime(moment) for moment in due)
    lines.append("⏰ " + (ctx._("Reminders: {moments}", moments=moments) if due else ctx._("No reminders")))
    return "\n".join(lines)


async def _choices(ctx: Context, step: Step, data: dict[str, Any]) -> Keyboard:
    def choice(label: str, value: str) -> Choice:
        return Choice(label, f"/answer {step.value} {value}")

    rows: list[tuple[Choice, ...]] = []
    if step is Step.KIND:
        kinds = [choice(ctx._(cards.KIND_NAMES[k]), k.value) for k in ActivityKind]
        rows = [tuple(kinds[:2]), tuple(kinds[2:])]
    elif step is Step.AREA:
        kind = ActivityKind(data[Step.KIND])
        for area in await areas.fitting(ctx.session, _center(ctx).id, kind):
            rows.append((choice(areas.display_name(area, ctx.t), f"#{area.id}"),))
    elif step is Step.LENGTH:
        rows = [tuple(choice(label, label) for label in ("1h", "2h", "3h", "4h"))]
    elif step is Step.PLACE:
        rows = [(choice(place, f"#{i}"),) for i, place in enumerate(data.get(PLACES) or [], 1)]
    elif step is Step.PARTNER:
        roster = await partners.roster(ctx.session, _center(ctx).id)
        rows = [(choice(await partners.label(ctx.session, p), f"#p{p.id}"),) for p in roster[:12]]
        rows.append((choice(ctx._("Skip"), SKIP),))
    elif step in (Step.CAPACITY, Step.REMINDERS):
        rows = [(choice(ctx._("Skip"), SKIP),)]
    elif step is Step.VILLAGES:
        chosen = set(data.get(Step.VILLAGES) or [])
        villages = await centers.villages_of(ctx.session, _center(ctx).id)
        marks = [choice(("✅ " if v.id in chosen else "") + v.name, centers.village_key(v)) for v in villages]
        rows = [tuple(marks[i : i + 2]) for i in range(0, len(marks), 2)]
        rows.append((choice(ctx._("All villages"), ALL), choice(ctx._("Done"), DONE)))
    elif step is Step.HELD:
        rows = [
            (choice(ctx._("✅ Yes, it was held: record it"), HELD),),
            (choice(ctx._("📅 No, another date"), AGAIN),),
        ]
    elif step is Step.COUNT:
        rows = [(choice(ctx._("👤 Names at the desk"), SKIP),)]
    elif step is Step.PREVIEW and data.get(AFTERWARDS):
        rows = [
            (choice(ctx._("💾 Record as held"), "record"),),
            (choice(ctx._("🏘 Villages"), Step.VILLAGES), choice(ctx._("🤝 Partner"), Step.PARTNER)),
        ]
    elif step is Step.PREVIEW:
        rows = [
            (choice(ctx._("📢 Publish now"), "publish"), choice(ctx._("💾 Keep as draft"), "draft")),
            (choice(ctx._("🏘 Villages"), Step.VILLAGES), choice(ctx._("🪑 Seats"), Step.CAPACITY)),
            (choice(ctx._("🤝 Partner"), Step.PARTNER), choice(ctx._("⏰ Reminders"), Step.REMINDERS)),
        ]
        offered = await campaigns.current_or_coming(ctx.session, _center(ctx), ctx.now)
        if offered is not None:  # the campaign under way or coming: one tap puts the activity in it, or out
            label = ctx._("🎉 Not in {campaign}") if data.get(CAMPAIGN) else ctx._("🎉 Add to {campaign}")
            rows.append((choice(label.format(campaign=clip(offered.name, 40)), CAMPAIGN),))
    navigation = [Choice(ctx._("◀ Back"), "/back")] if step is not Step.KIND else []
    navigation.append(Choice(ctx._("✖ Cancel"), "/cancel"))
    return (*rows, tuple(navigation))


def _draft(ctx: Context, data: dict[str, Any]) -> activities.Draft:
    starts = datetime.fromisoformat(data[Step.WHEN])
    length = timedelta(minutes=int(data[Step.LENGTH]))
    count = int(data.get(Step.SESSIONS) or 1)
    sessions = [(starts + timedelta(weeks=i), starts + timedelta(weeks=i) + length) for i in range(count)]
    return activities.Draft(
        title=data[Step.TITLE],
        kind=ActivityKind(data[Step.KIND]),
        area_id=data.get(Step.AREA),
        sessions=sessions,
        place=data[Step.PLACE],
        partner=data.get(Step.PARTNER),
        village_ids=list(data.get(Step.VILLAGES) or []),
        capacity=data.get(Step.CAPACITY),
        reminders=data.get(Step.REMINDERS),
        campaign=data.get(CAMPAIGN),
    )


PREVIEW_WORDS = {
    "record": {"record", "record as held", "ghi", "ghi nhan", "ghi nhan da to chuc"},
    "publish": {"publish", "publish now", "dang", "dang ngay"},
    "draft": {"draft", "keep as draft", "luu", "luu nhap"},
    Step.VILLAGES: {"villages", "thon"},
    Step.CAPACITY: {"seats", "capacity", "cho", "so cho"},
    Step.PARTNER: {"partner", "doi tac", "don vi phoi hop"},
    Step.REMINDERS: {"reminders", "nhac", "loi nhac", "nhac lich"},
    CAMPAIGN: {"campaign", "chien dich"},
}


async def _on_preview(ctx: Context, person_id: int, data: dict[str, Any], text: str) -> None:
    """Publish, keep as a draft, or change one of the defaults and come back here."""
    folded = fold(text)
    choice = next((key for key, words in PREVIEW_WORDS.items() if folded in words or folded == key), None)
    afterwards = bool(data.get(AFTERWARDS))
    allowed = (Step.VILLAGES, Step.PARTNER, "record") if afterwards else tuple(set(PREVIEW_WORDS) - {"record"})
    if choice not in allowed:
        if afterwards:
            raise Refusal(N_("Please choose one of the buttons."), await _choices(ctx, Step.PREVIEW, data))
        raise Refusal(N_("Please choose: publish now, or keep as draft."), await _choices(ctx, Step.PREVIEW, data))
    ctx.close_buttons()
    if choice == CAMPAIGN:
        offered = await campaigns.current_or_coming(ctx.session, _center(ctx), ctx.now)
        data[CAMPAIGN] = None if data.get(CAMPAIGN) or offered is None else offered.name
        await _go(ctx, person_id, Step.PREVIEW, data)
        return
    if isinstance(choice, Step):
        await _go(ctx, person_id, choice, data)
        return
    person = ctx.person
    assert person is not None
    if afterwards:
        await _record(ctx, person, data)
        return
    try:
        activity = await activities.create(ctx.session, _center(ctx), _draft(ctx, data), now=ctx.now, by=person)
        if choice == "publish":
            told = await activities.publish(ctx.session, activity, now=ctx.now, by=person)
    except activities.ActivityError as error:
        raise Refusal(
            N_("This activity cannot be saved: {reason}. Please go back and correct it."),
            await _choices(ctx, Step.PREVIEW, data),
            reason=str(error),
        ) from None
    await conversations.finish(ctx.session, person.id)
    if choice == "publish":
        ctx.reply(ctx._("Published! The announcement is going out to {count} chats now.", count=told))
    else:
        ctx.reply(ctx._("Saved as a draft (number {id}).", id=activity.id))


async def _record(ctx: Context, person: Person, data: dict[str, Any]) -> None:
    """Save the activity as held, with its head counts; the desk is offered for the names."""
    counts: list[tuple[int, int] | None] = [(c[0], c[1]) if c else None for c in data.get(COUNTS) or []]
    try:
        activity = await activities.record_held(
            ctx.session, _center(ctx), _draft(ctx, data), counts, now=ctx.now, by=person
        )
    except activities.ActivityError as error:
        raise Refusal(
            N_("This activity cannot be saved: {reason}. Please go back and correct it."),
            await _choices(ctx, Step.PREVIEW, data),
            reason=str(error),
        ) from None
    await conversations.finish(ctx.session, person.id)
    ctx.reply(
        ctx._(
            "Recorded as held (number {id}): {total} people counted, {women} of them women. Nothing was "
            "announced.\nTo enter names from the sign-in sheet, send:\n/desk {id}",
            id=activity.id,
            total=sum(c[0] for c in counts if c),
            women=sum(c[1] for c in counts if c),
        )
    )


def _center(ctx: Context) -> Center:
    assert ctx.center is not None, "staff always belong to a center"
    return ctx.center


COMMANDS = (Command("new", start, N_("Create a talk, class or event"), Access.STAFF),)
JOURNEYS = (Journey(JOURNEY, on_text, on_back=on_back, access=Access.STAFF, expires=timedelta(days=2)),)
