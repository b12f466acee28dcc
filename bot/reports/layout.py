"""The report upward (a month's, a quarter's or a year's) as plain sheets of cells, in the reader's
language: the document a center sends to the commune and the education office (its header, number and
date line, title, addressees, short narrative sections written from the figures, the official table of
DOMAIN.md, the ratio to the population, the budget by source, the next period's plan, the signature
block), every activity, and the per-village totals. The XLSX, CSV and PDF writers only lay these cells
out, so the three files can never disagree with each other, nor with `/stats`, which reads the same `Figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import N_, Translator
from bot.models import BudgetSource, DateKnown
from bot.services import areas, feedback, stats, upward
from bot.services.partner_stats import PartnerLine

Cell = str | int | None
ROMAN = ("", "I", "II", "III", "IV")


@dataclass
class Text:
    """A paragraph of the document, in bold for a section's title."""

    text: str
    bold: bool = False


@dataclass
class Block:
    """A small table under the main one (the budget by source): its cells start in the second column."""

    columns: list[str]
    rows: list[list[Cell]]
    strong: set[int] = field(default_factory=set)


@dataclass
class Sheet:
    title: str
    heading: list[str]  # title lines above the table, centred
    columns: list[str]  # the table's header, one name per column
    rows: list[list[Cell]]
    footer: list[str] = field(default_factory=list)  # lines under the table
    strong: set[int] = field(default_factory=set)  # indexes of rows printed in bold (totals, centers)
    group: tuple[str, int, int] | None = None  # a header over columns: (text, index of the first, how many)
    widths: list[int] = field(default_factory=list)  # relative column widths
    masthead: tuple[list[str], list[str]] | None = None  # the issuer (left) and the national motto (right)
    signature: list[str] = field(default_factory=list)  # the signature block, on the right under the table
    dateline: tuple[str, str] | None = None  # the number (left) and the place and date (right), under the masthead
    before: list[Text] = field(default_factory=list)  # addressees and narrative, between the title and the table
    after: list[Text | Block] = field(default_factory=list)  # under the footer, before the signature


@dataclass
class Report:
    """Who the report is from and the three sheets."""

    filename: str
    sheets: list[Sheet]


@dataclass(frozen=True)
class Signer:
    """The header and signature block the center fills in."""

    issuer: str  # "UBND XÃ THANH BÌNH" or the region's name
    body: str  # "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG" or the region's name
    place: str  # the commune, written before the date
    name: str | None  # the director who signs
    number: str = ""  # "Số: …/BC-TTHTCĐ", the number left blank for the office to fill in
    addressees: list[str] = field(default_factory=list)  # "Kính gửi", one per line


def row_name(row: stats.Row, t: Translator) -> str:
    if row.key == stats.UNCLASSIFIED:
        return t.gettext(N_("Activities with no report row chosen"))
    return areas.label(row.key, row.name, t)


def table_rows(table: stats.Table, t: Translator) -> list[list[Cell]]:
    """The official rows: number, kind of activity, classes, learner-visits, women."""
    return [[i, row_name(row, t), row.classes, row.visits, row.women] for i, row in enumerate(table.rows, 1)]


def period_words(period: stats.Period, t: Translator) -> str:
    """The period as a sentence says it: "tháng 10 năm 2025", "quý IV năm 2025", "năm 2025"."""
    if period.kind is stats.PeriodKind.MONTH:
        return t.gettext(N_("month {month} of {year}")).format(month=period.number, year=period.year)
    if period.kind is stats.PeriodKind.QUARTER:
        return t.gettext(N_("quarter {quarter} of {year}")).format(quarter=ROMAN[period.number], year=period.year)
    return t.gettext(N_("the year {year}")).format(year=period.year)


def period_file_code(period: stats.Period) -> str:
    """The period in a file name: "2025-10", "2025-Q4", "2025" (what `loalang report --period` takes)."""
    if period.kind is stats.PeriodKind.MONTH:
        return f"{period.year}-{period.number:02d}"
    if period.kind is stats.PeriodKind.QUARTER:
        return f"{period.year}-Q{period.number}"
    return str(period.year)


def source_name(source: BudgetSource, t: Translator) -> str:
    return t.gettext(
        {
            BudgetSource.STATE: N_("State budget"),
            BudgetSource.SOCIAL: N_("Social contributions"),
            BudgetSource.LEARNERS: N_("Learners' contributions"),
            BudgetSource.OTHER: N_("Other sources"),
        }[source]
    )


