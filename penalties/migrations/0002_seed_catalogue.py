import datetime
from decimal import Decimal

from django.db import migrations

DECIMALS = ("fine_min", "fine_max", "gains_multiple_min", "gains_multiple_max")


def seed(apps, schema_editor):
    from penalties.catalogue_seed import violations

    Violation = apps.get_model("penalties", "Violation")
    ProcedureRule = apps.get_model("penalties", "ProcedureRule")
    for row in violations():
        values = {k: (Decimal(v) if k in DECIMALS and v is not None else v) for k, v in row.items()}
        Violation.objects.get_or_create(code=values.pop("code"), defaults=values)
    # 行政处罚法 (2021) and the agency's practice: see docs/penalties.md
    ProcedureRule.objects.get_or_create(effective_from=datetime.date(2021, 7, 15))


class Migration(migrations.Migration):
    dependencies = [("penalties", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
