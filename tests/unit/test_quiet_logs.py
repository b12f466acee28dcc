"""At INFO the log says what the bot did: making the director's PDF report writes nothing of the font library's."""

from __future__ import annotations

import subprocess
import sys

# Run as `loalang` runs: logging configured first, then a PDF with the Vietnamese fonts subset into it.
MAKE_A_PDF = """
from bot import logs
logs.configure()
import logging
from bot.i18n import Translator
from bot.reports import pdf
from bot.reports.layout import Report, Sheet
sheet = Sheet(title="Năm", heading=["Báo cáo năm"], columns=["Số", "Thôn"], rows=[[1, "Thôn Đông"]],
              masthead=(["UBND XÃ"], ["CỘNG HÒA"]), signature=["GIÁM ĐỐC", "(Ký tên)"])
made = pdf.write(Report("bao-cao.pdf", [sheet]), Translator("vi", "Asia/Ho_Chi_Minh"))
logging.getLogger("bot.reports").info("report made: %d bytes", len(made))
"""


def test_the_directors_pdf_report_leaves_no_font_library_lines_in_the_log() -> None:
    done = subprocess.run([sys.executable, "-c", MAKE_A_PDF], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    logged = done.stderr.splitlines()
    assert [line for line in logged if "report made" in line]  # the bot's own INFO still shows
    assert not [line for line in logged if "fontTools" in line or " fpdf" in line or " PIL" in line], logged
