"""What happens to the geography, as domain events other apps subscribe to
(`toandan.core.events`)."""

from __future__ import annotations

from toandan.core.events import event_define

GEOGRAPHY_LOADED = event_define(
    "geo.loaded",
    "The administrative units were loaded or refreshed (geo_load); apps built on them "
    "(the organisation tree) bring themselves up to date.",
    payload="GeoLoadResult: what the load changed; a subscriber may add what it did "
    "(orgs sets org_units, the number of units it created)",
)
