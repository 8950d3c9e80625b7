"""Reference data an administrator edits: award forms, base salaries, money multiples and a
ballot rule, each with its legal source (UNCONFIRMED where the stored sources do not say)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import migrations

D98 = "Nghị định 98/2023/NĐ-CP (hết hiệu lực 01/07/2025)"
D152 = "Nghị định 152/2025/NĐ-CP (từ 01/07/2025)"
LAW = "Luật Thi đua, khen thưởng 06/2022/QH15"

FORMS = [
    ("bk-bca", "bang_khen", "Bằng khen của Bộ trưởng Bộ Công an", "Bộ trưởng Bộ Công an",
     ["collective", "individual", "household"], f"{LAW} Điều 74; {D152}"),
    ("bk-tw-hlhpn", "bang_khen", "Bằng khen của Trung ương Hội LHPN Việt Nam",
     "Đoàn Chủ tịch Trung ương Hội LHPN Việt Nam", ["collective", "individual"],
     f"{LAW} Điều 74, 76 (tổ chức chính trị - xã hội)"),
    ("gk-gdcat", "giay_khen", "Giấy khen của Giám đốc Công an tỉnh", "Giám đốc Công an tỉnh",
     ["collective", "individual", "household"], f"{LAW} Điều 80"),
    ("knc-bvantq", "ky_niem_chuong", "Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”",
     "Bộ trưởng Bộ Công an", ["individual"], "Quy định của Bộ Công an (UNCONFIRMED: văn bản chưa kiểm tra)"),
    ("bieu-duong", "bieu_duong", "Biểu dương điển hình tiên tiến",
     "Bộ Công an và Trung ương Hội LHPN Việt Nam", ["collective", "individual", "household"],
     "Hình thức động viên, không phải hình thức khen thưởng theo Luật 06/2022/QH15"),
]
# Base salary (mức lương cơ sở).
SALARIES = [
    (dt.date(2019, 7, 1), 1_490_000, "Nghị định 38/2019/NĐ-CP"),
    (dt.date(2023, 7, 1), 1_800_000, "Nghị định 24/2023/NĐ-CP"),
    (dt.date(2024, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP"),
]
# (form, subject type, multiple, from, until, source): Bằng khen of a minister, Giấy khen.
UNCONFIRMED = " (UNCONFIRMED: hệ số chưa đối chiếu văn bản gốc)"
MULTIPLES = [
    ("bk-bca", "individual", "1.0", dt.date(2024, 1, 1), dt.date(2025, 6, 30), D98 + UNCONFIRMED),
    ("bk-bca", "collective", "2.0", dt.date(2024, 1, 1), dt.date(2025, 6, 30), D98 + UNCONFIRMED),
    ("bk-bca", "household", "1.0", dt.date(2024, 1, 1), dt.date(2025, 6, 30), D98 + UNCONFIRMED),
    ("bk-bca", "individual", "1.0", dt.date(2025, 7, 1), None, D152 + UNCONFIRMED),
    ("bk-bca", "collective", "2.0", dt.date(2025, 7, 1), None, D152 + UNCONFIRMED),
    ("bk-bca", "household", "1.0", dt.date(2025, 7, 1), None, D152 + UNCONFIRMED),
    ("bk-tw-hlhpn", "individual", "1.0", dt.date(2024, 1, 1), None, D98 + "; " + D152 + UNCONFIRMED),
    ("bk-tw-hlhpn", "collective", "2.0", dt.date(2024, 1, 1), None, D98 + "; " + D152 + UNCONFIRMED),
    ("gk-gdcat", "individual", "0.3", dt.date(2024, 1, 1), None, D98 + "; " + D152 + UNCONFIRMED),
    ("gk-gdcat", "collective", "0.6", dt.date(2024, 1, 1), None, D98 + "; " + D152 + UNCONFIRMED),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    AwardForm = apps.get_model("awards", "AwardForm")
    BaseSalary = apps.get_model("awards", "BaseSalary")
    AwardMultiple = apps.get_model("awards", "AwardMultiple")
    BallotRule = apps.get_model("awards", "BallotRule")
    forms = {}
    for code, kind, name, authority, subjects, source in FORMS:
        forms[code], _ = AwardForm.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name": name,
                "granting_authority": authority,
                "subject_types": subjects,
                "legal_source": source,
            },
        )
    for valid_from, amount, source in SALARIES:
        BaseSalary.objects.get_or_create(
            valid_from=valid_from, defaults={"amount_vnd": amount, "legal_source": source}
        )
    for code, subject, multiple, start, end, source in MULTIPLES:
        AwardMultiple.objects.get_or_create(
            form=forms[code],
            subject_type=subject,
            valid_from=start,
            defaults={"multiple": Decimal(multiple), "valid_to": end, "legal_source": source},
        )
    BallotRule.objects.get_or_create(
        name="Bỏ phiếu kín: quá nửa số thành viên không phải tránh",
        defaults={
            "pass_share": Decimal("0.501"),
            "quorum_share": Decimal("0.667"),
            "tie_rules": ["women_first", "more_votes", "collective_first"],
            "valid_from": dt.date(2024, 1, 1),
            "legal_source": (
                "Ngưỡng bỏ phiếu: UNCONFIRMED (không có trong nguồn đã kiểm tra, do hội đồng quy "
                "định); ưu tiên nữ khi bằng điểm: Nghị định 152/2025/NĐ-CP Điều 4"
            ),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
