from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from core.calendar import calendar_changed
        from credit.receivers import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="credit.recompute_due")
