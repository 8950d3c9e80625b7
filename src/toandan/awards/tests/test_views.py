"""Every page of awards: public pages open to anyone; staff pages send anonymous visitors to
log in, refuse users without the role (403) and answer 404 outside the jurisdiction, the same
as for what does not exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from toandan.accounts.tests.factories import make_user
from toandan.awards import services
from toandan.awards.models import Nomination
from toandan.awards.tests.conftest import World, nominate, seat_council, up_to_centre

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _decided(
    world: World, *, name: str = "Nguyễn Thị A", consent: bool = True
) -> tuple[Nomination, str]:
    """One individual nominated, voted and commended: the nomination and the award's code."""
    n = up_to_centre(world, nominate(world, name=name, consent=consent))
    seat_council(world)
    services.ballot_open(actor=world.reviewers[0], campaign=world.campaign)
    for reviewer in world.reviewers[:2]:
        services.ballot_cast(actor=reviewer, campaign=world.campaign, choices={n.pk: "yes"})
    services.ballot_close(actor=world.reviewers[0], campaign=world.campaign)
    decision = services.decision_issue(
        actor=world.organiser,
        campaign=world.campaign,
        number="12/QĐ-BCA",
        signer_name="Lê Văn Minh",
        signer_title="Thứ trưởng",
        date=dt.date(2026, 12, 20),
        place="Hà Nội",
        issuing_unit=world.campaign.organisers.get(code="CA-TW"),
    )
    return n, decision.awards.get().code


def _staff_urls(world: World, n: Nomination, code: str) -> list[str]:
    c = world.campaign.pk
    return [
        reverse("awards:work"),
        reverse("awards:nomination_new", args=[c]),
        reverse("awards:tipster_new", args=[c]),
        reverse("awards:nomination", args=[n.pk]),
        reverse("awards:submission", args=[n.pk]),
        reverse("awards:council", args=[c]),
        reverse("awards:results", args=[c]),
        reverse("awards:decision", args=[c]),
        reverse("awards:decision_file", args=[c, "docx"]),
        reverse("awards:certificates", args=[c]),
        reverse("awards:revoke", args=[code]),
    ]


