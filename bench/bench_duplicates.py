"""Duplicate suggestion per new tip: milliseconds, and recall against an exhaustive comparison.

A labelled set is generated (same seed every run): EVENTS matters, each told by 2 to 4
tipsters in the words a tipster would use (the same text without accents, sentences in
another order, typos, an extra sentence, a shorter retelling), in the same province, most in the
same commune, received a few days apart; and BACKGROUND unrelated tips made of the same
kinds of sentences (same categories, same streets, same closing formulas), spread over a year
and the 34 provinces with a third in Hà Nội, a fifth of them concluded or merged. Tips, their
fingerprints and their band keys are bulk-inserted (COPY on PostgreSQL).

Then, for every tip of the labelled set taken as the new tip:

- `similar_open_tips` (the LSH lookup, as the tip page calls it) is timed;
- the exhaustive comparison computes the exact Jaccard similarity of the shingle sets against
  every open tip of the same province within the window, with the same bonuses and
  threshold. Recall = share of the tips the exhaustive comparison suggests that the lookup
  suggests too (limit lifted, so a cut at 5 is not counted as a miss);
- recall of the labels (the other tellings of the same matter) is printed for both.

Baseline in the same run: the naive way, every fingerprint of the province's open tips in the
window read and compared in Python (the same database, the same candidates' filters).
Goal: under 20 ms per suggestion with recall at least 0.9.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import re
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

EVENTS = int(os.environ.get("BENCH_DUPLICATE_EVENTS", "400"))
BACKGROUND = int(os.environ.get("BENCH_DUPLICATE_TIPS", "40000"))
SEED = 20261201
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
YEAR = dt.timedelta(days=365)
GOAL_MS = 20.0
GOAL_RECALL = 0.9

# --- Vietnamese tips, generated ------------------------------------------------------------------

STREET_NAMES = (
    "Hàng Bạc",
    "Hàng Đào",
    "Hàng Buồm",
    "Lý Thường Kiệt",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Lê Lợi",
    "Hai Bà Trưng",
    "Phan Đình Phùng",
    "Kim Mã",
    "Giảng Võ",
    "Láng Hạ",
    "Tôn Đức Thắng",
    "Xã Đàn",
    "Bạch Mai",
    "Minh Khai",
    "Lạc Long Quân",
    "Âu Cơ",
    "Hoàng Quốc Việt",
    "Phạm Văn Đồng",
    "Cầu Giấy",
    "Đội Cấn",
    "Văn Cao",
    "Thụy Khuê",
    "Nguyễn Chí Thanh",
    "Trường Chinh",
    "Giải Phóng",
    "Lê Duẩn",
    "Điện Biên Phủ",
    "Quang Trung",
    "Bà Triệu",
)
NAMES = [
    "Tuấn",
    "Hùng",
    "Dũng",
    "Minh",
    "Lan",
    "Hoa",
    "Hương",
    "Nam",
    "Long",
    "Sơn",
    "Thắng",
    "Cường",
    "Bình",
    "Hải",
    "Phong",
    "Quân",
    "Trang",
    "Thảo",
    "Linh",
    "Huy",
    "Khoa",
    "Đức",
    "Tùng",
    "Việt",
    "Hòa",
    "Tâm",
    "Nga",
    "Yến",
]
NICKNAMES = ("béo", "gầy", "đen", "sẹo", "trọc", "xăm", "cao", "lùn")
BIKES = (
    "Honda Wave",
    "Yamaha Exciter",
    "Honda Vision",
    "Honda SH",
    "Air Blade",
    "Yamaha Sirius",
    "Suzuki Raider",
)
CARS = ("Toyota Vios", "Kia Morning", "Hyundai Accent", "Mazda 3", "xe tải nhỏ", "xe bán tải")
COLOURS = ("đen", "trắng", "đỏ", "xanh", "xám", "vàng", "nâu")
VENUES = (
    "quán karaoke",
    "nhà nghỉ",
    "quán cà phê",
    "quán nhậu",
    "tiệm cầm đồ",
    "phòng trọ",
    "quán bi-a",
    "cửa hàng điện thoại",
)
VENUE_NAMES = (
    "Hoàng Gia",
    "Thiên Đường",
    "Ánh Dương",
    "Phượng Hồng",
    "Bình Minh",
    "Sao Mai",
    "Hoa Sen",
    "Thanh Xuân",
    "Mặt Trời",
    "Hương Quê",
)
BANKS = ("Vietcombank", "Techcombank", "BIDV", "Agribank", "MB", "VPBank", "ACB", "Sacombank")
AGENCIES = ("công an quận", "viện kiểm sát", "tòa án", "nhân viên ngân hàng", "bưu điện")
TIMES = ("sáng", "trưa", "chiều", "tối", "đêm", "rạng sáng")
DAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
OBJECTS = ("điện thoại", "ví tiền", "túi xách", "xe đạp điện", "laptop", "dây chuyền vàng")

# Sentences by kind of matter: [a|b] is a choice of words made per tip (two tipsters never
# write alike), {slot} a detail of the matter.
SENTENCES: dict[str, list[str]] = {
    "theft": [
        (
            "[{n} thanh niên|Mấy đối tượng|Một nhóm người|Hai người đàn ông] đi xe {bike} "
            "màu {colour} [bẻ khóa lấy trộm|dắt trộm|trộm] [xe máy|chiếc xe] [trước|ở "
            "trước|gần] số {num} [phố|đường] {street}."
        ),
        (
            "[Kẻ trộm|Tên trộm|Đối tượng] [đeo khẩu trang|che mặt], [đội mũ lưỡi trai|đội "
            "mũ bảo hiểm] {colour}, [dắt xe đi|chạy] về phía ngõ {lane}."
        ),
        (
            "[Nhà tôi|Gia đình tôi|Nhà bà {name}] ở số {num} {street} bị [mất trộm|lấy mất]"
            " {object} khi [cả nhà đi vắng|mọi người đi làm] buổi {time}."
        ),
        (
            "Camera [nhà bên cạnh|của quán đối diện|khu phố] [quay được|ghi lại] [cảnh|hình"
            " ảnh] [người đàn ông|một thanh niên] khoảng {age} tuổi [trèo qua cổng|vào nhà]"
            " lúc {hour} giờ."
        ),
        (
            "[Ở|Tại|Trong] chợ {venue_name} [dạo này|thời gian gần đây|tuần này] [liên "
            "tục|nhiều lần] có người bị [móc túi|trộm] {object}."
        ),
        (
            "[Chiếc xe|Xe] bị [lấy|mất] là {bike} biển số {plate}, [dựng|để] [ngay trước "
            "cửa hàng|trước cổng nhà|ở vỉa hè]."
        ),
        (
            "[Trộm|Kẻ gian] [cạy cửa sổ|phá khóa cửa|leo ban công] [vào nhà|lên tầng {n}] "
            "lấy [tiền mặt|vàng|{object}] [trị giá|khoảng] {money} triệu đồng."
        ),
        (
            "[Tôi nghi|Có thể|Hình như] [là người quen|là thợ sửa nhà|là người thuê trọ] "
            "[tên {name}|gần đó] vì [mấy hôm trước|hôm trước] [thấy hay lảng vảng|có đến "
            "nhà]."
        ),
    ],
    "robbery": [
        (
            "[Hai đối tượng|Hai thanh niên|Một cặp nam nữ] đi xe {bike} [không biển số|che "
            "biển số] [giật|cướp] {object} của [một phụ nữ|một cụ bà|một học sinh] [trên "
            "phố|ở đường] {street}."
        ),
        (
            "[Người ngồi sau|Kẻ ngồi sau|Tên cầm lái] mặc áo [khoác|phông|mưa] {colour}, "
            "[giật xong|cướp xong] [phóng nhanh|bỏ chạy] về hướng {street2}."
        ),
        (
            "[Nạn nhân|Chị ấy|Bà cụ] bị [ngã xuống đường|kéo lê], [bị thương ở tay|trầy "
            "xước chân], được [người dân|mọi người] [đưa vào|dìu vào] [hiệu thuốc|trạm y "
            "tế] gần đó."
        ),
        (
            "Vụ [cướp giật|việc] xảy ra [khoảng|lúc] {hour} giờ {time} {day} [gần|ở] ngã tư"
            " {street} [và|giao với] {street2}."
        ),
        (
            "[Tôi nhìn thấy|Tôi nhớ được|Có người ghi được] biển số xe [của chúng|của hai "
            "đối tượng] [hình như là|là] {plate}."
        ),
        (
            "[Đối tượng|Một tên] [rút dao|cầm dao|cầm gậy] [đe dọa|khống chế] [chủ "
            "quán|người bán hàng] [{venue} {venue_name}|ở {street}] rồi [lấy|cướp] {money} "
            "triệu đồng."
        ),
    ],
    "drugs": [
        (
            "[Tại|Ở] {venue} {venue_name} [số {num}|gần số {num}] {street} [thường "
            "xuyên|đêm nào cũng] có [nhóm thanh niên|nhiều người] [tụ tập sử dụng|hút "
            "chích] ma túy."
        ),
        (
            "[Người bán|Kẻ bán|Đối tượng bán] ma túy [tên là|tên] {name} {nickname}, "
            "[khoảng|chừng] {age} tuổi, [hay|thường] đi xe {bike} màu {colour}."
        ),
        (
            "[Họ|Bọn chúng] [giao hàng|bán] [vào buổi|vào lúc] {time}, khách đến [bấm "
            "còi|gọi điện] [hai lần|trước] thì có người [ra đưa|mang ra] [gói nhỏ|túi nilon"
            " nhỏ]."
        ),
        (
            "Phòng [số|] {room} của {venue} {venue_name} [đêm nào cũng|thường] [mở nhạc rất"
            " to|bật nhạc ầm ĩ] và có [mùi lạ|khói trắng]."
        ),
        (
            "[Có nhiều|Hay có] người lạ [ra vào|đi lại] [căn nhà cuối|nhà trong] ngõ {lane}"
            " {street} từ {hour} giờ đến [nửa đêm|sáng]."
        ),
        (
            "[Tôi thấy|Người dân thấy] [vỏ bơm kim tiêm|giấy bạc cháy|ống hút] [vứt đầy|rất"
            " nhiều] [ở bãi đất trống|dưới chân cầu|sau nhà văn hóa] {street}."
        ),
    ],
    "gambling": [
        (
            "[Có một ổ|Có một tụ điểm|Có] đánh bạc [ăn tiền|sát phạt] tại nhà [ông|bà|anh] "
            "{name} [ở|tại] số {num} ngõ {lane} [phố|đường] {street}."
        ),
        (
            "[Mỗi buổi|Cứ buổi|Các buổi] {time} có [khoảng|chừng] {n} người đến [chơi xóc "
            "đĩa|đánh tá lả|chơi bài], có [người canh gác|người cảnh giới] ở [đầu ngõ|ngoài"
            " cổng]."
        ),
        (
            "[Họ|Nhóm này] [chơi lô đề|ghi lô đề] và [cá độ bóng đá|cá cược] qua [điện "
            "thoại|mạng], [tiền đặt|mỗi lần đặt] [vài triệu đồng|hàng chục triệu]."
        ),
        (
            "Xe {bike} và ô tô {car} của [con bạc|người chơi] [đỗ kín|để chật] [cả vỉa "
            "hè|lối đi] [phố|đường] {street}."
        ),
        (
            "[Chủ nhà|Chủ sòng] [tên|là] {name} {nickname} [còn cho vay nặng lãi|còn cầm đồ"
            " cho] [những người thua bạc|con bạc]."
        ),
    ],
    "fraud": [
        (
            "Tôi nhận được [cuộc gọi|điện thoại] của [người|một người đàn ông] tự xưng là "
            "{agency}, [nói|bảo] tôi [liên quan đến|dính vào] [một vụ án|đường dây rửa "
            "tiền]."
        ),
        (
            "[Họ|Người đó] yêu cầu tôi chuyển {money} triệu đồng vào tài khoản {account} "
            "[ngân hàng|] {bank} để [xác minh|chứng minh trong sạch]."
        ),
        (
            "[Người gọi|Đối tượng] dùng số [điện thoại|máy] {phone} và gửi [cho tôi|] [một "
            "đường link lạ|một ứng dụng] qua [Zalo|tin nhắn]."
        ),
        (
            "[Sau khi chuyển tiền|Chuyển xong] thì tôi không [liên lạc được|gọi được] [với "
            "họ|cho số đó] nữa."
        ),
        (
            "Trên [Facebook|Telegram] có [trang|nhóm] tên {venue_name} [tuyển cộng tác "
            "viên|tuyển người] làm việc online nhưng [bắt nạp tiền trước|đòi đặt cọc] "
            "{money} triệu."
        ),
    ],
    "violence": [
        (
            "[Nhà|Gia đình ở] số {num} {street} [người chồng|anh] tên {name} [thường "
            "xuyên|hay] [say rượu|nhậu say] [đánh vợ con|đánh đập vợ]."
        ),
        (
            "[Tối|Đêm] {day} vừa rồi tôi nghe [tiếng la hét|tiếng kêu cứu] và [tiếng đập "
            "phá đồ đạc|tiếng ném đồ] rất [lớn|to]."
        ),
        (
            "[Một nhóm|Hai nhóm] [khoảng|chừng] {n} thanh niên cầm [gậy gộc, dao|hung khí] "
            "[đánh nhau|hỗn chiến] [trước|ngay cửa] {venue} {venue_name}."
        ),
        (
            "Có người bị [chém|đâm] vào [tay|lưng] chảy nhiều máu, được [đưa đi|chở vào] "
            "bệnh viện [gần đó|{street}]."
        ),
        (
            "[Nhóm này|Bọn chúng] đi xe {bike} [lạng lách, rú ga|đánh võng, nẹt pô] trên "
            "[phố|đường] {street} lúc {hour} giờ đêm."
        ),
    ],
}

OPENINGS = [
    "Tôi xin báo tin cho công an.",
    "Tôi là người dân sống ở khu vực này.",
    "Tôi muốn tố giác một việc.",
    "Kính gửi công an phường.",
]
CLOSINGS = [
    "Đề nghị công an kiểm tra, xử lý.",
    "Mong các anh sớm có biện pháp ngăn chặn.",
    "Tôi xin giấu tên vì sợ bị trả thù.",
    "Sự việc đã diễn ra nhiều lần rồi.",
    "Người dân khu vực rất bức xúc.",
]
EXTRA = [
    "Lúc đó có mấy người bán hàng nước gần đó cũng nhìn thấy.",
    "Tôi có chụp được vài tấm ảnh nhưng hơi mờ.",
    "Hôm sau tôi quay lại thì không thấy họ nữa.",
    "Tổ trưởng dân phố cũng đã biết chuyện này.",
    "Tôi đã báo cho bảo vệ tòa nhà nhưng họ không làm gì.",
    "Xin công an giữ bí mật thông tin người báo tin.",
]
CATEGORY_CODES = {
    "theft": "theft",
    "robbery": "robbery",
    "drugs": "drug-use",
    "gambling": "gambling",
    "fraud": "fraud-fake-authority",
    "violence": "fight-injury",
}


def _slots(rng: random.Random) -> dict[str, str]:
    street, street2 = rng.sample(STREET_NAMES, 2)
    return {
        "n": str(rng.randint(2, 12)),
        "bike": rng.choice(BIKES),
        "car": rng.choice(CARS),
        "colour": rng.choice(COLOURS),
        "num": str(rng.randint(1, 300)),
        "lane": str(rng.randint(1, 200)),
        "street": street,
        "street2": street2,
        "object": rng.choice(OBJECTS),
        "time": rng.choice(TIMES),
        "age": str(rng.randint(18, 60)),
        "hour": str(rng.randint(1, 23)),
        "venue": rng.choice(VENUES),
        "venue_name": rng.choice(VENUE_NAMES),
        "plate": f"{rng.randint(11, 99)}{rng.choice('ABCDEFGHKL')}{rng.randint(1, 9)}-"
        f"{rng.randint(100, 999)}.{rng.randint(10, 99)}",
        "day": rng.choice(DAYS),
        "name": rng.choice(NAMES),
        "nickname": rng.choice(NICKNAMES),
        "room": str(rng.randint(101, 409)),
        "money": str(rng.randint(5, 900)),
        "account": str(rng.randint(10**9, 10**10)),
        "bank": rng.choice(BANKS),
        "agency": rng.choice(AGENCIES),
        "phone": f"09{rng.randint(10**7, 10**8 - 1)}",
    }


_CHOICE = re.compile(r"\[([^\]]*)\]")


def _words(rng: random.Random, template: str) -> str:
    text = _CHOICE.sub(lambda match: rng.choice(match.group(1).split("|")), template)
    return " ".join(text.split())


def tip_text(rng: random.Random, kind: str) -> list[str]:
    """One tip as a list of sentences: 2 to 4 sentences of its kind with their own details,
    sometimes an opening and a closing formula that many tips share."""
    slots = _slots(rng)
    pool = SENTENCES[kind]
    chosen = rng.sample(pool, rng.randint(2, min(4, len(pool))))
    sentences = [_words(rng, template).format(**slots) for template in chosen]
    if rng.random() < 0.4:
        sentences.insert(0, rng.choice(OPENINGS))
    if rng.random() < 0.5:
        sentences.append(rng.choice(CLOSINGS))
    return sentences


def _typo(rng: random.Random, word: str) -> str:
    from toandan.core.text import strip_accents

    if len(word) < 3:
        return word
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return strip_accents(word)  # forgot the accents of one word
    if kind == 1:
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]  # swapped letters
    if kind == 2:
        return word[:pos] + word[pos + 1 :]  # missing letter
    return word[:pos] + word[pos] + word[pos:]  # doubled letter


def _with_typos(rng: random.Random, sentences: list[str], count: int) -> list[str]:
    words = " ".join(sentences).split(" ")
    for index in rng.sample(range(len(words)), min(count, len(words))):
        words[index] = _typo(rng, words[index])
    return [" ".join(words)]


def retell(rng: random.Random, sentences: list[str], how: str) -> str:
    """Another tipster's telling of the same matter."""
    from toandan.core.text import strip_accents

    if how == "no_accents":
        return strip_accents(" ".join(sentences))
    if how == "reordered":
        moved = sentences[:]
        rng.shuffle(moved)
        # And one clause moved inside a sentence: "A, B." -> "B, A."
        for i, sentence in enumerate(moved):
            if ", " in sentence:
                head, _, tail = sentence.rstrip(".").partition(", ")
                moved[i] = f"{tail}, {head}."
                break
        return " ".join(moved)
    if how == "typos":
        return " ".join(_with_typos(rng, sentences, rng.randint(2, 5)))
    if how == "extra":
        return " ".join([*sentences, *rng.sample(EXTRA, rng.randint(1, 2))])
    if how == "no_accents_extra":
        return strip_accents(" ".join([*sentences, rng.choice(EXTRA)]))
    if how == "shorter":
        # Tells the main part only (at least two sentences kept) and adds a remark.
        keep = sentences[: max(2, len(sentences) - 1)]
        return " ".join([*keep, rng.choice(EXTRA)])
    msg = f"unknown retelling {how!r}"
    raise ValueError(msg)


