"""Who must act next hears of it: the province's leader when a nomination is sent up, the
unit when it comes back with a reason."""

from __future__ import annotations

from typing import Any

import pytest

from toandan.awards import services
from toandan.awards.tests.conftest import World, nominate
from toandan.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_province_hears_of_a_nomination_and_the_unit_of_its_return(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    n = nominate(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_step(actor=world.cadre, nomination=n, action="submit")
    told = Notification.objects.get(user=world.leader)
    assert "Nguyễn Thị Thu Trang" in told.title
    assert told.link == f"/awards/nominations/{n.pk}/"
    assert not Notification.objects.filter(user=world.leader_lao_cai).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_step(
            actor=world.leader, nomination=n, action="return", reason="Thiếu biên bản bình xét"
        )
    back = Notification.objects.get(user=world.cadre)
    assert back.body == "Thiếu biên bản bình xét"
