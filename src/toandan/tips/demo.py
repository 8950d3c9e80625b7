"""Demo tips: what a commune police station in Hà Nội, Lào Cai or Hải Phòng receives in a month.

Each demo tip goes through the real intake (checks, encryption, routing, intake register,
audit); only its reference, time and receipt are fixed, so that a second run finds it (and
skips it) and the README can show the follow-up with a receipt everyone knows:

    DEMO_RECEIPTS["DEMO02"]: the drug deal at a café in Hoàn Kiếm; an officer asked a
    question and the tipster answered.
    DEMO_RECEIPTS["DEMO05"]: a fake-police call, concluded, with the result and its reason.

These receipts are public: demo data only, never on a production server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from toandan.accounts.models import User
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.orgs.models import OrgLevel, OrgUnit
from toandan.tips.handling import timeline
from toandan.tips.models import (
    Category,
    Channel,
    ReceiptKind,
    RevealStatus,
    Tip,
    TipAction,
    TipMessage,
    VictimRequest,
)
from toandan.tips.services import (
    TipInput,
    tip_message_to_tipster,
    tip_receive,
    tipster_reply,
)

A = TipAction

DEMO_PREFIX = "DEMO"
# Categories the demo opts in to the public Open311 list (an administrator's choice on a real
# server, where none is listed at first): property offences and the scams people should hear
# about, whose tips point at no one in particular.
DEMO_OPEN311_LISTED = ("theft", "robbery", "property-damage", "fraud-fake-authority", "fraud-task")
DEMO_RECEIPTS: dict[str, str] = {
    "DEMO02": "1908 2026 0000 0000 0002",
    "DEMO05": "1908 2026 0000 0000 0005",
}


@dataclass(frozen=True)
class Step:
    """One thing an officer did, `hours` after the tip arrived, through the real timeline."""

    officer: str
    action: str
    hours: float
    reason: str = ""
    target_unit: str = ""  # OrgUnit code
    ground: str = ""
    merge_into: str = ""  # demo reference
    agency: str = ""
    decision_number: str = ""
    valuable: bool | None = None
    valuable_reasons: tuple[str, ...] = ()
    offence_chapter: int | None = None
    arrested_count: int | None = None
    property_recovered_vnd: int | None = None


@dataclass(frozen=True)
class DemoTip:
    number: int
    category: str
    province: str
    commune: str | None
    description: str
    days_ago: int
    address: str = ""
    occurred_text: str = ""
    people: str = ""
    vehicles: str = ""
    victim_request: str = ""
    contact: tuple[str, str, str] = ("", "", "")  # name, phone, email
    branch_of: str = ""  # code of the commune Women's Union whose first branch the tipster is in
    channel: str = Channel.WEB
    entered_by: str = ""  # username of the officer who took it by phone / in person
    intake_note: str = ""
    # (officer username or "" for the tipster, text), in order
    messages: tuple[tuple[str, str], ...] = ()
    steps: tuple[Step, ...] = ()

    @property
    def reference(self) -> str:
        return f"{DEMO_PREFIX}{self.number:02d}"


DEMO_TIPS: tuple[DemoTip, ...] = (
    DemoTip(
        1,
        "theft",
        "01",
        "00070",
        "Khoảng 23 giờ, hai thanh niên đi xe Exciter không biển số bẻ khóa và dắt đi một xe "
        "Honda Vision màu trắng để trước số 18 phố Hàng Bạc. Camera nhà số 20 có ghi lại.",
        days_ago=2,
        address="Trước số 18 phố Hàng Bạc",
        people="Hai nam thanh niên khoảng 20 tuổi, mặc áo khoác đen",
        vehicles="Xe Yamaha Exciter màu đen, không biển số",
    ),
    DemoTip(
        2,
        "drug-trafficking",
        "01",
        "00070",
        "Tại quán cà phê ở đầu ngõ Tạm Thương, tối nào từ 21 giờ cũng có một người đàn ông ngồi "
        "bàn trong cùng; nhiều người đi xe máy đến đưa tiền, nhận một gói nhỏ rồi đi ngay. "
        "Tôi để ý thấy đã khoảng ba tuần nay.",
        days_ago=6,
        address="Quán cà phê đầu ngõ Tạm Thương",
        occurred_text="Tối hằng ngày, khoảng 21–23 giờ, ba tuần nay",
        people="Nam, khoảng 35 tuổi, xăm ở cánh tay trái, hay đội mũ lưỡi trai đỏ",
        steps=(
            Step("ca.hoankiem", A.CHECK, 3, reason="Bố trí trinh sát theo dõi quán từ tối nay."),
            Step("ca.hoankiem", A.TAKE, 30),
            Step(
                "ca.hoankiem",
                A.NOTE,
                60,
                reason="Đã xác định quán; cần thêm biển số xe SH để truy xét chủ xe.",
            ),
        ),
        messages=(
            (
                "ca.hoankiem",
                (
                    "Chào bạn, cảm ơn bạn đã báo tin. Bạn có nhớ người đàn ông đó thường đi xe gì, "
                    "biển số bao nhiêu không? Quán thường đóng cửa lúc mấy giờ?"
                ),
            ),
            (
                "",
                (
                    "Anh ta đi xe SH màu đỏ, biển 29 gì đó tôi không nhìn rõ. Quán đóng cửa khoảng "
                    "23 giờ 30."
                ),
            ),
        ),
    ),
    DemoTip(
        3,
        "fight-injury",
        "01",
        "00070",
        "Khoảng 1 giờ sáng, trước quán karaoke trên phố Lò Sũ, hai nhóm thanh niên đánh nhau "
        "bằng gậy và mũ bảo hiểm; một người bị chảy máu đầu, được đưa đi cấp cứu.",
        days_ago=4,
        address="Trước quán karaoke trên phố Lò Sũ",
        people="Khoảng 8–10 thanh niên, hai nhóm",
        victim_request=VictimRequest.YES,
        contact=("Nguyễn Thị Hoa", "0912 345 678", ""),
        branch_of="PN-01-00070",
        steps=(
            Step("ca.hoankiem", A.CHECK, 2),
            Step("ca.hoankiem", A.TAKE, 20),
            Step(
                "ca.hoankiem",
                A.EXTEND_COMPLEX,
                70,
                reason="Nhiều người tham gia, cần chờ kết quả giám định thương tích và trích "
                "xuất camera của các hộ kinh doanh trên phố.",
            ),
        ),
    ),
    DemoTip(
        4,
        "gambling",
        "01",
        "00070",
        "Người báo tin cho biết chiều nào cũng có khoảng mười người tụ tập đánh bài ăn tiền "
        "trong căn nhà cấp bốn cuối ngõ 31 Hàng Bè, có người đứng canh ở đầu ngõ.",
        days_ago=3,
        address="Cuối ngõ 31 Hàng Bè",
        occurred_text="Các buổi chiều, từ khoảng 14 giờ",
        channel=Channel.PHONE,
        entered_by="ca.hoankiem",
        intake_note="Tiếp nhận qua điện thoại trực ban lúc 15:20; người báo tin đề nghị giữ "
        "bí mật danh tính.",
        steps=(
            Step(
                "ca.hoankiem",
                A.CHECK,
                1,
                reason="Cử tổ công tác nắm tình hình ngõ 31 Hàng Bè vào buổi chiều.",
            ),
        ),
    ),
    DemoTip(
        5,
        "fraud-fake-authority",
        "01",
        "00070",
        "Tôi nhận cuộc gọi từ số 0559 123 456, người gọi xưng là cán bộ Công an thành phố "
        "Hà Nội, nói tôi liên quan đến một đường dây rửa tiền và yêu cầu chuyển tiền vào "
        "tài khoản “tạm giữ” để xác minh. Tôi đã chuyển hai lần, tổng cộng 180 triệu đồng.",
        days_ago=27,
        people="Người gọi xưng là “đại úy Trần Văn Minh”",
        contact=("", "", "nguoibaotin.demo@example.vn"),
        steps=(
            Step("ca.hoankiem", A.CHECK, 1),
            Step("ca.hoankiem", A.TAKE, 4),
            Step(
                "ca.hoankiem",
                A.PROSECUTE,
                24 * 12,
                reason="Có đủ căn cứ xác định dấu hiệu tội lừa đảo chiếm đoạt tài sản (Điều 174 "
                "Bộ luật Hình sự): số tiền bị chiếm đoạt 180 triệu đồng; tài khoản nhận tiền đã "
                "được phong tỏa.",
                decision_number="15/QĐ-CSHS",
                valuable=True,
                valuable_reasons=("led_to_case", "recovered_property"),
                offence_chapter=16,
                arrested_count=2,
                property_recovered_vnd=120_000_000,
            ),
        ),
    ),
    DemoTip(
        6,
        "prostitution",
        "01",
        "00070",
        "Cơ sở massage trên phố Hàng Hòm mở cửa đến 2 giờ sáng, nhiều khách nam ra vào; "
        "nhân viên đứng ngoài mời chào “dịch vụ đặc biệt”.",
        days_ago=9,
        address="Phố Hàng Hòm",
        channel=Channel.API,
        steps=(
            Step("ca.hoankiem", A.CHECK, 5),
            Step(
                "ca.hoankiem",
                A.FORWARD,
                40,
                reason="Dấu hiệu tổ chức mua bán dâm có quy mô, vượt thẩm quyền; chuyển Công "
                "an thành phố để phòng nghiệp vụ xác minh.",
                target_unit="CA-01",
            ),
        ),
    ),
    DemoTip(
        7,
        "robbery",
        "01",
        "00004",
        "Khoảng 19 giờ, trên đường Phan Đình Phùng, hai người đi xe máy áp sát giật túi xách "
        "của một phụ nữ đi bộ rồi phóng về hướng Quán Thánh.",
        days_ago=1,
        address="Đường Phan Đình Phùng",
        vehicles="Xe Honda Wave màu xanh, biển số bị che",
    ),
    DemoTip(
        8,
        "fraud-fake-bank",
        "01",
        "00004",
        "Tôi nhận tin nhắn mang tên ngân hàng báo tài khoản bị tạm khóa, kèm đường link "
        "https://vietcombank-xacthuc.com. Tôi bấm vào, nhập mật khẩu và mã OTP, sau đó tài "
        "khoản bị trừ 45 triệu đồng.",
        days_ago=5,
        contact=("Lê Văn Sơn", "", "son.le.demo@example.vn"),
        steps=(Step("ca.badinh", A.CHECK, 6), Step("ca.badinh", A.TAKE, 26)),
    ),
    DemoTip(
        9,
        "domestic-violence",
        "01",
        "00004",
        "Nhà hàng xóm ở tầng 3 khu tập thể Ngọc Hà: tối qua người chồng say rượu đánh vợ, "
        "nghe tiếng kêu cứu và tiếng đồ vỡ. Chuyện này đã xảy ra nhiều lần.",
        days_ago=2,
        address="Khu tập thể Ngọc Hà, tầng 3",
        victim_request=VictimRequest.UNKNOWN,
        steps=(
            Step("ca.badinh", A.CHECK, 2),
            Step(
                "ca.badinh",
                A.HAND_OVER,
                30,
                reason="Thương tích nhẹ, nạn nhân không yêu cầu khởi tố; xử lý theo Luật Phòng, "
                "chống bạo lực gia đình.",
                agency="UBND phường Ba Đình (tổ hòa giải và xử phạt vi phạm hành chính)",
                valuable=True,
                valuable_reasons=("prevented_offence", "administrative_sanction"),
            ),
        ),
    ),
    DemoTip(
        10,
        "drug-use",
        "01",
        "00004",
        "Nhóm 5–6 thanh niên tụ tập trong một phòng trọ ở ngõ 158 Ngọc Hà, có mùi khét lạ, "
        "vỏ bình khí cười và ống hút vứt ở cầu thang.",
        days_ago=11,
        address="Phòng trọ số 7, ngõ 158 Ngọc Hà",
        channel=Channel.OPEN311,
        steps=(
            Step("ca.badinh", A.CHECK, 3),
            Step("ca.badinh", A.TAKE, 10),
            Step(
                "ca.badinh",
                A.NOT_PROSECUTE,
                24 * 8,
                reason="Kiểm tra phát hiện 5 người sử dụng khí cười, không có dấu hiệu tổ chức "
                "sử dụng trái phép chất ma túy; đã lập biên bản xử phạt vi phạm hành chính.",
                valuable=True,
                valuable_reasons=("administrative_sanction",),
                offence_chapter=20,
            ),
        ),
    ),
    DemoTip(
        11,
        "fraud-task",
        "01",
        "00004",
        "Em được mời làm cộng tác viên “thả tim” sản phẩm trên mạng, lúc đầu được trả 50 "
        "nghìn, sau đó phải nạp tiền làm “nhiệm vụ combo”. Em đã nạp 32 triệu thì không rút "
        "được nữa.",
        days_ago=30,
        contact=("", "0987 654 321", ""),
        steps=(
            Step("ca.badinh", A.CHECK, 4),
            Step("ca.badinh", A.TAKE, 24),
            # BLTTHS Art. 148(1): suspended once the 20 days from receipt have run out.
            Step(
                "ca.badinh",
                A.SUSPEND,
                24 * 20 + 1,
                reason="Đã đề nghị ngân hàng cung cấp sao kê các tài khoản nhận tiền.",
                ground="documents",
            ),
        ),
    ),
    DemoTip(
        12,
        "smuggling",
        "01",
        None,
        "Một xe tải biển Lạng Sơn hay đỗ ban đêm ở bãi xe gần đường Vành đai 3, bốc dỡ "
        "những thùng hàng không có nhãn tiếng Việt, nghi là pháo nổ và thuốc lá lậu.",
        days_ago=13,
        address="Bãi xe gần đường Vành đai 3",
        vehicles="Xe tải thùng kín, biển số Lạng Sơn (12C)",
        steps=(Step("ca.hanoi", A.CHECK, 8), Step("ca.hanoi", A.TAKE, 48)),
    ),
    DemoTip(
        13,
        "fraud-deepfake",
        "01",
        None,
        "Mẹ tôi nhận cuộc gọi video qua Messenger có hình và giọng của tôi, nói đang cấp "
        "cứu, cần chuyển gấp 20 triệu. Cuộc gọi chỉ vài giây, hình mờ. May mà mẹ gọi lại "
        "cho tôi trước khi chuyển.",
        days_ago=3,
    ),
    DemoTip(
        14,
        "human-trafficking",
        "15",
        "02683",
        "Có một người phụ nữ lạ đến thôn rủ các em gái 16–17 tuổi sang bên kia biên giới làm "
        "ở xưởng may, hứa lương 15 triệu, lo giấy tờ và đưa đi bằng đường mòn.",
        days_ago=7,
        address="Thôn Quang Kim",
        people="Phụ nữ khoảng 40 tuổi, nói giọng miền xuôi",
        branch_of="PN-15-02683",
    ),
    DemoTip(
        15,
        "smuggling",
        "15",
        "02683",
        "Ban đêm có người gùi hàng qua đường mòn gần mốc biên giới rồi giao lên xe máy chở về "
        "trung tâm xã.",
        days_ago=15,
        occurred_text="Nhiều đêm trong tháng, khoảng 1–3 giờ sáng",
    ),
    DemoTip(
        16,
        "theft",
        "15",
        "03006",
        "Chiều thứ Bảy ở chợ Sa Pa, nhiều khách du lịch bị mất điện thoại và ví; kẻ gian lợi "
        "dụng lúc đông người.",
        days_ago=10,
        address="Chợ Sa Pa",
        channel=Channel.OPEN311,
    ),
    DemoTip(
        17,
        "gambling",
        "15",
        "03006",
        "Có người ghi lô đề ở quán tạp hóa gần bến xe, nhận ghi qua tin nhắn Zalo.",
        days_ago=12,
        address="Quán tạp hóa gần bến xe Sa Pa",
    ),
    DemoTip(
        18,
        "drug-den",
        "15",
        None,
        "Một quán karaoke ở thành phố cũ cho khách thuê phòng sử dụng ma túy, có người mang "
        "“kẹo” đến phòng.",
        days_ago=6,
    ),
    DemoTip(
        19,
        "fraud-sim-lock",
        "31",
        "10606",
        "Bố tôi 70 tuổi nhận cuộc gọi xưng nhà mạng, báo thuê bao sắp bị khóa vì chưa chuẩn "
        "hóa thông tin và yêu cầu soạn tin nhắn theo cú pháp; sau đó tài khoản ngân hàng liên "
        "kết bị rút 12 triệu đồng.",
        days_ago=4,
        branch_of="PN-31-10606",
        contact=("Phạm Văn Tùng", "0903 456 789", ""),
    ),
    DemoTip(
        20,
        "property-damage",
        "31",
        "11383",
        "Nhóm thanh niên đập vỡ kính và camera của một cửa hàng điện thoại trên phố Tô Hiệu "
        "lúc nửa đêm.",
        days_ago=2,
        address="Phố Tô Hiệu",
    ),
    DemoTip(
        21,
        "fraud-investment",
        "31",
        "11311",
        "Một nhóm Telegram mời đầu tư sàn tiền ảo, hứa lãi 3% mỗi ngày; sau khi tôi nạp "
        "tổng 600 triệu đồng thì sàn khóa tài khoản, yêu cầu nộp thêm “phí giải ngân”.",
        days_ago=14,
        contact=("", "0936 111 222", ""),
    ),
    DemoTip(
        22,
        "cybercrime",
        "31",
        "11311",
        "Tài khoản Facebook của tôi bị chiếm, kẻ gian nhắn tin vay tiền bạn bè trong danh "
        "sách của tôi.",
        days_ago=1,
    ),
    DemoTip(
        23,
        "fraud-mistaken-transfer",
        "31",
        "10606",
        "Có người chuyển “nhầm” 5 triệu đồng vào tài khoản của tôi, sau đó người xưng là nhân "
        "viên công ty tài chính gọi đòi trả 8 triệu, nói đó là khoản vay.",
        days_ago=5,
    ),
    DemoTip(
        24,
        "fraud-parcel-prize",
        "79",
        "26743",
        "Người xưng shipper gọi báo có bưu kiện cần thanh toán 350 nghìn phí giao hàng qua "
        "đường link, tôi không đặt hàng gì cả.",
        days_ago=3,
    ),
    DemoTip(
        25,
        "fraud-romance",
        "48",
        "20242",
        "Chị gái tôi quen một người tự xưng kỹ sư nước ngoài qua mạng, người này nói gửi quà "
        "về Việt Nam và nhờ chị đóng 40 triệu “phí hải quan”.",
        days_ago=9,
    ),
    DemoTip(
        26,
        "theft",
        "01",
        "00070",
        "Toi thay 2 thanh nien di xe Exciter khong bien so be khoa dat mot xe Vision mau trang "
        "truoc so 18 Hang Bac luc khoang 23h. Nha so 20 co camera.",
        days_ago=2,
        address="So 18 Hang Bac",
        channel=Channel.OPEN311,
        steps=(
            Step(
                "ca.hoankiem",
                A.MERGE,
                6,
                reason="Cùng vụ mất trộm xe trước số 18 Hàng Bạc đã có tin báo.",
                merge_into="DEMO01",
            ),
        ),
    ),
)


def _demo_receipt(tip: DemoTip) -> str | None:
    return DEMO_RECEIPTS.get(tip.reference)


def _first_branch(parent_code: str) -> OrgUnit | None:
    return (
        OrgUnit.objects.filter(code__startswith=f"{parent_code}-CH", level=OrgLevel.BRANCH)
        .order_by("code")
        .first()
    )


def _perform(tip: Tip, step: Step, officer: User, *, at: dt.datetime) -> None:
    """An officer's step through the real timeline, dated when it happened."""
    if step.action == A.NOTE:
        timeline.tip_note_add(actor=officer, tip=tip, text=step.reason, now=at)
        return
    data = timeline.ActionInput(
        reason=step.reason,
        target_unit=OrgUnit.objects.get(code=step.target_unit) if step.target_unit else None,
        ground=step.ground,
        merge_into=Tip.objects.get(reference=step.merge_into) if step.merge_into else None,
        agency=step.agency,
        decision_number=step.decision_number,
        valuable=step.valuable,
        valuable_reasons=step.valuable_reasons,
        offence_chapter=step.offence_chapter,
        arrested_count=step.arrested_count,
        property_recovered_vnd=step.property_recovered_vnd,
    )
    timeline.tip_act(actor=officer, tip=tip, action=step.action, data=data, now=at)
    Tip.objects.filter(pk=tip.pk).update(updated_at=at)


