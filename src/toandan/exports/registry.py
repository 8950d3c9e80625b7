"""What can be exported: each app registers producers under a kind name.

A table producer `(params, user) -> Table` gives CSV and XLSX; a document producer
`(params, user) -> AdministrativeDocument` gives DOCX and PDF. The producer runs in the
background worker with the user who asked, and is responsible for that user's access: it
reads through the same selectors as the page the export came from, so a file never holds
more than its requester could see on screen. It raises `ExportRefusedError` with a message
for the user when the parameters are wrong or not allowed; the job then fails with that
message.

An optional `check(params, user)` with the same contract runs when the job is created, so a
wrong request is refused at once instead of failing in the background.

Apps register in their `AppConfig.ready()`:

    from toandan.exports.registry import register_table_producer
    register_table_producer("stats.pivot", pivot_table, label=_("Statistics table"))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser

from toandan.exports.models import ExportFormat

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from toandan.documents.decree30 import AdministrativeDocument
    from toandan.exports.tables import Table

Params = dict[str, Any]
TableProducer = Callable[[Params, AbstractBaseUser], "Table"]
DocumentProducer = Callable[[Params, AbstractBaseUser], "AdministrativeDocument"]
ParamsCheck = Callable[[Params, AbstractBaseUser], None]

TABLE_FORMATS = frozenset({ExportFormat.CSV, ExportFormat.XLSX})
DOCUMENT_FORMATS = frozenset({ExportFormat.DOCX, ExportFormat.PDF})


class ExportRefusedError(ValueError):
    """An export the user may not have or asked for wrongly; the message is for the user."""


@dataclass(frozen=True)
class Producer:
    kind: str
    label: str | Promise
    table: TableProducer | None = None
    document: DocumentProducer | None = None
    check: ParamsCheck | None = None

    @property
    def formats(self) -> frozenset[str]:
        formats: set[str] = set()
        if self.table is not None:
            formats |= TABLE_FORMATS
        if self.document is not None:
            formats |= DOCUMENT_FORMATS
        return frozenset(formats)


_producers: dict[str, Producer] = {}


def _register(kind: str, **changes: Any) -> None:
    if not kind or len(kind) > 80:
        msg = f"export kind must be 1 to 80 characters: {kind!r}"
        raise ValueError(msg)
    current = _producers.get(kind)
    values: dict[str, Any] = {"kind": kind, "label": kind}
    if current is not None:
        values.update(
            label=current.label,
            table=current.table,
            document=current.document,
            check=current.check,
        )
    values.update({k: v for k, v in changes.items() if v is not None})
    _producers[kind] = Producer(**values)


def register_table_producer(
    kind: str,
    producer: TableProducer,
    *,
    label: str | Promise | None = None,
    check: ParamsCheck | None = None,
) -> None:
    """Make `kind` exportable as CSV and XLSX. Registering again replaces the producer."""
    _register(kind, table=producer, label=label, check=check)


def register_document_producer(
    kind: str,
    producer: DocumentProducer,
    *,
    label: str | Promise | None = None,
    check: ParamsCheck | None = None,
) -> None:
    """Make `kind` exportable as DOCX and PDF (an administrative report)."""
    _register(kind, document=producer, label=label, check=check)


def unregister(kind: str) -> None:
    """Forget a kind (tests register throw-away producers)."""
    _producers.pop(kind, None)


def get_producer(kind: str) -> Producer | None:
    return _producers.get(kind)
