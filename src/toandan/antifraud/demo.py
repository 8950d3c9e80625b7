"""Demo data of antifraud (called by `toandan demo`): realistic Vietnamese scams that become
indicators the way real ones do.

Each scenario is sent as citizens' fraud tips through the real tips intake (the public API,
in process, each from its own documentation address so the intake's rate limit sees several
citizens); the officer of the commune reads the identifiers the tips app extracted
(`toandan.tips.interface.fraud`), confirms the fraudster's, and the Hà Nội police leader
verifies them (the second officer). One scenario stays "being verified", one has a single
report (not public). In one, two victims report the phishing link each of them got, carrying
their own e-mail or phone and a token: the officer confirms it through the real flow and the
indicator keeps one link with `[redacted]` in their place.

Besides the lookup: a warning; two holders' appeals sent through the public appeal API (one
waits for an officer, one is rejected with a reason); and the key of the hash-prefix API
rotated once (the service of `toandan fraud rotate-range-key`), so `range-key-status` shows
the previous key answering during its overlap. A second run adds nothing.

Every identifier is fictional and cannot be anyone's (docs/notes/antifraud.md):
- phone numbers in 053x and 054x, ranges not allocated in Vietnam's numbering plan;
- bank accounts at "MinhHoaBank", BIN 999999, a fictional bank of the shipped table;
- sites under `.invalid` and `.example` (RFC 2606 reserved names), the victims' e-mail
  addresses in their links too.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.utils import timezone

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
        "đường dẫn xác thực giả",
        "fraud-fake-bank",
        (
            # Each victim got a link of their own: their e-mail or phone and a token in it.
            # The indicator keeps the kit, never them (`toandan.identifiers.links.redacted`).
            DemoReport(
                HOAN_KIEM,
                "Tôi nhận tin nhắn: “MinhHoaBank: Tai khoan cua Quy khach se bi tam khoa. Xac "
                "thuc tai https://minhhoabank-baomat.example/kh/tran.thi.mai@thu-nghiem.example"
                "/xac-thuc?sdt=0541999001&token=a7c2e9f4b1d8c3e6a0f5 truoc 17h hom nay”. Tôi "
                "bấm vào, nhập tên đăng nhập, mật khẩu và mã OTP, tài khoản bị trừ 26 triệu.",
                26_000_000,
            ),
            DemoReport(
                BA_DINH,
                "Bố tôi bấm vào đường dẫn https://minhhoabank-baomat.example/kh/0547123456"
                "/xac-thuc?sdt=0547123456&token=5d1f8a3c9e2b7f4a6c0d trong tin nhắn giả danh "
                "MinhHoaBank, trang giống hệt trang ngân hàng; may mà chưa nhập mã OTP.",
            ),
        ),
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


# What the phishing scenario's victims' links carried about them: never in an indicator.
PHISHING_VICTIM_DATA = (
    "tran.thi.mai",
    "thu-nghiem",
    "0541999001",
    "541999001",
    "a7c2e9f4b1d8c3e6a0f5",
    "0547123456",
    "547123456",
    "5d1f8a3c9e2b7f4a6c0d",
)


def _client(address: str) -> Client:
    """A citizen at `address` (a documentation address, RFC 5737) calling the public API."""
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    return Client(REMOTE_ADDR=address, HTTP_HOST=host)


def _secure() -> bool:
    return bool(getattr(settings, "SECURE_SSL_REDIRECT", False))


def _send_tip(category: str, report: DemoReport, address: str) -> str | None:
    """A citizen's tip through the public intake API; its reference, or None if refused."""
    body = {
        "category": category,
        "description": report.description,
        "province": HANOI,
        "commune": report.commune,
    }
    response = _client(address).post(
        "/api/v1/tips", json.dumps(body), content_type="application/json", secure=_secure()
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
    from toandan.identifiers.links import redacted

    first = extract(scenario.reports[0].description)
    if not first:
        return False
    # As the indicator keeps it: a victim's link without their data.
    stored = redacted(first[0])
    return Indicator.objects.filter(kind=stored.kind, value=stored.value).exists()


@dataclass(frozen=True)
class DemoAppeal:
    identifier: str  # as the holder types it on the appeal form
    statement: str
    contact: str = ""
    # The officer's reason when the demo decides it (always a rejection: upholding would
    # delist an identifier the README tells readers to try).
    rejection: str = ""


DEMO_APPEALS = (
    DemoAppeal(
        "0541 222 333",
        "Tôi là chủ thuê bao 0541 222 333, đăng ký chính chủ tại cửa hàng của nhà mạng được "
        "hơn hai tháng. Đây là số tái cấp, trước đây là của người khác. Từ khi dùng số này tôi "
        "liên tục bị người lạ gọi đến trách mắng vì cho rằng tôi giả danh nhân viên ngân hàng, "
        "nhưng tôi chưa từng gọi hay nhắn tin cho ai như vậy. Đề nghị cơ quan công an xem xét "
        "gỡ số này khỏi danh sách cảnh báo. Tôi sẵn sàng mang căn cước và hợp đồng thuê bao đến "
        "trụ sở Công an phường để đối chiếu.",
        contact="0547 000 111",
    ),
    DemoAppeal(
        "STK 0000 5555 6666 MinhHoaBank",
        "Tài khoản 0000 5555 6666 tại Ngân hàng Minh Họa đứng tên tôi. Năm ngoái có người trên "
        "mạng trả tôi 2 triệu đồng để mở tài khoản rồi giao lại thẻ và mật khẩu, tôi không biết "
        "họ dùng vào việc lừa đảo. Nay tài khoản bị đưa vào danh sách cảnh báo, ảnh hưởng đến "
        "việc nhận lương của tôi. Đề nghị gỡ tài khoản khỏi danh sách.",
        rejection=(
            "Người đề nghị thừa nhận đã bán tài khoản cho người khác sử dụng; mua, bán, cho "
            "thuê tài khoản thanh toán là hành vi bị pháp luật nghiêm cấm. Tài khoản vẫn là nơi "
            "nhận tiền của các nạn nhân đã tố giác, đã được xác minh. Giữ nguyên trong danh "
            "sách. Đề nghị người đề nghị liên hệ Ngân hàng Minh Họa để đóng tài khoản và đến "
            "Công an phường nơi cư trú để trình báo việc đã giao tài khoản cho người khác."
        ),
    ),
)


def _demo_appeals(users: dict[str, User]) -> int:
    """The holders' appeals, sent through the public appeal API like a real holder's; the
    second is rejected by the Hà Nội police leader with a reason, as on the officers' page.
    Each is sent once (by its text)."""
    from toandan.antifraud.models import Appeal

    leader = users.get(VERIFIER)
    sent = 0
    for number, demo in enumerate(DEMO_APPEALS, start=1):
        statement = unicodedata.normalize("NFC", demo.statement)
        if Appeal.objects.filter(statement=statement).exists():
            continue
        response = _client(f"198.51.100.{200 + number}").post(
            "/api/v1/fraud/appeals",
            json.dumps(
                {"identifier": demo.identifier, "statement": statement, "contact": demo.contact}
            ),
            content_type="application/json",
            secure=_secure(),
        )
        if response.status_code != 201:
            continue  # not listed (a scenario was refused): nothing to appeal
        sent += 1
        if demo.rejection and leader is not None:
            appeal = Appeal.objects.get(reference=response.json()["reference"])
            services.appeal_decide(actor=leader, appeal=appeal, uphold=False, reason=demo.rejection)
    return sent


def _demo_rotation() -> str:
    """The key of the hash-prefix API rotated once, as `toandan fraud rotate-range-key`
    does, after the indicators exist: `range-key-status` shows the previous version answering
    during its overlap, and partner apps on either key find the demo's indicators. Never a
    second time: any stored key means a rotation was done (by the demo or by hand)."""
    from toandan.antifraud.models import RangeKey

    if RangeKey.objects.exists():
        return ""
    days = int(settings.TOANDAN_FRAUD_RANGE_KEY_OVERLAP_DAYS)
    result = services.range_key_rotate(overlap_days=days)
    until = timezone.localtime(result.previous_until)
    return (
        f"range key rotated: v{result.version} current, v{result.previous_version} answers "
        f"until {until:%Y-%m-%d}"
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
    appeals = _demo_appeals(users)
    rotated = _demo_rotation()
    verified = Indicator.objects.filter(status=IndicatorStatus.VERIFIED).count()
    extras = [
        *(["a warning published"] if warned else []),
        *([f"{appeals} appeal(s) sent"] if appeals else []),
        *([rotated] if rotated else []),
    ]
    return (
        f"{created} indicators created from demo fraud tips ({verified} verified)"
        f"{''.join(', ' + extra for extra in extras)}. "
        "Try /fraud/ with: 0531 000 113, 0548 765 432, STK 0000 2222 3333 MinhHoaBank"
    )
