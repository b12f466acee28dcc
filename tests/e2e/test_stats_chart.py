"""The /stats chart read at chat width: only the rows with learner-visits in the legend, the target drawn
(and named) only when there is one, and the "All" line visible where every visitor was a woman. And the two
small rules the text keeps: shares with meaningful digits, titles shortened at a word."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from bot.i18n import Translator
from bot.reports import chart
from bot.reports.summary import clip, share
from bot.services import stats

NAMES = {"law": "Pháp luật", "health": "Sức khỏe", "economy": "Kinh tế", "arts_sports": "Văn nghệ, thể thao"}


def figures(monthly: dict[str, list[int]], women: list[int], goals: list[stats.Goal] | None = None) -> stats.Figures:
    return stats.Figures(
        scope=stats.Scope((1,), "Asia/Ho_Chi_Minh"),
        period=stats.Period(2025),
        now=datetime(2025, 11, 20, tzinfo=UTC),
        centers=[],
        table=stats.Table([]),
        goals=goals or [],
        population_15_plus=None,
        year_visits=0,
        upcoming=[],
        monthly=monthly,
        monthly_women=women,
    )


def month(index: int, value: int) -> list[int]:
    return [value if m == index else 0 for m in range(12)]


def test_a_director_finds_in_the_legend_only_the_rows_the_chart_has_bars_for() -> None:
    shown = figures(
        {"law": month(2, 14), "health": [0] * 12, "economy": month(5, 8), "culture": [0] * 12, "other": [0] * 12},
        month(2, 9),
    )
    assert [label for label, _c, _m in chart.legend_of(shown, Translator("vi"), NAMES)] == ["Pháp luật", "Kinh tế"]
    five = figures(
        {key: month(m, 10 - m) for m, key in enumerate(["law", "health", "economy", "arts_sports", "x"])}, [0] * 12
    )
    labels = [label for label, _c, _m in chart.legend_of(five, Translator("en"), NAMES)]
    assert labels == ["Pháp luật", "Sức khỏe", "Kinh tế", "Other rows"]  # the fourth and fifth summed


def test_the_target_line_is_in_the_legend_only_when_there_is_a_target() -> None:
    data = {"law": month(2, 14)}
    without = figures(data, [0] * 12)
    assert chart.monthly_targets(without) is None
    assert "Chỉ tiêu" not in [label for label, _c, _m in chart.legend_of(without, Translator("vi"), NAMES)]
    goal = stats.Goal("total", 0, 53, 4350, 1, 14)
    target = figures(data, [0] * 12, [goal])
    assert chart.legend_of(target, Translator("vi"), NAMES)[-1][0] == "Chỉ tiêu"
    assert chart.monthly_targets(target) == [4350 / 12] * 12


def test_the_all_line_shows_over_the_women_line_when_every_visitor_was_a_woman() -> None:
    visits = [3, 5, 2, 0, 7, 1, 4, 6, 2, 8, 3, 1]
    picture = Image.open(io.BytesIO(chart.png(figures({"health": visits}, visits), Translator("vi"), NAMES)))
    assert picture.size == (1080, 1350)
    lower = picture.convert("RGB").crop((0, 1000, 1080, 1270))
    colours = {colour for _count, colour in lower.getcolors(maxcolors=100_000) or []}
    dark = tuple(int(chart.ALL[i : i + 2], 16) for i in (1, 3, 5))
    pale = tuple(int(chart.WOMEN[i : i + 2], 16) for i in (1, 3, 5))
    assert dark in colours and pale in colours  # both lines, one over the other


def test_the_charts_labels_are_large_enough_to_read_at_chat_width() -> None:
    assert chart.LABEL * 330 / chart.WIDTH >= 14  # px when a chat shows the picture 330 px wide


@pytest.mark.parametrize(
    ("percent", "vi", "en"),
    [
        (100 * 2 / 6850, "0,029", "0.029"),
        (100 * 2 / 1050, "0,19", "0.19"),
        (100 * 72 / 5550, "1,3", "1.3"),
        (100 * 6 / 53, "11", "11"),
        (0, "0", "0"),
        (99.7, "99,7", "99.7"),
        (100, "100", "100"),
    ],
)
def test_a_share_keeps_the_digits_that_make_it_meaningful(percent: float, vi: str, en: str) -> None:
    assert (share(percent, Translator("vi")), share(percent, Translator("en"))) == (vi, en)


def test_a_long_title_is_shortened_at_a_word_and_its_quotes_closed() -> None:
    title = "Chuyên đề “Học tập suốt đời trong các lĩnh vực đời sống và công việc”"
    assert clip(title, 40) == "Chuyên đề “Học tập suốt đời trong các…”"
    assert clip('Lớp "Học tập suốt đời trong các lĩnh vực"', 30) == 'Lớp "Học tập suốt đời trong…"'
    assert clip("Lớp dưỡng sinh", 40) == "Lớp dưỡng sinh"