RETELLINGS = ("no_accents", "reordered", "typos", "extra", "no_accents_extra", "shorter")


# --- The data set --------------------------------------------------------------------------------


@dataclass
class BenchTip:
    index: int
    text: str
    kind: str
    province_id: int
    commune_id: int | None
    received_at: dt.datetime
    occurred_on: dt.date | None
    status: str
    event: int | None  # the labelled matter it tells, None for background tips
    shingles: frozenset[str] = field(default_factory=frozenset)


def dataset(places: dict[int, list[int]], hanoi: int) -> list[BenchTip]:
    rng = random.Random(SEED)
    provinces = sorted(places)
    tips: list[BenchTip] = []

    def place() -> tuple[int, int | None]:
        province = hanoi if rng.random() < 0.34 else rng.choice(provinces)
        communes = places[province]
        # A few busy communes per province: that is where tips pile up.
        commune = rng.choice(communes[:8]) if communes and rng.random() < 0.9 else None
        return province, commune

    def status() -> str:
        roll = rng.random()
        if roll < 0.12:
            return "concluded"
        if roll < 0.2:
            return "merged"
        return rng.choice(("received", "checking", "resolving"))

    for _ in range(BACKGROUND):
        kind = rng.choice(list(SENTENCES))
        province, commune = place()
        received = NOW - YEAR * rng.random()
        tips.append(
            BenchTip(
                index=len(tips),
                text=" ".join(tip_text(rng, kind)),
                kind=kind,
                province_id=province,
                commune_id=commune,
                received_at=received,
                occurred_on=received.date() - dt.timedelta(days=rng.randint(0, 3)),
                status=status(),
                event=None,
            )
        )
    for event in range(EVENTS):
        kind = rng.choice(list(SENTENCES))
        sentences = tip_text(rng, kind)
        province, commune = place()
        first = NOW - dt.timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 23))
        occurred = first.date() - dt.timedelta(days=rng.randint(0, 2))
        tellings = [" ".join(sentences)] + [
            retell(rng, sentences, rng.choice(RETELLINGS)) for _ in range(rng.randint(1, 3))
        ]
        for telling in tellings:
            # Mostly the same commune; sometimes the second tipster did not know it.
            here = commune if rng.random() < 0.85 else None
            tips.append(
                BenchTip(
                    index=len(tips),
                    text=telling,
                    kind=kind,
                    province_id=province,
                    commune_id=here,
                    received_at=first + dt.timedelta(hours=rng.randint(0, 5 * 24)),
                    occurred_on=occurred,
                    status=rng.choice(("received", "checking", "resolving")),
                    event=event,
                )
            )
    return tips


