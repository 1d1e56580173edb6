from django import template

from credit.models import Tier

register = template.Library()

BADGES = {
    "open": "text-bg-warning",
    "notified": "text-bg-info",
    "rectifying": "text-bg-primary",
    "resolved": "text-bg-success",
    "escalated": "text-bg-danger",
    "issued": "text-bg-warning",
    "answered": "text-bg-info",
    "due": "text-bg-warning",
    "consistent": "text-bg-success",
    "rectified": "text-bg-success",
    "unmet": "text-bg-danger",
    "revoked": "text-bg-dark",
    "running": "text-bg-info",
    "completed": "text-bg-success",
}
TIERS = dict(Tier.choices)


@register.filter
def badge(state: str) -> str:
    return BADGES.get(state or "", "text-bg-secondary")


@register.filter
def tier_label(code: str) -> str:
    return TIERS.get(code or "", "")
