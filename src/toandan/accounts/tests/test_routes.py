"""Deny by default: every route declares an access policy, and what is not public refuses an
anonymous visitor (GlobaLeaks' route-table test).

The walker reads the whole URLconf, including included resolvers; the JSON API is walked by
operation (every one has authentication or the public marker). Then every non-public page and
API operation without parameters is requested anonymously and must send the visitor to the
login page (pages) or answer 401 (API).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from ninja import NinjaAPI, Router

from toandan.core.access import get_policy, public

# Routes that are not our views, each with the reason they are allowed without a policy.
DECLARED_EXCEPTIONS = {
    "admin": "admin site: is_staff enforced by Django admin",
}
# The API's own pages: the OpenAPI schema and its docs are public by design (they describe the
# API, they hold no data); the root only lists the docs.
API_OWN_VIEWS = {"openapi-json", "openapi-view", "api-root"}
API_NAMESPACE = "api"


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    namespace: str
    view: Callable[..., Any]

    @property
    def has_parameters(self) -> bool:
        return "<" in self.pattern or "(?P" in self.pattern or "{" in self.pattern


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            child_namespace = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), child_namespace)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + str(entry.pattern), entry.name or "", namespace, entry.callback)


def routes_without_policy(urlconf: str | None = None) -> list[str]:
    """The Django routes that declare no policy and are not a declared exception."""
    problems = []
    for route in walk(get_resolver(urlconf).url_patterns):
        if route.namespace in DECLARED_EXCEPTIONS:
            continue
        if route.namespace == API_NAMESPACE:
            # Ninja's views dispatch to operations; those are checked one by one below.
            continue
        if get_policy(route.view) is None:
            label = route.name or repr(route.view)
            problems.append(f"/{route.pattern} ({label})")
    return problems


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    public: bool
    has_auth: bool
    has_parameters: bool


def api_operations(api: NinjaAPI) -> Iterator[Operation]:
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            full = "/" + "/".join(p.strip("/") for p in (bound.prefix, path) if p.strip("/"))
            for operation in path_view.operations:
                policy = get_policy(operation.view_func)
                for method in operation.methods:
                    yield Operation(
                        path=full,
                        method=method,
                        public=bool(policy and policy.public),
                        has_auth=bool(operation.auth_callbacks),
                        has_parameters="{" in full,
                    )


def operations_without_policy(api: NinjaAPI) -> list[str]:
    return [
        f"{op.method} {op.path}" for op in api_operations(api) if not op.has_auth and not op.public
    ]


def _project_api() -> NinjaAPI:
    from toandan.api import api

    return api


# --- The walker on the real project --------------------------------------------------------


def test_every_route_declares_a_policy():
    assert routes_without_policy() == []


def test_every_api_operation_has_auth_or_is_marked_public():
    assert operations_without_policy(_project_api()) == []


def test_the_admin_is_walked_as_a_declared_exception():
    names = {route.namespace for route in walk(get_resolver().url_patterns)}
    assert "admin" in names


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_every_staff_page():
    client = Client()
    checked = []
    for route in walk(get_resolver().url_patterns):
        if route.namespace in DECLARED_EXCEPTIONS or route.namespace == API_NAMESPACE:
            continue
        policy = get_policy(route.view)
        if policy is None or policy.public or route.has_parameters:
            continue
        url = "/" + route.pattern
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
        checked.append(url)
    assert "/orgs/" in checked
    assert "/accounts/me/" in checked


@pytest.mark.django_db
def test_anonymous_caller_gets_401_from_every_staff_api_operation():
    client = Client()
    checked = []
    for op in api_operations(_project_api()):
        if op.public or op.has_parameters:
            continue
        response = client.generic(op.method, "/api/v1" + op.path)
        assert response.status_code == 401, f"{op.method} {op.path}"
        checked.append(op.path)
    assert "/orgs/units" in checked
    assert "/accounts/me" in checked


@pytest.mark.django_db
def test_anonymous_visitor_gets_no_staff_page_with_parameters():
    # Pages with parameters are tried with a plausible value: still the login page.
    client = Client()
    for url in ("/orgs/1/", "/orgs/1/branches/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- The walker can fail ---------------------------------------------------------------------


def test_walker_reports_a_view_without_policy():
    # A nested include with a view that declares nothing: the walker must name it.
    problems = routes_without_policy("toandan.accounts.tests.urls_unprotected")

    assert problems == ["/app/forgotten/ (forgotten)"]


def test_walker_reports_an_api_operation_without_auth():
    router = Router()

    @router.get("/open-by-mistake")
    def open_by_mistake(request: Any) -> dict[str, str]:
        return {}

    @router.get("/public-on-purpose", auth=None)
    @public
    def public_on_purpose(request: Any) -> dict[str, str]:
        return {}

    from toandan.accounts.api_auth import ApiAuth

    @router.get("/staff", auth=ApiAuth())
    def staff(request: Any) -> dict[str, str]:
        return {}

    api = NinjaAPI(urls_namespace="walker-test")
    api.add_router("/t", router)

    assert operations_without_policy(api) == ["GET /t/open-by-mistake"]
