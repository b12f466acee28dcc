"""/stats: the running totals in one phone screen, with buttons to see the details, switch the period,
the village and the area, and the chart.

    /stats [period] [village | area] ──> the chart, then one screen of totals with buttons under it:
        [This month] [This quarter] [This year]
        [◀ the period before] [📋 Totals (back to the one screen)]
        [📅 Coming up] [📚 By area] [🎯 Targets] [🏘 By village] [🤝 By partner]   (the views, less the one on show)
        [Choose a village] [Choose an area]   (a region officer: [Choose a center])
    a button ──> the same message, edited to the new choice

The text comes last, under the chart, so the message a button edits is the one on screen (README.md, /stats).
On Zalo, which has no buttons nor edits, the choices are numbered and each number answers with a new text,
without the chart again. Who sees what: the director and staff see their center; a village head sees their
own village (or villages), so has neither "By village" nor targets; a district's or province's officer sees
the sum of the region's centers, or one of them. Buttons carry codes ("q2025-4", "#v12", "#a3", "#c5") that
are checked against what the person may see.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from sqlalchemy import select

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Edit, Keyboard
from bot.models import Area, Center, Region, RoleKind, Village
from bot.registry import Access, Command
from bot.reports import chart, partner_table, summary
from bot.services import areas, centers, partner_stats, regions, stats, targets
from bot.services.campaigns import find as find_campaign
from bot.services.campaigns import of_center as campaign_list
from bot.services.people import has_role, headed_village_ids
from bot.text import fold
from handlers import campaigns

_CODE = re.compile(r"^#([vack])(\d{1,9})$")
CODES = {"v": "village_id", "a": "area_id", "c": "center_id", "k": "campaign_id"}
_PAGE = re.compile(r"^p\d{1,3}$")
_PERIOD_CODE = re.compile(r"^(?:y\d{4}|[qm]\d{4}-\d{1,2})$")
DETAILS = ("today", "areas", "targets", "villages", "partners")  # views that last while the period or scope changes
PICKERS_VIEWS = ("pickv", "picka", "pickc", "pickk")  # a list to pick from, for one press
VIEWS = DETAILS + PICKERS_VIEWS
CENTERS_PER_PAGE = 30
USAGE = N_(
    "I could not read “{typed}”. Write for example /stats 2025, /stats quý 4, /stats 10/2025, or the name of a village."
)


@dataclass(frozen=True)
class Wanted:
    """What the person asked to see: a period, a village, an area, a center of the region, a view."""

    period: stats.Period | None = None
    village_id: int | None = None
    area_id: int | None = None
    center_id: int | None = None
    campaign_id: int | None = None  # a campaign's figures instead (handlers/campaigns.py)
    view: str | None = None
    page: int = 0  # of the list of centers
    coded: bool = False  # read from a button's codes (or a number typed for one), not typed by hand

    def command(self, period: stats.Period, **changes: object) -> str:
        """The button command for these choices, with some changed; a detail view lasts, a picker one press."""
        kept = self.view if self.view in DETAILS else None
        chosen = replace(self, **({"view": kept, "page": 0} | changes))  # type: ignore[arg-type]
        words = [period.code]
        words += [
            f"#{p}{v}" for p, v in (("v", chosen.village_id), ("a", chosen.area_id), ("c", chosen.center_id)) if v
        ]
        words += [chosen.view] if chosen.view else []
        words += [f"p{chosen.page}"] if chosen.page else []
        return "/stats " + " ".join(words)


async def show(ctx: Context, args: str) -> None:
    wanted = await _read(ctx, args)
    scope, title = await scope_of(ctx, wanted)
    period = wanted.period or stats.Period.containing(ctx.now, scope.timezone)
    if scope.region_id is not None and wanted.view == "villages":
        wanted = replace(wanted, view="pickc")
    if wanted.campaign_id is not None or wanted.view == "pickk":
        body, keyboard = await (
            campaigns.figures_view(ctx, wanted.campaign_id) if wanted.campaign_id else campaigns.picker(ctx)
        )
        if ctx.is_button and ctx.incoming.message_id is not None and wanted.campaign_id:
            ctx.outcome.effects.append(Edit(ctx.incoming.chat, ctx.incoming.message_id, body, keyboard))
        else:
            ctx.reply(body, keyboard)
        return
    if wanted.view in PICKERS_VIEWS:
        await PICKERS[wanted.view](ctx, wanted, period, scope)
        return
    if wanted.view == "partners" and scope.village_id is None and scope.region_id is None:
        lines = await partner_stats.by_partner(ctx.session, scope, period, ctx.now)
        body = partner_table.text(lines, period, ctx.now, ctx.t, title)
        keyboard = _buttons(ctx, wanted, period, scope, has_campaigns=await campaigns.has_any(ctx))
        if ctx.is_button and ctx.incoming.message_id is not None:
            ctx.outcome.effects.append(Edit(ctx.incoming.chat, ctx.incoming.message_id, body, keyboard))
        else:
            ctx.reply(body, keyboard)
        return
    # a village's own screen shows its credit (its head's work), read with the by-village figures
    by_village = wanted.view == "villages" or scope.village_id is not None
    figures = await stats.figures(ctx.session, scope, period, ctx.now, villages=by_village)
    area_key = await _area_key(ctx, wanted.area_id)
    if wanted.view == "villages":
        body = summary.village_text(figures, ctx.t, title)
    elif wanted.view == "today":
        body = summary.upcoming_text(figures, ctx.t, title)
    elif wanted.view == "areas":
        body = summary.areas_text(figures, ctx.t, title, area_key)
    elif wanted.view == "targets":
        body = summary.targets_text(figures, ctx.t, title, area_key)
    else:
        body = summary.text(figures, ctx.t, title, area_key)
    keyboard = _buttons(ctx, wanted, period, scope, has_campaigns=await campaigns.has_any(ctx))
    if ctx.is_button and ctx.incoming.message_id is not None:
        ctx.outcome.effects.append(Edit(ctx.incoming.chat, ctx.incoming.message_id, body, keyboard))
        return
    if not wanted.coded:  # typed by hand: the chart first, so the text and its buttons are last, on screen
        names = {row.key: summary.short_name(row, ctx.t) for row in figures.table.rows}
        caption = (
            N_("Learner-visits per month, women and the target line.")
            if chart.monthly_targets(figures)
            else N_("Learner-visits per month, and women.")
        )
        ctx.reply(ctx._(caption), draw=functools.partial(chart.png, figures, ctx.t, names))
    ctx.reply(body, keyboard)


async def _read(ctx: Context, args: str) -> Wanted:
    """Button codes first; what is left is a typed period, village or area."""
    found: dict[str, object] = {}
    rest = []
    for word in args.split():
        found["coded"] = found.get("coded") or word in VIEWS or bool(_CODE.match(word) or _PERIOD_CODE.match(word))
        if match := _CODE.match(word):
            found[CODES[match.group(1)]] = int(match.group(2))
        elif word in VIEWS:
            found["view"] = word
        elif _PAGE.match(word):
            found["page"] = int(word[1:])
        elif _PERIOD_CODE.match(word) and (period := stats.parse_period(word, stats.Period(ctx.now.year))):
            found["period"] = period
        else:
            rest.append(word)
    typed = " ".join(rest)
    if typed:
        zone = ctx.center.timezone if ctx.center else ctx.t.timezone
        center_id = ctx.person.center_id if ctx.person else None
        if campaigns.asked_for(typed):
            found.update(await campaigns.typed_choice(ctx, typed))
        elif (period := stats.parse_period(typed, stats.Period.containing(ctx.now, zone))) is not None:
            found["period"] = period
        elif center_id is not None and (
            village := centers.match_village(await centers.villages_of(ctx.session, center_id), typed)
        ):
            found["village_id"] = village.id
        elif center_id is not None and (area := targets.find_area(typed, await areas.areas_of(ctx.session, center_id))):
            found["area_id"] = area.id
        elif center_id is not None and (campaign := find_campaign(await campaign_list(ctx.session, center_id), typed)):
            found["campaign_id"] = campaign.id  # its figures are for staff: handlers/campaigns.figures_view
        else:
            raise Refusal(USAGE, typed=typed[:40])
    return Wanted(**found)  # type: ignore[arg-type]


async def scope_of(ctx: Context, wanted: Wanted) -> tuple[stats.Scope, str]:
    """The numbers this person may see, narrowed to what they chose; anything else is refused."""
    person = ctx.person
    assert person is not None
    region_id = regions.officer_region(person)
    staff = has_role(person, RoleKind.DIRECTOR, RoleKind.STAFF)
    if not staff and region_id is not None:
        return await _region_scope(ctx, wanted, region_id)
    center = ctx.center
    assert isinstance(center, Center)
    if wanted.center_id not in (None, center.id):
        raise Refusal(N_("You can only see the numbers of your own center."))
    await _own_area(ctx, wanted.area_id, center.id)
    village_id = wanted.village_id
    if not staff:
        headed = headed_village_ids(person)
        village_id = village_id or min(headed)
        if village_id not in headed:
            raise Refusal(N_("You can see the numbers of your own village only."))
    if village_id is None:
        return stats.Scope((center.id,), center.timezone, area_id=wanted.area_id), center.name
    village = await ctx.session.get(Village, village_id)
    if village is None or village.center_id != center.id:
        raise Refusal(N_("You can only see the numbers of your own center."))
    return stats.Scope((center.id,), center.timezone, village_id, wanted.area_id), village.name


async def _region_scope(ctx: Context, wanted: Wanted, region_id: int) -> tuple[stats.Scope, str]:
    whole = await stats.region_scope(ctx.session, region_id)
    if wanted.center_id is not None:
        center = await ctx.session.get(Center, wanted.center_id)
        if center is None or whole is None or center.id not in whole.center_ids:
            raise Refusal(N_("That center is not in your region."))
        await _own_area(ctx, wanted.area_id, center.id)
        village = await ctx.session.get(Village, wanted.village_id) if wanted.village_id else None
        if village is not None and village.center_id == center.id:
            return stats.Scope((center.id,), center.timezone, village.id, wanted.area_id), village.name
        return stats.Scope((center.id,), center.timezone, area_id=wanted.area_id), center.name
    if wanted.village_id is not None or wanted.area_id is not None:
        raise Refusal(N_("Choose a center first to see its villages and areas."))
    region = await ctx.session.get(Region, region_id)
    assert region is not None
    if whole is None:
        raise Refusal(N_("No center of {region} uses Loa Làng yet."), region=region.name)
    return whole, region.name


async def _own_area(ctx: Context, area_id: int | None, center_id: int) -> None:
    if area_id is None:
        return
    area = await ctx.session.get(Area, area_id)
    if area is None or area.center_id != center_id:
        raise Refusal(N_("You can only see the numbers of your own center."))


async def _area_key(ctx: Context, area_id: int | None) -> str | None:
    area = await ctx.session.get(Area, area_id) if area_id is not None else None
    return None if area is None else (area.code or fold(area.name))


def _buttons(
    ctx: Context, wanted: Wanted, period: stats.Period, scope: stats.Scope, *, has_campaigns: bool = False
) -> Keyboard:
    """The periods, the period before, the views other than the one on show, and narrowing to a village,
    an area or a center. A village head sees one village at a time: no "By village", and targets (the
    center's) are not theirs to weigh; "Choose a village" only for the head of more than one."""
    _ = ctx._
    person = ctx.person
    assert person is not None
    month, quarter, year = (
        stats.Period.containing(ctx.now, scope.timezone, kind)
        for kind in (stats.PeriodKind.MONTH, stats.PeriodKind.QUARTER, stats.PeriodKind.YEAR)
    )
    staff = has_role(person, RoleKind.DIRECTOR, RoleKind.STAFF) or regions.officer_region(person) is not None
    rows: list[tuple[Choice, ...]] = [
        (
            Choice(_("This month"), wanted.command(month)),
            Choice(_("This quarter"), wanted.command(quarter)),
            Choice(_("This year"), wanted.command(year)),
        ),
        (Choice("◀ " + summary.period_name(period.previous(), ctx.t), wanted.command(period.previous())),),
    ]
    if wanted.view is not None:
        rows[1] += (Choice(_("📋 Totals"), wanted.command(period, view=None)),)
    views = {
        "today": _("📅 Coming up") if scope.region_id is None else None,
        "areas": _("📚 By area"),
        "targets": _("🎯 Targets") if scope.village_id is None else None,
        "villages": _("🏘 By village") if scope.village_id is None and scope.region_id is None else None,
        "partners": _("🤝 By partner") if scope.village_id is None and scope.region_id is None else None,
    }
    details = [
        Choice(label, wanted.command(period, view=view))
        for view, label in views.items()
        if label and view != wanted.view
    ]
    if has_campaigns and scope.village_id is None:  # the center has some: one press to their figures
        details.append(Choice(_("🎉 Campaigns"), wanted.command(period, view="pickk")))
    width = 3 if len(details) > 4 else 2  # a phone screen holds five rows of buttons
    rows += [tuple(details[i : i + width]) for i in range(0, len(details), width)]
    if scope.region_id is not None:  # a province's villages would not fit one message: a center's do
        rows.append((Choice(_("🏢 Choose a center"), wanted.command(period, view="pickc")),))
    else:
        several = staff or len(headed_village_ids(person)) > 1
        pickers = (Choice(_("🏘 Choose a village"), wanted.command(period, view="pickv")),) if several else ()
        rows.append((*pickers, Choice(_("📚 Choose an area"), wanted.command(period, view="picka"))))
    if wanted.area_id or wanted.center_id or (wanted.village_id and staff):
        rows.append((Choice(_("↩ Everything"), wanted.command(period, village_id=None, area_id=None, center_id=None)),))
    return tuple(rows)


async def _pick_village(ctx: Context, wanted: Wanted, period: stats.Period, scope: stats.Scope) -> None:
    person = ctx.person
    assert person is not None
    villages = await centers.villages_of(ctx.session, scope.center_ids[0])
    if not has_role(person, RoleKind.DIRECTOR, RoleKind.STAFF) and regions.officer_region(person) is None:
        villages = [v for v in villages if v.id in headed_village_ids(person)]
    ctx.reply(
        ctx._("Which village?"),
        tuple((Choice(v.name, wanted.command(period, village_id=v.id, area_id=None)),) for v in villages[:40]),
    )


async def _pick_area(ctx: Context, wanted: Wanted, period: stats.Period, scope: stats.Scope) -> None:
    rows = await areas.areas_of(ctx.session, scope.center_ids[0])
    ctx.reply(
        ctx._("Which area?"),
        tuple(
            (
                Choice(
                    f"{a.position}. {areas.label(a.code, a.name, ctx.t, short=True)}",
                    wanted.command(period, area_id=a.id),
                ),
            )
            for a in rows
        ),
    )


async def _pick_center(ctx: Context, wanted: Wanted, period: stats.Period, scope: stats.Scope) -> None:
    """The region's centers by name, a page at a time."""
    found = list(
        await ctx.session.scalars(
            select(Center)
            .where(Center.id.in_(scope.center_ids))
            .order_by(Center.name, Center.id)
            .offset(wanted.page * CENTERS_PER_PAGE)
            .limit(CENTERS_PER_PAGE + 1)
        )
    )
    rows = [
        (Choice(summary.clip(c.name, 60), wanted.command(period, center_id=c.id)),) for c in found[:CENTERS_PER_PAGE]
    ]
    if len(found) > CENTERS_PER_PAGE:
        rows.append((Choice(ctx._("More ▶"), wanted.command(period, view="pickc", page=wanted.page + 1)),))
    ctx.reply(ctx._("Which center?"), tuple(rows))


PICKERS = {"pickv": _pick_village, "picka": _pick_area, "pickc": _pick_center}

COMMANDS = (Command("stats", show, N_("Running totals, targets and the chart"), Access.HELPER, regional=True),)
