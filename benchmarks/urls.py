from django.urls import path

from benchmarks import views

app_name = "bench"
urlpatterns = [
    path("json/<int:pk>/", views.bare_json, name="json"),
    path("hello/", views.hello, name="hello"),
    path("page/", views.bare_page, name="page"),
]
