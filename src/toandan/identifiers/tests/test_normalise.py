"""Each kind of identifier written one way, whatever spelling a victim copies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toandan.identifiers.banks import bank_find, normalise_bank_account
from toandan.identifiers.links import canonical_url, normalise_domain, normalise_url, skeleton
from toandan.identifiers.phones import normalise_phone
from toandan.identifiers.social import normalise_social


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "091 234 5678",
        "+84 912 345 678",
        "84912345678",
        "0084912345678",
        "+840912345678",
        "(+84) 91-234-5678",
        "091.234.5678",
        "+84 (0) 91 234 5678",
    ],
)
def test_spellings_of_one_mobile_are_one_phone(text: str) -> None:
    phone = normalise_phone(text)
    assert phone is not None
    assert phone.value == "+84912345678"


def test_ten_digit_mobiles_skip_phonenumbers_with_the_same_answer() -> None:
    """The fast path for 0[35789]xxxxxxxx gives what `phonenumbers` gives, for every prefix."""
    import random

    from toandan.identifiers.phones import _parsed

    rng = random.Random(17)
    for prefix in range(30, 100):
        if str(prefix)[0] not in "35789":
            continue
        for _ in range(20):
            national = f"0{prefix}{rng.randrange(10**7):07d}"
            assert normalise_phone(national) == _parsed(national), national


def test_digits_too_long_for_a_phone_skip_phonenumbers_with_the_same_answer() -> None:
    """Bank-account-like runs of 12 and 13 digits are no phone; the shortcut agrees with
    `phonenumbers` on them."""
    import random

    from toandan.identifiers.phones import _parsed

    rng = random.Random(29)
    for length in (12, 13):
        for _ in range(200):
            national = "0" + "".join(rng.choice("123456789") for _ in range(length - 1))
            assert normalise_phone(national) is None
            assert _parsed(national) is None, national


def test_a_foreign_number_dialled_with_00_is_not_vietnamese() -> None:
    """As "+46 …" is not a Vietnamese phone, neither is "0046 …" (it was taken as Swedish)."""
    assert normalise_phone("0046 112 459 335") is None
    assert normalise_phone("001 202 555 0100") is None
    assert normalise_phone("0084 912 345 678") is not None


def test_old_eleven_digit_mobiles_map_to_ten_digits() -> None:
    phone = normalise_phone("01695678945")  # Viettel 0169 -> 039
    assert phone is not None
    assert phone.value == "+84395678945"
    phone = normalise_phone("0123 456 7890")  # VinaPhone 0123 -> 083
    assert phone is not None
    assert phone.value == "+84834567890"


def test_short_codes_and_service_numbers_stay_listable() -> None:
    assert normalise_phone("113") is not None
    service = normalise_phone("1900 54 54 13")
    assert service is not None
    assert service.value == "1900545413"


def test_foreign_and_nonsense_numbers_are_not_vietnamese_phones() -> None:
    assert normalise_phone("+1 202 555 0100") is None
    assert normalise_phone("12") is None
    assert normalise_phone("abc") is None


def test_bank_accounts_key_on_the_napas_bin() -> None:
    for bank in ("Vietcombank", "VCB", "vietcombank", "970436"):
        account = normalise_bank_account(bank, "0011 0045 67890")
        assert account is not None
        assert account.value == "970436:0011004567890"
    renamed = bank_find("LienVietPostBank")
    assert renamed is not None
    assert renamed.short_name == "LPBank"
    assert normalise_bank_account("Ngân hàng không có", "0011004567890") is None
    assert normalise_bank_account("VCB", "12") is None


def test_url_canonicalisation_follows_safe_browsing() -> None:
    assert canonical_url("HTTP://WWW.Example.COM/a/../b/./c#frag") == "http://www.example.com/b/c"
    assert canonical_url("http://3279880203/") == "http://195.127.0.11/"
    assert canonical_url("example.invalid") == "http://example.invalid/"
    assert canonical_url("http://%77%77%77.example.com/") == "http://www.example.com/"


def test_idn_to_punycode_and_registrable_domain() -> None:
    url = normalise_url("https://đăngnhập.vietcombank-hotro.example/x")
    assert url is not None
    assert url.value.startswith("https://xn--")
    domain = normalise_domain("a.b.c.vietcombank.com.vn")
    assert domain is not None
    assert domain.value == "vietcombank.com.vn"
    # A private suffix: one user's site never lists the whole host.
    github = normalise_domain("scam.github.io")
    assert github is not None
    assert github.value == "scam.github.io"


def test_lookalikes_of_protected_brands_are_caught() -> None:
    assert skeleton("vietcombạnk") == "vietcombank"
    for text in ("vietcombạnk.com.vn", "vіetcombank-secure.invalid", "vietc0mbank.example"):
        url = normalise_url(text)
        assert url is not None
        assert url.lookalike_of == "Vietcombank", text
    own = normalise_url("https://www.vietcombank.com.vn/")
    assert own is not None
    assert own.lookalike_of == ""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("https://www.facebook.com/profile.php?id=100000000000001", "facebook:id=100000000000001"),
        ("m.facebook.com/people/Nguyen-Van-A/100000000000002", "facebook:id=100000000000002"),
        ("fb.com/Nguyen.Van.A", "facebook:nguyenvana"),
        ("t.me/HoTro_VCB", "telegram:hotro_vcb"),
        ("hotro_vcb.t.me", "telegram:hotro_vcb"),
        ("tg://resolve?domain=HoTro_VCB", "telegram:hotro_vcb"),
        ("@HoTro_VCB", "telegram:hotro_vcb"),
        ("tiktok.com/@Qua_Tang", "tiktok:@qua_tang"),
        ("zalo.me/g/abcxyz", "zalo:g/abcxyz"),
    ],
)
def test_social_accounts_to_a_canonical_handle(text: str, value: str) -> None:
    social = normalise_social(text)
    assert social is not None
    assert social.value == value


def test_a_zalo_personal_link_is_the_phone_number() -> None:
    zalo = normalise_social("https://zalo.me/0531234567")
    assert zalo is not None
    assert (zalo.kind, zalo.value) == ("phone", "+84531234567")


def test_reserved_telegram_paths_are_not_accounts() -> None:
    assert normalise_social("t.me/joinchat/AAAA") is None


@pytest.mark.parametrize(
    "text",
    [
        "http://evil.example:99999/x",
        "http://evil.example:abc/",
        "http://[evil.example/",
        "Bấm https://[::1/x ngay",
        "xem tai http://vietcombank-hotro.example:70000",
    ],
)
def test_a_link_with_a_bad_port_or_bracket_is_no_crash(text: str) -> None:
    """urlsplit and .port raise ValueError on these: a pasted scam SMS gave a 500."""
    from toandan.identifiers.extract import extract, identify

    normalise_url(text)
    normalise_domain(text)
    extract(text)
    identify(text)


def test_a_link_too_long_to_store_is_kept_as_its_domain() -> None:
    """An indicator's value holds 500 characters: a longer phishing link (tracking tokens)
    confirmed by an officer failed on PostgreSQL; its domain still identifies the site."""
    from toandan.identifiers.extract import extract

    found = extract("Xac thuc tai https://vcb-hotro.example/login?t=" + "a" * 700)
    assert [(i.kind, i.value) for i in found] == [("domain", "vcb-hotro.example")]
    assert all(len(i.value) <= 500 and len(i.shown()) <= 500 for i in found)


@pytest.mark.parametrize(
    "text",
    [
        "Vietcombank ０011004567890",  # fullwidth digit (CJK keyboards, some SMS gateways)
        "STK ٠٠١١٠٠٤٥٦٧٨٩٠ Vietcombank",  # Arabic-Indic digits
        "STK 𝟎𝟎𝟏𝟏𝟎𝟎𝟒𝟓𝟔𝟕𝟖𝟗𝟎 Vietcombank",  # mathematical digits used to dodge filters
    ],
)
def test_other_digits_spell_the_same_account(text: str) -> None:
    """Python's \\d and isdigit accept every script's digits: the account was stored as
    "970436:０011004567890" and never matched the listed one."""
    from toandan.identifiers.extract import extract, identify

    assert [i.key for i in extract(text)] == [("bank_account", "970436:0011004567890")]
    assert [i.key for i in identify(text)] == [("bank_account", "970436:0011004567890")]


def test_fullwidth_phone_digits_are_the_same_phone() -> None:
    from toandan.identifiers.extract import extract, identify

    assert [i.key for i in identify("０５３１ ２３４ ５６７")] == [("phone", "+84531234567")]
    assert [i.key for i in extract("goi ngay ０５３１ ２３４ ５６７")] == [
        ("phone", "+84531234567")
    ]


def test_decomposed_vietnamese_text_is_read_like_composed() -> None:
    """A tip's text attachment is not cleaned like a form: in decomposed (NFD) text the link
    "vietcombạnk.com.vn" was read as "nk.com.vn" and the phone after "gọi" as an account."""
    import unicodedata

    from toandan.identifiers.extract import extract

    text = unicodedata.normalize(
        "NFD",
        "Xác thực tại vietcombạnk.com.vn/xac-thuc, STK 0011004567890 Vietcombank, gọi 0531 234 567",
    )
    found = extract(text)
    assert [i.kind for i in found] == ["url", "bank_account", "phone"]
    assert found[0].lookalike_of == "Vietcombank"
    assert found[2].value == "+84531234567"


def test_the_lookalike_shortcuts_give_the_full_comparison_s_answer() -> None:
    """`lookalike_of` skips hosts with no brand skeleton in any label and finds a brand's own
    domains by suffix; on brands' own hosts, their look-alikes and random hosts it answers
    what comparing with every brand does."""
    import random

    from toandan.identifiers.links import (
        _to_unicode,
        lookalike_of,
        protected_brands,
        registrable_domain,
    )

    def reference(host: str) -> str:
        domain = registrable_domain(host) or host
        for brand in protected_brands():
            if any(domain == own or domain.endswith("." + own) for own in brand.domains):
                return ""
        shapes = [skeleton(label) for label in _to_unicode(host).split(".")]
        for brand in protected_brands():
            for shape in shapes:
                if len(brand.skeleton) >= 3 and brand.skeleton in shape:
                    return brand.name
        return ""

    rng = random.Random(3)
    hosts = []
    for brand in protected_brands():
        for own in brand.domains:
            first, _, rest = own.partition(".")
            hosts += [
                own,
                f"www.{own}",
                f"{first}-xacthuc.{rest or 'vn'}",
                f"login.{first}.example",
            ]
            hosts.append(first.replace("a", "ạ", 1) + ".com.vn")
    letters = "abcdefghijklmnopqrstuvwxyz"
    hosts += ["".join(rng.choice(letters) for _ in range(rng.randrange(3, 14))) + ".vn"
              for _ in range(300)]  # fmt: skip
    found = 0
    for host in hosts:
        assert lookalike_of(host) == reference(host), host
        found += bool(reference(host))
    assert found > 20


# --- Bare hosts: the fast path gives what the general one gives ---------------------------------

_HOST_LABEL = st.from_regex(r"[A-Za-z0-9\-]{1,12}", fullmatch=True)
_BARE_HOSTS = st.one_of(
    st.builds(
        lambda labels, tld: ".".join([*labels, tld]),
        st.lists(_HOST_LABEL, min_size=1, max_size=4),
        st.sampled_from(["com", "vn", "COM", "example", "xyz", "Shop", "invalid", "me"]),
    ),
    st.sampled_from(
        [
            "hotro123.example", "Vietcombank.com.vn", "vietcornbank-hotro.example",
            "xn--vietcombnk-3db.example", "www.bidv.com.vn", "a.b.c.d.github.io",
            "mbbank-xacminh.example", "t.me", "zalo.me", "facebook.com", "1.2.3.example",
            "localhost.localdomain", "0x7f.example", "-dash.example", "dash-.example",
            "agribank.com.vn.example", "x.t.me", "name.t.me",
        ]
    ),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(_BARE_HOSTS)
def test_a_bare_host_normalises_as_the_general_path_does(host: str) -> None:
    from toandan.identifiers import links

    assert links.normalise_url(host) == links.normalise_url_general(host)


@settings(max_examples=400, deadline=None)
@given(_BARE_HOSTS)
def test_a_bare_host_in_a_message_is_read_as_the_general_path_reads_it(host: str) -> None:
    from toandan.identifiers import extract

    assert extract._link(host) == extract._link_general(host)


@pytest.mark.parametrize(
    ("host", "address"),
    [("127.0.0.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("2130706433", "127.0.0.1"),
     ("017700000001", "127.0.0.1"), ("a.0x7f", None), ("shop.com", None), ("1.2.3.com", None)],
)  # fmt: skip
def test_hosts_in_ip_notations_are_read_as_addresses_and_names_are_not(host, address) -> None:
    from toandan.identifiers.links import _ipv4

    assert _ipv4(host) == address
