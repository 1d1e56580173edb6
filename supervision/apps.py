from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from oversight.panels import Panel, register_panel
        from supervision.selectors import commitment_check_figures

        register_panel(
            Panel(
                "commitment_checks",
                _("Commitment checks (告知承诺, within six months)"),
                60,
                commitment_check_figures,
            )
        )
