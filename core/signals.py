from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import calendar
from core.models import CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_edited(sender, instance, **kwargs):
    year = instance.year if isinstance(instance, CalendarYear) else instance.date.year
    calendar.invalidate()
    transaction.on_commit(
        lambda: (calendar.invalidate(), calendar.calendar_changed.send(sender=sender, years={year}))
    )
