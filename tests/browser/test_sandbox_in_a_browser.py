"""The sandbox as a trainer uses it: `loalang sandbox` started as a command, driven in headless
Chromium through its page. A new resident agrees and fills in her profile, registers from her
village group's card, checks in with the code staff show (and another resident by scanning the
QR), and the director's /stats counts them. Each step leaves a screenshot in test-results/sandbox/."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser import chromium

SHOTS = Path(os.environ.get("LOALANG_SCREENSHOTS", "test-results/sandbox"))
# the line the sandbox prints once it listens, in the operator's language (Vietnamese by default)
STARTED = re.compile(r"(?:open|mở) (http://127\.0\.0\.1:\d+/) (?:in a browser|trong trình duyệt)")
WAIT = 15_000  # ms: the longest a person would wait for the bot's answer on this page

MAI, THU, HUNG, LAN = "Vũ Thị Mai", "Đinh Thị Thu", "Phạm Văn Hùng", "Bùi Thị Lan"
SEN, BINH = "Lò Thị Sen", "Đỗ Văn Bình"  # on Zalo
TALK = "Khái niệm và các loại AI"
REGISTERED = re.compile("đã đăng ký", re.IGNORECASE)


class Sandbox:
    """`loalang sandbox` in its own process, as a trainer starts it."""

    def __init__(self, folder: Path) -> None:
        command = [str(Path(sys.executable).with_name("loalang")), "sandbox", "--port", "0", "--data", str(folder)]
        env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=folder.parent
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self.lines.put(line)

    def url(self, timeout: float = 90) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError("the sandbox did not start:\n" + "".join(self.output)) from None
            found = STARTED.search(line)
            if found:
                return found.group(1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("Ctrl-C did not stop the sandbox:\n" + "".join(self.output)) from None
        finally:
            self.reader.join(timeout=5)
            assert self.process.stdout is not None
            self.process.stdout.close()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[str]:
    running = Sandbox(tmp_path / "sandbox")
    try:
        yield running.url()
    finally:
        code = running.stop()
    assert code == 0, "".join(running.output)
    kept = tmp_path / "sandbox"
    assert (kept / "loalang.db").exists() and (kept / "telegram" / "world.json").exists()


@pytest.fixture
def browser() -> Iterator[Browser]:
    shutil.rmtree(SHOTS, ignore_errors=True)  # the run's summary lists this run's screenshots, or none
    with sync_playwright() as playwright:
        launched = chromium.launch(playwright)
        try:
            yield launched
        finally:
            launched.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def open_chat(page: Page, title: str) -> None:
    """Open a chat and wait until its history is on screen."""
    item = page.locator(".chat-item", has_text=title).first
    chat_id = item.get_attribute("data-chat-id")
    item.click()
    expect(page.locator("#conversation-title")).to_have_text(title)
    expect(page.locator(f'#messages[data-chat-id="{chat_id}"]')).to_have_count(1)


def say(page: Page, text: str) -> None:
    before = page.locator(".message.from-bot").count()
    page.fill("#composer-text", text)
    page.click("#composer-send")
    expect(page.locator(".message.from-bot")).not_to_have_count(before, timeout=WAIT)


def last_bot_text(page: Page) -> str:
    return page.locator(".message.from-bot .message-text").last.inner_text()


def press(page: Page, label: str) -> None:
    page.locator(".message.from-bot").last.locator(".inline-button", has_text=label).click()


def fast_forward_to_checkin(page: Page, title: str) -> None:
    """Press the clock's fast-forward until it reaches the opening of the activity's check-in. Each press's answer
    says what it reached: the clock on the page may already show the event after it, on a loaded machine where
    the messages that fell due went out after the press answered."""
    for _ in range(25):
        expect(page.locator("#fast-forward")).to_be_enabled(timeout=WAIT)
        with page.expect_response(lambda r: "/_control/clock/next" in r.url, timeout=WAIT) as answer:
            page.click("#fast-forward")
        reached = answer.value.json().get("reached") or {}
        if reached.get("kind") == "checkin" and title in (reached.get("title") or ""):
            settled(page, "#clock-next")
            return
    raise AssertionError("fast-forward never reached the opening of the activity's check-in")


def settled(page: Page, selector: str) -> str:
    """The element's text once it has stopped changing (the page redraws the clock as answers arrive): read
    again every 300 ms until two readings agree, for at most the time a person would wait."""
    deadline = time.monotonic() + WAIT / 1000
    shown = page.locator(selector).inner_text()
    while time.monotonic() < deadline:
        page.wait_for_timeout(300)
        again = page.locator(selector).inner_text()
        if again == shown:
            return shown
        shown = again
    raise AssertionError(f"{selector} kept changing")


def test_a_new_resident_registers_checks_in_and_is_counted_in_the_directors_stats(
    browser: Browser, sandbox: str
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page.goto(sandbox)

    # 1. The page lists the cast, and the demo programme is already announced in the village groups.
    expect(page.locator(".chat-item")).to_have_count(12, timeout=WAIT)
    expect(page.locator(".chat-item.zalo")).to_have_count(2)
    open_chat(page, "Thôn Thượng")
    expect(page.locator(".message.from-bot", has_text=TALK)).to_have_count(1, timeout=WAIT)
    shot(page, "1-opened")

    # 2. Mai, who has never used the bot, agrees to the privacy notice and fills in her profile.
    open_chat(page, MAI)
    say(page, "/start")
    expect(page.locator(".message.from-bot").last).to_contain_text("Đồng ý")
    press(page, "Đồng ý")
    expect(page.locator(".message.from-bot").last).to_contain_text("họ và tên", timeout=WAIT)
    say(page, MAI)  # "Thị": she is not asked whether she is a woman
    expect(page.locator(".message.from-bot").last).to_contain_text("năm sinh", timeout=WAIT)
    say(page, "1958")
    press(page, "Thôn Thượng")
    expect(page.locator(".message.from-bot").last).to_contain_text(MAI, timeout=WAIT)
    shot(page, "2-consent-and-profile")

    # 3. In her village group, Mai presses the talk's "Register": Telegram opens her chat with the bot, and
    #    the link registers her.
    open_chat(page, "Thôn Thượng")
    page.select_option("#speaker", label=MAI)
    card = page.locator(".message.from-bot", has_text=TALK)
    card.locator(".inline-button", has_text="Đăng ký").click()
    expect(page.locator("#conversation-title")).to_have_text(MAI, timeout=WAIT)
    expect(page.locator(".message.from-bot").last).to_contain_text(TALK, timeout=WAIT)
    expect(page.locator(".message.from-bot").last).to_contain_text(REGISTERED, timeout=WAIT)
    shot(page, "3-registered-from-the-group-card")

    # 4. Time jumps to the opening of the talk's check-in; staff show the code, Mai types it,
    #    and Lan scans the QR that staff show.
    fast_forward_to_checkin(page, TALK)
    open_chat(page, "Thôn Thượng")  # the announcement's count was edited in place: Lan and now Mai
    card = page.locator(".message.from-bot", has_text=TALK).first
    expect(card).to_contain_text("Đã đăng ký: 2", timeout=WAIT)
    shot(page, "4-the-group-card-counts-mai")
    open_chat(page, THU)
    say(page, "/checkin")
    screen = last_bot_text(page)
    assert screen.startswith("Điểm danh: Chuyên đề: Khái niệm"), screen
    code = re.search(r"Mã: (\d{4})", screen)
    assert code is not None, screen
    open_chat(page, MAI)
    say(page, code.group(1))
    expect(page.locator(".message.from-bot").last).to_contain_text("Đã điểm danh", timeout=WAIT)
    shot(page, "4a-checked-in-with-the-code")

    open_chat(page, THU)
    press(page, "QR")
    expect(page.locator(".message.from-bot img.photo")).to_have_count(1, timeout=WAIT)
    page.locator(".message.from-bot img.photo").last.click()
    page.locator("dialog[open] .dialog-option", has_text=LAN).click()
    expect(page.locator(".message.from-bot").last).to_contain_text("Đã điểm danh", timeout=WAIT)
    shot(page, "4b-checked-in-by-scanning-the-qr")

    # 5. The director's /stats counts both: registered, present, women.
    open_chat(page, HUNG)
    say(page, "/stats")
    stats = page.locator(".message.from-bot", has_text="📊").last
    line = next(line for line in stats.inner_text().splitlines() if TALK in line)
    assert "đăng ký 2" in line and "có mặt 2 (2 nữ)" in line, line
    shot(page, "5-directors-stats")

    # The same page on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#composer-text")).to_be_visible()
    shot(page, "6-on-a-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    # 6. On Zalo, Sen has never written to the bot: her first words open it, and she answers by typing, numbers
    #    included; the talk comes as a numbered list and she registers by its number. Bình, the head of a
    #    village with no group the bot is in, has each announcement as text to paste into his village's group.
    open_chat(page, SEN)
    expect(page.locator("#app.on-zalo")).to_have_count(1)
    expect(page.locator("#composer-attach")).to_be_hidden()
    say(page, "Chào cháu")
    expect(page.locator(".message.from-bot").last).to_contain_text("1. ✅ Đồng ý")
    say(page, "1")
    expect(page.locator(".message.from-bot").last).to_contain_text("họ và tên", timeout=WAIT)
    say(page, SEN)  # "Thị": not asked whether she is a woman
    expect(page.locator(".message.from-bot").last).to_contain_text("năm sinh", timeout=WAIT)
    say(page, "1950")
    expect(page.locator(".message.from-bot").last).to_contain_text("Xin chọn thôn nơi đang sống:", timeout=WAIT)
    say(page, "thon ha")
    expect(page.locator(".message.from-bot").last).to_contain_text(SEN, timeout=WAIT)
    say(page, "hoạt động")
    listed = page.locator(".message.from-bot", has_text="1. ✍️ Đăng ký").last
    expect(listed).to_be_visible(timeout=WAIT)
    say(page, "1")
    expect(page.locator(".message.from-bot").last).to_contain_text("Đã đăng ký xong", timeout=WAIT)
    shot(page, "7-zalo-resident-registers-by-typing")
    open_chat(page, BINH)
    expect(page.locator(".message.from-bot", has_text="qua Zalo, nhắn cho Loa Làng").first).to_be_visible(timeout=WAIT)
    shot(page, "8-zalo-village-head-text-to-paste")
