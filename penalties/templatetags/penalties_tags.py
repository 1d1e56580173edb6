from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """12345.6 → "12,345.60" (amounts in yuan are printed the same way in every language)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"
