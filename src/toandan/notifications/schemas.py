from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from toandan.core.pagination import DatabaseId


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
    ids: list[DatabaseId] | None = Field(None, max_length=1000)


class MarkReadOut(Schema):
    marked: int
    unread: int
