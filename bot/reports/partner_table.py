"""The figures by partner organisation ("Theo đơn vị phối hợp"): a /stats screen and a sheet of the report
file, so that each organisation of seed 000 can read its own topics' figures."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import N_, Translator
from bot.reports.summary import period_name
from bot.services import stats
from bot.services.partner_stats import PartnerLine
from bot.text import clip, spelled_out

COUNTS = N_("{classes} classes, {visits} learner-visits ({women} women)")  # the same words as the totals'
NO_PARTNER = N_("No partner named")


def name_of(line: PartnerLine, t: Translator) -> str:
    return line.name if line.partner_id is not None else t.gettext(NO_PARTNER)


def text(lines: list[PartnerLine], period: stats.Period, now: datetime, t: Translator, title: str) -> str:
    """One line per partner: activities held, learner-visits and women of the period."""
    _ = t.gettext
    shown = [
        _(N_("🤝 {title} by partner: {period}")).format(
            title=clip(spelled_out(title), 60), period=period_name(period, t)
        ),
        _(N_("(as of {moment})")).format(moment=t.datetime(now)),
        "",
    ]
    for line in lines:
        counts = _(COUNTS).format(
            classes=t.number(line.activities), visits=t.number(line.visits), women=t.number(line.women)
        )
        shown.append(f"• {clip(name_of(line, t), 60)}: {counts}")
    if not lines:
        shown.append(_(N_("• nothing held in this period")))
    return "\n".join(shown)
