"""Demo data for supervision (manage.py seed_demo, after licensing's demo): run the scan, order one
rectification from a warning, and create one commitment check. Safe to run twice; copes with no licences."""

import datetime as dt

from django.utils import timezone

from licensing.models import Licence, LicenceStatus, ObtainedVia
from supervision import scan, services
from supervision.models import RECTIFIABLE_TYPES, LicenceWarning, RectificationOrder


def seed(ctx: dict) -> None:
    out = ctx.get("stdout")
    run = scan.scan_run(triggered_by="demo")
    services.warnings_notify_pending()
    if out:
        out.write(
            f"    scan: {run.licences_scanned} licences, {run.warnings_opened} warnings opened, "
            f"{run.warnings_closed} closed"
        )
    _one_order(ctx, out)
    _one_commitment_check(out)


def _one_order(ctx, out) -> None:
    if RectificationOrder.objects.filter(source=RectificationOrder.Source.SCAN_WARNING).exists():
        return
    warning = (
        LicenceWarning.objects.filter(
            type__in=RECTIFIABLE_TYPES,
            status__in=[LicenceWarning.Status.OPEN, LicenceWarning.Status.NOTIFIED],
            owner__isnull=False,
        )
        .select_related("owner", "licence")
        .order_by("agency__code", "pk")
        .first()
    )
    if warning is None:
        if out:
            out.write("    no rectifiable warning: no demo rectification order")
        return
    order = services.warning_order_rectification(
        warning=warning,
        officer=warning.owner,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    if out:
        out.write(f"    rectification order {order.number} for {warning.licence.number}")


def _one_commitment_check(out) -> None:
    licence = (
        Licence.objects.filter(obtained_via=ObtainedVia.COMMITMENT, status=LicenceStatus.VALID)
        .select_related("enterprise")
        .order_by("pk")
        .first()
    )
    if licence is None:
        if out:
            out.write("    no licence granted under notification-commitment: no demo commitment check")
        return
    check = services.commitment_check_ensure(licence)
    if out:
        out.write(f"    commitment check for {licence.number} due {check.due_on}")
