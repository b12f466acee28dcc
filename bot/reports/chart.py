"""The chart sent with /stats: learner-visits per month by report row, women against all, and the
target line. Sized for a phone held upright (1080 × 1350 px) with large Vietnamese labels.

matplotlib's object API is used (never pyplot), so charts can be drawn from any thread."""

from __future__ import annotations

import io
import math

from babel.dates import get_month_names

from bot.i18n import N_, Translator
from bot.services import stats

SHOWN_AREAS = 5  # the biggest rows get a colour each; the rest are summed as "Other rows"
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c8c8c")


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
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _ = t.gettext
    months = [str(get_month_names("abbreviated", locale=t.locale)[m]) for m in range(1, 13)]
    ranked = sorted(figures.monthly.items(), key=lambda item: -sum(item[1]))
    series = ranked[:SHOWN_AREAS]
    rest = [sum(values) for values in zip(*(v for _, v in ranked[SHOWN_AREAS:]), strict=False)]
    if rest:
        series.append(("", rest))
    totals = [sum(values[m] for _, values in ranked) for m in range(12)]

    figure = Figure(figsize=(7.2, 9), dpi=150)  # fixed margins: a layout engine would double the drawing time
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, height_ratios=(3, 2))
    figure.subplots_adjust(left=0.09, right=0.97, top=0.95, bottom=0.05, hspace=0.62)
    base = [0] * 12
    for (key, values), colour in zip(series, COLOURS, strict=False):
        label = names.get(key, key) if key else _(N_("Other rows"))
        top.bar(range(12), values, bottom=base, color=colour, label=_short(label))
        base = [a + b for a, b in zip(base, values, strict=True)]
    targets = monthly_targets(figures)
    if targets:
        top.step(range(12), targets, where="mid", color="black", linestyle="--", linewidth=2, label=_(N_("Target")))
    top.set_title(
        _(N_("Learner-visits per month, {year}")).format(year=figures.period.year), fontsize=14, fontweight="bold"
    )
    if series or targets:
        top.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2, frameon=False)
    bottom.plot(range(12), totals, marker="o", linewidth=2.5, color="#1f77b4", label=_(N_("All")))
    bottom.plot(range(12), figures.monthly_women, marker="o", linewidth=2.5, color="#d62728", label=_(N_("Women")))
    bottom.set_title(_(N_("Women and all")), fontsize=13, fontweight="bold")
    bottom.legend(fontsize=11, frameon=False)
    for axes in (top, bottom):
        axes.set_xticks(range(12), months, fontsize=10)
        axes.tick_params(axis="y", labelsize=10)
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
