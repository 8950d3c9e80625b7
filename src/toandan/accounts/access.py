"""The view policy for a user's own account pages.

`toandan.core.access.staff_required` needs a role; a user's own pages (my account, password,
two-factor enrolment) must work for any logged-in account, including one whose role has not
been assigned yet. Anonymous visitors are sent to the login page, as with `staff_required`.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from toandan.core.access import POLICY_ATTR, AccessPolicy, ViewFunc

ACCOUNT_OWNER_POLICY = AccessPolicy(description="any logged-in account (its own pages)")


def login_required(view: ViewFunc) -> ViewFunc:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    setattr(wrapped, POLICY_ATTR, ACCOUNT_OWNER_POLICY)
    return wrapped  # type: ignore[return-value]
