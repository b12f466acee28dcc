"""The director's /stats on a phone, as the sandbox's page shows it in a 390 × 844 window: the chart first,
then one screen of figures with its buttons under it, on screen; a button changes that text where the director
is looking. Each step leaves a screenshot in test-results/stats-on-a-phone/, listed at the end of the run."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser import chromium
from tests.browser.test_sandbox_in_a_browser import HUNG, TALK, WAIT, Sandbox, fast_forward_to_checkin, open_chat, say

SHOTS = Path(os.environ.get("LOALANG_STATS_SCREENSHOTS", "test-results/stats-on-a-phone"))
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[str]:
    running = Sandbox(tmp_path / "sandbox")
    try:
        yield running.url()
    finally:
        code = running.stop()
    assert code == 0, "".join(running.output)


@pytest.fixture
def browser() -> Iterator[Browser]:
    shutil.rmtree(SHOTS, ignore_errors=True)  # the run's summary lists this run's screenshots, or none
    with sync_playwright() as playwright:
        launched = chromium.launch(playwright)
        try:
            yield launched
        finally:
            launched.close()


def shot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path)  # the window as the phone shows it, not the whole scrolled page
    return path


def test_the_director_reads_stats_on_a_phone_and_a_button_changes_the_text_on_screen(
    browser: Browser, sandbox: str
) -> None:
    page = browser.new_page(viewport=PHONE, locale="vi-VN", device_scale_factor=2)
    page.goto(sandbox)
    expect(page.locator(".chat-item").first).to_be_visible(timeout=WAIT)
    open_chat(page, HUNG)
    # The demo's talk is held: time jumps to its check-in, the director counts 40 at the door, 25 of them
    # women, and sets the year's target, so the screen and the chart have something to show.
    fast_forward_to_checkin(page, TALK)
    say(page, "/desk")  # the one session on now opens at once
    expect(page.locator(".message.from-bot", has_text="Bàn điểm danh đã mở").last).to_be_visible(timeout=WAIT)
    say(page, "/headcount 40 25")
    say(page, "/close")
    year = re.search(r"\d{4}", page.locator("#clock-now").inner_text())
    assert year is not None
    say(page, f"/target {year.group(0)} tất cả 12 1200")

    say(page, "/stats")
    figures = page.locator(".message.from-bot", has_text="📊").last
    expect(figures.locator(".inline-button", has_text="Theo lĩnh vực")).to_be_visible(timeout=WAIT)
    chart = page.locator(".message.from-bot img.photo").last
    expect(chart).to_be_visible(timeout=WAIT)
    # the text and its buttons come after the chart: the last message, on screen without scrolling
    assert page.locator(".message.from-bot").last.inner_text() == figures.inner_text()
    expect(figures.locator(".message-text")).to_be_in_viewport()
    expect(figures.locator(".inline-button").last).to_be_in_viewport()
    assert "40/6.850 = 0,58%" in figures.inner_text()  # not 1%, nor 0%
    box = figures.bounding_box()
    assert box is not None and box["height"] <= PHONE["height"], box
    shot(page, "1-stats-in-one-screen")

    chart.scroll_into_view_if_needed()
    shown = chart.bounding_box()
    assert shown is not None and shown["width"] <= PHONE["width"], shown
    shot(page, "2-the-chart")

    before = figures.locator(".message-text").inner_text()
    figures.locator(".inline-button", has_text="Theo lĩnh vực").click()
    expect(figures.locator(".message-text")).not_to_have_text(before, timeout=WAIT)
    expect(figures.locator(".message-text")).to_contain_text("Kết quả năm")
    expect(figures.locator(".message-text")).to_be_in_viewport()
    shot(page, "3-by-area-on-the-same-message")
