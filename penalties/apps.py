from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenaltiesConfig(AppConfig):
    name = "penalties"
    verbose_name = _("Penalties")

    def ready(self) -> None:
        from django.db import transaction

        from core.calendar import calendar_changed
        from oversight.detectors import Publishable, register_publishable
        from oversight.panels import Panel, register_panel
        from oversight.public import PublicSection, register_section
        from penalties.selectors import decisions_unpublished, figure_penalties_by_violation

        def _recompute(sender, years, **kwargs):
            from penalties.tasks import recompute_provisional_deadlines

            transaction.on_commit(lambda: recompute_provisional_deadlines.delay(sorted(years)))

        # weak=False: the receiver is a closure that would otherwise be collected once ready() returns.
        calendar_changed.connect(
            _recompute, dispatch_uid="penalties.recompute_provisional_deadlines", weak=False
        )
        register_panel(Panel("penalties", _("Penalties"), 90, lambda f: [figure_penalties_by_violation(f)]))
        register_section(
            PublicSection(
                "penalty_decisions",
                _("Penalty decisions"),
                "penalties:public",
                60,
                _(
                    "Administrative penalty decisions: enterprise, violation, penalty and date; withdrawn "
                    "when the publication period ends or after a credit repair."
                ),
            )
        )
        register_publishable(Publishable("penalty_decisions", "penalty decisions", decisions_unpublished))
