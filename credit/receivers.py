"""Reactions to other apps' events; each only calls a service."""

from credit.services import credit_requests_recompute_due


def on_calendar_changed(sender, years=None, **kwargs) -> None:
    """The official schedule arrived or a day was edited: provisional due dates may move."""
    credit_requests_recompute_due(years=years)
