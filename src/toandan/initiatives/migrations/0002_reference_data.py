"""Seed the reference data: themes, the review calendar, the criteria and the grades. All of it
is editable in the admin; each rule names its legal source (some of it unconfirmed: see the
`legal_source` texts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

THEMES = [
    ("camera", "Camera an ninh", "Lắp đặt, quản lý camera giám sát an ninh trật tự khu dân cư"),
    ("tu-quan", "Tự quản về an ninh trật tự", "Tổ, khu dân cư tự quản, tự phòng, tự bảo vệ"),
    ("ma-tuy", "Phòng, chống ma túy", "Khu dân cư không có ma túy, giúp người cai nghiện"),
    ("bao-luc-gia-dinh", "Phòng, chống bạo lực gia đình", "Địa chỉ tin cậy, nhà tạm lánh"),
    ("toi-pham", "Phòng ngừa tội phạm ở khu dân cư", "Gia đình không có tội phạm, tệ nạn xã hội"),
    ("giao-thong", "An toàn giao thông", "Cổng trường an toàn giao thông, tuyến đường tự quản"),
    ("pccc", "Phòng cháy, chữa cháy", "Tổ liên gia an toàn phòng cháy, chữa cháy"),
    ("hoa-giai", "Hòa giải ở cơ sở", "Tổ hòa giải, giải quyết mâu thuẫn từ cơ sở"),
    ("tai-hoa-nhap", "Giúp người chấp hành xong án phạt tù tái hòa nhập", "Nhận đỡ đầu, tạo việc làm"),
    ("lua-dao-mang", "Phòng, chống lừa đảo trên không gian mạng", "Tuyên truyền nhận diện lừa đảo"),
    ("truyen-thong", "Truyền thông, tuyên truyền", "Nhóm Zalo, trang Facebook, loa truyền thanh"),
    ("khac", "Khác", ""),
]

CRITERIA = [
    ("ke-hoach", "Có quyết định thành lập, quy chế và kế hoạch hoạt động hằng năm", 10,
     "Tiêu chí Q1: nghị quyết, kế hoạch (3 điểm) — QĐ 510/QĐ-BCA-V05, Điều 7."),
    ("tuyen-truyen", "Tuyên truyền đến ít nhất 90% hội viên, hộ gia đình trên địa bàn", 10,
     "Tuyên truyền đạt ≥ 90% (3 điểm) — QĐ 510/QĐ-BCA-V05, Điều 7."),
    ("sinh-hoat", "Duy trì sinh hoạt, họp định kỳ theo quy chế", 10, ""),
    ("tin-bao", "Cung cấp thông tin, tin báo về an ninh trật tự cho Công an", 10, ""),
    ("ket-qua", "Giảm vụ việc vi phạm pháp luật, tệ nạn xã hội trên địa bàn", 10, ""),
]
CRITERIA_SOURCE = (
    "QĐ 510/QĐ-BCA-V05 (20/01/2022), tiêu chí chấm điểm; tiêu chí đánh giá hiệu quả mô hình của "
    "HD 22/HD-BCA-V05 chưa xác minh được nguyên văn — CHƯA XÁC NHẬN, cần quản trị viên rà soát."
)

GRADES = [
    ("xuat-sac", "Xuất sắc", 1, True),
    ("tot", "Tốt", 2, True),
    ("kha", "Khá", 3, True),
    ("trung-binh", "Trung bình", 4, False),
    ("yeu", "Yếu", 5, False),
]
GRADES_SOURCE = (
    "HD 01/HD-BCA-V05 (2026): 4 mức, “xuất sắc” ≤ 20% số “tốt” (áp dụng cho Tổ bảo vệ ANTT; áp "
    "dụng cho mô hình là quyết định của dự án — CHƯA XÁC NHẬN)."
)
CALENDAR_SOURCE = (
    "QĐ 510/QĐ-BCA-V05 (20/01/2022): khu dân cư trước 20/11, xã, cơ quan, doanh nghiệp, nhà "
    "trường trước 30/11; HD 01/HD-BCA-V05: năm đánh giá 15/11 năm trước đến 14/11, tổ dưới 9 "
    "tháng không xếp loại, “xuất sắc” ≤ 20% “tốt”. Ngày thống kê 20/11 theo bài báo nguồn."
)


def seed(apps: Any, schema_editor: Any) -> None:
    Theme = apps.get_model("initiatives", "Theme")
    Criterion = apps.get_model("initiatives", "Criterion")
    Grade = apps.get_model("initiatives", "Grade")
    ReviewCalendar = apps.get_model("initiatives", "ReviewCalendar")
    for order, (code, name, description) in enumerate(THEMES):
        Theme.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )
    for order, (code, text, points, source_text) in enumerate(CRITERIA):
        Criterion.objects.get_or_create(
            code=code,
            defaults={
                "text": text, "max_points": points, "source_text": source_text,
                "legal_source": CRITERIA_SOURCE, "order": order,
            },
        )
    grades = {}
    for code, name, order, effective in GRADES:
        grades[code], _created = Grade.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "order": order, "effective": effective,
                "legal_source": GRADES_SOURCE,
            },
        )
    if grades["xuat-sac"].capped_by_id is None:
        grades["xuat-sac"].capped_by = grades["tot"]
        grades["xuat-sac"].save()
    if not ReviewCalendar.objects.exists():
        ReviewCalendar.objects.create(
            name="Lịch sơ kết, tổng kết hằng năm (QĐ 510, HD 01)",
            valid_from=dt.date(2010, 1, 1),
            legal_source=CALENDAR_SOURCE,
        )


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
