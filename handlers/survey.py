"""/survey: the learning-needs survey ("điều tra nhu cầu học tập") that starts a center's year.

    director: /survey new ──> which report rows? (numbers, or All) ──> topics of their own? (lines, or None)
              ──> open: every linked group gets an invitation card (outbox), with a button to answer
    resident: /survey (or the card's button) ──> topics: tap each, then Done, or type "1 3 5" ──> time of day
              ──> saved (answering again replaces the answer)
    head:     /survey for ──> consent, name, gender, birth year, village (as /add) ──> the same two questions
    director: /survey results (message, chart, spreadsheet) · /survey close ──> [Make the draft plan]
              ──> /survey plan: the most wished topics become draft activities of next year, planned for a month

On a channel without buttons the topics are numbered lines (bot/choices.py): one number typed ticks one topic,
several ("1 3 5") answer at once.
"""

from __future__ import annotations

import enum
from typing import Any

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_, Translator
from bot.messaging import Attachment, Choice, Edit, Keyboard
from bot.models import Conversation, Gender, Person, Survey
from bot.registry import Access, Command, Journey, access_of
from bot.reports import survey as drawn
from bot.services import areas, centers, conversations, people, surveys
from bot.text import clean_name, fold
from handlers import add_person
from handlers.profile import GENDER_LABELS, GENDER_WORDS, SURVEY_LINK, gender_in_name

ANSWER, OPEN, FOR = "survey", "survey_new", "survey_for"
LINK = SURVEY_LINK  # the invitation card's deep link
NONE_OPEN = N_("There is no survey open at the moment. Thank you for asking!")
ONLY_DIRECTOR = N_("Sorry, only the center's director can use /{command}.")


class Step(enum.StrEnum):
    ROWS = "rows"
    OWN = "own"
    TOPICS = "topics"
    TIME = "time"
    CONSENT = "consent"
    NAME = "name"
    GENDER = "gender"
    YEAR = "year"
    VILLAGE = "village"


async def command(ctx: Context, args: str) -> None:
    """One command for everyone: the director's words (new, results, close, plan), a head's (for), and for
    anyone else the survey's two questions."""
    word = fold(args.strip())
    access = access_of(ctx.person)
    if word in ("new", "results", "close", "plan") and access < Access.DIRECTOR:
        raise Refusal(ONLY_DIRECTOR, command="survey")
    if word == "new":
        await _ask_rows(ctx)
    elif word == "results":
        await _results(ctx)
    elif word == "close":
        await _close(ctx)
    elif word == "plan":
        await _plan(ctx)
    elif word == "for":
        if access < Access.HELPER:
            raise Refusal(
                N_("Sorry, only the center's director, staff and village heads can use /{command}."),
                command="survey for",
            )
        await _open_survey(ctx)
        await conversations.move_to(ctx.session, _me(ctx).id, FOR, Step.CONSENT, ctx.now, {})
        await _ask_person(ctx, Step.CONSENT)
    elif access >= Access.DIRECTOR and word != "answer":
        await _overview(ctx)
    else:
        await begin(ctx)


async def by_link(ctx: Context, payload: str) -> bool:
    """The invitation card's button (/start survey): the questions. False when the payload is another link."""
    if payload != LINK:
        return False
    await begin(ctx)
    return True


async def after_profile(ctx: Context) -> None:
    """A newcomer who came by the invitation card, profile done: the questions, or a word that it has closed
    (said, not refused: a refusal would undo the profile just saved)."""
    if await surveys.current(ctx.session, _me(ctx).center_id) is None:
        ctx.reply(ctx._(NONE_OPEN))
        return
    await begin(ctx)


async def begin(ctx: Context, for_person: Person | None = None) -> None:
    survey = await _open_survey(ctx)
    data: dict[str, Any] = {"survey": survey.id, "chosen": []}
    if for_person is not None:
        data["for"] = for_person.id
    await conversations.move_to(ctx.session, _me(ctx).id, ANSWER, Step.TOPICS, ctx.now, data)
    await _ask_topics(ctx, survey, data)


