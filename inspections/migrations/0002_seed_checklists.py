from django.db import migrations


def load(apps, schema_editor):
    from inspections.checklists_seed import CHECKLISTS

    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for position, (kind, code, text, guidance) in enumerate(CHECKLISTS, start=1):
        ChecklistItem.objects.update_or_create(
            kind=kind, code=code, defaults={"text": text, "guidance": guidance, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
