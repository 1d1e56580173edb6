from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("warnings/", views.warnings_page, name="warnings"),
    path("warnings/letters/", views.warning_letters, name="warning-letters"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("orders/", views.orders_page, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/evidence/<int:evidence_id>/", views.order_evidence, name="order-evidence"),
    path("revocation-candidates/", views.candidates_page, name="candidates"),
    path("checks/", views.checks_page, name="checks"),
    path("checks/<int:pk>/", views.check_detail, name="check"),
    path("scans/", views.scans_page, name="scans"),
    path("scans/start/", views.scan_start, name="scan-start"),
    path("mine/", views.mine, name="mine"),
]
