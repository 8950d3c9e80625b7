"""Reads of notifications: always the user's own."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import pgettext_lazy

from toandan.notifications.models import Notification

# The menu entry (web.navigation); kept here so this app's catalogue translates it.
MENU_LABEL = pgettext_lazy("menu", "Notifications")


def notifications_of(
    user: AbstractBaseUser | AnonymousUser, *, unread_only: bool = False
) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each."""
    if not user.is_authenticated or user.pk is None:
        return Notification.objects.none()
    queryset = Notification.objects.filter(user_id=user.pk)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    unread = Case(
        When(read_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return queryset.alias(unread=unread).order_by("-unread", "-created_at", "-id")


def unread_count(user: AbstractBaseUser | AnonymousUser) -> int:
    if not user.is_authenticated or user.pk is None:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def menu_label(user: AbstractBaseUser | AnonymousUser) -> str:
    """ "Notifications", with the number of unread ones when there are any: "Thông báo (3)"."""
    count = unread_count(user)
    return f"{MENU_LABEL} ({count})" if count else str(MENU_LABEL)
