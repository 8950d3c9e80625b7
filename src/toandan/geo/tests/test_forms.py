"""Embedding the place picker in another form (as the tip form will)."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template

from toandan.geo.forms import PlacePickerForm
from toandan.geo.models import AdminUnit

pytestmark = pytest.mark.django_db


class HostForm(PlacePickerForm):
    text = forms.CharField(label="What happened")


def _unit(generation: str, level: str, search_full: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=generation, level=level, search_full=search_full)


@pytest.fixture
def bac_an_phu() -> AdminUnit:
    return _unit("current", "commune", "phuong bac an phu thanh pho hai phong")


def _render(form: forms.Form) -> str:
    template = Template('{% include "geo/includes/place_picker.html" %}')
    return template.render(Context({"form": form}))


def test_picker_steps_are_not_submissions_of_the_host_form(bac_an_phu):
    form = HostForm(
        {"text": "x", "province": bac_an_phu.parent_id, "place_action": "choose_province"}
    )
    assert form.place_in_progress()
    assert form.picker.step == "commune"
    # Rendering a step never shows validation errors.
    assert 'role="alert"' not in _render(form)


def test_host_form_gets_the_chosen_commune(bac_an_phu):
    form = HostForm({"text": "x", "province": bac_an_phu.parent_id, "commune": bac_an_phu.pk})
    assert not form.place_in_progress()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == bac_an_phu


def test_host_form_gets_the_province_when_the_commune_is_unknown(bac_an_phu):
    form = HostForm({"text": "x", "province": bac_an_phu.parent_id, "commune": "unknown"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == bac_an_phu.parent


def test_host_form_without_a_place_is_invalid_and_says_why():
    form = HostForm({"text": "x"})
    assert not form.is_valid()
    assert form.has_error("__all__", "place_missing")
    assert 'role="alert"' in _render(form)


def test_place_can_be_optional():
    class OptionalPlace(HostForm):
        place_required = False

    form = OptionalPlace({"text": "x"})
    assert form.is_valid()
    assert form.cleaned_data["place"] is None


def test_form_prefix_is_respected(bac_an_phu):
    form = HostForm(
        {
            "tip-text": "x",
            "tip-province": bac_an_phu.parent_id,
            "tip-commune": bac_an_phu.pk,
        },
        prefix="tip",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == bac_an_phu
    html = _render(form)
    assert 'name="tip-province"' in html
    assert 'name="tip-place_action"' in html


def test_tampered_commune_id_is_refused(bac_an_phu):
    legacy = _unit("legacy", "commune", "xa le ninh thi xa kinh mon tinh hai duong")
    form = HostForm({"text": "x", "province": bac_an_phu.parent_id, "commune": legacy.pk})
    assert not form.is_valid()
    assert form.cleaned_data.get("place") is None


def test_choosing_the_commune_is_still_a_picker_step(bac_an_phu):
    # "Choose" finishes the picker but must not submit the host form (its text may be empty).
    form = HostForm(
        {
            "province": bac_an_phu.parent_id,
            "commune": bac_an_phu.pk,
            "place_action": "choose_commune",
        }
    )
    assert form.place_in_progress()
    assert form.picker.place == bac_an_phu
    assert "Phường Bắc An Phụ, Thành phố Hải Phòng" in _render(form)


def test_initial_place_prefills_the_picker(bac_an_phu):
    form = HostForm(initial={"province": bac_an_phu.parent, "commune": bac_an_phu.pk})
    assert form.picker.step == "done"
    assert form.picker.place == bac_an_phu
