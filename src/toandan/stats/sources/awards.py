"""Commendation in statistics, and the evidence a nomination pulls from data.

1. The "awards" source: awards in force (decided, not revoked) by the decision's date and the
   nominee's place, broken down by subject type and award form; indicators `awards_total`,
   `awards_collectives`, `awards_individuals` (rows of stats migration 0004).
   By campaign and by level the same rows are counted by `awards_breakdown`.
2. The summary sentence: "66 tập thể, cá nhân được khen thưởng, gồm 31 tập thể và 35 cá nhân"
   (`stats.vietnamese.commended_sentence`), counted from the decisions of the period.
3. Evidence providers for `toandan.awards.evidence`: tips passed via the nominee's union unit
   and how many were valuable (the statistics tables: `TipFact.union_unit_id`), and the models
   the unit hosts (community models' published interface).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy

from toandan.awards.evidence import EvidenceLine, EvidenceQuery, evidence_provider_register
from toandan.awards.models import ALL_FORMS, ALL_SUBJECT_TYPES, Award, AwardForm, SubjectType
from toandan.geo.models import AdminUnit
from toandan.initiatives.interface import hosted_initiatives
from toandan.stats.registry import (
    Dimension,
    DimensionItem,
    Sentence,
    SourceQuery,
    SourceRow,
    SummaryScope,
    register_source,
    register_summary_sentences,
)
from toandan.stats.vietnamese import SummaryFigures, commended_sentence

SOURCE = "awards"


def _subject_items() -> list[DimensionItem]:
    return [DimensionItem(value, value, str(label)) for value, label in SubjectType.choices]


def _form_items() -> list[DimensionItem]:
    return [DimensionItem(f.pk, f.code, f.name) for f in AwardForm.objects.order_by("code")]


SUBJECT = Dimension(
    "award_subject", gettext_lazy("Subject type"), _subject_items, all_label=ALL_SUBJECT_TYPES
)
FORM = Dimension("award_form", gettext_lazy("Award form"), _form_items, all_label=ALL_FORMS)


def _in_force(start: dt.date, end: dt.date) -> Any:
    return Award.objects.filter(
        revoked_at__isnull=True, decision__date__gte=start, decision__date__lte=end
    )


def _province_and_commune(place: AdminUnit) -> tuple[int, int | None]:
    ids = [int(p) for p in place.path.strip("/").split("/") if p]
    province_id = ids[0] if ids else place.pk
    return province_id, (place.pk if place.pk != province_id else None)


def fetch_awards(query: SourceQuery) -> Iterable[SourceRow]:
    wanted = {i.code for i in query.indicators}
    counts: Counter[tuple[str, dt.date, int, int | None, str, int]] = Counter()
    rows = _in_force(query.start, query.end).select_related("nomination__place", "decision")
    subject_filter = query.filters.get(SUBJECT.name)
    form_filter = query.filters.get(FORM.name)
    for award in rows:
        nomination = award.nomination
        if subject_filter is not None and nomination.subject_type not in subject_filter:
            continue
        if form_filter is not None and award.form_id not in form_filter:
            continue
        province_id, commune_id = _province_and_commune(nomination.place)
        if query.province_ids is not None and province_id not in query.province_ids:
            continue
        subject = nomination.subject_type if SUBJECT.name in query.dimensions else ""
        form = award.form_id if FORM.name in query.dimensions else 0
        day = award.decision.date
        commune = commune_id if query.communes else None
        codes = ["awards_total"]
        if nomination.subject_type == SubjectType.COLLECTIVE:
            codes.append("awards_collectives")
        if nomination.subject_type == SubjectType.INDIVIDUAL:
            codes.append("awards_individuals")
        for code in codes:
            if code in wanted:
                counts[(code, day, province_id, commune, subject, form)] += 1
    for (code, day, province_id, commune, subject, form), value in counts.items():
        yield SourceRow(code, day, day, province_id, commune, value, subject, form)


@dataclass(frozen=True)
class Commended:
    total: int
    collectives: int
    individuals: int


def _place_filter(scope: SummaryScope) -> Q | None:
    """Awards of the scope's place: the whole country; an old or current province or commune
    by its path (a place of the other generation has no awards recorded in it). None: a region,
    which these counts do not break down."""
    place = scope.place
    if place.level == "country":
        return Q()
    if place.path:
        return Q(nomination__place__path__startswith=place.path)
    return None


def gather_commended(scope: SummaryScope) -> Commended | None:
    where = _place_filter(scope)
    if where is None:
        return None
    awards = _in_force(scope.period.start, scope.period.end).filter(where)
    by_type = Counter(awards.values_list("nomination__subject_type", flat=True))
    total = sum(by_type.values())
    if not total:
        return None
    return Commended(
        total=total,
        collectives=by_type[SubjectType.COLLECTIVE],
        individuals=by_type[SubjectType.INDIVIDUAL],
    )


def write_commended(figures: SummaryFigures, gathered: Commended) -> list[Sentence]:
    sentence = commended_sentence(
        total=gathered.total, collectives=gathered.collectives, individuals=gathered.individuals
    )
    return [sentence] if sentence else []


def awards_breakdown(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Awards in force by campaign, form, subject type and the level of the deciding unit."""
    rows = (
        _in_force(start, end)
        .values(
            "decision__campaign_id",
            "decision__campaign__title",
            "form__code",
            "nomination__subject_type",
            "decision__issuing_unit__level",
        )
        .order_by("decision__campaign_id")
    )
    counts: Counter[tuple[Any, ...]] = Counter(tuple(r.values()) for r in rows)
    return [
        {
            "campaign_id": key[0],
            "campaign": key[1],
            "form": key[2],
            "subject_type": key[3],
            "level": key[4],
            "count": count,
        }
        for key, count in counts.items()
    ]


