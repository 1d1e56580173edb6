from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Licensing")

    def ready(self) -> None:
        from django.db import transaction

        from core.calendar import calendar_changed

        def _recompute(sender, years, **kwargs):
            from core.outbox import enqueue

            transaction.on_commit(lambda: enqueue("licensing.recompute_provisional_deadlines", sorted(years)))

        calendar_changed.connect(
            _recompute, weak=False, dispatch_uid="licensing.recompute_provisional_deadlines"
        )
