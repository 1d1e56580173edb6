from django.contrib.auth.views import LogoutView
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.PlatformLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", views.PlatformPasswordChangeView.as_view(), name="password_change"),
    path("profile/", views.profile, name="profile"),
]
