"""/new: directors and staff create an activity step by step, ending with a preview to confirm.

    TITLE -> KIND -> AREA -> WHEN -> (SESSIONS, for a class or course) -> LENGTH -> PLACE -> PARTNER
          -> VILLAGES -> CAPACITY -> PREVIEW --publish--> announced now, reminders planned
                                             --draft---> kept as a draft
    /back goes one question back at any step; /cancel drops everything.

Answers live in the stored conversation until the preview is confirmed, so a restart loses nothing
and a cancelled wizard leaves nothing behind.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta
from typing import Any

from bot import cards, dates
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import Activity, ActivityKind, ActivitySession, Area, Center, Conversation
from bot.registry import Access, Command, Journey
from bot.services import activities, areas, centers, conversations
from bot.text import clean_name, fold

JOURNEY = "new_activity"
SKIP = "-"
ALL = "all"
DONE = "done"


class Step(enum.StrEnum):
    TITLE = "title"
    KIND = "kind"
    AREA = "area"
    WHEN = "when"
    SESSIONS = "sessions"
    LENGTH = "length"
    PLACE = "place"
    PARTNER = "partner"
    VILLAGES = "villages"
    CAPACITY = "capacity"
    PREVIEW = "preview"


QUESTIONS = {
    Step.TITLE: N_("What is the activity called? (for example: Chuyên đề phòng chống lừa đảo qua mạng)"),
    Step.KIND: N_("What kind of activity is it?"),
    Step.AREA: N_("Which row of the yearly report does it count under?"),
    Step.WHEN: N_("When does it start? For example: 6/10 13h30, or thứ 2 tuần sau 14h."),
    Step.SESSIONS: N_("How many sessions, one a week? (1 to 52)"),
    Step.LENGTH: N_("How long is each session? For example 2h, 90m, or the end time 16h30."),
    Step.PLACE: N_("Where? (for example: Hội trường UBND xã)"),
    Step.PARTNER: N_("Which partner or teacher runs it? Send - if none."),
    Step.VILLAGES: N_("For which villages? Press the villages, then “Done”; or choose “All villages”."),
    Step.CAPACITY: N_("How many seats are there? Send a number, or - for no limit."),
}
DOUBTS = {
    dates.Doubt.UNREADABLE: N_("I could not read that date. Please write it like 6/10 13h30."),
    dates.Doubt.NO_TIME: N_("At what time? Please add the hour, like 6/10 13h30."),
    dates.Doubt.NO_DATE: N_("On which day? Please add the date, like 6/10 13h30."),
    dates.Doubt.NO_SUCH_DAY: N_("That day does not exist in the calendar. Please check the date."),
    dates.Doubt.WHICH_YEAR: N_(
        "That date has already passed this year. Please write the year too, like 6/10/2026 13h30."
    ),
    dates.Doubt.PAST: N_("{moment} has already passed. Please send a time in the future."),
}


async def start(ctx: Context, args: str) -> None:
    person = ctx.person
    assert person is not None
    await conversations.move_to(ctx.session, person.id, JOURNEY, Step.TITLE, ctx.now, {})
    ctx.reply(ctx._("Let's create an activity. You can go back or cancel at any question."))
    await _ask(ctx, Step.TITLE, {})


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    step = Step(conversation.step)
    data: dict[str, Any] = dict(conversation.data)
    text = text.strip()
    if step is Step.PREVIEW:
        await _confirm(ctx, data, text)
        return
    if step is Step.VILLAGES and not await _villages(ctx, data, text):
        await conversations.move_to(ctx.session, conversation.person_id, JOURNEY, step, ctx.now, data)
        await _ask(ctx, step, data)  # a village was ticked: show the list again
        return
    if step is not Step.VILLAGES:
        data[step.value] = await _read(ctx, step, text, data)
    ctx.close_buttons()
    following = _next(step, data)
    await conversations.move_to(ctx.session, conversation.person_id, JOURNEY, following, ctx.now, data)
    await _ask(ctx, following, data)


async def on_back(ctx: Context, conversation: Conversation) -> None:
    step = Step(conversation.step)
    earlier = _previous(step, conversation.data)
    if earlier is None:
        raise Refusal(N_("There is no earlier question to go back to."))
    await conversations.move_to(ctx.session, conversation.person_id, JOURNEY, earlier, ctx.now)
    await _ask(ctx, earlier, conversation.data)


def _order(data: dict[str, Any]) -> list[Step]:
    steps = list(Step)
    if data.get(Step.KIND) not in (ActivityKind.CLASS, ActivityKind.COURSE):
        steps.remove(Step.SESSIONS)
    return steps


def _next(step: Step, data: dict[str, Any]) -> Step:
    order = _order(data)
    return order[order.index(step) + 1]


def _previous(step: Step, data: dict[str, Any]) -> Step | None:
    order = _order(data)
    index = order.index(step) if step in order else 0
    return order[index - 1] if index > 0 else None


KIND_WORDS = {
    ActivityKind.TALK: {"talk", "chuyen de", "1"},
    ActivityKind.CLASS: {"class", "lop", "lop hoc", "2"},
    ActivityKind.COURSE: {"course", "hoc nghe", "lop hoc nghe", "3"},
    ActivityKind.EVENT: {"event", "su kien", "4"},
}


async def _read(ctx: Context, step: Step, text: str, data: dict[str, Any]) -> Any:
    """The answer in stored form; bad input is refused with the question's buttons again."""
    again = await _choices(ctx, step, data)
    if step in (Step.TITLE, Step.PLACE):
        value = clean_name(text, 200)
        if len(value) < 3 or not any(ch.isalpha() for ch in value):
            raise Refusal(N_("Please write a few words."), again)
        return value
    if step is Step.PARTNER:
        return None if text == SKIP else clean_name(text, 200) or None
    if step is Step.KIND:
        kind = next((k for k, words in KIND_WORDS.items() if fold(text) in words or text == k.value), None)
        if kind is None:
            raise Refusal(N_("Please choose one of the buttons."), again)
        return kind.value
    if step is Step.AREA:
        rows = await areas.areas_of(ctx.session, _center(ctx).id)
        folded = fold(text)
        area = next(
            (a for a in rows if text == f"#{a.id}" or folded == str(a.position) or folded == fold(a.name)), None
        )
        if area is None:
            raise Refusal(N_("Please choose one of the buttons."), again)
        return area.id
    if step is Step.WHEN:
        reading = dates.read(text, ctx.now, _center(ctx).timezone)
        if reading.doubt is not None:
            moment = ctx.t.datetime(reading.moment) if reading.moment else ""
            raise Refusal(DOUBTS[reading.doubt], again, moment=moment)
        assert reading.moment is not None
        return reading.moment.isoformat()
    if step is Step.SESSIONS:
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 52):
            raise Refusal(N_("Please send a number from 1 to 52."), again)
        return int(text)
    if step is Step.LENGTH:
        return _length(text, datetime.fromisoformat(data[Step.WHEN]), again)
    # CAPACITY
    if text == SKIP:
        return None
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 100_000):
        raise Refusal(N_("Please send a number of seats, or - for no limit."), again)
    return int(text)


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


