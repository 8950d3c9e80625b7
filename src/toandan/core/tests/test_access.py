"""staff_required asks the role check accounts registers; core imports nothing above it, and
without a registered check it refuses with an error instead of letting anyone in."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from toandan.core import access


@access.staff_required({"police_officer"}, description="police")
def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("inside")


def _request(*, authenticated: bool) -> HttpRequest:
    request = RequestFactory().get("/somewhere/")
    request.user = SimpleNamespace(is_authenticated=authenticated)  # type: ignore[assignment]
    return request


def test_the_registered_check_decides(monkeypatch):
    asked = []

    def check(user, roles):
        asked.append(roles)
        return True

    monkeypatch.setattr(access, "_ROLE_CHECK", {"check": check})
    assert _view(_request(authenticated=True)).content == b"inside"
    assert asked == [frozenset({"police_officer"})]

    monkeypatch.setattr(access, "_ROLE_CHECK", {"check": lambda user, roles: False})
    with pytest.raises(PermissionDenied):
        _view(_request(authenticated=True))


def test_without_a_registered_check_nobody_gets_in(monkeypatch):
    monkeypatch.setattr(access, "_ROLE_CHECK", {})
    with pytest.raises(ImproperlyConfigured):
        _view(_request(authenticated=True))


def test_anonymous_visitors_go_to_the_login_page_before_any_check(monkeypatch):
    monkeypatch.setattr(access, "_ROLE_CHECK", {})
    response = _view(_request(authenticated=False))
    assert response.status_code == 302
    assert "next=/somewhere/" in response["Location"]


def test_accounts_registers_its_check_at_startup():
    from toandan.accounts.selectors import user_has_any_role

    assert access._ROLE_CHECK["check"] is user_has_any_role