# --- Evidence providers -----------------------------------------------------------------------


def tips_evidence(query: EvidenceQuery) -> Sequence[EvidenceLine]:
    """Tips whose senders named one of the nominee's union units, and how many were valuable
    (the statistics' tip facts, by month of the tip)."""
    from toandan.stats.models import TipFact

    if not query.org_unit_ids:
        return []
    totals = TipFact.objects.filter(
        union_unit_id__in=list(query.org_unit_ids),
        month__gte=query.start.replace(day=1),
        month__lte=query.end,
    ).aggregate(received=Sum("received"), valuable=Sum("valuable"))
    source = "Thống kê nguồn tin (toandan), theo chi hội/hội cơ sở người gửi nêu"
    return [
        EvidenceLine("tips_passed", "Nguồn tin chuyển qua đơn vị", totals["received"] or 0, source),
        EvidenceLine("tips_valuable", "Trong đó có giá trị", totals["valuable"] or 0, source),
    ]


def initiatives_evidence(query: EvidenceQuery) -> Sequence[EvidenceLine]:
    """Models the nominee's units host, their grades and reviews on time, from the community
    models' published interface."""
    hosted = hosted_initiatives(list(query.org_unit_ids), query.start, query.end)
    if not hosted:
        return []
    source = "Mô hình phong trào (toandan)"
    grades = [g for item in hosted for g in item.grades.values()]
    due = sum(item.reviews_due for item in hosted)
    on_time = sum(item.reviews_on_time for item in hosted)
    return [
        EvidenceLine("models_hosted", "Mô hình đơn vị chủ trì", len(hosted), source),
        EvidenceLine(
            "models_exemplary",
            "Trong đó mô hình điển hình",
            sum(1 for item in hosted if item.exemplary),
            source,
        ),
        EvidenceLine("models_grades", "Xếp loại qua các năm", ", ".join(grades) or "–", source),
        EvidenceLine("reviews_on_time", "Sơ kết đúng hạn", f"{on_time}/{due}", source),
    ]


# --- Registration -------------------------------------------------------------------------------


def register() -> None:
    register_source(
        SOURCE,
        fetch_awards,
        complete=True,
        label=str(gettext_lazy("Commendation")),
        dimensions=(SUBJECT, FORM),
    )
    register_summary_sentences(SOURCE, write_commended, weight=30, gather=gather_commended)
    evidence_provider_register("tips", tips_evidence)
    evidence_provider_register("initiatives", initiatives_evidence)
