# ruff: noqa: E501  (the seeds' rows are kept one to a line, as in the paper table)
"""Write the seeds' own plan tables as spreadsheets, as a center would type them: run
`uv run python samples/make_samples.py` after changing a table here.

- ke-hoach-tung-thang-2017-2018.xlsx: seed 001, section V "KẾ HOẠCH TỪNG THÁNG", as written: the month
  ("09/2017") only on a month's first row, no day, no time, and the empty cells left empty.
- tuan-le-hoc-tap-suot-doi-2025.xlsx: seed 003's programme (sections III and IV): dates, and a time only
  where the seed gives one ("13h30’ ngày 06/10/2025"), with the learners it expects.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent

MONTHLY_HEADER = [
    "Tháng",
    "Nội dung hoạt động",
    "Số người tham gia",
    "Đối tượng học",
    "Đơn vị phối hợp/Người dạy",
    "Kinh phí",
]
MONTHLY = [
    ["09/2017", "Học tập về luật giao thông hưởng ứng tháng an toàn giao thông", "", "Học sinh", "Trường Tiểu học và THCS", ""],
    ["", "Tổ chức chương trình khai giảng và ngày hội toàn dân đưa trẻ đến trường", "", "Học sinh", "Trường Mầm non, Tiểu học và THCS", ""],
    ["", "Tổ chức tuyên truyền giảm thiểu mất cân bằng giới tính khi sinh", "", "Người dân trong độ tuổi sinh đẻ", "TT y tế Huyện", ""],
    ["", "Vệ sinh môi trường", "", "Học sinh", "Trường THCS", ""],
    ["10/2017", "Tổ chức lễ kỷ niệm ngày quốc tế người cao tuổi", "", "Người cao tuổi phường", "Hội người cao tuổi phường", ""],
    ["", "Hội nghị cán bộ viên chức lao động.", "", "cán bộ viên chức lao động.", "Các trường trên địa bàn", ""],
    ["", "Tổ chức kỷ niệm ngày phụ nữ Việt nam 20/10", "", "Phụ nữ", "- Các trường trên địa bàn.\n\n- Hội phụ nữ phường.", ""],
    ["11/2017", "Giáo dục truyền thống ngày nhà giáo Việt Nam 20/11", "", "Học sinh", "Phối kết hợp 3 trường", ""],
    ["", "Tập huấn kỹ thuật chăm sóc cây lúa", "", "Người trồng lúa", "Hội nông dân phường", ""],
    ["", "Bồi dưỡng kiến thức Quốc phòng – An ninh", "", "Cán bộ phường, khu", "Dân quân tự vệ phường", ""],
    ["12/2017", "Truyền thông dân số kế hoạch hóa gia đình", "", "Cán bộ phường, khu, nhân dân trong phường.", "TT y tế Huyện", ""],
    ["", "Truyền thống anh bộ đội cụ Hồ", "", "Học sinh", "Trường Tiểu học và THCS", ""],
    ["", "Hoạt động kỷ niệm ngày 22/12", "", "Cán bộ phường, khu, CCB, học sinh", "Các trường trên địa bàn", ""],
    ["01/2018", "Tuyên truyền hướng dẫn bảo vệ môi trường", "", "Học sinh", "Trường THCS", ""],
    ["", "Giao lưu văn nghệ Hội người cao tuổi", "", "Người cao tuổi", "Hội người cao tuổi phường", ""],
    ["", "Hội nghị chỉ đạo triển khai kế hoạch vụ chiêm xuân", "", "Cán bộ phường, khu", "Đảng ủy – UBND phường", ""],
    ["02/2018", "Hội nghị chuyển giao khoa học- kỹ thuật về chăm sóc giống lúa mới chất lượng cao", "", "Nông dân", "Hội nông dân", ""],
    ["", "Tuyên truyền phòng chống tệ nạn xã hội", "", "Đoàn thanh niên, Hội phụ nữ", "TT y tế thị xã", ""],
    ["", "Hướng dẫn kỹ thuật phòng trừ sâu bệnh trên lúa", "", "Nông dân", "Cán bộ phòng nông nghiệp", ""],
    ["03/2018", "Hoạt động chào mừng ngày 8 - 3", "", "Phụ nữ", "Hội phụ nữ phường", ""],
    ["", "Tuyên truyền, giáo dục truyền thống nhân ngày TL ĐTN 26/3", "", "Học sinh", "Trường THCS", ""],
    ["", "Tập huấn kỹ thuật chăm sóc lúa", "", "Nông dân", "Hội nông dân", ""],
    ["", "Tập huấn kỹ thuật chăn nuôi gia súc gia cầm và nuôi trồng thuỷ sản", "", "Nông dân", "Hội nông dân", ""],
    ["05/2018", "Tập dưỡng sinh", "", "Người cao tuổi", "Hội NCT", ""],
    ["", "Tp huấn chuyển giao khoa học kỹ thuật sử dụng phân bón chất lượng cao", "", "Nông dân", "Hội nông dân", ""],
    ["", "Tuyên truyền vận động xây dựng nông thôn mới", "", "Nhân dân", "Ban chỉ đạo xây dựng nông thôn mới phường", ""],
    ["", "Vệ sinh môi trường", "", "Đoàn TN phường, học sinh", "Đoàn phường, Trường THCS", ""],
    ["06/2018", "Tổ chức tết thiếu nhi 01/06", "", "Thiếu nhi trong toàn phường", "Phối hợp với các thôn", ""],
    ["", "Phổ biến pháp luật: Quyền trẻ em", "", "Học sinh", "Hội luật gia", ""],
    ["", "Bồi dưỡng kỹ thuật làm trại cho cán bộ Đoàn", "", "Đoàn thanh niên", "Bí thư Đoàn phường", ""],
    ["", "Tuyên truyền ATGT", "", "Học sinh", "Trường Tiểu học và THCS", ""],
    ["08/2018", "Tổ chức trại hè", "", "Thiếu niên nhi đồng", "Đoàn thanh niên", ""],
    ["", "Lớp bồi dưỡng tin học", "", "Đoàn viên phường", "Trường THCS", ""],
    ["", "Tuyên truyền phòng chống HIV/ AIDS", "", "Học sinh", "TT y tế thị xã", ""],
]  # fmt: skip

WEEK_TITLE = [
    "KẾ HOẠCH",
    "Tổ chức Khai giảng Trung tâm học tập cộng đồng năm học 2025 – 2026",
    "và hưởng ứng “Tuần lễ học tập suốt đời năm 2025”",
]
WEEK_HEADER = ["TT", "Ngày", "Nội dung", "Số học viên tham gia", "Địa điểm"]
WEEK = [
    [1, "03/10/2025", "Chuyên đề: “Khái niệm và các loại AI, Ứng dụng AI trong các lĩnh vực đời sống và công việc (như quản lý nhà nước, giáo dục, bán lẻ, y tế, quản lý nhân sự)”", 150, ""],
    [2, "05/10/2025", "Chuyên đề “Chuyển đổi số và cuộc sống”", 120, ""],
    [3, "13h30’ ngày 06/10/2025", "Lễ khai giảng TTHT và hưởng ứng “Tuần lễ hưởng ứng học tập suốt đời”", "", "Hội trường Nhà văn hóa UBND xã Thanh Bình"],
    [4, "07/10/2025", "Chuyên đề “Giải pháp phòng chống tội phạm”", 100, ""],
    [5, "08/10/2025", "Tổng kết tuần lễ hưởng ứng học tập suốt đời", "", ""],
]  # fmt: skip


def write(path: Path, title: list[str], header: list[str], rows: list[list[object]], widths: list[int]) -> None:
    """One sheet: the title lines, the header in bold, then the rows; an empty cell stays empty."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Kế hoạch"
    for line in title:
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for line in sheet.iter_rows(min_row=len(title) + 1):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.creator = "Loa Làng"
    book.save(path)


def main() -> None:
    write(
        HERE / "ke-hoach-tung-thang-2017-2018.xlsx",
        ["V. KẾ HOẠCH TỪNG THÁNG."],
        MONTHLY_HEADER,
        MONTHLY,
        [10, 60, 12, 30, 35, 12],
    )
    write(HERE / "tuan-le-hoc-tap-suot-doi-2025.xlsx", WEEK_TITLE, WEEK_HEADER, WEEK, [5, 24, 70, 14, 40])


if __name__ == "__main__":
    main()
