"""Seriousness and forwarding hours as data on each category, the dates of a
forwarded tip's delivery and acceptance, the period end a deadline is counted to (BLTTHS
Art. 134), and the procuracy's cancellations among the actions.

Data: the categories the joint circular gives 24 h (48 h from a remote commune) — robbery,
murder, kidnapping, human trafficking, drug trafficking and the like — get those hours, each with
its legal source; murder and kidnapping, missing so far, are added. The categories that were
marked serious keep the 24 h they had. Open tips get the period end of their running deadline
(its last day as stored), so a later change of the calendar finds them, and those counted in
months move off a day off (BLTTHS Art. 134). Reversible: the reverse
removes the two added categories unless tips use them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TTLT = (
    "TTLT 01/2021/TTLT-BCA-BQP-BTC-BNN&PTNT-VKSNDTC: 24 h (48 h from a remote commune) for very "
    "serious and especially serious crimes and cases of public concern (article number "
    "UNCONFIRMED)"
)
# code: (seriousness, hours, remote hours, source)
SERIOUSNESS: dict[str, tuple[str, int | None, int | None, str]] = {
    "robbery": ("very_serious", 24, 48, f"BLHS 2015 Art. 168 (robbery, 3–20 years); {TTLT}"),
    "murder": ("especially_serious", 24, 48, f"BLHS 2015 Art. 123 (murder); {TTLT}"),
    "kidnapping": (
        "very_serious",
        24,
        48,
        f"BLHS 2015 Art. 169 (kidnapping for ransom), Art. 157; public concern; {TTLT}",
    ),
    "human-trafficking": ("very_serious", 24, 48, f"BLHS 2015 Art. 150, 151; {TTLT}"),
    "drug-trafficking": ("very_serious", 24, 48, f"BLHS 2015 Art. 250, 251; {TTLT}"),
    "drug-den": ("serious", 24, 48, f"BLHS 2015 Art. 255, 256; {TTLT}"),
    "fraud-fake-authority": (
        "serious",
        24,
        48,
        f"BLHS 2015 Art. 174; public concern (kept from the earlier serious mark); {TTLT}",
    ),
    "fraud-investment": (
        "serious",
        24,
        48,
        f"BLHS 2015 Art. 174; public concern (kept from the earlier serious mark); {TTLT}",
    ),
    "fraud-task": (
        "serious",
        24,
        48,
        f"BLHS 2015 Art. 174; public concern (kept from the earlier serious mark); {TTLT}",
    ),
}
# code, group, name_vi, name_en, description_vi, description_en, order
NEW_CATEGORIES = [
    (
        "murder",
        "violence",
        "Giết người",
        "Murder",
        "Giết người, đe dọa giết người, phát hiện xác chết nghi bị sát hại.",
        "Murder, threats to kill, a body found in suspicious circumstances.",
        95,
    ),
    (
        "kidnapping",
        "violence",
        "Bắt cóc, bắt giữ người trái pháp luật",
        "Kidnapping and unlawful detention",
        "Bắt cóc đòi tiền chuộc, bắt, giữ hoặc giam người trái pháp luật.",
        "Kidnapping for ransom; holding or confining someone unlawfully.",
        96,
    ),
]
OPEN = ["received", "checking", "forwarded", "resolving"]
MONTH_PERIODS = {"decide_complex", "decide_procuracy", "decide_resumed"}
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    category = apps.get_model("tips", "Category")
    existing = set(category.objects.values_list("code", flat=True))
    for code, group, name_vi, name_en, desc_vi, desc_en, order in NEW_CATEGORIES:
        if code not in existing:
            category.objects.create(
                code=code,
                group=group,
                name_vi=name_vi,
                name_en=name_en,
                description_vi=desc_vi,
                description_en=desc_en,
                is_serious=True,
                asks_victim_request=False,
                order=order,
            )
    for code, (seriousness, hours, remote, source) in SERIOUSNESS.items():
        category.objects.filter(code=code, forward_hours__isnull=True).update(
            seriousness=seriousness,
            forward_hours=hours,
            forward_remote_hours=remote,
            seriousness_source=source,
        )
    # The working-day calendar as loaded by workdays.0001 (the holidays package's fixed rules
    # and the announced changes), to move the running month periods as Art. 134 says.
    from toandan.workdays.selectors import WorkCalendar

    change = apps.get_model("workdays", "CalendarChange")
    calendar = WorkCalendar(
        changes={d: (k, n) for d, k, n in change.objects.values_list("day", "kind", "name")}
    )
    tip = apps.get_model("tips", "Tip")
    rows = (
        tip.objects.filter(status__in=OPEN, due_at__isnull=False)
        .exclude(due_kind="forward")
        .only("pk", "due_at", "due_kind")
    )
    for row in rows:
        last = (row.due_at - dt.timedelta(microseconds=1)).astimezone(LOCAL_TZ).date()
        update: dict[str, object] = {"due_period_end": last}
        if row.due_kind in MONTH_PERIODS:
            moved, _skipped = calendar.first_working_day(last)
            next_day = moved + dt.timedelta(days=1)
            update["due_at"] = dt.datetime.combine(next_day, dt.time(0, 0), tzinfo=LOCAL_TZ)
        tip.objects.filter(pk=row.pk).update(**update)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # In SQL: the ORM's cascade collector would walk other apps' models in their historical
    # state, and the two categories are referenced by nothing but tips.
    category = apps.get_model("tips", "Category")._meta.db_table
    tip = apps.get_model("tips", "Tip")._meta.db_table
    codes = [c[0] for c in NEW_CATEGORIES]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {category} WHERE code IN (%s, %s) AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {tip} WHERE {tip}.category_id = {category}.id)",
            codes,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("tips", "0008_open311_listing"),
        ("workdays", "0001_calendar_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='forward_hours',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Empty: the ordinary 7 days.', null=True, verbose_name='forward within (hours)'),
        ),
        migrations.AddField(
            model_name='category',
            name='forward_remote_hours',
            field=models.PositiveSmallIntegerField(blank=True, help_text="Empty: the setting's hours for remote communes (48).", null=True, verbose_name='forward within (hours), remote commune'),
        ),
        migrations.AddField(
            model_name='category',
            name='seriousness',
            field=models.CharField(blank=True, choices=[('less_serious', 'Less serious'), ('serious', 'Serious'), ('very_serious', 'Very serious'), ('especially_serious', 'Especially serious')], max_length=20, verbose_name='seriousness (Criminal Code Art. 9)'),
        ),
        migrations.AddField(
            model_name='category',
            name='seriousness_source',
            field=models.CharField(blank=True, max_length=300, verbose_name='legal source'),
        ),
        migrations.AddField(
            model_name='tip',
            name='accepted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='accepted at'),
        ),
        migrations.AddField(
            model_name='tip',
            name='delivered_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='delivered at'),
        ),
        migrations.AddField(
            model_name='tip',
            name='due_period_end',
            field=models.DateField(blank=True, null=True, verbose_name='period ends (as counted)'),
        ),
        migrations.AlterField(
            model_name='tip',
            name='due_kind',
            field=models.CharField(blank=True, choices=[('forward', 'Forward to the competent unit'), ('decide', 'Decision (20 days)'), ('decide_complex', 'Decision, complex case (2 months)'), ('decide_procuracy', 'Decision, extended by the procuracy'), ('decide_resumed', 'Decision after resumption (1 month)'), ('decide_cancelled', 'Decision after the suspension was cancelled (1 month)'), ('decide_reopened', 'Decision after the decision not to prosecute was cancelled')], max_length=20, verbose_name='deadline'),
        ),
        migrations.AlterField(
            model_name='tipevent',
            name='action',
            field=models.CharField(choices=[('check', 'Start the preliminary check'), ('forward', 'Forward to the competent unit'), ('accept', 'Accept the forwarded tip'), ('return', 'Send the forwarded tip back'), ('reroute', 'Correct the responsible unit'), ('take', 'Take for resolution'), ('extend_complex', 'Extend: complex case'), ('extend_procuracy', 'Extend: procuracy decision'), ('suspend', 'Suspend'), ('resume', 'Resume'), ('prosecute', 'Decide: open a criminal case'), ('not_prosecute', 'Decide: not to prosecute'), ('hand_over', 'Not a criminal matter: hand over'), ('merge', 'Merge into another tip'), ('send_to_procuracy', 'Record sending to the procuracy'), ('cancel_suspension', 'Procuracy cancelled the suspension'), ('cancel_no_prosecute', 'Procuracy cancelled the decision not to prosecute'), ('correct_outcome', 'Correct the outcome'), ('note', 'Internal note'), ('message', 'Message to the tipster'), ('reveal', 'Tipster identity revealed')], max_length=20),
        ),
        migrations.RunPython(forward, backward),
    ]
