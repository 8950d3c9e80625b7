"""The API: public counts on a date; staff reads and writes within their jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from toandan.accounts.models import User
from toandan.accounts.tests.factories import logged_in
from toandan.initiatives.tests.conftest import BA_DINH, register

pytestmark = pytest.mark.django_db


def test_counts_on_a_date_are_public_and_broken_down(cadre: User) -> None:
    register(cadre)

    body = Client().get("/api/v1/community-models/counts?on=2025-09-01&by=province").json()

    assert (body["models"], body["sites"], body["teams"]) == (1, 1, 0)
    assert body["rows"][0]["name"] == "Thành phố Hà Nội"
    assert body["geography"] == "current"
    old = (
        Client()
        .get("/api/v1/community-models/counts?on=2025-09-01&by=province&geography=old")
        .json()
    )
    assert old["rows"][0]["name"] == "Thành phố Hà Nội"
    assert old["geography"] == "old"
    assert Client().get("/api/v1/community-models/counts?on=2025-09-01&by=x").status_code == 422


def test_staff_register_add_a_team_and_file_a_review_through_the_api(
    cadre: User, police: User, province_police: User
) -> None:
    client = logged_in(cadre)
    created = client.post(
        "/api/v1/community-models",
        {
            "name": "Mô hình 'Zalo an ninh trật tự' khu dân cư số 2",
            "theme": "truyen-thong",
            "host_unit": "PN-01-00070",
            "police_unit": "CA-01-00070",
            "commune": "00070",
            "started_on": "2025-01-02",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    detail = client.get(f"/api/v1/community-models/{pk}").json()
    team = client.post(
        f"/api/v1/community-models/{pk}/teams",
        {
            "site_id": detail["sites"][0]["id"],
            "name": "Tổ 1",
            "member_count": 8,
            "started_on": "2025-02-01",
        },
        content_type="application/json",
    )
    assert team.status_code == 201
    review = client.post(
        f"/api/v1/community-models/{pk}/reviews",
        {"year": 2025, "activities": 5, "members": 8, "meetings": 4, "tips_passed": 1},
        content_type="application/json",
    ).json()
    assert review["status"] == "submitted"

    confirm = logged_in(police).post(
        f"/api/v1/community-models/reviews/{review['id']}/steps",
        {"action": "confirm"},
        content_type="application/json",
    )
    graded = logged_in(province_police).post(
        f"/api/v1/community-models/reviews/{review['id']}/steps",
        {"action": "grade", "grade": "tot"},
        content_type="application/json",
    )

    assert confirm.json()["status"] == "confirmed"
    assert graded.json()["grade"] == "tot"


def test_a_commune_sees_only_its_own_through_the_api(cadre: User, cadre_ba_dinh: User) -> None:
    ours = register(cadre)
    theirs = register(cadre_ba_dinh, code=BA_DINH, started_on=dt.date(2025, 9, 1))

    listed = logged_in(cadre).get("/api/v1/community-models").json()

    assert [row["id"] for row in listed] == [ours.pk]
    assert logged_in(cadre).get(f"/api/v1/community-models/{theirs.pk}").status_code == 404
    refused = logged_in(cadre).post(
        "/api/v1/community-models",
        {
            "name": "X",
            "theme": "camera",
            "host_unit": "PN-01-00004",
            "commune": "00004",
            "started_on": "2025-01-02",
        },
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_another_communes_police_cannot_confirm_a_review(cadre: User) -> None:
    from toandan.accounts.models import Role
    from toandan.accounts.tests.factories import make_user
    from toandan.initiatives.services import review_file

    initiative = register(cadre)
    review = review_file(
        actor=cadre,
        initiative=initiative,
        year=2026,
        activities=1,
        members=1,
        meetings=1,
        tips_passed=0,
    )
    ba_dinh_police = make_user("ca.bd", Role.POLICE_OFFICER, "CA-01-00004")

    answer = logged_in(ba_dinh_police).post(
        f"/api/v1/community-models/reviews/{review.pk}/steps",
        {"action": "confirm"},
        content_type="application/json",
    )

    assert answer.status_code == 404
    review.refresh_from_db()
    assert review.status == "submitted"


@pytest.mark.parametrize(
    ("field", "value"),
    [("site_id", 2**64), ("member_count", 2**64), ("member_count", -1)],
)
def test_a_number_past_the_database_integer_is_a_422_not_a_server_error(
    cadre: User, field: str, value: int
) -> None:
    initiative = register(cadre)
    site = initiative.sites.first()
    assert site is not None
    payload = {"site_id": site.pk, "name": "Tổ 1", "member_count": 8, "started_on": "2025-02-01"}
    payload[field] = value

    response = logged_in(cadre).post(
        f"/api/v1/community-models/{initiative.pk}/teams", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not site.teams.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Mô hình " + "rất dài " * 60), ("area_kind", "x"), ("contact_name", "A" * 200)],
)
def test_registering_with_a_bad_value_answers_4xx_not_500(
    cadre: User, field: str, value: str
) -> None:
    payload = {
        "name": "Mô hình 'Camera an ninh'",
        "theme": "camera",
        "host_unit": "PN-01-00070",
        "commune": "00070",
        "started_on": "2025-01-02",
        field: value,
    }
    answer = logged_in(cadre).post(
        "/api/v1/community-models", payload, content_type="application/json"
    )

    assert answer.status_code == 409, answer.content
    assert answer.json()["field"] == field


def test_a_too_long_site_or_team_name_or_absurd_member_count_answers_409(cadre: User) -> None:
    """Over the column's length PostgreSQL raises a DataError (500); SQLite kept it whole."""
    client = logged_in(cadre)
    initiative = register(cadre)
    site = initiative.sites.get()
    long_site = client.post(
        f"/api/v1/community-models/{initiative.pk}/sites",
        {"name": "Điểm " * 60, "commune": "00070", "started_on": "2025-09-02"},
        content_type="application/json",
    )
    team = {"site_id": site.pk, "name": "Tổ 1", "member_count": 8, "started_on": "2025-09-02"}
    long_team = client.post(
        f"/api/v1/community-models/{initiative.pk}/teams",
        {**team, "name": "Tổ " * 80},
        content_type="application/json",
    )
    huge_team = client.post(
        f"/api/v1/community-models/{initiative.pk}/teams",
        {**team, "member_count": 3_000_000_000},
        content_type="application/json",
    )

    # Names are checked by the service (409 naming the field); numbers by the schema (422).
    assert [r.status_code for r in (long_site, long_team, huge_team)] == [409, 409, 422]
    assert [r.json()["field"] for r in (long_site, long_team)] == ["name", "name"]
    assert huge_team.json()["detail"][0]["loc"][-1] == "member_count"
    assert initiative.sites.count() == 1


