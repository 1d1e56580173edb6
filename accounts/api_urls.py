from django.urls import path

from accounts import api

urlpatterns = [
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("agencies/", api.AgencyListApi.as_view(), name="api-agencies"),
    path("enterprises/", api.EnterpriseListApi.as_view(), name="api-enterprises"),
    path("enterprises/register/", api.EnterpriseRegisterApi.as_view(), name="api-enterprise-register"),
]
