"""Writes of notifications: tell staff members, in the app and by email, that something needs them.

`notify` is the whole interface for other apps: the app that sends a notification words it
(title, body, a link inside the site, in the interface's language) and registers its kind
(`toandan.notifications.kinds`); this app stores one notification per recipient in the
caller's transaction and queues one email each once that transaction commits. What may be said
is the sender's rule to keep: never what a case says, nor anything about a person it protects,
since email leaves the system and is read on phones, in shared inboxes and on lock screens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.core.tasks import send_email_on_commit
from toandan.notifications.kinds import kind_is_registered
from toandan.notifications.models import Notification


@dataclass(frozen=True)
class Recipient:
    """Who is told: a user, and the address their email goes to ("" for none)."""

    user_id: int
    email: str = ""


@dataclass(frozen=True)
class Notice:
    """One notification to one user, for senders whose wording differs per recipient.
    `email_subject`/`email_body` default to the title and `email_text(title)`."""

    user_id: int
    kind: str
    title: str
    body: str = ""
    link: str = ""
    email: str = ""
    email_subject: str = ""
    email_body: str = ""


def notify(
    *,
    recipients: Iterable[Recipient],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    email_subject: str = "",
    email_body: str = "",
) -> int:
    """Tell each recipient the same thing: one in-app notification each, in the caller's
    transaction, and one email each to those with an address once it commits. Returns how
    many notifications were written."""
    return notices_send(
        notices=[
            Notice(
                user_id=r.user_id,
                kind=kind,
                title=title,
                body=body,
                link=link,
                email=r.email,
                email_subject=email_subject,
                email_body=email_body,
            )
            for r in recipients
        ],
    )


def notices_send(*, notices: Sequence[Notice]) -> int:
    """`notify`, worded for each recipient: one query for all the notifications."""
    for kind in {n.kind for n in notices}:
        if not kind_is_registered(kind):
            msg = f"unregistered notification kind {kind!r}: register it with kind_register"
            raise ValueError(msg)
    if not notices:
        return 0
    Notification.objects.bulk_create(
        Notification(user_id=n.user_id, kind=n.kind, title=n.title, body=n.body, link=n.link)
        for n in notices
    )
    for notice in notices:
        if notice.email:
            send_email_on_commit(
                subject=notice.email_subject or notice.title,
                body=notice.email_body or email_text(notice.title),
                to=[notice.email],
            )
    return len(notices)


def email_text(title: str, *more: str) -> str:
    """An email telling `title`, with the address of the notifications page, then `more`
    paragraphs (the sender's, e.g. why the email says so little)."""
    see = _("See your notifications: %(url)s") % {"url": notifications_page_url()}
    return "\n\n".join([title + ".", see, *more])


def notifications_page_url() -> str:
    """The full address of the notifications page, for emails."""
    return settings.TOANDAN_SITE_URL.rstrip("/") + reverse("notifications:list")


def notification_mark_read(
    *, user: AbstractBaseUser | AnonymousUser, ids: Iterable[int] | None = None
) -> int:
    """Mark the user's own notifications read (all unread ones when `ids` is None); ids of
    other users' notifications are ignored. Returns how many changed."""
    if not user.is_authenticated or user.pk is None:
        return 0
    queryset = Notification.objects.filter(user_id=int(user.pk), read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(id__in=list(ids))
    with transaction.atomic():
        return queryset.update(read_at=timezone.now())
