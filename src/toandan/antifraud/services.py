"""Writes of antifraud: reports from tips, verification, delisting, expiry, appeals, the
public check (which only counts, by kind and verdict), imports.

Every write is keyword-only, atomic and audited; state changes go through
`toandan.workflow.services.workflow_apply` with the machines of `antifraud.machines`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from toandan.accounts.models import POLICE_ROLES, Role
from toandan.accounts.selectors import active_role_assignments
from toandan.antifraud import events, machines, notices, policies  # noqa: F401 - registers the kind
from toandan.antifraud.audit_actions import AntifraudAction
from toandan.antifraud.hashing import digest_of, digests_of, range_keys
from toandan.antifraud.known import serialise_new_indicators
from toandan.antifraud.models import (
    MIN_REPORTS_TO_SHOW,
    Appeal,
    FraudWarning,
    Indicator,
    IndicatorReport,
    IndicatorSource,
    IndicatorStatus,
    ListingRule,
    LookupCount,
    ScamType,
    WarningReach,
    WarningStatus,
)
from toandan.audit.services import audit_record
from toandan.core import clock
from toandan.core.process_cache import ProcessCache
from toandan.identifiers import Identifier
from toandan.identifiers.links import redacted
from toandan.orgs.models import OrgUnit
from toandan.tips.interface.fraud import FraudTipIdentifiers
from toandan.workflow.machine import WorkflowRefusedError
from toandan.workflow.services import workflow_apply, workflow_record_creation

AnyUser = AbstractBaseUser | AnonymousUser
RECEIPT_DIGITS = 20
STATEMENT_MAX = 4000
DEFAULT_RULE = ListingRule(
    reports_to_show=MIN_REPORTS_TO_SHOW,
    expiry_days=365,
    legal_source="built-in default (no rule configured)",
)


class AntifraudError(Exception):
    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _load_rule(_key: None) -> ListingRule | None:
    return ListingRule.objects.filter(active=True).first()


_rule_cache: ProcessCache[None, ListingRule] = ProcessCache(
    "antifraud.listing_rule", _load_rule, senders=[ListingRule]
)


def listing_rule() -> ListingRule:
    """The rule in force: the newest active row (seeded by migration 0002), kept per process
    (`toandan.core.process_cache`: dropped on a save, at most 10 s old otherwise)."""
    return _rule_cache.get(None) or DEFAULT_RULE


def _expiry(last_seen: dt.datetime, rule: ListingRule) -> dt.datetime:
    return last_seen + dt.timedelta(days=rule.expiry_days)


def report_keys_for(indicator_id: int, tip_keys: tuple[str, ...]) -> list[str]:
    """The tip's reporter keys bound to one indicator: two reports of one sender about this
    identifier share a key; nothing links that sender's reports about other identifiers."""
    return sorted(
        hashlib.sha256(f"{indicator_id}|{key}".encode()).hexdigest()[:32] for key in tip_keys
    )


