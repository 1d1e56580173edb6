from django.urls import path

from supervision import api

urlpatterns = [
    path("warnings/", api.WarningListApi.as_view(), name="api-supervision-warnings"),
    path("warnings/letters/", api.WarningLettersApi.as_view(), name="api-supervision-warning-letters"),
    path("warnings/<int:pk>/", api.WarningDetailApi.as_view(), name="api-supervision-warning"),
    path("warnings/<int:pk>/order/", api.WarningOrderApi.as_view(), name="api-supervision-warning-order"),
    path(
        "warnings/<int:pk>/recheck/", api.WarningRecheckApi.as_view(), name="api-supervision-warning-recheck"
    ),
    path("orders/", api.OrderListApi.as_view(), name="api-supervision-orders"),
    path("orders/<int:pk>/", api.OrderDetailApi.as_view(), name="api-supervision-order"),
    path("orders/<int:pk>/answer/", api.OrderAnswerApi.as_view(), name="api-supervision-order-answer"),
    path("orders/<int:pk>/verify/", api.OrderVerifyApi.as_view(), name="api-supervision-order-verify"),
    path(
        "orders/<int:pk>/revoke-licence/",
        api.OrderRevokeLicenceApi.as_view(),
        name="api-supervision-order-revoke-licence",
    ),
    path(
        "revocation-candidates/",
        api.RevocationCandidateListApi.as_view(),
        name="api-supervision-revocation-candidates",
    ),
    path("checks/", api.CheckListApi.as_view(), name="api-supervision-checks"),
    path("checks/<int:pk>/", api.CheckDetailApi.as_view(), name="api-supervision-check"),
    path("checks/<int:pk>/record/", api.CheckRecordApi.as_view(), name="api-supervision-check-record"),
    path("coverage/", api.CoverageApi.as_view(), name="api-supervision-coverage"),
    path("scan-runs/", api.ScanRunListApi.as_view(), name="api-supervision-scan-runs"),
    path("scan-runs/start/", api.ScanRunStartApi.as_view(), name="api-supervision-scan-start"),
]
