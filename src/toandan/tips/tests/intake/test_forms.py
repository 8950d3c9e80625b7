"""The tip form on its own: what it accepts, what it refuses, and what it hands the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from toandan.geo.models import AdminUnit, Generation, Level
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.orgs.services import next_branch_code, org_unit_create
from toandan.tips.intake.forms import ReplyForm, StaffTipForm, TipForm, category_choices
from toandan.tips.models import Category, CategoryGroup

pytestmark = pytest.mark.django_db

HANOI = "01"
HOAN_KIEM = "00070"


def province(code: str = HANOI) -> AdminUnit:
    return AdminUnit.objects.get(generation=Generation.CURRENT, level=Level.PROVINCE, code=code)


def commune(code: str = HOAN_KIEM) -> AdminUnit:
    return AdminUnit.objects.get(generation=Generation.CURRENT, level=Level.COMMUNE, code=code)


def tip_data(**overrides: Any) -> dict[str, Any]:
    """What a citizen who filled in every box sends (the place already chosen)."""
    data: dict[str, Any] = {
        "category": "drug-trafficking",
        "description": "Tối nào cũng có nhóm người mua bán ma túy ở cuối ngõ 12.",
        "province": str(province().pk),
        "commune": str(commune().pk),
        "address": "Cuối ngõ 12 phố Hàng Bạc",
        "occurred_on": "2026-01-10",
        "occurred_until": "2026-01-17",
        "occurred_text": "tối thứ Bảy tuần trước",
        "people": "Hai thanh niên, một người xăm tay",
        "vehicles": "Xe máy Wave màu đỏ, biển 29-X1",
        "contact_name": "Nguyễn Thị Lan",
        "contact_phone": "0912 345 678",
        "contact_email": "lan@example.vn",
        "send": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_branch(name: str = "Chi hội Phụ nữ tổ dân phố số 5") -> OrgUnit:
    parent = OrgUnit.objects.get(code="PN-01-00070")
    return org_unit_create(
        actor=None,
        kind=OrgKind.WOMENS_UNION,
        level=OrgLevel.BRANCH,
        code=next_branch_code(parent),
        name=name,
        parent=parent,
        admin_unit=parent.admin_unit,
        reason="test",
    )


def test_categories_are_grouped_in_the_order_of_the_groups():
    choices = category_choices(list(Category.objects.filter(active=True)))

    groups = [label for label, options in choices[1:]]
    assert [str(g) for g in groups] == [
        str(label)
        for value, label in CategoryGroup.choices
        if Category.objects.filter(group=value, active=True).exists()
    ]
    fraud = dict(choices[1:])[CategoryGroup.FRAUD.label]
    assert len(fraud) >= 5  # high-tech fraud split into its common forms


def test_inactive_categories_are_not_offered():
    Category.objects.filter(code="gambling").update(active=False)

    form = TipForm(tip_data(category="gambling"))

    assert not form.is_valid()
    assert "category" in form.errors


def test_a_complete_tip_becomes_the_service_input():
    form = TipForm(tip_data())

    assert form.is_valid(), form.errors
    data = form.tip_input()
    assert data.category.code == "drug-trafficking"
    assert data.province == province()
    assert data.commune == commune()
    assert data.address == "Cuối ngõ 12 phố Hàng Bạc"
    assert data.occurred_at is None
    assert data.occurred_on == dt.date(2026, 1, 10)
    assert data.occurred_until == dt.date(2026, 1, 17)
    assert data.occurred_text == "tối thứ Bảy tuần trước"
    assert data.people.startswith("Hai thanh niên")
    assert data.vehicles.startswith("Xe máy Wave")
    assert data.contact_name == "Nguyễn Thị Lan"
    assert data.contact_phone == "0912 345 678"
    assert data.contact_email == "lan@example.vn"
    assert data.victim_request == ""
    assert data.union_branch is None
    assert data.attachments == ()


def test_unknown_commune_sends_the_province_only():
    form = TipForm(tip_data(commune="unknown"))

    assert form.is_valid(), form.errors
    assert form.tip_input().commune is None
    assert form.tip_input().province == province()


def test_exact_date_and_time_make_one_moment():
    form = TipForm(
        tip_data(
            occurred_on="",
            occurred_until="",
            occurred_date="2026-01-10",
            occurred_time="21:30",
        )
    )

    assert form.is_valid(), form.errors
    moment = form.tip_input().occurred_at
    assert moment is not None
    local = timezone.localtime(moment)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 1, 10), 21, 30)


def test_a_date_without_a_time_is_a_one_day_range():
    form = TipForm(tip_data(occurred_on="", occurred_until="", occurred_date="2026-01-10"))

    assert form.is_valid(), form.errors
    assert form.tip_input().occurred_on == form.tip_input().occurred_until == dt.date(2026, 1, 10)


def test_a_time_without_a_date_is_refused():
    form = TipForm(tip_data(occurred_time="21:30"))

    assert not form.is_valid()
    assert "occurred_date" in form.errors


def test_exact_and_rough_dates_together_are_refused():
    form = TipForm(tip_data(occurred_date="2026-01-10"))

    assert not form.is_valid()
    assert "occurred_on" in form.errors


def test_dates_in_the_future_are_refused():
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()

    form = TipForm(tip_data(occurred_until=tomorrow))

    assert not form.is_valid()
    assert "occurred_until" in form.errors


def test_a_range_that_ends_before_it_starts_is_refused():
    form = TipForm(tip_data(occurred_on="2026-01-17", occurred_until="2026-01-10"))

    assert not form.is_valid()
    assert "occurred_until" in form.errors


def test_no_date_at_all_is_fine():
    form = TipForm(tip_data(occurred_on="", occurred_until="", occurred_text=""))

    assert form.is_valid(), form.errors


def test_fights_need_the_victims_request_art_155():
    form = TipForm(tip_data(category="fight-injury"))

    assert not form.is_valid()
    assert "victim_request" in form.errors

    form = TipForm(tip_data(category="fight-injury", victim_request="yes"))
    assert form.is_valid(), form.errors
    assert form.tip_input().victim_request == "yes"


def test_the_victims_request_is_dropped_for_categories_that_do_not_ask():
    form = TipForm(tip_data(category="theft", victim_request="yes"))

    assert form.is_valid(), form.errors
    assert form.tip_input().victim_request == ""


def test_union_branch_from_the_list_of_the_chosen_commune():
    branch = make_branch()

    form = TipForm(tip_data(union_branch=branch.code))

    assert [unit.code for unit in form.branches] == [branch.code]
    assert form.is_valid(), form.errors
    assert form.tip_input().union_branch == branch


def test_union_branch_by_its_code_from_another_commune():
    branch = make_branch()

    form = TipForm(tip_data(commune="unknown", union_branch_code=branch.code.lower()))

    assert form.branches == []
    assert form.is_valid(), form.errors
    assert form.tip_input().union_branch == branch


def test_an_unknown_branch_code_is_refused():
    form = TipForm(tip_data(union_branch_code="PN-99-CH9"))

    assert not form.is_valid()
    assert "union_branch_code" in form.errors


def test_a_police_unit_code_is_not_a_union_branch():
    form = TipForm(tip_data(union_branch_code="CA-01-00070"))

    assert not form.is_valid()
    assert "union_branch_code" in form.errors


def test_a_phone_number_that_cannot_be_one_is_refused():
    form = TipForm(tip_data(contact_phone="12"))

    assert not form.is_valid()
    assert "contact_phone" in form.errors


def test_the_description_limit_comes_from_settings(settings):
    settings.TOANDAN_TIP_MAX_TEXT_CHARS = 20

    form = TipForm(tip_data(description="x" * 21))

    assert not form.is_valid()
    assert "description" in form.errors
    assert 'maxlength="20"' in str(form["description"])


def test_missing_place_and_other_errors_are_shown_together():
    form = TipForm(tip_data(province="", commune="", description=""))

    assert not form.is_valid()
    assert form.place_errors()
    assert "description" in form.errors
    anchors = [anchor for anchor, _message in form.error_summary()]
    assert "tip-place" in anchors
    assert "id_description" in anchors


def test_attachment_count_is_limited(settings):
    settings.TOANDAN_TIP_MAX_ATTACHMENTS = 2
    files = [SimpleUploadedFile(f"a{i}.txt", b"x") for i in range(3)]

    form = TipForm(tip_data(), {"attachments": files})

    assert not form.is_valid()
    assert "attachments" in form.errors


def test_attachment_size_is_limited_per_file_and_in_all(settings):
    settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES = 10
    settings.TOANDAN_TIP_MAX_TOTAL_BYTES = 15
    big = SimpleUploadedFile("big.jpg", b"x" * 11)

    form = TipForm(tip_data(), {"attachments": [big]})
    assert not form.is_valid()
    assert "big.jpg" in str(form.errors["attachments"])

    two = [SimpleUploadedFile("a.jpg", b"x" * 8), SimpleUploadedFile("b.jpg", b"x" * 8)]
    form = TipForm(tip_data(), {"attachments": two})
    assert not form.is_valid()
    assert "attachments" in form.errors


def test_attachments_reach_the_service_with_the_location_choice():
    files = [SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff data")]

    form = TipForm(tip_data(keep_location="on"), {"attachments": files})

    assert form.is_valid(), form.errors
    (upload,) = form.tip_input().attachments
    assert upload.name == "anh.jpg"
    assert upload.data == b"\xff\xd8\xff data"
    assert upload.keep_location is True


def test_the_file_input_accepts_what_the_file_checks_accept():
    from toandan.media.files import ACCEPT_ATTRIBUTE

    html = str(TipForm()["attachments"])

    assert f'accept="{ACCEPT_ATTRIBUTE}"' in html
    assert "multiple" in html


def test_staff_form_channels_are_phone_in_person_and_mail():
    form = StaffTipForm()

    values = {value for value, _label in form.fields["channel"].choices}  # type: ignore[attr-defined]
    assert values == {"phone", "in_person", "mail"}


def test_staff_form_refuses_a_receipt_time_in_the_future():
    later = timezone.localtime() + dt.timedelta(hours=3)
    form = StaffTipForm(
        tip_data(
            channel="phone",
            received_date=later.date().isoformat(),
            received_time=later.strftime("%H:%M"),
        )
    )

    assert not form.is_valid()
    assert "received_date" in form.errors or "received_time" in form.errors


def test_reply_needs_text():
    assert not ReplyForm({"body": ""}).is_valid()
    assert ReplyForm({"body": "Người đó đi xe Wave đỏ."}).is_valid()
