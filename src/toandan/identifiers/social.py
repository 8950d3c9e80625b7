"""Social accounts to a canonical handle or id: Facebook, Zalo, Telegram, TikTok.

- Facebook: ``facebook.com``/``fb.com``/``m.``/``mbasic.``/``web.``; numeric ``profile.php?id=N``
  and ``/people/<name>/N`` -> ``facebook:id=N``; vanity names lower-cased, dots ignored
  (Facebook ignores them) -> ``facebook:<name>``.
- Zalo: a personal link ``zalo.me/<phone>`` is the phone number (kind ``phone``); a group
  ``zalo.me/g/<code>`` -> ``zalo:g/<code>``; an official account ``zalo.me/<id>`` -> ``zalo:<id>``.
- Telegram: ``t.me``, ``telegram.me``, ``telegram.dog``, ``<name>.t.me``, ``tg://resolve?domain=``
  and ``@name``; usernames 5–32 of ``[A-Za-z0-9_]``, case-insensitive -> ``telegram:<name>``;
  reserved paths (joinchat, +invite, addstickers, proxy, share…) are not accounts.
- TikTok: ``tiktok.com/@name`` -> ``tiktok:@name`` (lower-cased).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from toandan.identifiers import Identifier, Kind
from toandan.identifiers.phones import normalise_phone

FACEBOOK_HOSTS = frozenset(
    {"facebook.com", "www.facebook.com", "m.facebook.com", "mbasic.facebook.com",
     "web.facebook.com", "fb.com", "www.fb.com", "fb.me", "business.facebook.com"}
)  # fmt: skip
FACEBOOK_RESERVED = frozenset(
    {"groups", "pages", "events", "watch", "share", "sharer", "sharer.php", "login",
     "login.php", "photo", "photo.php", "story.php", "permalink.php", "marketplace",
     "gaming", "help", "policies", "reel", "hashtag", "search", "home.php", "dialog"}
)  # fmt: skip
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog", "www.t.me"})
TELEGRAM_RESERVED = frozenset(
    {"joinchat", "addstickers", "addemoji", "addtheme", "proxy", "socks", "share", "setlanguage",
     "login", "confirmphone", "invoice", "addlist", "boost", "iv", "c", "s"}
)  # fmt: skip
TELEGRAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
ZALO_HOSTS = frozenset({"zalo.me", "www.zalo.me", "chat.zalo.me"})
TIKTOK_HOSTS = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com", "vm.tiktok.com"})


def _split(text: str) -> tuple[str, list[str], dict[str, list[str]]] | None:
    raw = text.strip()
    try:
        return _split_url(raw)
    except ValueError:  # "https://[host" (an unclosed IPv6 bracket): not an account link
        return None


def _split_url(raw: str) -> tuple[str, list[str], dict[str, list[str]]] | None:
    if raw.lower().startswith("tg://"):
        query = parse_qs(urlsplit(raw).query)
        name = (query.get("domain") or [""])[0]
        return ("t.me", [name], {}) if name else None
    if not re.match(r"^https?://", raw, re.I):
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    if host.endswith(".t.me") and host.count(".") == 2:
        segments = [host.split(".")[0], *segments]
        host = "t.me"
    return host, segments, parse_qs(parts.query)


def telegram_handle(name: str) -> Identifier | None:
    name = name.lstrip("@")
    if not TELEGRAM_NAME.fullmatch(name) or name.lower() in TELEGRAM_RESERVED:
        return None
    return Identifier(Kind.SOCIAL, f"telegram:{name.lower()}", f"Telegram @{name}")


def normalise_social(text: str) -> Identifier | None:  # noqa: PLR0911 - one exit per network
    """A social-network account link (or ``@name`` for Telegram); None if it is not one."""
    raw = text.strip()
    if raw.startswith("@"):
        return telegram_handle(raw)
    split = _split(raw)
    if split is None:
        return None
    host, segments, query = split
    if host in FACEBOOK_HOSTS:
        return _facebook(segments, query)
    if host in TELEGRAM_HOSTS:
        return telegram_handle(segments[0]) if segments else None
    if host in ZALO_HOSTS:
        return _zalo(segments)
    if host in TIKTOK_HOSTS:
        if segments and segments[0].startswith("@") and len(segments[0]) > 1:
            handle = segments[0].lower()
            return Identifier(Kind.SOCIAL, f"tiktok:{handle}", f"TikTok {handle}")
        return None
    return None


def _facebook(  # noqa: PLR0911 - one exit per link shape
    segments: list[str], query: dict[str, list[str]]
) -> Identifier | None:
    if not segments:
        return None
    first = segments[0].lower()
    if first == "profile.php":
        ident = (query.get("id") or [""])[0]
        if ident.isdigit():
            return Identifier(Kind.SOCIAL, f"facebook:id={ident}", f"Facebook id {ident}")
        return None
    if first == "people" and len(segments) >= 3 and segments[2].isdigit():
        return Identifier(Kind.SOCIAL, f"facebook:id={segments[2]}", f"Facebook id {segments[2]}")
    if first in FACEBOOK_RESERVED:
        return None
    if first.isdigit():
        return Identifier(Kind.SOCIAL, f"facebook:id={first}", f"Facebook id {first}")
    name = first.replace(".", "")
    if not re.fullmatch(r"[a-z0-9]{5,50}", name):
        return None
    return Identifier(Kind.SOCIAL, f"facebook:{name}", f"Facebook {segments[0]}")


def _zalo(segments: list[str]) -> Identifier | None:
    if not segments:
        return None
    if segments[0] == "g" and len(segments) > 1:
        code = segments[1].lower()
        return Identifier(Kind.SOCIAL, f"zalo:g/{code}", f"Zalo nhóm {code}")
    phone = normalise_phone(segments[0]) if re.fullmatch(r"\+?\d{9,12}", segments[0]) else None
    if phone is not None:
        return phone
    ident = segments[0].lower()
    if re.fullmatch(r"[a-z0-9_.]{3,40}", ident):
        return Identifier(Kind.SOCIAL, f"zalo:{ident}", f"Zalo {ident}")
    return None
