from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Service quality and oversight")

    def ready(self) -> None:
        from core.calendar import calendar_changed
        from oversight import panels, public  # noqa: F401  (the panels and sections this app ships)
        from oversight.receivers import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="oversight.recompute_facts")
