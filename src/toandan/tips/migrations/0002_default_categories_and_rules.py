"""Default tip categories and routing rules (data; editable in the admin afterwards).

Categories: the offences and social evils of DOMAIN.md, with high-tech fraud split into the
common forms on the police's list. Serious categories (drug trafficking, human trafficking,
the frauds that usually involve large sums) also send an information copy to the province
police. Fights and domestic violence ask whether the victim requests prosecution (BLTTHS
Art. 155).

Rules: (1) commune known → commune police, responsible; (2) commune unknown → province police,
responsible; (3) serious category → information copy to the province police.

Reversible: the reverse removes the categories and rules by their codes and names, unless tips
already use a category (PROTECT keeps those).
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# code, group, name_vi, name_en, description_vi, description_en, serious, asks_victim_request
CATEGORIES: list[tuple[str, str, str, str, str, str, bool, bool]] = [
    (
        "theft",
        "property",
        "Trộm cắp tài sản",
        "Theft",
        "Trộm xe máy, trộm đồ trong nhà, móc túi, trộm cắp ở chợ, bến xe.",
        "Motorbike theft, burglary, pickpocketing, theft at markets and bus stations.",
        False,
        False,
    ),
    (
        "robbery",
        "property",
        "Cướp, cướp giật tài sản",
        "Robbery and snatching",
        "Dùng vũ lực hoặc đe dọa để lấy tài sản; giật túi, giật điện thoại trên đường.",
        "Taking property by force or threat; bag or phone snatching in the street.",
        False,
        False,
    ),
    (
        "property-damage",
        "property",
        "Cố ý làm hư hỏng, hủy hoại tài sản",
        "Damage to property",
        "Đập phá, đốt, làm hư hỏng tài sản của người khác hoặc của Nhà nước.",
        "Smashing, burning or damaging property of others or of the State.",
        False,
        False,
    ),
    (
        "drug-use",
        "drugs",
        "Sử dụng trái phép chất ma túy",
        "Illegal drug use",
        "Người sử dụng ma túy, tụ tập sử dụng ma túy ở nhà trọ, quán karaoke, nơi công cộng.",
        "People using drugs, groups using drugs in rented rooms, karaoke bars, public places.",
        False,
        False,
    ),
    (
        "drug-den",
        "drugs",
        "Tổ chức, chứa chấp sử dụng trái phép chất ma túy",
        "Places where drug use is organised",
        "Nhà, phòng trọ, quán karaoke, quán bar cho người khác đến sử dụng ma túy.",
        "Houses, rented rooms, karaoke bars or bars where drug use is organised or allowed.",
        True,
        False,
    ),
    (
        "drug-trafficking",
        "drugs",
        "Mua bán, vận chuyển trái phép chất ma túy",
        "Drug dealing and trafficking",
        "Bán lẻ, giao nhận, vận chuyển, tàng trữ ma túy.",
        "Selling, delivering, transporting or storing drugs.",
        True,
        False,
    ),
    (
        "gambling",
        "social_evils",
        "Đánh bạc, tổ chức đánh bạc",
        "Gambling",
        "Sới bạc, cá độ bóng đá, lô đề, đánh bạc qua mạng.",
        "Gambling dens, football betting, illegal lotteries, online gambling.",
        False,
        False,
    ),
    (
        "prostitution",
        "social_evils",
        "Mại dâm, chứa mại dâm, môi giới mại dâm",
        "Prostitution",
        "Cơ sở chứa mại dâm trá hình (nhà nghỉ, cơ sở massage), môi giới mại dâm.",
        "Brothels disguised as guesthouses or massage parlours, procuring.",
        False,
        False,
    ),
    (
        "fight-injury",
        "violence",
        "Đánh nhau, cố ý gây thương tích",
        "Fights and injuries",
        "Ẩu đả, đánh người gây thương tích, hỗn chiến, mang hung khí.",
        "Brawls, assaults causing injury, group fights, carrying weapons.",
        False,
        True,
    ),
    (
        "domestic-violence",
        "violence",
        "Bạo lực gia đình",
        "Domestic violence",
        "Đánh đập, hành hạ, đe dọa vợ, chồng, con, cha mẹ hoặc người sống cùng nhà.",
        "Beating, abusing or threatening a spouse, child, parent or someone in the household.",
        False,
        True,
    ),
    (
        "human-trafficking",
        "trafficking",
        "Mua bán người",
        "Human trafficking",
        ("Dụ dỗ đi làm việc nhẹ lương cao ở nước ngoài, bán người qua biên giới, mua bán trẻ em."),
        (
            "Luring people abroad with promises of easy jobs, selling people across the border, "
            "child trafficking."
        ),
        True,
        False,
    ),
    (
        "smuggling",
        "smuggling",
        "Buôn lậu, vận chuyển hàng cấm",
        "Smuggling and contraband",
        "Buôn lậu qua biên giới, hàng giả, pháo nổ, vũ khí, động vật hoang dã.",
        "Smuggling across the border, counterfeit goods, firecrackers, weapons, wildlife.",
        False,
        False,
    ),
    (
        "cybercrime",
        "cyber",
        "Tội phạm mạng",
        "Cybercrime",
        "Chiếm đoạt tài khoản mạng xã hội, phát tán mã độc, mua bán dữ liệu cá nhân.",
        "Hijacked social media accounts, malware, trading in personal data.",
        False,
        False,
    ),
    (
        "fraud-fake-authority",
        "fraud",
        "Giả danh công an, viện kiểm sát, tòa án gọi điện",
        "Calls impersonating police, procuracy or court",
        "Gọi điện nói bạn liên quan vụ án, yêu cầu chuyển tiền “để xác minh” hoặc cài ứng dụng.",
        (
            "Callers say you are involved in a case and ask you to transfer money “for checks” "
            "or to install an app."
        ),
        True,
        False,
    ),
    (
        "fraud-fake-bank",
        "fraud",
        "Giả danh nhân viên ngân hàng, tin nhắn ngân hàng giả",
        "Fake bank staff or bank SMS",
        "Tin nhắn có đường link giả trang ngân hàng, gọi điện đòi mã OTP, nâng hạn mức thẻ.",
        "Messages with links to fake bank sites, calls asking for OTP codes or card upgrades.",
        False,
        False,
    ),
    (
        "fraud-investment",
        "fraud",
        "Lừa đầu tư, tiền ảo, sàn giao dịch giả",
        "Investment, crypto and fake trading platform scams",
        "Mời đầu tư chứng khoán, tiền ảo, ngoại hối trên sàn giả, hứa lợi nhuận cao.",
        (
            "Invitations to invest in stocks, crypto or forex on fake platforms, promising "
            "high returns."
        ),
        True,
        False,
    ),
    (
        "fraud-task",
        "fraud",
        "Lừa “việc nhẹ lương cao”, làm nhiệm vụ nhận hoa hồng",
        "“Easy job, high pay” and task scams",
        "Tuyển cộng tác viên làm nhiệm vụ, nạp tiền để nhận hoa hồng rồi bị chiếm đoạt.",
        "Recruiting “collaborators” for online tasks who must deposit money to get paid.",
        True,
        False,
    ),
    (
        "fraud-deepfake",
        "fraud",
        "Cuộc gọi video giả mạo người quen (deepfake)",
        "Deepfake video calls",
        "Gọi video bằng hình ảnh, giọng nói giả của người thân, bạn bè để vay, mượn tiền.",
        "Video calls with the faked face and voice of a relative or friend asking for money.",
        False,
        False,
    ),
    (
        "fraud-sim-lock",
        "fraud",
        "Cuộc gọi báo “khóa SIM”, chuẩn hóa thuê bao",
        "“Your SIM will be locked” calls",
        "Giả nhân viên nhà mạng báo sắp khóa SIM, yêu cầu cung cấp mã OTP hoặc cú pháp tin nhắn.",
        "Fake carrier staff say your SIM will be blocked and ask for an OTP or a special SMS.",
        False,
        False,
    ),
    (
        "fraud-mistaken-transfer",
        "fraud",
        "Chuyển tiền “nhầm”, biên lai chuyển khoản giả",
        "Money “sent by mistake” and fake transfer receipts",
        "Chuyển khoản “nhầm” rồi đòi lại kèm lãi, gửi ảnh biên lai giả khi mua bán online.",
        "Money “sent by mistake” then claimed back with interest; fake transfer screenshots.",
        False,
        False,
    ),
    (
        "fraud-parcel-prize",
        "fraud",
        "Lừa giao hàng, bưu kiện, trúng thưởng",
        "Parcel and prize scams",
        "Báo có bưu kiện cần đóng phí, báo trúng thưởng phải nộp thuế, phí nhận quà.",
        "Fake parcel fees, prize wins that require paying a tax or fee first.",
        False,
        False,
    ),
    (
        "fraud-romance",
        "fraud",
        "Lừa tình cảm qua mạng",
        "Romance scams",
        "Làm quen, hẹn hò qua mạng rồi nhờ nhận quà, đóng phí hoặc đầu tư.",
        "Online dating contacts who ask you to pay for gifts, fees or investments.",
        False,
        False,
    ),
    (
        "fraud-recovery",
        "fraud",
        "Dịch vụ “lấy lại tiền bị lừa” giả",
        "Fake “get your money back” services",
        "Người tự xưng luật sư, hacker, công an hứa lấy lại tiền đã bị lừa nếu đóng phí.",
        (
            "People posing as lawyers, hackers or police who promise to recover lost money "
            "for a fee."
        ),
        False,
        False,
    ),
    (
        "fraud-other",
        "fraud",
        "Lừa đảo chiếm đoạt tài sản khác",
        "Other fraud",
        "Các hình thức lừa đảo khác, trên mạng hoặc trực tiếp.",
        "Other kinds of fraud, online or in person.",
        False,
        False,
    ),
    (
        "other",
        "other",
        "Vi phạm pháp luật khác",
        "Other offences",
        "Hành vi vi phạm pháp luật về an ninh, trật tự không thuộc các loại trên.",
        "Other breaches of security and public order not listed above.",
        False,
        False,
    ),
]

# name, priority, condition, only_serious, target, role
RULES: list[tuple[str, int, str, bool, str, str]] = [
    ("Đã biết xã, phường nơi xảy ra", 10, "commune_known", False, "commune_police", "primary"),
    ("Không rõ xã, phường nơi xảy ra", 20, "commune_unknown", False, "province_police", "primary"),
    ("Loại tin nghiêm trọng", 30, "always", True, "province_police", "information"),
]


def create_defaults(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Category = apps.get_model("tips", "Category")
    RoutingRule = apps.get_model("tips", "RoutingRule")
    existing = set(Category.objects.values_list("code", flat=True))
    Category.objects.bulk_create(
        [
            Category(
                code=code,
                group=group,
                name_vi=name_vi,
                name_en=name_en,
                description_vi=description_vi,
                description_en=description_en,
                is_serious=serious,
                asks_victim_request=asks,
                order=(index + 1) * 10,
            )
            for index, (
                code,
                group,
                name_vi,
                name_en,
                description_vi,
                description_en,
                serious,
                asks,
            ) in enumerate(CATEGORIES)
            if code not in existing
        ]
    )
    names = set(RoutingRule.objects.values_list("name", flat=True))
    RoutingRule.objects.bulk_create(
        [
            RoutingRule(
                name=name,
                priority=priority,
                condition=condition,
                only_serious=only_serious,
                target=target,
                role=role,
            )
            for name, priority, condition, only_serious, target, role in RULES
            if name not in names
        ]
    )


def remove_defaults(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Category = apps.get_model("tips", "Category")
    RoutingRule = apps.get_model("tips", "RoutingRule")
    RoutingRule.objects.filter(name__in=[rule[0] for rule in RULES]).delete()
    Category.objects.filter(code__in=[c[0] for c in CATEGORIES], tips__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("tips", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, remove_defaults)]
