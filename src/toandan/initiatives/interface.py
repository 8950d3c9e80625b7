"""What other domains may ask of community models: their only door into initiatives besides
`toandan.initiatives.events`. Plain values only (ids, names, codes, counts), never a model
instance and never contact data.

For commendation (awards): `hosted_initiatives` gives a unit's models over a period with their
grades and how punctually they reviewed, the evidence of a nomination.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from toandan.initiatives.models import Initiative, Review, ReviewStatus

__all__ = ["HostedInitiative", "hosted_initiatives"]


@dataclass(frozen=True)
class HostedInitiative:
    id: int
    name: str
    org_unit_id: int  # the host unit
    exemplary: bool
    grades: dict[int, str] = field(default_factory=dict)  # review year -> Grade.code
    reviews_due: int = 0  # reviews whose deadline fell in [start, end]
    reviews_on_time: int = 0  # of those, submitted by their deadline


def hosted_initiatives(
    org_unit_ids: Sequence[int], start: dt.date, end: dt.date
) -> list[HostedInitiative]:
    """The models hosted by these units (as host or co-host police unit) that were active at
    some time in [start, end], with the grades of their review years ending in the period and
    the punctuality of the reviews due in it. Reviews of years in which a model was active but
    that were never filed count as due and not on time."""
    ids = list(org_unit_ids)
    if not ids or end < start:
        return []
    rows = (
        Initiative.objects.filter(Q(host_unit_id__in=ids) | Q(police_unit_id__in=ids))
        .filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("pk")
    )
    initiatives = list(
        rows.values(
            "pk", "name", "host_unit_id", "exemplary", "area_kind", "started_on", "ended_on"
        )
    )
    reviews: dict[int, list[Review]] = {}
    filed: dict[int, Review]
    for review in Review.objects.filter(
        initiative_id__in=[i["pk"] for i in initiatives]
    ).select_related("grade"):
        reviews.setdefault(review.initiative_id, []).append(review)
    out: list[HostedInitiative] = []
    for row in initiatives:
        own = reviews.get(row["pk"], [])
        grades = {
            r.year: r.grade.code
            for r in own
            if r.status == ReviewStatus.GRADED
            and r.grade is not None
            and start.year <= r.year <= end.year
        }
        due = 0
        on_time = 0
        filed = {r.year: r for r in own}
        for year in range(start.year, end.year + 1):
            found = filed.get(year)
            deadline = found.due_on if found else _deadline(year, row["area_kind"])
            if deadline is None or not start <= deadline <= end:
                continue
            if row["started_on"] > deadline or (row["ended_on"] and row["ended_on"] < deadline):
                continue
            due += 1
            if (
                found is not None
                and found.status != ReviewStatus.DRAFT
                and found.submitted_on is not None
                and found.submitted_on <= deadline
            ):
                on_time += 1
        out.append(
            HostedInitiative(
                id=row["pk"],
                name=row["name"],
                org_unit_id=row["host_unit_id"],
                exemplary=row["exemplary"],
                grades=grades,
                reviews_due=due,
                reviews_on_time=on_time,
            )
        )
    return out


def _deadline(year: int, area_kind: str) -> dt.date | None:
    from toandan.initiatives.services import review_period
    from toandan.workflow.machine import WorkflowRefusedError

    try:
        return review_period(year, area_kind)[2]
    except WorkflowRefusedError:
        return None
