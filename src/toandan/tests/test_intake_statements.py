"""The intake's joined writes (the summary upserts, the fingerprint's bands) are longer than
psycopg caches the parse of by default; `toandan.core.sql` raises its bounds. This test fails if
a tip's statements are parsed anew on every tip (a psycopg upgrade that renamed the bounds, or a
statement grown past them), which cost 1.2 ms of CPU a tip."""

from __future__ import annotations

import pytest
from django.db import connection

from toandan.tips import services as tip_services
from toandan.tips.tests.conftest import tip_input

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's parse cache"),
]


def test_a_tips_statements_are_parsed_once_not_per_tip(monkeypatch):
    from psycopg import _queries

    # Given one tip already received (its statements' shapes parsed once)
    tip_services.tip_submit(data=tip_input())
    parsed: list[str] = []
    uncached = _queries._query2pg_client_nocache

    def spy(query, *args, **kwargs):
        parsed.append(query[:80])
        return uncached(query, *args, **kwargs)

    # (psycopg calls the uncached parser directly for statements past its bounds)
    monkeypatch.setattr(_queries, "_query2pg_client_nocache", spy)
    # When a second tip arrives
    tip_services.tip_submit(data=tip_input(description="Tin thứ hai: đánh bạc ở quán nước."))
    # Then none of its statements was parsed again
    assert parsed == []
