"""The place picker page, driven step by step with plain GET requests (no JavaScript)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from toandan.geo.models import AdminUnit

pytestmark = pytest.mark.django_db

PICKER = reverse("geo:picker")


def _unit(generation: str, level: str, search_full: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=generation, level=level, search_full=search_full)


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, f"no <select name={name}>"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_step_one_lists_the_34_current_provinces_with_labels(client):
    response = client.get(PICKER)
    assert response.status_code == 200
    html = response.content.decode()
    options = _options(html, "province")
    assert len(options) == 35  # the empty choice and 34 provinces
    assert "Thành phố Hải Phòng" in options
    assert "Tỉnh Hải Dương" not in options
    # Every control has a label (the page must work for screen readers and without JS).
    for field_id in ("id_province_q", "id_province"):
        assert f'<label for="{field_id}"' in html
    assert 'name="place_action" value="filter_province"' in html
    assert '<meta name="viewport"' in html


def test_province_filter_is_accent_insensitive(client):
    html = client.get(PICKER, {"province_q": "hai phong", "place_action": "filter_province"})
    options = _options(html.content.decode(), "province")
    # A single match is listed alone, so it is already selected.
    assert options == ["Thành phố Hải Phòng"]
    several = client.get(PICKER, {"province_q": "ha", "place_action": "filter_province"})
    names = _options(several.content.decode(), "province")
    assert "Thành phố Hà Nội" in names
    assert "Tỉnh Hà Tĩnh" in names
    assert "Tỉnh Thanh Hóa" not in names  # "ha" matches word starts only


def test_province_filter_without_match_says_so(client):
    response = client.get(PICKER, {"province_q": "zzz", "place_action": "filter_province"})
    message = response.context["form"].picker.message
    assert message
    assert f'role="alert">{message}</p>' in response.content.decode()
    assert _options(response.content.decode(), "province") == ["— chọn tỉnh, thành phố —"]


def test_next_without_a_province_stays_on_step_one(client):
    response = client.get(PICKER, {"province": "", "place_action": "choose_province"})
    assert response.context["form"].picker.step == "province"
    assert response.context["form"].picker.message


def test_step_two_lists_the_communes_of_the_province(client):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    response = client.get(PICKER, {"province": hai_phong.pk, "place_action": "choose_province"})
    html = response.content.decode()
    assert response.context["form"].picker.step == "commune"
    options = _options(html, "commune")
    assert len(options) == 2 + hai_phong.children.count()
    assert "Phường Bắc An Phụ" in options
    assert f'<input type="hidden" name="province" value="{hai_phong.pk}">' in html
    assert '<label for="id_commune_q"' in html
    assert '<label for="id_commune"' in html


def test_commune_search_filters_on_the_server(client):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    response = client.get(
        PICKER,
        {"province": hai_phong.pk, "commune_q": "BAC AN", "place_action": "filter_commune"},
    )
    options = _options(response.content.decode(), "commune")
    assert "Phường Bắc An Phụ" in options
    assert len(options) < 10
    assert any("do not know" in o or "Không biết" in o or "không biết" in o for o in options)


def test_choosing_a_commune_shows_it_with_its_ancestors(client):
    bac_an_phu = _unit("current", "commune", "phuong bac an phu thanh pho hai phong")
    response = client.get(
        PICKER,
        {
            "province": bac_an_phu.parent_id,
            "commune": bac_an_phu.pk,
            "place_action": "choose_commune",
        },
    )
    html = response.content.decode()
    assert response.context["place"] == bac_an_phu
    assert [unit.name for unit in response.context["ancestors"]] == ["Thành phố Hải Phòng"]
    assert "Phường Bắc An Phụ, Thành phố Hải Phòng" in html
    assert bac_an_phu.code in html


def test_i_do_not_know_the_commune_chooses_the_province(client):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    response = client.get(
        PICKER, {"province": hai_phong.pk, "commune": "unknown", "place_action": "choose_commune"}
    )
    assert response.context["place"] == hai_phong
    assert response.context["ancestors"] == []


def test_commune_of_another_province_is_not_accepted(client):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    ha_noi_commune = _unit("current", "province", "thanh pho ha noi").children.first()
    assert ha_noi_commune is not None
    response = client.get(
        PICKER,
        {"province": hai_phong.pk, "commune": ha_noi_commune.pk, "place_action": "choose_commune"},
    )
    assert response.context["place"] is None
    assert response.context["form"].picker.step == "commune"


def test_change_buttons_go_back(client):
    bac_an_phu = _unit("current", "commune", "phuong bac an phu thanh pho hai phong")
    chosen = {"province": bac_an_phu.parent_id, "commune": bac_an_phu.pk}
    back_to_commune = client.get(PICKER, {**chosen, "place_action": "change_commune"})
    assert back_to_commune.context["form"].picker.step == "commune"
    back_to_province = client.get(PICKER, {**chosen, "place_action": "change_province"})
    assert back_to_province.context["form"].picker.step == "province"
    assert f'<option value="{bac_an_phu.parent_id}" selected>' in back_to_province.content.decode()


def test_legacy_province_id_is_ignored(client):
    hai_duong = _unit("legacy", "province", "tinh hai duong")
    response = client.get(PICKER, {"province": hai_duong.pk, "place_action": "choose_province"})
    assert response.context["form"].picker.step == "province"


def test_picker_page_is_public_and_vietnamese_by_default(client):
    response = client.get(PICKER)
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_picker_page_queries_do_not_grow_with_the_list(client, django_assert_max_num_queries):
    ha_noi = _unit("current", "province", "thanh pho ha noi")
    with django_assert_max_num_queries(3):  # the provinces, the communes, (no ancestors yet)
        response = client.get(PICKER, {"province": ha_noi.pk, "place_action": "choose_province"})
    assert len(_options(response.content.decode(), "commune")) > 100
