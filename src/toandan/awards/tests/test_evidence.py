"""Evidence pulled from data: a nomination asks every registered provider when it is sent and
keeps what they answered; a failing provider does not block the nomination."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from toandan.awards import evidence, services
from toandan.awards.evidence import EvidenceLine, EvidenceQuery
from toandan.awards.tests.conftest import World, nominate

pytestmark = pytest.mark.django_db
SEEN: list[EvidenceQuery] = []


def _fake(query: EvidenceQuery) -> list[EvidenceLine]:
    SEEN.append(query)
    return [EvidenceLine("models_hosted", "Mô hình đơn vị chủ trì", 2, "fake initiatives")]


def _broken(query: EvidenceQuery) -> list[EvidenceLine]:
    raise RuntimeError("source down")


@pytest.fixture
def providers() -> Iterator[None]:
    before = evidence.evidence_providers()
    evidence.evidence_provider_register("zz_fake", _fake)
    evidence.evidence_provider_register("zz_broken", _broken)
    yield
    evidence.evidence_provider_unregister("zz_fake")
    evidence.evidence_provider_unregister("zz_broken")
    assert evidence.evidence_providers() == before


@pytest.mark.usefixtures("providers")
def test_the_dossier_keeps_the_evidence_counted_when_it_was_sent(world: World) -> None:
    SEEN.clear()
    n = nominate(world)
    n = services.nomination_step(actor=world.cadre, nomination=n, action="submit")
    lines = n.evidence["lines"]
    assert {
        "code": "models_hosted",
        "label": "Mô hình đơn vị chủ trì",
        "value": 2,
        "source": "fake initiatives",
    } in lines
    assert n.unit.pk in SEEN[0].org_unit_ids
    assert (SEEN[0].start, SEEN[0].end) == (world.campaign.period_start, world.campaign.period_end)


def test_the_tips_provider_is_registered_by_statistics() -> None:
    assert {"tips", "initiatives"} <= set(evidence.evidence_providers())
