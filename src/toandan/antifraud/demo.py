"""Demo data of antifraud (called by `toandan demo`): realistic Vietnamese scams that become
indicators the way real ones do.

Each scenario is sent as citizens' fraud tips through the real tips intake (the public API,
in process, each from its own documentation address so the intake's rate limit sees several
citizens); the officer of the commune reads the identifiers the tips app extracted
(`toandan.tips.interface.fraud`), confirms the fraudster's, and the Hà Nội police leader
verifies them (the second officer). One scenario stays "being verified", one has a single
report (not public).

Every identifier is fictional and cannot be anyone's (docs/notes/antifraud.md):
- phone numbers in 053x and 054x, ranges not allocated in Vietnam's numbering plan;
- bank accounts at "MinhHoaBank", BIN 999999, a fictional bank of the shipped table;
- sites under `.invalid` and `.example` (RFC 2606 reserved names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.test import Client

from toandan.accounts.models import User
from toandan.antifraud import services
from toandan.antifraud.models import Indicator, IndicatorStatus
from toandan.tips.interface.fraud import fraud_tip_id, fraud_tip_identifiers

HANOI = "01"
HOAN_KIEM = "00070"
BA_DINH = "00004"
OFFICERS = {HOAN_KIEM: "ca.hoankiem", BA_DINH: "ca.badinh"}
VERIFIER = "ca.hanoi"


@dataclass(frozen=True)
class DemoReport:
    commune: str
    description: str
    loss_vnd: int = 0


@dataclass(frozen=True)
class Scenario:
    name: str
    category: str
    reports: tuple[DemoReport, ...]
    verify: bool = True


SCENARIOS = (
    Scenario(
        "giả danh công an",
        "fraud-fake-authority",
        (
            DemoReport(
                HOAN_KIEM,
                "Tôi nhận cuộc gọi từ số 0531 000 113, người gọi xưng là cán bộ Công an quận, "
                "nói tôi liên quan đường dây rửa tiền, bắt truy cập "
                "bocongan-xacminh.invalid/khai-bao để khai báo và chuyển 50 triệu vào "
                "STK 9704 0000 1111 Ngân hàng Minh Họa để “xác minh”. Tôi đã chuyển 50 triệu.",
                50_000_000,
            ),
            DemoReport(
                BA_DINH,
                "Mẹ tôi bị gọi từ 0531000113, tự xưng điều tra viên, dọa bắt tạm giam nếu không "
                "chuyển tiền vào tài khoản 970400001111 MinhHoaBank. Gia đình chưa chuyển.",
            ),
        ),
    ),
    Scenario(
        "giả danh ngân hàng",
        "fraud-fake-bank",
        (
            DemoReport(
                HOAN_KIEM,
                "Tin nhắn: “[VCB] Tai khoan cua Quy khach se bi khoa do chua cap nhat sinh trac "
                "hoc. Cap nhat ngay tai vietcombạnk-xacthuc.invalid hoac goi 0541 222 333”. "
                "Tôi bấm vào và nhập mã OTP, mất 18 triệu.",
                18_000_000,
            ),
            DemoReport(
                BA_DINH,
                "Số 0541222333 gọi tự nhận nhân viên ngân hàng, hướng dẫn vào trang "
                "vietcombạnk-xacthuc.invalid để nâng hạn mức thẻ.",
            ),
        ),
    ),
    Scenario(
        "việc nhẹ lương cao",
        "fraud-task",
        (
            DemoReport(
                HOAN_KIEM,
                "Tuyển cộng tác viên làm nhiệm vụ thả tim TikTok 300–500 nghìn/ngày, liên hệ "
                "zalo.me/0539888777. Sau 3 nhiệm vụ bắt nạp tiền vào STK 0000 2222 3333 "
                "MinhHoaBank để “mở khóa hoa hồng”, tôi mất 32 triệu.",
                32_000_000,
            ),
            DemoReport(
                HOAN_KIEM,
                "Em gái tôi được mời làm việc online qua Zalo 0539 888 777, đã nạp 7 triệu vào "
                "tài khoản 000022223333 Ngân hàng Minh Họa rồi không rút được.",
                7_000_000,
            ),
        ),
    ),
    Scenario(
        "giao hàng, bưu kiện",
        "fraud-parcel-prize",
        (
            DemoReport(
                BA_DINH,
                "Số 0548 765 432 tự xưng bưu tá, báo có bưu kiện COD, gửi link "
                "giaohang-nhanh.example/thanh-toan để trả phí 35 nghìn, sau đó tài khoản "
                "của tôi bị trừ 9 triệu.",
                9_000_000,
            ),
            DemoReport(
                HOAN_KIEM,
                "Nhận tin nhắn bưu kiện bị giữ, bấm giaohang-nhanh.example/thanh-toan, nhập "
                "thẻ. Người gọi dùng số 0548765432.",
            ),
        ),
        verify=False,  # stays "being verified": two reports, no second officer yet
    ),
    Scenario(
        "đầu tư tiền ảo",
        "fraud-investment",
        (
            DemoReport(
                HOAN_KIEM,
                "Nhóm chat mời đầu tư tiền ảo trên sàn coinvidu.example, cam kết lãi 30%/tháng; "
                "“chuyên gia” dùng số 0536 444 555. Tôi nạp 120 triệu, không rút được.",
                120_000_000,
            ),
        ),
        verify=False,  # one report: never public by itself
    ),
    Scenario(
        "lừa tình cảm",
        "fraud-romance",
        (
            DemoReport(
                BA_DINH,
                "Người quen trên mạng xưng là kỹ sư ở nước ngoài, nhờ đóng phí nhận quà qua "
                "STK 0000 5555 6666 MinhHoaBank, số liên lạc 0547 321 654. Tôi mất 40 triệu.",
                40_000_000,
            ),
            DemoReport(
                HOAN_KIEM,
                "Bạn trai quen qua mạng nhờ chuyển tiền “phí hải quan” vào tài khoản "
                "000055556666 Ngân hàng Minh Họa.",
                15_000_000,
            ),
        ),
    ),
)


def _send_tip(category: str, report: DemoReport, address: str) -> str | None:
    """A citizen's tip through the public intake API; its reference, or None if refused."""
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    client = Client(REMOTE_ADDR=address, HTTP_HOST=host)
    body = {
        "category": category,
        "description": report.description,
        "province": HANOI,
        "commune": report.commune,
    }
    response = client.post(
        "/api/v1/tips",
        json.dumps(body),
        content_type="application/json",
        secure=bool(getattr(settings, "SECURE_SSL_REDIRECT", False)),
    )
    if response.status_code != 201:
        return None
    return str(response.json()["reference"])


