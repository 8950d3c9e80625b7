"""The organisation tree as staff see it: the units in their jurisdiction (pages at /orgs/
and the API at /api/v1/orgs/) and the branches a commune Women's Union creates.

This lives in accounts, not in orgs: orgs is the tree (units, their history, their sync with
the geography) and sits below accounts, whose role assignments point at units. Showing "the
units in my jurisdiction" or deciding who may add a branch needs those role assignments, so
it sits above both. The templates keep their names (`orgs/...`) and the URL namespace `orgs`.
"""