def independent_reporters(key_sets: list[list[str]]) -> tuple[int, int]:
    """(distinct reporters, reports without a key) among reports given by their keys. Reports
    sharing a key are one reporter, transitively (a tip with the contact and the browser of
    two others joins them); a report without any key counts as one reporter of its own."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    unkeyed = 0
    for keys in key_sets:
        if not keys:
            unkeyed += 1
            continue
        first = root(keys[0])
        for key in keys[1:]:
            parent[root(key)] = first
    return len({root(key) for key in parent}) + unkeyed, unkeyed


def _refresh_counts(indicator: Indicator) -> None:
    agg = indicator.reports.aggregate(
        first=Min("received_at"), last=Max("received_at"), loss=Sum("loss_vnd")
    )
    key_sets = [
        list(keys or []) for keys in indicator.reports.values_list("reporter_keys", flat=True)
    ]
    indicator.report_count, indicator.unkeyed_reports = independent_reporters(key_sets)
    indicator.first_seen = agg["first"] or indicator.first_seen
    indicator.last_seen = agg["last"] or indicator.last_seen
    indicator.loss_vnd = agg["loss"] or 0
    # An expired one is about to reopen (a new report): it gets a new expiry too.
    if indicator.status in (
        IndicatorStatus.VERIFIED,
        IndicatorStatus.REPORTED,
        IndicatorStatus.EXPIRED,
    ):
        indicator.expires_at = _expiry(indicator.last_seen, listing_rule())


def _actor_unit_name(actor: Any) -> str:
    assignment = active_role_assignments(actor, POLICE_ROLES).order_by("-org_unit__depth").first()
    return assignment.org_unit.name if assignment is not None else ""


def _actor_level(actor: Any) -> str:
    assignment = active_role_assignments(actor, POLICE_ROLES).order_by("org_unit__depth").first()
    return str(assignment.org_unit.level) if assignment is not None else ""


def scam_type_for_category(category_code: str) -> ScamType | None:
    return (
        ScamType.objects.filter(category_code=category_code).first()
        or ScamType.objects.filter(code="other").first()
    )


@dataclass(frozen=True)
class ConfirmResult:
    indicator: Indicator
    created: bool  # a new report (False: this tip had already reported it)


def indicator_report_confirm(
    *,
    actor: AbstractBaseUser,
    tip: FraudTipIdentifiers,
    identifier: Identifier,
    loss_vnd: int = 0,
    now: dt.datetime | None = None,
) -> ConfirmResult:
    """An officer confirms, on a fraud tip they may handle, that this identifier is the
    fraudster's: one report per identifier per tip. The indicator is created (reported) if
    new, reopened if it had expired; a delisted one keeps its status (relisting is a decision).
    It shows publicly only once verified by a second officer, or as "being verified" once the
    listing rule's number of independent reports is reached."""
    if not any(found.key == identifier.key for found in tip.identifiers):
        raise AntifraudError(_("This identifier was not found in the tip."), field="identifier")
    # A victim's copy of a phishing link carries their data: never into the indicator.
    identifier = redacted(identifier)
    now = now or timezone.now()
    unit = OrgUnit.objects.get(pk=tip.unit_id)
    scam_type = scam_type_for_category(tip.category_code)
    with transaction.atomic():
        indicator = (
            Indicator.objects.select_for_update()
            .filter(kind=identifier.kind, value=identifier.value, source=IndicatorSource.POLICE)
            .first()
        )
        created_indicator = indicator is None
        if indicator is None:
            serialise_new_indicators()
            indicator = Indicator.objects.create(
                kind=identifier.kind,
                value=identifier.value,
                display=identifier.shown(),
                **digests_of(identifier.kind, identifier.value),
                status=IndicatorStatus.REPORTED,
                source=IndicatorSource.POLICE,
                scam_type=scam_type,
                first_seen=tip.received_at,
                last_seen=tip.received_at,
            )
            workflow_record_creation(
                machines.INDICATOR, indicator, actor=actor, action="confirm",
                actor_unit=unit.name, now=now,
            )  # fmt: skip
        if IndicatorReport.objects.filter(indicator=indicator, tip_id=tip.tip_id).exists():
            return ConfirmResult(indicator, created=False)
        IndicatorReport.objects.create(
            indicator=indicator,
            tip_id=tip.tip_id,
            tip_reference=tip.reference,
            unit=unit,
            province_code=tip.province_code,
            category_code=tip.category_code,
            channel=tip.channel,
            reporter_keys=report_keys_for(indicator.pk, tip.reporter_keys),
            loss_vnd=max(0, int(loss_vnd)),
            confirmed_by_id=actor.pk,
            received_at=tip.received_at,
            created_at=now,
        )
        _refresh_counts(indicator)
        if indicator.scam_type is None:
            indicator.scam_type = scam_type
        indicator.save()
        audit_record(
            actor=actor,
            action=AntifraudAction.REPORT_CONFIRM,
            target=indicator,
            data={"tip": tip.reference, "kind": indicator.kind, "new": created_indicator},
        )
        if indicator.status == IndicatorStatus.EXPIRED:
            indicator, _change = workflow_apply(
                machines.INDICATOR, indicator, action="reopen", actor=None,
                audit_action=AntifraudAction.INDICATOR_REOPEN, now=now,
            )  # fmt: skip
        events.publish_indicator_changed(indicator)
    return ConfirmResult(indicator, created=True)


