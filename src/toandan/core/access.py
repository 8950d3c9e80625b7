"""Access policies for views: every route declares one, and a test walks the URLconf to prove it.

Deny by default: a view without a declared policy fails `test_every_route_declares_a_policy`.
Policies are attributes on the view function, so the walker can read them without calling it.

core sits below accounts, which knows who holds which role: accounts registers that check
(`role_check_register`, in AccountsConfig.ready). Until one is registered every
`staff_required` view refuses with an error rather than letting anyone in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessPolicy:
    """What a route requires. `public` routes need nothing; others need a logged-in staff user
    holding at least one of `roles` (any role when empty)."""

    public: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    description: str = ""


POLICY_ATTR = "access_policy"

# (user, roles) -> whether the user holds one of `roles` (any active role when empty).
RoleCheck = Callable[[Any, frozenset[str]], bool]
_ROLE_CHECK: dict[str, RoleCheck] = {}


def role_check_register(check: RoleCheck) -> None:
    """Install the check `staff_required` asks (accounts' `user_has_any_role`)."""
    _ROLE_CHECK["check"] = check


def user_has_any_role(user: Any, roles: frozenset[str]) -> bool:
    check = _ROLE_CHECK.get("check")
    if check is None:
        msg = "no role check is registered: toandan.accounts registers it when it is ready"
        raise ImproperlyConfigured(msg)
    return check(user, roles)


def get_policy(view: Callable[..., Any]) -> AccessPolicy | None:
    policy = getattr(view, POLICY_ATTR, None)
    if policy is None:
        # Class-based views: as_view() keeps the class on view_class.
        view_class = getattr(view, "view_class", None)
        policy = getattr(view_class, POLICY_ATTR, None)
    return policy if isinstance(policy, AccessPolicy) else None


def public(view: ViewFunc, *, description: str = "open to everyone") -> ViewFunc:
    """Mark a view as open to anonymous citizens."""
    setattr(view, POLICY_ATTR, AccessPolicy(public=True, description=description))
    return view


def staff_required(
    roles: Iterable[str] = (), *, description: str = ""
) -> Callable[[ViewFunc], ViewFunc]:
    """Require a logged-in user holding one of `roles` (any active role when empty)."""
    role_set = frozenset(roles)

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_any_role(request.user, role_set):
                raise PermissionDenied
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]

        setattr(
            wrapped,
            POLICY_ATTR,
            AccessPolicy(roles=role_set, description=description or "staff with a role"),
        )
        return wrapped  # type: ignore[return-value]

    return decorator
