"""/add <n>: a village head or staff member registers someone who has no phone.

    CONSENT (they agreed, aloud, to have their name kept) -> NAME -> GENDER -> BIRTH_YEAR -> VILLAGE
        -> the same person already known? exact match: use them · close match: ask · none: create
        -> registered, with a note of who registered them

A person is never created twice: name (accents and case aside), birth year and village must match;
a close match (same name and village, or same name and year) is asked about, not guessed.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement, or_

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import LIVE, ActivitySession, AttendanceMethod, Conversation, Gender, Person, RoleKind
from bot.registry import Access, Command, Journey
from bot.services import centers, checkin, conversations, people, registrations
from bot.services.people import has_role, headed_village_ids
from bot.services.registrations import Outcome
from bot.text import clean_name, fold, number
from handlers import desk, events, profile
from handlers.profile import GENDER_LABELS, GENDER_WORDS

JOURNEY = "add_person"


class Step(enum.StrEnum):
    CONSENT = "consent"
    NAME = "name"
    GENDER = "gender"
    BIRTH_YEAR = "birth_year"
    VILLAGE = "village"
    SAME = "same"


QUESTIONS = {
    Step.CONSENT: N_(
        "You are registering someone without a phone. Did they agree to have their name, gender, birth year and "
        "village kept by the center, to count them and call them to activities?"
    ),
    Step.NAME: N_("Their full name?"),
    Step.GENDER: N_("Female or male?"),
    Step.BIRTH_YEAR: N_("Their birth year? (for example 1950)"),
    Step.VILLAGE: N_("Which village do they live in?"),
}


async def start(ctx: Context, args: str) -> None:
    wanted = args.strip()
    if not wanted or events.MORE.match(wanted):
        await events.pick(ctx, "add", wanted, LIVE)
    activity = await events.visible(ctx, found) if (found := number(wanted)) else None
    if activity is None:
        raise Refusal(N_("Please write the activity's number, like /add 12. Send /events to see them."))
    before = await conversations.current(ctx.session, _helper(ctx).id)
    data: dict[str, Any] = {"activity": activity.id}
    if before is not None and before.journey == desk.JOURNEY:
        data["desk"] = before.data["session"]  # a walk-in at the desk: back to the desk afterwards
    await conversations.move_to(ctx.session, _helper(ctx).id, JOURNEY, Step.CONSENT, ctx.now, data)
    await _ask(ctx, Step.CONSENT)


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    step = Step(conversation.step)
    data: dict[str, Any] = dict(conversation.data)
    text = text.strip()
    ctx.close_buttons()
    if step is Step.CONSENT:
        if fold(text) not in ("yes", "co", "dong y"):
            await conversations.finish(ctx.session, conversation.person_id)
            ctx.reply(ctx._("Then I will not keep their name. Nothing was saved."))
            return
    elif step is Step.NAME:
        name = clean_name(text)
        if len(name) < 2 or not any(ch.isalpha() for ch in name):
            raise Refusal(N_("Please send the full name in letters, for example: Nguyễn Thị Lan."))
        data["name"] = name
        if (told := profile.gender_in_name(name)) is not None:  # "Thị", "Văn": not asked (handlers/profile.py)
            data["gender"] = told.value
            ctx.reply(ctx._("Noted: {name} ({gender}).", name=name, gender=ctx._(GENDER_LABELS[told])))
            step = Step.GENDER
    elif step is Step.GENDER:
        gender = next((g for g, words in GENDER_WORDS.items() if fold(text) in words or text == g.value), None)
        if gender is None:
            raise Refusal(N_("Please choose one of the buttons."), await person_choices(ctx, step))
        data["gender"] = gender.value
    elif step is Step.BIRTH_YEAR:
        low, high = people.birth_year_bounds(ctx.now)
        if not (text.isascii() and text.isdigit() and len(text) == 4 and low <= int(text) <= high):
            raise Refusal(N_("Please send the birth year as four digits between {low} and {high}."), low=low, high=high)
        data["year"] = int(text)
        villages = await helper_villages(ctx)
        if len(villages) == 1:  # a head of one village registers people of that village: nothing to ask
            data["village"] = villages[0].id
            await _find_or_ask(ctx, conversation, data)
            return
    elif step is Step.VILLAGE:
        village = centers.match_village(await helper_villages(ctx), text)
        if village is None:
            raise Refusal(N_("Please choose the village from the list."), await person_choices(ctx, step))
        data["village"] = village.id
        await _find_or_ask(ctx, conversation, data)
        return
    else:  # SAME
        same = fold(text) in ("yes", "co", "same")
        person = await ctx.session.get(Person, int(data["candidate"])) if same else None
        await _register(ctx, conversation, data, person)
        return
    following = list(Step)[list(Step).index(step) + 1]
    await conversations.move_to(ctx.session, conversation.person_id, JOURNEY, following, ctx.now, data)
    await _ask(ctx, following)


async def _find_or_ask(ctx: Context, conversation: Conversation, data: dict[str, Any]) -> None:
    center_id = _helper(ctx).center_id
    assert center_id is not None
    same_year, same_village = Person.birth_year == data["year"], Person.village_id == data["village"]

    async def named(*alike: ColumnElement[bool]) -> list[Person]:
        # people who took their consent back are not to be processed: they get a new record instead
        return await people.named(ctx.session, center_id, data["name"], people.CONSENTING, *alike, whole=True)

    exact = await named(same_year, same_village)
    if exact:
        await _register(ctx, conversation, data, exact[0])
        return
    close = await named(or_(same_year, same_village))
    if not close:
        await _register(ctx, conversation, data, None)
        return
    candidate = close[0]
    data["candidate"] = candidate.id
    await conversations.move_to(ctx.session, conversation.person_id, JOURNEY, Step.SAME, ctx.now, data)
    village = candidate.village.name if candidate.village else "-"
    ctx.reply(
        ctx._(
            "I already know {name}, born {year}, of {village}. Is this the same person?",
            name=candidate.full_name,
            year=candidate.birth_year,
            village=village,
        ),
        (
            (
                Choice(ctx._("Yes, the same person"), f"/answer {Step.SAME} yes"),
                Choice(ctx._("No, someone else"), f"/answer {Step.SAME} no"),
            ),
        ),
    )


async def _register(ctx: Context, conversation: Conversation, data: dict[str, Any], person: Person | None) -> None:
    helper = _helper(ctx)
    activity = await events.visible(ctx, int(data["activity"]))  # called off or over while they were typing?
    if activity is None:
        await conversations.finish(ctx.session, conversation.person_id)
        raise Refusal(N_("This activity is no longer available."))
    if person is None:
        person = await people.add_without_phone(
            ctx.session,
            helper,
            helper.center_id,
            name=data["name"],
            gender=Gender(data["gender"]),
            birth_year=data["year"],
            village_id=data["village"],
            now=ctx.now,
        )
    if data.get("desk"):
        await _walk_in(ctx, int(data["desk"]), person)
        await conversations.move_to(  # back to the desk
            ctx.session, helper.id, desk.JOURNEY, desk.Step.DESK, ctx.now, {"session": data["desk"]}
        )
        return
    await conversations.finish(ctx.session, conversation.person_id)
    result = await registrations.register(ctx.session, activity, person, village_id=None, now=ctx.now, by=helper)
    if result.outcome in (Outcome.WAITLISTED, Outcome.ALREADY_WAITING):
        ctx.reply(
            ctx._(
                "{title} is full: {name} is number {position} on the waitlist.",
                title=activity.title,
                name=person.full_name,
                position=result.position,
            )
        )
    elif result.outcome is Outcome.ALREADY:
        ctx.reply(ctx._("{name} was already registered for {title}.", name=person.full_name, title=activity.title))
    else:
        ctx.reply(
            ctx._(
                "Done: {name} is registered for {title}. Send /add {id} for the next person.",
                name=person.full_name,
                title=activity.title,
                id=activity.id,
            )
        )


async def _walk_in(ctx: Context, session_id: int, person: Person) -> None:
    """Someone who came without registering: present at the desk's session, no seat taken from anyone."""
    current = await ctx.session.get(ActivitySession, session_id)
    assert current is not None
    await checkin.record(ctx.session, current, person, ctx.now, AttendanceMethod.DESK, by=_helper(ctx))
    ctx.reply(ctx._("✅ {name} is checked in.", name=person.full_name))