def indicator_verify(
    *, actor: AbstractBaseUser, indicator: Indicator, now: dt.datetime | None = None
) -> Indicator:
    """A second officer (not one who confirmed a report), or the province, verifies: from now
    on the public check says "verified as fraud"."""
    now = now or timezone.now()

    def execute(obj: Indicator, transition: Any) -> dict[str, Any]:
        obj.verified_at = now
        obj.verified_by = actor  # type: ignore[assignment]
        obj.verified_level = _actor_level(actor)
        obj.expires_at = _expiry(obj.last_seen, listing_rule())
        return {"reports": obj.report_count}

    with transaction.atomic():
        result, _change = workflow_apply(
            machines.INDICATOR, indicator, action="verify", actor=actor,
            audit_action=AntifraudAction.INDICATOR_VERIFY, actor_unit=_actor_unit_name(actor),
            execute=execute, now=now,
        )  # fmt: skip
        events.publish_indicator_changed(result)
    return result


_END_ACTIONS = {
    "reject": AntifraudAction.INDICATOR_REJECT,
    "delist": AntifraudAction.INDICATOR_DELIST,
    "relist": AntifraudAction.INDICATOR_RELIST,
}


def indicator_decide(
    *,
    actor: AbstractBaseUser,
    indicator: Indicator,
    action: str,
    reason: str,
    now: dt.datetime | None = None,
) -> Indicator:
    """Reject a reported indicator, delist a verified one (it disappears from the hash-prefix
    range and the exports at once, from the check at once on this app server and within
    TOANDAN_FRAUD_VERDICT_CACHE_SECONDS on the others: `antifraud.known`), or list a delisted
    one again for verification. A reason is required and audited."""
    if action not in _END_ACTIONS:
        raise WorkflowRefusedError(_("Unknown action."), field="action")
    now = now or timezone.now()

    def execute(obj: Indicator, transition: Any) -> None:
        obj.ended_at = None if action == "relist" else now

    with transaction.atomic():
        result, _change = workflow_apply(
            machines.INDICATOR, indicator, action=action, actor=actor, reason=reason,
            audit_action=_END_ACTIONS[action], actor_unit=_actor_unit_name(actor),
            execute=execute, now=now,
        )  # fmt: skip
        events.publish_indicator_changed(result)
    return result


def indicators_expire(*, now: dt.datetime | None = None) -> int:
    """Expire the listed indicators with no new report for the listing rule's period (the
    check already treats them as expired from `expires_at`; this makes it the status)."""
    now = now or timezone.now()
    due = Indicator.objects.filter(
        status__in=(IndicatorStatus.REPORTED, IndicatorStatus.VERIFIED), expires_at__lt=now
    )
    count = 0
    for indicator in due.iterator():
        with transaction.atomic():
            workflow_apply(
                machines.INDICATOR, indicator, action="expire", actor=None,
                audit_action=AntifraudAction.INDICATOR_EXPIRE, now=now,
            )  # fmt: skip
        count += 1
    return count


# --- Appeals ---------------------------------------------------------------------------------


def _receipt_hash(digits: str) -> str:
    return salted_hmac("toandan.antifraud.appeal", digits, algorithm="sha256").hexdigest()


def receipt_digits(text: str) -> str | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits if len(digits) == RECEIPT_DIGITS else None


def receipt_format(digits: str) -> str:
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


@dataclass(frozen=True)
class SubmittedAppeal:
    appeal: Appeal
    receipt: str


