"""The short profile: name, gender, birth year and village, one question at a time.

    (CENTER, only when several centers share the bot) -> NAME -> GENDER -> BIRTH_YEAR -> VILLAGE -> saved

Answers are kept in the stored conversation until the last one, then written to the person
at once, so a restart mid-way loses nothing and an abandoned edit changes nothing. When
editing with /profile, "-" (or the "Keep" button) keeps the current answer.
"""

from __future__ import annotations

import enum

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import Conversation, Gender, Person
from bot.registry import Access, Command, Journey
from bot.services import centers, checkin, conversations, people
from bot.services.regions import officer_region
from bot.text import clean_name, fold, spelled_out
from handlers import events

JOURNEY = "profile"
KEEP = "-"
THEN = "then"  # what brought the person here (a card's link, a registration), finished after the profile
REGISTER = "/register "
SURVEY_LINK = "survey"  # a group's invitation to the learning-needs survey (handlers/survey.py)


class Step(enum.StrEnum):
    CENTER = "center"
    NAME = "name"
    GENDER = "gender"
    BIRTH_YEAR = "birth_year"
    VILLAGE = "village"


GENDER_WORDS = {
    Gender.FEMALE: {"nu", "female", "f", "woman", "phu nu"},
    Gender.MALE: {"nam", "male", "m", "man"},
    Gender.OTHER: {"khac", "other"},
}
GENDER_LABELS = {Gender.FEMALE: N_("Female"), Gender.MALE: N_("Male"), Gender.OTHER: N_("Other")}


async def begin(ctx: Context, then: str = "") -> None:
    """Start the questions; `then` is a card's link to open once they are answered."""
    person = _person(ctx)
    first = Step.NAME if person.center_id is not None else Step.CENTER
    data = {THEN: then} if _worth_resuming(then) else {}
    await conversations.move_to(ctx.session, person.id, JOURNEY, first, ctx.now, data)
    await _ask(ctx, first)


async def continue_or_welcome(ctx: Context, then: str = "") -> None:
    """Someone who already agreed opens the bot again: resume the profile, or say hello."""
    person = _person(ctx)
    conversation = await conversations.current(ctx.session, person.id)
    if conversation is not None and conversation.journey == JOURNEY:
        if _worth_resuming(then):
            await conversations.move_to(ctx.session, person.id, JOURNEY, Step(conversation.step), ctx.now, {THEN: then})
        await _ask(ctx, Step(conversation.step))
    elif not person.profile_complete and officer_region(person) is None:
        await begin(ctx, then)
    elif not person.profile_complete:
        ctx.reply(ctx._("Welcome back! Send /stats for your region's totals and /report for the yearly report."))
    else:
        ctx.reply(ctx._("Welcome back, {name}! Send /help to see what you can do.", name=person.full_name))


async def edit(ctx: Context, args: str) -> None:
    """Show what is stored, then walk through it again (starting with the center if none yet)."""
    person = _person(ctx)
    first = Step.NAME if person.center_id is not None else Step.CENTER
    await conversations.move_to(ctx.session, person.id, JOURNEY, first, ctx.now)
    if person.profile_complete:
        ctx.reply(
            _summary(ctx, person)
            + "\n\n"
            + ctx._("To change it, answer again. Press “Keep” or send - to keep an answer as it is.")
        )
    await _ask(ctx, first)


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    step = Step(conversation.step)
    ctx.close_buttons()
    answer = await _read(ctx, step, text.strip())
    data = {} if answer is None else {step.value: answer}
    following = _next(step)
    if step is Step.NAME and answer is not None and not _person(ctx).profile_complete:
        told = gender_in_name(str(answer))
        if told is not None:  # "Vũ Thị Mai": nobody in a village would ask her whether she is a woman
            data[Step.GENDER.value] = told.value
            following = _next(Step.GENDER)
            ctx.reply(ctx._("Noted: {name} ({gender}).", name=answer, gender=ctx._(GENDER_LABELS[told])))
    if following is None:
        await _save(ctx, {**conversation.data, **data})
        return
    await conversations.move_to(ctx.session, conversation.person_id, JOURNEY, following, ctx.now, data)
    await _ask(ctx, following)


async def _read(ctx: Context, step: Step, text: str) -> str | int | None:
    """The answer in stored form; None keeps the current value; bad input is refused."""
    person = _person(ctx)
    if text == KEEP and _current(ctx, person, step) is not None:
        return None
    if step is Step.CENTER:
        found = next(
            (c for c in await centers.all_centers(ctx.session) if text == f"#{c.id}" or fold(text) == fold(c.name)),
            None,
        )
        if found is None:
            raise Refusal(N_("Please choose your center from the list."), await _choices(ctx, step))
        person.center_id = found.id
        ctx.center = found
        return None
    if step is Step.NAME:
        name = clean_name(text)
        if len(name) < 2 or not any(ch.isalpha() for ch in name) or name.startswith("/"):
            raise Refusal(
                N_("Please send your full name in letters, for example: Nguyễn Thị Lan."), await _choices(ctx, step)
            )
        return name
    if step is Step.GENDER:
        gender = next((g for g, words in GENDER_WORDS.items() if fold(text) in words or text == g.value), None)
        if gender is None:
            raise Refusal(N_("Please choose one of the buttons: Female, Male or Other."), await _choices(ctx, step))
        return gender.value
    if step is Step.BIRTH_YEAR:
        low, high = people.birth_year_bounds(ctx.now)
        if not (text.isascii() and text.isdigit() and len(text) == 4 and low <= int(text) <= high):
            raise Refusal(
                N_("Please send your birth year as four digits between {low} and {high}, for example 1965."),
                await _choices(ctx, step),
                low=low,
                high=high,
            )
        return int(text)
    village = centers.match_village(await centers.villages_of(ctx.session, person.center_id or 0), text)
    if village is None:
        raise Refusal(
            N_("I could not find the village “{typed}”. Please choose your village from the list."),
            await _choices(ctx, step),
            typed=clean_name(text, 40),
        )
    return village.id


