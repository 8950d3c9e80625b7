"""The catalogue of audit actions: every action written is declared by an app, under the
string already stored in the chain, and anything else is refused."""

from __future__ import annotations

import ast
import importlib
from enum import StrEnum
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction

from toandan.audit.actions import UnregisteredAuditActionError, registered_actions
from toandan.audit.models import AuditEvent
from toandan.audit.services import audit_record, audit_verify
from toandan.stats.audit_actions import REPORT_ACTIONS
from toandan.stats.services import REPORT_TRANSITIONS
from toandan.tips.audit_actions import TRANSITION_ACTIONS, BenchAction, TipsAction
from toandan.tips.handling import timeline

SRC = Path(__file__).resolve().parents[2]
BENCH = SRC.parents[1] / "bench"

# Every action stored in chains today. A stored value keeps its meaning forever (the chain
# cannot be rewritten): a catalogue may add an action (add it here too), never rename one.
STORED_ACTIONS = {
    "accounts.2fa.enrol", "accounts.2fa.reset", "accounts.login.failure",
    "accounts.login.lockout", "accounts.login.success", "accounts.logout",
    "accounts.password.change", "accounts.password.set_by_admin", "accounts.role.assign",
    "accounts.role.bootstrap", "accounts.role.change", "accounts.role.end",
    "accounts.role.grant_approve", "accounts.role.grant_refuse", "accounts.role.grant_request",
    "accounts.token.create", "accounts.token.revoke", "accounts.user.create",
    "accounts.user.update",
    "backup.restore",
    "bench.minimal", "bench.tip.view",
    "export.job.create", "export.job.download",
    "geo.load", "geo.region.create", "geo.region.delete", "geo.region.update",
    "notifications.digest.send", "notifications.reminders.send",
    "orgs.unit.create", "orgs.unit.update", "orgs.units.sync",
    "stats.dataset.change", "stats.dataset.create", "stats.dataset.delete",
    "stats.demo.load", "stats.indicator.change", "stats.indicator.create",
    "stats.indicator.delete", "stats.report.approve", "stats.report.correct",
    "stats.report.return", "stats.report.save", "stats.report.submit",
    "stats.summary.rebuild", "stats.synthetic.reports",
    "tips.attachment.view", "tips.category.create", "tips.category.delete",
    "tips.category.update", "tips.contact.reveal_approve", "tips.contact.reveal_refuse",
    "tips.contact.reveal_request", "tips.contact.view", "tips.fingerprints.rebuild",
    "tips.keys.rotate", "tips.receipt.replace", "tips.routing_rule.create",
    "tips.routing_rule.delete", "tips.routing_rule.update", "tips.synthetic.generate",
    "tips.tip.accept", "tips.tip.cancel_no_prosecute", "tips.tip.cancel_suspension",
    "tips.tip.check", "tips.tip.content.view", "tips.tip.correct_outcome",
    "tips.tip.deadline_recomputed", "tips.tip.extend_complex", "tips.tip.extend_procuracy",
    "tips.tip.forward", "tips.tip.hand_over", "tips.tip.merge", "tips.tip.message",
    "tips.tip.messages.view", "tips.tip.not_prosecute", "tips.tip.note",
    "tips.tip.prosecute", "tips.tip.purge", "tips.tip.receive", "tips.tip.reply",
    "tips.tip.reroute", "tips.tip.resume", "tips.tip.return", "tips.tip.send_to_procuracy",
    "tips.tip.suspend", "tips.tip.take", "tips.unit_counts.rebuild",
    "workdays.change.delete", "workdays.change.save",
    "antifraud.appeal.reject", "antifraud.appeal.submit", "antifraud.appeal.uphold",
    "antifraud.indicator.delist", "antifraud.indicator.expire", "antifraud.indicator.reject",
    "antifraud.indicator.relist", "antifraud.indicator.reopen", "antifraud.indicator.verify",
    "antifraud.indicators.import", "antifraud.listing_rule.save", "antifraud.official_entry.delete",
    "antifraud.official_entry.save", "antifraud.range_key.retire", "antifraud.range_key.rotate",
    "antifraud.report.confirm", "antifraud.scam_type.save",
    "antifraud.warning.create", "antifraud.warning.publish",
    "awards.award.revoke", "awards.ballot.cast", "awards.ballot.close", "awards.ballot.open",
    "awards.campaign.create", "awards.council.create", "awards.council.recusal",
    "awards.council.score", "awards.decision.issue", "awards.nomination.consent",
    "awards.nomination.create", "awards.nomination.file", "awards.nomination.rank",
    "awards.nomination.step", "awards.nomination.tipster", "awards.nomination.update",
    "awards.reference.edit",
    "initiatives.bulk_load", "initiatives.channel.add", "initiatives.import",
    "initiatives.initiative.register", "initiatives.initiative.step", "initiatives.reference.save",
    "initiatives.review.file", "initiatives.review.step", "initiatives.site.add",
    "initiatives.team.add", "initiatives.team.end",
}  # fmt: skip


