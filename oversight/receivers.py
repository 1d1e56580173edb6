"""Reactions to other apps' events; each only queues a task or calls a service."""

from django.db import transaction


def on_calendar_changed(sender, years=None, **kwargs) -> None:
    """The official schedule arrived or a day was edited: count the decisions' working days again."""
    from oversight.tasks import recompute_facts

    if years:
        transaction.on_commit(lambda: recompute_facts.delay(sorted(years)))
