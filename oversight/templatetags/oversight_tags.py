from django import template
from django.utils.html import format_html

register = template.Library()

LEVEL_CLASS = {
    "very_satisfied": "success",
    "satisfied": "success",
    "basically_satisfied": "secondary",
    "dissatisfied": "warning",
    "very_dissatisfied": "danger",
}
CALLBACK_CLASS = {"open": "warning", "contacted": "info", "closed": "success"}
FLAG_CLASS = {"open": "warning", "confirmed": "danger", "dismissed": "secondary"}


@register.simple_tag
def level_badge(rating):
    return format_html(
        '<span class="badge text-bg-{}" data-level="{}">{}</span>',
        LEVEL_CLASS.get(rating.level, "secondary"),
        rating.level,
        rating.get_level_display(),
    )


@register.simple_tag
def state_pill(obj, kind="callback"):
    classes = CALLBACK_CLASS if kind == "callback" else FLAG_CLASS
    return format_html(
        '<span class="badge text-bg-{}" data-state="{}">{}</span>',
        classes.get(obj.state, "secondary"),
        obj.state,
        obj.get_state_display(),
    )


@register.simple_tag
def flag_rule(flag):
    from oversight.detectors import rule_label

    return rule_label(flag.rule)


@register.simple_tag(takes_context=True)
def rating_events_for(context, application):
    """The service events of `application` the logged-in enterprise may rate, with a form for each
    one not yet rated. For the application page: {% include "oversight/includes/rate_events.html" %}."""
    from oversight import selectors, services
    from oversight.forms import RatingForm

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != "enterprise" or application is None:
        return []
    services.service_events_sync(enterprise=user.enterprise)
    events = selectors.events_of_application(user, application)
    return [
        (event, None if hasattr(event, "rating") else RatingForm(prefix=f"e{event.pk}")) for event in events
    ]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def flag_facts(flag):
    """(label, text) pairs of a flag's facts for its page."""
    from licensing.models import Category
    from oversight.detectors import FACT_LABELS

    categories = dict(Category.choices)

    def text(value):
        if isinstance(value, dict):
            return "、".join(f"{categories.get(k, k)} {v}" for k, v in value.items()) or "—"
        if isinstance(value, list):
            return "；".join(str(v) for v in value) or "—"
        return "—" if value in (None, "") else str(value)

    return [(FACT_LABELS.get(key, key), text(value)) for key, value in (flag.facts or {}).items()]
