"""/stats as text short enough to read on a phone: today's and upcoming activities, the report table of
the period, progress against the targets, and the ratio to the population aged 15 and over."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import N_, Translator
from bot.reports.layout import row_name
from bot.services import areas, checkin, stats


def period_name(period: stats.Period, t: Translator) -> str:
    if period.kind is stats.PeriodKind.MONTH:
        return t.gettext(N_("{month}/{year}")).format(month=period.number, year=period.year)
    if period.kind is stats.PeriodKind.QUARTER:
        return t.gettext(N_("quarter {quarter}/{year}")).format(quarter=period.number, year=period.year)
    return t.gettext(N_("the year {year}")).format(year=period.year)


def short_name(row: stats.Row, t: Translator) -> str:
    if row.key == stats.UNCLASSIFIED:
        return row_name(row, t)
    return areas.label(row.key, row.name, t, short=True)


def percent(part: int, whole: int | None) -> str:
    return f" ({round(100 * part / whole)}%)" if whole else ""


def text(figures: stats.Figures, t: Translator, title: str, area_key: str | None = None) -> str:
    _ = t.gettext
    lines = [
        _(N_("📊 {title}: {period}")).format(title=title, period=period_name(figures.period, t)),
        _(N_("(as of {moment})")).format(moment=t.datetime(figures.now)),
    ]
    if figures.scope.region_id is None:
        lines += ["", _(N_("Today and coming up:"))]
        village = figures.scope.village_id is not None  # a village's seats are not the activity's capacity
        lines += [upcoming_line(u, t, figures.now, village) for u in figures.upcoming] or [_(N_("• nothing planned"))]
    rows = [r for r in figures.table.rows if area_key is None or r.key == area_key]
    lines += ["", _(N_("Results of {period}:")).format(period=period_name(figures.period, t))]
    for number, row in enumerate(figures.table.rows, 1):
        if row in rows:
            lines.append(f"{number}. {short_name(row, t)}: {counts(row, t)}")
    if area_key is None:
        lines.append(_(N_("Total: {counts}")).format(counts=counts(figures.table.total, t)))
    goals = [g for g in figures.goals if area_key is None or g.key == area_key]
    if goals:
        lines += ["", _(N_("Targets of {year}:")).format(year=figures.period.year)]
        lines += [goal_line(g, figures, t) for g in goals]
    if figures.ratio is not None and area_key is None and figures.scope.village_id is None:
        lines.append(
            _(N_("Learners ÷ population aged 15+ ({year}): {visits}/{population} = {ratio}%")).format(
                year=figures.period.year,
                visits=t.number(figures.year_visits),
                population=t.number(figures.population_15_plus or 0),
                ratio=t.number(round(figures.ratio, 1)),
            )
        )
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
            parts.append(_(N_("came {rate}%")).format(rate=line.rate))
    return f"• {t.datetime(line.starts_at, 'dd/MM HH:mm')} {line.title[:60]}: " + ", ".join(parts)


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
            + percent(goal.classes, goal.classes_target)
        )
    if goal.learners_target is not None:
        parts.append(
            _(N_("{done}/{target} learner-visits")).format(
                done=t.number(goal.learners), target=t.number(goal.learners_target)
            )
            + percent(goal.learners, goal.learners_target)
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
    return "\n".join(lines)
