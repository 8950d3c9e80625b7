"""The announced changes loaded with the calendar (2019–2027), each with its source.

Only what the `holidays` package (pinned in pyproject.toml) cannot know or where it must be
backed by the announcing act: Saturdays made working days by a swap, and days off announced on
top of the Labour Code. Days the package already computes (Tết, Giỗ Tổ Hùng Vương, days off in
lieu) are listed only when they belong to an announced break, so the table reads as the record
of what the Government announced. A source starting "UNCONFIRMED" could not be checked against
an official text; administrators correct entries in the admin (Calendar changes).

No 2020–2023 or 2027 swap is listed: none was found for 2020–2023 (in 2023 the 30/4–1/5 break
came from days off in lieu only), and none for 2027 had been announced when this was written.
"""

from __future__ import annotations

import datetime as dt

OFF = "day_off"
WORK = "working_day"

_VPCP_6519 = (
    "UNCONFIRMED: Công văn 6519/VPCP-KGVX năm 2018 của Văn phòng Chính phủ (nghỉ lễ, Tết 2019), "
    "as cited by the holidays package; official text not checked"
)
_VPCP_2450 = (
    "Công văn 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc "
    "dịp 30/4, 1/5/2024)"
)
_2025_SWAP = (
    "UNCONFIRMED document number: hoán đổi thứ Sáu 2/5/2025 sang thứ Bảy 26/4/2025, "
    "as reported by TTXVN/VietnamPlus (vietnamplus.vn, post1033115)"
)
_VPCP_12729 = (
    "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (Tết Dương lịch 2026: "
    "nghỉ 1/1–4/1, hoán đổi thứ Sáu 2/1 sang thứ Bảy 10/1/2026)"
)
_BNV_9441 = (
    "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ (nghỉ Tết Âm lịch 2026 từ 14/2 "
    "đến hết 22/2/2026)"
)
_2026_SEP = (
    "UNCONFIRMED: hoán đổi thứ Hai 31/8/2026 sang thứ Bảy 22/8/2026 (Quốc khánh 2026), "
    "as in the holidays package; reportedly Thông báo 9441/TB-BNV, not checked"
)

TET_2026 = "Nghỉ Tết Nguyên đán Bính Ngọ"

ANNOUNCED: list[tuple[dt.date, str, str, str]] = [
    (dt.date(2019, 1, 5), WORK, "Làm bù cho ngày nghỉ 31/12/2018", _VPCP_6519),
    (dt.date(2019, 4, 29), OFF, "Nghỉ hoán đổi dịp 30/4, 1/5", _VPCP_6519),
    (dt.date(2019, 5, 4), WORK, "Làm bù cho ngày nghỉ 29/4/2019", _VPCP_6519),
    (dt.date(2024, 4, 29), OFF, "Nghỉ hoán đổi dịp 30/4, 1/5", _VPCP_2450),
    (dt.date(2024, 5, 4), WORK, "Làm bù cho ngày nghỉ 29/4/2024", _VPCP_2450),
    (dt.date(2025, 4, 26), WORK, "Làm bù cho ngày nghỉ 2/5/2025", _2025_SWAP),
    (dt.date(2025, 5, 2), OFF, "Nghỉ hoán đổi dịp 30/4, 1/5", _2025_SWAP),
    (dt.date(2026, 1, 2), OFF, "Nghỉ hoán đổi dịp Tết Dương lịch", _VPCP_12729),
    (dt.date(2026, 1, 10), WORK, "Làm bù cho ngày nghỉ 2/1/2026", _VPCP_12729),
    *[(dt.date(2026, 2, day), OFF, TET_2026, _BNV_9441) for day in range(14, 23)],
    (dt.date(2026, 8, 22), WORK, "Làm bù cho ngày nghỉ 31/8/2026", _2026_SEP),
    (dt.date(2026, 8, 31), OFF, "Nghỉ hoán đổi dịp Quốc khánh", _2026_SEP),
]
