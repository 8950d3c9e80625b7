"""The keys a check looks up for an identifier (`selectors._candidates`)."""

from __future__ import annotations

import pytest

from toandan.antifraud import selectors
from toandan.identifiers import Identifier, Kind
from toandan.identifiers.links import host_of, redact_url, registrable_domain

# No query here, but the package's autouse fixture writes the lookup counts an earlier test
# left waiting (`services.lookups_flush`), which needs the database.
pytestmark = pytest.mark.django_db


def _general(identifier: Identifier) -> tuple[tuple[str, str], ...]:
    """What the candidates of a link are, worked out the long way."""
    keys = [identifier.key]
    without_victim = redact_url(identifier.value)
    if without_victim != identifier.value:
        keys.append((Kind.URL.value, without_victim))
    domain = registrable_domain(host_of(identifier.value))
    if domain:
        keys.append((Kind.DOMAIN.value, domain))
    return tuple(keys)


@pytest.mark.parametrize(
    "url",
    [
        "http://hotro123.example/",
        "http://vietcombank.com.vn/",
        "http://a.b.github.io/",
        "http://xn--vietcombnk-3db.example/",
        "http://localhost.localdomain/",
        "https://hotro123.example/",
        "http://hotro123.example:8080/",
        "http://hotro123.example/xac-minh?sdt=0912345678",
        "http://hotro123.example/u/AbCdEf1234567890XyZ/",
        "http://203.0.113.9/",
    ],
)
def test_candidates_of_a_bare_host_are_those_of_the_general_path(url: str) -> None:
    identifier = Identifier(Kind.URL, url, url)
    selectors._candidates.cache_clear()
    assert selectors._candidates(identifier) == _general(identifier)