async def _ask(ctx: Context, step: Step, data: dict[str, Any]) -> None:
    if step is Step.PREVIEW:
        draft = _draft(ctx, data)
        preview = Activity(
            title=draft.title,
            kind=draft.kind,
            place=draft.place,
            partner=draft.partner,
            capacity=draft.capacity,
            area=await ctx.session.get(Area, draft.area_id) if draft.area_id else None,
            sessions=[ActivitySession(starts_at=s, ends_at=e) for s, e in draft.sessions],
        )
        villages = await centers.villages_of(ctx.session, _center(ctx).id)
        names = [v.name for v in villages if v.id in draft.village_ids] or [ctx._("All villages")]
        text = "\n".join([ctx._("Please check the activity:"), "", cards.card(preview, ctx.t), "🏘 " + ", ".join(names)])
        ctx.reply(text, await _choices(ctx, step, data))
        return
    counted = step in (Step.SESSIONS, Step.CAPACITY)  # "2" is two sessions, not the second choice
    ctx.reply(ctx._(QUESTIONS[step]), await _choices(ctx, step, data), typed_answer=counted)


async def _choices(ctx: Context, step: Step, data: dict[str, Any]) -> Keyboard:
    def choice(label: str, value: str) -> Choice:
        return Choice(label, f"/answer {step.value} {value}")

    rows: list[tuple[Choice, ...]] = []
    if step is Step.KIND:
        rows = [tuple(choice(ctx._(cards.KIND_NAMES[k]), k.value) for k in ActivityKind)]
    elif step is Step.AREA:
        for area in await areas.areas_of(ctx.session, _center(ctx).id):
            rows.append((choice(f"{area.position}. {areas.display_name(area, ctx.t)}", f"#{area.id}"),))
    elif step is Step.LENGTH:
        rows = [tuple(choice(label, label) for label in ("1h", "2h", "3h", "4h"))]
    elif step in (Step.PARTNER, Step.CAPACITY):
        rows = [(choice(ctx._("Skip"), SKIP),)]
    elif step is Step.VILLAGES:
        chosen = set(data.get(Step.VILLAGES) or [])
        villages = await centers.villages_of(ctx.session, _center(ctx).id)
        marks = [choice(("✅ " if v.id in chosen else "") + v.name, centers.village_key(v)) for v in villages]
        rows = [tuple(marks[i : i + 2]) for i in range(0, len(marks), 2)]
        rows.append((choice(ctx._("All villages"), ALL), choice(ctx._("Done"), DONE)))
    elif step is Step.PREVIEW:
        rows = [(choice(ctx._("📢 Publish now"), "publish"), choice(ctx._("💾 Keep as draft"), "draft"))]
    navigation = [Choice(ctx._("◀ Back"), "/back")] if step is not Step.TITLE else []
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
        area_id=data[Step.AREA],
        sessions=sessions,
        place=data[Step.PLACE],
        partner=data.get(Step.PARTNER),
        village_ids=list(data.get(Step.VILLAGES) or []),
        capacity=data.get(Step.CAPACITY),
    )


