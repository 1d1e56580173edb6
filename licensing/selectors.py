"""Reads of licensing, already scoped to the user and with their joins planned."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from core.scoping import scope_queryset
from licensing.models import (
    PAUSED_STATES,
    Application,
    ApplicationScope,
    Licence,
    LicenceScope,
    State,
)


def applications_for(user) -> QuerySet[Application]:
    # All pauses (an application has a handful): services.clock_of reads app.pauses.all() for every
    # paused row, so this prefetch is what keeps a list page from issuing a query per row.
    qs = Application.objects.select_related("enterprise", "agency", "licence", "handled_by").prefetch_related(
        "pauses"
    )
    scoped = scope_queryset(qs, user)
    if getattr(user, "role", None) != "enterprise":
        scoped = scoped.exclude(state=State.DRAFT)  # a draft is the enterprise's own business
    return scoped


def application_detail(user, pk, *, for_api: bool = False) -> Application | None:
    """One application with what its page shows. `for_api`: only what ApplicationDetailOut reads — no
    join to the licence or the officer, no licence scopes — so the API detail is four queries."""
    qs = applications_for(user).prefetch_related(
        Prefetch("scopes", queryset=ApplicationScope.objects.select_related("level")), "materials"
    )
    if for_api:
        qs = qs.select_related(None).select_related("enterprise", "agency")
    else:
        qs = qs.prefetch_related(
            Prefetch("licence__scopes", queryset=LicenceScope.objects.select_related("level"))
        )
    return qs.filter(pk=pk).first()


WORKBENCH_QUEUES = {
    "acceptance": [State.SUBMITTED],
    "correction": [State.CORRECTION_REQUESTED],
    "tolerant": [State.TOLERANT_ACCEPTED],
    "review": [State.ACCEPTED, State.SUPPLEMENTED, State.UNDER_REVIEW, State.SITE_INSPECTION],
    "paused": [State.AWAITING_APPLICANT, State.EXPERT_REVIEW],
    "decision": [State.PENDING_DECISION],
}


def workbench_queue(
    user, queue: str = "review", *, q: str = "", kind: str = "", tier: str = "", mine: bool = False
) -> QuerySet[Application]:
    """An officer's queue, most urgent first (deadline / acceptance due ascending)."""
    states = WORKBENCH_QUEUES.get(queue, WORKBENCH_QUEUES["review"])
    qs = applications_for(user).filter(state__in=states)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(enterprise__name__icontains=q) | Q(enterprise__credit_code=q.upper())
        )
    if kind:
        qs = qs.filter(kind=kind)
    if tier:
        qs = qs.filter(credit_tier=tier)
    if mine:
        qs = qs.filter(handled_by=user)
    if queue == "acceptance":
        return qs.order_by("acceptance_due", "id")
    return qs.order_by("deadline", "id")


def queue_counts(user) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        applications_for(user)
        .filter(state__in=[s for states in WORKBENCH_QUEUES.values() for s in states])
        .values("state")
        # COUNT(*), not COUNT(id): the open-applications index holds agency and state, so the
        # badges are counted from the index alone (docs/benchmarks.md)
        .annotate(n=Count("*"))
    )
    by_state = {r["state"]: r["n"] for r in rows}
    return {queue: sum(by_state.get(s, 0) for s in states) for queue, states in WORKBENCH_QUEUES.items()}


def pending_decisions(user) -> QuerySet[Application]:
    return applications_for(user).filter(state=State.PENDING_DECISION).order_by("deadline", "id")


def pending_extensions(user) -> QuerySet[Application]:
    return applications_for(user).filter(extension_requested=True).order_by("deadline", "id")


def renewals_at_risk(user) -> QuerySet[Application]:
    """Timely renewals the agency has not decided, nearest expiry first (art. 50 deems them granted)."""
    return (
        applications_for(user)
        .filter(
            kind="renewal",
            renewal_timely=True,
            state__in=[
                State.SUBMITTED,
                State.ACCEPTED,
                State.SUPPLEMENTED,
                State.UNDER_REVIEW,
                State.SITE_INSPECTION,
                State.PENDING_DECISION,
            ],
        )
        .order_by("licence__valid_until", "id")
    )


def licences_for(user) -> QuerySet[Licence]:
    qs = Licence.objects.select_related("enterprise", "agency").prefetch_related(
        Prefetch("scopes", queryset=LicenceScope.objects.select_related("level"))
    )
    return scope_queryset(qs, user)


def public_register(
    *, q: str = "", licence_type: str = "", category: str = "", level: str = "", status: str = ""
) -> QuerySet[Licence]:
    """The public licence register (no login): only what is published anyway."""
    qs = Licence.objects.select_related("enterprise", "agency").prefetch_related(
        Prefetch("scopes", queryset=LicenceScope.objects.select_related("level"))
    )
    if q:
        q = q.strip()
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code=q.upper()) | Q(number=q))
    if licence_type:
        qs = qs.filter(licence_type=licence_type)
    if category:
        qs = qs.filter(scopes__category=category)
    if level:
        qs = qs.filter(scopes__level__code=level)
    if status:
        qs = qs.filter(status=status)
    return qs.distinct().order_by("enterprise__name", "number")


def is_paused(app: Application) -> bool:
    return app.state in PAUSED_STATES
