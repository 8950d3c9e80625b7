"""Every identifier in a pasted message: links, social accounts, bank accounts, e-wallets,
phone numbers (in the order they appear, each once).

Numbers are the hard part: the same ten digits can be a phone or an account. A run of digit
groups is read as a bank account when an account word ("STK", "số tài khoản") or a bank name
is near it and no phone word ("gọi", "hotline", "Zalo") comes just before it; as an e-wallet
when a wallet's name comes just before; otherwise as a phone when it normalises to one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from toandan.core.text import strip_accents
from toandan.identifiers import Identifier, Kind, plain_text
from toandan.identifiers.banks import bank_find, bank_name_pattern, normalise_bank_account
from toandan.identifiers.links import normalise_url, simple_host
from toandan.identifiers.phones import normalise_phone
from toandan.identifiers.social import (
    FACEBOOK_HOSTS,
    TELEGRAM_HOSTS,
    TIKTOK_HOSTS,
    ZALO_HOSTS,
    normalise_social,
    telegram_handle,
)

MAX_TEXT = 20_000

TLDS = (
    "com|net|org|vn|info|xyz|top|online|site|club|shop|app|me|io|cc|co|biz|asia|live|store|vip|"
    "link|click|pro|tk|ml|ga|cf|gq|example|invalid|test|ru|cn|win|bet|fun|icu|buzz|cyou|sbs|"
    "today|cloud|space|website|tech|work|xin|gov|edu|ly|gl|to|ws"
)
_URL = re.compile(r"(?:https?://|tg://)[^\s<>\"'“”]+", re.IGNORECASE)
_BARE = re.compile(
    rf"(?<![@\w.\-/])((?:[\w\-]+\.)+(?:{TLDS}))(?![\w\-])(?:[/?][^\s<>\"'“”]*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z][A-Za-z0-9_]{4,31})\b")
_GROUP = re.compile(r"\+?\d+")
_JOIN = re.compile(r"[ .\-]|\s?\(0\)\s?|\)\s?|\s?\(")
_NOT_DIGIT = re.compile(r"\D")
_TRAILING = ".,;:!?)]}»…'\""
# Accent-folded, lower-cased words, matched on the folded text.
_ACCOUNT_WORDS = re.compile(
    r"(stk|so tai khoan|tai khoan|so tk|\btk\b|account|chuyen khoan|ck\b|nhan tien|chu tk)"
)
_PHONE_WORDS = re.compile(
    r"(goi|sdt|so dien thoai|dien thoai|hotline|zalo|so may|lien he|lh|nhan tin|sms|tel|call|"
    r"dt|whatsapp|viber)(\W+\w{1,4})?\W*$"
)
_WALLETS = {
    "momo": "momo",
    "zalopay": "zalopay",
    "zalo pay": "zalopay",
    "viettelpay": "viettelmoney",
    "viettel pay": "viettelmoney",
    "viettel money": "viettelmoney",
    "shopeepay": "shopeepay",
    "vnpay": "vnpay",
}
_WALLET_WORDS = re.compile(r"(" + "|".join(re.escape(k) for k in _WALLETS) + r")[^\d]{0,20}$")


@dataclass(frozen=True)
class Found:
    start: int
    identifier: Identifier


@functools.cache
def _bank_names() -> re.Pattern[str]:
    # Run on the folded, lower-cased text only (`_nearest_bank`): no IGNORECASE. The dotless
    # "ı" survives both, and IGNORECASE took it for "i" and for a letter: so here too.
    names = bank_name_pattern().replace("i", "[iı]")
    return re.compile(rf"(?<![a-z0-9ı])({names})(?![a-z0-9ı])")


def _strip_trailing(text: str) -> str:
    while text and text[-1] in _TRAILING:
        text = text[:-1]
    return text


_NETWORK_HOSTS = FACEBOOK_HOSTS | TELEGRAM_HOSTS | ZALO_HOSTS | TIKTOK_HOSTS


def _link(text: str) -> Identifier | None:
    host = simple_host(text)
    # A bare host is an account only as "<name>.t.me", and a network's own host without a
    # path is none: anything else goes straight to the URL (`_link_general` gives the same).
    if host is not None and not host.endswith(".t.me") and host not in _NETWORK_HOSTS:
        return normalise_url(text)
    return _link_general(text)


def _link_general(text: str) -> Identifier | None:
    social = normalise_social(text)
    if social is not None:
        return social
    host = re.sub(r"^[a-z]+://", "", text.lower()).split("/", 1)[0]
    if host in _NETWORK_HOSTS:
        return None  # a share link or a page of the network itself, not an account
    return normalise_url(text)


def _links(text: str, taken: list[tuple[int, int]]) -> list[Found]:
    found: list[Found] = []
    for pattern in (_URL, _BARE):
        for match in pattern.finditer(text):
            start = match.start()
            if any(s <= start < e for s, e in taken):
                continue
            raw = _strip_trailing(match.group(0))
            identifier = _link(raw)
            taken.append((start, start + len(raw)))
            if identifier is not None:
                found.append(Found(start, identifier))
    return found


def _handles(text: str, folded: str, taken: list[tuple[int, int]]) -> list[Found]:
    found = []
    for match in _HANDLE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        before = folded[max(0, match.start() - 25) : match.start()]
        name = match.group(1)
        if "tiktok" in before:
            identifier: Identifier | None = Identifier(
                Kind.SOCIAL, f"tiktok:@{name.lower()}", f"TikTok @{name.lower()}"
            )
        else:
            identifier = telegram_handle(name)
        if identifier is not None:
            found.append(Found(match.start(), identifier))
            taken.append(match.span())
    return found


def _chains(text: str, taken: list[tuple[int, int]]) -> list[list[re.Match[str]]]:
    chains: list[list[re.Match[str]]] = []
    for match in _GROUP.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        if match.start() > 0 and (
            text[match.start() - 1].isalpha() or text[match.start() - 1] == "/"
        ):
            continue  # part of a word or a path ("A1", "ref/123")
        if chains:
            last = chains[-1][-1]
            gap = text[last.end() : match.start()]
            if _JOIN.fullmatch(gap) and not match.group(0).startswith("+"):
                chains[-1].append(match)
                continue
        chains.append([match])
    return chains


def _nearest_bank(text: str, start: int, end: int) -> str | None:
    window_start = max(0, start - 60)
    best: tuple[int, str] | None = None
    for match in _bank_names().finditer(text, window_start, min(len(text), end + 45)):
        distance = start - match.end() if match.end() <= start else match.start() - end
        if distance < 0:
            continue
        if best is None or distance < best[0]:
            best = (distance, match.group(1))
    return best[1] if best else None


def _number(text: str, folded: str, start: int, end: int) -> Identifier | None:
    raw = text[start:end]
    digits = _NOT_DIGIT.sub("", raw)
    before = folded[max(0, start - 30) : start]
    phone = normalise_phone(raw) if 3 < len(digits) <= 13 else None
    if phone is not None and not phone.value.startswith("+"):
        return phone  # a service number (1900…, 1800…)
    wallet = _WALLET_WORDS.search(before)
    if wallet is not None and phone is not None:
        name = _WALLETS[wallet.group(1)]
        return Identifier(
            Kind.EWALLET, f"{name}:{phone.value}", f"{wallet.group(1)} {phone.display}"
        )
    phone_word = _PHONE_WORDS.search(before[-22:])
    if phone_word is None and 6 <= len(digits) <= 19 and not raw.startswith("+"):
        account_word = _ACCOUNT_WORDS.search(folded[max(0, start - 40) : start])
        bank = _nearest_bank(folded, start, end)
        if bank is not None and (
            account_word is not None or phone is None or _bank_adjacent(folded, start, end, bank)
        ):
            account = normalise_bank_account(bank, digits)
            if account is not None:
                return account
    if phone is not None and 9 <= len(digits) <= 13:
        return phone
    return None


def _bank_adjacent(text: str, start: int, end: int, bank: str) -> bool:
    near = text[max(0, start - 25) : min(len(text), end + 25)]
    return bank_find(bank) is not None and bank.lower() in near.lower()


def _numbers(text: str, folded: str, taken: list[tuple[int, int]]) -> list[Found]:
    found = []
    for chain in _chains(text, taken):
        i = 0
        while i < len(chain):
            matched = False
            for j in range(len(chain), i, -1):
                start, end = chain[i].start(), chain[j - 1].end()
                digits = sum(len(_NOT_DIGIT.sub("", m.group(0))) for m in chain[i:j])
                if digits > 19 or digits < 6:
                    continue
                identifier = _number(text, folded, start, end)
                if identifier is not None:
                    found.append(Found(start, identifier))
                    i = j
                    matched = True
                    break
            if not matched:
                i += 1
    return found


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character without its accents, still one character (a message repeats few)."""
    return (strip_accents(ch) or ch)[:1]


def extract(text: str) -> list[Identifier]:
    """Every identifier in `text`, in order of appearance, each once."""
    text = plain_text((text or "")[:MAX_TEXT])
    # Folding keeps positions: one character in, one out (đ -> d; marks are dropped per char).
    folded = "".join(map(_fold_char, text)).lower()
    taken: list[tuple[int, int]] = []
    found = _links(text, taken)
    found += _handles(text, folded, taken)
    found += _numbers(text, folded, taken)
    found.sort(key=lambda f: f.start)
    seen: set[tuple[str, str]] = set()
    result = []
    for item in found:
        if item.identifier.key not in seen:
            seen.add(item.identifier.key)
            result.append(item.identifier)
    return result


def identify(text: str) -> list[Identifier]:
    """What one search box holds: a single identifier typed alone ("Vietcombank 0011…",
    "0912 345 678", "t.me/name", "bit.ly/x") or a message to extract from."""
    one = plain_text(text or "").strip()
    if not one:
        return []
    if "\n" not in one and len(one) <= 200:
        phone = normalise_phone(one)
        if phone is not None:
            return [phone]
    return extract(one)
