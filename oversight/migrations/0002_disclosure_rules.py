"""Publication rules as data (an administrator edits them in the admin). Assumptions in docs/oversight.md."""

from django.db import migrations

RULES = [
    # key, title, publish within (working days), public for (months), withdrawn after repair, basis
    (
        "licensing_decisions",
        "行政许可决定",
        20,
        36,
        False,
        "国家能源局通知（征求意见稿）一（三）、九：许可结果及时主动公开；保留期限为本平台假设（3年）",
    ),
    (
        "commitment_letters",
        "告知承诺书",
        20,
        36,
        False,
        "国家能源局通知（征求意见稿）一（三）：许可决定及告知承诺书在法定时限内对外公开；保留期限为本平台假设（3年）",
    ),
    (
        "penalty_decisions",
        "行政处罚决定",
        7,
        36,
        True,
        "行政执法公示制度：处罚决定7个工作日内公开；公示期最长3年，信用修复后撤下（通知八）",
    ),
    (
        "inspection_results",
        "双随机抽查结果",
        20,
        36,
        True,
        "双随机、一公开：抽查结果20个工作日内公示；保留期限为本平台假设（3年），信用修复后撤下",
    ),
]


def seed(apps, schema_editor):
    DisclosureRule = apps.get_model("oversight", "DisclosureRule")
    for key, title, within, months, repair, basis in RULES:
        DisclosureRule.objects.get_or_create(
            key=key,
            defaults={
                "title": title,
                "publish_within_working_days": within,
                "retention_months": months,
                "withdraw_on_repair": repair,
                "basis": basis,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