def _load_scenario(scenario: Scenario, users: dict[str, User], number: int) -> int:
    """The scenario's tips, reports and verification; the number of indicators it made."""
    made: set[int] = set()
    for index, report in enumerate(scenario.reports):
        officer = users.get(OFFICERS[report.commune])
        if officer is None:
            return 0
        # Documentation addresses (RFC 5737): a different "citizen" per tip.
        reference = _send_tip(scenario.category, report, f"198.51.100.{number * 10 + index + 1}")
        if reference is None:
            continue
        tip_id = fraud_tip_id(officer, reference)
        tip = fraud_tip_identifiers(officer, tip_id) if tip_id is not None else None
        if tip is None:
            continue
        for identifier in tip.identifiers:
            result = services.indicator_report_confirm(
                actor=officer, tip=tip, identifier=identifier, loss_vnd=report.loss_vnd
            )
            made.add(result.indicator.pk)
    verifier = users.get(VERIFIER)
    if scenario.verify and verifier is not None:
        for indicator in Indicator.objects.filter(pk__in=made, status=IndicatorStatus.REPORTED):
            services.indicator_verify(actor=verifier, indicator=indicator)
    return len(made)


def _already_loaded(scenario: Scenario) -> bool:
    from toandan.identifiers.extract import extract

    first = extract(scenario.reports[0].description)
    return (
        bool(first) and Indicator.objects.filter(kind=first[0].kind, value=first[0].value).exists()
    )


DEMO_WARNING = (
    "Cảnh báo: giả danh bưu tá thu phí giao hàng qua đường dẫn lạ",
    (
        "Đối tượng gọi điện hoặc nhắn tin báo bạn có bưu kiện bị giữ, yêu cầu bấm vào đường "
        "dẫn (ví dụ giaohang-nhanh.example) để trả phí vài chục nghìn đồng. Trang giả yêu cầu "
        "nhập số thẻ và mã OTP, sau đó tài khoản bị trừ tiền."
    ),
    (
        "Không bấm đường dẫn trong tin nhắn lạ, không cung cấp mã OTP. Kiểm tra số điện thoại, "
        "đường dẫn tại trang Tra cứu lừa đảo. Nếu đã chuyển tiền, gọi ngay tổng đài ngân hàng "
        "và báo Công an nơi gần nhất."
    ),
)


def _demo_warning(users: dict[str, User]) -> bool:
    from toandan.antifraud.models import FraudWarning, ScamType
    from toandan.orgs.models import OrgUnit

    leader = users.get(VERIFIER)
    audience = OrgUnit.objects.filter(code="CA-01").first()
    title, how, what = DEMO_WARNING
    if leader is None or audience is None or FraudWarning.objects.filter(title=title).exists():
        return False
    warning = services.warning_create(
        actor=leader,
        title=title,
        how_it_works=how,
        what_to_do=what,
        audience=audience,
        scam_type=ScamType.objects.filter(code="parcel-prize").first(),
    )
    services.warning_publish(actor=leader, warning=warning)
    return True


def load_demo() -> str:
    users = {
        user.username: user
        for user in User.objects.filter(username__in={*OFFICERS.values(), VERIFIER})
    }
    if len(users) < len(OFFICERS) + 1:
        return "skipped: load the demo accounts first"
    created = 0
    for number, scenario in enumerate(SCENARIOS, start=1):
        if _already_loaded(scenario):
            continue
        created += _load_scenario(scenario, users, number)
    warned = _demo_warning(users)
    verified = Indicator.objects.filter(status=IndicatorStatus.VERIFIED).count()
    return (
        f"{created} indicators created from demo fraud tips ({verified} verified)"
        f"{', a warning published' if warned else ''}. "
        "Try /fraud/ with: 0531 000 113, 0548 765 432, STK 0000 2222 3333 MinhHoaBank"
    )