async def on_answer(ctx: Context, conversation: Conversation, text: str) -> None:
    data: dict[str, Any] = dict(conversation.data)
    survey = await ctx.session.get(Survey, int(data["survey"]))
    if survey is None or survey.closed_at is not None:
        await conversations.finish(ctx.session, conversation.person_id)
        raise Refusal(N_("This survey is closed. Thank you all the same!"))
    text = text.strip()
    keys = [t["key"] for t in survey.topics]
    if conversation.step == Step.TOPICS:
        toggled = text[1:] if text.startswith("t") and text[1:].isdigit() else None
        if toggled is not None and 1 <= int(toggled) <= len(keys):
            key = keys[int(toggled) - 1]
            data["chosen"] = [k for k in keys if (k in data["chosen"]) != (k == key)]
            await conversations.move_to(ctx.session, conversation.person_id, ANSWER, Step.TOPICS, ctx.now, data)
            if ctx.is_button and ctx.can.edit and ctx.incoming.message_id is not None:
                # the same question, its ticks changed in place: a tap never stacks another copy of it
                question, keyboard = await _topics_question(ctx, survey, data)
                ctx.outcome.effects.append(Edit(ctx.incoming.chat, ctx.incoming.message_id, question, keyboard))
                return
            ctx.close_buttons(answered=False)
            await _ask_topics(ctx, survey, data)
            return
        if text == "done":
            if not data["chosen"]:
                raise Refusal(N_("Please choose at least one topic, then press Done."))
        else:
            picked = surveys.numbers(text, len(keys))
            if picked is None:
                raise Refusal(
                    N_("Please send the numbers of the topics, for example: 1 3 5."),
                    await _topic_keys(ctx, survey, data),
                )
            data["chosen"] = [keys[n - 1] for n in picked]
        ctx.close_buttons()
        await conversations.move_to(ctx.session, conversation.person_id, ANSWER, Step.TIME, ctx.now, data)
        ctx.reply(_time_question(ctx, data), _time_keys(ctx, survey))
        return
    times = survey.times
    time = next(
        (
            t["key"]
            for i, t in enumerate(times, 1)
            if text in (t["key"], str(i))
            or fold(text) in (fold(surveys.label(t, ctx.t)), fold(t["label"]))
            or fold(text) in fold(surveys.label(t, ctx.t)).split()  # "sáng" for "Buổi sáng"
        ),
        None,
    )
    if time is None:
        raise Refusal(N_("Please choose one of the buttons."), _time_keys(ctx, survey))
    ctx.close_buttons()
    whom = await ctx.session.get(Person, int(data["for"])) if data.get("for") else _me(ctx)
    assert whom is not None
    await surveys.answer(ctx.session, survey, whom, data["chosen"], time, now=ctx.now, by=_me(ctx))
    await conversations.finish(ctx.session, conversation.person_id)
    chosen = ", ".join(surveys.label(t, ctx.t) for t in survey.topics if t["key"] in data["chosen"])
    when = surveys.label(next(t for t in times if t["key"] == time), ctx.t)
    if data.get("for"):
        ctx.reply(
            ctx._(
                "Saved the answer of {name}: {topics}; {time}.\nTo answer for the next person, send:\n/survey for",
                name=whom.full_name,
                topics=chosen,
                time=when.lower(),
            )
        )
        return
    ctx.reply(
        ctx._(
            "Thank you! Your answer is saved: {topics}; {time}. The center will plan next year's activities "
            "from what people wish. To change your answer, send:\n/survey",
            topics=chosen,
            time=when.lower(),
        )
    )


async def _ask_topics(ctx: Context, survey: Survey, data: dict[str, Any]) -> None:
    ctx.reply(*await _topics_question(ctx, survey, data))


async def _topics_question(ctx: Context, survey: Survey, data: dict[str, Any]) -> tuple[str, Keyboard]:
    name = await _name_of(ctx, data)
    if name is None:
        question = ctx._("What would you like to learn? Choose as many topics as you wish.")
    else:
        question = ctx._("What would {name} like to learn? Choose as many topics as they wish.", name=name)
    how = (
        ctx._("Tap each topic, then Done. Or type their numbers, for example: 1 3 5.")
        if ctx.can.buttons
        else ctx._("Send one number to tick a topic, or several at once, for example: 1 3 5.")
    )
    return f"{question}\n{how}", await _topic_keys(ctx, survey, data)


async def _topic_keys(ctx: Context, survey: Survey, data: dict[str, Any]) -> Keyboard:
    """A button per topic (ticked when chosen; numbered, since typed numbers answer too), then Done."""
    rows = []
    for i, topic in enumerate(survey.topics, 1):
        tick = "✔ " if topic["key"] in data["chosen"] else ""
        number = f"{i}. " if ctx.can.buttons else ""
        rows.append((Choice(f"{tick}{number}{surveys.label(topic, ctx.t)}", f"/answer {Step.TOPICS} t{i}"),))
    rows.append((Choice(ctx._("Done"), f"/answer {Step.TOPICS} done"),))
    return tuple(rows)


