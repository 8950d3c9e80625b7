"""Background exports: a job per requested file, with its progress and its file on disk.

A job's file holds statistics out of the system, so it is short-lived: it is deleted when the
job expires (a periodic task), and only the user who asked for it may download it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    DOCX = "docx", "Word (DOCX)"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    # The file was deleted when the job expired; the row stays as a trace of the export.
    EXPIRED = "expired", _("Expired")


ACTIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ExportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=80)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_written = models.PositiveBigIntegerField(_("rows written"), default=0)
    # The language of the request: the worker writes headers and notes in it.
    language = models.CharField(_("language"), max_length=10, default="vi")
    title = models.CharField(_("title"), max_length=300, blank=True)
    # A random name under the exports directory, never derived from user input.
    file_name = models.CharField(_("file"), max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    download_name = models.CharField(_("download name"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("export job", "created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(
        pgettext_lazy("export job", "expires at"), null=True, blank=True
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="exports_job_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=ExportFormat.values),
                name="exports_job_format_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values),
                name="exports_job_status_known",
            ),
            # A job is ready only with a file to download.
            models.CheckConstraint(
                condition=~models.Q(status=ExportStatus.DONE) | ~models.Q(file_name=""),
                name="exports_job_done_has_file",
            ),
        ]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.kind} ({self.format}) #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
