from django.urls import path

from oversight import api

urlpatterns = [
    path("events/", api.EventListApi.as_view(), name="api-oversight-events"),
    path("ratings/", api.RatingListApi.as_view(), name="api-oversight-ratings"),
    path("callbacks/", api.CallbackListApi.as_view(), name="api-oversight-callbacks"),
    path("callbacks/<int:pk>/", api.CallbackDetailApi.as_view(), name="api-oversight-callback"),
    path(
        "callbacks/<int:pk>/contact/", api.CallbackContactApi.as_view(), name="api-oversight-callback-contact"
    ),
    path("callbacks/<int:pk>/close/", api.CallbackCloseApi.as_view(), name="api-oversight-callback-close"),
    path("work-flags/", api.FlagListApi.as_view(), name="api-oversight-flags"),
    path("work-flags/new/", api.FlagReportApi.as_view(), name="api-oversight-flag-report"),
    path("work-flags/<int:pk>/decide/", api.FlagDecideApi.as_view(), name="api-oversight-flag-decide"),
    path("dashboard/", api.DashboardApi.as_view(), name="api-oversight-dashboard"),
]
