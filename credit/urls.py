from django.urls import path

from credit import views

app_name = "credit"

urlpatterns = [
    # officers (their agency's enterprises); supervisors read
    path("", views.officer_home, name="officer-home"),
    path("records/new/", views.record_create, name="record-create"),
    path("records/<int:pk>/", views.record_detail, name="record-detail"),
    path("records/<int:pk>/action/", views.action_create, name="action-create"),
    path("enterprises/<int:pk>/", views.enterprise_credit, name="enterprise-credit"),
    path("enterprises/<int:pk>/override/", views.override_create, name="override-create"),
    path("enterprises/<int:pk>/notice/", views.notice_issue, name="notice-issue"),
    path("overrides/", views.override_list, name="override-list"),
    path("overrides/<int:pk>/cancel/", views.override_cancel, name="override-cancel"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/<slug:action>/", views.request_transition, name="request-transition"),
    path("actions/", views.action_list, name="action-list"),
    path("joint-punishment/", views.joint_list, name="joint-list"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    # enterprises (their own credit)
    path("my/", views.enterprise_home, name="enterprise-home"),
    path("my/tier/", views.enterprise_tier, name="enterprise-tier"),
    path("my/records/<int:pk>/<slug:kind>/", views.request_file, name="request-file"),
    # the public, no login
    path("public/dishonest/", views.public_dishonest, name="public-dishonest"),
]
