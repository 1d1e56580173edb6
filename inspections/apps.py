from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Supervision in the field")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inspections.selectors import (
            campaign_results_unpublished,
            figure_random_inspections,
            figure_three_lists,
        )
        from oversight.detectors import Publishable, register_publishable
        from oversight.panels import Panel, register_panel
        from oversight.public import PublicSection, register_section

        register_panel(
            Panel(
                "random_inspections",
                _("Random inspections (双随机) by credit tier"),
                70,
                lambda f: [figure_random_inspections(f)],
            )
        )
        register_panel(
            Panel("three_lists", _("The three lists (三清单)"), 80, lambda f: [figure_three_lists(f)])
        )
        register_section(
            PublicSection(
                "random_inspection_results",
                _("Random inspection results"),
                "public_inspections:home",
                50,
                _(
                    "Results of the random inspections (双随机、一公开): enterprises drawn and what was found; "
                    "every draw can be verified."
                ),
            )
        )
        register_publishable(
            Publishable("inspection_results", "random-inspection results", campaign_results_unpublished)
        )
