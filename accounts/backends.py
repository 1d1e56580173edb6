"""Login with lockout: after LOGIN_LOCKOUT_THRESHOLD failures in a row the account is locked for
LOGIN_LOCKOUT_MINUTES. A locked account is refused even with the right password."""

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class LockoutModelBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if user.locked_until is not None and user.locked_until > timezone.now():
            return False
        return super().user_can_authenticate(user)
