"""The chart sent with /stats: learner-visits per month by report row, women against all, and the
target line. Sized for a phone held upright (1080 × 1350 px). A chat shows it about 330 px wide, so every
label is at least 48 px here (about 15 px there): months are numbered 1–12, the axis has few ticks, and only
the biggest rows get a colour.

What is drawn is what is there: the legend lists only the rows with learner-visits (and "Other rows" only
when they add up to some), the target only when there is one; the "All" line is a thin dark line drawn over
a wide pale "Women" band, so both show where every visitor was a woman.

Drawn with Pillow rather than matplotlib: two panels of bars and lines need a few rectangles and lines,
and matplotlib with numpy would add about 50 MB to a commune's process for them (bench/memory_bench.py).
Nothing here is shared between calls, so charts can be drawn from any thread."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.i18n import N_, Translator
from bot.reports import fonts
from bot.reports.summary import clip
from bot.services import stats

if TYPE_CHECKING:
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

SHOWN_AREAS = 3  # the biggest rows get a colour each; the rest are summed as "Other rows"
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#8c8c8c")
WIDTH, HEIGHT = 1080, 1350
MARGIN = 30
RIGHT = WIDTH - MARGIN  # the plotting area's right side; the left one follows the widest number on the y axis
LABEL, TITLE = 48, 52  # px at 1080 wide: about 14.7 and 16 px when a chat shows the picture 330 px wide
LINE = 62  # the height of a line of labels
INK, GRID, ALL, WOMEN = "#000000", "#d0d0d0", "#0b3c8c", "#f4a3a3"


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


def series(figures: stats.Figures) -> list[tuple[str, list[int]]]:
    """The rows drawn as bars: the biggest with learner-visits, then the rest summed under the key "" when
    they add up to some. A row with nothing gets neither a bar nor a place in the legend."""
    ranked = sorted(((k, v) for k, v in figures.monthly.items() if sum(v)), key=lambda item: -sum(item[1]))
    shown = ranked[:SHOWN_AREAS]
    if len(ranked) == SHOWN_AREAS + 1:  # one row more: its own name says more than "Other rows"
        return ranked
    rest = [sum(values) for values in zip(*(v for _, v in ranked[SHOWN_AREAS:]), strict=False)]
    return [*shown, ("", rest)] if sum(rest) else shown


def legend_of(figures: stats.Figures, t: Translator, names: dict[str, str]) -> list[tuple[str, str, str]]:
    """The bars' legend: (label, colour, mark) for each row drawn, then the target when there is one."""
    legend = [
        (names.get(key, key) if key else t.gettext(N_("Other rows")), colour, "box")
        for (key, _values), colour in zip(series(figures), COLOURS, strict=False)
    ]
    if monthly_targets(figures):
        legend.append((t.gettext(N_("Target")), INK, "dashes"))
    return legend


def png(figures: stats.Figures, t: Translator, names: dict[str, str]) -> bytes:
    from PIL import Image, ImageDraw  # loaded with the first chart, not at start

    _ = t.gettext
    months = [str(m) for m in range(1, 13)]
    bars_series = series(figures)
    totals = [sum(values[m] for values in figures.monthly.values()) for m in range(12)]
    targets = monthly_targets(figures)

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    label, bold = _font(LABEL), _font(TITLE, bold=True)
    title = _(N_("Learner-visits per month, {year}")).format(year=figures.period.year)
    y = _title(draw, title, bold, top=20)
    legend = legend_of(figures, t, names)
    columns = 2 if all(label.getlength(text) <= (RIGHT - MARGIN) / 2 - 90 for text, _c, _m in legend) else 1
    legend_rows = math.ceil(len(legend) / columns)
    highest = (max([*totals, *_finite(targets or [])]), max([*totals, *figures.monthly_women]))
    numbers = [t.number(tick) for tick in (*_ticks(highest[0]), *_ticks(highest[1]))]
    left = MARGIN + math.ceil(max(label.getlength(n) for n in numbers)) + 16

    lines = _Panel(top=HEIGHT - 80 - 230, bottom=HEIGHT - 80, highest=highest[1], left=left)
    second = lines.top - 40 - LINE - 70  # the second title, then its legend
    bars = _Panel(top=y + 40, bottom=second - 40 - legend_rows * LINE - 80, highest=highest[0], left=left)
    bars.axes(draw, t, months)
    base = [0.0] * 12
    half = bars.step * 0.32
    for (_key, values), colour in zip(bars_series, COLOURS, strict=False):
        for month, value in enumerate(values):
            if value:
                centre = bars.x(month)
                top, bottom = bars.y(base[month] + value), bars.y(base[month])
                draw.rectangle((centre - half, top, centre + half, bottom), fill=colour)
            base[month] += value
    if targets:  # one dashed line for each run of months with the same target
        month = 0
        while month < 12:
            end = month
            while end + 1 < 12 and targets[end + 1] == targets[month]:
                end += 1
            if not math.isnan(targets[month]):
                y = bars.y(targets[month])
                _dashes(draw, (bars.x(month) - bars.step / 2 + 4, y), (bars.x(end) + bars.step / 2 - 4, y))
            month = end + 1
    _legend(draw, legend, top=bars.bottom + 80 + LINE // 2, columns=columns)

    draw.text((WIDTH / 2, second), _(N_("Women and all")), font=bold, fill=INK, anchor="ma")
    _legend(
        draw, [(_(N_("All")), ALL, "all"), (_(N_("Women")), WOMEN, "women")], top=second + 70 + LINE // 2, columns=2
    )
    lines.axes(draw, t, months)
    women = [(lines.x(month), lines.y(value)) for month, value in enumerate(figures.monthly_women)]
    everyone = [(lines.x(month), lines.y(value)) for month, value in enumerate(totals)]
    draw.line(women, fill=WOMEN, width=22, joint="curve")  # wide and pale, under
    for x, y in women:
        draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=WOMEN)
    draw.line(everyone, fill=ALL, width=6, joint="curve")  # thin and dark, over: both show when equal
    for x, y in everyone:
        draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill=ALL)

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

    @property
    def step(self) -> float:
        return (RIGHT - self.left) / 12

    def x(self, month: int) -> float:
        return self.left + self.step * (month + 0.5)

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.ticks[-1]

    def axes(self, draw: ImageDraw, t: Translator, months: Sequence[str]) -> None:
        font = _font(LABEL)
        for tick in self.ticks:
            y = self.y(tick)
            if tick:
                draw.line((self.left, y, RIGHT, y), fill=GRID, width=2)
            draw.text((self.left - 14, y), t.number(tick), font=font, fill=INK, anchor="rm")
        draw.line((self.left, self.top - 10, self.left, self.bottom), fill=INK, width=3)
        draw.line((self.left, self.bottom, RIGHT, self.bottom), fill=INK, width=3)
        for month, name in enumerate(months):
            draw.text((self.x(month), self.bottom + 10), name, font=font, fill=INK, anchor="ma")


