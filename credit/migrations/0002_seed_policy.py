import datetime

from django.db import migrations


def seed(apps, schema_editor):
    from credit.policy_seed import measures

    PolicyVersion = apps.get_model("credit", "PolicyVersion")
    Measure = apps.get_model("credit", "Measure")
    policy, created = PolicyVersion.objects.get_or_create(
        code="CSL-2020",
        defaults={
            "title": "承装（修、试）电力设施许可信用监管应用措施清单",
            "effective_from": datetime.date(2020, 1, 1),
            "source": "seed 003 (54 measures, 14 items) and seed 000 二(二) for notification-commitment",
        },
    )
    if created:
        Measure.objects.bulk_create([Measure(policy=policy, **row) for row in measures()])


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
