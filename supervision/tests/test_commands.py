"""manage.py scan_licence_conditions, the demo step, and the beat schedule."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from supervision.models import CommitmentCheck, LicenceWarning, RectificationOrder, ScanRun
from tests.factories import LicenceFactory, staff_enterprise


def test_scan_command_runs_and_reports(enterprise, officer):
    LicenceFactory(enterprise=enterprise)
    out = StringIO()
    call_command("scan_licence_conditions", "--date", "2026-11-01", "--batch-size", "1", stdout=out)
    assert "1 licences in 1 batches, 2 warnings opened, 0 closed, 2 notified" in out.getvalue()
    assert ScanRun.objects.get().triggered_by == "command"
    assert set(LicenceWarning.objects.values_list("status", flat=True)) == {"notified"}


@pytest.mark.parametrize("args", [["--date", "2026-13-01"], ["--batch-size", "0"]])
def test_scan_command_refuses_bad_arguments(db, args):
    with pytest.raises(CommandError):
        call_command("scan_licence_conditions", *args, stdout=StringIO())
    assert not ScanRun.objects.exists()


def test_demo_copes_without_licences(db):
    from accounts import demo as accounts_demo
    from supervision import demo

    ctx = {"stdout": StringIO()}
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    assert ScanRun.objects.get().status == "completed"
    assert not RectificationOrder.objects.exists() and not CommitmentCheck.objects.exists()


def test_demo_creates_an_order_and_a_check_once(db):
    from accounts import demo as accounts_demo
    from supervision import demo

    ctx = {"stdout": StringIO()}
    accounts_demo.seed(ctx)
    good, trust = ctx["enterprises"]["good"], ctx["enterprises"]["trust"]
    staff_enterprise(good, personnel_shortfall={"skilled_worker": 2})
    LicenceFactory(enterprise=good)
    staff_enterprise(trust)
    LicenceFactory(
        enterprise=trust, obtained_via="commitment", issued_on=dt.date.today() - dt.timedelta(days=30)
    )
    demo.seed(ctx)
    demo.seed(ctx)
    order = RectificationOrder.objects.get()
    assert order.enterprise == good and order.issued_by.username in ("nf_officer", "nf_officer2")
    assert CommitmentCheck.objects.get().enterprise == trust
    assert ScanRun.objects.count() == 2


def test_periodic_tasks_are_installed_and_admin_edits_kept(db):
    call_command("setup_periodic_tasks", stdout=StringIO())
    monthly = PeriodicTask.objects.get(name="supervision: monthly licence-condition scan")
    assert monthly.task == "supervision.scan_licence_conditions"
    assert (monthly.crontab.day_of_month, monthly.crontab.hour, monthly.crontab.minute) == ("1", "2", "0")
    daily = PeriodicTask.objects.get(name="supervision: daily follow-up")
    assert daily.task == "supervision.daily_follow_up"
    monthly.enabled = False
    monthly.save()
    call_command("setup_periodic_tasks", stdout=StringIO())
    assert PeriodicTask.objects.get(name="supervision: monthly licence-condition scan").enabled is False


def test_registered_task_names_exist():
    import supervision.periodic  # noqa: F401
    from config.celery import app
    from core.periodic import PERIODIC_TASKS

    app.loader.import_default_modules()
    names = {task for _name, task, _cron in PERIODIC_TASKS if task.startswith("supervision.")}
    assert names == {"supervision.scan_licence_conditions", "supervision.daily_follow_up"}
    assert names <= set(app.tasks)
