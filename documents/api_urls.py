from django.urls import path

from documents import api

urlpatterns = [
    path("documents/", api.DocumentListApi.as_view(), name="api-documents"),
    path("documents/<int:pk>/file/", api.DocumentFileApi.as_view(), name="api-document-file"),
    path("documents/verify/<str:code>/", api.DocumentVerifyApi.as_view(), name="api-document-verify"),
]
