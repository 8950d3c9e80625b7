"""The staff member's own notifications: a list, unread first, and a form to mark them read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from toandan.core.access import staff_required
from toandan.notifications.selectors import notifications_of, unread_count
from toandan.notifications.services import notification_mark_read

PAGE_SIZE = 20


@staff_required(description="the staff member's own notifications")
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread_count(request.user)},
    )


@staff_required(description="marks the staff member's own notifications read")
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    if request.POST.get("all"):
        notification_mark_read(user=request.user)
    else:
        ids = [int(v) for v in request.POST.getlist("id") if v.isdigit() and len(v) < 19]
        notification_mark_read(user=request.user, ids=ids)
    target = reverse("notifications:list")
    page = request.POST.get("page", "")
    if page.isdigit() and len(page) < 9:
        target += f"?page={page}"
    return HttpResponseRedirect(target)