def report(
    figures: stats.Figures,
    t: Translator,
    signer: Signer,
    facts: upward.Facts | None = None,
    thoughts: list[feedback.Thoughts] | None = None,
    partners: list[PartnerLine] | None = None,
) -> Report:
    """`thoughts`: what people thought of the activities (a center's year), a small sheet of its own when any;
    `partners` (a center's figures by partner), a sheet of them after the villages' (none named: none)."""
    facts = facts or upward.Facts({s: upward.budgets.Money() for s in BudgetSource}, [], [], 0, 0, None, 0)
    sheets = [_official(figures, facts, t, signer), _activities(figures, t), _villages(figures, t)]
    if partners and any(line.partner_id is not None for line in partners):
        sheets.append(_partners(figures, partners, t))
    if thoughts:
        sheets.append(_thoughts(figures, thoughts, t))
    return Report(
        filename=t.gettext(N_("report-{period}")).format(period=period_file_code(figures.period)),
        sheets=sheets,
    )


def _partners(figures: stats.Figures, lines: list[PartnerLine], t: Translator) -> Sheet:
    """Each partner organisation's (or lone speaker's) activities held, learner-visits and women: what seed
    000's organisations each report on their own topics."""
    _ = t.gettext
    rows: list[list[Cell]] = [
        [
            line.name if line.partner_id is not None else _(N_("No partner named")),
            line.activities,
            line.visits,
            line.women,
        ]
        for line in lines
    ]
    rows.append(
        [
            _(N_("Total")),
            sum(line.activities for line in lines),
            sum(line.visits for line in lines),
            sum(line.women for line in lines),
        ]
    )
    return Sheet(
        title=_(N_("Partners")),
        heading=[_(N_("Activities by partner organisation, {period}")).format(period=period_words(figures.period, t))],
        columns=[
            _(N_("Partner organisation or speaker")),
            _(N_("Activities")),
            _(N_("Learner-visits")),
            _(N_("Women")),
        ],
        rows=rows,
        strong={len(rows) - 1},
        widths=[44, 14, 16, 12],
    )


def _title(period: stats.Period, t: Translator) -> str:
    _ = t.gettext
    if period.kind is stats.PeriodKind.MONTH:
        return _(N_("REPORT ON THE RESULTS OF ACTIVITIES IN MONTH {month} OF {year}")).format(
            month=period.number, year=period.year
        )
    if period.kind is stats.PeriodKind.QUARTER:
        return _(N_("REPORT ON THE RESULTS OF ACTIVITIES IN QUARTER {quarter} OF {year}")).format(
            quarter=ROMAN[period.number], year=period.year
        )
    return _(N_("REPORT ON THE RESULTS OF ACTIVITIES IN {year}")).format(year=period.year)


def _narrative(figures: stats.Figures, facts: upward.Facts, t: Translator, signer: Signer) -> list[Text]:
    """Kính gửi, I. Đặc điểm tình hình, II. Kết quả: a few sentences written from the figures."""
    _ = t.gettext
    addressees = signer.addressees  # a region's report has none: it is the region's own record
    lines = [Text(_(N_("To:")), bold=True)] if addressees else []
    lines += [Text(f"- {name}{';' if i < len(addressees) - 1 else '.'}") for i, name in enumerate(addressees)]
    lines.append(Text(_(N_("I. The situation")), bold=True))
    if facts.population:
        lines.append(
            Text(
                _(N_("{body} serves {villages} villages, with {population} people aged 15 and over.")).format(
                    body=signer.body, villages=t.number(facts.villages), population=t.number(facts.population)
                )
            )
        )
    else:
        lines.append(
            Text(
                _(N_("{body} serves {villages} villages.")).format(body=signer.body, villages=t.number(facts.villages))
            )
        )
    lines.append(Text(_(N_("II. Results")), bold=True))
    total = figures.table.total
    lines.append(
        Text(
            _(
                N_(
                    "In {period}, {classes} classes (topics) were held, with {visits} learner-visits, of which "
                    "{women} by women."
                )
            ).format(
                period=period_words(figures.period, t),
                classes=t.number(total.classes),
                visits=t.number(total.visits),
                women=t.number(total.women),
            )
        )
    )
    for campaign in facts.campaigns:
        lines.append(
            Text(
                _(N_("{campaign}: {activities} activities, {visits} learner-visits ({women} women).")).format(
                    campaign=campaign.name,
                    activities=t.number(campaign.activities),
                    visits=t.number(campaign.visits),
                    women=t.number(campaign.women),
                )
            )
        )
    lines.append(Text(_(N_("The results by kind of activity:"))))
    return lines


