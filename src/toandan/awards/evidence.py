"""Evidence pulled from data for a nomination: the extension point other layers fill.

Awards may not import statistics nor another domain (the layers of the project), yet a dossier
shows what the platform counted about the nominee's unit: tips passed via the union unit and
how many were valuable (statistics tables), community models hosted and their grades, reviews
filed on time (initiatives). `toandan.stats.sources.awards.register()` registers one provider
per kind of evidence here; a nomination asks every provider at submission and keeps the answer
(`Nomination.evidence`), so the dossier shows what was known when it was sent.

A provider takes the unit ids (the nominating unit and its subtree, as ids), the period and
returns a list of plain `EvidenceLine`s (or nothing when it has nothing to say).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvidenceQuery:
    org_unit_ids: tuple[int, ...]
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class EvidenceLine:
    code: str  # "tips_passed", "tips_valuable", "models_hosted", ...
    label: str  # in Vietnamese, as the dossier prints it
    value: int | str
    source: str  # where the figure comes from, for the reader


Provider = Callable[[EvidenceQuery], Sequence[EvidenceLine]]
_PROVIDERS: dict[str, Provider] = {}


def evidence_provider_register(code: str, provider: Provider) -> None:
    """Register (or replace: tests, reloads) the provider of one kind of evidence."""
    _PROVIDERS[code] = provider


def evidence_provider_unregister(code: str) -> None:
    _PROVIDERS.pop(code, None)


def evidence_providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def evidence_collect(query: EvidenceQuery) -> list[dict[str, object]]:
    """Every provider's lines, as plain dicts to keep on the nomination. A provider that fails
    is logged and skipped: a missing figure must not block a nomination."""
    lines: list[dict[str, object]] = []
    for code in sorted(_PROVIDERS):
        try:
            found = _PROVIDERS[code](query)
        except Exception:
            logger.exception("evidence provider %s failed", code)
            continue
        lines.extend(asdict(line) for line in found)
    return lines
