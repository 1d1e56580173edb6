"""Production settings: `DJANGO_SETTINGS_MODULE=config.settings.production`. `check --deploy` is clean."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str
from config.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (50+ random characters) in production")
BENCH_ENDPOINTS = False  # the bench-only baselines never exist in production
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load-balancer probes speak plain HTTP inside the network
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# drf-spectacular's W001 is about the *names* of enum components in the OpenAPI document when several
# apps reuse a choice set; the schema stays correct. Silenced so `check --deploy` shows what matters.
SILENCED_SYSTEM_CHECKS = ["drf_spectacular.W001"]
