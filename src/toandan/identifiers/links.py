"""Links and domains: Safe-Browsing-style canonical URLs, registrable domains from a bundled
public-suffix list, and look-alikes of protected brands.

Canonicalisation follows Google Safe Browsing v4 ("URLs and hashing"): strip tab/CR/LF and the
fragment, percent-unescape repeatedly, lower-case the host, drop leading/trailing dots and
collapse repeated ones, read decimal/hex/octal IPv4 forms, IDN to punycode, always a path.
The registrable domain comes from `publicsuffixlist`'s shipped list (private suffixes such as
``github.io`` included, so one user's site never lists the whole host); nothing is fetched.

The look-alike skeleton folds accents (``vietcombạnk`` is single-script Latin and passes any
mixed-script check), maps the common confusables to Latin, drops separators and compares with
the protected brands of `data/protected_brands.json`.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from urllib.parse import quote, unquote, urlsplit

from publicsuffixlist import PublicSuffixList

from toandan.core.text import strip_accents
from toandan.identifiers import Identifier, Kind

# Cyrillic and Greek letters that look like Latin ones, and digits used as letters.
CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ɡ": "g", "ⅼ": "l", "ɩ": "i", "ο": "o",
        "α": "a", "ν": "v", "τ": "t", "κ": "k", "ι": "i", "ρ": "p", "ѵ": "v", "ԝ": "w",
        "0": "o", "1": "l", "3": "e", "5": "s", "@": "a",
    }
)  # fmt: skip


@functools.cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList(only_icann=False)


@dataclass(frozen=True)
class Brand:
    name: str
    domains: tuple[str, ...]
    skeleton: str


@functools.cache
def protected_brands() -> tuple[Brand, ...]:
    raw = json.loads(
        resources.files("toandan.identifiers")
        .joinpath("data/protected_brands.json")
        .read_text("utf-8")
    )
    result = []
    for row in raw["brands"]:
        domains = tuple(row["domains"])
        first_label = domains[0].split(".")[0]
        result.append(Brand(row["name"], domains, skeleton(first_label)))
    return tuple(result)


def skeleton(text: str) -> str:
    """``vietcombạnk`` -> ``vietcombank``, ``vіetcоmbank`` (Cyrillic) -> ``vietcombank``."""
    folded = strip_accents(unicodedata.normalize("NFKC", text)).lower()
    folded = folded.translate(CONFUSABLES)
    folded = folded.replace("rn", "m").replace("vv", "w")
    return re.sub(r"[^a-z]", "", folded)


def _host_to_ascii(host: str) -> str | None:
    labels = []
    for label in host.split("."):
        if not label:
            continue
        try:
            labels.append(label.encode("idna").decode("ascii") if not label.isascii() else label)
        except UnicodeError:
            return None
    return ".".join(labels)


def _ipv4(host: str) -> str | None:
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    if parts[-1].isascii() and parts[-1].isalpha():
        return None  # a name's last label ("com"): int() below would refuse it too, slower
    try:
        values = [int(p, 0) if not re.fullmatch(r"0\d+", p) else int(p, 8) for p in parts]
    except ValueError:
        return None
    number = 0
    for value in values[:-1]:
        if value > 255:
            return None
        number = number * 256 + value
    last_width = 4 - len(values) + 1
    if values[-1] >= 256**last_width:
        return None
    number = number * 256**last_width + values[-1]
    return str(ipaddress.IPv4Address(number))


def _unescape(text: str) -> str:
    for _ in range(8):
        unescaped = unquote(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _escape(text: str) -> str:
    return quote(text, safe="!\"$&'()*+,-./:;=?@[\\]^_`{|}~")


def canonical_url(text: str) -> str | None:  # noqa: PLR0911 - one exit per refusal
    """The Safe Browsing canonical form of a URL or bare domain; None if it has no host."""
    raw = re.sub(r"[\t\r\n]", "", text.strip())
    raw = raw.split("#", 1)[0]
    if not raw:
        return None
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", raw):
        raw = "http://" + raw
    try:
        parts = urlsplit(_unescape(raw))
        port_number = parts.port  # raises on "…:99999" and "…:abc"
    except ValueError:  # also "http://[host" (an unclosed IPv6 bracket)
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").strip(".")
    host = re.sub(r"\.{2,}", ".", host).lower()
    if not host:
        return None
    host = _ipv4(host) or _host_to_ascii(host) or ""
    if not host or not re.fullmatch(r"[a-z0-9.\-]+", host):
        return None
    if "." not in host:
        return None
    port = f":{port_number}" if port_number and port_number not in (80, 443) else ""
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    path = "/".join(segments) or "/"
    if not path.startswith("/"):
        path = "/" + path
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{host}{port}{_escape(path)}{_escape(query)}"


# What a victim's own link carries about them: an e-mail address, a phone number (8 digits or
# more, separators aside), a per-victim token (16+ letters and digits, both mixed in).
REDACTED = "[redacted]"
_EMAIL_IN = re.compile(r"[^/@\s]+@[^/@\s]+\.[a-z]{2,}", re.IGNORECASE)
_DIGIT_RUN = re.compile(r"\d{8,}")
_TOKEN = re.compile(r"[A-Za-z0-9_\-=.~]{16,}")


def _victim_data_in(segment: str) -> bool:
    text = unquote(segment)
    if _EMAIL_IN.search(text) or _DIGIT_RUN.search(re.sub(r"[\s.\-+()]", "", text)):
        return True
    if _TOKEN.fullmatch(text):
        digits = sum(ch.isdigit() for ch in text)
        letters = sum(ch.isalpha() for ch in text)
        return digits >= 4 and letters >= 4 and "-" not in text.strip("-")
    return False


def redact_url(url: str) -> str:
    """A canonical URL (`canonical_url`) without what its victim's copy carries about them:
    query values dropped (the names stay: they tell the phishing kit), path segments holding
    an e-mail address, a phone number or a per-victim token replaced by `[redacted]`. The
    fragment is already gone. Two victims' links to one kit give one value."""
    parts = urlsplit(url)
    segments = [REDACTED if _victim_data_in(seg) else seg for seg in parts.path.split("/")]
    path = "/".join(segments)
    names = [pair.partition("=")[0] for pair in parts.query.split("&") if pair]
    query = "?" + "&".join(f"{name}=" for name in names) if names else ""
    return f"{parts.scheme}://{parts.netloc}{path}{query}"


