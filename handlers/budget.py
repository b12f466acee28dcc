"""/budget: an activity's money by source, planned and spent, as the report's budget table sums it.

    /budget                         ──> the coming activities to choose from
    /budget 12                      ──> the activity's money per source, with a button per source
    /budget 12 nn                   ──> (a source's button) asks for its two amounts; the next message
                                        ("3 triệu", "3 triệu 1,5 triệu", "- 500k") is saved; /cancel leaves
    /budget 12 nn 2000000 1500000   ──> saved: planned 2,000,000 đồng, spent 1,500,000 đồng; audited
    /budget 12 xh 2 tr chi 500k     ──> the words "chi" (spent) and "dự kiến" (planned) may name an amount;
                                        "-" leaves one as it was

Sources: nn (state budget), xh (social contributions), nh (learners' contributions), khac (other); the
full names work too, in either language. Staff and the director, for their own center's activities.
"""

from __future__ import annotations

import enum
from datetime import timedelta

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import Activity, BudgetSource, Conversation
from bot.registry import Access, Command, Journey
from bot.reports.layout import source_name
from bot.services import budgets, conversations
from bot.text import fold
from handlers import events

USAGE = N_("Please write the number of one of your center's activities, like /budget 12. /events lists them.")
HOW = N_(
    "To record the money of a source, write the activity's number, the source, the planned amount, then "
    "the amount spent, for example:\n/budget {id} nn 2000000 1500000\n"
    "Sources: nn is the state budget, xh social contributions, nh learners' contributions, khac other "
    "sources. Write “-” to leave an amount as it is."
)
SPENT_WORDS = ("chi", "da chi", "spent")
PLANNED_WORDS = ("du kien", "ke hoach", "kh", "planned")
UNITS = ("tr", "trieu", "k", "nghin", "ngan", "d", "dong")
JOURNEY = "budget"
ASK = N_(
    "Please send the planned amount and the amount spent from {source} for “{title}”, for example:\n"
    "2000000 1500000\nIf nothing is spent yet, send the planned amount only. Write “-” to leave an amount as it is."
)
AGAIN = N_(
    "I could not read those amounts. Please send the planned amount, then the amount spent, for example:\n"
    "2000000 1500000\nTo stop, send:\n/cancel"
)


class Step(enum.StrEnum):
    AMOUNTS = "amounts"


async def budget(ctx: Context, args: str) -> None:
    words = args.split()
    activity = await events.of_my_center(ctx, words[0] if words else "", USAGE, command="budget")
    rest = words[1:]
    await _leave_question(ctx)  # a new /budget replaces an amount still asked for: no stray answer saves to it
    if not rest:
        _show(ctx, activity, await budgets.of_activity(ctx.session, activity.id))
        return
    source, rest = _source(rest)
    if source is None:
        raise Refusal(HOW, id=activity.id)
    if not rest:  # a source's button: the amounts come in the next message
        assert ctx.person is not None
        data = {"id": activity.id, "source": budgets.CODES[source]}
        await conversations.move_to(ctx.session, ctx.person.id, JOURNEY, Step.AMOUNTS, ctx.now, data)
        ctx.reply(
            ctx._(ASK, source=source_name(source, ctx.t).lower(), title=activity.title),
            _cancel(ctx),
        )
        return
    money = _amounts(rest)
    if money is None:
        raise Refusal(HOW, id=activity.id)
    await budgets.record(ctx.session, activity, source, money, by=ctx.person.id if ctx.person else None, now=ctx.now)
    _show(ctx, activity, await budgets.of_activity(ctx.session, activity.id), saved=True)


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    """The amounts of the source whose button was pressed: saved, shown, and the question ends."""
    activity = await events.of_my_center(ctx, str(conversation.data["id"]), USAGE, command="budget")
    source = budgets.source_of(str(conversation.data["source"]))
    assert source is not None
    money = _amounts(text.split())
    if money is None:
        raise Refusal(AGAIN, _cancel(ctx))
    ctx.close_buttons()
    await budgets.record(ctx.session, activity, source, money, by=ctx.person.id if ctx.person else None, now=ctx.now)
    await conversations.finish(ctx.session, conversation.person_id)
    _show(ctx, activity, await budgets.of_activity(ctx.session, activity.id), saved=True)


