from django.urls import path

from licensing import api

urlpatterns = [
    path("applications/", api.ApplicationListCreateApi.as_view(), name="api-applications"),
    path("applications/<int:pk>/", api.ApplicationDetailApi.as_view(), name="api-application"),
    path(
        "applications/<int:pk>/history/", api.ApplicationHistoryApi.as_view(), name="api-application-history"
    ),
    path(
        "applications/<int:pk>/materials/", api.MaterialUploadApi.as_view(), name="api-application-materials"
    ),
    *[
        path(f"applications/<int:pk>/{name}/", view.as_view(), name=f"api-application-{name}")
        for name, view in api.ACTION_APIS.items()
    ],
    path("licences/", api.LicenceListApi.as_view(), name="api-licences"),
    path("licences/<int:pk>/", api.LicenceDetailApi.as_view(), name="api-licence"),
    path("public/licences/", api.PublicRegisterApi.as_view(), name="api-public-licences"),
]