async def _ask(ctx: Context, step: Step) -> None:
    ctx.reply(ctx._(QUESTIONS[step]), await person_choices(ctx, step))


async def person_choices(ctx: Context, step: str) -> Keyboard:
    """The buttons of a question about someone without a phone (consent, gender, village), shared with the
    survey's answers for them (handlers/survey.py): `step` is the question's name, the same in both journeys."""

    def choice(label: str, value: str) -> Choice:
        return Choice(label, f"/answer {step} {value}")

    if step == Step.CONSENT:
        return ((choice(ctx._("Yes, they agreed"), "yes"), choice(ctx._("No"), "no")),)
    if step == Step.GENDER:
        return (tuple(choice(ctx._(GENDER_LABELS[g]), g.value) for g in Gender),)
    if step == Step.VILLAGE:
        return tuple((choice(v.name, centers.village_key(v)),) for v in await helper_villages(ctx))
    return ()


async def helper_villages(ctx: Context) -> list:  # type: ignore[type-arg]
    """Staff register anyone of the commune; a village head, people of their own village."""
    helper = _helper(ctx)
    villages = await centers.villages_of(ctx.session, helper.center_id or 0)
    if has_role(helper, RoleKind.DIRECTOR, RoleKind.STAFF):
        return villages
    return [v for v in villages if v.id in headed_village_ids(helper)]


def _helper(ctx: Context) -> Person:
    assert ctx.person is not None
    return ctx.person


COMMANDS = (Command("add", start, N_("Register someone who has no phone"), Access.HELPER),)
JOURNEYS = (Journey(JOURNEY, on_text, access=Access.HELPER),)
