"""The database router's decisions that need no replica (test_replica.py runs a real one)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from toandan.core import db_router
from toandan.core.access import get_policy
from toandan.core.db_router import (
    PIN_COOKIE,
    ReplicaPinMiddleware,
    ReplicaRouter,
    reads_replica,
    replica_reads,
)

REPLICA = "replica1"


@pytest.fixture
def replica_in_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if TOANDAN_REPLICA_URLS named one replica that is up to date."""
    monkeypatch.setattr(db_router, "replica_aliases", lambda: [REPLICA])
    monkeypatch.setattr(db_router, "replica_lag", lambda alias: 0.0)


def test_reads_outside_statistics_go_to_the_primary(replica_in_sync):
    assert ReplicaRouter().db_for_read(Group) is None  # Django's default: the primary


def test_statistics_reads_go_to_a_replica_in_sync(replica_in_sync):
    with replica_reads():
        assert ReplicaRouter().db_for_read(Group) == REPLICA


def test_a_replica_beyond_the_lag_bound_is_not_read(monkeypatch, settings):
    settings.TOANDAN_REPLICA_MAX_LAG_SECONDS = 30
    monkeypatch.setattr(db_router, "replica_aliases", lambda: [REPLICA])
    monkeypatch.setattr(db_router, "replica_lag", lambda alias: 31.0)

    with replica_reads():
        assert ReplicaRouter().db_for_read(Group) is None


@pytest.mark.django_db
def test_reads_inside_a_transaction_see_its_own_writes_on_the_primary(replica_in_sync):
    with replica_reads(), transaction.atomic():
        assert ReplicaRouter().db_for_read(Group) is None


def test_attack_throttles_are_never_read_from_a_lagging_copy(replica_in_sync):
    # A replica a few seconds behind would forget the last wrong receipts or failed logins:
    # the cache table (throttles) and sessions are always read on the primary.
    from django.contrib.sessions.models import Session
    from django.core.cache.backends.db import BaseDatabaseCache

    cache_entry = BaseDatabaseCache("toandan_cache", {}).cache_model_class
    with replica_reads():
        assert ReplicaRouter().db_for_read(cache_entry) is None
        assert ReplicaRouter().db_for_read(Session) is None


def test_writes_and_migrations_go_to_the_primary(replica_in_sync):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(Group) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "auth")
    assert not router.allow_migrate(REPLICA, "auth")


def _seen_by_view(request: HttpRequest) -> str | None:
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(ReplicaRouter().db_for_read(Group))
        return HttpResponse("ok")

    reads_replica(view)(request)
    return seen[0]


def test_a_statistics_page_reads_the_replica(replica_in_sync):
    assert _seen_by_view(RequestFactory().get("/stats/")) == REPLICA


def test_a_browser_that_just_changed_something_reads_the_primary(replica_in_sync):
    request = RequestFactory().get("/stats/")
    request.COOKIES[PIN_COOKIE] = "1"

    assert _seen_by_view(request) is None


@pytest.mark.parametrize(("method", "pinned"), [("post", True), ("get", False)])
def test_a_change_pins_the_browser_to_the_primary_for_a_while(settings, method, pinned):
    settings.TOANDAN_REPLICA_URLS = ["postgres://replica/toandan"]
    settings.TOANDAN_REPLICA_PIN_SECONDS = 60
    middleware = ReplicaPinMiddleware(lambda request: HttpResponse("ok"))

    response = middleware(getattr(RequestFactory(), method)("/stats/reports/"))

    assert (PIN_COOKIE in response.cookies) is pinned
    if pinned:
        assert response.cookies[PIN_COOKIE]["max-age"] == 60
        assert response.cookies[PIN_COOKIE]["httponly"]


def test_no_pin_cookie_without_replicas(settings):
    settings.TOANDAN_REPLICA_URLS = []
    middleware = ReplicaPinMiddleware(lambda request: HttpResponse("ok"))

    assert PIN_COOKIE not in middleware(RequestFactory().post("/")).cookies


@pytest.mark.parametrize(
    "path",
    [
        "/stats/",
        "/stats/dashboard/",
        "/stats/dashboard/summary.txt",
        "/stats/coverage/",
        "/stats/pivot/",
    ],
)
def test_statistics_and_dashboards_read_the_replica_and_keep_their_access_policy(path):
    view = resolve(path).func

    assert getattr(view, "reads_replica", False)
    policy = get_policy(view)
    assert policy is not None
    assert not policy.public
