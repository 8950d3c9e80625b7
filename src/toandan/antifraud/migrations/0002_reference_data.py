"""Reference data of antifraud: scam types (one per fraud category of tips), the listing rule
(UNCONFIRMED in law: an administrator edits it, with its source) and the curated official
list (emergency short codes, banks' hotlines, government sites) the lookup calls "official".
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

DO_NOW_VI = (
    "Không chuyển tiền, không cung cấp mã OTP, mật khẩu hay ảnh giấy tờ. Nếu đã chuyển tiền, "
    "gọi ngay tổng đài của ngân hàng bạn để yêu cầu phong tỏa giao dịch, rồi báo công an "
    "nơi gần nhất hoặc gọi 113."
)
DO_NOW_EN = (
    "Do not transfer money or give an OTP code, a password or pictures of your papers. If you "
    "have transferred money, call your bank's hotline at once to have the transfer blocked, "
    "then report to the nearest police station or call 113."
)

SCAM_TYPES = [
    ("fake-authority", "fraud-fake-authority", "Giả danh công an, viện kiểm sát, tòa án",
     "Impersonating police, procuracy or court",
     "Công an không làm việc qua điện thoại và không yêu cầu chuyển tiền “để xác minh”. ",
     "The police never deal with cases by phone nor ask for money “for checks”. "),
    ("fake-bank", "fraud-fake-bank", "Giả danh ngân hàng", "Impersonating a bank",
     "Ngân hàng không bao giờ hỏi mã OTP hay gửi đường link đăng nhập qua tin nhắn. ",
     "Banks never ask for OTP codes nor send login links by SMS. "),
    ("investment", "fraud-investment", "Đầu tư, tiền ảo, sàn giao dịch giả",
     "Investment, crypto and fake trading platforms",
     "Lợi nhuận cao, chắc chắn là dấu hiệu lừa đảo. ",
     "High, guaranteed returns are a sign of fraud. "),
    ("task", "fraud-task", "“Việc nhẹ lương cao”, làm nhiệm vụ nhận hoa hồng",
     "“Easy job, high pay” and task scams",
     "Việc làm thật không bắt bạn nạp tiền trước. ",
     "A real job never asks you to deposit money first. "),
    ("deepfake", "fraud-deepfake", "Cuộc gọi video giả người quen",
     "Deepfake video calls", "Gọi lại cho người thân bằng số bạn đã biết. ",
     "Call your relative back on the number you know. "),
    ("sim-lock", "fraud-sim-lock", "Báo “khóa SIM”, chuẩn hóa thuê bao",
     "“Your SIM will be locked” calls",
     "Nhà mạng không yêu cầu mã OTP qua điện thoại. ",
     "Carriers never ask for OTP codes by phone. "),
    ("mistaken-transfer", "fraud-mistaken-transfer", "Chuyển tiền “nhầm”, biên lai giả",
     "Money “sent by mistake”, fake receipts",
     "Chỉ trả lại tiền chuyển nhầm qua ngân hàng của bạn. ",
     "Return money sent by mistake only through your own bank. "),
    ("parcel-prize", "fraud-parcel-prize", "Giao hàng, bưu kiện, trúng thưởng",
     "Parcel and prize scams",
     "Không đóng phí để nhận bưu kiện hay giải thưởng bạn không chờ. ",
     "Do not pay a fee for a parcel or prize you did not expect. "),
    ("romance", "fraud-romance", "Lừa tình cảm qua mạng", "Romance scams",
     "Người quen trên mạng nhờ nhận quà hay đóng phí là dấu hiệu lừa đảo. ",
     "An online friend asking you to pay for a gift or a fee is a sign of fraud. "),
    ("recovery", "fraud-recovery", "Dịch vụ “lấy lại tiền bị lừa” giả",
     "Fake “get your money back” services",
     "Chỉ công an mới điều tra và thu hồi tài sản, không thu phí. ",
     "Only the police investigate and recover property, free of charge. "),
    ("other", "fraud-other", "Lừa đảo chiếm đoạt tài sản khác", "Other fraud", "", ""),
]  # fmt: skip

OFFICIAL = [
    ("phone", "113", "113", "Công an (cảnh sát 113)"),
    ("phone", "114", "114", "Cứu hỏa, cứu nạn cứu hộ"),
    ("phone", "115", "115", "Cấp cứu y tế"),
    ("phone", "1900545413", "1900 54 54 13", "Vietcombank"),
    ("phone", "19009247", "1900 9247", "BIDV"),
    ("phone", "1900558868", "1900 558 868", "VietinBank"),
    ("phone", "1900558818", "1900 558 818", "Agribank"),
    ("phone", "1800588822", "1800 588 822", "Techcombank"),
    ("phone", "1900545426", "1900 545 426", "MB"),
    ("domain", "bocongan.gov.vn", "bocongan.gov.vn", "Bộ Công an"),
    ("domain", "chinhphu.vn", "chinhphu.vn", "Cổng thông tin điện tử Chính phủ"),
    ("domain", "dichvucong.gov.vn", "dichvucong.gov.vn", "Cổng Dịch vụ công quốc gia"),
    ("domain", "vietcombank.com.vn", "vietcombank.com.vn", "Vietcombank"),
    ("domain", "bidv.com.vn", "bidv.com.vn", "BIDV"),
    ("domain", "vietinbank.vn", "vietinbank.vn", "VietinBank"),
    ("domain", "agribank.com.vn", "agribank.com.vn", "Agribank"),
]
OFFICIAL_SOURCE = (
    "Số và trang công bố trên trang chính thức của cơ quan, ngân hàng; quản trị viên kiểm tra "
    "lại trước khi công bố (UNCONFIRMED)."
)


def forwards(apps: Any, schema_editor: Any) -> None:
    ScamType = apps.get_model("antifraud", "ScamType")
    ListingRule = apps.get_model("antifraud", "ListingRule")
    OfficialEntry = apps.get_model("antifraud", "OfficialEntry")
    for order, (code, category, name_vi, name_en, advice_vi, advice_en) in enumerate(SCAM_TYPES):
        ScamType.objects.update_or_create(
            code=code,
            defaults={
                "category_code": category,
                "name_vi": name_vi,
                "name_en": name_en,
                "advice_vi": advice_vi + DO_NOW_VI,
                "advice_en": advice_en + DO_NOW_EN,
                "order": order,
            },
        )
    if not ListingRule.objects.exists():
        ListingRule.objects.create(
            reports_to_show=2,
            expiry_days=365,
            legal_source=(
                "Chưa có văn bản quy định (UNCONFIRMED): mặc định theo thông lệ — một báo cáo "
                "không tự đưa vào danh sách (ScamShield); hết hạn sau 12 tháng không có báo cáo "
                "mới. Quản trị viên sửa khi có hướng dẫn của Bộ Công an."
            ),
        )
    for kind, value, display, owner in OFFICIAL:
        OfficialEntry.objects.update_or_create(
            kind=kind,
            value=value,
            defaults={"display": display, "owner": owner, "source": OFFICIAL_SOURCE},
        )


class Migration(migrations.Migration):
    dependencies = [("antifraud", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
