"""The JSON API of initiatives, under /api/v1/community-models/."""

from ninja import Router

router = Router(tags=["initiatives"])
