"""Thin task wrappers: the services do the work and are idempotent."""

from celery import shared_task

from inspections import services


@shared_task(name="inspections.sync_dishonest_list", acks_late=True)
def sync_dishonest_list() -> dict:
    """Daily: the dishonest list (三清单) follows the enterprises' current credit tiers."""
    added, removed = services.three_list_sync_dishonest()
    return {"added": added, "removed": removed}
