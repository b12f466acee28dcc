"""/target and /population: the director sets the year's targets in chat (or imports them with the plan).

/target                      ──> this year's targets, and how to write one
/target 2025                 ──> that year's
/target 2025 kinh tế 8 800   ──> economy: 8 classes, 800 learner-visits in 2025
/target 2025 q1 tất cả 13 1000, /target 2025 tất cả - 4350   ("-" leaves a number unset)
/population 5550             ──> the population aged 15 and over, for the learners ÷ population ratio
"""

from __future__ import annotations

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.models import Center
from bot.registry import Access, Command
from bot.services import areas, audit, stats, targets
from bot.text import number


async def target(ctx: Context, args: str) -> None:
    center = ctx.center
    assert isinstance(center, Center)
    year = stats.Period.containing(ctx.now, center.timezone).year
    typed = args.strip()
    if not typed or (number(typed) is not None and len(typed) == 4):
        await _list(ctx, center, number(typed) or year)
        return
    known = await areas.areas_of(ctx.session, center.id)
    try:
        line = targets.parse(typed, known, year)
    except targets.TargetError as error:
        raise Refusal(str(error), **error.fields) from None
    await targets.put(ctx.session, center.id, line, now=ctx.now, by=ctx.person)
    audit.record(
        ctx.session,
        action="target.set",
        at=ctx.now,
        center_id=center.id,
        actor_id=ctx.person.id if ctx.person else None,
        year=line.year,
        quarter=line.quarter,
        area_id=line.area_id,
        classes=line.classes,
        learners=line.learners,
    )
    await _list(ctx, center, line.year, saved=True)


async def _list(ctx: Context, center: Center, year: int, saved: bool = False) -> None:
    names = {
        a.id: f"{a.position}. {areas.label(a.code, a.name, ctx.t, short=True)}"
        for a in await areas.areas_of(ctx.session, center.id)
    }
    lines = [ctx._("✅ Saved.")] if saved else []
    lines.append(ctx._("Targets of {year}:", year=year))
    found = await targets.of_year(ctx.session, center.id, year)
    for item in found:
        what = targets.subject(item.area_id, item.quarter, names, ctx.t)
        classes = "-" if item.classes is None else ctx.t.number(item.classes)
        learners = "-" if item.learners is None else ctx.t.number(item.learners)
        lines.append(
            ctx._(
                "• {what}: {classes} classes, {learners} learner-visits", what=what, classes=classes, learners=learners
            )
        )
    if not found:
        lines.append(ctx._("• none yet"))
    population = ctx.t.number(center.population_15_plus) if center.population_15_plus else "-"
    lines.append(
        ctx._("Population aged 15 and over: {population} (change it with /population).", population=population)
    )
    lines.append(
        ctx._(
            "To set one, write the year, the quarter if any, the area (its number or name, or “tất cả”), classes "
            "and learner-visits, for example:\n/target {year} kinh tế 8 800\n/target {year} q1 tất cả 13 1000",
            year=year,
        )
    )
    ctx.reply("\n".join(lines))


async def population(ctx: Context, args: str) -> None:
    center = ctx.center
    assert isinstance(center, Center)
    typed = args.strip().replace(".", "").replace(",", "")
    if not typed:
        now = ctx.t.number(center.population_15_plus) if center.population_15_plus else "-"
        ctx.reply(ctx._("Population aged 15 and over: {population}. To change it: /population 5550", population=now))
        return
    value = number(typed)
    if value is None or not 0 < value < 10_000_000:
        raise Refusal(N_("Please write the population aged 15 and over as a number, like /population 5550."))
    center.population_15_plus = value
    audit.record(
        ctx.session,
        action="center.population",
        at=ctx.now,
        center_id=center.id,
        actor_id=ctx.person.id if ctx.person else None,
        population=value,
    )
    ctx.reply(ctx._("✅ Saved: {population} people aged 15 and over.", population=ctx.t.number(value)))


COMMANDS = (
    Command("target", target, N_("The year's targets for classes and learners"), Access.DIRECTOR),
    Command("population", population, N_("The population aged 15 and over"), Access.DIRECTOR, in_menu=False),
)
