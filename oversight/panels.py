"""The registry of dashboard panels: each app adds the panels whose data it owns.

A panel is a titled group of figures built from `DashboardFilters` (agency, period, licence type).
Register one from your app's `AppConfig.ready()`:

    from oversight.panels import Panel, register_panel
    register_panel(Panel("penalties", _("Penalties"), 60, build=lambda f: [figure_penalties_by_type(f)]))

Each figure is a selector returning `oversight.figures.Figure` with a fixed number of aggregate
queries; the dashboard page, the Excel export and `/api/v1/oversight/dashboard/` all render it.

Registered (docs/oversight.md defines each figure): here `time_limits`, `service_quality`, `credit`,
`work_supervision` and the cross-app `verification_methods`; from their apps' `ready()`:
`commitment_checks` (supervision), `random_inspections` and `three_lists` (inspections), `penalties`
(penalties).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from oversight import selectors
from oversight.figures import Figure
from oversight.selectors import DashboardFilters


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    order: int
    build: Callable[[DashboardFilters], list[Figure]]


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def build_figures(filters: DashboardFilters) -> list[tuple[Panel, list[Figure]]]:
    return [(panel, panel.build(filters)) for panel in panels()]


def find_figure(filters: DashboardFilters, key: str) -> Figure | None:
    for _panel, figures in build_figures(filters):
        for figure in figures:
            if figure.key == key:
                return figure
    return None


def _time_limits(f: DashboardFilters) -> list[Figure]:
    figures = [
        selectors.figure_summary(f),
        selectors.figure_days_by_kind(f),
        selectors.figure_days_by_tier(f),
        selectors.figure_on_time_by_kind(f),
        selectors.figure_on_time_by_tier(f),
        selectors.figure_on_time_by_officer(f),
    ]
    if f.all_agencies:
        figures.append(selectors.figure_on_time_by_agency(f))
    figures.append(selectors.figure_overdue_list(f))
    return figures


register_panel(Panel("time_limits", _("Time limits and processing time"), 10, _time_limits))
register_panel(
    Panel(
        "service_quality",
        _("Service quality (好差评)"),
        20,
        lambda f: [selectors.figure_ratings(f), selectors.figure_callbacks(f)],
    )
)
register_panel(Panel("credit", _("Credit"), 30, lambda f: [selectors.figure_credit_tiers(f)]))
register_panel(
    Panel("work_supervision", _("Daily work supervision"), 40, lambda f: [selectors.figure_work_flags(f)])
)
# Cross-app (inspections and supervision's commitment checks): registered here.
register_panel(
    Panel(
        "verification_methods",
        _("Verification methods (off-site and video)"),
        50,
        selectors.verification_figures,
    )
)