def _ticks(highest: float) -> list[int]:
    """0 up to a round number at or above `highest`, in at most four steps of 1, 2, 2.5 or 5 times a
    power of ten, as a person would draw the axis by hand (few, so their numbers can be large)."""
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power // 2, 5 * power):
            if step and highest <= step * 4:
                count = max(1, math.ceil(highest / step))
                return [step * n for n in range(count + 1)]
        power *= 10


def _title(draw: ImageDraw, title: str, font: FreeTypeFont, *, top: int) -> int:
    """The title centred, on two lines (at a word boundary) when one is too narrow; returns its bottom."""
    lines = [title]
    if font.getlength(title) > RIGHT - MARGIN:  # two lines of about the same width
        words = title.split()
        cut = min(
            range(1, len(words)),
            key=lambda i: max(font.getlength(" ".join(words[:i])), font.getlength(" ".join(words[i:]))),
        )
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
    for index, line in enumerate(lines):
        draw.text((WIDTH / 2, top + index * LINE), line, font=font, fill=INK, anchor="ma")
    return top + len(lines) * LINE


def _legend(draw: ImageDraw, entries: list[tuple[str, str, str]], *, top: int, columns: int) -> None:
    """Entries (label, colour, mark) in rows of `columns`; a mark is a box, a line or dashes. A label too long
    for its column is shortened at a word boundary."""
    font, width = _font(LABEL), (RIGHT - MARGIN) // columns
    for index, (label, colour, mark) in enumerate(entries):
        row, column = divmod(index, columns)
        x, y = MARGIN + column * width + 10, top + row * LINE
        if mark == "box":
            draw.rectangle((x, y - 18, x + 50, y + 18), fill=colour)
        elif mark == "women":
            draw.line((x, y, x + 50, y), fill=colour, width=22)
        elif mark == "all":
            draw.line((x, y, x + 50, y), fill=colour, width=6)
            draw.ellipse((x + 17, y - 8, x + 33, y + 8), fill=colour)
        else:
            _dashes(draw, (x, y), (x + 50, y))
        draw.text((x + 66, y), _fit(label, font, width - 66 - 20), font=font, fill=INK, anchor="lm")


def _dashes(draw: ImageDraw, start: tuple[float, float], end: tuple[float, float]) -> None:
    (x, y), (stop, _) = start, end
    while x < stop:
        draw.line((x, y, min(x + 14, stop), y), fill=INK, width=6)
        x += 22


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


def _font(size: int, *, bold: bool = False) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(fonts.BOLD if bold else fonts.REGULAR), size)


def _fit(label: str, font: FreeTypeFont, room: float) -> str:
    """The label, shortened at a word boundary (quotes closed) until it fits."""
    limit = len(label)
    while limit > 1 and font.getlength(clip(label, limit)) > room:
        limit -= 1
    return clip(label, limit)