def _budget_block(facts: upward.Facts, t: Translator) -> list[Text | Block]:
    _ = t.gettext
    rows: list[list[Cell]] = []
    planned = spent = 0
    for source, money in facts.budgets.items():
        rows.append([source_name(source, t), money.planned or 0, money.spent or 0])
        planned += money.planned or 0
        spent += money.spent or 0
    rows.append([_(N_("Total")), planned, spent])
    return [
        Text(_(N_("Budget by source")), bold=True),
        Block([_(N_("Source")), _(N_("Planned (VND)")), _(N_("Spent (VND)"))], rows, {len(rows) - 1}),
    ]


def _next_plan(figures: stats.Figures, facts: upward.Facts, t: Translator) -> list[Text]:
    """III. Phương hướng: the next period's planned activities (drafts included), as the plan has them."""
    _ = t.gettext
    heading = {
        stats.PeriodKind.MONTH: N_("III. Plans for the next month"),
        stats.PeriodKind.QUARTER: N_("III. Plans for the next quarter"),
        stats.PeriodKind.YEAR: N_("III. Plans for the next year"),
    }[figures.period.kind]
    lines = [Text(_(heading), bold=True)]
    after = upward.following(figures.period)
    if not facts.coming_total:
        lines.append(
            Text(
                _(N_("No activity is planned yet for {period}; the center keeps up its regular activities.")).format(
                    period=period_words(after, t)
                )
            )
        )
        return lines
    lines.append(
        Text(
            _(N_("{count} activities are planned for {period}:")).format(
                count=t.number(facts.coming_total), period=period_words(after, t)
            )
        )
    )
    for item in facts.coming:
        if item.date_known is DateKnown.MONTH:
            when = t.gettext(N_("{month}/{year}")).format(
                month=t.datetime(item.starts_at, "M"), year=t.datetime(item.starts_at, "yyyy")
            )
        else:
            when = t.datetime(item.starts_at, "dd/MM/yyyy")
        lines.append(Text(f"- {when}: {item.title}"))
    if facts.coming_total > len(facts.coming):
        lines.append(Text(_(N_("and {count} more.")).format(count=t.number(facts.coming_total - len(facts.coming)))))
    return lines


def _official(figures: stats.Figures, facts: upward.Facts, t: Translator, signer: Signer) -> Sheet:
    _ = t.gettext
    rows: list[list[Cell]] = []
    strong: set[int] = set()
    several = len(figures.centers) > 1
    for center in figures.centers if several else []:
        strong.add(len(rows))
        rows.append([None, center.name, None, None, None])
        rows += table_rows(center.table, t)
        subtotal = center.table.total
        strong.add(len(rows))
        rows.append([None, _(N_("Subtotal")), subtotal.classes, subtotal.visits, subtotal.women])
    if not several:
        rows += table_rows(figures.table, t)
    total = figures.table.total
    strong.add(len(rows))
    rows.append([None, _(N_("Total")), total.classes, total.visits, total.women])
    footer = []
    if facts.population:
        ratio = 100 * facts.visits_counted / facts.population
        footer.append(
            _(N_("Learner-visits ÷ population aged 15 and over: {visits} / {population} = {ratio} %")).format(
                visits=t.number(facts.visits_counted),
                population=t.number(facts.population),
                ratio=t.number(round(ratio, 1)),
            )
        )
    signature = [
        _(N_("DIRECTOR")),
        _(N_("(Signature, full name and seal)")),
        "",
        "",
        signer.name or "",
    ]
    return Sheet(
        title=_(N_("Report")),
        masthead=(
            [signer.issuer.upper(), signer.body.upper()],
            [_(N_("SOCIALIST REPUBLIC OF VIETNAM")), _(N_("Independence - Freedom - Happiness"))],
        ),
        dateline=(
            signer.number,
            _(N_("{place}, {date}")).format(place=signer.place, date=t.datetime(figures.now, _(N_("MMMM d, yyyy")))),
        ),
        heading=[_title(figures.period, t)],
        before=_narrative(figures, facts, t, signer),
        signature=signature,
        columns=[
            _(N_("No.")),
            _(N_("Educational activity")),
            _(N_("Classes (topics)")),
            _(N_("Total number")),
            _(N_("Women")),
        ],
        group=(_(N_("Learner-visits")), 3, 2),
        rows=rows,
        footer=footer,
        after=[*_budget_block(facts, t), *_next_plan(figures, facts, t)],
        strong=strong,
        widths=[8, 62, 14, 14, 12],
    )


