"""The chart sent with /stats: learner-visits per month by report row, women against all, and the
target line. Sized for a phone held upright (1080 × 1350 px) with large Vietnamese labels.

Drawn with Pillow rather than matplotlib: two panels of bars and lines need a few rectangles and lines,
and matplotlib with numpy would add about 50 MB to a commune's process for them (bench/memory_bench.py).
Nothing here is shared between calls, so charts can be drawn from any thread."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.dates import get_month_names

from bot.i18n import N_, Translator
from bot.reports import fonts
from bot.services import stats

if TYPE_CHECKING:
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

SHOWN_AREAS = 5  # the biggest rows get a colour each; the rest are summed as "Other rows"
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c8c8c")
WIDTH, HEIGHT = 1080, 1350
LEFT, RIGHT = 110, 1050  # the plotting area's sides; the left one moves right for wide numbers on the y axis
INK, GRID, ALL, WOMEN = "#000000", "#e0e0e0", "#1f77b4", "#d62728"


def monthly_targets(figures: stats.Figures) -> list[float] | None:
    """The learner-visits a month should bring: its quarter's target over three months, else the year's
    over twelve; NaN (no line) for a month with neither."""
    whole = {g.quarter: g.learners_target for g in figures.goals if g.key == "total" and g.learners_target}
    if not whole:
        return None
    year = whole.get(0)
    line = []
    for month in range(1, 13):
        quarter = whole.get((month - 1) // 3 + 1)
        line.append(quarter / 3 if quarter else year / 12 if year else math.nan)
    return line


def png(figures: stats.Figures, t: Translator, names: dict[str, str]) -> bytes:
    from PIL import Image, ImageDraw  # loaded with the first chart, not at start

    _ = t.gettext
    months = [str(get_month_names("abbreviated", locale=t.locale)[m]) for m in range(1, 13)]
    ranked = sorted(figures.monthly.items(), key=lambda item: -sum(item[1]))
    series = ranked[:SHOWN_AREAS]
    rest = [sum(values) for values in zip(*(v for _, v in ranked[SHOWN_AREAS:]), strict=False)]
    if rest:
        series.append(("", rest))
    totals = [sum(values[m] for _, values in ranked) for m in range(12)]
    targets = monthly_targets(figures)

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    title = _(N_("Learner-visits per month, {year}")).format(year=figures.period.year)
    draw.text((WIDTH / 2, 20), title, font=_font(30, bold=True), fill=INK, anchor="ma")
    legend: list[tuple[str, str, str]] = [
        (names.get(key, key) if key else _(N_("Other rows")), colour, "box")
        for (key, _values), colour in zip(series, COLOURS, strict=False)
    ]
    if targets:
        legend.append((_(N_("Target")), INK, "dashes"))
    legend_rows = (len(legend) + 1) // 2
    highest = (max([*totals, *_finite(targets or [])]), max([*totals, *figures.monthly_women]))
    numbers = [t.number(tick) for tick in (*_ticks(highest[0]), *_ticks(highest[1]))]
    left = max(LEFT, math.ceil(max(_font(21).getlength(n) for n in numbers)) + 24)
    bars = _Panel(top=80, bottom=800 - 34 * legend_rows, highest=highest[0], left=left)
    bars.axes(draw, t, months)
    base = [0.0] * 12
    for (_key, values), colour in zip(series, COLOURS, strict=False):
        for month, value in enumerate(values):
            if value:
                centre = bars.x(month)
                draw.rectangle(
                    (centre - 31, bars.y(base[month] + value), centre + 31, bars.y(base[month])), fill=colour
                )
            base[month] += value
    if targets:
        for month, value in enumerate(targets):
            if not math.isnan(value):
                y = bars.y(value)
                _dashes(draw, (bars.x(month) - 39, y), (bars.x(month) + 39, y))
    _legend(draw, legend, top=bars.bottom + 70, columns=2)

    lines = _Panel(top=1000, bottom=1280, highest=highest[1], left=left)
    draw.text((WIDTH / 2, 880), _(N_("Women and all")), font=_font(27, bold=True), fill=INK, anchor="ma")
    _legend(draw, [(_(N_("All")), ALL, "line"), (_(N_("Women")), WOMEN, "line")], top=930, columns=2)
    lines.axes(draw, t, months)
    for values, colour in ((totals, ALL), (figures.monthly_women, WOMEN)):
        points = [(lines.x(month), lines.y(value)) for month, value in enumerate(values)]
        draw.line(points, fill=colour, width=5, joint="curve")
        for x, y in points:
            draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill=colour)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class _Panel:
    """One plotting area: twelve months across, learner-visits up from zero to a round number."""

    top: int
    bottom: int
    highest: float
    left: int

    @property
    def ticks(self) -> list[int]:
        return _ticks(self.highest)

    def x(self, month: int) -> float:
        return self.left + (RIGHT - self.left) * (month + 0.5) / 12

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.ticks[-1]

    def axes(self, draw: ImageDraw, t: Translator, months: Sequence[str]) -> None:
        small = _font(21)
        for tick in self.ticks:
            y = self.y(tick)
            if tick:
                draw.line((self.left, y, RIGHT, y), fill=GRID, width=2)
            draw.text((self.left - 12, y), t.number(tick), font=small, fill=INK, anchor="rm")
        draw.line((self.left, self.top - 10, self.left, self.bottom), fill=INK, width=2)
        draw.line((self.left, self.bottom, RIGHT, self.bottom), fill=INK, width=2)
        for month, name in enumerate(months):
            draw.text((self.x(month), self.bottom + 12), name, font=small, fill=INK, anchor="ma")


def _ticks(highest: float) -> list[int]:
    """0 up to a round number at or above `highest`, in at most seven steps of 1, 2, 2.5 or 5 times a
    power of ten, as a person would draw the axis by hand."""
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power // 2, 5 * power):
            if step and highest <= step * 7:
                count = max(1, math.ceil(highest / step))
                return [step * n for n in range(count + 1)]
        power *= 10


def _legend(draw: ImageDraw, entries: list[tuple[str, str, str]], *, top: int, columns: int) -> None:
    """Entries (label, colour, mark) in rows of `columns`; a mark is a box, a line or dashes. A label too long
    for its column is cut short with "…"."""
    font, width = _font(21), (RIGHT - LEFT) // columns
    for index, (label, colour, mark) in enumerate(entries):
        row, column = divmod(index, columns)
        x, y = LEFT + column * width + 40, top + row * 34
        if mark == "box":
            draw.rectangle((x, y - 9, x + 34, y + 9), fill=colour)
        elif mark == "line":
            draw.line((x, y, x + 34, y), fill=colour, width=5)
            draw.ellipse((x + 9, y - 8, x + 25, y + 8), fill=colour)
        else:
            _dashes(draw, (x, y), (x + 34, y))
        draw.text((x + 46, y), _fit(label, font, width - 40 - 46 - 16), font=font, fill=INK, anchor="lm")


def _dashes(draw: ImageDraw, start: tuple[float, float], end: tuple[float, float]) -> None:
    (x, y), (stop, _) = start, end
    while x < stop:
        draw.line((x, y, min(x + 12, stop), y), fill=INK, width=4)
        x += 20


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


def _font(size: int, *, bold: bool = False) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(fonts.BOLD if bold else fonts.REGULAR), size)


def _fit(label: str, font: FreeTypeFont, room: float) -> str:
    if font.getlength(label) <= room:
        return label
    while label and font.getlength(label + "…") > room:
        label = label[:-1]
    return label.rstrip() + "…"