def _time_question(ctx: Context, data: dict[str, Any]) -> str:
    if data.get("for"):
        return ctx._("Which time of day suits them best?")
    return ctx._("Which time of day suits you best?")


def _time_keys(ctx: Context, survey: Survey) -> Keyboard:
    return (tuple(Choice(surveys.label(t, ctx.t), f"/answer {Step.TIME} {t['key']}") for t in survey.times),)


async def _name_of(ctx: Context, data: dict[str, Any]) -> str | None:
    if not data.get("for"):
        return None
    person = await ctx.session.get(Person, int(data["for"]))
    return person.full_name if person else None


# The director opens a survey.


async def _ask_rows(ctx: Context) -> None:
    rows = await areas.areas_of(ctx.session, _center_id(ctx))
    await conversations.move_to(ctx.session, _me(ctx).id, OPEN, Step.ROWS, ctx.now, {})
    lines = [f"{i}. {areas.display_name(a, ctx.t)}" for i, a in enumerate(rows, 1)]
    ctx.reply(
        ctx._("Which report rows should the survey ask about? Send their numbers, for example: 3 4 7. Or press All.")
        + "\n\n"
        + "\n".join(lines),
        ((Choice(ctx._("All"), f"/answer {Step.ROWS} all"),),),
        typed_answer=True,
    )


async def on_open(ctx: Context, conversation: Conversation, text: str) -> None:
    data: dict[str, Any] = dict(conversation.data)
    text = text.strip()
    rows = await areas.areas_of(ctx.session, _center_id(ctx))
    if conversation.step == Step.ROWS:
        picked = list(range(1, len(rows) + 1)) if fold(text) in ("all", "tat ca") else surveys.numbers(text, len(rows))
        if picked is None:
            raise Refusal(N_("Please send the numbers of the report rows, for example: 3 4 7."))
        ctx.close_buttons()
        data["rows"] = [rows[n - 1].id for n in picked]
        await conversations.move_to(ctx.session, conversation.person_id, OPEN, Step.OWN, ctx.now, data)
        ctx.reply(
            ctx._(
                "Any topics of your own, for example: Growing straw mushrooms? Send each on its own line, "
                "or press None."
            ),
            ((Choice(ctx._("None"), f"/answer {Step.OWN} none"),),),
        )
        return
    own = [] if text == "none" else [clean_name(line, 200) for line in text.splitlines() if clean_name(line, 200)]
    if len(own) > 10:
        raise Refusal(N_("Please send at most ten topics of your own."))
    ctx.close_buttons()
    center = ctx.center
    assert center is not None
    chosen = [a for a in rows if a.id in data["rows"]]
    topics = surveys.topic_choices(chosen, own, ctx.t)
    year = ctx.t.datetime(ctx.now, "yyyy")
    title = Translator(center.locale).gettext("Learning needs for {year}").format(year=int(year) + 1)
    survey = await surveys.open_survey(ctx.session, center, title=title, topics=topics, now=ctx.now, by=_me(ctx))
    await conversations.finish(ctx.session, conversation.person_id)
    ctx.reply(
        ctx._(
            "The survey “{title}” is open with {count} topics. Every group of the center gets an invitation; "
            "residents can also answer by sending /survey. Village heads answer for people without a phone:\n"
            "/survey for",
            title=survey.title,
            count=len(topics),
        )
    )


# Results, closing, the draft plan.


async def _overview(ctx: Context) -> None:
    survey = await surveys.latest(ctx.session, _center_id(ctx))
    if survey is None:
        ctx.reply(
            ctx._("No survey yet. A survey asks residents what they want to learn next year."),
            ((Choice(ctx._("Start a survey"), "/survey new"),),),
        )
        return
    found = await surveys.results(ctx.session, survey)
    state = ctx._("open") if survey.closed_at is None else ctx._("closed")
    keys: list[tuple[Choice, ...]] = [(Choice(ctx._("Results"), "/survey results"),)]
    if survey.closed_at is None:
        keys += [(Choice(ctx._("Answer it myself"), "/survey answer"),), (Choice(ctx._("Close it"), "/survey close"),)]
    else:
        keys += [
            (Choice(ctx._("Make the draft plan"), "/survey plan"),),
            (Choice(ctx._("Start a survey"), "/survey new"),),
        ]
    ctx.reply(
        ctx._(
            "Survey “{title}” ({state}): {count} people answered.",
            title=survey.title,
            state=state,
            count=found.answered,
        ),
        tuple(keys),
    )