def _activities(figures: stats.Figures, t: Translator) -> Sheet:
    _ = t.gettext
    names = {row.key: row_name(row, t) for row in figures.table.rows}
    center_names = {c.center_id: c.name for c in figures.centers}
    several = len(figures.centers) > 1
    rows: list[list[Cell]] = []
    for line in figures.activities:
        cells: list[Cell] = [
            t.datetime(line.starts_at, "dd/MM/yyyy"),
            line.title,
            names.get(line.area_key, line.area_key),
            line.partner or "",
            line.place or "",
            line.classes,
            line.visits,
            line.women,
            line.budget_vnd,
        ]
        rows.append([center_names[line.center_id], *cells] if several else cells)
    total = figures.table.total
    budget = sum(line.budget_vnd or 0 for line in figures.activities)
    closing: list[Cell] = [_(N_("Total")), None, None, None, None, total.classes, total.visits, total.women, budget]
    rows.append([None, *closing] if several else closing)
    columns = [
        _(N_("Date")),
        _(N_("Activity")),
        _(N_("Report row")),
        _(N_("Partner")),
        _(N_("Place")),
        _(N_("Classes")),
        _(N_("Learner-visits")),
        _(N_("Women")),
        _(N_("Budget (VND)")),
    ]
    widths = [11, 40, 26, 22, 22, 8, 10, 8, 13]
    return Sheet(
        title=_(N_("Activities")),
        heading=[_(N_("Activities of {period}")).format(period=period_words(figures.period, t))],
        columns=[_(N_("Center")), *columns] if several else columns,
        rows=rows,
        strong={len(rows) - 1},
        widths=[24, *widths] if several else widths,
    )


def _villages(figures: stats.Figures, t: Translator) -> Sheet:
    _ = t.gettext
    center_names = {c.center_id: c.name for c in figures.centers}
    several = len(figures.centers) > 1
    rows: list[list[Cell]] = []
    for line in figures.villages:
        cells: list[Cell] = [
            line.name or _(N_("Walk-ins counted without names, and no village")),
            line.visits,
            line.women,
            # the village head's work: seats through the village's group, and those who came (no village: none)
            line.via_registered if line.village_id else None,
            line.via_came if line.village_id else None,
        ]
        rows.append([center_names.get(line.center_id or 0, ""), *cells] if several else cells)
    total = figures.table.total
    via = [sum(line.via_registered for line in figures.villages), sum(line.via_came for line in figures.villages)]
    closing: list[Cell] = [_(N_("Total")), total.visits, total.women, *via]
    rows.append(["", *closing] if several else closing)
    columns = [
        _(N_("Village")),
        _(N_("Learner-visits")),
        _(N_("Women")),
        _(N_("Registered through the village's group")),
        _(N_("Came through the village's group")),
    ]
    return Sheet(
        title=_(N_("Villages")),
        heading=[
            _(N_("Learner-visits by village of residence, {period}")).format(period=period_words(figures.period, t))
        ],
        columns=[_(N_("Center")), *columns] if several else columns,
        rows=rows,
        footer=[
            _(
                N_(
                    "Learner-visits and women are counted by where people live. The last two columns are each "
                    "village's group work: places taken through its group's card or its head's text, wherever "
                    "the people live, and how many of them came."
                )
            )
        ],
        strong={len(rows) - 1},
        widths=[30, 40, 14, 12, 16, 16] if several else [40, 14, 12, 16, 16],
    )


def _thoughts(figures: stats.Figures, thoughts: list[feedback.Thoughts], t: Translator) -> Sheet:
    """What those who came thought, per activity asked about (bot/services/feedback.py), with the words given."""
    _ = t.gettext
    rows: list[list[Cell]] = [
        [
            t.datetime(line.starts_at, "dd/MM/yyyy") if line.starts_at else "",
            line.label,
            line.partner or "",
            line.asked,
            line.useful,
            line.not_useful,
            "; ".join(line.words),
        ]
        for line in thoughts
    ]
    total = [sum(getattr(line, name) for line in thoughts) for name in ("asked", "useful", "not_useful")]
    rows.append([_(N_("Total")), None, None, *total, None])
    return Sheet(
        title=_(N_("What people thought")),
        heading=[
            _(N_("What people thought of the activities, {period}")).format(period=period_words(figures.period, t))
        ],
        columns=[
            _(N_("Date")),
            _(N_("Activity")),
            _(N_("Partner")),
            _(N_("Asked")),
            _(N_("Useful")),
            _(N_("Not useful")),
            _(N_("Their words")),
        ],
        rows=rows,
        footer=[_(N_("After each session those who came were asked once whether it was useful; not all answered."))],
        strong={len(rows) - 1},
        widths=[11, 36, 22, 8, 8, 10, 40],
    )
