"""JSON API of the caller's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from toandan.core.pagination import BoundedPageNumberPagination
from toandan.notifications.models import Notification
from toandan.notifications.schemas import MarkReadIn, MarkReadOut, NotificationOut
from toandan.notifications.selectors import notifications_of, unread_count
from toandan.notifications.services import notification_mark_read

# Authenticated where it is mounted (`toandan.api`): this app builds on no domain app, accounts
# included, so that every app may notify.
router = Router(tags=["notifications"])


@router.get("", response=list[NotificationOut], summary="My notifications, unread first")
@paginate(BoundedPageNumberPagination, page_size=20, max_page_size=100)
def notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    """`unread=true` lists only the unread ones."""
    return notifications_of(request.user, unread_only=unread)


@router.post("/read", response=MarkReadOut, summary="Mark my notifications read")
def mark_read(request: HttpRequest, payload: MarkReadIn) -> dict[str, int]:
    """Give `ids`, or leave them out to mark every unread notification read. Ids of other
    people's notifications are ignored."""
    marked = notification_mark_read(user=request.user, ids=payload.ids)
    return {"marked": marked, "unread": unread_count(request.user)}