def gender_in_name(name: str) -> Gender | None:
    """The gender a Vietnamese middle name says: "Thị" a woman's, "Văn" a man's. Read only from a middle word
    (never the given name), only on a first profile; the summary shows it and /profile corrects it."""
    middle = fold(name).split()[1:-1]
    if "thi" in middle:
        return Gender.FEMALE
    if "van" in middle:
        return Gender.MALE
    return None


def _next(step: Step) -> Step | None:
    order = list(Step)
    index = order.index(step)
    return order[index + 1] if index + 1 < len(order) else None


QUESTIONS = {
    Step.CENTER: N_("Which community learning center are you with?"),
    Step.NAME: N_("What is your full name?"),
    Step.GENDER: N_("Are you female or male?"),
    Step.BIRTH_YEAR: N_("What year were you born? (for example 1965)"),
    Step.VILLAGE: N_("Which village do you live in?"),
}


async def _ask(ctx: Context, step: Step) -> None:
    ctx.reply(ctx._(QUESTIONS[step]), await _choices(ctx, step))


async def _choices(ctx: Context, step: Step) -> Keyboard:
    person = _person(ctx)

    def choice(label: str, value: str) -> Choice:
        return Choice(label, f"/answer {step.value} {value}")

    rows: list[tuple[Choice, ...]] = []
    if step is Step.CENTER:
        rows = [(choice(spelled_out(c.name), f"#{c.id}"),) for c in await centers.all_centers(ctx.session)]
    elif step is Step.GENDER:
        rows = [tuple(choice(ctx._(GENDER_LABELS[g]), g.value) for g in Gender)]
    elif step is Step.VILLAGE:
        villages = await centers.villages_of(ctx.session, person.center_id or 0)
        pairs = [villages[i : i + 2] for i in range(0, len(villages), 2)]
        rows = [tuple(choice(v.name, centers.village_key(v)) for v in pair) for pair in pairs]
    current = _current(ctx, person, step)
    if current is not None:
        rows.append((choice(ctx._("Keep: {value}", value=current), KEEP),))
    return tuple(rows)


def _current(ctx: Context, person: Person, step: Step) -> str | None:
    if step is Step.NAME:
        return person.full_name
    if step is Step.GENDER:
        return ctx._(GENDER_LABELS[person.gender]) if person.gender else None
    if step is Step.BIRTH_YEAR:
        return None if person.birth_year is None else str(person.birth_year)
    if step is Step.VILLAGE:
        return person.village.name if person.village else None
    return None


async def _save(ctx: Context, answers: dict[str, object]) -> None:
    person = _person(ctx)
    if Step.NAME in answers:
        person.full_name = str(answers[Step.NAME])
    if Step.GENDER in answers and person.gender is not Gender(answers[Step.GENDER]):
        person.gender = Gender(answers[Step.GENDER])
        await ctx.session.flush()
        await checkin.recount(ctx.session, person.id)  # the sessions they attended count their gender anew
    if Step.BIRTH_YEAR in answers:
        person.birth_year = int(answers[Step.BIRTH_YEAR])  # type: ignore[call-overload]
    if Step.VILLAGE in answers:
        person.village_id = int(answers[Step.VILLAGE])  # type: ignore[call-overload]
    await conversations.finish(ctx.session, person.id)
    await ctx.session.flush()
    await ctx.session.refresh(person, ["village"])
    ctx.readdress()  # gender and birth year known: from now on she is "bà", he is "anh"
    ctx.reply(_summary(ctx, person) + "\n\n" + ctx._("Send /help to see what you can do, or /profile to change it."))
    then = str(answers.get(THEN) or "")
    if then.startswith(REGISTER):
        await ctx.registry.commands["register"].handler(ctx, then.removeprefix(REGISTER))
    elif then == SURVEY_LINK:
        from handlers import survey  # imported here: the survey's journey reads this module's gender words

        await survey.after_profile(ctx)
    elif then:
        await events.open_link(ctx, then)


def _worth_resuming(then: str) -> bool:
    """A card's link or a registration that brought the person here, to finish after the profile."""
    return (
        then.startswith(REGISTER)
        or then == SURVEY_LINK
        or events.activity_payload(then) is not None
        or events.registration_of(then) is not None
    )


def _summary(ctx: Context, person: Person) -> str:
    gender = ctx._(GENDER_LABELS[person.gender]) if person.gender else "-"
    village = person.village.name if person.village else "-"
    return ctx._(
        "Your profile:\n• {name}\n• {gender}, born {year}\n• {village}",
        name=person.full_name,
        gender=gender,
        year=person.birth_year,
        village=village,
    )


def _person(ctx: Context) -> Person:
    assert ctx.person is not None, "the profile journey needs a consented person"
    return ctx.person


COMMANDS = (Command("profile", edit, N_("See or change your name, gender, birth year or village"), Access.MEMBER),)
JOURNEYS = (Journey(JOURNEY, on_text),)
