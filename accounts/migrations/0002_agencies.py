from django.db import migrations


def load(apps, schema_editor):
    from accounts.agencies import AGENCIES

    Agency = apps.get_model("accounts", "Agency")
    Jurisdiction = apps.get_model("accounts", "Jurisdiction")
    for code, name, short, national, provinces in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short, "is_national": national}
        )
        for province in provinces:
            Jurisdiction.objects.get_or_create(province=province, defaults={"agency": agency})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
