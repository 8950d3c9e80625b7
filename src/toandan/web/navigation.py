"""Role-aware navigation: which pages this user may be sent to.

A link is shown only when this user may open its page. For our own pages that question is
answered by the access policy the view declares (`toandan.core.access`), so the menu and the
view can never disagree; the Django admin and the API docs, which are not our views, have their
own rules below. Role look-ups are cached on the user by `toandan.accounts.selectors`, so the
whole menu costs one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from toandan.accounts.access import ACCOUNT_OWNER_POLICY
from toandan.accounts.selectors import user_has_any_role
from toandan.core.access import get_policy
from toandan.notifications.selectors import MENU_LABEL as NOTIFICATIONS_LABEL
from toandan.notifications.selectors import menu_label as notifications_menu_label


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def may_open(request: HttpRequest, url: str) -> bool:
    """True if the view at `url` declares a policy that lets this user in. Deny by default:
    a view without a policy is never linked."""
    policy = get_policy(resolve(url).func)
    if policy is None:
        return False
    if policy.public:
        return True
    if not request.user.is_authenticated:
        return False
    if policy is ACCOUNT_OWNER_POLICY:
        return True  # a user's own pages need a login, not a role
    return user_has_any_role(request.user, policy.roles)


def _everyone(request: HttpRequest, url: str) -> bool:
    return True


def _anonymous(request: HttpRequest, url: str) -> bool:
    return not request.user.is_authenticated


def _staff(request: HttpRequest, url: str) -> bool:
    return bool(request.user.is_authenticated)


def _staff_page(request: HttpRequest, url: str) -> bool:
    # Staff pages only: a public page (the place picker) is offered to citizens on the home
    # page, not in their menu, which stays "home, log in".
    return _staff(request, url) and may_open(request, url)


def _admin_site(request: HttpRequest, url: str) -> bool:
    # The admin's own gate (an active user with the staff flag, which system administrators
    # have): a link to an admin that would refuse the user is not shown.
    return admin.site.has_permission(request)


# (url name, label, who sees it), in menu order. The "menu" context keeps these labels apart
# from the same English words in Django's own catalogues, which would otherwise win.
_ENTRIES: tuple[tuple[str, Promise, Callable[[HttpRequest, str], bool]], ...] = (
    ("web:home", pgettext_lazy("menu", "Home"), _everyone),
    ("tips:new", pgettext_lazy("menu", "Send a tip"), _everyone),
    ("tips:followup", pgettext_lazy("menu", "Follow a tip"), _everyone),
    ("tips:inbox", pgettext_lazy("menu", "Tips inbox"), _staff_page),
    ("tips:dashboard", pgettext_lazy("menu", "Unit dashboard"), _staff_page),
    ("tips:reveals", pgettext_lazy("menu", "Identity reveals"), _staff_page),
    ("tips:staff_new", pgettext_lazy("menu", "Enter a tip"), _staff_page),
    ("antifraud:staff_queue", pgettext_lazy("menu", "Fraud indicators"), _staff_page),
    ("initiatives:list", pgettext_lazy("menu", "Community models"), _staff_page),
    ("awards:work", pgettext_lazy("menu", "Commendation"), _staff_page),
    ("orgs:list", pgettext_lazy("menu", "Organisation units"), _staff_page),
    ("geo:picker", pgettext_lazy("menu", "Place picker"), _staff_page),
    ("notifications:list", NOTIFICATIONS_LABEL, _staff_page),
    ("stats:index", pgettext_lazy("menu", "Statistics"), _staff_page),
    ("accounts:me", pgettext_lazy("menu", "My account"), _staff_page),
    ("api:openapi-view", pgettext_lazy("menu", "API documentation"), _staff),
    ("admin:index", pgettext_lazy("menu", "Administration"), _admin_site),
    ("accounts:login", pgettext_lazy("menu", "Log in"), _anonymous),
)


# The staff's pages by task, so that the menu fits on two rows instead of 12-13 links. A
# group with one link shows as that link; pages not listed here stay at the top level.
_TIPS = pgettext_lazy("menu", "Tips")
_STATISTICS = pgettext_lazy("menu", "Statistics")
_MOVEMENT = pgettext_lazy("menu", "Movement")
_SETTINGS = pgettext_lazy("menu", "Settings")
_GROUP_ORDER = (_TIPS, _STATISTICS, _MOVEMENT, _SETTINGS)
_GROUP_OF: dict[str, Promise] = {
    "tips:inbox": _TIPS,
    "tips:dashboard": _TIPS,
    "tips:reveals": _TIPS,
    "tips:staff_new": _TIPS,
    "antifraud:staff_queue": _TIPS,
    "initiatives:list": _MOVEMENT,
    "awards:work": _MOVEMENT,
    "notifications:list": _TIPS,
    "stats:index": _STATISTICS,
    "orgs:list": _MOVEMENT,
    "geo:picker": _MOVEMENT,
    "accounts:me": _SETTINGS,
    "api:openapi-view": _SETTINGS,
    "admin:index": _SETTINGS,
}


@dataclass(frozen=True)
class MenuItem:
    """One entry of the header's menu: a link, or a group of links (`links` not empty)."""

    label: str
    url: str = ""
    current: bool = False
    links: tuple[NavLink, ...] = ()


def nav_menu(nav: list[NavLink]) -> list[MenuItem]:
    """The header's menu made of `nav_links`: the pages everyone has, then the staff's
    groups in task order (tips, statistics, movement, settings)."""
    items: list[MenuItem] = []
    groups: dict[str, list[NavLink]] = {str(group): [] for group in _GROUP_ORDER}
    links = {link.url: link for link in nav}
    for name, _label, _shown_to in _ENTRIES:
        link = links.get(reverse(name))
        if link is None:
            continue
        group = _GROUP_OF.get(name)
        if group is None:
            items.append(MenuItem(label=link.label, url=link.url, current=link.current))
        else:
            groups[str(group)].append(link)
    for label, members in groups.items():
        if len(members) == 1:
            only = members[0]
            items.append(MenuItem(label=label, url=only.url, current=only.current))
        elif members:
            current = any(link.current for link in members)
            items.append(MenuItem(label=label, current=current, links=tuple(members)))
    return items


def _is_current(request: HttpRequest, url: str) -> bool:
    if url == "/":
        return request.path == "/"
    return request.path.startswith(url)


def nav_links(request: HttpRequest) -> list[NavLink]:
    """The menu for this request, in order."""
    links = []
    for name, label, shown_to in _ENTRIES:
        url = reverse(name)
        if shown_to(request, url):
            # The notifications entry carries the unread count: "Thông báo (3)".
            text = notifications_menu_label(request.user) if label is NOTIFICATIONS_LABEL else label
            links.append(NavLink(label=str(text), url=url, current=_is_current(request, url)))
    return links


def url_if_allowed(request: HttpRequest, name: str) -> str | None:
    """The URL of the page named `name` if this user (anonymous included) may open it."""
    url = reverse(name)
    return url if may_open(request, url) else None
