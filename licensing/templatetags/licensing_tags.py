from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

STATE_CLASS = {
    "draft": "secondary",
    "submitted": "primary",
    "correction_requested": "warning",
    "not_accepted": "dark",
    "accepted": "info",
    "tolerant_accepted": "warning",
    "supplemented": "info",
    "terminated": "dark",
    "under_review": "info",
    "awaiting_applicant": "warning",
    "site_inspection": "info",
    "expert_review": "warning",
    "pending_decision": "primary",
    "approved": "success",
    "denied": "danger",
    "withdrawn": "secondary",
    "valid": "success",
    "suspended": "warning",
    "revoked": "danger",
    "expired": "secondary",
    "cancelled": "dark",
}
TIER_CLASS = {
    "good": "success",
    "trustworthy": "primary",
    "dishonest": "warning",
    "seriously_dishonest": "danger",
}


@register.simple_tag
def state_badge(obj, field="state"):
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    return format_html(
        '<span class="badge text-bg-{}" data-state="{}">{}</span>',
        STATE_CLASS.get(value, "secondary"),
        value,
        label,
    )


@register.simple_tag
def tier_badge(tier, label=None):
    from credit.models import Tier

    if not tier:
        return "—"
    return format_html(
        '<span class="badge text-bg-{}" data-tier="{}">{}</span>',
        TIER_CLASS.get(tier, "secondary"),
        tier,
        label or Tier(tier).label,
    )


@register.simple_tag
def clock_badge(clock):
    """Remaining working days, paused / overdue / due soon, as one badge."""
    if clock is None or clock.deadline is None:
        return "—"
    provisional = _(" (provisional)") if clock.provisional else ""
    if clock.paused:
        return format_html(
            '<span class="badge text-bg-secondary" title="{}">{}</span>',
            _("The clock is paused"),
            _("paused · %s working days left") % clock.remaining,
        )
    if clock.remaining is None:
        return format_html("<span>{}{}</span>", clock.deadline.isoformat(), provisional)
    if clock.overdue:
        return format_html(
            '<span class="badge badge-overdue" data-clock="overdue">{}</span>',
            _("overdue by %s working days") % -clock.remaining,
        )
    css = "badge-due-soon" if clock.due_soon else "text-bg-light border"
    return format_html(
        '<span class="badge {}" data-clock="{}">{}{}</span>',
        css,
        "due-soon" if clock.due_soon else "running",
        _("%s working days left") % clock.remaining,
        provisional,
    )


@register.simple_tag
def app_clock(app):
    """The clock badge for an application row (used in lists)."""
    from licensing.services import clock_of

    return clock_badge(clock_of(app))
