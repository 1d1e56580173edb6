import datetime

from django.db import migrations


def seed(apps, schema_editor):
    from licensing.conditions_seed import EQUIPMENT, LEVELS, conditions

    LevelScheme = apps.get_model("licensing", "LevelScheme")
    Level = apps.get_model("licensing", "Level")
    EquipmentItem = apps.get_model("licensing", "EquipmentItem")
    LicenceCondition = apps.get_model("licensing", "LicenceCondition")
    PersonnelRequirement = apps.get_model("licensing", "PersonnelRequirement")
    EquipmentRequirement = apps.get_model("licensing", "EquipmentRequirement")

    scheme, created = LevelScheme.objects.get_or_create(
        code="NDRC-36-2020", defaults={"name": "国家发展改革委令2020年第36号（五级）",
                                       "effective_from": datetime.date(2020, 10, 11)}
    )
    if not created:
        return
    levels = {code: Level.objects.create(scheme=scheme, code=code, name=name, rank=rank, voltage_scope=scope)
              for code, name, rank, scope in LEVELS}
    items = {code: EquipmentItem.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in EQUIPMENT}
    for row in conditions():
        condition = LicenceCondition.objects.create(
            level=levels[row["level"]], category=row["category"], net_assets_min=row["net_assets_min"],
            projects_required=row["projects_required"], note="样例数据，请按管理办法附件核对",
        )
        for role, count in row["personnel"].items():
            PersonnelRequirement.objects.create(condition=condition, role=role, min_count=count)
        for item, count in row["equipment"].items():
            EquipmentRequirement.objects.create(condition=condition, item=items[item], min_count=count)


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
