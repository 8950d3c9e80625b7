"""Writes of export jobs: create one (audited), run it in the background, purge what expired.

The run streams the producer's rows straight into a file under the exports directory
(settings.TOANDAN_EXPORTS_DIR, by default VAR_DIR/exports) with a random name; progress is
saved every `progress_every` rows, so the status page moves while a million rows are written.
The file is written to "<name>.part" and renamed when complete: a download never gets half a
file, and the purge knows a ".part" left by a crashed worker for what it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from toandan.audit.services import audit_record
from toandan.core.db_router import replica_reads
from toandan.documents.decree30 import DocumentTooLargeError
from toandan.documents.pdf import render_pdf
from toandan.documents.word import render_docx
from toandan.exports.audit_actions import ExportsAction
from toandan.exports.models import ACTIVE_STATUSES, ExportFormat, ExportJob, ExportStatus
from toandan.exports.registry import ExportRefusedError, Params, Producer, get_producer
from toandan.exports.tables import write_csv, write_xlsx

logger = logging.getLogger(__name__)

# Someone waiting for three files at once is already a lot; more is a script or a stuck button.
MAX_ACTIVE_JOBS_PER_USER = 3
MAX_PARAMS_BYTES = 4_000
DEFAULT_TTL = dt.timedelta(hours=24)
DEFAULT_PROGRESS_EVERY = 10_000
# A job still "running" after this long lost its worker (a restart, a crash).
STALE_AFTER = dt.timedelta(hours=6)
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def exports_dir() -> Path:
    configured = getattr(settings, "TOANDAN_EXPORTS_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "exports"


def export_ttl() -> dt.timedelta:
    hours = getattr(settings, "TOANDAN_EXPORTS_TTL_HOURS", None)
    return dt.timedelta(hours=float(hours)) if hours else DEFAULT_TTL


def download_name(title: str, file_format: str) -> str:
    """The name the browser saves the file under: the table's title, made safe for every
    file system; Vietnamese letters are kept (the header sends them RFC 5987-encoded)."""
    cleaned = _UNSAFE_FILENAME.sub(" ", title)
    cleaned = " ".join(cleaned.split()).strip(" .")[:150].strip(" .")
    return f"{cleaned or 'toandan'}.{file_format}"


def _check_params(params: Params) -> None:
    if not isinstance(params, dict):
        raise ExportRefusedError(gettext("The export parameters are not valid."))
    try:
        encoded = json.dumps(params, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        raise ExportRefusedError(gettext("The export parameters are not valid.")) from None
    if len(encoded) > MAX_PARAMS_BYTES:
        raise ExportRefusedError(gettext("The export parameters are too long."))


def export_job_create(
    *,
    actor: AbstractBaseUser | AnonymousUser,
    kind: str,
    params: Params,
    format: str,
) -> ExportJob:
    """Queue an export of `kind` for `actor`. The request is audited: a file of statistics is
    data leaving the system. Raises `ExportRefusedError` with a message for the user when the
    kind, the format or the parameters are refused, or when the user already waits for too
    many files."""
    if isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        raise PermissionDenied
    producer = get_producer(kind)
    if producer is None:
        raise ExportRefusedError(gettext("This export does not exist."))
    if format not in producer.formats:
        raise ExportRefusedError(
            gettext("This export is not available as %(format)s.") % {"format": format.upper()}
        )
    _check_params(params)
    if producer.check is not None:
        producer.check(params, actor)
    active = ExportJob.objects.filter(created_by_id=actor.pk, status__in=ACTIVE_STATUSES).count()
    if active >= MAX_ACTIVE_JOBS_PER_USER:
        raise ExportRefusedError(
            gettext(
                "You already have %(count)s exports in progress: wait until one of them is "
                "ready, then try again."
            )
            % {"count": active}
        )
    with transaction.atomic():
        job = ExportJob(
            kind=kind,
            params=json.loads(json.dumps(params, cls=DjangoJSONEncoder)),
            format=format,
            created_by_id=actor.pk,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        job.full_clean()
        job.save()
        audit_record(
            actor=actor,
            action=ExportsAction.JOB_CREATE,
            target=job,
            data={"kind": kind, "format": format, "params": job.params},
        )
        transaction.on_commit(functools.partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from toandan.exports.tasks import export_job_task

    export_job_task(job_id)


def _save_progress(job_id: int, rows: int, expected: int | None) -> None:
    # 99 at most: 100 means the file is complete and renamed.
    percent = min(99, rows * 100 // expected) if expected else 0
    ExportJob.objects.filter(pk=job_id).update(rows_written=rows, progress=percent)


def _write(
    job: ExportJob, producer: Producer, user: AbstractBaseUser, path: Path, every: int
) -> tuple[str, int]:
    """Write the job's file; returns the title and the number of rows written."""
    if job.format in (ExportFormat.CSV, ExportFormat.XLSX):
        assert producer.table is not None  # the format was checked against the producer
        table = producer.table(job.params, user)
        ExportJob.objects.filter(pk=job.pk).update(title=table.title[:300])

        def progress(rows: int) -> None:
            _save_progress(job.pk, rows, table.expected_rows)

        if job.format == ExportFormat.CSV:
            with path.open("wb") as handle:
                rows = write_csv(table, handle, progress=progress, progress_every=every)
        else:
            rows = write_xlsx(table, path, progress=progress, progress_every=every)
        return table.title, rows
    assert producer.document is not None
    document = producer.document(job.params, user)
    render = render_docx if job.format == ExportFormat.DOCX else render_pdf
    path.write_bytes(render(document))
    return f"{document.kind} {document.title}".strip(), 0


