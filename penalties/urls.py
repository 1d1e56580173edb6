from django.urls import path

from penalties import views

app_name = "penalties"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.case_new, name="case-new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case-action"),
    path("departures/", views.departures_list, name="departures"),
    path("departures/<int:pk>/review/", views.departure_review, name="departure-review"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("my/", views.enterprise_home, name="enterprise-home"),
    path("my/<int:pk>/", views.enterprise_case, name="enterprise-case"),
    path("my/<int:pk>/<slug:action>/", views.enterprise_action, name="enterprise-action"),
    path("public/", views.public_list, name="public"),
]
