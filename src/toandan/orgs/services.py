from __future__ import annotations


def org_units_sync_with_geography() -> int:
    """Placeholder until the orgs app is built: creates nothing."""
    return 0
