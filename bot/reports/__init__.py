"""The report files upward (a month's, a quarter's, a year's) and the /stats chart, drawn from one
`stats.Figures` (and, for the document's other parts, `upward.Facts`)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator
from bot.messaging import Attachment
from bot.models import Center, Person, Region, Role, RoleKind
from bot.reports import csv_file, layout
from bot.services import feedback, partner_stats, stats, upward

FORMATS = ("xlsx", "csv", "pdf")
_CENTER_WORDS = re.compile(r"^(tthtcđ|trung tâm học tập cộng đồng)\s+", re.IGNORECASE)
_PLACE_WORDS = re.compile(r"^(xã|phường|thị trấn|commune|ward)\s+", re.IGNORECASE)  # "Thanh Bình, ngày …"


async def document(
    session: AsyncSession, scope: stats.Scope, period: stats.Period, now: datetime, t: Translator, fmt: str
) -> tuple[Attachment, stats.Figures]:
    """The report of a month, quarter or year as a file, and the figures it holds (the same `/stats` shows)."""
    figures = await stats.figures(session, scope, period, now, villages=True, activities=True)
    visits = {c.center_id: c.table.total.visits for c in figures.centers}
    facts = await upward.facts(session, scope, period, visits)
    yearly = period.kind is stats.PeriodKind.YEAR and scope.village_id is None  # what people thought: a year's
    thoughts = await feedback.for_report(session, scope.center_ids, period.bounds(scope.timezone)) if yearly else []
    own = scope.region_id is None and scope.village_id is None  # a center's partners are its own
    partners = await partner_stats.by_partner(session, scope, period, now) if own else None
    report = layout.report(figures, t, await signer(session, scope, t), facts, thoughts=thoughts, partners=partners)
    content = await asyncio.to_thread(_write, report, t, fmt)
    return Attachment(f"{_slug(report.filename)}.{fmt}", content), figures


async def yearly(
    session: AsyncSession, scope: stats.Scope, year: int, now: datetime, t: Translator, fmt: str
) -> tuple[Attachment, stats.Figures]:
    """The report of a year (`document` for the whole year)."""
    return await document(session, scope, stats.Period(year), now, t, fmt)


def _write(report: layout.Report, t: Translator, fmt: str) -> bytes:
    """openpyxl and fpdf (with matplotlib's fonts) are loaded on the first report, not at start: a
    commune's process stays small until someone asks for a file."""
    if fmt == "csv":
        return csv_file.write(report)
    if fmt == "xlsx":
        from bot.reports import xlsx

        return xlsx.write(report)
    from bot.reports import pdf

    return pdf.write(report, t)


async def signer(session: AsyncSession, scope: stats.Scope, t: Translator) -> layout.Signer:
    """The header and signature block: the commune and its director, or the region."""
    if scope.region_id is not None:
        region = await session.get(Region, scope.region_id)
        name = region.name if region else ""
        return layout.Signer(
            issuer=name,
            body=t.gettext(N_("Community learning centers")),
            place=name,
            name=None,
            number=t.gettext(N_("No.: …/BC")),
        )
    center = await session.get(Center, scope.center_ids[0])
    assert center is not None
    commune = _CENTER_WORDS.sub("", center.commune).strip()
    director = await session.scalar(
        select(Person.full_name)
        .join(Role, Role.person_id == Person.id)
        .where(Role.center_id == center.id, Role.kind == RoleKind.DIRECTOR)
        .order_by(Role.granted_at.desc())
        .limit(1)
    )
    committee = t.gettext(N_("People's Committee of {commune}")).format(commune=commune)
    return layout.Signer(
        issuer=committee,
        body=t.gettext(N_("Community learning center")),
        place=_PLACE_WORDS.sub("", commune).strip(),
        name=director,
        number=t.gettext(N_("No.: …/BC-TTHTCĐ")),
        addressees=upward.addressees_of(center) or await default_addressees(session, center, t),
    )


async def default_addressees(session: AsyncSession, center: Center, t: Translator) -> list[str]:
    """Without a list of its own, a center reports to its commune's People's Committee and, when it belongs
    to a district or province, to that region's education office."""
    commune = _CENTER_WORDS.sub("", center.commune).strip()
    found = [t.gettext(N_("People's Committee of {commune}")).format(commune=commune)]
    region = await session.get(Region, center.region_id) if center.region_id else None
    if region is not None:
        found.append(
            t.gettext(N_("Education and Training Office of {region}")).format(
                region=region.name[:1].lower() + region.name[1:]
            )
        )
    return found


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-")