def _fail(job_id: int, message: str) -> None:
    now = timezone.now()
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.FAILED, error=message, finished_at=now, expires_at=now + export_ttl()
    )


def export_job_run(*, job_id: int, progress_every: int | None = None) -> None:
    """Produce the job's file (called by the worker). A job is run once: a second call, or a
    retry after a crash, finds it no longer queued and returns."""
    started = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not started:
        return
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    every = progress_every or int(
        getattr(settings, "TOANDAN_EXPORTS_PROGRESS_EVERY", DEFAULT_PROGRESS_EVERY)
    )
    directory = exports_dir()
    # Exports hold tip data: the folder and its files are private to this account (the usual
    # umask would make them readable by every account on the machine). The writers below
    # truncate the file made here, so its mode stays.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        directory.chmod(0o700)
    except PermissionError:
        # A folder the operator made as another account (a mounted volume): only its owner
        # may change its mode. The files are still 0600; the job must not die over it.
        logger.warning(
            "exports folder %s is not owned by this account: its mode stays as it is; "
            "make it 0700 and owned by the service account",
            directory,
        )
    name = f"{secrets.token_urlsafe(24)}.{job.format}"
    part = directory / f"{name}.part"
    part.touch(mode=0o600, exist_ok=False)
    with translation.override(job.language):
        try:
            producer = get_producer(job.kind)
            if producer is None or job.format not in producer.formats:
                raise ExportRefusedError(gettext("This export is no longer available."))
            # The rows may come from a replica (TOANDAN_REPLICA_URLS); the job itself was
            # read from the primary above, where it was just created.
            with replica_reads():
                title, rows = _write(job, producer, job.created_by, part, every)
            part.replace(directory / name)
        except (ExportRefusedError, DocumentTooLargeError) as refused:
            part.unlink(missing_ok=True)
            _fail(job_id, str(refused))
            return
        # The worker must record the failure whatever went wrong in a producer, and huey
        # would otherwise retry a job that will fail the same way.
        except Exception:
            part.unlink(missing_ok=True)
            logger.exception("export job %s (%s) failed", job_id, job.kind)
            _fail(
                job_id,
                gettext(
                    "The export failed because of an error on the server. Try again later; if "
                    "it fails again, tell the administrator."
                ),
            )
            return
    finished = timezone.now()
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.DONE,
        progress=100,
        rows_written=rows,
        title=title[:300],
        file_name=name,
        file_size=(directory / name).stat().st_size,
        download_name=download_name(title, job.format),
        finished_at=finished,
        expires_at=finished + export_ttl(),
    )


def export_jobs_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of expired jobs, fail jobs whose worker vanished, and remove files no
    job owns (a crashed run's ".part"). Returns the number of files deleted."""
    now = now or timezone.now()
    directory = exports_dir()
    deleted = 0
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now)
    for job in expired.only("pk", "file_name"):
        path = directory / Path(job.file_name).name
        if path.exists():
            path.unlink()
            deleted += 1
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file_name="", file_size=0
        )
    stale = ExportJob.objects.filter(status__in=ACTIVE_STATUSES, created_at__lte=now - STALE_AFTER)
    for job_id, language in stale.values_list("pk", "language"):
        with translation.override(language):
            _fail(job_id, gettext("The export was interrupted. Start it again."))
    if directory.is_dir():
        owned = set(
            ExportJob.objects.filter(status=ExportStatus.DONE).values_list("file_name", flat=True)
        )
        cutoff = (now - STALE_AFTER).timestamp()
        for path in directory.iterdir():
            if path.is_file() and path.name not in owned and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
    return deleted
