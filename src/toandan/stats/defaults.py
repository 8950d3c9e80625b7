"""The indicators and data sets the movement starts with, as data.

Used by the data migration (with historical models) and by `toandan demo` (with the real ones):
`ensure_defaults` only creates what is missing, so an administrator's later edits in the admin
are never overwritten.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple


class IndicatorSpec(NamedTuple):
    code: str
    name_vi: str
    name_en: str
    source: str
    source_key: str = ""
    aggregation: str = "sum"
    value_type: str = "integer"
    numerator: str = ""
    denominator: str = ""
    factor: Decimal = Decimal(1)
    listed: bool = True


INDICATORS: tuple[IndicatorSpec, ...] = (
    # Computed from the tips (complete: no tip is 0).
    IndicatorSpec("tips_received", "Số nguồn tin tiếp nhận", "Tips received", "tips", "received"),
    IndicatorSpec("tips_valuable", "Số nguồn tin có giá trị", "Valuable tips", "tips", "valuable"),
    IndicatorSpec(
        "tips_concluded", "Số nguồn tin đã giải quyết", "Tips decided", "tips", "concluded"
    ),
    IndicatorSpec(
        "tips_decided_in_time",
        "Số nguồn tin giải quyết đúng hạn",
        "Tips decided in time",
        "tips",
        "decided_in_time",
    ),
    IndicatorSpec(
        "share_decided_in_time",
        "Tỷ lệ giải quyết đúng hạn (%)",
        "Share decided in time (%)",
        "formula",
        value_type="percent",
        numerator="tips_decided_in_time",
        denominator="tips_concluded",
        factor=Decimal(100),
    ),
    IndicatorSpec(
        "share_valuable",
        "Tỷ lệ nguồn tin có giá trị (%)",
        "Share of valuable tips (%)",
        "formula",
        value_type="percent",
        numerator="tips_valuable",
        denominator="tips_received",
        factor=Decimal(100),
    ),
    IndicatorSpec(
        "tips_by_union",
        "Số nguồn tin do hội viên phụ nữ cung cấp",
        "Tips from Women's Union members",
        "tips",
        "union_received",
    ),
    IndicatorSpec(
        "tips_valuable_by_union",
        "Số nguồn tin có giá trị do hội viên phụ nữ cung cấp",
        "Valuable tips from Women's Union members",
        "tips",
        "union_valuable",
    ),
    IndicatorSpec(
        "tips_prosecuted",
        "Số nguồn tin đã khởi tố vụ án",
        "Tips leading to a criminal case",
        "tips",
        "prosecuted",
    ),
    IndicatorSpec(
        "tips_not_prosecuted",
        "Số nguồn tin không khởi tố vụ án",
        "Tips not prosecuted",
        "tips",
        "not_prosecuted",
    ),
    IndicatorSpec(
        "decision_days_sum",
        "Tổng số ngày giải quyết",
        "Sum of days to decision",
        "tips",
        "decision_days",
        listed=False,
    ),
    IndicatorSpec(
        "average_decision_days",
        "Thời gian giải quyết trung bình (ngày)",
        "Average days to decision",
        "formula",
        value_type="number",
        numerator="decision_days_sum",
        denominator="tips_concluded",
    ),
    IndicatorSpec("people_arrested", "Số người bị bắt giữ", "People arrested", "tips", "arrested"),
    IndicatorSpec(
        "property_recovered_vnd",
        "Giá trị tài sản thu hồi (đồng)",
        "Property recovered (VND)",
        "tips",
        "property_recovered",
    ),
    # Reported by units in periodic reports (missing is "not reported", never 0).
    IndicatorSpec(
        "union_members",
        "Tổng số hội viên",
        "Union members",
        "reports",
        aggregation="last",
    ),
    IndicatorSpec(
        "members_trained",
        "Số lượt hội viên được tập huấn, tuyên truyền kỹ năng",
        "Members trained",
        "reports",
    ),
    IndicatorSpec(
        "communication_sessions",
        "Số buổi tuyên truyền",
        "Communication sessions held",
        "reports",
    ),
    IndicatorSpec(
        "tips_passed_outside",
        "Số nguồn tin chuyển cho công an ngoài toandan",
        "Tips passed to the police outside toandan",
        "reports",
    ),
    IndicatorSpec(
        "valuable_tips_reported",
        "Số nguồn tin có giá trị hội viên cung cấp cho công an (theo báo cáo)",
        "Valuable tips members gave the police (as reported)",
        "reports",
    ),
    IndicatorSpec(
        "offenders_reintegrated",
        "Số đối tượng được cảm hóa, giáo dục",
        "Offenders helped to reintegrate",
        "reports",
    ),
    IndicatorSpec(
        "initiatives",
        "Số sáng kiến, cách làm hay",
        "Initiatives",
        "reports",
    ),
)


class ElementSpec(NamedTuple):
    indicator: str
    required: bool = True


class RuleSpec(NamedTuple):
    left: str
    operator: str
    right: str
    factor: Decimal


class DataSetSpec(NamedTuple):
    code: str
    name_vi: str
    name_en: str
    period_type: str
    org_kind: str
    levels: tuple[str, ...]
    due_days: int
    elements: tuple[ElementSpec, ...]
    rules: tuple[RuleSpec, ...] = ()


_MOVEMENT_ELEMENTS = (
    ElementSpec("members_trained"),
    ElementSpec("communication_sessions"),
    ElementSpec("tips_passed_outside"),
    ElementSpec("offenders_reintegrated"),
    ElementSpec("initiatives", required=False),
)
# A sanity bound, not a norm: more than a hundred tips per trained member is a typing slip.
_PLAUSIBLE = (RuleSpec("tips_passed_outside", "<=", "members_trained", Decimal(100)),)

DATASETS: tuple[DataSetSpec, ...] = (
    DataSetSpec(
        "pn_movement_year",
        "Báo cáo năm phong trào toàn dân bảo vệ an ninh Tổ quốc (Hội LHPN tỉnh)",
        "Annual report on the movement (provincial Women's Union)",
        "year",
        "womens_union",
        ("province",),
        31,
        (
            ElementSpec("union_members", required=False),
            *_MOVEMENT_ELEMENTS[:3],
            ElementSpec("valuable_tips_reported"),
            *_MOVEMENT_ELEMENTS[3:],
        ),
        _PLAUSIBLE,
    ),
    DataSetSpec(
        "pn_movement_quarter",
        "Báo cáo quý phong trào toàn dân bảo vệ an ninh Tổ quốc (Hội LHPN)",
        "Quarterly report on the movement (Women's Union)",
        "quarter",
        "womens_union",
        ("commune", "province"),
        10,
        _MOVEMENT_ELEMENTS,
        _PLAUSIBLE,
    ),
)


def ensure_defaults(
    indicator_model: Any, dataset_model: Any, element_model: Any, rule_model: Any
) -> int:
    """Create the default indicators and data sets that do not exist yet; returns how many rows
    were created."""
    created = 0
    by_code = {i.code: i for i in indicator_model.objects.all()}
    for order, spec in enumerate(INDICATORS, start=1):
        if spec.code in by_code:
            continue
        by_code[spec.code] = indicator_model.objects.create(
            code=spec.code,
            name_vi=spec.name_vi,
            name_en=spec.name_en,
            source=spec.source,
            source_key=spec.source_key,
            aggregation=spec.aggregation,
            value_type=spec.value_type,
            numerator=by_code.get(spec.numerator),
            denominator=by_code.get(spec.denominator),
            factor=spec.factor,
            order=order * 10,
            listed=spec.listed,
        )
        created += 1
    for order, dataset_spec in enumerate(DATASETS, start=1):
        if dataset_model.objects.filter(code=dataset_spec.code).exists():
            continue
        dataset = dataset_model.objects.create(
            code=dataset_spec.code,
            name_vi=dataset_spec.name_vi,
            name_en=dataset_spec.name_en,
            period_type=dataset_spec.period_type,
            org_kind=dataset_spec.org_kind,
            levels=list(dataset_spec.levels),
            due_days=dataset_spec.due_days,
            order=order * 10,
        )
        created += 1
        for position, element in enumerate(dataset_spec.elements, start=1):
            element_model.objects.create(
                dataset=dataset,
                indicator=by_code[element.indicator],
                order=position * 10,
                required=element.required,
            )
        for rule in dataset_spec.rules:
            rule_model.objects.create(
                dataset=dataset,
                left=by_code[rule.left],
                operator=rule.operator,
                right=by_code[rule.right],
                factor=rule.factor,
            )
    return created


DEFAULT_CODES = (
    tuple(s.code for s in INDICATORS),
    tuple(s.code for s in DATASETS),
)
