"""Thin task interfaces: each loads what it needs and calls a service; all are idempotent."""

from celery import shared_task

from credit import services
from credit.platform import configured_feed


@shared_task(name="credit.tiers_refresh")
def tiers_refresh() -> int:
    """Daily: records expire and overrides start or end at midnight without any event."""
    return services.credit_tiers_refresh()


@shared_task(name="credit.platform_sync")
def platform_sync() -> int:
    """Pull the live feed of the energy-sector credit platform when one is configured."""
    feed = configured_feed()
    if feed is None:
        return 0
    report = services.credit_records_import(rows=list(feed.rows()), source=feed.source)
    if not report.ok:
        raise RuntimeError("; ".join(report.errors))
    return len(report.created)
