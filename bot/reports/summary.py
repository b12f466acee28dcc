"""/stats as text short enough to read on a phone: one screen with the period's total, the target, the
ratio to the population aged 15 and over and the next activity; behind buttons, today's and upcoming
activities, the report table of the period, every target, and the figures by village. Long titles are
shortened at a word boundary, and percentages keep the digits that make them meaningful."""

from __future__ import annotations

import math
from datetime import datetime

from babel.numbers import format_decimal

from bot.i18n import N_, Translator
from bot.services import areas, checkin, stats
from bot.text import clip, spelled_out


def period_name(period: stats.Period, t: Translator) -> str:
    if period.kind is stats.PeriodKind.MONTH:
        return t.gettext(N_("{month}/{year}")).format(month=period.number, year=period.year)
    if period.kind is stats.PeriodKind.QUARTER:
        return t.gettext(N_("quarter {quarter}/{year}")).format(quarter=period.number, year=period.year)
    return t.gettext(N_("the year {year}")).format(year=period.year)


def short_name(row: stats.Row, t: Translator) -> str:
    """A row's name short enough for a phone: the form's own words in the report files, these in chat."""
    if row.key == stats.UNCLASSIFIED:
        return t.gettext(N_("No report row chosen"))
    return clip(areas.label(row.key, row.name, t, short=True), 32)


def share(percent: float, t: Translator) -> str:
    """A percentage written with the precision that keeps it meaningful: two significant digits below 10
    (0,029 · 1,7), whole numbers from 10 up; never a share above nought shown as 0 nor one short of all as
    100. Without the sign, which the sentence around it carries, as the locale writes it ("1,3%")."""
    if percent <= 0:
        return t.number(0)
    decimals = 1 - math.floor(math.log10(percent)) if percent < 10 else 0
    shown = round(percent, decimals)
    if shown >= 100 > percent:  # 99.7 % is not everyone
        decimals = max(decimals, 1 - math.floor(math.log10(100 - percent)))
        shown = min(round(percent, decimals), 100 - 10**-decimals)
    return format_decimal(shown, format="#,##0." + "#" * decimals if decimals else "#,##0", locale=t.locale)


def percent(part: int, whole: int | None, t: Translator) -> str:
    return f" ({share(100 * part / whole, t)}%)" if whole else ""


def text(figures: stats.Figures, t: Translator, title: str, area_key: str | None = None) -> str:
    """The one screen: the period's total (or the chosen area's line), the whole target, the ratio to the
    population and the next activity. The rest is one button away (`VIEWS`)."""
    _ = t.gettext
    lines = heading(figures, t, title)[:-1]  # no blank line: every line counts on one screen
    rows = [(n, r) for n, r in enumerate(figures.table.rows, 1) if r.key == area_key]
    if area_key is None:
        lines.append(_(N_("Total: {counts}")).format(counts=counts(figures.table.total, t)))
        own = figures.scope.village_id
        lines += [credit_line(v, t) for v in figures.villages if own is not None and v.village_id == own]
    else:
        lines += [f"{number}. {short_name(row, t)}: {counts(row, t)}" for number, row in rows]
    lines += [goal_line(g, figures, t) for g in main_goals(figures, area_key)]
    if area_key is None:
        lines += ratio_lines(figures, t)
    if figures.scope.region_id is None:
        lines += ["", _(N_("Today and coming up:"))]
        village = figures.scope.village_id is not None
        lines += [upcoming_line(u, t, figures.now, village) for u in figures.upcoming[:1]] or [
            _(N_("• nothing planned"))
        ]
    return "\n".join(lines)


def heading(figures: stats.Figures, t: Translator, title: str) -> list[str]:
    _ = t.gettext
    return [
        _(N_("📊 {title}: {period}")).format(title=clip(spelled_out(title), 60), period=period_name(figures.period, t)),
        _(N_("(as of {moment})")).format(moment=t.datetime(figures.now)),
        "",
    ]


def main_goals(figures: stats.Figures, area_key: str | None) -> list[stats.Goal]:
    """The target the period is measured against: a quarter's own, else the year's."""
    key = area_key or "total"
    goals = [g for g in figures.goals if g.key == key]
    own = [g for g in goals if figures.period.kind is stats.PeriodKind.QUARTER and g.quarter == figures.period.number]
    return own or [g for g in goals if g.quarter == 0]


def ratio_lines(figures: stats.Figures, t: Translator) -> list[str]:
    if figures.ratio is None or figures.scope.village_id is not None:
        return []
    return [
        t.gettext(N_("Learners ÷ population aged 15+ ({year}): {visits}/{population} = {ratio}%")).format(
            year=figures.period.year,
            visits=t.number(figures.year_visits),
            population=t.number(figures.population_15_plus or 0),
            ratio=share(figures.ratio, t),
        )
    ]


def upcoming_text(figures: stats.Figures, t: Translator, title: str) -> str:
    """Today's and the coming activities, up to five."""
    _ = t.gettext
    lines = [*heading(figures, t, title), _(N_("Today and coming up:"))]
    village = figures.scope.village_id is not None  # a village's seats are not the activity's capacity
    lines += [upcoming_line(u, t, figures.now, village) for u in figures.upcoming] or [_(N_("• nothing planned"))]
    return "\n".join(lines)