def redacted(identifier: Identifier) -> Identifier:
    """The identifier as an indicator may keep it: a link redacted (`redact_url`), anything
    else as it is."""
    if identifier.kind != Kind.URL:
        return identifier
    url = redact_url(identifier.value)
    if url == identifier.value:
        return identifier
    return Identifier(Kind.URL, url, _display_url(url), identifier.lookalike_of)


# Pure functions of a host over shipped data (the public-suffix list, the protected brands): a
# check asks each twice for one link, and scam campaigns repeat hosts across many messages.
HOSTS_REMEMBERED = 4096


@functools.lru_cache(maxsize=HOSTS_REMEMBERED)
def registrable_domain(host: str) -> str | None:
    """``a.b.vietcombank.com.vn`` -> ``vietcombank.com.vn``; ``x.github.io`` stays itself."""
    if _ipv4(host):
        return host
    return _psl().privatesuffix(host.lower()) or None


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


@functools.lru_cache(maxsize=HOSTS_REMEMBERED)
def lookalike_of(host: str) -> str:
    """The protected brand this host imitates ("" if none or if it is the brand's own)."""
    domain = registrable_domain(host) or host
    own_domains, any_skeleton = _brand_index()
    labels = domain.split(".")
    if any(".".join(labels[i:]) in own_domains for i in range(len(labels))):
        return ""
    # Each label's skeleton once, not once per brand (40 brands: most of a check's CPU).
    shapes = [skeleton(label) for label in _to_unicode(host).split(".")]
    if not any(any_skeleton.search(shape) for shape in shapes):
        return ""  # no brand's skeleton in any label: the loop below would find none
    for brand in protected_brands():
        for shape in shapes:
            if len(brand.skeleton) >= 3 and brand.skeleton in shape:
                return brand.name
    return ""


@functools.cache
def _brand_index() -> tuple[frozenset[str], re.Pattern[str]]:
    """The brands' own domains, and one pattern that finds any brand skeleton (of 3 letters or
    more) in a label: most hosts match none, and one search tells."""
    brands = protected_brands()
    own = frozenset(domain for brand in brands for domain in brand.domains)
    shapes = sorted({b.skeleton for b in brands if len(b.skeleton) >= 3}, key=len, reverse=True)
    return own, re.compile("|".join(re.escape(shape) for shape in shapes) or "(?!)")


def _to_unicode(host: str) -> str:
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                labels.append(label.encode("ascii").decode("idna"))
            except UnicodeError:
                labels.append(label)
        else:
            labels.append(label)
    return ".".join(labels)


# What an indicator's value holds (`antifraud.models.Indicator.value`).
VALUE_MAX = 500


# A host as messages write it bare ("hotro123.example"): ASCII letters, digits and hyphens in
# dot-separated labels, the last one letters only (so never an IPv4 address in any notation),
# no scheme, port, path or escapes. Its canonical URL is "http://<host lower-cased>/".
SIMPLE_HOST = re.compile(r"(?:[A-Za-z0-9\-]+\.)+[A-Za-z]+")
SIMPLE_HOST_MAX = 253


def simple_host(text: str) -> str | None:
    """`text` lower-cased when it is a bare host (`SIMPLE_HOST`), else None."""
    if len(text) <= SIMPLE_HOST_MAX and SIMPLE_HOST.fullmatch(text):
        return text.lower()
    return None


def normalise_url(text: str) -> Identifier | None:
    """The canonical URL; its registrable domain when the URL is too long to store."""
    host = simple_host(text)
    if host is None:
        return normalise_url_general(text)
    # What the general path gives for a bare host, without its three URL parses (most of a
    # pasted message's cost; `test_a_bare_host_normalises_as_the_general_path_does`).
    if registrable_domain(host) is None:
        return None
    return Identifier(Kind.URL, f"http://{host}/", _to_unicode(host), lookalike_of(host))


def normalise_url_general(text: str) -> Identifier | None:
    """`normalise_url` for any text."""
    url = canonical_url(text)
    if url is None:
        return None
    if len(url) > VALUE_MAX:
        return normalise_domain(url)
    host = host_of(url)
    if registrable_domain(host) is None:
        return None
    return Identifier(Kind.URL, url, _display_url(url), lookalike_of(host))


def normalise_domain(text: str) -> Identifier | None:
    url = canonical_url(text)
    if url is None:
        return None
    host = host_of(url)
    domain = registrable_domain(host)
    if domain is None:
        return None
    return Identifier(Kind.DOMAIN, domain, _to_unicode(domain), lookalike_of(host))


def _display_url(url: str) -> str:
    parts = urlsplit(url)
    host = _to_unicode(parts.hostname or "")
    rest = url.split(parts.netloc, 1)[1]
    return host + ("" if rest == "/" else rest)
