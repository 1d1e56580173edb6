from django.urls import path

from licensing import views

portal_patterns = (
    [
        path("", views.portal_home, name="home"),
        path("applications/", views.portal_applications, name="applications"),
        path("applications/new/", views.application_new, name="application-new"),
        path("personnel/", views.personnel_list, name="personnel"),
        path("personnel/<int:pk>/leave/", views.personnel_leave, name="personnel-leave"),
        path("equipment/", views.equipment_list, name="equipment"),
        path("equipment/<int:pk>/retire/", views.equipment_retire, name="equipment-retire"),
    ],
    "portal",
)

workbench_patterns = (
    [
        path("", views.workbench_home, name="home"),
        path("approvals/", views.approvals, name="approvals"),
    ],
    "workbench",
)

urlpatterns = [
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/act/<str:action>/", views.application_act, name="application-act"),
    path("applications/<int:pk>/materials/", views.material_upload, name="application-material-upload"),
    path("applications/<int:pk>/doubtful/", views.application_flag_doubtful, name="application-doubtful"),
    path(
        "applications/<int:pk>/materials/<int:material_id>/",
        views.material_download,
        name="application-material",
    ),
    path("licences/<int:pk>/", views.licence_detail, name="licence"),
    path("personnel/<int:pk>/id-number/", views.personnel_id_number, name="personnel-id-number"),
]

public_patterns = (
    [
        path("", views.public_home, name="home"),
    ],
    "public",
)