@pytest.mark.parametrize(
    ("field", "value"), [("year", 99999), ("year", 0), ("activities", -1), ("tips_passed", -5)]
)
def test_a_review_with_an_impossible_year_or_a_negative_count_answers_422(
    cadre: User, field: str, value: int
) -> None:
    initiative = register(cadre)
    payload = {"year": 2025, "activities": 5, "members": 8, "meetings": 4, "tips_passed": 1}

    answer = logged_in(cadre).post(
        f"/api/v1/community-models/{initiative.pk}/reviews",
        {**payload, field: value},
        content_type="application/json",
    )

    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"][0]["loc"][-1] == field
    assert initiative.reviews.count() == 0


def test_an_offset_past_the_database_bigint_is_a_422_not_a_server_error(cadre: User) -> None:
    response = logged_in(cadre).get("/api/v1/community-models?offset=9223372036854775808")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "offset"


def test_counts_by_organisation_roll_the_union_tree_up(cadre: User, cadre_ba_dinh: User) -> None:
    from toandan.accounts.tests.factories import unit

    hanoi = unit("PN-01")
    register(cadre)  # hosted by Hoàn Kiếm's union
    register(cadre, name="Mô hình thứ hai")
    register(cadre_ba_dinh, code=BA_DINH)
    assert unit("PN-01-00070").parent_id == hanoi.pk
    url = "/api/v1/community-models/counts?on=2025-09-01&by=organisation"

    country = Client().get(url).json()
    province = Client().get(f"{url}&unit=PN-01").json()
    commune = Client().get(f"{url}&unit=PN-01-00070").json()

    assert (country["by"], country["models"], country["sites"]) == ("organisation", 3, 3)
    by_code = {row["code"]: row["models"] for row in country["rows"]}
    assert by_code["PN-01"] == 3
    assert sum(by_code.values()) == 3
    assert {row["code"]: row["models"] for row in province["rows"] if row["models"]} == {
        "PN-01-00070": 2,
        "PN-01-00004": 1,
    }
    # Hoàn Kiếm's union hosts them itself: its own row.
    assert commune["rows"][0]["code"] == "PN-01-00070"
    assert commune["rows"][0]["models"] == 2
    before = Client().get("/api/v1/community-models/counts?on=2025-07-31&by=organisation").json()
    assert before["models"] == 0
    unknown = Client().get(f"{url}&unit=PN-99-XXXX")
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "unit"


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01", "0001-01-31"])
def test_counts_by_commune_on_the_first_and_last_dates_answer(cadre: User, on: str) -> None:
    # The counts by commune read from the month end before the date: there is none before
    # January of year 1, and the day after 31/12/9999 cannot be named (it was a 500)
    from toandan.initiatives.stock import stock_months_extend

    register(cadre)
    stock_months_extend(dt.date(2025, 11, 30))

    response = Client().get(f"/api/v1/community-models/counts?on={on}&by=commune")

    assert response.status_code == 200
    assert response.json()["models"] == (1 if on == "9999-12-31" else 0)