def _load_one(demo: DemoTip, *, now: dt.datetime, officers: dict[str, User]) -> Tip | None:
    units = AdminUnit.objects.filter(generation=Generation.CURRENT)
    province = units.filter(level=Level.PROVINCE, code=demo.province).first()
    commune = units.filter(level=Level.COMMUNE, code=demo.commune).first() if demo.commune else None
    category = Category.objects.filter(code=demo.category).first()
    if province is None or category is None or (demo.commune and commune is None):
        return None
    received_at = now - dt.timedelta(days=demo.days_ago, hours=demo.number % 7)
    name, phone, email = demo.contact
    data = TipInput(
        category=category,
        description=demo.description,
        province=province,
        commune=commune,
        address=demo.address,
        occurred_on=timezone.localdate(received_at) - dt.timedelta(days=1),
        occurred_text=demo.occurred_text,
        people=demo.people,
        vehicles=demo.vehicles,
        victim_request=demo.victim_request,
        union_branch=_first_branch(demo.branch_of) if demo.branch_of else None,
        contact_name=name,
        contact_phone=phone,
        contact_email=email,
    )
    entered_by = officers.get(demo.entered_by) if demo.entered_by else None
    if demo.entered_by and entered_by is None:
        return None
    submitted = tip_receive(
        data=data,
        channel=demo.channel,
        entered_by=entered_by,
        receipt_kind=ReceiptKind.STAFF_ISSUED if entered_by else ReceiptKind.CITIZEN,
        intake_note=demo.intake_note,
        receipt=_demo_receipt(demo),
        reference=demo.reference,
        received_at=received_at,
    )
    tip = submitted.tip
    for index, (author, text) in enumerate(demo.messages, start=1):
        if author:
            officer = officers.get(author)
            if officer is None:
                continue
            message = tip_message_to_tipster(actor=officer, tip=tip, body=text)
        else:
            message = tipster_reply(tip=tip, body=text)
        # A conversation over the days after the tip, not all at the moment of loading.
        TipMessage.objects.filter(pk=message.pk).update(
            created_at=received_at + dt.timedelta(hours=20 * index)
        )
    for step in demo.steps:
        officer = officers.get(step.officer)
        if officer is None:
            continue
        _perform(tip, step, officer, at=received_at + dt.timedelta(hours=step.hours))
    return tip


