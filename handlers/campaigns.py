"""/campaign: the director's campaigns (the Lifelong Learning Week, say), and their figures in /stats.

    /campaign ──> the list, numbered, with their days and activities, and how to do the rest
    /campaign new <name> [01/11-30/11/2025] ──> a new campaign; the Lifelong Learning Week needs no days (1-7 Oct)
    /campaign <number> 01/10-08/10/2025 ──> its days changed
    /stats chiến dịch [number | name], or the "🎉 Campaigns" button of /stats ──> its figures (handlers/stats.py)

A campaign is a row (bot/services/campaigns.py); its figures are read when asked
(bot/services/campaign_figures.py), its summary is sent at its end (scheduler/campaign_summaries.py).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import Activity, Campaign, Center, RoleKind
from bot.registry import Access, Command
from bot.reports import campaign as campaign_report
from bot.reports.summary import clip
from bot.services import audit, campaign_figures, campaigns
from bot.services.people import has_role
from bot.text import fold, number

NEW_WORDS = ("new", "moi", "tao")  # "/campaign new …", "/campaign mới …", "/campaign tạo …"
BAD_DAYS = N_("I could not read these days. Please write the first and the last day, for example 01/11-30/11/2025.")
STATS_WORDS = ("chien dich", "campaign", "campaigns")


async def campaign(ctx: Context, args: str) -> None:
    center = ctx.center
    assert isinstance(center, Center)
    words = args.split()
    if not words:
        await _list(ctx, center)
        return
    if fold(words[0]) in NEW_WORDS:
        await _start(ctx, center, " ".join(words[1:]))
        return
    listed = await campaigns.of_center(ctx.session, center.id)
    chosen = number(words[0])
    if chosen is None or not 1 <= chosen <= len(listed):
        raise Refusal(N_("There is no campaign with that number. To see the list, send:\n/campaign"))
    found = listed[chosen - 1]
    days = _days(ctx, center, " ".join(words[1:]))[1]
    if days is None:
        raise Refusal(BAD_DAYS)
    campaigns.set_days(found, days, center.timezone, ctx.now)
    audit.record(
        ctx.session,
        action="campaign.days",
        at=ctx.now,
        center_id=center.id,
        actor_id=ctx.person.id if ctx.person else None,
        campaign_id=found.id,
        days=campaign_report.days_text(days, ctx.t),
    )
    ctx.reply(
        ctx._(
            "Done: {name} now runs {days}. Its summary will be sent to you the morning after its last day.",
            name=found.name,
            days=campaign_report.days_text(days, ctx.t),
        )
    )


def _today(ctx: Context, center: Center) -> date:
    return ctx.now.astimezone(ZoneInfo(center.timezone)).date()


def _days(ctx: Context, center: Center, text: str) -> tuple[str, tuple[date, date] | None]:
    try:
        return campaigns.read_days(text, _today(ctx, center))
    except campaigns.CampaignError:
        raise Refusal(BAD_DAYS) from None


async def _start(ctx: Context, center: Center, text: str) -> None:
    name, days = _days(ctx, center, text)
    try:
        made = await campaigns.start(ctx.session, center, name, days, ctx.now)
    except campaigns.CampaignError as error:
        if str(error) == "taken":
            raise Refusal(N_("There is already a campaign called “{name}”."), name=clip(name, 80)) from None
        raise Refusal(
            N_(
                "Please write the campaign's name and its first and last day, for example:\n"
                "/campaign new Action month 01/11-30/11/2025"
            )
        ) from None
    audit.record(
        ctx.session,
        action="campaign.start",
        at=ctx.now,
        center_id=center.id,
        actor_id=ctx.person.id if ctx.person else None,
        campaign_id=made.id,
        name=made.name,
    )
    ctx.reply(
        ctx._(
            "Done: the campaign {name} runs {days}. Activities join it through the plan's Campaign column. "
            "Its summary will be sent to you the morning after its last day.",
            name=made.name,
            days=campaign_report.days_text(campaigns.days_of(made, _today(ctx, center)), ctx.t),
        )
    )


async def _list(ctx: Context, center: Center) -> None:
    listed = await campaigns.of_center(ctx.session, center.id)
    if not listed:
        ctx.reply(
            ctx._(
                "The center has no campaign yet. To start the Lifelong Learning Week (1 to 7 October), send:\n"
                "/campaign new Tuần lễ hưởng ứng học tập suốt đời"
            )
        )
        return
    counts = dict(
        list(
            await ctx.session.execute(
                select(Activity.campaign_id, func.count())
                .where(Activity.campaign_id.in_([c.id for c in listed]))
                .group_by(Activity.campaign_id)
            )
        )
    )
    lines = [ctx._("The center's campaigns:")]
    for position, found in enumerate(listed, 1):
        lines.append(
            ctx._(
                "{number}. {name}: {days}, {count} activities",
                number=position,
                name=found.name,
                days=campaign_report.days_text(campaigns.days_of(found, _today(ctx, center)), ctx.t),
                count=counts.get(found.id, 0),
            )
        )
    lines += [
        "",
        ctx._("To see a campaign's figures, send:\n/stats campaign 1"),
        ctx._("To change a campaign's days, send its number and the days, for example:\n/campaign 1 01/10-07/10/2025"),
        ctx._("To start a new one, send its name and days, for example:\n/campaign new Action month 01/11-30/11/2025"),
    ]
    ctx.reply("\n".join(lines))


def _stats_buttons(listed: list[Campaign]) -> Keyboard:
    """One button per campaign (the ten latest), each opening its figures in place of the list."""
    return tuple((Choice(clip(f"{i}. {c.name}", 60), f"/stats #k{c.id}"),) for i, c in enumerate(listed[:10], 1))


def asked_for(typed: str) -> bool:
    """Whether what was typed after /stats names a campaign ("chiến dịch 1", "campaign")."""
    plain = fold(typed)
    return any(plain == word or plain.startswith(word + " ") for word in STATS_WORDS)


def _staff_center(ctx: Context) -> Center:
    """A campaign's figures are the whole center's: its director's and staff's to see."""
    center = ctx.center
    if not isinstance(center, Center) or not has_role(ctx.person, RoleKind.DIRECTOR, RoleKind.STAFF):
        raise Refusal(N_("Only the center's director and staff can see a campaign's figures."))
    return center


async def typed_choice(ctx: Context, typed: str) -> dict[str, object]:
    """What `/stats chiến dịch [number | name]` asks for: one campaign, or (several, none named) the list."""
    center = _staff_center(ctx)
    rest = fold(typed)
    for word in STATS_WORDS:
        rest = rest.removeprefix(word).strip()
    listed = await campaigns.of_center(ctx.session, center.id)
    if not rest:  # the one campaign at once; several, to pick from
        return {"campaign_id": listed[0].id} if len(listed) == 1 else {"view": "pickk"}
    found = campaigns.find(listed, rest)
    if found is None:
        raise Refusal(N_("There is no such campaign. To see the list, send:\n/campaign"))
    return {"campaign_id": found.id}


async def picker(ctx: Context) -> tuple[str, Keyboard]:
    """The campaigns to pick one from, latest first."""
    center = _staff_center(ctx)
    listed = await campaigns.of_center(ctx.session, center.id)
    if not listed:
        raise Refusal(N_("The center has no campaign yet. To see how to start one, send:\n/campaign"))
    return ctx._("Which campaign?"), _stats_buttons(listed)


async def figures_view(ctx: Context, campaign_id: int) -> tuple[str, Keyboard]:
    """`/stats` for one campaign: its figures, activity by activity, and a button back to the totals."""
    center = _staff_center(ctx)
    found = await ctx.session.get(Campaign, campaign_id)
    if found is None or found.center_id != center.id:
        raise Refusal(N_("You can only see the numbers of your own center."))
    figures = await campaign_figures.figures(ctx.session, found, ctx.now)
    days = campaigns.days_of(found, _today(ctx, center))
    return campaign_report.text(figures, days, ctx.t), ((Choice(ctx._("📋 Totals"), "/stats"),),)


async def has_any(ctx: Context) -> bool:
    """Whether the "🎉 Campaigns" button of /stats is worth showing: the center has one, and this is staff."""
    center = ctx.center
    if not isinstance(center, Center) or not has_role(ctx.person, RoleKind.DIRECTOR, RoleKind.STAFF):
        return False
    return bool(await campaigns.of_center(ctx.session, center.id))


COMMANDS = (Command("campaign", campaign, N_("Campaigns such as the Lifelong Learning Week"), Access.DIRECTOR),)
