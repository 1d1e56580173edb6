from django.urls import path

from documents import api

urlpatterns = [
    path("documents/", api.DocumentListApi.as_view(), name="api-documents"),
    path("documents/<int:pk>/file/", api.DocumentFileApi.as_view(), name="api-document-file"),
    path("documents/bulk/<int:pk>/", api.BulkJobApi.as_view(), name="api-document-bulk-job"),
    path("documents/bulk/<int:pk>/file/", api.BulkJobFileApi.as_view(), name="api-document-bulk-job-file"),
    path("documents/verify/<str:code>/", api.DocumentVerifyApi.as_view(), name="api-document-verify"),
]