def areas_text(figures: stats.Figures, t: Translator, title: str, area_key: str | None = None) -> str:
    """The report table of the period: one line per row with something in it, then the total."""
    _ = t.gettext
    lines = [*heading(figures, t, title), _(N_("Results of {period}:")).format(period=period_name(figures.period, t))]
    for number, row in enumerate(figures.table.rows, 1):
        if area_key in (None, row.key) and (row.classes or row.visits or area_key):
            lines.append(f"{number}. {short_name(row, t)}: {counts(row, t)}")
    empty = [n for n, r in enumerate(figures.table.rows, 1) if not (r.classes or r.visits)]
    if area_key is None:
        if empty:
            lines.append(_(N_("Nothing yet in rows {numbers}.")).format(numbers=", ".join(map(str, empty))))
        lines.append(_(N_("Total: {counts}")).format(counts=counts(figures.table.total, t)))
    return "\n".join(lines)


def targets_text(figures: stats.Figures, t: Translator, title: str, area_key: str | None = None) -> str:
    """Every target of the period against what has been reached, and the ratio to the population."""
    _ = t.gettext
    lines = [*heading(figures, t, title), _(N_("Targets of {year}:")).format(year=figures.period.year)]
    goals = [g for g in figures.goals if area_key is None or g.key == area_key]
    lines += [goal_line(g, figures, t) for g in goals] or [_(N_("• no target set"))]
    if area_key is None:
        lines += ratio_lines(figures, t)
    return "\n".join(lines)


def counts(row: stats.Row, t: Translator) -> str:
    if not (row.classes or row.visits):
        return "—"
    return t.gettext(N_("{classes} classes, {visits} learner-visits ({women} women)")).format(
        classes=t.number(row.classes), visits=t.number(row.visits), women=t.number(row.women)
    )


def upcoming_line(line: stats.Upcoming, t: Translator, now: datetime, village: bool = False) -> str:
    """Registrations; once check-in has opened, who came too."""
    _ = t.gettext
    seats = f"{line.registered}/{line.capacity}" if line.capacity and not village else str(line.registered)
    parts = [
        _(N_("registered {seats}")).format(seats=seats),
        _(N_("waiting {count}")).format(count=line.waitlisted),
    ]
    if line.starts_at - checkin.BEFORE <= now or line.checked_in:
        parts += [
            _(N_("checked in {count} ({women} women)")).format(count=line.checked_in, women=line.women),
            _(N_("walk-ins {count}")).format(count=line.walk_ins),
        ]
        if line.rate is not None:
            parts.append(_(N_("came {rate}%")).format(rate=share(line.rate, t)))
    return f"• {t.datetime(line.starts_at, 'dd/MM HH:mm')} {clip(line.title, 40)}: " + ", ".join(parts)


def goal_line(goal: stats.Goal, figures: stats.Figures, t: Translator) -> str:
    _ = t.gettext
    if goal.key == "total":
        what = _(N_("Whole region")) if figures.scope.region_id is not None else _(N_("Whole center"))
    else:
        row = next((r for r in figures.table.rows if r.key == goal.key), stats.Row(goal.key, goal.key))
        what = short_name(row, t)
    if goal.quarter:
        what = _(N_("{what}, quarter {quarter}")).format(what=what, quarter=goal.quarter)
    parts = []
    if goal.classes_target is not None:
        parts.append(
            _(N_("{done}/{target} classes")).format(done=t.number(goal.classes), target=t.number(goal.classes_target))
            + percent(goal.classes, goal.classes_target, t)
        )
    if goal.learners_target is not None:
        parts.append(
            _(N_("{done}/{target} learner-visits")).format(
                done=t.number(goal.learners), target=t.number(goal.learners_target)
            )
            + percent(goal.learners, goal.learners_target, t)
        )
    return f"• {what}: " + ", ".join(parts)


def village_text(figures: stats.Figures, t: Translator, title: str) -> str:
    """The same figures by village of residence: learner-visits of the period, and today's and coming
    registrations and check-ins."""
    _ = t.gettext
    lines = [
        _(N_("🏘 {title} by village: {period}")).format(title=title, period=period_name(figures.period, t)),
        _(N_("(learner-visits of the period; registered, waiting and checked in for today and coming up)")),
    ]
    for line in figures.villages:
        name = line.name or _(N_("Walk-ins counted without names, and no village"))
        lines.append(
            _(
                N_("• {village}: {visits} ({women} women); registered {registered}, waiting {waiting}, here {here}")
            ).format(
                village=name,
                visits=t.number(line.visits),
                women=t.number(line.women),
                registered=line.registered,
                waiting=line.waitlisted,
                here=line.checked_in,
            )
        )
        if line.via_registered:
            lines.append(
                _(N_("   through the village's group: {registered} registered, {came} came")).format(
                    registered=t.number(line.via_registered), came=t.number(line.via_came)
                )
            )
    return "\n".join(lines)


def credit_line(line: stats.VillageLine, t: Translator) -> str:
    """A village's credit on its own screen (its head's): the seats its group brought, and who came."""
    return t.gettext(N_("Through the group of {village}: {registered} registered, {came} came")).format(
        village=line.name, registered=t.number(line.via_registered), came=t.number(line.via_came)
    )
