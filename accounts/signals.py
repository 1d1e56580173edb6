import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from core.audit import audit_record


def _ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    get_user_model().objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit_record(actor=user, obj=user, action="auth.login", ip=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, obj=user, action="auth.logout", ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        audit_record(
            actor=f"unknown:{username[:40]}",
            obj=("accounts.user", "-"),
            action="auth.login_failed",
            ip=_ip(request),
        )
        return
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins", "locked_until"])
    context = {"failed_logins": user.failed_logins}
    if user.failed_logins >= settings.LOGIN_LOCKOUT_THRESHOLD and (
        user.locked_until is None or user.locked_until <= timezone.now()
    ):
        until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
        context["locked_until"] = until.isoformat()
        audit_record(actor=username, obj=user, action="auth.locked", context=context, ip=_ip(request))
    else:
        audit_record(actor=username, obj=user, action="auth.login_failed", context=context, ip=_ip(request))
