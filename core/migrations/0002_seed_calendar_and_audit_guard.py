from django.db import migrations


def seed_calendar(apps, schema_editor):
    """Load every official schedule the chinesecalendar package knows (2004 onwards)."""
    import chinese_calendar.constants as cc

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    rows = {}
    for day, name in cc.holidays.items():
        rows[day] = ("holiday", str(name))
    for day, name in cc.workdays.items():
        rows[day] = ("workday", str(name))
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind=k, name=n[:60]) for d, (k, n) in sorted(rows.items())], ignore_conflicts=True
    )
    for year in sorted({d.year for d in rows}):
        CalendarYear.objects.get_or_create(year=year, defaults={"status": "official", "source": "chinesecalendar package"})


# On PostgreSQL the database itself refuses (TRUNCATE, used only by test teardown, is not row-level);
# on the embedded SQLite the model and queryset guards are the protection.
# On PostgreSQL the database itself refuses to change or remove audit rows.
AUDIT_GUARD = """
CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditlog is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditlog_no_change ON core_auditlog;
CREATE TRIGGER core_auditlog_no_change BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only();
"""
AUDIT_GUARD_REVERSE = """
DROP TRIGGER IF EXISTS core_auditlog_no_change ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_append_only();
"""

def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
