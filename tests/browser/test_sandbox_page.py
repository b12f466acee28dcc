"""The sandbox page's own affordances, in headless Chromium: a /command and a link written in a message can be
tapped, only a picture holding a QR code offers to be scanned (a ticket, never the /stats chart), and the hint
bar moves on as the newcomer goes through her first steps."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser import test_sandbox_in_a_browser as sandbox_test
from tests.browser.test_sandbox_in_a_browser import (
    BINH,
    HUNG,
    MAI,
    REGISTERED,
    TALK,
    WAIT,
    open_chat,
    press,
    say,
    shot,
)

browser = sandbox_test.browser  # the same `loalang sandbox` process and Chromium as the main browser test
sandbox = sandbox_test.sandbox

LAN = "Bùi Thị Lan"


def hint(page: Page) -> str:
    return page.locator("#hint").inner_text()


def test_a_trainer_taps_commands_and_links_in_messages_and_scans_only_a_ticket_while_the_hint_follows_mai(
    browser: Browser, sandbox: str
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page.goto(sandbox)
    expect(page.locator(".chat-item")).to_have_count(12, timeout=WAIT)
    expect(page.locator("#hint")).to_contain_text("Bắt đầu từ đây")

    # 1. The director's /help (sent when the demo was set up) lists his commands: tapping /stats sends it as him.
    #    The chart that comes with the totals just opens when tapped: there is nothing to scan in it.
    open_chat(page, HUNG)
    before = page.locator(".message.from-bot").count()
    page.locator(".message.from-bot a.bot-command", has_text="/stats").first.click()
    expect(page.locator(".message.from-bot")).not_to_have_count(before, timeout=WAIT)
    expect(page.locator(".message.mine .message-text").last).to_have_text("/stats", timeout=WAIT)
    chart = page.locator(".message.from-bot .photo-box").last
    expect(chart).to_have_attribute("data-qr", "no", timeout=WAIT)
    expect(chart.locator(".scan-chip")).to_have_count(0)
    with page.expect_popup() as opened:
        chart.locator("img.photo").click()
    opened.value.close()
    expect(page.locator("#scan-dialog[open]")).to_have_count(0)
    shot(page, "page-1-stats-tapped-chart-without-a-scan-chip")

    # 2. Bình, head of a village whose group is on Zalo, has each card as text to paste: its Telegram link can be
    #    tapped, on the phone of someone on Telegram; it opens Lan's chat on that talk, as the Register button does.
    open_chat(page, BINH)
    pasted = page.locator(".message.from-bot", has_text="Để đăng ký qua Zalo, nhắn cho Loa Làng").first
    link = pasted.locator("a.text-url", has_text="t.me/").first
    expect(link).to_have_attribute("href", re.compile(r"^https://t\.me/\w+\?start=a\d+-v\d+$"))
    link.click()
    page.locator("dialog[open] .dialog-option", has_text=LAN).click()
    expect(page.locator("#conversation-title")).to_have_text(LAN, timeout=WAIT)
    expect(page.locator(".message.mine").last).to_contain_text("/start a", timeout=WAIT)
    expect(page.locator(".message.from-bot").last).to_contain_text(REGISTERED, timeout=WAIT)  # the link registers
    shot(page, "page-2-pasted-link-tapped")

    # 3. Mai starts: the hint moves on to her profile once she has agreed, then to registering.
    open_chat(page, MAI)
    say(page, "/start")
    press(page, "Đồng ý")
    expect(page.locator("#hint")).to_contain_text("trả lời các câu hỏi", timeout=WAIT)
    say(page, MAI)
    expect(page.locator(".message.from-bot").last).to_contain_text("năm sinh", timeout=WAIT)
    say(page, "1958")
    press(page, "Thôn Thượng")
    expect(page.locator("#hint")).to_contain_text("Bước tiếp theo: mở nhóm Thôn Thượng", timeout=WAIT)
    before_registering = hint(page)

    open_chat(page, "Thôn Thượng")
    page.select_option("#speaker", label=MAI)
    page.locator(".message.from-bot", has_text=TALK).locator(".inline-button", has_text="Đăng ký").click()
    expect(page.locator("#conversation-title")).to_have_text(MAI, timeout=WAIT)
    expect(page.locator(".message.from-bot").last).to_contain_text(TALK, timeout=WAIT)
    expect(page.locator(".message.from-bot").last).to_contain_text(REGISTERED, timeout=WAIT)
    expect(page.locator("#hint")).not_to_have_text(before_registering, timeout=WAIT)
    expect(page.locator("#hint")).to_contain_text("điểm danh", timeout=WAIT)
    shot(page, "page-3-the-hint-after-registering")

    # 4. Her ticket is a QR code: that picture, and only that kind, offers to be scanned.
    say(page, "/my")
    page.locator(".message.from-bot .inline-button", has_text="Vé").first.click()
    ticket = page.locator(".message.from-bot .photo-box").last
    expect(ticket).to_have_attribute("data-qr", "yes", timeout=WAIT)
    expect(ticket.locator(".scan-chip")).to_have_text("Quét mã QR")
    ticket.locator(".scan-chip").click()
    expect(page.locator("#scan-dialog[open] .dialog-option").first).to_be_visible()
    expect(page.locator("#scan-dialog[open] .dialog-option", has_text=MAI)).to_have_count(0)  # not her own phone
    shot(page, "page-4-a-ticket-to-scan")
