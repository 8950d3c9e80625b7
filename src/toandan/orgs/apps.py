from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "toandan.orgs"
    label = "orgs"

    def ready(self) -> None:
        from toandan.core.events import subscribe
        from toandan.geo.events import GEOGRAPHY_LOADED
        from toandan.orgs.services import org_units_sync_on_geography_loaded

        # The units of every province and commune follow the geography when it is loaded.
        subscribe(GEOGRAPHY_LOADED, org_units_sync_on_geography_loaded)