async def _leave_question(ctx: Context) -> None:
    assert ctx.person is not None
    asked = await conversations.current(ctx.session, ctx.person.id)
    if asked is not None and asked.journey == JOURNEY:
        await conversations.finish(ctx.session, ctx.person.id)


def _cancel(ctx: Context) -> Keyboard:
    return ((Choice(ctx._("✖ Cancel"), "/cancel"),),)


def _source(words: list[str]) -> tuple[BudgetSource | None, list[str]]:
    """The source named by the first one to three words ("nn", "ngân sách nhà nước"), and the words after."""
    for size in (3, 2, 1):
        if len(words) >= size and (source := budgets.source_of(" ".join(words[:size]))) is not None:
            return source, words[size:]
    return None, words


def _amounts(words: list[str]) -> budgets.Money | None:
    """Planned then spent, or named by "dự kiến" / "chi"; a unit ("tr", "triệu", "k") may stand apart."""
    amounts: list[tuple[str | None, str]] = []  # (the amount's name if one was given, its text)
    named: str | None = None
    index = 0
    plain = [fold(w) for w in words]
    while index < len(words):
        two = " ".join(plain[index : index + 2])
        if two in SPENT_WORDS or two in PLANNED_WORDS:
            named, index = ("spent" if two in SPENT_WORDS else "planned"), index + 2
            continue
        if plain[index] in SPENT_WORDS or plain[index] in PLANNED_WORDS:
            named, index = ("spent" if plain[index] in SPENT_WORDS else "planned"), index + 1
            continue
        text = words[index]
        if index + 1 < len(words) and plain[index + 1] in UNITS:
            text, index = f"{text} {words[index + 1]}", index + 1
        amounts.append((named, text))
        named, index = None, index + 1
    if not amounts or len(amounts) > 2:
        return None
    money = budgets.Money()
    for position, (name, text) in enumerate(amounts):
        which = name or ("planned" if position == 0 else "spent")
        value = None if text.strip() == "-" else budgets.parse_amount(text)
        if value is None and text.strip() != "-":
            return None
        if getattr(money, which) is not None:
            return None  # the same amount given twice
        setattr(money, which, value)
    return money


def _show(ctx: Context, activity: Activity, money: dict[BudgetSource, budgets.Money], *, saved: bool = False) -> None:
    def vnd(value: int | None) -> str:
        return ctx._("{amount} đồng", amount=ctx.t.number(value)) if value is not None else ctx._("not recorded")

    lines = [ctx._("✅ Saved.")] if saved else []
    lines.append(ctx._("The money of “{title}” (number {id}):", title=activity.title, id=activity.id))
    for source, amounts in money.items():
        lines.append(
            ctx._(
                "• {source}: planned {planned}, spent {spent}",
                source=source_name(source, ctx.t),
                planned=vnd(amounts.planned),
                spent=vnd(amounts.spent),
            )
        )
    planned = sum(m.planned or 0 for m in money.values())
    spent = sum(m.spent or 0 for m in money.values())
    lines.append(ctx._("In all: planned {planned}, spent {spent}", planned=vnd(planned), spent=vnd(spent)))
    lines.append(ctx._(HOW, id=activity.id))
    ctx.reply(
        "\n".join(lines),
        tuple(
            (Choice(source_name(source, ctx.t), f"/budget {activity.id} {budgets.CODES[source]}"),)
            for source in budgets.SOURCES
        ),
    )


COMMANDS = (Command("budget", budget, N_("An activity's budget by source"), Access.STAFF),)
JOURNEYS = (Journey(JOURNEY, on_text, access=Access.STAFF, expires=timedelta(days=1)),)
