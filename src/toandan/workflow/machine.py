"""State machines of any domain, written in one place and checked the same way.

A domain declares its machine once (`Machine(...)` with its `Transition`s) and performs every
step through `toandan.workflow.services.workflow_apply`, which locks the object, checks the
step (`Machine.check`: known action, allowed from the current state, the actor's policy, the
reason when one is required, then the domain's guard), applies it, keeps the history
(`StateChange`) and writes the audit event, all in one transaction. This is Wagtail's action
shape (`check()` then `execute()`) so the pages, the API and code callers behave the same.

    from toandan.workflow.machine import Machine, Transition

    REVIEW = Machine(
        "initiatives.review",
        states=ReviewStatus,
        transitions=[
            Transition("submit", sources={"draft", "returned"}, target="submitted", by="host"),
            Transition("confirm", sources={"submitted"}, target="confirmed", by="police"),
            Transition("return", sources={"submitted", "confirmed"}, target="returned",
                       by="police", reason="required"),
        ],
        policies={"host": may_file_review, "police": may_confirm_review},
    )

`sources` may hold `NEW` (the object does not exist yet, as a report before its first save);
`target=None` keeps the state (a correction, an extension). A test of each domain walks
`machine.edges()` so that every transition is exercised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext as _

NEW = ""  # the object does not exist yet
ReasonRule = Literal["none", "optional", "required"]
Policy = Callable[[Any, Any], bool]  # (user, object or None) -> may act
REASON_MAX = 2000


class WorkflowRefusedError(Exception):
    """The step is not possible now; `message` is for the user, `field` names the input at fault
    ("reason", "action", or a domain's own) when there is one."""

    def __init__(self, message: str | Promise, *, field: str = "") -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class WorkflowAccessError(Exception):
    """The actor may not take this step on this object (views answer 403 or 404)."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None
    by: str  # the name of a policy of the machine: who may take the step
    reason: ReasonRule = "none"
    label: str | Promise = ""

    def __init__(
        self,
        action: str,
        *,
        sources: Iterable[str],
        target: str | None,
        by: str,
        reason: ReasonRule = "none",
        label: str | Promise = "",
    ) -> None:
        object.__setattr__(self, "action", str(action))
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", None if target is None else str(target))
        object.__setattr__(self, "by", by)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "label", label)


@dataclass
class Machine:
    """The transitions of one kind of object, the policies that say who may take them, and the
    states they move between (an Enum or TextChoices: a typo in a transition fails at import)."""

    name: str
    transitions: list[Transition]
    policies: Mapping[str, Policy]
    states: type[Enum] | None = None
    state_field: str = "status"
    _by_action: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_action = {}
        for transition in self.transitions:
            if transition.action in self._by_action:
                msg = f"{self.name}: action {transition.action!r} is declared twice"
                raise ValueError(msg)
            if transition.by not in self.policies:
                msg = f"{self.name}: {transition.action!r} names no policy {transition.by!r}"
                raise ValueError(msg)
            self._by_action[transition.action] = transition
        if self.states is not None:
            known = {str(member.value) for member in self.states} | {NEW}
            for transition in self.transitions:
                unknown = (transition.sources | {transition.target or NEW}) - known
                if unknown:
                    msg = f"{self.name}: {transition.action!r} names unknown states {unknown}"
                    raise ValueError(msg)

    def actions(self) -> list[str]:
        return list(self._by_action)

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise WorkflowRefusedError(_("Unknown action."), field="action") from None

    def edges(self) -> list[tuple[str, str, str]]:
        """(source, action, target) for every step: what a test walks and the docs draw."""
        return [
            (source, t.action, t.target if t.target is not None else source)
            for t in self.transitions
            for source in sorted(t.sources)
        ]

    def state_of(self, obj: Any) -> str:
        return NEW if obj is None else str(getattr(obj, self.state_field))

    def may(self, user: Any, obj: Any, transition: Transition) -> bool:
        return bool(self.policies[transition.by](user, obj))

    def check(
        self,
        action: str,
        *,
        user: Any,
        obj: Any,
        reason: str = "",
    ) -> tuple[Transition, str]:
        """The transition and the cleaned reason, or the refusal. Order matters: an actor who
        may not act learns nothing about the object's state (access first)."""
        transition = self.transition(action)
        if not self.may(user, obj, transition):
            raise WorkflowAccessError
        state = self.state_of(obj)
        if state not in transition.sources:
            raise WorkflowRefusedError(
                _("This cannot be done now: the current status does not allow it."),
                field="action",
            )
        return transition, clean_reason(reason, transition.reason)

    def available(self, user: Any, obj: Any) -> list[Transition]:
        """The steps to offer this user on this object now (the service still checks each)."""
        state = self.state_of(obj)
        return [t for t in self.transitions if state in t.sources and self.may(user, obj, t)]


def clean_reason(reason: str, rule: ReasonRule) -> str:
    text = (reason or "").strip() if rule != "none" else ""
    if rule == "required" and not text:
        raise WorkflowRefusedError(_("Give a reason (required)."), field="reason")
    if len(text) > REASON_MAX:
        raise WorkflowRefusedError(
            _("The reason is too long (at most %(max)d characters).") % {"max": REASON_MAX},
            field="reason",
        )
    return text
