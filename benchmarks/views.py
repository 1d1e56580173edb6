"""Bench-only baselines (mounted under /bench/ only when settings.BENCH_ENDPOINTS is True).

What a request costs with no application work: the floor each measured page or endpoint is compared
with in the same run (docs/benchmarks.md)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from licensing.models import Application

# The columns GET /api/v1/applications/{id}/ reports straight from the row.
ROW_FIELDS = (
    "id", "number", "state", "kind", "mode", "licence_type", "enterprise_id", "agency_id", "licence_id",
    "credit_tier", "policy_version", "time_limit_days", "same_day", "received_on", "acceptance_due",
    "accepted_on", "deemed_accepted", "deadline", "deadline_provisional", "extension_days",
    "site_inspection", "tolerant_due_on", "decided_on", "deemed_granted", "renewal_timely",
)  # fmt: skip


@require_GET
def bare_json(request, pk: int):
    """A bare Django JSON view of the same application: one query by primary key, no authentication,
    no scoping, no framework — the baseline of the API detail benchmark."""
    row = Application.objects.filter(pk=pk).values(*ROW_FIELDS).first()
    if row is None:
        raise Http404
    return JsonResponse(row)


@require_GET
def hello(request):
    """The floor: the middleware stack and a constant JSON body, no query at all."""
    return JsonResponse({"ok": True})


@require_GET
@login_required
def bare_page(request):
    """base.html for the logged-in user: what any page costs before its own queries and rows."""
    return render(request, "base.html", {})
