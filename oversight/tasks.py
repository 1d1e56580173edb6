"""Thin task interfaces: each calls a service; all are idempotent, so a retry or a second worker
does nothing twice."""

from celery import shared_task

from oversight import rollup, services


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
def fact_totals(recent_days: int | None = rollup.NIGHTLY_DAYS) -> int:
    """Nightly: recount the daily and monthly totals of the dashboard facts of the last two months
    (the sync keeps them up to date in its transaction; this is a cheap safety net over the days
    whose facts still change). `recent_days=None` recounts everything (after a restore, say)."""
    return services.fact_totals_rebuild(recent_days=recent_days)