def results_text(found: surveys.Results, t: Translator) -> str:
    """The results as a message: each topic with its count and women; then who answered, by village, gender and
    age band, and the time of day they prefer."""
    lines = [
        t.gettext("Survey “{title}”: {count} people answered.").format(title=found.survey.title, count=found.answered)
    ]
    if not found.answered:
        return lines[0]
    women = found.by_gender.get(Gender.FEMALE.value, {})
    lines += ["", t.gettext("Wishes by topic:")]
    for i, topic in enumerate(found.ranked(), 1):
        count, female = found.topics[topic["key"]], women.get(topic["key"], 0)
        lines.append(
            t.gettext("{rank}. {topic}: {count} ({women} women)").format(
                rank=i, topic=surveys.label(topic, t), count=count, women=female
            )
        )
    lines += ["", t.gettext("Who answered, by village:")]
    for village, count in sorted(found.people_by_village.items(), key=lambda item: fold(item[0])):
        top = found.ranked_in(found.by_village[village])
        name = village if village != surveys.UNKNOWN else t.gettext("village not known")
        wished = t.gettext("most wished")
        lines.append(f"• {name}: {count}" + (f" ({wished}: {surveys.label(top, t)})" if top else ""))
    genders = ", ".join(
        f"{t.gettext(GENDER_LABELS[g]).lower()} {found.people_by_gender[g.value]}"
        for g in Gender
        if found.people_by_gender[g.value]
    )
    lines.append(t.gettext("By gender: {genders}").format(genders=genders or "—"))
    bands = ", ".join(
        f"{t.gettext(name)}: {found.people_by_band[name]}" for _, _, name in surveys.BANDS if found.people_by_band[name]
    )
    lines.append(t.gettext("By age: {bands}").format(bands=bands or "—"))
    times = ", ".join(
        f"{surveys.label(item, t).lower()} {found.times[item['key']]}"
        for item in found.survey.times
        if found.times[item["key"]]
    )
    lines.append(t.gettext("Time of day: {times}").format(times=times or "—"))
    return "\n".join(lines)


async def _results(ctx: Context) -> None:
    survey = await surveys.latest(ctx.session, _center_id(ctx))
    if survey is None:
        raise Refusal(N_("No survey yet. To start one, send:\n/survey new"))
    found = await surveys.results(ctx.session, survey)
    ctx.reply(results_text(found, ctx.t))
    if found.answered:
        t = ctx.t
        ctx.reply(ctx._("The wishes as a chart:"), draw=lambda: drawn.png(found, t))
        name = "ket-qua-dieu-tra.xlsx" if t.locale == "vi" else "survey-results.xlsx"
        ctx.reply(ctx._("The results as a spreadsheet:"), file=Attachment(name, drawn.xlsx(found, t)))


async def _close(ctx: Context) -> None:
    survey = await surveys.current(ctx.session, _center_id(ctx))
    if survey is None:
        raise Refusal(N_("There is no survey open at the moment."))
    await surveys.close(ctx.session, survey, now=ctx.now, by=_me(ctx))
    found = await surveys.results(ctx.session, survey)
    ctx.reply(
        ctx._("The survey is closed.") + "\n\n" + results_text(found, ctx.t),
        ((Choice(ctx._("Make the draft plan"), "/survey plan"),),) if found.answered else (),
    )


async def _plan(ctx: Context) -> None:
    survey = await surveys.latest(ctx.session, _center_id(ctx))
    if survey is None or survey.closed_at is None:
        raise Refusal(N_("Please close the survey first:\n/survey close"))
    center = ctx.center
    assert center is not None
    ctx.close_buttons()
    made = await surveys.plan(ctx.session, center, survey, now=ctx.now, by=_me(ctx))
    if not made:
        raise Refusal(N_("The draft plan of this survey was already made. Send /plan to see the month's plan."))
    lines = [ctx._("Draft activities of next year's plan, from the most wished topics:")]
    for activity in made:
        lines.append(f"• {activity.title}: {ctx.t.datetime(activity.starts_at, 'MM/yyyy')}")
    lines.append(ctx._("Each is planned for its month only. Set its day, time and place, then publish it:\n/change"))
    ctx.reply("\n".join(lines))


# A village head answers for someone without a phone (consent as /add asks it).

