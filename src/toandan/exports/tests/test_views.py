"""Export pages: the requester follows the job and downloads the file; no one else can."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from toandan.accounts.tests.factories import logged_in, make_user
from toandan.audit.models import AuditEvent
from toandan.exports.models import ExportJob, ExportStatus
from toandan.exports.services import export_job_create, export_job_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_job(officer, test_producer):
    job = export_job_create(actor=officer, kind=test_producer, params={"rows": 40}, format="xlsx")
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_start_queues_the_job_and_shows_its_progress_page(
    officer, test_producer, django_capture_on_commit_callbacks
):
    client = logged_in(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:start"),
            {"kind": test_producer, "format": "csv", "params": json.dumps({"rows": 5})},
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", args=[job.pk])
    assert job.created_by == officer
    assert job.params == {"rows": 5}


def test_a_running_job_page_refreshes_itself_without_javascript(officer, test_producer):
    job = export_job_create(actor=officer, kind=test_producer, params={}, format="csv")
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=42)
    response = logged_in(officer).get(reverse("exports:detail", args=[job.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="3">' in html
    assert '<progress id="export-progress" max="100" value="42">' in html
    assert reverse("exports:download", args=[job.pk]) not in html


def test_a_finished_job_page_links_the_download_and_stops_refreshing(officer, finished_job):
    response = logged_in(officer).get(reverse("exports:detail", args=[finished_job.pk]))
    html = response.content.decode()
    assert 'http-equiv="refresh"' not in html
    assert reverse("exports:download", args=[finished_job.pk]) in html
    assert "Nguồn tin có giá trị theo tỉnh.xlsx" in html


def test_the_requester_downloads_the_file_and_the_download_is_audited(
    officer, finished_job, tmp_path
):
    response = logged_in(officer).get(reverse("exports:download", args=[finished_job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''Ngu")
    assert response["Cache-Control"] == "private, no-store"
    path = tmp_path / "got.xlsx"
    path.write_bytes(response.getvalue())
    sheet = load_workbook(path).worksheets[0]
    assert sheet.max_row == 41
    assert AuditEvent.objects.filter(
        action="export.job.download", object_id=str(finished_job.pk), actor_id=officer.pk
    ).exists()


def test_no_one_else_sees_or_downloads_the_job(other_cadre, finished_job):
    client = logged_in(other_cadre)
    assert client.get(reverse("exports:detail", args=[finished_job.pk])).status_code == 404
    assert client.get(reverse("exports:download", args=[finished_job.pk])).status_code == 404
    assert finished_job.title not in client.get(reverse("exports:list")).content.decode()


def test_an_anonymous_visitor_is_sent_to_login(finished_job):
    from django.test import Client

    for name in ("exports:detail", "exports:download"):
        response = Client().get(reverse(name, args=[finished_job.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_expired_file_is_not_served(officer, finished_job):
    ExportJob.objects.filter(pk=finished_job.pk).update(status=ExportStatus.EXPIRED)
    client = logged_in(officer)
    download = reverse("exports:download", args=[finished_job.pk])
    assert client.get(download).status_code == 404
    page = client.get(reverse("exports:detail", args=[finished_job.pk]))
    assert page.status_code == 200
    assert download not in page.content.decode()


def test_list_shows_the_users_own_jobs(officer, finished_job):
    html = logged_in(officer).get(reverse("exports:list")).content.decode()
    assert finished_job.title in html
    assert reverse("exports:detail", args=[finished_job.pk]) in html


def test_refused_start_explains_why(officer, test_producer):
    client = logged_in(officer)
    response = client.post(reverse("exports:start"), {"kind": "nope", "format": "csv"})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()
    response = client.post(
        reverse("exports:start"), {"kind": test_producer, "format": "csv", "params": "[1, 2]"}
    )
    assert response.status_code == 400


def test_a_user_without_a_role_cannot_start_an_export(test_producer):
    nobody = make_user("export.norole")
    response = logged_in(nobody).post(
        reverse("exports:start"), {"kind": test_producer, "format": "csv"}
    )
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_export_buttons_offer_the_formats_of_the_producer(test_producer):
    html = Template("{% load exports %}{% export_buttons kind params %}").render(
        Context({"kind": test_producer, "params": {"period": "2019-2024", "unit": "PN-01"}})
    )
    assert f'action="{reverse("exports:start")}"' in html
    for value in ("csv", "xlsx", "docx", "pdf"):
        assert f'name="format" value="{value}"' in html
    assert "&quot;period&quot;: &quot;2019-2024&quot;" in html
    nothing = Template('{% load exports %}{% export_buttons "nope" %}').render(Context())
    assert nothing.strip() == ""
