"""Thin task interface: load by id, call the service. Idempotent."""

from celery import shared_task

from penalties import services


@shared_task(name="penalties.recompute_provisional_deadlines", acks_late=True)
def recompute_provisional_deadlines(years: list[int]) -> int:
    return services.recompute_provisional_deadlines(set(years))
