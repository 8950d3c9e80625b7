from __future__ import annotations

import datetime as dt

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkReadIn(Schema):
    # None: every unread notification of the caller.
    ids: list[int] | None = None


class MarkReadOut(Schema):
    marked: int
    unread: int
