"""Bounds on the numbers a list API takes: page, offset and ids.

Python integers have no size, SQL integers do (64 bits in SQLite and PostgreSQL's bigint): an
offset of 2**63 or a page whose offset overflows made the database driver raise, and the client
got a 500. These bounds turn such input into a 422 that names the parameter and the limit. They
are far beyond any real list (the geography has about 14,000 units; a page of 500 items times
MAX_PAGE is still far inside 64 bits).
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_OFFSET = 1_000_000
MAX_PAGE = 10_000
# The largest id a BigAutoField holds.
MAX_ID = 2**63 - 1

DatabaseId = Annotated[int, Field(ge=1, le=MAX_ID)]


class BoundedPageNumberPagination(PageNumberPagination):
    """ninja's page-number pagination with `page` bounded by MAX_PAGE."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page number, at most {MAX_PAGE}.")
        page_size: int | None = Field(None, ge=1)