def appeal_submit(
    *, indicator: Indicator, statement: str, contact: str = "", now: dt.datetime | None = None
) -> SubmittedAppeal:
    """The holder of a listed identifier asks for review. Returns the receipt (shown once; only
    its keyed hash is kept) to follow the decision."""
    statement = statement.strip()
    if not statement:
        raise AntifraudError(_("Say why it should be delisted."), field="statement")
    if len(statement) > STATEMENT_MAX:
        raise AntifraudError(_("The text is too long."), field="statement")
    if indicator.status not in (IndicatorStatus.REPORTED, IndicatorStatus.VERIFIED):
        raise AntifraudError(_("This identifier is not listed."), field="identifier")
    now = now or timezone.now()
    for _attempt in range(5):
        digits = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
        reference = "KN" + secrets.token_hex(4).upper()
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    reference=reference,
                    receipt_hash=_receipt_hash(digits),
                    indicator=indicator,
                    statement=statement,
                    contact=contact.strip()[:200],
                    created_at=now,
                )
                workflow_record_creation(machines.APPEAL, appeal, actor=None, action="submit")
                audit_record(
                    actor=None,
                    action=AntifraudAction.APPEAL_SUBMIT,
                    target=appeal,
                    data={"indicator": indicator.pk},
                )
        except IntegrityError:
            continue
        return SubmittedAppeal(appeal, receipt_format(digits))
    msg = "could not draw a unique appeal receipt"
    raise RuntimeError(msg)


def appeal_by_receipt(receipt: str) -> Appeal | None:
    digits = receipt_digits(receipt)
    if digits is None:
        return None
    return (
        Appeal.objects.select_related("indicator")
        .filter(receipt_hash=_receipt_hash(digits))
        .first()
    )


def appeal_decide(
    *,
    actor: AbstractBaseUser,
    appeal: Appeal,
    uphold: bool,
    reason: str,
    now: dt.datetime | None = None,
) -> Appeal:
    """An officer over the indicator's reports decides with a reason. Upholding delists the
    indicator in the same transaction (it disappears everywhere)."""
    now = now or timezone.now()
    action = "uphold" if uphold else "reject"

    def execute(obj: Appeal, transition: Any) -> None:
        obj.decision_reason = reason.strip()
        obj.decided_by = actor  # type: ignore[assignment]
        obj.decided_at = now

    with transaction.atomic():
        result, _change = workflow_apply(
            machines.APPEAL, appeal, action=action, actor=actor, reason=reason,
            audit_action=AntifraudAction.APPEAL_UPHOLD if uphold else AntifraudAction.APPEAL_REJECT,
            actor_unit=_actor_unit_name(actor), execute=execute, now=now,
        )  # fmt: skip
        indicator = Indicator.objects.get(pk=appeal.indicator_id)
        if uphold:
            # The appeal is about the identifier: its other row (police-verified or imported
            # from a partner) goes too, when the officer may delist it, else the check would
            # still list what the appellant was told is delisted.
            same = Indicator.objects.filter(kind=indicator.kind, value=indicator.value)
            for row in same.exclude(pk=indicator.pk).filter(status__in=_UPHELD_ENDS):
                if policies.may_manage(actor, row):
                    _end_on_appeal(actor, row, appeal, reason, now)
            _end_on_appeal(actor, indicator, appeal, reason, now)
    return result


_UPHELD_ENDS = {IndicatorStatus.VERIFIED: "delist", IndicatorStatus.REPORTED: "reject"}


def _end_on_appeal(
    actor: AbstractBaseUser, indicator: Indicator, appeal: Appeal, reason: str, now: dt.datetime
) -> None:
    end = _UPHELD_ENDS.get(IndicatorStatus(indicator.status))
    if end is None:
        return  # already delisted or expired
    indicator_decide(
        actor=actor,
        indicator=indicator,
        action=end,
        reason=_("Appeal %(reference)s upheld: %(reason)s")
        % {"reference": appeal.reference, "reason": reason.strip()},
        now=now,
    )


# --- Lookups: counted, never recorded ----------------------------------------------------------