async def _confirm(ctx: Context, data: dict[str, Any], text: str) -> None:
    choice = fold(text)
    if choice not in ("publish", "draft", "dang", "luu"):
        raise Refusal(N_("Please choose: publish now, or keep as draft."), await _choices(ctx, Step.PREVIEW, data))
    ctx.close_buttons()
    person = ctx.person
    assert person is not None
    try:
        activity = await activities.create(ctx.session, _center(ctx), _draft(ctx, data), now=ctx.now, by=person)
        if choice in ("publish", "dang"):
            told = await activities.publish(ctx.session, activity, now=ctx.now, by=person)
    except activities.ActivityError as error:
        raise Refusal(
            N_("This activity cannot be saved: {reason}. Please go back and correct it."),
            await _choices(ctx, Step.PREVIEW, data),
            reason=str(error),
        ) from None
    await conversations.finish(ctx.session, person.id)
    if choice in ("publish", "dang"):
        ctx.reply(ctx._("Published! The announcement is going out to {count} chats now.", count=told))
    else:
        ctx.reply(ctx._("Saved as a draft (number {id}).", id=activity.id))


def _center(ctx: Context) -> Center:
    assert ctx.center is not None, "staff always belong to a center"
    return ctx.center


COMMANDS = (Command("new", start, N_("Create a talk, class or event"), Access.STAFF),)
JOURNEYS = (Journey(JOURNEY, on_text, on_back=on_back, access=Access.STAFF, expires=timedelta(days=2)),)
