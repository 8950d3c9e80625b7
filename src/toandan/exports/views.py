"""Export pages: start an export, follow its progress, download the file.

A job is visible only to the user who asked for it; anyone else gets 404, as if it did not
exist. The status page refreshes itself with a meta tag while the job runs: no JavaScript.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from toandan.accounts.access import login_required
from toandan.core.access import staff_required
from toandan.exports.forms import ExportStartForm
from toandan.exports.registry import ExportRefusedError, get_producer
from toandan.exports.selectors import export_file_for_owner, export_job_for_owner, export_jobs_of
from toandan.exports.services import export_job_create
from toandan.exports.tables import attachment_header

REFRESH_SECONDS = 3


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = list(export_jobs_of(request.user))
    labels = {job.kind: _kind_label(job.kind) for job in jobs}
    rows = [(job, labels[job.kind]) for job in jobs]
    return render(request, "exports/job_list.html", {"rows": rows})


@staff_required(description="starts an export of what the staff member may see")
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    form = ExportStartForm(request.POST)
    if not form.is_valid():
        return render(request, "exports/start_error.html", {"form": form}, status=400)
    try:
        job = export_job_create(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            params=form.cleaned_data["params"],
            format=form.cleaned_data["format"],
        )
    except ExportRefusedError as refused:
        return render(request, "exports/start_error.html", {"message": str(refused)}, status=400)
    return HttpResponseRedirect(reverse("exports:detail", args=[job.pk]))


@login_required
@require_GET
def export_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = export_job_for_owner(user=request.user, job_id=job_id)
    if job is None:
        raise Http404
    return render(
        request,
        "exports/job_detail.html",
        {"job": job, "label": _kind_label(job.kind), "refresh_seconds": REFRESH_SECONDS},
    )


@login_required
@require_GET
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    found = export_file_for_owner(user=request.user, job_id=job_id)
    if found is None:
        raise Http404
    response = FileResponse(found.path.open("rb"))
    response["Content-Disposition"] = attachment_header(found.name)
    # Statistics of a jurisdiction: not for shared caches or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _kind_label(kind: str) -> str:
    producer = get_producer(kind)
    return str(producer.label) if producer is not None else kind
