"""The indicators of the domains' statistics sources (`toandan.stats.sources.*`), so that the
pivot page and the API offer them: the community models' stock ("initiatives": models, sites,
teams and members active at the end of a period, aggregated as the last value) and the awards
in force ("awards", which created its rows after every migrate until now).

The antifraud source's indicators come with antifraud's own migration 0004 (`fraud_*`) and are
not repeated here. Rows an administrator already has (or edited) are left as they are; the
way back removes them (computed sources: no report value refers to them).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# code, name (vi), name (en), source, source_key, aggregation, order
INDICATORS = (
    (
        "awards_total",
        "Số tập thể, cá nhân được khen thưởng",
        "Collectives and individuals commended",
        "awards",
        "",
        "sum",
        300,
    ),
    (
        "awards_collectives",
        "Số tập thể được khen thưởng",
        "Collectives commended",
        "awards",
        "",
        "sum",
        301,
    ),
    (
        "awards_individuals",
        "Số cá nhân được khen thưởng",
        "Individuals commended",
        "awards",
        "",
        "sum",
        302,
    ),
    (
        "community_models",
        "Số mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc",
        "Community models of the movement",
        "initiatives",
        "models",
        "last",
        400,
    ),
    (
        "community_model_sites",
        "Số điểm của mô hình",
        "Sites of the community models",
        "initiatives",
        "sites",
        "last",
        401,
    ),
    (
        "community_model_teams",
        "Số tổ của mô hình",
        "Teams of the community models",
        "initiatives",
        "teams",
        "last",
        402,
    ),
    (
        "community_model_members",
        "Số thành viên của các tổ mô hình",
        "Members of the community models' teams",
        "initiatives",
        "members",
        "last",
        403,
    ),
)


def forwards(apps: Any, schema_editor: Any) -> None:
    indicator = apps.get_model("stats", "Indicator")
    for code, name_vi, name_en, source, source_key, aggregation, order in INDICATORS:
        indicator.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "source": source,
                "source_key": source_key,
                "aggregation": aggregation,
                "order": order,
            },
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("stats", "Indicator").objects.filter(
        code__in=[spec[0] for spec in INDICATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_commune_summary")]

    operations = [migrations.RunPython(forwards, backwards)]
