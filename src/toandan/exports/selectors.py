"""Reads of export jobs. A job and its file belong to the user who asked for it, and to no one
else: the statistics in it were cut to that user's jurisdiction when it was produced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import QuerySet

from toandan.audit.services import audit_record
from toandan.exports.audit_actions import ExportsAction
from toandan.exports.models import ExportJob, ExportStatus
from toandan.exports.services import exports_dir

AnyUser = AbstractBaseUser | AnonymousUser

RECENT_JOBS = 50


def export_jobs_of(user: AnyUser) -> QuerySet[ExportJob]:
    """The user's most recent export jobs, newest first."""
    return ExportJob.objects.filter(created_by_id=user.pk).order_by("-created_at", "-id")[
        :RECENT_JOBS
    ]


def export_job_for_owner(*, user: AnyUser, job_id: int) -> ExportJob | None:
    """The job if `user` asked for it; None otherwise (the caller answers 404, so a job's
    existence is not revealed to anyone else)."""
    return ExportJob.objects.filter(pk=job_id, created_by_id=user.pk).first()


@dataclass(frozen=True)
class ExportFile:
    path: Path
    name: str
    size: int


def export_file_for_owner(*, user: AnyUser, job_id: int) -> ExportFile | None:
    """The finished file of the user's own job, or None. Every download is audited: the file
    carries statistics out of the system."""
    job = export_job_for_owner(user=user, job_id=job_id)
    if job is None or job.status != ExportStatus.DONE or not job.file_name:
        return None
    path = exports_dir() / Path(job.file_name).name
    if not path.is_file():
        return None
    with transaction.atomic():
        audit_record(
            actor=user,
            action=ExportsAction.JOB_DOWNLOAD,
            target=job,
            data={"kind": job.kind, "format": job.format, "rows": job.rows_written},
        )
    return ExportFile(path=path, name=job.download_name or path.name, size=job.file_size)
