from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("antifraud", "0006_listing_rules_below_two_raised")]

    operations = [
        migrations.AddConstraint(
            model_name='listingrule',
            constraint=models.CheckConstraint(condition=models.Q(('reports_to_show__gte', 2)), name='af_rule_two_reporters'),
        ),
    ]