def test_public_pages_open_to_anyone(world: World) -> None:
    _n, code = _decided(world)
    anonymous = _client()
    assert anonymous.get(reverse("awards:index")).status_code == 200
    roll = anonymous.get(reverse("awards:honour_roll", args=[world.campaign.pk]))
    assert "Nguyễn Thị A" in roll.content.decode()
    assert anonymous.get(reverse("awards:verify_form")).status_code == 200
    assert anonymous.get(reverse("awards:verify_form") + f"?code={code}").status_code == 302
    page = anonymous.get(reverse("awards:verify", args=[code])).content.decode()
    assert 'data-status="valid"' in page
    assert (
        'data-status="unknown"'
        in anonymous.get(reverse("awards:verify", args=["XXXX2222"])).content.decode()
    )
    pdf = anonymous.get(reverse("awards:certificate_pdf", args=[code]))
    assert pdf.content.startswith(b"%PDF")
    assert anonymous.get(reverse("awards:certificate_pdf", args=["XXXX2222"])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_and_roleless_users_refused(world: World) -> None:
    n, code = _decided(world)
    nobody = make_user("no.role")
    setup = [
        reverse("awards:campaign_new"),
        reverse("awards:council_new", args=[world.campaign.pk]),
        reverse("awards:nomination_file", args=[n.pk, 1]),
    ]
    for url in _staff_urls(world, n, code) + setup:
        answer = _client().get(url)
        assert answer.status_code == 302, url
        assert "/login" in answer["Location"] or "accounts" in answer["Location"], url
        assert _client(nobody).get(url).status_code == 403, url


def test_staff_outside_the_jurisdiction_get_404(world: World) -> None:
    n, code = _decided(world)
    lao_cai = world.leader_lao_cai  # a union leader of another province
    other_organiser = make_user("thidua.laocai", "campaign_organiser", "PN-15")
    outsider_reviewer = make_user("hd.khac", "reviewer", "PN-15")
    c = world.campaign.pk
    assert _client(lao_cai).get(reverse("awards:nomination", args=[n.pk])).status_code == 404
    assert _client(lao_cai).get(reverse("awards:submission", args=[n.pk])).status_code == 404
    assert (
        _client(world.cadre_ba_dinh).get(reverse("awards:nomination", args=[n.pk])).status_code
        == 404
    )
    for name, args in (
        ("awards:decision", [c]),
        ("awards:decision_file", [c, "pdf"]),
        ("awards:certificates", [c]),
        ("awards:revoke", [code]),
        ("awards:results", [c]),
        ("awards:council", [c]),
    ):
        assert _client(other_organiser).get(reverse(name, args=args)).status_code == 404, name
    for name in ("awards:council", "awards:results"):
        assert _client(outsider_reviewer).get(reverse(name, args=[c])).status_code == 404
    assert _client(lao_cai).get(reverse("awards:nomination", args=[999999])).status_code == 404


def test_each_role_sees_its_own_pages(world: World) -> None:
    n, code = _decided(world)
    c = world.campaign.pk
    assert _client(world.cadre).get(reverse("awards:nomination", args=[n.pk])).status_code == 200
    assert _client(world.leader).get(reverse("awards:nomination", args=[n.pk])).status_code == 200
    organiser = _client(world.organiser)
    for url in _staff_urls(world, n, code):
        if "nominate" in url:
            continue
        assert organiser.get(url).status_code == 200, url
    reviewer = _client(world.reviewers[0])
    assert reviewer.get(reverse("awards:council", args=[c])).status_code == 200
    assert reviewer.get(reverse("awards:results", args=[c])).status_code == 200
    page = _client(world.cadre).get(reverse("awards:nomination_new", args=[c]))
    assert page.status_code == 200


def test_a_union_nominates_and_submits_through_the_pages(world: World) -> None:
    cadre = _client(world.cadre)
    union = world.cadre.role_assignments.get().org_unit
    answer = cadre.post(
        reverse("awards:nomination_new", args=[world.campaign.pk]),
        {
            "unit": union.pk,
            "subject_type": "individual",
            "subject_name": "Trần Thị Bích Hạnh",
            "women_led": "on",
            "form": world.form.pk,
            "achievement_summary": "Vận động 9 hội viên cung cấp nguồn tin có giá trị",
            "achievement": "Phối hợp Công an phường giải quyết 3 vụ việc.",
            "active_from": "2022-03-08",
        },
    )
    assert answer.status_code == 302
    n = Nomination.objects.get(subject_name="Trần Thị Bích Hạnh")
    cadre.post(reverse("awards:nomination", args=[n.pk]), {"action": "submit"})
    n.refresh_from_db()
    assert n.status == "submitted"
    leader = _client(world.leader)
    leader.post(reverse("awards:nomination", args=[n.pk]), {"action": "return", "reason": ""})
    n.refresh_from_db()
    assert n.status == "submitted"  # a return needs a reason
    leader.post(reverse("awards:nomination", args=[n.pk]), {"action": "forward"})
    n.refresh_from_db()
    assert n.status == "forwarded"


def test_the_unit_adds_a_file_cleaned_and_records_consent(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from toandan.media.tests import samples

    n = nominate(world, consent=False)
    cadre = _client(world.cadre)
    url = reverse("awards:nomination", args=[n.pk])
    photo = SimpleUploadedFile("le-trao-bang.jpg", samples.jpeg_with_gps(), "image/jpeg")
    cadre.post(url, {"action": "file", "file": photo})
    stored = n.files.get()
    assert stored.name == "le-trao-bang.jpg"
    assert b"GPS" not in bytes(stored.data)  # identifying metadata removed
    file_url = reverse("awards:nomination_file", args=[n.pk, stored.pk])
    assert cadre.get(file_url).status_code == 200
    assert _client(world.leader_lao_cai).get(file_url).status_code == 404
    assert _client().get(file_url).status_code == 302
    assert _client(make_user("no.role.2")).get(file_url).status_code == 403
    cadre.post(url, {"action": "consent", "consent": "yes"})
    n.refresh_from_db()
    assert n.consent_to_name


def test_an_organiser_opens_a_campaign_and_seats_its_council(world: World) -> None:
    from toandan.awards.models import Campaign, Council, Quota
    from toandan.geo.models import AdminUnit

    organiser = _client(world.organiser)
    hanoi = AdminUnit.objects.get(generation="current", level="province", code="01")
    answer = organiser.post(
        reverse("awards:campaign_new"),
        {
            "title": "Biểu dương điển hình phòng, chống lừa đảo qua mạng năm 2027",
            "period_start": "01/01/2026",
            "period_end": "31/12/2026",
            "generation": "current",
            "provinces": [hanoi.pk],
            "region": "Thành phố Hà Nội",
            "subject_types": ["collective", "individual"],
            "award_forms": [world.form.pk],
            "criteria": "Ngăn chặn giao dịch lừa đảo | 5\nTuyên truyền | 2",
            "quota": "4",
            "nominations_close_commune": "15/01/2027",
            "nominations_close_province": "25/01/2027",
            "council_date": "05/02/2027",
            "ceremony_date": "15/02/2027",
            "ceremony_place": "Hà Nội",
            "organisers": [world.campaign.organisers.get(code="CA-TW").pk],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    campaign = Campaign.objects.get(title__contains="lừa đảo qua mạng năm 2027")
    assert list(campaign.criteria.values_list("name", "weight")) == [
        ("Ngăn chặn giao dịch lừa đảo", Decimal(5)),
        ("Tuyên truyền", Decimal(2)),
    ]
    assert set(
        Quota.objects.filter(campaign=campaign).values_list("org_unit__code", "max_count")
    ) == {("PN-01", 4)}
    chair, member = (a.role_assignments.get() for a in world.reviewers[:2])
    seated = organiser.post(
        reverse("awards:council_new", args=[campaign.pk]),
        {"name": "Hội đồng 2027", "chair": chair.pk, "members": [chair.pk, member.pk]},
    )
    assert seated.status_code == 302
    council = Council.objects.get(campaign=campaign)
    assert sorted(council.members.values_list("role", flat=True)) == ["chair", "member"]
    # Not an organiser: refused (a union leader has no organiser role).
    assert _client(world.leader).get(reverse("awards:campaign_new")).status_code == 403
    outsider = make_user("thidua.khac", "campaign_organiser", "PN-15")
    assert (
        _client(outsider).get(reverse("awards:council_new", args=[campaign.pk])).status_code == 404
    )


def test_the_province_orders_its_nominations_and_sees_its_quota(world: World) -> None:
    first = services.nomination_step(
        actor=world.cadre, nomination=nominate(world, name="Nguyễn Thị A"), action="submit"
    )
    second = services.nomination_step(
        actor=world.cadre, nomination=nominate(world, name="Trần Thị B"), action="submit"
    )
    url = reverse("awards:province", args=[world.campaign.pk])
    leader = _client(world.leader)
    page = leader.get(url).content.decode()
    assert "Nguyễn Thị A" in page
    assert "Hội LHPN thành phố Hà Nội" in page  # its quota line
    leader.post(url, {f"rank_{second.pk}": "1", f"rank_{first.pk}": "2"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.province_rank, first.province_rank) == (1, 2)
    assert _client(world.leader_lao_cai).get(url).status_code == 404
    assert _client(world.cadre).get(url).status_code == 403  # a commune cadre does not rank
    assert _client().get(url).status_code == 302


def test_a_returned_dossier_is_corrected_and_sent_again(world: World) -> None:
    n = services.nomination_step(actor=world.cadre, nomination=nominate(world), action="submit")
    n = services.nomination_step(
        actor=world.leader, nomination=n, action="return", reason="Thiếu biên bản bình xét"
    )
    url = reverse("awards:nomination_edit", args=[n.pk])
    cadre = _client(world.cadre)
    assert cadre.get(url).status_code == 200
    answer = cadre.post(
        url,
        {
            "unit": n.unit_id,
            "subject_type": "individual",
            "subject_name": n.subject_name,
            "women_led": "on",
            "form": n.form_id,
            "achievement_summary": n.achievement_summary,
            "achievement": n.achievement,
            "active_from": "08/03/2021",
            "minutes": "Biên bản bình xét ngày 12/11/2026, 15/15 đại biểu nhất trí.",
        },
    )
    assert answer.status_code == 302
    n.refresh_from_db()
    assert n.minutes.startswith("Biên bản bình xét ngày 12/11/2026")
    services.nomination_step(actor=world.cadre, nomination=n, action="submit")
    assert _client(world.cadre).get(url).status_code == 200  # the page, but no longer savable
    refused = cadre.post(
        url,
        {
            "unit": n.unit_id,
            "subject_type": "individual",
            "subject_name": "X",
            "form": n.form_id,
            "achievement_summary": "x",
            "achievement": "x",
            "active_from": "08/03/2021",
        },
    )
    assert "dự thảo" in refused.content.decode() or "draft" in refused.content.decode()
    assert _client(world.cadre_ba_dinh).get(url).status_code == 404
    assert _client(world.leader_lao_cai).get(url).status_code == 404
    assert _client().get(url).status_code == 302


def test_the_public_certificate_link_does_not_name_an_individual_without_consent(
    world: World,
) -> None:
    """The verify page shows "a member, Hội LHPN …" for an individual who did not agree to be
    named; the public PDF by the same code printed her full name."""
    _n, code = _decided(world, name="Nguyễn Thị Kín Tên", consent=False)

    assert _client().get(reverse("awards:certificate_pdf", args=[code])).status_code == 404
    page = _client().get(reverse("awards:verify", args=[code])).content.decode()
    assert 'data-status="valid"' in page
    assert "Kín Tên" not in page
