"""The audit actions of geo: the geography load and regions edited in the admin.

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class GeoAction(StrEnum):
    LOAD = "geo.load"
    REGION_CREATE = "geo.region.create"
    REGION_UPDATE = "geo.region.update"
    REGION_DELETE = "geo.region.delete"


register_actions("geo", GeoAction)
