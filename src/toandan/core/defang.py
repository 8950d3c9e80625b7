"""Links in what citizens write, made harmless for the officer who reads it.

A tip about a fraud usually quotes the fraudster's link, and so may any text a citizen sends to
any domain. Shown as written, a click (or a mail client or chat app that turns text into links)
takes the officer to a phishing page from a police workstation. Defanged the usual way of
incident responders, the link can still be read, copied and checked, but not followed:
`https://evil.example.com/x` becomes `hxxps://evil[.]example[.]com/x`, and `zalo.me/abc`
becomes `zalo[.]me/abc`.

The result is plain text: templates escape it as any other text.
"""

from __future__ import annotations

import re

# Hosts after a scheme are defanged whatever their ending; bare names only when they end in
# one of these, so "TP.HCM" or "Q.1" in Vietnamese addresses stay as written.
_TLDS = (
    "com|net|org|info|biz|vn|me|io|co|cc|tk|ml|ga|cf|gq|xyz|top|site|online|shop|store|club|"
    "app|link|live|asia|pro|vip|fun|icu|cn|ru|us|uk|tv|ly|gl|gd|ws|to|la|kh|th|sg|my|id|ph|"
    "jp|kr|hk|tw|in|de|fr|eu|au|ca|cloud|tech|win|bet|casino|loan|money|finance|bank|work|"
    "website|space|today|news|click|zip|mov|page|dev|xn--[a-z0-9-]+"
)
_URL = re.compile(r"(?i)\b(https?|ftp|hxxps?)(://)([^\s/?#<>\"']+)")
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_BARE_DOMAIN = re.compile(rf"(?i)(?<![\w.\[])((?:{_LABEL}\.)+(?:{_TLDS}))(?![\w-])")
_IPV4 = re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w.])")
_BARE_DOT = re.compile(r"(?<!\[)\.(?!\])")
_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp", "hxxp": "hxxp", "hxxps": "hxxps"}


def _defang_url(match: re.Match[str]) -> str:
    scheme = _SCHEMES[match.group(1).lower()]
    host = _BARE_DOT.sub("[.]", match.group(3))
    return f"{scheme}{match.group(2)}{host}"


def defang(text: str) -> str:
    """The text with every link, domain name and IPv4 address made unclickable."""
    if not text:
        return text
    text = _URL.sub(_defang_url, text)
    text = _BARE_DOMAIN.sub(lambda m: m.group(1).replace(".", "[.]"), text)
    return _IPV4.sub(lambda m: "[.]".join(m.groups()), text)
