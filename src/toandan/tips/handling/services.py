"""Writes of the handling pages that combine two steps of `toandan.tips.handling.timeline`."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from toandan.tips.handling import timeline
from toandan.tips.models import Tip


def tip_act_with_note(
    *,
    actor: AbstractBaseUser,
    tip: Tip,
    action: str,
    data: timeline.ActionInput,
    internal_note: str = "",
) -> Tip:
    """An action of the timeline and, in the same transaction, the internal note the officer
    wrote with it.

    A conclusion's reason is what the tipster is told (BLTTHS Art. 158: the result and its
    reason); what the officers keep for themselves ("caught two suspects in the act") goes in
    an internal note, which the tipster never reads. Both are recorded, or neither: a refused
    note leaves the tip as it was. Raises what `timeline.tip_act` and `tip_note_add` raise.
    """
    with transaction.atomic():
        tip = timeline.tip_act(actor=actor, tip=tip, action=action, data=data)
        if internal_note.strip():
            timeline.tip_note_add(actor=actor, tip=tip, text=internal_note)
    return tip
