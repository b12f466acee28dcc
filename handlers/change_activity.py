"""Changing or calling off an activity, for directors and staff.

/change <n> ──> what: time | place | reminders | partner ──> the new value ──> saved; everyone told is updated
/change <n> of a plan's row known only by its month or day ──> its day and time ──> saved, now exact
/calloff <n> ──> "Yes, call it off" ──> cancelled; everyone told gets the cancellation
"""

from __future__ import annotations

import enum

from bot import cards, dates
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import Activity, ActivityStatus, Conversation, DateKnown
from bot.registry import Access, Command, Journey
from bot.services import activities, conversations, partners, plan_import, publish_many, reminders
from bot.text import clean_name, fold
from handlers import events
from handlers.new_activity import DOUBTS, examples

JOURNEY = "change_activity"
CHANGEABLE = (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED, ActivityStatus.CHANGED)


class Step(enum.StrEnum):
    WHAT = "what"
    TIME = "time"
    PLACE = "place"
    REMINDERS = "reminders"
    PARTNER = "partner"


WORDS = {
    Step.TIME: {"time", "thoi gian", "gio", "ngay", "ngay gio"},
    Step.PLACE: {"place", "dia diem", "noi"},
    Step.REMINDERS: {"reminders", "nhac", "nhac lich", "loi nhac"},
    Step.PARTNER: {"partner", "doi tac", "don vi phoi hop", "nguoi day"},
}
QUESTIONS = {
    Step.WHAT: N_("What do you want to change?"),
    Step.TIME: N_("When does it start now? For example: {example}."),
    Step.PLACE: N_("Where is it now?"),
    Step.REMINDERS: N_(
        "When should reminders go out? For example 1d@19:00,2h (the day before at 19:00 and two hours "
        "before), or 30m. Send - for no reminders."
    ),
    Step.PARTNER: N_(
        "Which partner or speaker runs it? Choose one below, or write a new name (for example: Hội Nông dân xã / "
        "Ông Nguyễn Văn Bình). Send - for none."
    ),
}


async def change(ctx: Context, args: str) -> None:
    activity = await _activity(ctx, args)
    if activity.date_known is not DateKnown.EXACT:  # a plan's row for a month or a day: its time comes first
        await conversations.move_to(ctx.session, _person_id(ctx), JOURNEY, Step.TIME, ctx.now, {"id": activity.id})
        planned = plan_import.when(activity.starts_at, activity.date_known, ctx.t)
        ctx.reply(
            ctx._("{title} is planned for {when}.", title=activity.title, when=planned)
            + "\n"
            + ctx._(QUESTIONS[Step.TIME], **examples(ctx)),
            ((Choice(ctx._("✖ Cancel"), "/cancel"),),),
        )
        return
    await conversations.move_to(ctx.session, _person_id(ctx), JOURNEY, Step.WHAT, ctx.now, {"id": activity.id})
    ctx.reply(cards.card(activity, ctx.t) + "\n\n" + ctx._(QUESTIONS[Step.WHAT]), _what(ctx))


def _what(ctx: Context) -> Keyboard:
    def choice(label: str, value: Step) -> Choice:
        return Choice(label, f"/answer {Step.WHAT} {value}")

    return (
        (choice(ctx._("🗓 Time"), Step.TIME), choice(ctx._("📍 Place"), Step.PLACE)),
        (choice(ctx._("⏰ Reminders"), Step.REMINDERS), choice(ctx._("🤝 Partner"), Step.PARTNER)),
        (Choice(ctx._("✖ Cancel"), "/cancel"),),
    )


