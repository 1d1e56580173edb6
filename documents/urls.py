from django.urls import path, re_path

from documents import views

app_name = "documents"

urlpatterns = [
    path("documents/<int:pk>/download/", views.download, name="download"),
    path("documents/<int:pk>/file-cell/", views.file_cell, name="file-cell"),
    path("documents/bulk/", views.bulk_jobs, name="bulk-jobs"),
    path("documents/bulk/<int:pk>/", views.bulk_job, name="bulk-job"),
    path("documents/bulk/<int:pk>/progress/", views.bulk_job_progress, name="bulk-job-progress"),
    path("documents/bulk/<int:pk>/download/", views.bulk_job_download, name="bulk-job-download"),
    path("verify/", views.verify_form, name="verify-form"),
    # The QR code prints /verify/<code> without a trailing slash; accept both.
    re_path(r"^verify/(?P<code>[^/]{1,64})/?$", views.verify, name="verify"),
]
