from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts import views as account_views
from core import views as core_views
from core.health import healthz
from inspections.urls import public_patterns as inspections_public_patterns
from licensing.urls import portal_patterns, public_patterns, workbench_patterns
from oversight.urls import dashboard_patterns, disclosure_patterns

api_v1 = [
    path("", include("core.api_urls")),
    path("", include("accounts.api_urls")),
    path("", include("licensing.api_urls")),
    path("credit/", include("credit.api_urls")),
    path("penalties/", include("penalties.api_urls")),
    path("", include("documents.api_urls")),
    path("supervision/", include("supervision.api_urls")),
    path("inspections/", include("inspections.api_urls")),
    path("oversight/", include("oversight.api_urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("register/", account_views.register, name="register"),
    path("portal/", include(portal_patterns)),
    path("public/", include(public_patterns)),
    path("public/", include(disclosure_patterns)),
    path("", include("licensing.urls")),
    path("workbench/", include(workbench_patterns)),
    path("dashboard/", include(dashboard_patterns)),
    path("oversight/", include("oversight.urls")),
    path("credit/", include("credit.urls")),
    path("penalties/", include("penalties.urls")),
    path("", include("documents.urls")),
    path("supervision/", include("supervision.urls")),
    path("inbox/", core_views.inbox, name="inbox"),
    path("inbox/badge/", core_views.inbox_badge, name="inbox-badge"),
    path("inbox/read/", core_views.inbox_mark_read, name="inbox-read"),
    path("inbox/<int:pk>/open/", core_views.inbox_open, name="inbox-open"),
    path("inspections/", include("inspections.urls")),
    path("public/inspections/", include(inspections_public_patterns)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = "电力资质许可与信用监管平台"
admin.site.site_title = "电力资质许可与信用监管平台"

if settings.DEBUG:  # pragma: no cover - developer convenience only
    pass

if settings.BENCH_ENDPOINTS:  # baselines for make bench (docs/benchmarks.md); never in production
    urlpatterns.append(path("bench/", include("benchmarks.urls")))
