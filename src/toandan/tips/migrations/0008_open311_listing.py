"""The public Open311 list becomes opt-in per category, and sensitive categories can never be
listed.

No category is listed after this migration: an administrator opts categories in. The default
categories that are sensitive are marked so: drugs and trafficking (the list could warn the
people a tip is about), domestic violence and prostitution (sexual offences), fights with
injuries (about a person, often the tipster), romance scams and deepfakes (someone's private
life or image), and "other" (anything, including a person). Reversible: the reverse drops the
columns.
"""

from typing import Any

from django.db import migrations, models

SENSITIVE_CODES = (
    "drug-use",
    "drug-den",
    "drug-trafficking",
    "human-trafficking",
    "domestic-violence",
    "prostitution",
    "fight-injury",
    "fraud-romance",
    "fraud-deepfake",
    "other",
)


def mark_sensitive(apps: Any, schema_editor: Any) -> None:
    Category = apps.get_model("tips", "Category")
    Category.objects.filter(code__in=SENSITIVE_CODES).update(sensitive=True)
    # Categories an administrator added in these groups are sensitive too.
    Category.objects.filter(group__in=("drugs", "trafficking")).update(sensitive=True)


class Migration(migrations.Migration):

    dependencies = [
        ('tips', '0007_unit_month_counts_backfill'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='open311_listed',
            field=models.BooleanField(default=False, help_text="Show this category's tips in the public list GET /open311/v2/requests: their reference, category, responsible police unit, status and the day they arrived (never the hour, never the content), only some days after they arrived. In a small commune even this can warn a suspect or point at a tipster: list only categories where that cannot happen. Never for sensitive categories, drugs or trafficking.", verbose_name='in the public Open311 list'),
        ),
        migrations.AddField(
            model_name='category',
            name='sensitive',
            field=models.BooleanField(default=False, help_text='Drugs, trafficking, domestic violence, sexual offences, or anything about a person: tips of a sensitive category are never in the public Open311 list.', verbose_name='sensitive'),
        ),
        migrations.RunPython(mark_sensitive, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.CheckConstraint(condition=models.Q(('open311_listed', False), models.Q(('sensitive', False), models.Q(('group__in', ['drugs', 'trafficking']), _negated=True)), _connector='OR'), name='tips_category_sensitive_never_listed'),
        ),
    ]
