"""The JSON API of antifraud, under /api/v1/fraud/."""

from ninja import Router

router = Router(tags=["antifraud"])
