"""Thin task interfaces: each calls a service; all are idempotent, so a retry or a second worker
does nothing twice."""

from celery import shared_task

from oversight import services


@shared_task(name="oversight.sync", acks_late=True)
def sync() -> dict:
    """Every few minutes: new service events become ratable, changed applications refresh their facts."""
    return services.oversight_sync()


@shared_task(name="oversight.work_flags", acks_late=True)
def work_flags(full: bool = False) -> dict:
    """Daily: regenerate the flags of daily work supervision (never duplicates, never reopens)."""
    return services.work_flags_regenerate(full=full)


@shared_task(name="oversight.recompute_facts", acks_late=True)
def recompute_facts(years: list[int]) -> int:
    return services.application_facts_recompute(years)


@shared_task(name="oversight.fact_totals", acks_late=True)
def fact_totals() -> int:
    """Nightly: recount every daily and monthly total of the dashboard facts (the sync keeps them up
    to date; this heals them should rows have been changed underneath, e.g. deleted)."""
    return services.fact_totals_rebuild()
