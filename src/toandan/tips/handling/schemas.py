"""Input and output shapes of the police's tips API (`/api/v1/staff/tips...`).

Units, communes and tips are named by their codes and references, never by database ids, so a
script written against one installation works against another.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from toandan.core.pagination import MAX_PAGE
from toandan.tips.handling.inbox import DUE_SOON_DAYS

REFERENCE_EXAMPLE = "T7QK2M9XHP4C"

# The transitions of `toandan.tips.handling.timeline.TRANSITIONS`, spelled out so the OpenAPI schema
# lists them (a test keeps the two equal).
ActionName = Literal[
    "check",
    "forward",
    "accept",
    "return",
    "reroute",
    "take",
    "extend_complex",
    "extend_procuracy",
    "suspend",
    "resume",
    "prosecute",
    "not_prosecute",
    "hand_over",
    "merge",
    "send_to_procuracy",
    "correct_outcome",
    "cancel_suspension",
    "cancel_no_prosecute",
]
StatusName = Literal[
    "received", "checking", "forwarded", "resolving", "suspended", "concluded", "merged"
]


class InboxQuery(Schema):
    """Filters of the inbox; every one is optional. `status` may be repeated
    (`?status=received&status=checking`); without it the handling box lists open tips."""

    box: Literal["handling", "incoming", "copies"] = Field(
        "handling",
        description="handling: tips my units are responsible for; incoming: forwarded to my "
        "units, awaiting acceptance; copies: information copies.",
    )
    status: list[StatusName] = Field(default_factory=list)
    category: str = Field("", max_length=40, description="Category code.")
    commune: str = Field("", max_length=10, description="Official code of a current commune.")
    unit: str = Field("", max_length=40, description="Code of a police unit under mine.")
    due: Literal["", "overdue", "today", "soon", "none"] = Field(
        "",
        description=f"soon: due within {DUE_SOON_DAYS} days; none: no running deadline.",
    )
    channel: Literal["", "web", "api", "open311", "phone", "in_person", "mail"] = ""
    valuable: bool | None = None
    number: str = Field("", max_length=60, description="Register number, or part of it.")
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    sort: Literal["due", "received", "-received"] = Field(
        "due", description="due: soonest deadline first (tips without one last)."
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(25, ge=1, le=100)


class CodeNameOut(Schema):
    code: str
    name: str


class InboxRowOut(Schema):
    reference: str = Field(..., examples=[REFERENCE_EXAMPLE])
    register_number: str = Field(..., examples=["CA-01-00070/2026/000123"])
    status: StatusName
    status_label: str
    category: CodeNameOut
    commune: CodeNameOut | None
    received_at: dt.datetime
    due_at: dt.datetime | None = Field(
        None, description="The first instant after the deadline (24:00 of its last day)."
    )
    due_kind: str = Field("", description="forward, decide, decide_complex, ...")
    due_article: str = Field("", description="The law behind the deadline.")
    overdue: bool
    responsible_unit: CodeNameOut | None
    pending_unit: CodeNameOut | None = Field(
        None, description="The unit the tip was forwarded to, until it accepts."
    )
    valuable: bool | None


class InboxOut(Schema):
    count: int
    page: int
    pages: int
    results: list[InboxRowOut]


class DeadlineOut(Schema):
    due_at: dt.datetime
    due_date: dt.date = Field(..., description="Its last day, Vietnam time.")
    kind: str
    kind_label: str
    article: str
    overdue: bool


class EventOut(Schema):
    action: str
    action_label: str
    at: dt.datetime
    actor: str = Field("", description="The officer's name; empty for the system.")
    unit: CodeNameOut | None
    target_unit: CodeNameOut | None
    from_status: str
    to_status: str
    data: dict[str, Any]
    text: str = Field("", description="The reason or note written with the action.")


class AllowedActionOut(Schema):
    action: ActionName
    label: str


class TipDetailOut(Schema):
    """One tip as the police handle it. Reading it opens its content: an audited event."""

    reference: str = Field(..., examples=[REFERENCE_EXAMPLE])
    register_number: str
    status: StatusName
    status_label: str
    channel: str
    category: CodeNameOut
    province: CodeNameOut
    commune: CodeNameOut | None
    received_at: dt.datetime
    register_unit: CodeNameOut
    responsible_unit: CodeNameOut | None
    pending_unit: CodeNameOut | None
    is_flagrant: bool
    deadline: DeadlineOut | None
    complex_extended: bool
    procuracy_decision: str
    suspended_at: dt.datetime | None
    suspension_ground: str
    outcome: str
    outcome_label: str
    decided_in_time: bool | None
    concluded_at: dt.datetime | None
    procuracy_due_at: dt.datetime | None = Field(
        None, description="BLTTHS Art. 158: a decision not to prosecute, within 24 h."
    )
    procuracy_sent_at: dt.datetime | None
    valuable: bool | None
    valuable_reasons: list[str]
    offence_chapter: int | None
    arrested_count: int | None
    property_recovered_vnd: int | None
    merged_into: str | None = Field(None, description="Reference of the surviving tip.")
    merged_tips: list[str] = Field(default_factory=list, description="Tips merged into this.")
    content: dict[str, str] | None = Field(
        ...,
        description="What the tip says (description, address, people, vehicles, ...) and the "
        "result told to the tipster (result, result_reason); null in the answer to an action "
        "after which my units no longer hold the tip.",
    )
    history: list[EventOut]
    allowed_actions: list[AllowedActionOut]


class ActionIn(Schema):
    """One step of the legal timeline. Which fields an action needs:

    - forward, reroute: `target_unit`, `reason`; return: `reason`;
    - check: optional `flagrant`; extend_complex: `reason`;
    - extend_procuracy: `decision_number`, `months` (1 or 2);
    - suspend: `ground` (BLTTHS Art. 148), once the time limit has run out; merge: `merge_into`;
    - cancel_suspension, cancel_no_prosecute (the procuracy's cancellations): `decision_number`;
    - prosecute, not_prosecute (`reason`), hand_over (`agency`, `reason`), correct_outcome
      (`reason`): `valuable`, and `valuable_reasons` when valuable.

    The `reason` of prosecute, not_prosecute and hand_over is what the tipster is told, word for
    word (BLTTHS Art. 158); what only the officers may read goes in `internal_note`.
    """

    action: ActionName
    reason: str = Field("", max_length=4000)
    internal_note: str = Field(
        "",
        max_length=2000,
        description="With any action: a note kept in the history, never shown to the tipster.",
    )
    target_unit: str | None = Field(
        None, max_length=40, description="Code of a police unit.", examples=["CA-01-00004"]
    )
    decision_number: str = Field("", max_length=200)
    months: int | None = Field(None, ge=0, le=12)
    ground: str = Field("", max_length=40)
    merge_into: str | None = Field(None, max_length=16, examples=[REFERENCE_EXAMPLE])
    flagrant: bool | None = None
    agency: str = Field("", max_length=400)
    valuable: bool | None = None
    valuable_reasons: list[str] = Field(default_factory=list, max_length=20)
    offence_chapter: int | None = None
    arrested_count: int | None = Field(None, ge=0, le=100_000)
    property_recovered_vnd: int | None = Field(None, ge=0, le=10**15)


class StaffErrorOut(Schema):
    """`code`: not_found, police_only, transition_refused (with the `field` to correct)."""

    code: str
    detail: str
    field: str = ""
