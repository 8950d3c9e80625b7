"""The audit actions of tips: intake, the timeline, views of protected content, identity
reveals, keys, admin edits, rebuilds; and, in its own catalogue, the benchmark's.

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions
from toandan.tips.models import TipAction


class TipsAction(StrEnum):
    TIP_RECEIVE = "tips.tip.receive"
    TIP_REPLY = "tips.tip.reply"
    TIP_MESSAGE = "tips.tip.message"
    TIP_NOTE = "tips.tip.note"
    TIP_PURGE = "tips.tip.purge"
    TIP_DEADLINE_RECOMPUTED = "tips.tip.deadline_recomputed"
    TIP_CONTENT_VIEW = "tips.tip.content.view"
    TIP_MESSAGES_VIEW = "tips.tip.messages.view"
    ATTACHMENT_VIEW = "tips.attachment.view"
    RECEIPT_REPLACE = "tips.receipt.replace"
    CONTACT_REVEAL_REQUEST = "tips.contact.reveal_request"
    CONTACT_REVEAL_APPROVE = "tips.contact.reveal_approve"
    CONTACT_REVEAL_REFUSE = "tips.contact.reveal_refuse"
    CONTACT_VIEW = "tips.contact.view"
    KEYS_ROTATE = "tips.keys.rotate"
    FINGERPRINTS_REBUILD = "tips.fingerprints.rebuild"
    UNIT_COUNTS_REBUILD = "tips.unit_counts.rebuild"
    SYNTHETIC_GENERATE = "tips.synthetic.generate"
    # Edits in the admin.
    CATEGORY_CREATE = "tips.category.create"
    CATEGORY_UPDATE = "tips.category.update"
    CATEGORY_DELETE = "tips.category.delete"
    ROUTING_RULE_CREATE = "tips.routing_rule.create"
    ROUTING_RULE_UPDATE = "tips.routing_rule.update"
    ROUTING_RULE_DELETE = "tips.routing_rule.delete"
    # The timeline's transitions (`timeline.tip_act`), one per handler.
    TIP_CHECK = "tips.tip.check"
    TIP_FORWARD = "tips.tip.forward"
    TIP_ACCEPT = "tips.tip.accept"
    TIP_RETURN = "tips.tip.return"
    TIP_REROUTE = "tips.tip.reroute"
    TIP_TAKE = "tips.tip.take"
    TIP_EXTEND_COMPLEX = "tips.tip.extend_complex"
    TIP_EXTEND_PROCURACY = "tips.tip.extend_procuracy"
    TIP_SUSPEND = "tips.tip.suspend"
    TIP_RESUME = "tips.tip.resume"
    TIP_PROSECUTE = "tips.tip.prosecute"
    TIP_NOT_PROSECUTE = "tips.tip.not_prosecute"
    TIP_HAND_OVER = "tips.tip.hand_over"
    TIP_MERGE = "tips.tip.merge"
    TIP_SEND_TO_PROCURACY = "tips.tip.send_to_procuracy"
    TIP_CORRECT_OUTCOME = "tips.tip.correct_outcome"
    TIP_CANCEL_SUSPENSION = "tips.tip.cancel_suspension"
    TIP_CANCEL_NO_PROSECUTE = "tips.tip.cancel_no_prosecute"


register_actions("tips", TipsAction)

# A timeline transition and its audit action (a test checks every handler has one).
TRANSITION_ACTIONS: dict[str, TipsAction] = {
    TipAction.CHECK: TipsAction.TIP_CHECK,
    TipAction.FORWARD: TipsAction.TIP_FORWARD,
    TipAction.ACCEPT: TipsAction.TIP_ACCEPT,
    TipAction.RETURN: TipsAction.TIP_RETURN,
    TipAction.REROUTE: TipsAction.TIP_REROUTE,
    TipAction.TAKE: TipsAction.TIP_TAKE,
    TipAction.EXTEND_COMPLEX: TipsAction.TIP_EXTEND_COMPLEX,
    TipAction.EXTEND_PROCURACY: TipsAction.TIP_EXTEND_PROCURACY,
    TipAction.SUSPEND: TipsAction.TIP_SUSPEND,
    TipAction.RESUME: TipsAction.TIP_RESUME,
    TipAction.PROSECUTE: TipsAction.TIP_PROSECUTE,
    TipAction.NOT_PROSECUTE: TipsAction.TIP_NOT_PROSECUTE,
    TipAction.HAND_OVER: TipsAction.TIP_HAND_OVER,
    TipAction.MERGE: TipsAction.TIP_MERGE,
    TipAction.SEND_TO_PROCURACY: TipsAction.TIP_SEND_TO_PROCURACY,
    TipAction.CORRECT_OUTCOME: TipsAction.TIP_CORRECT_OUTCOME,
    TipAction.PROCURACY_CANCEL_SUSPENSION: TipsAction.TIP_CANCEL_SUSPENSION,
    TipAction.PROCURACY_CANCEL_NOT_PROSECUTE: TipsAction.TIP_CANCEL_NO_PROSECUTE,
}


class BenchAction(StrEnum):
    """The benchmarks' events: writable only while TOANDAN_BENCH_ENDPOINTS is on, so a
    production installation can never record one."""

    # The baseline endpoint (`POST /api/v1/bench/minimal`).
    MINIMAL = "bench.minimal"
    # `make bench audit`: the cost of the chain.
    TIP_VIEW = "bench.tip.view"


register_actions("bench", BenchAction, only_if_setting="TOANDAN_BENCH_ENDPOINTS")
