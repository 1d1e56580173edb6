from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    # 好差评: the enterprise rates the services it received
    path("ratings/", views.ratings_home, name="ratings"),
    path("events/<int:pk>/rate/", views.rate, name="rate"),
    # the agency: ratings, callbacks of bad reviews, the callback setting
    path("ratings/all/", views.rating_list, name="rating-list"),
    path("callbacks/", views.callback_list, name="callbacks"),
    path("callbacks/<int:pk>/", views.callback_detail, name="callback"),
    path("callbacks/<int:pk>/contact/", views.callback_contact, name="callback-contact"),
    path("callbacks/<int:pk>/close/", views.callback_close, name="callback-close"),
    path("callbacks/<int:pk>/reassign/", views.callback_reassign, name="callback-reassign"),
    path("settings/", views.setting_edit, name="settings"),
    # daily work supervision (seed 000 item 九)
    path("flags/", views.flag_list, name="flags"),
    path("flags/new/", views.flag_report, name="flag-report"),
    path("flags/<int:pk>/", views.flag_detail, name="flag"),
    path("flags/<int:pk>/<slug:decision>/", views.flag_decide, name="flag-decide"),
]

# Mounted at /dashboard/: supervisors' home after login.
dashboard_patterns = (
    [
        path("", views.dashboard_home, name="home"),
        path("export.xlsx", views.dashboard_export, name="export"),
    ],
    "dashboard",
)

# Mounted at /public/ beside the licence register (licensing's `public:home`): no login.
disclosure_patterns = (
    [
        path("disclosure/", views.disclosure_home, name="home"),
        path("decisions/", views.public_decisions, name="decisions"),
        path("commitments/", views.public_commitments, name="commitments"),
        path("commitments/<str:number>/", views.public_commitment, name="commitment"),
    ],
    "disclosure",
)