async def _roster(ctx: Context) -> Keyboard:
    """The center's partners and speakers, one tap each (a new name is typed instead)."""
    assert ctx.person is not None and ctx.person.center_id is not None
    rows = [
        (Choice(await partners.label(ctx.session, p), f"/answer {Step.PARTNER} #p{p.id}"),)
        for p in (await partners.roster(ctx.session, ctx.person.center_id))[:12]
    ]
    return (*rows, (Choice(ctx._("✖ Cancel"), "/cancel"),))


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    step = Step(conversation.step)
    activity = await _activity(ctx, str(conversation.data["id"]))
    text = text.strip()
    if step is Step.WHAT:
        chosen = next((s for s, words in WORDS.items() if fold(text) in words), None)
        if chosen is None:
            raise Refusal(N_("Please choose one of the buttons."), _what(ctx))
        ctx.close_buttons()
        await conversations.move_to(ctx.session, conversation.person_id, JOURNEY, chosen, ctx.now)
        keyboard = await _roster(ctx) if chosen is Step.PARTNER else ((Choice(ctx._("✖ Cancel"), "/cancel"),),)
        ctx.reply(ctx._(QUESTIONS[chosen], **examples(ctx)), keyboard)
        return
    if step is Step.PARTNER:
        try:
            await partners.assign(ctx.session, activity, text, ctx.now)
        except partners.PartnerError:
            raise Refusal(N_("Please choose one of the buttons, or write a name."), await _roster(ctx)) from None
        await conversations.finish(ctx.session, conversation.person_id)
        ctx.close_buttons()
        ctx.reply(ctx._("Saved:") + "\n\n" + cards.card(activity, ctx.t))
        return
    changes: dict[str, object] = {}
    if step is Step.TIME:
        reading = dates.read(text, ctx.now, ctx.t.timezone)
        if reading.doubt is not None or reading.moment is None:
            moment = ctx.t.datetime(reading.moment) if reading.moment else ""
            raise Refusal(DOUBTS[reading.doubt or dates.Doubt.UNREADABLE], moment=moment, **examples(ctx))
        shift = reading.moment - activity.starts_at
        changes["sessions"] = [(s.starts_at + shift, s.ends_at + shift) for s in activity.sessions]
    elif step is Step.PLACE:
        place = clean_name(text, 300)
        if len(place) < 3:
            raise Refusal(N_("Please write a few words."))
        changes["place"] = place
    else:
        rules = "" if text == "-" else text
        try:
            reminders.parse(rules)
        except reminders.BadRule as bad:
            raise Refusal(
                N_("I could not read “{rule}”. Write for example 1d@19:00,2h or 30m."), rule=str(bad)
            ) from None
        changes["reminder_rules"] = rules
    try:
        await activities.reschedule(ctx.session, activity, now=ctx.now, by=ctx.person, **changes)  # type: ignore[arg-type]
    except activities.ActivityError:
        raise Refusal(N_("This activity can no longer be changed.")) from None
    await conversations.finish(ctx.session, conversation.person_id)
    announced = activity.status is not ActivityStatus.DRAFT and "reminder_rules" not in changes
    told = ctx._("Everyone who was told about it will get the change.") if announced else ""
    parts = (ctx._("Saved:"), cards.card(activity, ctx.t), told, _next_step(ctx, activity))
    ctx.reply("\n\n".join(part for part in parts if part))


def _next_step(ctx: Context, activity: Activity) -> str:
    """A draft that can now be announced: the command that announces it; one that lacks only its place: the
    command that sets it. Anything else (announced, still without a time, over): nothing more to say."""
    if activity.status is not ActivityStatus.DRAFT:
        return ""
    reason = publish_many.why_not(activity, ctx.now)
    if reason is None:
        return ctx._("To announce it, send:") + f"\n/publish {activity.id}"
    if reason == publish_many.NO_PLACE:
        return ctx._("To set the place, send:") + f"\n/change {activity.id}"
    return ""


async def call_off(ctx: Context, args: str) -> None:
    words = args.split()
    activity = await _activity(ctx, " ".join(words) if words[:1] == ["more"] else " ".join(words[:1]), "calloff")
    if words[1:] != ["yes"]:
        ctx.reply(
            cards.card(activity, ctx.t)
            + "\n\n"
            + ctx._("Call off this activity? Everyone who was told will be told it is cancelled."),
            ((Choice(ctx._("Yes, call it off"), f"/calloff {activity.id} yes"), Choice(ctx._("✖ No"), "/cancel")),),
        )
        return
    ctx.close_buttons()
    await activities.cancel(ctx.session, activity, now=ctx.now, by=ctx.person)
    ctx.reply(ctx._("{title} is called off. The cancellation is going out now.", title=activity.title))


async def _activity(ctx: Context, text: str, command: str = "change") -> Activity:
    usage = N_("Please write the number of one of your center's activities, like /change 12. /events lists them.")
    activity = await events.of_my_center(ctx, text, usage, command=command)
    planned = activity.status is ActivityStatus.DRAFT and activity.date_known is not DateKnown.EXACT
    if activity.status not in CHANGEABLE or (activity.ends_at <= ctx.now and not planned):
        raise Refusal(N_("This activity can no longer be changed."))
    return activity


def _person_id(ctx: Context) -> int:
    assert ctx.person is not None
    return ctx.person.id


COMMANDS = (
    Command("change", change, N_("Change an activity's time, place or reminders"), Access.STAFF),
    Command("calloff", call_off, N_("Call off an activity"), Access.STAFF),
)
JOURNEYS = (Journey(JOURNEY, on_text, access=Access.STAFF),)