# Counts wait in the process and reach the database at most every FLUSH_SECONDS (a lookup
# costs no write and no transaction; a crash loses at most those seconds of counts).
FLUSH_SECONDS = 5.0
_pending: dict[tuple[dt.date, str, str], int] = {}
_pending_lock = threading.Lock()
_last_flush = [time.monotonic()]


def lookups_count(counts: dict[tuple[str, str], int], *, day: dt.date | None = None) -> None:
    """Add to the per-day counters by (identifier kind, verdict). Nothing else about a lookup
    is kept: not the identifier, not the client."""
    if not counts:
        return
    day = day or clock.local_today()
    with _pending_lock:
        for (kind, verdict), number in counts.items():
            _pending[(day, kind, verdict)] = _pending.get((day, kind, verdict), 0) + number
        due = time.monotonic() - _last_flush[0] >= FLUSH_SECONDS
    if due:
        lookups_flush()


def lookups_flush() -> int:
    """Write the waiting counts (statistics and the tests call it before reading)."""
    with _pending_lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush[0] = time.monotonic()
    if not batch:
        return 0
    with transaction.atomic():
        for (day, kind, verdict), number in batch.items():
            updated = LookupCount.objects.filter(day=day, kind=kind, verdict=verdict).update(
                count=F("count") + number
            )
            if not updated:
                try:
                    with transaction.atomic():
                        LookupCount.objects.create(
                            day=day, kind=kind, verdict=verdict, count=number
                        )
                except IntegrityError:
                    LookupCount.objects.filter(day=day, kind=kind, verdict=verdict).update(
                        count=F("count") + number
                    )
    return sum(batch.values())


# --- Imports -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)


def indicators_import(
    *,
    actor: AbstractBaseUser,
    source_name: str,
    rows: list[tuple[Identifier, dt.datetime | None, dt.datetime | None]],
    now: dt.datetime | None = None,
) -> ImportResult:
    """Indicators from a partner (a bank, a telecom, NCSC): kept with their source and expiry,
    labelled "imported" and never merged with the police-verified ones (a separate row per
    source). Each row: (identifier, first seen, expires at)."""
    from toandan.accounts.selectors import user_has_any_role

    if not user_has_any_role(actor, POLICE_ROLES):
        raise AntifraudError(_("Only the police may import indicators."))
    source_name = source_name.strip()[:200]
    if not source_name:
        raise AntifraudError(_("Name the source."), field="source")
    now = now or timezone.now()
    result = ImportResult()
    with transaction.atomic():
        # The lock that orders creations first, before any row: two imports each holding a
        # row the other wants while waiting for it would deadlock.
        serialise_new_indicators()
        for partner_identifier, first_seen, expires_at in rows:
            identifier = redacted(partner_identifier)
            seen = first_seen or now
            existing = (
                Indicator.objects.select_for_update()
                .filter(
                    kind=identifier.kind, value=identifier.value, source=IndicatorSource.IMPORTED
                )
                .first()
            )
            if existing is None:
                Indicator.objects.create(
                    kind=identifier.kind,
                    value=identifier.value,
                    source=IndicatorSource.IMPORTED,
                    display=identifier.shown(),
                    **digests_of(identifier.kind, identifier.value),
                    status=IndicatorStatus.VERIFIED,
                    source_name=source_name,
                    first_seen=seen,
                    last_seen=seen,
                    verified_at=now,
                    expires_at=expires_at,
                )
                result.created += 1
            elif existing.status == IndicatorStatus.DELISTED:
                # The police delisted it (an appeal upheld): a routine re-import does not
                # list it again; a leader relists it if the partner is right.
                result.skipped.append(identifier.shown())
            else:
                _merge_import(existing, source_name, seen, expires_at, now)
                result.updated += 1
        audit_record(
            actor=actor,
            action=AntifraudAction.INDICATORS_IMPORT,
            object_type="antifraud.indicator",
            data={"source": source_name, "created": result.created, "updated": result.updated},
        )
    return result