def _catalogues() -> dict[str, type[StrEnum]]:
    """Every catalogue enum of every app, by class name."""
    found: dict[str, type[StrEnum]] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.audit_actions")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, StrEnum)
                and value.__module__ == module.__name__
            ):
                found[name] = value
    return found


def _sources() -> list[tuple[Path, ast.Module]]:
    """The code that writes events: the project's and the benchmarks' (not the tests')."""
    paths = [p for p in sorted(SRC.rglob("*.py")) if "tests" not in p.relative_to(SRC).parts]
    if BENCH.is_dir():
        paths += sorted(BENCH.glob("*.py"))
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in paths]


def _audit_calls(tree: ast.Module) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "audit_record":
                calls.append(node)
    return calls


# Catalogues that test modules register (audit-tests, workflow-tests) are not stored actions.
def test_the_catalogues_hold_exactly_the_stored_actions():
    declared = {a for a, app in registered_actions().items() if not app.endswith("-tests")}
    assert declared - STORED_ACTIONS == set(), "a new action: add it to STORED_ACTIONS too"
    assert STORED_ACTIONS - declared == set(), "a stored action lost its catalogue entry"


def test_every_audit_record_call_names_a_catalogue_member_not_a_string():
    """No literal, f-string or concatenation as an action: a member, a map of members, or a
    parameter typed as a catalogue (mypy checks those)."""
    offenders = []
    calls = 0
    for path, tree in _sources():
        for call in _audit_calls(tree):
            calls += 1
            action = next((k.value for k in call.keywords if k.arg == "action"), None)
            if action is None:
                if path.name != "services.py" or path.parent.name != "audit":
                    offenders.append(f"{path}:{call.lineno}: no action=")
                continue
            for node in ast.walk(action):
                if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp):
                    offenders.append(f"{path}:{call.lineno}: {ast.unparse(action)}")
                    break
    assert calls > 60
    assert offenders == []


def test_every_action_in_use_is_in_a_catalogue_and_every_entry_is_used():
    catalogues = _catalogues()
    used: set[str] = set()
    for _path, tree in _sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in catalogues
            ):
                member = catalogues[node.value.id][node.attr]
                used.add(member.value)
    registered = registered_actions()
    assert {a for a in used if a not in registered} == set()
    declared = {a for a, app in registered.items() if not app.endswith("-tests")}
    assert declared - used == set(), "a catalogue entry nothing writes"


def test_every_transition_has_its_action():
    assert set(TRANSITION_ACTIONS) == set(timeline._HANDLERS)
    assert set(REPORT_ACTIONS) == set(REPORT_TRANSITIONS)


@pytest.mark.django_db
def test_misspelt_action_is_refused_and_nothing_is_written():
    before = AuditEvent.objects.count()
    with pytest.raises(UnregisteredAuditActionError), transaction.atomic():
        audit_record(actor=None, action="tips.tip.recieve", object_type="x")  # type: ignore[arg-type]
    with pytest.raises(UnregisteredAuditActionError), transaction.atomic():
        audit_record(actor=None, action="tips.tip.", object_type="x")  # type: ignore[arg-type]
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


@pytest.mark.django_db
def test_catalogue_member_is_stored_as_its_string():
    with transaction.atomic():
        event = audit_record(actor=None, action=TipsAction.KEYS_ROTATE, object_type="x")
    event.refresh_from_db()
    assert event.action == "tips.keys.rotate"
    assert type(event.action) is str
    assert audit_verify().ok


@pytest.mark.django_db
def test_production_cannot_write_the_bench_event(settings):
    settings.TOANDAN_BENCH_ENDPOINTS = False
    with pytest.raises(UnregisteredAuditActionError), transaction.atomic():
        audit_record(actor=None, action=BenchAction.MINIMAL, object_type="bench")
    assert not AuditEvent.objects.filter(action="bench.minimal").exists()
    settings.TOANDAN_BENCH_ENDPOINTS = True
    with transaction.atomic():
        audit_record(actor=None, action=BenchAction.MINIMAL, object_type="bench")
    assert AuditEvent.objects.filter(action="bench.minimal").count() == 1
