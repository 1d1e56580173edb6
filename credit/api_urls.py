from django.urls import path

from credit import api

urlpatterns = [
    path("policy/resolve/", api.PolicyResolveApi.as_view(), name="api-credit-policy-resolve"),
    path("policy/measures/", api.PolicyMeasuresApi.as_view(), name="api-credit-policy-measures"),
    path("records/", api.RecordListApi.as_view(), name="api-credit-records"),
    path("enterprises/<int:pk>/tier/", api.EnterpriseTierApi.as_view(), name="api-credit-tier"),
    path("requests/", api.RequestListApi.as_view(), name="api-credit-requests"),
    path("requests/new/", api.RequestCreateApi.as_view(), name="api-credit-request-create"),
    path("requests/<int:pk>/", api.RequestDetailApi.as_view(), name="api-credit-request"),
    path("requests/<int:pk>/accept/", api.RequestAcceptApi.as_view(), name="api-credit-request-accept"),
    path(
        "requests/<int:pk>/not-accept/",
        api.RequestNotAcceptApi.as_view(),
        name="api-credit-request-not-accept",
    ),
    path("requests/<int:pk>/grant/", api.RequestGrantApi.as_view(), name="api-credit-request-grant"),
    path("requests/<int:pk>/refuse/", api.RequestRefuseApi.as_view(), name="api-credit-request-refuse"),
    path("dishonest-list/", api.DishonestListApi.as_view(), name="api-credit-dishonest-list"),
]