# --- Loading -------------------------------------------------------------------------------------


def _copy_or_bulk(model: Any, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    fields = [model._meta.get_field(c.removesuffix("_id")).attname for c in columns]
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= 5000:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)


def load(tips: list[BenchTip]) -> tuple[dict[int, int], float]:
    """Insert the tips, fingerprints and bands; returns bench index -> tip id, and the median
    microseconds of computing one fingerprint (the intake's share)."""
    from django.db import connection

    from toandan.orgs.models import OrgUnit
    from toandan.tips.duplicates import fingerprints as duplicates
    from toandan.tips.models import Category, Tip, TipBand, TipFingerprint

    categories = {kind: Category.objects.get(code=code).pk for kind, code in CATEGORY_CODES.items()}
    unit = OrgUnit.objects.filter(code="CA-01").values_list("pk", flat=True).get()
    key = duplicates._fingerprint_key()
    fingerprints: list[tuple[bytes, list[int]]] = []
    samples = []
    for tip in tips:
        started = time.perf_counter()
        signature = duplicates.signature_of(tip.text, key=key)
        assert signature is not None
        keys = duplicates.band_keys(signature)
        samples.append((time.perf_counter() - started) * 1_000_000)
        fingerprints.append((signature, keys))
        tip.shingles = frozenset(duplicates.shingles(tip.text))

    first_pk = (Tip.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    ids = {tip.index: first_pk + tip.index for tip in tips}
    columns = [
        "id",
        "reference",
        "receipt_hash",
        "receipt_kind",
        "channel",
        "category_id",
        "status",
        "province_id",
        "commune_id",
        "occurred_on",
        "victim_request",
        "has_contact",
        "register_unit_id",
        "register_year",
        "register_seq",
        "register_number",
        "received_at",
        "updated_at",
        "kek_id",
        "wrapped_key",
        "content",
        "retention_until",
        "responsible_unit_id",
        "is_flagrant",
        "complex_extended",
        "procuracy_decision",
        "suspension_ground",
        "due_kind",
        "outcome",
        "valuable_reasons",
    ]
    json_empty = "[]" if connection.vendor == "postgresql" else []

    def tip_rows() -> Iterator[tuple[Any, ...]]:
        for tip in tips:
            pk = ids[tip.index]
            yield (
                pk,
                f"B{pk:011d}",
                f"{pk:064x}",
                "citizen",
                "web",
                categories[tip.kind],
                tip.status,
                tip.province_id,
                tip.commune_id,
                tip.occurred_on,
                "",
                False,
                unit,
                2026,
                pk,
                f"BENCH-{pk}",
                tip.received_at,
                tip.received_at,
                "bench",
                b"",
                b"",  # no content: suggestions never decrypt
                dt.date(2031, 1, 1),
                unit,
                False,
                False,
                "",
                "",
                "",
                "",
                json_empty,
            )

    _copy_or_bulk(Tip, columns, tip_rows())
    _copy_or_bulk(
        TipFingerprint,
        ["tip_id", "version", "signature"],
        ((ids[tip.index], duplicates.VERSION, fingerprints[tip.index][0]) for tip in tips),
    )
    _copy_or_bulk(
        TipBand,
        ["band_key", "tip_id", "province_id", "received_at", "category_id"],
        (
            (key, ids[tip.index], tip.province_id, tip.received_at, categories[tip.kind])
            for tip in tips
            for key in fingerprints[tip.index][1]
        ),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval('tips_tip_id_seq', {first_pk + len(tips)})")
            # As autovacuum would: index-only scans need the visibility map.
            cursor.execute("VACUUM ANALYZE tips_tip, tips_tipfingerprint, tips_tipband")
    return ids, statistics.median(samples)


# --- Measuring -----------------------------------------------------------------------------------


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def exhaustive(query: BenchTip, tips: list[BenchTip], window: dt.timedelta) -> set[int]:
    """Every open tip the same rule suggests with the exact similarity (bench indexes)."""
    from toandan.tips.duplicates import fingerprints as duplicates

    found = set()
    day = query.occurred_on or query.received_at.date()
    for other in tips:
        if (
            other is query
            or other.province_id != query.province_id
            or other.status not in {"received", "checking", "resolving"}
            or abs(other.received_at - query.received_at) > window
        ):
            continue
        relevance = _jaccard(query.shingles, other.shingles)
        if query.commune_id is not None and query.commune_id == other.commune_id:
            relevance += duplicates.SAME_COMMUNE_BONUS
        if query.kind == other.kind:
            relevance += duplicates.SAME_CATEGORY_BONUS
        other_day = other.occurred_on or other.received_at.date()
        if abs((day - other_day).days) <= duplicates.CLOSE_IN_TIME_DAYS:
            relevance += duplicates.CLOSE_IN_TIME_BONUS
        if relevance >= duplicates.threshold():
            found.add(other.index)
    return found


def _naive(tip: Any) -> int:
    """The baseline: read every open fingerprint of the province in the window, compare all."""
    from toandan.tips.duplicates import fingerprints as duplicates
    from toandan.tips.models import OPEN_STATUSES, TipFingerprint

    span = dt.timedelta(days=duplicates.window_days())
    own = bytes(TipFingerprint.objects.get(tip_id=tip.pk).signature)
    rows = TipFingerprint.objects.filter(
        tip__province_id=tip.province_id,
        tip__received_at__gte=tip.received_at - span,
        tip__received_at__lte=tip.received_at + span,
        tip__status__in=OPEN_STATUSES,
    ).exclude(tip_id=tip.pk)
    return sum(
        duplicates.similarity(own, signature) >= duplicates.threshold()
        for signature in rows.values_list("signature", flat=True)
    )


def _percentile(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def _timed(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


@dataclass
class Tally:
    lookup_ms: list[float] = field(default_factory=list)
    naive_ms: list[float] = field(default_factory=list)
    busiest: list[tuple[float, float]] = field(default_factory=list)  # (lookup, naive) in Hà Nội
    expected: int = 0  # suggestions of the exhaustive comparison
    found: int = 0  # suggestions of the lookup
    hits: int = 0  # in both
    label_pairs: int = 0
    label_hits_lookup: int = 0
    label_hits_exact: int = 0


def measure(tips: list[BenchTip], ids: dict[int, int], busiest_province: int) -> Tally:
    from toandan.tips.duplicates import fingerprints as duplicates
    from toandan.tips.models import Tip

    queries = [tip for tip in tips if tip.event is not None]
    by_pk = {
        tip.pk: tip
        for tip in Tip.objects.filter(pk__in=[ids[q.index] for q in queries]).select_related(
            "category", "commune", "province"
        )
    }
    index_of = {pk: index for index, pk in ids.items()}
    window = dt.timedelta(days=duplicates.window_days())
    by_province: dict[int, list[BenchTip]] = {}
    for tip in tips:
        by_province.setdefault(tip.province_id, []).append(tip)
    for query in queries[:20]:  # warm-up: plans and caches
        duplicates.similar_open_tips(by_pk[ids[query.index]])
        _naive(by_pk[ids[query.index]])
    tally = Tally()
    for query in queries:
        new = by_pk[ids[query.index]]
        # Each new tip both ways in turn, so a burst of noise falls on both alike.
        lookup = _timed(functools.partial(duplicates.similar_open_tips, new))
        scan = _timed(functools.partial(_naive, new))
        tally.lookup_ms.append(lookup)
        tally.naive_ms.append(scan)
        if query.province_id == busiest_province:
            tally.busiest.append((lookup, scan))
        suggested = {index_of[s.tip.pk] for s in duplicates.similar_open_tips(new, limit=10_000)}
        expected = exhaustive(query, by_province[query.province_id], window)
        tally.expected += len(expected)
        tally.found += len(suggested)
        tally.hits += len(expected & suggested)
        siblings = {
            t.index
            for t in by_province[query.province_id]
            if t.event == query.event and t is not query
        }
        tally.label_pairs += len(siblings)
        tally.label_hits_lookup += len(siblings & suggested)
        tally.label_hits_exact += len(siblings & expected)
    return tally


def report(tally: Tally) -> list[str]:
    from toandan.tips.duplicates import fingerprints as duplicates

    recall = tally.hits / tally.expected if tally.expected else 1.0
    precision = tally.hits / tally.found if tally.found else 1.0
    median = statistics.median(tally.lookup_ms)
    baseline = statistics.median(tally.naive_ms)
    busy_lookup = statistics.median(b[0] for b in tally.busiest)
    busy_scan = statistics.median(b[1] for b in tally.busiest)
    return [
        (
            f"similar_open_tips (limit 5): median {median:.2f} ms, p95 "
            f"{_percentile(tally.lookup_ms, 95):.2f} ms, max {max(tally.lookup_ms):.2f} ms over "
            f"{len(tally.lookup_ms)} new tips; baseline, every open fingerprint of the province "
            f"in the window compared: median {baseline:.2f} ms, p95 "
            f"{_percentile(tally.naive_ms, 95):.2f} ms; ratio {median / baseline:.2f}x"
        ),
        (
            f"  in Hà Nội, the busiest province ({len(tally.busiest)} new tips): lookup median "
            f"{busy_lookup:.2f} ms, baseline {busy_scan:.2f} ms; ratio "
            f"{busy_lookup / busy_scan:.2f}x"
        ),
        (
            f"recall against the exhaustive comparison (exact Jaccard over every open tip of the "
            f"province in ±{duplicates.window_days()} days, same bonuses, threshold "
            f"{duplicates.threshold():.2f}): {recall:.3f} ({tally.hits}/{tally.expected}); "
            f"precision {precision:.3f} ({tally.hits}/{tally.found})"
        ),
        (
            f"labelled near-duplicates suggested: "
            f"{tally.label_hits_lookup / tally.label_pairs:.3f} "
            f"({tally.label_hits_lookup}/{tally.label_pairs}); by the exhaustive comparison: "
            f"{tally.label_hits_exact / tally.label_pairs:.3f}"
        ),
        f"goal: under {GOAL_MS:.0f} ms and recall at least {GOAL_RECALL}: "
        + ("met" if median < GOAL_MS and recall >= GOAL_RECALL else "NOT met"),
    ]


def run() -> list[str]:
    from django.core.management import call_command

    from toandan.geo.models import AdminUnit, Generation, Level
    from toandan.tips.duplicates import fingerprints as duplicates
    from toandan.tips.models import TipBand

    call_command("load_geo", verbosity=0)
    places: dict[int, list[int]] = {}
    for pk, parent in AdminUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.COMMUNE
    ).values_list("pk", "parent_id"):
        places.setdefault(parent, []).append(pk)
    hanoi = AdminUnit.objects.get(generation=Generation.CURRENT, level=Level.PROVINCE, code="01")
    started = time.perf_counter()
    tips = dataset(places, hanoi.pk)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    ids, fingerprint_us = load(tips)
    loaded = time.perf_counter() - started
    return [
        (
            f"data: {len(tips):,} tips ({EVENTS} labelled matters, {len(tips) - BACKGROUND:,} "
            f"tellings; {BACKGROUND:,} unrelated), {TipBand.objects.count():,} band rows; "
            f"generated in {generated:.1f} s, loaded in {loaded:.1f} s"
        ),
        (
            f"fingerprint of one tip at intake (shingles, {duplicates.SIGNATURE_SIZE} MinHash "
            f"bins, {duplicates.BANDS} band keys): median {fingerprint_us:,.0f} µs"
        ),
        *report(measure(tips, ids, hanoi.pk)),
    ]
