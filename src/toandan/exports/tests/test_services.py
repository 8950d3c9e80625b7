"""Export jobs: queued, audited, run in the background with progress, purged when expired."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook

from toandan.accounts.models import User
from toandan.audit.models import AuditEvent
from toandan.exports.models import ExportJob, ExportStatus
from toandan.exports.registry import ExportRefusedError, register_table_producer, unregister
from toandan.exports.services import (
    MAX_ACTIVE_JOBS_PER_USER,
    download_name,
    export_job_create,
    export_job_run,
    export_jobs_purge,
)
from toandan.exports.tables import Table

from .conftest import HEADERS

pytestmark = pytest.mark.django_db


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def create(
    officer: User, kind: str, callbacks: Any, *, fmt: str = "xlsx", **params: object
) -> ExportJob:
    with callbacks(execute=True):
        job = export_job_create(actor=officer, kind=kind, params=params, format=fmt)
    job.refresh_from_db()
    return job


def test_a_job_runs_after_commit_and_completes(
    officer, test_producer, django_capture_on_commit_callbacks, exports_dir
):
    job = create(officer, test_producer, django_capture_on_commit_callbacks, rows=120)

    assert job.status == ExportStatus.DONE
    assert job.progress == 100
    assert job.rows_written == 120
    assert job.title == "Nguồn tin có giá trị theo tỉnh"
    assert job.download_name == "Nguồn tin có giá trị theo tỉnh.xlsx"
    assert job.expires_at is not None
    assert job.finished_at is not None
    assert job.expires_at - job.finished_at == dt.timedelta(hours=24)
    path = exports_dir / job.file_name
    sheet = load_workbook(path).worksheets[0]
    assert sheet.max_row == 121
    assert [c.value for c in sheet[1]] == HEADERS
    # Only the finished file is there: no ".part" left behind.
    assert files(exports_dir) == [job.file_name]


def test_creating_a_job_is_audited_with_its_parameters(
    officer, test_producer, django_capture_on_commit_callbacks
):
    job = create(officer, test_producer, django_capture_on_commit_callbacks, fmt="csv", rows=3)
    event = AuditEvent.objects.get(action="export.job.create", object_id=str(job.pk))
    assert event.actor_id == officer.pk
    assert event.data == {"kind": test_producer, "format": "csv", "params": {"rows": 3}}


def test_nothing_runs_if_the_request_rolls_back(
    officer, test_producer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = export_job_create(actor=officer, kind=test_producer, params={}, format="csv")
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED


def test_progress_is_saved_while_rows_are_written(officer, test_producer, monkeypatch):
    seen: list[tuple[int, int]] = []
    job = export_job_create(actor=officer, kind=test_producer, params={"rows": 250}, format="csv")

    from toandan.exports import services

    real_save = services._save_progress

    def record(job_id: int, rows: int, expected: int | None) -> None:
        real_save(job_id, rows, expected)
        current = ExportJob.objects.get(pk=job_id)
        seen.append((current.rows_written, current.progress))

    monkeypatch.setattr(services, "_save_progress", record)
    export_job_run(job_id=job.pk, progress_every=100)
    assert seen == [(100, 40), (200, 80), (250, 99)]
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows_written) == (ExportStatus.DONE, 100, 250)


def test_a_job_runs_only_once(officer, test_producer, exports_dir):
    job = export_job_create(actor=officer, kind=test_producer, params={"rows": 2}, format="csv")
    export_job_run(job_id=job.pk)
    first = ExportJob.objects.get(pk=job.pk).file_name
    export_job_run(job_id=job.pk)  # a retry or a second worker
    assert ExportJob.objects.get(pk=job.pk).file_name == first
    assert len(files(exports_dir)) == 1


def test_docx_and_pdf_jobs_render_the_document(officer, test_producer, exports_dir):
    for fmt in ("docx", "pdf"):
        job = export_job_create(actor=officer, kind=test_producer, params={}, format=fmt)
        export_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == ExportStatus.DONE, job.error
        data = (exports_dir / job.file_name).read_bytes()
        if fmt == "pdf":
            assert data.startswith(b"%PDF")
        else:
            texts = [
                p.text for p in Document(io.BytesIO(data)).tables[0].rows[0].cells[1].paragraphs
            ]
            assert "Độc lập - Tự do - Hạnh phúc" in texts
        assert job.download_name.endswith(f".{fmt}")


def test_a_refusal_by_the_producer_fails_the_job_with_its_message(
    officer, test_producer, exports_dir
):
    job = export_job_create(actor=officer, kind=test_producer, params={"rows": -1}, format="xlsx")
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == "Số dòng không hợp lệ."
    assert job.file_name == ""
    assert files(exports_dir) == []


def test_a_bug_in_a_producer_fails_the_job_without_details(officer, test_producer, exports_dir):
    job = export_job_create(actor=officer, kind=test_producer, params={"explode": 1}, format="csv")
    with translation.override("en"):
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert "a bug in a producer" not in job.error
    assert job.error  # a message for the user
    assert files(exports_dir) == []


def test_a_failure_midway_leaves_no_partial_file(officer, exports_dir):
    def rows() -> Iterator[list[object]]:
        yield ["Hà Nội", 1]
        msg = "database gone"
        raise RuntimeError(msg)

    register_table_producer("test.midway", lambda params, user: Table("t", ["a", "b"], rows()))
    try:
        job = export_job_create(actor=officer, kind="test.midway", params={}, format="xlsx")
        export_job_run(job_id=job.pk)
    finally:
        unregister("test.midway")
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.FAILED
    assert files(exports_dir) == []


@pytest.mark.parametrize(
    ("kind", "fmt", "params"),
    [
        ("nope.unknown", "csv", {}),
        ("test.provinces", "odt", {}),
        ("test.provinces", "csv", {"filler": "x" * 5_000}),
    ],
)
def test_refused_requests(officer, test_producer, kind, fmt, params):
    with pytest.raises(ExportRefusedError):
        export_job_create(actor=officer, kind=kind, params=params, format=fmt)
    assert not ExportJob.objects.exists()


def test_a_check_refuses_before_anything_is_queued(officer):
    def check(params, user):
        raise ExportRefusedError("Ngoài phạm vi quản lý.")

    register_table_producer("test.checked", lambda p, u: Table("t", ["a"], []), check=check)
    try:
        with pytest.raises(ExportRefusedError, match="Ngoài phạm vi"):
            export_job_create(actor=officer, kind="test.checked", params={}, format="csv")
    finally:
        unregister("test.checked")
    assert not ExportJob.objects.exists()


def test_an_anonymous_visitor_cannot_export(test_producer):
    with pytest.raises(PermissionDenied):
        export_job_create(actor=AnonymousUser(), kind=test_producer, params={}, format="csv")


def test_too_many_waiting_jobs_are_refused(officer, test_producer):
    for _ in range(MAX_ACTIVE_JOBS_PER_USER):
        export_job_create(actor=officer, kind=test_producer, params={}, format="csv")
    with pytest.raises(ExportRefusedError):
        export_job_create(actor=officer, kind=test_producer, params={}, format="csv")


def test_purge_deletes_expired_files_and_fails_lost_jobs(officer, test_producer, exports_dir):
    done = export_job_create(actor=officer, kind=test_producer, params={"rows": 1}, format="csv")
    export_job_run(job_id=done.pk)
    kept = export_job_create(actor=officer, kind=test_producer, params={"rows": 1}, format="csv")
    export_job_run(job_id=kept.pk)
    lost = export_job_create(actor=officer, kind=test_producer, params={}, format="csv")
    ExportJob.objects.filter(pk=lost.pk).update(
        status=ExportStatus.RUNNING, created_at=timezone.now() - dt.timedelta(hours=7)
    )
    done.refresh_from_db()
    kept.refresh_from_db()
    orphan = exports_dir / "left-by-a-crash.xlsx.part"
    orphan.write_bytes(b"half")
    old = (timezone.now() - dt.timedelta(hours=8)).timestamp()
    os.utime(orphan, (old, old))

    assert done.expires_at is not None
    now = done.expires_at + dt.timedelta(minutes=1)
    ExportJob.objects.filter(pk=kept.pk).update(expires_at=now + dt.timedelta(hours=1))
    assert export_jobs_purge(now=now) == 2

    assert files(exports_dir) == [kept.file_name]
    done.refresh_from_db()
    assert (done.status, done.file_name) == (ExportStatus.EXPIRED, "")
    lost.refresh_from_db()
    assert lost.status == ExportStatus.FAILED


def test_download_name_is_safe_for_every_file_system():
    assert (
        download_name('Báo cáo: "Hà Nội/Lào Cai" 2024?', "xlsx")
        == "Báo cáo Hà Nội Lào Cai 2024.xlsx"
    )
    assert download_name("...", "csv") == "toandan.csv"


def test_other_local_users_cannot_read_an_export(
    officer, test_producer, django_capture_on_commit_callbacks, exports_dir
):
    # Exports hold tip data: on a shared machine, a file readable by every account (0644 under
    # the usual umask) would hand them to anyone logged in to it.
    previous = os.umask(0o022)
    try:
        job = create(officer, test_producer, django_capture_on_commit_callbacks, rows=3)
    finally:
        os.umask(previous)

    assert job.status == ExportStatus.DONE
    assert (exports_dir / job.file_name).stat().st_mode & 0o777 == 0o600
    assert exports_dir.stat().st_mode & 0o777 == 0o700


def test_an_export_folder_owned_by_another_account_still_gets_its_file(
    officer, test_producer, django_capture_on_commit_callbacks, exports_dir, *, monkeypatch, caplog
):
    # The operator made the folder (e.g. a mounted volume) as another account: only its owner
    # may change its mode, so chmod fails with EPERM, as the operating system answers.
    exports_dir.mkdir(mode=0o750)
    real_chmod = Path.chmod

    def chmod(path: Path, mode: int, **kwargs: Any) -> None:
        if path == exports_dir:
            raise PermissionError(1, "Operation not permitted", str(path))
        real_chmod(path, mode, **kwargs)

    monkeypatch.setattr(Path, "chmod", chmod)

    job = create(officer, test_producer, django_capture_on_commit_callbacks, rows=3)

    assert job.status == ExportStatus.DONE
    assert (exports_dir / job.file_name).stat().st_mode & 0o777 == 0o600
    assert str(exports_dir) in caplog.text