QUESTIONS = {
    Step.CONSENT: N_(
        "You are answering for someone without a phone. Did they agree to have their name, gender, birth year, "
        "village and answer kept by the center?"
    ),
    Step.NAME: N_("Their full name?"),
    Step.GENDER: N_("Female or male?"),
    Step.YEAR: N_("Their birth year? (for example 1950)"),
    Step.VILLAGE: N_("Which village do they live in?"),
}


async def on_for(ctx: Context, conversation: Conversation, text: str) -> None:
    step = Step(conversation.step)
    data: dict[str, Any] = dict(conversation.data)
    text = text.strip()
    ctx.close_buttons()
    following: Step
    if step is Step.CONSENT:
        if fold(text) not in ("yes", "co", "dong y"):
            await conversations.finish(ctx.session, conversation.person_id)
            ctx.reply(ctx._("Then I will not keep their name. Nothing was saved."))
            return
        following = Step.NAME
    elif step is Step.NAME:
        name = clean_name(text)
        if len(name) < 2 or not any(ch.isalpha() for ch in name):
            raise Refusal(N_("Please send the full name in letters, for example: Nguyễn Thị Lan."))
        data["name"] = name
        told = gender_in_name(name)
        if told is not None:
            data["gender"] = told.value
        following = Step.YEAR if told is not None else Step.GENDER
    elif step is Step.GENDER:
        gender = next((g for g, words in GENDER_WORDS.items() if fold(text) in words or text == g.value), None)
        if gender is None:
            raise Refusal(N_("Please choose one of the buttons."), await add_person.person_choices(ctx, step))
        data["gender"] = gender.value
        following = Step.YEAR
    elif step is Step.YEAR:
        low, high = people.birth_year_bounds(ctx.now)
        if not (text.isascii() and text.isdigit() and len(text) == 4 and low <= int(text) <= high):
            raise Refusal(N_("Please send the birth year as four digits between {low} and {high}."), low=low, high=high)
        data["year"] = int(text)
        villages = await add_person.helper_villages(ctx)
        if len(villages) == 1:
            data["village"] = villages[0].id
            await _found(ctx, data)
            return
        following = Step.VILLAGE
    else:
        village = centers.match_village(await add_person.helper_villages(ctx), text)
        if village is None:
            raise Refusal(N_("Please choose the village from the list."), await add_person.person_choices(ctx, step))
        data["village"] = village.id
        await _found(ctx, data)
        return
    await conversations.move_to(ctx.session, conversation.person_id, FOR, following, ctx.now, data)
    await _ask_person(ctx, following)


async def _found(ctx: Context, data: dict[str, Any]) -> None:
    """The person of that name, birth year and village (found as /add finds them), else a new record; then the
    survey's questions, asked of the head about them."""
    helper = _me(ctx)
    center_id = _center_id(ctx)
    same = await people.named(
        ctx.session,
        center_id,
        data["name"],
        people.CONSENTING,
        Person.birth_year == data["year"],
        Person.village_id == data["village"],
        whole=True,
    )
    person = same[0] if same else None
    if person is None:
        person = await people.add_without_phone(
            ctx.session,
            helper,
            center_id,
            name=data["name"],
            gender=Gender(data["gender"]),
            birth_year=data["year"],
            village_id=data["village"],
            now=ctx.now,
        )
    await begin(ctx, for_person=person)


async def _ask_person(ctx: Context, step: Step) -> None:
    ctx.reply(ctx._(QUESTIONS[step]), await add_person.person_choices(ctx, step))


async def _open_survey(ctx: Context) -> Survey:
    survey = await surveys.current(ctx.session, ctx.person.center_id if ctx.person else None)
    if survey is None:
        raise Refusal(NONE_OPEN)
    return survey


def _me(ctx: Context) -> Person:
    assert ctx.person is not None
    return ctx.person


def _center_id(ctx: Context) -> int:
    center_id = _me(ctx).center_id
    assert center_id is not None
    return center_id


# Not in the menus: a survey is open a few weeks a year, and residents come by the group's card; an elder's menu
# stays short. The director finds it in README ("The learning-needs survey"); /help does not list it.
COMMANDS = (
    Command("survey", command, N_("What would you like to learn? The center's survey"), Access.MEMBER, in_menu=False),
)
JOURNEYS = (
    Journey(ANSWER, on_answer, access=Access.MEMBER),
    Journey(OPEN, on_open, access=Access.DIRECTOR),
    Journey(FOR, on_for, access=Access.HELPER),
)