def _merge_import(
    indicator: Indicator,
    source_name: str,
    seen: dt.datetime,
    expires_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """The same identifier from another list: every partner that sent it stays named, the
    later expiry holds (an expired entry is renewed)."""
    names = [name.strip() for name in indicator.source_name.split(";") if name.strip()]
    if source_name not in names:
        indicator.source_name = "; ".join([*names, source_name])[:200]
    if indicator.status == IndicatorStatus.EXPIRED or (
        indicator.expires_at is not None
        and (expires_at is None or expires_at > indicator.expires_at)
    ):
        indicator.expires_at = expires_at
    if indicator.status == IndicatorStatus.EXPIRED:
        indicator.status = IndicatorStatus.VERIFIED
        indicator.verified_at = now
    indicator.first_seen = min(indicator.first_seen, seen)
    indicator.last_seen = max(indicator.last_seen, seen)
    indicator.save()


def fraud_check(text: str) -> list[Any]:
    """The public check: every identifier in `text` with its verdict
    (`selectors.verdicts_for`). Only the counters by kind and verdict are written; the text
    and the identifiers are not kept anywhere."""
    from toandan.antifraud.selectors import verdicts_for
    from toandan.identifiers.extract import identify

    verdicts = verdicts_for(identify(text))
    counts: dict[tuple[str, str], int] = {}
    for verdict in verdicts:
        key = (verdict.identifier.kind, verdict.verdict)
        counts[key] = counts.get(key, 0) + 1
    lookups_count(counts)
    return verdicts


# --- Reference data (the admin saves through these) ---------------------------------------------


def reference_save(*, actor: Any, obj: Any, changed: list[str]) -> None:
    """Save a scam type, listing rule or official entry, with its audit event."""
    from toandan.antifraud.models import ListingRule, OfficialEntry, ScamType

    actions = {
        ScamType: AntifraudAction.SCAM_TYPE_SAVE,
        ListingRule: AntifraudAction.LISTING_RULE_SAVE,
        OfficialEntry: AntifraudAction.OFFICIAL_ENTRY_SAVE,
    }
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        audit_record(
            actor=actor,
            action=actions[type(obj)],
            target=obj,
            data={"changed": sorted(changed), "shown": str(obj)},
        )


def official_entry_delete(*, actor: Any, entry: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AntifraudAction.OFFICIAL_ENTRY_DELETE,
            target=entry,
            data={"shown": str(entry)},
        )
        entry.delete()


# --- Warnings ----------------------------------------------------------------------------------

WARNING_ROLES = POLICE_ROLES | {Role.UNION_CADRE.value, Role.UNION_LEADER.value}


def may_write_warning(actor: Any, audience: OrgUnit) -> bool:
    """Police and union staff, for an audience inside their jurisdiction."""
    from toandan.accounts.selectors import user_jurisdiction

    return user_jurisdiction(actor, WARNING_ROLES).covers_org_path(audience.path)


def warning_create(
    *,
    actor: AbstractBaseUser,
    title: str,
    how_it_works: str,
    what_to_do: str,
    audience: OrgUnit,
    scam_type: ScamType | None = None,
    now: dt.datetime | None = None,
) -> FraudWarning:
    if not may_write_warning(actor, audience):
        raise AntifraudError(_("You may not warn this audience."), field="audience")
    warning = FraudWarning(
        title=title.strip(),
        how_it_works=how_it_works.strip(),
        what_to_do=what_to_do.strip(),
        audience=audience,
        scam_type=scam_type,
        created_by_id=actor.pk,
        created_at=now or timezone.now(),
    )
    with transaction.atomic():
        warning.full_clean()
        warning.save()
        audit_record(
            actor=actor,
            action=AntifraudAction.WARNING_CREATE,
            target=warning,
            data={"audience": audience.code},
        )
    return warning


def warning_publish(
    *, actor: AbstractBaseUser, warning: FraudWarning, now: dt.datetime | None = None
) -> int:
    """Publish: on the public page and feed, and each member of the audience's units (every
    active role holder in the subtree) gets an in-app notification and, with an address, an
    email. Reach is counted per unit. Returns the number of members told."""
    from toandan.accounts.models import RoleAssignment
    from toandan.antifraud.notices import FRAUD_WARNING
    from toandan.notifications.services import Notice, email_text, notices_send

    if not may_write_warning(actor, warning.audience):
        raise AntifraudError(_("You may not warn this audience."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        locked = FraudWarning.objects.select_for_update().get(pk=warning.pk)
        if locked.status == WarningStatus.PUBLISHED:
            raise AntifraudError(_("This warning is already published."))
        assignments = (
            RoleAssignment.objects.filter(org_unit__path__startswith=locked.audience.path)
            .filter(valid_from__lte=today)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .select_related("user", "org_unit")
            .order_by("org_unit_id", "user_id")
        )
        unit_of: dict[int, int] = {}
        emails: dict[int, str] = {}
        for assignment in assignments:
            if assignment.user.is_active:
                unit_of.setdefault(assignment.user_id, assignment.org_unit_id)
                emails[assignment.user_id] = assignment.user.email or ""
        sent: dict[int, int] = {}
        notices = []
        for user_id, unit_id in unit_of.items():
            sent[unit_id] = sent.get(unit_id, 0) + 1
            link = reverse("antifraud:warning", args=[locked.pk]) + f"?u={unit_id}"
            notices.append(
                Notice(
                    user_id=user_id,
                    kind=FRAUD_WARNING,
                    title=_("Fraud warning: %(title)s") % {"title": locked.title},
                    body=locked.what_to_do[:300],
                    link=link,
                    email=emails[user_id],
                    email_body=email_text(locked.title, locked.how_it_works, locked.what_to_do),
                )
            )
        notices_send(notices=notices)
        WarningReach.objects.bulk_create(
            [WarningReach(warning=locked, unit_id=unit, sent=count) for unit, count in sent.items()]
        )
        locked.status = WarningStatus.PUBLISHED
        locked.published_at = now
        locked.save(update_fields=["status", "published_at"])
        audit_record(
            actor=actor,
            action=AntifraudAction.WARNING_PUBLISH,
            target=locked,
            data={"members": len(unit_of), "units": len(sent)},
        )
    return len(unit_of)


def warning_opened(
    *, warning: FraudWarning, unit_id: int | None, device_key: str = "", address_key: str = ""
) -> bool:
    """A visit through the link a unit's members got: +1 for that unit, nothing per person.
    One browser (`device_key`, the day's opaque key of address and device cookie) counts
    once per warning, unit and day: a cache mark that expires after a day, nothing stored.
    An address counts at most TOANDAN_FRAUD_REACH_PER_ADDRESS_DAY browsers a day (a script
    throwing its cookie away each time). True when it counted."""
    from django.conf import settings
    from django.core.cache import cache

    from toandan.core.ratelimit import RateLimit

    if unit_id is None:
        return False
    if device_key:
        mark = f"toandan:af:reach:{warning.pk}:{unit_id}:{device_key}"
        if not cache.add(mark, 1, timeout=86400):
            return False
    if address_key:
        cap = RateLimit("fraud-reach-address", settings.TOANDAN_FRAUD_REACH_PER_ADDRESS_DAY, 86400)
        if cap.hit(f"{warning.pk}:{unit_id}:{address_key}"):
            return False
    updated = WarningReach.objects.filter(warning=warning, unit_id=unit_id).update(
        opened=F("opened") + 1
    )
    return bool(updated)


# --- Range key rotation --------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationResult:
    version: int
    previous_version: int
    previous_until: dt.datetime
    indicators: int


REHASH_BATCH = 2000


def _rehash_all(key: bytes) -> int:
    """`digest` of every indicator under `key`, in batches (one UPDATE … FROM VALUES each on
    PostgreSQL)."""
    from django.db import connection

    count = 0
    last = 0
    while True:
        batch = list(
            Indicator.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "kind", "value")[:REHASH_BATCH]
        )
        if not batch:
            return count
        rows = [(pk, digest_of(kind, value, key)) for pk, kind, value in batch]
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s, %s)"] * len(rows))
            params = [part for row in rows for part in row]
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE antifraud_indicator AS i SET digest = v.d "  # noqa: S608 - no input
                    f"FROM (VALUES {values}) AS v(id, d) WHERE i.id = v.id",
                    params,
                )
        else:
            Indicator.objects.bulk_update(
                [Indicator(pk=pk, digest=digest) for pk, digest in rows], ["digest"]
            )
        count += len(rows)
        last = batch[-1][0]


