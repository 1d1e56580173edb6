"""Daily clock work. Each task finds the candidates with one query and handles each in its own
transaction through the service, which re-checks under a row lock: a re-run, a retry or a second
worker does nothing twice."""

import logging

from celery import shared_task
from django.utils import timezone

from licensing import services
from licensing.models import Application, Kind, Licence, LicenceStatus, State

log = logging.getLogger(__name__)


@shared_task(name="licensing.deem_acceptances", acks_late=True)
def deem_acceptances() -> int:
    today = timezone.localdate()
    ids = Application.objects.filter(state=State.SUBMITTED, acceptance_due__lt=today).values_list(
        "pk", flat=True
    )
    return sum(services.application_deem_accept(pk, today) for pk in list(ids))


@shared_task(name="licensing.terminate_overdue_tolerant", acks_late=True)
def terminate_overdue_tolerant() -> int:
    today = timezone.localdate()
    ids = Application.objects.filter(state=State.TOLERANT_ACCEPTED, tolerant_due_on__lt=today).values_list(
        "pk", flat=True
    )
    return sum(services.application_terminate_overdue(pk, today) for pk in list(ids))


@shared_task(name="licensing.deem_renewals", acks_late=True)
def deem_renewals() -> int:
    today = timezone.localdate()
    ids = Application.objects.filter(
        kind=Kind.RENEWAL,
        renewal_timely=True,
        licence__valid_until__lt=today,
        state__in=[
            State.SUBMITTED,
            State.ACCEPTED,
            State.SUPPLEMENTED,
            State.UNDER_REVIEW,
            State.SITE_INSPECTION,
            State.PENDING_DECISION,
        ],
    ).values_list("pk", flat=True)
    return sum(services.application_deem_renewal(pk, today) for pk in list(ids))


@shared_task(name="licensing.expire_licences", acks_late=True)
def expire_licences() -> int:
    """Runs after deem_renewals, so a deemed renewal has already extended the licence."""
    today = timezone.localdate()
    ids = Licence.objects.filter(
        status__in=[LicenceStatus.VALID, LicenceStatus.SUSPENDED], valid_until__lt=today
    ).values_list("pk", flat=True)
    return sum(services.licence_expire(pk, today) for pk in list(ids))


@shared_task(name="licensing.daily_clock", acks_late=True)
def daily_clock() -> dict:
    """The daily run, in the order the rules need."""
    return {
        "deemed_accepted": deem_acceptances(),
        "terminated": terminate_overdue_tolerant(),
        "deemed_renewed": deem_renewals(),
        "expired": expire_licences(),
    }


@shared_task(name="licensing.recompute_provisional_deadlines", acks_late=True)
def recompute_provisional_deadlines(years: list[int]) -> int:
    return services.recompute_provisional_deadlines(set(years))
