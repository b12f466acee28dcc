"""The yearly report as plain sheets of cells, in the reader's language: the official table of
DOMAIN.md with the header the center fills in and a signature block, every activity, and the
per-village totals. The XLSX, CSV and PDF writers only lay these cells out, so the three files can
never disagree with each other, nor with `/stats`, which reads the same `Figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import N_, Translator
from bot.services import areas, stats

Cell = str | int | None


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


def row_name(row: stats.Row, t: Translator) -> str:
    if row.key == stats.UNCLASSIFIED:
        return t.gettext(N_("Activities with no report row chosen"))
    return areas.label(row.key, row.name, t)


def table_rows(table: stats.Table, t: Translator) -> list[list[Cell]]:
    """The official rows: number, kind of activity, classes, learner-visits, women."""
    return [[i, row_name(row, t), row.classes, row.visits, row.women] for i, row in enumerate(table.rows, 1)]


def report(figures: stats.Figures, t: Translator, signer: Signer) -> Report:
    year = figures.period.year
    return Report(
        filename=t.gettext(N_("report-{year}")).format(year=year),
        sheets=[_official(figures, t, signer), _activities(figures, t), _villages(figures, t)],
    )


def _official(figures: stats.Figures, t: Translator, signer: Signer) -> Sheet:
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
    if figures.ratio is not None and figures.population_15_plus:
        footer.append(
            _(N_("Learner-visits ÷ population aged 15 and over: {visits} / {population} = {ratio} %")).format(
                visits=t.number(figures.year_visits),
                population=t.number(figures.population_15_plus),
                ratio=t.number(round(figures.ratio, 1)),
            )
        )
    signature = [
        _(N_("{place}, {date}")).format(place=signer.place, date=t.datetime(figures.now, _(N_("MMMM d, yyyy")))),
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
        heading=[
            _(N_("REPORT ON THE RESULTS OF ACTIVITIES IN {year}")).format(year=figures.period.year),
            signer.place,
        ],
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
        heading=[_(N_("Activities of {year}")).format(year=figures.period.year)],
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
        heading=[_(N_("Learner-visits by village of residence, {year}")).format(year=figures.period.year)],
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