def _clear_previous_digests() -> None:
    Indicator.objects.exclude(digest_previous="").update(digest_previous="")


def range_key_rotate(
    *, actor: Any = None, overlap_days: int, now: dt.datetime | None = None
) -> RotationResult:
    """A new key for the hash-prefix API becomes current; the old one keeps answering
    (`?key=<version>`) for `overlap_days`, so partner apps switch when they next fetch the
    key. Every digest is recomputed in one transaction: the table is locked against writes
    (reads go on, and see the old layout until the commit switches both at once), so
    officers' confirmations wait until it ends. Refused while a previous overlap runs.
    Audited, without the key."""
    from django.db import connection

    from toandan.antifraud.models import RangeKey

    if overlap_days < 1:
        raise AntifraudError(_("The overlap must be at least one day."), field="overlap")
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE antifraud_rangekey IN EXCLUSIVE MODE")
                cursor.execute("LOCK TABLE antifraud_indicator IN EXCLUSIVE MODE")
        keys = range_keys(fresh=True)
        if keys.previous_version is not None and keys.previous_live(now):
            raise AntifraudError(
                _(
                    "Key %(version)s still answers until %(until)s: retire it first "
                    "(toandan fraud retire-range-key)."
                )
                % {"version": keys.previous_version, "until": keys.previous_until}
            )
        until = now + dt.timedelta(days=overlap_days)
        # Before the first rotation the configured key is version 1: stored now as such.
        RangeKey.objects.update_or_create(
            version=keys.version,
            defaults={"retired_after": until},
            create_defaults={"key_hex": keys.key.hex(), "created_at": now, "retired_after": until},
        )
        new_key = secrets.token_bytes(32)
        RangeKey.objects.create(version=keys.version + 1, key_hex=new_key.hex(), created_at=now)
        Indicator.objects.update(digest_previous=F("digest"))
        count = _rehash_all(new_key)
        audit_record(
            actor=actor,
            action=AntifraudAction.RANGE_KEY_ROTATE,
            object_type="antifraud.rangekey",
            object_id=str(keys.version + 1),
            data={
                "version": keys.version + 1,
                "previous": keys.version,
                "previous_until": until.isoformat(),
                "indicators": count,
            },
        )
    return RotationResult(keys.version + 1, keys.version, until, count)


def range_key_retire(*, actor: Any = None, now: dt.datetime | None = None) -> int | None:
    """End the overlap: the previous key stops answering now, its digests are cleared.
    Returns its version (None: there was none). Audited."""
    from toandan.antifraud.models import RangeKey

    now = now or timezone.now()
    with transaction.atomic():
        keys = range_keys(fresh=True)
        if keys.previous_version is None:
            return None
        previous = RangeKey.objects.get(version=keys.previous_version)
        previous.retired_after = min(now, keys.previous_until or now)
        previous.save(update_fields=["retired_after"])  # its signal drops the cached keys
        _clear_previous_digests()
        audit_record(
            actor=actor,
            action=AntifraudAction.RANGE_KEY_RETIRE,
            object_type="antifraud.rangekey",
            object_id=str(keys.previous_version),
            data={"version": keys.previous_version, "current": keys.version},
        )
    return keys.previous_version
