"""Warnings: written for a unit subtree, published to its members (in-app and email), on the
public page, the Atom feed and a PNG card; reach counted per unit, never per person."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from toandan.accounts.tests.factories import make_user
from toandan.antifraud import services
from toandan.antifraud.models import ScamType, WarningReach
from toandan.notifications.models import Notification
from toandan.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_publish_tells_the_members_of_the_subtree_and_counts_reach_per_unit(
    leader_hanoi: Any, officer_hoan_kiem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cadre = make_user("pn.hoankiem.af", "union_cadre", "PN-01-00070")
    outside = make_user("ca.laocai.af", "police_officer", "CA-15")
    warning = services.warning_create(
        actor=leader_hanoi,
        title="Cảnh báo giả danh bưu tá thu phí COD",
        how_it_works="Đối tượng gọi báo có bưu kiện, gửi đường dẫn thanh toán phí.",
        what_to_do="Không bấm đường dẫn lạ, không chuyển tiền.",
        audience=OrgUnit.objects.get(code="CA-01"),
        scam_type=ScamType.objects.get(code="parcel-prize"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        told = services.warning_publish(actor=leader_hanoi, warning=warning)
    assert told >= 2
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert officer_hoan_kiem.pk in notified
    assert leader_hanoi.pk in notified
    assert outside.pk not in notified
    assert cadre.pk not in notified  # the union tree is another audience
    reach = WarningReach.objects.get(warning=warning, unit__code="CA-01-00070")
    assert reach.sent == 1
    page = Client().get(f"/fraud/warnings/{warning.pk}/?u={reach.unit_id}")
    assert page.status_code == 200
    reach.refresh_from_db()
    assert reach.opened == 1
    assert "Cảnh báo giả danh bưu tá" in Client().get("/fraud/warnings/").content.decode()
    feed = Client().get("/fraud/warnings/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Cảnh báo giả danh bưu tá" in feed.content.decode()
    card = Client().get(f"/fraud/warnings/{warning.pk}/card.png")
    assert card["Content-Type"] == "image/png"
    assert card.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_only_staff_over_the_audience_may_warn_it(officer_hoan_kiem: Any) -> None:
    with pytest.raises(services.AntifraudError):
        services.warning_create(
            actor=officer_hoan_kiem,
            title="x",
            how_it_works="x",
            what_to_do="x",
            audience=OrgUnit.objects.get(code="CA-01"),
        )


def test_a_draft_is_not_public(leader_hanoi: Any) -> None:
    warning = services.warning_create(
        actor=leader_hanoi,
        title="Nháp",
        how_it_works="x",
        what_to_do="y",
        audience=OrgUnit.objects.get(code="CA-01"),
    )
    assert Client().get(f"/fraud/warnings/{warning.pk}/").status_code == 404


def test_writing_a_warning_through_the_staff_page(leader_hanoi: Any) -> None:
    """The audience field's choices were a sliced queryset: validating a choice filters it,
    which Django refuses (TypeError, turned into "not a valid choice"), so no warning could
    be written through the page."""
    from toandan.accounts.tests.factories import logged_in
    from toandan.antifraud.models import FraudWarning

    client = logged_in(leader_hanoi)
    body = {
        "title": "Cảnh báo cuộc gọi giả danh công an",
        "how_it_works": "Đối tượng gọi video, mặc sắc phục, yêu cầu chuyển tiền.",
        "what_to_do": "Công an không làm việc qua điện thoại.",
        "audience": OrgUnit.objects.get(code="CA-01-00070").pk,
    }
    response = client.post("/fraud/staff/warnings/", body)
    assert response.status_code == 302
    assert FraudWarning.objects.get().audience.code == "CA-01-00070"
    outside = {**body, "audience": OrgUnit.objects.get(code="CA-15").pk}
    response = client.post("/fraud/staff/warnings/", outside)
    assert response.status_code == 200
    assert FraudWarning.objects.count() == 1


def _published(leader: Any, django_capture_on_commit_callbacks: Any) -> Any:
    warning = services.warning_create(
        actor=leader,
        title="Cảnh báo lừa đảo đầu tư tiền ảo",
        how_it_works="Mời vào nhóm đầu tư, hứa lãi cao.",
        what_to_do="Không chuyển tiền cho người lạ.",
        audience=OrgUnit.objects.get(code="CA-01"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.warning_publish(actor=leader, warning=warning)
    return warning


def test_reach_is_not_inflated_by_opening_the_link_again_and_again(
    leader_hanoi: Any, officer_hoan_kiem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The attack: reloading the link (or a script fetching it) to make a unit's reach look
    good. One browser counts once per unit, warning and day; another browser counts too."""
    warning = _published(leader_hanoi, django_capture_on_commit_callbacks)
    reach = WarningReach.objects.get(warning=warning, unit__code="CA-01-00070")
    link = f"/fraud/warnings/{warning.pk}/?u={reach.unit_id}"
    browser = Client()  # from the e-mail: no device cookie yet on the first visit
    for _visit in range(5):
        assert browser.get(link).status_code == 200
    reach.refresh_from_db()
    assert reach.opened == 1
    another = Client()
    another.get(link)
    another.get(link)
    reach.refresh_from_db()
    assert reach.opened == 2


def test_a_script_collecting_fresh_cookies_is_capped_per_address(
    settings: Any,
    leader_hanoi: Any,
    officer_hoan_kiem: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TOANDAN_FRAUD_REACH_PER_ADDRESS_DAY = 3
    warning = _published(leader_hanoi, django_capture_on_commit_callbacks)
    reach = WarningReach.objects.get(warning=warning, unit__code="CA-01-00070")
    link = f"/fraud/warnings/{warning.pk}/?u={reach.unit_id}"
    script = Client()
    for _visit in range(10):
        script.cookies.clear()  # a new browser each time, from one address
        script.get(link)
    reach.refresh_from_db()
    assert reach.opened == 3
