"""How many actions each everyday journey takes, counted in the sandbox page as people would do them: a tap, a
typed message, and Telegram's START after a link each count one. The targets are the village hall's (issue 18):
a first-time resident from a group card to registered in 6, a returning resident in 2, a village head registering
someone without a phone in 5, a desk check-in by name in 3, a director publishing a talk in 8."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser import test_sandbox_in_a_browser as sandbox_test
from tests.browser.test_sandbox_in_a_browser import (
    HUNG,
    LAN,
    MAI,
    TALK,
    THU,
    WAIT,
    fast_forward_to_checkin,
    open_chat,
    shot,
)

browser = sandbox_test.browser  # the same `loalang sandbox` process and Chromium as the main browser test
sandbox = sandbox_test.sandbox

TALK2 = "Chuyển đổi số và cuộc sống"
REGISTERED = re.compile("đã đăng ký", re.IGNORECASE)
THANG = "Nguyễn Văn Thắng"  # head of Thôn Thượng


class Actions:
    """A person's actions on the page, counted as the issue counts them."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def say(self, text: str) -> None:
        self.count += 1
        before = self.page.locator(".message.from-bot").count()
        self.page.fill("#composer-text", text)
        self.page.click("#composer-send")
        expect(self.page.locator(".message.from-bot")).not_to_have_count(before, timeout=WAIT)

    def press(self, label: str, on: Locator | None = None) -> None:
        self.count += 1
        message = on if on is not None else self.page.locator(".message.from-bot").last
        message.locator(".inline-button", has_text=label).first.click()

    def follow(self, card: Locator, label: str, reader: str) -> None:
        """A link button in a group: the tap, then START in the bot's chat that Telegram opens."""
        self.count += 2
        card.locator(".inline-button", has_text=label).first.click()
        expect(self.page.locator("#conversation-title")).to_have_text(reader, timeout=WAIT)

    def last(self) -> Locator:
        return self.page.locator(".message.from-bot").last


def group_card(page: Page, group: str, title: str, reader: str) -> Locator:
    open_chat(page, group)
    page.select_option("#speaker", label=reader)
    return page.locator(".message.from-bot", has_text=title).first


def test_everyday_journeys_take_no_more_actions_than_a_village_hall_can_spare(browser: Browser, sandbox: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page.goto(sandbox)
    expect(page.locator(".chat-item")).to_have_count(12, timeout=WAIT)
    counts: dict[str, int] = {}

    # A first-time resident: Mai taps "Đăng ký" on her village group's card, starts the bot, agrees, and answers
    # her name, birth year and village ("Thị" says she is a woman); she is registered at once.
    mai = Actions(page)
    mai.follow(group_card(page, "Thôn Thượng", TALK, MAI), "Đăng ký", MAI)
    expect(mai.last()).to_contain_text("Đồng ý", timeout=WAIT)
    mai.press("Đồng ý")
    expect(mai.last()).to_contain_text("họ và tên", timeout=WAIT)
    mai.say(MAI)
    mai.say("1958")
    mai.press("Thôn Thượng")
    expect(page.locator(".message.from-bot", has_text=TALK).last).to_contain_text(REGISTERED, timeout=WAIT)
    counts["first-time resident, group card to registered"] = mai.count
    shot(page, "actions-1-first-time-resident")

    # A returning resident: Mai again, for another talk of the week: the tap and START.
    mai = Actions(page)
    mai.follow(group_card(page, "Thôn Thượng", TALK2, MAI), "Đăng ký", MAI)
    expect(page.locator(".message.from-bot").last).to_contain_text(TALK2, timeout=WAIT)
    expect(page.locator(".message.from-bot").last).to_contain_text(REGISTERED, timeout=WAIT)
    counts["returning resident"] = mai.count
    shot(page, "actions-2-returning-resident")

    # A village head registers a neighbour who has no phone, from the talk's card in his own chat.
    open_chat(page, THANG)
    thang = Actions(page)
    thang.say("/events")
    card = page.locator(".message.from-bot", has_text=TALK).last
    thang.press("Đăng ký giúp", on=card)
    expect(thang.last()).to_contain_text("đồng ý", timeout=WAIT)
    thang.press("Có")
    thang.say("Nguyễn Thị Mận")
    thang.say("1948")
    expect(thang.last()).to_contain_text("Nguyễn Thị Mận", timeout=WAIT)
    expect(thang.last()).to_contain_text(TALK.split(":")[0], timeout=WAIT)
    counts["village head registers someone without a phone"] = thang.count
    shot(page, "actions-3-head-registers-a-neighbour")

    # A desk check-in by name: the clock goes to the talk's check-in; Thu opens the desk and finds Lan.
    fast_forward_to_checkin(page, TALK)
    open_chat(page, THU)
    thu = Actions(page)
    thu.say("/desk")
    expect(thu.last()).to_contain_text(TALK.split(":")[0], timeout=WAIT)
    thu.say("Lan")
    thu.press(LAN)
    expect(thu.last()).to_contain_text(LAN, timeout=WAIT)
    expect(thu.last()).to_contain_text("điểm danh", timeout=WAIT)
    counts["desk check-in by name"] = thu.count
    shot(page, "actions-4-desk-check-in-by-name")

    # The director publishes a talk: kind, title, report row, date, length, place, publish.
    open_chat(page, HUNG)
    hung = Actions(page)
    hung.say("/new")
    hung.press("Chuyên đề")
    expect(hung.last()).to_contain_text("Tên hoạt động", timeout=WAIT)
    hung.say("Chuyên đề an toàn giao thông cho người cao tuổi")
    hung.press("pháp luật")
    expect(hung.last()).to_contain_text("khi nào", timeout=WAIT)
    day = date.today() + timedelta(days=20)
    hung.say(f"{day.day}/{day.month} 13h30")
    hung.press("2h")
    hung.say("Hội trường Nhà văn hóa UBND xã Thanh Bình")
    hung.press("Đăng ngay")
    expect(hung.last()).to_contain_text("Đã đăng", timeout=WAIT)
    counts["director publishes a talk"] = hung.count
    shot(page, "actions-5-director-publishes-a-talk")

    print("\nactions per journey:", counts)
    assert counts == {
        "first-time resident, group card to registered": 6,
        "returning resident": 2,
        "village head registers someone without a phone": 5,
        "desk check-in by name": 3,
        "director publishes a talk": 8,
    }
