"""Admin: categories and the routing table are editable and audited; tips are read-only and
show no content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from toandan.audit.models import AuditEvent
from toandan.tips.models import Category, RegisterBook, RoutingRule, Tip
from toandan.tips.services import tip_submit
from toandan.tips.tests.conftest import category, tip_input

pytestmark = pytest.mark.django_db


def test_editing_a_category_is_saved_and_audited(admin_client):
    gambling = category("gambling")
    response = admin_client.post(
        reverse("admin:tips_category_change", args=[gambling.pk]),
        {
            "code": gambling.code,
            "group": gambling.group,
            "name_vi": gambling.name_vi,
            "name_en": gambling.name_en,
            "description_vi": gambling.description_vi,
            "description_en": gambling.description_en,
            "is_serious": "on",
            "order": gambling.order,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Category.objects.get(pk=gambling.pk).is_serious
    event = AuditEvent.objects.get(action="tips.category.update")
    assert event.object_id == str(gambling.pk)
    assert event.data["changed"] == ["is_serious"]
    assert event.data["is_serious"] is True


def test_the_administrator_sets_a_category_s_forwarding_hours_with_their_source(admin_client):
    # Which tips get 24 h is data, edited with its legal source.
    gambling = category("gambling")
    source = "TTLT 01/2021 (test): a case of public concern"

    refused = admin_client.post(
        reverse("admin:tips_category_change", args=[gambling.pk]),
        _category_form(gambling, seriousness="serious", forward_hours=24),
    )
    assert refused.status_code == 200
    assert Category.objects.get(pk=gambling.pk).forward_hours is None

    response = admin_client.post(
        reverse("admin:tips_category_change", args=[gambling.pk]),
        _category_form(
            gambling,
            seriousness="serious",
            forward_hours=24,
            forward_remote_hours=48,
            seriousness_source=source,
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="tips.category.update")
    assert set(event.data["changed"]) == {
        "seriousness",
        "forward_hours",
        "forward_remote_hours",
        "seriousness_source",
    }
    tip = tip_submit(data=tip_input(category=category("gambling"))).tip
    assert tip.due_at == tip.received_at + dt.timedelta(hours=24)


def test_a_new_routing_rule_is_audited_and_applies(admin_client):
    cyber = category("cybercrime")
    response = admin_client.post(
        reverse("admin:tips_routingrule_add"),
        {
            "name": "Tội phạm mạng: Công an tỉnh",
            "priority": 5,
            "condition": "always",
            "category": cyber.pk,
            "target": "province_police",
            "role": "primary",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="tips.routing_rule.create")
    assert event.data["category"] == cyber.pk
    tip = tip_submit(data=tip_input(category=cyber)).tip
    assert tip.register_unit.code == "CA-01"


def test_deleting_a_routing_rule_is_audited(admin_client):
    rule = RoutingRule.objects.get(only_serious=True)
    response = admin_client.post(
        reverse("admin:tips_routingrule_delete", args=[rule.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.get(action="tips.routing_rule.delete").data["name"] == rule.name


def test_tips_are_listed_without_their_content(admin_client):
    tip = tip_submit(data=tip_input(contact_phone="0912 345 678")).tip
    listing = admin_client.get(reverse("admin:tips_tip_changelist")).content.decode()
    detail = admin_client.get(reverse("admin:tips_tip_change", args=[tip.pk])).content.decode()
    assert tip.register_number in listing
    for page in (listing, detail):
        assert "Hàng Bạc" not in page
        assert "0912" not in page
        assert tip.receipt_hash not in page
        assert tip.kek_id not in page


def test_tips_and_register_books_cannot_be_changed_in_the_admin(admin_client):
    tip = tip_submit(data=tip_input()).tip
    assert admin_client.get(reverse("admin:tips_tip_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:tips_tip_change", args=[tip.pk]), {"status": "concluded"}
    )
    assert response.status_code == 403
    assert Tip.objects.get(pk=tip.pk).status == "received"
    book = RegisterBook.objects.get()
    response = admin_client.post(
        reverse("admin:tips_registerbook_change", args=[book.pk]), {"last_seq": 0}
    )
    assert response.status_code == 403
    assert RegisterBook.objects.get().last_seq == 1
    assert (
        admin_client.post(reverse("admin:tips_tip_delete", args=[tip.pk]), {"post": "yes"})
    ).status_code == 403


# --- the public Open311 list: opt-in per category, never the sensitive ones ---------------------


def _category_form(cat: Category, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "code": cat.code,
        "group": cat.group,
        "name_vi": cat.name_vi,
        "name_en": cat.name_en,
        "description_vi": cat.description_vi,
        "description_en": cat.description_en,
        "order": cat.order,
        "active": "on",
    }
    if cat.asks_victim_request:
        form["asks_victim_request"] = "on"
    if cat.is_serious:
        form["is_serious"] = "on"
    if cat.sensitive:
        form["sensitive"] = "on"
    form.update(changes)
    return form


def test_no_default_category_is_listed_and_the_sensitive_ones_are_marked():
    assert not Category.objects.filter(open311_listed=True).exists()
    sensitive = set(Category.objects.filter(sensitive=True).values_list("code", flat=True))
    assert {
        "drug-use",
        "drug-den",
        "drug-trafficking",
        "human-trafficking",
        "domestic-violence",
        "prostitution",
        "fight-injury",
    } <= sensitive
    assert "theft" not in sensitive


def test_opting_a_category_in_to_the_public_list_is_saved_and_audited(admin_client):
    theft = category("theft")

    response = admin_client.post(
        reverse("admin:tips_category_change", args=[theft.pk]),
        _category_form(theft, open311_listed="on"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Category.objects.get(pk=theft.pk).open311_listed
    event = AuditEvent.objects.get(action="tips.category.update")
    assert event.data["changed"] == ["open311_listed"]
    assert event.data["open311_listed"] is True


@pytest.mark.parametrize(
    ("code", "changes"),
    [
        ("domestic-violence", {}),
        ("prostitution", {}),
        # A drug category stays unlistable even with its sensitive flag taken off.
        ("drug-trafficking", {"sensitive": ""}),
        ("human-trafficking", {"sensitive": ""}),
    ],
)
def test_listing_a_sensitive_category_in_the_admin_is_refused(admin_client, code, changes):
    cat = category(code)
    form = _category_form(cat, open311_listed="on", **changes)
    form = {key: value for key, value in form.items() if value != ""}

    response = admin_client.post(reverse("admin:tips_category_change", args=[cat.pk]), form)

    assert response.status_code == 200  # the form again, with the error
    assert "open311_listed" in response.context["adminform"].form.errors
    assert not Category.objects.get(pk=cat.pk).open311_listed
    assert not AuditEvent.objects.filter(action="tips.category.update").exists()


@pytest.mark.parametrize(
    ("code", "update"),
    [
        ("domestic-violence", {"open311_listed": True}),
        ("drug-use", {"open311_listed": True, "sensitive": False}),
    ],
)
def test_the_database_refuses_a_listed_sensitive_category(code, update):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.filter(code=code).update(**update)


@pytest.mark.parametrize("code", ["domestic-violence", "prostitution"])
def test_attack_unticking_sensitive_then_listing_the_category_is_refused(admin_client, code):
    # Two saves, each valid alone under the old rule: first take the flag off, then list it.
    cat = category(code)
    url = reverse("admin:tips_category_change", args=[cat.pk])
    unticked = {key: value for key, value in _category_form(cat).items() if key != "sensitive"}

    admin_client.post(url, unticked)
    admin_client.post(url, {**unticked, "open311_listed": "on"})

    cat.refresh_from_db()
    assert cat.sensitive
    assert not cat.open311_listed


def test_sensitive_is_read_only_in_the_admin_once_set(admin_client):
    form_of = {
        code: admin_client.get(
            reverse("admin:tips_category_change", args=[category(code).pk])
        ).context["adminform"]
        for code in ("domestic-violence", "theft")
    }

    assert "sensitive" not in form_of["domestic-violence"].form.fields
    assert "sensitive" in form_of["domestic-violence"].readonly_fields
    # A category that is not sensitive may still be marked so.
    assert "sensitive" in form_of["theft"].form.fields


def test_a_sensitive_category_cannot_be_made_ordinary_outside_the_admin_either():
    from django.core.exceptions import ValidationError

    cat = category("domestic-violence")
    cat.sensitive = False

    with pytest.raises(ValidationError) as refused:
        cat.full_clean()
    assert "sensitive" in refused.value.message_dict


def test_a_default_sensitive_category_unticked_before_is_still_never_listed():
    # Unticked before the flag became read-only: its code still keeps it out of the list.
    from django.core.exceptions import ValidationError

    Category.objects.filter(code="prostitution").update(sensitive=False)
    cat = category("prostitution")
    cat.open311_listed = True

    with pytest.raises(ValidationError) as refused:
        cat.full_clean()
    assert "open311_listed" in refused.value.message_dict