def _demo_reveal(now: dt.datetime) -> None:
    """The city police leader looks up who reported the fight (DEMO03), with a reason: the
    reveal shows on /tips/staff/reveals/ and in the audit log."""
    from toandan.tips.reveal import services as reveal

    leader = User.objects.filter(username="ca.hanoi").first()
    tip = Tip.objects.filter(reference="DEMO03").first()
    if leader is None or tip is None or tip.reveals.exists():
        return
    with transaction.atomic():
        request = reveal.reveal_request(
            actor=leader,
            tip=tip,
            reason="Cần mời người báo tin đến làm việc để lấy lời khai làm rõ người gây thương "
            "tích trong vụ đánh nhau trước quán karaoke phố Lò Sũ.",
            now=now,
        )
        if request.status == RevealStatus.APPROVED:  # not when a second approval is required
            reveal.reveal_read(actor=leader, reveal=request, now=now)


def _demo_open311_listing() -> None:
    from toandan.audit.services import audit_record
    from toandan.tips.audit_actions import TipsAction

    with transaction.atomic():
        for category in Category.objects.filter(code__in=DEMO_OPEN311_LISTED, sensitive=False):
            if category.open311_listed:
                continue
            category.open311_listed = True
            category.full_clean()
            category.save(update_fields=["open311_listed"])
            audit_record(
                actor=None,
                action=TipsAction.CATEGORY_UPDATE,
                target=category,
                reason="demo",
                data={"changed": ["open311_listed"], "open311_listed": True},
            )


def load_demo() -> str:
    existing = set(
        Tip.objects.filter(reference__startswith=DEMO_PREFIX).values_list("reference", flat=True)
    )
    officers = {
        user.username: user
        for user in User.objects.filter(
            Q(username__in={t.entered_by for t in DEMO_TIPS if t.entered_by})
            | Q(username__in={a for t in DEMO_TIPS for a, _text in t.messages if a})
            | Q(username__in={step.officer for t in DEMO_TIPS for step in t.steps})
        )
    }
    now = timezone.now()
    created = skipped = 0
    for demo in DEMO_TIPS:
        if demo.reference in existing:
            continue
        with transaction.atomic():
            tip = _load_one(demo, now=now, officers=officers)
        if tip is None:
            skipped += 1
        else:
            created += 1
    _demo_reveal(now)
    if created:  # the first load only: a second run keeps an administrator's later choice
        _demo_open311_listing()
    summary = f"{created} tips created, {len(existing)} already present"
    if skipped:
        summary += f", {skipped} skipped (load the geography and the demo accounts first)"
    receipts = "; ".join(f"{ref}: {receipt}" for ref, receipt in DEMO_RECEIPTS.items())
    return f"{summary}. Follow-up receipts (/tips/follow-up/): {receipts}"
