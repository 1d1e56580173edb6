"""Presentation only: colours for tiers, grades and request states."""

from django import template

register = template.Library()

TIER_CLASS = {
    "good": "success",
    "trustworthy": "primary",
    "dishonest": "warning",
    "seriously_dishonest": "danger",
}
GRADE_CLASS = {"minor": "secondary", "serious": "warning", "severe": "danger"}
STATE_CLASS = {
    "submitted": "info",
    "accepted": "primary",
    "not_accepted": "secondary",
    "granted": "success",
    "refused": "danger",
}


@register.filter
def tier_class(tier: str) -> str:
    return TIER_CLASS.get(tier, "secondary")


@register.filter
def grade_class(grade: str) -> str:
    return GRADE_CLASS.get(grade, "light")


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASS.get(state, "secondary")
