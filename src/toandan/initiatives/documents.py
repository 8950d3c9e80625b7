"""The documents of a model in the Decree 30 layout (`toandan.documents.decree30`): the
recognition decision and the yearly review report, as DOCX and PDF. Always in Vietnamese (the
decree fixes their wording)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from toandan.core.numbers import format_number_vi
from toandan.documents.decree30 import AdministrativeDocument, Paragraph, Signature, place_name
from toandan.initiatives.models import Initiative, Review
from toandan.workflow.selectors import history_of


@dataclass(frozen=True)
class _Table:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[object]]
    notes: Sequence[str] = field(default_factory=tuple)


def _place(initiative: Initiative) -> str:
    commune = initiative.current_commune or initiative.commune
    province = commune.parent
    while province is not None and province.parent is not None:
        province = province.parent
    return place_name(province or commune)


def recognition_decision(initiative: Initiative) -> AdministrativeDocument:
    """QUYẾT ĐỊNH công nhận mô hình: the number and date of the recognition step."""
    step = history_of(initiative).filter(action="recognise").last()
    day = (step.effective_on if step else None) or initiative.decision_date or timezone.localdate()
    number = (step.document if step else "") or initiative.decision_number or "…/QĐ"
    police = initiative.police_unit
    issuer = police.parent if police is not None and police.parent is not None else None
    commune = initiative.current_commune or initiative.commune
    return AdministrativeDocument(
        issuing_parent="BỘ CÔNG AN" if issuer is None else "CÔNG AN " + _place(initiative).upper(),
        issuing_unit=(issuer.name if issuer else "Cục Công tác xây dựng phong trào"),
        number=number,
        place=_place(initiative),
        date=day,
        kind="QUYẾT ĐỊNH",
        title=f"Về việc công nhận mô hình “{initiative.name}”",
        body=[
            (
                "Căn cứ Hướng dẫn số 22/HD-BCA-V05 ngày 18/11/2022 của Bộ Công an về xây dựng, "
                "công nhận, nhân rộng mô hình, điển hình tiên tiến trong phong trào toàn dân "
                "bảo vệ an ninh Tổ quốc;"
            ),
            f"Xét đề nghị của {initiative.host_unit.name}.",
            Paragraph.text("QUYẾT ĐỊNH:", bold=True),
            Paragraph.labelled(
                "Điều 1",
                f"Công nhận mô hình “{initiative.name}” thuộc lĩnh vực {initiative.theme.name}, "
                f"do {initiative.host_unit.name} chủ trì"
                + (f", {police.name} phối hợp" if police else "")
                + f", hoạt động tại {commune.full_name or commune.name}, "
                f"bắt đầu từ ngày {initiative.started_on:%d/%m/%Y}.",
            ),
            Paragraph.labelled(
                "Điều 2",
                "Đơn vị chủ trì duy trì hoạt động của mô hình, sơ kết, tổng kết hằng năm theo "
                "quy định và báo cáo kết quả về Công an cấp trên.",
            ),
            Paragraph.labelled(
                "Điều 3",
                "Quyết định có hiệu lực kể từ ngày ký. Các đơn vị có tên tại Điều 1 chịu trách "
                "nhiệm thi hành Quyết định này.",
            ),
        ],
        recipients=["Như Điều 3;", "Lưu: VT."],
        signatures=[Signature(title="GIÁM ĐỐC")],
    )


def review_report(review: Review) -> AdministrativeDocument:
    """BÁO CÁO tổng kết hoạt động của mô hình trong năm đánh giá."""
    initiative = review.initiative
    n = format_number_vi
    figures = _Table(
        title="Kết quả hoạt động",
        headers=["Nội dung", "Số lượng"],
        rows=[
            ["Số hoạt động đã tổ chức", n(review.activities)],
            ["Số thành viên", n(review.members)],
            ["Số buổi sinh hoạt", n(review.meetings)],
            ["Số tin báo cung cấp cho Công an", n(review.tips_passed)],
            ["Số tin đăng trên các kênh truyền thông", n(review.channel_posts)],
        ],
    )
    sites = list(initiative.sites.all())
    active_on = min(review.period_end, timezone.localdate())
    teams = [
        t
        for s in sites
        for t in s.teams.all()
        if t.started_on <= active_on and (t.ended_on is None or t.ended_on >= active_on)
    ]
    body: list[object] = [
        (
            f"Thực hiện Quyết định số 510/QĐ-BCA-V05 ngày 20/01/2022 và Hướng dẫn số 22/HD-BCA-V05 "
            f"ngày 18/11/2022 của Bộ Công an, {initiative.host_unit.name} báo cáo kết quả hoạt "
            f"động của mô hình “{initiative.name}” từ ngày {review.period_start:%d/%m/%Y} đến ngày "
            f"{review.period_end:%d/%m/%Y} như sau:"
        ),
        Paragraph.text("I. TÌNH HÌNH MÔ HÌNH", bold=True),
        Paragraph.labelled(
            "Quy mô",
            f"{len(sites)} điểm, {len(teams)} tổ, "
            f"{format_number_vi(sum(t.member_count for t in teams))} thành viên.",
            item=True,
        ),
        Paragraph.text("II. KẾT QUẢ HOẠT ĐỘNG", bold=True),
        figures,
    ]
    if review.self_assessment:
        body += [Paragraph.text("III. TỰ ĐÁNH GIÁ", bold=True), review.self_assessment]
    if review.grade is not None:
        body.append(Paragraph.labelled("Xếp loại", review.grade.name))
    date = review.submitted_on or timezone.localdate()
    return AdministrativeDocument(
        issuing_parent="",
        issuing_unit=initiative.host_unit.name.upper(),
        number=f"…/BC-{review.year}",
        place=_place(initiative),
        date=date if isinstance(date, dt.date) else timezone.localdate(),
        kind="BÁO CÁO",
        title=f"Tổng kết hoạt động mô hình “{initiative.name}” năm {review.year}",
        body=body,  # type: ignore[arg-type]
        recipients=[
            (initiative.police_unit.name + ";") if initiative.police_unit else "Công an xã;",
            "Lưu: VT.",
        ],
        signatures=[Signature(title="CHỦ TỊCH")],
    )
