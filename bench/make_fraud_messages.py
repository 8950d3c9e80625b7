"""Writes `src/toandan/identifiers/tests/data/scam_messages.jsonl`: 500 labelled scam messages
for the extraction recall test and bench (run once; the file is committed).

Each message is one of the hand-written Vietnamese scam texts below (fake police and bank,
"việc nhẹ lương cao", parcels, investment, romance, SIM lock, mistaken transfers, prizes),
written with and without accents the way SMS and chat messages are, filled with fictional
identifiers in the spellings victims copy (spaces, dots, +84, 84…, bank short names,
links with and without a scheme, look-alike domains, Telegram/Facebook/Zalo/TikTok accounts).
The label is what the normaliser makes of the identifier put in: a message's expected
identifiers are known by construction, not by running the extractor.

    .venv/bin/python bench/make_fraud_messages.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/toandan/identifiers/tests/data/scam_messages.jsonl"
COUNT = 500
rng = random.Random(20261205)

# Fictional phone prefixes (not allocated) and the ways a number is written.
PREFIXES = ("053", "054", "050")


def phone() -> tuple[str, list[str]]:
    digits = rng.choice(PREFIXES) + f"{rng.randrange(10**7):07d}"
    national = digits
    rest = digits[1:]
    shapes = [
        national,
        f"{national[:4]} {national[4:7]} {national[7:]}",
        f"{national[:4]}.{national[4:7]}.{national[7:]}",
        f"{national[:3]} {national[3:6]} {national[6:]}",
        f"+84 {rest[:2]} {rest[2:5]} {rest[5:]}",
        f"+84{rest}",
        f"84{rest}",
        f"(+84) {rest[:2]}-{rest[2:5]}-{rest[5:]}",
        f"{national[:4]}-{national[4:7]}-{national[7:]}",
    ]
    return rng.choice(shapes), ["phone", "+84" + rest]


BANKS = [
    ("970436", ["Vietcombank", "VCB", "vietcombank", "NH Vietcombank"]),
    ("970407", ["Techcombank", "TCB", "techcombank"]),
    ("970422", ["MB Bank", "MBBank", "MB", "mb bank"]),
    ("970418", ["BIDV", "bidv", "ngân hàng BIDV"]),
    ("970416", ["ACB", "acb"]),
    ("970415", ["VietinBank", "Vietinbank", "ICB"]),
    ("970405", ["Agribank", "agribank"]),
    ("970432", ["VPBank", "vpbank"]),
    ("970423", ["TPBank", "tpbank"]),
    ("970403", ["Sacombank", "sacombank"]),
    ("999999", ["MinhHoaBank", "Ngân hàng Minh Họa"]),
]


def account() -> tuple[str, str, list[str]]:
    bin_, names = rng.choice(BANKS)
    length = rng.choice((10, 12, 13, 14))
    digits = "0000" + "".join(str(rng.randrange(10)) for _ in range(length - 4))
    shapes = [digits, " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))]
    return rng.choice(names), rng.choice(shapes), ["bank_account", f"{bin_}:{digits}"]


WORDS = ["hotro", "xacminh", "nhanqua", "giaohang", "dautu", "vieclam", "uudai", "baomat",
         "capnhat", "hoantien", "trungthuong", "nhiemvu"]  # fmt: skip
TLDS = [".invalid", ".example", ".example.com", ".invalid.vn"]


def link() -> tuple[str, list[str]]:
    host = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}{rng.randrange(100)}{rng.choice(TLDS)}"
    path = rng.choice(["", "/", "/dang-nhap", "/xac-thuc?id=" + str(rng.randrange(10**6)),
                       "/nhan-qua", "/thanh-toan"])  # fmt: skip
    scheme = rng.choice(["https://", "http://", "", "", "www."])
    shown = f"{scheme}{host}{path}"
    canonical_host = ("www." if scheme == "www." else "") + host
    canonical = f"{'https' if scheme == 'https://' else 'http'}://{canonical_host}{path or '/'}"
    return shown, ["url", canonical]


def social() -> tuple[str, list[str]]:
    name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}{rng.randrange(1000)}"
    kind = rng.randrange(5)
    if kind == 0:
        return f"t.me/{name}", ["social", f"telegram:{name.lower()}"]
    if kind == 1:
        return f"@{name}", ["social", f"telegram:{name.lower()}"]
    if kind == 2:
        ident = str(100000000000000 + rng.randrange(10**9))
        return (
            f"https://www.facebook.com/profile.php?id={ident}",
            ["social", f"facebook:id={ident}"],
        )
    if kind == 3:
        clean = name.replace("_", ".")
        return f"fb.com/{clean}", ["social", f"facebook:{clean.replace('.', '').lower()}"]
    return f"tiktok.com/@{name}", ["social", f"tiktok:@{name.lower()}"]


def wallet() -> tuple[str, str, list[str]]:
    shown, (_kind, value) = phone()
    name, key = rng.choice([("MoMo", "momo"), ("Momo", "momo"), ("ZaloPay", "zalopay"),
                            ("ví MoMo", "momo"), ("Viettel Money", "viettelmoney")])  # fmt: skip
    return name, shown, ["ewallet", f"{key}:{value}"]


def fill(template: str) -> tuple[str, list[list[str]]]:
    labels: list[list[str]] = []
    text = template
    while True:
        positions = [(text.find(k), k) for k in ("{phone}", "{account}", "{link}", "{social}",
                                                  "{wallet}", "{zalo}") if k in text]  # fmt: skip
        if not positions:
            break
        _pos, key = min(positions)
        if key == "{phone}":
            shown, label = phone()
        elif key == "{zalo}":
            shown, label = phone()
            shown = "zalo.me/" + "".join(ch for ch in shown if ch.isdigit() or ch == "+").replace(
                "+84", "0"
            )
            if shown.startswith("zalo.me/84"):
                shown = "zalo.me/0" + shown[len("zalo.me/84") :]
        elif key == "{account}":
            bank, number, label = account()
            shown = rng.choice([f"STK {number} {bank}", f"số tài khoản {number} ngân hàng {bank}",
                                f"{bank} - STK: {number}", f"tk {bank} {number}",
                                f"STK: {number} ({bank})", f"{bank} {number}"])  # fmt: skip
        elif key == "{link}":
            shown, label = link()
        elif key == "{social}":
            shown, label = social()
        else:
            name, number, label = wallet()
            shown = f"{name} {number}"
        text = text.replace(key, shown, 1)
        if label not in labels:
            labels.append(label)
    return text, labels


TEMPLATES = [
    # Fake police / procuracy
    (
        "Công an quận thông báo: ông/bà liên quan đến vụ án rửa tiền. Gọi ngay {phone} để làm "
        "việc, nếu không sẽ bị bắt tạm giam."
    ),
    "Toi la can bo dieu tra, yeu cau anh chuyen tien vao {account} de xac minh nguon tien.",
    "Ho so cua ban bi khoa. Truy cap {link} de khai bao truc tuyen voi Cong an.",
    "Vien kiem sat gui lenh bat. Lien he Zalo {phone} hoac {zalo} trong hom nay.",
    "Đề nghị chị cài ứng dụng tại {link} để nhận giấy triệu tập, hotline {phone}.",
    # Fake bank
    "[VCB] Tai khoan cua Quy khach se bi khoa do chua cap nhat sinh trac hoc. Cap nhat tai {link}",
    "Ngân hàng thông báo: thẻ của quý khách bị trừ 5.000.000đ. Nếu không phải bạn, gọi {phone}.",
    "Nang han muc the tin dung len 100 trieu, dang ky ngay: {link} Hotline: {phone}",
    "Nhân viên ngân hàng hỗ trợ mở khóa tài khoản, vui lòng chuyển phí 500k vào {account}.",
    "Quy khach nhan duoc 2 trieu diem thuong, doi qua tai {link} truoc 24h.",
    # Task scams
    "Tuyen CTV lam viec online tai nha, 300-500k/ngay. Lien he Zalo {phone} de nhan viec.",
    "Việc nhẹ lương cao: thả tim TikTok nhận hoa hồng. Nhắn {social} để được hướng dẫn.",
    "Làm nhiệm vụ nạp 200k nhận 260k, nạp qua {account}, liên hệ {social}.",
    "Tuyen dung nhan vien part-time, vao nhom Telegram {social} hoac goi {phone}.",
    "Hoa hồng của bạn đã về, để rút tiền hãy nộp phí vào {wallet}.",
    # Parcels and prizes
    "Buu kien cua ban dang bi giu do sai dia chi. Thanh toan phi 35k tai {link}",
    "Shipper giao hàng COD, anh nhận giúp em, chuyển khoản tiền hàng {account} nhé. SĐT {phone}",
    "Chúc mừng bạn trúng thưởng xe máy SH! Nộp thuế nhận thưởng vào {account}, liên hệ {phone}.",
    "Ban da trung giai iPhone 16, xac nhan tai {link} va nop phi van chuyen qua {wallet}.",
    "Hang cua ban bi hai quan giu, lien he {social} de dong phi thong quan.",
    # Investment, crypto
    "Sàn đầu tư tiền ảo uy tín, lãi 30%/tháng. Đăng ký {link}, chuyên gia hỗ trợ {social}.",
    "Nhom dau tu chung khoan VIP, tham gia {social}, nap von vao {account}.",
    "Dau tu vang online loi nhuan cao, tu van {phone}, website {link}.",
    "Chuyên gia tài chính hướng dẫn đầu tư, kết bạn Facebook {social} hoặc Zalo {phone}.",
    # Romance
    "Em la ky su o nuoc ngoai, gui qua cho anh, anh dong phi nhan qua vao {account} giup em.",
    "Anh yêu, em kẹt ở sân bay, chuyển giúp em 20 triệu qua {wallet} nhé.",
    "Làm quen nhé, nhắn em qua {social}, số em {phone}.",
    # SIM lock and others
    "Nha mang thong bao: SIM cua ban se bi khoa trong 2 gio. Goi {phone} de chuan hoa thong tin.",
    "Tôi chuyển nhầm 10 triệu vào tài khoản của bạn, trả lại giúp tôi qua {account}. Gọi {phone}.",
    (
        "Dịch vụ lấy lại tiền bị lừa, cam kết 100%, liên hệ {social} hoặc {phone}, phí nộp "
        "vào {account}."
    ),
    "Bao hiem xa hoi thong bao hoan tien, cap nhat tai {link} hoac lien he {zalo}.",
    "Điện lực thông báo cắt điện do nợ cước, thanh toán ngay tại {link} hoặc {wallet}.",
]


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as handle:
        for index in range(COUNT):
            text, labels = fill(TEMPLATES[index % len(TEMPLATES)])
            handle.write(json.dumps({"text": text, "identifiers": labels}, ensure_ascii=False))
            handle.write("\n")


if __name__ == "__main__":
    main()
