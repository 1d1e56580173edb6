from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenaltiesConfig(AppConfig):
    name = "penalties"
    verbose_name = _("Penalties")

    def ready(self) -> None:
        from django.db import transaction

        from core.calendar import calendar_changed

        def _recompute(sender, years, **kwargs):
            from penalties.tasks import recompute_provisional_deadlines

            transaction.on_commit(lambda: recompute_provisional_deadlines.delay(sorted(years)))

        # weak=False: the receiver is a closure that would otherwise be collected once ready() returns.
        calendar_changed.connect(
            _recompute, dispatch_uid="penalties.recompute_provisional_deadlines", weak=False
        )
