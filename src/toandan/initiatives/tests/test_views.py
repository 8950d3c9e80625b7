"""The pages without JavaScript: register, add a site and a team, file the review, confirm,
grade; a commune sees only its own models; the public pages show no contact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.html import escape

from toandan.accounts.models import User
from toandan.accounts.tests.factories import logged_in, unit
from toandan.initiatives.models import Initiative, ReviewStatus
from toandan.initiatives.services import initiative_step
from toandan.initiatives.tests.conftest import BA_DINH, commune, register, theme

pytestmark = pytest.mark.django_db


def test_a_union_cadre_registers_adds_a_site_and_a_team_and_files_the_review(
    cadre: User, police: User, province_police: User
) -> None:
    client = logged_in(cadre)
    form = client.get("/initiatives/new/")
    assert "Phường Hoàn Kiếm" in form.content.decode()

    response = client.post(
        "/initiatives/new/",
        {
            "name": "Tổ phụ nữ tự quản về an ninh trật tự phố Hàng Bạc",
            "theme": theme("tu-quan").pk,
            "host_unit": unit("PN-01-00070").pk,
            "police_unit": unit("CA-01-00070").pk,
            "commune": commune("00070").pk,
            "started_on": "2025-01-15",
            "area_kind": "residential",
            "contact_name": "Phạm Thị Mẫu",
        },
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/initiatives/{initiative.pk}/"

    client.post(
        f"/initiatives/{initiative.pk}/sites/new/",
        {"name": "Tổ dân phố số 12", "commune": commune("00070").pk, "started_on": "2025-03-01"},
    )
    site = initiative.sites.get(name="Tổ dân phố số 12")
    client.post(
        f"/initiatives/{initiative.pk}/teams/new/",
        {"site": site.pk, "name": "Tổ 1", "member_count": "11", "started_on": "2025-03-02"},
    )
    page = client.get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "Tổ dân phố số 12" in page
    assert "Phạm Thị Mẫu" in page

    filed = client.post(
        f"/initiatives/{initiative.pk}/reviews/new/",
        {
            "year": "2025",
            "activities": "10",
            "members": "20",
            "meetings": "5",
            "tips_passed": "3",
            "channel_posts": "0",
            "score_ke-hoach": "8",
        },
    )
    review = initiative.reviews.get()
    assert filed["Location"] == f"/initiatives/reviews/{review.pk}/"
    assert review.status == ReviewStatus.SUBMITTED

    logged_in(police).post(f"/initiatives/reviews/{review.pk}/steps/confirm/", {"reason": ""})
    logged_in(province_police).post(
        f"/initiatives/reviews/{review.pk}/steps/grade/", {"grade": "kha"}
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.GRADED
    assert "Khá" in logged_in(cadre).get(f"/initiatives/reviews/{review.pk}/").content.decode()


def test_a_commune_sees_only_its_own_models(cadre: User, cadre_ba_dinh: User) -> None:
    ours = register(cadre)
    theirs = register(cadre_ba_dinh, code=BA_DINH, name="Mô hình 'Camera an ninh' Ba Đình")

    listing = logged_in(cadre).get("/initiatives/").content.decode()

    assert escape(ours.name) in listing
    assert escape(theirs.name) not in listing
    assert logged_in(cadre).get(f"/initiatives/{theirs.pk}/").status_code == 404
    assert logged_in(cadre).get(f"/initiatives/{theirs.pk}/sites/new/").status_code == 404


def test_the_province_sees_every_commune_of_the_province(
    cadre: User, cadre_ba_dinh: User, province_police: User
) -> None:
    register(cadre)
    register(cadre_ba_dinh, code=BA_DINH, name="Mô hình Ba Đình")

    listing = logged_in(province_police).get("/initiatives/").content.decode()

    assert "Mô hình Ba Đình" in listing
    assert "Camera an ninh" in listing


def test_a_returned_review_shows_the_reason_required(cadre: User, police: User) -> None:
    initiative = register(cadre)
    client = logged_in(cadre)
    client.post(
        f"/initiatives/{initiative.pk}/reviews/new/",
        {
            "year": "2026",
            "activities": "1",
            "members": "1",
            "meetings": "1",
            "tips_passed": "0",
            "channel_posts": "0",
        },
    )
    review = initiative.reviews.get()

    response = logged_in(police).post(
        f"/initiatives/reviews/{review.pk}/steps/return/", {"reason": ""}, follow=True
    )

    assert "Nêu lý do (bắt buộc)." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_the_public_catalogue_shows_exemplary_models_without_contact(
    cadre: User, province_police: User, client: object
) -> None:
    initiative = register(cadre, started_on=dt.date(2024, 1, 1))
    initiative = initiative_step(
        actor=province_police, initiative=initiative, action="recognise", document="1/QĐ"
    )
    initiative_step(actor=province_police, initiative=initiative, action="mark_exemplary")

    listing = client.get("/initiatives/catalogue/").content.decode()  # type: ignore[attr-defined]
    page = client.get(f"/initiatives/catalogue/{initiative.pk}/").content.decode()  # type: ignore[attr-defined]

    assert escape(initiative.name) in listing
    assert "Nguyễn Thị Mẫu" not in page
    assert "0399" not in page


def test_the_public_counts_page_draws_the_provinces_with_a_table(
    cadre: User, client: object
) -> None:
    register(cadre)

    page = client.get("/initiatives/counts/?on=2025-09-01").content.decode()  # type: ignore[attr-defined]

    assert "<svg" in page
    assert "Thành phố Hà Nội" in page


def test_the_public_counts_page_breaks_down_by_union_unit_and_drills_down(cadre: User) -> None:
    from django.test import Client

    register(cadre)
    client = Client()

    root = client.get("/initiatives/counts/?on=2025-09-01&by=organisation").content.decode()
    province = client.get(
        "/initiatives/counts/?on=2025-09-01&by=organisation&unit=PN-01"
    ).content.decode()

    assert "by=organisation&amp;unit=PN-01" in root
    assert "<svg" not in root
    assert "by=organisation&amp;unit=PN-01-00070" in province
    assert client.get("/initiatives/counts/?by=organisation&unit=NONE").status_code == 404


def test_a_union_cadre_ends_a_team_and_it_stops_counting(cadre: User, cadre_ba_dinh: User) -> None:
    from toandan.initiatives.selectors import counts_on
    from toandan.initiatives.services import site_add, team_add

    initiative = register(cadre)
    site = site_add(
        actor=cadre,
        initiative=initiative,
        name="Tổ dân phố số 5",
        commune=commune("00070"),
        started_on=dt.date(2025, 8, 2),
    )
    team = team_add(
        actor=cadre, site=site, name="Tổ 2", member_count=9, started_on=dt.date(2025, 8, 3)
    )
    client = logged_in(cadre)
    assert (
        f"/initiatives/{initiative.pk}/teams/end/"
        in client.get(f"/initiatives/{initiative.pk}/").content.decode()
    )
    # A reason is required, and the end cannot come before the start: said on the form
    empty = client.post(
        f"/initiatives/{initiative.pk}/teams/end/",
        {"team": team.pk, "ended_on": "2025-09-30", "reason": ""},
    )
    assert empty.status_code == 200
    early = client.post(
        f"/initiatives/{initiative.pk}/teams/end/",
        {"team": team.pk, "ended_on": "2025-08-01", "reason": "Giải thể"},
    )
    assert escape("Ngày kết thúc không thể trước ngày bắt đầu.") in early.content.decode()
    team.refresh_from_db()
    assert team.ended_on is None
    # Another commune's cadre cannot reach the page
    assert (
        logged_in(cadre_ba_dinh).get(f"/initiatives/{initiative.pk}/teams/end/").status_code == 404
    )
    # When the team ends on 30/09/2025
    done = client.post(
        f"/initiatives/{initiative.pk}/teams/end/",
        {"team": team.pk, "ended_on": "2025-09-30", "reason": "Sáp nhập vào tổ 1"},
    )
    assert done.status_code == 302
    team.refresh_from_db()
    assert team.ended_on == dt.date(2025, 9, 30)
    # Then it counts until that day and not after
    assert counts_on(dt.date(2025, 9, 30)).teams == 1
    assert counts_on(dt.date(2025, 10, 1)).teams == 0
